/*
 * test_takeover.c: the manual triggers and what outlives them. The
 * operator's command, the key switch (plcsim's key-switch input forced
 * through its backdoor) and a trip (the level sensor forced high); each
 * test checks status (state, cause, safe state verified), the takeover
 * audit record, plcsim's journal (nothing of the AI after the takeover,
 * the safe state written last), the AI's answers while isolated, the
 * refusal of a release while the cause holds, and its acceptance after.
 * Then a SIGKILLed wardend restarting into TAKEOVER, and isolate: all.
 * test_takeover_auto.c has the automatic triggers.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <modbus.h>

#include "audit.h"
#include "audit_query.h"
#include "journal.h"
#include "statefile.h"
#include "takeover_support.h"
#include "trail.h"
#include "wire.h"

#define WHY_MAX 8192

static int
tk_setup(void **state, const char *isolate)
{
	const struct tk_options opt = { isolate, "", 1 };
	char why[WHY_MAX];

	*state = tk_new(&opt, why, sizeof(why));
	if (*state != NULL)
		return 0;
	fprintf(stderr, "setup: %s\n", why);
	return -1;
}

static int
setup_writes(void **state)
{
	return tk_setup(state, "writes");
}

static int
setup_all(void **state)
{
	return tk_setup(state, "all");
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

/* isolate: writes: the AI's writes get 0x0A, its reads are answered. */
static void
assert_ai_writes_refused(struct tk *t)
{
	uint16_t valve;
	uint8_t run;

	assert_int_equal(modbus_write_register(t->ai, TK_VALVE, 720), -1);
	assert_int_equal(world_exception(), MODBUS_EXCEPTION_GATEWAY_PATH);
	assert_int_equal(modbus_write_bit(t->ai, TK_PUMP_RUN, 1), -1);
	assert_int_equal(world_exception(), MODBUS_EXCEPTION_GATEWAY_PATH);
	assert_int_equal(modbus_read_registers(t->ai, TK_VALVE, 1, &valve), 1);
	assert_int_equal(valve, 0);             /* the safe state */
	assert_int_equal(modbus_read_bits(t->ai, TK_PUMP_RUN, 1, &run), 1);
	assert_int_equal(run, 0);
}

static void
assert_ai_writes_pass(struct tk *t, uint16_t valve)
{
	modbus_t *plc = world_plc_client(t->w, 0, 1);
	uint16_t got;

	if (modbus_write_register(t->ai, TK_VALVE, valve) != 1)
		fail_msg("after release, the AI's write was refused: %s",
		    modbus_strerror(errno));
	assert_non_null(plc);
	assert_int_equal(modbus_read_registers(plc, TK_VALVE, 1, &got), 1);
	assert_int_equal(got, valve);
	modbus_close(plc);
	modbus_free(plc);
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
	assert_int_equal(st.n_safe, 0);
}

/* Refused with exit 1, and the answer names the reason. */
static void
release_refused(struct tk *t, const char *reason_part)
{
	char why[WHY_MAX];
	int status;

	if (tk_release(t, "trying too early", &status, why, sizeof(why)) == 0)
		fail_msg("release accepted while %s", reason_part);
	assert_int_equal(status, 1);
	if (strstr(why, reason_part) == NULL)
		fail_msg("the refusal does not say \"%s\": %s", reason_part,
		    why);
}

/* wardenctl takeover -r: cause operator with its reason; a second
 * takeover is refused; release hands control back. */
static void
test_operator(void **state)
{
	struct tk *t = *state;
	struct ctl_result *res = &t->res;
	struct ctl_status st;
	char why[WHY_MAX];
	double since;

	assert_int_equal(ctl_run(t->w, res, "takeover", "-r",
	    "pump inspection", (char *)NULL), 0);
	wait_takeover(t, "operator", &since);
	assert_int_equal(ctl_status(t->w, &st, why, sizeof(why)), 0);
	assert_string_equal(st.reason, "pump inspection");
	assert_int_equal(st.n_safe, 2);
	assert_string_equal(st.safe[0].point, "valve");
	assert_string_equal(st.safe[1].point, "pump_run");
	assert_ai_writes_refused(t);
	check_journal(t, since);
	assert_int_equal(ctl_run(t->w, res, "takeover", "-r", "again",
	    (char *)NULL), 1);

	release_ok(t);
	assert_ai_writes_pass(t, 300);
}

