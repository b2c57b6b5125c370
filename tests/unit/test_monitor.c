/*
 * test_monitor.c: alarm and trip rules over polled values, each at its
 * edges: a value at a limit, the deadband edge, delay exactly elapsed, a
 * rate exactly at max_rate, stale_after exactly reached, loss_after
 * exactly reached. Time is driven by the test.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "monitor.h"

/* Epoch-sized times, as ev_now() gives them, so rounding is realistic. */
#define T0 1700000000.0

struct probe {
	struct config_monitor cfg;
	struct monitor_point state;
	struct monitor_event ev[MONITOR_MAX_EVENTS];
	size_t n;
};

static void
probe_init(struct probe *p)
{
	memset(p, 0, sizeof *p);
	monitor_point_init(&p->state);
}

/* Poll value at T0 + t; returns how many events it raised or cleared. */
static size_t
poll_at(struct probe *p, double t, double value)
{
	p->n = monitor_update(&p->cfg, &p->state, value, T0 + t, p->ev);
	assert_true(p->n <= MONITOR_MAX_EVENTS);
	return p->n;
}

static void
assert_event(const struct probe *p, size_t i, enum monitor_kind kind,
    int raised)
{
	assert_true(i < p->n);
	assert_int_equal(p->ev[i].kind, kind);
	assert_int_equal(p->ev[i].raised, raised);
}

static void
test_value_at_a_limit_is_inside(void **unused)
{
	struct probe p;

	(void)unused;
	probe_init(&p);
	p.cfg.has_high = p.cfg.has_low = 1;
	p.cfg.has_high_high = p.cfg.has_low_low = 1;
	p.cfg.low_low = 1;
	p.cfg.low = 2;
	p.cfg.high = 8;
	p.cfg.high_high = 9;
	assert_int_equal(poll_at(&p, 0, 8), 0);
	assert_int_equal(poll_at(&p, 1, 2), 0);
	assert_int_equal(poll_at(&p, 2, 9), 1);
	assert_event(&p, 0, MONITOR_HIGH, 1);
	assert_int_equal(poll_at(&p, 3, 9.000001), 1);
	assert_event(&p, 0, MONITOR_HIGH_HIGH, 1);
	assert_true(p.ev[0].value == 9.000001);
	assert_true(p.ev[0].since == T0 + 3);
}

static void
test_low_side_raises_below_the_limit(void **unused)
{
	struct probe p;

	(void)unused;
	probe_init(&p);
	p.cfg.has_low = p.cfg.has_low_low = 1;
	p.cfg.low = 2;
	p.cfg.low_low = 1;
	assert_int_equal(poll_at(&p, 0, 1), 1);
	assert_event(&p, 0, MONITOR_LOW, 1);
	assert_int_equal(poll_at(&p, 1, 0.999), 1);
	assert_event(&p, 0, MONITOR_LOW_LOW, 1);
	/* Both at once when the value jumps past both. */
	probe_init(&p);
	p.cfg.has_low = p.cfg.has_low_low = 1;
	p.cfg.low = 2;
	p.cfg.low_low = 1;
	assert_int_equal(poll_at(&p, 0, -5), 2);
	assert_event(&p, 0, MONITOR_LOW, 1);
	assert_event(&p, 1, MONITOR_LOW_LOW, 1);
}

/* raw x scale lands a rounding error off the limit it is meant to equal. */
static void
test_scaled_value_equal_to_limit_does_not_trip(void **unused)
{
	struct probe p;
	int raw;

	(void)unused;
	probe_init(&p);
	p.cfg.has_high_high = p.cfg.has_low_low = 1;
	p.cfg.high_high = 4.8;
	p.cfg.low_low = 0.3;
	for (raw = 30; raw <= 480; raw++)
		assert_int_equal(poll_at(&p, raw, raw * 0.01), 0);
	assert_int_equal(poll_at(&p, 501, 481 * 0.01), 1);
	assert_event(&p, 0, MONITOR_HIGH_HIGH, 1);
	/* 12 x 0.1 is 1.2000000000000002; 10 x 0.1 - 0.9 is 0.0999...98. */
	probe_init(&p);
	p.cfg.has_high_high = p.cfg.has_low_low = 1;
	p.cfg.high_high = 1.2;
	p.cfg.low_low = 0.1;
	assert_true(12 * 0.1 > 1.2 && 10 * 0.1 - 0.9 < 0.1);
	assert_int_equal(poll_at(&p, 0, 12 * 0.1), 0);
	assert_int_equal(poll_at(&p, 1, 10 * 0.1 - 0.9), 0);
}

