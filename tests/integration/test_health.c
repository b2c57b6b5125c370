/*
 * test_health.c: `wardenctl health`, the question keepalived's
 * vrrp_script asks every second (issue 14). Fit on a healthy wardend
 * (exit 0, the JSON's fields); unfit (exit 1, the reason on the line
 * and in the JSON) when the audit log cannot be written (the file made
 * immutable: write() fails with EPERM; root only), when the last save
 * of state_dir/state or state_dir/holds failed (a directory stands in
 * the file's place), when the PLC is stopped; fit again once the fault
 * is gone. Against a wardend that does not answer (SIGSTOP) it gives up
 * within its timeout with the unreachable status, 3.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <modbus.h>

#include "ctl.h"
#include "harness.h"
#include "json.h"
#include "world.h"

#define HEALTH_WAIT 5.0
#define VALVE 0                 /* holding */

#define HEALTH_BODY \
	"mode: enforce\n" \
	"initial_state: auto\n" \
	"points:\n" \
	"  - {name: level, device: tank1, table: input, address: 0,\n" \
	"     scale: 0.01, unit: m, monitor: {high: 4.5, high_high: 4.8}}\n" \
	"  - {name: valve, device: tank1, table: holding, address: 0,\n" \
	"     scale: 0.1, write: {min: 0, max: 100}}\n"

/* The world and whatever the test made immutable, undone at teardown
 * (an immutable file could be neither written by wardend's stop record
 * nor removed with the dir). */
struct hw {
	struct world *w;
	char immutable[WORLD_PATH_MAX];
	struct ctl_result res;
};

