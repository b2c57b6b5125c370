/*
 * test_config_poll.c: which points wardend reads on its own, and which
 * devices therefore need its own connection beside the AI's. A PLC that
 * takes one connection must not be sent a second for nothing, and a
 * device that needs one must get it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "config.h"

/* Two devices; each test adds points and takeover. */
#define TWO_DEVICES \
	"listen: 127.0.0.1:1502\n" \
	"state_dir: /tmp/w\n" \
	"audit_log: /tmp/w/audit.jsonl\n" \
	"control: {socket: /tmp/w/control.sock}\n" \
	"devices:\n" \
	"  - {name: tank1, host: 127.0.0.1, unit_id: 1}\n" \
	"  - {name: tank2, host: 127.0.0.1, unit_id: 2%s}\n"

/* A plain read-only point on each device: never polled. */
#define PLAIN_POINTS \
	"points:\n" \
	"  - {name: level1, device: tank1, table: input, address: 0}\n" \
	"  - {name: level2, device: tank2, table: input, address: 0}\n"

static struct config *
load(const char *tank2_extra, const char *rest)
{
	char path[64], yaml[2048], *errors = NULL;
	struct config *cfg;
	int fd, n;

	n = snprintf(yaml, sizeof(yaml), TWO_DEVICES, tank2_extra);
	snprintf(yaml + n, sizeof(yaml) - (size_t)n, "%s", rest);
	snprintf(path, sizeof(path), "/tmp/test_config_poll-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, yaml, strlen(yaml)), (ssize_t)strlen(yaml));
	close(fd);
	cfg = config_load(path, &errors);
	unlink(path);
	if (cfg == NULL)
		fail_msg("expected to load, got:\n%s", errors);
	return cfg;
}

static size_t
point(const struct config *cfg, const char *name)
{
	const struct config_point *p = config_point_by_name(cfg, name);

	assert_non_null(p);
	return (size_t)(p - cfg->points);
}

/* Nothing polled, no safe state, no life bit: no device needs one. */
static void
test_nothing_needs_poll(void **state)
{
	struct config *cfg = load("", PLAIN_POINTS);

	(void)state;
	assert_false(config_point_polled(cfg, point(cfg, "level1")));
	assert_false(config_point_polled(cfg, point(cfg, "level2")));
	assert_false(config_device_needs_poll(cfg, 0));
	assert_false(config_device_needs_poll(cfg, 1));
	config_free(cfg);
}

/* No points at all. */
static void
test_no_points(void **state)
{
	struct config *cfg = load("", "");

	(void)state;
	assert_false(config_device_needs_poll(cfg, 0));
	assert_false(config_device_needs_poll(cfg, 1));
	config_free(cfg);
}

/* A monitored point needs its own device's connection, no other. */
static void
test_monitored_point(void **state)
{
	struct config *cfg = load("", PLAIN_POINTS
	    "  - {name: temp, device: tank2, table: input, address: 5,\n"
	    "     monitor: {high: 50}}\n");

	(void)state;
	assert_true(config_point_polled(cfg, point(cfg, "temp")));
	assert_false(config_device_needs_poll(cfg, 0));
	assert_true(config_device_needs_poll(cfg, 1));
	config_free(cfg);
}

/* A writable point is polled: its last known value. */
static void
test_writable_point(void **state)
{
	struct config *cfg = load("", PLAIN_POINTS
	    "  - {name: valve, device: tank1, table: holding, address: 0,\n"
	    "     write: {min: 0, max: 100, max_step: 5}}\n");

	(void)state;
	assert_true(config_point_polled(cfg, point(cfg, "valve")));
	assert_true(config_device_needs_poll(cfg, 0));
	assert_false(config_device_needs_poll(cfg, 1));
	config_free(cfg);
}

/* The key switch is read by wardend, whether or not it is monitored. */
static void
test_key_switch(void **state)
{
	struct config *cfg = load("", PLAIN_POINTS
	    "  - {name: key, device: tank2, table: discrete, address: 0}\n"
	    "takeover:\n"
	    "  switch: {point: key, active: 1}\n");

	(void)state;
	assert_true(config_point_polled(cfg, point(cfg, "key")));
	assert_false(config_device_needs_poll(cfg, 0));
	assert_true(config_device_needs_poll(cfg, 1));
	config_free(cfg);
}

/* A safe-state point's device: written and read back on that connection. */
static void
test_safe_state(void **state)
{
	struct config *cfg = load("", PLAIN_POINTS
	    "  - {name: pump, device: tank2, table: coil, address: 0,\n"
	    "     write: {min: 0, max: 1}}\n"
	    "takeover:\n"
	    "  safe_state:\n"
	    "    - {point: pump, value: 0}\n");

	(void)state;
	assert_false(config_device_needs_poll(cfg, 0));
	assert_true(config_device_needs_poll(cfg, 1));
	config_free(cfg);
}

/* A life bit alone needs the connection. */
static void
test_life_bit(void **state)
{
	struct config *cfg = load(", life_bit: {address: 900}", PLAIN_POINTS);

	(void)state;
	assert_false(config_device_needs_poll(cfg, 0));
	assert_true(config_device_needs_poll(cfg, 1));
	config_free(cfg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nothing_needs_poll),
		cmocka_unit_test(test_no_points),
		cmocka_unit_test(test_monitored_point),
		cmocka_unit_test(test_writable_point),
		cmocka_unit_test(test_key_switch),
		cmocka_unit_test(test_safe_state),
		cmocka_unit_test(test_life_bit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
