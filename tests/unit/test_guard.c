/*
 * test_guard.c: the takeover state machine. Start-up first (what a
 * restart restores), then every cause of a takeover, then every refusal
 * of a release and its acceptance once the condition is gone, then the
 * windows and timers at their edges, then monitor mode. Time is driven by
 * the test; configs are filled in directly.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "guard.h"

#define T0 1700000000.0

struct fixture {
	struct config cfg;
	struct guard g;
	struct guard_result r;
};

/* Enforce mode, no state file meaning AUTO, no trigger but the switch. */
static int
fixture_setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);

	if (f == NULL)
		return -1;
	f->cfg.mode = MODE_ENFORCE;
	f->cfg.initial_state = INITIAL_AUTO;
	f->cfg.takeover.has_switch = 1;
	f->cfg.takeover.switch_active = 1;
	*state = f;
	return 0;
}

static int
fixture_teardown(void **state)
{
	struct fixture *f = *state;

	guard_free(&f->g);
	free(f);
	return 0;
}

/* Start with no state file at T0 + t; the switch polled off. */
static void
start_auto(struct fixture *f, double t)
{
	assert_int_equal(guard_init(&f->g, &f->cfg, GUARD_RESTORE_NONE, NULL,
	    T0 + t), 0);
	assert_int_equal(f->g.state, GUARD_STATE_AUTO);
	guard_switch(&f->g, GUARD_SWITCH_OFF, T0 + t);
}

static void
assert_takeover(const struct fixture *f, enum guard_cause cause,
    const char *reason, double t)
{
	assert_int_equal(f->r.action, GUARD_TAKEOVER);
	assert_int_equal(f->r.next.state, GUARD_STATE_TAKEOVER);
	assert_int_equal(f->r.next.cause, cause);
	assert_string_equal(f->r.next.reason, reason);
	assert_true(f->r.next.since == T0 + t);
	assert_int_equal(f->g.state, GUARD_STATE_TAKEOVER);
	assert_int_equal(f->g.cause, cause);
	assert_string_equal(f->g.reason, reason);
	assert_true(f->g.since == T0 + t);
}

static void
assert_refused(struct fixture *f, const char *reason, const char *why)
{
	f->r = guard_release_check(&f->g, reason, T0);
	assert_int_equal(f->r.action, GUARD_REFUSED);
	assert_string_equal(f->r.why, why);
	f->r = guard_release_commit(&f->g, reason, T0);
	assert_int_equal(f->r.action, GUARD_REFUSED);
	assert_int_equal(f->g.state, GUARD_STATE_TAKEOVER);
}

/* Release at T0 + t, both phases. */
static void
release(struct fixture *f, double t)
{
	f->r = guard_release_check(&f->g, "checked the tank", T0 + t);
	assert_int_equal(f->r.action, GUARD_RELEASE);
	f->r = guard_release_commit(&f->g, "checked the tank", T0 + t);
	assert_int_equal(f->r.action, GUARD_RELEASE);
	assert_int_equal(f->g.state, GUARD_STATE_AUTO);
}

static void
test_start_without_state_file_follows_initial_state(void **state)
{
	struct fixture *f = *state;

	f->cfg.initial_state = INITIAL_TAKEOVER;
	assert_int_equal(guard_init(&f->g, &f->cfg, GUARD_RESTORE_NONE, NULL,
	    T0), 0);
	assert_int_equal(f->g.state, GUARD_STATE_TAKEOVER);
	assert_int_equal(f->g.cause, GUARD_CAUSE_STARTUP);
	assert_true(f->g.since == T0);
	assert_int_equal(f->g.counters.takeovers[GUARD_CAUSE_STARTUP], 1);
	guard_free(&f->g);
	f->cfg.initial_state = INITIAL_AUTO;
	assert_int_equal(guard_init(&f->g, &f->cfg, GUARD_RESTORE_NONE, NULL,
	    T0), 0);
	assert_int_equal(f->g.state, GUARD_STATE_AUTO);
	assert_int_equal(f->g.cause, GUARD_CAUSE_STARTUP);
	assert_int_equal(f->g.counters.takeovers[GUARD_CAUSE_STARTUP], 0);
}

static void
test_start_with_corrupt_state_file_is_takeover(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(guard_init(&f->g, &f->cfg, GUARD_RESTORE_CORRUPT,
	    NULL, T0), 0);
	assert_int_equal(f->g.state, GUARD_STATE_TAKEOVER);
	assert_int_equal(f->g.cause, GUARD_CAUSE_STARTUP);
	assert_string_equal(f->g.reason, "state file unreadable or corrupt");
}

