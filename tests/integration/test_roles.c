/*
 * test_roles.c: roles per client (issue 11) on plain listeners, one per
 * role beside the AI's: a historian that reads but cannot write (0x01),
 * an HMI that can start the pump but not move the valve (0x02), each
 * refusal audited with the role, the identity (the client's address)
 * and why, none of them counted as the AI's violation; every request
 * record names its role. In a takeover the HMI, which keeps its rights,
 * still starts the pump, while a mixer role that does not keep them is
 * refused 0x0A, as the AI is. With isolate: all only the AI is cut
 * off.
 */
#include <errno.h>
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
#include "audit_query.h"
#include "ctl.h"
#include "harness.h"
#include "json.h"
#include "textedit.h"
#include "wire.h"
#include "world.h"

#define CLIENT_TIMEOUT 2.0
#define READY_TIMEOUT 5.0

#define VALVE 0                 /* % x10 */
#define PUMP_SPEED 1            /* % x10 */
#define PUMP_RUN 0              /* coil */

/* Two violations of the AI's take over: the others' refusals must not
 * count. */
#define BODY \
	"mode: enforce\ninitial_state: auto\n" \
	"points:\n" \
	"  - {name: valve, device: tank1, table: holding, address: 0,\n" \
	"     scale: 0.1, write: {min: 0, max: 100}}\n" \
	"  - {name: pump_speed, device: tank1, table: holding, address: 1,\n" \
	"     scale: 0.1, write: {min: 0, max: 100}}\n" \
	"  - {name: pump_run, device: tank1, table: coil, address: 0,\n" \
	"     write: {}}\n" \
	"  - {name: level, device: tank1, table: input, address: 0,\n" \
	"     scale: 0.01}\n" \
	"takeover:\n" \
	"  on_violations: {count: 2, within: 60s}\n" \
	"roles:\n" \
	"  historian: {read: all, write: none}\n" \
	"  hmi: {read: all, write: [pump_run], during_takeover: keep}\n" \
	"  mixer: {read: [pump_speed], write: [pump_speed]}\n"

enum { AI, HISTORIAN, HMI, MIXER, N_CLIENTS };

static const char *const role_names[N_CLIENTS] = { "ai", "historian",
	"hmi", "mixer" };

struct roles {
	struct world *w;
	uint16_t port[N_CLIENTS];
	modbus_t *client[N_CLIENTS];
	char line[AUDIT_LINE_MAX];
	struct ctl_result res;
};

static int teardown(void **state);

/* The world's one listen: line becomes a listener per role. */
static int
roles_listen(struct roles *t)
{
	char from[64], to[512];
	size_t used;

	snprintf(from, sizeof from, "listen: 127.0.0.1:%u", t->w->port);
	t->port[AI] = t->w->port;
	used = (size_t)snprintf(to, sizeof to,
	    "listen:\n  - address: 127.0.0.1:%u", t->port[AI]);
	for (int i = HISTORIAN; i < N_CLIENTS; i++) {
		if ((t->port[i] = harness_free_port()) == 0)
			return -1;
		used += (size_t)snprintf(to + used, sizeof to - used,
		    "\n  - {address: 127.0.0.1:%u, role: %s}", t->port[i],
		    role_names[i]);
	}
	return textedit_replace(t->w->config, 1, from, to);
}

/* isolate: all, for the isolation test's config. */
static int
roles_isolate_all(struct roles *t)
{
	return textedit_replace(t->w->config, 0,
	    "  on_violations: {count: 2, within: 60s}",
	    "  on_violations: {count: 2, within: 60s}\n  isolate: all");
}

