/*
 * test_policy_requests.c: what each kind of request gets. Unwritable and
 * undeclared addresses, all-or-nothing multi-register and multi-coil
 * writes (one bad value of many, half of a 32-bit point at either end, an
 * undeclared address in the middle), coils, fc 22 (every value its masks
 * can leave) and 23, reads: any and declared, and every function code
 * 1..127.
 */
#include "policy_fixture.h"

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

	/* setpoint has no baseline yet: the whole request waits for it. */
	write_regs(fx, 0, 6, six, 0);
	assert_int_equal(fx->d->verdict, POLICY_READ);
	assert_string_equal(fx->d->rule, "no_baseline");
	assert_int_equal(fx->d->point.point, point(fx, "setpoint"));
	/* A value out of bounds refuses it without one. */
	six[0] = 1001;
	assert_refused(write_regs(fx, 0, 6, six, 0), POLICY_REJECT, EX_VALUE,
	    "max");
	six[0] = 500;
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

	/* The example in the Modbus spec: 0x12, AND 0xF2, OR 0x25: 0x17.
	 * bits (max 255) takes 0x05..0xFF whatever it holds. */
	assert_allowed(mask_write(fx, 20, 0x00F2, 0x0025));
	assert_false(fx->d->point.has_value);
	observe(fx, "bits", 0x12, 1);
	assert_allowed(mask_write(fx, 20, 0x00F2, 0x0025));
	assert_true(fx->d->point.value == 0x17);
	/* 0x0F now, but 0x1FF were the register to hold 0xFF. */
	observe(fx, "bits", 0x0F, 1);
	assert_refused(mask_write(fx, 20, 0x00FF, 0x0100), POLICY_REJECT,
	    EX_VALUE, "max");
	assert_true(fx->d->point.value == 0x10F);
	assert_refused(mask_write(fx, 20, 0x01FF, 0x0000), POLICY_REJECT,
	    EX_VALUE, "max");
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

/* Every value the masks can leave must pass: the smallest and largest,
 * minding the int16 sign bit. */
static void
test_mask_write_range(void **state)
{
	struct fx *fx = *state;

	/* speed: int16, -100..100, clamp. Sign bit free: 5 or -32763. */
	assert_refused(mask_write(fx, 1, 0x8000, 0x0005), POLICY_REJECT,
	    EX_VALUE, "min");
	assert_allowed(mask_write(fx, 1, 0x0003, 0x0000));      /* 0..3 */
	/* Sign bit fixed set: -4..-1, or -256..-253. */
	assert_allowed(mask_write(fx, 1, 0x0003, 0xFFFC));
	assert_refused(mask_write(fx, 1, 0x0003, 0xFF00), POLICY_REJECT,
	    EX_VALUE, "min");
	/* 0..255 cannot be clamped to one value: rejected. */
	assert_refused(mask_write(fx, 1, 0x00FF, 0x0000), POLICY_REJECT,
	    EX_VALUE, "max");
	/* takeover still takes over (trip_sp: max 50). */
	assert_refused(mask_write(fx, 5, 0x00FF, 0x0000), POLICY_TAKEOVER,
	    EX_VALUE, "max");
	/* flag: a bool on a holding register, 0..1. */
	assert_allowed(mask_write(fx, 25, 0x0001, 0x0000));
	assert_allowed(mask_write(fx, 25, 0x0000, 0x0001));
	assert_refused(mask_write(fx, 25, 0x0002, 0x0000), POLICY_REJECT,
	    EX_VALUE, "max");
	/* stepclamp: max_step 10 around 50, not known yet: read first;
	 * then 48..51 passes and 0..63 does not. */
	mask_write(fx, 21, 0x0003, 0x0030);
	assert_int_equal(fx->d->verdict, POLICY_READ);
	observe(fx, "stepclamp", 50, 1);
	assert_allowed(mask_write(fx, 21, 0x0003, 0x0030));
	assert_refused(mask_write(fx, 21, 0x003F, 0x0000), POLICY_REJECT,
	    EX_VALUE, "max_step");
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
			/* valve, 0..100 at scale 0.1: any register value
			 * could stay. */
			d = mask_write(fx, 0, 0xFFFF, 0);
			assert_refused(d, POLICY_REJECT, EX_VALUE, "max");
			assert_allowed(mask_write(fx, 0, 0x0000, 1000));
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_unwritable_addresses, setup_enforce),
		T(test_one_bad_value_of_many, setup_enforce),
		T(test_worst_verdict_wins, setup_enforce),
		T(test_half_of_a_32bit_point_at_either_end, setup_enforce),
		T(test_undeclared_address_in_the_middle, setup_enforce),
		T(test_coils_single_and_multiple, setup_enforce),
		T(test_coil_clamped_off, setup_enforce),
		T(test_mask_write_judged_on_the_result, setup_enforce),
		T(test_mask_write_range, setup_enforce),
		T(test_write_read_judged_on_its_write, setup_enforce),
		T(test_reads_any, setup_enforce),
		T(test_reads_declared, setup_declared),
		T(test_every_function_code, setup_enforce),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
