/*
 * test_audit_record.c: the audit line format without a file. What makes
 * a line intact, torn (not a JSON object) or bad (an object that is not
 * a record as wardend writes it), and which line of a tail's bytes is
 * the last intact record: before torn bytes, zeros, edited records, or
 * none at all.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "audit_record.h"

#define ZEROS "0000000000000000000000000000000000000000000000000000000000000000"

/* The line of body (an object's members up to and with prev, without
 * the closing brace) with its hash as wardend writes it; into out. */
static size_t
sealed_line(const char *body, char *out, size_t size)
{
	unsigned char sum[EVP_MAX_MD_SIZE];
	unsigned n = 0, i;
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	size_t len = strlen(body);

	assert_non_null(c);
	assert_true(EVP_DigestInit_ex(c, EVP_sha256(), NULL) &&
	    EVP_DigestUpdate(c, body, len) && EVP_DigestUpdate(c, "}", 1) &&
	    EVP_DigestFinal_ex(c, sum, &n));
	EVP_MD_CTX_free(c);
	assert_true(len + AUDIT_SUFFIX_LEN < size);
	memcpy(out, body, len);
	len += (size_t)sprintf(out + len, ",\"hash\":\"");
	for (i = 0; i < n; i++)
		len += (size_t)sprintf(out + len, "%02x", sum[i]);
	len += (size_t)sprintf(out + len, "\"}");
	return len;
}

/* Record seq of a chain, its prev given, into out. */
static size_t
record(uint64_t seq, const char *prev, char *out, size_t size)
{
	char body[256];

	snprintf(body, sizeof body, "{\"seq\":%llu,\"ts\":\"2024-05-01T12:00:"
	    "00.000000Z\",\"event\":\"write\",\"value\":%llu,\"prev\":\"%s\"",
	    (unsigned long long)seq, (unsigned long long)seq, prev);
	return sealed_line(body, out, size);
}

struct hasher_fixture {
	struct audit_hasher h;
	struct audit_line l;
	struct audit_tail t;
};

