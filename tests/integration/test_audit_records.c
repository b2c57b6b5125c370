/*
 * test_audit_records.c: every audit record says what the AI asked. A
 * refused write to an undeclared address keeps its address and values;
 * a write of many points lists each point with its value; functions
 * wardend does not judge are recorded as requests, not writes, and one
 * that is not allowed gets 0x01 in AUTO and in TAKEOVER alike; and a
 * device that nothing polls still has its losses audited. Each test ends
 * with `wardenctl audit verify` on the log it produced.
 */
#include <errno.h>
#include <math.h>
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

#include "audit.h"
#include "audit_query.h"
#include "ctl.h"
#include "json.h"
#include "world.h"

#define CLIENT_TIMEOUT 2.0
#define READY_TIMEOUT 5.0
#define EVENT_TIMEOUT 10.0
#define LINE_MAX_TEST AUDIT_LINE_MAX

#define VALVE 0                 /* % x10 */
#define PUMP_SPEED 1            /* % x10, clamped to 20..100 % */
#define OFFSET 2                /* int16 */
#define UNDECLARED 500
#define COIL_FIRST 100          /* coil_100 .. coil_136 */
#define N_COILS 37

#define REGISTER_POINTS \
	"mode: enforce\ninitial_state: auto\nallow_functions: [0x2B]\n" \
	"points:\n" \
	"  - {name: valve, device: tank1, table: holding, address: 0,\n" \
	"     scale: 0.1, unit: \"%\", write: {min: 0, max: 100}}\n" \
	"  - {name: pump_speed, device: tank1, table: holding, address: 1,\n" \
	"     scale: 0.1, write: {min: 20, max: 100, on_violation: clamp}}\n" \
	"  - {name: offset, device: tank1, table: holding, address: 2,\n" \
	"     data_type: int16, write: {min: -100, max: 100}}\n"

struct records {
	struct world *w;
	modbus_t *ai;
	char line[LINE_MAX_TEST];
	struct ctl_result res;
};

static int teardown_world(void **state);

static int
records_start(void **state, const char *body)
{
	struct records *t = calloc(1, sizeof(*t));
	int ok;

	*state = t;
	ok = t != NULL && (t->w = world_new_tank(NULL, NULL)) != NULL &&
	    world_start(t->w, body) == 0 &&
	    (t->ai = world_client(t->w, 1, CLIENT_TIMEOUT)) != NULL &&
	    world_wait_path(t->ai, VALVE, READY_TIMEOUT) == 0;
	if (ok)
		return 0;
	if (t != NULL && t->w != NULL)
		t->w->failed = 1;
	teardown_world(state);
	*state = NULL;
	return -1;
}

/* The register points, and 37 writable coils from coil 100 on. */
static int
setup_points(void **state)
{
	char body[WORLD_YAML_MAX];
	size_t used;
	int i;

	used = (size_t)snprintf(body, sizeof(body), "%s", REGISTER_POINTS);
	for (i = 0; i < N_COILS && used < sizeof(body); i++)
		used += (size_t)snprintf(body + used, sizeof(body) - used,
		    "  - {name: coil_%d, device: tank1, table: coil, "
		    "address: %d, write: {}}\n", COIL_FIRST + i,
		    COIL_FIRST + i);
	assert_true(used < sizeof(body));
	return records_start(state, body);
}

static int
teardown_world(void **state)
{
	struct records *t = *state;
	int rc;

	if (t == NULL)
		return 0;
	if (t->ai != NULL) {
		modbus_close(t->ai);
		modbus_free(t->ai);
	}
	rc = world_free(t->w);
	free(t);
	return rc;
}

/* The first record after line `after` with this event and key = want,
 * parsed into obj (its text stays in t->line); its line number. */
