/*
 * mbframe.h: Modbus TCP framing for plcsim. libmodbus' modbus_receive()
 * sizes a request from its function code, so a function it does not know
 * (0x08, 0x2B ...) leaves the rest of the PDU in the socket and every later
 * request on that connection is misread; plcsim therefore frames by the MBAP
 * length field itself and hands whole ADUs to modbus_reply(). Pure.
 */
#ifndef MBFRAME_H
#define MBFRAME_H

#include <stddef.h>
#include <stdint.h>

#define MBFRAME_HEADER 7	/* transaction, protocol, length, unit */

enum mbframe_status {
	MBFRAME_NEED_MORE,	/* not a whole ADU yet */
	MBFRAME_OK,		/* one ADU of *adu_len bytes at buf */
	MBFRAME_BAD		/* protocol id != 0 or length outside 2..254 */
};

enum mbframe_status mbframe_next(const uint8_t *buf, size_t len,
    size_t *adu_len);

/*
 * Whether modbus_reply() can serve this whole ADU: 0 if so, else the
 * exception code to answer (illegal function for anything but function
 * codes 1-6, 15, 16, 17, 22 and 23; illegal data value for a PDU whose
 * length, quantity or byte count is wrong for its function).
 */
int mbframe_check(const uint8_t *adu, size_t adu_len);

uint16_t mbframe_u16(const uint8_t *p);

#endif
