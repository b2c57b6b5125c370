/*
 * test_audit.c: the hash-chained audit log as written: record format, chain
 * across reopen, crash recovery (torn tails, zeros, a failed write), fsync
 * bookkeeping, hostile strings. Catching tampering is test_audit_verify.c.
 */
#include "audit_fixture.h"

#include <errno.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "json.h"

/* ---- records and the chain ---- */

static void
test_record_format(void **state)
{
	struct tmp *t = *state;
	struct audit_extra extra = { .key = "mode", .type = AUDIT_STRING,
		.s = "enforce" };
	struct audit_event ev = { .event = "write_clamped",
		.client = "127.0.0.1:40000", .user = "alice", .has_uid = 1,
		.uid = 1000, .has_unit = 1, .unit = 1, .has_fc = 1, .fc = 6,
		.point = "inlet_valve", .has_value = 1, .value = 120.5,
		.has_raw = 1, .raw = 1205, .has_forwarded = 1,
		.forwarded = 100, .rule = "max", .has_limit = 1, .limit = 100,
		.has_exception = 1, .exception = 3, .cause = "violation",
		.reason = "r", .device = "tank1", .extra = &extra,
		.n_extra = 1 };
	struct audit *a = open_ok(t->path);
	char *buf, want[1024], hex[65];
	const char *ts, *hash;
	size_t len, body;

	assert_int_equal(audit_write(a, &ev, 0), 0);
	audit_close(a);
	buf = slurp(t->path, &len);
	ts = strstr(buf, "\"ts\":\"") + 6;
	/* 2026-11-24T20:45:34.123456Z */
	assert_int_equal(strchr(ts, '"') - ts, 27);
	assert_true(ts[4] == '-' && ts[7] == '-' && ts[10] == 'T' &&
	    ts[13] == ':' && ts[16] == ':' && ts[19] == '.' && ts[26] == 'Z');
	hash = strstr(buf, ",\"hash\":\"") + 9;
	snprintf(want, sizeof want, "{\"seq\":1,\"ts\":\"%.27s\","
	    "\"event\":\"write_clamped\",\"client\":\"127.0.0.1:40000\","
	    "\"user\":\"alice\",\"uid\":1000,\"unit\":1,\"fc\":6,"
	    "\"point\":\"inlet_valve\",\"value\":120.5,\"raw\":1205,"
	    "\"forwarded\":100,\"rule\":\"max\",\"limit\":100,"
	    "\"exception\":3,\"cause\":\"violation\",\"reason\":\"r\","
	    "\"device\":\"tank1\",\"mode\":\"enforce\",\"prev\":\"" ZEROS
	    "\",\"hash\":\"%.64s\"}\n", ts, hash);
	assert_string_equal(buf, want);
	/* the hash is SHA-256 of the object without it */
	body = (size_t)(hash - 9 - buf);
	memcpy(want, buf, body);
	want[body] = '}';
	sha256_hex(want, body + 1, hex);
	assert_memory_equal(hex, hash, 64);
	free(buf);
	expect_valid(t->path);
}

static void
test_chain_many_records(void **state)
{
	struct tmp *t = *state;
	char msg[1024];

	make_log(t->path, 1000);
	assert_int_equal(verify(t->path, 0, msg, sizeof msg), 0);
	assert_non_null(strstr(msg, "valid: 1000 records, seq 1 to 1000"));
}

