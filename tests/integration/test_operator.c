/*
 * test_operator.c: what an operator does to a running wardend, and what
 * the contract (wardenctl(8); warden.yaml(5) CONTRACTS, "Reload"; the
 * audit records) promises in return. Reload by SIGHUP and by wardenctl: a
 * good config applies to the next request while the AI's connection
 * stays open and the state stays put, and its warnings are logged; a
 * bad one, or one that changes what needs a restart, is refused and the
 * running config keeps applying. The exit codes of wardenctl, the shape
 * of `status --json`, `watch`, and `audit verify` on a tampered log. Who
 * may do what: test_rights.c.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <modbus.h>

#include "audit_query.h"
#include "ctl.h"
#include "json.h"
#include "world.h"
#include "status_shape.h"
#include "textedit.h"

#define WHY_MAX 8192
#define OP_TIMEOUT 5.0          /* a state change, sanitizers included */
#define OP_CLIENT_TIMEOUT 2.0
#define OP_VALVE 0              /* holding, % x 10, write max 100 % */
#define OP_LEVEL 0              /* input, m x 100: high 4.0, high_high 4.8 */
#define OP_UNFORCE 20000        /* backdoor: + A gives input A back */
#define OP_GROUPS "takeover_group: nogroup, release_group: staff"
#define OP_VALVE_LIMIT "max: 100, on_violation: reject"

#define OP_BODY \
	"mode: enforce\n" \
	"initial_state: auto\n" \
	"points:\n" \
	"  - {name: valve, device: tank1, table: holding, address: 0,\n" \
	"     scale: 0.1, unit: \"%\",\n" \
	"     write: {min: 0, " OP_VALVE_LIMIT "}}\n" \
	"  - {name: pump_run, device: tank1, table: coil, address: 0,\n" \
	"     write: {min: 0, max: 1}}\n" \
	"  - {name: level, device: tank1, table: input, address: 0,\n" \
	"     scale: 0.01, unit: m,\n" \
	"     monitor: {high: 4.0, high_high: 4.8, deadband: 0.05}}\n" \
	"takeover:\n" \
	"  isolate: writes\n" \
	"  safe_state:\n" \
	"    - {point: valve, value: 0}\n" \
	"    - {point: pump_run, value: 0}\n"

struct op {
	struct world *w;
	modbus_t *ai;                   /* connected before every test */
	struct ctl_result res;          /* the last wardenctl run */
	char why[WHY_MAX];
};

static int
op_teardown(void **state)
{
	struct op *o = *state;
	int rc;

	if (o == NULL)
		return 0;
	if (o->ai != NULL) {
		modbus_close(o->ai);
		modbus_free(o->ai);
	}
	rc = o->w != NULL ? world_free(o->w) : 0;
	free(o);
	return rc;
}

/* plcsim, wardend with OP_BODY, and an AI whose path to the device is up. */
static int
op_setup(void **state)
{
	struct op *o = calloc(1, sizeof(*o));

	*state = o;
	if (o == NULL || (o->w = world_new_tank(NULL, NULL)) == NULL)
		goto failed;
	snprintf(o->w->control, sizeof(o->w->control), "%s", OP_GROUPS);
	if (world_start(o->w, OP_BODY) != 0)
		goto failed;
	o->ai = world_client(o->w, 1, OP_CLIENT_TIMEOUT);
	if (o->ai != NULL && world_wait_path(o->ai, OP_VALVE, OP_TIMEOUT) == 0)
		return 0;
	fprintf(stderr, "setup: the AI has no path through wardend\n");
failed:
	/* cmocka skips the teardown when the setup fails. */
	if (o != NULL && o->w != NULL)
		o->w->failed = 1;
	op_teardown(state);
	*state = NULL;
	return -1;
}

/* A write of the valve through the AI: 0 when accepted, else the
 * exception code (-1: no answer). */
