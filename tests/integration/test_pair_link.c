/*
 * test_pair_link.c: two nodes of a pair on loopback, each with its own
 * tank, joined by the pair link (TLS 1.3, pre-shared key). What the
 * active node holds (its latch, who set it, its shelves and bypasses)
 * reaches the standby; a standby made active takes on
 * the peer's state when it can prove it is the latest (the peer's
 * wardend gone, its last state heard), and takes over when it cannot
 * (the link silent, or a key that does not match); a restarted node
 * that was active stays standby when it hears its peer is active.
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
#include <time.h>

#include <cmocka.h>
#include <modbus.h>

#include "audit_query.h"
#include "ctl.h"
#include "harness.h"
#include "world.h"

#define WHY_MAX 8192
#define WAIT 5.0
#define VALVE 0
#define KEY_A "00112233445566778899aabbccddeeff" \
	"00112233445566778899aabbccddeeff\n"
#define KEY_B "ffeeddccbbaa99887766554433221100" \
	"ffeeddccbbaa99887766554433221100\n"

#define BODY \
	"mode: enforce\n" \
	"initial_state: auto\n" \
	"points:\n" \
	"  - {name: level, device: tank1, table: input, address: 0,\n" \
	"     scale: 0.01, unit: m, monitor: {high: 4.5, high_high: 4.8}}\n" \
	"  - {name: valve, device: tank1, table: holding, address: 0,\n" \
	"     scale: 0.1, write: {min: 0, max: 100}}\n" \
	"takeover:\n" \
	"  safe_state:\n" \
	"    - {point: valve, value: 0}\n"

struct pair {
	struct world *a, *b;
};

static int
pair_teardown(void **state)
{
	struct pair *p = *state;
	int rc = 0;

	if (p == NULL)
		return 0;
	if (p->a != NULL && p->a->warden > 0)
		kill(p->a->warden, SIGCONT);
	rc |= p->a != NULL ? world_free(p->a) : 0;
	rc |= p->b != NULL ? world_free(p->b) : 0;
	free(p);
	return rc;
}

static void
write_key(const struct world *w, const char *key)
{
	char path[WORLD_PATH_MAX + 16];
	FILE *f;

	snprintf(path, sizeof path, "%s/pair.key", w->dir);
	if ((f = fopen(path, "w")) == NULL)
		fail_msg("cannot write %s", path);
	fputs(key, f);
	fclose(f);
	chmod(path, 0600);
}

static struct world *
node_start(const char *name, const char *role, uint16_t listen,
    uint16_t peer, const char *key)
{
	char body[4096];
	struct world *w;

	if ((w = world_new_tank(NULL, NULL)) == NULL)
		fail_msg("cannot start plcsim");
	write_key(w, key);
	snprintf(body, sizeof body, BODY "pair:\n  node: %s\n"
	    "  initial_role: %s\n  listen: 127.0.0.1:%u\n"
	    "  peer: 127.0.0.1:%u\n  key_file: pair.key\n"
	    "  heartbeat: 100ms\n  peer_timeout: 600ms\n", name, role,
	    (unsigned)listen, (unsigned)peer);
	if (world_config(w, body) != 0 || world_launch(w, NULL) != 0 ||
	    world_wait(w, 0, WORLD_START_TIMEOUT) != 0) {
		world_free(w);
		fail_msg("wardend %s did not start", name);
	}
	return w;
}

static void wait_status(const struct world *w, const char *needle);

/* a active (released to AUTO), b standby, the link up. */
static struct pair *
pair_new(void **state, const char *key_b)
{
	struct pair *p = calloc(1, sizeof *p);
	uint16_t la = harness_free_port(), lb = harness_free_port();
	struct ctl_result res;
	struct ctl_status st;
	char why[WHY_MAX];

	assert_non_null(p);
	*state = p;
	p->a = node_start("a", "active", la, lb, KEY_A);
	p->b = node_start("b", "standby", lb, la, key_b);
	/* Active once it heard no active peer, without proof: a takes
	 * over; a person releases it. */
	wait_status(p->a, "\"role\":\"active\"");
	if (ctl_wait(p->a, "takeover", "failover", 1, WAIT, &st, why,
	    sizeof why) != 0)
		fail_msg("%s", why);
	if (ctl_run(p->a, &res, "release", "--reason", "commissioning",
	    NULL) != 0) {
		world_show_log(p->a);
		fail_msg("release on a: %s", res.err);
	}
	return p;
}

