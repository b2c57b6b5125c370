/*
 * wire.h: a raw Modbus TCP client for tests that must control the bytes
 * on the wire (pipelining, malformed frames, closed connections). Frames
 * are built here by hand, independently of the codec under test.
 */
#ifndef WARDEN_WIRE_H
#define WARDEN_WIRE_H

#include <stddef.h>
#include <stdint.h>

#define WIRE_MAX_ADU 260

/* A blocking TCP connection to 127.0.0.1:port, or -1. */
int wire_connect(uint16_t port);

/* Write all of buf. 0 on success, -1 on error. */
int wire_send(int fd, const uint8_t *buf, size_t len);

/*
 * Read one whole ADU (header length field honoured) within timeout
 * seconds. Returns its length, 0 when the peer closed the connection
 * (EOF or reset), -1 on timeout or a frame too large.
 */
int wire_recv_adu(int fd, uint8_t *adu, size_t size, double timeout);

/* 1 when the peer closes the connection within timeout seconds (any
 * bytes it sends first are discarded), 0 otherwise. */
int wire_wait_closed(int fd, double timeout);

/* Request builders: write a whole ADU into out, return its length. */
size_t wire_read_request(uint8_t *out, uint16_t tid, uint8_t unit,
    uint8_t fc, uint16_t address, uint16_t quantity);
size_t wire_write_register_request(uint8_t *out, uint16_t tid, uint8_t unit,
    uint16_t address, uint16_t value);

/* Field accessors on an answer ADU. */
uint16_t wire_tid(const uint8_t *adu);
uint8_t wire_unit(const uint8_t *adu);
uint8_t wire_fc(const uint8_t *adu);          /* with the 0x80 bit */
uint16_t wire_register(const uint8_t *adu, unsigned index); /* fc 3/4 */

#endif
