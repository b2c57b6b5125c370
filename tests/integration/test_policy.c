/*
 * test_policy.c: the policy end to end. A libmodbus client sends good
 * and bad writes through wardend to plcsim; each test checks the answer
 * the client got, what the device holds, plcsim's journal (exactly the
 * writes that were allowed reached it, clamped ones as clamped, nothing
 * of a refused one) and the audit log (the event and rule of each
 * decision, and an intact hash chain). Then monitor mode, which forwards
 * everything and records what enforcement would have done. The limits
 * at their exact edges: test_policy_limits.c; `wardend -t`:
 * test_check_config.c.
 */
#include <math.h>

#include "journal.h"
#include "policy_world.h"

/* min and max at their edges and one raw step past; max_step against
 * the last known value, equal passes. */
static void
test_bounds(void **state)
{
	struct policy_world *pw = *state;
	const struct trail_record *rec;

	write_ok(pw, VALVE, 700);               /* 50 -> 70 %: step 20 */
	write_refused(pw, VALVE, 950, MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE);
	write_ok(pw, VALVE, 900);
	write_ok(pw, VALVE, 1000);              /* max exactly */
	write_refused(pw, VALVE, 1001, MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE);
	write_refused(pw, VALVE, 0xFFFF, MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE);
	write_ok(pw, OFFSET, 100);
	write_refused(pw, OFFSET, 101, MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE);
	write_ok(pw, OFFSET, (uint16_t)-100);   /* min exactly, negative */
	write_refused(pw, OFFSET, (uint16_t)-101,
	    MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE);
	write_refused(pw, OFFSET, 0x8000, MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE);

	assert_device_register(pw->w, VALVE, 1000);
	assert_device_register(pw->w, OFFSET, (uint16_t)-100);
	assert_device_got_exactly(pw);

	audit_load(pw);
	rec = assert_audited(pw, "write_rejected", "valve", "max_step");
	assert_int_equal(rec->exception, MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE);
	assert_int_equal(rec->fc, MODBUS_FC_WRITE_SINGLE_REGISTER);
	assert_true(rec->has_value && fabs(rec->value - 95.0) < 1e-6);
	rec = assert_audited(pw, "write_rejected", "valve", "max");
	assert_true(rec->has_value && fabs(rec->value - 100.1) < 1e-6);
	rec = assert_audited(pw, "write_rejected", "offset", "min");
	assert_true(rec->has_value && fabs(rec->value + 101) < 1e-6);
	assert_audited(pw, "write_rejected", "offset", "max");
	assert_int_equal(audit_count(pw, "write_allowed", NULL), 5);
	assert_int_equal(audit_count(pw, "write_rejected", NULL), 6);
	assert_int_equal(world_stop(pw->w), 0);
	assert_chain_verifies(pw);
}

/* clamp forwards the nearest allowed value; the AI sees the device's
 * echo of it; the device holds it. */
static void
test_clamp(void **state)
{
	struct policy_world *pw = *state;
	const uint8_t low[] = { 1, MODBUS_FC_WRITE_SINGLE_REGISTER, 0,
	    PUMP_SPEED, 0, 100 };               /* 10 %: under min 20 */
	uint8_t pdu[MODBUS_TCP_MAX_ADU_LENGTH];
	const uint16_t clamped_low = 200, clamped_high = 1000, inside = 650;
	const struct trail_record *rec;

	assert_int_equal(raw_exchange(pw->ai, low, sizeof(low), pdu), 5);
	assert_int_equal(pdu[0], MODBUS_FC_WRITE_SINGLE_REGISTER);
	assert_int_equal((pdu[3] << 8) | pdu[4], clamped_low);
	expect_forwarded(pw, MODBUS_FC_WRITE_SINGLE_REGISTER, PUMP_SPEED, 1,
	    &clamped_low);
	assert_device_register(pw->w, PUMP_SPEED, clamped_low);

	assert_int_equal(modbus_write_register(pw->ai, PUMP_SPEED, 1500), 1);
	expect_forwarded(pw, MODBUS_FC_WRITE_SINGLE_REGISTER, PUMP_SPEED, 1,
	    &clamped_high);
	assert_device_register(pw->w, PUMP_SPEED, clamped_high);
	write_ok(pw, PUMP_SPEED, inside);
	assert_device_register(pw->w, PUMP_SPEED, inside);
	assert_device_got_exactly(pw);

	audit_load(pw);
	rec = assert_audited(pw, "write_clamped", "pump_speed", "min");
	assert_true(rec->has_value && fabs(rec->value - 10.0) < 1e-6);
	assert_true(rec->has_forwarded && fabs(rec->forwarded - 20.0) < 1e-6);
	assert_int_equal(rec->exception, -1);
	rec = assert_audited(pw, "write_clamped", "pump_speed", "max");
	assert_true(rec->has_forwarded && fabs(rec->forwarded - 100.0) < 1e-6);
	assert_audited(pw, "write_allowed", "pump_speed", NULL);
}

