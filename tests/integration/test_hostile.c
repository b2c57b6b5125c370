/*
 * test_hostile.c: clients that misbehave, and the limits that bound them.
 * Malformed MBAP closes that client only; malformed PDUs get 0x03 and are
 * not forwarded; max_clients, idle_timeout and allow_from hold; a client
 * that vanishes mid-request cannot kill the gateway (SIGPIPE); SIGTERM
 * stops it cleanly with exit status 0.
 */
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <modbus.h>

#include "world.h"
#include "journal.h"
#include "wire.h"

#define SCRATCH 200
#define UNIT 1
#define UNIT_SLOW 2
#define CLIENT_TIMEOUT 2.0
#define CLOSE_WAIT 1.0  /* how long "closed at once" may take, generously */

static int
hostile_start(void **state, const char *limits, const char *extra)
{
	const struct world_options opt = { .n_plcs = 2,
	    .plc = { { .args = NULL }, { .args = "--fault slow:200" } } };
	struct world *w = world_new(&opt);
	char body[1024];

	if (w == NULL)
		return -1;
	snprintf(body, sizeof(body), WORLD_MONITOR "limits: %s\n%s",
	    limits != NULL ? limits : WORLD_LIMITS, extra != NULL ? extra : "");
	world_device(w, "tank1", w->plc[0].port, UNIT, "timeout: 300ms");
	world_device(w, "slow", w->plc[1].port, UNIT_SLOW, "timeout: 1s");
	return world_setup(state, w, world_start(w, body));
}

static int
setup_default(void **state)
{
	return hostile_start(state, NULL, NULL);
}

static int
setup_two_clients(void **state)
{
	return hostile_start(state,
	    "{max_clients: 2, max_inflight: 4, idle_timeout: 5s}", NULL);
}

static int
setup_idle(void **state)
{
	return hostile_start(state,
	    "{max_clients: 8, max_inflight: 4, idle_timeout: 1s}", NULL);
}

static int
setup_foreign_only(void **state)
{
	return hostile_start(state, NULL, "allow_from: [10.0.0.0/8]\n");
}

static int
setup_loopback_only(void **state)
{
	return hostile_start(state, NULL, "allow_from: [127.0.0.1/32]\n");
}

/* A request on a raw connection answered with the value it should. */
static void
assert_serves(int fd, uint16_t tid)
{
	uint8_t req[WIRE_MAX_ADU], ans[WIRE_MAX_ADU];

	wire_read_request(req, tid, UNIT, MODBUS_FC_READ_HOLDING_REGISTERS,
	    SCRATCH, 1);
	assert_int_equal(wire_send(fd, req, 12), 0);
	assert_int_equal(wire_recv_adu(fd, ans, sizeof(ans), CLIENT_TIMEOUT),
	    11);
	assert_int_equal(wire_tid(ans), tid);
	assert_int_equal(wire_fc(ans), MODBUS_FC_READ_HOLDING_REGISTERS);
}

static void
assert_client_serves(modbus_t *ctx, uint16_t expect)
{
	uint16_t value = 0;

	assert_int_equal(modbus_read_registers(ctx, SCRATCH, 1, &value), 1);
	assert_int_equal(value, expect);
}

struct bad_frame {
	const char *what;
	uint8_t bytes[300];
	size_t len;
};

/* Each malformed header closes its connection; a client connected
 * alongside keeps being served, and nothing reaches the device. */
static void
test_malformed_mbap(void **state)
{
	struct world *w = *state;
	static const struct bad_frame bad[] = {
		{ "protocol id 1",
		    { 0, 1, 0, 1, 0, 6, UNIT, 3, 0, 200, 0, 1 }, 12 },
		{ "protocol id 0xFFFF",
		    { 0, 1, 0xFF, 0xFF, 0, 6, UNIT, 3, 0, 200, 0, 1 }, 12 },
		{ "length 0", { 0, 2, 0, 0, 0, 0, UNIT, 3, 0, 200, 0, 1 }, 12 },
		{ "length 1", { 0, 3, 0, 0, 0, 1, UNIT, 3, 0, 200, 0, 1 }, 12 },
		{ "length 255", { 0, 4, 0, 0, 0, 255, UNIT, 16, 0, 200 }, 261 },
		{ "length 65535", { 0, 5, 0, 0, 0xFF, 0xFF, UNIT, 3 }, 300 },
	};
	modbus_t *good = world_client(w, UNIT, CLIENT_TIMEOUT);
	int from = journal_count(w->plc[0].journal);
	size_t i;
	int fd;

	assert_non_null(good);
	assert_int_equal(modbus_write_register(good, SCRATCH, 5150), 1);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		fd = wire_connect(w->port);
		assert_true(fd >= 0);
		assert_serves(fd, 0x55);
		if (wire_send(fd, bad[i].bytes, bad[i].len) == 0 &&
		    !wire_wait_closed(fd, CLOSE_WAIT))
			fail_msg("%s: connection left open", bad[i].what);
		close(fd);
		assert_client_serves(good, 5150);
	}
	/* None of them reached the device ("length 255" was an fc 16). */
	assert_int_equal(journal_wait(w->plc[0].journal, from,
	    MODBUS_FC_WRITE_MULTIPLE_REGISTERS, -1, -1, 0.0, NULL), -1);
	modbus_close(good);
	modbus_free(good);
}

