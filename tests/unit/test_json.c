/*
 * test_json.c: the JSON builder, escaper and strict reader: hostile bytes
 * in, valid single-line JSON out; everything RFC 8259 forbids refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "json.h"

static void
test_json_escape_hostile(void **state)
{
	/* quote, backslash, newline, CR, tab, 0x01, DEL, é (valid),
	 * 0xff, overlong '/', a UTF-16 surrogate, a cut 3-byte sequence */
	static const char in[] = "a\"b\\c\n\r\t\x01\x7f\xc3\xa9\xff"
	    "\xc0\xaf\xed\xa0\x80\xe2\x82";
	static const char want[] = "a\\\"b\\\\c\\n\\r\\t\\u0001\\u007f"
	    "\xc3\xa9\\u00ff\\u00c0\\u00af\\u00ed\\u00a0\\u0080\\u00e2\\u0082";
	char out[256];
	size_t need;

	(void)state;
	need = json_escape(out, sizeof out, in, sizeof in - 1);
	assert_string_equal(out, want);
	assert_int_equal(need, strlen(want));
	/* cut short: whole escapes only, and the full length reported */
	need = json_escape(out, 8, in, sizeof in - 1);
	assert_string_equal(out, "a\\\"b\\\\c");
	assert_int_equal(need, strlen(want));
	need = json_escape(out, 8, "\n\x01", 2);
	assert_string_equal(out, "\\n");
	assert_int_equal(need, 8);
	/* plain text may be cut anywhere, a UTF-8 character may not */
	need = json_escape(out, 4, "abcdef", 6);
	assert_string_equal(out, "abc");
	assert_int_equal(need, 6);
	need = json_escape(out, 3, "a\xc3\xa9", 3);
	assert_string_equal(out, "a");
	assert_int_equal(need, 3);
}

static void
test_json_builder(void **state)
{
	struct json j;
	struct json_value v, got;
	char s[64];
	int64_t i;
	uint64_t u;
	double d;

	(void)state;
	json_init(&j);
	json_object_begin(&j);
	json_kv_string(&j, "name", "x\"y\n");
	json_kv_int(&j, "neg", -5);
	json_kv_uint(&j, "big", UINT64_MAX);
	json_kv_double(&j, "tenth", 0.1);
	json_kv_double(&j, "third", 1.0 / 3);
	json_kv_double(&j, "whole", 100);
	json_kv_double(&j, "nan", 0.0 / 0.0);
	json_kv_bool(&j, "t", 1);
	json_key(&j, "list");
	json_array_begin(&j);
	json_int(&j, 1);
	json_object_begin(&j);
	json_object_end(&j);
	json_null(&j);
	json_array_end(&j);
	json_object_end(&j);
	assert_false(json_failed(&j));
	assert_string_equal(j.data, "{\"name\":\"x\\\"y\\n\",\"neg\":-5,"
	    "\"big\":18446744073709551615,\"tenth\":0.1,"
	    "\"third\":0.33333333333333331,\"whole\":100,\"nan\":null,"
	    "\"t\":true,\"list\":[1,{},null]}");
	/* and it reads back */
	assert_int_equal(json_parse(j.data, j.len, &v, NULL, NULL), 0);
	assert_int_equal(json_object_get(&v, "name", &got), 0);
	assert_int_equal(json_get_string(&got, s, sizeof s), 4);
	assert_string_equal(s, "x\"y\n");
	assert_int_equal(json_object_get(&v, "neg", &got), 0);
	assert_int_equal(json_get_int64(&got, &i), 0);
	assert_int_equal(i, -5);
	assert_int_equal(json_get_uint64(&got, &u), -1);
	assert_int_equal(json_object_get(&v, "big", &got), 0);
	assert_int_equal(json_get_uint64(&got, &u), 0);
	assert_true(u == UINT64_MAX);
	assert_int_equal(json_object_get(&v, "third", &got), 0);
	assert_int_equal(json_get_double(&got, &d), 0);
	assert_true(d == 1.0 / 3);
	assert_int_equal(json_get_int64(&got, &i), -1);
	assert_int_equal(json_object_get(&v, "missing", &got), -1);
	json_free(&j);
}

static void
test_json_integers(void **state)
{
	struct json j;

	(void)state;
	json_init(&j);
	json_array_begin(&j);
	json_int(&j, 0);
	json_int(&j, INT64_MIN);
	json_int(&j, INT64_MAX);
	json_int(&j, -1);
	json_uint(&j, 0);
	json_uint(&j, 10);
	json_uint(&j, UINT64_MAX);
	json_array_end(&j);
	assert_string_equal(j.data, "[0,-9223372036854775808,"
	    "9223372036854775807,-1,0,10,18446744073709551615]");
	json_free(&j);
}

