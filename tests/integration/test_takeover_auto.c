/*
 * test_takeover_auto.c: the automatic triggers. A write whose point says
 * on_violation: takeover, repeated violations (0x03, 0x02 and 0x01 all
 * count), an AI gone silent (connected and quiet, or never there) and a
 * lost device. Each checks status (state, cause, safe state verified),
 * the takeover audit record, plcsim's journal (no AI write after the
 * takeover instant, the safe state written last) and the AI's answers.
 * test_takeover.c has the manual triggers.
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

#include "journal.h"
#include "takeover_support.h"
#include "trail.h"
#include "wire.h"

#define WHY_MAX 8192
#define SILENCE 1.0             /* ai_silence below */
#define CLOCK_SLACK 0.02        /* two clocks read microseconds apart */
#define UNDECLARED 500

static int
tk_setup(void **state, const char *takeover_extra, int connect_ai)
{
	const struct tk_options opt = { "writes", takeover_extra, connect_ai };
	char why[WHY_MAX];

	*state = tk_new(&opt, why, sizeof(why));
	if (*state != NULL)
		return 0;
	fprintf(stderr, "setup: %s\n", why);
	return -1;
}

static int
setup_plain(void **state)
{
	return tk_setup(state, "", 1);
}

static int
setup_violations(void **state)
{
	return tk_setup(state, "  on_violations: {count: 3, within: 10s}\n",
	    1);
}

static int
setup_silence(void **state)
{
	return tk_setup(state, "  ai_silence: 1s\n", 1);
}

static int
setup_silence_no_ai(void **state)
{
	return tk_setup(state, "  ai_silence: 1s\n", 0);
}

static int
setup_device_loss(void **state)
{
	return tk_setup(state, "  on_device_loss: takeover\n", 1);
}

static int
teardown_world(void **state)
{
	return tk_delete(*state);
}

static void
wait_takeover(struct tk *t, const char *cause, double *since)
{
	char why[WHY_MAX];

	if (tk_wait_takeover(t, cause, 1, since, why, sizeof(why)) != 0)
		fail_msg("%s", why);
}

static void
check_journal(const struct tk *t, double since)
{
	char why[WHY_MAX];

	if (tk_check_journal(t, since, why, sizeof(why)) != 0)
		fail_msg("%s", why);
}

/* Nothing in the journal ever wrote value at holding address. */
static void
assert_never_written(const struct tk *t, int address, uint16_t value)
{
	struct trail_write *ws = NULL;
	int n = trail_device_writes(t->w->plc[0].journal, &ws), i, found = 0;

	for (i = 0; i < n; i++)
		found |= ws[i].fc != 5 && ws[i].fc != 15 &&
		    trail_write_holds(&ws[i], address, value);
	free(ws);
	assert_true(n >= 0);
	if (found)
		fail_msg("refused value %u reached holding %d", value,
		    address);
}

static void
assert_ai_writes_refused(struct tk *t)
{
	uint16_t valve;

	assert_int_equal(modbus_write_register(t->ai, TK_VALVE, 720), -1);
	assert_int_equal(world_exception(), MODBUS_EXCEPTION_GATEWAY_PATH);
	assert_int_equal(modbus_read_registers(t->ai, TK_VALVE, 1, &valve), 1);
	assert_int_equal(valve, 0);
}

static void
release_ok(struct tk *t)
{
	char why[WHY_MAX];
	struct ctl_status st;
	int status;

	if (tk_release(t, "cleared by the test", &status, why,
	    sizeof(why)) != 0)
		fail_msg("%s", why);
	if (ctl_wait(t->w, "auto", "operator", 0, TK_TIMEOUT, &st, why,
	    sizeof(why)) != 0)
		fail_msg("%s", why);
}

static void
assert_ai_write_passes(struct tk *t, uint16_t valve)
{
	if (modbus_write_register(t->ai, TK_VALVE, valve) != 1)
		fail_msg("after release, the AI's write was refused: %s",
		    modbus_strerror(errno));
}

