/*
 * fuzz_rtu.c: libFuzzer target for the Modbus RTU codec (daemon/rtu.c).
 * The first 4 bytes say what was asked (unit, function, quantity); the
 * rest is what came back on the line, offered to the framer byte by byte
 * as reads would bring it, and once more as ended by silence. A framed
 * answer must lie within what arrived, carry a good CRC, become an MBAP
 * answer that the Modbus TCP codec accepts as fitting the question
 * whenever the function's length is known, and frame the same at every
 * split. Every input is copied to a buffer of exactly its size so that
 * AddressSanitizer sees any read past it.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <modbus.h>

#include "rtu.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What a frame said OK must be. */
static void
check_framed(const struct mbap_expect *e, const uint8_t *b, size_t len,
    size_t fl)
{
	uint8_t adu[MBAP_MAX_ADU_LEN];
	struct mbap_response r;
	uint16_t crc;
	size_t n;

	assert(fl >= RTU_MIN_ADU_LEN && fl <= len && fl <= RTU_MAX_ADU_LEN);
	crc = rtu_crc(b, fl - 2);
	assert(b[fl - 2] == (crc & 0xFF) && b[fl - 1] == (crc >> 8));
	assert(b[0] == e->unit && (b[1] & 0x7F) == (e->fc & 0x7F));
	n = rtu_to_mbap(adu, 0x1234, b, fl);
	assert(n == fl + 4);
	assert(mbap_get_tid(adu) == 0x1234 && mbap_get_unit(adu) == e->unit);
	/* Reads of known length: what the TCP side checks, the RTU side
	 * framed. (Echoes are the TCP codec's to check, not the
	 * framer's.) */
	if (rtu_answer_len(e) != 0 && e->echo_len == 0 && b[1] == e->fc &&
	    (e->fc <= MODBUS_FC_READ_INPUT_REGISTERS ||
	    e->fc == MODBUS_FC_WRITE_AND_READ_REGISTERS))
		assert(mbap_check_response(e, adu, n, &r) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mbap_expect e;
	enum rtu_frame_status st, whole;
	uint8_t req[RTU_MAX_ADU_LEN];
	uint8_t *b;
	size_t len, fl = 0, k, fk;

	if (size < 4)
		return 0;
	memset(&e, 0, sizeof e);
	e.unit = data[0];
	e.fc = data[1];
	e.read_quantity = (uint16_t)(data[2] << 8 | data[3]);
	len = size - 4;
	if ((b = malloc(len ? len : 1)) == NULL)
		return 0;
	memcpy(b, data + 4, len);
	whole = rtu_frame_answer(&e, b, len, 0, &fl);
	if (whole == RTU_FRAME_OK)
		check_framed(&e, b, len, fl);
	/* As the reads bring it: the first verdict that is not
	 * INCOMPLETE is final, and is the one on the whole. */
	for (k = 0; k <= len; k++) {
		st = rtu_frame_answer(&e, b, k, 0, &fk);
		if (st == RTU_FRAME_INCOMPLETE)
			continue;
		assert(st == whole);
		if (st == RTU_FRAME_OK)
			assert(fk == fl);
		break;
	}
	st = rtu_frame_answer(&e, b, len, 1, &fk);
	assert(st != RTU_FRAME_INCOMPLETE);
	if (st == RTU_FRAME_OK)
		check_framed(&e, b, len, fk);
	/* The request encoder round-trips through the framer as an
	 * answer of unknown length ended by silence. */
	if (len > 0 && (k = rtu_encode_request(req, e.unit, b, len)) != 0) {
		struct mbap_expect q = e;

		q.fc = b[0];
		q.read_quantity = 0;
		if (rtu_answer_len(&q) == 0 && (b[0] & 0x80) == 0)
			assert(rtu_frame_answer(&q, req, k, 1, &fk) ==
			    RTU_FRAME_OK && fk == k);
	}
	free(b);
	return 0;
}
