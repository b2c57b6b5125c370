/*
 * test_mbap.c: the Modbus TCP codec. Framing first (what closes a client),
 * then every function code at its limits, then the encoders round-tripped
 * through the decoder, then the checks on device answers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <modbus.h>

#include "mbap.h"

#define EX_ADDRESS MODBUS_EXCEPTION_ILLEGAL_DATA_ADDRESS
#define EX_VALUE MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE

/* Room for a PDU longer than Modbus allows, to build oversized frames. */
struct adu {
	uint8_t bytes[MBAP_MAX_ADU_LEN + 64];
	size_t len;
};

static void
adu_build(struct adu *adu, uint16_t tid, uint8_t unit, const uint8_t *pdu,
    size_t pdu_len)
{
	assert_true(MBAP_HEADER_LEN + pdu_len <= sizeof adu->bytes);
	mbap_put_u16(adu->bytes, tid);
	mbap_put_u16(adu->bytes + 2, 0);
	mbap_put_u16(adu->bytes + 4, (uint16_t)(1 + pdu_len));
	adu->bytes[6] = unit;
	memcpy(adu->bytes + MBAP_HEADER_LEN, pdu, pdu_len);
	adu->len = MBAP_HEADER_LEN + pdu_len;
}

static size_t
pdu_two_fields(uint8_t *pdu, uint8_t fc, uint16_t first, uint16_t second)
{
	pdu[0] = fc;
	mbap_put_u16(pdu + 1, first);
	mbap_put_u16(pdu + 3, second);
	return 5;
}

/* fc 15/16 with a byte count and data_len bytes of data (which need not
 * agree, to build malformed requests). */
static size_t
pdu_write_multiple(uint8_t *pdu, uint8_t fc, uint16_t address,
    uint16_t quantity, uint8_t byte_count, size_t data_len)
{
	size_t i;

	pdu_two_fields(pdu, fc, address, quantity);
	pdu[5] = byte_count;
	for (i = 0; i < data_len; i++)
		pdu[6 + i] = (uint8_t)(0xA0 + i);
	return 6 + data_len;
}

static size_t
pdu_write_read(uint8_t *pdu, uint16_t read_address, uint16_t read_quantity,
    uint16_t write_address, uint16_t write_quantity, uint8_t byte_count,
    size_t data_len)
{
	size_t i;

	pdu_two_fields(pdu, MODBUS_FC_WRITE_AND_READ_REGISTERS, read_address,
	    read_quantity);
	mbap_put_u16(pdu + 5, write_address);
	mbap_put_u16(pdu + 7, write_quantity);
	pdu[9] = byte_count;
	for (i = 0; i < data_len; i++)
		pdu[10 + i] = (uint8_t)i;
	return 10 + data_len;
}

static int
decode_pdu(struct adu *adu, const uint8_t *pdu, size_t pdu_len,
    struct mbap_request *req)
{
	adu_build(adu, 0x1234, 7, pdu, pdu_len);
	return mbap_decode_request(adu->bytes, adu->len, req);
}

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

/* ---- framing ---- */

static void
test_frame_partial_header_is_incomplete(void **state)
{
	struct adu adu;
	uint8_t pdu[8];
	size_t len, frame_len = 999;

	(void)state;
	adu_build(&adu, 1, 1, pdu, pdu_two_fields(pdu, 3, 0, 1));
	for (len = 0; len < 6; len++)
		assert_int_equal(mbap_frame(adu.bytes, len, &frame_len),
		    MBAP_FRAME_INCOMPLETE);
	assert_int_equal(frame_len, 999);
}

static void
test_frame_split_at_every_byte(void **state)
{
	struct adu adu;
	uint8_t pdu[300], stream[sizeof adu.bytes];
	size_t split, got, frame_len;

	(void)state;
	adu_build(&adu, 9, 1, pdu, pdu_write_multiple(pdu,
	    MODBUS_FC_WRITE_MULTIPLE_REGISTERS, 0, 3, 6, 6));
	/* Bytes arrive in two reads split at every position: the frame is
	 * incomplete until its last byte, then whole. */
	for (split = 0; split <= adu.len; split++) {
		memcpy(stream, adu.bytes, split);
		got = split;
		if (split < adu.len)
			assert_int_equal(mbap_frame(stream, got, &frame_len),
			    MBAP_FRAME_INCOMPLETE);
		memcpy(stream + got, adu.bytes + split, adu.len - split);
		got = adu.len;
		assert_int_equal(mbap_frame(stream, got, &frame_len),
		    MBAP_FRAME_OK);
		assert_int_equal(frame_len, adu.len);
	}
}

static size_t
stream_append(uint8_t *stream, size_t len, const uint8_t *bytes, size_t n)
{
	memcpy(stream + len, bytes, n);
	return len + n;
}

