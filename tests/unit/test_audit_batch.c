/*
 * test_audit_batch.c: the records of one loop iteration in one write()
 * (audit_queue, audit_flush, audit_written). A batch makes exactly the
 * chain that writing its records one by one would have made (seq, prev,
 * hash and checkpoints given at the write, after whatever the file
 * holds then), with one statx() and one write() for all of them; a
 * record that could not be written is never reported written.
 *
 * The seam: this program is linked with -Wl,--wrap= for write, statx,
 * malloc, calloc and realloc (Makefile), so the daemon's calls go
 * through the wraps below, which count them and fail a write or an
 * allocation on demand. Nothing in daemon/ knows of it.
 */
#include "audit_integrity.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "audit_sign.h"

ssize_t __real_write(int fd, const void *p, size_t n);
ssize_t __wrap_write(int fd, const void *p, size_t n);
int __real_statx(int dirfd, const char *path, int flags, unsigned mask,
    struct statx *sx);
int __wrap_statx(int dirfd, const char *path, int flags, unsigned mask,
    struct statx *sx);
void *__real_malloc(size_t n);
void *__wrap_malloc(size_t n);
void *__real_calloc(size_t k, size_t n);
void *__wrap_calloc(size_t k, size_t n);
void *__real_realloc(void *p, size_t n);
void *__wrap_realloc(void *p, size_t n);

static unsigned writes, statxs, allocs;
/* fail_after >= 0: the next write takes that many bytes (when it is
 * fewer than asked) and the one after fails with ENOSPC. */
static long fail_after = -1;
static int fail_alloc;

ssize_t
__wrap_write(int fd, const void *p, size_t n)
{
	writes++;
	if (fail_after == 0) {
		fail_after = -1;
		errno = ENOSPC;
		return -1;
	}
	if (fail_after > 0 && (size_t)fail_after < n) {
		n = (size_t)fail_after;
		fail_after = 0;
	}
	return __real_write(fd, p, n);
}

int
__wrap_statx(int dirfd, const char *path, int flags, unsigned mask,
    struct statx *sx)
{
	statxs++;
	return __real_statx(dirfd, path, flags, mask, sx);
}

void *
__wrap_malloc(size_t n)
{
	allocs++;
	return __real_malloc(n);
}

void *
__wrap_calloc(size_t k, size_t n)
{
	allocs++;
	return __real_calloc(k, n);
}

void *
__wrap_realloc(void *p, size_t n)
{
	allocs++;
	if (fail_alloc) {
		errno = ENOMEM;
		return NULL;
	}
	return __real_realloc(p, n);
}

static int
reset(void **state)
{
	fail_after = -1;
	fail_alloc = 0;
	return setup(state);
}

#define T(f) cmocka_unit_test_setup_teardown(f, reset, teardown_all)

static struct audit_event
event_of(unsigned i)
{
	struct audit_event ev = { .event = "write_allowed",
		.client = "127.0.0.1:40000", .has_unit = 1, .unit = 1,
		.has_fc = 1, .fc = 6, .point = "inlet_valve",
		.has_value = 1, .value = (double)i, .has_raw = 1,
		.raw = (int64_t)i };

	return ev;
}

static audit_ticket
queue_one(struct audit *a, unsigned i)
{
	struct audit_event ev = event_of(i);

	return audit_queue(a, &ev);
}

static size_t
file_size(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return (size_t)st.st_size;
}

/* Line n of path, without its newline, into buf. */
static void
read_line(const char *path, unsigned n, char *buf, size_t cap)
{
	size_t len;
	char *all = slurp(path, &len), *l = line_at(all, n, &len);

	assert_true(len > 0 && len < cap);
	memcpy(buf, l, len);
	buf[len - (l[len - 1] == '\n')] = '\0';
	free(all);
}

static void
expect_in(const char *hay, const char *needle)
{
	if (strstr(hay, needle) == NULL)
		fail_msg("\"%s\" not in \"%s\"", needle, hay);
}

/* The text of a log with what differs between two runs blanked: the
 * time of each record and the hashes (which cover it). */
static char *
without_times(const char *path)
{
	static const char *const keys[] = { "\"ts\":\"", "\"prev\":\"",
		"\"hash\":\"" };
	size_t len, k;
	char *buf = slurp(path, &len), *p;

	for (k = 0; k < 3; k++)
		for (p = buf; (p = strstr(p, keys[k])) != NULL; ) {
			p += strlen(keys[k]);
			while (*p != '"')
				*p++ = 'x';
		}
	return buf;
}

/* Nothing queued: a flush writes and looks at nothing. */
static void
test_empty_flush(void **state)
{
	struct tmp *t = *state;
	struct audit *a = open_ok(t->path);

	writes = statxs = 0;
	assert_int_equal(audit_flush(a), 0);
	assert_int_equal(writes, 0);
	assert_int_equal(statxs, 0);
	assert_int_equal(audit_written(a, 0), 0);
	audit_close(a);
}

