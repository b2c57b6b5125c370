/*
 * rtubus.h: one Modbus RTU serial line on the loop, shared by the
 * devices that name its port (config_serial). A master on RTU asks one
 * unit at a time: the bus carries one request at a time, whoever sent
 * it, and the rest wait their turn in the order they came.
 *
 * Non-blocking termios I/O on wardend's own loop (an ev_io on the tty,
 * one ev_timer for every deadline): no thread, no lock. Each
 * transaction:
 * - waits until the line has been silent 3.5 character times (t3.5;
 *   1.75 ms above 19200 baud) since the last byte either way;
 * - writes unit + PDU + CRC (rtu.h) and waits the frame's time on the
 *   wire plus the device's timeout for the first byte of the answer;
 * - frames the answer against what was asked (rtu_frame_answer): by
 *   its length when the function implies one, or else by a pause of
 *   the inter-character timeout (t1.5, and no less than
 *   RTUBUS_GAP_MIN: a tty and the scheduler under it cannot be timed
 *   finer; a pause that long inside a frame of known length breaks it
 *   too);
 * - on a timeout, a CRC error, a frame that does not fit, or bytes
 *   after the answer, the request's link hears it (the gateway answers
 *   0x0B) and the bus recovers: the input is flushed and the next
 *   request waits for t3.5 of silence (at most RECOVER_MAX), so that
 *   the rest of a broken answer cannot be taken for the next one.
 * Bytes that come while nothing is asked are noise: dropped, counted
 * to the device asked last, and they restart the silence.
 *
 * A link is one requester (a device connection): it joins the bus
 * (opening the port if needed), sends one request at a time, and
 * leaves. The port lost (a read or write error, the other end hung up)
 * takes every link down; each joins again, which reopens it.
 */
#ifndef WARDEN_RTUBUS_H
#define WARDEN_RTUBUS_H

#include <stddef.h>
#include <stdint.h>
#include <ev.h>

#include "config.h"
#include "errmsg.h"
#include "log.h"
#include "mbap.h"
#include "rtu.h"

#define RTUBUS_GAP_MIN 0.02

struct rtubus;

/* What a link hears, each with its ctx; all from the loop. */
struct rtubus_events {
	/* Joined: the port is open, requests may be sent. */
	void (*up)(void *ctx);
	/* The port was lost: the link has left the bus, and what it had
	 * sent will never be answered. */
	void (*down)(void *ctx, const char *reason);
	/* The answer to the link's request: the RTU frame (CRC checked,
	 * from the unit and of the function asked), or frame NULL and why
	 * there is none. */
	void (*answer)(void *ctx, const uint8_t *frame, size_t len,
	    const char *why);
};

/* What went wrong on the line, per link (its device). */
struct rtubus_stats {
	uint64_t timeouts;              /* no answer in time */
	uint64_t crc_errors;            /* an answer whose CRC was wrong */
	uint64_t bad_frames;            /* from another unit, of another
					 * function or length, cut short */
	uint64_t noise;                 /* bytes nobody asked for */
};

/* A requester on the bus; its owner embeds it, rtubus_link_init() it. */
struct rtubus_link {
	struct rtubus *bus;             /* NULL: not on a bus */
	const struct rtubus_events *events;
	void *ctx;
	int joined;                     /* up() was heard */
	int queued;                     /* a request waits its turn */
	struct rtubus_link *next;       /* in the bus's queue */
	struct rtubus_link *member_next;/* among the links joined */
	uint8_t frame[RTU_MAX_ADU_LEN];
	size_t len;
	struct mbap_expect expect;
	ev_tstamp timeout;
	struct rtubus_stats stats;
};

/* A bus for line (kept by reference: it must outlive the bus), the
 * port not opened yet; NULL when out of memory. */
struct rtubus *rtubus_new(struct ev_loop *loop, const struct config_serial *line);
/* Every link must have left. */
void rtubus_free(struct rtubus *bus);
/* The config changed but the line did not. */
void rtubus_set_line(struct rtubus *bus, const struct config_serial *line);
const struct config_serial *rtubus_line(const struct rtubus *bus);

void rtubus_link_init(struct rtubus_link *link,
    const struct rtubus_events *events, void *ctx);
/*
 * Join bus: 0, and up() is heard from the loop; -1 with err when the
 * port cannot be opened (the link stays off the bus).
 */
int rtubus_join(struct rtubus *bus, struct rtubus_link *link,
    char err[ERR_LEN]);
/* Leave the bus (nothing more is heard). A request of it already on
 * the line is still waited for, and its answer dropped, so that the
 * line stays in step. */
void rtubus_leave(struct rtubus_link *link);
/*
 * Queue the link's one request: pdu (function code onwards) to unit,
 * answered as exp says, within timeout seconds of leaving the wire.
 * Never written from inside this call. -1 when the link is not up, or
 * has a request already, or the PDU does not fit a frame.
 */
int rtubus_send(struct rtubus_link *link, uint8_t unit, const uint8_t *pdu,
    size_t pdu_len, const struct mbap_expect *exp, ev_tstamp timeout);

#endif