static void
test_deadband_clears_exactly_at_its_edge(void **unused)
{
	struct probe p;

	(void)unused;
	probe_init(&p);
	p.cfg.has_high = 1;
	p.cfg.high = 100;
	p.cfg.deadband = 2;
	assert_int_equal(poll_at(&p, 0, 101), 1);
	assert_int_equal(poll_at(&p, 1, 100), 0);
	assert_int_equal(poll_at(&p, 2, 98.5), 0);
	assert_int_equal(poll_at(&p, 3, 98.0000001), 0);
	assert_int_equal(poll_at(&p, 4, 98), 1);
	assert_event(&p, 0, MONITOR_HIGH, 0);
	assert_true(p.ev[0].value == 98);
	assert_true(p.ev[0].since == T0);
	/* Within the deadband again: not raised until beyond the limit. */
	assert_int_equal(poll_at(&p, 5, 99.9), 0);
	assert_int_equal(poll_at(&p, 6, 100), 0);
	assert_int_equal(poll_at(&p, 7, 100.5), 1);
}

static void
test_deadband_with_decimal_limits(void **unused)
{
	struct probe p;

	(void)unused;
	probe_init(&p);
	p.cfg.has_high = p.cfg.has_low = 1;
	p.cfg.high = 4.5;
	p.cfg.low = 0.5;
	p.cfg.deadband = 0.05;
	assert_int_equal(poll_at(&p, 0, 4.51), 1);
	assert_int_equal(poll_at(&p, 1, 4.46), 0);
	assert_int_equal(poll_at(&p, 2, 4.45), 1);
	assert_event(&p, 0, MONITOR_HIGH, 0);
	assert_int_equal(poll_at(&p, 3, 0.49), 1);
	assert_event(&p, 0, MONITOR_LOW, 1);
	assert_int_equal(poll_at(&p, 4, 0.54), 0);
	assert_int_equal(poll_at(&p, 5, 0.55), 1);
	assert_event(&p, 0, MONITOR_LOW, 0);
}

static void
test_zero_deadband_clears_at_the_limit(void **unused)
{
	struct probe p;

	(void)unused;
	probe_init(&p);
	p.cfg.has_low_low = 1;
	p.cfg.low_low = 10;
	assert_int_equal(poll_at(&p, 0, 9), 1);
	assert_int_equal(poll_at(&p, 1, 9.99), 0);
	assert_int_equal(poll_at(&p, 2, 10), 1);
	assert_event(&p, 0, MONITOR_LOW_LOW, 0);
}

static void
test_delay_counts_from_first_poll_that_saw_it(void **unused)
{
	struct probe p;

	(void)unused;
	probe_init(&p);
	p.cfg.has_high = p.cfg.has_high_high = 1;
	p.cfg.high = 5;
	p.cfg.high_high = 10;
	p.cfg.delay = 0.5;
	assert_int_equal(poll_at(&p, 0.1, 11), 0);
	assert_int_equal(poll_at(&p, 0.5, 11), 0);
	assert_int_equal(poll_at(&p, 0.5999, 11), 0);
	/* Exactly 0.5 s after the first poll that saw it, both kinds. */
	assert_int_equal(poll_at(&p, 0.6, 11), 2);
	assert_event(&p, 0, MONITOR_HIGH, 1);
	assert_event(&p, 1, MONITOR_HIGH_HIGH, 1);
	assert_true(p.ev[1].since == T0 + 0.6);
	/* Clearing takes no delay. */
	assert_int_equal(poll_at(&p, 0.7, 1), 2);
	assert_event(&p, 0, MONITOR_HIGH, 0);
	assert_event(&p, 1, MONITOR_HIGH_HIGH, 0);
}

static void
test_delay_restarts_when_the_condition_lapses(void **unused)
{
	struct probe p;

	(void)unused;
	probe_init(&p);
	p.cfg.has_high_high = 1;
	p.cfg.high_high = 10;
	p.cfg.delay = 0.5;
	assert_int_equal(poll_at(&p, 0, 11), 0);
	assert_int_equal(poll_at(&p, 0.2, 10), 0);
	assert_int_equal(poll_at(&p, 0.5, 11), 0);
	assert_int_equal(poll_at(&p, 0.9, 11), 0);
	assert_int_equal(poll_at(&p, 1.0, 11), 1);
	assert_event(&p, 0, MONITOR_HIGH_HIGH, 1);
	/* A single poll longer than delay still needs a second poll. */
	probe_init(&p);
	p.cfg.has_high_high = 1;
	p.cfg.high_high = 10;
	p.cfg.delay = 0.5;
	assert_int_equal(poll_at(&p, 0, 11), 0);
	assert_int_equal(poll_at(&p, 10, 11), 1);
}