static void
test_reopen_continues_chain(void **state)
{
	struct tmp *t = *state;
	struct audit *a;
	char *buf, prev[80], hash3[65];
	const char *l3, *l4;
	size_t len, n3, n4;

	make_log(t->path, 3);
	a = open_ok(t->path);
	assert_int_equal(audit_last_seq(a), 3);
	assert_string_equal(audit_recovery(a), "");
	memcpy(hash3, audit_last_hash(a), 65);
	write_n(a, 2);
	audit_close(a);
	buf = slurp(t->path, &len);
	l3 = line_at(buf, 3, &n3);
	l4 = line_at(buf, 4, &n4);
	assert_memory_equal(l3 + n3 - 67, hash3, 64);
	assert_memory_equal(l4, "{\"seq\":4,", 9);
	snprintf(prev, sizeof prev, "\"prev\":\"%s\"", hash3);
	assert_non_null(strstr(l4, prev));
	assert_true(strstr(l4, prev) < l4 + n4);
	assert_int_equal(count_of(buf, "\n"), 5);
	free(buf);
	expect_valid(t->path);
}

static void
test_clean_reopens_write_nothing(void **state)
{
	struct tmp *t = *state;
	struct audit *a;
	char *buf;
	size_t len;

	make_log(t->path, 4);
	audit_close(open_ok(t->path));
	a = open_ok(t->path);
	write_n(a, 1);
	audit_close(a);
	audit_close(open_ok(t->path));
	buf = slurp(t->path, &len);
	assert_int_equal(count_of(buf, "audit_resumed"), 0);
	assert_int_equal(count_of(buf, "\n"), 5);
	free(buf);
	/* a new, empty file stays empty too */
	unlink(t->path);
	audit_close(open_ok(t->path));
	audit_close(open_ok(t->path));
	buf = slurp(t->path, &len);
	assert_int_equal(len, 0);
	free(buf);
	expect_valid(t->path);
}

/* ---- crashes ---- */

static void
test_torn_tail_resumed(void **state)
{
	struct tmp *t = *state;
	struct audit *a;
	char *buf, want[160], hash4[65];
	const char *l;
	size_t len, n, off5, torn;

	make_log(t->path, 5);
	buf = slurp(t->path, &len);
	l = line_at(buf, 4, &n);
	memcpy(hash4, l + n - 67, 64);
	hash4[64] = '\0';
	off5 = (size_t)(l - buf) + n;
	torn = len - 10 - off5;
	assert_int_equal(truncate(t->path, (off_t)(len - 10)), 0);
	free(buf);
	expect_broken(t->path, "line 5: the file ends with a torn line");
	expect_broken(t->path, "likely a crash");

	a = open_ok(t->path);
	assert_non_null(strstr(audit_recovery(a), "a crash while writing"));
	assert_int_equal(audit_last_seq(a), 5);         /* the resume */
	assert_int_equal(audit_stats(a)->resumed, 1);
	assert_int_equal(audit_stats(a)->fsyncs, 1);
	write_n(a, 1);
	audit_close(a);

	buf = slurp(t->path, &len);
	l = line_at(buf, 5, &n);
	assert_int_equal(l[n - 1], '\n');               /* newline appended */
	l = line_at(buf, 6, &n);
	snprintf(want, sizeof want, "\"torn_offset\":%zu,\"torn_bytes\":%zu,"
	    "\"prev\":\"%s\"", off5, torn, hash4);
	assert_int_equal((size_t)(l - buf), off5 + torn + 1);
	assert_memory_equal(l, "{\"seq\":5,", 9);
	assert_non_null(strstr(l, "\"event\":\"audit_resumed\""));
	assert_non_null(strstr(l, want));
	l = line_at(buf, 7, &n);
	assert_memory_equal(l, "{\"seq\":6,", 9);
	free(buf);
	expect_valid(t->path);

	/* and the next open finds nothing to repair */
	a = open_ok(t->path);
	assert_string_equal(audit_recovery(a), "");
	audit_close(a);
}

