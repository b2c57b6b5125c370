/*
 * test_status.c: the status snapshot rendered as `wardenctl status --json`
 * answers it and as the Prometheus page, byte for byte. The expected
 * texts in tests/unit/status_golden/ are what wardend printed for the
 * same states before the snapshot existed (commit 496928b, ops_status()
 * and metrics_render() reading the daemon's structs), so scripts and
 * dashboards written against either keep working: field order, labels,
 * number formats, HELP lines; issue 11 added the connections and the TLS
 * counters, issue 13 the cause intrusion and warden_intrusion_total,
 * nothing else changed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "status.h"

/* 2026-01-02T03:04:05.123456Z */
#define T0 1767323045.123456

/* tests/unit/status_golden/name, whole (caller frees). */
static char *
golden(const char *name)
{
	const char *src = getenv("WARDEN_SRC");
	char path[512], *text;
	FILE *f;
	long len;

	snprintf(path, sizeof path, "%s/tests/unit/status_golden/%s",
	    src != NULL ? src : ".", name);
	if ((f = fopen(path, "rb")) == NULL)
		fail_msg("cannot open %s (set WARDEN_SRC)", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	len = ftell(f);
	assert_true(len > 0);
	rewind(f);
	text = calloc(1, (size_t)len + 1);
	assert_non_null(text);
	assert_int_equal(fread(text, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	return text;
}

/* The status answer as ops_status() frames it (caller frees). */
static char *
render_json(const struct status *s)
{
	struct json j;
	char *text;

	json_init(&j);
	json_object_begin(&j);
	json_kv_bool(&j, "ok", 1);
	status_json(s, &j);
	json_object_end(&j);
	assert_false(json_failed(&j));
	text = strdup(j.data);
	assert_non_null(text);
	json_free(&j);
	return text;
}

static char *
render_prom(const struct metrics *m, const struct status *s)
{
	struct buf out;
	char *text;

	assert_int_equal(buf_init(&out, 64), 0);
	assert_int_equal(metrics_render(m, s, &out), 0);
	text = calloc(1, buf_len(&out) + 1);
	assert_non_null(text);
	memcpy(text, buf_head(&out), buf_len(&out));
	buf_free(&out);
	return text;
}

/* Where two texts part, for a failure that says what changed. */
static void
assert_same(const char *name, const char *want, const char *got)
{
	size_t at = 0;

	if (strcmp(want, got) == 0)
		return;
	while (want[at] != '\0' && want[at] == got[at])
		at++;
	fail_msg("%s: differs at byte %zu:\nwant: %.80s\n got: %.80s", name,
	    at, want + at, got + at);
}

/* WARDEN_GOLDEN_WRITE=1 rewrites the golden texts from what is
 * rendered now: review the diff before committing it. */
static void
assert_golden(const char *name, const char *got)
{
	char *want, path[512];
	const char *src = getenv("WARDEN_SRC");
	FILE *f;

	if (getenv("WARDEN_GOLDEN_WRITE") != NULL) {
		snprintf(path, sizeof path, "%s/tests/unit/status_golden/%s",
		    src != NULL ? src : ".", name);
		assert_non_null(f = fopen(path, "wb"));
		fputs(got, f);
		fclose(f);
	}
	want = golden(name);

	assert_same(name, want, got);
	free(want);
}

/* Both states come from one config: two devices, three points (level,
 * inlet_valve, flow), two safe_state entries. */
struct auto_fixture {
	struct status s;
	struct status_ramp ramps[1];
	struct status_safe safe[2];
	struct status_device devices[2];
};

/* AUTO after a release, nothing polled, nothing counted yet. */
static void
auto_state(struct auto_fixture *f)
{
	struct status *s = &f->s;

	memset(f, 0, sizeof *f);
	s->guard.state = GUARD_STATE_AUTO;
	s->guard.cause = GUARD_CAUSE_OPERATOR;
	/* A quote and a newline: escaped, never a broken line. */
	snprintf(s->guard.reason, sizeof s->guard.reason,
	    "back to \"auto\"\n");
	s->guard.since = T0;
	s->mode = MODE_ENFORCE;
	f->safe[0] = (struct status_safe){ "inlet_valve", 0, "pending", 0,
	    0 };
	f->safe[1] = (struct status_safe){ "flow", 1.5, "pending", 0, 0 };
	s->safe = f->safe;
	s->n_safe = 2;
	/* A ramp under way: the inlet valve walked from 20 to 70 by
	 * max_step, three steps confirmed. */
	f->ramps[0] = (struct status_ramp){ "inlet_valve", 20, 70, 50,
	    "max_step", 3, T0 + 1 };
	s->ramps = f->ramps;
	s->n_ramps = 1;
	f->devices[0] = (struct status_device){ .name = "tank1", .up = 0,
	    .stray_answers = 0 };
	f->devices[1] = (struct status_device){ .name = "pump.2", .up = 0,
	    .stray_answers = 0 };
	s->devices = f->devices;
	s->n_devices = 2;
	s->has_audit = 1;
}

struct takeover_fixture {
	struct status s;
	struct metrics m;
	struct status_alarm alarms[4];
	struct status_hold holds[2];
	struct status_condition trips[2];
	struct status_safe safe[2];
	struct status_device devices[2];
	struct status_point points[2];
	struct status_client connections[3];
};

/* TAKEOVER on a trip with every list filled and every counter moved. */
static void
takeover_state(struct takeover_fixture *f)
{
	struct status *s = &f->s;

	memset(f, 0, sizeof *f);
	s->guard.state = GUARD_STATE_TAKEOVER;
	s->guard.cause = GUARD_CAUSE_TRIP;
	snprintf(s->guard.reason, sizeof s->guard.reason, "level high_high");
	s->guard.since = T0 + 10.5;
	s->mode = MODE_ENFORCE;
	s->now = T0 + 20;
	/* Each state, a shelved alarm, a bypassed trip, a lost device. */
	f->alarms[0] = (struct status_alarm){ .source = "level",
	    .kind = MONITOR_HIGH, .state = "ack", .active = 1, .acked = 1,
	    .value = 4.61, .has_limit = 1, .limit = 4.5, .unit = "m",
	    .precision = 2, .since = T0 + 1.25 };
	f->alarms[1] = (struct status_alarm){ .source = "flow",
	    .kind = MONITOR_HIGH, .state = "rtn_unack", .value = 1e300,
	    .has_limit = 1, .limit = 7, .unit = "m3/h", .precision = 3,
	    .since = T0 + 4, .cleared = T0 + 5, .shelved_until = T0 + 1800 };
	f->alarms[2] = (struct status_alarm){ .source = "level",
	    .kind = MONITOR_HIGH_HIGH, .is_trip = 1, .state = "unack",
	    .active = 1, .value = 4.9, .has_limit = 1, .limit = 4.8,
	    .unit = "m", .precision = 2, .since = T0 + 10.5,
	    .bypass_until = T0 + 3600 };
	f->alarms[3] = (struct status_alarm){ .source = "pump.2",
	    .is_device = 1, .kind = MONITOR_DEVICE_LOSS, .is_trip = 1,
	    .state = "unack", .active = 1, .value = 2.5, .has_limit = 1,
	    .limit = 1, .unit = "", .precision = -1, .since = T0 + 7.000001 };
	s->alarms = f->alarms;
	s->n_alarms = 4;
	f->holds[0] = (struct status_hold){ "shelve", "flow", T0, T0 + 1800,
	    "alice", "transmitter \"FT-2\" swap" };
	f->holds[1] = (struct status_hold){ "bypass", "level", T0, T0 + 3600,
	    "bob", "calibration" };
	s->holds = f->holds;
	s->n_holds = 2;
	f->trips[0] = (struct status_condition){ "level", 0, 2,
	    { MONITOR_HIGH_HIGH, 4.9, T0 + 10.5 } };
	f->trips[1] = (struct status_condition){ "flow", 0, 3,
	    { MONITOR_STALE, 3.25, T0 + 3 } };
	s->trips = f->trips;
	s->n_trips = 2;
	s->safe_driving = 1;
	f->safe[0] = (struct status_safe){ "inlet_valve", 0, "verified", 1,
	    0 };
	f->safe[1] = (struct status_safe){ "flow", 1.5, "pending", 1, 2.75 };
	s->safe = f->safe;
	s->n_safe = 2;
	f->devices[0] = (struct status_device){ .name = "tank1", .up = 1,
	    .stray_answers = 0 };
	f->devices[1] = (struct status_device){ .name = "pump.2", .up = 0,
	    .stray_answers = 9 };
	s->devices = f->devices;
	s->n_devices = 2;
	f->points[0] = (struct status_point){ "level", "m", 2, 4.9, T0 + 19.5,
	    0 };
	f->points[1] = (struct status_point){ "inlet_valve", "%", 0, 12,
	    T0 + 12, 1 };
	s->points = f->points;
	s->n_points = 2;
	s->clients = 3;
	f->connections[0] = (struct status_client){ "127.0.0.1:40002",
	    "127.0.0.1:802", "", "", 1, 1, 0, T0 };
	f->connections[1] = (struct status_client){ "[::1]:40001",
	    "[::1]:802", "hmi", "CN=hmi-1,O=Plant \"A\"", 1, 0, 1, T0 };
	f->connections[2] = (struct status_client){ "10.0.0.5:40000",
	    "0.0.0.0:502", "ai", "10.0.0.5:40000", 0, 0, 0, T0 };
	s->connections = f->connections;
	s->n_connections = 3;
	s->counters = (struct counters){ .clients_accepted = 11,
	    .clients_refused = 12, .requests = 13, .forwarded = 14,
	    .answered = 15, .malformed = 16, .device_resets = 17,
	    .device_timeouts = 18, .tls_handshakes = 22,
	    .tls_resumed = 23 };
	s->counters.exceptions[0x03] = 19;
	s->counters.exceptions[0x41] = 20;
	s->counters.exceptions[0xff] = 21;
	s->guard_counters.takeovers[GUARD_CAUSE_OPERATOR] = 1;
	s->guard_counters.takeovers[GUARD_CAUSE_TRIP] = 2;
	s->guard_counters.would_takeovers[GUARD_CAUSE_AI_SILENCE] = 5;
	s->guard_counters.violations = 7;
	s->guard_counters.releases = 3;
	s->guard_counters.releases_refused = 4;
	s->has_audit = 1;
	s->audit = (struct audit_stats){ .records = 100, .write_errors = 1,
	    .fsyncs = 10, .fsync_us_total = 123456, .last_fsync_us = 789,
	    .fsync_errors = 2, .checkpoints = 3, .checkpoint_errors = 4,
	    .renewed = 5, .syslog_sent = 6, .syslog_dropped = 7 };
	f->m.requests[METRICS_ALLOWED] = 30;
	f->m.requests[METRICS_UNKNOWN_UNIT] = 31;
	histogram_observe(&f->m.latency, 0.0004);
	histogram_observe(&f->m.latency, 0.02);
	histogram_observe(&f->m.latency, 7.0);
}

/* In AUTO the safe state is not listed, whatever its entries say. */
static void
test_auto_json(void **state)
{
	struct auto_fixture f;
	char *got;

	(void)state;
	auto_state(&f);
	got = render_json(&f.s);
	assert_golden("auto.json", got);
	free(got);
}

static void
test_auto_prom(void **state)
{
	struct auto_fixture f;
	struct metrics m;
	char *got;

	(void)state;
	auto_state(&f);
	memset(&m, 0, sizeof m);
	got = render_prom(&m, &f.s);
	assert_golden("auto.prom", got);
	free(got);
}

static void
test_takeover_json(void **state)
{
	struct takeover_fixture f;
	char *got;

	(void)state;
	takeover_state(&f);
	got = render_json(&f.s);
	assert_golden("takeover.json", got);
	free(got);
}

static void
test_takeover_prom(void **state)
{
	struct takeover_fixture f;
	char *got;

	(void)state;
	takeover_state(&f);
	got = render_prom(&f.m, &f.s);
	assert_golden("takeover.prom", got);
	free(got);
}

/*
 * TAKEOVER before its record and state are on disk: status lists every
 * entry pending with nothing read yet (status_fill says so), and the
 * metrics count nothing pending until the safe state is driven.
 */
static void
test_takeover_not_driven(void **state)
{
	struct takeover_fixture f;
	char *got, *want, *line;

	(void)state;
	takeover_state(&f);
	f.s.safe_driving = 0;
	f.safe[0] = (struct status_safe){ "inlet_valve", 0, "pending", 0, 0 };
	f.safe[1] = (struct status_safe){ "flow", 1.5, "pending", 0, 0 };
	got = render_json(&f.s);
	assert_golden("takeover_pending.json", got);
	free(got);

	got = render_prom(&f.m, &f.s);
	want = golden("takeover.prom");
	line = strstr(want, "\nwarden_safe_state_pending 1\n");
	assert_non_null(line);
	line[strlen("\nwarden_safe_state_pending ")] = '0';
	assert_same("takeover.prom, not driven", want, got);
	free(want);
	free(got);
}

/* Without an audit log the page ends after the safe state. */
static void
test_no_audit_prom(void **state)
{
	struct takeover_fixture f;
	char *got, *want, *audit;

	(void)state;
	takeover_state(&f);
	f.s.has_audit = 0;
	got = render_prom(&f.m, &f.s);
	want = golden("takeover.prom");
	audit = strstr(want, "# HELP warden_audit_records_total");
	assert_non_null(audit);
	*audit = '\0';
	assert_same("takeover.prom, no audit", want, got);
	free(want);
	free(got);
}

/* The two views agree: the gauges count the lists status shows. */
static void
test_counts_agree(void **state)
{
	struct takeover_fixture f;
	char *got;

	(void)state;
	takeover_state(&f);
	f.s.n_alarms = 1;
	f.s.n_holds = 0;
	got = render_prom(&f.m, &f.s);
	assert_non_null(strstr(got, "\nwarden_alarms_active 1\n"));
	assert_non_null(strstr(got, "\nwarden_trips_active 0\n"));
	assert_non_null(strstr(got, "\nwarden_alarm{point=\"level\","
	    "kind=\"high\",level=\"alarm\",state=\"ack\"} 1\n"));
	free(got);
	got = render_json(&f.s);
	assert_non_null(strstr(got, "\"alarms\":[{\"point\":\"level\","
	    "\"kind\":\"high\",\"value\":4.61,\"precision\":2,\"since\":"
	    "\"2026-01-02T03:04:06.373456Z\",\"level\":\"alarm\","
	    "\"state\":\"ack\""));
	assert_non_null(strstr(got, "\"holds\":[],\"trips\":"));
	free(got);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_auto_json),
		cmocka_unit_test(test_auto_prom),
		cmocka_unit_test(test_takeover_json),
		cmocka_unit_test(test_takeover_prom),
		cmocka_unit_test(test_takeover_not_driven),
		cmocka_unit_test(test_no_audit_prom),
		cmocka_unit_test(test_counts_agree),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
