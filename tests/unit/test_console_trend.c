/*
 * test_console_trend.c: the console's trend rings (console_trend.h): a
 * value per second, the newest of a second wins, an hour and no more,
 * an old slot never passes for a new second, and the limits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "console_trend.h"

#define T0 1796484000

static int64_t secs[TREND_SECONDS];
static double vals[TREND_SECONDS];

static void
test_values_in_order(void **state)
{
	struct trend *t = trend_new();

	(void)state;
	assert_non_null(t);
	assert_int_equal(trend_get(t, "level", T0, secs, vals, 10), 0);
	assert_int_equal(trend_add(t, "level", T0 - 2, 1.5), 0);
	assert_int_equal(trend_add(t, "level", T0, 2.5), 0);
	assert_int_equal(trend_add(t, "flow", T0, 9.0), 0);
	assert_int_equal(trend_get(t, "level", T0, secs, vals, 10), 2);
	assert_int_equal(secs[0], T0 - 2);
	assert_true(vals[0] == 1.5);
	assert_int_equal(secs[1], T0);
	assert_true(vals[1] == 2.5);
	assert_int_equal(trend_points(t), 2);
	trend_free(t);
}

static void
test_newest_of_a_second_wins(void **state)
{
	struct trend *t = trend_new();

	(void)state;
	trend_add(t, "level", T0, 1.0);
	trend_add(t, "level", T0, 2.0);
	assert_int_equal(trend_get(t, "level", T0, secs, vals, 10), 1);
	assert_true(vals[0] == 2.0);
	/* A late value for a second the ring has moved past is dropped. */
	trend_add(t, "level", T0 + TREND_SECONDS, 3.0);
	trend_add(t, "level", T0, 4.0);
	assert_int_equal(trend_get(t, "level", T0 + TREND_SECONDS, secs,
	    vals, 10), 1);
	assert_true(vals[0] == 3.0);
	trend_free(t);
}

static void
test_an_hour_only(void **state)
{
	struct trend *t = trend_new();
	int64_t s;

	(void)state;
	for (s = T0; s < T0 + 2 * TREND_SECONDS; s++)
		trend_add(t, "level", s, (double)(s - T0));
	s = T0 + 2 * TREND_SECONDS - 1;
	assert_int_equal(trend_get(t, "level", s, secs, vals, TREND_SECONDS),
	    TREND_SECONDS);
	assert_int_equal(secs[0], s - TREND_SECONDS + 1);
	assert_int_equal(secs[TREND_SECONDS - 1], s);
	/* Asked later, the seconds past the hour are not there: an old
	 * slot is not taken for the second that maps onto it. */
	assert_int_equal(trend_get(t, "level", s + 100, secs, vals,
	    TREND_SECONDS), TREND_SECONDS - 100);
	assert_int_equal(trend_get(t, "level", s + TREND_SECONDS, secs, vals,
	    TREND_SECONDS), 0);
	/* cap is kept. */
	assert_int_equal(trend_get(t, "level", s, secs, vals, 5), 5);
	trend_free(t);
}

static void
test_limits(void **state)
{
	struct trend *t = trend_new();
	char name[TREND_NAME_MAX + 1];
	int i;

	(void)state;
	memset(name, 'a', sizeof name - 1);
	name[sizeof name - 1] = '\0';
	assert_int_equal(trend_add(t, name, T0, 1.0), -1);
	name[TREND_NAME_MAX - 1] = '\0';
	assert_int_equal(trend_add(t, name, T0, 1.0), 0);
	for (i = 1; i < TREND_POINTS_MAX; i++) {
		snprintf(name, sizeof name, "p%d", i);
		assert_int_equal(trend_add(t, name, T0, 1.0), 0);
	}
	assert_int_equal(trend_add(t, "one-too-many", T0, 1.0), -1);
	assert_int_equal(trend_add(t, "p1", T0 + 1, 2.0), 0);
	trend_free(t);
	trend_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values_in_order),
		cmocka_unit_test(test_newest_of_a_second_wins),
		cmocka_unit_test(test_an_hour_only),
		cmocka_unit_test(test_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
