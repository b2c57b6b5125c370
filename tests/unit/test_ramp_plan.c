/*
 * test_ramp_plan.c: the schedule of a ramp (ramp_plan.h), edge cases
 * first: reaching the target exactly, never past it, downward, rate
 * only, step only, a target within one step, scale and rounding, a rate
 * too slow for one raw count per interval, and a point the limits hold
 * away from the target.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ramp_plan.h"

static struct config_point
ramp_point(enum point_type type, double scale)
{
	struct config_point pt;

	memset(&pt, 0, sizeof pt);
	pt.table = TABLE_HOLDING;
	pt.type = type;
	pt.order = ORDER_ABCD;
	pt.width = type == TYPE_FLOAT32 || type == TYPE_INT32 ||
	    type == TYPE_UINT32 ? 2 : 1;
	pt.scale = scale;
	pt.writable = 1;
	pt.write.on_violation = VIOLATION_RAMP;
	return pt;
}

static void
step_limit(struct config_point *pt, double max_step)
{
	pt->write.has_max_step = 1;
	pt->write.max_step = max_step;
}

static void
rate_limit(struct config_point *pt, double max_rate)
{
	pt->write.has_max_rate = 1;
	pt->write.max_rate = max_rate;
}

static void
bounds(struct config_point *pt, double min, double max)
{
	pt->write.has_min = pt->write.has_max = 1;
	pt->write.min = min;
	pt->write.max = max;
}

/* The point at raw, last accepted there at `at` (no rate origin when at
 * is negative). */
static struct ramp_origin
origin(double raw, double at)
{
	struct ramp_origin o = { { raw, raw }, at >= 0, raw, at };

	return o;
}

/* Walk from `from` to target, each step from where the last left it,
 * sent when planned; returns the steps taken into steps[] and times[]. */
static int
walk(const struct config_point *pt, double from, double target, double t0,
    double *steps, double *times, int max)
{
	struct ramp_origin o = origin(from, -1);
	struct ramp_step s;
	double t = t0;
	int n = 0;

	for (;;) {
		ramp_plan_next(pt, &o, target, t, &s);
		if (s.result != RAMP_PLAN_STEP)
			break;
		assert_true(n < max);
		assert_true(s.at >= t);
		steps[n] = s.raw;
		times[n++] = s.at;
		o = origin(s.raw, s.at);
		t = s.at + ramp_plan_interval(pt);
	}
	assert_int_equal(s.result, RAMP_PLAN_REACHED);
	return n;
}

/* Already there: nothing to write. */
static void
test_reached(void **state)
{
	struct config_point pt = ramp_point(TYPE_UINT16, 1);
	struct ramp_origin o = origin(50, 0);
	struct ramp_step s;

	(void)state;
	step_limit(&pt, 5);
	ramp_plan_next(&pt, &o, 50, 1, &s);
	assert_int_equal(s.result, RAMP_PLAN_REACHED);
}

/* 50 to 62 by 5: 55, 60, 62, each 100 ms apart; the last names no
 * limit, the target was in reach. */
static void
test_reaches_target_exactly_without_overshoot(void **state)
{
	struct config_point pt = ramp_point(TYPE_UINT16, 1);
	double steps[8], times[8];
	struct ramp_origin o = origin(60, 0.2);
	struct ramp_step s;
	int n;

	(void)state;
	step_limit(&pt, 5);
	n = walk(&pt, 50, 62, 0, steps, times, 8);
	assert_int_equal(n, 3);
	assert_true(steps[0] == 55 && steps[1] == 60 && steps[2] == 62);
	assert_true(times[1] - times[0] >= 0.1 - 1e-12);
	ramp_plan_next(&pt, &o, 62, 0.3, &s);
	assert_null(s.limit);
	o = origin(50, 0);
	ramp_plan_next(&pt, &o, 62, 0, &s);
	assert_string_equal(s.limit, "max_step");
	assert_true(s.limit_value == 5);
}

static void
test_negative_direction(void **state)
{
	struct config_point pt = ramp_point(TYPE_INT16, 1);
	double steps[8], times[8];
	int n;

	(void)state;
	step_limit(&pt, 10);
	n = walk(&pt, 5, -22, 0, steps, times, 8);
	assert_int_equal(n, 3);
	assert_true(steps[0] == -5 && steps[1] == -15 && steps[2] == -22);
}

/* A target within one step is one write. */
static void
test_target_inside_one_step(void **state)
{
	struct config_point pt = ramp_point(TYPE_UINT16, 1);
	double steps[2], times[2];

	(void)state;
	step_limit(&pt, 5);
	assert_int_equal(walk(&pt, 50, 53, 0, steps, times, 2), 1);
	assert_true(steps[0] == 53);
}

/* Rate only: 20 units/s, 100 ms apart, 2 per step. */
static void
test_rate_only(void **state)
{
	struct config_point pt = ramp_point(TYPE_UINT16, 1);
	struct ramp_origin o = origin(100, 10);
	struct ramp_step s;

	(void)state;
	rate_limit(&pt, 20);
	ramp_plan_next(&pt, &o, 110, 10.1, &s);
	assert_int_equal(s.result, RAMP_PLAN_STEP);
	assert_true(s.raw == 102);
	assert_string_equal(s.limit, "max_rate");
	assert_true(s.limit_value == 20);
	/* Without a rate origin (nothing accepted yet) nothing limits. */
	o = origin(100, -1);
	ramp_plan_next(&pt, &o, 110, 10.1, &s);
	assert_true(s.raw == 110);
	assert_null(s.limit);
}

