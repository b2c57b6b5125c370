/*
 * test_rtu.c: the Modbus RTU codec (daemon/rtu.c): edge cases of the
 * answer framing first (nothing, one byte, a wrong unit, a wrong
 * function, a byte count that cannot be, noise in the CRC, an answer
 * split at every byte), then the CRC against the spec's own example,
 * the request encoder, the lengths each function implies, the MBAP form
 * of an answer and the line's timing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <modbus.h>

#include "rtu.h"

/* What a read of quantity holding registers from unit expects. */
static struct mbap_expect
expect_of(uint8_t unit, uint8_t fc, uint16_t quantity)
{
	struct mbap_expect e;

	memset(&e, 0, sizeof e);
	e.unit = unit;
	e.fc = fc;
	e.read_quantity = quantity;
	return e;
}

/* unit, pdu, CRC into out; its length. */
static size_t
frame_of(uint8_t *out, uint8_t unit, const uint8_t *pdu, size_t n)
{
	return rtu_encode_request(out, unit, pdu, n);
}

/* ---- framing answers: edge cases ---- */

static void
test_nothing_is_incomplete_until_silence(void **state)
{
	struct mbap_expect e = expect_of(1, 3, 1);
	size_t fl = 99;

	(void)state;
	assert_int_equal(rtu_frame_answer(&e, NULL, 0, 0, &fl),
	    RTU_FRAME_INCOMPLETE);
	assert_int_equal(rtu_frame_answer(&e, NULL, 0, 1, &fl),
	    RTU_FRAME_BAD_LENGTH);
	assert_int_equal(fl, 99);
}

static void
test_wrong_unit_is_refused_at_its_first_byte(void **state)
{
	struct mbap_expect e = expect_of(7, 3, 1);
	uint8_t b[] = { 8 };
	size_t fl;

	(void)state;
	assert_int_equal(rtu_frame_answer(&e, b, 1, 0, &fl),
	    RTU_FRAME_BAD_UNIT);
	b[0] = 0;       /* nobody answers as the broadcast address */
	assert_int_equal(rtu_frame_answer(&e, b, 1, 0, &fl),
	    RTU_FRAME_BAD_UNIT);
}

static void
test_wrong_function_is_refused(void **state)
{
	struct mbap_expect e = expect_of(1, 3, 1);
	uint8_t b[] = { 1, 4 };
	size_t fl;

	(void)state;
	assert_int_equal(rtu_frame_answer(&e, b, 2, 0, &fl),
	    RTU_FRAME_BAD_FUNCTION);
	b[1] = 0x84;    /* the exception of another function */
	assert_int_equal(rtu_frame_answer(&e, b, 2, 0, &fl),
	    RTU_FRAME_BAD_FUNCTION);
}

static void
test_byte_count_that_cannot_be_is_refused_early(void **state)
{
	struct mbap_expect e = expect_of(1, 3, 2);
	uint8_t b[] = { 1, 3, 2 };      /* 2 registers are 4 bytes */
	size_t fl;

	(void)state;
	assert_int_equal(rtu_frame_answer(&e, b, 3, 0, &fl),
	    RTU_FRAME_BAD_LENGTH);
	b[2] = 4;
	assert_int_equal(rtu_frame_answer(&e, b, 3, 0, &fl),
	    RTU_FRAME_INCOMPLETE);
}

static void
test_short_answer_ended_by_silence_is_bad_length(void **state)
{
	struct mbap_expect e = expect_of(1, 3, 1);
	uint8_t pdu[] = { 3, 2, 0x12, 0x34 }, f[RTU_MAX_ADU_LEN];
	size_t n = frame_of(f, 1, pdu, sizeof pdu), fl;

	(void)state;
	assert_int_equal(rtu_frame_answer(&e, f, n - 1, 0, &fl),
	    RTU_FRAME_INCOMPLETE);
	assert_int_equal(rtu_frame_answer(&e, f, n - 1, 1, &fl),
	    RTU_FRAME_BAD_LENGTH);
	assert_int_equal(rtu_frame_answer(&e, f, 1, 1, &fl),
	    RTU_FRAME_BAD_LENGTH);
}

static void
test_every_flipped_bit_is_a_crc_error(void **state)
{
	struct mbap_expect e = expect_of(1, 3, 1);
	uint8_t pdu[] = { 3, 2, 0x12, 0x34 }, f[RTU_MAX_ADU_LEN];
	size_t n = frame_of(f, 1, pdu, sizeof pdu), fl, i;
	int bit;

	(void)state;
	/* The data and the CRC itself: a flip there can change neither
	 * the unit, the function nor the byte count. */
	for (i = 3; i < n; i++)
		for (bit = 0; bit < 8; bit++) {
			f[i] ^= (uint8_t)(1u << bit);
			assert_int_equal(rtu_frame_answer(&e, f, n, 0, &fl),
			    RTU_FRAME_BAD_CRC);
			f[i] ^= (uint8_t)(1u << bit);
		}
	assert_int_equal(rtu_frame_answer(&e, f, n, 0, &fl), RTU_FRAME_OK);
}

