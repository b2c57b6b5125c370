/*
 * test_policy.c: the policy's rules. Every rule at its limits (exactly on
 * min and max, one raw step over, negative int16, 32-bit points in every
 * byte order, decimal limits against binary fractions, float32 at 0),
 * clamping, max_step's baseline and the writes in flight, how a write
 * ends, max_rate and min_interval over time, then monitor mode and the
 * memory the caller reports into. Request kinds (function
 * codes, multi-writes, fc 22 and 23, reads) are in test_policy_requests.c.
 */
#include <math.h>

#include "policy_fixture.h"

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
	/* Known or not (ASan once caught a NaN taken for a mask write). */
	observe(fx, "f_abcd", 0.25, 0);
	assert_refused(write_regs(fx, 10, 2, nan, 0), POLICY_REJECT, EX_VALUE,
	    "not_finite");
	assert_true(fx->d->point.has_value && isnan(fx->d->point.value));
}

/* The bits of a float32, as the two registers of an ABCD point. */
static const struct policy_decision *
write_float_bits(struct fx *fx, uint16_t address, uint32_t bits)
{
	const uint16_t words[2] = { (uint16_t)(bits >> 16), (uint16_t)bits };

	return write_regs(fx, address, 2, words, 0);
}

static void
test_float32_limit_at_zero_is_exact(void **state)
{
	struct fx *fx = *state;
	/* The smallest denormal, the smallest normal, 1e-8. */
	const uint32_t tiny[3] = { 0x00000001, 0x00800000, 0x322BCC77 };

	/* f_abcd: min 0, max 0.3; f_neg: max 0. */
	for (int i = 0; i < 3; i++) {
		assert_refused(write_float_bits(fx, 10, tiny[i] | 0x80000000u),
		    POLICY_REJECT, EX_VALUE, "min");
		assert_decided_by(fx, "f_abcd", "min", 0);
		assert_allowed(write_float_bits(fx, 10, tiny[i]));
		assert_refused(write_float_bits(fx, 40, tiny[i]),
		    POLICY_REJECT, EX_VALUE, "max");
		assert_allowed(write_float_bits(fx, 40,
		    tiny[i] | 0x80000000u));
	}
	/* -0.0 is 0. */
	assert_allowed(write_float_bits(fx, 10, 0x80000000u));
	assert_allowed(write_float_bits(fx, 40, 0x80000000u));
	assert_allowed(write_float_bits(fx, 40, 0xFF7FFFFFu));  /* -FLT_MAX */
	assert_refused(write_float_bits(fx, 40, 0xFF800000u), POLICY_REJECT,
	    EX_VALUE, "not_finite");
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

	/* No value known: read it first (no exception, not a refusal). */
	write_reg(fx, 2, 10, 0);
	assert_int_equal(fx->d->verdict, POLICY_READ);
	assert_int_equal(fx->d->exception, 0);
	assert_string_equal(fx->d->rule, "no_baseline");
	assert_true(fx->d->has_point);
	assert_false(fx->d->has_limit);
	assert_int_equal(fx->d->frame_len, 0);
	observe(fx, "setpoint", 10, 1);
	assert_allowed(write_reg(fx, 2, 15, 2));
	assert_allowed(write_reg(fx, 2, 5, 2));
	assert_refused(write_reg(fx, 2, 16, 2), POLICY_REJECT, EX_VALUE,
	    "max_step");
	assert_decided_by(fx, "setpoint", "max_step", 5);
	assert_refused(write_reg(fx, 2, 4, 2), POLICY_REJECT, EX_VALUE,
	    "max_step");
}

/* A value out of bounds needs no baseline to be refused; a clamp does,
 * since where it may go depends on the device's value. */
static void
test_bounds_before_baseline(void **state)
{
	struct fx *fx = *state;

	/* stepclamp: 0..100, max_step 10, clamp. */
	write_reg(fx, 21, 150, 0);
	assert_int_equal(fx->d->verdict, POLICY_READ);
	observe(fx, "stepclamp", 95, 0);
	write_reg(fx, 21, 150, 0);
	assert_int_equal(fx->d->verdict, POLICY_CLAMP);
	assert_decided_by(fx, "stepclamp", "max", 100);
	assert_true(fx->d->point.forwarded_raw == 100);
}

