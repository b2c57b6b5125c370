/*
 * mbap.c: the Modbus TCP codec. Every length a peer sends is checked
 * against what the function code implies before any byte behind it is
 * read; the expected PDU length per function is worked out in one place
 * for requests (request_check_*) and one for answers (response_check_*).
 */
#include "mbap.h"

#include <string.h>

#include <modbus.h>

/* Offsets into the ADU. */
#define OFF_TID 0
#define OFF_PROTOCOL 2
#define OFF_LENGTH 4
#define OFF_UNIT 6
#define OFF_FC 7

#define EXCEPTION_BIT 0x80
#define COIL_ON 0xFF00
#define COIL_OFF 0x0000
#define ADDRESS_SPACE 65536u

uint16_t
mbap_get_u16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

void
mbap_put_u16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

int
mbap_get_bit(const uint8_t *packed, unsigned index)
{
	return (packed[index / 8] >> (index % 8)) & 1;
}

uint16_t
mbap_get_tid(const uint8_t *frame)
{
	return mbap_get_u16(frame + OFF_TID);
}

void
mbap_set_tid(uint8_t *frame, uint16_t tid)
{
	mbap_put_u16(frame + OFF_TID, tid);
}

uint8_t
mbap_get_unit(const uint8_t *frame)
{
	return frame[OFF_UNIT];
}

void
mbap_set_unit(uint8_t *frame, uint8_t unit)
{
	frame[OFF_UNIT] = unit;
}

enum mbap_frame_status
mbap_frame(const uint8_t *buf, size_t len, size_t *frame_len)
{
	uint16_t length;

	/* Protocol id and length are both in the first 6 bytes: judge the
	 * header then, so a peer cannot hold a bad frame open. */
	if (len < OFF_UNIT)
		return MBAP_FRAME_INCOMPLETE;
	if (mbap_get_u16(buf + OFF_PROTOCOL) != 0)
		return MBAP_FRAME_BAD_PROTOCOL;
	length = mbap_get_u16(buf + OFF_LENGTH);
	if (length < MBAP_MIN_LENGTH_FIELD || length > MBAP_MAX_LENGTH_FIELD)
		return MBAP_FRAME_BAD_LENGTH;
	if (len < (size_t)OFF_UNIT + length)
		return MBAP_FRAME_INCOMPLETE;
	*frame_len = (size_t)OFF_UNIT + length;
	return MBAP_FRAME_OK;
}

const char *
mbap_frame_strerror(enum mbap_frame_status status)
{
	switch (status) {
	case MBAP_FRAME_INCOMPLETE:
		return "incomplete frame";
	case MBAP_FRAME_OK:
		return "frame ok";
	case MBAP_FRAME_BAD_PROTOCOL:
		return "MBAP protocol id is not 0 (not Modbus TCP)";
	case MBAP_FRAME_BAD_LENGTH:
		return "MBAP length field outside 2..254";
	}
	return "unknown frame status";
}

/*
 * A frame is only trusted when its own header agrees with the length the
 * caller holds: the functions below take (frame, frame_len) from callers
 * that may not have gone through mbap_frame().
 */
static int
frame_is_consistent(const uint8_t *frame, size_t frame_len)
{
	if (frame_len < MBAP_HEADER_LEN + 1 || frame_len > MBAP_MAX_ADU_LEN)
		return 0;
	if (mbap_get_u16(frame + OFF_PROTOCOL) != 0)
		return 0;
	return mbap_get_u16(frame + OFF_LENGTH) == frame_len - OFF_UNIT;
}

static int
quantity_in(uint16_t quantity, uint16_t max)
{
	return quantity >= 1 && quantity <= max;
}

static int
range_fits(uint16_t address, uint16_t quantity)
{
	return (uint32_t)address + quantity <= ADDRESS_SPACE;
}

static unsigned
packed_bytes(unsigned bits)
{
	return (bits + 7) / 8;
}

