/*
 * mbap.h: the Modbus TCP codec. Pure: no I/O, no allocation, no clock.
 * Every byte wardend receives from a client or a device is framed and
 * decoded here, and nowhere else; a fuzz target covers it.
 *
 * An ADU is the 7-byte MBAP header (transaction id, protocol id, length,
 * unit id) followed by the PDU (function code and data). The length field
 * counts the unit id and the PDU, so it lies in 2..254.
 */
#ifndef WARDEN_MBAP_H
#define WARDEN_MBAP_H

#include <stddef.h>
#include <stdint.h>

#define MBAP_HEADER_LEN 7
#define MBAP_MAX_PDU_LEN 253
#define MBAP_MIN_LENGTH_FIELD 2
#define MBAP_MAX_LENGTH_FIELD 254
#define MBAP_MAX_ADU_LEN (MBAP_HEADER_LEN + MBAP_MAX_PDU_LEN) /* 260 */
#define MBAP_EXCEPTION_ADU_LEN 9

enum mbap_frame_status {
	MBAP_FRAME_INCOMPLETE,   /* not enough bytes yet */
	MBAP_FRAME_OK,           /* *frame_len bytes form one ADU */
	MBAP_FRAME_BAD_PROTOCOL, /* protocol id != 0: close the peer */
	MBAP_FRAME_BAD_LENGTH,   /* length field < 2 or > 254: close the peer */
};

/*
 * Look at the start of a byte stream. When a whole ADU is there, return
 * MBAP_FRAME_OK and its length in *frame_len. A bad header is reported as
 * soon as its first 6 bytes are in, without waiting for the body.
 */
enum mbap_frame_status mbap_frame(const uint8_t *buf, size_t len,
    size_t *frame_len);

const char *mbap_frame_strerror(enum mbap_frame_status status);

/* A decoded request. Pointers point into the frame it was decoded from. */
struct mbap_request {
	uint16_t tid;
	uint8_t unit;
	uint8_t fc;
	int known;              /* fc is one of 1-6, 15, 16, 22, 23 */
	int is_write;           /* fc 5, 6, 15, 16, 22, 23 */
	/* Read part: fc 1-4 and the read half of 23. */
	uint16_t read_address;
	uint16_t read_quantity;
	/*
	 * Write part: fc 5, 6 (quantity 1), 15, 16, 22 (quantity 1), and the
	 * write half of 23. data holds the values as on the wire: fc 5 and 6
	 * the 2-byte value, fc 15 the packed bits, fc 16 and 23 the registers
	 * big-endian, fc 22 the AND mask then the OR mask.
	 */
	uint16_t write_address;
	uint16_t write_quantity;
	const uint8_t *data;
	uint16_t data_len;
	/* fc 22 only */
	uint16_t and_mask;
	uint16_t or_mask;
	const uint8_t *pdu;     /* function code onwards */
	uint16_t pdu_len;
};

/*
 * Decode a request ADU that mbap_frame() accepted. Returns 0 when it is
 * well-formed, or else the Modbus exception code the client should get:
 * MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE (0x03) for a quantity of 0 or over
 * the protocol maximum, a byte count that disagrees with the quantity or
 * the length, a coil value other than 0x0000/0xFF00, or fc 15 data with
 * a bit set after the last coil (the spec wants them 0);
 * MODBUS_EXCEPTION_ILLEGAL_DATA_ADDRESS (0x02) when address + quantity
 * runs past 65535. Function codes the codec does not know decode as
 * known = 0 with only the header and pdu fields filled in; the caller
 * decides what they get.
 */
int mbap_decode_request(const uint8_t *frame, size_t frame_len,
    struct mbap_request *req);

/* What an answer to a request must look like; small enough to keep per
 * request in flight. */
struct mbap_expect {
	uint8_t unit;
	uint8_t fc;
	uint16_t read_quantity; /* fc 1-4 and 23 */
	uint8_t echo[5];        /* fc 5, 6, 15, 16: the 4 bytes after fc */
	uint8_t echo_len;       /* fc 22: 6 bytes, kept in echo + masks */
	uint16_t and_mask;
	uint16_t or_mask;
};

void mbap_expect_of(const struct mbap_request *req, struct mbap_expect *exp);

struct mbap_response {
	uint16_t tid;
	uint8_t unit;
	uint8_t fc;             /* without the 0x80 exception bit */
	uint8_t exception;      /* 0, or the exception code the device sent */
	const uint8_t *data;    /* fc 1-4, 23: the bytes after the byte count */
	uint16_t data_len;
};

/*
 * Check a device's answer against what was asked. Returns 0 when it fits
 * (same unit and function, or that function's exception; a PDU of exactly
 * the length the function implies; echoes that match), -1 otherwise: the
 * device connection can no longer be trusted and must be reset. Unknown
 * function codes are accepted as long as the unit and fc match.
 */
int mbap_check_response(const struct mbap_expect *exp, const uint8_t *frame,
    size_t frame_len, struct mbap_response *resp);

/* Header accessors on a framed ADU. */
uint16_t mbap_get_tid(const uint8_t *frame);
void mbap_set_tid(uint8_t *frame, uint16_t tid);
uint8_t mbap_get_unit(const uint8_t *frame);
void mbap_set_unit(uint8_t *frame, uint8_t unit);

/* Encoders. Each writes a whole ADU into out (at least MBAP_MAX_ADU_LEN
 * bytes) and returns its length, or 0 when the arguments are out of range. */
size_t mbap_encode_exception(uint8_t *out, uint16_t tid, uint8_t unit,
    uint8_t fc, uint8_t code);
size_t mbap_encode_read(uint8_t *out, uint16_t tid, uint8_t unit, uint8_t fc,
    uint16_t address, uint16_t quantity);
size_t mbap_encode_write_coil(uint8_t *out, uint16_t tid, uint8_t unit,
    uint16_t address, int on);
size_t mbap_encode_write_register(uint8_t *out, uint16_t tid, uint8_t unit,
    uint16_t address, uint16_t value);
size_t mbap_encode_write_coils(uint8_t *out, uint16_t tid, uint8_t unit,
    uint16_t address, uint16_t quantity, const uint8_t *bits);
size_t mbap_encode_write_registers(uint8_t *out, uint16_t tid, uint8_t unit,
    uint16_t address, uint16_t quantity, const uint16_t *values);
/* The normal answer a device gives to req (fc 5, 6: the echo; fc 15,
 * 16: address and quantity), with req's tid and unit; 0 for any other
 * function. */
size_t mbap_encode_write_answer(uint8_t *out, const struct mbap_request *req);

/* Register and bit helpers for data fields on the wire. */
uint16_t mbap_get_u16(const uint8_t *p);
void mbap_put_u16(uint8_t *p, uint16_t v);
int mbap_get_bit(const uint8_t *packed, unsigned index);

#endif
