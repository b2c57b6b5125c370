/*
 * rtuport.c: plcsim's Modbus RTU side (rtuport.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <termios.h>

#include "rtuport.h"

/* A request left unfinished this long is given up: the line resyncs. */
#define STALE 0.05

uint16_t
rtuport_crc(const uint8_t *p, size_t len)
{
	uint16_t crc = 0xFFFF;
	int bit;

	while (len-- > 0) {
		crc ^= *p++;
		for (bit = 0; bit < 8; bit++)
			crc = (crc & 1) ? (uint16_t)((crc >> 1) ^ 0xA001) :
			    (uint16_t)(crc >> 1);
	}
	return crc;
}

int
rtuport_open(struct rtuport *rp, const char *spec, char *err, size_t len)
{
	struct termios t;
	char parity = 'E', *c;
	int baud = 19200, data = 8, stop = 1;

	memset(rp, 0, sizeof *rp);
	rp->fd = -1;
	snprintf(rp->path, sizeof rp->path, "%s", spec);
	if ((c = strchr(rp->path, ',')) != NULL) {
		*c++ = '\0';
		if (sscanf(c, "%d,%c,%d,%d", &baud, &parity, &data, &stop) < 1) {
			snprintf(err, len, "--serial takes PATH[,BAUD[,PARITY"
			    "[,DATA[,STOP]]]]");
			return -1;
		}
	}
	if ((rp->ctx = modbus_new_rtu(rp->path, baud, parity, data, stop)) ==
	    NULL || modbus_connect(rp->ctx) == -1) {
		snprintf(err, len, "%s: %s", rp->path, modbus_strerror(errno));
		return -1;
	}
	rp->fd = modbus_get_socket(rp->ctx);
	/* libmodbus opened it blocking: plcsim's loop must not wait. VMIN
	 * 1: nothing there fails EAGAIN, and 0 means hung up. */
	fcntl(rp->fd, F_SETFL, fcntl(rp->fd, F_GETFL) | O_NONBLOCK);
	if (tcgetattr(rp->fd, &t) == 0) {
		t.c_cc[VMIN] = 1;
		t.c_cc[VTIME] = 0;
		tcsetattr(rp->fd, TCSANOW, &t);
	}
	return 0;
}

void
rtuport_close(struct rtuport *rp)
{
	if (rp->ctx != NULL) {
		modbus_close(rp->ctx);
		modbus_free(rp->ctx);
	}
	rp->ctx = NULL;
	rp->fd = -1;
}

int
rtuport_read(struct rtuport *rp, double now)
{
	ssize_t n;

	for (;;) {
		if (rp->in_len == sizeof rp->in)
			rp->in_len = 0;         /* nothing that long is ours */
		n = read(rp->fd, rp->in + rp->in_len,
		    sizeof rp->in - rp->in_len);
		if (n > 0) {
			rp->in_len += (size_t)n;
			rp->last_rx = now;
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		return n == -1 && errno == EAGAIN ? 0 : -1;
	}
}

/* The length of the request starting in, 0 while it cannot be told,
 * or -1 when it is no request plcsim knows. */
static long
request_len(const uint8_t *in, size_t len)
{
	if (len < 2)
		return 0;
	switch (in[1]) {
	case 1: case 2: case 3: case 4: case 5: case 6:
		return 8;
	case 15: case 16:
		return len < 7 ? 0 : 9 + (long)in[6];
	case 22:
		return 10;
	case 23:
		return len < 11 ? 0 : 13 + (long)in[10];
	}
	return -1;
}

size_t
rtuport_next(struct rtuport *rp, double now, uint8_t *adu)
{
	long want = request_len(rp->in, rp->in_len);
	uint16_t crc;
	size_t body;

	if (want == -1 || (rp->in_len > 0 && now - rp->last_rx > STALE &&
	    (want == 0 || rp->in_len < (size_t)want))) {
		rp->in_len = 0;
		return 0;
	}
	if (want == 0 || rp->in_len < (size_t)want)
		return 0;
	crc = rtuport_crc(rp->in, (size_t)want - 2);
	if (rp->in[want - 2] != (crc & 0xFF) || rp->in[want - 1] != crc >> 8) {
		rp->crc_errors++;
		rp->in_len = 0;
		return 0;
	}
	body = (size_t)want - 2;        /* unit and PDU */
	adu[0] = adu[1] = adu[2] = adu[3] = 0;
	adu[4] = (uint8_t)(body >> 8);
	adu[5] = (uint8_t)body;
	memcpy(adu + 6, rp->in, body);
	memmove(rp->in, rp->in + want, rp->in_len - (size_t)want);
	rp->in_len -= (size_t)want;
	return body + 6;
}

int
rtuport_answer(struct rtuport *rp, const uint8_t *adu, size_t len,
    int bad_crc)
{
	uint8_t out[RTUPORT_MAX + 2];
	size_t body, off = 0;
	uint16_t crc;
	ssize_t n;

	if (len < 8 || len - 6 > RTUPORT_MAX - 2)
		return 0;
	body = len - 6;
	memcpy(out, adu + 6, body);
	crc = rtuport_crc(out, body);
	if (bad_crc)
		crc ^= 0x5A5A;
	out[body] = (uint8_t)(crc & 0xFF);
	out[body + 1] = (uint8_t)(crc >> 8);
	/* An answer is a few hundred bytes: the tty takes it whole, or
	 * plcsim waits the moment it takes. */
	while (off < body + 2) {
		n = write(rp->fd, out + off, body + 2 - off);
		if (n > 0)
			off += (size_t)n;
		else if (n == -1 && (errno == EAGAIN || errno == EINTR))
			usleep(1000);
		else
			return -1;
	}
	return 0;
}
