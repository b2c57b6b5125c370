/*
 * test_policy.c: the verdict on every kind of request. Configs are real
 * warden.yaml text loaded with config_load(); requests are real frames
 * decoded with mbap_decode_request(). Every rule at its limits first, then
 * clamping, every function code, all-or-nothing multi-writes, fc 22 and
 * 23, reads: declared, monitor mode and the memory the caller reports.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <math.h>

#include <cmocka.h>
#include <modbus.h>

#include "policy.h"
#include "point.h"

#define EX_FUNCTION MODBUS_EXCEPTION_ILLEGAL_FUNCTION
#define EX_ADDRESS MODBUS_EXCEPTION_ILLEGAL_DATA_ADDRESS
#define EX_VALUE MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE

#define HEAD \
	"listen: 127.0.0.1:1502\n" \
	"state_dir: /tmp\n" \
	"audit_log: /tmp/warden-test-audit.jsonl\n" \
	"control: {socket: /tmp/warden-test.sock}\n" \
	"allow_functions: [0x2B]\n" \
	"devices:\n" \
	"  - {name: plc, host: 127.0.0.1, port: 5020, unit_id: 1}\n" \
	"  - {name: bare, host: 127.0.0.1, port: 5021, unit_id: 2}\n"

#define P(rest) "  - {device: plc, " rest "}\n"

/* Holding 7, 8 and coil 4 are deliberately undeclared. */
#define POINTS \
	"points:\n" \
	P("name: valve, table: holding, address: 0, scale: 0.1, " \
	  "write: {min: 0, max: 100}") \
	P("name: speed, table: holding, address: 1, data_type: int16, " \
	  "write: {min: -100, max: 100, on_violation: clamp}") \
	P("name: setpoint, table: holding, address: 2, " \
	  "write: {max_step: 5}") \
	P("name: ramp, table: holding, address: 3, " \
	  "write: {max_rate: 2, on_violation: clamp}") \
	P("name: pulse, table: holding, address: 4, " \
	  "write: {min_interval: 200ms}") \
	P("name: trip_sp, table: holding, address: 5, " \
	  "write: {max: 50, on_violation: takeover}") \
	P("name: status, table: holding, address: 6") \
	P("name: temp, table: holding, address: 9, data_type: int16, " \
	  "scale: 0.5, offset: -20, write: {min: -10, max: 30}") \
	P("name: f_abcd, table: holding, address: 10, data_type: float32, " \
	  "write: {min: 0, max: 0.3}") \
	P("name: f_cdab, table: holding, address: 12, data_type: float32, " \
	  "byte_order: CDAB, write: {min: 0, max: 0.3}") \
	P("name: f_badc, table: holding, address: 14, data_type: float32, " \
	  "byte_order: BADC, write: {min: 0, max: 0.3}") \
	P("name: f_dcba, table: holding, address: 16, data_type: float32, " \
	  "byte_order: DCBA, write: {min: 0, max: 0.3}") \
	P("name: bits, table: holding, address: 20, write: {max: 255}") \
	P("name: stepclamp, table: holding, address: 21, " \
	  "write: {min: 0, max: 100, max_step: 10, on_violation: clamp}") \
	P("name: trim, table: holding, address: 22, scale: 0.1, " \
	  "write: {max: 50.05, on_violation: clamp}") \
	P("name: dose, table: holding, address: 24, scale: 0.1, " \
	  "write: {min: 0.3, max: 0.7}") \
	P("name: flag, table: holding, address: 25, data_type: bool, " \
	  "write: {}") \
	P("name: i_abcd, table: holding, address: 30, data_type: int32, " \
	  "write: {min: -100000, max: 100000}") \
	P("name: i_cdab, table: holding, address: 32, data_type: int32, " \
	  "byte_order: CDAB, write: {min: -100000, max: 100000}") \
	P("name: i_badc, table: holding, address: 34, data_type: int32, " \
	  "byte_order: BADC, write: {min: -100000, max: 100000}") \
	P("name: i_dcba, table: holding, address: 36, data_type: int32, " \
	  "byte_order: DCBA, write: {min: -100000, max: 100000}") \
	P("name: pump, table: coil, address: 0, write: {}") \
	P("name: heater, table: coil, address: 1, write: {max: 0}") \
	P("name: lamp, table: coil, address: 2, " \
	  "write: {max: 0, on_violation: clamp}") \
	P("name: light, table: coil, address: 3") \
	P("name: key, table: discrete, address: 0") \
	P("name: level, table: input, address: 0")

static const char enforce_yaml[] = "mode: enforce\n" HEAD POINTS;
static const char declared_yaml[] = "reads: declared\n" HEAD POINTS;
static const char monitor_yaml[] = "mode: monitor\n" HEAD POINTS;

struct fx {
	struct config *cfg;
	struct policy_memory *mem;
	struct policy_decision *d;
	struct mbap_request req;
	uint8_t frame[MBAP_MAX_ADU_LEN];
	size_t len;
};

static struct config *
config_from(const char *yaml)
{
	char path[] = "/tmp/test_policy-XXXXXX";
	int fd = mkstemp(path);
	char *errors = NULL;
	struct config *cfg;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, yaml, strlen(yaml)), (ssize_t)strlen(yaml));
	close(fd);
	cfg = config_load(path, &errors);
	unlink(path);
	if (!cfg)
		fail_msg("config_load: %s", errors);
	return cfg;
}

