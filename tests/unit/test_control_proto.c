/*
 * test_control_proto.c: the control protocol parser and writer: every
 * command, every way a request can be wrong, the edges of the limits,
 * hostile bytes, and that what wardenctl writes is what wardend reads.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control_proto.h"
#include "json.h"

static int
parse(const char *line, struct control_request *req)
{
	char err[ERR_LEN];

	return control_parse(line, strlen(line), req, err);
}

/* The request must be refused, with nothing of it kept but the name,
 * and an error that mentions `needle`. */
static void
assert_refused(const char *line, size_t len, const char *needle,
    const char *name)
{
	struct control_request req;
	char err[ERR_LEN];

	memset(&req, 0x55, sizeof req);
	memset(err, 0x55, sizeof err);
	assert_int_equal(control_parse(line, len, &req, err), -1);
	assert_int_equal(req.command, CONTROL_NONE);
	assert_string_equal(req.reason, "");
	if (strstr(err, needle) == NULL)
		fail_msg("error \"%s\" does not mention \"%s\"", err,
		    needle);
	assert_string_equal(req.name, name);
}

static void
refused(const char *line, const char *needle, const char *name)
{
	assert_refused(line, strlen(line), needle, name);
}

static void
test_commands(void **state)
{
	struct control_request req;
	const char *status = "{\"cmd\":\"status\"}";
	char err[ERR_LEN];

	(void)state;
	memset(err, 0x55, sizeof err);
	assert_int_equal(control_parse(status, strlen(status), &req, err), 0);
	assert_int_equal(req.command, CONTROL_STATUS);
	assert_string_equal(req.name, "status");
	assert_string_equal(err, "");
	assert_int_equal(parse("{\"cmd\":\"reload\"}", &req), 0);
	assert_int_equal(req.command, CONTROL_RELOAD);
	assert_int_equal(parse("{\"cmd\":\"takeover\",\"reason\":\"pump 2\"}",
	    &req), 0);
	assert_int_equal(req.command, CONTROL_TAKEOVER);
	assert_string_equal(req.reason, "pump 2");
	assert_int_equal(parse("{\"reason\":\"done\",\"cmd\":\"release\"}",
	    &req), 0);
	assert_int_equal(req.command, CONTROL_RELEASE);
	assert_string_equal(req.reason, "done");
}

/* The alarm commands: a point, a length of time, reasons required or
 * optional; the edges of each first. */
static void
test_alarm_commands(void **state)
{
	struct control_request req;

	(void)state;
	refused("{\"cmd\":\"ack\"}", "ack needs a point", "ack");
	refused("{\"cmd\":\"ack\",\"point\":\"\"}", "must name a point",
	    "ack");
	refused("{\"cmd\":\"ack\",\"point\":\"le vel\"}",
	    "must name a point", "ack");
	refused("{\"cmd\":\"ack\",\"point\":7}", "must name a point", "ack");
	assert_int_equal(parse("{\"cmd\":\"ack\",\"point\":\"level\"}",
	    &req), 0);
	assert_int_equal(req.command, CONTROL_ACK);
	assert_string_equal(req.point, "level");
	assert_string_equal(req.reason, "");
	/* An optional reason, when given, is checked as any reason. */
	refused("{\"cmd\":\"ack\",\"point\":\"level\",\"reason\":\" \"}",
	    "reason is empty", "ack");
	refused("{\"cmd\":\"shelve\",\"point\":\"level\",\"reason\":\"x\"}",
	    "shelve needs a length of time", "shelve");
	refused("{\"cmd\":\"shelve\",\"point\":\"level\",\"for\":0,"
	    "\"reason\":\"x\"}", "above 0", "shelve");
	refused("{\"cmd\":\"shelve\",\"point\":\"level\",\"for\":-5,"
	    "\"reason\":\"x\"}", "above 0", "shelve");
	refused("{\"cmd\":\"shelve\",\"point\":\"level\",\"for\":\"30m\","
	    "\"reason\":\"x\"}", "above 0", "shelve");
	refused("{\"cmd\":\"bypass\",\"point\":\"level\",\"for\":60}",
	    "bypass needs a reason", "bypass");
	assert_int_equal(parse("{\"cmd\":\"bypass\",\"point\":\"level\","
	    "\"for\":0.5,\"reason\":\"calibration\"}", &req), 0);
	assert_int_equal(req.command, CONTROL_BYPASS);
	assert_true(req.seconds == 0.5);
	assert_int_equal(parse("{\"cmd\":\"unbypass\",\"point\":\"level\"}",
	    &req), 0);
	assert_int_equal(req.command, CONTROL_UNBYPASS);
	assert_int_equal(parse("{\"cmd\":\"subscribe\"}", &req), 0);
	assert_int_equal(req.command, CONTROL_SUBSCRIBE);
	assert_int_equal(parse("{\"cmd\":\"rights\"}", &req), 0);
	assert_int_equal(req.command, CONTROL_RIGHTS_OF);
	/* keepalived's question: a look, as status is; it reads nothing
	 * more. */
	assert_int_equal(parse("{\"cmd\":\"health\",\"reason\":\"x\"}",
	    &req), 0);
	assert_int_equal(req.command, CONTROL_HEALTH);
	assert_string_equal(req.reason, "");
	assert_int_equal(control_command_right(CONTROL_HEALTH),
	    control_command_right(CONTROL_STATUS));
}