static int
setup_with(void **state, int isolate_all)
{
	struct roles *t = calloc(1, sizeof *t);
	int ok;

	*state = t;
	ok = t != NULL && (t->w = world_new_tank(NULL, NULL)) != NULL &&
	    world_config(t->w, BODY) == 0 && roles_listen(t) == 0 &&
	    (!isolate_all || roles_isolate_all(t) == 0) &&
	    world_launch(t->w, NULL) == 0 &&
	    world_wait(t->w, 1, READY_TIMEOUT) == 0;
	for (int i = 0; ok && i < N_CLIENTS; i++)
		ok = harness_wait_port(t->w->warden, t->port[i],
		    READY_TIMEOUT) == 0 && (t->client[i] = world_connect(
		    t->port[i], 1, CLIENT_TIMEOUT)) != NULL;
	ok = ok && world_wait_path(t->client[AI], VALVE, READY_TIMEOUT) == 0;
	if (ok)
		return 0;
	if (t != NULL && t->w != NULL)
		t->w->failed = 1;
	teardown(state);
	*state = NULL;
	return -1;
}

static int
setup(void **state)
{
	return setup_with(state, 0);
}

static int
setup_isolate_all(void **state)
{
	return setup_with(state, 1);
}

static int
teardown(void **state)
{
	struct roles *t = *state;
	int rc;

	if (t == NULL)
		return 0;
	for (int i = 0; i < N_CLIENTS; i++)
		if (t->client[i] != NULL)
			world_client_free(t->client[i]);
	rc = world_free(t->w);
	free(t);
	return rc;
}

/* The first record after line `after` with event and key = want, into
 * obj; its line number. */
static int
record_get(struct roles *t, int after, const char *event, const char *key,
    const char *want, struct json_value *obj)
{
	const char *why;
	size_t at;
	int n;

	n = audit_query_line(t->w->audit, after, event, key, want, t->line,
	    sizeof t->line);
	if (n <= 0)
		fail_msg("no audit record %s with %s = %s after line %d", event,
		    key ? key : "-", want ? want : "-", after);
	assert_int_equal(json_parse(t->line, strlen(t->line), obj, &at, &why),
	    0);
	return n;
}

static void
field_string(const struct roles *t, const struct json_value *obj,
    const char *key, const char *want)
{
	struct json_value v;
	char text[512];

	if (json_object_get(obj, key, &v) != 0 ||
	    json_get_string(&v, text, sizeof text) < 0)
		fail_msg("record has no string %s: %s", key, t->line);
	if (strcmp(text, want) != 0)
		fail_msg("record's %s is \"%s\", expected \"%s\": %s", key,
		    text, want, t->line);
}

static int64_t
field_int(const struct roles *t, const struct json_value *obj,
    const char *key)
{
	struct json_value v;
	int64_t i = 0;

	if (json_object_get(obj, key, &v) != 0 || json_get_int64(&v, &i) != 0)
		fail_msg("record has no integer %s: %s", key, t->line);
	return i;
}

/* The record names the role, and as identity the client's address: the
 * same as its client field on a plain listener. */
static void
assert_who(const struct roles *t, const struct json_value *obj,
    const char *role)
{
	struct json_value v;
	char client[128];

	field_string(t, obj, "role", role);
	if (json_object_get(obj, "client", &v) != 0 ||
	    json_get_string(&v, client, sizeof client) < 0)
		fail_msg("record has no client: %s", t->line);
	assert_non_null(strstr(client, "127.0.0.1:"));
	field_string(t, obj, "identity", client);
}

/* What the device holds, asked directly. */
static uint16_t
device_register(const struct roles *t, int address)
{
	modbus_t *plc = world_plc_client(t->w, 0, 1);
	uint16_t v = 0;

	assert_non_null(plc);
	assert_int_equal(modbus_read_registers(plc, address, 1, &v), 1);
	world_client_free(plc);
	return v;
}

static void
assert_state(struct roles *t, const char *state)
{
	struct ctl_status st;
	char why[256];

	if (ctl_status(t->w, &st, why, sizeof why) != 0)
		fail_msg("%s", why);
	assert_string_equal(st.state, state);
}

/* A historian reads; each write of its is 0x01, audited, and not the
 * AI's violation (two would take over). */
