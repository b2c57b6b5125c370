/*
 * test_ramp.c: on_violation: ramp end to end, through wardend to plcsim.
 * A write beyond max_step is answered at once and walked there one step
 * per 100 ms: plcsim's journal shows each step reach the device, its
 * value and spacing, and its ramp_step record written before it; a ramp
 * bound by max_rate alone keeps to the rate and to min_interval; a newer
 * write replaces the target; a takeover stops the ramp before the safe
 * state is driven, and a release does not start it again; a reload stops
 * it, and in monitor mode the same write is forwarded as it is
 * (would_ramp); a device gone stops it (device_error).
 */
#include <errno.h>
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
#include "trail.h"
#include "world.h"

#define SLOPE 50                /* uint16, 0..1000, max_step 10, ramp */
#define CLIMB 51                /* uint16, max_rate 50/s, 200 ms, ramp */
#define CLIENT_TIMEOUT 2.0
#define READY_TIMEOUT 5.0
#define WHY_MAX 8192
/* Steps are 100 ms apart; the journal stamps when plcsim read each, so
 * the network and the loop may bring two a little nearer. */
#define SPACING_MIN 0.08

#define BODY(mode) \
	"mode: " mode "\n" \
	"initial_state: auto\n" \
	"points:\n" \
	"  - {name: slope, device: tank1, table: holding, address: 50,\n" \
	"     write: {min: 0, max: 1000, max_step: 10, on_violation: ramp}}\n" \
	"  - {name: climb, device: tank1, table: holding, address: 51,\n" \
	"     write: {max_rate: 50, min_interval: 200ms, on_violation: ramp}}\n" \
	"takeover:\n" \
	"  safe_state:\n" \
	"    - {point: slope, value: 0}\n"

struct rt {
	struct world *w;
	modbus_t *ai;
	int from;                       /* journal writes before the test's */
};

static int
rt_setup(void **state)
{
	struct rt *t = calloc(1, sizeof *t);

	*state = t;
	if (t != NULL && (t->w = world_new_tank(NULL, NULL)) != NULL &&
	    world_start(t->w, BODY("enforce")) == 0 &&
	    (t->ai = world_client(t->w, 1, CLIENT_TIMEOUT)) != NULL &&
	    world_wait_path(t->ai, SLOPE, READY_TIMEOUT) == 0)
		return 0;
	if (t != NULL && t->w != NULL) {
		t->w->failed = 1;
		world_free(t->w);
	}
	free(t);
	return -1;
}

static int
rt_teardown(void **state)
{
	struct rt *t = *state;
	int rc;

	world_client_free(t->ai);
	rc = world_free(t->w);
	free(t);
	return rc == 0 ? 0 : -1;
}

/* The device's writes to SLOPE from the test's start on, in order. */
static int
slope_writes(const struct rt *t, struct trail_write *out, int max)
{
	struct trail_write *all = NULL;
	int n = trail_device_writes(t->w->plc[0].journal, &all), i, k = 0;

	for (i = t->from; i < n && k < max; i++)
		if (all[i].fc == 6 && all[i].address == SLOPE)
			out[k++] = all[i];
	free(all);
	return k;
}

/* From now on the journal counts. */
static void
journal_mark(struct rt *t)
{
	struct trail_write *all = NULL;
	int n = trail_device_writes(t->w->plc[0].journal, &all);

	free(all);
	t->from = n < 0 ? 0 : n;
}

/* The point at value, set on plcsim itself. */
static void
slope_at(struct rt *t, uint16_t value)
{
	modbus_t *plc = world_plc_client(t->w, 0, 1);

	assert_non_null(plc);
	assert_int_equal(modbus_write_register(plc, SLOPE, value), 1);
	world_client_free(plc);
	journal_mark(t);
}

/* Wait until the device got a write of value to SLOPE. */
static void
wait_step(const struct rt *t, uint16_t value, double timeout)
{
	struct trail_write got[256];
	double end = world_wall_time() + timeout;
	int n, i;

	do {
		n = slope_writes(t, got, 256);
		for (i = 0; i < n; i++)
			if (got[i].values[0] == value)
				return;
		usleep(10000);
	} while (world_wall_time() < end);
	fail_msg("no write of %u to the point came in %.1f s", value,
	    timeout);
}