/* learn: "margin" a percentage, optional (10), 0 to 1000; written
 * again, read back the same; no other command reads it. */
static void
test_learn_margin(void **state)
{
	struct control_request req, again;
	struct json j;
	char err[ERR_LEN];

	(void)state;
	assert_int_equal(parse("{\"cmd\":\"learn\"}", &req), 0);
	assert_int_equal(req.command, CONTROL_LEARN);
	assert_true(req.margin == CONTROL_MARGIN_DEFAULT);
	assert_int_equal(control_command_right(CONTROL_LEARN),
	    CONTROL_RIGHT_VIEW);
	assert_int_equal(parse("{\"cmd\":\"learn\",\"margin\":0}", &req),
	    0);
	assert_true(req.margin == 0);
	assert_int_equal(parse("{\"cmd\":\"learn\",\"margin\":1000}",
	    &req), 0);
	assert_true(req.margin == 1000);
	refused("{\"cmd\":\"learn\",\"margin\":1000.5}", "from 0 to 1000",
	    "learn");
	refused("{\"cmd\":\"learn\",\"margin\":-0.1}", "percentage",
	    "learn");
	refused("{\"cmd\":\"learn\",\"margin\":\"10%\"}", "percentage",
	    "learn");
	refused("{\"cmd\":\"learn\",\"margin\":null}", "percentage",
	    "learn");
	refused("{\"cmd\":\"learn\",\"margin\":1,\"margin\":2}",
	    "given twice", "");
	assert_int_equal(parse("{\"cmd\":\"status\",\"margin\":\"x\"}",
	    &req), 0);
	assert_true(req.margin == 0);
	assert_int_equal(parse("{\"cmd\":\"learn\",\"margin\":12.5}",
	    &req), 0);
	json_init(&j);
	control_request_write_full(&j, &req);
	assert_false(json_failed(&j));
	assert_int_equal(control_parse(j.data, j.len, &again, err), 0);
	assert_int_equal(again.command, CONTROL_LEARN);
	assert_true(again.margin == 12.5);
	json_free(&j);
}

/* "as": a user and the names of their groups, nothing else. */
static void
test_as(void **state)
{
	struct control_request req;

	(void)state;
	assert_int_equal(parse("{\"cmd\":\"status\",\"as\":{\"user\":"
	    "\"alice\",\"groups\":[\"ops\",\"users\"]}}", &req), 0);
	assert_true(req.has_as);
	assert_string_equal(req.as.user, "alice");
	assert_int_equal(req.as.n_groups, 2);
	assert_string_equal(req.as.groups[1], "users");
	assert_int_equal(parse("{\"cmd\":\"status\",\"as\":{\"user\":"
	    "\"bob\"}}", &req), 0);
	assert_int_equal(req.as.n_groups, 0);
	refused("{\"cmd\":\"status\",\"as\":\"alice\"}", "\"as\" must be",
	    "status");
	refused("{\"cmd\":\"status\",\"as\":{\"user\":\"a b\"}}",
	    "\"as\" must be", "status");
	refused("{\"cmd\":\"status\",\"as\":{\"user\":\"a\",\"groups\":"
	    "\"ops\"}}", "array of group names", "status");
	refused("{\"cmd\":\"status\",\"as\":{\"user\":\"a\",\"groups\":"
	    "[1]}}", "each group must be a name", "status");
	refused("{\"cmd\":\"status\",\"as\":{},\"as\":{}}", "given twice",
	    "");
}

