/*
 * test_mbap_response.c: mbap_expect_of() and mbap_check_response(), the
 * checks on what devices answer.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "mbap_fixture.h"

/* Decodes a request PDU into an expectation (unit 7). */
static void
expect_pdu(const uint8_t *pdu, size_t pdu_len, struct mbap_expect *exp)
{
	struct adu adu;
	struct mbap_request req;

	assert_int_equal(decode_pdu(&adu, pdu, pdu_len, &req), 0);
	mbap_expect_of(&req, exp);
}

static int
check_pdu(const struct mbap_expect *exp, uint8_t unit, const uint8_t *pdu,
    size_t pdu_len, struct mbap_response *resp)
{
	struct adu adu;

	adu_build(&adu, 0x4321, unit, pdu, pdu_len);
	return mbap_check_response(exp, adu.bytes, adu.len, resp);
}

static void
test_expect_of_each_function(void **state)
{
	struct mbap_expect exp;
	uint8_t pdu[300];

	(void)state;
	expect_pdu(pdu, pdu_two_fields(pdu, 1, 0, 10), &exp);
	assert_int_equal(exp.unit, 7);
	assert_int_equal(exp.fc, 1);
	assert_int_equal(exp.read_quantity, 10);
	assert_int_equal(exp.echo_len, 0);
	expect_pdu(pdu, pdu_two_fields(pdu, 6, 0x0102, 0x0304), &exp);
	assert_int_equal(exp.echo_len, 4);
	assert_memory_equal(exp.echo, "\x01\x02\x03\x04", 4);
	expect_pdu(pdu, pdu_write_multiple(pdu, 16, 0x0A0B, 2, 4, 4), &exp);
	assert_int_equal(exp.echo_len, 4);
	assert_memory_equal(exp.echo, "\x0A\x0B\x00\x02", 4);
	expect_pdu(pdu, pdu_write_read(pdu, 0, 5, 9, 1, 2, 2), &exp);
	assert_int_equal(exp.read_quantity, 5);
	assert_int_equal(exp.echo_len, 0);
	pdu[0] = 0x2B;
	expect_pdu(pdu, 4, &exp);
	assert_int_equal(exp.fc, 0x2B);
	assert_int_equal(exp.read_quantity, 0);
	assert_int_equal(exp.echo_len, 0);
}

static void
test_response_reads_accepted(void **state)
{
	struct mbap_expect exp;
	struct mbap_response resp;
	uint8_t req[300], rsp[300] = { 0 };
	struct adu adu;

	(void)state;
	expect_pdu(req, pdu_two_fields(req, 1, 0, 10), &exp);
	rsp[0] = 1, rsp[1] = 2;
	adu_build(&adu, 0x4321, 7, rsp, 4);
	assert_int_equal(mbap_check_response(&exp, adu.bytes, adu.len,
	    &resp), 0);
	assert_int_equal(resp.tid, 0x4321);
	assert_int_equal(resp.unit, 7);
	assert_int_equal(resp.fc, 1);
	assert_int_equal(resp.exception, 0);
	assert_ptr_equal(resp.data, adu.bytes + MBAP_HEADER_LEN + 2);
	assert_int_equal(resp.data_len, 2);

	expect_pdu(req, pdu_two_fields(req, 2, 0, 2000), &exp);
	rsp[0] = 2, rsp[1] = 250;
	assert_int_equal(check_pdu(&exp, 7, rsp, 252, &resp), 0);
	expect_pdu(req, pdu_two_fields(req, 3, 0, 125), &exp);
	rsp[0] = 3, rsp[1] = 250;
	assert_int_equal(check_pdu(&exp, 7, rsp, 252, &resp), 0);
	assert_int_equal(resp.data_len, 250);
	expect_pdu(req, pdu_two_fields(req, 4, 0, 1), &exp);
	rsp[0] = 4, rsp[1] = 2;
	assert_int_equal(check_pdu(&exp, 7, rsp, 4, &resp), 0);
	expect_pdu(req, pdu_write_read(req, 0, 3, 0, 1, 2, 2), &exp);
	rsp[0] = 23, rsp[1] = 6;
	assert_int_equal(check_pdu(&exp, 7, rsp, 8, &resp), 0);
	assert_int_equal(resp.fc, 23);
	assert_int_equal(resp.data_len, 6);
}

