/*
 * test_pair_role.c: a node of a redundant pair (issue 14), its role as
 * keepalived's notify sets it through wardenctl role. A standby does
 * not listen for the AI and writes nothing to the device (no safe
 * state, no life bit) while its own polls go on; made active without
 * proof of its peer's state it takes over, cause failover, on the
 * record; its role survives a restart. Without pair: the command is
 * refused and nothing changes. The pair link's key file is checked at
 * start and by wardend -t: others may not read it. (Nothing listens on
 * the link's ports yet: these tests do not need the peer.) A reload
 * may not change any key of the link.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <cmocka.h>
#include <modbus.h>

#include "audit_query.h"
#include "ctl.h"
#include "harness.h"
#include "trail.h"
#include "world.h"

#define WHY_MAX 8192
#define PAIR_TIMEOUT 5.0
#define LIFE_BIT 900
#define LEVEL 0                 /* input, polled */
#define VALVE 0                 /* holding: the safe state's */

#define PAIR_BODY \
	"mode: enforce\n" \
	"initial_state: auto\n" \
	"points:\n" \
	"  - {name: level, device: tank1, table: input, address: 0,\n" \
	"     scale: 0.01, unit: m, monitor: {high_high: 4.8}}\n" \
	"  - {name: valve, device: tank1, table: holding, address: 0,\n" \
	"     scale: 0.1, write: {min: 0, max: 100}}\n" \
	"takeover:\n" \
	"  safe_state:\n" \
	"    - {point: valve, value: 0}\n"

static int
pair_teardown(void **state)
{
	return world_free(*state);
}

#define KEY_HEX "00112233445566778899aabbccddeeff" \
	"00112233445566778899aabbccddeeff\n"

/*
 * body and, unless initial_role is NULL, a pair: of node a starting in
 * it, its link on two free loopback ports and its key in w's dir (key
 * mode: the file's), into out.
 */
static void
pair_body(const struct world *w, const char *initial_role, mode_t key_mode,
    char *out, size_t size)
{
	char key[WORLD_PATH_MAX];

	if (initial_role == NULL) {
		snprintf(out, size, "%s", PAIR_BODY);
		return;
	}
	snprintf(key, sizeof key, "%s/peer.key", w->dir);
	if (harness_write_file(key, "%s", KEY_HEX) != 0 ||
	    chmod(key, key_mode) != 0)
		fail_msg("cannot write %s", key);
	snprintf(out, size, "%spair: {node: a, initial_role: %s, peer: "
	    "'127.0.0.1:%u', listen: '127.0.0.1:%u', key_file: peer.key}\n",
	    PAIR_BODY, initial_role, (unsigned)harness_free_port(),
	    (unsigned)harness_free_port());
}

/* The tank with a life bit, and wardend started on pair_body()'s
 * without waiting for the AI port (a standby does not listen). */
static struct world *
pair_start(const char *initial_role)
{
	char keys[256], body[2048];
	struct world *w;

	snprintf(keys, sizeof keys, "%s, life_bit: {address: %d, interval: "
	    "100ms}", WORLD_TANK_KEYS, LIFE_BIT);
	if ((w = world_new_tank(NULL, keys)) == NULL)
		fail_msg("cannot start plcsim");
	pair_body(w, initial_role, 0600, body, sizeof body);
	if (world_config(w, body) != 0 || world_launch(w, NULL) != 0 ||
	    world_wait(w, 0, WORLD_START_TIMEOUT) != 0) {
		world_free(w);
		fail_msg("wardend did not start");
	}
	return w;
}

static int
device_writes(const struct world *w)
{
	struct trail_write *writes = NULL;
	int n = trail_device_writes(w->plc[0].journal, &writes);

	free(writes);
	return n;
}

/* Status says node a is in role, within PAIR_TIMEOUT: a node that
 * would start active first listens for its peer (pair.peer_timeout). */
static void
expect_role(const struct world *w, const char *role)
{
	struct timespec gap = { 0, 50000000 };
	struct ctl_status st;
	char want[64], why[WHY_MAX];
	int i;

	snprintf(want, sizeof want, "\"role\":\"%s\"", role);
	for (i = 0; i < (int)(PAIR_TIMEOUT / 0.05); i++) {
		if (ctl_status(w, &st, why, sizeof why) != 0)
			fail_msg("%s", why);
		if (strstr(st.text, want) != NULL && strstr(st.text,
		    "\"node\":\"a\"") != NULL)
			return;
		nanosleep(&gap, NULL);
	}
	fail_msg("status does not say %s of node a: %s", want, st.text);
}

