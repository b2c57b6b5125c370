/*
 * test_audit_head.c: the chain head kept in state_dir/audit.head. Its
 * file (saved atomically, every damage read as corrupt), the comparison
 * with a log (same, further on, cut, replaced), verify --head on a cut
 * tail (which passes without it), and what the writer offers the daemon
 * for it: the tail found on open, the hash of a seq, the handoff of a
 * head moved by synced records.
 */
#include "audit_integrity.h"

#include "audit_head.h"

#define HASH_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define HASH_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

static void
head_set(struct audit_head *h, uint64_t seq, const char *hash)
{
	memset(h, 0, sizeof *h);
	snprintf(h->log, sizeof h->log, "/var/lib/warden/audit.jsonl");
	h->seq = seq;
	snprintf(h->hash, sizeof h->hash, "%s", hash);
}

/* The format of audit_head.h, saved without a temporary left behind. */
static void
test_head_file_round_trip(void **state)
{
	struct tmp *t = *state;
	struct audit_head h, back;
	char buf[AUDIT_HEAD_FILE_MAX], path[256], err[ERR_LEN], *text;
	size_t len = 0;
	struct dirent *e;
	DIR *d;

	head_set(&h, 1234, HASH_A);
	len = audit_head_format(&h, buf);
	assert_true(len > 0);
	assert_int_equal(strncmp(buf, "warden-audit-head 1\nlog "
	    "/var/lib/warden/audit.jsonl\nseq 1234\nhash " HASH_A "\nsha256 ",
	    strlen("warden-audit-head 1\nlog /var/lib/warden/audit.jsonl\n"
	    "seq 1234\nhash " HASH_A "\nsha256 ")), 0);
	assert_int_equal(audit_head_save(t->dir, &h, err), 0);
	tpath(t, AUDIT_HEAD_NAME, path, sizeof path);
	assert_int_equal(audit_head_load(path, &back, err),
	    AUDIT_HEAD_OK);
	assert_string_equal(back.log, h.log);
	assert_int_equal(back.seq, 1234);
	assert_string_equal(back.hash, HASH_A);
	text = slurp(path, &len);
	assert_memory_equal(text, buf, len);
	free(text);
	assert_non_null(d = opendir(t->dir));
	while ((e = readdir(d)) != NULL)
		assert_true(e->d_name[0] != '.' || strcmp(e->d_name, ".") == 0 ||
		    strcmp(e->d_name, "..") == 0);
	closedir(d);
	head_set(&h, 1, HASH_A);
	strcpy(h.log, "/a\nb");
	assert_int_equal(audit_head_format(&h, buf), 0);
}

static void
expect_corrupt(const char *path, const char *text, size_t len,
    const char *fragment)
{
	struct audit_head h;
	char err[ERR_LEN] = "";

	spit(path, text, len);
	assert_int_equal(audit_head_load(path, &h, err),
	    AUDIT_HEAD_CORRUPT);
	if (strstr(err, fragment) == NULL)
		fail_msg("\"%s\" does not say \"%s\"", err, fragment);
}

/* content, then its sha256 line: the checksum holds, the content not. */
static void
expect_summed(const char *path, const char *content, const char *fragment)
{
	char buf[AUDIT_HEAD_FILE_MAX], hex[65];
	int n;

	sha256_hex(content, strlen(content), hex);
	n = snprintf(buf, sizeof buf, "%ssha256 %s\n", content, hex);
	expect_corrupt(path, buf, (size_t)n, fragment);
}