static void
test_start_restores_saved_state(void **state)
{
	struct fixture *f = *state;
	struct guard_persisted saved, now;

	memset(&saved, 0, sizeof saved);
	saved.state = GUARD_STATE_TAKEOVER;
	saved.cause = GUARD_CAUSE_TRIP;
	strcpy(saved.reason, "trip: level high_high");
	saved.since = T0 - 3600;
	assert_int_equal(guard_init(&f->g, &f->cfg, GUARD_RESTORE_SAVED,
	    &saved, T0), 0);
	assert_int_equal(f->g.state, GUARD_STATE_TAKEOVER);
	assert_int_equal(f->g.cause, GUARD_CAUSE_TRIP);
	assert_string_equal(f->g.reason, "trip: level high_high");
	assert_true(f->g.since == T0 - 3600);
	assert_int_equal(f->g.counters.takeovers[GUARD_CAUSE_TRIP], 0);
	guard_persisted_get(&f->g, &now);
	assert_int_equal(now.state, saved.state);
	assert_int_equal(now.cause, saved.cause);
	assert_string_equal(now.reason, saved.reason);
	assert_true(now.since == saved.since);
	guard_free(&f->g);

	/* A saved AUTO wins over initial_state takeover. */
	f->cfg.initial_state = INITIAL_TAKEOVER;
	saved.state = GUARD_STATE_AUTO;
	saved.cause = GUARD_CAUSE_OPERATOR;
	assert_int_equal(guard_init(&f->g, &f->cfg, GUARD_RESTORE_SAVED,
	    &saved, T0), 0);
	assert_int_equal(f->g.state, GUARD_STATE_AUTO);
	assert_int_equal(f->g.cause, GUARD_CAUSE_OPERATOR);
	guard_free(&f->g);

	/* Values out of range are treated as a corrupt file. */
	saved.cause = (enum guard_cause)GUARD_CAUSE_COUNT;
	f->cfg.initial_state = INITIAL_AUTO;
	assert_int_equal(guard_init(&f->g, &f->cfg, GUARD_RESTORE_SAVED,
	    &saved, T0), 0);
	assert_int_equal(f->g.state, GUARD_STATE_TAKEOVER);
	assert_int_equal(f->g.cause, GUARD_CAUSE_STARTUP);
}

static void
test_operator_takeover_latches_first_cause(void **state)
{
	struct fixture *f = *state;

	start_auto(f, 0);
	f->r = guard_takeover(&f->g, "pump noise", T0 + 1);
	assert_takeover(f, GUARD_CAUSE_OPERATOR, "pump noise", 1);
	assert_int_equal(f->g.counters.takeovers[GUARD_CAUSE_OPERATOR], 1);
	f->r = guard_takeover(&f->g, "again", T0 + 2);
	assert_int_equal(f->r.action, GUARD_NONE);
	assert_string_equal(f->r.why, "already in takeover");
	f->r = guard_trip(&f->g, "level", MONITOR_HIGH_HIGH, 1, T0 + 3);
	assert_int_equal(f->r.action, GUARD_NONE);
	assert_int_equal(f->g.cause, GUARD_CAUSE_OPERATOR);
	assert_string_equal(f->g.reason, "pump noise");
	assert_true(f->g.since == T0 + 1);
	assert_int_equal(f->g.counters.takeovers[GUARD_CAUSE_OPERATOR], 1);
	assert_int_equal(f->g.counters.takeovers[GUARD_CAUSE_TRIP], 0);
}

static void
test_operator_takeover_without_reason(void **state)
{
	struct fixture *f = *state;

	start_auto(f, 0);
	f->r = guard_takeover(&f->g, "", T0);
	assert_takeover(f, GUARD_CAUSE_OPERATOR, "operator takeover", 0);
}

static void
test_key_switch_takes_over_and_blocks_release(void **state)
{
	struct fixture *f = *state;

	start_auto(f, 0);
	f->r = guard_switch(&f->g, GUARD_SWITCH_OFF, T0 + 1);
	assert_int_equal(f->r.action, GUARD_NONE);
	f->r = guard_switch(&f->g, GUARD_SWITCH_ON, T0 + 2);
	assert_takeover(f, GUARD_CAUSE_SWITCH, "key switch turned on", 2);
	f->r = guard_switch(&f->g, GUARD_SWITCH_ON, T0 + 3);
	assert_int_equal(f->r.action, GUARD_NONE);
	assert_refused(f, "done", "key switch is on");
	/* Switch unreadable: its position is unknown, still refused. */
	guard_switch(&f->g, GUARD_SWITCH_UNKNOWN, T0 + 4);
	assert_refused(f, "done",
	    "key switch state unknown: its device has not answered");
	/* Off is not a release by itself. */
	guard_switch(&f->g, GUARD_SWITCH_OFF, T0 + 5);
	assert_int_equal(f->g.state, GUARD_STATE_TAKEOVER);
	release(f, 6);
	assert_int_equal(f->g.counters.releases, 1);
	assert_int_equal(f->g.counters.releases_refused, 2);
}

