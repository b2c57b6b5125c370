/*
 * test_rtu.c: devices on a Modbus RTU serial line behind wardend. Two
 * pseudo-terminal pairs (socat), each with plcsim --serial on one end
 * and wardend on the other:
 * - bus A: tank1 (unit 1, plcsim answers it) and ghost (unit 2, which
 *   nobody answers) share the port: one bus, one request at a time;
 * - bus B: noisy, whose plcsim spoils every answer's CRC.
 * The AI's reads and writes reach plcsim's registers over RTU (seen on
 * plcsim's own TCP port), rs485: true on a pty is warned about and the
 * line used as it is, the policy refuses as on TCP, a timeout and a
 * CRC error each give the AI 0x0B and are counted in the metrics while
 * tank1 on the same bus goes on answering, and a trip of tank1's point
 * takes over and drives the safe state over RTU, read back verified.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <modbus.h>

#include "ctl.h"
#include "scrape.h"
#include "world.h"

#define WHY_MAX 8192
#define N_BUSES 2

struct rtu_world {
	struct world *w;
	pid_t socat[N_BUSES];
	uint16_t metrics;
};

/* A pty pair: DIR/NAME-wardend <-> DIR/NAME-plc, once both links are
 * there. The pid, or -1. */
static pid_t
rtu_socat(const struct world *w, const char *name)
{
	char a[WORLD_PATH_MAX + 32], b[WORLD_PATH_MAX + 32];
	char log[WORLD_PATH_MAX + 32];
	/* Debian's socat (DEB_TEST); harness_spawn() takes a path. */
	char *argv[] = { "/usr/bin/socat", a, b, NULL };
	double until = harness_now() + 5;
	pid_t pid;

	snprintf(a, sizeof a, "pty,raw,echo=0,link=%s/%s-wardend", w->dir,
	    name);
	snprintf(b, sizeof b, "pty,raw,echo=0,link=%s/%s-plc", w->dir, name);
	snprintf(log, sizeof log, "%s/socat-%s.log", w->dir, name);
	if ((pid = harness_spawn(argv, log)) == -1)
		return -1;
	snprintf(a, sizeof a, "%s/%s-wardend", w->dir, name);
	snprintf(b, sizeof b, "%s/%s-plc", w->dir, name);
	while (access(a, F_OK) != 0 || access(b, F_OK) != 0) {
		if (harness_now() > until || harness_exited(pid)) {
			harness_dump_file(log);
			harness_stop(pid, 1);
			return -1;
		}
		harness_nap(0.01);
	}
	return pid;
}

static int
rtu_plc(struct world *w, const char *name, const char *more)
{
	char args[WORLD_PATH_MAX + 128];
	struct world_plc_options opt = { NULL, args, 0, 0 };

	snprintf(args, sizeof args, "--serial %s/%s-plc,19200,E,8,1 %s",
	    w->dir, name, more);
	return world_add_plc(w, &opt);
}

static int
setup(void **state)
{
	struct rtu_world *r = calloc(1, sizeof *r);
	char body[2048], *dev;
	size_t used;

	if (r == NULL || (r->w = world_new(NULL)) == NULL)
		return -1;
	r->socat[0] = rtu_socat(r->w, "a");
	r->socat[1] = rtu_socat(r->w, "b");
	if (r->socat[0] == -1 || r->socat[1] == -1 ||
	    rtu_plc(r->w, "a", "--unit 1") != 0 ||
	    rtu_plc(r->w, "b", "--fault garbage") != 1)
		goto fail;
	dev = r->w->devices;
	used = strlen(dev);
	snprintf(dev + used, sizeof r->w->devices - used,
	    "  - {name: tank1, unit_id: 1, timeout: 300ms, "
	    "poll_interval: 50ms, loss_after: 1s,\n"
	    "     serial: {port: %s/a-wardend, baud: 19200, parity: E,\n"
	    "              data_bits: 8, stop_bits: 1, rs485: true}}\n"
	    "  - {name: ghost, unit_id: 2, timeout: 100ms,\n"
	    "     serial: {port: %s/a-wardend, rs485: true}}\n"
	    "  - {name: noisy, unit_id: 3, device_unit_id: 1, "
	    "timeout: 100ms,\n"
	    "     serial: {port: %s/b-wardend}}\n",
	    r->w->dir, r->w->dir, r->w->dir);
	r->metrics = harness_free_port();
	snprintf(body, sizeof body,
	    "initial_state: auto\n"
	    "metrics_listen: 127.0.0.1:%u\n"
	    "points:\n"
	    "  - name: inlet\n"
	    "    device: tank1\n"
	    "    table: holding\n"
	    "    address: 0\n"
	    "    write: {min: 0, max: 1000}\n"
	    "    monitor: {high_high: 800}\n"
	    "takeover:\n"
	    "  safe_state:\n"
	    "    - {point: inlet, value: 0}\n", r->metrics);
	if (world_start(r->w, body) != 0)
		goto fail;
	*state = r;
	return 0;
fail:
	r->w->failed = 1;
	world_free(r->w);
	for (int i = 0; i < N_BUSES; i++)
		if (r->socat[i] > 0)
			harness_stop(r->socat[i], 2);
	free(r);
	return -1;
}

