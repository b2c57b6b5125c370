/*
 * fuzz_mbap.c: libFuzzer target for the Modbus TCP codec. The input is a
 * byte stream from a peer, framed as the proxy frames it: whole frames
 * are consumed until the stream runs out or turns bad. Each frame is
 * decoded as a request, re-encoded, and checked as a device answer, both
 * against fixed expectations and against the frame before it (a device
 * answering a pipelined request). A request decoded as well-formed
 * re-encodes to exactly its own bytes (for fc 15 too: bits after the last
 * coil are refused). Every frame is copied to a buffer of
 * exactly its size so that AddressSanitizer sees any read past it.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <modbus.h>

#include "mbap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
within(const uint8_t *p, size_t n, const uint8_t *frame, size_t frame_len)
{
	return p >= frame && p + n <= frame + frame_len;
}

/* An encoder's output must frame as exactly itself. */
static void
check_encoded(const uint8_t *out, size_t len)
{
	size_t frame_len = 0;

	assert(len >= MBAP_HEADER_LEN + 1 && len <= MBAP_MAX_ADU_LEN);
	assert(mbap_frame(out, len, &frame_len) == MBAP_FRAME_OK);
	assert(frame_len == len);
	assert(mbap_frame(out, len - 1, &frame_len) == MBAP_FRAME_INCOMPLETE);
}

static void
check_request_fields(const struct mbap_request *req, const uint8_t *frame,
    size_t frame_len)
{
	assert(req->tid == mbap_get_tid(frame));
	assert(req->unit == mbap_get_unit(frame));
	assert(req->fc == frame[MBAP_HEADER_LEN]);
	assert(req->pdu == frame + MBAP_HEADER_LEN);
	assert(req->pdu_len == frame_len - MBAP_HEADER_LEN);
	if (req->data != NULL)
		assert(within(req->data, req->data_len, frame, frame_len) &&
		    req->data > req->pdu);
	else
		assert(req->data_len == 0);
	if (!req->known)
		assert(!req->is_write && req->data == NULL);
}

/* Re-encode a well-formed request and compare it with the original. */
static void
check_reencode(const struct mbap_request *req, const uint8_t *frame,
    size_t frame_len)
{
	uint8_t out[MBAP_MAX_ADU_LEN];
	uint16_t values[MODBUS_MAX_WRITE_REGISTERS];
	size_t len = 0;
	unsigned i;

	switch (req->fc) {
	case MODBUS_FC_READ_COILS:
	case MODBUS_FC_READ_DISCRETE_INPUTS:
	case MODBUS_FC_READ_HOLDING_REGISTERS:
	case MODBUS_FC_READ_INPUT_REGISTERS:
		len = mbap_encode_read(out, req->tid, req->unit, req->fc,
		    req->read_address, req->read_quantity);
		break;
	case MODBUS_FC_WRITE_SINGLE_COIL:
		len = mbap_encode_write_coil(out, req->tid, req->unit,
		    req->write_address, mbap_get_u16(req->data) != 0);
		break;
	case MODBUS_FC_WRITE_SINGLE_REGISTER:
		len = mbap_encode_write_register(out, req->tid, req->unit,
		    req->write_address, mbap_get_u16(req->data));
		break;
	case MODBUS_FC_WRITE_MULTIPLE_REGISTERS:
		assert(req->write_quantity <= MODBUS_MAX_WRITE_REGISTERS);
		for (i = 0; i < req->write_quantity; i++)
			values[i] = mbap_get_u16(req->data + 2 * i);
		len = mbap_encode_write_registers(out, req->tid, req->unit,
		    req->write_address, req->write_quantity, values);
		break;
	case MODBUS_FC_WRITE_MULTIPLE_COILS:
		/* The decoder refuses bits after the last coil and the
		 * encoder zeroes them: an accepted frame re-encodes as it
		 * was, bit for bit. */
		len = mbap_encode_write_coils(out, req->tid, req->unit,
		    req->write_address, req->write_quantity, req->data);
		break;
	default:
		return;
	}
	check_encoded(out, len);
	assert(len == frame_len && memcmp(out, frame, len) == 0);
}

/* The answer a well-behaved device would give: it must be accepted. */
static size_t
build_good_answer(const struct mbap_request *req, uint8_t *out)
{
	unsigned count;

	memcpy(out, req->pdu - MBAP_HEADER_LEN, MBAP_HEADER_LEN);
	out[MBAP_HEADER_LEN] = req->fc;
	switch (req->fc) {
	case MODBUS_FC_READ_COILS:
	case MODBUS_FC_READ_DISCRETE_INPUTS:
		count = (req->read_quantity + 7u) / 8;
		break;
	case MODBUS_FC_READ_HOLDING_REGISTERS:
	case MODBUS_FC_READ_INPUT_REGISTERS:
	case MODBUS_FC_WRITE_AND_READ_REGISTERS:
		count = 2u * req->read_quantity;
		break;
	case MODBUS_FC_WRITE_MULTIPLE_COILS:
	case MODBUS_FC_WRITE_MULTIPLE_REGISTERS:
		memcpy(out + MBAP_HEADER_LEN, req->pdu, 5);
		mbap_put_u16(out + 4, 6);
		return 12;
	default:
		/* 5, 6, 22 echo the request; unknown codes are not judged. */
		memcpy(out + MBAP_HEADER_LEN, req->pdu, req->pdu_len);
		return MBAP_HEADER_LEN + req->pdu_len;
	}
	out[MBAP_HEADER_LEN + 1] = (uint8_t)count;
	memset(out + MBAP_HEADER_LEN + 2, 0x5A, count);
	mbap_put_u16(out + 4, (uint16_t)(3 + count));
	return MBAP_HEADER_LEN + 2 + count;
}

