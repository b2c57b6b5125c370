/*
 * test_devices.c: devices that misbehave. A hung device beside a healthy
 * one, a device that is down, one that restarts, one that answers garbage
 * or hangs up, one that is slow, and a device queue that overflows.
 * Contract: 0x0B when a sent request got no answer within the device's
 * timeout, 0x0A at once when there is no connection, 0x06 when the
 * device's queue is full; never a wrong answer, never a stalled gateway.
 */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <modbus.h>

#include "world.h"
#include "journal.h"
#include "wire.h"

#define SCRATCH 200
#define UNIT_GOOD 1
#define UNIT_BAD 2
#define DEVICE_TIMEOUT 0.3
#define FAST 0.1                /* what "at once" means here, seconds */
#define CLIENT_TIMEOUT 2.0

/* plc 0 healthy as unit 1; plc 1 started with bad_args as unit 2. */
static int
pair_start(void **state, const char *bad_args, const char *limits)
{
	const struct world_options opt = { .n_plcs = 2,
	    .plc = { { .args = NULL }, { .args = bad_args } } };
	struct world *w = world_new(&opt);
	char body[512];

	if (w == NULL)
		return -1;
	snprintf(body, sizeof(body), WORLD_MONITOR "limits: %s\n",
	    limits != NULL ? limits : WORLD_LIMITS);
	world_device(w, "good", w->plc[0].port, UNIT_GOOD, "timeout: 300ms");
	world_device(w, "bad", w->plc[1].port, UNIT_BAD, "timeout: 300ms");
	return world_setup(state, w, world_start(w, body));
}

static int
setup_drop(void **state)
{
	return pair_start(state, "--fault drop", NULL);
}

static int
setup_garbage(void **state)
{
	return pair_start(state, "--fault garbage", NULL);
}

static int
setup_close(void **state)
{
	return pair_start(state, "--fault close", NULL);
}

static int
setup_slow(void **state)
{
	return pair_start(state, "--fault slow:150", NULL);
}

static int
setup_small_queue(void **state)
{
	return pair_start(state, "--fault drop",
	    "{max_clients: 8, max_inflight: 8, idle_timeout: 5s, "
	    "device_queue: 2}");
}

/* One healthy plcsim as unit 1, and unit 2 on a port nobody listens on. */
static int
setup_down(void **state)
{
	const struct world_options opt = { .n_plcs = 1 };
	struct world *w = world_new(&opt);

	if (w == NULL)
		return -1;
	world_device(w, "good", w->plc[0].port, UNIT_GOOD, "timeout: 300ms");
	world_device(w, "gone", 0, UNIT_BAD, "timeout: 300ms");
	return world_setup(state, w, world_start(w, WORLD_GATEWAY));
}

static int
setup_single(void **state)
{
	const struct world_options opt = { .n_plcs = 1 };
	struct world *w = world_new(&opt);

	if (w == NULL)
		return -1;
	world_device(w, "good", w->plc[0].port, UNIT_GOOD, "timeout: 300ms");
	return world_setup(state, w, world_start(w, WORLD_GATEWAY));
}

static modbus_t *
client(const struct world *w, int unit)
{
	modbus_t *ctx = world_client(w, unit, CLIENT_TIMEOUT);

	assert_non_null(ctx);
	return ctx;
}

static void
close_client(modbus_t *ctx)
{
	modbus_close(ctx);
	modbus_free(ctx);
}

/* A raw connection with one read request to unit sent on it. */
static int
send_read(const struct world *w, uint16_t tid, uint8_t unit)
{
	uint8_t req[WIRE_MAX_ADU];
	int fd = wire_connect(w->port);

	assert_true(fd >= 0);
	wire_read_request(req, tid, unit, MODBUS_FC_READ_HOLDING_REGISTERS,
	    SCRATCH, 1);
	assert_int_equal(wire_send(fd, req, 12), 0);
	return fd;
}

