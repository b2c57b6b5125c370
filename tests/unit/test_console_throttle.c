/*
 * test_console_throttle.c: failed logins one a second per source
 * (console_throttle.h): turns booked one after another, a wrong answer
 * held to its turn's end, a success frees the source, a source that
 * would wait too long is refused, and sources do not hold each other up.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "console_throttle.h"

static void
test_turns_one_a_second(void **state)
{
	struct throttle *t = calloc(1, sizeof *t);
	double until;

	(void)state;
	assert_true(throttle_book(t, "10.0.0.1", 100.0, &until) == 0.0);
	assert_true(until == 101.0);
	/* Two more at once: each waits for the turn before it. */
	assert_true(throttle_book(t, "10.0.0.1", 100.0, &until) == 1.0);
	assert_true(throttle_book(t, "10.0.0.1", 100.0, &until) == 2.0);
	assert_true(until == 103.0);
	/* Another address is not held up. */
	assert_true(throttle_book(t, "10.0.0.2", 100.0, &until) == 0.0);
	assert_int_equal(throttle_failed(t, "10.0.0.1"), 1);
	assert_int_equal(throttle_failed(t, "10.0.0.1"), 2);
	free(t);
}

static void
test_too_long_refused(void **state)
{
	struct throttle *t = calloc(1, sizeof *t);
	double until, w;
	int i;

	(void)state;
	for (i = 0; i <= (int)THROTTLE_WAIT_MAX; i++)
		assert_true(throttle_book(t, "a", 0.0, &until) >= 0);
	w = throttle_book(t, "a", 0.0, &until);
	assert_true(w == -1);
	/* Nothing was booked for it: after a second there is room again. */
	assert_true(throttle_book(t, "a", 1.0, &until) >= 0);
	free(t);
}

static void
test_success_frees(void **state)
{
	struct throttle *t = calloc(1, sizeof *t);
	double until;

	(void)state;
	throttle_book(t, "a", 0.0, &until);
	throttle_failed(t, "a");
	throttle_book(t, "a", 0.5, &until);
	throttle_succeeded(t, "a", 0.6);
	assert_true(throttle_book(t, "a", 0.6, &until) == 0.0);
	assert_int_equal(throttle_failed(t, "a"), 1);
	throttle_succeeded(t, "never-seen", 0.0);
	assert_int_equal(throttle_failed(t, "never-seen"), 0);
	free(t);
}

static void
test_full_table_reuses_oldest(void **state)
{
	struct throttle *t = calloc(1, sizeof *t);
	char addr[THROTTLE_SOURCE_LEN];
	double until;
	int i;

	(void)state;
	for (i = 0; i < THROTTLE_SOURCES; i++) {
		snprintf(addr, sizeof addr, "10.0.%d.%d", i / 256, i % 256);
		throttle_book(t, addr, 100.0 + i, &until);
	}
	/* A new source takes the entry whose turns ended first (10.0.0.0),
	 * so it is not held up by anyone. */
	assert_true(throttle_book(t, "192.0.2.1", 100.0, &until) == 0.0);
	assert_true(throttle_book(t, "10.0.0.0", 100.0, &until) == 0.0);
	assert_true(throttle_book(t, "", 100.0, &until) == 0.0);
	free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_turns_one_a_second),
		cmocka_unit_test(test_too_long_refused),
		cmocka_unit_test(test_success_frees),
		cmocka_unit_test(test_full_table_reuses_oldest),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