static int
chattr(const char *flag, const char *path)
{
	char prog[] = "/usr/bin/chattr", f[8], p[WORLD_PATH_MAX];
	char *argv[] = { prog, f, p, NULL };
	pid_t pid;
	int status;

	snprintf(f, sizeof f, "%s", flag);
	snprintf(p, sizeof p, "%s", path);
	if ((pid = harness_spawn(argv, NULL)) == -1 ||
	    waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static int
hw_setup(void **state)
{
	struct hw *h = calloc(1, sizeof *h);

	if (h == NULL || (h->w = world_new_tank(NULL, NULL)) == NULL) {
		free(h);
		return -1;
	}
	if (world_start(h->w, HEALTH_BODY) != 0) {
		world_free(h->w);
		free(h);
		return -1;
	}
	*state = h;
	return 0;
}

static int
hw_teardown(void **state)
{
	struct hw *h = *state;
	int rc;

	if (h->w->warden > 0)
		kill(h->w->warden, SIGCONT);
	if (h->immutable[0] != '\0')
		chattr("-i", h->immutable);
	rc = world_free(h->w);
	free(h);
	return rc;
}

/* wardenctl health [--json] [more...]: its exit status. */
static int
health_run(struct hw *h, int json, const char *more)
{
	return ctl_run(h->w, &h->res, "health", json ? "--json" : more,
	    json ? more : NULL, (char *)NULL);
}

/* Poll until health exits want, at most HEALTH_WAIT seconds. */
static void
health_wait(struct hw *h, int want)
{
	double until = harness_now() + HEALTH_WAIT;

	while (health_run(h, 0, NULL) != want && harness_now() < until)
		harness_nap(0.05);
	if (h->res.status != want)
		fail_msg("health exits %d, not %d: %s%s", h->res.status, want,
		    h->res.out, h->res.err);
}

/* health --json, parsed into *obj (pointing into h->res.out). */
static void
health_json(struct hw *h, int want, struct json_value *obj)
{
	size_t at;
	const char *why;

	assert_int_equal(health_run(h, 1, NULL), want);
	if (json_parse(h->res.out, strlen(h->res.out), obj, &at, &why) != 0 ||
	    obj->type != JSON_OBJECT)
		fail_msg("not a JSON object (byte %zu: %s): %s", at, why,
		    h->res.out);
}

/* obj's member key, of type type. */
static struct json_value
member(const struct json_value *obj, const char *key, enum json_type type)
{
	struct json_value v;

	if (json_object_get(obj, key, &v) != 0 || v.type != type)
		fail_msg("no %s of type %d in %.*s", key, (int)type,
		    (int)obj->len, obj->text);
	return v;
}

static uint64_t
member_uint(const struct json_value *obj, const char *key)
{
	struct json_value v = member(obj, key, JSON_NUMBER);
	uint64_t n;

	assert_int_equal(json_get_uint64(&v, &n), 0);
	return n;
}

/* A mark {"ok":true,"error":null,"since":null}, or failed with an error
 * holding needle and a since. */
static void
assert_mark(const struct json_value *mark, int ok, const char *needle)
{
	struct json_value error;
	char text[1024];

	if (ok) {
		member(mark, "ok", JSON_TRUE);
		member(mark, "error", JSON_NULL);
		member(mark, "since", JSON_NULL);
		return;
	}
	member(mark, "ok", JSON_FALSE);
	error = member(mark, "error", JSON_STRING);
	assert_true(json_get_string(&error, text, sizeof text) > 0);
	if (strstr(text, needle) == NULL)
		fail_msg("error \"%s\" does not say \"%s\"", text, needle);
	member(mark, "since", JSON_STRING);
}

/* The number of strings in reasons, each one checked to be a string. */
static size_t
reasons_count(const struct json_value *obj)
{
	struct json_value reasons = member(obj, "reasons", JSON_ARRAY);
	struct json_member m;
	struct json_iter it;
	size_t n = 0;

	json_iter_init(&it, &reasons);
	while (json_iter_next(&it, &m) == 1) {
		assert_int_equal(m.value.type, JSON_STRING);
		n++;
	}
	return n;
}

/* A write of the AI's to the valve, its outcome: 0 passed, -1 refused. */
static int
ai_write(struct hw *h, uint16_t value)
{
	modbus_t *ai = world_client(h->w, 1, 2.0);
	int rc;

	assert_non_null(ai);
	assert_int_equal(world_wait_path(ai, VALVE, HEALTH_WAIT), 0);
	rc = modbus_write_register(ai, VALVE, value) == 1 ? 0 : -1;
	world_client_free(ai);
	return rc;
}

/* Healthy: "fit", exit 0, and every field of the JSON as wardenctl(8)
 * says. */
static void
test_fit(void **state)
{
	struct hw *h = *state;
	struct json_value obj, role, audit, files, mark, devices;

	health_wait(h, 0);
	assert_string_equal(h->res.out, "fit\n");
	health_json(h, 0, &obj);
	member(&obj, "ok", JSON_TRUE);
	member(&obj, "fit", JSON_TRUE);
	assert_int_equal(reasons_count(&obj), 0);
	role = member(&obj, "role", JSON_STRING);
	assert_true(json_string_is(&role, "single"));
	audit = member(&obj, "audit", JSON_OBJECT);
	assert_mark(&audit, 1, NULL);
	files = member(&obj, "state_files", JSON_OBJECT);
	mark = member(&files, "state", JSON_OBJECT);
	assert_mark(&mark, 1, NULL);
	mark = member(&files, "holds", JSON_OBJECT);
	assert_mark(&mark, 1, NULL);
	/* No pair: no role file. */
	assert_int_equal(json_object_get(&files, "role", &mark), -1);
	devices = member(&obj, "devices", JSON_OBJECT);
	assert_int_equal(member_uint(&devices, "configured"), 1);
	assert_int_equal(member_uint(&devices, "reachable"), 1);
}

/*
 * The audit log cannot be written: the file made immutable, so the
 * AI's write, whose record cannot be written, is refused, and health
 * says unfit with the write's error. Mutable again, the next record is
 * written and the node is fit again.
 */
static void
test_audit_unwritable(void **state)
{
	struct hw *h = *state;
	struct json_value obj, audit;

	if (geteuid() != 0) {
		fprintf(stderr, "skipped: chattr +i needs root\n");
		skip();
	}
	health_wait(h, 0);
	snprintf(h->immutable, sizeof h->immutable, "%s", h->w->audit);
	if (chattr("+i", h->immutable) != 0) {
		h->immutable[0] = '\0';
		fprintf(stderr, "skipped: the file system of %s takes no "
		    "chattr +i\n", h->w->dir);
		skip();
	}
	assert_int_equal(ai_write(h, 500), -1);
	assert_int_equal(health_run(h, 0, NULL), 1);
	if (strncmp(h->res.out, "unfit: audit log not writable since ",
	    strlen("unfit: audit log not writable since ")) != 0 ||
	    strstr(h->res.out, "write: Operation not permitted") == NULL)
		fail_msg("health says: %s", h->res.out);
	health_json(h, 1, &obj);
	member(&obj, "fit", JSON_FALSE);
	assert_int_equal(reasons_count(&obj), 1);
	audit = member(&obj, "audit", JSON_OBJECT);
	assert_mark(&audit, 0, "Operation not permitted");

	assert_int_equal(chattr("-i", h->immutable), 0);
	h->immutable[0] = '\0';
	assert_int_equal(ai_write(h, 400), 0);
	assert_int_equal(health_run(h, 0, NULL), 0);
}

/* A directory, not empty, where wardend replaces name in state_dir:
 * every save of it fails (as a full or broken disk would fail it). */
static void
block_state_file(struct hw *h, const char *name)
{
	char path[WORLD_PATH_MAX + 64];

	snprintf(path, sizeof path, "%s/%s", h->w->state_dir, name);
	(void)unlink(path);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof path, "%s/%s/keep", h->w->state_dir, name);
	assert_int_equal(harness_write_file(path, "x\n"), 0);
}

static void
unblock_state_file(struct hw *h, const char *name)
{
	char path[WORLD_PATH_MAX + 64];

	snprintf(path, sizeof path, "%s/%s/keep", h->w->state_dir, name);
	assert_int_equal(unlink(path), 0);
	snprintf(path, sizeof path, "%s/%s", h->w->state_dir, name);
	assert_int_equal(rmdir(path), 0);
}

/*
 * The takeover's save of state_dir/state fails, and the shelve's save
 * of state_dir/holds: two reasons, one line, each file's mark in the
 * JSON. A save that works again (the release) makes state ok again.
 */
static void
test_state_unsaved(void **state)
{
	struct hw *h = *state;
	struct json_value obj, files, mark;
	const char *state_reason = "state_dir/state not saved since ";
	const char *holds_reason = "state_dir/holds not saved since ";
	char *second;

	health_wait(h, 0);
	block_state_file(h, "state");
	assert_int_equal(ctl_run(h->w, &h->res, "takeover", "-r",
	    "disk test", (char *)NULL), 0);
	/* The worker's save is heard of before the operator is answered. */
	assert_int_equal(health_run(h, 0, NULL), 1);
	if (strncmp(h->res.out, "unfit: ", 7) != 0 ||
	    strncmp(h->res.out + 7, state_reason, strlen(state_reason)) != 0)
		fail_msg("health says: %s", h->res.out);

	block_state_file(h, "holds");
	if (ctl_run(h->w, &h->res, "shelve", "level", "--for", "10m", "-r",
	    "disk test", (char *)NULL) != 1)
		fail_msg("shelve: %s%s", h->res.out, h->res.err);
	assert_int_equal(health_run(h, 0, NULL), 1);
	if ((second = strstr(h->res.out, "; state_dir/holds")) == NULL ||
	    strncmp(second + 2, holds_reason, strlen(holds_reason)) != 0)
		fail_msg("health says: %s", h->res.out);
	health_json(h, 1, &obj);
	assert_int_equal(reasons_count(&obj), 2);
	files = member(&obj, "state_files", JSON_OBJECT);
	mark = member(&files, "state", JSON_OBJECT);
	assert_mark(&mark, 0, "state");
	mark = member(&files, "holds", JSON_OBJECT);
	assert_mark(&mark, 0, "holds");
	mark = member(&obj, "audit", JSON_OBJECT);
	assert_mark(&mark, 1, NULL);

	unblock_state_file(h, "state");
	unblock_state_file(h, "holds");
	assert_int_equal(ctl_run(h->w, &h->res, "release", "-r", "disk back",
	    (char *)NULL), 0);
	assert_int_equal(health_run(h, 0, NULL), 1);
	assert_null(strstr(h->res.out, state_reason));
	assert_non_null(strstr(h->res.out, holds_reason));
	assert_int_equal(ctl_run(h->w, &h->res, "shelve", "level", "--for",
	    "10m", "-r", "disk back", (char *)NULL), 0);
	assert_int_equal(health_run(h, 0, NULL), 0);
}

/* The PLC stopped: no device reachable, unfit; back, fit. */
static void
test_plc_stopped(void **state)
{
	struct hw *h = *state;
	struct json_value obj, devices;

	health_wait(h, 0);
	world_plc_stop(h->w, 0);
	health_wait(h, 1);
	assert_string_equal(h->res.out,
	    "unfit: no device reachable (1 configured)\n");
	health_json(h, 1, &obj);
	devices = member(&obj, "devices", JSON_OBJECT);
	assert_int_equal(member_uint(&devices, "configured"), 1);
	assert_int_equal(member_uint(&devices, "reachable"), 0);
	assert_int_equal(world_plc_restart(h->w, 0, NULL), 0);
	health_wait(h, 0);
}

/*
 * wardend stopped (SIGSTOP): the socket takes the connection, nobody
 * answers. health gives up within its timeout, 1 s by default or
 * --timeout, with status 3; so does a socket nobody is at.
 */
static void
test_no_answer(void **state)
{
	struct hw *h = *state;
	double t0, took;

	health_wait(h, 0);
	assert_int_equal(kill(h->w->warden, SIGSTOP), 0);
	t0 = harness_now();
	assert_int_equal(health_run(h, 0, NULL), 3);
	took = harness_now() - t0;
	assert_non_null(strstr(h->res.err, "did not answer within 1 s"));
	assert_true(took >= 0.9 && took < 3.0);
	t0 = harness_now();
	assert_int_equal(ctl_run(h->w, &h->res, "health", "--timeout", "x",
	    (char *)NULL), 2);
	assert_int_equal(ctl_run(h->w, &h->res, "health", "--timeout",
	    "200ms", (char *)NULL), 3);
	took = harness_now() - t0;
	assert_non_null(strstr(h->res.err, "did not answer within 0.2 s"));
	assert_true(took < 2.0);
	assert_int_equal(kill(h->w->warden, SIGCONT), 0);
	assert_int_equal(health_run(h, 0, NULL), 0);

	assert_int_equal(ctl_run(NULL, &h->res, "-s", "/nonexistent/sock",
	    "health", (char *)NULL), 3);
	assert_string_equal(h->res.out, "");
}

/*
 * A node of a pair: its role in the answer, and state_dir/role among
 * the files. The role file cannot be saved: the role change is refused
 * and the node unfit; the role stays standby.
 */
static void
test_pair_role_file(void **state)
{
	struct hw *h = *state;
	struct json_value obj, role, files, mark;
	const char *reason = "unfit: state_dir/role not saved since ";

	char key[WORLD_PATH_MAX + 16], body[8192];
	FILE *f;

	world_stop(h->w);
	/* A pair needs its link: a key of its own, two free ports. */
	snprintf(key, sizeof key, "%s/pair.key", h->w->dir);
	if ((f = fopen(key, "w")) == NULL)
		fail_msg("cannot write %s", key);
	fputs("00112233445566778899aabbccddeeff"
	    "00112233445566778899aabbccddeeff\n", f);
	fclose(f);
	chmod(key, 0600);
	snprintf(body, sizeof body, "%spair: {node: a, initial_role: standby, "
	    "listen: 127.0.0.1:%u, peer: 127.0.0.1:%u, key_file: pair.key}\n",
	    HEALTH_BODY, (unsigned)harness_free_port(),
	    (unsigned)harness_free_port());
	if (world_config(h->w, body) != 0 ||
	    world_launch(h->w, NULL) != 0 ||
	    world_wait(h->w, 0, WORLD_START_TIMEOUT) != 0)
		fail_msg("wardend did not start as a standby");
	health_wait(h, 0);
	health_json(h, 0, &obj);
	role = member(&obj, "role", JSON_STRING);
	assert_true(json_string_is(&role, "standby"));
	files = member(&obj, "state_files", JSON_OBJECT);
	mark = member(&files, "role", JSON_OBJECT);
	assert_mark(&mark, 1, NULL);

	block_state_file(h, "role");
	assert_int_equal(ctl_run(h->w, &h->res, "role", "active",
	    (char *)NULL), 1);
	assert_int_equal(health_run(h, 0, NULL), 1);
	if (strncmp(h->res.out, reason, strlen(reason)) != 0)
		fail_msg("health says: %s", h->res.out);
	health_json(h, 1, &obj);
	role = member(&obj, "role", JSON_STRING);
	assert_true(json_string_is(&role, "standby"));
	files = member(&obj, "state_files", JSON_OBJECT);
	mark = member(&files, "role", JSON_OBJECT);
	assert_mark(&mark, 0, "role");
	unblock_state_file(h, "role");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fit, hw_setup,
		    hw_teardown),
		cmocka_unit_test_setup_teardown(test_audit_unwritable,
		    hw_setup, hw_teardown),
		cmocka_unit_test_setup_teardown(test_state_unsaved, hw_setup,
		    hw_teardown),
		cmocka_unit_test_setup_teardown(test_plc_stopped, hw_setup,
		    hw_teardown),
		cmocka_unit_test_setup_teardown(test_no_answer, hw_setup,
		    hw_teardown),
		cmocka_unit_test_setup_teardown(test_pair_role_file, hw_setup,
		    hw_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
