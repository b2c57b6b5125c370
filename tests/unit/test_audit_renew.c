/*
 * test_audit_renew.c: the log deleted, moved or replaced while it is
 * open. The next record goes to a new file at the path, whose first
 * record is an audit_resumed that continues the chain and says what
 * happened; a file found there is moved aside, never written into; a
 * path where no file can be made refuses the record; verify accepts the
 * new file alone (it continues an earlier one) and old + new as one
 * chain.
 */
#include "audit_integrity.h"

#include <errno.h>
#include <glob.h>

#include "audit_sign.h"

static struct audit *
open_noticed(const char *path, struct said *said,
    const struct audit_key *key)
{
	struct audit_options o = { .fsync_interval = 1.0, .sign_key = key,
		.checkpoint_every = 1000, .notice = note, .notice_ctx = said };

	return open_with(path, &o);
}

/* Line n of path, whole, into line. */
static void
read_line(const char *path, unsigned n, char *line, size_t cap)
{
	size_t len, l;
	char *buf = slurp(path, &len);
	const char *p = line_at(buf, n, &l);

	snprintf(line, cap, "%.*s", (int)l, p);
	free(buf);
}

static void
expect_in(const char *text, const char *fragment)
{
	if (strstr(text, fragment) == NULL)
		fail_msg("\"%s\" does not hold \"%s\"", text, fragment);
}

/* The hash a log's last record has (from the file). */
static void
last_hash_of(const char *path, char hash[65])
{
	size_t len;
	char *buf = slurp(path, &len);

	assert_true(len > 67);
	memcpy(hash, buf + len - 67, 64);
	hash[64] = '\0';
	free(buf);
}

/* Deleted: a new file, audit_resumed linked to the last hash, the record
 * after it; verify: the new file alone continues, old + new link. */
static void
test_deleted_log_renewed(void **state)
{
	struct tmp *t = *state;
	struct said said = { 0 };
	struct audit *a = open_noticed(t->path, &said, NULL);
	char old[256], hash[65], line[2048], want[128], msg[2048];
	const char *both[] = { old, t->path }, *one[] = { t->path };
	char *buf;
	size_t len;

	write_n(a, 3);
	buf = slurp(t->path, &len);
	spit(tpath(t, "old.jsonl", old, sizeof old), buf, len);
	free(buf);
	last_hash_of(old, hash);
	assert_int_equal(unlink(t->path), 0);
	write_n(a, 1);
	assert_int_equal(audit_last_seq(a), 5);
	assert_int_equal(audit_stats(a)->renewed, 1);
	audit_close(a);

	read_line(t->path, 1, line, sizeof line);
	expect_in(line, "{\"seq\":4,");
	expect_in(line, "\"event\":\"audit_resumed\",\"reason\":\"audit log ");
	expect_in(line, " was deleted while wardend ran; this new file "
	    "continues the chain after seq 3\",\"log_was\":\"deleted\",");
	snprintf(want, sizeof want, "\"prev\":\"%s\"", hash);
	expect_in(line, want);
	read_line(t->path, 2, line, sizeof line);
	expect_in(line, "{\"seq\":5,");
	expect_in(line, "\"event\":\"write_allowed\"");
	assert_int_equal(said.n, 1);
	expect_in(said.last, "ALARM: audit log ");
	expect_in(said.last, "(audit_resumed, seq 4)");

	assert_int_equal(verify_with(one, 1, NULL, NULL, 0, msg, sizeof msg),
	    0);
	expect_said(msg, "valid: 2 records, seq 4 to 5");
	expect_said(msg, "continues the chain of an earlier file after seq 3 "
	    "(it was deleted while wardend ran)");
	assert_int_equal(verify_with(one, 1, NULL, NULL, 1, msg, sizeof msg),
	    0);
	expect_said(msg, "\"continues_after\":3,\"log_was\":\"deleted\"");
	assert_int_equal(verify_with(both, 2, NULL, NULL, 0, msg, sizeof msg),
	    0);
	expect_said(msg, " + ");
	expect_said(msg, "valid: 5 records, seq 1 to 5");
	assert_null(strstr(msg, "continues"));
}

/* Moved: the old file keeps its records and is named; in the wrong
 * order, the two files do not link. */
static void
test_moved_log_renewed(void **state)
{
	struct tmp *t = *state;
	struct said said = { 0 };
	struct audit *a = open_noticed(t->path, &said, NULL);
	char moved[256], line[2048], want[512], msg[2048];
	const char *both[] = { moved, t->path }, *wrong[] = { t->path, moved };

	write_n(a, 3);
	assert_int_equal(rename(t->path, tpath(t, "moved.jsonl", moved,
	    sizeof moved)), 0);
	write_n(a, 2);
	audit_close(a);
	read_line(t->path, 1, line, sizeof line);
	snprintf(want, sizeof want, "\"log_was\":\"moved\",\"old_file\":\"%s\"",
	    moved);
	expect_in(line, want);
	expect_in(line, "; the old file is now ");
	assert_int_equal(verify_with(both, 2, NULL, NULL, 0, msg, sizeof msg),
	    0);
	expect_said(msg, "valid: 6 records, seq 1 to 6");
	assert_int_equal(verify_with(wrong, 2, NULL, NULL, 0, msg, sizeof msg),
	    1);
	expect_said(msg, moved);
	expect_said(msg, "line 1 (seq 1): seq 1 follows 6: records reordered");
}

/* Replaced: the file found there is moved aside untouched; ours starts
 * anew, never inside it. */