/* The key switch, turned on at the device, takes over; release is
 * refused while it is on and accepted once wardend has seen it off. */
static void
test_key_switch(void **state)
{
	struct tk *t = *state;
	double since;
	int from;

	assert_int_equal(world_backdoor_coil(t->w, 0, TK_KEY, 1), 0);
	wait_takeover(t, "switch", &since);
	assert_ai_writes_refused(t);
	check_journal(t, since);
	release_refused(t, "key switch");

	assert_int_equal(world_backdoor_coil(t->w, 0, TK_UNFORCE + TK_KEY, 1),
	    0);
	/* Counted once the key is off, so that a poll that read it on does
	 * not count. Two polls of the key after that: the first one's
	 * answer is in (the poll connection carries one at a time). */
	from = journal_count(t->w->plc[0].journal);
	assert_int_equal(world_wait_requests(t->w, 0, from,
	    MODBUS_FC_READ_DISCRETE_INPUTS, TK_KEY, 2, TK_TIMEOUT), 0);
	release_ok(t);
	assert_ai_writes_pass(t, 300);
}

/* The level forced over high_high: a trip; release refused naming it
 * until the level is back and the trip cleared. */
static void
test_trip(void **state)
{
	struct tk *t = *state;
	struct ctl_status st;
	char why[WHY_MAX];
	double since;

	assert_int_equal(world_backdoor_register(t->w, 0, TK_LEVEL, 490), 0);
	wait_takeover(t, "trip", &since);
	assert_int_equal(ctl_status(t->w, &st, why, sizeof(why)), 0);
	assert_int_equal(st.n_trips, 1);
	assert_string_equal(st.trips[0].source, "level");
	assert_string_equal(st.trips[0].kind, "high_high");
	assert_ai_writes_refused(t);
	check_journal(t, since);
	release_refused(t, "trip active: level high_high");

	assert_int_equal(world_backdoor_register(t->w, 0,
	    TK_UNFORCE + TK_LEVEL, 0), 0);
	if (ctl_wait_trips(t->w, 0, TK_TIMEOUT, &st, why, sizeof(why)) != 0)
		fail_msg("%s", why);
	assert_string_equal(st.state, "takeover");      /* never automatic */
	release_ok(t);
	assert_ai_writes_pass(t, 300);
}

/* SIGKILL in TAKEOVER, start again: still TAKEOVER with its cause, and
 * the safe state driven again over what the device drifted to. */
static void
test_restart_in_takeover(void **state)
{
	struct tk *t = *state;
	struct ctl_result *res = &t->res;
	struct ctl_status st;
	char why[WHY_MAX];
	double since, restarted;

	assert_int_equal(ctl_run(t->w, res, "takeover", "-r", "before crash",
	    (char *)NULL), 0);
	wait_takeover(t, "operator", &since);

	world_kill(t->w);
	/* Someone moves the plant while the gateway is dead. */
	assert_int_equal(world_backdoor_register(t->w, 0,
	    TK_SET_HOLDING + TK_VALVE, 800), 0);
	assert_int_equal(world_backdoor_coil(t->w, 0, TK_SET_COIL + TK_PUMP_RUN,
	    1), 0);
	restarted = world_wall_time();
	assert_int_equal(world_restart(t->w, 1), 0);

	if (ctl_wait(t->w, "takeover", "operator", 1, TK_TIMEOUT, &st, why,
	    sizeof(why)) != 0)
		fail_msg("after the restart: %s", why);
	assert_string_equal(st.reason, "before crash");
	check_journal(t, restarted);
	modbus_close(t->ai);
	assert_int_equal(modbus_connect(t->ai), 0);
	assert_ai_writes_refused(t);
	release_ok(t);
	assert_ai_writes_pass(t, 300);

	/* One chain across the crash. */
	assert_int_equal(world_stop(t->w), 0);
	assert_int_equal(ctl_run(NULL, res, "audit", "verify", t->w->audit,
	    (char *)NULL), 0);
}

/* "takeover: done" means on disk: SIGKILL the moment wardenctl returns,
 * and the restart still comes back in TAKEOVER. */