/* The audit log once it holds `event` for slope (cause when not NULL);
 * the records into *recs, the index of that one returned. */
static int
wait_record(const struct rt *t, const char *event, const char *cause,
    struct trail_record **recs, int *n, double timeout)
{
	double end = world_wall_time() + timeout;
	int i;

	do {
		*recs = NULL;
		*n = trail_audit_records(t->w->audit, recs);
		for (i = 0; i < *n; i++)
			if (strcmp((*recs)[i].event, event) == 0 &&
			    strcmp((*recs)[i].point, "slope") == 0 &&
			    (cause == NULL ||
			    strcmp((*recs)[i].cause, cause) == 0))
				return i;
		free(*recs);
		usleep(20000);
	} while (world_wall_time() < end);
	fail_msg("no %s record for slope in %.1f s", event, timeout);
	return -1;
}

/* Each step is at most max_step from the one before it, and from the
 * start. */
static void
assert_steps_within(const struct trail_write *w, int n, int start)
{
	int prev = start, i;

	for (i = 0; i < n; i++) {
		if (abs((int)w[i].values[0] - prev) > 10)
			fail_msg("step %d: %d after %d, more than max_step",
			    i, w[i].values[0], prev);
		prev = w[i].values[0];
	}
}

/*
 * 20 -> 70: answered at once; the AI reads the device's own value in
 * between; the device gets 30 40 50 60 70, 100 ms apart, each after its
 * ramp_step record; ramp_started names the target and max_step, and
 * ramp_done ends it.
 */
static void
test_walks_to_target(void **state)
{
	struct rt *t = *state;
	const uint16_t want[5] = { 30, 40, 50, 60, 70 };
	struct trail_write got[16];
	struct trail_record *recs;
	double asked;
	uint16_t now;
	int n, i, k, started, done, steps;

	slope_at(t, 20);
	asked = world_wall_time();
	assert_int_equal(modbus_write_register(t->ai, SLOPE, 70), 1);
	/* Answered before the walk is over. */
	assert_true(world_wall_time() - asked < 0.3);
	assert_int_equal(modbus_read_registers(t->ai, SLOPE, 1, &now), 1);
	assert_true(now < 70);

	done = wait_record(t, "ramp_done", NULL, &recs, &n, 5);
	free(recs);
	started = wait_record(t, "ramp_started", NULL, &recs, &n, 0);
	assert_true(started < done);
	assert_true(recs[started].value == 70);
	assert_true(recs[started].has_forwarded &&
	    recs[started].forwarded == 30);
	assert_string_equal(recs[started].rule, "max_step");
	assert_true(recs[done].value == 70);

	assert_int_equal(slope_writes(t, got, 16), 5);
	for (i = 0; i < 5; i++)
		assert_int_equal(got[i].values[0], want[i]);
	for (i = 1; i < 5; i++)
		if (got[i].t - got[i - 1].t < SPACING_MIN)
			fail_msg("steps %d and %d only %.3f s apart", i - 1, i,
			    got[i].t - got[i - 1].t);
	/* One ramp_step record per step, in order, each before its write
	 * reached the device. */
	for (i = started, k = 0, steps = 0; i < done; i++) {
		if (strcmp(recs[i].event, "ramp_step") != 0)
			continue;
		steps++;
		assert_true(k < 5);
		assert_true(recs[i].forwarded == want[k]);
		assert_true(recs[i].ts <= got[k].t + 0.001);
		k++;
	}
	assert_int_equal(steps, 5);
	free(recs);
}

/*
 * Rate only (climb: 50/s, min_interval 200 ms): 100, then 150 a moment
 * later. ramp_started names max_rate; the steps are 200 ms apart, none
 * faster than the rate since the step before, the last 150.
 */