static void
test_zeros_tail_resumed(void **state)
{
	struct tmp *t = *state;
	struct audit *a;
	char zeros[4096] = { 0 };
	char msg[1024];
	FILE *f;

	/* delayed allocation: the size grew, the blocks never came */
	make_log(t->path, 3);
	f = fopen(t->path, "ab");
	assert_non_null(f);
	assert_int_equal(fwrite(zeros, 1, sizeof zeros, f), sizeof zeros);
	fclose(f);
	a = open_ok(t->path);
	assert_int_equal(audit_last_seq(a), 4);
	write_n(a, 2);
	audit_close(a);
	assert_int_equal(verify(t->path, 0, msg, sizeof msg), 0);
	assert_non_null(strstr(msg, "line 4: 4096 torn bytes at offset"));
	assert_non_null(strstr(msg, "audit_resumed on line 5"));
}

static void
test_first_record_torn(void **state)
{
	struct tmp *t = *state;
	struct audit *a;

	spit(t->path, "{\"seq\":1,\"ts\":\"2026-", 20);
	a = open_ok(t->path);
	assert_int_equal(audit_last_seq(a), 1);
	audit_close(a);
	expect_valid(t->path);
}

static void
test_lost_newline_only(void **state)
{
	struct tmp *t = *state;
	struct audit *a;
	char *buf;
	size_t len;

	/* the record is whole: nothing was lost, nothing to resume */
	make_log(t->path, 3);
	buf = slurp(t->path, &len);
	assert_int_equal(truncate(t->path, (off_t)(len - 1)), 0);
	free(buf);
	expect_valid(t->path);
	a = open_ok(t->path);
	assert_string_equal(audit_recovery(a), "");
	write_n(a, 1);
	audit_close(a);
	buf = slurp(t->path, &len);
	assert_int_equal(count_of(buf, "\n"), 4);
	assert_int_equal(count_of(buf, "audit_resumed"), 0);
	free(buf);
	expect_valid(t->path);
}

static void
test_edited_tail_resumed_but_still_fails(void **state)
{
	struct tmp *t = *state;
	struct audit *a;
	char *buf, *v;
	size_t len, n;

	make_log(t->path, 4);
	buf = slurp(t->path, &len);
	v = strstr(line_at(buf, 4, &n), "\"value\":4,");
	v[8] = '9';
	spit(t->path, buf, len);
	free(buf);
	/* the gateway keeps auditing, and says what it found */
	a = open_ok(t->path);
	assert_non_null(strstr(audit_recovery(a), "hash mismatch"));
	assert_int_equal(audit_last_seq(a), 4);
	audit_close(a);
	expect_broken(t->path, "line 4 (seq 4): hash mismatch");
}

static void
test_foreign_file_refused(void **state)
{
	struct tmp *t = *state;
	char err[ERR_LEN];
	char *buf;
	size_t len;

	spit(t->path, "root:x:0:0:root:/root:/bin/sh\n", 30);
	assert_null(audit_open(t->path, 1, err));
	assert_non_null(strstr(err, "hold no audit record"));
	buf = slurp(t->path, &len);
	assert_int_equal(len, 30);                      /* untouched */
	free(buf);
}

static void
test_failed_write_resumed(void **state)
{
	struct tmp *t = *state;
	struct audit *a;
	struct rlimit old, lim;
	struct audit_event ev = { .event = "write_allowed", .point = "p" };
	char *buf;
	size_t len, before;
	int rc, saved;

	/* RLIMIT_FSIZE cuts a write short, as a full disk would */
	make_log(t->path, 3);
	a = open_ok(t->path);
	buf = slurp(t->path, &before);
	free(buf);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, SIG_IGN);
	lim = old;
	lim.rlim_cur = before + 40;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	rc = audit_write(a, &ev, 0);
	saved = errno;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, SIG_DFL);
	assert_int_equal(rc, -1);
	assert_int_equal(saved, EFBIG);
	assert_int_equal(audit_last_seq(a), 3);
	assert_int_equal(audit_stats(a)->write_errors, 1);
	expect_broken(t->path, "line 4: the file ends with a torn line "
	    "(40 bytes");
	assert_int_equal(audit_write(a, &ev, 0), 0);
	assert_int_equal(audit_last_seq(a), 5);         /* resume + record */
	audit_close(a);
	buf = slurp(t->path, &len);
	assert_non_null(strstr(buf, "\"reason\":\"a failed write (File too "
	    "large) left 40 bytes that are not a record after seq 3\""));
	free(buf);
	expect_valid(t->path);
}