/* Standby: no AI, no write, polls on. Active: TAKEOVER, cause failover,
 * audited with who and why; the AI's write refused, the safe state
 * driven; and after a restart the role is still active. */
static void
test_standby_then_failover(void **state)
{
	struct world *w = pair_start("standby");
	struct ctl_status st;
	struct ctl_result res;
	char why[WHY_MAX], line[4096];
	modbus_t *ai;
	int at;

	*state = w;
	expect_role(w, "standby");
	assert_null(world_connect(w->port, 1, 0.5));
	/* Polls go on: four reads of level (50 ms apart), over two life
	 * bit periods (100 ms), and nothing written. */
	assert_int_equal(world_wait_requests(w, 0, 0,
	    MODBUS_FC_READ_INPUT_REGISTERS, LEVEL, 4, PAIR_TIMEOUT), 0);
	assert_int_equal(device_writes(w), 0);
	ctl_run(w, &res, "status", NULL);
	assert_int_equal(res.status, 0);
	assert_non_null(strstr(res.out, "role       standby (node a"));

	assert_int_equal(ctl_run(w, &res, "role", "active", NULL), 0);
	if (ctl_wait(w, "takeover", "failover", 0, PAIR_TIMEOUT, &st, why,
	    sizeof why) != 0)
		fail_msg("%s", why);
	expect_role(w, "active");
	at = audit_query_line(w->audit, 0, "role_changed", "to", "active",
	    line, sizeof line);
	assert_true(at > 0);
	assert_non_null(strstr(line, "\"from\":\"standby\""));
	assert_non_null(strstr(line, "\"node\":\"a\""));
	assert_non_null(strstr(line, "\"user\":"));
	assert_true(audit_query_line(w->audit, at, "takeover", "cause",
	    "failover", line, sizeof line) > at);
	assert_non_null(strstr(line, "no state from the peer"));
	/* Active now: the AI is heard, and refused while in TAKEOVER; the
	 * safe state reaches the device. */
	ai = world_client(w, 1, 2.0);
	assert_non_null(ai);
	assert_int_equal(modbus_write_register(ai, VALVE, 500), -1);
	world_client_free(ai);
	if (ctl_wait(w, "takeover", "failover", 1, PAIR_TIMEOUT, &st, why,
	    sizeof why) != 0)
		fail_msg("safe state not verified: %s", why);
	assert_true(device_writes(w) > 0);

	assert_int_equal(world_restart(w, 1), 0);
	expect_role(w, "active");
	assert_int_equal(ctl_run(w, &res, "role", "bogus", NULL), 2);
}

/* Standby again: the AI's connection is closed and stays out. */
static void
test_back_to_standby(void **state)
{
	struct world *w = pair_start("active");
	struct ctl_result res;
	modbus_t *ai;
	int before;

	*state = w;
	expect_role(w, "active");
	ai = world_client(w, 1, 2.0);
	assert_non_null(ai);
	assert_int_equal(ctl_run(w, &res, "role", "standby", NULL), 0);
	expect_role(w, "standby");
	assert_true(audit_query_find(w->audit, 0, "role_changed", "to",
	    "standby") > 0);
	{
		uint16_t v;

		assert_int_equal(modbus_read_registers(ai, VALVE, 1, &v), -1);
	}
	world_client_free(ai);
	assert_null(world_connect(w->port, 1, 0.5));
	/* Once standby, nothing more is written: no safe state, no life
	 * bit, over several of its periods. */
	before = device_writes(w);
	assert_int_equal(world_wait_requests(w, 0, 0,
	    MODBUS_FC_READ_INPUT_REGISTERS, LEVEL, 20, PAIR_TIMEOUT), 0);
	{
		struct timespec gap = { 0, 500000000 };

		nanosleep(&gap, NULL);
	}
	assert_int_equal(device_writes(w), before);
}

/* A single node: role refused, audited, and nothing in status. */
static void
test_single_node_refuses_role(void **state)
{
	struct world *w = pair_start(NULL);
	struct ctl_status st;
	struct ctl_result res;
	char why[WHY_MAX];

	*state = w;
	assert_int_not_equal(ctl_run(w, &res, "role", "standby", NULL), 0);
	assert_non_null(strstr(res.err, "no pair:"));
	assert_true(audit_query_find(w->audit, 0, "command_denied", "command",
	    "role") > 0);
	if (ctl_status(w, &st, why, sizeof why) != 0)
		fail_msg("%s", why);
	assert_null(strstr(st.text, "\"role\""));
	assert_string_equal(st.state, "auto");
}

