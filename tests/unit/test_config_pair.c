/*
 * test_config_pair.c: the pair block of warden.yaml (config_pair.c).
 * Absent: a single node. Present: a node name it must have, and a role
 * to start in that is standby unless active is written; fault is
 * keepalived's to say, not a role to start in; unknown keys refused.
 * The pair link's keys: peer, listen and key_file required (a pair
 * without its link can prove nothing), addresses checked as listen:'s
 * are, the key's path against the config file's directory, and the
 * timing's defaults and the rule between them.
 */
#include "config_fixture.h"

/* The link's three required keys, one line each. */
#define LINK \
	"  peer: 127.0.0.1:7001\n" \
	"  listen: 127.0.0.1:7000\n" \
	"  key_file: /etc/warden/peer.key\n"

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
	cfg = load_ok(&l, BASE "pair:\n  node: a\n" LINK);
	assert_true(cfg->pair.enabled);
	assert_string_equal(cfg->pair.node, "a");
	assert_false(cfg->pair.start_active);
	loaded_free(&l);
	cfg = load_ok(&l, BASE "pair:\n  node: gw-b\n  initial_role: active\n"
	    LINK);
	assert_string_equal(cfg->pair.node, "gw-b");
	assert_true(cfg->pair.start_active);
	loaded_free(&l);
}

static void test_errors(void **state)
{
	(void)state;
	expect_error(BASE "pair:\n  initial_role: active\n" LINK, 10, "node");
	expect_error(BASE "pair:\n  node: a\n  initial_role: fault\n" LINK,
	    12, "fault");
	expect_error(BASE "pair:\n  node: a\n  initial_role: master\n" LINK,
	    12, "master");
	expect_error(BASE "pair:\n  node: 'a b'\n" LINK, 11, "node: 'a b'");
	expect_error(BASE "pair:\n  node: a\n" LINK "  peers: x\n", 15,
	    "peers");
}

static void test_link_and_defaults(void **state)
{
	struct loaded l;
	struct config *cfg;

	(void)state;
	cfg = load_ok(&l, BASE "pair:\n  node: a\n" LINK);
	assert_string_equal(cfg->pair.peer.host, "127.0.0.1");
	assert_int_equal(cfg->pair.peer.port, 7001);
	assert_string_equal(cfg->pair.listen.host, "127.0.0.1");
	assert_int_equal(cfg->pair.listen.port, 7000);
	assert_string_equal(cfg->pair.key_file, "/etc/warden/peer.key");
	assert_true(cfg->pair.heartbeat == 0.2);
	assert_true(cfg->pair.peer_timeout == 1.0);
	assert_true(cfg->pair.sync_timeout == 0.5);
	loaded_free(&l);
	/* A relative key_file is the config file's neighbour; IPv6 and
	 * names as listen: takes them; the timing as written. */
	cfg = load_ok(&l, BASE "pair:\n  node: a\n"
	    "  peer: '[fd00::2]:7000'\n  listen: 0.0.0.0:7000\n"
	    "  key_file: peer.key\n  heartbeat: 50ms\n  peer_timeout: 101ms\n"
	    "  sync_timeout: 2s\n");
	assert_string_equal(cfg->pair.peer.host, "fd00::2");
	assert_string_equal(cfg->pair.listen.host, "0.0.0.0");
	assert_string_equal(cfg->pair.key_file, "/tmp/peer.key");
	assert_true(cfg->pair.heartbeat == 0.05);
	assert_true(cfg->pair.peer_timeout == 0.101);
	assert_true(cfg->pair.sync_timeout == 2.0);
	loaded_free(&l);
}

static void test_link_required(void **state)
{
	(void)state;
	expect_error(BASE "pair:\n  node: a\n"
	    "  listen: 127.0.0.1:7000\n  key_file: k\n", 10,
	    "pair: peer: (host:port of the peer's pair.listen) is required");
	expect_error(BASE "pair:\n  node: a\n"
	    "  peer: 127.0.0.1:7001\n  key_file: k\n", 10,
	    "pair: listen: (host:port this node accepts");
	expect_error(BASE "pair:\n  node: a\n"
	    "  peer: 127.0.0.1:7001\n  listen: 127.0.0.1:7000\n", 10,
	    "pair: key_file: (the key both nodes share) is required");
	expect_error(BASE "pair: {node: a}\n", 10, "peer: (host:port");
}

static void test_link_errors(void **state)
{
	(void)state;
	expect_error(BASE "pair:\n  node: a\n  peer: 10.0.0.2\n"
	    "  listen: 127.0.0.1:7000\n  key_file: k\n", 12,
	    "peer: '10.0.0.2' is not host:port");
	expect_error(BASE "pair:\n  node: a\n  peer: 10.0.0.2:7000\n"
	    "  listen: 127.0.0.1:0\n  key_file: k\n", 13, "listen: ");
	expect_error(BASE "pair:\n  node: a\n  peer: 10.0.0.2:7000\n"
	    "  listen: '::1:7000'\n  key_file: k\n", 13, "brackets");
	/* Its own port, not the AI's or the metrics'. */
	expect_error(BASE "pair:\n  node: a\n  peer: 10.0.0.2:7000\n"
	    "  listen: 127.0.0.1:1502\n  key_file: k\n", 13,
	    "listen: '127.0.0.1:1502' is also listen: 127.0.0.1:1502's");
	expect_error(BASE "metrics_listen: 127.0.0.1:9100\n"
	    "pair:\n  node: a\n  peer: 10.0.0.2:7000\n"
	    "  listen: 127.0.0.1:9100\n  key_file: k\n", 14,
	    "is also metrics_listen's address");
	/* Not itself. */
	expect_error(BASE "pair:\n  node: a\n  peer: 127.0.0.1:7000\n"
	    "  listen: 127.0.0.1:7000\n  key_file: k\n", 12,
	    "peer: '127.0.0.1:7000' is this node's own pair.listen");
	expect_error(BASE "pair:\n  node: a\n" LINK "  heartbeat: 0s\n", 15,
	    "heartbeat: must be longer than 0");
	expect_error(BASE "pair:\n  node: a\n" LINK "  heartbeat: soon\n",
	    15, "heartbeat: 'soon'");
	expect_error(BASE "pair:\n  node: a\n" LINK "  sync_timeout: 0ms\n",
	    15, "sync_timeout: must be longer than 0");
	/* Two heartbeats' silence at least before the copy is unproven. */
	expect_error(BASE "pair:\n  node: a\n" LINK "  peer_timeout: 400ms\n",
	    15, "peer_timeout: 0.4s must be more than twice heartbeat (0.2s)");
	expect_error(BASE "pair:\n  node: a\n" LINK "  heartbeat: 600ms\n",
	    15, "peer_timeout: 1s must be more than twice heartbeat (0.6s)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_absent_is_single_node),
		cmocka_unit_test(test_standby_by_default),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_link_and_defaults),
		cmocka_unit_test(test_link_required),
		cmocka_unit_test(test_link_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