static void
test_historian_cannot_write(void **state)
{
	struct roles *t = *state;
	struct json_value obj;
	uint16_t v[2];
	uint8_t bit = 0;

	assert_int_equal(modbus_read_registers(t->client[HISTORIAN], VALVE, 2,
	    v), 2);
	assert_int_equal(modbus_read_input_registers(t->client[HISTORIAN], 0,
	    1, v), 1);
	assert_int_equal(modbus_read_bits(t->client[HISTORIAN], PUMP_RUN, 1,
	    &bit), 1);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(modbus_write_register(t->client[HISTORIAN],
		    VALVE, 100), -1);
		assert_int_equal(world_exception(),
		    MODBUS_EXCEPTION_ILLEGAL_FUNCTION);
	}
	assert_int_equal(modbus_write_bit(t->client[HISTORIAN], PUMP_RUN, 0),
	    -1);
	assert_int_equal(world_exception(), MODBUS_EXCEPTION_ILLEGAL_FUNCTION);
	assert_int_not_equal(device_register(t, VALVE), 100);
	record_get(t, 0, "write_rejected", "role", "historian", &obj);
	assert_who(t, &obj, "historian");
	field_string(t, &obj, "rule", "role");
	field_string(t, &obj, "reason", "role 'historian' may not write");
	assert_int_equal(field_int(t, &obj, "exception"), 1);
	assert_int_equal(field_int(t, &obj, "address"), VALVE);
	assert_state(t, "auto");
}

/* The HMI starts the pump; the valve is not its to move (0x02). */
static void
test_hmi_pump_not_valve(void **state)
{
	struct roles *t = *state;
	struct json_value obj;
	uint8_t bit = 1;

	assert_int_equal(modbus_write_bit(t->client[HMI], PUMP_RUN, 0), 1);
	assert_int_equal(modbus_read_bits(t->client[AI], PUMP_RUN, 1, &bit),
	    1);
	assert_int_equal(bit, 0);
	assert_int_equal(modbus_write_bit(t->client[HMI], PUMP_RUN, 1), 1);
	record_get(t, 0, "write_allowed", "role", "hmi", &obj);
	assert_who(t, &obj, "hmi");
	assert_int_equal(field_int(t, &obj, "fc"), 5);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(modbus_write_register(t->client[HMI], VALVE,
		    123), -1);
		assert_int_equal(world_exception(),
		    MODBUS_EXCEPTION_ILLEGAL_DATA_ADDRESS);
	}
	assert_int_not_equal(device_register(t, VALVE), 123);
	record_get(t, 0, "write_rejected", "role", "hmi", &obj);
	assert_who(t, &obj, "hmi");
	field_string(t, &obj, "point", "valve");
	field_string(t, &obj, "reason", "role 'hmi' may not write point "
	    "'valve'");
	assert_int_equal(field_int(t, &obj, "exception"), 2);
	assert_state(t, "auto");
}

/* A read outside a list is refused 0x02 and, unlike other reads,
 * audited; the AI's own records name it too. */
static void
test_read_list_and_ai_records(void **state)
{
	struct roles *t = *state;
	struct json_value obj;
	uint16_t v[2];

	assert_int_equal(modbus_read_registers(t->client[MIXER], PUMP_SPEED,
	    1, v), 1);
	assert_int_equal(modbus_read_registers(t->client[MIXER], VALVE, 2,
	    v), -1);
	assert_int_equal(world_exception(),
	    MODBUS_EXCEPTION_ILLEGAL_DATA_ADDRESS);
	record_get(t, 0, "read_rejected", "role", "mixer", &obj);
	assert_who(t, &obj, "mixer");
	field_string(t, &obj, "reason", "role 'mixer' may not read point "
	    "'valve'");
	assert_int_equal(modbus_write_register(t->client[MIXER], PUMP_SPEED,
	    600), 1);
	assert_int_equal(device_register(t, PUMP_SPEED), 600);

	assert_int_equal(modbus_write_register(t->client[AI], VALVE, 400), 1);
	record_get(t, 0, "write_allowed", "role", "ai", &obj);
	assert_who(t, &obj, "ai");
	assert_int_equal(field_int(t, &obj, "address"), VALVE);
	assert_int_equal(audit_query_find(t->w->audit, 0, "read_rejected",
	    "role", "ai"), 0);
}