/* A float32 point: whole writes pass, half of it is refused, and so are
 * a NaN, a value over max and a jump faster than max_rate. */
static void
test_float_point(void **state)
{
	struct policy_world *pw = *state;
	uint16_t words[2], nan_words[2];

	float_words(2.5f, words);
	assert_int_equal(modbus_write_registers(pw->ai, SETPOINT, 2, words),
	    2);
	expect_forwarded(pw, MODBUS_FC_WRITE_MULTIPLE_REGISTERS, SETPOINT, 2,
	    words);
	write_refused(pw, SETPOINT, words[0],
	    MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE);
	write_refused(pw, SETPOINT + 1, words[1],
	    MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE);
	float_words(4.5f, words);               /* 2 m at once: over 1 m/s */
	write_regs_refused(pw, SETPOINT, 2, words,
	    MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE);
	float_words(6.0f, words);
	write_regs_refused(pw, SETPOINT, 2, words,
	    MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE);
	float_words(NAN, nan_words);
	write_regs_refused(pw, SETPOINT, 2, nan_words,
	    MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE);
	float_words(2.5f, words);               /* no change: no rate */
	assert_int_equal(modbus_write_registers(pw->ai, SETPOINT, 2, words),
	    2);
	expect_forwarded(pw, MODBUS_FC_WRITE_MULTIPLE_REGISTERS, SETPOINT, 2,
	    words);
	assert_device_got_exactly(pw);

	audit_load(pw);
	assert_audited(pw, "write_rejected", "setpoint", "partial_point");
	assert_audited(pw, "write_rejected", "setpoint", "max_rate");
	assert_audited(pw, "write_rejected", "setpoint", "max");
	assert_audited(pw, "write_rejected", "setpoint", "not_finite");
}

/* A request that writes several points is forwarded whole or not at
 * all; fc 22 and 23 are judged on what they would write. */
static void
test_multi_writes(void **state)
{
	struct policy_world *pw = *state;
	const uint16_t bad_second[2] = { 50, (uint16_t)-150 };
	const uint16_t good[2] = { 50, (uint16_t)-50 };
	const uint16_t spill[3] = { 1, 2, 3 };
	const uint16_t clamped[2] = { 500, 200 }, asked[2] = { 500, 100 };
	const uint8_t coils[4] = { 1, 1, 0, 0 };   /* coil 3: undeclared */
	const uint16_t mask_ok[2] = { 0, 5 }, seven = 7;
	uint16_t read[2];

	write_regs_refused(pw, OFFSET, 2, bad_second,
	    MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE);
	write_regs_refused(pw, OFFSET, 3, spill,
	    MODBUS_EXCEPTION_ILLEGAL_DATA_ADDRESS);
	assert_int_equal(modbus_write_registers(pw->ai, OFFSET, 2, good), 2);
	expect_forwarded(pw, MODBUS_FC_WRITE_MULTIPLE_REGISTERS, OFFSET, 2,
	    good);
	/* valve unchanged, pump speed under its min: the whole frame goes
	 * out with only the pump speed clamped. */
	assert_int_equal(modbus_write_registers(pw->ai, VALVE, 2, asked), 2);
	expect_forwarded(pw, MODBUS_FC_WRITE_MULTIPLE_REGISTERS, VALVE, 2,
	    clamped);
	assert_int_equal(modbus_write_bits(pw->ai, PUMP_RUN, 4, coils), -1);
	assert_int_equal(world_exception(),
	    MODBUS_EXCEPTION_ILLEGAL_DATA_ADDRESS);
	/* trim is 0 (polled): 0 & 0 | 200 = 200 is over max; | 5 is not. */
	assert_int_equal(modbus_mask_write_register(pw->ai, TRIM, 0, 200), -1);
	assert_int_equal(world_exception(),
	    MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE);
	assert_int_equal(modbus_mask_write_register(pw->ai, TRIM, 0, 5), 1);
	expect_forwarded(pw, MODBUS_FC_MASK_WRITE_REGISTER, TRIM, 2, mask_ok);
	assert_int_equal(modbus_write_and_read_registers(pw->ai, OFFSET, 1,
	    &seven, VALVE, 2, read), 2);
	expect_forwarded(pw, MODBUS_FC_WRITE_AND_READ_REGISTERS, OFFSET, 1,
	    &seven);
	assert_int_equal(read[1], 200);
	assert_device_got_exactly(pw);
	assert_device_register(pw->w, TRIM, 5);

	audit_load(pw);
	assert_audited(pw, "write_rejected", "trim", "min");
	assert_audited(pw, "write_rejected", NULL, "not_writable");
	assert_audited(pw, "write_clamped", "pump_speed", "min");
	assert_audited(pw, "write_rejected", "trim", "max");
}