/* fc 1-4: address, quantity. */
static int
request_check_read(struct mbap_request *req, uint16_t max)
{
	const uint8_t *pdu = req->pdu;

	if (req->pdu_len != 5)
		return MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE;
	req->read_address = mbap_get_u16(pdu + 1);
	req->read_quantity = mbap_get_u16(pdu + 3);
	if (!quantity_in(req->read_quantity, max))
		return MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE;
	if (!range_fits(req->read_address, req->read_quantity))
		return MODBUS_EXCEPTION_ILLEGAL_DATA_ADDRESS;
	return 0;
}

/* fc 5, 6: address, value. */
static int
request_check_write_single(struct mbap_request *req)
{
	const uint8_t *pdu = req->pdu;
	uint16_t value;

	if (req->pdu_len != 5)
		return MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE;
	req->write_address = mbap_get_u16(pdu + 1);
	req->write_quantity = 1;
	req->data = pdu + 3;
	req->data_len = 2;
	value = mbap_get_u16(req->data);
	if (req->fc == MODBUS_FC_WRITE_SINGLE_COIL &&
	    value != COIL_ON && value != COIL_OFF)
		return MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE;
	return 0;
}

/* fc 15, 16: address, quantity, byte count, data. */
static int
request_check_write_multiple(struct mbap_request *req)
{
	const uint8_t *pdu = req->pdu;
	int coils = req->fc == MODBUS_FC_WRITE_MULTIPLE_COILS;
	unsigned byte_count;

	if (req->pdu_len < 6)
		return MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE;
	req->write_address = mbap_get_u16(pdu + 1);
	req->write_quantity = mbap_get_u16(pdu + 3);
	byte_count = pdu[5];
	if (!quantity_in(req->write_quantity, coils ?
	    MODBUS_MAX_WRITE_BITS : MODBUS_MAX_WRITE_REGISTERS))
		return MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE;
	if (byte_count != (coils ? packed_bytes(req->write_quantity) :
	    2u * req->write_quantity) || req->pdu_len != 6 + byte_count)
		return MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE;
	req->data = pdu + 6;
	req->data_len = (uint16_t)byte_count;
	/* The bits after the last coil must be 0 (Modbus spec, fc 15): a
	 * lax device would apply them to coils the AI may not write. */
	if (coils && req->write_quantity % 8 != 0 &&
	    req->data[byte_count - 1] >> (req->write_quantity % 8) != 0)
		return MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE;
	if (!range_fits(req->write_address, req->write_quantity))
		return MODBUS_EXCEPTION_ILLEGAL_DATA_ADDRESS;
	return 0;
}

/* fc 22: address, AND mask, OR mask. */
static int
request_check_mask_write(struct mbap_request *req)
{
	const uint8_t *pdu = req->pdu;

	if (req->pdu_len != 7)
		return MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE;
	req->write_address = mbap_get_u16(pdu + 1);
	req->write_quantity = 1;
	req->data = pdu + 3;
	req->data_len = 4;
	req->and_mask = mbap_get_u16(pdu + 3);
	req->or_mask = mbap_get_u16(pdu + 5);
	return 0;
}

/* fc 23: read address, read quantity, write address, write quantity,
 * byte count, data. */
static int
request_check_write_read(struct mbap_request *req)
{
	const uint8_t *pdu = req->pdu;
	unsigned byte_count;

	if (req->pdu_len < 10)
		return MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE;
	req->read_address = mbap_get_u16(pdu + 1);
	req->read_quantity = mbap_get_u16(pdu + 3);
	req->write_address = mbap_get_u16(pdu + 5);
	req->write_quantity = mbap_get_u16(pdu + 7);
	byte_count = pdu[9];
	if (!quantity_in(req->read_quantity, MODBUS_MAX_WR_READ_REGISTERS) ||
	    !quantity_in(req->write_quantity, MODBUS_MAX_WR_WRITE_REGISTERS))
		return MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE;
	if (byte_count != 2u * req->write_quantity ||
	    req->pdu_len != 10 + byte_count)
		return MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE;
	req->data = pdu + 10;
	req->data_len = (uint16_t)byte_count;
	if (!range_fits(req->read_address, req->read_quantity) ||
	    !range_fits(req->write_address, req->write_quantity))
		return MODBUS_EXCEPTION_ILLEGAL_DATA_ADDRESS;
	return 0;
}