/* In TAKEOVER the HMI keeps its rights; the mixer's writes and the AI's
 * are refused 0x0A; reads go on. */
static void
test_takeover_keep_or_not(void **state)
{
	struct roles *t = *state;
	struct json_value obj;
	struct ctl_status st;
	char why[256];
	uint16_t v;
	int at;

	ctl_run(t->w, &t->res, "takeover", "-r", "test", (char *)NULL);
	assert_int_equal(t->res.status, 0);
	if (ctl_wait(t->w, "takeover", "operator", 0, READY_TIMEOUT, &st,
	    why, sizeof why) != 0)
		fail_msg("%s", why);
	at = audit_query_find(t->w->audit, 0, "takeover", NULL, NULL);
	assert_true(at > 0);
	assert_int_equal(modbus_write_bit(t->client[HMI], PUMP_RUN, 0), 1);
	assert_int_equal(modbus_write_register(t->client[MIXER], PUMP_SPEED,
	    700), -1);
	assert_int_equal(world_exception(), MODBUS_EXCEPTION_GATEWAY_PATH);
	record_get(t, at, "write_rejected", "role", "mixer", &obj);
	field_string(t, &obj, "rule", "takeover");
	assert_int_equal(modbus_write_register(t->client[AI], VALVE, 300), -1);
	assert_int_equal(world_exception(), MODBUS_EXCEPTION_GATEWAY_PATH);
	assert_int_equal(modbus_read_registers(t->client[MIXER], PUMP_SPEED,
	    1, &v), 1);
	assert_int_not_equal(device_register(t, PUMP_SPEED), 700);
	record_get(t, at, "write_allowed", "role", "hmi", &obj);
}

/*
 * isolate: all isolates the ai role only: its connection is closed and
 * its listener refuses new ones, while the HMI (during_takeover: keep)
 * still starts the pump and the historian still reads; the mixer's
 * writes get 0x0A. On release the AI's listener opens again.
 */
static void
test_isolate_all_is_the_ai_only(void **state)
{
	struct roles *t = *state;
	struct ctl_status st;
	char why[256];
	uint16_t v;

	ctl_run(t->w, &t->res, "takeover", "-r", "test", (char *)NULL);
	assert_int_equal(t->res.status, 0);
	if (ctl_wait(t->w, "takeover", "operator", 0, READY_TIMEOUT, &st,
	    why, sizeof why) != 0)
		fail_msg("%s", why);
	assert_int_equal(modbus_read_registers(t->client[AI], VALVE, 1, &v),
	    -1);
	assert_int_equal(wire_connect(t->port[AI]), -1);
	assert_int_equal(modbus_write_bit(t->client[HMI], PUMP_RUN, 1), 1);
	assert_int_equal(modbus_read_registers(t->client[HISTORIAN], VALVE, 1,
	    &v), 1);
	assert_int_equal(modbus_write_register(t->client[MIXER], PUMP_SPEED,
	    700), -1);
	assert_int_equal(world_exception(), MODBUS_EXCEPTION_GATEWAY_PATH);

	ctl_run(t->w, &t->res, "release", "-r", "test", (char *)NULL);
	assert_int_equal(t->res.status, 0);
	assert_int_equal(harness_wait_port(t->w->warden, t->port[AI],
	    READY_TIMEOUT), 0);
	modbus_close(t->client[AI]);
	assert_int_equal(modbus_connect(t->client[AI]), 0);
	assert_int_equal(modbus_write_register(t->client[AI], VALVE, 300), 1);
	assert_int_equal(device_register(t, VALVE), 300);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_historian_cannot_write,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_hmi_pump_not_valve,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_list_and_ai_records,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_takeover_keep_or_not,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_isolate_all_is_the_ai_only, setup_isolate_all,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
