/*
 * test_audit_show.c: `wardenctl audit show` on a log a real wardend
 * wrote: an AI write allowed and one rejected, start and stop; then, as
 * after a crash, torn bytes, and a record with a hostile reason written
 * by the audit writer wardend uses (audit_open() resumes past the torn
 * bytes). The filters, -n, --json byte for byte, the config's
 * audit_log when no file is named, the torn line shown and counted, and
 * no escape of the reason reaching the terminal.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <modbus.h>

#include "audit.h"
#include "ctl.h"
#include "world.h"

#define AS_BODY \
	"mode: enforce\n" \
	"initial_state: auto\n" \
	"points:\n" \
	"  - {name: valve, device: tank1, table: holding, address: 0,\n" \
	"     scale: 0.1, unit: \"%\", write: {min: 0, max: 100}}\n" \
	"takeover:\n" \
	"  safe_state:\n" \
	"    - {point: valve, value: 0}\n"
#define HOSTILE "pump\x1b[2J\x1b]0;owned\x07 \xc2\x9b" "1m\xe2\x80\xae" "done"

static struct ctl_result res;

static void
expect_in(const char *text, const char *needle)
{
	if (strstr(text, needle) == NULL)
		fail_msg("\"%s\" not in: %s", needle, text);
}

static void
expect_not_in(const char *text, const char *needle)
{
	if (strstr(text, needle) != NULL)
		fail_msg("\"%s\" in: %s", needle, text);
}

static int
count_lines(const char *text)
{
	int n = 0;

	for (; *text != '\0'; text++)
		n += *text == '\n';
	return n;
}

/* The log: wardend's records, torn bytes, audit_resumed, the hostile
 * takeover record. */
static void
make_log(struct world *w)
{
	struct audit_event ev = { .event = "takeover", .user = "mallory",
	    .cause = "operator", .reason = HOSTILE };
	char err[ERR_LEN];
	struct audit *a;
	modbus_t *ai;
	FILE *f;

	if (world_start(w, AS_BODY) != 0)
		fail_msg("wardend did not start");
	ai = world_client(w, 1, 2.0);
	assert_non_null(ai);
	assert_int_equal(modbus_write_register(ai, 0, 400), 1);
	assert_int_equal(modbus_write_register(ai, 0, 2000), -1);
	modbus_close(ai);
	modbus_free(ai);
	assert_int_equal(world_stop(w), 0);
	f = fopen(w->audit, "a");
	assert_non_null(f);
	fputs("{\"seq\":99,\"ts\":\"20", f);
	fclose(f);
	a = audit_open(w->audit, 0, err);
	if (a == NULL)
		fail_msg("audit_open: %s", err);
	assert_int_equal(audit_write(a, &ev, 1), 0);
	audit_close(a);
}

