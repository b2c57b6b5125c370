/*
 * test_tls_roles.c: roles per client over Modbus/TCP Security (issue
 * 11). The role comes from the certificate's role extension (an AI's
 * writes go through, audited with role ai and the certificate's subject
 * as identity), else from the listener's role: (a historian), else
 * there is none: the connection stays, every request is refused 0x01
 * and audited with role "none"; a certificate's role the config does
 * not know is none too, whatever the listener says. A historian's
 * certificate cannot write (0x01, audited, no takeover however many), an
 * HMI's starts the pump but cannot move the valve (0x02). `wardenctl
 * status --json` lists each connection with its listener, role,
 * identity, TLS and resumption. A second connection that resumes the
 * first one's session (TLS 1.3 ticket; TLS 1.2 session id, the
 * gateway's cache) is resumed and has the same role and identity. A
 * reload that drops a role leaves its open client without one.
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

#include <cmocka.h>
#include <modbus.h>

#include "audit.h"
#include "audit_query.h"
#include "ctl.h"
#include "harness.h"
#include "json.h"
#include "textedit.h"
#include "tls_client.h"
#include "tls_world.h"
#include "wire.h"
#include "world.h"

#define TIMEOUT 5.0             /* sanitizer builds included */

#define VALVE 0                 /* % x10 */
#define PUMP_RUN 0              /* coil */

/* Two violations of the AI's take over: the others' refusals must not
 * count. */
#define BODY \
	"mode: enforce\ninitial_state: auto\n" \
	"points:\n" \
	"  - {name: valve, device: tank1, table: holding, address: 0,\n" \
	"     scale: 0.1, write: {min: 0, max: 100}}\n" \
	"  - {name: pump_speed, device: tank1, table: holding, address: 1,\n" \
	"     scale: 0.1, write: {min: 0, max: 100}}\n" \
	"  - {name: pump_run, device: tank1, table: coil, address: 0,\n" \
	"     write: {}}\n" \
	"takeover:\n" \
	"  on_violations: {count: 2, within: 60s}\n" \
	"roles:\n" \
	"  historian: {read: all, write: none}\n" \
	"  hmi: {read: all, write: [pump_run], during_takeover: keep}\n"

/* certs.sh's CA lists CN before O in a subject: RFC 2253 reverses. */
#define SUBJECT(cn) "O=Modbus Warden tests,CN=" cn

/* The TLS listeners: one without a role, one whose clients without a
 * role in their certificate are historians. */
enum { BARE, HISTORIAN_LISTENER, N_LISTENERS };

struct group {
	char *certs;
};

struct fx {
	const struct group *g;
	struct world *w;
	struct tls_world_listener tls[N_LISTENERS];
	uint16_t tid;
	char line[AUDIT_LINE_MAX];
};

static int teardown(void **state);