/* Queued is not written: the file holds nothing until the flush, and
 * the ticket says so. */
static void
test_queued_not_written(void **state)
{
	struct tmp *t = *state;
	struct audit *a = open_ok(t->path);
	audit_ticket k;

	writes = statxs = 0;
	k = queue_one(a, 1);
	assert_true(k != 0);
	assert_int_equal(writes, 0);
	assert_int_equal(statxs, 0);
	assert_int_equal(file_size(t->path), 0);
	assert_int_equal(audit_written(a, k), 0);
	assert_int_equal(audit_last_seq(a), 0);
	assert_int_equal(audit_flush(a), 0);
	assert_int_equal(audit_written(a, k), 1);
	assert_int_equal(audit_last_seq(a), 1);
	audit_close(a);
	expect_valid(t->path);
}

/* Several records: one look at the file, one write(), a chain that
 * verifies. */
static void
test_several_one_write(void **state)
{
	struct tmp *t = *state;
	struct audit *a = open_ok(t->path);
	audit_ticket k[5];
	unsigned i;

	for (i = 0; i < 5; i++)
		assert_true((k[i] = queue_one(a, i)) != 0);
	writes = statxs = 0;
	assert_int_equal(audit_flush(a), 0);
	assert_int_equal(writes, 1);
	assert_int_equal(statxs, 1);
	for (i = 0; i < 5; i++)
		assert_int_equal(audit_written(a, k[i]), 1);
	assert_int_equal(audit_last_seq(a), 5);
	assert_int_equal(audit_stats(a)->records, 5);
	audit_close(a);
	expect_valid(t->path);
}

/* The same events queued or written one by one make the same log, but
 * for the times (and so the hashes). */
static void
test_same_log_as_one_by_one(void **state)
{
	struct tmp *t = *state;
	struct audit *a;
	char one[256];
	char *by_batch, *by_one;
	unsigned i;

	a = open_ok(tpath(t, "one.jsonl", one, sizeof one));
	for (i = 0; i < 4; i++) {
		struct audit_event ev = event_of(i);

		assert_int_equal(audit_write(a, &ev, 0), 0);
	}
	audit_close(a);
	a = open_ok(t->path);
	for (i = 0; i < 4; i++)
		assert_true(queue_one(a, i) != 0);
	assert_int_equal(audit_flush(a), 0);
	audit_close(a);
	by_one = without_times(one);
	by_batch = without_times(t->path);
	assert_string_equal(by_batch, by_one);
	free(by_one);
	free(by_batch);
	expect_valid(t->path);
}

/* A record that must be durable at once (audit_write) writes what was
 * queued before it first, in order; the chain goes on across batches. */
static void
test_waiting_record_flushes_first(void **state)
{
	struct tmp *t = *state;
	struct audit *a = open_ok(t->path);
	struct audit_event takeover = { .event = "takeover",
		.cause = "operator", .reason = "test" };
	audit_ticket k1, k2, k3;
	char line[2048];

	k1 = queue_one(a, 1);
	k2 = queue_one(a, 2);
	assert_int_equal(audit_write(a, &takeover, 1), 0);
	assert_int_equal(audit_written(a, k1), 1);
	assert_int_equal(audit_written(a, k2), 1);
	assert_int_equal(audit_last_seq(a), 3);
	k3 = queue_one(a, 4);
	assert_true(queue_one(a, 5) != 0);
	assert_int_equal(audit_flush(a), 0);
	assert_int_equal(audit_written(a, k3), 1);
	assert_int_equal(audit_last_seq(a), 5);
	audit_close(a);
	read_line(t->path, 2, line, sizeof line);
	expect_in(line, "{\"seq\":2,");
	expect_in(line, "\"value\":2,");
	read_line(t->path, 3, line, sizeof line);
	expect_in(line, "{\"seq\":3,");
	expect_in(line, "\"event\":\"takeover\"");
	read_line(t->path, 4, line, sizeof line);
	expect_in(line, "{\"seq\":4,");
	expect_in(line, "\"value\":4,");
	expect_valid(t->path);
}

/* Checkpoints fall after the same records as one by one, inside the
 * batch, still one write(); the log verifies with the key. */
