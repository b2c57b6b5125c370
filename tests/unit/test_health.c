/*
 * test_health.c: the fitness rule of `wardenctl health` (health.h), the
 * mark each durable file keeps (health_mark.h) and the line wardenctl
 * prints (ctl_health.h). The edges first: no device configured is no
 * reason; a streak of failures keeps its first time; every reason at
 * once fits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ctl_health.h"
#include "health.h"
#include "json.h"

/* 2026-12-06T04:00:00Z */
#define T0 1796529600.0

/* Healthy: single, every file saved, devices reachable. */
static void
healthy(struct health *h)
{
	memset(h, 0, sizeof *h);
	h->role = "single";
	h->files[0].name = "state";
	h->files[1].name = "holds";
	h->n_files = 2;
	h->devices_configured = 2;
	h->devices_reachable = 2;
}

static void
test_mark_streak_keeps_first_time(void **state)
{
	struct health_mark m;

	(void)state;
	memset(&m, 0, sizeof m);
	health_mark_fail(&m, T0, "write: No space left on device");
	health_mark_fail(&m, T0 + 5, "write: Input/output error");
	assert_true(m.failed);
	assert_true(m.since == T0);
	assert_string_equal(m.error, "write: Input/output error");
	health_mark_ok(&m);
	assert_false(m.failed);
	assert_true(m.since == 0);
	assert_string_equal(m.error, "");
	/* A new streak, a new time. */
	health_mark_fail(&m, T0 + 9, NULL);
	assert_true(m.since == T0 + 9);
	assert_string_equal(m.error, "unknown error");
	health_mark_outcome(&m, T0 + 10, NULL);
	assert_false(m.failed);
	health_mark_outcome(&m, T0 + 11, "rename: EPERM");
	assert_true(m.failed && m.since == T0 + 11);
	health_mark_fail(&m, T0 + 12, "");
	assert_string_equal(m.error, "unknown error");
}

/* No device configured: nothing to reach, no reason; one of several
 * reachable is enough. */
static void
test_devices_edges(void **state)
{
	struct health h;
	struct health_reasons r;

	(void)state;
	healthy(&h);
	h.devices_configured = 0;
	h.devices_reachable = 0;
	health_judge(&h, &r);
	assert_int_equal(r.n, 0);
	h.devices_configured = 3;
	h.devices_reachable = 1;
	health_judge(&h, &r);
	assert_int_equal(r.n, 0);
	h.devices_reachable = 0;
	health_judge(&h, &r);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.text[0], "no device reachable (3 configured)");
}

static void
test_fit_when_all_ok(void **state)
{
	struct health h;
	struct health_reasons r;

	(void)state;
	healthy(&h);
	health_judge(&h, &r);
	assert_int_equal(r.n, 0);
	/* The role is never a reason: keepalived sets it from this. */
	h.role = "fault";
	health_judge(&h, &r);
	assert_int_equal(r.n, 0);
}

/* Every reason at once, in the rule's order, each whole. */
static void
test_every_reason(void **state)
{
	struct health h;
	struct health_reasons r;
	char long_error[ERR_LEN];

	(void)state;
	healthy(&h);
	memset(long_error, 'x', sizeof long_error - 1);
	long_error[sizeof long_error - 1] = '\0';
	health_mark_fail(&h.audit, T0, "audit log /a: write: EPERM");
	health_mark_fail(&h.files[0].mark, T0 + 1, long_error);
	health_mark_fail(&h.files[1].mark, T0 + 2.5, "rename: EISDIR");
	h.files[2].name = "role";
	health_mark_fail(&h.files[2].mark, T0 + 3, "rename: EROFS");
	h.n_files = 3;
	h.devices_reachable = 0;
	health_judge(&h, &r);
	assert_int_equal(r.n, HEALTH_REASONS_MAX);
	assert_string_equal(r.text[0], "audit log not writable since "
	    "2026-12-06T04:00:00.000000Z: audit log /a: write: EPERM");
	assert_non_null(strstr(r.text[1], "state_dir/state not saved since "
	    "2026-12-06T04:00:01.000000Z: xxx"));
	/* The longest error is kept whole. */
	assert_int_equal(strlen(strchr(r.text[1], 'x')), ERR_LEN - 1);
	assert_string_equal(r.text[2], "state_dir/holds not saved since "
	    "2026-12-06T04:00:02.500000Z: rename: EISDIR");
	assert_string_equal(r.text[3], "state_dir/role not saved since "
	    "2026-12-06T04:00:03.000000Z: rename: EROFS");
	assert_string_equal(r.text[4], "no device reachable (2 configured)");
}