static void
check_answers_to(const struct mbap_request *req)
{
	struct mbap_expect exp;
	struct mbap_response resp;
	uint8_t out[MBAP_MAX_ADU_LEN];
	size_t len;

	mbap_expect_of(req, &exp);
	assert(exp.unit == req->unit && exp.fc == req->fc);
	len = build_good_answer(req, out);
	check_encoded(out, len);
	assert(mbap_check_response(&exp, out, len, &resp) == 0);
	assert(resp.exception == 0 && resp.fc == req->fc);
	mbap_set_unit(out, (uint8_t)(req->unit + 1));
	assert(mbap_check_response(&exp, out, len, &resp) == -1);
	if (req->fc & 0x80)
		return;
	len = mbap_encode_exception(out, req->tid, req->unit, req->fc,
	    MODBUS_EXCEPTION_GATEWAY_TARGET);
	check_encoded(out, len);
	assert(mbap_check_response(&exp, out, len, &resp) == 0);
	assert(resp.exception == MODBUS_EXCEPTION_GATEWAY_TARGET);
}

/* Whatever an answer is, an accepted one must be what was asked for. */
static void
check_as_answer(const struct mbap_expect *exp, const uint8_t *frame,
    size_t frame_len)
{
	struct mbap_response resp;

	if (mbap_check_response(exp, frame, frame_len, &resp) != 0)
		return;
	assert(resp.tid == mbap_get_tid(frame));
	assert(resp.unit == exp->unit && resp.fc == exp->fc);
	if (resp.exception != 0) {
		assert(frame_len == MBAP_EXCEPTION_ADU_LEN);
		assert(frame[MBAP_HEADER_LEN] == (exp->fc | 0x80));
		return;
	}
	assert(frame[MBAP_HEADER_LEN] == exp->fc);
	if (resp.data != NULL) {
		assert(within(resp.data, resp.data_len, frame, frame_len));
		assert(resp.data + resp.data_len == frame + frame_len);
		assert(resp.data[-1] == resp.data_len);
	}
	if (exp->echo_len == 4)
		assert(frame_len == 12);
	if (exp->echo_len == 6)
		assert(frame_len == 14);
}

static void
check_fixed_answers(const uint8_t *frame, size_t frame_len)
{
	static const struct mbap_expect fixed[] = {
		{ .unit = 1, .fc = 1, .read_quantity = 9 },
		{ .unit = 1, .fc = 3, .read_quantity = 2 },
		{ .unit = 1, .fc = 23, .read_quantity = 125 },
		{ .unit = 1, .fc = 6, .echo = { 0, 1, 0, 2 }, .echo_len = 4 },
		{ .unit = 1, .fc = 22, .echo = { 0, 1 }, .echo_len = 6,
		  .and_mask = 0xFF00, .or_mask = 0x0012 },
		{ .unit = 1, .fc = 0x2B },
	};
	size_t i;

	for (i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
		check_as_answer(&fixed[i], frame, frame_len);
}

static void
fuzz_frame(uint8_t *frame, size_t frame_len, struct mbap_expect *prev,
    int *have_prev)
{
	struct mbap_request req;
	int rc;

	rc = mbap_decode_request(frame, frame_len, &req);
	assert(rc == 0 || rc == MODBUS_EXCEPTION_ILLEGAL_DATA_ADDRESS ||
	    rc == MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE);
	check_request_fields(&req, frame, frame_len);
	check_fixed_answers(frame, frame_len);
	if (*have_prev)
		check_as_answer(prev, frame, frame_len);
	*have_prev = rc == 0;
	if (rc != 0) {
		assert(req.known);
		return;
	}
	if (req.is_write)
		assert(req.write_quantity >= 1 && req.data != NULL);
	check_reencode(&req, frame, frame_len);
	check_answers_to(&req);
	mbap_expect_of(&req, prev);
	mbap_set_tid(frame, (uint16_t)~req.tid);
	assert(mbap_get_tid(frame) == (uint16_t)~req.tid);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mbap_expect prev;
	int have_prev = 0;
	size_t off = 0, frame_len;
	enum mbap_frame_status status;
	uint8_t *frame;

	while ((status = mbap_frame(data + off, size - off, &frame_len)) ==
	    MBAP_FRAME_OK) {
		assert(frame_len >= MBAP_HEADER_LEN + 1 &&
		    frame_len <= MBAP_MAX_ADU_LEN && frame_len <= size - off);
		frame = malloc(frame_len);
		assert(frame != NULL);
		memcpy(frame, data + off, frame_len);
		fuzz_frame(frame, frame_len, &prev, &have_prev);
		free(frame);
		off += frame_len;
	}
	/* A bad header is named once 6 bytes are in; otherwise the stream
	 * simply ends inside a frame. */
	if (status != MBAP_FRAME_INCOMPLETE)
		assert(size - off >= 6 && mbap_frame_strerror(status) != NULL);
	else if (size - off >= 6)
		assert(6u + mbap_get_u16(data + off + 4) > size - off);
	return 0;
}