static int
fx_setup(void **state, const char *yaml)
{
	struct fx *fx = calloc(1, sizeof *fx);

	assert_non_null(fx);
	fx->cfg = config_from(yaml);
	fx->mem = calloc(fx->cfg->n_points, sizeof *fx->mem);
	fx->d = malloc(sizeof *fx->d);
	assert_non_null(fx->mem);
	assert_non_null(fx->d);
	*state = fx;
	return 0;
}

static int
setup_enforce(void **state)
{
	return fx_setup(state, enforce_yaml);
}

static int
setup_declared(void **state)
{
	return fx_setup(state, declared_yaml);
}

static int
setup_monitor(void **state)
{
	return fx_setup(state, monitor_yaml);
}

static int
teardown(void **state)
{
	struct fx *fx = *state;

	config_free(fx->cfg);
	free(fx->mem);
	free(fx->d);
	free(fx);
	return 0;
}

static unsigned
point(const struct fx *fx, const char *name)
{
	const struct config_point *pt = config_point_by_name(fx->cfg, name);

	assert_non_null(pt);
	return (unsigned)(pt - fx->cfg->points);
}

/* Decode the frame in fx and judge it for device. */
static const struct policy_decision *
judge_on(struct fx *fx, unsigned device, double now)
{
	assert_int_not_equal(fx->len, 0);
	assert_int_equal(mbap_decode_request(fx->frame, fx->len, &fx->req), 0);
	policy_decide(fx->cfg, fx->mem, device, &fx->req, now, fx->d);
	return fx->d;
}

static const struct policy_decision *
pdu(struct fx *fx, const uint8_t *bytes, size_t n, double now)
{
	mbap_put_u16(fx->frame, 0x1234);
	mbap_put_u16(fx->frame + 2, 0);
	mbap_put_u16(fx->frame + 4, (uint16_t)(n + 1));
	fx->frame[6] = 1;
	memcpy(fx->frame + MBAP_HEADER_LEN, bytes, n);
	fx->len = MBAP_HEADER_LEN + n;
	return judge_on(fx, 0, now);
}

static const struct policy_decision *
write_reg(struct fx *fx, uint16_t address, uint16_t value, double now)
{
	fx->len = mbap_encode_write_register(fx->frame, 1, 1, address, value);
	return judge_on(fx, 0, now);
}

static const struct policy_decision *
write_regs(struct fx *fx, uint16_t address, uint16_t n,
    const uint16_t *values, double now)
{
	fx->len = mbap_encode_write_registers(fx->frame, 1, 1, address, n,
	    values);
	return judge_on(fx, 0, now);
}

static const struct policy_decision *
write_coil(struct fx *fx, uint16_t address, int on)
{
	fx->len = mbap_encode_write_coil(fx->frame, 1, 1, address, on);
	return judge_on(fx, 0, 0);
}

static const struct policy_decision *
write_coils(struct fx *fx, uint16_t address, uint16_t n, uint8_t bits)
{
	fx->len = mbap_encode_write_coils(fx->frame, 1, 1, address, n, &bits);
	return judge_on(fx, 0, 0);
}

static const struct policy_decision *
mask_write(struct fx *fx, uint16_t address, uint16_t and_mask,
    uint16_t or_mask)
{
	uint8_t b[7] = { MODBUS_FC_MASK_WRITE_REGISTER };

	mbap_put_u16(b + 1, address);
	mbap_put_u16(b + 3, and_mask);
	mbap_put_u16(b + 5, or_mask);
	return pdu(fx, b, sizeof b, 0);
}

static const struct policy_decision *
write_read(struct fx *fx, uint16_t read_address, uint16_t read_n,
    uint16_t address, uint16_t value)
{
	uint8_t b[12] = { MODBUS_FC_WRITE_AND_READ_REGISTERS };

	mbap_put_u16(b + 1, read_address);
	mbap_put_u16(b + 3, read_n);
	mbap_put_u16(b + 5, address);
	mbap_put_u16(b + 7, 1);
	b[9] = 2;
	mbap_put_u16(b + 10, value);
	return pdu(fx, b, sizeof b, 0);
}

static const struct policy_decision *
read_regs(struct fx *fx, uint8_t fc, uint16_t address, uint16_t n)
{
	fx->len = mbap_encode_read(fx->frame, 1, 1, fc, address, n);
	return judge_on(fx, 0, 0);
}

static void
observe(struct fx *fx, const char *name, double raw, double at)
{
	policy_observe(fx->cfg, fx->mem, point(fx, name), raw, at);
}

static void
assert_allowed(const struct policy_decision *d)
{
	assert_int_equal(d->verdict, POLICY_ALLOW);
	assert_int_equal(d->exception, 0);
	assert_null(d->rule);
}

static void
assert_refused(const struct policy_decision *d, enum policy_verdict verdict,
    uint8_t exception, const char *rule)
{
	assert_int_equal(d->verdict, verdict);
	assert_int_equal(d->exception, exception);
	assert_non_null(d->rule);
	assert_string_equal(d->rule, rule);
	assert_int_equal(d->frame_len, 0);
}

