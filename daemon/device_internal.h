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
#include "rtubus.h"
#include "stream.h"

enum devconn_state {
	DEVCONN_CLOSED,                 /* its pool is not open */
	DEVCONN_BACKOFF,                /* waiting to (re)connect */
	DEVCONN_CONNECTING,
	DEVCONN_UP,
};

struct devpool;
struct devconn;

/*
 * How a connection's frames reach its device: over a TCP stream
 * (devconn.c) or over the device's serial bus (devconn_rtu.c). Above
 * this seam a connection is the same either way: slots, holds, the
 * state, the reset and its backoff.
 */
struct devconn_link {
	/* Start: devconn_up() or devconn_reset() follows, from the loop. */
	void (*connect)(struct devconn *dc);
	/* slot (device tid and unit set) on its way; -1 when it cannot
	 * be buffered (nothing was done). */
	int (*write)(struct devconn *dc, const struct inflight *slot);
	/* Let go of the transport; from devconn_shut(). */
	void (*close)(struct devconn *dc, const char *reason);
	/* 1: the answer deadline is the connection's (TCP); 0: the
	 * transport times each request once it is on the line (a bus
	 * where it may wait behind other devices' requests). */
	int timed;
};
extern const struct devconn_link devconn_tcp, devconn_rtu;

struct devconn {
	struct devpool *pool;
	unsigned index;
	const struct devconn_link *link;
	struct stream *s;               /* TCP; NULL: closed, or in backoff */
	struct rtubus_link rtu;         /* serial: its place on the bus */
	enum devconn_state state;
	ev_timer timer;                 /* connect, backoff or answer timeout */
	struct inflight *slots;         /* sent: pool->pipeline of them */
	unsigned n_slots;
	/* Not sent yet: the first waits for its record to be written
	 * (inflight.hold), the rest behind it, in order (device_release()).
	 * n_slots + n_held <= pipeline. */
	struct inflight *held;
	unsigned n_held;
	uint16_t next_tid;
	uint16_t last_tid;              /* of the last answer matched, */
	int has_last;                   /* on this connection */
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
	unsigned q_held;                /* of them, with a hold */
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
	struct rtubus *bus;             /* serial: shared; NULL: TCP */
	struct devpool ai;              /* the AI's requests */
	struct devpool poll;            /* wardend's own */
	uint64_t stray_answers;         /* answers that matched nothing */
	struct log_budget stray_log;
};

struct devices {
	int read_only;                  /* standby: no write submitted */
	struct streams *ss;
	struct ev_loop *loop;
	const struct config *cfg;
	struct counters *counters;
	struct device *dev;             /* cfg->n_devices of them */
	unsigned n;
	device_stray_fn *on_stray;      /* devices_on_stray() */
	void *stray_ctx;
	struct rtubus **buses;          /* one per serial port */
	unsigned n_buses;
};

/* devconn.c */
/* A connection of pool, closed; devconn_connect() starts it. */
void devconn_init(struct devconn *dc, struct devpool *pool, unsigned index);
/* Connect now, the backoff from its first step should that fail. */
void devconn_start(struct devconn *dc);
/* Send req on dc, up with a free slot (held when req has a hold, or
 * dc holds frames already): -1 when it cannot be buffered (nothing was
 * done). */
int devconn_send(struct devconn *dc, const struct inflight *req);
/* The frames dc holds let go, in order (device_release()). */
void devconn_release(struct devconn *dc, device_release_fn *may_send,
    void *ctx);

/* The transport's news (devconn_rtu.c): up; taken down for reason
 * (what was on it ends, it reconnects after the backoff); an answer
 * (MBAP, its tid the slot's); the request sent got no usable answer. */
void devconn_up(struct devconn *dc);
void devconn_reset(struct devconn *dc, const char *reason);
void devconn_take_answer(struct devconn *dc, const uint8_t *adu, size_t len);
void devconn_no_answer(struct devconn *dc, uint8_t exception);

/* What a connection taken down had on it. */
struct devconn_lost {
	struct inflight r[CONFIG_PIPELINE_MAX];
	unsigned n_sent;                /* r[0..n_sent): sent, unanswered */
	unsigned n;                     /* r[n_sent..n): held, never sent */
};
/*
 * Take dc down into state next: its timer stopped, its stream closed,
 * what was on it moved to lost. Returns whether it was up.
 */
int devconn_shut(struct devconn *dc, enum devconn_state next,
    const char *reason, struct devconn_lost *lost);
/* End what was lost: the sent with exception, the held (which never
 * left) with 0x0A, as a request that found no connection. */
void devconn_fail_lost(const struct devconn_lost *lost, uint8_t exception);

/* device.c */
/* Every request handed to a device ends here, exactly once. */
void inflight_end(const struct inflight *q, const uint8_t *answer,
    size_t len, uint8_t exception);
void devpool_fail_queue(struct devpool *pool, uint8_t exception);
/* From the loop (a connection up, an answer in): what waits is sent. */
void devpool_dispatch(struct devpool *pool);

#endif