static void
test_switch_unknown_until_first_poll(void **state)
{
	struct fixture *f = *state;

	f->cfg.initial_state = INITIAL_TAKEOVER;
	assert_int_equal(guard_init(&f->g, &f->cfg, GUARD_RESTORE_NONE, NULL,
	    T0), 0);
	assert_int_equal(f->g.key_switch, GUARD_SWITCH_UNKNOWN);
	assert_refused(f, "done",
	    "key switch state unknown: its device has not answered");
	guard_switch(&f->g, GUARD_SWITCH_OFF, T0);
	release(f, 1);
}

static void
test_no_switch_configured_ignores_switch(void **state)
{
	struct fixture *f = *state;

	f->cfg.takeover.has_switch = 0;
	f->cfg.initial_state = INITIAL_TAKEOVER;
	assert_int_equal(guard_init(&f->g, &f->cfg, GUARD_RESTORE_NONE, NULL,
	    T0), 0);
	assert_int_equal(f->g.key_switch, GUARD_SWITCH_OFF);
	release(f, 1);
	f->r = guard_switch(&f->g, GUARD_SWITCH_ON, T0 + 2);
	assert_int_equal(f->r.action, GUARD_NONE);
	assert_int_equal(f->g.state, GUARD_STATE_AUTO);
}

static void
test_release_refusals_in_order(void **state)
{
	struct fixture *f = *state;

	start_auto(f, 0);
	assert_int_equal(guard_release_check(&f->g, "x", T0).action,
	    GUARD_REFUSED);
	assert_string_equal(guard_release_check(&f->g, "x", T0).why,
	    "already in auto");
	guard_takeover(&f->g, "test", T0);
	assert_refused(f, "", "a reason is required");
	assert_refused(f, NULL, "a reason is required");
	release(f, 1);
	assert_int_equal(f->r.next.state, GUARD_STATE_AUTO);
	assert_int_equal(f->r.next.cause, GUARD_CAUSE_OPERATOR);
	assert_string_equal(f->r.next.reason, "checked the tank");
	assert_true(f->r.next.since == T0 + 1);
	assert_int_equal(f->g.cause, GUARD_CAUSE_OPERATOR);
	assert_string_equal(f->g.reason, "checked the tank");
	assert_true(f->g.since == T0 + 1);
}

static void
test_release_check_changes_nothing(void **state)
{
	struct fixture *f = *state;

	start_auto(f, 0);
	guard_takeover(&f->g, "test", T0);
	f->r = guard_release_check(&f->g, "ok", T0 + 1);
	assert_int_equal(f->r.action, GUARD_RELEASE);
	assert_int_equal(f->g.state, GUARD_STATE_TAKEOVER);
	assert_int_equal(f->g.counters.releases, 0);
	/* Persisting failed: the caller never commits; TAKEOVER holds. */
	assert_int_equal(f->g.cause, GUARD_CAUSE_OPERATOR);
	assert_string_equal(f->g.reason, "test");
	/* Something changed between check and commit: commit refuses. */
	guard_trip(&f->g, "level", MONITOR_LOW_LOW, 1, T0 + 2);
	f->r = guard_release_commit(&f->g, "ok", T0 + 3);
	assert_int_equal(f->r.action, GUARD_REFUSED);
	assert_int_equal(f->g.state, GUARD_STATE_TAKEOVER);
}

static void
test_trip_takes_over_and_blocks_release_until_cleared(void **state)
{
	struct fixture *f = *state;

	start_auto(f, 0);
	f->r = guard_trip(&f->g, "level", MONITOR_HIGH_HIGH, 1, T0 + 1);
	assert_takeover(f, GUARD_CAUSE_TRIP, "trip: level high_high", 1);
	assert_int_equal(f->g.counters.takeovers[GUARD_CAUSE_TRIP], 1);
	assert_refused(f, "done", "trip active: level high_high");
	guard_trip(&f->g, "flow", MONITOR_RATE, 1, T0 + 2);
	guard_trip(&f->g, "flow", MONITOR_STALE, 1, T0 + 2);
	assert_refused(f, "done",
	    "trip active: level high_high (and 2 more)");
	guard_trip(&f->g, "level", MONITOR_HIGH_HIGH, 0, T0 + 3);
	assert_refused(f, "done", "trip active: flow rate (and 1 more)");
	guard_trip(&f->g, "flow", MONITOR_STALE, 0, T0 + 3);
	assert_refused(f, "done", "trip active: flow rate");
	/* A clear of a trip never raised changes nothing. */
	guard_trip(&f->g, "flow", MONITOR_LOW_LOW, 0, T0 + 3);
	assert_refused(f, "done", "trip active: flow rate");
	guard_trip(&f->g, "flow", MONITOR_RATE, 0, T0 + 4);
	release(f, 5);
}

