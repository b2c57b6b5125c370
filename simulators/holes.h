/*
 * holes.h: addresses a simulated PLC does not have. Real register maps
 * are sparse; a request that touches a hole is answered with exception
 * 0x02 (illegal data address), as a PLC does, so the gateway's handling
 * of such maps can be tested. Pure.
 */
#ifndef HOLES_H
#define HOLES_H

#include <stddef.h>
#include <stdint.h>

#define HOLES_MAX 8

enum holes_table { HOLES_COIL, HOLES_DISCRETE, HOLES_INPUT, HOLES_HOLDING };

struct hole {
	enum holes_table table;
	uint16_t first, last;           /* inclusive */
};

struct holes {
	struct hole hole[HOLES_MAX];
	size_t n;
};

/* Add "TABLE:A-B" or "TABLE:A" (TABLE: coil, discrete, input, holding).
 * 0, or -1 when the text is not one or HOLES_MAX are set already. */
int holes_add(struct holes *h, const char *text);

/*
 * 0 when the request (a whole ADU that mbframe_check() accepted) touches
 * no hole, else MODBUS_EXCEPTION_ILLEGAL_DATA_ADDRESS. Both ranges of a
 * read/write multiple (fc 23) count.
 */
int holes_check(const struct holes *h, const uint8_t *adu, size_t len);

#endif
