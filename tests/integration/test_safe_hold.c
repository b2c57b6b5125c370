/*
 * test_safe_hold.c: the safe state is held, not only reached. After a
 * takeover's safe state is verified, the PLC's own logic (plcsim's
 * backdoor, which the journal does not see) moves a safe-state point:
 * the audit log gets safe_state_drift with the value found, wardend
 * writes the safe value again (the journal shows it, the device holds
 * it), status says re-driving meanwhile and verified once it holds, with
 * a closing safe_state_verified that counts the drifts. A PLC that
 * fights back makes one episode, not one record per fight. hold: false
 * only watches and reports. A reload carries what is verified, and a
 * release stops the holding.
 */
#include <errno.h>
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
#include "journal.h"
#include "json.h"
#include "world.h"
#include "status_shape.h"
#include "textedit.h"
#include "trail.h"

#define VALVE 0                 /* holding, % x10 */
#define PUMP_RUN 0              /* coil */
#define SET_HOLDING 10000       /* backdoor: + A sets holding A */
#define TIMEOUT 5.0             /* a state change, sanitizer builds too */
#define FIGHTS 5
#define WHY_MAX 8192
#define LINE_MAX_ 4096

/* %s: the valve entry's extra keys (", hold: false" or ""). */
#define BODY \
	"mode: enforce\n" \
	"initial_state: auto\n" \
	"points:\n" \
	"  - {name: valve, device: tank1, table: holding, address: 0,\n" \
	"     scale: 0.1, unit: \"%%\", write: {min: 0, max: 100}}\n" \
	"  - {name: pump_run, device: tank1, table: coil, address: 0,\n" \
	"     write: {min: 0, max: 1}}\n" \
	"takeover:\n" \
	"  safe_state:\n" \
	"    - {point: valve, value: 0%s}\n" \
	"    - {point: pump_run, value: 0}\n"

struct hold_world {
	struct world *w;
	struct ctl_result res;
	struct ctl_status st;
	char why[WHY_MAX];
};

