/*
 * test_learn_limits.c: the limits proposed from what was observed, edges
 * first: nothing valued, one constant value (zero, negative), bounds at
 * the type's edge (and past it), rounding to the resolution, bools, intervals under a
 * millisecond and margins of 100 % and more, rates no limit allows.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "learn_limits.h"

static const struct learn_domain u16 = { 0, 65535, 0, 0 };

static struct learn_observed
observed(struct learn_entry *e, double min, double max)
{
	struct learn_observed o = { e, min, max, e->max_step, e->max_rate };

	e->valued = e->writes = 2;
	e->min = min;
	e->max = max;
	return o;
}

static void
test_nothing_valued(void **state)
{
	struct learn_entry e;
	struct learn_observed o = { &e, 0, 0, 0, 0 };
	struct learn_limits p;

	(void)state;
	memset(&e, 0, sizeof e);
	e.writes = 3;
	learn_limits_propose(&o, 0.1, &u16, &p);
	assert_false(p.has_min || p.has_max || p.has_step || p.has_rate ||
	    p.has_interval);
}

/* Constant: widened by the margin of the value; 0 stays 0..0. */
static void
test_constant(void **state)
{
	struct learn_entry e;
	struct learn_observed o;
	struct learn_limits p;
	struct learn_domain s16 = { -32768, 32767, 0, 0 };

	(void)state;
	memset(&e, 0, sizeof e);
	e.has_step = 1;                 /* a step of 0: no max_step */
	o = observed(&e, -50, -50);
	learn_limits_propose(&o, 0.1, &s16, &p);
	assert_true(p.min == -55 && p.max == -45);
	assert_false(p.has_step);
	o = observed(&e, 0, 0);
	learn_limits_propose(&o, 0.1, &u16, &p);
	assert_true(p.has_min && p.min == 0 && p.max == 0);
}

/* Rounded outward to the resolution, kept inside the type, never inside
 * what was observed. */
static void
test_rounding_and_edges(void **state)
{
	struct learn_entry e;
	struct learn_observed o;
	struct learn_limits p;
	struct learn_domain tenth = { 0, 6553.5, 1, 0 };

	(void)state;
	memset(&e, 0, sizeof e);
	o = observed(&e, 45.03, 55.01);         /* span 9.98: widen 0.998 */
	learn_limits_propose(&o, 0.1, &tenth, &p);
	assert_true(fabs(p.min - 44.0) < 1e-9);
	assert_true(fabs(p.max - 56.1) < 1e-9);
	o = observed(&e, 3, 65530);
	learn_limits_propose(&o, 0.5, &u16, &p);
	assert_true(p.min == 0 && p.max == 65535);
	/* Whatever was observed, the limits stay inside the domain: a
	 * config_load() takes them. */
	o = observed(&e, -5, 70000);
	learn_limits_propose(&o, 0, &u16, &p);
	assert_true(p.min == 0 && p.max == 65535);
}

static void
test_bool(void **state)
{
	struct learn_entry e;
	struct learn_observed o;
	struct learn_limits p;
	struct learn_domain b = { 0, 1, 0, 1 };

	(void)state;
	memset(&e, 0, sizeof e);
	e.has_step = e.has_rate = 1;
	e.max_step = 1;
	e.max_rate = 4;
	o = observed(&e, 1, 1);
	learn_limits_propose(&o, 0.5, &b, &p);
	assert_true(p.min == 1 && p.max == 1);
	assert_false(p.has_step || p.has_rate);
}

/* Step and rate up by the margin and rounded up; no rate where two values
 * came in one instant. */
static void
test_step_and_rate(void **state)
{
	struct learn_entry e;
	struct learn_observed o;
	struct learn_limits p;

	(void)state;
	memset(&e, 0, sizeof e);
	e.has_step = e.has_rate = 1;
	e.max_step = 32;
	e.max_rate = 79.9;
	o = observed(&e, 500, 800);
	learn_limits_propose(&o, 0.25, &u16, &p);
	assert_true(p.has_step && p.step == 40);
	assert_true(p.has_rate && p.rate == 100);
	e.rate_unbounded = 1;
	learn_limits_propose(&o, 0.25, &u16, &p);
	assert_false(p.has_rate);
}

/* min_interval shrunk, in whole ms: gone under 1 ms and at a margin of
 * 100 % or more. */
static void
test_interval(void **state)
{
	struct learn_entry e;
	struct learn_observed o;
	struct learn_limits p;

	(void)state;
	memset(&e, 0, sizeof e);
	e.has_interval = 1;
	e.min_interval = 0.3977;
	o = observed(&e, 1, 2);
	learn_limits_propose(&o, 0.1, &u16, &p);
	assert_true(p.has_interval && fabs(p.interval - 0.357) < 1e-9);
	learn_limits_propose(&o, 1.0, &u16, &p);
	assert_false(p.has_interval);
	learn_limits_propose(&o, 5.0, &u16, &p);
	assert_false(p.has_interval);
	e.min_interval = 0.0009;
	learn_limits_propose(&o, 0, &u16, &p);
	assert_false(p.has_interval);
	e.min_interval = 0.001;
	learn_limits_propose(&o, 0, &u16, &p);
	assert_true(p.has_interval && p.interval == 0.001);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nothing_valued),
		cmocka_unit_test(test_constant),
		cmocka_unit_test(test_rounding_and_edges),
		cmocka_unit_test(test_bool),
		cmocka_unit_test(test_step_and_rate),
		cmocka_unit_test(test_interval),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
