/*
 * test_gate_plan.c: what enforce mode does with each decision on a write
 * (gate_plan.h), on real frames judged by the policy: which record comes
 * first, what the AI is answered or what the device gets, and whether
 * the guard hears of a violation. First the case that left the AI with
 * no answer at all: a clamped frame that does not decode.
 */
#include "policy_fixture.h"

#include "gate_plan.h"

#define EX_FAILURE MODBUS_EXCEPTION_SLAVE_OR_SERVER_FAILURE
#define EX_PATH MODBUS_EXCEPTION_GATEWAY_PATH
#define EX_BUSY MODBUS_EXCEPTION_SLAVE_OR_SERVER_BUSY

static void
plan(struct fx *fx, uint8_t busy, struct gate_plan *p)
{
	gate_plan_enforce(fx->d, fx->frame, fx->len, &fx->req, busy, p);
}

static void
assert_answered(const struct gate_plan *p, const char *event,
    uint8_t exception, int violation)
{
	if (event == NULL)
		assert_null(p->event);
	else {
		assert_non_null(p->event);
		assert_string_equal(p->event, event);
	}
	assert_int_equal(p->exception, exception);
	assert_null(p->frame);
	assert_int_equal(p->violation, violation);
}

/* speed: int16, -100..100, clamp. 150 is forwarded as 100. */
static void
clamp_speed(struct fx *fx)
{
	write_reg(fx, 1, 150, 0);
	assert_int_equal(fx->d->verdict, POLICY_CLAMP);
	assert_int_equal(fx->d->frame_len, fx->len);
}

static void
test_clamp_not_decoding_is_refused_0x04(void **state)
{
	struct fx *fx = *state;
	struct gate_plan p;

	clamp_speed(fx);
	/* As if the rewrite had broken it: a protocol id that is not 0. */
	mbap_put_u16(fx->d->frame + 2, 1);
	plan(fx, 0, &p);
	/* The AI is answered, and the record says what it got: nothing
	 * forwarded, no clamped value. The write still broke the limit. */
	assert_answered(&p, "write_rejected", EX_FAILURE, 1);
}

static void
test_clamp_cut_short_is_refused_0x04(void **state)
{
	struct fx *fx = *state;
	struct gate_plan p;

	clamp_speed(fx);
	fx->d->frame_len = MBAP_HEADER_LEN + 2;
	plan(fx, 0, &p);
	assert_answered(&p, "write_rejected", EX_FAILURE, 1);
}

static void
test_clamp_forwards_the_clamped_frame(void **state)
{
	struct fx *fx = *state;
	struct gate_plan p;

	clamp_speed(fx);
	plan(fx, 0, &p);
	assert_string_equal(p.event, "write_clamped");
	assert_int_equal(p.exception, 0);
	assert_ptr_equal(p.frame, fx->d->frame);
	assert_int_equal(p.len, fx->d->frame_len);
	/* Decoded from the clamped bytes, so the echo expected is 100. */
	assert_ptr_equal(p.fwd.pdu, fx->d->frame + MBAP_HEADER_LEN);
	assert_int_equal(p.fwd.fc, MODBUS_FC_WRITE_SINGLE_REGISTER);
	assert_int_equal(p.fwd.tid, fx->req.tid);
	assert_int_equal(p.fwd.write_address, 1);
	assert_int_equal(mbap_get_u16(p.fwd.data), 100);
	assert_int_equal(p.violation, 1);
}

static void
test_allow_forwards_the_request_as_sent(void **state)
{
	struct fx *fx = *state;
	struct gate_plan p;

	/* valve: x0.1, 0..100. */
	assert_allowed(write_reg(fx, 0, 500, 0));
	plan(fx, 0, &p);
	assert_string_equal(p.event, "write_allowed");
	assert_int_equal(p.exception, 0);
	assert_ptr_equal(p.frame, fx->frame);
	assert_int_equal(p.len, fx->len);
	assert_ptr_equal(p.fwd.pdu, fx->req.pdu);
	assert_int_equal(mbap_get_u16(p.fwd.data), 500);
	assert_int_equal(p.violation, 0);
}

/* A device that cannot take it gets nothing recorded: nothing was
 * decided about the plant. */
static void
test_busy_device_answers_before_any_record(void **state)
{
	struct fx *fx = *state;
	struct gate_plan p;

	assert_allowed(write_reg(fx, 0, 500, 0));
	plan(fx, EX_PATH, &p);
	assert_answered(&p, NULL, EX_PATH, 0);
	clamp_speed(fx);
	plan(fx, EX_BUSY, &p);
	assert_answered(&p, NULL, EX_BUSY, 0);
}

static void
test_reject_and_takeover_are_violations(void **state)
{
	struct fx *fx = *state;
	struct gate_plan p;

	write_reg(fx, 0, 2000, 0);
	assert_refused(fx->d, POLICY_REJECT, EX_VALUE, "max");
	plan(fx, 0, &p);
	assert_answered(&p, "write_rejected", EX_VALUE, 1);
	/* Refusing needs no device: busy does not change it. */
	plan(fx, EX_PATH, &p);
	assert_answered(&p, "write_rejected", EX_VALUE, 1);
	/* trip_sp: max 50, on_violation takeover. */
	write_reg(fx, 5, 60, 0);
	assert_refused(fx->d, POLICY_TAKEOVER, EX_VALUE, "max");
	plan(fx, 0, &p);
	assert_answered(&p, "write_rejected", EX_VALUE, 1);
}

/* No value to judge against, and none could be read: refused with what
 * the read got, and not held against the AI. */
static void
test_read_that_failed_is_no_violation(void **state)
{
	struct fx *fx = *state;
	struct gate_plan p;

	/* setpoint: max_step 5, nothing known. */
	write_reg(fx, 2, 10, 0);
	assert_int_equal(fx->d->verdict, POLICY_READ);
	fx->d->exception = MODBUS_EXCEPTION_GATEWAY_TARGET;    /* gate_judge */
	plan(fx, 0, &p);
	assert_answered(&p, "write_rejected", MODBUS_EXCEPTION_GATEWAY_TARGET,
	    0);
}

/* slope: max_step 10, ramp. A ramp is recorded ramp_started, answered
 * by wardend (nothing forwarded here: ramp.c sends the steps) and is a
 * violation, as a clamp is; a busy device gets its answer first. */
static void
test_ramp_is_answered_and_walked(void **state)
{
	struct fx *fx = *state;
	struct gate_plan p;

	observe(fx, "slope", 20, 0);
	write_reg(fx, 27, 70, 1);
	assert_int_equal(fx->d->verdict, POLICY_RAMP);
	plan(fx, 0, &p);
	assert_answered(&p, "ramp_started", 0, 1);
	assert_true(p.ramp);
	plan(fx, EX_BUSY, &p);
	assert_answered(&p, NULL, EX_BUSY, 0);
	assert_false(p.ramp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_clamp_not_decoding_is_refused_0x04, setup_enforce),
		T(test_clamp_cut_short_is_refused_0x04, setup_enforce),
		T(test_clamp_forwards_the_clamped_frame, setup_enforce),
		T(test_allow_forwards_the_request_as_sent, setup_enforce),
		T(test_busy_device_answers_before_any_record, setup_enforce),
		T(test_reject_and_takeover_are_violations, setup_enforce),
		T(test_read_that_failed_is_no_violation, setup_enforce),
		T(test_ramp_is_answered_and_walked, setup_enforce),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