static void
test_done_means_durable(void **state)
{
	struct tk *t = *state;
	struct ctl_result *res = &t->res;
	struct ctl_status st;
	char why[WHY_MAX];

	assert_int_equal(ctl_run(t->w, res, "takeover", "-r", "then crash",
	    (char *)NULL), 0);
	world_kill(t->w);
	assert_int_equal(world_restart(t->w, 1), 0);
	if (ctl_wait(t->w, "takeover", "operator", 1, TK_TIMEOUT, &st, why,
	    sizeof(why)) != 0)
		fail_msg("after the restart: %s", why);
	assert_string_equal(st.reason, "then crash");
	release_ok(t);
}

/*
 * A takeover recorded in the audit log but never saved in the state file
 * (wardend killed in the milliseconds between, simulated by writing AUTO
 * back while it is dead): the restart restores the takeover, cause and
 * reason, and records state_restored.
 */
static void
test_restore_after_lost_save(void **state)
{
	struct tk *t = *state;
	struct ctl_result *res = &t->res;
	struct guard_persisted auto_state;
	struct ctl_status st;
	char why[WHY_MAX], err[ERR_LEN];
	double since;

	assert_int_equal(ctl_run(t->w, res, "takeover", "-r", "lost save",
	    (char *)NULL), 0);
	wait_takeover(t, "operator", &since);
	world_kill(t->w);
	memset(&auto_state, 0, sizeof(auto_state));
	auto_state.state = GUARD_STATE_AUTO;
	auto_state.cause = GUARD_CAUSE_STARTUP;
	auto_state.since = since - 60;
	if (statefile_save(t->w->dir, &auto_state, err) != 0)
		fail_msg("%s", err);

	assert_int_equal(world_restart(t->w, 1), 0);
	if (ctl_wait(t->w, "takeover", "operator", 1, TK_TIMEOUT, &st, why,
	    sizeof(why)) != 0)
		fail_msg("after the restart: %s", why);
	assert_string_equal(st.reason, "lost save");
	assert_true(audit_query_find(t->w->audit, 0, "state_restored",
	    "cause", "operator") > 0);
	modbus_close(t->ai);
	assert_int_equal(modbus_connect(t->ai), 0);
	assert_ai_writes_refused(t);
	release_ok(t);
}

/*
 * The state file cannot be written (a directory stands in its place):
 * the takeover still holds and drives the safe state, and the operator
 * is told "done" with a warning saying what is at risk. A release, which
 * must be persisted first, is refused: control stays with the operators.
 */
static void
test_takeover_not_durable_warns(void **state)
{
	struct tk *t = *state;
	struct ctl_result *res = &t->res;
	char path[WORLD_PATH_MAX + 16], why[WHY_MAX];
	double since;
	int status;

	snprintf(path, sizeof(path), "%s/state", t->w->dir);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/state/keep", t->w->dir);
	assert_int_equal(harness_write_file(path, "x\n"), 0);

	assert_int_equal(ctl_run(t->w, res, "takeover", "-r", "disk full",
	    (char *)NULL), 0);
	if (strstr(res->err, "warning") == NULL ||
	    strstr(res->err, "check the disk") == NULL)
		fail_msg("no warning from wardenctl: %s", res->err);
	wait_takeover(t, "operator", &since);
	assert_ai_writes_refused(t);
	check_journal(t, since);
	assert_int_equal(tk_release(t, "cannot persist", &status, why,
	    sizeof(why)), -1);
	assert_int_equal(status, 1);
}

/* isolate: all: the AI's connection is closed and no new one accepted,
 * across a restart too, until release. */
static void
test_isolate_all(void **state)
{
	struct tk *t = *state;
	struct ctl_result *res = &t->res;
	char why[WHY_MAX];
	struct ctl_status st;
	double since;
	int fd;

	fd = wire_connect(t->w->port);
	assert_true(fd >= 0);
	assert_int_equal(ctl_run(t->w, res, "takeover", "-r", "isolate",
	    (char *)NULL), 0);
	wait_takeover(t, "operator", &since);
	assert_int_equal(wire_wait_closed(fd, TK_TIMEOUT), 1);
	close(fd);
	assert_int_equal(wire_connect(t->w->port), -1);
	check_journal(t, since);

	assert_int_equal(world_restart(t->w, 0), 0);
	if (ctl_wait(t->w, "takeover", "operator", 1, TK_TIMEOUT, &st, why,
	    sizeof(why)) != 0)
		fail_msg("after the restart: %s", why);
	assert_int_equal(wire_connect(t->w->port), -1);

	release_ok(t);
	assert_int_equal(harness_wait_port(t->w->warden, t->w->port,
	    TK_TIMEOUT), 0);
	modbus_close(t->ai);
	assert_int_equal(modbus_connect(t->ai), 0);
	assert_ai_writes_pass(t, 300);
}