static void
test_whitespace_and_crlf(void **state)
{
	struct control_request req;

	(void)state;
	assert_int_equal(parse(" \t{ \"cmd\" : \"status\" }\r", &req), 0);
	assert_int_equal(req.command, CONTROL_STATUS);
	/* A reason keeps its inner and outer spaces: it is quoted text. */
	assert_int_equal(parse("{\"cmd\":\"takeover\",\"reason\":\" a  b \"}",
	    &req), 0);
	assert_string_equal(req.reason, " a  b ");
}

static void
test_reason_ignored_where_not_needed(void **state)
{
	struct control_request req;

	(void)state;
	/* Even a reason that would be refused: it is not read at all. */
	assert_int_equal(parse("{\"cmd\":\"status\",\"reason\":\"\"}", &req),
	    0);
	assert_string_equal(req.reason, "");
	assert_int_equal(parse("{\"cmd\":\"reload\",\"reason\":42}", &req), 0);
	assert_int_equal(req.command, CONTROL_RELOAD);
}

static void
test_missing_or_empty_reason(void **state)
{
	(void)state;
	refused("{\"cmd\":\"takeover\"}", "takeover needs a reason",
	    "takeover");
	refused("{\"cmd\":\"release\"}", "release needs a reason", "release");
	refused("{\"cmd\":\"release\",\"reason\":\"\"}", "reason is empty",
	    "release");
	refused("{\"cmd\":\"release\",\"reason\":\"   \"}", "reason is empty",
	    "release");
	refused("{\"cmd\":\"takeover\",\"reason\":null}", "must be a string",
	    "takeover");
	refused("{\"cmd\":\"takeover\",\"reason\":7}", "must be a string",
	    "takeover");
	refused("{\"cmd\":\"takeover\",\"reason\":[\"x\"]}",
	    "must be a string", "takeover");
}

static void
test_unknown_command(void **state)
{
	(void)state;
	refused("{\"cmd\":\"shutdown\"}", "unknown command \"shutdown\"",
	    "shutdown");
	refused("{\"cmd\":\"STATUS\"}", "unknown command", "STATUS");
	refused("{\"cmd\":\"\"}", "unknown command", "");
	refused("{\"cmd\":\"status \"}", "unknown command", "status ");
	/* A NUL inside does not make "status\0x" the status command. */
	refused("{\"cmd\":\"status\\u0000x\"}", "must be a string", "");
	refused("{}", "no \"cmd\"", "");
	refused("{\"command\":\"status\"}", "no \"cmd\"", "");
	refused("{\"cmd\":42}", "must be a string", "");
	refused("{\"cmd\":null}", "must be a string", "");
	refused("{\"cmd\":[\"status\"]}", "must be a string", "");
	refused("{\"cmd\":{\"name\":\"status\"}}", "must be a string", "");
}

static void
test_escaped_command_name(void **state)
{
	struct control_request req;

	(void)state;
	assert_int_equal(parse("{\"cmd\":\"st\\u0061tus\"}", &req), 0);
	assert_int_equal(req.command, CONTROL_STATUS);
	assert_int_equal(parse("{\"\\u0063md\":\"status\"}", &req), 0);
	assert_int_equal(req.command, CONTROL_STATUS);
}

static void
test_malformed_json(void **state)
{
	(void)state;
	refused("", "not valid JSON", "");
	refused("   ", "not valid JSON", "");
	refused("{\"cmd\":\"status\"", "not valid JSON", "");
	refused("{\"cmd\":\"status\"} x", "not valid JSON", "");
	refused("{\"cmd\":\"status\"}{\"cmd\":\"status\"}", "not valid JSON",
	    "");
	refused("{'cmd':'status'}", "not valid JSON", "");
	refused("{cmd:status}", "not valid JSON", "");
	refused("{\"cmd\":\"status\",}", "not valid JSON", "");
	refused("status", "not valid JSON", "");
	refused("{\"cmd\":\"st\xff\"}", "not valid JSON", "");
	refused("{\"cmd\":\"takeover\",\"reason\":\"a\\x\"}", "not valid JSON",
	    "");
}

