/*
 * test_check_config.c: `wardend -t` as a plant engineer runs it on the
 * points of the policy suites (policy_world.h): "configuration OK" and a
 * row per point with the things an engineer double-checks; every error
 * at once, each as FILE:LINE; warnings on stderr.
 */
#include "policy_world.h"

/* The config of the checks below, with the lines the errors are on. */
#define BAD_LINE_MINMAX 8
#define BAD_LINE_DEVICE 10
#define BAD_LINE_KEY 13

/* DIR/name holds the world-less part of a config, then body. */
static void
write_config(const struct policy_world *pw, const char *name,
    const char *body, char *path, size_t cap)
{
	snprintf(path, cap, "%s/%s", pw->dir, name);
	assert_int_equal(harness_write_file(path,
	    "listen: 127.0.0.1:1502\n"
	    "state_dir: %s\n"
	    "audit_log: %s/audit.jsonl\n"
	    "control: {socket: %s/control.sock}\n"
	    "devices: [{name: tank1, host: 127.0.0.1, port: 1502, unit_id: 1}]\n"
	    "%s", pw->dir, pw->dir, pw->dir, body), 0);
}

/* The row of point `name` in wardend -t output holds these words. */
static void
assert_row(const char *out, const char *name, const char *const *words)
{
	char line[512], *tok, *save = NULL;
	const char *p = out, *end;
	int at = 0;

	for (;;) {
		end = strchr(p, '\n');
		assert_non_null(end);
		snprintf(line, sizeof(line), "%.*s", (int)(end - p), p);
		if (strncmp(line, name, strlen(name)) == 0 &&
		    line[strlen(name)] == ' ')
			break;
		p = end + 1;
	}
	for (tok = strtok_r(line, " ", &save); tok && words[at];
	    tok = strtok_r(NULL, " ", &save))
		if (strstr(tok, words[at]) != NULL)
			at++;
	if (words[at] != NULL)
		fail_msg("wardend -t: row of %s lacks \"%s\":\n%s", name,
		    words[at], out);
}

/* A world without processes: a temp dir for configs. */
static int
setup_bare(void **state)
{
	struct policy_world *pw = calloc(1, sizeof(*pw));

	*state = pw;
	if (pw != NULL)
		pw->fd = -1;
	if (pw != NULL && (pw->dir = harness_tmpdir()) != NULL)
		return 0;
	free(pw);
	*state = NULL;
	return -1;
}

/*
 * wardend -t: "configuration OK", a row per point: its type, byte order,
 * scale, unit and precision, and its limits shown with that precision.
 */
static void
test_check_config_ok(void **state)
{
	struct policy_world *pw = *state;
	struct ctl_result *res = &pw->res;
	char path[WORLD_PATH_MAX];

	write_config(pw, "warden.yaml", ENFORCE_BODY, path, sizeof(path));
	ctl_run_program(res, "wardend", "-t", "-c", path, (char *)NULL);
	if (res->status != 0 || strncmp(res->out, "configuration OK\n",
	    17) != 0)
		fail_msg("wardend -t exited %d:\n%s%s", res->status, res->out,
		    res->err);
	assert_row(res->out, "valve", (const char *const[]){ "tank1",
	    "holding", "0", "uint16", "%", "0.1", "1", "min=0.0",
	    "max=100.0", "step=20.0", "reject", NULL });
	assert_row(res->out, "pump_speed", (const char *const[]){ "tank1",
	    "holding", "1", "20", "100", "clamp", NULL });
	assert_row(res->out, "setpoint", (const char *const[]){ "tank1",
	    "holding", "10", "float32", "m", "ABCD", "3", "min=-1.000",
	    "max=5.000", "rate=1.000/s", NULL });
	assert_row(res->out, "flush", (const char *const[]){ "tank1",
	    "coil", "1", "bool", "1", NULL });
	assert_row(res->out, "drain", (const char *const[]){ "coil", "2",
	    "takeover", NULL });
	assert_row(res->out, "level", (const char *const[]){ "input", "0",
	    "uint16", "m", NULL });
}