static void
test_baseline_is_the_newer_of_confirm_and_poll(void **state)
{
	struct fx *fx = *state;
	unsigned sp = point(fx, "setpoint");
	struct sent w;

	observe(fx, "setpoint", 10, 1);
	assert_allowed(write_reg(fx, 2, 15, 2));
	forward(fx, &w, 2);
	settle(fx, &w, POLICY_WRITTEN, 2.1);
	assert_true(fx->mem[sp].known_value == 15);
	assert_true(fx->mem[sp].known_from_write);
	assert_int_equal(fx->mem[sp].inflight, 0);
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

/* The pipeline: at 50 with max_step 5, 55 45 55 45 50 sent at
 * once. Each write is judged against the last known value and every
 * write still in flight: the device sees 50 55 55 50. */
static void
test_max_step_judges_writes_in_flight(void **state)
{
	struct fx *fx = *state;
	unsigned sp = point(fx, "setpoint");
	struct sent w[3];

	observe(fx, "setpoint", 50, 1);
	assert_allowed(write_reg(fx, 2, 55, 2));
	forward(fx, &w[0], 2);
	assert_refused(write_reg(fx, 2, 45, 2), POLICY_REJECT, EX_VALUE,
	    "max_step");
	assert_allowed(write_reg(fx, 2, 55, 2));
	forward(fx, &w[1], 2);
	assert_refused(write_reg(fx, 2, 45, 2), POLICY_REJECT, EX_VALUE,
	    "max_step");
	assert_allowed(write_reg(fx, 2, 50, 2));
	forward(fx, &w[2], 2);
	assert_int_equal(fx->mem[sp].inflight, 3);
	/* 60 is 5 from 55, but 10 from 50 should the 55s fail. */
	assert_refused(write_reg(fx, 2, 60, 2), POLICY_REJECT, EX_VALUE,
	    "max_step");
	/* The span holds until nothing is in flight, then collapses. */
	settle(fx, &w[0], POLICY_WRITTEN, 2.1);
	settle(fx, &w[1], POLICY_WRITTEN, 2.2);
	assert_refused(write_reg(fx, 2, 45, 2.2), POLICY_REJECT, EX_VALUE,
	    "max_step");
	settle(fx, &w[2], POLICY_WRITTEN, 2.3);
	assert_int_equal(fx->mem[sp].inflight, 0);
	assert_true(fx->mem[sp].known_value == 50);
	assert_allowed(write_reg(fx, 2, 45, 2.3));
}

/* How a write ends decides what is known after it. */
static void
test_outcomes_of_a_write(void **state)
{
	struct fx *fx = *state;
	unsigned sp = point(fx, "setpoint");
	struct sent w;

	observe(fx, "setpoint", 50, 1);
	/* Refused by the device: still 50, no longer in flight. */
	assert_allowed(write_reg(fx, 2, 55, 2));
	forward(fx, &w, 2);
	settle(fx, &w, POLICY_NOT_WRITTEN, 2.1);
	assert_int_equal(fx->mem[sp].inflight, 0);
	assert_true(fx->mem[sp].known && fx->mem[sp].known_value == 50);
	assert_allowed(write_reg(fx, 2, 45, 3));
	/* Not answered: it may have landed; read again before judging. */
	forward(fx, &w, 3);
	settle(fx, &w, POLICY_UNKNOWN, 3.5);
	assert_false(fx->mem[sp].known);
	write_reg(fx, 2, 45, 4);
	assert_int_equal(fx->d->verdict, POLICY_READ);
	/* A read sent before the loss does not count; one after does. */
	observe(fx, "setpoint", 50, 3.4);
	assert_false(fx->mem[sp].known);
	observe(fx, "setpoint", 45, 3.6);
	assert_allowed(write_reg(fx, 2, 40, 4));
}

/* max_rate and min_interval run from the last accepted write, in flight
 * or not, answered or not. */
static void
test_rate_and_interval_with_writes_in_flight(void **state)
{
	struct fx *fx = *state;
	struct sent w;

	/* ramp: 2 units/s, clamp. Two writes in the same instant: the
	 * second may not move. */
	assert_allowed(write_reg(fx, 3, 1000, 10));
	forward(fx, &w, 10);
	write_reg(fx, 3, 1001, 10);
	assert_int_equal(fx->d->verdict, POLICY_CLAMP);
	assert_true(fx->d->point.forwarded_value == 1000);
	/* The device refusing the first does not let the next jump. */
	settle(fx, &w, POLICY_NOT_WRITTEN, 10.2);
	write_reg(fx, 3, 1010, 11);
	assert_true(fx->d->point.forwarded_value == 1002);
	/* pulse: 200 ms from the accepted write, even once it failed. */
	assert_allowed(write_reg(fx, 4, 1, 0.1));
	forward(fx, &w, 0.1);
	assert_refused(write_reg(fx, 4, 2, 0.2), POLICY_REJECT, EX_VALUE,
	    "min_interval");
	settle(fx, &w, POLICY_UNKNOWN, 0.25);
	assert_refused(write_reg(fx, 4, 2, 0.25), POLICY_REJECT, EX_VALUE,
	    "min_interval");
	assert_allowed(write_reg(fx, 4, 2, 0.3));
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
	assert_true(fx->mem[ramp].accepted_lo == 2);
	assert_true(fx->mem[ramp].accepted_hi == 2);
}

/* --- memory ------------------------------------------------------------- */

static void
test_confirm_takes_what_was_forwarded(void **state)
{
	struct fx *fx = *state;
	unsigned sc = point(fx, "stepclamp");
	struct sent w;

	observe(fx, "stepclamp", 50, 1);
	write_reg(fx, 21, 90, 2);
	assert_int_equal(fx->d->verdict, POLICY_CLAMP);
	forward(fx, &w, 2);
	assert_true(fx->mem[sc].inflight_lo == 60);
	settle(fx, &w, POLICY_WRITTEN, 2.1);
	assert_true(fx->mem[sc].known_value == 60);
	/* A mask write that sets the whole register is a value... */
	assert_allowed(mask_write(fx, 21, 0x0000, 55));
	forward(fx, &w, 3);
	settle(fx, &w, POLICY_WRITTEN, 3);
	assert_true(fx->mem[sc].known && fx->mem[sc].known_value == 55);
	/* ...one that leaves bits to the device is not. */
	assert_allowed(mask_write(fx, 21, 0x0003, 0x0034));
	forward(fx, &w, 4);
	assert_true(fx->mem[sc].inflight_lo == 0x34);
	assert_true(fx->mem[sc].inflight_hi == 0x37);
	settle(fx, &w, POLICY_WRITTEN, 4);
	assert_false(fx->mem[sc].known);
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
	struct sent w;

	observe(fx, "setpoint", 42, 1);
	observe(fx, "valve", 7, 1);
	assert_allowed(write_reg(fx, 2, 44, 2));
	forward(fx, &w, 2);
	assert_allowed(write_reg(fx, 0, 8, 2));
	forward(fx, &w, 2);
	policy_memory_carry(fx->cfg, fx->mem, next, carried, 1);
	assert_true(carried[0].known && carried[0].known_value == 42);
	assert_int_equal(carried[0].inflight, 1);
	/* A new scale means a new point, whose writes begin after. */
	assert_false(carried[1].known);
	assert_int_equal(carried[1].inflight, 0);
	assert_int_equal(carried[1].since, 1);
	policy_forward(next, carried, 0, &w.req);
	policy_settle(next, carried, 0, &w.req, 0, POLICY_NOT_WRITTEN, 3);
	assert_int_equal(carried[1].inflight, 1);
	policy_settle(next, carried, 0, &w.req, 1, POLICY_NOT_WRITTEN, 3);
	assert_int_equal(carried[1].inflight, 0);
	/* Connections gone with the devices: what was in flight is not
	 * known. */
	policy_inflight_lost(next, carried, 4);
	assert_false(carried[0].known);
	assert_int_equal(carried[0].inflight, 0);
	config_free(next);
}

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
		T(test_float32_limit_at_zero_is_exact, setup_enforce),
		T(test_max_step_needs_a_baseline, setup_enforce),
		T(test_bounds_before_baseline, setup_enforce),
		T(test_baseline_is_the_newer_of_confirm_and_poll,
		    setup_enforce),
		T(test_max_step_judges_writes_in_flight, setup_enforce),
		T(test_outcomes_of_a_write, setup_enforce),
		T(test_rate_and_interval_with_writes_in_flight, setup_enforce),
		T(test_max_rate_between_accepted_writes, setup_enforce),
		T(test_min_interval_not_restarted_by_refusals, setup_enforce),
		T(test_takeover_on_violation, setup_enforce),
		T(test_monitor_mode_verdicts, setup_monitor),
		T(test_monitor_mode_memory_follows_enforcement, setup_monitor),
		T(test_confirm_takes_what_was_forwarded, setup_enforce),
		T(test_memory_carried_over_a_reload, setup_enforce),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