struct bad_pdu {
	const char *what;
	uint8_t bytes[32];
	size_t len;
	uint8_t exception;
};

/* Well-framed requests whose PDU is wrong get 0x03 (0x02 past the end of
 * the address space) from the gateway, are not forwarded, and the
 * connection stays usable. */
static void
test_malformed_pdu(void **state)
{
	struct world *w = *state;
	static const struct bad_pdu bad[] = {
		{ "fc 3 quantity 0",
		    { 0, 1, 0, 0, 0, 6, UNIT, 3, 0, 200, 0, 0 }, 12, 3 },
		{ "fc 3 quantity 126",
		    { 0, 2, 0, 0, 0, 6, UNIT, 3, 0, 200, 0, 126 }, 12, 3 },
		{ "fc 1 quantity 2001",
		    { 0, 3, 0, 0, 0, 6, UNIT, 1, 0, 200, 0x07, 0xD1 }, 12, 3 },
		{ "fc 16 byte count 3 for 2 registers",
		    { 0, 4, 0, 0, 0, 10, UNIT, 16, 0, 200, 0, 2, 3, 0, 1, 0 },
		    16, 3 },
		{ "fc 16 byte count 4, 2 bytes follow",
		    { 0, 5, 0, 0, 0, 9, UNIT, 16, 0, 200, 0, 2, 4, 0, 1 },
		    15, 3 },
		{ "fc 15 byte count 1 for 9 coils",
		    { 0, 6, 0, 0, 0, 8, UNIT, 15, 0, 200, 0, 9, 1, 0xFF },
		    14, 3 },
		{ "fc 5 value 0x1234",
		    { 0, 7, 0, 0, 0, 6, UNIT, 5, 0, 200, 0x12, 0x34 }, 12, 3 },
		{ "fc 3 address 65535 quantity 2",
		    { 0, 8, 0, 0, 0, 6, UNIT, 3, 0xFF, 0xFF, 0, 2 }, 12, 2 },
	};
	uint8_t ans[WIRE_MAX_ADU];
	struct journal_entry e;
	int from = journal_count(w->plc[0].journal);
	size_t i;
	int fd;

	fd = wire_connect(w->port);
	assert_true(fd >= 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(wire_send(fd, bad[i].bytes, bad[i].len), 0);
		if (wire_recv_adu(fd, ans, sizeof(ans), CLIENT_TIMEOUT) != 9)
			fail_msg("%s: no exception answer", bad[i].what);
		assert_int_equal(wire_tid(ans), wire_tid(bad[i].bytes));
		assert_int_equal(wire_fc(ans), 0x80 | bad[i].bytes[7]);
		if (ans[8] != bad[i].exception)
			fail_msg("%s: exception %u, expected %u", bad[i].what,
			    ans[8], bad[i].exception);
	}
	assert_serves(fd, 0x99);
	close(fd);
	/* Only the last, good read reached the device. */
	assert_true(journal_wait(w->plc[0].journal, from,
	    MODBUS_FC_READ_HOLDING_REGISTERS, UNIT, SCRATCH, 1.0, &e) >= 0);
	assert_int_equal(e.count, 1);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (bad[i].bytes[7] != MODBUS_FC_READ_HOLDING_REGISTERS)
			assert_int_equal(journal_wait(w->plc[0].journal,
			    from, bad[i].bytes[7], -1, -1, 0.0, NULL), -1);
	assert_int_equal(journal_wait(w->plc[0].journal, from,
	    MODBUS_FC_READ_HOLDING_REGISTERS, -1, 0xFFFF, 0.0, NULL), -1);
}

/* A client the gateway admitted and serves. Slots held by connections
 * that are closing (the harness' readiness probe) free up soon after. */
static int
admitted_client(const struct world *w, uint16_t tid)
{
	uint8_t req[WIRE_MAX_ADU], ans[WIRE_MAX_ADU];
	double t0 = harness_now();
	int fd;

	wire_read_request(req, tid, UNIT, MODBUS_FC_READ_HOLDING_REGISTERS,
	    SCRATCH, 1);
	for (;;) {
		fd = wire_connect(w->port);
		assert_true(fd >= 0);
		if (wire_send(fd, req, 12) == 0 &&
		    wire_recv_adu(fd, ans, sizeof(ans), CLIENT_TIMEOUT) == 11)
			return fd;
		close(fd);
		assert_true(harness_now() - t0 < 2.0);
		usleep(20000);
	}
}

/* Beyond max_clients (2) a connection is accepted and closed at once; the
 * two admitted clients are unaffected, and a slot frees when one leaves. */
