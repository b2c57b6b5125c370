/*
 * test_policy_ramp.c: the limit a record names when both max_step and
 * max_rate are broken (the one that bound), and the policy's side of
 * on_violation: ramp: which writes get a ramp, which are refused, the
 * first step, and min_interval running from the AI's own writes only.
 */
#include "policy_fixture.h"

/* steprate: max_step 10, max_rate 2/s, clamp. At 100, accepted at t 10. */
static void
steprate_at_100(struct fx *fx)
{
	struct sent w;

	observe(fx, "steprate", 100, 9);
	assert_allowed(write_reg(fx, 26, 100, 10));
	forward(fx, &w, 10);
	settle(fx, &w, POLICY_WRITTEN, 10);
}

/* Rate tighter: 1 s later the rate allows 2, the step 10: max_rate bound
 * (before, max_step was named whenever it was broken). */
static void
test_binding_rate_tighter(void **state)
{
	struct fx *fx = *state;

	steprate_at_100(fx);
	write_reg(fx, 26, 150, 11);
	assert_int_equal(fx->d->verdict, POLICY_CLAMP);
	assert_decided_by(fx, "steprate", "max_rate", 2);
	assert_true(fx->d->point.forwarded_raw == 102);
}

/* Step tighter: 20 s later the rate allows 40, the step 10. */
static void
test_binding_step_tighter(void **state)
{
	struct fx *fx = *state;

	steprate_at_100(fx);
	write_reg(fx, 26, 150, 30);
	assert_decided_by(fx, "steprate", "max_step", 10);
	assert_true(fx->d->point.forwarded_raw == 110);
	/* Downward the same. */
	write_reg(fx, 26, 50, 30);
	assert_decided_by(fx, "steprate", "max_step", 10);
	assert_true(fx->d->point.forwarded_raw == 90);
	write_reg(fx, 26, 50, 12);
	assert_decided_by(fx, "steprate", "max_rate", 2);
	assert_true(fx->d->point.forwarded_raw == 96);
}

/* Only one broken: that one, whichever is tighter in general. */
static void
test_binding_only_one_broken(void **state)
{
	struct fx *fx = *state;

	steprate_at_100(fx);
	/* 8 is within the step, not within the rate after 1 s. */
	write_reg(fx, 26, 108, 11);
	assert_decided_by(fx, "steprate", "max_rate", 2);
	/* 15 breaks the step, the rate allows 30 after 15 s. */
	write_reg(fx, 26, 115, 25);
	assert_decided_by(fx, "steprate", "max_step", 10);
	/* As tight: max_step. 5 s: rate 10 = step 10. */
	write_reg(fx, 26, 150, 15);
	assert_decided_by(fx, "steprate", "max_step", 10);
}

/* slope: 0..100, max_step 10, min_interval 200 ms, ramp. */
static void
test_ramp_verdict_and_first_step(void **state)
{
	struct fx *fx = *state;

	observe(fx, "slope", 20, 0);
	write_reg(fx, 27, 70, 1);
	assert_int_equal(fx->d->verdict, POLICY_RAMP);
	assert_int_equal(fx->d->exception, 0);
	assert_decided_by(fx, "slope", "max_step", 10);
	assert_true(fx->d->point.raw == 70);
	assert_true(fx->d->point.forwarded_raw == 30);
	assert_string_equal(policy_event_name(fx->d, MODE_ENFORCE),
	    "ramp_started");
	assert_string_equal(policy_event_name(fx->d, MODE_MONITOR),
	    "would_ramp");
	/* Within the step: an ordinary write. */
	assert_allowed(write_reg(fx, 27, 25, 1));
}

/* Outside min/max: refused, not walked to the bound. */
static void
test_ramp_target_outside_bounds_refused(void **state)
{
	struct fx *fx = *state;

	observe(fx, "slope", 20, 0);
	assert_refused(write_reg(fx, 27, 101, 1), POLICY_REJECT, EX_VALUE,
	    "max");
}

