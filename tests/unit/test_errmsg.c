/*
 * test_errmsg.c: the one way an err is filled (errmsg.h): cut to
 * ERR_LEN with its NUL, and errno left as the failing call set it, so
 * that a caller can still log it.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "errmsg.h"

static void
test_message_cut_to_fit(void **state)
{
	char err[ERR_LEN + 8], long_text[2 * ERR_LEN];

	(void)state;
	memset(err, 'z', sizeof err);
	memset(long_text, 'a', sizeof long_text - 1);
	long_text[sizeof long_text - 1] = '\0';
	errmsg_set(err, "%s: %s", "path", long_text);
	assert_int_equal(strlen(err), ERR_LEN - 1);
	assert_memory_equal(err, "path: aaa", 9);
	assert_int_equal(err[ERR_LEN], 'z');
	errmsg_set(err, "cannot %s %s", "fsync", "/x");
	assert_string_equal(err, "cannot fsync /x");
}

static void
test_errno_kept(void **state)
{
	char err[ERR_LEN];

	(void)state;
	errno = ENOSPC;
	errmsg_set(err, "%s", strerror(errno));
	assert_int_equal(errno, ENOSPC);
	assert_string_equal(err, strerror(ENOSPC));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_message_cut_to_fit),
		cmocka_unit_test(test_errno_kept),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
