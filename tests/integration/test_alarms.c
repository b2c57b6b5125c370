/*
 * test_alarms.c: the alarm list as an operator works it (wardenctl(8)
 * "alarms", "ack", "shelve", "bypass"; warden.yaml(5) alarms.max_shelve,
 * takeover.max_bypass). ISA-18.2 states from the process (plcsim's
 * level forced through its backdoor); acknowledge, shelve and bypass
 * audited; a shelve and a bypass end by themselves, and a bypass ending
 * on a trip still active takes over then; both survive a restart with
 * their deadlines; "as" is refused to anyone but the console's user.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <modbus.h>

#include "audit_query.h"
#include "ctl.h"
#include "json.h"
#include "world.h"

#define AL_TIMEOUT 5.0
#define AL_LEVEL 0              /* input, m x 100: high 4.0, high_high 4.8 */
#define AL_WHY 8192

#define AL_BODY \
	"mode: enforce\n" \
	"initial_state: auto\n" \
	"points:\n" \
	"  - {name: valve, device: tank1, table: holding, address: 0,\n" \
	"     scale: 0.1, unit: \"%\", write: {min: 0, max: 100}}\n" \
	"  - {name: level, device: tank1, table: input, address: 0,\n" \
	"     scale: 0.01, unit: m,\n" \
	"     monitor: {high: 4.0, high_high: 4.8, deadband: 0.05}}\n" \
	"alarms: {max_shelve: 1h}\n" \
	"takeover:\n" \
	"  max_bypass: 30m\n" \
	"  safe_state:\n" \
	"    - {point: valve, value: 0}\n"

struct al {
	struct world *w;
	struct ctl_result res;
	char why[AL_WHY];
};

static int
al_teardown(void **state)
{
	struct al *a = *state;
	int rc;

	if (a == NULL)
		return 0;
	rc = a->w != NULL ? world_free(a->w) : 0;
	free(a);
	return rc;
}

static int
al_setup(void **state)
{
	struct al *a = calloc(1, sizeof *a);

	*state = a;
	if (a != NULL && (a->w = world_new_tank(NULL, NULL)) != NULL &&
	    world_start(a->w, AL_BODY) == 0)
		return 0;
	if (a != NULL && a->w != NULL)
		a->w->failed = 1;
	al_teardown(state);
	*state = NULL;
	return -1;
}

static void
level_set(struct al *a, uint16_t raw)
{
	assert_int_equal(world_backdoor_register(a->w, 0, AL_LEVEL, raw), 0);
}

static void
expect_exit(struct al *a, int want, const char *what)
{
	if (a->res.status != want)
		fail_msg("%s: exit %d, wanted %d; stdout: %s stderr: %s", what,
		    a->res.status, want, a->res.out, a->res.err);
}

static void
expect_text(const char *haystack, const char *needle, const char *what)
{
	if (strstr(haystack, needle) == NULL)
		fail_msg("%s does not say \"%s\": %s", what, needle, haystack);
}

/* An alarm of `wardenctl alarms --json` as the tests read it. */
struct al_alarm {
	int found;
	char state[32];
	int shelved, bypassed;
	char level[16];
};

static int
member_true(const struct json_value *obj, const char *key)
{
	struct json_value v;

	return json_object_get(obj, key, &v) == 0 && v.type == JSON_TRUE;
}

static void
alarm_get(struct al *a, const char *point, const char *kind,
    struct al_alarm *out)
{
	struct json_value root, list, v;
	struct json_iter it;
	struct json_member m;
	const char *bad;
	size_t at;

	memset(out, 0, sizeof *out);
	ctl_run(a->w, &a->res, "alarms", "--json", NULL);
	expect_exit(a, 0, "alarms --json");
	assert_int_equal(json_parse(a->res.out, strlen(a->res.out), &root,
	    &at, &bad), 0);
	assert_int_equal(json_object_get(&root, "alarms", &list), 0);
	json_iter_init(&it, &list);
	while (json_iter_next(&it, &m)) {
		if (json_object_get(&m.value, "point", &v) != 0 ||
		    !json_string_is(&v, point) ||
		    json_object_get(&m.value, "kind", &v) != 0 ||
		    !json_string_is(&v, kind))
			continue;
		out->found = 1;
		json_object_get(&m.value, "state", &v);
		json_get_string(&v, out->state, sizeof out->state);
		json_object_get(&m.value, "level", &v);
		json_get_string(&v, out->level, sizeof out->level);
		out->shelved = member_true(&m.value, "shelved");
		out->bypassed = member_true(&m.value, "bypassed");
	}
}