static void
assert_decided_by(const struct fx *fx, const char *name, const char *rule,
    double limit)
{
	assert_true(fx->d->has_point);
	assert_int_equal(fx->d->point.point, point(fx, name));
	assert_string_equal(fx->d->rule, rule);
	assert_true(fx->d->has_limit);
	assert_true(fx->d->limit == limit);
}

/* --- every rule at its limits ------------------------------------- */

static void
test_min_max_exact_and_one_raw_step_over(void **state)
{
	struct fx *fx = *state;

	/* valve: uint16 x0.1, 0..100. */
	assert_allowed(write_reg(fx, 0, 0, 0));
	assert_allowed(write_reg(fx, 0, 1000, 0));
	assert_true(fx->d->has_point && fx->d->point.value == 100);
	assert_true(fx->d->point.raw == 1000);
	assert_refused(write_reg(fx, 0, 1001, 0), POLICY_REJECT, EX_VALUE,
	    "max");
	assert_decided_by(fx, "valve", "max", 100);
	assert_true(fabs(fx->d->point.value - 100.1) < 1e-9);
	assert_true(fx->d->point.raw == 1001);
	assert_refused(write_reg(fx, 0, 0xFFFF, 0), POLICY_REJECT, EX_VALUE,
	    "max");
	/* temp: int16 x0.5 - 20, -10..30: raw 20 and 100 on the limits. */
	assert_allowed(write_reg(fx, 9, 20, 0));
	assert_allowed(write_reg(fx, 9, 100, 0));
	assert_refused(write_reg(fx, 9, 19, 0), POLICY_REJECT, EX_VALUE,
	    "min");
	assert_decided_by(fx, "temp", "min", -10);
	assert_true(fx->d->point.value == -10.5);
	assert_refused(write_reg(fx, 9, 101, 0), POLICY_REJECT, EX_VALUE,
	    "max");
	assert_refused(write_reg(fx, 9, 0x8000, 0), POLICY_REJECT, EX_VALUE,
	    "min");
}

static void
test_decimal_limits_survive_binary_fractions(void **state)
{
	struct fx *fx = *state;

	/* dose: x0.1, 0.3..0.7. Raw 7 is 0.7000000000000001 in doubles. */
	assert_allowed(write_reg(fx, 24, 3, 0));
	assert_allowed(write_reg(fx, 24, 7, 0));
	assert_refused(write_reg(fx, 24, 8, 0), POLICY_REJECT, EX_VALUE,
	    "max");
	assert_refused(write_reg(fx, 24, 2, 0), POLICY_REJECT, EX_VALUE,
	    "min");
}

static void
test_register_bool_is_0_or_1(void **state)
{
	struct fx *fx = *state;

	assert_allowed(write_reg(fx, 25, 0, 0));
	assert_allowed(write_reg(fx, 25, 1, 0));
	assert_refused(write_reg(fx, 25, 5, 0), POLICY_REJECT, EX_VALUE,
	    "max");
	assert_decided_by(fx, "flag", "max", 1);
}

static void
test_negative_int16_in_range_and_clamped(void **state)
{
	struct fx *fx = *state;

	assert_allowed(write_reg(fx, 1, (uint16_t)-100, 0));
	assert_true(fx->d->point.value == -100);
	assert_allowed(write_reg(fx, 1, 100, 0));
	write_reg(fx, 1, (uint16_t)-101, 0);
	assert_int_equal(fx->d->verdict, POLICY_CLAMP);
	assert_int_equal(fx->d->exception, 0);
	assert_decided_by(fx, "speed", "min", -100);
	assert_true(fx->d->point.value == -101);
	assert_true(fx->d->point.forwarded_value == -100);
	write_reg(fx, 1, 0x8000, 0);
	assert_int_equal(fx->d->verdict, POLICY_CLAMP);
	assert_int_equal(fx->d->frame_len, fx->len);
	assert_int_equal(mbap_get_u16(fx->d->frame + 10), 0xFF9C);
	assert_memory_equal(fx->d->frame, fx->frame, 10);
}

static void
test_int32_every_byte_order(void **state)
{
	struct fx *fx = *state;
	/* 100000 = 0x000186A0, 100001 = 0x000186A1, -100001 = 0xFFFE795F,
	 * in ABCD, CDAB, BADC, DCBA. */
	const uint16_t at_max[4][2] = {
		{ 0x0001, 0x86A0 }, { 0x86A0, 0x0001 },
		{ 0x0100, 0xA086 }, { 0xA086, 0x0100 },
	};
	const uint16_t over[4][2] = {
		{ 0x0001, 0x86A1 }, { 0x86A1, 0x0001 },
		{ 0x0100, 0xA186 }, { 0xA186, 0x0100 },
	};
	const uint16_t under[4][2] = {
		{ 0xFFFE, 0x795F }, { 0x795F, 0xFFFE },
		{ 0xFEFF, 0x5F79 }, { 0x5F79, 0xFEFF },
	};

	for (uint16_t i = 0; i < 4; i++) {
		uint16_t address = (uint16_t)(30 + 2 * i);

		assert_allowed(write_regs(fx, address, 2, at_max[i], 0));
		assert_true(fx->d->point.value == 100000);
		assert_refused(write_regs(fx, address, 2, over[i], 0),
		    POLICY_REJECT, EX_VALUE, "max");
		assert_true(fx->d->point.value == 100001);
		assert_refused(write_regs(fx, address, 2, under[i], 0),
		    POLICY_REJECT, EX_VALUE, "min");
		assert_true(fx->d->point.value == -100001);
	}
}