static void
request_classify(struct mbap_request *req)
{
	switch (req->fc) {
	case MODBUS_FC_READ_COILS:
	case MODBUS_FC_READ_DISCRETE_INPUTS:
	case MODBUS_FC_READ_HOLDING_REGISTERS:
	case MODBUS_FC_READ_INPUT_REGISTERS:
		req->known = 1;
		break;
	case MODBUS_FC_WRITE_SINGLE_COIL:
	case MODBUS_FC_WRITE_SINGLE_REGISTER:
	case MODBUS_FC_WRITE_MULTIPLE_COILS:
	case MODBUS_FC_WRITE_MULTIPLE_REGISTERS:
	case MODBUS_FC_MASK_WRITE_REGISTER:
	case MODBUS_FC_WRITE_AND_READ_REGISTERS:
		req->known = 1;
		req->is_write = 1;
		break;
	}
}

int
mbap_decode_request(const uint8_t *frame, size_t frame_len,
    struct mbap_request *req)
{
	memset(req, 0, sizeof *req);
	if (frame_len >= MBAP_HEADER_LEN) {
		req->tid = mbap_get_tid(frame);
		req->unit = mbap_get_unit(frame);
	}
	if (!frame_is_consistent(frame, frame_len))
		return MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE;
	req->fc = frame[OFF_FC];
	req->pdu = frame + OFF_FC;
	req->pdu_len = (uint16_t)(frame_len - OFF_FC);
	request_classify(req);
	switch (req->fc) {
	case MODBUS_FC_READ_COILS:
	case MODBUS_FC_READ_DISCRETE_INPUTS:
		return request_check_read(req, MODBUS_MAX_READ_BITS);
	case MODBUS_FC_READ_HOLDING_REGISTERS:
	case MODBUS_FC_READ_INPUT_REGISTERS:
		return request_check_read(req, MODBUS_MAX_READ_REGISTERS);
	case MODBUS_FC_WRITE_SINGLE_COIL:
	case MODBUS_FC_WRITE_SINGLE_REGISTER:
		return request_check_write_single(req);
	case MODBUS_FC_WRITE_MULTIPLE_COILS:
	case MODBUS_FC_WRITE_MULTIPLE_REGISTERS:
		return request_check_write_multiple(req);
	case MODBUS_FC_MASK_WRITE_REGISTER:
		return request_check_mask_write(req);
	case MODBUS_FC_WRITE_AND_READ_REGISTERS:
		return request_check_write_read(req);
	}
	return 0;
}

void
mbap_expect_of(const struct mbap_request *req, struct mbap_expect *exp)
{
	memset(exp, 0, sizeof *exp);
	exp->unit = req->unit;
	exp->fc = req->fc;
	if (!req->known)
		return;
	switch (req->fc) {
	case MODBUS_FC_READ_COILS:
	case MODBUS_FC_READ_DISCRETE_INPUTS:
	case MODBUS_FC_READ_HOLDING_REGISTERS:
	case MODBUS_FC_READ_INPUT_REGISTERS:
	case MODBUS_FC_WRITE_AND_READ_REGISTERS:
		exp->read_quantity = req->read_quantity;
		break;
	case MODBUS_FC_WRITE_SINGLE_COIL:
	case MODBUS_FC_WRITE_SINGLE_REGISTER:
	case MODBUS_FC_WRITE_MULTIPLE_COILS:
	case MODBUS_FC_WRITE_MULTIPLE_REGISTERS:
		/* The answer repeats address and value (5, 6) or address and
		 * quantity (15, 16): the same 4 bytes after the fc. */
		memcpy(exp->echo, req->pdu + 1, 4);
		exp->echo_len = 4;
		break;
	case MODBUS_FC_MASK_WRITE_REGISTER:
		/* The whole request is echoed; echo[] is one byte short of
		 * it, so the masks are kept as numbers. */
		memcpy(exp->echo, req->pdu + 1, 2);
		exp->echo_len = 6;
		exp->and_mask = req->and_mask;
		exp->or_mask = req->or_mask;
		break;
	}
}