/* ---- durability and the API's edges ---- */

static void
test_sync_and_flush(void **state)
{
	struct tmp *t = *state;
	struct audit_event ev = { .event = "takeover", .cause = "operator" };
	struct audit *a = open_ok(t->path);
	const struct audit_stats *st = audit_stats(a);

	assert_false(audit_due(a, 1000));              /* nothing written */
	assert_int_equal(audit_write(a, &ev, 1), 0);
	assert_int_equal(st->fsyncs, 1);
	assert_true(st->fsync_us_total >= st->last_fsync_us);
	assert_false(audit_due(a, 1000));              /* synced already */
	assert_int_equal(audit_write(a, &ev, 0), 0);
	assert_int_equal(st->fsyncs, 1);               /* not synced now */
	assert_true(audit_due(a, 1000));
	assert_int_equal(audit_flush_handoff(a, 1000), 1);
	assert_false(audit_due(a, 1000));
	assert_int_equal(audit_write(a, &ev, 0), 0);
	assert_false(audit_due(a, 1000.5));            /* interval 1 s */
	assert_true(audit_due(a, 1001));
	assert_int_equal(audit_flush_handoff(a, 1001), 1);
	assert_int_equal(audit_flush_handoff(a, 1002), 0);     /* clean */
	assert_int_equal(audit_write(a, &ev, 1), 0);   /* and synced again */
	assert_false(audit_due(a, 1003));
	assert_int_equal(st->fsyncs, 2);
	assert_int_equal(st->records, 4);
	assert_int_equal(st->fsync_errors, 0);
	audit_close(a);
}

/* The newest takeover or release, read back from the tail; a long
 * stretch of other records after it hides it (1 MiB). */
static void
test_last_of(void **state)
{
	static const char *const state_events[] = { "takeover", "release",
		NULL };
	static const char *const takeovers[] = { "takeover", NULL };
	struct tmp *t = *state;
	struct audit_event take = { .event = "takeover", .cause = "trip",
	    .reason = "level \"high\"\n" };
	struct audit_event release = { .event = "release", .user = "ann",
	    .reason = "done" };
	struct audit_event other = { .event = "write_allowed",
	    .point = "valve", .has_value = 1, .value = 40,
	    .reason = "a record of the usual size, give or take some bytes" };
	struct audit *a = open_ok(t->path);
	struct audit_last last;
	char err[ERR_LEN];
	int i;

	assert_int_equal(audit_last_of(a, state_events, &last, err), 0);
	assert_int_equal(audit_write(a, &take, 0), 0);
	assert_int_equal(audit_write(a, &other, 0), 0);
	assert_int_equal(audit_last_of(a, state_events, &last, err), 1);
	assert_string_equal(last.event, "takeover");
	assert_string_equal(last.cause, "trip");
	assert_string_equal(last.reason, "level \"high\"\n");
	assert_int_equal(strlen(last.ts), 27);
	assert_int_equal(audit_write(a, &release, 0), 0);
	assert_int_equal(audit_write(a, &other, 0), 0);
	assert_int_equal(audit_last_of(a, state_events, &last, err), 1);
	assert_string_equal(last.event, "release");
	assert_string_equal(last.cause, "");
	assert_int_equal(audit_last_of(a, takeovers, &last, err), 1);
	assert_string_equal(last.event, "takeover");

	for (i = 0; i < 5000; i++)      /* well over 1 MiB */
		assert_int_equal(audit_write(a, &other, 0), 0);
	assert_int_equal(audit_last_of(a, state_events, &last, err), 0);
	audit_close(a);
}