static void
test_answer_split_at_every_byte(void **state)
{
	struct mbap_expect e = expect_of(9, 3, 3);
	uint8_t pdu[] = { 3, 6, 0, 1, 0, 2, 0, 3 }, f[RTU_MAX_ADU_LEN];
	size_t n = frame_of(f, 9, pdu, sizeof pdu), fl, k;

	(void)state;
	for (k = 0; k < n; k++)
		assert_int_equal(rtu_frame_answer(&e, f, k, 0, &fl),
		    RTU_FRAME_INCOMPLETE);
	assert_int_equal(rtu_frame_answer(&e, f, n, 0, &fl), RTU_FRAME_OK);
	assert_int_equal(fl, n);
}

static void
test_trailing_bytes_are_not_the_frame(void **state)
{
	struct mbap_expect e = expect_of(1, 6, 0);
	uint8_t pdu[] = { 6, 0, 10, 0, 42 }, f[RTU_MAX_ADU_LEN];
	size_t n = frame_of(f, 1, pdu, sizeof pdu), fl;

	(void)state;
	f[n] = 0xAA;    /* noise after the answer */
	assert_int_equal(rtu_frame_answer(&e, f, n + 1, 0, &fl),
	    RTU_FRAME_OK);
	assert_int_equal(fl, n);
}

static void
test_exception_answer_is_five_bytes(void **state)
{
	struct mbap_expect e = expect_of(4, 16, 0);
	uint8_t pdu[] = { 0x90, 0x02 }, f[RTU_MAX_ADU_LEN];
	size_t n = frame_of(f, 4, pdu, sizeof pdu), fl;

	(void)state;
	assert_int_equal(n, RTU_EXCEPTION_ADU_LEN);
	assert_int_equal(rtu_frame_answer(&e, f, 4, 0, &fl),
	    RTU_FRAME_INCOMPLETE);
	assert_int_equal(rtu_frame_answer(&e, f, 4, 1, &fl),
	    RTU_FRAME_BAD_LENGTH);
	assert_int_equal(rtu_frame_answer(&e, f, n, 0, &fl), RTU_FRAME_OK);
	assert_int_equal(fl, 5);
	f[3] ^= 1;
	assert_int_equal(rtu_frame_answer(&e, f, n, 0, &fl),
	    RTU_FRAME_BAD_CRC);
}

static void
test_unknown_function_is_framed_by_silence(void **state)
{
	struct mbap_expect e = expect_of(2, 0x41, 0);
	uint8_t pdu[] = { 0x41, 1, 2, 3 }, f[RTU_MAX_ADU_LEN + 8];
	size_t n = frame_of(f, 2, pdu, sizeof pdu), fl;

	(void)state;
	assert_int_equal(rtu_answer_len(&e), 0);
	assert_int_equal(rtu_frame_answer(&e, f, n, 0, &fl),
	    RTU_FRAME_INCOMPLETE);
	assert_int_equal(rtu_frame_answer(&e, f, n, 1, &fl), RTU_FRAME_OK);
	assert_int_equal(fl, n);
	assert_int_equal(rtu_frame_answer(&e, f, 3, 1, &fl),
	    RTU_FRAME_BAD_LENGTH);
	/* More than a frame can hold, without a pause: not a frame. */
	memset(f + 2, 0, RTU_MAX_ADU_LEN);
	assert_int_equal(rtu_frame_answer(&e, f, RTU_MAX_ADU_LEN + 1, 0,
	    &fl), RTU_FRAME_BAD_LENGTH);
}

/* ---- CRC and the encoder ---- */

static void
test_crc_matches_the_spec_example(void **state)
{
	/* Modbus over serial line V1.02, 6.2.2: 02 07 -> CRC 0x1241,
	 * sent 41 12. */
	uint8_t b[] = { 0x02, 0x07 };
	/* A read of 1 holding register at 0 from unit 1, as every
	 * Modbus tool sends it: 01 03 00 00 00 01 84 0A. */
	uint8_t pdu[] = { 3, 0, 0, 0, 1 }, f[RTU_MAX_ADU_LEN];
	uint8_t want[] = { 1, 3, 0, 0, 0, 1, 0x84, 0x0A };

	(void)state;
	assert_int_equal(rtu_crc(b, 2), 0x1241);
	assert_int_equal(rtu_crc(NULL, 0), 0xFFFF);
	assert_int_equal(frame_of(f, 1, pdu, sizeof pdu), sizeof want);
	assert_memory_equal(f, want, sizeof want);
}

static void
test_encoder_refuses_empty_and_oversized(void **state)
{
	uint8_t pdu[RTU_MAX_ADU_LEN] = { 3 }, f[RTU_MAX_ADU_LEN];

	(void)state;
	assert_int_equal(rtu_encode_request(f, 1, pdu, 0), 0);
	assert_int_equal(rtu_encode_request(f, 1, pdu, 254), 0);
	assert_int_equal(rtu_encode_request(f, 1, pdu, 253), 256);
}