/* A time beyond what the format can say is "?", not garbage. */
static void
test_time_out_of_range(void **state)
{
	struct health h;
	struct health_reasons r;

	(void)state;
	healthy(&h);
	health_mark_fail(&h.audit, 1e15, "write: EIO");
	health_judge(&h, &r);
	assert_string_equal(r.text[0],
	    "audit log not writable since ?: write: EIO");
}

static void
render(const struct health *h, struct json *out)
{
	struct health_reasons r;

	health_judge(h, &r);
	json_init(out);
	json_object_begin(out);
	health_json(h, &r, out);
	json_object_end(out);
	assert_false(json_failed(out));
}

/* The answer's shape, exactly as wardenctl(8) gives it. */
static void
test_json_shape(void **state)
{
	struct health h;
	struct json out;
	char *text;

	(void)state;
	healthy(&h);
	render(&h, &out);
	text = strndup(out.data, out.len);
	assert_string_equal(text, "{\"fit\":true,\"reasons\":[],"
	    "\"role\":\"single\","
	    "\"audit\":{\"ok\":true,\"error\":null,\"since\":null},"
	    "\"state_files\":{"
	    "\"state\":{\"ok\":true,\"error\":null,\"since\":null},"
	    "\"holds\":{\"ok\":true,\"error\":null,\"since\":null}},"
	    "\"devices\":{\"configured\":2,\"reachable\":2}}");
	free(text);
	json_free(&out);

	h.role = "standby";
	health_mark_fail(&h.files[1].mark, T0, "say \"no\"");
	h.devices_reachable = 1;
	render(&h, &out);
	text = strndup(out.data, out.len);
	assert_string_equal(text, "{\"fit\":false,\"reasons\":["
	    "\"state_dir/holds not saved since 2026-12-06T04:00:00.000000Z: "
	    "say \\\"no\\\"\"],"
	    "\"role\":\"standby\","
	    "\"audit\":{\"ok\":true,\"error\":null,\"since\":null},"
	    "\"state_files\":{"
	    "\"state\":{\"ok\":true,\"error\":null,\"since\":null},"
	    "\"holds\":{\"ok\":false,\"error\":\"say \\\"no\\\"\","
	    "\"since\":\"2026-12-06T04:00:00.000000Z\"}},"
	    "\"devices\":{\"configured\":2,\"reachable\":1}}");
	free(text);
	json_free(&out);
}

/* What wardenctl health prints of an answer, and what it returns. */
static int
show(const char *answer, char *line, size_t cap)
{
	struct json_value v;
	const char *why;
	size_t at;
	FILE *f;
	int rc;

	assert_int_equal(json_parse(answer, strlen(answer), &v, &at, &why),
	    0);
	memset(line, 0, cap);
	assert_non_null(f = fmemopen(line, cap - 1, "w"));
	rc = ctl_health_show(f, &v);
	fclose(f);
	assert_int_equal(ctl_health_fit(&v), rc);
	return rc;
}

static void
test_ctl_line(void **state)
{
	char line[1024];

	(void)state;
	assert_int_equal(show("{\"ok\":true,\"fit\":true,\"reasons\":[]}",
	    line, sizeof line), 1);
	assert_string_equal(line, "fit\n");
	assert_int_equal(show("{\"fit\":false,\"reasons\":[\"a\",\"b \\\"c\\\"\"]}",
	    line, sizeof line), 0);
	assert_string_equal(line, "unfit: a; b \"c\"\n");
	assert_int_equal(show("{\"fit\":false,\"reasons\":[]}", line,
	    sizeof line), 0);
	assert_string_equal(line, "unfit\n");
	/* Neither: nothing printed, -1 (an older wardend, a bad answer). */
	assert_int_equal(show("{\"ok\":true}", line, sizeof line), -1);
	assert_string_equal(line, "");
	assert_int_equal(show("{\"fit\":\"yes\"}", line, sizeof line), -1);
	assert_string_equal(line, "");
	/* A reason that is not a string is left out. */
	assert_int_equal(show("{\"fit\":false,\"reasons\":[1,\"d\"]}", line,
	    sizeof line), 0);
	assert_string_equal(line, "unfit: d\n");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mark_streak_keeps_first_time),
		cmocka_unit_test(test_devices_edges),
		cmocka_unit_test(test_fit_when_all_ok),
		cmocka_unit_test(test_every_reason),
		cmocka_unit_test(test_time_out_of_range),
		cmocka_unit_test(test_json_shape),
		cmocka_unit_test(test_ctl_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
