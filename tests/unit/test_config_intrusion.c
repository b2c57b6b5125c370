/*
 * test_config_intrusion.c: the intrusion block of warden.yaml (config
 * _intrusion.c). Edges first: its defaults when absent, each limit at
 * and beyond its range, 0 turning a kind off, unknown keys and actions;
 * then a whole block read, and the warning for a takeover that cannot
 * fire.
 */
#include "config_fixture.h"

static void test_defaults_when_absent(void **state)
{
	struct loaded l;
	struct config *cfg;
	int k;

	(void)state;
	cfg = load_ok(&l, BASE);
	assert_true(cfg->intrusion.limits.window == 10);
	assert_int_equal(cfg->intrusion.limits.scan_addresses, 32);
	assert_int_equal(cfg->intrusion.limits.flood_per_second, 0);
	assert_int_equal(cfg->intrusion.limits.write_burst, 0);
	assert_int_equal(cfg->intrusion.limits.exception_storm, 100);
	for (k = 0; k < IDS_KIND_COUNT; k++)
		assert_int_equal(cfg->intrusion.takeover[k], 0);
	loaded_free(&l);
	/* An empty block is the defaults too. */
	cfg = load_ok(&l, BASE "intrusion: {}\n");
	assert_true(cfg->intrusion.limits.window == 10);
	assert_int_equal(cfg->intrusion.limits.exception_storm, 100);
	loaded_free(&l);
}

static void test_ranges(void **state)
{
	struct loaded l;
	struct config *cfg;

	(void)state;
	cfg = load_ok(&l, BASE "intrusion:\n  window: 1s\n"
	    "  scan: {addresses: 1024}\n  flood: {per_second: 1000000}\n"
	    "  write_burst: {writes: 0}\n  exception_storm: {exceptions: 0}\n");
	assert_true(cfg->intrusion.limits.window == 1);
	assert_int_equal(cfg->intrusion.limits.scan_addresses, 1024);
	assert_int_equal(cfg->intrusion.limits.flood_per_second, 1000000);
	assert_int_equal(cfg->intrusion.limits.exception_storm, 0);
	loaded_free(&l);
	expect_error(BASE "intrusion:\n  window: 999ms\n", 11,
	    "window: 0.999 s is out of range 1 s..1 h");
	expect_error(BASE "intrusion:\n  window: 61m\n", 11,
	    "window: 3660 s is out of range 1 s..1 h");
	expect_error(BASE "intrusion:\n  window: soon\n", 11, "window: 'soon'");
	expect_error(BASE "intrusion:\n  scan: {addresses: 1025}\n", 11,
	    "addresses: 1025 is out of range 0..1024");
	expect_error(BASE "intrusion:\n  flood: {per_second: -1}\n", 11,
	    "per_second: -1 is out of range 0..1000000");
	expect_error(BASE "intrusion:\n  write_burst: {writes: 1000001}\n",
	    11, "writes: 1000001 is out of range 0..1000000");
}

static void test_shape_errors(void **state)
{
	(void)state;
	expect_error(BASE "intrusion:\n  scan: {adresses: 3}\n", 11,
	    "unknown key 'adresses'");
	expect_error(BASE "intrusion:\n  flood: 200\n", 11, "flood");
	expect_error(BASE "intrusion:\n  on_intrusion: {scan: takeover}\n", 11,
	    "unknown key 'scan'");
	expect_error(BASE "intrusion:\n  on_intrusion: {flood: block}\n", 11,
	    "flood: 'block' is not one of audit, takeover");
	expect_error(BASE "intrusion:\n  windows: 10s\n", 11,
	    "unknown key 'windows'");
}

static void test_on_intrusion(void **state)
{
	struct loaded l;
	struct config *cfg;

	(void)state;
	cfg = load_ok(&l, BASE "intrusion:\n  on_intrusion:\n"
	    "    address_scan: takeover\n    duplicate_answer: takeover\n"
	    "    invalid_unit: audit\n");
	assert_int_equal(cfg->intrusion.takeover[IDS_ADDRESS_SCAN], 1);
	assert_int_equal(cfg->intrusion.takeover[IDS_DUPLICATE_ANSWER], 1);
	assert_int_equal(cfg->intrusion.takeover[IDS_INVALID_UNIT], 0);
	assert_int_equal(cfg->intrusion.takeover[IDS_FLOOD], 0);
	assert_null(cfg->warnings);
	loaded_free(&l);
}

/* flood off (its default) but takeover on it: loads, with a warning on
 * the line of the action. */
static void test_takeover_of_a_kind_off(void **state)
{
	struct loaded l;
	struct config *cfg;

	(void)state;
	cfg = load_ok(&l, BASE "intrusion:\n  on_intrusion:\n"
	    "    flood: takeover\n");
	assert_non_null(cfg->warnings);
	assert_true(has_row(cfg->warnings, l.path, 12, "warning: flood: "
	    "takeover, but flood.per_second is 0 (off): it never fires"));
	loaded_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_when_absent),
		cmocka_unit_test(test_ranges),
		cmocka_unit_test(test_shape_errors),
		cmocka_unit_test(test_on_intrusion),
		cmocka_unit_test(test_takeover_of_a_kind_off),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