static int
ai_write_valve(struct op *o, uint16_t raw)
{
	if (modbus_write_register(o->ai, OP_VALVE, raw) == 1)
		return 0;
	return world_exception();
}

static uint16_t
plc_valve(const struct op *o)
{
	modbus_t *plc = world_plc_client(o->w, 0, 1);
	uint16_t raw = 0xffff;

	assert_non_null(plc);
	assert_int_equal(modbus_read_registers(plc, OP_VALVE, 1, &raw), 1);
	modbus_close(plc);
	modbus_free(plc);
	return raw;
}

static void
status_now(struct op *o, struct ctl_status *st)
{
	if (ctl_status(o->w, st, o->why, sizeof(o->why)) != 0)
		fail_msg("%s", o->why);
}

static void
wait_state(struct op *o, const char *state, const char *cause,
    int want_verified, struct ctl_status *st)
{
	if (ctl_wait(o->w, state, cause, want_verified, OP_TIMEOUT, st,
	    o->why, sizeof(o->why)) != 0)
		fail_msg("%s", o->why);
}

/* A top-level string of status, or a counter, read from its JSON. */
static void
status_string(const struct ctl_status *st, const char *key, char *out,
    size_t cap)
{
	struct json_value obj, v;
	const char *bad;
	size_t at;

	out[0] = '\0';
	assert_int_equal(json_parse(st->text, strlen(st->text), &obj, &at,
	    &bad), 0);
	if (json_object_get(&obj, key, &v) == 0)
		json_get_string(&v, out, cap);
}

static uint64_t
status_counter(const struct ctl_status *st, const char *name)
{
	struct json_value obj, counters, v;
	const char *bad;
	uint64_t n = 0;
	size_t at;

	assert_int_equal(json_parse(st->text, strlen(st->text), &obj, &at,
	    &bad), 0);
	assert_int_equal(json_object_get(&obj, "counters", &counters), 0);
	assert_int_equal(json_object_get(&counters, name, &v), 0);
	assert_int_equal(json_get_uint64(&v, &n), 0);
	return n;
}

/* The line of the first `event` record after line `after` with key =
 * want, waiting for it to be written. */
static int
wait_audit(struct op *o, int after, const char *event, const char *key,
    const char *want)
{
	double deadline = harness_now() + OP_TIMEOUT;
	struct timespec gap = { 0, 10000000 };
	int line;

	while ((line = audit_query_find(o->w->audit, after, event, key,
	    want)) <= 0) {
		if (harness_now() > deadline)
			fail_msg("no %s record with %s = %s after line %d in "
			    "%s", event, key ? key : "-", want ? want : "-",
			    after, o->w->audit);
		nanosleep(&gap, NULL);
	}
	return line;
}

static void
expect_text(const char *haystack, const char *needle, const char *what)
{
	if (strstr(haystack, needle) == NULL)
		fail_msg("%s does not say \"%s\": %s", what, needle, haystack);
}

static void
expect_exit(struct op *o, int want, const char *what)
{
	if (o->res.status != want)
		fail_msg("%s: exit %d, wanted %d; stdout: %s stderr: %s", what,
		    o->res.status, want, o->res.out, o->res.err);
}

static void
sighup_reload(struct op *o, int after)
{
	assert_int_equal(kill(o->w->warden, SIGHUP), 0);
	wait_audit(o, after, "config_loaded", "user", "SIGHUP");
}

/* SIGHUP with a lower valve maximum: the AI's next write on the same
 * connection is judged by it; no reconnect, no state change. Again in
 * TAKEOVER: still TAKEOVER, same cause and since, writes still 0x0A. */