/* fc 1-4, 23: byte count then data. */
static int
response_check_read(const struct mbap_expect *exp, const uint8_t *pdu,
    uint16_t pdu_len, struct mbap_response *resp)
{
	unsigned want;

	if (pdu_len < 2)
		return -1;
	if (exp->fc == MODBUS_FC_READ_COILS ||
	    exp->fc == MODBUS_FC_READ_DISCRETE_INPUTS)
		want = packed_bytes(exp->read_quantity);
	else
		want = 2u * exp->read_quantity;
	if (pdu[1] != want || pdu_len != 2 + want)
		return -1;
	resp->data = pdu + 2;
	resp->data_len = (uint16_t)want;
	return 0;
}

static int
response_check_echo(const struct mbap_expect *exp, const uint8_t *pdu,
    uint16_t pdu_len)
{
	if (exp->fc == MODBUS_FC_MASK_WRITE_REGISTER)
		return pdu_len == 7 && memcmp(pdu + 1, exp->echo, 2) == 0 &&
		    mbap_get_u16(pdu + 3) == exp->and_mask &&
		    mbap_get_u16(pdu + 5) == exp->or_mask ? 0 : -1;
	return pdu_len == 5 && memcmp(pdu + 1, exp->echo, 4) == 0 ? 0 : -1;
}

int
mbap_check_response(const struct mbap_expect *exp, const uint8_t *frame,
    size_t frame_len, struct mbap_response *resp)
{
	const uint8_t *pdu;
	uint16_t pdu_len;

	memset(resp, 0, sizeof *resp);
	if (!frame_is_consistent(frame, frame_len))
		return -1;
	resp->tid = mbap_get_tid(frame);
	resp->unit = mbap_get_unit(frame);
	if (resp->unit != exp->unit)
		return -1;
	pdu = frame + OFF_FC;
	pdu_len = (uint16_t)(frame_len - OFF_FC);
	resp->fc = exp->fc;
	if (!(exp->fc & EXCEPTION_BIT) && pdu[0] == (exp->fc | EXCEPTION_BIT)) {
		/* Exception code 0 would read as success to the caller. */
		if (pdu_len != 2 || pdu[1] == 0)
			return -1;
		resp->exception = pdu[1];
		return 0;
	}
	if (pdu[0] != exp->fc)
		return -1;
	switch (exp->fc) {
	case MODBUS_FC_READ_COILS:
	case MODBUS_FC_READ_DISCRETE_INPUTS:
	case MODBUS_FC_READ_HOLDING_REGISTERS:
	case MODBUS_FC_READ_INPUT_REGISTERS:
	case MODBUS_FC_WRITE_AND_READ_REGISTERS:
		return response_check_read(exp, pdu, pdu_len, resp);
	case MODBUS_FC_WRITE_SINGLE_COIL:
	case MODBUS_FC_WRITE_SINGLE_REGISTER:
	case MODBUS_FC_WRITE_MULTIPLE_COILS:
	case MODBUS_FC_WRITE_MULTIPLE_REGISTERS:
	case MODBUS_FC_MASK_WRITE_REGISTER:
		return response_check_echo(exp, pdu, pdu_len);
	}
	return 0;
}

/* Writes the MBAP header for a PDU of pdu_len bytes and returns the ADU
 * length. */
static size_t
encode_header(uint8_t *out, uint16_t tid, uint8_t unit, uint8_t fc,
    size_t pdu_len)
{
	mbap_set_tid(out, tid);
	mbap_put_u16(out + OFF_PROTOCOL, 0);
	mbap_put_u16(out + OFF_LENGTH, (uint16_t)(1 + pdu_len));
	out[OFF_UNIT] = unit;
	out[OFF_FC] = fc;
	return MBAP_HEADER_LEN + pdu_len;
}

/* fc 1-6 share one shape: fc, two 16-bit fields. */
static size_t
encode_two_fields(uint8_t *out, uint16_t tid, uint8_t unit, uint8_t fc,
    uint16_t first, uint16_t second)
{
	mbap_put_u16(out + OFF_FC + 1, first);
	mbap_put_u16(out + OFF_FC + 3, second);
	return encode_header(out, tid, unit, fc, 5);
}