/* Missing reads as none; everything else wrong as corrupt. */
static void
test_head_file_damage(void **state)
{
	struct tmp *t = *state;
	struct audit_head h;
	char path[256], err[ERR_LEN], buf[AUDIT_HEAD_FILE_MAX];
	size_t len;

	tpath(t, AUDIT_HEAD_NAME, path, sizeof path);
	assert_int_equal(audit_head_load(path, &h, err),
	    AUDIT_HEAD_NONE);
	head_set(&h, 77, HASH_B);
	len = audit_head_format(&h, buf);
	expect_corrupt(path, buf, len - 10, "truncated");
	expect_corrupt(path, "", 0, "truncated");
	buf[strlen("warden-audit-head 1\nlog /var/lib/warden/audit.jsonl\n"
	    "seq 7")] = '8';
	expect_corrupt(path, buf, len, "checksum does not match");
	/* good checksums over bad content */
	expect_summed(path, "warden-audit-head 2\nlog /x\nseq 1\nhash " HASH_A
	    "\n", "not an audit head file");
	expect_summed(path, "warden-audit-head 1\nlog /x\nseq x1\nhash "
	    HASH_A "\n", "bad \"seq\" line");
	expect_summed(path, "warden-audit-head 1\nlog /x\nseq 1\nhash "
	    "ABC\n", "bad \"hash\" line");
	expect_summed(path, "warden-audit-head 1\nlog /x\nseq 1\nhash " HASH_A
	    "\nmore 1\n", "unexpected line");
	assert_int_equal(mkdir(tpath(t, "dir", buf, sizeof buf), 0700), 0);
	assert_int_equal(audit_head_load(buf, &h, err),
	    AUDIT_HEAD_CORRUPT);
}

/* The comparison on its own: pure. */
static void
test_head_compare(void **state)
{
	struct audit_head h;
	char why[ERR_LEN] = "";

	(void)state;
	head_set(&h, 10, HASH_A);
	assert_int_equal(audit_head_compare(&h, 10, HASH_A, NULL, why),
	    AUDIT_HEAD_SAME);
	assert_int_equal(audit_head_compare(&h, 12, HASH_B, HASH_A, why),
	    AUDIT_HEAD_SAME);
	assert_int_equal(audit_head_compare(&h, 12, HASH_B, NULL, why),
	    AUDIT_HEAD_UNCHECKED);
	assert_int_equal(audit_head_compare(&h, 3, HASH_A, NULL, why),
	    AUDIT_HEAD_CUT);
	assert_string_equal(why, "the log ends at seq 3, but seq 10 was "
	    "written and synced: 7 record(s) missing from its end (cut, or "
	    "another file)");
	assert_int_equal(audit_head_compare(&h, 10, HASH_B, NULL, why),
	    AUDIT_HEAD_DIFFERS);
	assert_non_null(strstr(why, "the record at seq 10 has hash " HASH_B
	    ", but wardend wrote " HASH_A " there"));
	assert_int_equal(audit_head_compare(&h, 12, HASH_B, HASH_B, why),
	    AUDIT_HEAD_DIFFERS);
	assert_int_equal(audit_head_compare(&h, 0, HASH_A, NULL, why),
	    AUDIT_HEAD_CUT);
}

/* The head of a log as wardend would save it. */
static void
save_head_of(const struct tmp *t, const char *log)
{
	struct audit *a = open_ok(log);
	struct audit_head h;
	char err[ERR_LEN];

	head_set(&h, audit_last_seq(a), audit_last_hash(a));
	snprintf(h.log, sizeof h.log, "%s", log);
	assert_int_equal(audit_head_save(t->dir, &h, err), 0);
	audit_close(a);
}

/* The case: 20 of 68 lines pass a plain verify; with the head
 * they do not. A log rebuilt to the same length neither. */