/* w's body with find replaced by repl, written, and a reload asked
 * for. */
static void
reload_with(struct world *w, const char *find, const char *repl,
    struct ctl_result *res)
{
	char *at = strstr(w->body, find);
	char rest[WORLD_YAML_MAX];

	assert_non_null(at);
	snprintf(rest, sizeof rest, "%s", at + strlen(find));
	snprintf(at, sizeof w->body - (size_t)(at - w->body), "%s%s", repl,
	    rest);
	assert_int_equal(world_rewrite_config(w), 0);
	ctl_run(w, res, "reload", NULL);
}

/* A reload may not change the link: each key of it needs a restart, and
 * the running config stays; one that leaves pair: as it was goes
 * through. */
static void
test_reload_keeps_the_link(void **state)
{
	static const char *const changes[][2] = {
		{ "key_file: peer.key", "key_file: peer.key, heartbeat: 100ms" },
		{ "key_file: peer.key", "key_file: peer.key, peer_timeout: 2s" },
		{ "key_file: peer.key", "key_file: peer.key, sync_timeout: 1s" },
		{ "key_file: peer.key", "key_file: other.key" },
		{ "peer: '127.0.0.1:", "peer: '127.0.0.2:" },
		{ "listen: '127.0.0.1:", "listen: '127.0.0.2:" },
	};
	struct world *w = pair_start("standby");
	struct ctl_result res;
	char orig[WORLD_YAML_MAX];
	size_t i;

	*state = w;
	snprintf(orig, sizeof orig, "%s", w->body);
	for (i = 0; i < sizeof changes / sizeof changes[0]; i++) {
		reload_with(w, changes[i][0], changes[i][1], &res);
		if (res.status == 0 || strstr(res.err, "pair changed: it needs "
		    "a restart") == NULL)
			fail_msg("reload with '%s' exited %d: %s",
			    changes[i][1], res.status, res.err);
		snprintf(w->body, sizeof w->body, "%s", orig);
	}
	reload_with(w, "key_file: peer.key", "key_file: peer.key", &res);
	if (res.status != 0)
		fail_msg("reload of the same pair: exited %d: %s", res.status,
		    res.err);
	expect_role(w, "standby");
}

/* wardend -t and a start refuse a key others may read, saying the
 * chmod that fixes it; -t then shows the link. */
static void
test_key_file_checked(void **state)
{
	struct world *w = world_new_tank(NULL, WORLD_TANK_KEYS);
	struct ctl_result res;
	char body[2048], key[WORLD_PATH_MAX], want[WORLD_PATH_MAX + 16];

	if (w == NULL)
		fail_msg("cannot make a world");
	*state = w;
	pair_body(w, "standby", 0640, body, sizeof body);
	assert_int_equal(world_config(w, body), 0);
	snprintf(key, sizeof key, "%s/peer.key", w->dir);
	snprintf(want, sizeof want, "chmod 600 %s", key);
	ctl_run_program(&res, "wardend", "-t", "-c", w->config, (char *)NULL);
	assert_int_equal(res.status, 1);
	assert_non_null(strstr(res.err, "pair.key_file: "));
	assert_non_null(strstr(res.err, want));
	ctl_run_program(&res, "wardend", "-f", "-c", w->config, (char *)NULL);
	assert_int_equal(res.status, 1);
	assert_non_null(strstr(res.err, want));

	assert_int_equal(chmod(key, 0600), 0);
	ctl_run_program(&res, "wardend", "-t", "-c", w->config, (char *)NULL);
	if (res.status != 0)
		fail_msg("wardend -t exited %d: %s", res.status, res.err);
	assert_non_null(strstr(res.out, "pair: node a, link to 127.0.0.1:"));
	assert_non_null(strstr(res.out, "heartbeat 0.2s, peer_timeout 1s, "
	    "sync_timeout 0.5s"));
	assert_non_null(strstr(res.out, key));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_standby_then_failover,
		    pair_teardown),
		cmocka_unit_test_teardown(test_back_to_standby, pair_teardown),
		cmocka_unit_test_teardown(test_single_node_refuses_role,
		    pair_teardown),
		cmocka_unit_test_teardown(test_key_file_checked,
		    pair_teardown),
		cmocka_unit_test_teardown(test_reload_keeps_the_link,
		    pair_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
