/*
 * test_console_action.c: the browser's requests as wardend's
 * (console_action.h): each command passed on with "as", its members
 * checked and nothing else passed, every refusal a sentence; wardend's
 * answers and rights read back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "console_action.h"

static struct session_user alice;

static int
setup(void **state)
{
	(void)state;
	memset(&alice, 0, sizeof alice);
	snprintf(alice.user, sizeof alice.user, "alice");
	snprintf(alice.groups[0], sizeof alice.groups[0], "wardenop");
	snprintf(alice.groups[1], sizeof alice.groups[1], "users");
	alice.n_groups = 2;
	return 0;
}

/* The request for body, or NULL with err. */
static const char *
request(const char *body, struct json *out, char err[ERR_LEN])
{
	struct json_value v;
	const char *why;
	size_t at;

	assert_int_equal(json_parse(body, strlen(body), &v, &at, &why), 0);
	json_clear(out);
	if (action_request(&v, &alice, out, err) == -1)
		return NULL;
	return out->data;
}

static void
test_passed_on(void **state)
{
	char err[ERR_LEN];
	struct json j;

	(void)state;
	json_init(&j);
	assert_string_equal(request("{\"csrf\":\"x\",\"cmd\":\"takeover\","
	    "\"reason\":\"pump 2\"}", &j, err),
	    "{\"cmd\":\"takeover\",\"reason\":\"pump 2\",\"as\":{\"user\":"
	    "\"alice\",\"groups\":[\"wardenop\",\"users\"]}}");
	assert_string_equal(request("{\"cmd\":\"shelve\",\"point\":\"level\","
	    "\"for\":1800,\"reason\":\"sensor\",\"extra\":1}", &j, err),
	    "{\"cmd\":\"shelve\",\"point\":\"level\",\"for\":1800,"
	    "\"reason\":\"sensor\",\"as\":{\"user\":\"alice\",\"groups\":"
	    "[\"wardenop\",\"users\"]}}");
	assert_string_equal(request("{\"cmd\":\"ack\",\"point\":\"level\"}",
	    &j, err), "{\"cmd\":\"ack\",\"point\":\"level\",\"as\":{\"user\":"
	    "\"alice\",\"groups\":[\"wardenop\",\"users\"]}}");
	/* "as" from the browser is not passed on: the console's is. */
	assert_non_null(request("{\"cmd\":\"release\",\"reason\":\"ok\","
	    "\"as\":{\"user\":\"root\",\"groups\":[\"root\"]}}", &j, err));
	assert_null(strstr(j.data, "root"));
	json_free(&j);
}

static void
test_refused(void **state)
{
	static const struct {
		const char *body, *says;
	} bad[] = {
		{ "{}", "names no command" },
		{ "[1]", "names no command" },
		{ "{\"cmd\":\"reload\"}", "does not pass on" },
		{ "{\"cmd\":\"status\"}", "does not pass on" },
		{ "{\"cmd\":\"takeover\"}", "needs a reason" },
		{ "{\"cmd\":\"takeover\",\"reason\":\"\"}", "" },
		{ "{\"cmd\":\"takeover\",\"reason\":\"a\\nb\"}", "" },
		{ "{\"cmd\":\"takeover\",\"reason\":7}", "must be a string" },
		{ "{\"cmd\":\"ack\"}", "needs the point" },
		{ "{\"cmd\":\"ack\",\"point\":\"\"}", "needs the point" },
		{ "{\"cmd\":\"shelve\",\"point\":\"level\",\"reason\":\"x\"}",
		    "needs how long" },
		{ "{\"cmd\":\"shelve\",\"point\":\"level\",\"for\":0,"
		    "\"reason\":\"x\"}", "needs how long" },
		{ "{\"cmd\":\"bypass\",\"point\":\"level\",\"for\":1.5,"
		    "\"reason\":\"x\"}", "needs how long" },
		{ "{\"cmd\":\"bypass\",\"point\":\"level\",\"for\":9999999,"
		    "\"reason\":\"x\"}", "needs how long" },
		{ "{\"cmd\":\"bypass\",\"point\":\"level\",\"for\":60}",
		    "needs a reason" },
	};
	char err[ERR_LEN], big[300];
	struct json j;
	size_t i;

	(void)state;
	json_init(&j);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_null(request(bad[i].body, &j, err));
		assert_true(strlen(err) > 0);
		assert_non_null(strstr(err, bad[i].says));
		assert_int_equal(j.len, 0);
	}
	snprintf(big, sizeof big, "{\"cmd\":\"ack\",\"point\":\"%0100d\"}", 0);
	assert_null(request(big, &j, err));
	assert_non_null(strstr(err, "at most 63 bytes"));
	json_free(&j);
}

static void
test_answers(void **state)
{
	static const char ok[] = "{\"ok\":true,\"acked\":2}";
	static const char no[] = "{\"ok\":false,\"error\":\"release: trip "
	    "active: level high_high\"}";
	static const char rights[] = "{\"ok\":true,\"user\":\"alice\","
	    "\"rights\":[\"view\",\"takeover\",\"fly\"]}";
	char err[ERR_LEN];
	struct json j;

	(void)state;
	assert_int_equal(action_answer(ok, strlen(ok), err), 1);
	assert_int_equal(action_answer(no, strlen(no), err), 0);
	assert_string_equal(err, "release: trip active: level high_high");
	assert_int_equal(action_answer("{\"ok\":false}", 12, err), 0);
	assert_non_null(strstr(err, "without saying why"));
	assert_int_equal(action_answer("nonsense", 8, err), -1);
	assert_int_equal(action_answer("{\"ok\":1}", 8, err), -1);
	assert_int_equal(action_rights(rights, strlen(rights)),
	    RIGHT_VIEW | RIGHT_TAKEOVER);
	assert_int_equal(action_rights(ok, strlen(ok)), 0);
	json_init(&j);
	action_login_request(&alice, 1, "from 192.0.2.7", &j);
	assert_string_equal(j.data, "{\"cmd\":\"login\",\"as\":{\"user\":"
	    "\"alice\",\"groups\":[\"wardenop\",\"users\"]},\"reason\":"
	    "\"from 192.0.2.7\"}");
	json_clear(&j);
	/* PAM's words are made one line. */
	action_login_request(&alice, 0, "from ::1: bad\npassword", &j);
	assert_non_null(strstr(j.data, "\"cmd\":\"login_failed\""));
	assert_non_null(strstr(j.data, "\"reason\":\"from ::1: bad "
	    "password\""));
	json_clear(&j);
	action_rights_request(&alice, &j);
	assert_string_equal(j.data, "{\"cmd\":\"rights\",\"as\":{\"user\":"
	    "\"alice\",\"groups\":[\"wardenop\",\"users\"]}}");
	json_free(&j);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_passed_on),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_answers),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