static int
hasher_setup(void **state)
{
	struct hasher_fixture *f = calloc(1, sizeof *f);

	if (f == NULL || audit_hasher_init(&f->h) == -1) {
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int
hasher_teardown(void **state)
{
	struct hasher_fixture *f = *state;

	audit_hasher_free(&f->h);
	free(f);
	return 0;
}

static const struct audit_line *
check(struct hasher_fixture *f, const char *line, size_t len)
{
	audit_line_check(&f->h, line, len, &f->l);
	return &f->l;
}

static void
expect_kind(struct hasher_fixture *f, const char *line, size_t len,
    enum audit_line_kind kind, const char *why)
{
	check(f, line, len);
	if (f->l.kind != kind || strstr(f->l.why, why) == NULL)
		fail_msg("%.*s: kind %d (%s), not %d (%s)", (int)len, line,
		    f->l.kind, f->l.why, kind, why);
}

static void
test_intact_record_and_its_fields(void **state)
{
	struct hasher_fixture *f = *state;
	char line[512];
	size_t len = record(7, ZEROS, line, sizeof line);
	const struct audit_line *l = check(f, line, len);

	assert_int_equal(l->kind, AUDIT_LINE_INTACT);
	assert_string_equal(l->why, "");
	assert_int_equal(l->seq, 7);
	assert_string_equal(l->event, "write");
	assert_string_equal(l->prev, ZEROS);
	assert_memory_equal(l->hash, line + len - 66, 64);
	assert_int_equal(l->has_torn, 0);
	/* one byte short is no longer an object */
	expect_kind(f, line, len - 1, AUDIT_LINE_TORN, "not a JSON object");
}

/* Whatever is not one JSON object: a crash's cut, zeros, garbage. */
static void
test_torn_lines(void **state)
{
	struct hasher_fixture *f = *state;
	static const char zeros[8];
	char line[512];
	size_t len = record(1, ZEROS, line, sizeof line), cut;

	expect_kind(f, "", 0, AUDIT_LINE_TORN, "not a JSON object");
	expect_kind(f, zeros, sizeof zeros, AUDIT_LINE_TORN, "at byte 1");
	expect_kind(f, "[1,2]", 5, AUDIT_LINE_TORN, "not a JSON object");
	expect_kind(f, "\"seq\"", 5, AUDIT_LINE_TORN, "not a JSON object");
	for (cut = 0; cut < len; cut++)
		assert_int_equal(check(f, line, cut)->kind, AUDIT_LINE_TORN);
	memcpy(line + len, "}", 1);
	expect_kind(f, line, len + 1, AUDIT_LINE_TORN, "not a JSON object");
}

/* Objects, but not records as wardend writes them. */
static void
test_bad_records(void **state)
{
	struct hasher_fixture *f = *state;
	static const struct {
		const char *body;
		const char *why;
	} cases[] = {
		{ "{\"seq\":0,\"ts\":\"t\",\"event\":\"e\",\"prev\":\"" ZEROS "\"",
		  "seq is not first or not a positive integer" },
		{ "{\"seq\":-1,\"ts\":\"t\",\"event\":\"e\",\"prev\":\"" ZEROS
		  "\"", "seq is not first" },
		{ "{\"seq\":1.5,\"ts\":\"t\",\"event\":\"e\",\"prev\":\"" ZEROS
		  "\"", "seq is not first" },
		{ "{\"seq\":18446744073709551616,\"ts\":\"t\",\"event\":\"e\","
		  "\"prev\":\"" ZEROS "\"", "seq is not first" },
		{ "{\"ts\":\"t\",\"seq\":1,\"event\":\"e\",\"prev\":\"" ZEROS "\"",
		  "seq is not first" },
		{ "{\"seq\":1,\"ts\":5,\"event\":\"e\",\"prev\":\"" ZEROS "\"",
		  "ts is not the second field" },
		{ "{\"seq\":1,\"ts\":\"t\",\"x\":1,\"event\":\"e\",\"prev\":\""
		  ZEROS "\"", "event is not the third field" },
		{ "{\"seq\":1,\"ts\":\"t\",\"event\":\"e\"",
		  "fields missing" },
		{ "{\"seq\":1,\"ts\":\"t\",\"event\":\"e\",\"x\":1", /* no prev */
		  "prev is not the field before hash" },
		{ "{\"seq\":1,\"ts\":\"t\",\"event\":\"e\",\"prev\":\""
		  "0000\"", "prev is not the field before hash or not a "
		  "SHA-256" },
		{ "{\"seq\":1,\"ts\":\"t\",\"event\":\"e\",\"prev\":\"" ZEROS
		  "\",\"x\":1", "prev is not the field before hash" },
	};
	char line[512];
	size_t i, len;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		len = sealed_line(cases[i].body, line, sizeof line);
		expect_kind(f, line, len, AUDIT_LINE_BAD, cases[i].why);
	}
}

/* The hash: last, lowercase, written without spaces, and right. */
static void
test_bad_hashes(void **state)
{
	struct hasher_fixture *f = *state;
	const char *zeroed = "{\"seq\":3,\"ts\":\"t\",\"event\":\"e\","
	    "\"prev\":\"" ZEROS "\",\"hash\":\"" ZEROS "\"}";
	char line[512], spaced[600];
	size_t len = record(3, ZEROS, line, sizeof line), i;

	line[len - 3] = 'A';
	expect_kind(f, line, len, AUDIT_LINE_BAD, "hash is not the last "
	    "field or not a SHA-256");
	len = record(3, ZEROS, line, sizeof line);
	line[len - 3] = line[len - 3] == '0' ? '1' : '0';
	expect_kind(f, line, len, AUDIT_LINE_BAD, "hash mismatch: the record "
	    "was edited");
	len = record(3, ZEROS, line, sizeof line);
	line[strlen("{\"seq\":3,\"ts\":\"2024-05-01T12:00:00.000000Z\","
	    "\"event\":\"write\",\"value\":")] = '4';
	expect_kind(f, line, len, AUDIT_LINE_BAD, "hash mismatch");
	/* the same members, a space after the comma */
	len = record(3, ZEROS, line, sizeof line);
	i = len - AUDIT_SUFFIX_LEN + 1;
	memcpy(spaced, line, i);
	spaced[i] = ' ';
	memcpy(spaced + i + 1, line + i, len - i);
	expect_kind(f, spaced, len + 1, AUDIT_LINE_BAD, "hash is not written "
	    "the way wardend writes it");
	expect_kind(f, zeroed, strlen(zeroed), AUDIT_LINE_BAD, "hash mismatch");
}

/* audit_resumed names the torn bytes it follows: both fields or none. */
static void
test_torn_fields_of_a_resume(void **state)
{
	struct hasher_fixture *f = *state;
	const char *pre = "{\"seq\":9,\"ts\":\"t\",\"event\":\"audit_resumed\"";
	char body[256], line[512];
	size_t len;

	snprintf(body, sizeof body, "%s,\"torn_offset\":100,\"torn_bytes\":"
	    "42,\"prev\":\"%s\"", pre, ZEROS);
	len = sealed_line(body, line, sizeof line);
	check(f, line, len);
	assert_int_equal(f->l.kind, AUDIT_LINE_INTACT);
	assert_true(f->l.has_torn);
	assert_int_equal(f->l.torn_offset, 100);
	assert_int_equal(f->l.torn_bytes, 42);
	snprintf(body, sizeof body, "%s,\"torn_offset\":100,\"prev\":\"%s\"",
	    pre, ZEROS);
	len = sealed_line(body, line, sizeof line);
	assert_false(check(f, line, len)->has_torn);
	snprintf(body, sizeof body, "%s,\"torn_offset\":\"100\",\"torn_bytes\":"
	    "42,\"prev\":\"%s\"", pre, ZEROS);
	len = sealed_line(body, line, sizeof line);
	assert_false(check(f, line, len)->has_torn);
}

/* A long event is cut to fit; the record is intact all the same. */
static void
test_long_event_cut(void **state)
{
	struct hasher_fixture *f = *state;
	char body[256], line[512];
	size_t len;

	snprintf(body, sizeof body, "{\"seq\":1,\"ts\":\"t\",\"event\":\""
	    "%s\",\"prev\":\"%s\"", "0123456789012345678901234567890123456789",
	    ZEROS);
	len = sealed_line(body, line, sizeof line);
	check(f, line, len);
	assert_int_equal(f->l.kind, AUDIT_LINE_INTACT);
	assert_int_equal(strlen(f->l.event), sizeof f->l.event - 1);
}

/* A log of n records, each newline-ended, into buf; hash of the last. */
static size_t
chain(unsigned n, char *buf, size_t size, char last[AUDIT_HASH_HEX + 1])
{
	char prev[AUDIT_HASH_HEX + 1] = ZEROS;
	size_t len = 0, k;
	unsigned i;

	for (i = 1; i <= n; i++) {
		k = record(i, prev, buf + len, size - len);
		memcpy(prev, buf + len + k - 66, 64);
		len += k;
		buf[len++] = '\n';
	}
	memcpy(last, prev, sizeof prev);
	return len;
}

static enum audit_tail_found
find(struct hasher_fixture *f, const char *buf, size_t n, uint64_t base,
    int whole)
{
	return audit_tail_find(&f->h, buf, n, base, whole, &f->t);
}

static void
expect_found(struct hasher_fixture *f, uint64_t seq, const char *hash,
    uint64_t torn_offset, uint64_t torn_bytes)
{
	assert_int_equal(f->t.seq, seq);
	assert_string_equal(f->t.hash, hash);
	assert_int_equal(f->t.torn_offset, torn_offset);
	assert_int_equal(f->t.torn_bytes, torn_bytes);
}

static void
test_tail_ends_cleanly(void **state)
{
	struct hasher_fixture *f = *state;
	char buf[4096], last[AUDIT_HASH_HEX + 1];
	size_t len = chain(3, buf, sizeof buf, last);

	assert_int_equal(find(f, buf, len, 0, 1), AUDIT_TAIL_FOUND);
	expect_found(f, 3, last, len, 0);
	assert_false(f->t.ends_without_newline);
	assert_string_equal(f->t.bad_why, "");
	/* the last newline lost: the record is whole all the same */
	assert_int_equal(find(f, buf, len - 1, 0, 1), AUDIT_TAIL_FOUND);
	expect_found(f, 3, last, len - 1, 0);
	assert_true(f->t.ends_without_newline);
}

/* After the last intact record: a cut record, zeros, an empty line. */
static void
test_tail_torn_after_the_last_record(void **state)
{
	struct hasher_fixture *f = *state;
	char buf[16384], last[AUDIT_HASH_HEX + 1];
	size_t len = chain(2, buf, sizeof buf, last);

	memcpy(buf + len, "{\"seq\":3,\"ts\"", 13);
	assert_int_equal(find(f, buf, len + 13, 0, 1), AUDIT_TAIL_FOUND);
	expect_found(f, 2, last, len, 13);
	assert_true(f->t.ends_without_newline);
	assert_string_equal(f->t.bad_why, "");
	memset(buf + len, 0, 4096);
	assert_int_equal(find(f, buf, len + 4096, 0, 1), AUDIT_TAIL_FOUND);
	expect_found(f, 2, last, len, 4096);
	buf[len] = '\n';
	assert_int_equal(find(f, buf, len + 1, 0, 1), AUDIT_TAIL_FOUND);
	expect_found(f, 2, last, len, 1);
	assert_false(f->t.ends_without_newline);
}

/* An edited last record is torn bytes, and the tail says why. */
static void
test_tail_edited_record_is_named(void **state)
{
	struct hasher_fixture *f = *state;
	char buf[4096], last[AUDIT_HASH_HEX + 1];
	size_t len = chain(3, buf, sizeof buf, last);
	size_t two = len - (len / 3);
	char *v = strstr(buf + two, "\"value\":3");
	char hash2[AUDIT_HASH_HEX + 1];

	chain(2, buf + len + 1, sizeof buf - len - 1, hash2);
	assert_non_null(v);
	v[8] = '4';
	assert_int_equal(find(f, buf, len, 0, 1), AUDIT_TAIL_FOUND);
	assert_int_equal(f->t.seq, 2);
	assert_string_equal(f->t.hash, hash2);
	assert_int_equal(f->t.torn_offset + f->t.torn_bytes, len);
	assert_string_equal(f->t.bad_why, "hash mismatch: the record was "
	    "edited");
}

/* No record at all: torn or zero bytes are a log that holds none;
 * anything else is not a log. */
static void
test_tail_without_records(void **state)
{
	struct hasher_fixture *f = *state;
	static const char zeros[64];
	const char *torn = "{\"seq\":1,\"ts\":\"2024";
	const char *text = "hello\nworld\n";

	assert_int_equal(find(f, torn, strlen(torn), 0, 1), AUDIT_TAIL_FOUND);
	expect_found(f, 0, ZEROS, 0, strlen(torn));
	assert_int_equal(find(f, zeros, sizeof zeros, 0, 1),
	    AUDIT_TAIL_FOUND);
	expect_found(f, 0, ZEROS, 0, sizeof zeros);
	assert_int_equal(find(f, text, strlen(text), 0, 1),
	    AUDIT_TAIL_FOREIGN);
	assert_int_equal(find(f, "\n", 1, 0, 1), AUDIT_TAIL_FOREIGN);
}

/* A window that starts inside the file: its first line may be cut, so
 * only the lines after it count, and offsets are the file's. */
static void
test_tail_window_inside_the_file(void **state)
{
	struct hasher_fixture *f = *state;
	char buf[4096], last[AUDIT_HASH_HEX + 1];
	size_t len = chain(3, buf, sizeof buf, last);
	const char *third = strstr(buf, "{\"seq\":3");
	size_t at = (size_t)(third - buf);

	assert_int_equal(find(f, buf + 5, len - 5, 5, 0), AUDIT_TAIL_FOUND);
	expect_found(f, 3, last, len, 0);
	/* the last record alone, whole, but maybe not from its start */
	assert_int_equal(find(f, third, len - at, at, 0), AUDIT_TAIL_MORE);
	assert_int_equal(find(f, third - 1, len - at + 1, at - 1, 0),
	    AUDIT_TAIL_FOUND);
	expect_found(f, 3, last, len, 0);
	/* torn bytes only, and no line start: look further back */
	assert_int_equal(find(f, buf + len - 10, 10, len - 10, 0),
	    AUDIT_TAIL_MORE);
	assert_int_equal(find(f, "xx\nyy", 5, 1000, 0), AUDIT_TAIL_MORE);
}

#define T(name) cmocka_unit_test_setup_teardown(name, hasher_setup, \
	hasher_teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_intact_record_and_its_fields),
		T(test_torn_lines),
		T(test_bad_records),
		T(test_bad_hashes),
		T(test_torn_fields_of_a_resume),
		T(test_long_event_cut),
		T(test_tail_ends_cleanly),
		T(test_tail_torn_after_the_last_record),
		T(test_tail_edited_record_is_named),
		T(test_tail_without_records),
		T(test_tail_window_inside_the_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