static void
test_rate_only_ramp(void **state)
{
	struct rt *t = *state;
	struct trail_record *recs;
	double ts = 0, v = 100;
	int n, i, started, done = 0, steps;

	assert_int_equal(modbus_write_register(t->ai, CLIMB, 100), 1);
	usleep(250000);
	assert_int_equal(modbus_write_register(t->ai, CLIMB, 150), 1);
	n = 0;
	recs = NULL;
	for (i = 0; i < 50 && done == 0; i++) {
		free(recs);
		usleep(100000);
		n = trail_audit_records(t->w->audit, &recs);
		done = trail_audit_count(recs, n, "ramp_done", "climb", NULL);
	}
	assert_int_equal(done, 1);
	started = trail_audit_find(recs, n, 0, "ramp_started", "climb", NULL);
	assert_true(started >= 0);
	assert_string_equal(recs[started].rule, "max_rate");
	for (steps = 0, i = started; i < n; i++) {
		if (strcmp(recs[i].event, "ramp_step") != 0 ||
		    strcmp(recs[i].point, "climb") != 0)
			continue;
		if (steps > 0) {
			assert_true(recs[i].ts - ts > 0.2 - 0.01);
			/* One raw count of slack for the two clocks. */
			assert_true(recs[i].forwarded - v <=
			    50 * (recs[i].ts - ts) + 1);
		}
		assert_true(recs[i].forwarded > v);
		ts = recs[i].ts;
		v = recs[i].forwarded;
		steps++;
	}
	assert_true(steps >= 2);
	assert_true(v == 150);
	free(recs);
}

/* 20 -> 120, then 10 once it passed 40: the first ramp is replaced, the
 * second walks down to 10; no step over 10 either way, 120 never
 * reached. */
static void
test_newer_write_replaces_target(void **state)
{
	struct rt *t = *state;
	struct trail_write got[64];
	struct trail_record *recs;
	int n, i, replaced;

	slope_at(t, 20);
	assert_int_equal(modbus_write_register(t->ai, SLOPE, 120), 1);
	wait_step(t, 40, 3);
	assert_int_equal(modbus_write_register(t->ai, SLOPE, 10), 1);
	wait_record(t, "ramp_done", NULL, &recs, &n, 5);
	free(recs);
	replaced = wait_record(t, "ramp_replaced", NULL, &recs, &n, 0);
	assert_true(recs[replaced].value == 120);
	free(recs);

	n = slope_writes(t, got, 64);
	assert_true(n >= 4);
	assert_steps_within(got, n, 20);
	assert_int_equal(got[n - 1].values[0], 10);
	for (i = 0; i < n; i++)
		assert_true(got[i].values[0] < 120);
}

/*
 * A takeover during a long ramp: status lists the ramp, then the ramp
 * stops at once (ramp_stopped, cause takeover, after the takeover's
 * record), the safe state (0) is the device's last word, and a release
 * does not start the ramp again.
 */