static int
status_has(const struct world *w, const char *needle)
{
	struct ctl_status st;
	char why[WHY_MAX];

	return ctl_status(w, &st, why, sizeof why) == 0 &&
	    strstr(st.text, needle) != NULL;
}

static void
wait_status(const struct world *w, const char *needle)
{
	struct timespec gap = { 0, 20000000 };
	int i;

	for (i = 0; i < (int)(WAIT / 0.02); i++) {
		if (status_has(w, needle))
			return;
		nanosleep(&gap, NULL);
	}
	world_show_log(w);
	fail_msg("status never said %s", needle);
}

static void
ai_write(const struct world *w, int expect_ok)
{
	modbus_t *ai = world_client(w, 1, 2.0);
	int rc;

	assert_non_null(ai);
	rc = modbus_write_register(ai, VALVE, 300);
	world_client_free(ai);
	if (expect_ok)
		assert_int_equal(rc, 1);
	else
		assert_int_equal(rc, -1);
}

/* The peer's wardend killed after its last state was heard: proven,
 * and b carries on in AUTO; the AI is served. */
static void
test_failover_proven_keeps_auto(void **state)
{
	struct pair *p = pair_new(state, KEY_A);
	struct ctl_result res;
	char line[4096];
	int at;

	wait_status(p->b, "\"link\":\"live\"");
	wait_status(p->b, "\"peer_seq\":");
	world_kill(p->a);
	wait_status(p->b, "\"link\":\"gone\"");
	assert_int_equal(ctl_run(p->b, &res, "role", "active", NULL), 0);
	at = audit_query_line(p->b->audit, 0, "failover", NULL, NULL,
	    line, sizeof line);
	assert_true(at > 0);
	assert_non_null(strstr(line, "\"proven\":true"));
	assert_non_null(strstr(line, "\"peer\":\"a\""));
	assert_non_null(strstr(line, "\"peer_state\":\"auto\""));
	assert_non_null(strstr(line, "\"peer_head\":\""));
	assert_int_equal(audit_query_find(p->b->audit, 0, "takeover",
	    "cause", "failover"), 0);
	wait_status(p->b, "\"state\":\"auto\"");
	ai_write(p->b, 1);
}

/* An operator's takeover on a: answered once b has it; b made active
 * after a is killed holds it, and refuses the AI's first write. */
static void
test_takeover_survives_failover(void **state)
{
	struct pair *p = pair_new(state, KEY_A);
	struct ctl_result res;
	char why[WHY_MAX];
	struct ctl_status st;

	wait_status(p->b, "\"link\":\"live\"");
	assert_int_equal(ctl_run(p->a, &res, "takeover", "--reason",
	    "pump check", NULL), 0);
	assert_null(strstr(res.out, "standby does not have it"));
	assert_null(strstr(res.err, "standby does not have it"));
	world_kill(p->a);
	wait_status(p->b, "\"link\":\"gone\"");
	assert_int_equal(ctl_run(p->b, &res, "role", "active", NULL), 0);
	if (ctl_wait(p->b, "takeover", "operator", 0, WAIT, &st, why,
	    sizeof why) != 0)
		fail_msg("%s", why);
	assert_non_null(strstr(st.reason, "pump check"));
	assert_true(audit_query_find(p->b->audit, 0, "failover", NULL,
	    NULL) > 0);
	ai_write(p->b, 0);
}

/* A bypass set on a reaches b at once; b made active holds it, on its
 * own record, and what b held alone ends. */
static void
test_holds_follow_failover(void **state)
{
	struct pair *p = pair_new(state, KEY_A);
	struct ctl_result res;
	char line[4096];

	wait_status(p->b, "\"link\":\"live\"");
	if (ctl_run(p->b, &res, "shelve", "level", "--for", "10m", "-r",
	    "b alone", NULL) != 0)
		fail_msg("shelve on b: %s", res.err);
	assert_int_equal(ctl_run(p->a, &res, "bypass", "level", "--for",
	    "10m", "-r", "sensor swap", NULL), 0);
	world_kill(p->a);
	wait_status(p->b, "\"link\":\"gone\"");
	assert_int_equal(ctl_run(p->b, &res, "role", "active", NULL), 0);
	wait_status(p->b, "\"role\":\"active\"");
	assert_true(status_has(p->b, "sensor swap"));
	assert_false(status_has(p->b, "b alone"));
	assert_true(audit_query_line(p->b->audit, 0, "bypass_started", "via",
	    "failover", line, sizeof line) > 0);
	assert_non_null(strstr(line, "sensor swap"));
	assert_true(audit_query_find(p->b->audit, 0, "shelve_ended", "via",
	    "failover") > 0);
}

