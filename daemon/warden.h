/*
 * warden.h: the running gateway. One context struct owned by main(): the
 * loop, the config in force, the callbacks each layer registered for the
 * one below it, and a handle on each module, opaque outside the module's
 * own file (gate.h, poller.h, safestate.h, takeover.h, durable.h: each
 * module's functions are in its header). Then the connection structs
 * with their libev watchers embedded, and the prototypes of the I/O
 * modules grouped by the file that owns them.
 */
#ifndef WARDEN_WARDEN_H
#define WARDEN_WARDEN_H

#include <stdint.h>
#include <ev.h>

#include "audit.h"
#include "buf.h"
#include "config.h"
#include "flow.h"
#include "guard.h"
#include "log.h"
#include "mbap.h"
#include "metrics.h"
#include "monitor.h"
#include "net.h"
#include "ops.h"
#include "policy.h"

struct warden;
struct inflight;
struct control;
struct metrics_http;
struct durable;
struct takeover;
struct gate;
struct poller;
struct safestate;

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
	uint16_t origin_tid;            /* the requester's transaction id */
	uint8_t origin_unit;            /* the unit id the requester used */
	uint16_t device_tid;            /* ours, on the device connection */
	unsigned device;                /* index into warden.devices */
	ev_tstamp sent_at;
	ev_tstamp received_at;           /* the AI's request, for latency */
	struct mbap_expect expect;
	uint16_t len;
	uint8_t adu[MBAP_MAX_ADU_LEN];  /* as forwarded, before tid/unit */
};

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
	int fd;
	enum devconn_state state;
	ev_io rio, wio;
	ev_timer timer;                 /* connect, backoff or answer timeout */
	struct buf in, out;
	struct inflight *slots;         /* pool->pipeline of them */
	unsigned n_slots;
	uint16_t next_tid;
	ev_tstamp backoff;
	int flush_queued;
	struct devconn *next_flush;
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
	/* Called each time one of its connections comes up, after what was
	 * queued has been sent (NULL: nobody wants to know). */
	void (*on_up)(void *ctx);
	void *up_ctx;
};

struct device {
	struct warden *w;
	const struct config_device *cfg;
	unsigned index;
	struct net_addr addr;
	struct devpool ai;              /* the AI's requests */
	struct devpool poll;            /* wardend's own: polls, reads
					 * before judging, safe state, life
					 * bit; open only when
					 * config_device_needs_poll() */
	uint64_t stray_answers;         /* answers that matched nothing */
	struct log_budget stray_log;
};

struct client {
	struct warden *w;
	int fd;
	char name[NET_ADDRSTR_LEN];
	ev_io rio, wio;
	ev_timer timer;                 /* idle and unfinished-frame limits */
	ev_tstamp last_active;
	ev_tstamp partial_since;        /* 0: no unfinished frame */
	struct buf in, out;
	unsigned inflight;
	int closing;
	int flush_queued;
	int resume_queued;
	struct client *prev, *next;     /* all open clients */
	struct client *next_flush, *next_resume, *next_free;
};

struct warden {
	struct ev_loop *loop;
	struct config *cfg;
	const char *config_path;
	int listen_fd;
	ev_io accept_io;
	ev_timer accept_retry;          /* re-arm after EMFILE */
	struct client *clients;
	unsigned n_clients;
	struct device *devices;
	unsigned n_devices;
	struct client *flush_clients, *resume_clients, *free_clients;
	struct devconn *flush_conns;
	ev_prepare prepare;
	ev_signal sig_term, sig_int, sig_hup;
	struct counters counters;
	struct log_budget abuse_log;    /* what hostile peers can provoke */
	struct audit *audit;
	struct audit_key *sign_key;     /* audit_sign, read before -u */
	struct audit_syslog *audit_syslog;
	struct policy_memory *memory;   /* cfg->n_points of them */
	unsigned policy_gen;            /* raised at every reload */
	/* Callbacks up, each registered by the layer above before the loop
	 * runs (flow.h, ops.h): */
	struct flow_ai ai;              /* the AI's requests, to the gate */
	struct flow_events events;      /* the flows' news, to takeover.c */
	struct ops_handlers ops;        /* operators' commands, to ops.c */
	/* The modules, set by wardend.c: */
	struct takeover *takeover;      /* the guard, and what it decides */
	struct gate *gate;              /* the judgement on AI requests */
	struct poller *poller;          /* wardend's own reads */
	struct safestate *safestate;
	struct durable *durable;        /* audit and state syncs, off the
					 * loop */
	ev_timer tick;                  /* wardend.c's: guard, audit fsync,
					 * safe state */
	struct control *control;        /* the operators' socket */
	struct metrics metrics;
	struct metrics_http *metrics_http;      /* NULL: no metrics_listen */
};

/* listener.c */
int listener_open(struct warden *w, char *err);
void listener_close(struct warden *w);

/* client.c */
void client_accept(struct warden *w, int fd, const struct net_addr *peer);
void client_close(struct client *c, const char *reason);
void client_flush(struct client *c);
void client_resume(struct client *c);
void client_free(struct client *c);
void client_send_exception(struct client *c, uint16_t tid, uint8_t unit,
    uint8_t fc, uint8_t code);
void client_answer_cb(void *ctx, const struct inflight *req,
    const uint8_t *answer, size_t len, uint8_t exception);

/* device.c */
/* Every device's address (malloc'd, cfg->n_devices of them), or NULL
 * with err naming the device that cannot be resolved. */
struct net_addr *device_resolve_all(const struct config *cfg, char *err);
int device_start_all(struct warden *w, const struct net_addr *addrs,
    char *err);
void device_stop_all(struct warden *w);
/* Open or close each device's poll pool as w->cfg now needs it (reload). */
void device_poll_update(struct warden *w);
/*
 * Hand a request to a device. Returns 0 when it was sent or queued (its
 * settle, then its done, will be called exactly once), or the exception
 * to answer at once: 0x0A when no connection is up, 0x06 when the queue
 * is full.
 */
int devpool_submit(struct devpool *pool, const struct inflight *req);
/* For status: a connection to the device is up (the AI's or the poll's);
 * the answers that matched nothing in flight. */
int device_up(const struct device *dev);
uint64_t device_stray_answers(const struct device *dev);
/* AI writes sent to the device and not yet answered. */
unsigned device_ai_writes_in_flight(const struct device *dev);
/* Answer every AI write still queued for the device with exception. */
void device_drop_queued_ai_writes(struct device *dev, uint8_t exception);
/* Forget a requester that is going away: its answers are dropped. */
void device_forget(struct warden *w, void *ctx);
void devconn_flush(struct devconn *dc);

/* audit_daemon.c: the audit log at start and stop */
/* Open w->audit (fatal when it cannot be), compare it with audit.head
 * (an audit_cut record when its tail was cut or it was replaced), write
 * the start checkpoint; 1 when it was cut. */
int audit_daemon_open(struct warden *w);
/* state_dir/audit.head := the chain head now (on the loop: start). */
void audit_daemon_head_save(struct warden *w);
/* Stop checkpoint, head saved, log closed, key and socket freed. */
void audit_daemon_close(struct warden *w);

/* loop.c: deferred work run before the loop sleeps */
void loop_queue_client_flush(struct client *c);
void loop_queue_client_resume(struct client *c);
void loop_queue_client_free(struct client *c);
void loop_queue_devconn_flush(struct devconn *dc);
void loop_prepare_cb(struct ev_loop *loop, ev_prepare *w, int revents);

#endif