static void
test_sighup_reload_keeps_connection_and_state(void **state)
{
	struct op *o = *state;
	struct ctl_status st;
	char since[64], since_after[64];
	uint64_t accepted;
	int fd, line;

	assert_int_equal(ai_write_valve(o, 800), 0);
	fd = modbus_get_socket(o->ai);
	status_now(o, &st);
	accepted = status_counter(&st, "clients_accepted");

	assert_int_equal(textedit_replace(o->w->config, 0, OP_VALVE_LIMIT,
	    "max: 50, on_violation: reject"), 0);
	line = audit_query_find(o->w->audit, 0, "config_loaded", NULL, NULL);
	assert_true(line > 0);          /* the one written at start */
	sighup_reload(o, line);

	assert_int_equal(ai_write_valve(o, 600),
	    MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE);
	assert_int_equal(plc_valve(o), 800);
	assert_int_equal(ai_write_valve(o, 500), 0);    /* inclusive */
	assert_int_equal(plc_valve(o), 500);
	assert_int_equal(modbus_get_socket(o->ai), fd);
	status_now(o, &st);
	assert_int_equal(status_counter(&st, "clients_accepted"), accepted);
	assert_string_equal(st.state, "auto");
	assert_string_equal(st.cause, "startup");

	ctl_run(o->w, &o->res, "takeover", "-r", "reload under takeover",
	    (char *)NULL);
	expect_exit(o, 0, "wardenctl takeover");
	wait_state(o, "takeover", "operator", 1, &st);
	status_string(&st, "since", since, sizeof(since));
	assert_int_equal(textedit_replace(o->w->config, 0, "max: 50",
	    "max: 60"), 0);
	line = audit_query_find(o->w->audit, 0, "config_loaded", "user",
	    "SIGHUP");
	sighup_reload(o, line);
	wait_state(o, "takeover", "operator", 1, &st);
	status_string(&st, "since", since_after, sizeof(since_after));
	assert_string_equal(since_after, since);
	assert_string_equal(st.reason, "reload under takeover");
	assert_int_equal(ai_write_valve(o, 100), MODBUS_EXCEPTION_GATEWAY_PATH);
	assert_int_equal(modbus_get_socket(o->ai), fd);
	assert_int_equal(status_counter(&st, "clients_accepted"), accepted);
}

/* wardenctl reload of a broken file: exit 1 naming file:line, audited,
 * the running limits still apply. SIGHUP the same. */
static void
test_reload_invalid_keeps_old_config(void **state)
{
	struct op *o = *state;
	struct ctl_status st;
	char where[600];
	int line;

	line = textedit_line_of(o->w->config, "on_violation: reject");
	assert_true(line > 0);
	assert_int_equal(textedit_replace(o->w->config, 0,
	    "on_violation: reject", "on_violation: bogus"), 0);
	ctl_run(o->w, &o->res, "reload", (char *)NULL);
	expect_exit(o, 1, "wardenctl reload of a broken file");
	snprintf(where, sizeof(where), "%s:%d:", o->w->config, line);
	expect_text(o->res.err, where, "wardenctl reload");
	expect_text(o->res.err, "bogus", "wardenctl reload");
	wait_audit(o, 0, "config_rejected", "user", "root");

	assert_int_equal(ai_write_valve(o, 900), 0);    /* max still 100 */
	assert_int_equal(ai_write_valve(o, 1001),
	    MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE);
	assert_int_equal(plc_valve(o), 900);

	assert_int_equal(kill(o->w->warden, SIGHUP), 0);
	wait_audit(o, 0, "config_rejected", "user", "SIGHUP");
	assert_false(harness_exited(o->w->warden));
	assert_int_equal(ai_write_valve(o, 950), 0);
	status_now(o, &st);
	assert_string_equal(st.state, "auto");
	assert_int_equal(audit_query_find(o->w->audit, 0, "config_loaded",
	    "user", "SIGHUP"), 0);
}

/*
 * A reload adding a device whose host cannot be resolved is refused whole,
 * naming the device, before anything changes: the running devices keep
 * serving and polling. (A label over 63 bytes fails in the resolver
 * itself, so the test does not depend on DNS.)
 */