static int
record_get(struct records *t, int after, const char *event, const char *key,
    const char *want, struct json_value *obj)
{
	const char *why;
	size_t at;
	int n;

	n = audit_query_line(t->w->audit, after, event, key, want, t->line,
	    sizeof(t->line));
	if (n <= 0)
		fail_msg("no audit record %s with %s = %s after line %d", event,
		    key ? key : "-", want ? want : "-", after);
	assert_int_equal(json_parse(t->line, strlen(t->line), obj, &at, &why),
	    0);
	return n;
}

static int64_t
field_int(const struct records *t, const struct json_value *obj,
    const char *key)
{
	struct json_value v;
	int64_t i = 0;

	if (json_object_get(obj, key, &v) != 0 || json_get_int64(&v, &i) != 0)
		fail_msg("record has no integer %s: %s", key, t->line);
	return i;
}

static double
field_double(const struct records *t, const struct json_value *obj,
    const char *key)
{
	struct json_value v;
	double d = 0;

	if (json_object_get(obj, key, &v) != 0 || json_get_double(&v, &d) != 0)
		fail_msg("record has no number %s: %s", key, t->line);
	return d;
}

static void
field_string(const struct records *t, const struct json_value *obj,
    const char *key, const char *want)
{
	struct json_value v;
	char text[256];

	if (json_object_get(obj, key, &v) != 0 ||
	    json_get_string(&v, text, sizeof(text)) < 0)
		fail_msg("record has no string %s: %s", key, t->line);
	if (strcmp(text, want) != 0)
		fail_msg("record's %s is \"%s\", expected \"%s\": %s", key,
		    text, want, t->line);
}

static int
field_present(const struct json_value *obj, const char *key)
{
	struct json_value v;

	return json_object_get(obj, key, &v) == 0;
}

/* The record's "values" is the array of these register words. */
static void
assert_registers(const struct records *t, const struct json_value *obj,
    const uint16_t *want, int n)
{
	struct json_value list;
	struct json_member m;
	struct json_iter it;
	int64_t v;
	int i = 0;

	if (json_object_get(obj, "values", &list) != 0 ||
	    list.type != JSON_ARRAY)
		fail_msg("record has no values array: %s", t->line);
	json_iter_init(&it, &list);
	while (json_iter_next(&it, &m)) {
		if (i >= n || json_get_int64(&m.value, &v) != 0 ||
		    v != want[i])
			fail_msg("values[%d] is not %u: %s", i,
			    i < n ? want[i] : 0, t->line);
		i++;
	}
	if (i != n)
		fail_msg("%d values, expected %d: %s", i, n, t->line);
}

/* Point i of the record's "points" array; fails when there is none. */
static void
point_at(const struct records *t, const struct json_value *obj, int i,
    struct json_value *out)
{
	struct json_value list;
	struct json_member m;
	struct json_iter it;
	int k = 0;

	if (json_object_get(obj, "points", &list) != 0 ||
	    list.type != JSON_ARRAY)
		fail_msg("record has no points array: %s", t->line);
	json_iter_init(&it, &list);
	while (json_iter_next(&it, &m))
		if (k++ == i) {
			assert_int_equal(m.value.type, JSON_OBJECT);
			*out = m.value;
			return;
		}
	fail_msg("record lists %d points, not %d: %s", k, i + 1, t->line);
}

static int
points_count(const struct json_value *obj)
{
	struct json_value list;
	struct json_member m;
	struct json_iter it;
	int k = 0;

	if (json_object_get(obj, "points", &list) != 0)
		return -1;
	json_iter_init(&it, &list);
	while (json_iter_next(&it, &m))
		k++;
	return k;
}

static void
assert_chain_verifies(struct records *t)
{
	assert_int_equal(world_stop(t->w), 0);
	ctl_run(NULL, &t->res, "audit", "verify", t->w->audit, (char *)NULL);
	if (t->res.status != 0)
		fail_msg("wardenctl audit verify exited %d: %s%s",
		    t->res.status, t->res.out, t->res.err);
}