static void
test_float32_every_byte_order(void **state)
{
	struct fx *fx = *state;
	/* 0.3f = 0x3E99999A is on the 0.3 limit; the next float is over. */
	const uint16_t at_max[4][2] = {
		{ 0x3E99, 0x999A }, { 0x999A, 0x3E99 },
		{ 0x993E, 0x9A99 }, { 0x9A99, 0x993E },
	};
	const uint16_t over[4][2] = {
		{ 0x3E99, 0x999B }, { 0x999B, 0x3E99 },
		{ 0x993E, 0x9B99 }, { 0x9B99, 0x993E },
	};
	const uint16_t nan[2] = { 0x7FC0, 0x0000 };

	for (uint16_t i = 0; i < 4; i++) {
		uint16_t address = (uint16_t)(10 + 2 * i);

		assert_allowed(write_regs(fx, address, 2, at_max[i], 0));
		assert_true(fx->d->point.value == (double)0.3f);
		assert_refused(write_regs(fx, address, 2, over[i], 0),
		    POLICY_REJECT, EX_VALUE, "max");
	}
	assert_refused(write_regs(fx, 10, 2, nan, 0), POLICY_REJECT, EX_VALUE,
	    "not_finite");
}

static void
test_scale_rounding_in_a_clamp(void **state)
{
	struct fx *fx = *state;

	/* trim: x0.1, max 50.05. Raw 501 = 50.1 is over; the clamp must
	 * not round 50.05 up to 501 again. */
	assert_allowed(write_reg(fx, 22, 500, 0));
	write_reg(fx, 22, 600, 0);
	assert_int_equal(fx->d->verdict, POLICY_CLAMP);
	assert_decided_by(fx, "trim", "max", 50.05);
	assert_true(fx->d->point.forwarded_raw == 500);
	assert_true(fx->d->point.forwarded_value == 50);
	assert_int_equal(mbap_get_u16(fx->d->frame + 10), 500);
}

static void
test_max_step_needs_a_baseline(void **state)
{
	struct fx *fx = *state;

	assert_refused(write_reg(fx, 2, 10, 0), POLICY_REJECT, EX_VALUE,
	    "no_baseline");
	assert_true(fx->d->has_point);
	assert_false(fx->d->has_limit);
	observe(fx, "setpoint", 10, 1);
	assert_allowed(write_reg(fx, 2, 15, 2));
	assert_allowed(write_reg(fx, 2, 5, 2));
	assert_refused(write_reg(fx, 2, 16, 2), POLICY_REJECT, EX_VALUE,
	    "max_step");
	assert_decided_by(fx, "setpoint", "max_step", 5);
	assert_refused(write_reg(fx, 2, 4, 2), POLICY_REJECT, EX_VALUE,
	    "max_step");
}

static void
test_baseline_is_the_newer_of_confirm_and_poll(void **state)
{
	struct fx *fx = *state;
	unsigned sp = point(fx, "setpoint");

	observe(fx, "setpoint", 10, 1);
	assert_allowed(write_reg(fx, 2, 15, 2));
	policy_accept(fx->mem, fx->d, 2);
	policy_confirm(fx->cfg, fx->mem, 0, &fx->req, 2.1);
	assert_true(fx->mem[sp].known_value == 15);
	assert_true(fx->mem[sp].known_from_write);
	/* A poll sent before the confirmation may predate the write. */
	observe(fx, "setpoint", 10, 2.05);
	assert_true(fx->mem[sp].known_value == 15);
	assert_allowed(write_reg(fx, 2, 20, 3));
	observe(fx, "setpoint", 30, 2.5);
	assert_true(fx->mem[sp].known_value == 30);
	assert_false(fx->mem[sp].known_from_write);
	assert_refused(write_reg(fx, 2, 20, 3), POLICY_REJECT, EX_VALUE,
	    "max_step");
}

static void
test_max_rate_between_accepted_writes(void **state)
{
	struct fx *fx = *state;

	/* ramp: 2 units/s, clamp. The first write is not rate-checked. */
	assert_allowed(write_reg(fx, 3, 1000, 10));
	policy_accept(fx->mem, fx->d, 10);
	assert_allowed(write_reg(fx, 3, 1002, 11));
	assert_allowed(write_reg(fx, 3, 998, 11));
	write_reg(fx, 3, 1003, 11);
	assert_int_equal(fx->d->verdict, POLICY_CLAMP);
	assert_decided_by(fx, "ramp", "max_rate", 2);
	assert_true(fx->d->point.forwarded_value == 1002);
	policy_accept(fx->mem, fx->d, 11);
	/* Next from the clamped value at its time. */
	write_reg(fx, 3, 1010, 12.5);
	assert_int_equal(fx->d->verdict, POLICY_CLAMP);
	assert_true(fx->d->point.forwarded_value == 1005);
	assert_allowed(write_reg(fx, 3, 999, 12.5));
}

