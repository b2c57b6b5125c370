/*
 * test_pair_role.c: a node's role in a pair (pair_role.h). The rule that
 * matters first: becoming active without proof of the peer's state takes
 * over, from standby and from fault, and nothing else does; and what
 * proves the copy of the peer's state is the latest. Then the role
 * file: it reads back what it wrote, and a torn, altered or foreign
 * file does not load.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "pair_role.h"
#include "sealed.h"

static void
test_names_round_trip(void **state)
{
	int r;

	(void)state;
	for (r = 0; r < PAIR_ROLE_COUNT; r++)
		assert_int_equal(pair_role_from_name(pair_role_name(
		    (enum pair_role)r)), r);
	assert_int_equal(pair_role_from_name(""), -1);
	assert_int_equal(pair_role_from_name("Active"), -1);
	assert_int_equal(pair_role_from_name("master"), -1);
	assert_string_equal(pair_role_name((enum pair_role)PAIR_ROLE_COUNT),
	    "unknown");
}

static void
test_only_active_serves(void **state)
{
	(void)state;
	assert_true(pair_role_serves(PAIR_ROLE_ACTIVE));
	assert_false(pair_role_serves(PAIR_ROLE_STANDBY));
	assert_false(pair_role_serves(PAIR_ROLE_FAULT));
}

static void
test_same_role_is_nothing(void **state)
{
	struct pair_role_step st;
	int r;

	(void)state;
	for (r = 0; r < PAIR_ROLE_COUNT; r++) {
		pair_role_step((enum pair_role)r, (enum pair_role)r, 0, &st);
		assert_false(st.changed);
		assert_false(st.take_over);
		assert_null(st.why);
	}
}

static void
test_active_without_proof_takes_over(void **state)
{
	struct pair_role_step st;

	(void)state;
	pair_role_step(PAIR_ROLE_STANDBY, PAIR_ROLE_ACTIVE, 0, &st);
	assert_true(st.changed);
	assert_true(st.take_over);
	assert_non_null(strstr(st.why, "from standby"));
	pair_role_step(PAIR_ROLE_FAULT, PAIR_ROLE_ACTIVE, 0, &st);
	assert_true(st.take_over);
	assert_non_null(strstr(st.why, "from fault"));
}

static void
test_active_with_proof_keeps_state(void **state)
{
	struct pair_role_step st;

	(void)state;
	pair_role_step(PAIR_ROLE_STANDBY, PAIR_ROLE_ACTIVE, 1, &st);
	assert_true(st.changed);
	assert_false(st.take_over);
	assert_null(st.why);
}

static void
test_leaving_active_never_takes_over(void **state)
{
	struct pair_role_step st;

	(void)state;
	pair_role_step(PAIR_ROLE_ACTIVE, PAIR_ROLE_STANDBY, 0, &st);
	assert_true(st.changed);
	assert_false(st.take_over);
	pair_role_step(PAIR_ROLE_ACTIVE, PAIR_ROLE_FAULT, 0, &st);
	assert_false(st.take_over);
	pair_role_step(PAIR_ROLE_STANDBY, PAIR_ROLE_FAULT, 0, &st);
	assert_true(st.changed);
	assert_false(st.take_over);
}

#define ROLE_TEXT "warden-role 1\nrole standby\n" \
	"since 2026-12-06T03:00:00.250000Z\nwho root\n"

/* The edges of the proof first: never heard, lost, a standby peer. */
static void
test_proof_refused(void **state)
{
	struct pair_copy c = { PAIR_LINK_NONE, 1, 1, 10.0 };
	char why[ERR_LEN];

	(void)state;
	assert_int_equal(pair_role_proven(&c, 10.0, 1.0, why), 0);
	assert_non_null(strstr(why, "no state"));
	c.link = PAIR_LINK_LOST;
	assert_int_equal(pair_role_proven(&c, 10.0, 1.0, why), 0);
	assert_non_null(strstr(why, "lost"));
	/* Gone, but the link was not current when it ended. */
	c.link = PAIR_LINK_GONE;
	c.ended_in_sync = 0;
	assert_int_equal(pair_role_proven(&c, 10.0, 1.0, why), 0);
	/* Live, and current, but the peer was standby: it served nothing. */
	c.link = PAIR_LINK_LIVE;
	c.peer_active = 0;
	assert_int_equal(pair_role_proven(&c, 10.0, 1.0, why), 0);
	assert_non_null(strstr(why, "not active"));
	c.link = PAIR_LINK_GONE;
	c.ended_in_sync = 1;
	assert_int_equal(pair_role_proven(&c, 10.0, 1.0, why), 0);
}

/* Live: proven up to the timeout exactly, not a moment after. */
static void
test_proof_live_until_timeout(void **state)
{
	struct pair_copy c = { PAIR_LINK_LIVE, 1, 0, 10.0 };
	char why[ERR_LEN];

	(void)state;
	assert_int_equal(pair_role_proven(&c, 10.0, 1.0, why), 1);
	assert_string_equal(why, "");
	assert_int_equal(pair_role_proven(&c, 11.0, 1.0, why), 1);
	assert_int_equal(pair_role_proven(&c, 11.001, 1.0, why), 0);
	assert_non_null(strstr(why, "old"));
}

/* Gone after a current link: proven however long ago, since a wardend
 * that does not run changes nothing. */