static int
readable(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	return poll(&pfd, 1, 0) == 1;
}

/* Read the healthy device and check the value and the time it took. */
static void
assert_fast_read_since(modbus_t *good, uint16_t expect, double since)
{
	double t0 = harness_now(), took;
	uint16_t value = 0;

	assert_int_equal(modbus_read_registers(good, SCRATCH, 1, &value), 1);
	took = harness_now() - t0;
	if (took >= FAST)
		fail_msg("healthy device took %.0f ms, %.0f ms into the test",
		    took * 1000, (t0 - since) * 1000);
	assert_int_equal(value, expect);
}

static void
assert_fast_read(modbus_t *good, uint16_t expect)
{
	assert_fast_read_since(good, expect, harness_now());
}

/* While a request to the hung device waits out its timeout, the healthy
 * device answers every request fast; the hung one gets 0x0B after about
 * its timeout, having really been sent. */
static void
test_hung_beside_healthy(void **state)
{
	struct world *w = *state;
	uint8_t ans[WIRE_MAX_ADU];
	modbus_t *good = client(w, UNIT_GOOD);
	double t0, answered = 0;
	int fd, reads = 0;

	assert_int_equal(modbus_write_register(good, SCRATCH, 4711), 1);
	t0 = harness_now();
	fd = send_read(w, 0x0B0B, UNIT_BAD);
	while (harness_now() - t0 < 3 * DEVICE_TIMEOUT) {
		assert_fast_read_since(good, 4711, t0);
		reads++;
		if (answered == 0 && readable(fd))
			answered = harness_now() - t0;
	}
	assert_true(reads > 20);
	assert_true(answered >= DEVICE_TIMEOUT * 0.9);
	assert_true(answered < DEVICE_TIMEOUT + 0.3);
	assert_int_equal(wire_recv_adu(fd, ans, sizeof(ans), 0.1), 9);
	assert_int_equal(wire_tid(ans), 0x0B0B);
	assert_int_equal(wire_fc(ans), 0x80 | MODBUS_FC_READ_HOLDING_REGISTERS);
	assert_int_equal(ans[8], MODBUS_EXCEPTION_GATEWAY_TARGET);
	assert_true(journal_wait(w->plc[1].journal, 0,
	    MODBUS_FC_READ_HOLDING_REGISTERS, UNIT_BAD, SCRATCH, 0.5,
	    NULL) >= 0);
	close(fd);

	/* Again, once the hung connection has been reset and reopened. */
	fd = send_read(w, 0x0B0C, UNIT_BAD);
	assert_fast_read(good, 4711);
	assert_int_equal(wire_recv_adu(fd, ans, sizeof(ans), CLIENT_TIMEOUT),
	    9);
	assert_int_equal(wire_tid(ans), 0x0B0C);
	assert_true(ans[8] == MODBUS_EXCEPTION_GATEWAY_TARGET ||
	    ans[8] == MODBUS_EXCEPTION_GATEWAY_PATH);
	close(fd);
	close_client(good);
}

/* Several requests queued on the hung device: each gets its own
 * exception, none is lost. */
static void
test_hung_device_queue(void **state)
{
	struct world *w = *state;
	uint8_t burst[3 * 12], ans[WIRE_MAX_ADU];
	int fd, i;

	fd = wire_connect(w->port);
	assert_true(fd >= 0);
	for (i = 0; i < 3; i++)
		wire_read_request(burst + 12 * i, (uint16_t)(0x100 + i),
		    UNIT_BAD, MODBUS_FC_READ_HOLDING_REGISTERS, SCRATCH, 1);
	assert_int_equal(wire_send(fd, burst, sizeof(burst)), 0);
	for (i = 0; i < 3; i++) {
		assert_int_equal(wire_recv_adu(fd, ans, sizeof(ans),
		    3 * DEVICE_TIMEOUT + 1.0), 9);
		assert_int_equal(wire_tid(ans) & 0xFF00, 0x100);
		assert_true(ans[8] == MODBUS_EXCEPTION_GATEWAY_TARGET ||
		    ans[8] == MODBUS_EXCEPTION_GATEWAY_PATH);
	}
	close(fd);
}