static void
test_min_interval_not_restarted_by_refusals(void **state)
{
	struct fx *fx = *state;

	/* pulse: 200 ms. 0.3 - 0.1 is 0.19999999999999998 in doubles. */
	assert_allowed(write_reg(fx, 4, 1, 0.1));
	policy_accept(fx->mem, fx->d, 0.1);
	assert_refused(write_reg(fx, 4, 2, 0.2), POLICY_REJECT, EX_VALUE,
	    "min_interval");
	assert_decided_by(fx, "pulse", "min_interval", 0.2);
	policy_accept(fx->mem, fx->d, 0.2);    /* a refusal: no effect */
	assert_allowed(write_reg(fx, 4, 3, 0.3));
	policy_accept(fx->mem, fx->d, 0.3);
	assert_refused(write_reg(fx, 4, 4, 0.49), POLICY_REJECT, EX_VALUE,
	    "min_interval");
}

static void
test_takeover_on_violation(void **state)
{
	struct fx *fx = *state;

	assert_allowed(write_reg(fx, 5, 50, 0));
	assert_refused(write_reg(fx, 5, 51, 0), POLICY_TAKEOVER, EX_VALUE,
	    "max");
	assert_decided_by(fx, "trip_sp", "max", 50);
}

/* --- addresses ------------------------------------------------------ */

static void
test_unwritable_addresses(void **state)
{
	struct fx *fx = *state;

	assert_refused(write_reg(fx, 6, 1, 0), POLICY_REJECT, EX_ADDRESS,
	    "not_writable");
	assert_true(fx->d->has_point);
	assert_int_equal(fx->d->point.point, point(fx, "status"));
	assert_false(fx->d->point.has_value);
	assert_refused(write_reg(fx, 7, 1, 0), POLICY_REJECT, EX_ADDRESS,
	    "not_writable");
	assert_false(fx->d->has_point);
	assert_refused(write_coil(fx, 3, 1), POLICY_REJECT, EX_ADDRESS,
	    "not_writable");
	assert_refused(write_coil(fx, 4, 1), POLICY_REJECT, EX_ADDRESS,
	    "not_writable");
	/* A device with no points at all. */
	fx->len = mbap_encode_write_register(fx->frame, 1, 2, 0, 1);
	assert_refused(judge_on(fx, 1, 0), POLICY_REJECT, EX_ADDRESS,
	    "not_writable");
}

/* --- all-or-nothing multi-writes ------------------------------------ */

static void
test_one_bad_value_of_many(void **state)
{
	struct fx *fx = *state;
	uint16_t six[6] = { 500, 20, 3, 0, 0, 50 };
	const uint16_t tail_good[3] = { 20, 0x3E99, 0x999A };
	const uint16_t tail_bad[3] = { 20, 0x3E99, 0x999B };

	/* setpoint has no baseline yet: the whole request is refused. */
	assert_refused(write_regs(fx, 0, 6, six, 0), POLICY_REJECT, EX_VALUE,
	    "no_baseline");
	assert_int_equal(fx->d->point.point, point(fx, "setpoint"));
	observe(fx, "setpoint", 0, 0);
	assert_allowed(write_regs(fx, 0, 6, six, 0));
	assert_int_equal(fx->d->n_writes, 6);
	assert_int_equal(fx->d->point.point, point(fx, "valve"));
	assert_int_equal(fx->d->writes[5].point, point(fx, "trip_sp"));
	assert_true(fx->d->writes[5].value == 50);
	/* Bad in the middle, then bad at the end. */
	six[2] = 6;
	assert_refused(write_regs(fx, 0, 6, six, 0), POLICY_REJECT, EX_VALUE,
	    "max_step");
	assert_decided_by(fx, "setpoint", "max_step", 5);
	assert_allowed(write_regs(fx, 9, 3, tail_good, 0));
	assert_refused(write_regs(fx, 9, 3, tail_bad, 0), POLICY_REJECT,
	    EX_VALUE, "max");
	assert_decided_by(fx, "f_abcd", "max", 0.3);
}

static void
test_worst_verdict_wins(void **state)
{
	struct fx *fx = *state;
	/* speed clamps; valve rejects; trip_sp takes over. */
	uint16_t values[2] = { 1001, 200 };
	uint16_t clamp_only[2] = { 500, 200 };

	observe(fx, "setpoint", 0, 0);
	assert_refused(write_regs(fx, 0, 2, values, 0), POLICY_REJECT,
	    EX_VALUE, "max");
	assert_int_equal(fx->d->point.point, point(fx, "valve"));
	write_regs(fx, 0, 2, clamp_only, 0);
	assert_int_equal(fx->d->verdict, POLICY_CLAMP);
	assert_int_equal(fx->d->point.point, point(fx, "speed"));
	assert_int_equal(fx->d->frame_len, fx->len);
	assert_memory_equal(fx->d->frame, fx->frame, fx->len - 2);
	assert_int_equal(mbap_get_u16(fx->d->frame + fx->len - 2), 100);
	{
		uint16_t six[6] = { 1001, 200, 0, 0, 0, 51 };

		write_regs(fx, 0, 6, six, 0);
		assert_refused(fx->d, POLICY_TAKEOVER, EX_VALUE, "max");
		assert_int_equal(fx->d->point.point, point(fx, "trip_sp"));
	}
}