/* Every error at once, each as FILE:LINE: ..., exit 1, nothing OK. */
static void
test_check_config_errors(void **state)
{
	struct policy_world *pw = *state;
	struct ctl_result *res = &pw->res;
	const int lines[] = { BAD_LINE_MINMAX, BAD_LINE_DEVICE, BAD_LINE_KEY };
	char path[WORLD_PATH_MAX], want[WORLD_PATH_MAX + 32];
	size_t i;

	write_config(pw, "bad.yaml",
	    "points:\n"
	    "  - {name: valve, device: tank1, table: holding, address: 0,\n"
	    "     write: {min: 10, max: 5}}\n"
	    "  - name: ghost\n"
	    "    device: nosuch\n"
	    "    table: holding\n"
	    "    address: 5\n"
	    "    colour: red\n", path, sizeof(path));
	ctl_run_program(res, "wardend", "-t", "-c", path, (char *)NULL);
	assert_int_equal(res->status, 1);
	assert_null(strstr(res->out, "configuration OK"));
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		snprintf(want, sizeof(want), "%s:%d: ", path, lines[i]);
		if (strstr(res->err, want) == NULL)
			fail_msg("wardend -t: no error \"%s...\" in:\n%s", want,
			    res->err);
	}
}

/*
 * A Modicon-style address loads with a warning on stderr; a file with a
 * malformed value and semantic errors gets all of them in one run.
 */
static void
test_check_config_warnings_and_every_error(void **state)
{
	struct policy_world *pw = *state;
	struct ctl_result *res = &pw->res;
	char path[WORLD_PATH_MAX], want[4 * WORLD_PATH_MAX + 256];

	write_config(pw, "modicon.yaml", "points:\n"
	    "  - {name: level, device: tank1, table: input, address: 30013}\n",
	    path, sizeof(path));
	ctl_run_program(res, "wardend", "-t", "-c", path, (char *)NULL);
	if (res->status != 0 || strncmp(res->out, "configuration OK\n",
	    17) != 0)
		fail_msg("wardend -t exited %d:\n%s%s", res->status, res->out,
		    res->err);
	snprintf(want, sizeof(want), "%s:7: warning: point 'level': input "
	    "address 30013 looks like a Modicon reference (3xxxx): the "
	    "protocol address is usually 12\n", path);
	if (strstr(res->err, want) == NULL)
		fail_msg("wardend -t: no \"%s\" on stderr:\n%s", want,
		    res->err);
	assert_null(strstr(res->out, "warning"));

	write_config(pw, "mixed.yaml", "points:\n"
	    "  - {name: valve, device: tank1, table: holding, address: x}\n"
	    "  - {name: pump, device: tank1, table: holding, address: 1,\n"
	    "     write: {min: 10, max: 5}}\n"
	    "  - {name: run, device: tnak1, table: coil, address: 0}\n",
	    path, sizeof(path));
	ctl_run_program(res, "wardend", "-t", "-c", path, (char *)NULL);
	assert_int_equal(res->status, 1);
	snprintf(want, sizeof(want), "%s:7: address: 'x' is not a whole "
	    "number\n%s:9: point 'pump': min 10 > max 5\n%s:10: point 'run': "
	    "no device named 'tnak1' (did you mean 'tank1'?)\n%s: "
	    "configuration not loaded\n", path, path, path, path);
	assert_string_equal(res->err, want);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_check_config_ok,
		    setup_bare, teardown_world),
		cmocka_unit_test_setup_teardown(test_check_config_errors,
		    setup_bare, teardown_world),
		cmocka_unit_test_setup_teardown(
		    test_check_config_warnings_and_every_error, setup_bare,
		    teardown_world),
	};

	/* WARDEN_TEST_FILTER=test_check_config_ok runs the matching tests only. */
	if (getenv("WARDEN_TEST_FILTER") != NULL)
		cmocka_set_test_filter(getenv("WARDEN_TEST_FILTER"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