/* More requests than device_queue (2) for one device: the excess is
 * refused with 0x06 at once; the rest still get answers. */
static void
test_device_queue_full(void **state)
{
	struct world *w = *state;
	uint8_t burst[6 * 12], ans[WIRE_MAX_ADU];
	int fd, i, busy = 0, answered = 0;
	double t0;

	fd = wire_connect(w->port);
	assert_true(fd >= 0);
	for (i = 0; i < 6; i++)
		wire_read_request(burst + 12 * i, (uint16_t)i, UNIT_BAD,
		    MODBUS_FC_READ_HOLDING_REGISTERS, SCRATCH, 1);
	t0 = harness_now();
	assert_int_equal(wire_send(fd, burst, sizeof(burst)), 0);
	for (i = 0; i < 6; i++) {
		assert_int_equal(wire_recv_adu(fd, ans, sizeof(ans),
		    6 * DEVICE_TIMEOUT + 1.0), 9);
		if (ans[8] == MODBUS_EXCEPTION_SLAVE_OR_SERVER_BUSY) {
			assert_true(harness_now() - t0 < FAST);
			busy++;
		} else {
			assert_true(ans[8] == MODBUS_EXCEPTION_GATEWAY_TARGET ||
			    ans[8] == MODBUS_EXCEPTION_GATEWAY_PATH);
		}
		answered++;
	}
	assert_int_equal(answered, 6);
	assert_true(busy >= 1);
	close(fd);
}

/* Nobody listens: 0x0A at once, every time, while the other device works. */
static void
test_device_down(void **state)
{
	struct world *w = *state;
	modbus_t *bad = client(w, UNIT_BAD);
	modbus_t *good = client(w, UNIT_GOOD);
	uint16_t value;
	double t0;
	int i;

	assert_int_equal(modbus_write_register(good, SCRATCH, 99), 1);
	for (i = 0; i < 6; i++) {
		t0 = harness_now();
		assert_int_equal(modbus_read_registers(bad, SCRATCH, 1,
		    &value), -1);
		assert_int_equal(errno, EMBXGPATH);
		assert_true(harness_now() - t0 < FAST);
		t0 = harness_now();
		assert_int_equal(modbus_write_register(bad, SCRATCH, 1), -1);
		assert_int_equal(errno, EMBXGPATH);
		assert_true(harness_now() - t0 < FAST);
		assert_fast_read(good, 99);
		usleep(50000);
	}
	close_client(bad);
	close_client(good);
}

/* Stop the device: 0x0A at once. Start a new one on the same port: the
 * gateway reconnects by itself within its backoff. */
static void
test_device_restart(void **state)
{
	struct world *w = *state;
	modbus_t *ctx = client(w, UNIT_GOOD);
	uint16_t value;
	double t0;
	int i, rc;

	assert_int_equal(modbus_write_register(ctx, SCRATCH, 1234), 1);
	assert_int_equal(world_plc_stop(w, 0), 0);
	for (i = 0; i < 5; i++) {
		t0 = harness_now();
		assert_int_equal(modbus_read_registers(ctx, SCRATCH, 1,
		    &value), -1);
		/* The first request may race the device's FIN in one loop
		 * iteration and be sent into the closing connection: 0x0B,
		 * but still at once. After that there is no connection. */
		if (i > 0 || errno != EMBXGTAR)
			assert_int_equal(errno, EMBXGPATH);
		assert_true(harness_now() - t0 < FAST);
		usleep(100000);
	}

	assert_int_equal(world_plc_restart(w, 0, NULL), 0);
	t0 = harness_now();
	do {
		rc = modbus_write_register(ctx, SCRATCH, 4321);
		if (rc != 1) {
			assert_int_equal(errno, EMBXGPATH);
			usleep(50000);
		}
	} while (rc != 1 && harness_now() - t0 < 7.0);
	assert_int_equal(rc, 1);
	assert_int_equal(modbus_read_registers(ctx, SCRATCH, 1, &value), 1);
	assert_int_equal(value, 4321);
	close_client(ctx);
}