static void
test_half_of_a_32bit_point_at_either_end(void **state)
{
	struct fx *fx = *state;
	const uint16_t three[3] = { 0, 0, 0 };

	/* Registers 11..13: the tail of f_abcd and all of f_cdab. */
	assert_refused(write_regs(fx, 11, 3, three, 0), POLICY_REJECT,
	    EX_VALUE, "partial_point");
	assert_int_equal(fx->d->point.point, point(fx, "f_abcd"));
	assert_int_equal(fx->d->n_writes, 0);
	/* Registers 12..14: f_cdab and the head of f_badc. */
	assert_refused(write_regs(fx, 12, 3, three, 0), POLICY_REJECT,
	    EX_VALUE, "partial_point");
	assert_int_equal(fx->d->point.point, point(fx, "f_badc"));
	assert_refused(write_reg(fx, 10, 0, 0), POLICY_REJECT, EX_VALUE,
	    "partial_point");
	assert_refused(write_reg(fx, 31, 0, 0), POLICY_REJECT, EX_VALUE,
	    "partial_point");
}

static void
test_undeclared_address_in_the_middle(void **state)
{
	struct fx *fx = *state;
	const uint16_t values[5] = { 0, 0, 0, 0, 0 };

	/* 5 and 9 are writable, 6 read-only, 7 and 8 undeclared. An address
	 * problem outranks a value problem and a partial point. */
	assert_refused(write_regs(fx, 5, 5, values, 0), POLICY_REJECT,
	    EX_ADDRESS, "not_writable");
	assert_refused(write_regs(fx, 7, 5, values, 0), POLICY_REJECT,
	    EX_ADDRESS, "not_writable");
	assert_int_equal(fx->d->n_writes, 0);
}

/* --- coils ------------------------------------------------------------ */

static void
test_coils_single_and_multiple(void **state)
{
	struct fx *fx = *state;

	assert_allowed(write_coil(fx, 0, 1));
	assert_true(fx->d->point.value == 1);
	assert_allowed(write_coil(fx, 0, 0));
	assert_allowed(write_coil(fx, 1, 0));
	assert_refused(write_coil(fx, 1, 1), POLICY_REJECT, EX_VALUE, "max");
	assert_decided_by(fx, "heater", "max", 0);
	/* pump on, heater off, lamp off; then heater on. */
	assert_allowed(write_coils(fx, 0, 3, 0x01));
	assert_int_equal(fx->d->n_writes, 3);
	assert_refused(write_coils(fx, 0, 3, 0x03), POLICY_REJECT, EX_VALUE,
	    "max");
	assert_refused(write_coils(fx, 0, 4, 0x01), POLICY_REJECT, EX_ADDRESS,
	    "not_writable");
}

static void
test_coil_clamped_off(void **state)
{
	struct fx *fx = *state;

	write_coil(fx, 2, 1);
	assert_int_equal(fx->d->verdict, POLICY_CLAMP);
	assert_int_equal(fx->d->frame_len, fx->len);
	assert_int_equal(mbap_get_u16(fx->d->frame + 10), 0x0000);
	write_coils(fx, 0, 3, 0x05);
	assert_int_equal(fx->d->verdict, POLICY_CLAMP);
	assert_int_equal(fx->d->frame_len, fx->len);
	assert_int_equal(fx->d->frame[fx->len - 1], 0x01);
}

/* --- fc 22 and 23 ----------------------------------------------------- */

static void
test_mask_write_judged_on_the_result(void **state)
{
	struct fx *fx = *state;

	assert_refused(mask_write(fx, 20, 0xFFF0, 0x0003), POLICY_REJECT,
	    EX_VALUE, "no_baseline");
	assert_false(fx->d->point.has_value);
	/* The example in the Modbus spec: 0x12, AND 0xF2, OR 0x25: 0x17. */
	observe(fx, "bits", 0x12, 1);
	assert_allowed(mask_write(fx, 20, 0x00F2, 0x0025));
	assert_true(fx->d->point.value == 0x17);
	observe(fx, "bits", 0x0F, 1);
	assert_refused(mask_write(fx, 20, 0x00FF, 0x0100), POLICY_REJECT,
	    EX_VALUE, "max");
	assert_true(fx->d->point.value == 0x10F);
	assert_refused(mask_write(fx, 6, 0, 0), POLICY_REJECT, EX_ADDRESS,
	    "not_writable");
	assert_refused(mask_write(fx, 10, 0, 0), POLICY_REJECT, EX_VALUE,
	    "partial_point");
	/* A clamped mask write sets the whole register. */
	observe(fx, "stepclamp", 50, 1);
	mask_write(fx, 21, 0x0000, 90);
	assert_int_equal(fx->d->verdict, POLICY_CLAMP);
	assert_decided_by(fx, "stepclamp", "max_step", 10);
	assert_int_equal(mbap_get_u16(fx->d->frame + 10), 0x0000);
	assert_int_equal(mbap_get_u16(fx->d->frame + 12), 60);
}