/* Both: the tighter binds and is named. */
static void
test_tighter_limit_named(void **state)
{
	struct config_point pt = ramp_point(TYPE_UINT16, 1);
	struct ramp_origin o = origin(100, 10);
	struct ramp_step s;

	(void)state;
	step_limit(&pt, 5);
	rate_limit(&pt, 20);
	ramp_plan_next(&pt, &o, 150, 10.1, &s);
	assert_true(s.raw == 102);
	assert_string_equal(s.limit, "max_rate");
	ramp_plan_next(&pt, &o, 150, 11, &s);
	assert_true(s.raw == 105);
	assert_string_equal(s.limit, "max_step");
}

/* Scale 0.1: max_step 0.5 is 5 counts, however 0.5 / 0.1 rounds; the
 * values are the engineer's decimals. */
static void
test_scale_rounding(void **state)
{
	struct config_point pt = ramp_point(TYPE_UINT16, 0.1);
	double steps[8], times[8];
	int n;

	(void)state;
	step_limit(&pt, 0.3);
	bounds(&pt, 0, 100);
	n = walk(&pt, 500, 510, 0, steps, times, 8);
	assert_int_equal(n, 4);
	assert_true(steps[0] == 503 && steps[1] == 506 && steps[2] == 509 &&
	    steps[3] == 510);
}

/* 0.5 units/s at scale 1 is one count per 2 s: the ramp waits for the
 * count instead of writing nothing every 100 ms, or more than the rate. */
static void
test_rate_below_one_count_per_interval(void **state)
{
	struct config_point pt = ramp_point(TYPE_UINT16, 1);
	struct ramp_origin o = origin(10, 100);
	struct ramp_step s;

	(void)state;
	rate_limit(&pt, 0.5);
	ramp_plan_next(&pt, &o, 13, 100.1, &s);
	assert_int_equal(s.result, RAMP_PLAN_STEP);
	assert_true(s.raw == 11);
	assert_true(s.at >= 102 - 1e-6 && s.at <= 102 + 1e-6);
	/* Downward the same. */
	ramp_plan_next(&pt, &o, 7, 100.1, &s);
	assert_true(s.raw == 9);
	assert_true(s.at >= 102 - 1e-6 && s.at <= 102 + 1e-6);
}

/* float32: a rate small against the value still moves it. */
static void
test_float_steps(void **state)
{
	struct config_point pt = ramp_point(TYPE_FLOAT32, 1);
	double steps[16], times[16];
	int n;

	(void)state;
	step_limit(&pt, 0.25);
	n = walk(&pt, 1.0, 2.0, 0, steps, times, 16);
	assert_int_equal(n, 4);
	assert_true(steps[0] == 1.25 && steps[3] == 2.0);
}

/* min_interval sets the spacing. */
static void
test_interval(void **state)
{
	struct config_point pt = ramp_point(TYPE_UINT16, 1);

	(void)state;
	assert_true(ramp_plan_interval(&pt) == RAMP_PLAN_DEFAULT_INTERVAL);
	pt.write.has_min_interval = 1;
	pt.write.min_interval = 0.5;
	assert_true(ramp_plan_interval(&pt) == 0.5);
}

/* The device moved out of the bounds by more than a step: no value is
 * both within max_step of it and inside min/max. */
static void
test_stuck_outside_bounds(void **state)
{
	struct config_point pt = ramp_point(TYPE_UINT16, 1);
	struct ramp_origin o = origin(130, 0);
	struct ramp_step s;

	(void)state;
	step_limit(&pt, 5);
	bounds(&pt, 0, 100);
	ramp_plan_next(&pt, &o, 90, 1, &s);
	assert_int_equal(s.result, RAMP_PLAN_STUCK);
	/* Step only, no rate: nothing to wait for either. */
	o = origin(103, -1);
	ramp_plan_next(&pt, &o, 90, 1, &s);
	assert_int_equal(s.result, RAMP_PLAN_STEP);
	assert_true(s.raw == 98);
}

/* A write still in flight counts as where the point may be: the step
 * is within max_step of both. */
static void
test_in_flight_span(void **state)
{
	struct config_point pt = ramp_point(TYPE_UINT16, 1);
	struct ramp_origin o = { { 50, 53 }, 0, 0, 0 };
	struct ramp_step s;

	(void)state;
	step_limit(&pt, 5);
	ramp_plan_next(&pt, &o, 80, 1, &s);
	assert_true(s.raw == 55);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reached),
		cmocka_unit_test(test_reaches_target_exactly_without_overshoot),
		cmocka_unit_test(test_negative_direction),
		cmocka_unit_test(test_target_inside_one_step),
		cmocka_unit_test(test_rate_only),
		cmocka_unit_test(test_tighter_limit_named),
		cmocka_unit_test(test_scale_rounding),
		cmocka_unit_test(test_rate_below_one_count_per_interval),
		cmocka_unit_test(test_float_steps),
		cmocka_unit_test(test_interval),
		cmocka_unit_test(test_stuck_outside_bounds),
		cmocka_unit_test(test_in_flight_span),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