/* Until the alarm is in state ("" : not listed). */
static void
alarm_wait(struct al *a, const char *point, const char *kind,
    const char *state, struct al_alarm *out)
{
	double deadline = harness_now() + AL_TIMEOUT;
	struct timespec gap = { 0, 20000000 };

	for (;;) {
		alarm_get(a, point, kind, out);
		if (state[0] == '\0' ? !out->found :
		    out->found && strcmp(out->state, state) == 0)
			return;
		if (harness_now() > deadline)
			fail_msg("%s %s never became \"%s\": %s", point, kind,
			    state, a->res.out);
		nanosleep(&gap, NULL);
	}
}

static int
audit_wait(struct al *a, int after, const char *event, const char *key,
    const char *want)
{
	double deadline = harness_now() + AL_TIMEOUT;
	struct timespec gap = { 0, 20000000 };
	int line;

	while ((line = audit_query_find(a->w->audit, after, event, key,
	    want)) <= 0) {
		if (harness_now() > deadline)
			fail_msg("no %s record after line %d in %s", event,
			    after, a->w->audit);
		nanosleep(&gap, NULL);
	}
	return line;
}

static void
state_is(struct al *a, const char *state)
{
	struct ctl_status st;

	if (ctl_status(a->w, &st, a->why, sizeof a->why) != 0)
		fail_msg("%s", a->why);
	if (strcmp(st.state, state) != 0)
		fail_msg("state %s, wanted %s: %s", st.state, state, st.text);
}

/*
 * Raised, acknowledged, cleared: gone. Raised and cleared before anyone
 * acknowledged it: listed, cleared and unacknowledged, until someone
 * does. Nothing left to acknowledge is a refusal (exit 1).
 */
static void
test_ack_states(void **state)
{
	struct al *a = *state;
	struct al_alarm al;
	char line[4096];
	int at;

	level_set(a, 420);
	alarm_wait(a, "level", "high", "unack", &al);
	assert_string_equal(al.level, "alarm");
	ctl_run(a->w, &a->res, "ack", "level", "-r", "seen it", NULL);
	expect_exit(a, 0, "ack level");
	expect_text(a->res.out, "1 alarm of level acknowledged", "ack");
	alarm_wait(a, "level", "high", "ack", &al);
	at = audit_wait(a, 0, "alarm_acked", "point", "level");
	assert_true(audit_query_line(a->w->audit, at - 1, "alarm_acked",
	    "point", "level", line, sizeof line) > 0);
	expect_text(line, "\"reason\":\"seen it\"", "alarm_acked");
	expect_text(line, "\"acked\":1", "alarm_acked");
	level_set(a, 300);
	alarm_wait(a, "level", "high", "", &al);

	/* Cleared before it was acknowledged: it stays listed. */
	level_set(a, 420);
	alarm_wait(a, "level", "high", "unack", &al);
	level_set(a, 300);
	alarm_wait(a, "level", "high", "rtn_unack", &al);
	ctl_run(a->w, &a->res, "ack", "level", NULL);
	expect_exit(a, 0, "ack level, cleared");
	alarm_wait(a, "level", "high", "", &al);
	ctl_run(a->w, &a->res, "ack", "level", NULL);
	expect_exit(a, 1, "ack with nothing to acknowledge");
	expect_text(a->res.err, "nothing to acknowledge on level", "ack");
	ctl_run(a->w, &a->res, "ack", "nosuch", NULL);
	expect_exit(a, 1, "ack of an unknown point");
	audit_wait(a, 0, "ack_refused", "point", "nosuch");
}

/* A shelve hides the alarm for its time, then it comes back by itself;
 * longer than alarms.max_shelve, or without a reason, is refused. */
static void
test_shelve_expires(void **state)
{
	struct al *a = *state;
	struct al_alarm al;
	int at;

	ctl_run(a->w, &a->res, "shelve", "level", "--for", "2h", "-r", "x",
	    NULL);
	expect_exit(a, 1, "shelve beyond max_shelve");
	expect_text(a->res.err, "alarms.max_shelve (1h)", "shelve 2h");
	ctl_run(a->w, &a->res, "shelve", "level", "--for", "1m", NULL);
	expect_exit(a, 2, "shelve without a reason");
	ctl_run(a->w, &a->res, "shelve", "valve", "--for", "1m", "-r", "x",
	    NULL);
	expect_exit(a, 1, "shelve of a point without alarms");

	level_set(a, 420);
	alarm_wait(a, "level", "high", "unack", &al);
	ctl_run(a->w, &a->res, "shelve", "level", "--for", "2s", "-r",
	    "transmitter swap", NULL);
	expect_exit(a, 0, "shelve level");
	at = audit_wait(a, 0, "shelve_started", "point", "level");
	alarm_get(a, "level", "high", &al);
	assert_true(al.shelved);
	ctl_run(a->w, &a->res, "alarms", NULL);
	expect_text(a->res.out, "shelved,", "alarms");
	audit_wait(a, at, "shelve_expired", "point", "level");
	alarm_get(a, "level", "high", &al);
	assert_true(al.found);
	assert_false(al.shelved);
}