static void
test_response_reads_refused(void **state)
{
	struct mbap_expect exp;
	struct mbap_response resp;
	uint8_t req[16], rsp[300] = { 0 };

	(void)state;
	expect_pdu(req, pdu_two_fields(req, 3, 0, 3), &exp);
	rsp[0] = 3, rsp[1] = 6;
	assert_int_equal(check_pdu(&exp, 7, rsp, 8, &resp), 0);
	assert_int_equal(check_pdu(&exp, 8, rsp, 8, &resp), -1);
	assert_int_equal(check_pdu(&exp, 7, rsp, 7, &resp), -1);
	assert_int_equal(check_pdu(&exp, 7, rsp, 9, &resp), -1);
	assert_int_equal(check_pdu(&exp, 7, rsp, 1, &resp), -1);
	rsp[0] = 4;
	assert_int_equal(check_pdu(&exp, 7, rsp, 8, &resp), -1);
	rsp[0] = 3, rsp[1] = 4;
	assert_int_equal(check_pdu(&exp, 7, rsp, 6, &resp), -1);
	rsp[1] = 8;
	assert_int_equal(check_pdu(&exp, 7, rsp, 10, &resp), -1);

	/* coils: byte count is ceil(q / 8) */
	expect_pdu(req, pdu_two_fields(req, 1, 0, 9), &exp);
	rsp[0] = 1, rsp[1] = 2;
	assert_int_equal(check_pdu(&exp, 7, rsp, 4, &resp), 0);
	rsp[1] = 1;
	assert_int_equal(check_pdu(&exp, 7, rsp, 3, &resp), -1);
	rsp[1] = 3;
	assert_int_equal(check_pdu(&exp, 7, rsp, 5, &resp), -1);
	rsp[1] = 18;
	assert_int_equal(check_pdu(&exp, 7, rsp, 20, &resp), -1);
}

static void
test_response_echo_accepted_and_refused(void **state)
{
	struct mbap_expect exp;
	struct mbap_response resp;
	uint8_t req[300], rsp[16];

	(void)state;
	expect_pdu(req, pdu_two_fields(req, 6, 40, 0x1234), &exp);
	memcpy(rsp, req, 5);
	assert_int_equal(check_pdu(&exp, 7, rsp, 5, &resp), 0);
	assert_int_equal(resp.fc, 6);
	assert_null(resp.data);
	assert_int_equal(check_pdu(&exp, 7, rsp, 4, &resp), -1);
	rsp[5] = 0;
	assert_int_equal(check_pdu(&exp, 7, rsp, 6, &resp), -1);
	rsp[4] ^= 1;
	assert_int_equal(check_pdu(&exp, 7, rsp, 5, &resp), -1);

	expect_pdu(req, pdu_two_fields(req, 5, 3, 0xFF00), &exp);
	pdu_two_fields(rsp, 5, 3, 0xFF00);
	assert_int_equal(check_pdu(&exp, 7, rsp, 5, &resp), 0);
	pdu_two_fields(rsp, 5, 3, 0x0000);
	assert_int_equal(check_pdu(&exp, 7, rsp, 5, &resp), -1);
	pdu_two_fields(rsp, 5, 4, 0xFF00);
	assert_int_equal(check_pdu(&exp, 7, rsp, 5, &resp), -1);

	/* 15 and 16 echo address and quantity, not the data */
	expect_pdu(req, pdu_write_multiple(req, 16, 100, 2, 4, 4), &exp);
	pdu_two_fields(rsp, 16, 100, 2);
	assert_int_equal(check_pdu(&exp, 7, rsp, 5, &resp), 0);
	pdu_two_fields(rsp, 16, 100, 1);
	assert_int_equal(check_pdu(&exp, 7, rsp, 5, &resp), -1);
	pdu_two_fields(rsp, 16, 101, 2);
	assert_int_equal(check_pdu(&exp, 7, rsp, 5, &resp), -1);
	expect_pdu(req, pdu_write_multiple(req, 15, 8, 9, 2, 2), &exp);
	pdu_two_fields(rsp, 15, 8, 9);
	assert_int_equal(check_pdu(&exp, 7, rsp, 5, &resp), 0);
	pdu_two_fields(rsp, 16, 8, 9);
	assert_int_equal(check_pdu(&exp, 7, rsp, 5, &resp), -1);
}