/* audit_fsync: 0s: every record synced as it is written. */
static void
test_interval_zero_syncs_every_record(void **state)
{
	struct tmp *t = *state;
	struct audit_event ev = { .event = "write_allowed" };
	char err[ERR_LEN] = "";
	struct audit *a = audit_open(t->path, 0.0, err);

	if (a == NULL)
		fail_msg("audit_open: %s", err);
	assert_int_equal(audit_write(a, &ev, 0), 0);
	assert_int_equal(audit_write(a, &ev, 0), 0);
	assert_int_equal(audit_stats(a)->fsyncs, 2);
	assert_false(audit_due(a, 1000));
	audit_close(a);
}

/* The periodic flush done by another thread: handed off once per
 * interval when dirty, counted when done, asked again after a failure. */
static void
test_flush_handed_off(void **state)
{
	struct tmp *t = *state;
	struct audit_event ev = { .event = "write_allowed" };
	struct audit *a = open_ok(t->path);
	const struct audit_stats *st = audit_stats(a);
	struct audit_syncs ok = { .n = 2, .us_total = 700, .last_us = 300 };
	struct audit_syncs failed = { .n = 1, .errors = 1, .us_total = 50,
	    .last_us = 50, .last_err = "audit log fdatasync: EIO" };
	struct health_mark h;

	assert_int_equal(audit_flush_handoff(a, 1000), 0);      /* clean */
	assert_int_equal(audit_write(a, &ev, 0), 0);
	assert_false(audit_due(a, 1000.5));     /* interval from the handoff */
	assert_true(audit_due(a, 1001));
	assert_int_equal(audit_flush_handoff(a, 1001), 1);
	assert_false(audit_due(a, 1005));       /* handed off: not dirty */
	assert_int_equal(st->fsyncs, 0);        /* not synced here */

	audit_synced_elsewhere(a, &ok);
	assert_int_equal(st->fsyncs, 2);
	assert_int_equal(st->fsync_us_total, 700);
	assert_int_equal(st->last_fsync_us, 300);
	assert_false(audit_due(a, 1005));

	audit_health(a, &h);
	assert_false(h.failed);

	audit_synced_elsewhere(a, &failed);
	assert_int_equal(st->fsyncs, 3);
	assert_int_equal(st->fsync_errors, 1);
	assert_int_equal(st->last_fsync_us, 50);
	assert_true(audit_due(a, 1005));        /* at risk: again */
	assert_int_equal(audit_flush_handoff(a, 1005), 1);
	/* Not writable, for wardenctl health, until a sync succeeds. */
	audit_health(a, &h);
	assert_true(h.failed);
	assert_true(h.since > 0);
	assert_string_equal(h.error, "audit log fdatasync: EIO");

	memset(&ok, 0, sizeof(ok));             /* nothing to count */
	audit_synced_elsewhere(a, &ok);
	assert_int_equal(st->fsyncs, 3);
	assert_int_equal(st->last_fsync_us, 50);
	audit_health(a, &h);
	assert_true(h.failed);                  /* nothing synced: as was */
	ok.n = 1;
	audit_synced_elsewhere(a, &ok);
	audit_health(a, &h);
	assert_false(h.failed);
	assert_string_equal(h.error, "");
	audit_close(a);
}