static void
test_reload_unresolvable_device_keeps_old(void **state)
{
	struct op *o = *state;
	char device[256];
	struct ctl_status st;

	snprintf(device, sizeof(device), "devices:\n  - {name: far, host: "
	    "%s.invalid, port: 502, unit_id: 9}\n  - ", "aaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	assert_int_equal(textedit_replace(o->w->config, 0, "devices:\n  - ",
	    device), 0);
	ctl_run(o->w, &o->res, "reload", (char *)NULL);
	expect_exit(o, 1, "reload with an unresolvable device");
	expect_text(o->res.err, "device far: cannot resolve", "wardenctl reload");
	expect_text(o->res.err, "the running configuration stays",
	    "wardenctl reload");
	wait_audit(o, 0, "config_rejected", "user", "root");

	assert_int_equal(ai_write_valve(o, 900), 0);
	assert_int_equal(plc_valve(o), 900);
	status_now(o, &st);
	assert_string_equal(st.state, "auto");
	assert_false(harness_exited(o->w->warden));
}

/* state_dir, audit_log and control.socket need a restart: each change is
 * refused, naming the key, and the running paths stay in use. */
static void
test_reload_restart_keys_refused(void **state)
{
	struct op *o = *state;
	char backup[WORLD_PATH_MAX + 16], other[WORLD_PATH_MAX + 16];
	char from[WORLD_PATH_MAX + 32], to[WORLD_PATH_MAX + 64];
	const struct {
		const char *key;        /* as the refusal names it */
		const char *yaml_key;
		const char *path;
		const char *moved;      /* its new name in other/ */
	} changes[] = {
		{ "state_dir", "state_dir", o->w->dir, "" },
		{ "audit_log", "audit_log", o->w->audit, "/audit.jsonl" },
		{ "control.socket", "socket", o->w->socket, "/control.sock" },
	};
	struct ctl_status st;
	struct stat sb;
	size_t i;
	int line = 0;

	snprintf(backup, sizeof(backup), "%s.orig", o->w->config);
	snprintf(other, sizeof(other), "%s/other", o->w->dir);
	assert_int_equal(mkdir(other, 0700), 0);
	assert_int_equal(textedit_copy_lines(o->w->config, backup), 0);
	for (i = 0; i < sizeof(changes) / sizeof(changes[0]); i++) {
		snprintf(from, sizeof(from), "%s: %s", changes[i].yaml_key,
		    changes[i].path);
		snprintf(to, sizeof(to), "%s: %s%s", changes[i].yaml_key,
		    other, changes[i].moved);
		assert_int_equal(textedit_replace(o->w->config, 0, from, to),
		    0);
		ctl_run(o->w, &o->res, "reload", (char *)NULL);
		expect_exit(o, 1, changes[i].key);
		expect_text(o->res.err, changes[i].key, "wardenctl reload");
		expect_text(o->res.err, "needs a restart", "wardenctl reload");
		line = wait_audit(o, line, "config_rejected", "user", "root");
		assert_int_equal(textedit_copy_lines(backup, o->w->config),
		    0);
	}

	ctl_run(o->w, &o->res, "takeover", "-r", "paths check",
	    (char *)NULL);
	expect_exit(o, 0, "wardenctl takeover");
	wait_state(o, "takeover", "operator", 1, &st);
	wait_audit(o, 0, "takeover", "reason", "paths check");
	snprintf(to, sizeof(to), "%s/state", other);
	assert_int_equal(stat(to, &sb), -1);
	snprintf(to, sizeof(to), "%s/audit.jsonl", other);
	assert_int_equal(stat(to, &sb), -1);
	/* A reload that needs no restart still works afterwards. */
	ctl_run(o->w, &o->res, "reload", (char *)NULL);
	expect_exit(o, 0, "reload of the unchanged file");
	wait_audit(o, 0, "config_loaded", "user", "root");
}