/*
 * A bypassed trip is recorded but takes no action; when the bypass runs
 * out with the trip still active, the takeover happens then.
 */
static void
test_bypass_expiry_takes_over(void **state)
{
	struct al *a = *state;
	char line[4096];
	int at;

	ctl_run(a->w, &a->res, "bypass", "level", "--for", "1h", "-r", "x",
	    NULL);
	expect_exit(a, 1, "bypass beyond max_bypass");
	expect_text(a->res.err, "takeover.max_bypass (30m)", "bypass 1h");
	ctl_run(a->w, &a->res, "bypass", "level", "--for", "3s", "-r",
	    "calibration", NULL);
	expect_exit(a, 0, "bypass level");
	at = audit_wait(a, 0, "bypass_started", "point", "level");
	level_set(a, 490);
	at = audit_wait(a, at, "trip", "point", "level");
	assert_true(audit_query_line(a->w->audit, at - 1, "trip", "point",
	    "level", line, sizeof line) > 0);
	expect_text(line, "\"bypassed\":true", "the trip's record");
	state_is(a, "auto");
	at = audit_wait(a, at, "bypass_expired", "point", "level");
	audit_wait(a, at, "takeover", "cause", "trip");
	state_is(a, "takeover");
}

/* Ended early by an operator: the trip still active takes over at once.
 * A bypass keeps a release from being refused for its trip. */
static void
test_unbypass_and_release(void **state)
{
	struct al *a = *state;
	int at;

	level_set(a, 490);
	at = audit_wait(a, 0, "takeover", "cause", "trip");
	ctl_run(a->w, &a->res, "release", "-r", "try", NULL);
	expect_exit(a, 1, "release with a trip active");
	expect_text(a->res.err, "trip active: level high_high", "release");
	ctl_run(a->w, &a->res, "bypass", "level", "--for", "10m", "-r",
	    "sensor fault", NULL);
	expect_exit(a, 0, "bypass level");
	ctl_run(a->w, &a->res, "release", "-r", "bypassed", NULL);
	expect_exit(a, 0, "release with the trip bypassed");
	state_is(a, "auto");
	ctl_run(a->w, &a->res, "unbypass", "level", "-r", "fixed", NULL);
	expect_exit(a, 0, "unbypass level");
	at = audit_wait(a, at, "bypass_ended", "point", "level");
	audit_wait(a, at, "takeover", "cause", "trip");
	state_is(a, "takeover");
	ctl_run(a->w, &a->res, "unbypass", "level", NULL);
	expect_exit(a, 1, "unbypass of what is not bypassed");
	expect_text(a->res.err, "level is not bypassed", "unbypass");
}

/* Shelves and bypasses come back after a restart with their deadlines. */
static void
test_holds_survive_restart(void **state)
{
	struct al *a = *state;
	char before[CTL_OUT_MAX];
	const char *holds;

	ctl_run(a->w, &a->res, "shelve", "level", "--for", "10m", "-r",
	    "nuisance", NULL);
	expect_exit(a, 0, "shelve");
	ctl_run(a->w, &a->res, "bypass", "level", "--for", "10m", "-r",
	    "calibration", NULL);
	expect_exit(a, 0, "bypass");
	ctl_run(a->w, &a->res, "alarms", "--json", NULL);
	holds = strstr(a->res.out, "\"holds\":");
	assert_non_null(holds);
	snprintf(before, sizeof before, "%s", holds);
	assert_int_equal(world_restart(a->w, 1), 0);
	ctl_run(a->w, &a->res, "alarms", "--json", NULL);
	expect_exit(a, 0, "alarms after the restart");
	expect_text(a->res.out, "\"hold\":\"shelve\",\"source\":\"level\"",
	    "holds after the restart");
	expect_text(a->res.out, "\"hold\":\"bypass\",\"source\":\"level\"",
	    "holds after the restart");
	/* The same deadlines: each "until" of before is there again. */
	for (holds = before; (holds = strstr(holds, "\"until\":")) != NULL;
	    holds += 8) {
		char until[48];

		snprintf(until, sizeof until, "%.38s", holds);
		expect_text(a->res.out, until, "holds after the restart");
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ack_states, al_setup,
		    al_teardown),
		cmocka_unit_test_setup_teardown(test_shelve_expires, al_setup,
		    al_teardown),
		cmocka_unit_test_setup_teardown(test_bypass_expiry_takes_over,
		    al_setup, al_teardown),
		cmocka_unit_test_setup_teardown(test_unbypass_and_release,
		    al_setup, al_teardown),
		cmocka_unit_test_setup_teardown(test_holds_survive_restart,
		    al_setup, al_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
