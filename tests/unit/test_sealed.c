/*
 * test_sealed.c: the sealed text of state_dir's files, without a file.
 * A seal glued to anything but a whole last line, cut, or over other
 * bytes must not open; the lines before it read back one by one, each
 * "key value" only under its exact key.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sealed.h"

#define TEXT "warden-test 1\nkey value\nempty \n"

static size_t
seal(const char *text, char *buf, size_t size)
{
	size_t len = strlen(text);

	assert_true(len < size);
	memcpy(buf, text, len);
	return sealed_close(buf, len, size);
}

static void
expect_refused(const char *buf, size_t len, const char *why)
{
	struct sealed s;
	char err[ERR_LEN] = "";

	assert_int_equal(sealed_open(&s, buf, len, err), -1);
	if (strstr(err, why) == NULL)
		fail_msg("\"%s\" does not say \"%s\"", err, why);
}

/* The seal needs its 72 bytes and a NUL; one byte less is no seal. */
static void
test_close_needs_room_for_the_seal(void **state)
{
	char buf[256];
	size_t len = strlen(TEXT);

	(void)state;
	assert_int_equal(SEALED_LEN, 72);
	memcpy(buf, TEXT, len);
	assert_int_equal(sealed_close(buf, len, len + SEALED_LEN), 0);
	assert_int_equal(sealed_close(buf, len, len + SEALED_LEN + 1),
	    len + SEALED_LEN);
	assert_memory_equal(buf, TEXT "sha256 ", len + 7);
	assert_int_equal(buf[len + SEALED_LEN - 1], '\n');
	assert_int_equal(buf[len + SEALED_LEN], '\0');
}

static void
test_lines_read_back_in_order(void **state)
{
	char buf[256], line[64];
	size_t len = seal(TEXT, buf, sizeof buf);
	struct sealed s;
	char err[ERR_LEN];

	(void)state;
	assert_int_equal(sealed_open(&s, buf, len, err), 0);
	assert_false(sealed_done(&s));
	assert_int_equal(sealed_line(&s, line, sizeof line), 0);
	assert_string_equal(line, "warden-test 1");
	assert_string_equal(sealed_field(&s, "key", line, sizeof line),
	    "value");
	assert_string_equal(sealed_field(&s, "empty", line, sizeof line), "");
	assert_true(sealed_done(&s));
	assert_int_equal(sealed_line(&s, line, sizeof line), -1);
	assert_null(sealed_field(&s, "key", line, sizeof line));
}

/* An empty text is sealed too: the seal alone. */
static void
test_empty_text(void **state)
{
	char buf[128], line[8];
	size_t len = seal("", buf, sizeof buf);
	struct sealed s;
	char err[ERR_LEN];

	(void)state;
	assert_int_equal(len, SEALED_LEN);
	assert_int_equal(sealed_open(&s, buf, len, err), 0);
	assert_true(sealed_done(&s));
	assert_int_equal(sealed_line(&s, line, sizeof line), -1);
}

static void
test_every_cut_and_flip_is_refused(void **state)
{
	char buf[256];
	size_t len = seal(TEXT, buf, sizeof buf), i;

	(void)state;
	for (i = 0; i < len; i++)
		expect_refused(buf, i, "truncated: no checksum line at the end");
	for (i = 0; i < len; i++) {
		buf[i] ^= 0x01;
		expect_refused(buf, len, "");
		buf[i] ^= 0x01;
	}
	buf[3] ^= 0x20;
	expect_refused(buf, len, "checksum does not match the content");
}

/* The seal must stand on a line of its own and end the text. */
static void
test_seal_on_its_own_last_line(void **state)
{
	char buf[256], glued[256];
	size_t len = seal(TEXT, buf, sizeof buf);
	size_t text = len - SEALED_LEN;
	size_t n;

	(void)state;
	/* a line after the seal */
	memcpy(buf + len, "x\n", 3);
	expect_refused(buf, len + 2, "truncated");
	/* the text's last newline gone, its checksum right */
	n = text - 1;
	memcpy(glued, TEXT, n);
	n = sealed_close(glued, n, sizeof glued);
	assert_true(n > 0);
	expect_refused(glued, n, "truncated");
	/* no newline after the checksum */
	expect_refused(buf, len - 1, "truncated");
	/* another key */
	buf[text] = 'S';
	expect_refused(buf, len, "truncated");
}

/* The first line of text, sealed, as read back; -1 when it does not
 * read. */
static int
first_line(const char *text, size_t len, char *line, size_t size)
{
	char buf[256], err[ERR_LEN];
	struct sealed s;
	size_t n;

	memcpy(buf, text, len);
	n = sealed_close(buf, len, sizeof buf);
	assert_int_equal(sealed_open(&s, buf, n, err), 0);
	return sealed_line(&s, line, size);
}

/* A line that does not fit, or holds a NUL, is no line. */
static void
test_lines_that_do_not_read(void **state)
{
	char line[17];

	(void)state;
	assert_int_equal(first_line("0123456789abcdef\n", 17, line, 17), 0);
	assert_string_equal(line, "0123456789abcdef");
	assert_int_equal(first_line("0123456789abcdef\n", 17, line, 16), -1);
	assert_int_equal(first_line("key\0x\n", 6, line, sizeof line), -1);
	assert_int_equal(first_line("\0\n", 2, line, sizeof line), -1);
	assert_int_equal(first_line("\n", 1, line, sizeof line), 0);
	assert_string_equal(line, "");
}

/* A key must be the whole of what stands before the first space. */
static void
test_field_under_its_exact_key(void **state)
{
	const char text[] = "keyvalue\nkey\nkeys x\n key x\nkey  x\n";
	char buf[256], line[32], err[ERR_LEN];
	struct sealed s;
	size_t len;

	(void)state;
	memcpy(buf, text, sizeof text - 1);
	len = sealed_close(buf, sizeof text - 1, sizeof buf);
	assert_int_equal(sealed_open(&s, buf, len, err), 0);
	assert_null(sealed_field(&s, "key", line, sizeof line));
	assert_null(sealed_field(&s, "key", line, sizeof line));
	assert_null(sealed_field(&s, "key", line, sizeof line));
	assert_null(sealed_field(&s, "key", line, sizeof line));
	assert_string_equal(sealed_field(&s, "key", line, sizeof line), " x");
	assert_true(sealed_done(&s));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_close_needs_room_for_the_seal),
		cmocka_unit_test(test_lines_read_back_in_order),
		cmocka_unit_test(test_empty_text),
		cmocka_unit_test(test_every_cut_and_flip_is_refused),
		cmocka_unit_test(test_seal_on_its_own_last_line),
		cmocka_unit_test(test_lines_that_do_not_read),
		cmocka_unit_test(test_field_under_its_exact_key),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