static void
test_write_read_judged_on_its_write(void **state)
{
	struct fx *fx = *state;

	assert_allowed(write_read(fx, 100, 10, 0, 1000));
	assert_refused(write_read(fx, 100, 10, 0, 1001), POLICY_REJECT,
	    EX_VALUE, "max");
	assert_refused(write_read(fx, 0, 1, 7, 0), POLICY_REJECT, EX_ADDRESS,
	    "not_writable");
	write_read(fx, 0, 1, 1, 300);
	assert_int_equal(fx->d->verdict, POLICY_CLAMP);
	assert_int_equal(fx->d->frame_len, fx->len);
	assert_int_equal(mbap_get_u16(fx->d->frame + fx->len - 2), 100);
}

/* --- reads and other functions ---------------------------------------- */

static void
test_reads_any(void **state)
{
	struct fx *fx = *state;

	assert_allowed(read_regs(fx, MODBUS_FC_READ_HOLDING_REGISTERS, 0,
	    125));
	assert_allowed(read_regs(fx, MODBUS_FC_READ_COILS, 100, 2000));
	assert_allowed(read_regs(fx, MODBUS_FC_READ_DISCRETE_INPUTS, 9, 1));
	assert_allowed(read_regs(fx, MODBUS_FC_READ_INPUT_REGISTERS, 9, 1));
	assert_false(fx->d->has_point);
}

static void
test_reads_declared(void **state)
{
	struct fx *fx = *state;

	assert_allowed(read_regs(fx, MODBUS_FC_READ_HOLDING_REGISTERS, 0, 7));
	assert_refused(read_regs(fx, MODBUS_FC_READ_HOLDING_REGISTERS, 0, 8),
	    POLICY_REJECT, EX_ADDRESS, "not_declared");
	/* Half of a 32-bit point may be read. */
	assert_allowed(read_regs(fx, MODBUS_FC_READ_HOLDING_REGISTERS, 11, 1));
	assert_allowed(read_regs(fx, MODBUS_FC_READ_COILS, 0, 4));
	assert_refused(read_regs(fx, MODBUS_FC_READ_COILS, 0, 5),
	    POLICY_REJECT, EX_ADDRESS, "not_declared");
	assert_allowed(read_regs(fx, MODBUS_FC_READ_DISCRETE_INPUTS, 0, 1));
	assert_refused(read_regs(fx, MODBUS_FC_READ_DISCRETE_INPUTS, 1, 1),
	    POLICY_REJECT, EX_ADDRESS, "not_declared");
	assert_allowed(read_regs(fx, MODBUS_FC_READ_INPUT_REGISTERS, 0, 1));
	assert_refused(read_regs(fx, MODBUS_FC_READ_INPUT_REGISTERS, 0, 2),
	    POLICY_REJECT, EX_ADDRESS, "not_declared");
	/* fc 23: its read part too, before its write part. */
	assert_allowed(write_read(fx, 0, 7, 0, 1000));
	assert_refused(write_read(fx, 0, 8, 0, 1000), POLICY_REJECT,
	    EX_ADDRESS, "not_declared");
	/* A device with no points. */
	fx->len = mbap_encode_read(fx->frame, 1, 2, 3, 0, 1);
	assert_refused(judge_on(fx, 1, 0), POLICY_REJECT, EX_ADDRESS,
	    "not_declared");
}

static void
test_every_function_code(void **state)
{
	struct fx *fx = *state;

	for (unsigned fc = 1; fc < 128; fc++) {
		uint8_t b[12] = { (uint8_t)fc };
		const struct policy_decision *d;
		int passes = fc == 0x2B;

		/* A well-formed body for the codes the codec knows. */
		switch (fc) {
		case 1: case 2: case 3: case 4: case 6:
			mbap_put_u16(b + 3, 1);
			d = pdu(fx, b, 5, 0);
			passes = 1;
			break;
		case 5:
			d = pdu(fx, b, 5, 0);
			passes = 1;
			break;
		case 15: case 16:
			mbap_put_u16(b + 3, 1);
			b[5] = fc == 15 ? 1 : 2;
			d = pdu(fx, b, fc == 15 ? 7 : 8, 0);
			passes = 1;
			break;
		case 22:
			d = mask_write(fx, 0, 0xFFFF, 0);
			assert_refused(d, POLICY_REJECT, EX_VALUE,
			    "no_baseline");
			continue;
		case 23:
			d = write_read(fx, 0, 1, 0, 0);
			passes = 1;
			break;
		default:
			d = pdu(fx, b, 5, 0);
			break;
		}
		if (passes)
			assert_allowed(d);
		else
			assert_refused(d, POLICY_REJECT, EX_FUNCTION,
			    "function");
	}
}

/* --- monitor mode ------------------------------------------------------ */

static void
test_monitor_mode_verdicts(void **state)
{
	struct fx *fx = *state;

	assert_int_equal(fx->cfg->mode, MODE_MONITOR);
	write_reg(fx, 0, 1001, 0);
	assert_refused(fx->d, POLICY_REJECT, EX_VALUE, "max");
	assert_string_equal(policy_event_name(fx->d, MODE_MONITOR),
	    "would_reject");
	assert_string_equal(policy_event_name(fx->d, MODE_ENFORCE),
	    "write_rejected");
	write_reg(fx, 1, 300, 0);
	assert_string_equal(policy_event_name(fx->d, MODE_MONITOR),
	    "would_clamp");
	assert_string_equal(policy_event_name(fx->d, MODE_ENFORCE),
	    "write_clamped");
	write_reg(fx, 5, 51, 0);
	assert_string_equal(policy_event_name(fx->d, MODE_MONITOR),
	    "would_takeover");
	write_reg(fx, 5, 50, 0);
	assert_string_equal(policy_event_name(fx->d, MODE_MONITOR),
	    "write_allowed");
	assert_string_equal(policy_verdict_name(POLICY_TAKEOVER), "takeover");
}