static void
test_verify_head_finds_cut_tail(void **state)
{
	struct tmp *t = *state;
	const char *paths[] = { t->path };
	char head[256], msg[2048], *buf, *v;
	size_t len, n;
	const char *l;

	tpath(t, AUDIT_HEAD_NAME, head, sizeof head);
	make_log(t->path, 68);
	save_head_of(t, t->path);
	assert_int_equal(verify_with(paths, 1, NULL, head, 0, msg,
	    sizeof msg), 0);
	expect_said(msg, "head: seq 68 is there, as wardend wrote it");
	assert_int_equal(verify_with(paths, 1, NULL, head, 1, msg,
	    sizeof msg), 0);
	expect_said(msg, "\"head_seq\":68,\"head\":\"same\"");

	buf = slurp(t->path, &len);
	l = line_at(buf, 21, &n);
	assert_int_equal(truncate(t->path, l - buf), 0);
	assert_int_equal(verify_with(paths, 1, NULL, NULL, 0, msg,
	    sizeof msg), 0);
	expect_said(msg, "valid: 20 records");
	assert_int_equal(verify_with(paths, 1, NULL, head, 0, msg,
	    sizeof msg), 1);
	expect_said(msg, ": against ");
	expect_said(msg, "the log ends at seq 20, but seq 68 was written and "
	    "synced: 48 record(s) missing from its end");
	assert_int_equal(verify_with(paths, 1, NULL, head, 1, msg,
	    sizeof msg), 1);
	expect_said(msg, "\"valid\":false");

	/* the whole log again, one value changed, the chain rebuilt */
	spit(t->path, buf, len);
	v = strstr(line_at(buf, 30, &n), "\"value\":30,");
	assert_non_null(v);
	v[9] = '1';
	spit(t->path, buf, len);
	free(buf);
	rehash_chain(t->path);
	assert_int_equal(verify_with(paths, 1, NULL, NULL, 0, msg,
	    sizeof msg), 0);
	assert_int_equal(verify_with(paths, 1, NULL, head, 0, msg,
	    sizeof msg), 1);
	expect_said(msg, "the record at seq 68 has hash");
	expect_said(msg, "the log was replaced or rebuilt");
	assert_int_equal(verify_with(paths, 1, NULL, "/nonexistent", 0, msg,
	    sizeof msg), 2);
}

/* A head further back than the log goes: its record is compared. */
static void
test_verify_head_behind_the_log(void **state)
{
	struct tmp *t = *state;
	const char *paths[] = { t->path };
	char head[256], msg[2048];
	struct audit *a;

	tpath(t, AUDIT_HEAD_NAME, head, sizeof head);
	make_log(t->path, 10);
	save_head_of(t, t->path);
	a = open_ok(t->path);
	write_n(a, 5);
	audit_close(a);
	assert_int_equal(verify_with(paths, 1, NULL, head, 0, msg,
	    sizeof msg), 0);
	expect_said(msg, "head: seq 10 is there");
}

/* What open found, the hash of a seq, the head moved by synced records. */
static void
test_writer_offers_the_head(void **state)
{
	struct tmp *t = *state;
	struct audit_event ev = { .event = "release" };
	char hash[AUDIT_HASH_HEX + 1], err[ERR_LEN], *buf;
	struct audit *a;
	size_t len, n;
	const char *l;

	a = open_ok(t->path);
	assert_int_equal(audit_found_seq(a), 0);
	assert_string_equal(audit_found_hash(a), "0000000000000000000000000000"
	    "000000000000000000000000000000000000");
	write_n(a, 6);
	assert_int_equal(audit_hash_of(a, 4, hash, err), 1);
	buf = slurp(t->path, &len);
	l = line_at(buf, 4, &n);
	assert_memory_equal(hash, l + n - 67, 64);
	assert_int_equal(audit_hash_of(a, 99, hash, err), 0);
	audit_close(a);

	/* torn bytes: found is the last whole record, before audit_resumed */
	assert_int_equal(truncate(t->path, (off_t)len - 10), 0);
	free(buf);
	a = open_ok(t->path);
	assert_int_equal(audit_found_seq(a), 5);
	assert_int_equal(audit_last_seq(a), 6);        /* audit_resumed */

	/* synced on the spot: no flush due, but the head moved */
	assert_false(audit_due(a, 1000));
	assert_true(audit_chain_handoff(a, 1000));      /* audit_resumed */
	assert_false(audit_chain_handoff(a, 1003));
	assert_int_equal(audit_write(a, &ev, 1), 0);
	assert_false(audit_due(a, 1005));
	assert_false(audit_chain_handoff(a, 1000.5));   /* interval 1 s */
	assert_true(audit_chain_handoff(a, 1005));
	assert_false(audit_chain_handoff(a, 1010));
	/* a flush handoff covers the head as well */
	write_n(a, 1);
	assert_true(audit_due(a, 1020));
	assert_int_equal(audit_flush_handoff(a, 1020), 1);
	assert_false(audit_chain_handoff(a, 1030));
	audit_close(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown_all)
		T(test_head_file_round_trip),
		T(test_head_file_damage),
		T(test_head_compare),
		T(test_verify_head_finds_cut_tail),
		T(test_verify_head_behind_the_log),
		T(test_writer_offers_the_head),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
