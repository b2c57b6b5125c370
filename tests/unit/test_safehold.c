/*
 * test_safehold.c: drift episodes of a held safe-state point. One record
 * opens an episode and one closes it, however often the point is fought
 * over in between; the settle time exactly reached closes it, a break
 * restarts it; the status words at each step. Time is driven by the test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "safehold.h"

/* Epoch-sized times, as ev_now() gives them. */
#define T0 1700000000.0
#define SETTLE 2.0

/* First write verified at T0: what safestate.c does on entry. */
static void
hold_verified_at_start(struct safehold *h)
{
	memset(h, 0, sizeof *h);
	safehold_verified(h, T0);
}

static void
test_settle_time(void **unused)
{
	(void)unused;
	assert_true(safehold_settle(0.05) == SAFEHOLD_SETTLE_MIN);
	assert_true(safehold_settle(0.5) == SAFEHOLD_SETTLE_MIN);
	assert_true(safehold_settle(1.0) == 4.0);
	assert_true(safehold_settle(0.0) == SAFEHOLD_SETTLE_MIN);
}

static void
test_status_before_and_after_first_write(void **unused)
{
	struct safehold h;

	(void)unused;
	memset(&h, 0, sizeof h);
	assert_string_equal(safehold_status(&h, 0, 1), "pending");
	assert_string_equal(safehold_status(&h, 0, 0), "pending");
	hold_verified_at_start(&h);
	assert_string_equal(safehold_status(&h, 1, 1), "verified");
	assert_string_equal(safehold_status(&h, 1, 0), "verified");
}

/* Reads at the safe value record nothing, however long they go on. */
static void
test_holding_records_nothing(void **unused)
{
	struct safehold h;
	double t;

	(void)unused;
	hold_verified_at_start(&h);
	for (t = 0.0; t < 100.0; t += 0.25)
		assert_int_equal(safehold_read(&h, 1, T0 + t, SETTLE),
		    SAFEHOLD_NONE);
	assert_false(h.open);
	assert_string_equal(safehold_status(&h, 1, 1), "verified");
}

/* The first read off the value opens an episode; reads that go on
 * finding it off are the same drift. */
static void
test_drift_opens_one_episode(void **unused)
{
	struct safehold h;

	(void)unused;
	hold_verified_at_start(&h);
	assert_int_equal(safehold_read(&h, 0, T0 + 1.0, SETTLE),
	    SAFEHOLD_DRIFT);
	assert_true(h.open);
	assert_int_equal(h.drifts, 1);
	assert_int_equal(h.redrives, 0);
	assert_string_equal(safehold_status(&h, 1, 1), "re-driving");
	assert_string_equal(safehold_status(&h, 1, 0), "drifted");
	/* A write on its way in the episode is still re-driving. */
	assert_string_equal(safehold_status(&h, 0, 1), "re-driving");
	assert_int_equal(safehold_read(&h, 0, T0 + 1.25, SETTLE),
	    SAFEHOLD_NONE);
	assert_int_equal(safehold_read(&h, 0, T0 + 1.5, SETTLE),
	    SAFEHOLD_NONE);
	assert_int_equal(h.drifts, 1);
}

/* Written back at once and holding: closed after exactly the settle
 * time, not a read before. */
static void
test_settles_after_exactly_the_settle_time(void **unused)
{
	struct safehold h;

	(void)unused;
	hold_verified_at_start(&h);
	assert_int_equal(safehold_read(&h, 0, T0 + 1.0, SETTLE),
	    SAFEHOLD_DRIFT);
	h.redrives++;                   /* safestate.c writes it again */
	safehold_verified(&h, T0 + 1.125);
	assert_int_equal(safehold_read(&h, 1, T0 + 1.25, SETTLE),
	    SAFEHOLD_NONE);
	assert_int_equal(safehold_read(&h, 1, T0 + 3.0, SETTLE),
	    SAFEHOLD_NONE);
	assert_string_equal(safehold_status(&h, 1, 1), "re-driving");
	assert_int_equal(safehold_read(&h, 1, T0 + 3.125, SETTLE),
	    SAFEHOLD_SETTLED);
	assert_false(h.open);
	assert_int_equal(h.drifts, 1);
	assert_int_equal(h.redrives, 1);
	assert_string_equal(safehold_status(&h, 1, 1), "verified");
	assert_int_equal(safehold_read(&h, 1, T0 + 10.0, SETTLE),
	    SAFEHOLD_NONE);
}

/* A PLC that rewrites the point every scan: every read after a re-drive
 * finds it off again. One episode, counted; closed once it stops. */