static void
test_monitor_mode_memory_follows_enforcement(void **state)
{
	struct fx *fx = *state;
	unsigned ramp = point(fx, "ramp");

	/* Everything is forwarded, so the caller accepts everything. */
	assert_allowed(write_reg(fx, 4, 1, 0));
	policy_accept(fx->mem, fx->d, 0);
	assert_refused(write_reg(fx, 4, 2, 0.1), POLICY_REJECT, EX_VALUE,
	    "min_interval");
	policy_accept(fx->mem, fx->d, 0.1);
	assert_allowed(write_reg(fx, 4, 3, 0.2));
	/* A would-be clamp remembers the clamped value. */
	assert_allowed(write_reg(fx, 3, 0, 0));
	policy_accept(fx->mem, fx->d, 0);
	write_reg(fx, 3, 50, 1);
	assert_int_equal(fx->d->verdict, POLICY_CLAMP);
	policy_accept(fx->mem, fx->d, 1);
	assert_true(fx->mem[ramp].accepted_value == 2);
}

/* --- memory ------------------------------------------------------------- */

static void
test_confirm_takes_what_was_forwarded(void **state)
{
	struct fx *fx = *state;
	unsigned sc = point(fx, "stepclamp");
	struct mbap_request fwd;

	observe(fx, "stepclamp", 50, 1);
	write_reg(fx, 21, 90, 2);
	assert_int_equal(fx->d->verdict, POLICY_CLAMP);
	assert_int_equal(mbap_decode_request(fx->d->frame, fx->d->frame_len,
	    &fwd), 0);
	policy_confirm(fx->cfg, fx->mem, 0, &fwd, 2.1);
	assert_true(fx->mem[sc].known_value == 60);
	/* A mask write is confirmed against the last known value. */
	assert_allowed(mask_write(fx, 21, 0xFFF0, 0x0007));
	policy_confirm(fx->cfg, fx->mem, 0, &fx->req, 3);
	assert_true(fx->mem[sc].known_value == 0x37);
	/* A NaN from the device makes the value unknown. */
	observe(fx, "f_abcd", NAN, 4);
	assert_false(fx->mem[point(fx, "f_abcd")].known);
}

static void
test_memory_carried_over_a_reload(void **state)
{
	struct fx *fx = *state;
	const char *moved = "mode: enforce\n" HEAD "points:\n"
	    P("name: setpoint, table: holding, address: 2, "
	      "write: {max_step: 5}")
	    P("name: valve, table: holding, address: 0, scale: 0.2, "
	      "write: {max: 100}");
	struct config *next = config_from(moved);
	struct policy_memory carried[2];

	observe(fx, "setpoint", 42, 1);
	observe(fx, "valve", 7, 1);
	policy_memory_carry(fx->cfg, fx->mem, next, carried);
	assert_true(carried[0].known && carried[0].known_value == 42);
	/* A new scale means a new point. */
	assert_false(carried[1].known);
	config_free(next);
}

#define T(name, setup) cmocka_unit_test_setup_teardown(name, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_min_max_exact_and_one_raw_step_over, setup_enforce),
		T(test_decimal_limits_survive_binary_fractions, setup_enforce),
		T(test_register_bool_is_0_or_1, setup_enforce),
		T(test_negative_int16_in_range_and_clamped, setup_enforce),
		T(test_int32_every_byte_order, setup_enforce),
		T(test_float32_every_byte_order, setup_enforce),
		T(test_scale_rounding_in_a_clamp, setup_enforce),
		T(test_max_step_needs_a_baseline, setup_enforce),
		T(test_baseline_is_the_newer_of_confirm_and_poll,
		    setup_enforce),
		T(test_max_rate_between_accepted_writes, setup_enforce),
		T(test_min_interval_not_restarted_by_refusals, setup_enforce),
		T(test_takeover_on_violation, setup_enforce),
		T(test_unwritable_addresses, setup_enforce),
		T(test_one_bad_value_of_many, setup_enforce),
		T(test_worst_verdict_wins, setup_enforce),
		T(test_half_of_a_32bit_point_at_either_end, setup_enforce),
		T(test_undeclared_address_in_the_middle, setup_enforce),
		T(test_coils_single_and_multiple, setup_enforce),
		T(test_coil_clamped_off, setup_enforce),
		T(test_mask_write_judged_on_the_result, setup_enforce),
		T(test_write_read_judged_on_its_write, setup_enforce),
		T(test_reads_any, setup_enforce),
		T(test_reads_declared, setup_declared),
		T(test_every_function_code, setup_enforce),
		T(test_monitor_mode_verdicts, setup_monitor),
		T(test_monitor_mode_memory_follows_enforcement,
		    setup_monitor),
		T(test_confirm_takes_what_was_forwarded, setup_enforce),
		T(test_memory_carried_over_a_reload, setup_enforce),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
