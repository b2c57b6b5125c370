/*
 * test_config_pair.c: the pair block of warden.yaml (config_pair.c).
 * Absent: a single node. Present: a node name it must have, and a role
 * to start in that is standby unless active is written; fault is
 * keepalived's to say, not a role to start in; unknown keys refused.
 */
#include "config_fixture.h"

static void test_absent_is_single_node(void **state)
{
	struct loaded l;
	struct config *cfg;

	(void)state;
	cfg = load_ok(&l, BASE);
	assert_false(cfg->pair.enabled);
	loaded_free(&l);
}

static void test_standby_by_default(void **state)
{
	struct loaded l;
	struct config *cfg;

	(void)state;
	cfg = load_ok(&l, BASE "pair:\n  node: a\n");
	assert_true(cfg->pair.enabled);
	assert_string_equal(cfg->pair.node, "a");
	assert_false(cfg->pair.start_active);
	loaded_free(&l);
	cfg = load_ok(&l, BASE "pair:\n  node: gw-b\n  initial_role: active\n");
	assert_string_equal(cfg->pair.node, "gw-b");
	assert_true(cfg->pair.start_active);
	loaded_free(&l);
}

static void test_errors(void **state)
{
	(void)state;
	expect_error(BASE "pair:\n  initial_role: active\n", 10, "node");
	expect_error(BASE "pair:\n  node: a\n  initial_role: fault\n", 12,
	    "fault");
	expect_error(BASE "pair:\n  node: a\n  initial_role: master\n", 12,
	    "master");
	expect_error(BASE "pair:\n  node: a\n  peer: 10.0.0.2\n", 12,
	    "peer");
	expect_error(BASE "pair:\n  node: 'a b'\n", 11, "node: 'a b'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_absent_is_single_node),
		cmocka_unit_test(test_standby_by_default),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
