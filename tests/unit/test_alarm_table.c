/*
 * test_alarm_table.c: the alarm list's ISA-18.2 states, the holds and
 * their deadlines, what may be held, and the holds file's format.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "alarm_table.h"
#include "config_fixture.h"
#include "holdsfile.h"

#define T0 1800000000.5

static struct alarm_table table;

static int
setup(void **state)
{
	(void)state;
	alarm_table_init(&table);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	alarm_table_free(&table);
	return 0;
}

static void
raise_(const char *source, enum monitor_kind kind, double at)
{
	assert_int_equal(alarm_table_condition(&table, source, 0, kind,
	    monitor_kind_is_trip(kind), 1, 4.9, at), 0);
}

static void
clear_(const char *source, enum monitor_kind kind, double at)
{
	assert_int_equal(alarm_table_condition(&table, source, 0, kind,
	    monitor_kind_is_trip(kind), 0, 4.1, at), 0);
}

/* Edge first: a clear of what was never raised lists nothing, and an
 * ack of nothing acknowledges nothing. */
static void
test_clear_unknown_and_empty_ack(void **state)
{
	(void)state;
	clear_("level", MONITOR_HIGH, T0);
	assert_int_equal(table.n, 0);
	assert_int_equal(alarm_table_ack(&table, "level"), 0);
}

static void
test_raise_ack_clear_is_gone(void **state)
{
	(void)state;
	raise_("level", MONITOR_HIGH, T0);
	assert_int_equal(table.n, 1);
	assert_int_equal(alarm_entry_state(&table.entries[0]), ALARM_UNACK);
	assert_true(table.entries[0].since == T0);
	assert_int_equal(alarm_table_ack(&table, "level"), 1);
	assert_int_equal(alarm_entry_state(&table.entries[0]), ALARM_ACK);
	/* Acknowledged twice: nothing more to acknowledge. */
	assert_int_equal(alarm_table_ack(&table, "level"), 0);
	clear_("level", MONITOR_HIGH, T0 + 5);
	assert_int_equal(table.n, 0);
}

/* Cleared before anyone saw it: listed until acknowledged. */
static void
test_cleared_unacked_stays_listed(void **state)
{
	(void)state;
	raise_("level", MONITOR_HIGH, T0);
	clear_("level", MONITOR_HIGH, T0 + 2);
	assert_int_equal(table.n, 1);
	assert_int_equal(alarm_entry_state(&table.entries[0]),
	    ALARM_RTN_UNACK);
	assert_true(table.entries[0].cleared == T0 + 2);
	assert_string_equal(alarm_state_name(ALARM_RTN_UNACK), "rtn_unack");
	assert_int_equal(alarm_table_ack(&table, "level"), 1);
	assert_int_equal(table.n, 0);
}

/* An acknowledged alarm raised again is a new occurrence: unacked. */
static void
test_raised_again_needs_new_ack(void **state)
{
	(void)state;
	raise_("level", MONITOR_HIGH_HIGH, T0);
	assert_int_equal(alarm_table_ack(&table, "level"), 1);
	clear_("level", MONITOR_HIGH_HIGH, T0 + 1);
	raise_("level", MONITOR_HIGH_HIGH, T0 + 3);
	assert_int_equal(table.n, 1);
	assert_int_equal(alarm_entry_state(&table.entries[0]), ALARM_UNACK);
	assert_true(table.entries[0].since == T0 + 3);
	assert_true(table.entries[0].is_trip);
	/* Raised again while rtn_unack: active again, one entry. */
	clear_("level", MONITOR_HIGH_HIGH, T0 + 4);
	raise_("level", MONITOR_HIGH_HIGH, T0 + 5);
	assert_int_equal(table.n, 1);
	assert_true(table.entries[0].active);
}

/* Ack is per source: each of its kinds, and no other source's. */
static void
test_ack_per_source(void **state)
{
	(void)state;
	raise_("level", MONITOR_HIGH, T0);
	raise_("level", MONITOR_HIGH_HIGH, T0 + 1);
	raise_("flow", MONITOR_LOW, T0 + 2);
	assert_int_equal(alarm_table_ack(&table, "level"), 2);
	assert_int_equal(alarm_entry_state(&table.entries[2]), ALARM_UNACK);
	alarm_table_forget(&table, "level");
	assert_int_equal(table.n, 1);
	assert_string_equal(table.entries[0].source, "flow");
}

static struct alarm_hold
hold_of(enum alarm_hold_kind kind, const char *source, double until)
{
	struct alarm_hold h = { .kind = kind, .since = T0, .until = until };

	snprintf(h.source, sizeof h.source, "%s", source);
	snprintf(h.user, sizeof h.user, "alice");
	snprintf(h.reason, sizeof h.reason, "sensor swap");
	return h;
}