static void
test_each_trip_kind_takes_over(void **state)
{
	struct fixture *f = *state;
	static const enum monitor_kind kinds[] = { MONITOR_LOW_LOW,
		MONITOR_HIGH_HIGH, MONITOR_RATE, MONITOR_STALE };
	size_t i;

	start_auto(f, 0);
	for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		f->r = guard_trip(&f->g, "p", kinds[i], 1, T0 + (double)i);
		assert_int_equal(f->r.action, GUARD_TAKEOVER);
		assert_int_equal(f->g.cause, GUARD_CAUSE_TRIP);
		guard_trip(&f->g, "p", kinds[i], 0, T0 + (double)i);
		release(f, (double)i);
	}
	assert_int_equal(f->g.counters.takeovers[GUARD_CAUSE_TRIP], 4);
}

static void
test_alarms_never_take_over(void **state)
{
	struct fixture *f = *state;

	start_auto(f, 0);
	f->r = guard_trip(&f->g, "level", MONITOR_HIGH, 1, T0);
	assert_int_equal(f->r.action, GUARD_NONE);
	f->r = guard_trip(&f->g, "level", MONITOR_LOW, 1, T0);
	assert_int_equal(f->r.action, GUARD_NONE);
	assert_int_equal(f->g.state, GUARD_STATE_AUTO);
	guard_takeover(&f->g, "test", T0);
	release(f, 1);
}

static void
test_device_loss_per_on_device_loss(void **state)
{
	struct fixture *f = *state;

	f->cfg.takeover.on_device_loss = DEVICE_LOSS_OFF;
	start_auto(f, 0);
	f->r = guard_trip(&f->g, "tank1", MONITOR_DEVICE_LOSS, 1, T0 + 1);
	assert_int_equal(f->r.action, GUARD_NONE);
	f->cfg.takeover.on_device_loss = DEVICE_LOSS_ALARM;
	f->r = guard_trip(&f->g, "tank1", MONITOR_DEVICE_LOSS, 1, T0 + 1);
	assert_int_equal(f->r.action, GUARD_NONE);
	assert_int_equal(f->g.state, GUARD_STATE_AUTO);
	/* Neither blocks a release. */
	guard_takeover(&f->g, "test", T0 + 2);
	release(f, 3);

	f->cfg.takeover.on_device_loss = DEVICE_LOSS_TAKEOVER;
	f->r = guard_trip(&f->g, "tank1", MONITOR_DEVICE_LOSS, 1, T0 + 4);
	assert_takeover(f, GUARD_CAUSE_DEVICE_LOSS, "device tank1 lost", 4);
	assert_int_equal(f->g.counters.takeovers[GUARD_CAUSE_DEVICE_LOSS], 1);
	assert_refused(f, "done", "trip active: tank1 device_loss");
	guard_trip(&f->g, "tank1", MONITOR_DEVICE_LOSS, 0, T0 + 5);
	release(f, 6);
}

static void
test_violation_with_takeover_rule_acts_at_once(void **state)
{
	struct fixture *f = *state;

	start_auto(f, 0);
	f->r = guard_violation(&f->g, "inlet_valve max", 0, T0 + 1);
	assert_int_equal(f->r.action, GUARD_NONE);
	f->r = guard_violation(&f->g, "inlet_valve max", 1, T0 + 2);
	assert_takeover(f, GUARD_CAUSE_VIOLATION,
	    "violation: inlet_valve max", 2);
	assert_int_equal(f->g.counters.violations, 2);
	assert_int_equal(f->g.counters.takeovers[GUARD_CAUSE_VIOLATION], 1);
	/* Nothing about a violation blocks a release. */
	release(f, 3);
}

/* An intrusion told to the guard takes over at once, latched as any
 * other cause; in TAKEOVER another changes nothing. */
static void
test_intrusion_acts_at_once(void **state)
{
	struct fixture *f = *state;

	start_auto(f, 0);
	f->r = guard_intrusion(&f->g, "address_scan from 10.0.0.5", T0 + 1);
	assert_takeover(f, GUARD_CAUSE_INTRUSION,
	    "intrusion: address_scan from 10.0.0.5", 1);
	assert_int_equal(f->g.counters.takeovers[GUARD_CAUSE_INTRUSION], 1);
	f->r = guard_intrusion(&f->g, "flood from 10.0.0.6", T0 + 2);
	assert_int_equal(f->r.action, GUARD_NONE);
	assert_string_equal(f->g.reason,
	    "intrusion: address_scan from 10.0.0.5");
	release(f, 3);
}

