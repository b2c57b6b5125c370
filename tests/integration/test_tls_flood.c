/*
 * test_tls_flood.c: a handshake flood on a Modbus/TCP Security listener
 * (issue 11). 200 connections that send nothing or only the start of a
 * ClientHello sit in their handshakes while a TLS client already up
 * keeps being answered, a new one gets through its handshake, and an
 * operator's takeover over the control socket is answered within a
 * second: handshakes run on the event loop without blocking it. Then
 * the 5 s handshake limit closes every one of them, none earlier, and
 * none is audited (an unauthenticated peer must not fill the audit).
 */
#include <errno.h>
#include <poll.h>
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

#include "ctl.h"
#include "harness.h"
#include "tls_client.h"
#include "tls_world.h"
#include "wire.h"
#include "world.h"

#define TIMEOUT 5.0             /* sanitizer builds included */
#define FLOOD 200
#define GOOD 2                  /* TLS clients beside the flood */
#define HANDSHAKE_LIMIT 5.0     /* warden.yaml(5) */
#define ANSWER_WITHIN 1.0       /* what the flood must not slow past */
#define VALVE 0

/* max_clients leaves room for the flood and the good clients. */
#define BODY \
	"mode: enforce\ninitial_state: auto\n" \
	"limits: {max_clients: 256, max_inflight: 4, idle_timeout: 60s}\n" \
	"points:\n" \
	"  - {name: valve, device: tank1, table: holding, address: 0,\n" \
	"     scale: 0.1, write: {min: 0, max: 100}}\n"

/* A TLS record header that announces a 512-byte ClientHello, and its
 * first bytes: the gateway waits for the rest. */
static const uint8_t partial_hello[] = {
	0x16, 0x03, 0x01, 0x02, 0x00,           /* handshake record */
	0x01, 0x00, 0x01, 0xfc,                 /* ClientHello, 508 bytes */
	0x03, 0x03, 0x11, 0x22, 0x33, 0x44,     /* version, random... */
};

struct group {
	char *certs;
};