/* A reload that loads with a warning logs it, file and line first. */
static void
test_reload_logs_warnings(void **state)
{
	struct op *o = *state;
	char want[WORLD_PATH_MAX + 160];
	int line;

	assert_int_equal(textedit_replace(o->w->config, 0,
	    "  - {name: level,", "  - {name: spare, device: tank1, table: "
	    "holding, address: 40001}\n  - {name: level,"), 0);
	line = textedit_line_of(o->w->config, "name: spare");
	assert_true(line > 0);
	ctl_run(o->w, &o->res, "reload", (char *)NULL);
	expect_exit(o, 0, "reload with a warning");
	snprintf(want, sizeof(want), "reload: %s:%d: warning: point 'spare': "
	    "holding address 40001 looks like a Modicon reference (4xxxx): "
	    "the protocol address is usually 0", o->w->config, line);
	if (textedit_line_of(o->w->log, want) <= 0)
		fail_msg("wardend's log lacks \"%s\"", want);
}

/*
 * A reload that drops a point whose trip is active: nothing would clear
 * that trip any more, and every release would be refused. The reload
 * clears it on the record (trip_cleared of the point), the state stays
 * TAKEOVER, and the operator may release.
 */
static void
test_reload_clears_trip_of_dropped_point(void **state)
{
	struct op *o = *state;
	struct ctl_status st;
	int line;

	assert_int_equal(world_backdoor_register(o->w, 0, OP_LEVEL, 490), 0);
	wait_state(o, "takeover", "trip", 1, &st);
	line = wait_audit(o, 0, "trip", "point", "level");
	ctl_run(o->w, &o->res, "release", "-r", "level checked", (char *)NULL);
	expect_exit(o, 1, "release with the trip active");
	expect_text(o->res.err, "trip active: level high_high", "release");

	assert_int_equal(textedit_replace(o->w->config, 0, "name: level,",
	    "name: depth,"), 0);
	assert_int_equal(textedit_replace(o->w->config, 0,
	    "monitor: {high: 4.0, high_high: 4.8, deadband: 0.05}}",
	    "precision: 2}"), 0);
	ctl_run(o->w, &o->res, "reload", (char *)NULL);
	expect_exit(o, 0, "reload dropping the tripped point");
	wait_audit(o, line, "trip_cleared", "point", "level");
	wait_state(o, "takeover", "trip", 1, &st);
	ctl_run(o->w, &o->res, "release", "-r", "level checked", (char *)NULL);
	expect_exit(o, 0, "release once the trip went with its point");
	wait_state(o, "auto", "operator", 0, &st);
	assert_int_equal(world_backdoor_register(o->w, 0, OP_UNFORCE + OP_LEVEL,
	    0), 0);
}

/* A socket file nobody listens on, as a crashed daemon leaves it. */
static void
make_stale_socket(const char *path)
{
	struct sockaddr_un sun;
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	assert_true(strlen(path) < sizeof(sun.sun_path));
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, strlen(path));
	assert_int_equal(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	close(fd);
}

static void
check_usage_and_unreachable(struct op *o)
{
	char missing[WORLD_PATH_MAX + 32], stale[WORLD_PATH_MAX + 32];

	ctl_run(NULL, &o->res, (char *)NULL);
	expect_exit(o, 2, "no command");
	ctl_run(o->w, &o->res, "bogus", (char *)NULL);
	expect_exit(o, 2, "unknown command");
	ctl_run(o->w, &o->res, "takeover", (char *)NULL);
	expect_exit(o, 2, "takeover without -r");
	expect_text(o->res.err, "-r", "the usage error");
	ctl_run(o->w, &o->res, "status", "now", (char *)NULL);
	expect_exit(o, 2, "status with an argument");
	ctl_run(o->w, &o->res, "watch", "-n", "0", (char *)NULL);
	expect_exit(o, 2, "watch -n 0");
	ctl_run(o->w, &o->res, "--bogus", "status", (char *)NULL);
	expect_exit(o, 2, "unknown option");

	snprintf(missing, sizeof(missing), "%s/missing/control.sock",
	    o->w->dir);
	snprintf(stale, sizeof(stale), "%s/stale.sock", o->w->dir);
	make_stale_socket(stale);
	ctl_run(NULL, &o->res, "-s", missing, "status", (char *)NULL);
	expect_exit(o, 3, "status, no socket");
	expect_text(o->res.err, "is wardend running", "wardenctl");
	ctl_run(NULL, &o->res, "-s", missing, "--json", "takeover", "-r", "x",
	    (char *)NULL);
	expect_exit(o, 3, "takeover --json, no socket");
	ctl_run(NULL, &o->res, "-s", stale, "status", (char *)NULL);
	expect_exit(o, 3, "status, nobody listening");
	ctl_run(NULL, &o->res, "-s", stale, "watch", "-n", "1", (char *)NULL);
	expect_exit(o, 3, "watch, nobody listening");
}