static void
test_rate_exactly_at_max_rate_is_allowed(void **unused)
{
	struct probe p;

	(void)unused;
	probe_init(&p);
	p.cfg.has_max_rate = 1;
	p.cfg.max_rate = 0.2;
	assert_int_equal(poll_at(&p, 0, 1.0), 0);
	assert_int_equal(poll_at(&p, 0.1, 1.02), 0);
	assert_int_equal(poll_at(&p, 0.2, 1.0), 0);
	assert_int_equal(poll_at(&p, 1.2, 1.2), 0);
	assert_int_equal(poll_at(&p, 1.3, 1.2201), 1);
	assert_event(&p, 0, MONITOR_RATE, 1);
	assert_true(fabs(p.state.cond[MONITOR_RATE].value - 0.201) < 1e-4);
	/* delay 0: the first poll back under max_rate clears it. */
	assert_int_equal(poll_at(&p, 1.4, 1.2201), 1);
	assert_event(&p, 0, MONITOR_RATE, 0);
	/* Falling as fast counts as much as rising. */
	assert_int_equal(poll_at(&p, 1.5, 1.19), 1);
	assert_event(&p, 0, MONITOR_RATE, 1);
}

static void
test_rate_needs_delay_to_raise_and_to_clear(void **unused)
{
	struct probe p;

	(void)unused;
	probe_init(&p);
	p.cfg.has_max_rate = 1;
	p.cfg.max_rate = 2;
	p.cfg.delay = 1;
	assert_int_equal(poll_at(&p, 0, 0), 0);
	assert_int_equal(poll_at(&p, 1, 5), 0);         /* seen at 1 */
	assert_int_equal(poll_at(&p, 1.5, 10), 0);
	assert_int_equal(poll_at(&p, 2, 15), 1);        /* held 1 s */
	assert_event(&p, 0, MONITOR_RATE, 1);
	assert_true(p.ev[0].value == 10);
	assert_int_equal(poll_at(&p, 3, 16), 0);        /* calm from 3 */
	assert_int_equal(poll_at(&p, 3.5, 25), 0);      /* not calm */
	assert_int_equal(poll_at(&p, 4, 26), 0);        /* calm from 4 */
	assert_int_equal(poll_at(&p, 4.5, 26), 0);
	assert_int_equal(poll_at(&p, 4.9999, 26), 0);
	assert_int_equal(poll_at(&p, 5, 26), 1);
	assert_event(&p, 0, MONITOR_RATE, 0);
	assert_true(p.ev[0].since == T0 + 2);
}

static void
test_stale_trips_at_stale_after_and_clears_on_change(void **unused)
{
	struct probe p;

	(void)unused;
	probe_init(&p);
	p.cfg.has_stale_after = 1;
	p.cfg.stale_after = 30;
	p.cfg.delay = 5;        /* stale_after is its own delay */
	assert_int_equal(poll_at(&p, 0, 1), 0);
	assert_int_equal(poll_at(&p, 29.9, 1), 0);
	assert_int_equal(poll_at(&p, 30, 1), 1);
	assert_event(&p, 0, MONITOR_STALE, 1);
	assert_true(p.ev[0].value == 1);
	assert_int_equal(poll_at(&p, 31, 1), 0);
	assert_int_equal(poll_at(&p, 32, 1.0001), 1);
	assert_event(&p, 0, MONITOR_STALE, 0);
	assert_true(p.ev[0].since == T0 + 30);
	/* Counted afresh from the change. */
	assert_int_equal(poll_at(&p, 61.9, 1.0001), 0);
	assert_int_equal(poll_at(&p, 62, 1.0001), 1);
}

static void
test_stale_count_restarts_on_each_change(void **unused)
{
	struct probe p;

	(void)unused;
	probe_init(&p);
	p.cfg.has_stale_after = 1;
	p.cfg.stale_after = 30;
	assert_int_equal(poll_at(&p, 0, 1), 0);
	assert_int_equal(poll_at(&p, 20, 2), 0);
	assert_int_equal(poll_at(&p, 35, 2), 0);
	assert_int_equal(poll_at(&p, 49.99, 2), 0);
	assert_int_equal(poll_at(&p, 50, 2), 1);
}

