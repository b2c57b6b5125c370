/*
 * test_sparse_map.c: a device whose register map has holes, as real PLC
 * maps do (plcsim --hole: a request touching one gets exception 0x02).
 * wardend bridges small gaps between monitored points with one read;
 * when the device refuses such a read it must read the points one by
 * one and go on monitoring, not count the device as lost and take over.
 * A point whose own address the device refuses cannot be monitored: the
 * device then counts as not answering (fail safe, on_device_loss), and
 * the log names the point.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <modbus.h>

#include "audit_query.h"
#include "ctl.h"
#include "harness.h"
#include "world.h"
#include "textedit.h"

#define WHY_MAX 8192
#define SPARSE_TIMEOUT 5.0
/* loss_after is 500 ms (WORLD_TANK_KEYS): three of them. */
#define SPARSE_WATCH 1.5

/* level (input 0) and level_f (inputs 10-11, float32): one read of
 * 0-11 bridges inputs 1-9, where the device may have a hole. */
#define SPARSE_BODY \
	"mode: enforce\n" \
	"initial_state: auto\n" \
	"points:\n" \
	"  - {name: level, device: tank1, table: input, address: 0,\n" \
	"     scale: 0.01, unit: m, monitor: {high_high: 4.8}}\n" \
	"  - {name: level_f, device: tank1, table: input, address: 10,\n" \
	"     data_type: float32, unit: m, monitor: {high_high: 4.8}}\n" \
	"  - {name: valve, device: tank1, table: holding, address: 0,\n" \
	"     scale: 0.1, write: {min: 0, max: 100}}\n" \
	"takeover:\n" \
	"  on_device_loss: takeover\n" \
	"  safe_state:\n" \
	"    - {point: valve, value: 0}\n"

static int
sparse_teardown(void **state)
{
	return world_free(*state);
}

/* A world whose plcsim has these holes, and wardend with SPARSE_BODY. */
static struct world *
sparse_start(const char *holes)
{
	struct world *w = world_new_tank(holes, NULL);

	if (w == NULL)
		fail_msg("cannot start plcsim %s", holes);
	if (world_start(w, SPARSE_BODY) != 0) {
		world_free(w);
		fail_msg("wardend did not start");
	}
	return w;
}

/* Has wardend's log said `text` yet? Waits up to SPARSE_TIMEOUT. */
static int
log_says(const struct world *w, const char *text)
{
	double deadline = harness_now() + SPARSE_TIMEOUT;
	struct timespec gap = { 0, 20000000 };
	int found;

	while (!(found = textedit_line_of(w->log, text) > 0) &&
	    harness_now() < deadline)
		nanosleep(&gap, NULL);
	return found;
}

/* Both monitored points get values, the device stays up for three
 * loss_after periods, no takeover, no device_down record. */
static void
test_hole_between_points(void **state)
{
	struct world *w = sparse_start("--hole input:3-9");
	double until = harness_now() + SPARSE_WATCH;
	struct timespec gap = { 0, 50000000 };
	struct ctl_status st;
	char why[WHY_MAX];

	*state = w;
	assert_true(log_says(w, "reading its 2 points one by one"));
	do {
		if (ctl_status(w, &st, why, sizeof(why)) != 0)
			fail_msg("%s", why);
		assert_string_equal(st.state, "auto");
		assert_int_equal(st.devices_up, 1);
		nanosleep(&gap, NULL);
	} while (harness_now() < until);
	if (strstr(st.text, "\"name\":\"level\"") == NULL ||
	    strstr(st.text, "\"name\":\"level_f\"") == NULL)
		fail_msg("status lacks the values of level and level_f: %s",
		    st.text);
	assert_int_equal(audit_query_find(w->audit, 0, "device_down", NULL,
	    NULL), 0);
	assert_int_equal(audit_query_find(w->audit, 0, "takeover", NULL,
	    NULL), 0);
}

/* The device refuses level_f's own address: it cannot be monitored, so
 * the device counts as lost and wardend takes over, saying why. */
static void
test_hole_on_a_point(void **state)
{
	struct world *w = sparse_start("--hole input:10");
	struct ctl_status st;
	char why[WHY_MAX];

	*state = w;
	assert_true(log_says(w, "(point level_f) was refused (exception 02)"));
	if (ctl_wait(w, "takeover", "device_loss", 0, SPARSE_TIMEOUT, &st, why,
	    sizeof(why)) != 0)
		fail_msg("%s", why);
	assert_true(audit_query_find(w->audit, 0, "device_down", "device",
	    "tank1") > 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_hole_between_points,
		    sparse_teardown),
		cmocka_unit_test_teardown(test_hole_on_a_point,
		    sparse_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