/* No baseline: read first, as a clamp does. */
static void
test_ramp_needs_a_baseline(void **state)
{
	struct fx *fx = *state;

	write_reg(fx, 27, 70, 1);
	assert_int_equal(fx->d->verdict, POLICY_READ);
}

/* A request that writes more than the ramped point, or one wardend
 * cannot answer itself, is refused whole. */
static void
test_ramp_refused_in_other_requests(void **state)
{
	struct fx *fx = *state;
	const uint16_t two[2] = { 70, 5 };
	const uint16_t one[1] = { 70 };
	uint8_t b[7] = { MODBUS_FC_MASK_WRITE_REGISTER };

	observe(fx, "slope", 20, 0);
	observe(fx, "climb", 0, 0);
	assert_refused(write_regs(fx, 27, 2, two, 1), POLICY_REJECT,
	    EX_VALUE, "max_step");
	write_regs(fx, 27, 1, one, 1);
	assert_int_equal(fx->d->verdict, POLICY_RAMP);
	/* fc 22 writing exactly 70. */
	mbap_put_u16(b + 1, 27);
	mbap_put_u16(b + 3, 0);
	mbap_put_u16(b + 5, 70);
	assert_refused(pdu(fx, b, sizeof b, 1), POLICY_REJECT, EX_VALUE,
	    "max_step");
}

/* climb: max_rate 5/s only. The first write has nothing to compare with;
 * after it, a jump is walked at the rate. */
static void
test_ramp_rate_only(void **state)
{
	struct fx *fx = *state;
	struct sent w;

	assert_allowed(write_reg(fx, 28, 100, 1));
	forward(fx, &w, 1);
	write_reg(fx, 28, 200, 2);
	assert_int_equal(fx->d->verdict, POLICY_RAMP);
	assert_decided_by(fx, "climb", "max_rate", 5);
	assert_true(fx->d->point.forwarded_raw == 105);
}

/*
 * A ramp's steps move where max_rate runs from, not the AI's
 * min_interval: the AI can replace the target between two steps, and is
 * still held to 200 ms from its own last write.
 */
static void
test_steps_leave_min_interval_to_the_ai(void **state)
{
	struct fx *fx = *state;
	unsigned slope = point(fx, "slope");
	struct sent w;

	observe(fx, "slope", 20, 0);
	write_reg(fx, 27, 70, 1);
	assert_int_equal(fx->d->verdict, POLICY_RAMP);
	policy_accept(fx->mem, fx->d, 1);
	/* Steps at 1.2 and 1.4, as ramp.c takes them. */
	policy_accept_step(fx->mem, slope, 40, 1.2);
	policy_accept_step(fx->mem, slope, 50, 1.4);
	assert_true(fx->mem[slope].accepted_lo == 50);
	assert_true(fx->mem[slope].accepted_at == 1.4);
	assert_true(fx->mem[slope].ai_at == 1);
	observe(fx, "slope", 50, 1.4);
	/* 1.1: within 200 ms of the AI's own write. */
	assert_refused(write_reg(fx, 27, 55, 1.1), POLICY_REJECT, EX_VALUE,
	    "min_interval");
	/* 1.45: 50 ms after a step, 450 ms after the AI's write. */
	assert_allowed(write_reg(fx, 27, 55, 1.45));
	forward(fx, &w, 1.45);
	assert_true(fx->mem[slope].ai_at == 1.45);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_binding_rate_tighter, setup_enforce),
		T(test_binding_step_tighter, setup_enforce),
		T(test_binding_only_one_broken, setup_enforce),
		T(test_ramp_verdict_and_first_step, setup_enforce),
		T(test_ramp_target_outside_bounds_refused, setup_enforce),
		T(test_ramp_needs_a_baseline, setup_enforce),
		T(test_ramp_refused_in_other_requests, setup_enforce),
		T(test_ramp_rate_only, setup_enforce),
		T(test_steps_leave_min_interval_to_the_ai, setup_enforce),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
