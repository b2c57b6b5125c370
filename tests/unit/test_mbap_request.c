/*
 * test_mbap_request.c: decoding client requests, every function code at
 * its limits, then unknown function codes and frames that disagree with
 * their header.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "mbap_fixture.h"

static int
decode_read(uint8_t fc, uint16_t address, uint16_t quantity,
    struct mbap_request *req)
{
	struct adu adu;
	uint8_t pdu[8];

	return decode_pdu(&adu, pdu, pdu_two_fields(pdu, fc, address,
	    quantity), req);
}

static int
decode_write_multiple(uint8_t fc, uint16_t address, uint16_t quantity,
    uint8_t byte_count, size_t data_len)
{
	struct adu adu;
	struct mbap_request req;
	uint8_t pdu[300];

	return decode_pdu(&adu, pdu, pdu_write_multiple(pdu, fc, address,
	    quantity, byte_count, data_len), &req);
}

static int
decode_write_read(uint16_t read_address, uint16_t read_quantity,
    uint16_t write_address, uint16_t write_quantity, uint8_t byte_count,
    size_t data_len)
{
	struct adu adu;
	struct mbap_request req;
	uint8_t pdu[300];

	return decode_pdu(&adu, pdu, pdu_write_read(pdu, read_address,
	    read_quantity, write_address, write_quantity, byte_count,
	    data_len), &req);
}

/* ---- requests: reads ---- */

static void
test_decode_read_fields(void **state)
{
	static const uint8_t fcs[] = { 1, 2, 3, 4 };
	struct adu adu;
	struct mbap_request req;
	uint8_t pdu[8];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof fcs; i++) {
		assert_int_equal(decode_pdu(&adu, pdu, pdu_two_fields(pdu,
		    fcs[i], 0x0102, 0x0003), &req), 0);
		assert_int_equal(req.tid, 0x1234);
		assert_int_equal(req.unit, 7);
		assert_int_equal(req.fc, fcs[i]);
		assert_true(req.known);
		assert_false(req.is_write);
		assert_int_equal(req.read_address, 0x0102);
		assert_int_equal(req.read_quantity, 3);
		assert_int_equal(req.write_quantity, 0);
		assert_null(req.data);
		assert_ptr_equal(req.pdu, adu.bytes + MBAP_HEADER_LEN);
		assert_int_equal(req.pdu_len, 5);
	}
}

static void
test_decode_read_quantity_limits(void **state)
{
	struct mbap_request req;
	uint8_t fc;

	(void)state;
	for (fc = 1; fc <= 2; fc++) {
		assert_int_equal(decode_read(fc, 0, 0, &req), EX_VALUE);
		assert_int_equal(decode_read(fc, 0, 1, &req), 0);
		assert_int_equal(decode_read(fc, 0, 2000, &req), 0);
		assert_int_equal(decode_read(fc, 0, 2001, &req), EX_VALUE);
		assert_int_equal(decode_read(fc, 0, 0xFFFF, &req), EX_VALUE);
	}
	for (fc = 3; fc <= 4; fc++) {
		assert_int_equal(decode_read(fc, 0, 0, &req), EX_VALUE);
		assert_int_equal(decode_read(fc, 0, 1, &req), 0);
		assert_int_equal(decode_read(fc, 0, 125, &req), 0);
		assert_int_equal(decode_read(fc, 0, 126, &req), EX_VALUE);
	}
}

static void
test_decode_read_address_overflow(void **state)
{
	struct mbap_request req;

	(void)state;
	assert_int_equal(decode_read(3, 65535, 1, &req), 0);
	assert_int_equal(decode_read(3, 65535, 2, &req), EX_ADDRESS);
	assert_int_equal(decode_read(3, 65536 - 125, 125, &req), 0);
	assert_int_equal(decode_read(3, 65536 - 124, 125, &req), EX_ADDRESS);
	assert_int_equal(decode_read(1, 65536 - 2000, 2000, &req), 0);
	assert_int_equal(decode_read(2, 65535, 2000, &req), EX_ADDRESS);
	/* A bad quantity is the first fault named, as the spec orders it. */
	assert_int_equal(decode_read(4, 65535, 126, &req), EX_VALUE);
}