static void
test_answer_lengths_of_each_function(void **state)
{
	struct mbap_expect e;

	(void)state;
	e = expect_of(1, MODBUS_FC_READ_COILS, 1);
	assert_int_equal(rtu_answer_len(&e), 6);
	e = expect_of(1, MODBUS_FC_READ_DISCRETE_INPUTS, 9);
	assert_int_equal(rtu_answer_len(&e), 7);
	e = expect_of(1, MODBUS_FC_READ_HOLDING_REGISTERS, 125);
	assert_int_equal(rtu_answer_len(&e), 255);
	e = expect_of(1, MODBUS_FC_READ_INPUT_REGISTERS, 2);
	assert_int_equal(rtu_answer_len(&e), 9);
	e = expect_of(1, MODBUS_FC_WRITE_AND_READ_REGISTERS, 1);
	assert_int_equal(rtu_answer_len(&e), 7);
	e = expect_of(1, MODBUS_FC_WRITE_SINGLE_COIL, 0);
	assert_int_equal(rtu_answer_len(&e), 8);
	e = expect_of(1, MODBUS_FC_WRITE_MULTIPLE_REGISTERS, 0);
	assert_int_equal(rtu_answer_len(&e), 8);
	e = expect_of(1, MODBUS_FC_MASK_WRITE_REGISTER, 0);
	assert_int_equal(rtu_answer_len(&e), 10);
	/* More than one frame can hold: no length, never framed by it. */
	e = expect_of(1, MODBUS_FC_READ_HOLDING_REGISTERS, 200);
	assert_int_equal(rtu_answer_len(&e), 0);
}

static void
test_answer_becomes_the_mbap_a_tcp_device_sends(void **state)
{
	uint8_t pdu[] = { 3, 2, 0x12, 0x34 }, f[RTU_MAX_ADU_LEN];
	uint8_t adu[MBAP_MAX_ADU_LEN];
	uint8_t want[] = { 0xAB, 0xCD, 0, 0, 0, 5, 7, 3, 2, 0x12, 0x34 };
	struct mbap_expect e = expect_of(7, 3, 1);
	struct mbap_response r;
	size_t n = frame_of(f, 7, pdu, sizeof pdu);

	(void)state;
	assert_int_equal(rtu_to_mbap(adu, 0xABCD, f, n), sizeof want);
	assert_memory_equal(adu, want, sizeof want);
	assert_int_equal(mbap_check_response(&e, adu, sizeof want, &r), 0);
	assert_int_equal(rtu_to_mbap(adu, 1, f, 3), 0);
	assert_int_equal(rtu_to_mbap(adu, 1, f, RTU_MAX_ADU_LEN + 1), 0);
}

/* ---- timing ---- */

static void
test_timing_of_the_line(void **state)
{
	double c = rtu_char_time(19200, 8, 'E', 1);

	(void)state;
	assert_true(c > 11 / 19200. - 1e-12 && c < 11 / 19200. + 1e-12);
	assert_true(rtu_char_time(9600, 8, 'N', 2) == 11 / 9600.);
	assert_true(rtu_char_time(9600, 8, 'N', 1) == 10 / 9600.);
	assert_true(rtu_t35(19200, c) == 3.5 * c);
	assert_true(rtu_t15(19200, c) == 1.5 * c);
	/* Above 19200 baud the spec fixes both. */
	c = rtu_char_time(115200, 8, 'E', 1);
	assert_true(rtu_t35(115200, c) == 1750e-6);
	assert_true(rtu_t15(115200, c) == 750e-6);
	assert_true(rtu_char_time(0, 8, 'E', 1) == 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nothing_is_incomplete_until_silence),
		cmocka_unit_test(test_wrong_unit_is_refused_at_its_first_byte),
		cmocka_unit_test(test_wrong_function_is_refused),
		cmocka_unit_test(
		    test_byte_count_that_cannot_be_is_refused_early),
		cmocka_unit_test(
		    test_short_answer_ended_by_silence_is_bad_length),
		cmocka_unit_test(test_every_flipped_bit_is_a_crc_error),
		cmocka_unit_test(test_answer_split_at_every_byte),
		cmocka_unit_test(test_trailing_bytes_are_not_the_frame),
		cmocka_unit_test(test_exception_answer_is_five_bytes),
		cmocka_unit_test(test_unknown_function_is_framed_by_silence),
		cmocka_unit_test(test_crc_matches_the_spec_example),
		cmocka_unit_test(test_encoder_refuses_empty_and_oversized),
		cmocka_unit_test(test_answer_lengths_of_each_function),
		cmocka_unit_test(
		    test_answer_becomes_the_mbap_a_tcp_device_sends),
		cmocka_unit_test(test_timing_of_the_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