static void
test_response_mask_write_echo(void **state)
{
	static const uint8_t req[7] = { 22, 0, 4, 0, 0xF2, 0, 0x25 };
	struct mbap_expect exp;
	struct mbap_response resp;
	uint8_t rsp[8];
	size_t i;

	(void)state;
	expect_pdu(req, sizeof req, &exp);
	memcpy(rsp, req, 7);
	assert_int_equal(check_pdu(&exp, 7, rsp, 7, &resp), 0);
	assert_int_equal(check_pdu(&exp, 7, rsp, 5, &resp), -1);
	rsp[7] = 0;
	assert_int_equal(check_pdu(&exp, 7, rsp, 8, &resp), -1);
	for (i = 1; i < 7; i++) {
		memcpy(rsp, req, 7);
		rsp[i] ^= 0x10;
		assert_int_equal(check_pdu(&exp, 7, rsp, 7, &resp), -1);
	}
}

static void
test_response_exception(void **state)
{
	struct mbap_expect exp;
	struct mbap_response resp;
	uint8_t req[16], out[MBAP_MAX_ADU_LEN];
	uint8_t rsp[4] = { 0x83, 0x02, 0x00 };
	size_t len;

	(void)state;
	expect_pdu(req, pdu_two_fields(req, 3, 0, 3), &exp);
	assert_int_equal(check_pdu(&exp, 7, rsp, 2, &resp), 0);
	assert_int_equal(resp.fc, 3);
	assert_int_equal(resp.exception, 2);
	assert_null(resp.data);
	len = mbap_encode_exception(out, 9, 7, 3, 0x0B);
	assert_int_equal(mbap_check_response(&exp, out, len, &resp), 0);
	assert_int_equal(resp.tid, 9);
	assert_int_equal(resp.exception, 0x0B);
	/* bad length, code 0, another function's exception, wrong unit */
	assert_int_equal(check_pdu(&exp, 7, rsp, 1, &resp), -1);
	assert_int_equal(check_pdu(&exp, 7, rsp, 3, &resp), -1);
	rsp[1] = 0;
	assert_int_equal(check_pdu(&exp, 7, rsp, 2, &resp), -1);
	rsp[0] = 0x84, rsp[1] = 2;
	assert_int_equal(check_pdu(&exp, 7, rsp, 2, &resp), -1);
	rsp[0] = 0x83;
	assert_int_equal(check_pdu(&exp, 6, rsp, 2, &resp), -1);
}

static void
test_response_unknown_function(void **state)
{
	struct mbap_expect exp;
	struct mbap_response resp;
	uint8_t req[4] = { 0x2B, 0x0E, 0x01, 0x00 };
	uint8_t rsp[40] = { 0x2B, 0x0E };

	(void)state;
	expect_pdu(req, sizeof req, &exp);
	assert_int_equal(check_pdu(&exp, 7, rsp, sizeof rsp, &resp), 0);
	assert_int_equal(check_pdu(&exp, 7, rsp, 1, &resp), 0);
	assert_int_equal(resp.fc, 0x2B);
	assert_int_equal(check_pdu(&exp, 8, rsp, sizeof rsp, &resp), -1);
	rsp[0] = 0x2C;
	assert_int_equal(check_pdu(&exp, 7, rsp, sizeof rsp, &resp), -1);
	rsp[0] = 0xAB, rsp[1] = 1;
	assert_int_equal(check_pdu(&exp, 7, rsp, 2, &resp), 0);
	assert_int_equal(resp.exception, 1);
}