static void
test_decode_fixed_length_pdus_refuse_other_lengths(void **state)
{
	static const uint8_t fcs[] = { 1, 2, 3, 4, 5, 6 };
	struct adu adu;
	struct mbap_request req;
	uint8_t pdu[16] = { 0 };
	size_t i, len;

	(void)state;
	for (i = 0; i < sizeof fcs; i++) {
		pdu_two_fields(pdu, fcs[i], 0, fcs[i] == 5 ? 0xFF00 : 1);
		assert_int_equal(decode_pdu(&adu, pdu, 5, &req), 0);
		for (len = 1; len <= 8; len++)
			if (len != 5)
				assert_int_equal(decode_pdu(&adu, pdu, len,
				    &req), EX_VALUE);
	}
	pdu[0] = MODBUS_FC_MASK_WRITE_REGISTER;
	assert_int_equal(decode_pdu(&adu, pdu, 7, &req), 0);
	for (len = 1; len <= 10; len++)
		if (len != 7)
			assert_int_equal(decode_pdu(&adu, pdu, len, &req),
			    EX_VALUE);
}

/* ---- requests: single writes ---- */

static void
test_decode_write_single_coil(void **state)
{
	struct adu adu;
	struct mbap_request req;
	uint8_t pdu[8];

	(void)state;
	assert_int_equal(decode_pdu(&adu, pdu, pdu_two_fields(pdu, 5, 17,
	    0xFF00), &req), 0);
	assert_true(req.known);
	assert_true(req.is_write);
	assert_int_equal(req.write_address, 17);
	assert_int_equal(req.write_quantity, 1);
	assert_ptr_equal(req.data, adu.bytes + MBAP_HEADER_LEN + 3);
	assert_int_equal(req.data_len, 2);
	assert_int_equal(mbap_get_u16(req.data), 0xFF00);
	assert_int_equal(decode_pdu(&adu, pdu, pdu_two_fields(pdu, 5, 17,
	    0x0000), &req), 0);
	assert_int_equal(mbap_get_u16(req.data), 0);
	assert_int_equal(decode_pdu(&adu, pdu, pdu_two_fields(pdu, 5, 17,
	    0x0001), &req), EX_VALUE);
	assert_int_equal(decode_pdu(&adu, pdu, pdu_two_fields(pdu, 5, 17,
	    0x00FF), &req), EX_VALUE);
	assert_int_equal(decode_pdu(&adu, pdu, pdu_two_fields(pdu, 5, 17,
	    0xFFFF), &req), EX_VALUE);
	assert_int_equal(decode_pdu(&adu, pdu, pdu_two_fields(pdu, 5, 65535,
	    0xFF00), &req), 0);
}

static void
test_decode_write_single_register(void **state)
{
	struct adu adu;
	struct mbap_request req;
	uint8_t pdu[8];

	(void)state;
	assert_int_equal(decode_pdu(&adu, pdu, pdu_two_fields(pdu, 6, 65535,
	    0xFFFF), &req), 0);
	assert_true(req.is_write);
	assert_int_equal(req.write_address, 65535);
	assert_int_equal(req.write_quantity, 1);
	assert_int_equal(req.read_quantity, 0);
	assert_int_equal(req.data_len, 2);
	assert_int_equal(mbap_get_u16(req.data), 0xFFFF);
}

static void
test_decode_mask_write_register(void **state)
{
	struct adu adu;
	struct mbap_request req;
	uint8_t pdu[7] = { 22, 0x00, 0x04, 0x00, 0xF2, 0x00, 0x25 };

	(void)state;
	assert_int_equal(decode_pdu(&adu, pdu, sizeof pdu, &req), 0);
	assert_true(req.known);
	assert_true(req.is_write);
	assert_int_equal(req.write_address, 4);
	assert_int_equal(req.write_quantity, 1);
	assert_int_equal(req.and_mask, 0x00F2);
	assert_int_equal(req.or_mask, 0x0025);
	assert_ptr_equal(req.data, adu.bytes + MBAP_HEADER_LEN + 3);
	assert_int_equal(req.data_len, 4);
}

/* ---- requests: multiple writes ---- */