static void
test_replaced_log_moved_aside(void **state)
{
	struct tmp *t = *state;
	struct said said = { 0 };
	struct audit *a = open_noticed(t->path, &said, NULL);
	char other[256], line[2048], pattern[300], want[1200], *text;
	const char *one[] = { t->path };
	glob_t g;
	size_t len;

	write_n(a, 2);
	spit(tpath(t, "other", other, sizeof other), "not ours\n", 9);
	assert_int_equal(rename(other, t->path), 0);
	write_n(a, 1);
	audit_close(a);

	snprintf(pattern, sizeof pattern, "%s.replaced-*Z", t->path);
	assert_int_equal(glob(pattern, 0, NULL, &g), 0);
	assert_int_equal(g.gl_pathc, 1);
	text = slurp(g.gl_pathv[0], &len);
	assert_int_equal(len, 9);
	assert_memory_equal(text, "not ours\n", 9);
	free(text);
	read_line(t->path, 1, line, sizeof line);
	snprintf(want, sizeof want, "\"log_was\":\"replaced\",\"moved_aside\":"
	    "\"%s\"", g.gl_pathv[0]);
	expect_in(line, want);
	expect_in(line, "the file found in its place was moved aside to ");
	expect_in(said.last, "ALARM: ");
	globfree(&g);
	assert_int_equal(verify_with(one, 1, NULL, NULL, 0, line, sizeof line),
	    0);
}

/* Cut short in place (logrotate's copytruncate): what is left is moved
 * aside as it is, and the chain goes on in a new file. */
static void
test_cut_log_moved_aside(void **state)
{
	struct tmp *t = *state;
	struct said said = { 0 };
	struct audit *a = open_noticed(t->path, &said, NULL);
	char line[2048], pattern[300], want[1200], *text;
	const char *one[] = { t->path };
	glob_t g;
	size_t len;

	write_n(a, 3);
	assert_int_equal(truncate(t->path, 0), 0);
	write_n(a, 1);
	assert_int_equal(audit_last_seq(a), 5);
	audit_close(a);

	snprintf(pattern, sizeof pattern, "%s.replaced-*Z", t->path);
	assert_int_equal(glob(pattern, 0, NULL, &g), 0);
	assert_int_equal(g.gl_pathc, 1);
	text = slurp(g.gl_pathv[0], &len);
	assert_int_equal(len, 0);
	free(text);
	read_line(t->path, 1, line, sizeof line);
	expect_in(line, "{\"seq\":4,");
	snprintf(want, sizeof want, "\"log_was\":\"cut\",\"moved_aside\":"
	    "\"%s\"", g.gl_pathv[0]);
	expect_in(line, want);
	expect_in(line, "was cut while wardend ran; what was left of it was "
	    "moved aside to ");
	assert_null(strstr(line, "old_file"));
	globfree(&g);
	assert_int_equal(verify_with(one, 1, NULL, NULL, 0, line, sizeof line),
	    0);
}

/* A path where no file can be made (its directory is now a file):
 * refused, said once; once it can be made again, the chain goes on. */
static void
test_no_new_file_refuses(void **state)
{
	struct tmp *t = *state;
	struct said said = { 0 };
	struct audit_event ev = { .event = "write_allowed" };
	char dir[256], path[300], line[2048];
	const char *one[] = { path };
	struct audit *a;

	tpath(t, "sub", dir, sizeof dir);
	assert_int_equal(mkdir(dir, 0700), 0);
	snprintf(path, sizeof path, "%s/audit.jsonl", dir);
	a = open_noticed(path, &said, NULL);
	write_n(a, 2);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
	spit(dir, "a file\n", 7);
	assert_int_equal(audit_write(a, &ev, 0), -1);
	assert_int_equal(errno, ENOTDIR);
	assert_int_equal(audit_write(a, &ev, 0), -1);
	assert_int_equal(audit_last_seq(a), 2);
	assert_int_equal(said.n, 1);
	expect_in(said.last, "ALARM: cannot create a new audit log ");
	expect_in(said.last, "records are refused (and with them AI writes)");

	assert_int_equal(unlink(dir), 0);
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_int_equal(audit_write(a, &ev, 0), 0);
	assert_int_equal(audit_last_seq(a), 4);
	audit_close(a);
	read_line(path, 1, line, sizeof line);
	expect_in(line, "{\"seq\":3,");
	expect_in(line, "\"log_was\":\"deleted\"");
	assert_int_equal(verify_with(one, 1, NULL, NULL, 0, line, sizeof line),
	    0);
	unlink(path);
	rmdir(dir);
}

/* With a key: the new file's link is signed at once. */
static void
test_renewed_log_signed(void **state)
{
	struct tmp *t = *state;
	struct said said = { 0 };
	char priv[256], pub[256], err[ERR_LEN], line[2048];
	const char *one[] = { t->path };
	struct audit_key *key;
	struct audit *a;

	keygen("ED25519", tpath(t, "k", priv, sizeof priv), 0600,
	    tpath(t, "k.pub", pub, sizeof pub));
	assert_non_null(key = audit_key_load_private(priv, NULL, err));
	a = open_noticed(t->path, &said, key);
	write_n(a, 3);
	assert_int_equal(unlink(t->path), 0);
	write_n(a, 1);
	audit_close(a);
	audit_key_free(key);
	read_line(t->path, 2, line, sizeof line);
	expect_in(line, "\"event\":\"checkpoint\"");
	expect_in(line, "\"signed_seq\":4,");
	assert_int_equal(verify_with(one, 1, pub, NULL, 0, line, sizeof line),
	    0);
	expect_said(line, "signs the chain up to seq 4");
	expect_said(line, "warning: 1 record(s) after the last checkpoint");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown_all)
		T(test_deleted_log_renewed),
		T(test_moved_log_renewed),
		T(test_replaced_log_moved_aside),
		T(test_cut_log_moved_aside),
		T(test_no_new_file_refuses),
		T(test_renewed_log_signed),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