/* One raw request (unit, fc, data) and the exception it got, or -1. */
static int
raw_exception(modbus_t *ctx, const uint8_t *req, int len)
{
	uint8_t rsp[MODBUS_TCP_MAX_ADU_LENGTH];
	int n;

	assert_true(modbus_send_raw_request(ctx, req, len) > 0);
	n = modbus_receive_confirmation(ctx, rsp);
	if (n == 9 && rsp[7] == (req[1] | 0x80))
		return rsp[8];
	return -1;
}

/* A refused write to an address no point declares still says where and
 * what: the address, the count and every value. */
static void
test_undeclared_write_recorded(void **state)
{
	struct records *t = *state;
	const uint16_t regs[3] = { 11, 22, 33 };
	struct json_value obj;
	int at;

	assert_int_equal(modbus_write_register(t->ai, UNDECLARED, 4242), -1);
	assert_int_equal(world_exception(),
	    MODBUS_EXCEPTION_ILLEGAL_DATA_ADDRESS);
	assert_int_equal(modbus_write_registers(t->ai, UNDECLARED + 10, 3,
	    regs), -1);
	assert_int_equal(world_exception(),
	    MODBUS_EXCEPTION_ILLEGAL_DATA_ADDRESS);

	at = record_get(t, 0, "write_rejected", "address", "500", &obj);
	field_string(t, &obj, "rule", "not_writable");
	assert_int_equal(field_int(t, &obj, "exception"), 2);
	assert_int_equal(field_int(t, &obj, "unit"), 1);
	assert_int_equal(field_int(t, &obj, "fc"), 6);
	assert_int_equal(field_int(t, &obj, "count"), 1);
	assert_registers(t, &obj, (const uint16_t[]){ 4242 }, 1);
	record_get(t, at, "write_rejected", "address", "510", &obj);
	assert_int_equal(field_int(t, &obj, "fc"), 16);
	assert_int_equal(field_int(t, &obj, "count"), 3);
	assert_registers(t, &obj, regs, 3);
	assert_false(field_present(&obj, "points"));
	assert_chain_verifies(t);
}

/* FC 16 of three points: each one listed with its value and raw, the
 * clamped one with what was forwarded; the verdict's fields as before. */
static void
test_fc16_every_point(void **state)
{
	struct records *t = *state;
	const uint16_t regs[3] = { 450, 100, (uint16_t)-7 };
	struct json_value obj, p;

	assert_int_equal(modbus_write_registers(t->ai, VALVE, 3, regs), 3);

	record_get(t, 0, "write_clamped", "fc", "16", &obj);
	field_string(t, &obj, "point", "pump_speed");
	field_string(t, &obj, "rule", "min");
	assert_true(fabs(field_double(t, &obj, "value") - 10.0) < 1e-9);
	assert_true(fabs(field_double(t, &obj, "forwarded") - 20.0) < 1e-9);
	assert_int_equal(field_int(t, &obj, "address"), VALVE);
	assert_int_equal(field_int(t, &obj, "count"), 3);
	assert_registers(t, &obj, regs, 3);
	assert_int_equal(points_count(&obj), 3);
	point_at(t, &obj, 0, &p);
	field_string(t, &p, "point", "valve");
	assert_true(fabs(field_double(t, &p, "value") - 45.0) < 1e-9);
	assert_int_equal(field_int(t, &p, "raw"), 450);
	assert_false(field_present(&p, "forwarded"));
	point_at(t, &obj, 1, &p);
	field_string(t, &p, "point", "pump_speed");
	assert_true(fabs(field_double(t, &p, "value") - 10.0) < 1e-9);
	assert_int_equal(field_int(t, &p, "raw"), 100);
	assert_true(fabs(field_double(t, &p, "forwarded") - 20.0) < 1e-9);
	point_at(t, &obj, 2, &p);
	field_string(t, &p, "point", "offset");
	assert_true(fabs(field_double(t, &p, "value") + 7.0) < 1e-9);
	assert_int_equal(field_int(t, &p, "raw"), -7);
	assert_chain_verifies(t);
}

