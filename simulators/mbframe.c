/*
 * mbframe.c: Modbus TCP framing and request shape checks for plcsim.
 */
#include <modbus.h>

#include "mbframe.h"

#define MBAP_MIN_LENGTH 2	/* unit id and function code */
#define MBAP_MAX_LENGTH 254	/* unit id and the largest PDU */

uint16_t
mbframe_u16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

enum mbframe_status
mbframe_next(const uint8_t *buf, size_t len, size_t *adu_len)
{
	unsigned length;

	if (len < MBFRAME_HEADER - 1)
		return MBFRAME_NEED_MORE;
	length = mbframe_u16(buf + 4);
	if (mbframe_u16(buf + 2) != 0 || length < MBAP_MIN_LENGTH ||
	    length > MBAP_MAX_LENGTH)
		return MBFRAME_BAD;
	if (len < MBFRAME_HEADER - 1 + (size_t)length)
		return MBFRAME_NEED_MORE;
	*adu_len = MBFRAME_HEADER - 1 + length;
	return MBFRAME_OK;
}

/* A read: address and quantity, quantity 1..max. */
static int
check_read(const uint8_t *pdu, size_t len, unsigned max)
{
	unsigned quantity;

	if (len != 5)
		return MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE;
	quantity = mbframe_u16(pdu + 3);
	return quantity >= 1 && quantity <= max ? 0 :
	    MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE;
}

/* A multiple write: address, quantity 1..max, byte count, the values. */
static int
check_write_multiple(const uint8_t *pdu, size_t len, unsigned max, int bits)
{
	unsigned quantity, bytes;

	if (len < 6)
		return MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE;
	quantity = mbframe_u16(pdu + 3);
	bytes = bits ? (quantity + 7) / 8 : quantity * 2;
	if (quantity < 1 || quantity > max || pdu[5] != bytes ||
	    len != 6 + bytes)
		return MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE;
	return 0;
}

static int
check_write_and_read(const uint8_t *pdu, size_t len)
{
	unsigned read_quantity, write_quantity;

	if (len < 10)
		return MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE;
	read_quantity = mbframe_u16(pdu + 3);
	write_quantity = mbframe_u16(pdu + 7);
	if (read_quantity < 1 || read_quantity > MODBUS_MAX_WR_READ_REGISTERS ||
	    write_quantity < 1 ||
	    write_quantity > MODBUS_MAX_WR_WRITE_REGISTERS ||
	    pdu[9] != write_quantity * 2 || len != 10 + write_quantity * 2)
		return MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE;
	return 0;
}

int
mbframe_check(const uint8_t *adu, size_t adu_len)
{
	const uint8_t *pdu = adu + MBFRAME_HEADER;
	size_t len = adu_len - MBFRAME_HEADER;
	int fixed_length = -1;

	switch (pdu[0]) {
	case MODBUS_FC_READ_COILS:
	case MODBUS_FC_READ_DISCRETE_INPUTS:
		return check_read(pdu, len, MODBUS_MAX_READ_BITS);
	case MODBUS_FC_READ_HOLDING_REGISTERS:
	case MODBUS_FC_READ_INPUT_REGISTERS:
		return check_read(pdu, len, MODBUS_MAX_READ_REGISTERS);
	case MODBUS_FC_WRITE_SINGLE_COIL:
	case MODBUS_FC_WRITE_SINGLE_REGISTER:
		fixed_length = 5;
		break;
	case MODBUS_FC_WRITE_MULTIPLE_COILS:
		return check_write_multiple(pdu, len, MODBUS_MAX_WRITE_BITS, 1);
	case MODBUS_FC_WRITE_MULTIPLE_REGISTERS:
		return check_write_multiple(pdu, len,
		    MODBUS_MAX_WRITE_REGISTERS, 0);
	case MODBUS_FC_REPORT_SLAVE_ID:
		fixed_length = 1;
		break;
	case MODBUS_FC_MASK_WRITE_REGISTER:
		fixed_length = 7;
		break;
	case MODBUS_FC_WRITE_AND_READ_REGISTERS:
		return check_write_and_read(pdu, len);
	default:
		return MODBUS_EXCEPTION_ILLEGAL_FUNCTION;
	}
	return len == (size_t)fixed_length ? 0 :
	    MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE;
}
