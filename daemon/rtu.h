/*
 * rtu.h: the Modbus RTU codec (Modbus over serial line, V1.02). Pure: no
 * I/O, no allocation, no clock. Every byte wardend reads from a serial
 * bus is framed here and nowhere else; a fuzz target covers it
 * (tests/fuzz/fuzz_rtu.c).
 *
 * An RTU frame is the unit id, the PDU (function code and data) and a
 * CRC-16/Modbus, low byte first: 4 to 256 bytes. There is no length
 * field and no transaction id: a master asks one unit at a time and
 * knows, from what it asked, how long the answer must be. So an answer
 * is framed against what was asked (struct mbap_expect): the unit, the
 * function or its exception (5 bytes), and the length the function
 * implies. An answer to a function whose length wardend cannot know
 * (one passed through by allow_functions) is framed by the silence that
 * ends it, as the serial line spec frames every frame.
 */
#ifndef WARDEN_RTU_H
#define WARDEN_RTU_H

#include <stddef.h>
#include <stdint.h>

#include "mbap.h"

#define RTU_MIN_ADU_LEN 4
#define RTU_MAX_ADU_LEN 256
#define RTU_EXCEPTION_ADU_LEN 5

/* CRC-16/Modbus (poly 0xA001 reflected, init 0xFFFF) of p. */
uint16_t rtu_crc(const uint8_t *p, size_t len);

/*
 * The RTU request for unit and pdu (function code onwards) in out (at
 * least RTU_MAX_ADU_LEN bytes): its length, or 0 when the PDU is empty
 * or too long for one frame.
 */
size_t rtu_encode_request(uint8_t *out, uint8_t unit, const uint8_t *pdu,
    size_t pdu_len);

/*
 * The length of the whole answer frame (unit, PDU, CRC) that a request
 * with expectation exp implies when the device does not answer with an
 * exception, or 0 when the function's answer length is not known.
 */
size_t rtu_answer_len(const struct mbap_expect *exp);

enum rtu_frame_status {
	RTU_FRAME_INCOMPLETE,   /* not enough bytes yet */
	RTU_FRAME_OK,           /* *frame_len bytes are the answer */
	RTU_FRAME_BAD_UNIT,     /* not from the unit asked */
	RTU_FRAME_BAD_FUNCTION, /* neither the function nor its exception */
	RTU_FRAME_BAD_LENGTH,   /* a byte count or length that cannot be */
	RTU_FRAME_BAD_CRC,      /* the CRC does not match: noise */
};

/*
 * Look at the bytes read since the request went out. ended: the line
 * has been silent long enough that nothing more belongs to this frame.
 * Returns RTU_FRAME_OK with the answer's length in *frame_len (bytes
 * after it are not part of it: noise), INCOMPLETE while more must come
 * (never once ended), or what is wrong as soon as the bytes show it.
 */
enum rtu_frame_status rtu_frame_answer(const struct mbap_expect *exp,
    const uint8_t *buf, size_t len, int ended, size_t *frame_len);
const char *rtu_frame_strerror(enum rtu_frame_status st);

/*
 * The answer frame as the Modbus TCP ADU a device on TCP would have sent
 * (transaction id tid), in out (at least MBAP_MAX_ADU_LEN bytes): its
 * length, or 0 when frame is not a whole RTU frame.
 */
size_t rtu_to_mbap(uint8_t *out, uint16_t tid, const uint8_t *frame,
    size_t frame_len);

/*
 * The line's timing, in seconds, for a character of 1 start bit,
 * data_bits, a parity bit unless parity is 'N', and stop_bits. Above
 * 19200 baud the spec fixes t1.5 at 750 us and t3.5 at 1.75 ms.
 */
double rtu_char_time(unsigned baud, unsigned data_bits, char parity,
    unsigned stop_bits);
double rtu_t15(unsigned baud, double char_time);
double rtu_t35(unsigned baud, double char_time);

#endif