/*
 * A release right after start: refused while the key switch is unknown
 * (fail safe), but wardend reads the switch first, as soon as its
 * connection to the device is up, not at the first poll_interval tick.
 * With a poll_interval far longer than a connect and a read, the release
 * must succeed within two device timeouts (connect, read) and a margin
 * for wardenctl, long before the first tick.
 */
#define KS_POLL_INTERVAL 5.0
#define KS_DEVICE_TIMEOUT 0.3
/* A loaded machine's wardenctl runs count too: a generous margin, still
 * far from the first tick. */
#define KS_RELEASE_WITHIN (2 * KS_DEVICE_TIMEOUT + 1.4)

#define KS_BODY \
	"initial_state: takeover\n" \
	"points:\n" \
	"  - {name: level, device: tank1, table: input, address: 0,\n" \
	"     scale: 0.01, monitor: {high_high: 4.8}}\n" \
	"  - {name: takeover_key, device: tank1, table: discrete, " \
	"address: 0}\n" \
	"takeover:\n" \
	"  switch: {point: takeover_key, active: 1}\n"

static int
setup_slow_polls(void **state)
{
	struct world *w = world_new_tank(NULL, "timeout: 300ms, "
	    "poll_interval: 5s, loss_after: 15s");

	if (w == NULL)
		return -1;
	return world_setup(state, w, world_start(w, KS_BODY));
}

static void
test_release_right_after_start(void **state)
{
	struct world *w = *state;
	struct ctl_result *res = malloc(sizeof(*res));
	double t0 = harness_now(), took;
	int status, refused = 0;

	assert_non_null(res);
	while ((status = ctl_run(w, res, "release", "-r", "at start",
	    (char *)NULL)) != 0 && harness_now() - t0 < KS_POLL_INTERVAL) {
		assert_int_equal(status, 1);
		if (strstr(res->err, "key switch state unknown") == NULL)
			fail_msg("release refused, not for the key switch: %s",
			    res->err);
		refused++;
		usleep(20000);
	}
	took = harness_now() - t0;
	printf("takeover: release after start: %d refused, accepted after "
	    "%.0f ms\n", refused, took * 1000);
	if (status != 0)
		fail_msg("release still refused %.1f s after start: %s", took,
		    res->err);
	if (took > KS_RELEASE_WITHIN)
		fail_msg("release accepted only %.0f ms after start (at most "
		    "%.0f ms: the key switch is read first)", took * 1000,
		    KS_RELEASE_WITHIN * 1000);
	free(res);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_operator, setup_writes,
		    teardown_world),
		cmocka_unit_test_setup_teardown(test_key_switch, setup_writes,
		    teardown_world),
		cmocka_unit_test_setup_teardown(test_trip, setup_writes,
		    teardown_world),
		cmocka_unit_test_setup_teardown(test_restart_in_takeover,
		    setup_writes, teardown_world),
		cmocka_unit_test_setup_teardown(test_restore_after_lost_save,
		    setup_writes, teardown_world),
		cmocka_unit_test_setup_teardown(test_done_means_durable,
		    setup_writes, teardown_world),
		cmocka_unit_test_setup_teardown(test_takeover_not_durable_warns,
		    setup_writes, teardown_world),
		cmocka_unit_test_setup_teardown(test_isolate_all, setup_all,
		    teardown_world),
		cmocka_unit_test_setup_teardown(test_release_right_after_start,
		    setup_slow_polls, world_teardown),
	};

	/* WARDEN_TEST_FILTER=test_trip runs the matching tests only. */
	if (getenv("WARDEN_TEST_FILTER") != NULL)
		cmocka_set_test_filter(getenv("WARDEN_TEST_FILTER"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