/* Each line of `watch --json` is a whole status. */
static void
check_watch_json(struct op *o)
{
	struct status_shape shape;
	char *line, *save = NULL;
	int lines = 0;

	ctl_run(o->w, &o->res, "--json", "watch", "-n", "2", (char *)NULL);
	expect_exit(o, 0, "watch -n 2 --json");
	for (line = strtok_r(o->res.out, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save), lines++)
		if (status_shape_check(line, &shape, o->why,
		    sizeof(o->why)) != 0)
			fail_msg("watch line %d: %s", lines + 1, o->why);
	assert_int_equal(lines, 2);
}

/*
 * The level (scale 0.01: precision 2) at raw 490: status shows 4.90 in
 * its values, its alarm and its trip; --json sends the value whole, with
 * the precision beside it.
 */
static void
check_status_precision(struct op *o)
{
	char row[128];

	ctl_run(o->w, &o->res, "status", (char *)NULL);
	expect_exit(o, 0, "status");
	snprintf(row, sizeof(row), "\n  %-24s %-12s %s\n", "level", "4.90",
	    "m");
	expect_text(o->res.out, row, "status values");
	snprintf(row, sizeof(row), "  %-20s %-11s %-5s %-13s %10s %-5s limit "
	    "%-8s", "level", "high", "alarm", "ACTIVE UNACK", "4.90", "m",
	    "4.00");
	expect_text(o->res.out, row, "status alarms");
	expect_text(o->res.out, "high_high    4.90", "status trips");
	ctl_run(o->w, &o->res, "--json", "status", (char *)NULL);
	expect_text(o->res.out, "\"name\":\"level\",\"value\":4.9,"
	    "\"unit\":\"m\",\"precision\":2", "status --json points");
}

/*
 * Exit codes 2 (usage) and 3 (no wardend); then, with an alarm, a trip
 * and the safe state all listed, every field of status --json as the
 * contract shapes it, plain and through watch; --json on a refusal.
 */
static void
test_exit_codes_and_status_shape(void **state)
{
	struct op *o = *state;
	struct status_shape shape;
	struct ctl_status st;

	check_usage_and_unreachable(o);
	ctl_run(o->w, &o->res, "status", (char *)NULL);
	expect_exit(o, 0, "status");
	expect_text(o->res.out, "AUTO", "status");

	assert_int_equal(world_backdoor_register(o->w, 0, OP_LEVEL, 490), 0);
	wait_state(o, "takeover", "trip", 1, &st);
	ctl_run(o->w, &o->res, "--json", "status", (char *)NULL);
	expect_exit(o, 0, "status --json");
	if (status_shape_check(o->res.out, &shape, o->why,
	    sizeof(o->why)) != 0)
		fail_msg("%s", o->why);
	/* The alarm list holds the alarm and the trip; trips the trip. */
	assert_int_equal(shape.alarms, 2);
	assert_int_equal(shape.holds, 0);
	assert_int_equal(shape.trips, 1);
	assert_int_equal(shape.safe_state, 2);
	assert_int_equal(shape.devices, 1);
	assert_true(shape.counters > 0);
	expect_text(o->res.out, "\"kind\":\"high\"", "status --json alarms");
	expect_text(o->res.out, "\"kind\":\"high_high\"",
	    "status --json trips");
	check_watch_json(o);
	check_status_precision(o);

	ctl_run(o->w, &o->res, "--json", "takeover", "-r", "again",
	    (char *)NULL);
	expect_exit(o, 1, "takeover --json while in takeover");
	expect_text(o->res.out, "\"ok\":false", "takeover --json");
	ctl_run(o->w, &o->res, "--json", "reload", (char *)NULL);
	expect_exit(o, 0, "reload --json");
	expect_text(o->res.out, "\"ok\":true", "reload --json");
	assert_int_equal(world_backdoor_register(o->w, 0, OP_UNFORCE + OP_LEVEL,
	    0), 0);
}