/* ts of the first audit record with this event; 0 when none. */
static double
audit_time(const struct world *w, const char *event, const char *point)
{
	struct trail_record *recs = NULL;
	int n = trail_audit_records(w->audit, &recs), at;
	double ts;

	at = trail_audit_find(recs, n, 0, event, point, NULL);
	ts = at >= 0 ? recs[at].ts : 0;
	free(recs);
	return ts;
}

/* pump_speed says on_violation: takeover: 0x03, and takeover at once. */
static void
test_violation(void **state)
{
	struct tk *t = *state;
	double since;

	assert_int_equal(modbus_write_register(t->ai, TK_PUMP_SPEED, 100), -1);
	assert_int_equal(world_exception(),
	    MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE);
	wait_takeover(t, "violation", &since);
	assert_true(audit_time(t->w, "write_rejected", "pump_speed") > 0);
	assert_ai_writes_refused(t);
	check_journal(t, since);
	assert_never_written(t, TK_PUMP_SPEED, 100);
	release_ok(t);
	assert_ai_write_passes(t, 300);
}

/* The third violation within the window, whatever its kind, takes
 * over; the first two do not. */
static void
test_repeated_violations(void **state)
{
	struct tk *t = *state;
	const uint8_t diag[] = { 1, 0x08, 0x00, 0x00, 0x12, 0x34 };
	uint8_t rsp[MODBUS_TCP_MAX_ADU_LENGTH];
	struct ctl_status st;
	char why[WHY_MAX];
	double since;

	assert_int_equal(modbus_write_register(t->ai, TK_VALVE, 1500), -1);
	assert_int_equal(world_exception(),
	    MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE);
	assert_int_equal(modbus_write_register(t->ai, UNDECLARED, 1), -1);
	assert_int_equal(world_exception(),
	    MODBUS_EXCEPTION_ILLEGAL_DATA_ADDRESS);
	if (ctl_status(t->w, &st, why, sizeof(why)) != 0)
		fail_msg("%s", why);
	assert_string_equal(st.state, "auto");
	assert_true(modbus_send_raw_request(t->ai, diag, sizeof(diag)) > 0);
	assert_int_equal(modbus_receive_confirmation(t->ai, rsp), 9);
	assert_int_equal(rsp[7], 0x88);
	assert_int_equal(rsp[8], MODBUS_EXCEPTION_ILLEGAL_FUNCTION);
	wait_takeover(t, "violations", &since);
	assert_ai_writes_refused(t);
	check_journal(t, since);
	assert_never_written(t, TK_VALVE, 1500);
	assert_never_written(t, UNDECLARED, 1);
	assert_int_equal(journal_wait(t->w->plc[0].journal, 0, 0x08, -1, -1, 0,
	    NULL), -1);
	release_ok(t);
	assert_ai_write_passes(t, 300);
}

/* An AI that connected, wrote once and went quiet, beside one that only
 * connected: takeover ai_silence after the silence, not before. */
static void
test_ai_silence(void **state)
{
	struct tk *t = *state;
	double since, last_request;
	int idle = wire_connect(t->w->port);

	assert_true(idle >= 0);
	last_request = audit_time(t->w, "write_allowed", "valve");
	assert_true(last_request > 0);
	wait_takeover(t, "ai_silence", &since);
	if (since - last_request < SILENCE - CLOCK_SLACK)
		fail_msg("took over %.3fs after the AI's last request; "
		    "ai_silence is %.1fs", since - last_request, SILENCE);
	close(idle);
	assert_ai_writes_refused(t);
	check_journal(t, since);
	release_ok(t);
	assert_ai_write_passes(t, 300);
}

/* No AI at all: silent from the start. */
static void
test_ai_never_connects(void **state)
{
	struct tk *t = *state;
	double since, started;

	started = audit_time(t->w, "start", NULL);
	assert_true(started > 0);
	wait_takeover(t, "ai_silence", &since);
	if (since - started < SILENCE - CLOCK_SLACK)
		fail_msg("took over %.3fs after start; ai_silence is %.1fs",
		    since - started, SILENCE);
	check_journal(t, since);
}