static void
test_decode_write_multiple_coils(void **state)
{
	struct adu adu;
	struct mbap_request req;
	uint8_t pdu[300];

	(void)state;
	assert_int_equal(decode_pdu(&adu, pdu, pdu_write_multiple(pdu, 15, 19,
	    10, 2, 2), &req), 0);
	assert_true(req.known);
	assert_true(req.is_write);
	assert_int_equal(req.write_address, 19);
	assert_int_equal(req.write_quantity, 10);
	assert_ptr_equal(req.data, adu.bytes + MBAP_HEADER_LEN + 6);
	assert_int_equal(req.data_len, 2);
	assert_int_equal(req.data[0], 0xA0);
	assert_int_equal(req.pdu_len, 8);

	assert_int_equal(decode_write_multiple(15, 0, 0, 0, 0), EX_VALUE);
	assert_int_equal(decode_write_multiple(15, 0, 1, 1, 1), 0);
	assert_int_equal(decode_write_multiple(15, 0, 8, 1, 1), 0);
	assert_int_equal(decode_write_multiple(15, 0, 9, 2, 2), 0);
	assert_int_equal(decode_write_multiple(15, 0, 1968, 246, 246), 0);
	/* 1969 coils still fit a frame (PDU 253): refused on quantity. */
	assert_int_equal(decode_write_multiple(15, 0, 1969, 247, 247),
	    EX_VALUE);
	assert_int_equal(decode_write_multiple(15, 65535, 1, 1, 1), 0);
	assert_int_equal(decode_write_multiple(15, 65535, 2, 1, 1),
	    EX_ADDRESS);
	assert_int_equal(decode_write_multiple(15, 65536 - 1968, 1968, 246,
	    246), 0);
}

static void
test_decode_write_multiple_coils_byte_count(void **state)
{
	(void)state;
	assert_int_equal(decode_write_multiple(15, 0, 9, 1, 1), EX_VALUE);
	assert_int_equal(decode_write_multiple(15, 0, 9, 3, 3), EX_VALUE);
	assert_int_equal(decode_write_multiple(15, 0, 8, 0, 0), EX_VALUE);
	/* byte count right, data short or long */
	assert_int_equal(decode_write_multiple(15, 0, 9, 2, 1), EX_VALUE);
	assert_int_equal(decode_write_multiple(15, 0, 9, 2, 3), EX_VALUE);
	/* byte count wrong, address wrong too: 0x03 wins */
	assert_int_equal(decode_write_multiple(15, 65535, 9, 1, 1), EX_VALUE);
}

/* The bits after the last coil must be 0; a lax device would apply them
 * to the coils that follow. */
static void
test_decode_write_multiple_coils_padding(void **state)
{
	static const struct {
		uint16_t quantity;
		uint8_t bytes[2];
		int rc;
	} cases[] = {
		{ 2, { 0xFF }, EX_VALUE },
		{ 2, { 0x03 }, 0 },
		{ 2, { 0x04 }, EX_VALUE },
		{ 1, { 0x02 }, EX_VALUE },
		{ 1, { 0x01 }, 0 },
		{ 7, { 0x80 }, EX_VALUE },
		{ 7, { 0x7F }, 0 },
		{ 8, { 0xFF }, 0 },
		{ 10, { 0xFF, 0x03 }, 0 },
		{ 10, { 0xFF, 0x07 }, EX_VALUE },
		{ 10, { 0x00, 0x80 }, EX_VALUE },
	};
	struct adu adu;
	struct mbap_request req;
	uint8_t pdu[8];
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		n = (cases[i].quantity + 7u) / 8;
		pdu_two_fields(pdu, 15, 100, cases[i].quantity);
		pdu[5] = (uint8_t)n;
		memcpy(pdu + 6, cases[i].bytes, n);
		assert_int_equal(decode_pdu(&adu, pdu, 6 + n, &req),
		    cases[i].rc);
	}
	/* A value fault outranks an address fault, as for byte counts. */
	pdu_two_fields(pdu, 15, 65535, 2);
	pdu[5] = 1;
	pdu[6] = 0xFF;
	assert_int_equal(decode_pdu(&adu, pdu, 7, &req), EX_VALUE);
}