static void
use_violations(struct fixture *f, unsigned count, double within)
{
	f->cfg.takeover.has_on_violations = 1;
	f->cfg.takeover.violations_count = count;
	f->cfg.takeover.violations_within = within;
}

static void
test_violations_count_within_window_inclusive(void **state)
{
	struct fixture *f = *state;

	use_violations(f, 3, 10);
	start_auto(f, 0);
	assert_int_equal(guard_violation(&f->g, "v", 0, T0).action,
	    GUARD_NONE);
	assert_int_equal(guard_violation(&f->g, "v", 0, T0 + 5).action,
	    GUARD_NONE);
	/* The third exactly `within` after the first counts. */
	f->r = guard_violation(&f->g, "inlet_valve max_step", 0, T0 + 10);
	assert_takeover(f, GUARD_CAUSE_VIOLATIONS, "3 violations within 10s, "
	    "the last: inlet_valve max_step", 10);
	assert_int_equal(f->g.counters.takeovers[GUARD_CAUSE_VIOLATIONS], 1);
}

static void
test_violations_just_outside_window_then_sliding(void **state)
{
	struct fixture *f = *state;

	use_violations(f, 3, 10);
	start_auto(f, 0);
	guard_violation(&f->g, "v", 0, T0);
	guard_violation(&f->g, "v", 0, T0 + 5);
	f->r = guard_violation(&f->g, "v", 0, T0 + 10.001);
	assert_int_equal(f->r.action, GUARD_NONE);
	/* The oldest slid out; 5, 10.001 and 15 are within 10 s. */
	f->r = guard_violation(&f->g, "v", 0, T0 + 15);
	assert_int_equal(f->r.action, GUARD_TAKEOVER);
	assert_true(f->g.since == T0 + 15);
}

static void
test_violations_old_ones_slide_out(void **state)
{
	struct fixture *f = *state;

	use_violations(f, 3, 10);
	start_auto(f, 0);
	guard_violation(&f->g, "v", 0, T0);
	guard_violation(&f->g, "v", 0, T0 + 1);
	assert_int_equal(guard_violation(&f->g, "v", 0, T0 + 11.5).action,
	    GUARD_NONE);
	assert_int_equal(guard_violation(&f->g, "v", 0, T0 + 12).action,
	    GUARD_NONE);
	assert_int_equal(guard_violation(&f->g, "v", 0, T0 + 13).action,
	    GUARD_TAKEOVER);
	assert_int_equal(f->g.counters.violations, 5);
}

static void
test_violations_one_short_never_takes_over(void **state)
{
	struct fixture *f = *state;
	int i;

	use_violations(f, 3, 10);
	start_auto(f, 0);
	/* Pairs far apart: never three within 10 s. */
	for (i = 0; i < 20; i++) {
		assert_int_equal(guard_violation(&f->g, "v", 0,
		    T0 + 20.0 * i).action, GUARD_NONE);
		assert_int_equal(guard_violation(&f->g, "v", 0,
		    T0 + 20.0 * i + 0.1).action, GUARD_NONE);
	}
	assert_int_equal(f->g.state, GUARD_STATE_AUTO);
}

static void
test_violations_count_afresh_after_release(void **state)
{
	struct fixture *f = *state;

	use_violations(f, 2, 10);
	start_auto(f, 0);
	guard_violation(&f->g, "v", 0, T0);
	assert_int_equal(guard_violation(&f->g, "v", 0, T0 + 1).action,
	    GUARD_TAKEOVER);
	/* Counted during takeover, forgotten by the release. */
	guard_violation(&f->g, "v", 0, T0 + 1.5);
	release(f, 2);
	assert_int_equal(guard_violation(&f->g, "v", 0, T0 + 3).action,
	    GUARD_NONE);
	assert_int_equal(guard_violation(&f->g, "v", 0, T0 + 4).action,
	    GUARD_TAKEOVER);
	/* count 1: every violation takes over. */
	release(f, 5);
	use_violations(f, 1, 10);
	assert_int_equal(guard_set_config(&f->g, &f->cfg), 0);
	assert_int_equal(guard_violation(&f->g, "v", 0, T0 + 6).action,
	    GUARD_TAKEOVER);
}

static void
test_ai_silence_from_entering_auto(void **state)
{
	struct fixture *f = *state;

	f->cfg.takeover.ai_silence = 5;
	start_auto(f, 100);
	/* An AI that never connects is silent too. */
	assert_int_equal(guard_tick(&f->g, T0 + 104.9).action, GUARD_NONE);
	f->r = guard_tick(&f->g, T0 + 105);
	assert_takeover(f, GUARD_CAUSE_AI_SILENCE, "no AI request for 5s",
	    105);
	assert_int_equal(f->g.counters.takeovers[GUARD_CAUSE_AI_SILENCE], 1);
	assert_int_equal(guard_tick(&f->g, T0 + 200).action, GUARD_NONE);
}

