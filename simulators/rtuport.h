/*
 * rtuport.h: plcsim's Modbus RTU side (--serial): a tty set up by
 * libmodbus (modbus_new_rtu, modbus_connect), read without blocking in
 * plcsim's poll() loop, its requests framed by the length their function
 * implies and checked by CRC, and each handed back as the MBAP ADU
 * plcsim already answers; the answer goes back as RTU.
 */
#ifndef RTUPORT_H
#define RTUPORT_H

#include <stddef.h>
#include <stdint.h>

#include <modbus.h>

#define RTUPORT_MAX 256

struct rtuport {
	modbus_t *ctx;          /* opened and set the line */
	int fd;
	char path[256];
	uint8_t in[2 * RTUPORT_MAX];
	size_t in_len;
	double last_rx;
	unsigned long crc_errors;
};

/* spec "PATH[,BAUD[,PARITY[,DATA[,STOP]]]]" (19200,E,8,1): 0, or -1
 * with err. */
int rtuport_open(struct rtuport *rp, const char *spec, char *err,
    size_t len);
void rtuport_close(struct rtuport *rp);
/* Read what the line has: -1 when it is gone. */
int rtuport_read(struct rtuport *rp, double now);
/* The next whole request as an MBAP ADU (tid 0) in adu (at least 260
 * bytes): its length, or 0 while none is whole. Bytes that cannot be a
 * request, or sit unfinished for long, are dropped. */
size_t rtuport_next(struct rtuport *rp, double now, uint8_t *adu);
/* An MBAP answer sent as RTU; bad_crc: its CRC spoiled (--fault
 * garbage). -1 on a write error. */
int rtuport_answer(struct rtuport *rp, const uint8_t *adu, size_t len,
    int bad_crc);
uint16_t rtuport_crc(const uint8_t *p, size_t len);

#endif