/* A deadline exactly now has come; one a microsecond later has not. */
static void
test_hold_expires_at_deadline(void **state)
{
	struct alarm_hold h = hold_of(ALARM_SHELVE, "level", T0 + 60);
	struct alarm_hold out[ALARM_HOLDS_MAX];
	char err[ERR_LEN];

	(void)state;
	assert_int_equal(alarm_table_hold(&table, &h, err), 0);
	assert_non_null(alarm_table_held(&table, ALARM_SHELVE, "level"));
	assert_null(alarm_table_held(&table, ALARM_BYPASS, "level"));
	assert_int_equal(alarm_table_expire(&table, T0 + 59.999999, out), 0);
	assert_int_equal(alarm_table_expire(&table, T0 + 60, out), 1);
	assert_string_equal(out[0].source, "level");
	assert_null(alarm_table_held(&table, ALARM_SHELVE, "level"));
}

/* The same kind on the same source replaces; the other kind adds. */
static void
test_hold_replace_and_unhold(void **state)
{
	struct alarm_hold a = hold_of(ALARM_SHELVE, "level", T0 + 60);
	struct alarm_hold b = hold_of(ALARM_SHELVE, "level", T0 + 600);
	struct alarm_hold c = hold_of(ALARM_BYPASS, "level", T0 + 30);
	char err[ERR_LEN];

	(void)state;
	assert_int_equal(alarm_table_hold(&table, &a, err), 0);
	assert_int_equal(alarm_table_hold(&table, &b, err), 0);
	assert_int_equal(alarm_table_hold(&table, &c, err), 0);
	assert_int_equal(table.n_holds, 2);
	assert_true(alarm_table_held(&table, ALARM_SHELVE, "level")->until ==
	    T0 + 600);
	assert_int_equal(alarm_table_unhold(&table, ALARM_BYPASS, "level"), 0);
	assert_int_equal(alarm_table_unhold(&table, ALARM_BYPASS, "level"), -1);
	assert_int_equal(table.n_holds, 1);
}

static void
test_hold_table_full(void **state)
{
	struct alarm_hold h;
	char err[ERR_LEN], name[16];
	int i;

	(void)state;
	for (i = 0; i < ALARM_HOLDS_MAX; i++) {
		snprintf(name, sizeof name, "p%d", i);
		h = hold_of(ALARM_SHELVE, name, T0 + 60);
		assert_int_equal(alarm_table_hold(&table, &h, err), 0);
	}
	h = hold_of(ALARM_SHELVE, "one_more", T0 + 60);
	assert_int_equal(alarm_table_hold(&table, &h, err), -1);
	assert_non_null(strstr(err, "end one first"));
	/* Renewing one in force still works when full. */
	h = hold_of(ALARM_SHELVE, "p3", T0 + 90);
	assert_int_equal(alarm_table_hold(&table, &h, err), 0);
}

#define HOLD_CONFIG BASE \
	"points:\n" \
	"  - {name: level, device: tank1, table: input, address: 0,\n" \
	"     monitor: {high: 80, high_high: 90}}\n" \
	"  - {name: flow, device: tank1, table: input, address: 1,\n" \
	"     monitor: {low: 2}}\n" \
	"  - {name: temp, device: tank1, table: input, address: 2,\n" \
	"     monitor: {stale_after: 30s}}\n" \
	"  - {name: key, device: tank1, table: discrete, address: 0,\n" \
	"     monitor: {high_high: 0.5}}\n" \
	"  - {name: valve, device: tank1, table: holding, address: 0}\n" \
	"takeover:\n" \
	"  switch: {point: key}\n" \
	"  on_device_loss: takeover\n" \
	"  max_bypass: 1h\n" \
	"alarms: {max_shelve: 30m}\n"

static void
expect_refused(const struct config *cfg, enum alarm_hold_kind kind,
    const char *source, double seconds, const char *text)
{
	char err[ERR_LEN];
	int is_device;

	assert_int_equal(alarm_hold_check(cfg, kind, source, seconds,
	    &is_device, err), -1);
	if (strstr(err, text) == NULL)
		fail_msg("expected '%s' in '%s'", text, err);
}