struct fx {
	const struct group *g;
	struct world *w;
	struct tls_world_listener tls;
	int fd[FLOOD];
	double opened[FLOOD];
	uint16_t tid;
	struct ctl_result res;
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
	for (int i = 0; i < FLOOD; i++)
		t->fd[i] = -1;
	if ((t->w = world_new_tank(NULL, NULL)) != NULL &&
	    tls_world_start(t->w, BODY, t->g->certs, &t->tls, 1) == 0 &&
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

	if (t == NULL)
		return 0;
	for (int i = 0; i < FLOOD; i++)
		if (t->fd[i] != -1)
			close(t->fd[i]);
	rc = t->w != NULL ? world_free(t->w) : 0;
	free(t);
	return rc;
}

/* A read of the valve by c, answered within ANSWER_WITHIN. */
static void
assert_answered(struct fx *t, struct tls_client *c)
{
	uint8_t req[WIRE_MAX_ADU], answer[WIRE_MAX_ADU];
	double took = harness_now();
	size_t n;
	int got;

	n = wire_read_request(req, ++t->tid, 1,
	    MODBUS_FC_READ_HOLDING_REGISTERS, VALVE, 1);
	got = tls_client_call(c, req, n, answer, sizeof answer, TIMEOUT);
	took = harness_now() - took;
	if (got <= 0)
		fail_msg("no answer during the flood: %s", c->why);
	assert_int_equal(wire_tid(answer), t->tid);
	assert_int_equal(wire_fc(answer), MODBUS_FC_READ_HOLDING_REGISTERS);
	if (took > ANSWER_WITHIN)
		fail_msg("a read took %.3f s during the flood", took);
}

static struct tls_client *
client_up(struct fx *t, const char *name)
{
	struct tls_client_options opt = { .dir = t->g->certs, .name = name };
	struct tls_client *c = tls_client_open(t->tls.port, &opt, TIMEOUT);

	assert_non_null(c);
	if (c->state != TLS_CLIENT_UP)
		fail_msg("%s: the handshake failed: %s", name, c->why);
	return c;
}

/* Poll status until it says n clients and h of them in their
 * handshakes. */
static void
wait_counts(const struct fx *t, long n, long h)
{
	double deadline = harness_now() + TIMEOUT;
	long clients = -1, handshaking = -1;
	char why[4096] = "";

	while (harness_now() < deadline) {
		if (tls_world_counts(t->w, &clients, &handshaking, why,
		    sizeof why) == 0 && clients == n && handshaking == h)
			return;
		harness_nap(0.02);
	}
	fail_msg("status should say %ld clients, %ld in their handshakes; "
	    "it says %ld and %ld %s", n, h, clients, handshaking, why);
}

/* Every flood connection is closed by the gateway (EOF or a reset),
 * each no sooner than the handshake limit after it connected. */
static void
wait_flood_closed(struct fx *t)
{
	double deadline = harness_now() + HANDSHAKE_LIMIT + TIMEOUT;
	struct pollfd pfd[FLOOD];
	int open = FLOOD, i, n;
	uint8_t sink[64];
	ssize_t got;

	while (open > 0) {
		n = 0;
		for (i = 0; i < FLOOD; i++)
			if (t->fd[i] != -1) {
				pfd[n].fd = t->fd[i];
				pfd[n++].events = POLLIN;
			}
		if (harness_now() > deadline)
			fail_msg("%d flood connections still open %.1f s after "
			    "the handshake limit", open, TIMEOUT);
		if (poll(pfd, (nfds_t)n, 100) <= 0)
			continue;
		for (i = 0; i < FLOOD; i++) {
			if (t->fd[i] == -1)
				continue;
			got = recv(t->fd[i], sink, sizeof sink, MSG_DONTWAIT);
			if (got > 0)
				fail_msg("flood connection %d got %zd bytes "
				    "for nothing", i, got);
			if (got == -1 && (errno == EAGAIN || errno == EINTR))
				continue;
			if (harness_now() - t->opened[i] < HANDSHAKE_LIMIT -
			    0.5)
				fail_msg("flood connection %d closed after "
				    "%.2f s, before the handshake limit", i,
				    harness_now() - t->opened[i]);
			close(t->fd[i]);
			t->fd[i] = -1;
			open--;
		}
	}
}

static void
test_handshake_flood(void **state)
{
	struct fx *t = *state;
	struct tls_client *ai = client_up(t, "client-ai"), *late;
	long clients, handshaking;
	struct ctl_status st;
	char why[4096];
	double took;

	assert_answered(t, ai);
	for (int i = 0; i < FLOOD; i++) {
		t->opened[i] = harness_now();
		t->fd[i] = wire_connect(t->tls.port);
		assert_true(t->fd[i] >= 0);
		if (i % 2 == 1)
			assert_int_equal(wire_send(t->fd[i], partial_hello,
			    sizeof partial_hello), 0);
	}
	wait_counts(t, FLOOD + 1, FLOOD);

	for (int i = 0; i < 10; i++)
		assert_answered(t, ai);
	took = harness_now();
	late = client_up(t, "client-ai");
	assert_answered(t, late);
	took = harness_now() - took;
	if (took > ANSWER_WITHIN)
		fail_msg("a new TLS client took %.3f s to be answered", took);
	took = harness_now();
	ctl_run(t->w, &t->res, "takeover", "-r", "flood", (char *)NULL);
	took = harness_now() - took;
	if (t->res.status != 0)
		fail_msg("takeover exited %d: %s%s", t->res.status, t->res.out,
		    t->res.err);
	if (took > ANSWER_WITHIN)
		fail_msg("takeover took %.3f s during the flood", took);
	if (ctl_wait(t->w, "takeover", "operator", 0, TIMEOUT, &st, why,
	    sizeof why) != 0)
		fail_msg("%s", why);
	assert_answered(t, ai);
	/* All of that happened during the flood. */
	assert_int_equal(tls_world_counts(t->w, &clients, &handshaking, why,
	    sizeof why), 0);
	assert_int_equal(handshaking, FLOOD);

	wait_flood_closed(t);
	wait_counts(t, GOOD, 0);
	assert_answered(t, ai);
	assert_answered(t, late);
	assert_int_equal(tls_world_count(t->w->audit, NULL, "event",
	    "client_refused"), 0);
	tls_client_free(late);
	tls_client_free(ai);
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
		cmocka_unit_test_setup_teardown(test_handshake_flood, setup,
		    teardown),
	};

	/* The client's writes to a gateway that closed. */
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
