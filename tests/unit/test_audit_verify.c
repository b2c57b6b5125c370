/*
 * test_audit_verify.c: every kind of tampering audit_verify_file() must
 * catch, then its JSON output, unreadable files and resumed torn tails.
 */
#include "audit_fixture.h"

#include "json.h"

/* ---- tampering ---- */

static void
test_edited_value_detected(void **state)
{
	struct tmp *t = *state;
	char *buf, *v;
	size_t len, n;

	make_log(t->path, 20);
	buf = slurp(t->path, &len);
	v = strstr(line_at(buf, 17, &n), "\"value\":17,");
	assert_non_null(v);
	v[9] = '8';                             /* 17 -> 18 */
	spit(t->path, buf, len);
	free(buf);
	expect_broken(t->path,
	    "line 17 (seq 17): hash mismatch: the record was edited");
}

static void
test_edited_and_rehashed_detected(void **state)
{
	struct tmp *t = *state;
	char *buf, *l, hex[65];
	size_t len, n, body;

	/* the edit's own hash fixed up: the next record's prev catches it */
	make_log(t->path, 10);
	buf = slurp(t->path, &len);
	l = line_at(buf, 5, &n);
	strstr(l, "\"value\":5,")[8] = '6';
	body = n - 1 - 75;                      /* ,"hash":"<64>"} */
	l[body] = '}';
	sha256_hex(l, body + 1, hex);
	l[body] = ',';
	memcpy(l + body + 9, hex, 64);
	spit(t->path, buf, len);
	free(buf);
	expect_broken(t->path, "line 6 (seq 6): prev does not match the hash "
	    "of line 5: a record was removed or replaced");
}

static void
test_removed_record_detected(void **state)
{
	struct tmp *t = *state;
	char *buf, *l;
	size_t len, n;

	make_log(t->path, 20);
	buf = slurp(t->path, &len);
	l = line_at(buf, 10, &n);
	memmove(l, l + n, len - (size_t)(l + n - buf));
	spit(t->path, buf, len - n);
	free(buf);
	expect_broken(t->path,
	    "line 10 (seq 11): seq 11 follows 9: 1 record(s) missing: removed");
}

static void
test_removed_first_record_detected(void **state)
{
	struct tmp *t = *state;
	char *buf;
	size_t len, n;

	make_log(t->path, 3);
	buf = slurp(t->path, &len);
	(void)line_at(buf, 1, &n);
	spit(t->path, buf + n, len - n);
	free(buf);
	expect_broken(t->path, "line 1 (seq 2): the first record has seq 2, "
	    "not 1");
}

static void
test_reordered_records_detected(void **state)
{
	struct tmp *t = *state;
	char *buf, *swapped;
	const char *l8, *l9;
	size_t len, n8, n9;

	make_log(t->path, 12);
	buf = slurp(t->path, &len);
	l8 = line_at(buf, 8, &n8);
	l9 = line_at(buf, 9, &n9);
	swapped = malloc(len);
	assert_non_null(swapped);
	memcpy(swapped, buf, (size_t)(l8 - buf));
	memcpy(swapped + (l8 - buf), l9, n9);
	memcpy(swapped + (l8 - buf) + n9, l8, n8);
	memcpy(swapped + (l9 - buf) + n9, l9 + n9,
	    len - (size_t)(l9 + n9 - buf));
	spit(t->path, swapped, len);
	free(swapped);
	free(buf);
	expect_broken(t->path, "line 8 (seq 9): seq 9 follows 7: records "
	    "reordered (seq 8 is on line 9)");
}

static void
test_duplicated_record_detected(void **state)
{
	struct tmp *t = *state;
	char *buf, *dup;
	const char *l;
	size_t len, n;

	make_log(t->path, 5);
	buf = slurp(t->path, &len);
	l = line_at(buf, 3, &n);
	dup = malloc(len + n);
	assert_non_null(dup);
	memcpy(dup, buf, (size_t)(l - buf) + n);
	memcpy(dup + (l - buf) + n, l, len - (size_t)(l - buf));
	spit(t->path, dup, len + n);
	free(dup);
	free(buf);
	expect_broken(t->path, "line 4 (seq 3): seq 3 follows 3: records "
	    "reordered or duplicated");
}