static void
test_decode_write_multiple_registers(void **state)
{
	struct adu adu;
	struct mbap_request req;
	uint8_t pdu[300];

	(void)state;
	assert_int_equal(decode_pdu(&adu, pdu, pdu_write_multiple(pdu, 16,
	    0x0100, 2, 4, 4), &req), 0);
	assert_true(req.known);
	assert_true(req.is_write);
	assert_int_equal(req.write_address, 0x0100);
	assert_int_equal(req.write_quantity, 2);
	assert_int_equal(req.data_len, 4);
	assert_int_equal(mbap_get_u16(req.data + 2), 0xA2A3);

	assert_int_equal(decode_write_multiple(16, 0, 0, 0, 0), EX_VALUE);
	assert_int_equal(decode_write_multiple(16, 0, 1, 2, 2), 0);
	assert_int_equal(decode_write_multiple(16, 0, 123, 246, 246), 0);
	assert_int_equal(decode_write_multiple(16, 0, 124, 248, 246),
	    EX_VALUE);
	assert_int_equal(decode_write_multiple(16, 0, 124, 246, 246),
	    EX_VALUE);
	assert_int_equal(decode_write_multiple(16, 65535, 1, 2, 2), 0);
	assert_int_equal(decode_write_multiple(16, 65535, 2, 4, 4),
	    EX_ADDRESS);
	assert_int_equal(decode_write_multiple(16, 65536 - 123, 123, 246,
	    246), 0);
}

static void
test_decode_write_multiple_registers_byte_count(void **state)
{
	(void)state;
	assert_int_equal(decode_write_multiple(16, 0, 2, 3, 3), EX_VALUE);
	assert_int_equal(decode_write_multiple(16, 0, 2, 5, 5), EX_VALUE);
	assert_int_equal(decode_write_multiple(16, 0, 2, 0, 0), EX_VALUE);
	assert_int_equal(decode_write_multiple(16, 0, 2, 4, 3), EX_VALUE);
	assert_int_equal(decode_write_multiple(16, 0, 2, 4, 5), EX_VALUE);
	/* byte count 255 does not wrap into anything acceptable */
	assert_int_equal(decode_write_multiple(16, 0, 2, 255, 4), EX_VALUE);
}

static void
test_decode_write_multiple_truncated(void **state)
{
	struct adu adu;
	struct mbap_request req;
	uint8_t pdu[300];
	size_t full, len;

	(void)state;
	full = pdu_write_multiple(pdu, 16, 0, 2, 4, 4);
	for (len = 1; len < full; len++)
		assert_int_equal(decode_pdu(&adu, pdu, len, &req), EX_VALUE);
	full = pdu_write_multiple(pdu, 15, 0, 9, 2, 2);
	for (len = 1; len < full; len++)
		assert_int_equal(decode_pdu(&adu, pdu, len, &req), EX_VALUE);
}

/* ---- requests: fc 23 ---- */

static void
test_decode_write_read_fields(void **state)
{
	struct adu adu;
	struct mbap_request req;
	uint8_t pdu[300];

	(void)state;
	assert_int_equal(decode_pdu(&adu, pdu, pdu_write_read(pdu, 3, 6, 14,
	    3, 6, 6), &req), 0);
	assert_true(req.known);
	assert_true(req.is_write);
	assert_int_equal(req.read_address, 3);
	assert_int_equal(req.read_quantity, 6);
	assert_int_equal(req.write_address, 14);
	assert_int_equal(req.write_quantity, 3);
	assert_ptr_equal(req.data, adu.bytes + MBAP_HEADER_LEN + 10);
	assert_int_equal(req.data_len, 6);
	assert_int_equal(req.pdu_len, 16);
}

static void
test_decode_write_read_limits(void **state)
{
	(void)state;
	assert_int_equal(decode_write_read(0, 0, 0, 1, 2, 2), EX_VALUE);
	assert_int_equal(decode_write_read(0, 1, 0, 1, 2, 2), 0);
	assert_int_equal(decode_write_read(0, 125, 0, 1, 2, 2), 0);
	assert_int_equal(decode_write_read(0, 126, 0, 1, 2, 2), EX_VALUE);
	assert_int_equal(decode_write_read(0, 1, 0, 0, 0, 0), EX_VALUE);
	assert_int_equal(decode_write_read(0, 1, 0, 121, 242, 242), 0);
	assert_int_equal(decode_write_read(0, 1, 0, 122, 244, 242),
	    EX_VALUE);
	assert_int_equal(decode_write_read(0, 1, 0, 122, 242, 242),
	    EX_VALUE);
}