/* FC 15 of 37 coils: the bits as written, and each coil's point. */
static void
test_fc15_every_coil(void **state)
{
	struct records *t = *state;
	uint8_t bits[N_COILS];
	char want[N_COILS + 1], name[32];
	struct json_value obj, p;
	int i;

	for (i = 0; i < N_COILS; i++) {
		bits[i] = (uint8_t)(i % 3 == 0 || i == N_COILS - 1);
		want[i] = bits[i] ? '1' : '0';
	}
	want[N_COILS] = '\0';
	assert_int_equal(modbus_write_bits(t->ai, COIL_FIRST, N_COILS, bits),
	    N_COILS);

	record_get(t, 0, "write_allowed", "fc", "15", &obj);
	assert_int_equal(field_int(t, &obj, "address"), COIL_FIRST);
	assert_int_equal(field_int(t, &obj, "count"), N_COILS);
	field_string(t, &obj, "values", want);
	assert_int_equal(points_count(&obj), N_COILS);
	for (i = 0; i < N_COILS; i++) {
		point_at(t, &obj, i, &p);
		snprintf(name, sizeof(name), "coil_%d", COIL_FIRST + i);
		field_string(t, &p, "point", name);
		assert_int_equal(field_int(t, &p, "value"), bits[i]);
	}
	assert_chain_verifies(t);
}

/* Diagnostics (8), report server id (0x11) and an unassigned code
 * (0x42) after line `after`: each answered 0x01 and recorded as
 * request_rejected, rule function, with its data. */
static void
refuse_functions(struct records *t, int after)
{
	const uint8_t diag[] = { 1, 0x08, 0x00, 0x00, 0x12, 0x34 };
	const uint8_t report[] = { 1, 0x11 };
	const uint8_t unassigned[] = { 1, 0x42, 0xDE, 0xAD };
	const struct {
		const uint8_t *req;
		int len;
		const char *fc, *data;
	} cases[] = {
		{ diag, sizeof(diag), "8", "00001234" },
		{ report, sizeof(report), "17", NULL },
		{ unassigned, sizeof(unassigned), "66", "dead" },
	};
	struct json_value obj;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(raw_exception(t->ai, cases[i].req,
		    cases[i].len), MODBUS_EXCEPTION_ILLEGAL_FUNCTION);
		record_get(t, after, "request_rejected", "fc", cases[i].fc,
		    &obj);
		field_string(t, &obj, "rule", "function");
		assert_int_equal(field_int(t, &obj, "exception"), 1);
		assert_int_equal(field_int(t, &obj, "unit"), 1);
		if (cases[i].data != NULL)
			field_string(t, &obj, "data", cases[i].data);
		else
			assert_false(field_present(&obj, "data"));
	}
}

/* Functions that are not allowed get 0x01 in AUTO and in TAKEOVER
 * alike; an allowed one (0x2B) is request_allowed in AUTO and refused
 * 0x0A during TAKEOVER, as writes are. */