static void
test_max_clients(void **state)
{
	struct world *w = *state;
	int a, b, c;
	double t0;

	a = admitted_client(w, 1);
	b = admitted_client(w, 2);
	c = wire_connect(w->port);
	assert_true(c >= 0);
	t0 = harness_now();
	assert_true(wire_wait_closed(c, CLOSE_WAIT));
	assert_true(harness_now() - t0 < 0.5);
	close(c);
	assert_serves(a, 3);
	assert_serves(b, 4);

	close(a);
	c = admitted_client(w, 5);
	assert_serves(b, 6);
	close(b);
	close(c);
}

/* idle_timeout (1 s) closes a client that sends nothing, and only then;
 * a client that keeps asking stays. */
static void
test_idle_timeout(void **state)
{
	struct world *w = *state;
	int idle, busy, i;
	double t0;

	idle = wire_connect(w->port);
	busy = wire_connect(w->port);
	assert_true(idle >= 0 && busy >= 0);
	assert_serves(idle, 1);
	t0 = harness_now();
	for (i = 0; i < 6; i++) {
		assert_false(wire_wait_closed(idle, 0.1));
		assert_serves(busy, (uint16_t)(10 + i));
	}
	assert_true(harness_now() - t0 < 0.9);
	assert_true(wire_wait_closed(idle, 2.0));
	assert_true(harness_now() - t0 >= 0.9);
	assert_serves(busy, 20);
	/* Its requests kept the busy one alive past the idle one's end. */
	for (i = 0; i < 4; i++) {
		assert_false(wire_wait_closed(busy, 0.3));
		assert_serves(busy, (uint16_t)(30 + i));
	}
	close(idle);
	close(busy);
}

/* A source outside allow_from is closed at once. */
static void
test_allow_from_refuses(void **state)
{
	struct world *w = *state;
	int fd = wire_connect(w->port);

	assert_true(fd >= 0);
	assert_true(wire_wait_closed(fd, CLOSE_WAIT));
	close(fd);
}

static void
test_allow_from_admits(void **state)
{
	struct world *w = *state;
	int fd = wire_connect(w->port);

	assert_true(fd >= 0);
	assert_serves(fd, 7);
	close(fd);
}

/* Clients that send requests to a slow device and reset their connection
 * before the answers come: writing those answers must not kill wardend
 * (SIGPIPE) nor disturb anyone else. */
static void
test_client_vanishes(void **state)
{
	struct world *w = *state;
	struct linger abort_close = { 1, 0 };
	uint8_t burst[3 * 12];
	modbus_t *good = world_client(w, UNIT, CLIENT_TIMEOUT);
	int fd, i, round;

	assert_non_null(good);
	assert_int_equal(modbus_write_register(good, SCRATCH, 6), 1);
	for (i = 0; i < 3; i++)
		wire_read_request(burst + 12 * i, (uint16_t)i, UNIT_SLOW,
		    MODBUS_FC_READ_HOLDING_REGISTERS, SCRATCH, 1);
	for (round = 0; round < 3; round++) {
		fd = wire_connect(w->port);
		assert_true(fd >= 0);
		assert_int_equal(wire_send(fd, burst, sizeof(burst)), 0);
		setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort_close,
		    sizeof(abort_close));
		close(fd);
	}
	/* The slow device answers 200 ms per request, 9 queued. */
	for (i = 0; i < 20; i++) {
		assert_false(harness_exited(w->warden));
		assert_client_serves(good, 6);
		usleep(100000);
	}
	modbus_close(good);
	modbus_free(good);
}

/* SIGTERM with clients connected and a request in flight: exit status 0
 * soon, and the clients see their connections closed. */
static void
test_sigterm(void **state)
{
	struct world *w = *state;
	uint8_t req[WIRE_MAX_ADU];
	int idle, waiting, status;
	double t0;

	idle = wire_connect(w->port);
	waiting = wire_connect(w->port);
	assert_true(idle >= 0 && waiting >= 0);
	assert_serves(idle, 1);
	wire_read_request(req, 2, UNIT_SLOW, MODBUS_FC_READ_HOLDING_REGISTERS,
	    SCRATCH, 1);
	assert_int_equal(wire_send(waiting, req, 12), 0);
	usleep(20000);
	t0 = harness_now();
	status = harness_stop(w->warden, 3.0);
	w->warden = -1;
	assert_true(harness_now() - t0 < 2.0);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_true(wire_wait_closed(idle, CLOSE_WAIT));
	assert_true(wire_wait_closed(waiting, CLOSE_WAIT));
	close(idle);
	close(waiting);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_malformed_mbap,
		    setup_default, world_teardown),
		cmocka_unit_test_setup_teardown(test_malformed_pdu,
		    setup_default, world_teardown),
		cmocka_unit_test_setup_teardown(test_max_clients,
		    setup_two_clients, world_teardown),
		cmocka_unit_test_setup_teardown(test_idle_timeout,
		    setup_idle, world_teardown),
		cmocka_unit_test_setup_teardown(test_allow_from_refuses,
		    setup_foreign_only, world_teardown),
		cmocka_unit_test_setup_teardown(test_allow_from_admits,
		    setup_loopback_only, world_teardown),
		cmocka_unit_test_setup_teardown(test_client_vanishes,
		    setup_default, world_teardown),
		cmocka_unit_test_setup_teardown(test_sigterm,
		    setup_default, world_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