static void
test_not_an_object(void **state)
{
	(void)state;
	refused("[\"status\"]", "a request is a JSON object", "");
	refused("\"status\"", "a request is a JSON object", "");
	refused("42", "a request is a JSON object", "");
	refused("null", "a request is a JSON object", "");
	refused("true", "a request is a JSON object", "");
}

static void
test_reason_length_edge(void **state)
{
	struct control_request req;
	char line[CONTROL_REASON_MAX + 64];
	char reason[CONTROL_REASON_MAX + 1];

	(void)state;
	memset(reason, 'r', CONTROL_REASON_MAX - 1);
	reason[CONTROL_REASON_MAX - 1] = '\0';
	snprintf(line, sizeof line, "{\"cmd\":\"takeover\",\"reason\":\"%s\"}",
	    reason);
	assert_int_equal(parse(line, &req), 0);
	assert_int_equal(strlen(req.reason), CONTROL_REASON_MAX - 1);

	memset(reason, 'r', CONTROL_REASON_MAX);
	reason[CONTROL_REASON_MAX] = '\0';
	snprintf(line, sizeof line, "{\"cmd\":\"takeover\",\"reason\":\"%s\"}",
	    reason);
	refused(line, "keep it under 256", "takeover");
}

static void
test_line_length_edge(void **state)
{
	struct control_request req;
	char *line = malloc(CONTROL_LINE_MAX + 2), err[ERR_LEN];
	const char *head = "{\"cmd\":\"status\",\"pad\":\"";
	size_t n;

	(void)state;
	assert_non_null(line);
	/* Exactly CONTROL_LINE_MAX bytes: accepted. */
	n = strlen(head);
	memcpy(line, head, n);
	memset(line + n, 'x', CONTROL_LINE_MAX - n - 2);
	memcpy(line + CONTROL_LINE_MAX - 2, "\"}", 2);
	assert_int_equal(control_parse(line, CONTROL_LINE_MAX, &req, err), 0);
	assert_int_equal(req.command, CONTROL_STATUS);
	/* One more byte (a space the parser would otherwise accept). */
	line[CONTROL_LINE_MAX] = ' ';
	assert_refused(line, CONTROL_LINE_MAX + 1, "longer than 4096", "");
	free(line);
}

static void
test_huge_reason_in_long_line(void **state)
{
	char *line = malloc(CONTROL_LINE_MAX + 1);
	const char *head = "{\"cmd\":\"release\",\"reason\":\"";
	size_t n = strlen(head);

	(void)state;
	assert_non_null(line);
	memcpy(line, head, n);
	memset(line + n, 'y', CONTROL_LINE_MAX - n - 2);
	memcpy(line + CONTROL_LINE_MAX - 2, "\"}", 2);
	assert_refused(line, CONTROL_LINE_MAX, "keep it under", "release");
	free(line);
}

static void
test_embedded_nul_and_control_bytes(void **state)
{
	static const char raw_nul[] =
	    "{\"cmd\":\"takeover\",\"reason\":\"a\0b\"}";
	static const char nul_after[] = "{\"cmd\":\"status\"}\0";

	(void)state;
	/* Raw bytes below 0x20 are not JSON inside a string or outside. */
	assert_refused(raw_nul, sizeof raw_nul - 1, "not valid JSON", "");
	assert_refused(nul_after, sizeof nul_after - 1, "not valid JSON", "");
	refused("{\"cmd\":\"takeover\",\"reason\":\"a\nb\"}", "not valid JSON",
	    "");
	/* Escaped, they are JSON, but not a reason. */
	refused("{\"cmd\":\"takeover\",\"reason\":\"a\\u0000b\"}",
	    "\\u0000", "takeover");
	refused("{\"cmd\":\"takeover\",\"reason\":\"line\\nbreak\"}",
	    "control character", "takeover");
	refused("{\"cmd\":\"takeover\",\"reason\":\"tab\\there\"}",
	    "control character", "takeover");
	refused("{\"cmd\":\"takeover\",\"reason\":\"\\u001b[2J\"}",
	    "control character", "takeover");
	refused("{\"cmd\":\"takeover\",\"reason\":\"del\\u007f\"}",
	    "control character", "takeover");
	refused("{\"cmd\":\"takeover\",\"reason\":\"csi\\u009b\"}",
	    "control character", "takeover");
	refused("{\"cmd\":\"takeover\",\"reason\":\"\\ud800\"}",
	    "unpaired surrogate", "takeover");
}