static void
test_frame_several_frames_in_one_buffer(void **state)
{
	struct adu a, b, c;
	uint8_t pdu[300], stream[3 * sizeof a.bytes];
	size_t len = 0, off = 0, frame_len, lens[3], n = 0;
	struct mbap_request req;

	(void)state;
	adu_build(&a, 1, 1, pdu, pdu_two_fields(pdu, 3, 10, 2));
	adu_build(&b, 2, 1, pdu, pdu_two_fields(pdu, 6, 11, 0xBEEF));
	adu_build(&c, 3, 2, pdu, pdu_write_multiple(pdu, 15, 0, 9, 2, 2));
	len = stream_append(stream, len, a.bytes, a.len);
	len = stream_append(stream, len, b.bytes, b.len);
	len = stream_append(stream, len, c.bytes, c.len);
	/* and the first 4 bytes of a fourth frame */
	len = stream_append(stream, len, a.bytes, 4);
	while (mbap_frame(stream + off, len - off, &frame_len) ==
	    MBAP_FRAME_OK) {
		assert_int_equal(mbap_decode_request(stream + off, frame_len,
		    &req), 0);
		assert_int_equal(req.tid, n + 1);
		lens[n++] = frame_len;
		off += frame_len;
	}
	assert_int_equal(n, 3);
	assert_int_equal(lens[0], a.len);
	assert_int_equal(lens[1], b.len);
	assert_int_equal(lens[2], c.len);
	assert_int_equal(len - off, 4);
	assert_int_equal(mbap_frame(stream + off, len - off, &frame_len),
	    MBAP_FRAME_INCOMPLETE);
}

static void
test_frame_bad_protocol_after_six_bytes(void **state)
{
	static const uint16_t protocols[] = { 1, 0x0100, 0xFFFF };
	uint8_t hdr[6] = { 0, 1, 0, 0, 0, 6 };
	size_t i, frame_len;

	(void)state;
	for (i = 0; i < sizeof protocols / sizeof protocols[0]; i++) {
		mbap_put_u16(hdr + 2, protocols[i]);
		assert_int_equal(mbap_frame(hdr, 5, &frame_len),
		    MBAP_FRAME_INCOMPLETE);
		assert_int_equal(mbap_frame(hdr, 6, &frame_len),
		    MBAP_FRAME_BAD_PROTOCOL);
	}
	/* Both wrong: the protocol is named, it is the more telling. */
	mbap_put_u16(hdr + 4, 0);
	assert_int_equal(mbap_frame(hdr, 6, &frame_len),
	    MBAP_FRAME_BAD_PROTOCOL);
}

static void
test_frame_bad_length_after_six_bytes(void **state)
{
	static const uint16_t lengths[] = { 0, 1, 255, 256, 65535 };
	uint8_t hdr[6] = { 0, 1, 0, 0 };
	size_t i, frame_len;

	(void)state;
	for (i = 0; i < sizeof lengths / sizeof lengths[0]; i++) {
		mbap_put_u16(hdr + 4, lengths[i]);
		assert_int_equal(mbap_frame(hdr, 5, &frame_len),
		    MBAP_FRAME_INCOMPLETE);
		assert_int_equal(mbap_frame(hdr, 6, &frame_len),
		    MBAP_FRAME_BAD_LENGTH);
	}
}

static void
test_frame_length_limits_accepted(void **state)
{
	uint8_t buf[MBAP_MAX_ADU_LEN] = { 0 };
	size_t frame_len = 0;

	(void)state;
	/* length 2: unit id and a bare function code */
	mbap_put_u16(buf + 4, 2);
	assert_int_equal(mbap_frame(buf, 7, &frame_len),
	    MBAP_FRAME_INCOMPLETE);
	assert_int_equal(mbap_frame(buf, 8, &frame_len), MBAP_FRAME_OK);
	assert_int_equal(frame_len, 8);
	/* length 254: the largest ADU */
	mbap_put_u16(buf + 4, 254);
	assert_int_equal(mbap_frame(buf, MBAP_MAX_ADU_LEN - 1, &frame_len),
	    MBAP_FRAME_INCOMPLETE);
	assert_int_equal(mbap_frame(buf, MBAP_MAX_ADU_LEN, &frame_len),
	    MBAP_FRAME_OK);
	assert_int_equal(frame_len, MBAP_MAX_ADU_LEN);
}

