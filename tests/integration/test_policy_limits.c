/*
 * test_policy_limits.c: limits that hold exactly (issue 9), end to end
 * through wardend to plcsim: a float32 limit at 0, pipelined writes
 * against max_step, mask writes judged on every result, fc 15 padding,
 * and writes before the first poll, which read the device first. Each
 * test checks the answers, plcsim's journal and the audit log as
 * test_policy.c does (policy_world.h).
 */
#include "journal.h"
#include "policy_world.h"
#include "wire.h"

/* A float32 with min 0: no negative value reaches the device, however
 * small; -0.0 is 0 and passes. */
static void
test_float_limit_at_zero(void **state)
{
	struct policy_world *pw = *state;
	/* -(smallest denormal), -(smallest normal), -1e-8. */
	const uint32_t below[3] = { 0x80000001u, 0x80800000u, 0xB22BCC77u };
	const uint32_t on[2] = { 0x80000000u, 0x00000001u };
	uint16_t words[2];
	int i;

	for (i = 0; i < 3; i++) {
		words[0] = (uint16_t)(below[i] >> 16);
		words[1] = (uint16_t)below[i];
		write_regs_refused(pw, DOSE, 2, words,
		    MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE);
	}
	for (i = 0; i < 2; i++) {
		words[0] = (uint16_t)(on[i] >> 16);
		words[1] = (uint16_t)on[i];
		assert_int_equal(modbus_write_registers(pw->ai, DOSE, 2,
		    words), 2);
		expect_forwarded(pw, MODBUS_FC_WRITE_MULTIPLE_REGISTERS, DOSE,
		    2, words);
	}
	assert_device_got_exactly(pw);

	audit_load(pw);
	assert_audited(pw, "write_rejected", "dose", "min");
	assert_int_equal(audit_count(pw, "write_rejected", "min"), 3);
}

/*
 * The pipeline: the point at 50, max_step 5, and one TCP segment
 * carrying 55 45 55 45 50. Each is judged against the last known value
 * and every write still in flight, so the device sees 55 55 50: no step
 * over 5 whichever of them fails.
 */
static void
test_pipelined_steps(void **state)
{
	struct policy_world *pw = *state;
	const uint16_t fifty = 50, values[5] = { 55, 45, 55, 45, 50 };
	const int accepted[5] = { 1, 0, 1, 0, 1 };
	uint8_t burst[5 * WIRE_MAX_ADU], adu[WIRE_MAX_ADU];
	modbus_t *plc = world_plc_client(pw->w, 0, 1);
	size_t len = 0;
	int seen[5] = { 0 }, i, k, n, from;

	assert_non_null(plc);
	assert_int_equal(modbus_write_register(plc, STEP, fifty), 1);
	modbus_close(plc);
	modbus_free(plc);
	expect_forwarded(pw, MODBUS_FC_WRITE_SINGLE_REGISTER, STEP, 1, &fifty);
	from = journal_count(pw->w->plc[0].journal);
	assert_int_equal(world_wait_requests(pw->w, 0, from,
	    MODBUS_FC_READ_HOLDING_REGISTERS, VALVE, 2, READY_TIMEOUT), 0);

	for (i = 0; i < 5; i++)
		len += wire_write_register_request(burst + len,
		    (uint16_t)(i + 1), 1, STEP, values[i]);
	pw->fd = wire_connect(pw->w->port);
	assert_true(pw->fd >= 0);
	assert_int_equal(wire_send(pw->fd, burst, len), 0);
	for (i = 0; i < 5; i++) {
		n = wire_recv_adu(pw->fd, adu, sizeof(adu), CLIENT_TIMEOUT);
		assert_true(n > 0);
		k = wire_tid(adu) - 1;
		assert_true(k >= 0 && k < 5 && !seen[k]);
		seen[k] = 1;
		if (accepted[k]) {
			assert_int_equal(wire_fc(adu),
			    MODBUS_FC_WRITE_SINGLE_REGISTER);
			assert_int_equal((adu[10] << 8) | adu[11], values[k]);
		} else {
			assert_int_equal(wire_fc(adu),
			    0x80 | MODBUS_FC_WRITE_SINGLE_REGISTER);
			assert_int_equal(adu[8],
			    MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE);
		}
	}
	for (i = 0; i < 5; i++)
		if (accepted[i])
			expect_forwarded(pw, MODBUS_FC_WRITE_SINGLE_REGISTER,
			    STEP, 1, &values[i]);
	assert_device_got_exactly(pw);
	assert_device_register(pw->w, STEP, 50);

	audit_load(pw);
	assert_audited(pw, "write_rejected", "step", "max_step");
	assert_int_equal(audit_count(pw, "write_rejected", "max_step"), 2);
}

/* fc 22 passes only when every value its masks can leave, whatever the
 * register holds, is inside the limits. */