static void
test_ai_silence_reset_by_activity(void **state)
{
	struct fixture *f = *state;

	f->cfg.takeover.ai_silence = 5;
	start_auto(f, 0);
	guard_ai_activity(&f->g, T0 + 3);
	assert_int_equal(guard_tick(&f->g, T0 + 5).action, GUARD_NONE);
	assert_int_equal(guard_tick(&f->g, T0 + 7.9).action, GUARD_NONE);
	assert_int_equal(guard_tick(&f->g, T0 + 8).action, GUARD_TAKEOVER);
}

static void
test_ai_silence_counted_from_release(void **state)
{
	struct fixture *f = *state;

	f->cfg.takeover.ai_silence = 5;
	start_auto(f, 0);
	guard_takeover(&f->g, "test", T0);
	guard_ai_activity(&f->g, T0 + 40);      /* reads during takeover */
	release(f, 50);
	assert_int_equal(guard_tick(&f->g, T0 + 54.9).action, GUARD_NONE);
	assert_int_equal(guard_tick(&f->g, T0 + 55).action, GUARD_TAKEOVER);
	/* The later of release and the last request. */
	release(f, 60);
	guard_ai_activity(&f->g, T0 + 62);
	assert_int_equal(guard_tick(&f->g, T0 + 66.9).action, GUARD_NONE);
	assert_int_equal(guard_tick(&f->g, T0 + 67).action, GUARD_TAKEOVER);
}

static void
test_ai_silence_off_and_clock_stepped_back(void **state)
{
	struct fixture *f = *state;

	start_auto(f, 0);
	assert_int_equal(guard_tick(&f->g, T0 + 1e6).action, GUARD_NONE);
	f->cfg.takeover.ai_silence = 5;
	guard_ai_activity(&f->g, T0 + 100);
	/* Clock back by 50 s: the count restarts at 50, not at 100. */
	assert_int_equal(guard_tick(&f->g, T0 + 50).action, GUARD_NONE);
	assert_int_equal(guard_tick(&f->g, T0 + 54.9).action, GUARD_NONE);
	assert_int_equal(guard_tick(&f->g, T0 + 55).action, GUARD_TAKEOVER);
}

static void
test_monitor_mode_records_automatic_triggers_only(void **state)
{
	struct fixture *f = *state;

	f->cfg.mode = MODE_MONITOR;
	f->cfg.takeover.on_device_loss = DEVICE_LOSS_TAKEOVER;
	f->cfg.takeover.ai_silence = 5;
	use_violations(f, 2, 10);
	start_auto(f, 0);
	f->r = guard_trip(&f->g, "level", MONITOR_HIGH_HIGH, 1, T0 + 1);
	assert_int_equal(f->r.action, GUARD_WOULD_TAKEOVER);
	assert_int_equal(f->r.next.cause, GUARD_CAUSE_TRIP);
	assert_string_equal(f->r.next.reason, "trip: level high_high");
	f->r = guard_trip(&f->g, "tank1", MONITOR_DEVICE_LOSS, 1, T0 + 1);
	assert_int_equal(f->r.action, GUARD_WOULD_TAKEOVER);
	assert_int_equal(f->r.next.cause, GUARD_CAUSE_DEVICE_LOSS);
	f->r = guard_violation(&f->g, "v", 1, T0 + 2);
	assert_int_equal(f->r.action, GUARD_WOULD_TAKEOVER);
	assert_int_equal(f->r.next.cause, GUARD_CAUSE_VIOLATION);
	/* That would-be takeover started the count afresh. */
	assert_int_equal(guard_violation(&f->g, "v", 0, T0 + 3).action,
	    GUARD_NONE);
	f->r = guard_violation(&f->g, "v", 0, T0 + 4);
	assert_int_equal(f->r.action, GUARD_WOULD_TAKEOVER);
	assert_int_equal(f->r.next.cause, GUARD_CAUSE_VIOLATIONS);
	guard_ai_activity(&f->g, T0 + 4);
	assert_int_equal(guard_tick(&f->g, T0 + 9).action,
	    GUARD_WOULD_TAKEOVER);
	/* Once per silence. */
	assert_int_equal(guard_tick(&f->g, T0 + 10).action, GUARD_NONE);
	guard_ai_activity(&f->g, T0 + 11);
	assert_int_equal(guard_tick(&f->g, T0 + 16).action,
	    GUARD_WOULD_TAKEOVER);
	assert_int_equal(f->g.state, GUARD_STATE_AUTO);
	assert_int_equal(f->g.counters.would_takeovers[GUARD_CAUSE_TRIP], 1);
	assert_int_equal(
	    f->g.counters.would_takeovers[GUARD_CAUSE_DEVICE_LOSS], 1);
	assert_int_equal(
	    f->g.counters.would_takeovers[GUARD_CAUSE_VIOLATION], 1);
	assert_int_equal(
	    f->g.counters.would_takeovers[GUARD_CAUSE_VIOLATIONS], 1);
	assert_int_equal(
	    f->g.counters.would_takeovers[GUARD_CAUSE_AI_SILENCE], 2);
	f->r = guard_intrusion(&f->g, "flood from 10.0.0.5", T0 + 17);
	assert_int_equal(f->r.action, GUARD_WOULD_TAKEOVER);
	assert_int_equal(f->r.next.cause, GUARD_CAUSE_INTRUSION);
	assert_int_equal(
	    f->g.counters.would_takeovers[GUARD_CAUSE_INTRUSION], 1);
	assert_int_equal(f->g.state, GUARD_STATE_AUTO);
	assert_int_equal(f->g.counters.takeovers[GUARD_CAUSE_TRIP], 0);
}