static int
setup(void **state)
{
	struct fx *t = calloc(1, sizeof *t);

	if (t == NULL)
		return -1;
	t->g = *state;
	*state = t;
	t->tls[BARE].crl = 1;
	t->tls[HISTORIAN_LISTENER].role = "historian";
	if ((t->w = world_new_tank(NULL, NULL)) != NULL &&
	    tls_world_start(t->w, BODY, t->g->certs, t->tls,
	    N_LISTENERS) == 0 &&
	    world_wait_unit(t->w, 1, VALVE, TIMEOUT) == 0)
		return 0;
	if (t->w != NULL)
		t->w->failed = 1;
	teardown(state);
	*state = NULL;
	return -1;
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

/* A client with certificate `name` on a listener, up. */
static struct tls_client *
client_open(struct fx *t, int listener, const char *name,
    const struct tls_client_options *more)
{
	struct tls_client_options opt = { .dir = t->g->certs, .name = name };
	struct tls_client *c;

	if (more != NULL) {
		opt = *more;
		opt.dir = t->g->certs;
		opt.name = name;
	}
	c = tls_client_open(t->tls[listener].port, &opt, TIMEOUT);
	assert_non_null(c);
	if (c->state != TLS_CLIENT_UP)
		fail_msg("%s: the handshake failed: %s", name, c->why);
	return c;
}

/* Send req (its transaction id set here) and read the answer: the
 * exception code, or 0 when it is a normal answer. */
static int
call(struct fx *t, struct tls_client *c, uint8_t *req, size_t len)
{
	uint8_t answer[WIRE_MAX_ADU];
	int n;

	t->tid++;
	req[0] = (uint8_t)(t->tid >> 8);
	req[1] = (uint8_t)t->tid;
	n = tls_client_call(c, req, len, answer, sizeof answer, TIMEOUT);
	if (n <= 0)
		fail_msg("no answer to fc %u: %s", req[7], n == 0 ?
		    "the gateway closed the connection" : c->why);
	assert_int_equal(wire_tid(answer), t->tid);
	assert_int_equal(wire_fc(answer) & 0x7f, req[7]);
	if ((wire_fc(answer) & 0x80) == 0)
		return 0;
	assert_true(n >= 9);
	return answer[8];
}

static int
read_registers(struct fx *t, struct tls_client *c, uint16_t address)
{
	uint8_t req[WIRE_MAX_ADU];

	return call(t, c, req, wire_read_request(req, 0, 1,
	    MODBUS_FC_READ_HOLDING_REGISTERS, address, 1));
}

static int
write_register(struct fx *t, struct tls_client *c, uint16_t address,
    uint16_t value)
{
	uint8_t req[WIRE_MAX_ADU];

	return call(t, c, req, wire_write_register_request(req, 0, 1,
	    address, value));
}

static int
write_coil(struct fx *t, struct tls_client *c, uint16_t address, int on)
{
	uint8_t req[WIRE_MAX_ADU];
	size_t n = wire_write_register_request(req, 0, 1, address,
	    on ? 0xff00 : 0);

	req[7] = MODBUS_FC_WRITE_SINGLE_COIL;
	return call(t, c, req, n);
}

/* What the device holds, asked directly. */
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

static uint8_t
device_coil(const struct fx *t, int address)
{
	modbus_t *plc = world_plc_client(t->w, 0, 1);
	uint8_t v = 0;

	assert_non_null(plc);
	assert_int_equal(modbus_read_bits(plc, address, 1, &v), 1);
	world_client_free(plc);
	return v;
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

/* The first record of event by client (waited for), into obj; it names
 * role and identity. */
static void
record_of(struct fx *t, const char *event, const char *client,
    const char *role, const char *identity, struct json_value *obj)
{
	const char *why;
	size_t at;

	if (tls_world_wait_record(t->w->audit, 0, event, "client", client,
	    TIMEOUT) <= 0 ||
	    audit_query_line(t->w->audit, 0, event, "client", client, t->line,
	    sizeof t->line) <= 0)
		fail_msg("no %s record of client %s", event, client);
	assert_int_equal(json_parse(t->line, strlen(t->line), obj, &at, &why),
	    0);
	field_string(t, obj, "role", role);
	field_string(t, obj, "identity", identity);
}

/* Every record of client (n of them, waited for) names role and
 * identity. */
static void
records_of(struct fx *t, const char *client, int n, const char *role,
    const char *identity)
{
	double deadline = harness_now() + TIMEOUT;
	struct json_value obj;
	const char *why;
	size_t at;
	int line = 0, seen = 0;

	while (tls_world_count(t->w->audit, NULL, "client", client) < n &&
	    harness_now() < deadline)
		harness_nap(0.01);
	while ((line = tls_world_record(t->w->audit, line, "client", client,
	    t->line, sizeof t->line)) > 0) {
		assert_int_equal(json_parse(t->line, strlen(t->line), &obj,
		    &at, &why), 0);
		field_string(t, &obj, "role", role);
		field_string(t, &obj, "identity", identity);
		seen++;
	}
	assert_int_equal(seen, n);
}

static void
assert_state(const struct fx *t, const char *state)
{
	struct ctl_status st;
	char why[256];

	if (ctl_status(t->w, &st, why, sizeof why) != 0)
		fail_msg("%s", why);
	assert_string_equal(st.state, state);
}

/* The cert's role ai: its writes within limits reach the device, audited
 * with role ai and its subject. */
static void
test_cert_role_ai(void **state)
{
	struct fx *t = *state;
	struct tls_client *c = client_open(t, BARE, "client-ai", NULL);
	struct json_value obj;

	assert_int_equal(write_register(t, c, VALVE, 400), 0);
	assert_int_equal(device_register(t, VALVE), 400);
	assert_int_equal(read_registers(t, c, VALVE), 0);
	record_of(t, "write_allowed", c->local, "ai", SUBJECT("ai"), &obj);
	field_string(t, &obj, "point", "valve");
	tls_client_free(c);
}

/* No role in the certificate, the listener's historian: it reads, its
 * write is refused 0x01. */
static void
test_listener_role(void **state)
{
	struct fx *t = *state;
	struct tls_client *c = client_open(t, HISTORIAN_LISTENER,
	    "client-norole", NULL);
	struct json_value obj;

	assert_int_equal(read_registers(t, c, VALVE), 0);
	assert_int_equal(write_register(t, c, VALVE, 555),
	    MODBUS_EXCEPTION_ILLEGAL_FUNCTION);
	assert_int_not_equal(device_register(t, VALVE), 555);
	record_of(t, "write_rejected", c->local, "historian",
	    SUBJECT("norole"), &obj);
	tls_client_free(c);
	assert_state(t, "auto");
}

/* No role anywhere: the connection stays, every request is 0x01 and
 * audited with role "none". */
static void
test_no_role(void **state)
{
	struct fx *t = *state;
	struct tls_client *c = client_open(t, BARE, "client-norole", NULL);

	assert_int_equal(read_registers(t, c, VALVE),
	    MODBUS_EXCEPTION_ILLEGAL_FUNCTION);
	assert_int_equal(write_register(t, c, VALVE, 555),
	    MODBUS_EXCEPTION_ILLEGAL_FUNCTION);
	assert_int_equal(write_coil(t, c, PUMP_RUN, 1),
	    MODBUS_EXCEPTION_ILLEGAL_FUNCTION);
	assert_int_equal(read_registers(t, c, VALVE),
	    MODBUS_EXCEPTION_ILLEGAL_FUNCTION);
	assert_int_not_equal(device_register(t, VALVE), 555);
	records_of(t, c->local, 4, "none", SUBJECT("norole"));
	tls_client_free(c);
	assert_state(t, "auto");
}

/* A role in the certificate that roles: does not name is no role, even
 * on a listener with one. */
static void
test_unknown_cert_role(void **state)
{
	struct fx *t = *state;
	struct tls_client *c = client_open(t, HISTORIAN_LISTENER,
	    "client-stranger", NULL);

	assert_int_equal(read_registers(t, c, VALVE),
	    MODBUS_EXCEPTION_ILLEGAL_FUNCTION);
	assert_int_equal(write_register(t, c, VALVE, 555),
	    MODBUS_EXCEPTION_ILLEGAL_FUNCTION);
	assert_int_not_equal(device_register(t, VALVE), 555);
	records_of(t, c->local, 2, "none", SUBJECT("stranger"));
	tls_client_free(c);
}

/* The historian's certificate: reads, cannot write (0x01), and three
 * refusals are no violation of the AI's: no takeover. */
static void
test_historian_cannot_write(void **state)
{
	struct fx *t = *state;
	struct tls_client *c = client_open(t, BARE, "client-historian",
	    NULL);
	struct json_value obj;

	assert_int_equal(read_registers(t, c, VALVE), 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(write_register(t, c, VALVE, 100),
		    MODBUS_EXCEPTION_ILLEGAL_FUNCTION);
	assert_int_equal(write_coil(t, c, PUMP_RUN, 1),
	    MODBUS_EXCEPTION_ILLEGAL_FUNCTION);
	assert_int_not_equal(device_register(t, VALVE), 100);
	record_of(t, "write_rejected", c->local, "historian",
	    SUBJECT("historian"), &obj);
	field_string(t, &obj, "rule", "role");
	field_string(t, &obj, "reason", "role 'historian' may not write");
	assert_state(t, "auto");
	assert_int_equal(tls_world_count(t->w->audit, "takeover", "event",
	    "takeover"), 0);
	tls_client_free(c);
}

/* The HMI's certificate: starts the pump, cannot move the valve
 * (0x02). */
static void
test_hmi_pump_not_valve(void **state)
{
	struct fx *t = *state;
	struct tls_client *c = client_open(t, BARE, "client-hmi", NULL);
	struct json_value obj;

	assert_int_equal(write_coil(t, c, PUMP_RUN, 0), 0);
	assert_int_equal(device_coil(t, PUMP_RUN), 0);
	assert_int_equal(write_coil(t, c, PUMP_RUN, 1), 0);
	assert_int_equal(device_coil(t, PUMP_RUN), 1);
	record_of(t, "write_allowed", c->local, "hmi", SUBJECT("hmi"), &obj);
	for (int i = 0; i < 3; i++)
		assert_int_equal(write_register(t, c, VALVE, 123),
		    MODBUS_EXCEPTION_ILLEGAL_DATA_ADDRESS);
	assert_int_not_equal(device_register(t, VALVE), 123);
	record_of(t, "write_rejected", c->local, "hmi", SUBJECT("hmi"), &obj);
	field_string(t, &obj, "point", "valve");
	assert_state(t, "auto");
	tls_client_free(c);
}

static void
assert_connection(const struct fx *t, const char *client, int listener,
    const char *role, const char *identity, int tls, int resumed)
{
	struct tls_world_conn conn;
	char why[4096], want[64];

	if (tls_world_connection(t->w, client, &conn, NULL, why,
	    sizeof why) != 0)
		fail_msg("%s", why);
	snprintf(want, sizeof want, "127.0.0.1:%u", listener >= 0 ?
	    t->tls[listener].port : t->w->port);
	assert_string_equal(conn.listener, want);
	assert_string_equal(conn.role, role);
	assert_string_equal(conn.identity, identity);
	assert_int_equal(conn.tls, tls);
	if (tls)
		assert_int_equal(conn.resumed, resumed);
	assert_true(conn.has_since);
}

/* The address a libmodbus client connects from. */
static void
modbus_local(modbus_t *ctx, char *out, size_t len)
{
	struct sockaddr_in sin;
	socklen_t slen = sizeof sin;

	assert_int_equal(getsockname(modbus_get_socket(ctx),
	    (struct sockaddr *)&sin, &slen), 0);
	snprintf(out, len, "127.0.0.1:%u", (unsigned)ntohs(sin.sin_port));
}

/* status lists every connection: TLS ones with their certificate's
 * subject, the plain AI with its address; a closed one goes. */
static void
test_status_connections(void **state)
{
	struct fx *t = *state;
	struct tls_client *ai = client_open(t, BARE, "client-ai", NULL);
	struct tls_client *hist = client_open(t, HISTORIAN_LISTENER,
	    "client-norole", NULL);
	modbus_t *plain = world_client(t->w, 1, TIMEOUT);
	struct tls_world_conn conn;
	char local[64], why[4096], gone[64];
	double deadline;
	long clients = -1;

	assert_non_null(plain);
	modbus_local(plain, local, sizeof local);
	assert_int_equal(read_registers(t, ai, VALVE), 0);
	assert_connection(t, ai->local, BARE, "ai", SUBJECT("ai"), 1, 0);
	assert_connection(t, hist->local, HISTORIAN_LISTENER, "historian",
	    SUBJECT("norole"), 1, 0);
	assert_connection(t, local, -1, "ai", local, 0, 0);
	assert_int_equal(tls_world_connection(t->w, NULL, &conn, &clients,
	    why, sizeof why), 0);
	assert_int_equal(clients, 3);

	snprintf(gone, sizeof gone, "%s", hist->local);
	tls_client_free(hist);
	deadline = harness_now() + TIMEOUT;
	while (tls_world_connection(t->w, gone, &conn, &clients, why,
	    sizeof why) == 0 && harness_now() < deadline)
		harness_nap(0.01);
	if (tls_world_connection(t->w, gone, &conn, &clients, why,
	    sizeof why) == 0)
		fail_msg("status still lists %s after it closed", gone);
	assert_int_equal(clients, 2);
	world_client_free(plain);
	tls_client_free(ai);
}

/* Connect, write, keep the session; connect again with it: resumed,
 * the same role and identity, in the audit and in status. */
static void
resume(struct fx *t, const struct tls_client_options *opt)
{
	struct tls_client *c = client_open(t, BARE, "client-ai", opt);
	struct tls_client_options again = *opt;
	struct json_value obj;

	assert_int_equal(write_register(t, c, VALVE, 410), 0);
	assert_false(tls_client_resumed(c));
	again.resume = tls_client_session(c);
	assert_non_null(again.resume);
	assert_true(SSL_SESSION_is_resumable(again.resume));
	tls_client_free(c);

	c = client_open(t, BARE, "client-ai", &again);
	SSL_SESSION_free(again.resume);
	assert_true(tls_client_resumed(c));
	assert_int_equal(write_register(t, c, VALVE, 420), 0);
	assert_int_equal(device_register(t, VALVE), 420);
	record_of(t, "write_allowed", c->local, "ai", SUBJECT("ai"), &obj);
	assert_connection(t, c->local, BARE, "ai", SUBJECT("ai"), 1, 1);
	tls_client_free(c);
}

static void
test_resumption_ticket(void **state)
{
	struct tls_client_options opt = { 0 };

	resume(*state, &opt);
}

static void
test_resumption_session_id(void **state)
{
	struct tls_client_options opt = { .max_version = TLS1_2_VERSION,
		.no_ticket = 1 };

	resume(*state, &opt);
}

/* The HMI connected; a reload takes its role away: its connection
 * stays, with no role. */
static void
test_reload_drops_role(void **state)
{
	struct fx *t = *state;
	struct tls_client *c = client_open(t, BARE, "client-hmi", NULL);
	struct ctl_result *res = malloc(sizeof *res);
	struct json_value obj;
	int at;

	assert_non_null(res);
	assert_int_equal(write_coil(t, c, PUMP_RUN, 1), 0);
	assert_int_equal(textedit_replace(t->w->config, 0, "  hmi: {read: all, "
	    "write: [pump_run], during_takeover: keep}\n", ""), 0);
	ctl_run(t->w, res, "reload", (char *)NULL);
	if (res->status != 0)
		fail_msg("reload exited %d: %s%s", res->status, res->out,
		    res->err);
	free(res);
	/* The start's config_loaded, then the reload's. */
	at = audit_query_find(t->w->audit, 0, "config_loaded", NULL, NULL);
	assert_true(at > 0);
	assert_true(tls_world_wait_record(t->w->audit, at, "config_loaded",
	    NULL, NULL, TIMEOUT) > 0);
	assert_int_equal(write_coil(t, c, PUMP_RUN, 0),
	    MODBUS_EXCEPTION_ILLEGAL_FUNCTION);
	assert_int_equal(device_coil(t, PUMP_RUN), 1);
	record_of(t, "write_rejected", c->local, "none", SUBJECT("hmi"),
	    &obj);
	assert_connection(t, c->local, BARE, "none", SUBJECT("hmi"), 1, 0);
	tls_client_free(c);
}

static int
group_setup(void **state)
{
	struct group *g = calloc(1, sizeof *g);

	*state = g;
	if (g == NULL || (g->certs = harness_tmpdir()) == NULL)
		return -1;
	/* A role the config has no roles: entry for. */
	return tls_world_certs(g->certs) == 0 &&
	    tls_world_client_cert(g->certs, "stranger", "operator") == 0 ?
	    0 : -1;
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
		cmocka_unit_test_setup_teardown(test_cert_role_ai, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_listener_role, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_no_role, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_unknown_cert_role, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_historian_cannot_write,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_hmi_pump_not_valve,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_status_connections,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_resumption_ticket, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_resumption_session_id,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_reload_drops_role, setup,
		    teardown),
	};

	/* The client's writes to a gateway that closed. */
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