/* No standby to ack it: the takeover holds, and its answer says the
 * standby does not have it. */
static void
test_takeover_without_standby_warns(void **state)
{
	struct pair *p = calloc(1, sizeof *p);
	struct ctl_result res;
	struct ctl_status st;
	char why[WHY_MAX];

	assert_non_null(p);
	*state = p;
	p->a = node_start("a", "active", harness_free_port(),
	    harness_free_port(), KEY_A);
	wait_status(p->a, "\"role\":\"active\"");
	if (ctl_wait(p->a, "takeover", "failover", 1, WAIT, &st, why,
	    sizeof why) != 0)
		fail_msg("%s", why);
	assert_int_equal(ctl_run(p->a, &res, "release", "--reason",
	    "commissioning", NULL), 0);
	assert_int_equal(ctl_run(p->a, &res, "takeover", "--reason",
	    "alone", NULL), 0);
	if (strstr(res.out, "standby does not have it") == NULL &&
	    strstr(res.err, "standby does not have it") == NULL)
		fail_msg("no warning: %s%s", res.out, res.err);
	if (ctl_wait(p->a, "takeover", "operator", 0, WAIT, &st, why,
	    sizeof why) != 0)
		fail_msg("%s", why);
}

/* The link silent (the peer stopped, not gone): nothing proven, b
 * takes over, cause failover, and the record says why. */
static void
test_lost_link_takes_over(void **state)
{
	struct pair *p = pair_new(state, KEY_A);
	struct ctl_result res;
	struct ctl_status st;
	char why[WHY_MAX], line[4096];

	wait_status(p->b, "\"link\":\"live\"");
	kill(p->a->warden, SIGSTOP);
	wait_status(p->b, "\"link\":\"lost\"");
	assert_int_equal(ctl_run(p->b, &res, "role", "active", NULL), 0);
	if (ctl_wait(p->b, "takeover", "failover", 0, WAIT, &st, why,
	    sizeof why) != 0)
		fail_msg("%s", why);
	assert_true(audit_query_line(p->b->audit, 0, "failover", NULL,
	    NULL, line, sizeof line) > 0);
	assert_non_null(strstr(line, "\"proven\":false"));
	assert_non_null(strstr(line, "lost"));
	ai_write(p->b, 0);
}

/* Another key: no handshake, never live, and a failover takes over. */
static void
test_wrong_key_never_proves(void **state)
{
	struct pair *p = pair_new(state, KEY_B);
	struct ctl_result res;
	struct ctl_status st;
	char why[WHY_MAX];
	struct timespec gap = { 0, 300000000 };

	nanosleep(&gap, NULL);
	assert_false(status_has(p->b, "\"link\":\"live\""));
	assert_int_equal(ctl_run(p->b, &res, "role", "active", NULL), 0);
	if (ctl_wait(p->b, "takeover", "failover", 0, WAIT, &st, why,
	    sizeof why) != 0)
		fail_msg("%s", why);
}

/* a, restarted after b took over, hears b is active and stays standby;
 * nothing of a's reaches its tank. */
static void
test_restart_hears_active_peer(void **state)
{
	struct pair *p = pair_new(state, KEY_A);
	struct ctl_result res;

	wait_status(p->b, "\"link\":\"live\"");
	world_kill(p->a);
	wait_status(p->b, "\"link\":\"gone\"");
	assert_int_equal(ctl_run(p->b, &res, "role", "active", NULL), 0);
	assert_int_equal(world_restart(p->a, 0), 0);
	wait_status(p->a, "\"link\":\"live\"");
	wait_status(p->a, "\"role\":\"standby\"");
	assert_true(audit_query_find(p->a->audit, 0, "role_changed", "to",
	    "standby") > 0);
	assert_null(world_connect(p->a->port, 1, 0.5));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_failover_proven_keeps_auto,
		    pair_teardown),
		cmocka_unit_test_teardown(test_takeover_survives_failover,
		    pair_teardown),
		cmocka_unit_test_teardown(test_takeover_without_standby_warns,
		    pair_teardown),
		cmocka_unit_test_teardown(test_holds_follow_failover,
		    pair_teardown),
		cmocka_unit_test_teardown(test_lost_link_takes_over,
		    pair_teardown),
		cmocka_unit_test_teardown(test_wrong_key_never_proves,
		    pair_teardown),
		cmocka_unit_test_teardown(test_restart_hears_active_peer,
		    pair_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