static void
test_nan_is_outside_every_limit_and_clears_nothing(void **unused)
{
	struct probe p;

	(void)unused;
	probe_init(&p);
	p.cfg.has_high_high = p.cfg.has_low_low = 1;
	p.cfg.has_max_rate = p.cfg.has_stale_after = 1;
	p.cfg.low_low = 0;
	p.cfg.high_high = 10;
	p.cfg.max_rate = 1;
	p.cfg.stale_after = 5;
	assert_int_equal(poll_at(&p, 0, 5), 0);
	assert_int_equal(poll_at(&p, 1, NAN), 2);
	assert_event(&p, 0, MONITOR_LOW_LOW, 1);
	assert_event(&p, 1, MONITOR_HIGH_HIGH, 1);
	/* A NaN stuck in the register is frozen too; no rate from NaN. */
	assert_int_equal(poll_at(&p, 5.9, NAN), 0);
	assert_int_equal(poll_at(&p, 6, NAN), 1);
	assert_event(&p, 0, MONITOR_STALE, 1);
	assert_int_equal(poll_at(&p, 7, 5), 3);
	assert_event(&p, 0, MONITOR_LOW_LOW, 0);
	assert_event(&p, 1, MONITOR_HIGH_HIGH, 0);
	assert_event(&p, 2, MONITOR_STALE, 0);
}

static void
test_resync_restarts_delay(void **unused)
{
	struct probe p;

	(void)unused;
	probe_init(&p);
	p.cfg.has_high = 1;
	p.cfg.high = 50;
	p.cfg.delay = 1;
	assert_int_equal(poll_at(&p, 0, 60), 0);
	assert_int_equal(poll_at(&p, 0.5, 60), 0);
	monitor_point_resync(&p.state);
	assert_int_equal(poll_at(&p, 0.9, 60), 0);
	assert_int_equal(poll_at(&p, 1.0, 60), 0);      /* not held from 0 */
	assert_int_equal(poll_at(&p, 1.9, 60), 1);
	assert_event(&p, 0, MONITOR_HIGH, 1);
}

static void
test_resync_takes_no_rate_or_stale_across_the_gap(void **unused)
{
	struct probe p;

	(void)unused;
	probe_init(&p);
	p.cfg.has_max_rate = p.cfg.has_stale_after = 1;
	p.cfg.max_rate = 1;
	p.cfg.stale_after = 30;
	assert_int_equal(poll_at(&p, 0, 60), 0);
	assert_int_equal(poll_at(&p, 20, 60), 0);
	monitor_point_resync(&p.state);
	assert_int_equal(poll_at(&p, 40, 60), 0);       /* counted from 40 */
	assert_int_equal(poll_at(&p, 69.9, 60), 0);
	assert_int_equal(poll_at(&p, 70, 60), 1);
	assert_event(&p, 0, MONITOR_STALE, 1);
	/* An active stale trip stays until the value differs... */
	monitor_point_resync(&p.state);
	assert_int_equal(poll_at(&p, 100, 60), 0);
	assert_true(p.state.cond[MONITOR_STALE].active);
	/* ...and a jump across a gap is no rate. */
	monitor_point_resync(&p.state);
	assert_int_equal(poll_at(&p, 101, 10), 1);
	assert_event(&p, 0, MONITOR_STALE, 0);
	assert_int_equal(poll_at(&p, 102, 20), 1);
	assert_event(&p, 0, MONITOR_RATE, 1);
}

static void
test_nothing_configured_raises_nothing(void **unused)
{
	struct probe p;

	(void)unused;
	probe_init(&p);
	assert_int_equal(poll_at(&p, 0, 1e9), 0);
	assert_int_equal(poll_at(&p, 0.1, -1e9), 0);
	assert_int_equal(poll_at(&p, 1000, -1e9), 0);
}

static void
test_active_lists_kind_value_since(void **unused)
{
	struct probe p;
	struct monitor_active act[MONITOR_POINT_KINDS];

	(void)unused;
	probe_init(&p);
	p.cfg.has_high = p.cfg.has_high_high = 1;
	p.cfg.high = 5;
	p.cfg.high_high = 10;
	assert_int_equal(monitor_point_active(&p.state, act), 0);
	poll_at(&p, 1, 6);
	poll_at(&p, 2, 11);
	poll_at(&p, 3, 12);
	assert_int_equal(monitor_point_active(&p.state, act), 2);
	assert_int_equal(act[0].kind, MONITOR_HIGH);
	assert_true(act[0].value == 6 && act[0].since == T0 + 1);
	assert_int_equal(act[1].kind, MONITOR_HIGH_HIGH);
	assert_true(act[1].value == 11 && act[1].since == T0 + 2);
}

