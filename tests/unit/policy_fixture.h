/*
 * policy_fixture.h: what test_policy.c and test_policy_requests.c share:
 * one warden.yaml with a point for every rule, type and byte order,
 * loaded with config_load(); request builders that encode real frames and
 * decode them with mbap_decode_request() before policy_decide() sees them;
 * and assertions on decisions. Header-only (static inline): the Makefile
 * links each tests/unit/test_*.c on its own.
 */
#ifndef WARDEN_TEST_POLICY_FIXTURE_H
#define WARDEN_TEST_POLICY_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
	P("name: f_neg, table: holding, address: 40, data_type: float32, " \
	  "write: {max: 0}") \
	P("name: bits, table: holding, address: 20, write: {max: 255}") \
	P("name: stepclamp, table: holding, address: 21, " \
	  "write: {min: 0, max: 100, max_step: 10, on_violation: clamp}") \
	P("name: trim, table: holding, address: 22, scale: 0.1, " \
	  "write: {max: 50.05, on_violation: clamp}") \
	P("name: dose, table: holding, address: 24, scale: 0.1, " \
	  "write: {min: 0.3, max: 0.7}") \
	P("name: flag, table: holding, address: 25, data_type: bool, " \
	  "write: {}") \
	P("name: steprate, table: holding, address: 26, " \
	  "write: {max_step: 10, max_rate: 2, on_violation: clamp}") \
	P("name: slope, table: holding, address: 27, write: {min: 0, " \
	  "max: 100, max_step: 10, min_interval: 200ms, " \
	  "on_violation: ramp}") \
	P("name: climb, table: holding, address: 28, " \
	  "write: {max_rate: 5, on_violation: ramp}") \
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

struct fx {
	struct config *cfg;
	struct policy_memory *mem;
	struct policy_decision *d;
	struct mbap_request req;
	uint8_t frame[MBAP_MAX_ADU_LEN];
	size_t len;
};

static inline struct config *
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

static inline int
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

static inline int
setup_enforce(void **state)
{
	return fx_setup(state, "mode: enforce\n" HEAD POINTS);
}

static inline int
setup_declared(void **state)
{
	return fx_setup(state, "reads: declared\n" HEAD POINTS);
}

static inline int
setup_monitor(void **state)
{
	return fx_setup(state, "mode: monitor\n" HEAD POINTS);
}

static inline int
teardown(void **state)
{
	struct fx *fx = *state;

	config_free(fx->cfg);
	free(fx->mem);
	free(fx->d);
	free(fx);
	return 0;
}

static inline unsigned
point(const struct fx *fx, const char *name)
{
	const struct config_point *pt = config_point_by_name(fx->cfg, name);

	assert_non_null(pt);
	return (unsigned)(pt - fx->cfg->points);
}

/* Decode the frame in fx and judge it for device. */
static inline const struct policy_decision *
judge_on(struct fx *fx, unsigned device, double now)
{
	assert_int_not_equal(fx->len, 0);
	assert_int_equal(mbap_decode_request(fx->frame, fx->len, &fx->req), 0);
	policy_decide(fx->cfg, fx->mem, device, &fx->req, now, fx->d);
	return fx->d;
}

static inline const struct policy_decision *
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

static inline const struct policy_decision *
write_reg(struct fx *fx, uint16_t address, uint16_t value, double now)
{
	fx->len = mbap_encode_write_register(fx->frame, 1, 1, address, value);
	return judge_on(fx, 0, now);
}

static inline const struct policy_decision *
write_regs(struct fx *fx, uint16_t address, uint16_t n,
    const uint16_t *values, double now)
{
	fx->len = mbap_encode_write_registers(fx->frame, 1, 1, address, n,
	    values);
	return judge_on(fx, 0, now);
}

static inline const struct policy_decision *
write_coil(struct fx *fx, uint16_t address, int on)
{
	fx->len = mbap_encode_write_coil(fx->frame, 1, 1, address, on);
	return judge_on(fx, 0, 0);
}

static inline const struct policy_decision *
write_coils(struct fx *fx, uint16_t address, uint16_t n, uint8_t bits)
{
	fx->len = mbap_encode_write_coils(fx->frame, 1, 1, address, n, &bits);
	return judge_on(fx, 0, 0);
}

static inline const struct policy_decision *
mask_write(struct fx *fx, uint16_t address, uint16_t and_mask,
    uint16_t or_mask)
{
	uint8_t b[7] = { MODBUS_FC_MASK_WRITE_REGISTER };

	mbap_put_u16(b + 1, address);
	mbap_put_u16(b + 3, and_mask);
	mbap_put_u16(b + 5, or_mask);
	return pdu(fx, b, sizeof b, 0);
}

static inline const struct policy_decision *
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

static inline const struct policy_decision *
read_regs(struct fx *fx, uint8_t fc, uint16_t address, uint16_t n)
{
	fx->len = mbap_encode_read(fx->frame, 1, 1, fc, address, n);
	return judge_on(fx, 0, 0);
}

static inline void
observe(struct fx *fx, const char *name, double raw, double at)
{
	policy_observe(fx->cfg, fx->mem, point(fx, name), raw, at);
}

/* A request as it went to the device, kept until it is settled. */
struct sent {
	uint8_t frame[MBAP_MAX_ADU_LEN];
	struct mbap_request req;
};

/* What the gate does with an allowed or clamped request: forward it (the
 * clamped frame when clamped) and accept it. */
static inline void
forward(struct fx *fx, struct sent *out, double now)
{
	const uint8_t *frame = fx->frame;
	size_t len = fx->len;

	if (fx->d->verdict == POLICY_CLAMP) {
		frame = fx->d->frame;
		len = fx->d->frame_len;
	}
	memcpy(out->frame, frame, len);
	assert_int_equal(mbap_decode_request(out->frame, len, &out->req), 0);
	policy_forward(fx->cfg, fx->mem, 0, &out->req);
	policy_accept(fx->mem, fx->d, now);
}

static inline void
settle(struct fx *fx, const struct sent *s, enum policy_outcome outcome,
    double now)
{
	policy_settle(fx->cfg, fx->mem, 0, &s->req, 0, outcome, now);
}

static inline void
assert_allowed(const struct policy_decision *d)
{
	assert_int_equal(d->verdict, POLICY_ALLOW);
	assert_int_equal(d->exception, 0);
	assert_null(d->rule);
}

static inline void
assert_refused(const struct policy_decision *d, enum policy_verdict verdict,
    uint8_t exception, const char *rule)
{
	assert_int_equal(d->verdict, verdict);
	assert_int_equal(d->exception, exception);
	assert_non_null(d->rule);
	assert_string_equal(d->rule, rule);
	assert_int_equal(d->frame_len, 0);
}

static inline void
assert_decided_by(const struct fx *fx, const char *name, const char *rule,
    double limit)
{
	assert_true(fx->d->has_point);
	assert_int_equal(fx->d->point.point, point(fx, name));
	assert_string_equal(fx->d->rule, rule);
	assert_true(fx->d->has_limit);
	assert_true(fx->d->limit == limit);
}

#define T(name, setup) cmocka_unit_test_setup_teardown(name, setup, teardown)

#endif