static void
test_monitor_mode_operator_and_switch_act(void **state)
{
	struct fixture *f = *state;

	f->cfg.mode = MODE_MONITOR;
	start_auto(f, 0);
	f->r = guard_takeover(&f->g, "commissioning check", T0 + 1);
	assert_takeover(f, GUARD_CAUSE_OPERATOR, "commissioning check", 1);
	/* A trip still blocks the release, in every mode. */
	guard_trip(&f->g, "level", MONITOR_HIGH_HIGH, 1, T0 + 2);
	assert_refused(f, "done", "trip active: level high_high");
	guard_trip(&f->g, "level", MONITOR_HIGH_HIGH, 0, T0 + 3);
	release(f, 4);
	f->r = guard_switch(&f->g, GUARD_SWITCH_ON, T0 + 5);
	assert_takeover(f, GUARD_CAUSE_SWITCH, "key switch turned on", 5);
}

static void
test_set_config_keeps_state_and_newest_violations(void **state)
{
	struct fixture *f = *state;
	struct config next;

	use_violations(f, 3, 10);
	start_auto(f, 0);
	guard_violation(&f->g, "v", 0, T0);
	guard_violation(&f->g, "v", 0, T0 + 1);
	next = f->cfg;
	next.takeover.violations_count = 2;
	next.takeover.has_switch = 0;
	assert_int_equal(guard_set_config(&f->g, &next), 0);
	assert_int_equal(f->g.key_switch, GUARD_SWITCH_OFF);
	assert_int_equal(guard_violation(&f->g, "v", 0, T0 + 2).action,
	    GUARD_TAKEOVER);
	release(f, 3);
	guard_violation(&f->g, "v", 0, T0 + 3);
	guard_violation(&f->g, "v", 0, T0 + 4);
	assert_int_equal(f->g.state, GUARD_STATE_TAKEOVER);
	/* Growing keeps what was counted: 5, 6 and 7 make three. */
	release(f, 4.5);
	guard_violation(&f->g, "v", 0, T0 + 5);
	f->cfg.takeover.violations_count = 3;
	f->cfg.takeover.has_switch = 1;
	assert_int_equal(guard_set_config(&f->g, &f->cfg), 0);
	assert_int_equal(f->g.key_switch, GUARD_SWITCH_UNKNOWN);
	guard_violation(&f->g, "v", 0, T0 + 6);
	assert_int_equal(f->g.state, GUARD_STATE_AUTO);
	assert_int_equal(guard_violation(&f->g, "v", 0, T0 + 7).action,
	    GUARD_TAKEOVER);
}

/* A reload that drops a point or device leaves its trips to nobody:
 * guard_orphan_trip() names each, oldest first, until they are cleared;
 * trips on what the config still has are not orphans. */