static void
test_audit_show(void **state)
{
	struct world *w = *state;
	char *log, *line, *save, cfg[WORLD_PATH_MAX], *copy;
	const unsigned char *p;
	size_t len;
	FILE *f;

	make_log(w);
	ctl_run(NULL, &res, "audit", "verify", w->audit, (char *)NULL);
	assert_int_equal(res.status, 0);

	/* everything, aligned, newest last; the torn line marked */
	setenv("TZ", "UTC", 1);
	assert_int_equal(ctl_run(NULL, &res, "audit", "show", w->audit,
	    (char *)NULL), 0);
	expect_in(res.out, "TIME (UTC)                 SEQ EVENT");
	expect_in(res.out, " write_allowed ");
	expect_in(res.out, " write_rejected ");
	expect_in(res.out, "valve ");
	expect_in(res.out, "exception=0x03");
	expect_in(res.out, "-- unreadable line ");
	expect_in(res.err, "1 unreadable line(s)");
	expect_in(res.out, " audit_resumed ");
	/* the hostile reason: escaped, never raw */
	expect_in(res.out, "reason=\"pump\\x1b[2J\\x1b]0;owned\\x07 "
	    "\\u009b1m\\u202edone\"");
	for (p = (const unsigned char *)res.out; *p != '\0'; p++) {
		assert_true(*p >= 0x20 || *p == '\n');
		assert_false(p[0] == 0xc2 && p[1] == 0x9b);
		assert_false(p[0] == 0xe2 && p[1] == 0x80 && p[2] == 0xae);
	}
	assert_true(strstr(res.out, " takeover ") > strstr(res.out,
	    " write_rejected "));

	/* --event, --point, --since, --until, -n */
	assert_int_equal(ctl_run(NULL, &res, "audit", "show", "--event",
	    "write_rejected", w->audit, (char *)NULL), 0);
	expect_in(res.out, " write_rejected ");
	expect_not_in(res.out, " write_allowed ");
	expect_not_in(res.out, " start ");
	assert_int_equal(ctl_run(NULL, &res, "audit", "show", "--event",
	    "start,stop", "--event", "takeover", w->audit, (char *)NULL), 0);
	expect_in(res.out, " start ");
	expect_in(res.out, " stop ");
	expect_in(res.out, " takeover ");
	expect_not_in(res.out, " write_");
	assert_int_equal(ctl_run(NULL, &res, "audit", "show", "--point",
	    "valve", w->audit, (char *)NULL), 0);
	expect_in(res.out, " write_allowed ");
	expect_not_in(res.out, " start ");
	assert_int_equal(ctl_run(NULL, &res, "audit", "show", "--since",
	    "1h", w->audit, (char *)NULL), 0);
	expect_in(res.out, " start ");
	assert_int_equal(ctl_run(NULL, &res, "audit", "show", "--until",
	    "1h", w->audit, (char *)NULL), 0);
	assert_string_equal(res.out, "");
	assert_int_equal(ctl_run(NULL, &res, "audit", "show", "-n", "2",
	    w->audit, (char *)NULL), 0);
	assert_int_equal(count_lines(res.out), 3);     /* header + 2 */
	expect_in(res.out, " audit_resumed ");
	expect_in(res.out, " takeover ");

	/* --json: the records' lines, byte for byte, in order */
	assert_int_equal(ctl_run(NULL, &res, "audit", "show", "--json",
	    w->audit, (char *)NULL), 0);
	f = fopen(w->audit, "r");
	assert_non_null(f);
	log = calloc(1, CTL_OUT_MAX);
	assert_non_null(log);
	len = fread(log, 1, CTL_OUT_MAX - 1, f);
	fclose(f);
	copy = strdup(log);
	assert_non_null(copy);
	log[0] = '\0';
	for (line = strtok_r(copy, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save))
		if (strncmp(line, "{\"seq\":99,", 10) != 0) {
			strcat(log, line);
			strcat(log, "\n");
		}
	assert_true(len > 0);
	assert_string_equal(res.out, log);
	expect_in(res.err, "unreadable line ");
	assert_int_equal(ctl_run(NULL, &res, "audit", "show", "--json", "-n",
	    "1", w->audit, (char *)NULL), 0);
	assert_string_equal(res.out, strrchr(log, '{'));
	free(copy);
	free(log);

	/* no file: the config's audit_log */
	assert_int_equal(ctl_run(NULL, &res, "audit", "show", "-c",
	    w->config, "--event", "takeover", (char *)NULL), 0);
	expect_in(res.out, " takeover ");
	snprintf(cfg, sizeof cfg, "%s/none.yaml", w->dir);
	assert_int_equal(ctl_run(NULL, &res, "audit", "show", "-c", cfg,
	    (char *)NULL), 1);
	expect_in(res.err, "name the log");

	/* rotated files in order; an unreadable file; usage */
	assert_int_equal(ctl_run(NULL, &res, "audit", "show", "--event",
	    "start", w->audit, w->audit, (char *)NULL), 0);
	/* header, then each file's start and its torn line (shown
	 * whatever the event filter: it might be the record looked for) */
	assert_int_equal(count_lines(res.out), 5);
	expect_in(strstr(res.out, " start ") + 1, " start ");
	assert_int_equal(ctl_run(NULL, &res, "audit", "show", cfg,
	    (char *)NULL), 1);
	expect_in(res.err, "cannot open");
	assert_int_equal(ctl_run(NULL, &res, "audit", "show", "--since",
	    "yesterday", w->audit, (char *)NULL), 2);
	assert_int_equal(ctl_run(NULL, &res, "audit", "show", "--event",
	    "Bad Name", w->audit, (char *)NULL), 2);
	assert_int_equal(ctl_run(NULL, &res, "audit", "show", "-n", "0",
	    w->audit, (char *)NULL), 2);
	assert_int_equal(ctl_run(NULL, &res, "status", "--since", "1h",
	    (char *)NULL), 2);
}

static int
as_setup(void **state)
{
	struct world *w = world_new_tank(NULL, NULL);

	return world_setup(state, w, w != NULL ? 0 : -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_audit_show, as_setup,
		    world_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