/* Bits and bytes as strings; a mark taken back leaves the text (and
 * its commas) as they were. */
static void
test_json_binary_and_rewind(void **state)
{
	/* coils 0..9: 1 0 1 1 0 0 0 0 | 1 1; bit 10 of byte 1 unused */
	static const uint8_t packed[] = { 0x0D, 0x07 };
	static const uint8_t bytes[] = { 0x00, 0x0a, 0xff, 0x12 };
	struct json j;
	struct json_mark m;
	struct json_value v;

	(void)state;
	json_init(&j);
	json_array_begin(&j);
	json_string_bits(&j, packed, 10);
	json_string_bits(&j, packed, 0);
	json_string_hex(&j, bytes, sizeof bytes);
	m = json_mark(&j);
	json_string_hex(&j, bytes, 0);
	json_object_begin(&j);
	json_kv_int(&j, "cut", 1);
	json_rewind(&j, m);
	json_int(&j, 7);
	json_array_end(&j);
	assert_false(json_failed(&j));
	assert_string_equal(j.data,
	    "[\"1011000011\",\"\",\"000aff12\",7]");
	assert_int_equal(j.len, strlen(j.data));
	assert_int_equal(json_parse(j.data, j.len, &v, NULL, NULL), 0);
	/* a mark past the end (from before a clear) is ignored */
	m = json_mark(&j);
	json_clear(&j);
	json_rewind(&j, m);
	assert_int_equal(j.len, 0);
	json_free(&j);
}

static void
test_json_reader_strict(void **state)
{
	static const char *const bad[] = { "", "{", "{\"a\":1,}", "[1,]",
		"01", "1.", "-", "1e", "\"a\nb\"", "\"\xff\"", "\"\\x\"",
		"\"\\u12g4\"", "{\"a\" 1}", "{1:2}", "{} {}", "tru", "nul",
		"{\"a\":1}x", "\"abc" };
	struct json_value v, got;
	char deep[200], s[16];
	size_t i, at;
	uint64_t u;
	const char *why;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (json_parse(bad[i], strlen(bad[i]), &v, &at, &why) == 0)
			fail_msg("accepted \"%s\"", bad[i]);
	assert_int_equal(json_parse(" {\"a\" : [ 1 , -0.5e+3 , true ] } ",
	    33, &v, NULL, NULL), 0);
	assert_int_equal(v.type, JSON_OBJECT);
	/* 64 levels pass, 65 do not */
	memset(deep, '[', 64);
	memset(deep + 64, ']', 64);
	assert_int_equal(json_parse(deep, 128, &v, NULL, NULL), 0);
	memset(deep, '[', 65);
	memset(deep + 65, ']', 65);
	assert_int_equal(json_parse(deep, 130, &v, &at, &why), -1);
	assert_string_equal(why, "nested too deeply");
	/* surrogate pairs decode; lone ones and \u0000 do not */
	assert_int_equal(json_parse("\"\\ud83d\\ude00\\u00e9\"", 20, &got,
	    NULL, NULL), 0);
	assert_int_equal(json_get_string(&got, s, sizeof s), 6);
	assert_memory_equal(s, "\xf0\x9f\x98\x80\xc3\xa9", 6);
	assert_int_equal(json_parse("\"\\ud800x\"", 9, &got, NULL, NULL), 0);
	assert_int_equal(json_get_string(&got, s, sizeof s), -1);
	assert_int_equal(json_parse("\"\\u0000\"", 8, &got, NULL, NULL), 0);
	assert_int_equal(json_get_string(&got, s, sizeof s), -1);
	/* too small a buffer is refused, not cut */
	assert_int_equal(json_parse("\"abcdef\"", 8, &got, NULL, NULL), 0);
	assert_int_equal(json_get_string(&got, s, 6), -1);
	assert_true(json_string_is(&got, "abcdef"));
	assert_false(json_string_is(&got, "abcde"));
	/* integers: range and shape */
	assert_int_equal(json_parse("18446744073709551616", 20, &got, NULL,
	    NULL), 0);
	assert_int_equal(json_get_uint64(&got, &u), -1);
	assert_int_equal(json_parse("1.0", 3, &got, NULL, NULL), 0);
	assert_int_equal(json_get_uint64(&got, &u), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_escape_hostile),
		cmocka_unit_test(test_json_builder),
		cmocka_unit_test(test_json_integers),
		cmocka_unit_test(test_json_binary_and_rewind),
		cmocka_unit_test(test_json_reader_strict),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