static void
test_response_mbap_length_must_agree(void **state)
{
	struct mbap_expect exp;
	struct mbap_response resp;
	uint8_t req[16], rsp[8] = { 3, 2, 0, 1 };
	struct adu adu;

	(void)state;
	expect_pdu(req, pdu_two_fields(req, 3, 0, 1), &exp);
	adu_build(&adu, 1, 7, rsp, 4);
	assert_int_equal(mbap_check_response(&exp, adu.bytes, adu.len,
	    &resp), 0);
	assert_int_equal(mbap_check_response(&exp, adu.bytes, adu.len - 1,
	    &resp), -1);
	assert_int_equal(mbap_check_response(&exp, adu.bytes, adu.len + 1,
	    &resp), -1);
	assert_int_equal(mbap_check_response(&exp, adu.bytes, 7, &resp), -1);
	adu.bytes[5]++;
	assert_int_equal(mbap_check_response(&exp, adu.bytes, adu.len,
	    &resp), -1);
	adu.bytes[5]--;
	adu.bytes[3] = 1;
	assert_int_equal(mbap_check_response(&exp, adu.bytes, adu.len,
	    &resp), -1);
}

/* The answer wardend gives a ramped write itself is the one a device
 * gives: it passes the check a device's answer must, with the AI's own
 * transaction id; a function that is no plain write gets none. */
static void
test_write_answer_as_a_device_gives_it(void **state)
{
	const uint16_t regs[2] = { 0x1234, 0x5678 };
	const uint8_t bits = 0x05;
	uint8_t frame[MBAP_MAX_ADU_LEN], answer[MBAP_MAX_ADU_LEN];
	size_t lens[4], len;
	struct mbap_request req;
	struct mbap_expect exp;
	struct mbap_response resp;
	int i;

	(void)state;
	for (i = 0; i < 4; i++) {
		switch (i) {
		case 0:
			lens[i] = mbap_encode_write_coil(frame, 7, 3, 10, 1);
			break;
		case 1:
			lens[i] = mbap_encode_write_register(frame, 7, 3, 10,
			    700);
			break;
		case 2:
			lens[i] = mbap_encode_write_coils(frame, 7, 3, 10, 3,
			    &bits);
			break;
		default:
			lens[i] = mbap_encode_write_registers(frame, 7, 3, 10,
			    2, regs);
			break;
		}
		assert_int_equal(mbap_decode_request(frame, lens[i], &req), 0);
		mbap_expect_of(&req, &exp);
		len = mbap_encode_write_answer(answer, &req);
		assert_int_equal(len, 12);
		assert_int_equal(mbap_check_response(&exp, answer, len, &resp),
		    0);
		assert_int_equal(resp.tid, 7);
		assert_int_equal(resp.exception, 0);
		/* fc 5 and 6: the echo of the request. */
		if (i < 2)
			assert_memory_equal(answer, frame, 12);
	}
	len = mbap_encode_read(frame, 7, 3, MODBUS_FC_READ_HOLDING_REGISTERS,
	    10, 2);
	assert_int_equal(mbap_decode_request(frame, len, &req), 0);
	assert_int_equal(mbap_encode_write_answer(answer, &req), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_expect_of_each_function),
		cmocka_unit_test(test_response_reads_accepted),
		cmocka_unit_test(test_response_reads_refused),
		cmocka_unit_test(test_response_echo_accepted_and_refused),
		cmocka_unit_test(test_response_mask_write_echo),
		cmocka_unit_test(test_response_exception),
		cmocka_unit_test(test_response_unknown_function),
		cmocka_unit_test(test_response_mbap_length_must_agree),
		cmocka_unit_test(test_write_answer_as_a_device_gives_it),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