static void
test_orphan_trips_after_set_config(void **state)
{
	struct fixture *f = *state;
	struct config_device devices[1] = { { .name = "tank1" } };
	struct config_point points[1] = { { .name = "level" } };
	struct config next;
	struct guard_trip t;

	f->cfg.takeover.on_device_loss = DEVICE_LOSS_TAKEOVER;
	f->cfg.devices = devices;
	f->cfg.n_devices = 1;
	f->cfg.points = points;
	f->cfg.n_points = 1;
	start_auto(f, 0);
	guard_trip(&f->g, "level", MONITOR_HIGH_HIGH, 1, T0 + 1);
	guard_trip(&f->g, "tank1", MONITOR_DEVICE_LOSS, 1, T0 + 2);
	guard_trip(&f->g, "level", MONITOR_STALE, 1, T0 + 3);
	assert_int_equal(guard_orphan_trip(&f->g, &t), 0);

	next = f->cfg;
	next.n_points = 0;
	assert_int_equal(guard_set_config(&f->g, &next), 0);
	assert_int_equal(guard_orphan_trip(&f->g, &t), 1);
	assert_string_equal(t.source, "level");
	assert_int_equal(t.kind, MONITOR_HIGH_HIGH);
	guard_trip(&f->g, t.source, t.kind, 0, T0 + 4);
	assert_int_equal(guard_orphan_trip(&f->g, &t), 1);
	assert_string_equal(t.source, "level");
	assert_int_equal(t.kind, MONITOR_STALE);
	guard_trip(&f->g, t.source, t.kind, 0, T0 + 4);
	assert_int_equal(guard_orphan_trip(&f->g, &t), 0);

	/* A device's loss is an orphan once the device goes. */
	next.n_devices = 0;
	assert_int_equal(guard_set_config(&f->g, &next), 0);
	assert_int_equal(guard_orphan_trip(&f->g, &t), 1);
	assert_string_equal(t.source, "tank1");
	assert_int_equal(t.kind, MONITOR_DEVICE_LOSS);
	guard_trip(&f->g, t.source, t.kind, 0, T0 + 5);
	assert_int_equal(guard_orphan_trip(&f->g, &t), 0);
	assert_int_equal(guard_set_config(&f->g, &f->cfg), 0);
}

static void
test_names_round_trip(void **unused)
{
	int i;

	(void)unused;
	assert_string_equal(guard_state_name(GUARD_STATE_AUTO), "auto");
	assert_string_equal(guard_state_name(GUARD_STATE_TAKEOVER),
	    "takeover");
	assert_int_equal(guard_state_from_name("takeover"),
	    GUARD_STATE_TAKEOVER);
	assert_int_equal(guard_state_from_name("TAKEOVER"), -1);
	assert_string_equal(guard_cause_name(GUARD_CAUSE_AI_SILENCE),
	    "ai_silence");
	assert_string_equal(guard_cause_name(GUARD_CAUSE_DEVICE_LOSS),
	    "device_loss");
	for (i = 0; i < GUARD_CAUSE_COUNT; i++)
		assert_int_equal(guard_cause_from_name(
		    guard_cause_name((enum guard_cause)i)), i);
	assert_int_equal(guard_cause_from_name("none"), -1);
}

static void
test_reason_cut_at_character_boundary(void **unused)
{
	char text[GUARD_REASON_MAX + 8];
	char out[GUARD_REASON_MAX];

	(void)unused;
	/* 254 ASCII bytes then a 3-byte character that does not fit. */
	memset(text, 'a', GUARD_REASON_MAX - 2);
	strcpy(text + GUARD_REASON_MAX - 2, "\xe2\x82\xac");
	guard_reason_copy(out, text);
	assert_int_equal(strlen(out), GUARD_REASON_MAX - 2);
	/* One that just fits is kept whole. */
	text[GUARD_REASON_MAX - 4] = '\0';
	strcat(text, "\xe2\x82\xac");
	guard_reason_copy(out, text);
	assert_int_equal(strlen(out), GUARD_REASON_MAX - 1);
	assert_string_equal(out + GUARD_REASON_MAX - 4, "\xe2\x82\xac");
}

#define T(name) cmocka_unit_test_setup_teardown(name, fixture_setup, \
	fixture_teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_start_without_state_file_follows_initial_state),
		T(test_start_with_corrupt_state_file_is_takeover),
		T(test_start_restores_saved_state),
		T(test_operator_takeover_latches_first_cause),
		T(test_operator_takeover_without_reason),
		T(test_key_switch_takes_over_and_blocks_release),
		T(test_switch_unknown_until_first_poll),
		T(test_no_switch_configured_ignores_switch),
		T(test_release_refusals_in_order),
		T(test_release_check_changes_nothing),
		T(test_trip_takes_over_and_blocks_release_until_cleared),
		T(test_each_trip_kind_takes_over),
		T(test_alarms_never_take_over),
		T(test_device_loss_per_on_device_loss),
		T(test_violation_with_takeover_rule_acts_at_once),
		T(test_intrusion_acts_at_once),
		T(test_violations_count_within_window_inclusive),
		T(test_violations_just_outside_window_then_sliding),
		T(test_violations_old_ones_slide_out),
		T(test_violations_one_short_never_takes_over),
		T(test_violations_count_afresh_after_release),
		T(test_ai_silence_from_entering_auto),
		T(test_ai_silence_reset_by_activity),
		T(test_ai_silence_counted_from_release),
		T(test_ai_silence_off_and_clock_stepped_back),
		T(test_monitor_mode_records_automatic_triggers_only),
		T(test_monitor_mode_operator_and_switch_act),
		T(test_set_config_keeps_state_and_newest_violations),
		T(test_orphan_trips_after_set_config),
		cmocka_unit_test(test_names_round_trip),
		cmocka_unit_test(test_reason_cut_at_character_boundary),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