/* Undeclared and read-only addresses, function codes outside the list,
 * and reads with reads: declared. */
static void
test_addresses_and_functions(void **state)
{
	struct policy_world *pw = *state;
	const uint8_t diag[] = { 1, 0x08, 0x00, 0x00, 0x12, 0x34 };
	const uint8_t ident[] = { 1, 0x2B, 0x0E, 0x01, 0x00 };
	uint8_t pdu[MODBUS_TCP_MAX_ADU_LENGTH], bit;
	uint16_t regs[3];
	const struct trail_record *rec;
	int from = journal_count(pw->w->plc[0].journal);

	write_refused(pw, UNDECLARED, 1, MODBUS_EXCEPTION_ILLEGAL_DATA_ADDRESS);
	write_refused(pw, READ_ONLY, 1, MODBUS_EXCEPTION_ILLEGAL_DATA_ADDRESS);
	assert_int_equal(raw_exchange(pw->ai, diag, sizeof(diag), pdu), 2);
	assert_int_equal(pdu[0], 0x88);
	assert_int_equal(pdu[1], MODBUS_EXCEPTION_ILLEGAL_FUNCTION);
	assert_int_equal(raw_exchange(pw->ai, ident, sizeof(ident), pdu), 2);
	assert_int_equal(pdu[0], 0xAB);
	assert_int_equal(pdu[1], MODBUS_EXCEPTION_ILLEGAL_FUNCTION);

	assert_int_equal(modbus_read_registers(pw->ai, VALVE, 2, regs), 2);
	assert_int_equal(modbus_read_registers(pw->ai, READ_ONLY, 1, regs), 1);
	assert_int_equal(modbus_read_input_registers(pw->ai, 0, 1, regs), 1);
	assert_int_equal(modbus_read_bits(pw->ai, PUMP_RUN, 1, &bit), 1);
	assert_int_equal(modbus_read_registers(pw->ai, UNDECLARED, 1, regs),
	    -1);
	assert_int_equal(world_exception(),
	    MODBUS_EXCEPTION_ILLEGAL_DATA_ADDRESS);
	assert_int_equal(modbus_read_registers(pw->ai, READ_ONLY - 1, 2, regs),
	    -1);
	assert_int_equal(world_exception(),
	    MODBUS_EXCEPTION_ILLEGAL_DATA_ADDRESS);
	assert_int_equal(modbus_read_input_registers(pw->ai, 0, 2, regs), -1);
	assert_int_equal(world_exception(),
	    MODBUS_EXCEPTION_ILLEGAL_DATA_ADDRESS);

	/* Nothing refused reached the device, not even a read. */
	assert_device_got_exactly(pw);
	assert_int_equal(journal_wait(pw->w->plc[0].journal, from, 0x08, -1, -1,
	    0, NULL), -1);
	assert_int_equal(journal_wait(pw->w->plc[0].journal, from, 0x2B, -1, -1,
	    0, NULL), -1);
	assert_int_equal(journal_wait(pw->w->plc[0].journal, from,
	    MODBUS_FC_READ_HOLDING_REGISTERS, -1, UNDECLARED, 0, NULL), -1);
	assert_true(journal_wait(pw->w->plc[0].journal, from,
	    MODBUS_FC_READ_INPUT_REGISTERS, -1, 0, 1.0, NULL) >= 0);

	audit_load(pw);
	rec = assert_audited(pw, "write_rejected", NULL, "not_writable");
	assert_int_equal(rec->exception, MODBUS_EXCEPTION_ILLEGAL_DATA_ADDRESS);
	rec = assert_audited(pw, "write_rejected", "limit",
	    "not_writable");
	rec = assert_audited(pw, "request_rejected", NULL, "function");
	assert_int_equal(rec->exception, MODBUS_EXCEPTION_ILLEGAL_FUNCTION);
	assert_int_equal(rec->fc, 0x08);
	assert_int_equal(audit_count(pw, "request_rejected", "function"), 2);
	assert_int_equal(audit_count(pw, "write_rejected", "function"), 0);
	assert_int_equal(audit_count(pw, "write_rejected", "not_declared"), 0);   /* reads are not audited */
}

/* min_interval runs from the last accepted write; a refused write does
 * not restart it. The wait is the contract under test, not readiness. */