static void
test_device_lost_at_loss_after_and_back_on_answer(void **unused)
{
	struct config_device cfg;
	struct monitor_device dev;
	struct monitor_event ev;

	(void)unused;
	memset(&cfg, 0, sizeof cfg);
	cfg.loss_after = 1;
	monitor_device_init(&dev, T0);
	/* Never answered: counted from init. */
	assert_int_equal(monitor_device_update(&cfg, &dev, 0, T0 + 0.5, &ev),
	    0);
	assert_int_equal(monitor_device_update(&cfg, &dev, 0, T0 + 0.9999,
	    &ev), 0);
	assert_int_equal(monitor_device_update(&cfg, &dev, 0, T0 + 1, &ev), 1);
	assert_int_equal(ev.kind, MONITOR_DEVICE_LOSS);
	assert_int_equal(ev.raised, 1);
	assert_true(ev.since == T0 + 1 && ev.value == 1);
	assert_int_equal(monitor_device_update(&cfg, &dev, 0, T0 + 1.5, &ev),
	    0);
	assert_int_equal(monitor_device_update(&cfg, &dev, 1, T0 + 2, &ev), 1);
	assert_int_equal(ev.raised, 0);
	assert_true(ev.since == T0 + 1 && ev.value == 2);
	/* Answers keep it alive; the count restarts at the last answer. */
	assert_int_equal(monitor_device_update(&cfg, &dev, 1, T0 + 2.5, &ev),
	    0);
	assert_int_equal(monitor_device_update(&cfg, &dev, 0, T0 + 3.4, &ev),
	    0);
	assert_int_equal(monitor_device_update(&cfg, &dev, 0, T0 + 3.5, &ev),
	    1);
	assert_int_equal(ev.raised, 1);
}

static void
test_kind_names_and_trip_kinds(void **unused)
{
	(void)unused;
	assert_string_equal(monitor_kind_name(MONITOR_LOW), "low");
	assert_string_equal(monitor_kind_name(MONITOR_HIGH), "high");
	assert_string_equal(monitor_kind_name(MONITOR_LOW_LOW), "low_low");
	assert_string_equal(monitor_kind_name(MONITOR_HIGH_HIGH),
	    "high_high");
	assert_string_equal(monitor_kind_name(MONITOR_RATE), "rate");
	assert_string_equal(monitor_kind_name(MONITOR_STALE), "stale");
	assert_string_equal(monitor_kind_name(MONITOR_DEVICE_LOSS),
	    "device_loss");
	assert_false(monitor_kind_is_trip(MONITOR_LOW));
	assert_false(monitor_kind_is_trip(MONITOR_HIGH));
	assert_true(monitor_kind_is_trip(MONITOR_LOW_LOW));
	assert_true(monitor_kind_is_trip(MONITOR_HIGH_HIGH));
	assert_true(monitor_kind_is_trip(MONITOR_RATE));
	assert_true(monitor_kind_is_trip(MONITOR_STALE));
	assert_true(monitor_kind_is_trip(MONITOR_DEVICE_LOSS));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_value_at_a_limit_is_inside),
		cmocka_unit_test(test_low_side_raises_below_the_limit),
		cmocka_unit_test(
		    test_scaled_value_equal_to_limit_does_not_trip),
		cmocka_unit_test(test_deadband_clears_exactly_at_its_edge),
		cmocka_unit_test(test_deadband_with_decimal_limits),
		cmocka_unit_test(test_zero_deadband_clears_at_the_limit),
		cmocka_unit_test(
		    test_delay_counts_from_first_poll_that_saw_it),
		cmocka_unit_test(
		    test_delay_restarts_when_the_condition_lapses),
		cmocka_unit_test(test_rate_exactly_at_max_rate_is_allowed),
		cmocka_unit_test(test_rate_needs_delay_to_raise_and_to_clear),
		cmocka_unit_test(
		    test_stale_trips_at_stale_after_and_clears_on_change),
		cmocka_unit_test(test_stale_count_restarts_on_each_change),
		cmocka_unit_test(
		    test_nan_is_outside_every_limit_and_clears_nothing),
		cmocka_unit_test(test_resync_restarts_delay),
		cmocka_unit_test(
		    test_resync_takes_no_rate_or_stale_across_the_gap),
		cmocka_unit_test(test_nothing_configured_raises_nothing),
		cmocka_unit_test(test_active_lists_kind_value_since),
		cmocka_unit_test(
		    test_device_lost_at_loss_after_and_back_on_answer),
		cmocka_unit_test(test_kind_names_and_trip_kinds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