static void
test_proof_gone_in_sync(void **state)
{
	struct pair_copy c = { PAIR_LINK_GONE, 1, 1, 10.0 };
	char why[ERR_LEN];

	(void)state;
	assert_int_equal(pair_role_proven(&c, 10.5, 1.0, why), 1);
	assert_int_equal(pair_role_proven(&c, 3600.0, 1.0, why), 1);
}

static void
test_file_round_trip(void **state)
{
	struct pair_role_saved in = { PAIR_ROLE_FAULT, 1796526000.25, "" },
	    out;
	char buf[PAIR_ROLE_MAX], again[PAIR_ROLE_MAX], err[ERR_LEN] = "";
	size_t len;

	(void)state;
	/* A who with a backslash and a control byte comes back as it was. */
	snprintf(in.who, sizeof in.who, "ops\\a\nb");
	len = pair_role_format(&in, buf, sizeof buf);
	assert_true(len > 0);
	assert_int_equal(pair_role_parse(buf, len, &out, err), 0);
	assert_int_equal(out.role, PAIR_ROLE_FAULT);
	assert_true(out.since == in.since);
	assert_string_equal(out.who, in.who);
	assert_int_equal(pair_role_format(&out, again, sizeof again), len);
	assert_memory_equal(buf, again, len);
	assert_non_null(strstr(buf, "\nrole fault\n"));
}

static void
test_file_empty_who(void **state)
{
	struct pair_role_saved in = { PAIR_ROLE_ACTIVE, 0, "" }, out;
	char buf[PAIR_ROLE_MAX], err[ERR_LEN] = "";
	size_t len;

	(void)state;
	len = pair_role_format(&in, buf, sizeof buf);
	assert_true(len > 0);
	assert_int_equal(pair_role_parse(buf, len, &out, err), 0);
	assert_string_equal(out.who, "");
}

static void
test_file_too_small(void **state)
{
	struct pair_role_saved in = { PAIR_ROLE_STANDBY, 0, "root" };
	char buf[PAIR_ROLE_MAX];
	size_t full, size;

	(void)state;
	full = pair_role_format(&in, buf, sizeof buf);
	assert_true(full > 0);
	for (size = 0; size <= full; size++)
		assert_int_equal(pair_role_format(&in, buf, size), 0);
	assert_int_equal(pair_role_format(&in, buf, full + 1), full);
}

static void
expect_refused(const char *buf, size_t len, const char *why)
{
	struct pair_role_saved out;
	char err[ERR_LEN] = "";

	assert_int_equal(pair_role_parse(buf, len, &out, err), -1);
	if (strstr(err, why) == NULL)
		fail_msg("\"%s\" does not say \"%s\"", err, why);
}

/* text sealed as the file would be: only its content is wrong. */
static size_t
seal(const char *text, char *buf, size_t size)
{
	size_t len = strlen(text);

	assert_true(len < size);
	memcpy(buf, text, len);
	return sealed_close(buf, len, size);
}

static void
test_file_refused(void **state)
{
	struct pair_role_saved in = { PAIR_ROLE_STANDBY, 0, "root" }, out;
	char buf[PAIR_ROLE_MAX], err[ERR_LEN];
	size_t len, cut;

	(void)state;
	expect_refused("", 0, "empty");
	len = seal(ROLE_TEXT, buf, sizeof buf);
	assert_int_equal(pair_role_parse(buf, len, &out, err), 0);
	assert_int_equal(out.role, PAIR_ROLE_STANDBY);
	assert_string_equal(out.who, "root");
	expect_refused(buf, len - 1, "truncated");
	len = seal("warden-state 1\nrole standby\n", buf, sizeof buf);
	expect_refused(buf, len, "not a warden role file");
	len = seal("warden-role 1\nrole master\n", buf, sizeof buf);
	expect_refused(buf, len, "\"role\"");
	len = seal("warden-role 1\nrole active\nsince yesterday\nwho a\n",
	    buf, sizeof buf);
	expect_refused(buf, len, "\"since\"");
	len = seal("warden-role 1\nrole active\n"
	    "since 2026-12-06T03:00:00.250000Z\n", buf, sizeof buf);
	expect_refused(buf, len, "\"who\"");
	len = seal(ROLE_TEXT "extra 1\n", buf, sizeof buf);
	expect_refused(buf, len, "unexpected line");
	/* Cut anywhere, or one byte altered: refused. */
	len = pair_role_format(&in, buf, sizeof buf);
	for (cut = 0; cut < len; cut++)
		assert_int_equal(pair_role_parse(buf, cut, &out, err), -1);
	buf[20] ^= 1;
	expect_refused(buf, len, "checksum");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_round_trip),
		cmocka_unit_test(test_only_active_serves),
		cmocka_unit_test(test_same_role_is_nothing),
		cmocka_unit_test(test_active_without_proof_takes_over),
		cmocka_unit_test(test_active_with_proof_keeps_state),
		cmocka_unit_test(test_leaving_active_never_takes_over),
		cmocka_unit_test(test_proof_refused),
		cmocka_unit_test(test_proof_live_until_timeout),
		cmocka_unit_test(test_proof_gone_in_sync),
		cmocka_unit_test(test_file_round_trip),
		cmocka_unit_test(test_file_empty_who),
		cmocka_unit_test(test_file_too_small),
		cmocka_unit_test(test_file_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