static void
test_decode_write_read_byte_count_and_length(void **state)
{
	struct adu adu;
	struct mbap_request req;
	uint8_t pdu[300];
	size_t full, len;

	(void)state;
	assert_int_equal(decode_write_read(0, 1, 0, 2, 3, 3), EX_VALUE);
	assert_int_equal(decode_write_read(0, 1, 0, 2, 5, 5), EX_VALUE);
	assert_int_equal(decode_write_read(0, 1, 0, 2, 4, 3), EX_VALUE);
	assert_int_equal(decode_write_read(0, 1, 0, 2, 4, 5), EX_VALUE);
	full = pdu_write_read(pdu, 0, 1, 0, 2, 4, 4);
	for (len = 1; len < full; len++)
		assert_int_equal(decode_pdu(&adu, pdu, len, &req), EX_VALUE);
}

static void
test_decode_write_read_address_overflow(void **state)
{
	(void)state;
	assert_int_equal(decode_write_read(65536 - 125, 125, 65535, 1, 2, 2),
	    0);
	assert_int_equal(decode_write_read(65536 - 124, 125, 0, 1, 2, 2),
	    EX_ADDRESS);
	assert_int_equal(decode_write_read(0, 1, 65535, 2, 4, 4),
	    EX_ADDRESS);
}

/* ---- requests: unknown function codes and inconsistent frames ---- */

static void
test_decode_unknown_function(void **state)
{
	static const uint8_t fcs[] = { 0, 7, 8, 11, 17, 20, 21, 24, 0x2B,
	    0x80, 0x83, 0xFF };
	uint8_t pdu[4] = { 0, 1, 2, 3 };
	struct adu adu;
	struct mbap_request req;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof fcs; i++) {
		pdu[0] = fcs[i];
		assert_int_equal(decode_pdu(&adu, pdu, sizeof pdu, &req), 0);
		assert_false(req.known);
		assert_false(req.is_write);
		assert_int_equal(req.fc, fcs[i]);
		assert_int_equal(req.tid, 0x1234);
		assert_int_equal(req.unit, 7);
		assert_ptr_equal(req.pdu, adu.bytes + MBAP_HEADER_LEN);
		assert_int_equal(req.pdu_len, 4);
		assert_null(req.data);
		/* a bare function code too */
		assert_int_equal(decode_pdu(&adu, pdu, 1, &req), 0);
		assert_int_equal(req.pdu_len, 1);
	}
}

static void
test_decode_refuses_frame_disagreeing_with_header(void **state)
{
	struct adu adu;
	struct mbap_request req;
	uint8_t pdu[8];

	(void)state;
	adu_build(&adu, 5, 1, pdu, pdu_two_fields(pdu, 3, 0, 1));
	assert_int_equal(mbap_decode_request(adu.bytes, adu.len - 1, &req),
	    EX_VALUE);
	assert_int_equal(mbap_decode_request(adu.bytes, adu.len + 1, &req),
	    EX_VALUE);
	assert_int_equal(mbap_decode_request(adu.bytes, 7, &req), EX_VALUE);
	assert_int_equal(req.tid, 5);
	adu.bytes[2] = 1;
	assert_int_equal(mbap_decode_request(adu.bytes, adu.len, &req),
	    EX_VALUE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_read_fields),
		cmocka_unit_test(test_decode_read_quantity_limits),
		cmocka_unit_test(test_decode_read_address_overflow),
		cmocka_unit_test(
		    test_decode_fixed_length_pdus_refuse_other_lengths),
		cmocka_unit_test(test_decode_write_single_coil),
		cmocka_unit_test(test_decode_write_single_register),
		cmocka_unit_test(test_decode_mask_write_register),
		cmocka_unit_test(test_decode_write_multiple_coils),
		cmocka_unit_test(test_decode_write_multiple_coils_byte_count),
		cmocka_unit_test(test_decode_write_multiple_coils_padding),
		cmocka_unit_test(test_decode_write_multiple_registers),
		cmocka_unit_test(
		    test_decode_write_multiple_registers_byte_count),
		cmocka_unit_test(test_decode_write_multiple_truncated),
		cmocka_unit_test(test_decode_write_read_fields),
		cmocka_unit_test(test_decode_write_read_limits),
		cmocka_unit_test(test_decode_write_read_byte_count_and_length),
		cmocka_unit_test(test_decode_write_read_address_overflow),
		cmocka_unit_test(test_decode_unknown_function),
		cmocka_unit_test(
		    test_decode_refuses_frame_disagreeing_with_header),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