/* Read through wardend until its connection to the device is back. */
static void
wait_ai_path(struct tk *t)
{
	double deadline = harness_now() + TK_TIMEOUT;
	uint16_t valve;

	while (modbus_read_registers(t->ai, TK_VALVE, 1, &valve) != 1) {
		if (harness_now() > deadline)
			fail_msg("no path to the device through wardend: %s",
			    modbus_strerror(errno));
		usleep(20000);
	}
}

/* The device stops answering: takeover device_loss, the safe state
 * pending until it is back, then verified; release refused meanwhile. */
static void
test_device_loss(void **state)
{
	struct tk *t = *state;
	struct ctl_status st;
	char why[WHY_MAX];
	double since;
	int status, from;

	world_plc_stop(t->w, 0);
	if (tk_wait_takeover(t, "device_loss", 0, &since, why,
	    sizeof(why)) != 0)
		fail_msg("%s", why);
	assert_int_equal(ctl_status(t->w, &st, why, sizeof(why)), 0);
	assert_int_equal(st.n_devices, 1);
	assert_int_equal(st.devices_up, 0);
	/* A device's loss is on the alarm list, as the trip it is here
	 * (on_device_loss: takeover); the trips list is the points'. */
	assert_int_equal(st.n_trips, 0);
	if (strstr(st.text, "{\"device\":\"tank1\",\"kind\":\"device_loss\"")
	    == NULL || strstr(st.text, "\"level\":\"trip\",\"state\":"
	    "\"unack\",\"active\":true") == NULL)
		fail_msg("the loss of tank1 is not an active trip on the "
		    "alarm list: %s", st.text);
	assert_int_equal(st.n_safe, 2);
	assert_false(ctl_safe_verified(&st));
	assert_int_equal(modbus_write_register(t->ai, TK_VALVE, 720), -1);
	assert_int_equal(world_exception(), MODBUS_EXCEPTION_GATEWAY_PATH);
	assert_int_equal(tk_release(t, "too early", &status, why, sizeof(why)),
	    -1);
	assert_int_equal(status, 1);
	if (strstr(why, "tank1") == NULL && strstr(why, "key switch") == NULL)
		fail_msg("the refusal names neither the lost device nor the "
		    "key switch it hides: %s", why);

	assert_int_equal(world_plc_restart(t->w, 0, NULL), 0);
	if (ctl_wait(t->w, "takeover", "device_loss", 1, TK_TIMEOUT, &st,
	    why, sizeof(why)) != 0)
		fail_msg("device back: %s", why);
	/* Cleared, and listed until someone acknowledges it. */
	if (strstr(st.text, "\"state\":\"rtn_unack\",\"active\":false") ==
	    NULL)
		fail_msg("the loss of tank1 is not listed cleared and "
		    "unacknowledged: %s", st.text);
	check_journal(t, since);
	/* The key switch is unknown until its first poll since the loss. */
	from = journal_count(t->w->plc[0].journal);
	assert_int_equal(world_wait_requests(t->w, 0, from,
	    MODBUS_FC_READ_DISCRETE_INPUTS, TK_KEY, 2, TK_TIMEOUT), 0);
	release_ok(t);
	wait_ai_path(t);
	assert_ai_write_passes(t, 300);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_violation, setup_plain,
		    teardown_world),
		cmocka_unit_test_setup_teardown(test_repeated_violations,
		    setup_violations, teardown_world),
		cmocka_unit_test_setup_teardown(test_ai_silence, setup_silence,
		    teardown_world),
		cmocka_unit_test_setup_teardown(test_ai_never_connects,
		    setup_silence_no_ai, teardown_world),
		cmocka_unit_test_setup_teardown(test_device_loss,
		    setup_device_loss, teardown_world),
	};

	/* WARDEN_TEST_FILTER=test_device_loss runs the matching tests only. */
	if (getenv("WARDEN_TEST_FILTER") != NULL)
		cmocka_set_test_filter(getenv("WARDEN_TEST_FILTER"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
