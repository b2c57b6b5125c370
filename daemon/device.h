/*
 * device.h: the connections to the devices (device.c), the endpoint the
 * flows hand requests to. Each device has two pools of connections: the
 * AI's (`connections` of them, `pipeline` requests in flight on each)
 * and wardend's own (one connection, one request at a time: polls, reads
 * before judging, safe state, life bit), opened only when the device
 * needs it (config_device_needs_poll). A pool has one bounded queue in
 * front of its connections. Connections are made and reset here
 * (timeout, backoff from 100 ms doubling up to 5 s); the bytes go
 * through a stream each (stream.h).
 *
 * Everything below is reached through a struct devices, opaque: no
 * other file reads a device's fields.
 */
#ifndef WARDEN_DEVICE_H
#define WARDEN_DEVICE_H

#include <stdint.h>
#include <ev.h>

#include "config.h"
#include "mbap.h"
#include "metrics.h"
#include "net.h"

struct devices;
struct streams;
struct inflight;

/*
 * Called once per request handed to a device: with the device's answer
 * (its transaction id still the device's), or with answer NULL and the
 * exception the gateway gives in its place (0x0A no path, 0x0B no answer,
 * 0x06 busy).
 */
typedef void (*device_done_fn)(void *ctx, const struct inflight *req,
    const uint8_t *answer, size_t len, uint8_t exception);

/*
 * A request on its way to a device, from whoever asked, queued or in
 * flight. It keeps the request as forwarded so that whoever forwarded it
 * can learn from the answer what the device now holds.
 */
struct inflight {
	device_done_fn done;            /* NULL: requester gone, drop answer */
	void *ctx;
	/* Called like done, and just before it, whether or not the
	 * requester is still there: how a forwarded write ended. */
	device_done_fn settle;          /* NULL: nothing to settle */
	void *settle_ctx;
	unsigned policy_gen;            /* warden.policy_gen when forwarded */
	/* Nonzero: not to reach the device before device_release() lets
	 * it (the flows put their audit record's ticket here). */
	uint64_t hold;
	uint16_t origin_tid;            /* the requester's transaction id */
	uint8_t origin_unit;            /* the unit id the requester used */
	uint16_t device_tid;            /* ours, on the device connection */
	unsigned device;                /* index into cfg->devices */
	ev_tstamp sent_at;
	ev_tstamp received_at;           /* the AI's request, for latency */
	struct mbap_expect expect;
	uint16_t len;
	uint8_t adu[MBAP_MAX_ADU_LEN];  /* as forwarded, before tid/unit */
};

/* Which of a device's pools. */
enum device_pool { DEVICE_AI, DEVICE_POLL };

/* Every device's address (malloc'd, cfg->n_devices of them), or NULL
 * with err naming the device that cannot be resolved. */
struct net_addr *device_resolve_all(const struct config *cfg,
    char err[ERR_LEN]);
/*
 * Start connecting to every device of cfg (addrs from
 * device_resolve_all), counting resets and timeouts in counters. NULL
 * with err when out of memory. A NULL set is accepted by
 * every function below as devices that are all down.
 */
struct devices *devices_start(struct streams *ss, const struct config *cfg,
    const struct net_addr *addrs, struct counters *counters,
    char err[ERR_LEN]);
/* Every request ends first (those sent 0x0B: the device may have acted
 * on them; those queued 0x0A), then everything is freed. */
void devices_stop(struct devices *ds);
/* A reload that keeps the devices: the new config in force, each
 * device's poll pool opened or closed as cfg now needs it. */
void devices_set_config(struct devices *ds, const struct config *cfg);
void devices_poll_update(struct devices *ds);

/*
 * Hand a request to one of a device's pools. Returns 0 when it was sent
 * or queued: its settle, then its done, will be called exactly once, and
 * never before device_submit() has returned. Otherwise it returns the
 * exception to answer at once, and neither is ever called: 0x0A when no
 * connection is up, 0x06 when the queue is full or the request cannot
 * be buffered (out of memory).
 */
int device_submit(struct devices *ds, unsigned device, enum device_pool pool,
    const struct inflight *req);
/*
 * A standby node of a pair (pair.h): while on, device_submit() answers
 * 0x0A to every write (fc 5, 6, 15, 16, 22, 23), whoever asks (AI,
 * safe state, life bit); reads go on. The one place that keeps a
 * standby off the devices' write path.
 */
void devices_read_only(struct devices *ds, int on);
int devices_are_read_only(const struct devices *ds);
/* What an AI request would get now: 0 (a connection up, room in the
 * queue), 0x0A or 0x06, as device_submit() would answer. */
uint8_t device_ready(const struct devices *ds, unsigned device);
/* A connection to the device is up (the AI's or the poll's); one of
 * the given pool is. */
int device_up(const struct devices *ds, unsigned device);
int device_pool_up(const struct devices *ds, unsigned device,
    enum device_pool pool);
/* fn(ctx) each time one of the pool's connections comes up, after what
 * was queued has been sent; fn NULL: nobody wants to know. */
void device_on_up(struct devices *ds, unsigned device, enum device_pool pool,
    void (*fn)(void *ctx), void *ctx);
/* A serial device's line errors, its connections' summed (all 0 for a
 * device on TCP). */
struct rtubus_stats;
void device_serial_stats(const struct devices *ds, unsigned device,
    struct rtubus_stats *st);
/* The answers that matched nothing in flight. */
uint64_t device_stray_answers(const struct devices *ds, unsigned device);
/*
 * Each of them told to fn(ctx, device, unsolicited) as well (the
 * intrusion detector's, flows): unsolicited 1 when nothing was in flight
 * on its connection, 0 when something was (a transaction id matching
 * none of it, or the one answered last: a second answer). fn NULL: no
 * one is told. ds NULL does nothing.
 */
typedef void device_stray_fn(void *ctx, unsigned device, int unsolicited);
void devices_on_stray(struct devices *ds, device_stray_fn *fn, void *ctx);
/* AI writes sent to the device and not yet answered. */
unsigned device_ai_writes_in_flight(const struct devices *ds,
    unsigned device);
/* Answer every AI write still queued for the device with exception. */
void device_drop_queued_ai_writes(struct devices *ds, unsigned device,
    uint8_t exception);
/* Forget a requester that is going away: its answers are dropped. */
void device_forget(struct devices *ds, const void *ctx);

/*
 * A request with a hold is taken as any other (a slot, or the queue),
 * but nothing of it leaves until device_release(): it waits on its
 * connection, and every request given that connection after it waits
 * behind it, so that the device sees them in the order they came.
 * device_release() asks may_send(ctx, hold) of each hold there is:
 * 1, and it goes (those behind it with it); 0, and it is withdrawn: it
 * ends with 0x04 (settle, then done) and nothing of it reaches the
 * device. Every hold is answered in the one call, so that none is left.
 */
typedef int device_release_fn(void *ctx, uint64_t hold);
void device_release(struct devices *ds, device_release_fn *may_send,
    void *ctx);

#endif
