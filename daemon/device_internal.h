/*
 * device_internal.h: what device.c (the pools, their queues, device.h's
 * functions) and devconn.c (one connection: connecting, sending,
 * matching answers, deadlines, resets) share. The rest of the daemon
 * uses device.h only.
 */
#ifndef WARDEN_DEVICE_INTERNAL_H
#define WARDEN_DEVICE_INTERNAL_H

#include "device.h"
#include "log.h"
#include "stream.h"

enum devconn_state {
	DEVCONN_CLOSED,                 /* its pool is not open */
	DEVCONN_BACKOFF,                /* waiting to (re)connect */
	DEVCONN_CONNECTING,
	DEVCONN_UP,
};

struct devpool;

struct devconn {
	struct devpool *pool;
	unsigned index;
	struct stream *s;               /* NULL: closed, or in backoff */
	enum devconn_state state;
	ev_timer timer;                 /* connect, backoff or answer timeout */
	struct inflight *slots;         /* pool->pipeline of them */
	unsigned n_slots;
	uint16_t next_tid;
	ev_tstamp backoff;
};

/* A set of connections to one device, sharing one queue. */
struct devpool {
	struct device *dev;
	const char *role;               /* "ai" or "poll", for logs */
	struct devconn *conns;
	unsigned n_conns;
	unsigned pipeline;
	struct inflight *queue;         /* ring */
	unsigned q_head, q_len, q_cap;
	unsigned n_up;
	int open;                       /* connections kept up */
	void (*on_up)(void *ctx);       /* device_on_up() */
	void *up_ctx;
};

struct device {
	struct devices *ds;
	const struct config_device *cfg;
	unsigned index;
	struct net_addr addr;
	struct devpool ai;              /* the AI's requests */
	struct devpool poll;            /* wardend's own */
	uint64_t stray_answers;         /* answers that matched nothing */
	struct log_budget stray_log;
};

struct devices {
	struct streams *ss;
	struct ev_loop *loop;
	const struct config *cfg;
	struct counters *counters;
	struct device *dev;             /* cfg->n_devices of them */
	unsigned n;
};

/* devconn.c */
/* A connection of pool, closed; devconn_connect() starts it. */
void devconn_init(struct devconn *dc, struct devpool *pool, unsigned index);
/* Connect now, the backoff from its first step should that fail. */
void devconn_start(struct devconn *dc);
/* Send req on dc, up with a free slot: -1 when it cannot be buffered
 * (nothing was done). */
int devconn_send(struct devconn *dc, const struct inflight *req);
/*
 * Take dc down into state next: its timer stopped, its stream closed,
 * what was in flight on it moved to lost (CONFIG_PIPELINE_MAX of them).
 * Returns whether it was up.
 */
int devconn_shut(struct devconn *dc, enum devconn_state next,
    const char *reason, struct inflight *lost, unsigned *n_lost);
void devconn_fail_lost(const struct inflight *lost, unsigned n,
    uint8_t exception);

/* device.c */
/* Every request handed to a device ends here, exactly once. */
void inflight_end(const struct inflight *q, const uint8_t *answer,
    size_t len, uint8_t exception);
void devpool_fail_queue(struct devpool *pool, uint8_t exception);
/* From the loop (a connection up, an answer in): what waits is sent. */
void devpool_dispatch(struct devpool *pool);

#endif
