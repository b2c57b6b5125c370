/*
 * test_restore.c: start-up's choice between the state file and the audit
 * log's last takeover or release. Only AUTO saved with a takeover as the
 * log's last word restores that takeover; everything else leaves the
 * state file to decide.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "restore.h"

#define T_RELEASED 1700000000.5         /* 2023-11-14T22:13:20.500000Z */

static const struct audit_last takeover = {
	.event = "takeover", .ts = "2023-11-14T22:13:21.250000Z",
	.cause = "trip", .reason = "level high_high",
};

static struct guard_persisted
saved_auto(void)
{
	struct guard_persisted p;

	memset(&p, 0, sizeof(p));
	p.state = GUARD_STATE_AUTO;
	p.cause = GUARD_CAUSE_OPERATOR;
	strcpy(p.reason, "released after inspection");
	p.since = T_RELEASED;
	return p;
}

static void
test_takeover_missed_is_restored(void **state)
{
	struct guard_persisted saved = saved_auto(), out;

	(void)state;
	assert_int_equal(restore_reconcile(&saved, &takeover, &out), 1);
	assert_int_equal(out.state, GUARD_STATE_TAKEOVER);
	assert_int_equal(out.cause, GUARD_CAUSE_TRIP);
	assert_string_equal(out.reason, "level high_high");
	assert_true(out.since > 1700000001.249 && out.since < 1700000001.251);
	/* In place, as start-up calls it. */
	assert_int_equal(restore_reconcile(&saved, &takeover, &saved), 1);
	assert_int_equal(saved.state, GUARD_STATE_TAKEOVER);
}

static void
test_saved_stands(void **state)
{
	struct guard_persisted saved = saved_auto(), out;
	struct audit_last released = takeover;

	(void)state;
	assert_int_equal(restore_reconcile(&saved, NULL, &out), 0);
	strcpy(released.event, "release");
	assert_int_equal(restore_reconcile(&saved, &released, &out), 0);
	saved.state = GUARD_STATE_TAKEOVER;
	assert_int_equal(restore_reconcile(&saved, &takeover, &out), 0);
}

/* A clock set back between the two cannot hide the takeover. */
static void
test_clocks_not_compared(void **state)
{
	struct guard_persisted saved = saved_auto(), out;
	struct audit_last older = takeover;

	(void)state;
	strcpy(older.ts, "2023-11-14T22:00:00.000000Z");
	assert_int_equal(restore_reconcile(&saved, &older, &out), 1);
	assert_int_equal(out.state, GUARD_STATE_TAKEOVER);
}

static void
test_odd_records_still_take_over(void **state)
{
	struct guard_persisted saved = saved_auto(), out;
	struct audit_last odd = takeover;

	(void)state;
	strcpy(odd.cause, "from_a_newer_wardend");
	strcpy(odd.ts, "yesterday");
	odd.reason[0] = '\0';
	assert_int_equal(restore_reconcile(&saved, &odd, &out), 1);
	assert_int_equal(out.state, GUARD_STATE_TAKEOVER);
	assert_int_equal(out.cause, GUARD_CAUSE_STARTUP);
	assert_true(out.since == T_RELEASED);
	assert_string_equal(out.reason, "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_takeover_missed_is_restored),
		cmocka_unit_test(test_saved_stands),
		cmocka_unit_test(test_clocks_not_compared),
		cmocka_unit_test(test_odd_records_still_take_over),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