static void
test_frame_strerror_names_each_status(void **state)
{
	const char *bad_protocol, *bad_length;

	(void)state;
	bad_protocol = mbap_frame_strerror(MBAP_FRAME_BAD_PROTOCOL);
	bad_length = mbap_frame_strerror(MBAP_FRAME_BAD_LENGTH);
	assert_non_null(strstr(bad_protocol, "protocol"));
	assert_non_null(strstr(bad_length, "length"));
	assert_string_not_equal(mbap_frame_strerror(MBAP_FRAME_OK),
	    mbap_frame_strerror(MBAP_FRAME_INCOMPLETE));
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

/* ---- encoders, round-tripped through the decoder ---- */

static void
test_encode_exception(void **state)
{
	static const uint8_t want[] = { 0xAB, 0xCD, 0, 0, 0, 3, 9, 0x83, 2 };
	uint8_t out[MBAP_MAX_ADU_LEN];
	size_t frame_len;

	(void)state;
	assert_int_equal(mbap_encode_exception(out, 0xABCD, 9, 3,
	    EX_ADDRESS), MBAP_EXCEPTION_ADU_LEN);
	assert_memory_equal(out, want, sizeof want);
	assert_int_equal(mbap_frame(out, MBAP_EXCEPTION_ADU_LEN, &frame_len),
	    MBAP_FRAME_OK);
	assert_int_equal(frame_len, MBAP_EXCEPTION_ADU_LEN);
	/* an fc the codec does not know still gets its exception bit */
	assert_int_equal(mbap_encode_exception(out, 1, 1, 0x2B, 1), 9);
	assert_int_equal(out[7], 0xAB);
	assert_int_equal(mbap_encode_exception(out, 1, 1, 3, 0), 0);
}

static void
test_encode_read_round_trip(void **state)
{
	static const struct { uint8_t fc; uint16_t max; } reads[] = {
		{ 1, 2000 }, { 2, 2000 }, { 3, 125 }, { 4, 125 } };
	uint8_t out[MBAP_MAX_ADU_LEN];
	struct mbap_request req;
	size_t i, len;

	(void)state;
	for (i = 0; i < 4; i++) {
		len = mbap_encode_read(out, 77, 3, reads[i].fc, 100,
		    reads[i].max);
		assert_int_equal(len, 12);
		assert_int_equal(mbap_decode_request(out, len, &req), 0);
		assert_int_equal(req.tid, 77);
		assert_int_equal(req.unit, 3);
		assert_int_equal(req.fc, reads[i].fc);
		assert_int_equal(req.read_address, 100);
		assert_int_equal(req.read_quantity, reads[i].max);
		assert_int_equal(mbap_encode_read(out, 1, 1, reads[i].fc, 0,
		    0), 0);
		assert_int_equal(mbap_encode_read(out, 1, 1, reads[i].fc, 0,
		    reads[i].max + 1), 0);
		assert_int_equal(mbap_encode_read(out, 1, 1, reads[i].fc,
		    65535, 2), 0);
	}
	assert_int_equal(mbap_encode_read(out, 1, 1, 5, 0, 1), 0);
	assert_int_equal(mbap_encode_read(out, 1, 1, 0, 0, 1), 0);
}

static void
test_encode_write_single_round_trip(void **state)
{
	uint8_t out[MBAP_MAX_ADU_LEN];
	struct mbap_request req;
	size_t len;

	(void)state;
	len = mbap_encode_write_coil(out, 5, 6, 65535, 1);
	assert_int_equal(len, 12);
	assert_int_equal(mbap_decode_request(out, len, &req), 0);
	assert_int_equal(req.fc, 5);
	assert_int_equal(req.write_address, 65535);
	assert_int_equal(mbap_get_u16(req.data), 0xFF00);
	len = mbap_encode_write_coil(out, 5, 6, 0, 0);
	assert_int_equal(mbap_decode_request(out, len, &req), 0);
	assert_int_equal(mbap_get_u16(req.data), 0);

	len = mbap_encode_write_register(out, 8, 9, 40, 0x8001);
	assert_int_equal(len, 12);
	assert_int_equal(mbap_decode_request(out, len, &req), 0);
	assert_int_equal(req.tid, 8);
	assert_int_equal(req.unit, 9);
	assert_int_equal(req.fc, 6);
	assert_int_equal(req.write_address, 40);
	assert_int_equal(mbap_get_u16(req.data), 0x8001);
}

static void
test_encode_write_coils_round_trip(void **state)
{
	uint8_t bits[246], out[MBAP_MAX_ADU_LEN];
	struct mbap_request req;
	size_t len;
	unsigned i;

	(void)state;
	for (i = 0; i < sizeof bits; i++)
		bits[i] = (uint8_t)(i * 37 + 5);
	len = mbap_encode_write_coils(out, 1, 2, 65536 - 1968, 1968, bits);
	assert_int_equal(len, MBAP_HEADER_LEN + 6 + 246);
	assert_int_equal(mbap_decode_request(out, len, &req), 0);
	assert_int_equal(req.fc, 15);
	assert_int_equal(req.write_address, 65536 - 1968);
	assert_int_equal(req.write_quantity, 1968);
	for (i = 0; i < 1968; i++)
		assert_int_equal(mbap_get_bit(req.data, i),
		    mbap_get_bit(bits, i));

	/* 10 coils: the 6 unused bits of the second byte go out as 0 */
	bits[0] = 0xFF;
	bits[1] = 0xFF;
	len = mbap_encode_write_coils(out, 1, 2, 0, 10, bits);
	assert_int_equal(mbap_decode_request(out, len, &req), 0);
	assert_int_equal(req.data_len, 2);
	assert_int_equal(req.data[0], 0xFF);
	assert_int_equal(req.data[1], 0x03);

	assert_int_equal(mbap_encode_write_coils(out, 1, 2, 0, 0, bits), 0);
	assert_int_equal(mbap_encode_write_coils(out, 1, 2, 0, 1969, bits),
	    0);
	assert_int_equal(mbap_encode_write_coils(out, 1, 2, 65535, 2, bits),
	    0);
}

static void
test_encode_write_registers_round_trip(void **state)
{
	uint16_t values[124];
	uint8_t out[MBAP_MAX_ADU_LEN];
	struct mbap_request req;
	size_t len;
	unsigned i;

	(void)state;
	for (i = 0; i < 124; i++)
		values[i] = (uint16_t)(0x1000 * (i % 16) + i);
	len = mbap_encode_write_registers(out, 3, 4, 65536 - 123, 123,
	    values);
	assert_int_equal(len, MBAP_HEADER_LEN + 6 + 246);
	assert_int_equal(mbap_decode_request(out, len, &req), 0);
	assert_int_equal(req.fc, 16);
	assert_int_equal(req.write_quantity, 123);
	for (i = 0; i < 123; i++)
		assert_int_equal(mbap_get_u16(req.data + 2 * i), values[i]);
	assert_int_equal(mbap_encode_write_registers(out, 1, 1, 0, 0,
	    values), 0);
	assert_int_equal(mbap_encode_write_registers(out, 1, 1, 0, 124,
	    values), 0);
	assert_int_equal(mbap_encode_write_registers(out, 1, 1, 65535, 2,
	    values), 0);
}

static void
test_header_and_field_helpers(void **state)
{
	uint8_t frame[MBAP_MAX_ADU_LEN];
	const uint8_t packed[2] = { 0x81, 0x02 };

	(void)state;
	assert_int_equal(mbap_encode_read(frame, 1, 2, 3, 0, 1), 12);
	mbap_set_tid(frame, 0xFEDC);
	mbap_set_unit(frame, 0xF7);
	assert_int_equal(mbap_get_tid(frame), 0xFEDC);
	assert_int_equal(frame[0], 0xFE);
	assert_int_equal(mbap_get_unit(frame), 0xF7);
	assert_int_equal(frame[5], 6);
	assert_int_equal(mbap_get_bit(packed, 0), 1);
	assert_int_equal(mbap_get_bit(packed, 1), 0);
	assert_int_equal(mbap_get_bit(packed, 7), 1);
	assert_int_equal(mbap_get_bit(packed, 8), 0);
	assert_int_equal(mbap_get_bit(packed, 9), 1);
}

/* ---- answers from devices ---- */

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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frame_partial_header_is_incomplete),
		cmocka_unit_test(test_frame_split_at_every_byte),
		cmocka_unit_test(test_frame_several_frames_in_one_buffer),
		cmocka_unit_test(test_frame_bad_protocol_after_six_bytes),
		cmocka_unit_test(test_frame_bad_length_after_six_bytes),
		cmocka_unit_test(test_frame_length_limits_accepted),
		cmocka_unit_test(test_frame_strerror_names_each_status),
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
		cmocka_unit_test(test_encode_exception),
		cmocka_unit_test(test_encode_read_round_trip),
		cmocka_unit_test(test_encode_write_single_round_trip),
		cmocka_unit_test(test_encode_write_coils_round_trip),
		cmocka_unit_test(test_encode_write_registers_round_trip),
		cmocka_unit_test(test_header_and_field_helpers),
		cmocka_unit_test(test_expect_of_each_function),
		cmocka_unit_test(test_response_reads_accepted),
		cmocka_unit_test(test_response_reads_refused),
		cmocka_unit_test(test_response_echo_accepted_and_refused),
		cmocka_unit_test(test_response_mask_write_echo),
		cmocka_unit_test(test_response_exception),
		cmocka_unit_test(test_response_unknown_function),
		cmocka_unit_test(test_response_mbap_length_must_agree),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
