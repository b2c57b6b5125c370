/*
 * test_console_session.c: the console's sessions (console_session.h):
 * random ids and CSRF tokens, found only by the whole id, idle and
 * absolute expiry, logout, a full table, and the token compare.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "console_session.h"

static struct session_user
user(const char *name)
{
	struct session_user u;

	memset(&u, 0, sizeof u);
	snprintf(u.user, sizeof u.user, "%s", name);
	snprintf(u.groups[0], sizeof u.groups[0], "operators");
	u.n_groups = 1;
	u.rights = RIGHT_VIEW | RIGHT_TAKEOVER;
	return u;
}

static void
test_create_and_find(void **state)
{
	struct sessions *s = sessions_new(900, 43200);
	struct session_user u = user("alice");
	char id[SESSION_TOKEN_LEN + 1], id2[SESSION_TOKEN_LEN + 1];
	char err[ERR_LEN];
	struct session_info info, found, other;

	(void)state;
	assert_int_equal(sessions_create(s, &u, 1000, id, &info, err), 0);
	assert_int_equal(strlen(id), SESSION_TOKEN_LEN);
	assert_int_equal(strspn(id, "0123456789abcdef"), SESSION_TOKEN_LEN);
	assert_int_equal(strlen(info.csrf), SESSION_TOKEN_LEN);
	assert_string_not_equal(id, info.csrf);
	assert_true(info.expires == 1900);
	assert_int_equal(sessions_find(s, id, 1001, 1, &found), 0);
	assert_string_equal(found.who.user, "alice");
	assert_string_equal(found.csrf, info.csrf);
	assert_int_equal(found.who.rights, RIGHT_VIEW | RIGHT_TAKEOVER);
	/* A second session is another id and token. */
	assert_int_equal(sessions_create(s, &u, 1000, id2, &other, err), 0);
	assert_string_not_equal(id, id2);
	assert_string_not_equal(info.csrf, other.csrf);
	/* Only the whole id finds it. */
	id[SESSION_TOKEN_LEN - 1] ^= 1;
	assert_int_equal(sessions_find(s, id, 1001, 1, &found), -1);
	id[SESSION_TOKEN_LEN - 1] ^= 1;
	id[10] = '\0';
	assert_int_equal(sessions_find(s, id, 1001, 1, &found), -1);
	assert_int_equal(sessions_find(s, "", 1001, 1, &found), -1);
	sessions_free(s);
}

static void
test_expiry(void **state)
{
	struct sessions *s = sessions_new(900, 3000);
	struct session_user u = user("bob");
	char id[SESSION_TOKEN_LEN + 1], err[ERR_LEN];
	struct session_info info;

	(void)state;
	assert_int_equal(sessions_create(s, &u, 0, id, &info, err), 0);
	/* Looking without touching does not extend it. */
	assert_int_equal(sessions_find(s, id, 800, 0, &info), 0);
	assert_int_equal(sessions_find(s, id, 899, 1, &info), 0);
	assert_true(info.expires == 1799);
	assert_int_equal(sessions_find(s, id, 1700, 1, &info), 0);
	assert_int_equal(sessions_find(s, id, 2500, 1, &info), 0);
	/* The absolute end, however busy. */
	assert_true(info.expires == 3000);
	assert_int_equal(sessions_find(s, id, 3000, 1, &info), -1);
	/* Gone for good, even if asked earlier again. */
	assert_int_equal(sessions_find(s, id, 2900, 1, &info), -1);
	assert_int_equal(sessions_create(s, &u, 0, id, &info, err), 0);
	assert_int_equal(sessions_find(s, id, 901, 1, &info), -1);
	sessions_free(s);
}

static void
test_logout_and_full(void **state)
{
	struct sessions *s = sessions_new(900, 43200);
	struct session_user u = user("carol");
	char id[SESSION_TOKEN_LEN + 1], first[SESSION_TOKEN_LEN + 1];
	char err[ERR_LEN];
	struct session_info info;
	int i;

	(void)state;
	for (i = 0; i < SESSION_MAX; i++)
		assert_int_equal(sessions_create(s, &u, 0, i ? id : first,
		    &info, err), 0);
	assert_int_equal(sessions_create(s, &u, 0, id, &info, err), -1);
	assert_non_null(strstr(err, "sessions are open"));
	assert_int_equal(sessions_end(s, first), 0);
	assert_int_equal(sessions_end(s, first), -1);
	assert_int_equal(sessions_find(s, first, 1, 1, &info), -1);
	assert_int_equal(sessions_create(s, &u, 0, id, &info, err), 0);
	/* Expired ones make room too. */
	assert_int_equal(sessions_create(s, &u, 900, id, &info, err), 0);
	sessions_free(s);
}

static void
test_token_equal(void **state)
{
	char a[SESSION_TOKEN_LEN + 1], b[SESSION_TOKEN_LEN + 1];

	(void)state;
	memset(a, 'a', SESSION_TOKEN_LEN);
	a[SESSION_TOKEN_LEN] = '\0';
	memcpy(b, a, sizeof a);
	assert_true(session_token_equal(a, b));
	b[0] = 'b';
	assert_false(session_token_equal(a, b));
	assert_false(session_token_equal(a, "aaaa"));
	assert_false(session_token_equal(a, NULL));
	assert_false(session_token_equal("", ""));
	assert_int_equal(session_right_bit("release"), RIGHT_RELEASE);
	assert_int_equal(session_right_bit("fly"), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_and_find),
		cmocka_unit_test(test_expiry),
		cmocka_unit_test(test_logout_and_full),
		cmocka_unit_test(test_token_equal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