static void
test_bad_events_refused(void **state)
{
	struct tmp *t = *state;
	struct audit_extra taken = { .key = "seq", .type = AUDIT_UINT, .u = 9 };
	struct audit_extra null_s = { .key = "config", .type = AUDIT_STRING };
	struct audit_event none = { .event = NULL };
	struct audit_event empty = { .event = "" };
	struct audit_event ev1 = { .event = "start", .extra = &taken,
		.n_extra = 1 };
	struct audit_event ev2 = { .event = "start", .extra = &null_s,
		.n_extra = 1 };
	struct audit *a = open_ok(t->path);
	char big[AUDIT_LINE_MAX];
	struct audit_event huge = { .event = "start", .reason = big };

	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	errno = 0;
	assert_int_equal(audit_write(a, &none, 0), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(audit_write(a, &empty, 0), -1);
	assert_int_equal(audit_write(a, &ev1, 0), -1);
	assert_int_equal(audit_write(a, &ev2, 0), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(audit_write(a, &huge, 0), -1);
	assert_int_equal(errno, EMSGSIZE);
	assert_int_equal(audit_last_seq(a), 0);
	audit_close(a);
	expect_valid(t->path);
}

static void
test_hostile_strings_stay_one_line(void **state)
{
	struct tmp *t = *state;
	static const char hostile[] = "x\",\"event\":\"fake\"}\n{\"seq\":99\r"
	    "\x1b[2J\x01\xff\xfe\\";
	struct audit_extra extra = { .key = "config\n\"", .type =
		AUDIT_STRING, .s = hostile };
	struct audit_event ev = { .event = "command_denied", .user = hostile,
		.reason = hostile, .client = hostile, .extra = &extra,
		.n_extra = 1 };
	struct audit *a = open_ok(t->path);
	struct json_value v, got;
	char *buf, s[128];
	size_t len;

	assert_int_equal(audit_write(a, &ev, 0), 0);
	write_n(a, 1);
	audit_close(a);
	buf = slurp(t->path, &len);
	assert_int_equal(count_of(buf, "\n"), 2);
	assert_int_equal(json_parse(buf, (size_t)(strchr(buf, '\n') - buf),
	    &v, NULL, NULL), 0);
	assert_int_equal(json_object_get(&v, "event", &got), 0);
	assert_true(json_string_is(&got, "command_denied"));
	assert_int_equal(json_object_get(&v, "reason", &got), 0);
	assert_int_equal(json_get_string(&got, s, sizeof s), 39);
	/* the invalid bytes came back as U+00FF U+00FE, the rest as sent */
	assert_memory_equal(s, hostile, 34);
	assert_memory_equal(s + 34, "\xc3\xbf\xc3\xbe\\", 5);
	assert_int_equal(json_object_get(&v, "config\n\"", &got), 0);
	free(buf);
	expect_valid(t->path);
}

static void
test_second_open_locked_out(void **state)
{
	struct tmp *t = *state;
	struct audit *a = open_ok(t->path);
	char err[ERR_LEN];

	assert_null(audit_open(t->path, 1, err));
	assert_non_null(strstr(err, "in use by another process"));
	audit_close(a);
	a = open_ok(t->path);
	audit_close(a);
}

static void
test_open_errors_say_what_to_do(void **state)
{
	struct tmp *t = *state;
	char err[ERR_LEN], path[160];

	snprintf(path, sizeof path, "%s/no/such/dir/audit.jsonl", t->dir);
	assert_null(audit_open(path, 1, err));
	assert_non_null(strstr(err, "check audit_log"));
	assert_null(audit_open(t->dir, 1, err));
}

static void
test_new_file_mode(void **state)
{
	struct tmp *t = *state;
	struct stat st;
	mode_t old = umask(0);

	audit_close(open_ok(t->path));
	umask(old);
	assert_int_equal(stat(t->path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_record_format),
		T(test_chain_many_records),
		T(test_reopen_continues_chain),
		T(test_clean_reopens_write_nothing),
		T(test_torn_tail_resumed),
		T(test_zeros_tail_resumed),
		T(test_first_record_torn),
		T(test_lost_newline_only),
		T(test_edited_tail_resumed_but_still_fails),
		T(test_foreign_file_refused),
		T(test_failed_write_resumed),
		T(test_sync_and_flush),
		T(test_flush_handed_off),
		T(test_interval_zero_syncs_every_record),
		T(test_last_of),
		T(test_bad_events_refused),
		T(test_hostile_strings_stay_one_line),
		T(test_second_open_locked_out),
		T(test_open_errors_say_what_to_do),
		T(test_new_file_mode),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
