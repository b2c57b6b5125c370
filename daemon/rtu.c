/*
 * rtu.c: the Modbus RTU codec (rtu.h).
 */
#include <string.h>

#include <modbus.h>

#include "rtu.h"

uint16_t
rtu_crc(const uint8_t *p, size_t len)
{
	uint16_t crc = 0xFFFF;
	size_t i;
	int bit;

	for (i = 0; i < len; i++) {
		crc ^= p[i];
		for (bit = 0; bit < 8; bit++)
			crc = (crc & 1) ? (uint16_t)((crc >> 1) ^ 0xA001) :
			    (uint16_t)(crc >> 1);
	}
	return crc;
}

/* The CRC of the len - 2 bytes before it matches the last two. */
static int
rtu_crc_ok(const uint8_t *frame, size_t len)
{
	uint16_t crc = rtu_crc(frame, len - 2);

	return frame[len - 2] == (crc & 0xFF) && frame[len - 1] == (crc >> 8);
}

size_t
rtu_encode_request(uint8_t *out, uint8_t unit, const uint8_t *pdu,
    size_t pdu_len)
{
	uint16_t crc;

	if (pdu_len == 0 || pdu_len > RTU_MAX_ADU_LEN - 3)
		return 0;
	out[0] = unit;
	memcpy(out + 1, pdu, pdu_len);
	crc = rtu_crc(out, pdu_len + 1);
	out[pdu_len + 1] = (uint8_t)(crc & 0xFF);
	out[pdu_len + 2] = (uint8_t)(crc >> 8);
	return pdu_len + 3;
}

size_t
rtu_answer_len(const struct mbap_expect *exp)
{
	size_t pdu;

	switch (exp->fc) {
	case MODBUS_FC_READ_COILS:
	case MODBUS_FC_READ_DISCRETE_INPUTS:
		pdu = 2 + (exp->read_quantity + 7u) / 8u;
		break;
	case MODBUS_FC_READ_HOLDING_REGISTERS:
	case MODBUS_FC_READ_INPUT_REGISTERS:
	case MODBUS_FC_WRITE_AND_READ_REGISTERS:
		pdu = 2 + 2u * exp->read_quantity;
		break;
	case MODBUS_FC_WRITE_SINGLE_COIL:
	case MODBUS_FC_WRITE_SINGLE_REGISTER:
	case MODBUS_FC_WRITE_MULTIPLE_COILS:
	case MODBUS_FC_WRITE_MULTIPLE_REGISTERS:
		pdu = 5;
		break;
	case MODBUS_FC_MASK_WRITE_REGISTER:
		pdu = 7;
		break;
	default:
		return 0;
	}
	return pdu + 3 <= RTU_MAX_ADU_LEN ? pdu + 3 : 0;
}

/* The functions whose answer carries a byte count after the fc. */
static int
rtu_counted(uint8_t fc)
{
	return fc == MODBUS_FC_READ_COILS ||
	    fc == MODBUS_FC_READ_DISCRETE_INPUTS ||
	    fc == MODBUS_FC_READ_HOLDING_REGISTERS ||
	    fc == MODBUS_FC_READ_INPUT_REGISTERS ||
	    fc == MODBUS_FC_WRITE_AND_READ_REGISTERS;
}

/* n bytes make the frame: OK when they are in and the CRC holds. */
static enum rtu_frame_status
rtu_frame_of(const uint8_t *buf, size_t len, size_t n, int ended,
    size_t *frame_len)
{
	if (len < n)
		return ended ? RTU_FRAME_BAD_LENGTH : RTU_FRAME_INCOMPLETE;
	if (!rtu_crc_ok(buf, n))
		return RTU_FRAME_BAD_CRC;
	*frame_len = n;
	return RTU_FRAME_OK;
}

enum rtu_frame_status
rtu_frame_answer(const struct mbap_expect *exp, const uint8_t *buf,
    size_t len, int ended, size_t *frame_len)
{
	size_t want = rtu_answer_len(exp);

	if (len == 0)
		return ended ? RTU_FRAME_BAD_LENGTH : RTU_FRAME_INCOMPLETE;
	if (buf[0] != exp->unit)
		return RTU_FRAME_BAD_UNIT;
	if (len < 2)
		return ended ? RTU_FRAME_BAD_LENGTH : RTU_FRAME_INCOMPLETE;
	if (buf[1] == (exp->fc | 0x80))
		return rtu_frame_of(buf, len, RTU_EXCEPTION_ADU_LEN, ended,
		    frame_len);
	if (buf[1] != exp->fc)
		return RTU_FRAME_BAD_FUNCTION;
	if (want == 0) {
		/* Framed by silence: all that came is the frame. */
		if (len > RTU_MAX_ADU_LEN)
			return RTU_FRAME_BAD_LENGTH;
		if (!ended)
			return RTU_FRAME_INCOMPLETE;
		if (len < RTU_MIN_ADU_LEN)
			return RTU_FRAME_BAD_LENGTH;
		return rtu_frame_of(buf, len, len, ended, frame_len);
	}
	if (len >= 3 && rtu_counted(exp->fc) && buf[2] != want - 5)
		return RTU_FRAME_BAD_LENGTH;
	return rtu_frame_of(buf, len, want, ended, frame_len);
}

const char *
rtu_frame_strerror(enum rtu_frame_status st)
{
	switch (st) {
	case RTU_FRAME_INCOMPLETE:
		return "answer incomplete";
	case RTU_FRAME_OK:
		return "answer framed";
	case RTU_FRAME_BAD_UNIT:
		return "answer from another unit";
	case RTU_FRAME_BAD_FUNCTION:
		return "answer to another function";
	case RTU_FRAME_BAD_LENGTH:
		return "answer of the wrong length";
	case RTU_FRAME_BAD_CRC:
		return "CRC error";
	}
	return "?";
}

size_t
rtu_to_mbap(uint8_t *out, uint16_t tid, const uint8_t *frame,
    size_t frame_len)
{
	size_t body;

	if (frame_len < RTU_MIN_ADU_LEN || frame_len > RTU_MAX_ADU_LEN)
		return 0;
	body = frame_len - 2;           /* unit and PDU */
	mbap_put_u16(out, tid);
	mbap_put_u16(out + 2, 0);
	mbap_put_u16(out + 4, (uint16_t)body);
	memcpy(out + 6, frame, body);
	return body + 6;
}

double
rtu_char_time(unsigned baud, unsigned data_bits, char parity,
    unsigned stop_bits)
{
	unsigned bits = 1 + data_bits + (parity == 'N' ? 0 : 1) + stop_bits;

	return baud > 0 ? (double)bits / baud : 0;
}

double
rtu_t15(unsigned baud, double char_time)
{
	return baud > 19200 ? 750e-6 : 1.5 * char_time;
}

double
rtu_t35(unsigned baud, double char_time)
{
	return baud > 19200 ? 1750e-6 : 3.5 * char_time;
}
