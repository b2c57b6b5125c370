/*
 * test_sim_answer.c: the words aisim prints for an exception, which the
 * demo shows in a column: they say why as wardend means each code, name
 * the code, and fit ANSWER_SIZE whole, whatever the code.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../simulators/answer.h"

static void
expect_words(int code, int reads_answered, const char *want)
{
	char buf[ANSWER_SIZE];

	assert_int_equal(answer_exception(buf, sizeof(buf), code,
	    reads_answered), (int)strlen(want));
	assert_string_equal(buf, want);
}

/* What the demo's AI meets: its limits, then the takeover. */
static void
test_refusals_say_why(void **state)
{
	(void)state;
	expect_words(0x03, 1, "refused: out of range (0x03)");
	expect_words(0x03, 0, "refused: out of range (0x03)");
	expect_words(0x02, 1, "refused: address not allowed (0x02)");
	expect_words(0x01, 1, "refused: function not allowed (0x01)");
}

/* 0x0A is the takeover only while reads still pass; else no device. */
static void
test_0x0a_takeover_or_no_path(void **state)
{
	(void)state;
	expect_words(0x0A, 1, "refused: takeover (0x0A)");
	expect_words(0x0A, 0, "failed: no path to device (0x0A)");
	expect_words(0x0B, 1, "failed: no answer from device (0x0B)");
	expect_words(0x06, 0, "failed: device busy (0x06)");
}

/* A code without words (none, 0x09, past 0x0B, any byte) still names it. */
static void
test_unknown_codes_named(void **state)
{
	(void)state;
	expect_words(0x00, 0, "exception (0x00)");
	expect_words(0x09, 1, "exception (0x09)");
	expect_words(0x0C, 0, "exception (0x0C)");
	expect_words(0xFF, 1, "exception (0xFF)");
}

/* Every byte, either way: whole in ANSWER_SIZE, ending in its code. */
static void
test_every_code_fits(void **state)
{
	char buf[ANSWER_SIZE], tail[8];
	int code, reads, n;

	(void)state;
	for (code = 0; code <= 0xFF; code++) {
		for (reads = 0; reads <= 1; reads++) {
			n = answer_exception(buf, sizeof(buf), code, reads);
			assert_true(n > 0 && n < ANSWER_SIZE);
			snprintf(tail, sizeof(tail), "(0x%02X)", code);
			assert_int_equal(strcmp(buf + n - strlen(tail), tail),
			    0);
		}
	}
}

/* A buffer too small gets a terminated prefix and the length wanted. */
static void
test_small_buffer(void **state)
{
	char buf[9];

	(void)state;
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(answer_exception(buf, sizeof(buf), 0x03, 0),
	    (int)strlen("refused: out of range (0x03)"));
	assert_string_equal(buf, "refused:");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refusals_say_why),
		cmocka_unit_test(test_0x0a_takeover_or_no_path),
		cmocka_unit_test(test_unknown_codes_named),
		cmocka_unit_test(test_every_code_fits),
		cmocka_unit_test(test_small_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