static void
test_unicode_reason(void **state)
{
	struct control_request req;

	(void)state;
	assert_int_equal(parse("{\"cmd\":\"takeover\",\"reason\":"
	    "\"Pumpe pr\xc3\xbc" "fen \\u00e9 \\ud83d\\ude00\"}", &req), 0);
	assert_string_equal(req.reason,
	    "Pumpe pr\xc3\xbc" "fen \xc3\xa9 \xf0\x9f\x98\x80");
	/* U+00A0 follows the C1 range: allowed. */
	assert_int_equal(parse("{\"cmd\":\"takeover\",\"reason\":"
	    "\"a\\u00a0b\"}", &req), 0);
}

static void
test_extra_fields_ignored(void **state)
{
	struct control_request req;

	(void)state;
	assert_int_equal(parse("{\"version\":2,\"cmd\":\"status\",\"x\":{\"a\":"
	    "[1,null,true]},\"id\":\"42\"}", &req), 0);
	assert_int_equal(req.command, CONTROL_STATUS);
	assert_int_equal(parse("{\"cmd\":\"release\",\"reason\":\"ok\","
	    "\"force\":true}", &req), 0);
	assert_int_equal(req.command, CONTROL_RELEASE);
	/* Unknown keys may repeat; they are not read. */
	assert_int_equal(parse("{\"x\":1,\"x\":2,\"cmd\":\"reload\"}", &req),
	    0);
}

static void
test_duplicate_members(void **state)
{
	(void)state;
	refused("{\"cmd\":\"status\",\"cmd\":\"takeover\"}",
	    "\"cmd\" given twice", "");
	refused("{\"cmd\":\"status\",\"\\u0063md\":\"status\"}",
	    "\"cmd\" given twice", "");
	refused("{\"cmd\":\"release\",\"reason\":\"a\",\"reason\":\"b\"}",
	    "\"reason\" given twice", "");
}