/* audit verify: the log as written is valid; a copy with one record
 * edited fails (exit 1) and names the line, plain and in JSON. */
static void
test_audit_verify_names_edited_line(void **state)
{
	struct op *o = *state;
	char copy[WORLD_PATH_MAX + 16];
	struct ctl_status st;
	int line;

	ctl_run(o->w, &o->res, "takeover", "-r",
	    "records for the audit", (char *)NULL);
	expect_exit(o, 0, "wardenctl takeover");
	wait_state(o, "takeover", "operator", 1, &st);
	line = wait_audit(o, 0, "takeover", NULL, NULL);
	snprintf(copy, sizeof(copy), "%s/copy.jsonl", o->w->dir);
	assert_int_equal(textedit_copy_lines(o->w->audit, copy), 0);

	ctl_run(NULL, &o->res, "audit", "verify", copy, (char *)NULL);
	expect_exit(o, 0, "audit verify of the log as written");
	expect_text(o->res.out, "valid", "audit verify");

	assert_int_equal(textedit_replace(copy, line, "records for the audit",
	    "records for the audiT"), 0);
	ctl_run(NULL, &o->res, "audit", "verify", copy, (char *)NULL);
	expect_exit(o, 1, "audit verify of an edited log");
	snprintf(o->why, sizeof(o->why), "line %d", line);
	expect_text(o->res.out, o->why, "audit verify");
	ctl_run(NULL, &o->res, "--json", "audit", "verify", copy, (char *)NULL);
	expect_exit(o, 1, "audit verify --json of an edited log");
	snprintf(o->why, sizeof(o->why), "\"line\":%d", line);
	expect_text(o->res.out, o->why, "audit verify --json");
	expect_text(o->res.out, "\"valid\":false", "audit verify --json");

	snprintf(copy, sizeof(copy), "%s/none.jsonl", o->w->dir);
	ctl_run(NULL, &o->res, "audit", "verify", copy, (char *)NULL);
	expect_exit(o, 1, "audit verify of a missing file");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_sighup_reload_keeps_connection_and_state, op_setup,
		    op_teardown),
		cmocka_unit_test_setup_teardown(
		    test_reload_invalid_keeps_old_config, op_setup,
		    op_teardown),
		cmocka_unit_test_setup_teardown(
		    test_reload_restart_keys_refused, op_setup, op_teardown),
		cmocka_unit_test_setup_teardown(test_reload_logs_warnings,
		    op_setup, op_teardown),
		cmocka_unit_test_setup_teardown(
		    test_reload_unresolvable_device_keeps_old, op_setup,
		    op_teardown),
		cmocka_unit_test_setup_teardown(
		    test_reload_clears_trip_of_dropped_point, op_setup,
		    op_teardown),
		cmocka_unit_test_setup_teardown(
		    test_exit_codes_and_status_shape, op_setup, op_teardown),
		cmocka_unit_test_setup_teardown(
		    test_audit_verify_names_edited_line, op_setup,
		    op_teardown),
	};

	/* WARDEN_TEST_FILTER=test_reload* runs the matching tests only. */
	if (getenv("WARDEN_TEST_FILTER") != NULL)
		cmocka_set_test_filter(getenv("WARDEN_TEST_FILTER"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
