/*
 * test_tls_refused.c: the clients a Modbus/TCP Security listener turns
 * away (issue 11): no client certificate, one of a CA it does not trust,
 * an expired one, a revoked one (crl:), one whose role extension is not
 * a UTF8String, and a peer that does not speak TLS. Each is closed, with
 * exactly one client_refused audit record naming the listener, the
 * reason and, when a certificate was sent, its subject; the write it
 * slips in right after its Finished never reaches the device, and
 * nothing else of it is audited. A probe that connects and leaves
 * before its handshake is not audited at all. A reload re-reads the
 * CRL: a certificate revoked since is refused, its session not resumed;
 * a CRL that cannot be read leaves the one in force.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>
#include <modbus.h>

#include "audit.h"
#include "audit_query.h"
#include "ctl.h"
#include "harness.h"
#include "json.h"
#include "tls_client.h"
#include "tls_world.h"
#include "wire.h"
#include "world.h"

#define TIMEOUT 5.0             /* sanitizer builds included */
#define VALVE 0
#define MARK 777                /* the refused client's write */

#define BODY \
	"mode: enforce\ninitial_state: auto\n" \
	"points:\n" \
	"  - {name: valve, device: tank1, table: holding, address: 0,\n" \
	"     scale: 0.1, write: {min: 0, max: 100}}\n"

/* certs.sh's CA lists CN before O in a subject: RFC 2253 reverses. */
#define SUBJECT(cn) "O=Modbus Warden tests,CN=" cn

struct group {
	char *certs;
};

struct fx {
	const struct group *g;
	char certs[WORLD_PATH_MAX];     /* the group's, or the world's own */
	struct world *w;
	struct tls_world_listener tls;
	char listener[64];
	char line[AUDIT_LINE_MAX];
	struct ctl_result res;
};

static int teardown(void **state);

/* The world, its certificates from the group's (own 0) or its own
 * (made in its dir: a test that revokes). */
static int
start(void **state, int own)
{
	struct fx *t = calloc(1, sizeof *t);

	if (t == NULL)
		return -1;
	t->g = *state;
	*state = t;
	t->tls.crl = 1;
	if ((t->w = world_new_tank(NULL, NULL)) != NULL) {
		snprintf(t->certs, sizeof t->certs, "%s%s", own ? t->w->dir :
		    t->g->certs, own ? "/certs" : "");
		if ((!own || tls_world_certs(t->certs) == 0) &&
		    tls_world_start(t->w, BODY, t->certs, &t->tls, 1) == 0) {
			snprintf(t->listener, sizeof t->listener,
			    "127.0.0.1:%u", t->tls.port);
			return 0;
		}
	}
	teardown(state);
	*state = NULL;
	return -1;
}

static int
setup(void **state)
{
	return start(state, 0);
}

static int
setup_own(void **state)
{
	return start(state, 1);
}

static int
teardown(void **state)
{
	struct fx *t = *state;
	int rc = 0;

	if (t != NULL) {
		rc = t->w != NULL ? world_free(t->w) : 0;
		free(t);
	}
	return rc;
}

static void
field_string(const struct fx *t, const struct json_value *obj,
    const char *key, const char *want)
{
	struct json_value v;
	char text[512];

	if (json_object_get(obj, key, &v) != 0 ||
	    json_get_string(&v, text, sizeof text) < 0)
		fail_msg("record has no string %s: %s", key, t->line);
	if (strcmp(text, want) != 0)
		fail_msg("record's %s is \"%s\", expected \"%s\": %s", key,
		    text, want, t->line);
}

static uint16_t
device_register(const struct fx *t, int address)
{
	modbus_t *plc = world_plc_client(t->w, 0, 1);
	uint16_t v = 0;

	assert_non_null(plc);
	assert_int_equal(modbus_read_registers(plc, address, 1, &v), 1);
	world_client_free(plc);
	return v;
}

/*
 * The refusal's record: the one of client, with the listener, a reason
 * that begins with `reason`, and subject (NULL: none, no certificate).
 * Then, wardend stopped so that the log is complete: it is the only
 * client_refused record and the only record of client at all, and the
 * device never saw the client's write.
 */