static void
test_min_interval(void **state)
{
	struct policy_world *pw = *state;
	const uint16_t on = 1;
	double t0;

	t0 = harness_now();
	assert_int_equal(modbus_write_bit(pw->ai, INTERVAL_POINT, 1), 1);
	expect_forwarded(pw, MODBUS_FC_WRITE_SINGLE_COIL, INTERVAL_POINT, 1,
	    &on);
	nap(0.3);
	assert_int_equal(modbus_write_bit(pw->ai, INTERVAL_POINT, 0), -1);
	assert_int_equal(world_exception(),
	    MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE);
	nap(t0 + MIN_INTERVAL + 0.1 - harness_now());
	assert_int_equal(modbus_write_bit(pw->ai, INTERVAL_POINT, 1), 1);
	expect_forwarded(pw, MODBUS_FC_WRITE_SINGLE_COIL, INTERVAL_POINT, 1,
	    &on);
	assert_device_got_exactly(pw);

	audit_load(pw);
	assert_audited(pw, "write_rejected", "flush", "min_interval");
}

/* monitor: everything is forwarded as sent, and the audit log says what
 * enforcement would have done; a would-be takeover changes nothing. */
static void
test_monitor_mode(void **state)
{
	struct policy_world *pw = *state;
	const uint8_t diag[] = { 1, 0x08, 0x00, 0x00, 0x12, 0x34 };
	const uint16_t on = 1;
	uint8_t pdu[MODBUS_TCP_MAX_ADU_LENGTH];
	struct ctl_status st;
	const struct trail_record *rec;
	uint16_t reg;
	char why[1024];
	int at, from = journal_count(pw->w->plc[0].journal);

	write_ok(pw, VALVE, 1500);
	write_ok(pw, PUMP_SPEED, 100);
	assert_device_register(pw->w, PUMP_SPEED, 100);
	write_ok(pw, UNDECLARED, 7);
	assert_int_equal(modbus_write_bit(pw->ai, 2, 1), 1);   /* drain */
	expect_forwarded(pw, MODBUS_FC_WRITE_SINGLE_COIL, 2, 1, &on);
	/* The device's own answer to a function it lacks. */
	assert_int_equal(raw_exchange(pw->ai, diag, sizeof(diag), pdu), 2);
	assert_int_equal(pdu[0], 0x88);
	assert_true(journal_wait(pw->w->plc[0].journal, from, 0x08, -1, -1,
	    1.0, NULL) >= 0);
	assert_device_got_exactly(pw);

	if (ctl_status(pw->w, &st, why, sizeof(why)) != 0)
		fail_msg("%s", why);
	assert_string_equal(st.state, "auto");
	assert_string_equal(st.mode, "monitor");

	audit_load(pw);
	assert_audited(pw, "would_reject", "valve", "max");
	rec = assert_audited(pw, "would_clamp", "pump_speed", "min");
	assert_true(rec->has_forwarded && fabs(rec->forwarded - 20.0) < 1e-6);
	assert_audited(pw, "would_reject", NULL, "not_writable");
	rec = assert_audited(pw, "would_reject", NULL, "function");
	assert_int_equal(rec->fc, 0x08);
	assert_audited(pw, "would_takeover", "drain", "max");
	at = trail_audit_find(pw->recs, pw->n_recs, 0, "would_takeover", "",
	    NULL);
	assert_true(at >= 0);
	assert_string_equal(pw->recs[at].cause, "violation");
	assert_int_equal(audit_count(pw, "write_rejected", NULL), 0);
	assert_int_equal(audit_count(pw, "write_clamped", NULL), 0);
	assert_int_equal(audit_count(pw, "takeover", NULL), 0);

	/* Reads too: reads: declared is enforcement, not monitoring. */
	if (modbus_read_registers(pw->ai, UNDECLARED, 1, &reg) != 1)
		fail_msg("monitor mode: a read of an undeclared address was "
		    "not forwarded: %s", modbus_strerror(errno));
	assert_int_equal(reg, 7);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_bounds, setup_enforce,
		    teardown_world),
		cmocka_unit_test_setup_teardown(test_clamp, setup_enforce,
		    teardown_world),
		cmocka_unit_test_setup_teardown(test_float_point,
		    setup_enforce, teardown_world),
		cmocka_unit_test_setup_teardown(test_multi_writes,
		    setup_enforce, teardown_world),
		cmocka_unit_test_setup_teardown(test_addresses_and_functions,
		    setup_enforce, teardown_world),
		cmocka_unit_test_setup_teardown(test_min_interval,
		    setup_enforce, teardown_world),
		cmocka_unit_test_setup_teardown(test_monitor_mode,
		    setup_monitor, teardown_world),
	};

	/* WARDEN_TEST_FILTER=test_clamp runs the matching tests only. */
	if (getenv("WARDEN_TEST_FILTER") != NULL)
		cmocka_set_test_filter(getenv("WARDEN_TEST_FILTER"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