static void
test_takeover_stops_ramp(void **state)
{
	struct rt *t = *state;
	struct trail_write got[256];
	struct trail_record *recs;
	struct ctl_status st;
	struct ctl_result res;
	char why[WHY_MAX];
	int n, i, safe = -1, stopped, takeover, before;

	slope_at(t, 20);
	assert_int_equal(modbus_write_register(t->ai, SLOPE, 900), 1);
	wait_step(t, 60, 3);
	assert_int_equal(ctl_status(t->w, &st, why, sizeof why), 0);
	assert_non_null(strstr(st.text, "\"ramps\":[{\"point\":\"slope\""));
	assert_non_null(strstr(st.text, "\"target\":900"));
	assert_int_equal(ctl_run(t->w, &res, "status", (char *)NULL), 0);
	assert_non_null(strstr(res.out, "\nramps\n  slope "));
	assert_non_null(strstr(res.out, "20 -> 900"));
	assert_non_null(strstr(res.out, "bound by max_step"));

	assert_int_equal(ctl_run(t->w, &res, "takeover", "-r", "ramp test",
	    (char *)NULL), 0);
	if (ctl_wait(t->w, "takeover", "operator", 1, READY_TIMEOUT, &st, why,
	    sizeof why) != 0)
		fail_msg("%s", why);
	stopped = wait_record(t, "ramp_stopped", "takeover", &recs, &n, 2);
	for (takeover = -1, i = 0; i < n; i++)
		if (strcmp(recs[i].event, "takeover") == 0)
			takeover = i;
	assert_true(takeover >= 0 && takeover < stopped);
	for (i = stopped; i < n; i++)
		assert_string_not_equal(recs[i].event, "ramp_step");
	free(recs);

	/* What the device got: steps (the one in flight at the takeover
	 * the last of them), then the safe value and nothing else. */
	usleep(300000);
	n = slope_writes(t, got, 256);
	for (i = 0; i < n && safe < 0; i++)
		if (got[i].values[0] == 0)
			safe = i;
	assert_true(safe > 0);
	/* The safe state is no step of the ramp's. */
	assert_steps_within(got, safe, 20);
	for (i = safe; i < n; i++)
		assert_int_equal(got[i].values[0], 0);

	/* Release: the ramp stays stopped. */
	assert_int_equal(ctl_run(t->w, &res, "release", "-r", "done",
	    (char *)NULL), 0);
	before = n;
	usleep(400000);
	assert_int_equal(slope_writes(t, got, 256), before);
	assert_int_equal(ctl_status(t->w, &st, why, sizeof why), 0);
	assert_non_null(strstr(st.text, "\"ramps\":[]"));
}

/* A reload stops the ramp; in monitor mode the same jump is forwarded as
 * it is and audited would_ramp. */
static void
test_reload_stops_then_monitor_forwards(void **state)
{
	struct rt *t = *state;
	struct trail_record *recs;
	struct ctl_result res;
	int n, i;

	slope_at(t, 20);
	assert_int_equal(modbus_write_register(t->ai, SLOPE, 900), 1);
	wait_step(t, 40, 3);
	snprintf(t->w->body, sizeof t->w->body, "%s", BODY("monitor"));
	assert_int_equal(world_rewrite_config(t->w), 0);
	assert_int_equal(ctl_run(t->w, &res, "reload", (char *)NULL), 0);
	wait_record(t, "ramp_stopped", "reload", &recs, &n, 3);
	free(recs);

	assert_int_equal(modbus_write_register(t->ai, SLOPE, 500), 1);
	wait_step(t, 500, 2);
	i = wait_record(t, "would_ramp", NULL, &recs, &n, 2);
	assert_true(recs[i].value == 500);
	assert_string_equal(recs[i].rule, "max_step");
	free(recs);
}

/* The device gone mid-ramp: the ramp stops (device_error) and does not
 * come back with the device. */
static void
test_device_gone_stops_ramp(void **state)
{
	struct rt *t = *state;
	struct trail_write got[16];
	struct trail_record *recs;
	int n;

	slope_at(t, 20);
	assert_int_equal(modbus_write_register(t->ai, SLOPE, 900), 1);
	wait_step(t, 40, 3);
	world_plc_stop(t->w, 0);
	wait_record(t, "ramp_stopped", "device_error", &recs, &n, 3);
	free(recs);
	assert_int_equal(world_plc_restart(t->w, 0, NULL), 0);
	assert_int_equal(world_wait_path(t->ai, SLOPE, READY_TIMEOUT), 0);
	journal_mark(t);
	usleep(400000);
	assert_int_equal(slope_writes(t, got, 16), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_walks_to_target,
		    rt_setup, rt_teardown),
		cmocka_unit_test_setup_teardown(test_rate_only_ramp,
		    rt_setup, rt_teardown),
		cmocka_unit_test_setup_teardown(
		    test_newer_write_replaces_target, rt_setup, rt_teardown),
		cmocka_unit_test_setup_teardown(test_takeover_stops_ramp,
		    rt_setup, rt_teardown),
		cmocka_unit_test_setup_teardown(
		    test_reload_stops_then_monitor_forwards, rt_setup,
		    rt_teardown),
		cmocka_unit_test_setup_teardown(test_device_gone_stops_ramp,
		    rt_setup, rt_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