static void
test_mask_write_every_result(void **state)
{
	struct policy_world *pw = *state;
	const uint16_t masks[2] = { 0x0003, 0x0004 };

	/* trim (int16, -100..100) holds 0, but AND 0xFF00 keeps the sign
	 * and the high byte of whatever it holds by then: -32763..32517. */
	assert_int_equal(modbus_mask_write_register(pw->ai, TRIM, 0xFF00,
	    0x0005), -1);
	assert_int_equal(world_exception(),
	    MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE);
	/* AND 0x0003, OR 0x0004: 4..7 whatever it holds. */
	assert_int_equal(modbus_mask_write_register(pw->ai, TRIM, masks[0],
	    masks[1]), 1);
	expect_forwarded(pw, MODBUS_FC_MASK_WRITE_REGISTER, TRIM, 2, masks);
	assert_device_got_exactly(pw);
	assert_device_register(pw->w, TRIM, 4);

	audit_load(pw);
	assert_audited(pw, "write_rejected", "trim", "min");
}

/* fc 15 with bits set after the last coil: 0x03 from the decoder, and
 * nothing reaches the device. */
static void
test_coil_padding_refused(void **state)
{
	struct policy_world *pw = *state;
	const uint8_t padded[] = { 1, MODBUS_FC_WRITE_MULTIPLE_COILS, 0,
	    PUMP_RUN, 0, 2, 1, 0xFF };
	uint8_t pdu[MODBUS_TCP_MAX_ADU_LENGTH];

	assert_int_equal(raw_exchange(pw->ai, padded, sizeof(padded), pdu), 2);
	assert_int_equal(pdu[0], 0x80 | MODBUS_FC_WRITE_MULTIPLE_COILS);
	assert_int_equal(pdu[1], MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE);
	assert_device_got_exactly(pw);
}

/* Lines of wardend's log holding text. */
static int
log_count(const struct world *w, const char *text)
{
	char line[1024];
	FILE *f = fopen(w->log, "r");
	int n = 0;

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL)
		n += strstr(line, text) != NULL;
	fclose(f);
	return n;
}

/* Until the poll connection has come up `times` times. */
static void
wait_poll_connection(const struct world *w, int times)
{
	double deadline = harness_now() + READY_TIMEOUT;

	while (log_count(w, "tank1 up (poll)") < times) {
		if (harness_now() > deadline)
			fail_msg("wardend's poll connection never came up");
		nap(0.01);
	}
}

/*
 * The first writes after start, before any poll: each is judged against
 * the value read from the device for it, within the step or refused by
 * max_step, never no_baseline. A read that fails refuses the write as a
 * device that cannot serve it would (0x0B, 0x0A) and is no violation:
 * with count 2, one more would have taken over.
 */
static void
test_read_before_judging(void **state)
{
	struct policy_world *pw = *state;
	const char *journal = pw->w->plc[0].journal;
	struct journal_entry e;
	struct ctl_status st;
	char why[1024];
	int from = journal_count(journal);

	wait_poll_connection(pw->w, 1);
	write_ok(pw, VALVE, 650);               /* 50 -> 65 %: step 15 */
	write_refused(pw, STEP, 10, MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE);
	assert_true(journal_wait(journal, from,
	    MODBUS_FC_READ_HOLDING_REGISTERS, -1, VALVE, 0, &e) >= 0);
	assert_int_equal(e.count, 1);
	assert_true(journal_wait(journal, from,
	    MODBUS_FC_READ_HOLDING_REGISTERS, -1, STEP, 0, &e) >= 0);
	assert_int_equal(e.count, 1);
	assert_device_got_exactly(pw);

	/* The device refuses to read step2, then is gone. */
	assert_int_equal(world_plc_restart(pw->w, 0, "--hole holding:60"), 0);
	assert_int_equal(world_wait_path(pw->ai, PUMP_SPEED, READY_TIMEOUT), 0);
	wait_poll_connection(pw->w, 2);
	write_refused(pw, STEP2, 1, MODBUS_EXCEPTION_GATEWAY_TARGET);
	world_plc_stop(pw->w, 0);
	write_refused(pw, STEP2, 1, MODBUS_EXCEPTION_GATEWAY_PATH);

	if (ctl_status(pw->w, &st, why, sizeof(why)) != 0)
		fail_msg("%s", why);
	assert_string_equal(st.state, "auto");
	audit_load(pw);
	assert_audited(pw, "write_allowed", "valve", NULL);
	assert_audited(pw, "write_rejected", "step", "max_step");
	assert_int_equal(trail_audit_count(pw->recs, pw->n_recs,
	    "write_rejected", "step", "no_baseline"), 0);
	assert_int_equal(trail_audit_count(pw->recs, pw->n_recs,
	    "write_rejected", "step2", "no_baseline"), 2);
	assert_int_equal(audit_count(pw, "takeover", NULL), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_float_limit_at_zero,
		    setup_enforce, teardown_world),
		cmocka_unit_test_setup_teardown(test_pipelined_steps,
		    setup_enforce, teardown_world),
		cmocka_unit_test_setup_teardown(test_mask_write_every_result,
		    setup_enforce, teardown_world),
		cmocka_unit_test_setup_teardown(test_coil_padding_refused,
		    setup_enforce, teardown_world),
		cmocka_unit_test_setup_teardown(test_read_before_judging,
		    setup_no_poll, teardown_world),
	};

	/* WARDEN_TEST_FILTER=test_pipelined_steps runs the matching tests only. */
	if (getenv("WARDEN_TEST_FILTER") != NULL)
		cmocka_set_test_filter(getenv("WARDEN_TEST_FILTER"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