/* Each answer the device sends is invalid (random bytes, wrong protocol
 * id, tid or fc, a short frame): the client never gets a success and
 * the healthy device keeps working. */
static void
test_garbage_device(void **state)
{
	struct world *w = *state;
	modbus_t *bad = client(w, UNIT_BAD);
	modbus_t *good = client(w, UNIT_GOOD);
	uint16_t value;
	int i;

	assert_int_equal(modbus_write_register(good, SCRATCH, 77), 1);
	for (i = 0; i < 8; i++) {
		value = 0xDEAD;
		assert_int_equal(modbus_read_registers(bad, SCRATCH, 1,
		    &value), -1);
		assert_true(errno == EMBXGTAR || errno == EMBXGPATH);
		assert_int_equal(value, 0xDEAD);
		assert_fast_read(good, 77);
	}
	assert_true(journal_wait(w->plc[1].journal, 0, -1, UNIT_BAD, -1, 0.5,
	    NULL) >= 0);
	close_client(bad);
	close_client(good);
}

/* The device hangs up on every request: an exception, quickly. */
static void
test_closing_device(void **state)
{
	struct world *w = *state;
	modbus_t *bad = client(w, UNIT_BAD);
	modbus_t *good = client(w, UNIT_GOOD);
	uint16_t value;
	double t0;
	int i;

	assert_int_equal(modbus_write_register(good, SCRATCH, 55), 1);
	for (i = 0; i < 5; i++) {
		t0 = harness_now();
		assert_int_equal(modbus_read_registers(bad, SCRATCH, 1,
		    &value), -1);
		assert_true(errno == EMBXGTAR || errno == EMBXGPATH);
		assert_true(harness_now() - t0 < DEVICE_TIMEOUT + FAST);
		assert_fast_read(good, 55);
	}
	close_client(bad);
	close_client(good);
}

/* Slower than usual but inside its timeout: the right answer, late. */
static void
test_slow_device(void **state)
{
	struct world *w = *state;
	modbus_t *slow = client(w, UNIT_BAD);
	modbus_t *good = client(w, UNIT_GOOD);
	uint16_t value;
	double t0;
	int fd;

	assert_int_equal(modbus_write_register(slow, SCRATCH, 31337), 1);
	t0 = harness_now();
	assert_int_equal(modbus_read_registers(slow, SCRATCH, 1, &value), 1);
	assert_int_equal(value, 31337);
	assert_true(harness_now() - t0 >= 0.14);

	/* The healthy device does not wait behind the slow one. */
	assert_int_equal(modbus_write_register(good, SCRATCH, 8), 1);
	fd = send_read(w, 1, UNIT_BAD);
	assert_fast_read(good, 8);
	close(fd);
	close_client(slow);
	close_client(good);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_hung_beside_healthy,
		    setup_drop, world_teardown),
		cmocka_unit_test_setup_teardown(test_hung_device_queue,
		    setup_drop, world_teardown),
		cmocka_unit_test_setup_teardown(test_device_queue_full,
		    setup_small_queue, world_teardown),
		cmocka_unit_test_setup_teardown(test_device_down,
		    setup_down, world_teardown),
		cmocka_unit_test_setup_teardown(test_device_restart,
		    setup_single, world_teardown),
		cmocka_unit_test_setup_teardown(test_garbage_device,
		    setup_garbage, world_teardown),
		cmocka_unit_test_setup_teardown(test_closing_device,
		    setup_close, world_teardown),
		cmocka_unit_test_setup_teardown(test_slow_device,
		    setup_slow, world_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