static void
assert_refused(struct fx *t, const char *client, const char *reason,
    const char *subject)
{
	struct json_value obj, v;
	char text[512];
	const char *why;
	size_t at;

	if (tls_world_wait_record(t->w->audit, 0, "client_refused", "client",
	    client, TIMEOUT) <= 0 ||
	    audit_query_line(t->w->audit, 0, "client_refused", "client",
	    client, t->line, sizeof t->line) <= 0)
		fail_msg("no client_refused record of %s", client);
	assert_int_equal(json_parse(t->line, strlen(t->line), &obj, &at,
	    &why), 0);
	field_string(t, &obj, "listener", t->listener);
	if (json_object_get(&obj, "reason", &v) != 0 ||
	    json_get_string(&v, text, sizeof text) < 0 ||
	    strncmp(text, reason, strlen(reason)) != 0)
		fail_msg("the reason should begin \"%s\": %s", reason,
		    t->line);
	if (subject != NULL)
		field_string(t, &obj, "subject", subject);
	else if (json_object_get(&obj, "subject", &v) == 0)
		fail_msg("a subject without a certificate: %s", t->line);

	assert_int_equal(world_stop(t->w), 0);
	assert_int_equal(tls_world_count(t->w->audit, NULL, "event",
	    "client_refused"), 1);
	assert_int_equal(tls_world_count(t->w->audit, NULL, "client", client),
	    1);
	assert_int_not_equal(device_register(t, VALVE), MARK);
}

/*
 * Connect as opt says (its dir and early bytes set here), slipping a
 * write in at once; the gateway must refuse the handshake (or, when
 * `after` is set, may first finish it) and close. The client's address.
 */
static void
refuse_with(struct fx *t, struct tls_client_options *opt, int after,
    char *client, size_t len)
{
	uint8_t req[WIRE_MAX_ADU], answer[WIRE_MAX_ADU];
	struct tls_client *c;

	opt->dir = t->certs;
	opt->early = req;
	opt->early_len = wire_write_register_request(req, 1, 1, VALVE, MARK);
	c = tls_client_open(t->tls.port, opt, TIMEOUT);
	assert_non_null(c);
	if (c->state == TLS_CLIENT_UP && after)
		assert_int_equal(tls_client_call(c, req, opt->early_len,
		    answer, sizeof answer, TIMEOUT), 0);
	else if (c->state != TLS_CLIENT_REFUSED)
		fail_msg("%s: the handshake was not refused: %s",
		    opt->name ? opt->name : "no certificate",
		    c->state == TLS_CLIENT_UP ? "it is up" : c->why);
	assert_false(tls_client_resumed(c));
	assert_true(tls_client_closed(c, TIMEOUT));
	snprintf(client, len, "%s", c->local);
	tls_client_free(c);
}

static void
refuse(struct fx *t, const char *name, int max_version, int after,
    char *client, size_t len)
{
	struct tls_client_options opt = { .name = name,
		.max_version = max_version };

	refuse_with(t, &opt, after, client, len);
}

static void
test_no_certificate(void **state)
{
	struct fx *t = *state;
	char client[64];

	refuse(t, NULL, 0, 0, client, sizeof client);
	assert_refused(t, client, "no client certificate", NULL);
}

static void
test_untrusted_ca(void **state)
{
	struct fx *t = *state;
	char client[64];

	refuse(t, "client-untrusted", 0, 0, client, sizeof client);
	assert_refused(t, client, "certificate verify failed: unable to get "
	    "local issuer certificate", SUBJECT("untrusted"));
}

/* The same refusal over TLS 1.2, where the client learns it in its own
 * handshake. */
static void
test_untrusted_ca_tls12(void **state)
{
	struct fx *t = *state;
	char client[64];

	refuse(t, "client-untrusted", TLS1_2_VERSION, 0, client,
	    sizeof client);
	assert_refused(t, client, "certificate verify failed: unable to get "
	    "local issuer certificate", SUBJECT("untrusted"));
}

static void
test_expired(void **state)
{
	struct fx *t = *state;
	char client[64];

	refuse(t, "client-expired", 0, 0, client, sizeof client);
	assert_refused(t, client, "certificate verify failed: certificate "
	    "has expired", SUBJECT("expired"));
}

static void
test_revoked(void **state)
{
	struct fx *t = *state;
	char client[64];

	refuse(t, "client-revoked", 0, 0, client, sizeof client);
	assert_refused(t, client, "certificate verify failed: certificate "
	    "revoked", SUBJECT("revoked"));
}

/* A role extension that is an INTEGER: the certificate is good, the
 * role cannot be read, so the gateway closes after the handshake. */
static void
test_malformed_role(void **state)
{
	struct fx *t = *state;
	char client[64];
	int n;

	refuse(t, "client-badrole", 0, 1, client, sizeof client);
	assert_refused(t, client, "", SUBJECT("badrole"));
	n = audit_query_line(t->w->audit, 0, "client_refused", "client",
	    client, t->line, sizeof t->line);
	assert_true(n > 0);
	if (strstr(t->line, "role") == NULL)
		fail_msg("the reason should name the role extension: %s",
		    t->line);
}

