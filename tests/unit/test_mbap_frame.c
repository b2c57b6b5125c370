/*
 * test_mbap_frame.c: Modbus TCP framing (what closes a client), then the
 * encoders round-tripped through the decoder, then the header and field
 * accessors.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "mbap_fixture.h"

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
		cmocka_unit_test(test_encode_exception),
		cmocka_unit_test(test_encode_read_round_trip),
		cmocka_unit_test(test_encode_write_single_round_trip),
		cmocka_unit_test(test_encode_write_coils_round_trip),
		cmocka_unit_test(test_encode_write_registers_round_trip),
		cmocka_unit_test(test_header_and_field_helpers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
