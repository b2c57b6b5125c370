/*
 * mbap_fixture.h: what the test_mbap_*.c files share: building ADUs
 * (including oversized and malformed ones) from raw PDUs, and decoding them
 * as unit 7, transaction 0x1234. Header-only (static inline): the Makefile
 * links each tests/unit/test_*.c on its own.
 */
#ifndef WARDEN_TEST_MBAP_FIXTURE_H
#define WARDEN_TEST_MBAP_FIXTURE_H

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

static inline void
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

static inline size_t
pdu_two_fields(uint8_t *pdu, uint8_t fc, uint16_t first, uint16_t second)
{
	pdu[0] = fc;
	mbap_put_u16(pdu + 1, first);
	mbap_put_u16(pdu + 3, second);
	return 5;
}

/* fc 15/16 with a byte count and data_len bytes of data (which need not
 * agree, to build malformed requests). */
static inline size_t
pdu_write_multiple(uint8_t *pdu, uint8_t fc, uint16_t address,
    uint16_t quantity, uint8_t byte_count, size_t data_len)
{
	size_t i;

	pdu_two_fields(pdu, fc, address, quantity);
	pdu[5] = byte_count;
	for (i = 0; i < data_len; i++)
		pdu[6 + i] = (uint8_t)(0xA0 + i);
	/* fc 15: the bits after the last coil 0, as the spec wants. */
	if (fc == 15 && quantity % 8 != 0 && data_len >= (quantity + 7u) / 8)
		pdu[6 + (quantity + 7u) / 8 - 1] &=
		    (uint8_t)((1u << (quantity % 8)) - 1);
	return 6 + data_len;
}

static inline size_t
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

static inline int
decode_pdu(struct adu *adu, const uint8_t *pdu, size_t pdu_len,
    struct mbap_request *req)
{
	adu_build(adu, 0x1234, 7, pdu, pdu_len);
	return mbap_decode_request(adu->bytes, adu->len, req);
}

#endif