static void
test_functions_in_every_state(void **state)
{
	struct records *t = *state;
	const uint8_t ident[] = { 1, 0x2B, 0x0E, 0x01, 0x00 };
	struct ctl_status st;
	struct json_value obj;
	char why[512];
	int at;

	refuse_functions(t, 0);
	/* The device itself may not know 0x2B: any answer but wardend's
	 * own refusal. */
	assert_int_not_equal(raw_exception(t->ai, ident, sizeof(ident)),
	    MODBUS_EXCEPTION_GATEWAY_PATH);
	record_get(t, 0, "request_allowed", "fc", "43", &obj);
	field_string(t, &obj, "data", "0e0100");
	assert_false(field_present(&obj, "rule"));

	ctl_run(t->w, &t->res, "takeover", "-r", "test", (char *)NULL);
	assert_int_equal(t->res.status, 0);
	if (ctl_wait(t->w, "takeover", "operator", 0, READY_TIMEOUT, &st,
	    why, sizeof(why)) != 0)
		fail_msg("%s", why);
	at = audit_query_find(t->w->audit, 0, "takeover", NULL, NULL);
	assert_true(at > 0);
	refuse_functions(t, at);
	assert_int_equal(raw_exception(t->ai, ident, sizeof(ident)),
	    MODBUS_EXCEPTION_GATEWAY_PATH);
	record_get(t, at, "request_rejected", "rule", "takeover", &obj);
	assert_int_equal(field_int(t, &obj, "fc"), 0x2B);
	assert_int_equal(field_int(t, &obj, "exception"), 0x0A);
	assert_int_equal(modbus_write_register(t->ai, VALVE, 100), -1);
	assert_int_equal(world_exception(), MODBUS_EXCEPTION_GATEWAY_PATH);
	record_get(t, at, "write_rejected", "rule", "takeover", &obj);
	assert_int_equal(field_int(t, &obj, "address"), VALVE);
	assert_registers(t, &obj, (const uint16_t[]){ 100 }, 1);
	/* No function is recorded as a write. */
	assert_int_equal(audit_query_find(t->w->audit, 0, "write_rejected",
	    "rule", "function"), 0);
	assert_int_equal(audit_query_find(t->w->audit, 0, "write_allowed",
	    "fc", "43"), 0);
	assert_chain_verifies(t);
}

/* Wait until the audit log holds event with key = want after line
 * `after`; its line number. */
static int
wait_record(struct records *t, int after, const char *event, const char *key,
    const char *want)
{
	double deadline = harness_now() + EVENT_TIMEOUT;
	struct timespec gap = { 0, 20000000 };
	int at;

	while ((at = audit_query_find(t->w->audit, after, event, key,
	    want)) == 0 && harness_now() < deadline)
		nanosleep(&gap, NULL);
	if (at <= 0)
		fail_msg("no %s record with %s = %s within %.0f s", event, key,
		    want, EVENT_TIMEOUT);
	return at;
}

/* Nothing on tank1 is polled (one point, read only, not monitored):
 * its loss and its return are audited from its connections. */
static void
test_unpolled_device_up_down(void **state)
{
	struct records *t;
	int down, up;

	if (records_start(state, "mode: enforce\ninitial_state: auto\n"
	    "points:\n"
	    "  - {name: level, device: tank1, table: input, address: 0}\n")
	    != 0)
		fail_msg("the world did not start");
	t = *state;
	world_plc_stop(t->w, 0);
	down = wait_record(t, 0, "device_down", "device", "tank1");
	assert_int_equal(world_plc_restart(t->w, 0, NULL), 0);
	up = wait_record(t, down, "device_up", "device", "tank1");
	assert_true(up > down);
	/* once per transition */
	assert_int_equal(audit_query_find(t->w->audit, down, "device_down",
	    NULL, NULL), 0);
	assert_int_equal(world_wait_path(t->ai, VALVE, READY_TIMEOUT), 0);
	assert_chain_verifies(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_undeclared_write_recorded,
		    setup_points, teardown_world),
		cmocka_unit_test_setup_teardown(test_fc16_every_point,
		    setup_points, teardown_world),
		cmocka_unit_test_setup_teardown(test_fc15_every_coil,
		    setup_points, teardown_world),
		cmocka_unit_test_setup_teardown(test_functions_in_every_state,
		    setup_points, teardown_world),
		cmocka_unit_test_teardown(test_unpolled_device_up_down,
		    teardown_world),
	};

	/* WARDEN_TEST_FILTER=test_fc15 runs the matching tests only. */
	if (getenv("WARDEN_TEST_FILTER") != NULL)
		cmocka_set_test_filter(getenv("WARDEN_TEST_FILTER"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