static void
test_checkpoints_inside_batch(void **state)
{
	struct tmp *t = *state;
	char priv[256], pub[256], line[2048], msg[2048], err[ERR_LEN];
	const char *one[] = { t->path };
	struct audit_key *key;
	struct audit_options o = { .fsync_interval = 1.0,
		.checkpoint_every = 3 };
	struct audit *a;
	unsigned i;

	keygen("ED25519", tpath(t, "audit.key", priv, sizeof priv), 0600,
	    tpath(t, "audit.pub", pub, sizeof pub));
	if ((key = audit_key_load_private(priv, NULL, err)) == NULL)
		fail_msg("%s", err);
	o.sign_key = key;
	a = open_with(t->path, &o);
	for (i = 0; i < 7; i++)
		assert_true(queue_one(a, i) != 0);
	writes = 0;
	assert_int_equal(audit_flush(a), 0);
	assert_int_equal(writes, 1);
	/* w w w checkpoint w w w checkpoint w */
	assert_int_equal(audit_last_seq(a), 9);
	assert_int_equal(audit_stats(a)->checkpoints, 2);
	read_line(t->path, 4, line, sizeof line);
	expect_in(line, "{\"seq\":4,");
	expect_in(line, "\"event\":\"checkpoint\"");
	expect_in(line, "\"signed_seq\":3,");
	read_line(t->path, 8, line, sizeof line);
	expect_in(line, "\"signed_seq\":7,");
	read_line(t->path, 9, line, sizeof line);
	expect_in(line, "{\"seq\":9,");
	expect_in(line, "\"event\":\"write_allowed\"");
	audit_close(a);
	audit_key_free(key);
	assert_int_equal(verify_with(one, 1, pub, NULL, 0, msg, sizeof msg),
	    0);
	expect_said(msg, "valid: 9 records");
}

/* The file moved away between the records and their write: the look
 * at the flush sees it, and the batch goes to a new file after its
 * audit_resumed; old and new verify as one chain. */
static void
test_file_moved_before_flush(void **state)
{
	struct tmp *t = *state;
	struct said said = { 0 };
	struct audit_options o = { .fsync_interval = 1.0, .notice = note,
		.notice_ctx = &said };
	char moved[256], line[2048], msg[2048];
	const char *both[] = { moved, t->path };
	struct audit *a = open_with(t->path, &o);
	audit_ticket k[2];

	assert_true(queue_one(a, 1) != 0);
	assert_int_equal(audit_flush(a), 0);
	k[0] = queue_one(a, 2);
	k[1] = queue_one(a, 3);
	assert_int_equal(rename(t->path, tpath(t, "moved.jsonl", moved,
	    sizeof moved)), 0);
	assert_int_equal(audit_flush(a), 0);
	assert_int_equal(audit_written(a, k[0]), 1);
	assert_int_equal(audit_written(a, k[1]), 1);
	assert_int_equal(said.n, 1);
	audit_close(a);
	read_line(t->path, 1, line, sizeof line);
	expect_in(line, "{\"seq\":2,");
	expect_in(line, "\"event\":\"audit_resumed\"");
	read_line(t->path, 2, line, sizeof line);
	expect_in(line, "{\"seq\":3,");
	expect_in(line, "\"value\":2,");
	assert_int_equal(verify_with(both, 2, NULL, NULL, 0, msg, sizeof msg),
	    0);
	expect_said(msg, "valid: 4 records, seq 1 to 4");
}

/* A write that fails at once: every record of the batch given up, the
 * chain goes on from before it. */
static void
test_failed_write_gives_up(void **state)
{
	struct tmp *t = *state;
	struct audit *a = open_ok(t->path);
	audit_ticket k1, k2, k3, k4;
	struct health_mark h;

	k1 = queue_one(a, 1);
	assert_int_equal(audit_flush(a), 0);
	k2 = queue_one(a, 2);
	k3 = queue_one(a, 3);
	fail_after = 0;
	assert_int_equal(audit_flush(a), -1);
	assert_int_equal(errno, ENOSPC);
	assert_int_equal(audit_written(a, k1), 1);
	assert_int_equal(audit_written(a, k2), 0);
	assert_int_equal(audit_written(a, k3), 0);
	assert_int_equal(audit_last_seq(a), 1);
	assert_int_equal(audit_stats(a)->write_errors, 1);
	/* Not writable, for wardenctl health, until a write succeeds. */
	audit_health(a, &h);
	assert_true(h.failed);
	assert_non_null(strstr(h.error, "write: No space left on device"));
	assert_non_null(strstr(h.error, t->path));
	/* Given up stays given up until settled, whatever comes after. */
	k4 = queue_one(a, 4);
	assert_int_equal(audit_flush(a), 0);
	audit_health(a, &h);
	assert_false(h.failed);
	assert_int_equal(audit_written(a, k4), 1);
	assert_int_equal(audit_written(a, k2), 0);
	audit_settle(a);
	assert_int_equal(audit_last_seq(a), 2);
	audit_close(a);
	expect_valid(t->path);
}

/* A write cut short in the second record: the first is in, the rest
 * given up, the torn bytes named by the audit_resumed that follows. */