static void
nap(double seconds)
{
	struct timespec ts = { 0, (long)(seconds * 1e9) };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static int
hold_start(void **state, const char *valve_keys)
{
	struct hold_world *h = calloc(1, sizeof(*h));
	char body[WORLD_YAML_MAX];

	if (h == NULL || (h->w = world_new_tank(NULL, NULL)) == NULL) {
		free(h);
		return -1;
	}
	snprintf(body, sizeof(body), BODY, valve_keys);
	if (world_start(h->w, body) != 0) {
		world_free(h->w);
		free(h);
		return -1;
	}
	*state = h;
	return 0;
}

static int
setup_hold(void **state)
{
	return hold_start(state, "");
}

static int
setup_no_hold(void **state)
{
	return hold_start(state, ", hold: false");
}

static int
teardown_world(void **state)
{
	struct hold_world *h = *state;
	int rc = world_free(h->w);

	free(h);
	return rc;
}

/* Take over and wait for the whole safe state verified. */
static void
take_over(struct hold_world *h)
{
	assert_int_equal(ctl_run(h->w, &h->res, "takeover", "-r",
	    "hold test", (char *)NULL), 0);
	if (ctl_wait(h->w, "takeover", "operator", 1, TIMEOUT, &h->st,
	    h->why, sizeof(h->why)) != 0)
		fail_msg("%s", h->why);
}

/* The valve's entry of the last status. */
static const struct ctl_safe *
valve_entry(const struct hold_world *h)
{
	int i;

	for (i = 0; i < h->st.n_safe; i++)
		if (strcmp(h->st.safe[i].point, "valve") == 0)
			return &h->st.safe[i];
	fail_msg("status lists no safe state for valve: %s", h->st.text);
	return NULL;
}

/* Poll status until the valve's safe state says `status` (and, when
 * read >= 0, its last_read is read). */
static const struct ctl_safe *
wait_valve(struct hold_world *h, const char *status, double read)
{
	double deadline = harness_now() + TIMEOUT;
	const struct ctl_safe *s;
	struct status_shape shape;

	for (;;) {
		if (ctl_status(h->w, &h->st, h->why, sizeof(h->why)) != 0)
			fail_msg("%s", h->why);
		if (status_shape_check(h->st.text, &shape, h->why,
		    sizeof(h->why)) != 0)
			fail_msg("%s", h->why);
		s = valve_entry(h);
		if (strcmp(s->status, status) == 0 &&
		    (read < 0 || (s->has_read && s->last_read == read)))
			return s;
		if (harness_now() > deadline)
			fail_msg("valve's safe state is not %s (last_read %g) "
			    "after %.0f s: %s", status, read, TIMEOUT,
			    h->st.text);
		nap(0.01);
	}
}

/* Wait for the first record after line `after` with this event for the
 * valve; its line number, the record in line. */
static int
wait_record(const struct hold_world *h, int after, const char *event,
    char *line, size_t cap)
{
	double deadline = harness_now() + TIMEOUT;
	int at;

	while ((at = audit_query_line(h->w->audit, after, event, "point",
	    "valve", line, cap)) <= 0) {
		if (harness_now() > deadline)
			fail_msg("no %s record for valve after line %d within "
			    "%.0f s", event, after, TIMEOUT);
		nap(0.01);
	}
	return at;
}

/* A number field of one audit record. */
static double
record_number(const char *line, const char *key)
{
	struct json_value obj, v;
	const char *bad = "";
	size_t at = 0;
	double d = 0;

	if (json_parse(line, strlen(line), &obj, &at, &bad) != 0 ||
	    json_object_get(&obj, key, &v) != 0 ||
	    json_get_double(&v, &d) != 0)
		fail_msg("no number %s in %s", key, line);
	return d;
}

static int
record_true(const char *line, const char *key)
{
	struct json_value obj, v;
	const char *bad = "";
	size_t at = 0;

	if (json_parse(line, strlen(line), &obj, &at, &bad) != 0 ||
	    json_object_get(&obj, key, &v) != 0 ||
	    (v.type != JSON_TRUE && v.type != JSON_FALSE))
		fail_msg("no boolean %s in %s", key, line);
	return v.type == JSON_TRUE;
}

static int
records_of(const struct hold_world *h, const char *event)
{
	struct trail_record *recs = NULL;
	int n = trail_audit_records(h->w->audit, &recs), count;

	assert_true(n >= 0);
	count = trail_audit_count(recs, n, event, "valve", NULL);
	free(recs);
	return count;
}

/* The index of the first write of value to the valve at or after from. */
static int
wait_valve_write(const struct hold_world *h, int from, uint16_t value)
{
	double deadline = harness_now() + TIMEOUT;
	struct journal_entry e;
	int at;

	for (;;) {
		at = journal_wait(h->w->plc[0].journal, from,
		    MODBUS_FC_WRITE_SINGLE_REGISTER, -1, VALVE,
		    deadline - harness_now(), &e);
		if (at < 0)
			fail_msg("no write of %u to the valve in the journal "
			    "after entry %d", value, from);
		if (e.n_values == 1 && e.values[0] == value)
			return at;
		from = at + 1;
	}
}

/* How many writes of any value the valve got at or after from. */
static int
valve_writes_since(const struct hold_world *h, int from)
{
	struct journal_entry e;
	int n = 0, at;

	while ((at = journal_wait(h->w->plc[0].journal, from,
	    MODBUS_FC_WRITE_SINGLE_REGISTER, -1, VALVE, 0, &e)) >= 0) {
		n++;
		from = at + 1;
	}
	return n;
}

/* What the device holds, read on a connection of its own. */
static uint16_t
valve_on_device(const struct hold_world *h)
{
	modbus_t *plc = world_plc_client(h->w, 0, 1);
	uint16_t v = 0xFFFF;

	assert_non_null(plc);
	assert_int_equal(modbus_read_registers(plc, VALVE, 1, &v), 1);
	modbus_close(plc);
	modbus_free(plc);
	return v;
}

/* The PLC's logic sets the valve (not journalled: it is not a request). */
static void
plc_sets_valve(const struct hold_world *h, uint16_t raw)
{
	assert_int_equal(world_backdoor_register(h->w, 0, SET_HOLDING + VALVE,
	    raw), 0);
}

/* Let wardend read the valve a few more times (polls and watch reads). */
static void
let_it_read(const struct hold_world *h, int from)
{
	assert_int_equal(world_wait_requests(h->w, 0, from,
	    MODBUS_FC_READ_HOLDING_REGISTERS, VALVE, 6, TIMEOUT), 0);
}

/*
 * The PLC moves the valve to 80 %: audited with the value found, written
 * back (journal, device), status re-driving then verified, and a closing
 * record once it has held. After release nothing is held any more.
 */
static void
test_drift_is_driven_back(void **state)
{
	struct hold_world *h = *state;
	char line[LINE_MAX_];
	const struct ctl_safe *s;
	int drift_at, from, at;

	take_over(h);
	s = wait_valve(h, "verified", 0);
	assert_true(s->has_read);
	assert_int_equal(records_of(h, "safe_state_drift"), 0);

	from = journal_count(h->w->plc[0].journal);
	plc_sets_valve(h, 800);
	drift_at = wait_record(h, 0, "safe_state_drift", line, sizeof(line));
	assert_true(record_number(line, "value") == 80);
	assert_true(record_number(line, "safe_value") == 0);
	assert_true(record_true(line, "hold"));
	wait_valve(h, "re-driving", -1);
	wait_valve_write(h, from, 0);
	assert_int_equal(valve_on_device(h), 0);

	s = wait_valve(h, "verified", 0);
	at = wait_record(h, drift_at, "safe_state_verified", line,
	    sizeof(line));
	assert_true(at > drift_at);
	assert_true(record_number(line, "value") == 0);
	assert_true(record_number(line, "drifts") == 1);
	assert_true(record_number(line, "redrives") == 1);
	assert_int_equal(records_of(h, "safe_state_drift"), 1);
	assert_int_equal(records_of(h, "safe_state_failed"), 0);

	/* Released: the PLC may move it, and it stays moved. */
	assert_int_equal(ctl_run(h->w, &h->res, "release", "-r", "done",
	    (char *)NULL), 0);
	from = journal_count(h->w->plc[0].journal);
	plc_sets_valve(h, 650);
	let_it_read(h, from);
	assert_int_equal(valve_writes_since(h, from), 0);
	assert_int_equal(valve_on_device(h), 650);
	assert_int_equal(records_of(h, "safe_state_drift"), 1);
}

/*
 * A PLC that fights back: it moves the valve again each time wardend has
 * written it back. Each fight is written back, and the whole fight is
 * one episode: one drift record, one closing record that counts them.
 */
static void
test_fight_is_one_episode(void **state)
{
	struct hold_world *h = *state;
	char line[LINE_MAX_];
	int i, from, at, drift_at;

	take_over(h);
	wait_valve(h, "verified", 0);
	for (i = 0; i < FIGHTS; i++) {
		from = journal_count(h->w->plc[0].journal);
		plc_sets_valve(h, (uint16_t)(700 + i));
		at = wait_valve_write(h, from, 0);
		/* Its read-back is one of the next two reads (a poll may be
		 * queued before it): done before the next fight. */
		assert_int_equal(world_wait_requests(h->w, 0, at + 1,
		    MODBUS_FC_READ_HOLDING_REGISTERS, VALVE, 2, TIMEOUT), 0);
	}
	/* Less than the settle time since the last write back. */
	wait_valve(h, "re-driving", 0);
	assert_int_equal(records_of(h, "safe_state_drift"), 1);
	drift_at = wait_record(h, 0, "safe_state_drift", line, sizeof(line));
	assert_true(record_number(line, "value") == 70);

	wait_valve(h, "verified", 0);
	wait_record(h, drift_at, "safe_state_verified", line, sizeof(line));
	assert_true(record_number(line, "drifts") == FIGHTS);
	assert_true(record_number(line, "redrives") == FIGHTS);
	assert_int_equal(records_of(h, "safe_state_drift"), 1);
	assert_int_equal(records_of(h, "safe_state_failed"), 0);
	assert_int_equal(valve_on_device(h), 0);
}

/*
 * hold: false: the drift is watched and reported (status drifted with
 * the value found, the audit record), never written back; when the PLC
 * puts the safe value back itself and it holds, verified again.
 */
static void
test_no_hold_only_reports(void **state)
{
	struct hold_world *h = *state;
	char line[LINE_MAX_];
	int from, drift_at;

	take_over(h);
	wait_valve(h, "verified", 0);
	from = journal_count(h->w->plc[0].journal);
	plc_sets_valve(h, 800);
	wait_valve(h, "drifted", 80);
	drift_at = wait_record(h, 0, "safe_state_drift", line, sizeof(line));
	assert_true(record_number(line, "value") == 80);
	assert_true(record_number(line, "safe_value") == 0);
	assert_false(record_true(line, "hold"));

	let_it_read(h, from);
	assert_int_equal(valve_writes_since(h, from), 0);
	assert_int_equal(valve_on_device(h), 800);
	wait_valve(h, "drifted", 80);
	assert_int_equal(records_of(h, "safe_state_drift"), 1);

	plc_sets_valve(h, 0);
	wait_valve(h, "verified", 0);
	wait_record(h, drift_at, "safe_state_verified", line, sizeof(line));
	assert_true(record_number(line, "drifts") == 1);
	assert_true(record_number(line, "redrives") == 0);
	assert_int_equal(valve_writes_since(h, from), 0);
}

/*
 * A reload in TAKEOVER that changes one safe-state entry: that one is
 * written, the unchanged one stays verified without a write, and is
 * still held afterwards.
 */
static void
test_reload_keeps_holding(void **state)
{
	struct hold_world *h = *state;
	struct journal_entry e;
	int from;

	take_over(h);
	wait_valve(h, "verified", 0);
	from = journal_count(h->w->plc[0].journal);
	assert_int_equal(textedit_replace(h->w->config, 0,
	    "{point: pump_run, value: 0}", "{point: pump_run, value: 1}"), 0);
	assert_int_equal(ctl_run(h->w, &h->res, "reload", (char *)NULL), 0);
	if (journal_wait(h->w->plc[0].journal, from,
	    MODBUS_FC_WRITE_SINGLE_COIL, -1, PUMP_RUN, TIMEOUT, &e) < 0)
		fail_msg("the changed safe value of pump_run was not written");
	assert_int_equal(e.values[0], 1);
	if (ctl_wait(h->w, "takeover", "operator", 1, TIMEOUT, &h->st,
	    h->why, sizeof(h->why)) != 0)
		fail_msg("after the reload: %s", h->why);
	assert_string_equal(valve_entry(h)->status, "verified");
	let_it_read(h, from);
	assert_int_equal(valve_writes_since(h, from), 0);

	plc_sets_valve(h, 800);
	wait_valve_write(h, from, 0);
	wait_valve(h, "verified", 0);
	assert_int_equal(records_of(h, "safe_state_drift"), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_drift_is_driven_back,
		    setup_hold, teardown_world),
		cmocka_unit_test_setup_teardown(test_fight_is_one_episode,
		    setup_hold, teardown_world),
		cmocka_unit_test_setup_teardown(test_no_hold_only_reports,
		    setup_no_hold, teardown_world),
		cmocka_unit_test_setup_teardown(test_reload_keeps_holding,
		    setup_hold, teardown_world),
	};

	/* WARDEN_TEST_FILTER=test_fight runs the matching tests only. */
	if (getenv("WARDEN_TEST_FILTER") != NULL)
		cmocka_set_test_filter(getenv("WARDEN_TEST_FILTER"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