static int
teardown(void **state)
{
	struct rtu_world *r = *state;
	int rc, i;

	if (r == NULL)
		return -1;
	rc = world_free(r->w);
	for (i = 0; i < N_BUSES; i++)
		harness_stop(r->socat[i], 2);
	free(r);
	return rc == 0 ? 0 : -1;
}

/* Holding register 0 as plcsim itself holds it (its TCP port). */
static int
plc_inlet(const struct rtu_world *r)
{
	modbus_t *ctx = world_plc_client(r->w, 0, 1);
	uint16_t v = 0xFFFF;

	assert_non_null(ctx);
	assert_int_equal(modbus_read_registers(ctx, 0, 1, &v), 1);
	world_client_free(ctx);
	return v;
}

static double
metric(const struct rtu_world *r, const char *series)
{
	struct scrape_answer a;
	double v = -1;

	assert_int_equal(scrape_get(r->metrics, "/metrics", &a), 0);
	if (scrape_value(a.body, series, &v) != 0)
		fail_msg("no %s in:\n%s", series, a.body);
	return v;
}

static void
test_reads_and_writes_over_rtu(void **state)
{
	struct rtu_world *r = *state;
	modbus_t *ai = world_client(r->w, 1, 2);
	uint16_t v[2];

	assert_non_null(ai);
	assert_int_equal(world_wait_path(ai, 0, 5), 0);
	assert_int_equal(modbus_write_register(ai, 0, 300), 1);
	assert_int_equal(modbus_read_registers(ai, 0, 2, v), 2);
	assert_int_equal(v[0], 300);
	assert_int_equal(plc_inlet(r), 300);
	/* The policy refuses as on TCP: nothing reaches the line. */
	assert_int_equal(modbus_write_register(ai, 0, 5000), -1);
	assert_int_equal(world_exception(), MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE);
	assert_int_equal(plc_inlet(r), 300);
	/* rs485: true on a pty: the driver refuses, wardend warns and
	 * goes on (the reads above). */
	assert_int_equal(world_log_line(r->w, "the driver refuses RS-485 "
	    "mode", NULL, 0), 0);
	world_client_free(ai);
}

static void
test_timeout_and_crc_error_give_0x0B_and_count(void **state)
{
	struct rtu_world *r = *state;
	modbus_t *ghost = world_client(r->w, 2, 2);
	modbus_t *noisy = world_client(r->w, 3, 2);
	modbus_t *ai = world_client(r->w, 1, 2);
	uint16_t v;

	assert_non_null(ghost);
	assert_non_null(noisy);
	assert_non_null(ai);
	assert_int_equal(modbus_read_registers(ghost, 0, 1, &v), -1);
	assert_int_equal(world_exception(),
	    MODBUS_EXCEPTION_GATEWAY_TARGET);
	assert_int_equal(modbus_read_registers(noisy, 0, 1, &v), -1);
	assert_int_equal(world_exception(),
	    MODBUS_EXCEPTION_GATEWAY_TARGET);
	assert_true(metric(r, "warden_serial_timeouts_total"
	    "{device=\"ghost\"}") >= 1);
	assert_true(metric(r, "warden_serial_crc_errors_total"
	    "{device=\"noisy\"}") >= 1);
	assert_true(metric(r, "warden_serial_crc_errors_total"
	    "{device=\"tank1\"}") == 0);
	/* The bus recovered: the next request on it is answered. */
	assert_int_equal(modbus_read_registers(ai, 0, 1, &v), 1);
	assert_int_equal(modbus_read_registers(ghost, 0, 1, &v), -1);
	assert_int_equal(world_exception(),
	    MODBUS_EXCEPTION_GATEWAY_TARGET);
	assert_int_equal(modbus_read_registers(ai, 0, 1, &v), 1);
	world_client_free(ghost);
	world_client_free(noisy);
	world_client_free(ai);
}

static void
test_trip_drives_safe_state_over_rtu(void **state)
{
	struct rtu_world *r = *state;
	modbus_t *ai = world_client(r->w, 1, 2);
	struct ctl_status st;
	char why[WHY_MAX];

	assert_non_null(ai);
	/* Within write: limits, beyond the monitor's high_high: the
	 * poll over RTU sees it and trips. */
	assert_int_equal(modbus_write_register(ai, 0, 900), 1);
	if (ctl_wait(r->w, "takeover", "trip", 1, 5, &st, why,
	    sizeof why) != 0)
		fail_msg("%s\n%s", why, st.text);
	assert_non_null(strstr(st.reason, "inlet high_high"));
	/* Written over RTU, read back (verified), and in the device. */
	assert_int_equal(plc_inlet(r), 0);
	/* Isolated: the AI's write is refused, the device untouched. */
	assert_int_equal(modbus_write_register(ai, 0, 100), -1);
	assert_int_equal(plc_inlet(r), 0);
	world_client_free(ai);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reads_and_writes_over_rtu),
		cmocka_unit_test(
		    test_timeout_and_crc_error_give_0x0B_and_count),
		cmocka_unit_test(test_trip_drives_safe_state_over_rtu),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