static void
test_short_write_keeps_whole_records(void **state)
{
	struct tmp *t = *state;
	struct audit *a = open_ok(t->path);
	audit_ticket k[3];
	char line[2048];
	size_t one;
	unsigned i;

	assert_true(queue_one(a, 0) != 0);
	assert_int_equal(audit_flush(a), 0);
	one = file_size(t->path);       /* one record's length, roughly */
	for (i = 0; i < 3; i++)
		k[i] = queue_one(a, i);
	fail_after = (long)(one + one / 2);
	assert_int_equal(audit_flush(a), -1);
	assert_int_equal(audit_written(a, k[0]), 1);
	assert_int_equal(audit_written(a, k[1]), 0);
	assert_int_equal(audit_written(a, k[2]), 0);
	assert_int_equal(audit_last_seq(a), 2);
	audit_settle(a);
	assert_true(queue_one(a, 9) != 0);
	assert_int_equal(audit_flush(a), 0);
	assert_int_equal(audit_stats(a)->resumed, 1);
	assert_int_equal(audit_last_seq(a), 4);
	audit_close(a);
	read_line(t->path, 4, line, sizeof line);
	expect_in(line, "{\"seq\":3,");
	expect_in(line, "\"event\":\"audit_resumed\"");
	expect_valid(t->path);
}

/* A record that cannot be kept (no memory, too long) is refused alone:
 * those queued before it are written. */
static void
test_refused_alone(void **state)
{
	struct tmp *t = *state;
	struct audit *a = open_ok(t->path);
	static char reason[AUDIT_LINE_MAX];
	struct audit_event big = { .event = "write_allowed",
		.reason = reason };
	audit_ticket k1, k2;
	unsigned i;

	memset(reason, 'r', sizeof reason - 1);
	k1 = queue_one(a, 1);
	assert_true(k1 != 0);
	errno = 0;
	assert_int_equal(audit_queue(a, &big), 0);
	assert_int_equal(errno, EMSGSIZE);
	fail_alloc = 1;
	errno = 0;
	for (i = 0; i < 64 && (k2 = queue_one(a, 2)) != 0; i++)
		;
	assert_int_equal(k2, 0);
	assert_int_equal(errno, ENOMEM);
	fail_alloc = 0;
	assert_int_equal(audit_flush(a), 0);
	assert_int_equal(audit_written(a, k1), 1);
	assert_int_equal(audit_last_seq(a), 1 + i);
	audit_close(a);
	expect_valid(t->path);
}

/* A big batch grows the buffers once; the next as big reuses them. */
static void
test_big_batch_reuses(void **state)
{
	struct tmp *t = *state;
	struct audit *a = open_ok(t->path);
	unsigned i, round;

	for (round = 0; round < 3; round++) {
		allocs = 0;
		writes = 0;
		for (i = 0; i < 500; i++)
			assert_true(queue_one(a, i) != 0);
		assert_int_equal(audit_flush(a), 0);
		assert_int_equal(writes, 1);
		if (round > 0)
			assert_int_equal(allocs, 0);
		else
			assert_true(allocs > 0);
	}
	assert_int_equal(audit_last_seq(a), 1500);
	audit_close(a);
	expect_valid(t->path);
}

/* audit_fsync 0: one sync for the batch, before the flush returns. */
static void
test_fsync_zero_syncs_once(void **state)
{
	struct tmp *t = *state;
	char err[ERR_LEN] = "";
	struct audit *a = audit_open(t->path, 0, err);
	unsigned i;

	assert_non_null(a);
	for (i = 0; i < 4; i++)
		assert_true(queue_one(a, i) != 0);
	assert_int_equal(audit_flush(a), 0);
	assert_int_equal(audit_stats(a)->fsyncs, 1);
	audit_close(a);
	expect_valid(t->path);
}

/* What was queued is written when the log closes. */
static void
test_close_writes_queued(void **state)
{
	struct tmp *t = *state;
	struct audit *a = open_ok(t->path);

	assert_true(queue_one(a, 1) != 0);
	assert_true(queue_one(a, 2) != 0);
	audit_close(a);
	a = open_ok(t->path);
	assert_int_equal(audit_last_seq(a), 2);
	audit_close(a);
	expect_valid(t->path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_empty_flush),
		T(test_queued_not_written),
		T(test_several_one_write),
		T(test_same_log_as_one_by_one),
		T(test_waiting_record_flushes_first),
		T(test_checkpoints_inside_batch),
		T(test_file_moved_before_flush),
		T(test_failed_write_gives_up),
		T(test_short_write_keeps_whole_records),
		T(test_refused_alone),
		T(test_big_batch_reuses),
		T(test_fsync_zero_syncs_once),
		T(test_close_writes_queued),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