/* Plain Modbus/TCP on the TLS port: a protocol error, refused. */
static void
test_not_tls(void **state)
{
	struct fx *t = *state;
	struct sockaddr_in sin;
	socklen_t slen = sizeof sin;
	uint8_t req[WIRE_MAX_ADU];
	char client[64];
	size_t n;
	int fd;

	fd = wire_connect(t->tls.port);
	assert_true(fd >= 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &slen), 0);
	snprintf(client, sizeof client, "127.0.0.1:%u",
	    (unsigned)ntohs(sin.sin_port));
	n = wire_write_register_request(req, 1, 1, VALVE, MARK);
	assert_int_equal(wire_send(fd, req, n), 0);
	assert_true(wire_wait_closed(fd, TIMEOUT));
	close(fd);
	assert_refused(t, client, "", NULL);
}

/* A client up, answered; its session into *session when not NULL. */
static void
connect_ai(struct fx *t, const char *name, SSL_SESSION **session)
{
	struct tls_client_options opt = { .dir = t->certs, .name = name };
	uint8_t req[WIRE_MAX_ADU], answer[WIRE_MAX_ADU];
	struct tls_client *c = tls_client_open(t->tls.port, &opt, TIMEOUT);
	size_t n = wire_read_request(req, 1, 1,
	    MODBUS_FC_READ_HOLDING_REGISTERS, VALVE, 1);

	assert_non_null(c);
	if (c->state != TLS_CLIENT_UP)
		fail_msg("%s: the handshake failed: %s", name, c->why);
	if (tls_client_call(c, req, n, answer, sizeof answer, TIMEOUT) <= 0)
		fail_msg("%s: no answer: %s", name, c->why);
	if (session != NULL)
		*session = tls_client_session(c);
	tls_client_free(c);
}

static void
reload(struct fx *t)
{
	ctl_run(t->w, &t->res, "reload", (char *)NULL);
	if (t->res.status != 0)
		fail_msg("reload exited %d: %s%s", t->res.status, t->res.out,
		    t->res.err);
}

/* Revoked and reloaded: the certificate is refused, its session is not
 * resumed. */
static void
test_reload_revokes(void **state)
{
	struct fx *t = *state;
	struct tls_client_options opt = { .name = "client-ai" };
	char client[64];

	connect_ai(t, "client-ai", &opt.resume);
	assert_non_null(opt.resume);
	assert_int_equal(tls_world_revoke(t->certs, "client-ai"), 0);
	reload(t);
	refuse_with(t, &opt, 0, client, sizeof client);
	SSL_SESSION_free(opt.resume);
	assert_refused(t, client, "certificate verify failed: certificate "
	    "revoked", SUBJECT("ai"));
}

/* A CRL that cannot be read: the reload is refused (and audited) and
 * the one in force stays: the revoked client stays out, the others come
 * in. */
static void
test_reload_bad_crl(void **state)
{
	struct fx *t = *state;
	char crl[WORLD_PATH_MAX + 16], client[64];

	snprintf(crl, sizeof crl, "%s/crl.pem", t->certs);
	assert_int_equal(harness_write_file(crl, "not a CRL\n"), 0);
	ctl_run(t->w, &t->res, "reload", (char *)NULL);
	assert_int_not_equal(t->res.status, 0);
	assert_true(tls_world_wait_record(t->w->audit, 0, "config_rejected",
	    NULL, NULL, TIMEOUT) > 0);
	connect_ai(t, "client-ai", NULL);
	refuse(t, "client-revoked", 0, 0, client, sizeof client);
	assert_refused(t, client, "certificate verify failed: certificate "
	    "revoked", SUBJECT("revoked"));
}

static int
group_setup(void **state)
{
	struct group *g = calloc(1, sizeof *g);

	*state = g;
	if (g == NULL || (g->certs = harness_tmpdir()) == NULL)
		return -1;
	return tls_world_certs(g->certs);
}

static int
group_teardown(void **state)
{
	struct group *g = *state;

	if (g != NULL) {
		harness_rmdir(g->certs);
		free(g->certs);
		free(g);
	}
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_no_certificate, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_untrusted_ca, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_untrusted_ca_tls12,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_expired, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_revoked, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_malformed_role, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_not_tls, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_reload_revokes, setup_own,
		    teardown),
		cmocka_unit_test_setup_teardown(test_reload_bad_crl, setup_own,
		    teardown),
	};

	/* The client's writes to a gateway that closed. */
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