static void
test_hold_check(void **state)
{
	struct loaded l;
	struct config *cfg = load_ok(&l, HOLD_CONFIG);
	char err[ERR_LEN];
	int is_device;

	(void)state;
	/* The limits are inclusive: exactly the maximum is allowed. */
	assert_int_equal(alarm_hold_check(cfg, ALARM_SHELVE, "level", 1800,
	    &is_device, err), 0);
	assert_int_equal(is_device, 0);
	expect_refused(cfg, ALARM_SHELVE, "level", 1800.5,
	    "'level' for 1800.5s is more than alarms.max_shelve (30m)");
	expect_refused(cfg, ALARM_SHELVE, "level", 0, "longer than 0");
	expect_refused(cfg, ALARM_BYPASS, "level", 7200,
	    "for 2h is more than takeover.max_bypass (1h)");
	assert_int_equal(alarm_hold_check(cfg, ALARM_BYPASS, "level", 3600,
	    &is_device, err), 0);
	expect_refused(cfg, ALARM_BYPASS, "flow", 60, "has no trip");
	assert_int_equal(alarm_hold_check(cfg, ALARM_BYPASS, "temp", 60,
	    &is_device, err), 0);
	expect_refused(cfg, ALARM_SHELVE, "temp", 60, "has no alarm");
	expect_refused(cfg, ALARM_BYPASS, "key", 60,
	    "the key switch 'key' cannot be bypassed");
	expect_refused(cfg, ALARM_SHELVE, "valve", 60, "has no alarm");
	expect_refused(cfg, ALARM_SHELVE, "nosuch", 60,
	    "no point or device is called 'nosuch'");
	/* A device's loss is a trip here: bypassed, never shelved. */
	assert_int_equal(alarm_hold_check(cfg, ALARM_BYPASS, "tank1", 60,
	    &is_device, err), 0);
	assert_int_equal(is_device, 1);
	expect_refused(cfg, ALARM_SHELVE, "tank1", 60, "only alarms");
	loaded_free(&l);
}

static void
test_alarm_limit(void **state)
{
	struct loaded l;
	struct config *cfg = load_ok(&l, HOLD_CONFIG);
	int has;

	(void)state;
	assert_true(alarm_limit(cfg, "level", 0, MONITOR_HIGH_HIGH, &has) ==
	    90 && has);
	alarm_limit(cfg, "level", 0, MONITOR_LOW, &has);
	assert_false(has);
	assert_true(alarm_limit(cfg, "tank1", 1, MONITOR_DEVICE_LOSS, &has) ==
	    1 && has);
	alarm_limit(cfg, "gone", 0, MONITOR_HIGH, &has);
	assert_false(has);
	loaded_free(&l);
}

/* The holds file: what it writes it reads back, escapes and all. */
static void
test_holdsfile_round_trip(void **state)
{
	struct alarm_hold in[2], out[ALARM_HOLDS_MAX];
	static char buf[HOLDSFILE_MAX];
	char err[ERR_LEN];
	size_t len, n;

	(void)state;
	in[0] = hold_of(ALARM_BYPASS, "level", T0 + 3600);
	in[1] = hold_of(ALARM_SHELVE, "flow", T0 + 60.25);
	snprintf(in[1].reason, sizeof in[1].reason, "back\\slash\nnew line");
	snprintf(in[1].user, sizeof in[1].user, "bob via console");
	len = holdsfile_format(in, 2, buf, sizeof buf);
	assert_true(len > 0);
	assert_int_equal(holdsfile_parse(buf, len, out, &n, err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(out[0].kind, ALARM_BYPASS);
	assert_true(out[0].until == T0 + 3600);
	assert_string_equal(out[1].reason, "back\\slash\nnew line");
	assert_string_equal(out[1].user, "bob via console");
	assert_true(out[1].since == T0);
	/* No holds is a valid file too. */
	len = holdsfile_format(in, 0, buf, sizeof buf);
	assert_int_equal(holdsfile_parse(buf, len, out, &n, err), 0);
	assert_int_equal(n, 0);
}

static void
test_holdsfile_corrupt(void **state)
{
	struct alarm_hold in = hold_of(ALARM_BYPASS, "level", T0 + 3600);
	struct alarm_hold out[ALARM_HOLDS_MAX];
	static char buf[HOLDSFILE_MAX];
	char err[ERR_LEN];
	size_t len, n;

	(void)state;
	len = holdsfile_format(&in, 1, buf, sizeof buf);
	/* One byte changed breaks the seal. */
	buf[20] ^= 1;
	assert_int_equal(holdsfile_parse(buf, len, out, &n, err), -1);
	assert_int_equal(n, 0);
	assert_int_equal(holdsfile_parse(buf, 0, out, &n, err), -1);
	assert_string_equal(err, "empty");
	assert_int_equal(holdsfile_parse(buf, len - 10, out, &n, err), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_clear_unknown_and_empty_ack,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_raise_ack_clear_is_gone,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_cleared_unacked_stays_listed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_raised_again_needs_new_ack,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_ack_per_source, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_hold_expires_at_deadline,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_hold_replace_and_unhold,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_hold_table_full, setup,
		    teardown),
		cmocka_unit_test(test_hold_check),
		cmocka_unit_test(test_alarm_limit),
		cmocka_unit_test(test_holdsfile_round_trip),
		cmocka_unit_test(test_holdsfile_corrupt),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