static void
test_name_kept_short_and_printable(void **state)
{
	struct control_request req;
	const char *escapes = "{\"cmd\":\"a\\u001b[1mb\\u009bc\"}";
	char line[256], err[ERR_LEN];

	(void)state;
	snprintf(line, sizeof line, "{\"cmd\":\"%s\"}",
	    "abcdefghijklmnopqrstuvwxyz0123456789");
	assert_int_equal(parse(line, &req), -1);
	assert_string_equal(req.name, "abcdefghijklmnopqrstuvwxyz01234");
	/* 30 ASCII bytes then a 2-byte character: cut before it. */
	assert_int_equal(parse("{\"cmd\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "\xc3\xa9zz\"}", &req), -1);
	assert_string_equal(req.name, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	assert_int_equal(control_parse(escapes, strlen(escapes), &req, err),
	    -1);
	assert_string_equal(req.name, "a?[1mb??c");
	assert_non_null(strstr(err, "\"a?[1mb??c\""));
}

static void
test_reason_check(void **state)
{
	char err[ERR_LEN];

	(void)state;
	assert_int_equal(control_reason_check("valve stuck", err), 0);
	assert_int_equal(control_reason_check("", err), -1);
	assert_non_null(strstr(err, "empty"));
	assert_int_equal(control_reason_check("bad \xff byte", err), -1);
	assert_non_null(strstr(err, "UTF-8"));
	assert_int_equal(control_reason_check("\xc0\xaf", err), -1);
	assert_int_equal(control_reason_check("a\rb", err), -1);
	assert_non_null(strstr(err, "control character"));
	/* A cut multibyte sequence at the end. */
	assert_int_equal(control_reason_check("ab\xc3", err), -1);
}

static void
round_trip(enum control_command command, const char *reason)
{
	struct control_request req;
	struct json j;
	char err[ERR_LEN];

	json_init(&j);
	control_request_write(&j, command, reason);
	assert_false(json_failed(&j));
	assert_null(memchr(j.data, '\n', j.len));
	assert_int_equal(control_parse(j.data, j.len, &req, err), 0);
	assert_int_equal(req.command, command);
	assert_string_equal(req.reason,
	    control_command_needs_reason(command) ? reason : "");
	json_free(&j);
}

static void
test_write_round_trip(void **state)
{
	(void)state;
	round_trip(CONTROL_STATUS, NULL);
	round_trip(CONTROL_RELOAD, "ignored");
	round_trip(CONTROL_TAKEOVER, "quote \" backslash \\ slash /");
	round_trip(CONTROL_RELEASE, "\xc3\xa9t\xc3\xa9 \xe2\x82\xac");
}

static void
test_error_write(void **state)
{
	struct json_value root, v;
	struct json j;
	const char *why;
	char text[128];
	size_t at;

	(void)state;
	json_init(&j);
	control_error_write(&j, "bad \"thing\"\nhere");
	assert_int_equal(json_parse(j.data, j.len, &root, &at, &why), 0);
	assert_null(memchr(j.data, '\n', j.len));
	assert_int_equal(json_object_get(&root, "ok", &v), 0);
	assert_int_equal(v.type, JSON_FALSE);
	assert_int_equal(json_object_get(&root, "error", &v), 0);
	assert_true(json_get_string(&v, text, sizeof text) > 0);
	assert_string_equal(text, "bad \"thing\"\nhere");
	json_free(&j);
}

static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(control_command_name(CONTROL_STATUS), "status");
	assert_string_equal(control_command_name(CONTROL_RELOAD), "reload");
	assert_null(control_command_name(CONTROL_NONE));
	assert_null(control_command_name((enum control_command)99));
	assert_string_equal(control_command_name(CONTROL_TAKEOVER),
	    "takeover");
	assert_string_equal(control_command_name(CONTROL_RELEASE), "release");
	assert_true(control_command_needs_reason(CONTROL_TAKEOVER));
	assert_true(control_command_needs_reason(CONTROL_RELEASE));
	assert_false(control_command_needs_reason(CONTROL_STATUS));
	assert_false(control_command_needs_reason(CONTROL_RELOAD));
	assert_false(control_command_needs_reason(CONTROL_NONE));
	assert_false(control_command_needs_reason((enum control_command)99));
}

/* Each command needs exactly its own right; anything else, root's. */
static void
test_rights_of_commands(void **state)
{
	(void)state;
	assert_int_equal(control_command_right(CONTROL_STATUS),
	    CONTROL_RIGHT_VIEW);
	assert_int_equal(control_command_right(CONTROL_TAKEOVER),
	    CONTROL_RIGHT_TAKEOVER);
	assert_int_equal(control_command_right(CONTROL_RELEASE),
	    CONTROL_RIGHT_RELEASE);
	assert_int_equal(control_command_right(CONTROL_RELOAD),
	    CONTROL_RIGHT_RELOAD);
	assert_int_equal(control_command_right(CONTROL_NONE),
	    CONTROL_RIGHT_ROOT);
	assert_int_equal(control_command_right((enum control_command)99),
	    CONTROL_RIGHT_ROOT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_commands),
		cmocka_unit_test(test_alarm_commands),
		cmocka_unit_test(test_learn_margin),
		cmocka_unit_test(test_as),
		cmocka_unit_test(test_whitespace_and_crlf),
		cmocka_unit_test(test_reason_ignored_where_not_needed),
		cmocka_unit_test(test_missing_or_empty_reason),
		cmocka_unit_test(test_unknown_command),
		cmocka_unit_test(test_escaped_command_name),
		cmocka_unit_test(test_malformed_json),
		cmocka_unit_test(test_not_an_object),
		cmocka_unit_test(test_reason_length_edge),
		cmocka_unit_test(test_line_length_edge),
		cmocka_unit_test(test_huge_reason_in_long_line),
		cmocka_unit_test(test_embedded_nul_and_control_bytes),
		cmocka_unit_test(test_unicode_reason),
		cmocka_unit_test(test_extra_fields_ignored),
		cmocka_unit_test(test_duplicate_members),
		cmocka_unit_test(test_name_kept_short_and_printable),
		cmocka_unit_test(test_reason_check),
		cmocka_unit_test(test_write_round_trip),
		cmocka_unit_test(test_error_write),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_rights_of_commands),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