static void
test_garbage_line_without_resume_fails(void **state)
{
	struct tmp *t = *state;
	char *buf, *out;
	const char *l;
	size_t len, n;
	static const char junk[] = "{\"seq\":3,\"ts\n";

	make_log(t->path, 5);
	buf = slurp(t->path, &len);
	l = line_at(buf, 3, &n);
	out = malloc(len + sizeof junk);
	assert_non_null(out);
	memcpy(out, buf, (size_t)(l - buf));
	memcpy(out + (l - buf), junk, sizeof junk - 1);
	memcpy(out + (l - buf) + sizeof junk - 1, l, len - (size_t)(l - buf));
	spit(t->path, out, len + sizeof junk - 1);
	free(out);
	free(buf);
	expect_broken(t->path, "line 3: not a JSON object");
	expect_broken(t->path, "and the next record (line 4) is not an "
	    "audit_resumed naming it");
}

/* ---- verify's own edges ---- */

static void
test_verify_json_and_unreadable(void **state)
{
	struct tmp *t = *state;
	struct json_value v, got;
	char msg[1024], missing[160];
	uint64_t u;
	char *buf, *p;
	size_t len, n;

	make_log(t->path, 3);
	assert_int_equal(verify(t->path, 1, msg, sizeof msg), 0);
	assert_int_equal(json_parse(msg, strlen(msg), &v, NULL, NULL), 0);
	assert_int_equal(json_object_get(&v, "valid", &got), 0);
	assert_int_equal(got.type, JSON_TRUE);
	assert_int_equal(json_object_get(&v, "last_seq", &got), 0);
	assert_int_equal(json_get_uint64(&got, &u), 0);
	assert_int_equal(u, 3);

	buf = slurp(t->path, &len);
	p = strstr(line_at(buf, 2, &n), "\"value\":2");
	p[8] = '7';
	spit(t->path, buf, len);
	free(buf);
	assert_int_equal(verify(t->path, 1, msg, sizeof msg), 1);
	assert_int_equal(json_parse(msg, strlen(msg), &v, NULL, NULL), 0);
	assert_int_equal(json_object_get(&v, "valid", &got), 0);
	assert_int_equal(got.type, JSON_FALSE);
	assert_int_equal(json_object_get(&v, "line", &got), 0);
	assert_int_equal(json_get_uint64(&got, &u), 0);
	assert_int_equal(u, 2);
	assert_int_equal(json_object_get(&v, "error", &got), 0);
	assert_true(json_string_is(&got,
	    "hash mismatch: the record was edited"));

	snprintf(missing, sizeof missing, "%s/missing.jsonl", t->dir);
	assert_int_equal(verify(missing, 0, msg, sizeof msg), 2);
	assert_non_null(strstr(msg, "cannot open"));
	assert_int_equal(verify(missing, 1, msg, sizeof msg), 2);
	assert_non_null(strstr(msg, "\"valid\":false"));
}

static void
test_verify_resume_must_match_torn_bytes(void **state)
{
	struct tmp *t = *state;
	char *buf, *out;
	const char *l;
	size_t len, n;
	struct audit *a;

	/* a torn stretch grown after the fact no longer matches */
	make_log(t->path, 3);
	buf = slurp(t->path, &len);
	(void)line_at(buf, 1, &n);
	free(buf);
	assert_int_equal(truncate(t->path, (off_t)n + 20), 0);
	a = open_ok(t->path);
	audit_close(a);
	expect_valid(t->path);
	buf = slurp(t->path, &len);
	l = line_at(buf, 2, &n);                /* the torn line */
	out = malloc(len + 1);
	assert_non_null(out);
	memcpy(out, buf, (size_t)(l - buf));
	out[l - buf] = 'x';
	memcpy(out + (l - buf) + 1, l, len - (size_t)(l - buf));
	spit(t->path, out, len + 1);
	free(out);
	free(buf);
	expect_broken(t->path, "(seq 2): audit_resumed names");
	expect_broken(t->path, "bytes were added or removed");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_edited_value_detected),
		T(test_edited_and_rehashed_detected),
		T(test_removed_record_detected),
		T(test_removed_first_record_detected),
		T(test_reordered_records_detected),
		T(test_duplicated_record_detected),
		T(test_garbage_line_without_resume_fails),
		T(test_verify_json_and_unreadable),
		T(test_verify_resume_must_match_torn_bytes),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