static void
test_fight_is_one_episode(void **unused)
{
	struct safehold h;
	double t = 1.0;
	int i;

	(void)unused;
	hold_verified_at_start(&h);
	assert_int_equal(safehold_read(&h, 0, T0 + t, SETTLE),
	    SAFEHOLD_DRIFT);
	for (i = 0; i < 1000; i++) {
		h.redrives++;
		safehold_verified(&h, T0 + t + 0.0078125);
		t += 0.0625;
		assert_int_equal(safehold_read(&h, 0, T0 + t, SETTLE),
		    SAFEHOLD_NONE);
	}
	assert_int_equal(h.drifts, 1001);
	assert_int_equal(h.redrives, 1000);
	h.redrives++;
	safehold_verified(&h, T0 + t);
	assert_int_equal(safehold_read(&h, 1, T0 + t + SETTLE, SETTLE),
	    SAFEHOLD_SETTLED);
	assert_int_equal(h.drifts, 1001);
	assert_int_equal(h.redrives, 1001);
}

/* A break in holding restarts the settle time. */
static void
test_break_restarts_the_settle_time(void **unused)
{
	struct safehold h;

	(void)unused;
	hold_verified_at_start(&h);
	assert_int_equal(safehold_read(&h, 0, T0 + 1.0, SETTLE),
	    SAFEHOLD_DRIFT);
	safehold_verified(&h, T0 + 1.5);
	assert_int_equal(safehold_read(&h, 0, T0 + 3.0, SETTLE),
	    SAFEHOLD_NONE);
	safehold_verified(&h, T0 + 3.25);
	assert_int_equal(safehold_read(&h, 1, T0 + 3.5, SETTLE),
	    SAFEHOLD_NONE);
	assert_int_equal(safehold_read(&h, 1, T0 + 5.0, SETTLE),
	    SAFEHOLD_NONE);
	assert_int_equal(safehold_read(&h, 1, T0 + 5.25, SETTLE),
	    SAFEHOLD_SETTLED);
	assert_int_equal(h.drifts, 2);
}

/* hold: false: nothing is written; the value comes back on its own and
 * the episode closes once it has held; its first read back starts the
 * clock. */
static void
test_no_hold_value_comes_back(void **unused)
{
	struct safehold h;

	(void)unused;
	hold_verified_at_start(&h);
	assert_int_equal(safehold_read(&h, 0, T0 + 1.0, SETTLE),
	    SAFEHOLD_DRIFT);
	assert_int_equal(safehold_read(&h, 0, T0 + 30.0, SETTLE),
	    SAFEHOLD_NONE);
	assert_string_equal(safehold_status(&h, 1, 0), "drifted");
	assert_int_equal(safehold_read(&h, 1, T0 + 40.0, SETTLE),
	    SAFEHOLD_NONE);
	assert_string_equal(safehold_status(&h, 1, 0), "drifted");
	assert_int_equal(safehold_read(&h, 1, T0 + 42.0, SETTLE),
	    SAFEHOLD_SETTLED);
	assert_int_equal(h.drifts, 1);
	assert_int_equal(h.redrives, 0);
	assert_string_equal(safehold_status(&h, 1, 0), "verified");
}

/* After an episode closed, the next drift is a new one, counted anew. */
static void
test_next_episode_counts_anew(void **unused)
{
	struct safehold h;

	(void)unused;
	hold_verified_at_start(&h);
	assert_int_equal(safehold_read(&h, 0, T0 + 1.0, SETTLE),
	    SAFEHOLD_DRIFT);
	h.redrives = 3;
	safehold_verified(&h, T0 + 2.0);
	assert_int_equal(safehold_read(&h, 1, T0 + 4.0, SETTLE),
	    SAFEHOLD_SETTLED);
	assert_int_equal(safehold_read(&h, 0, T0 + 4.5, SETTLE),
	    SAFEHOLD_DRIFT);
	assert_int_equal(h.drifts, 1);
	assert_int_equal(h.redrives, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_settle_time),
		cmocka_unit_test(test_status_before_and_after_first_write),
		cmocka_unit_test(test_holding_records_nothing),
		cmocka_unit_test(test_drift_opens_one_episode),
		cmocka_unit_test(test_settles_after_exactly_the_settle_time),
		cmocka_unit_test(test_fight_is_one_episode),
		cmocka_unit_test(test_break_restarts_the_settle_time),
		cmocka_unit_test(test_no_hold_value_comes_back),
		cmocka_unit_test(test_next_episode_counts_anew),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