size_t
mbap_encode_exception(uint8_t *out, uint16_t tid, uint8_t unit, uint8_t fc,
    uint8_t code)
{
	if (code == 0)
		return 0;
	out[OFF_FC + 1] = code;
	return encode_header(out, tid, unit, fc | EXCEPTION_BIT, 2);
}

size_t
mbap_encode_read(uint8_t *out, uint16_t tid, uint8_t unit, uint8_t fc,
    uint16_t address, uint16_t quantity)
{
	uint16_t max;

	switch (fc) {
	case MODBUS_FC_READ_COILS:
	case MODBUS_FC_READ_DISCRETE_INPUTS:
		max = MODBUS_MAX_READ_BITS;
		break;
	case MODBUS_FC_READ_HOLDING_REGISTERS:
	case MODBUS_FC_READ_INPUT_REGISTERS:
		max = MODBUS_MAX_READ_REGISTERS;
		break;
	default:
		return 0;
	}
	if (!quantity_in(quantity, max) || !range_fits(address, quantity))
		return 0;
	return encode_two_fields(out, tid, unit, fc, address, quantity);
}

size_t
mbap_encode_write_coil(uint8_t *out, uint16_t tid, uint8_t unit,
    uint16_t address, int on)
{
	return encode_two_fields(out, tid, unit, MODBUS_FC_WRITE_SINGLE_COIL,
	    address, on ? COIL_ON : COIL_OFF);
}

size_t
mbap_encode_write_register(uint8_t *out, uint16_t tid, uint8_t unit,
    uint16_t address, uint16_t value)
{
	return encode_two_fields(out, tid, unit,
	    MODBUS_FC_WRITE_SINGLE_REGISTER, address, value);
}

size_t
mbap_encode_write_coils(uint8_t *out, uint16_t tid, uint8_t unit,
    uint16_t address, uint16_t quantity, const uint8_t *bits)
{
	uint8_t *pdu = out + OFF_FC;
	unsigned byte_count = packed_bytes(quantity);

	if (!quantity_in(quantity, MODBUS_MAX_WRITE_BITS) ||
	    !range_fits(address, quantity))
		return 0;
	mbap_put_u16(pdu + 1, address);
	mbap_put_u16(pdu + 3, quantity);
	pdu[5] = (uint8_t)byte_count;
	memcpy(pdu + 6, bits, byte_count);
	/* The spec wants the unused high bits of the last byte zero. */
	if (quantity % 8 != 0)
		pdu[5 + byte_count] &= (uint8_t)((1u << (quantity % 8)) - 1);
	return encode_header(out, tid, unit, MODBUS_FC_WRITE_MULTIPLE_COILS,
	    6 + byte_count);
}

size_t
mbap_encode_write_registers(uint8_t *out, uint16_t tid, uint8_t unit,
    uint16_t address, uint16_t quantity, const uint16_t *values)
{
	uint8_t *pdu = out + OFF_FC;
	unsigned i;

	if (!quantity_in(quantity, MODBUS_MAX_WRITE_REGISTERS) ||
	    !range_fits(address, quantity))
		return 0;
	mbap_put_u16(pdu + 1, address);
	mbap_put_u16(pdu + 3, quantity);
	pdu[5] = (uint8_t)(2 * quantity);
	for (i = 0; i < quantity; i++)
		mbap_put_u16(pdu + 6 + 2 * i, values[i]);
	return encode_header(out, tid, unit, MODBUS_FC_WRITE_MULTIPLE_REGISTERS,
	    6 + 2u * quantity);
}

size_t
mbap_encode_write_answer(uint8_t *out, const struct mbap_request *req)
{
	switch (req->fc) {
	case MODBUS_FC_WRITE_SINGLE_COIL:
	case MODBUS_FC_WRITE_SINGLE_REGISTER:
		return encode_two_fields(out, req->tid, req->unit, req->fc,
		    req->write_address, mbap_get_u16(req->data));
	case MODBUS_FC_WRITE_MULTIPLE_COILS:
	case MODBUS_FC_WRITE_MULTIPLE_REGISTERS:
		return encode_two_fields(out, req->tid, req->unit, req->fc,
		    req->write_address, req->write_quantity);
	}
	return 0;
}
