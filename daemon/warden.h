/*
 * warden.h: the running gateway. One context struct owned by main(), the
 * flows' structs with their libev watchers embedded, and the prototypes
 * of the I/O modules grouped by the file that owns them. The endpoints'
 * are in their own headers (client.h, device.h, listener.h, control.h,
 * metrics_http.h), their structs opaque.
 */
#ifndef WARDEN_WARDEN_H
#define WARDEN_WARDEN_H

#include <stdint.h>
#include <ev.h>

#include "audit.h"
#include "buf.h"
#include "client.h"
#include "config.h"
#include "device.h"
#include "durable.h"
#include "flow.h"
#include "guard.h"
#include "listener.h"
#include "log.h"
#include "mbap.h"
#include "metrics.h"
#include "monitor.h"
#include "net.h"
#include "policy.h"
#include "safehold.h"
#include "sdnotify.h"

struct warden;
struct control;
struct baseline_wait;
struct metrics_http;
struct acceptor;
struct streams;

/* One read the poller makes each round. */
struct poll_range {
	struct poller *pl;
	unsigned device;
	enum point_table table;
	uint16_t address;
	uint16_t count;
	unsigned first, n_points;       /* its points: order[first..+n) */
	int outstanding;                /* last round's read not answered */
	int failing;                    /* its last read was not answered
					 * with values: the device counts as
					 * not answering */
};

struct poll_device {
	struct poller *pl;
	unsigned device;
	unsigned n_ranges;
	unsigned n_failing;             /* its ranges with failing set */
	ev_timer tick;                  /* poll_interval */
	ev_timer life;                  /* life_bit interval */
	uint16_t life_value;
	struct monitor_device mon;
};

struct poller {
	struct warden *w;
	struct poll_range *ranges;      /* room for one per polled point */
	size_t n_ranges;
	unsigned *order;                /* polled points by device, table,
					 * address */
	struct poll_device *devices;    /* cfg->n_devices */
	struct monitor_point *points;   /* cfg->n_points */
	double *values;                 /* last polled, engineering */
	uint8_t *polled;                /* values[i] holds a poll */
};

enum safe_status { SAFE_PENDING, SAFE_WRITING, SAFE_READING, SAFE_VERIFIED };

/* One safe_state entry being driven, then held. */
struct safe_entry {
	struct safestate *ss;
	unsigned index;                 /* into cfg->takeover.safe_state */
	enum safe_status status;        /* of the last write */
	ev_tstamp next_try;
	int failure_reported;
	ev_timer watch;                 /* poll_interval: read it again */
	int watching;                   /* that read in flight */
	int has_read;
	double last_read;               /* engineering, the last read */
	struct safehold hold;
};

struct safestate {
	struct warden *w;
	int active;                     /* in TAKEOVER: driving or holding */
	struct safe_entry *entries;
	size_t n;
};

struct warden {
	struct ev_loop *loop;
	struct config *cfg;
	const char *config_path;
	struct streams *streams;        /* every connection, and the loop's
					 * safe point */
	struct acceptor *listener;      /* the AI's; NULL: not listening */
	struct client *clients;         /* the open ones, client.c's list */
	unsigned n_clients;
	struct client_events client_events;     /* the clients' news, to
						 * the gate */
	struct devices *devices;
	ev_signal sig_term, sig_int, sig_hup;
	struct counters counters;
	struct log_budget abuse_log;    /* what hostile peers can provoke */
	struct audit *audit;
	struct audit_key *sign_key;     /* audit_sign, read before -u */
	struct audit_syslog *audit_syslog;
	struct policy_memory *memory;   /* cfg->n_points of them */
	unsigned policy_gen;            /* raised at every reload */
	struct policy_decision *decision;       /* scratch, one request */
	struct baseline_wait *baseline_waits;   /* writes waiting for a read */
	struct guard guard;
	struct flow_events events;      /* gate's and poller's news, to
					 * takeover.c */
	struct poller poller;
	struct safestate safestate;
	ev_timer tick;                  /* guard, audit fsync, safe state */
	struct control *control;        /* the operators' socket */
	struct durable durable;         /* audit and state syncs, off the
					 * loop */
	ev_timer durable_wait;          /* a takeover's, at most this long */
	struct metrics metrics;
	struct metrics_http *metrics_http;      /* NULL: no metrics_listen */
	struct sdnotify notify;
};

/* gate.c: the judgement on each AI request */
void gate_request(struct client *c, const uint8_t *adu, size_t len,
    const struct mbap_request *req, unsigned device);
/*
 * Judge a request (again): read is GATE_NOT_READ the first time, when a
 * write that needs a baseline may wait for a read of it; after that read,
 * the exception a write still lacking one gets (the read's failure, or
 * 0x03 when the read was answered with no usable value).
 */
#define GATE_NOT_READ 0
void gate_judge(struct client *c, const uint8_t *adu, size_t len,
    const struct mbap_request *req, unsigned device, uint8_t read);

/*
 * baseline.c: read before judging. A write whose point has no last known
 * value waits for a read of the addresses it writes on the device's poll
 * connection; gate_judge() then decides it. 0 when it waits (it counts in
 * the client's inflight), or the exception to refuse it with now.
 */
int baseline_read(struct client *c, const uint8_t *adu, size_t len,
    const struct mbap_request *req, unsigned device);
/* The client is going away: its waiting writes are answered to nobody. */
void baseline_forget(struct warden *w, const struct client *c);
/* The reads were lost with their connections: answer each waiting write
 * with exception (0: answer nobody, wardend is stopping) and free it. */
void baseline_drop_all(struct warden *w, uint8_t exception);

/*
 * takeover.c: the only file that asks the guard and carries out what it
 * decides. The flows' news comes in through w->events, registered by
 * takeover_init() (before the loop runs).
 */
void takeover_init(struct warden *w);
/* An operator's takeover: 0 under way (the operator is answered once it
 * is durable, control_takeover_durable()), 1 refused with why. */
int takeover_by_operator(struct warden *w, const char *user,
    const char *reason, char *why, size_t whylen);
/* 0 released, 1 refused with why. */
int takeover_release(struct warden *w, const char *user, uint32_t uid,
    const char *reason, char *why, size_t whylen);
/* The guard's clock (ai_silence), every tick. */
void takeover_tick(struct warden *w);
/* The worker made the takeover durable (err NULL) or could not. */
void takeover_durable(struct warden *w, const char *err);

/* reload.c: 0 swapped in, 1 kept the running config (why says why) */
int reload_config(struct warden *w, const char *user, char *why,
    size_t whylen);

/* poller.c */
int poller_start(struct warden *w);
void poller_stop(struct warden *w);
void poller_event(struct warden *w, const char *source, int is_device,
    const struct monitor_event *e);
/* For status: the active alarms and trips of point i into out (room for
 * MONITOR_POINT_KINDS), how many; 1 with out filled when device i is
 * lost; 1 with *value when point i holds a polled value. While the
 * poller is not running, nothing is active and nothing polled. */
size_t poller_point_active(const struct warden *w, size_t i,
    struct monitor_active *out);
int poller_device_loss(const struct warden *w, size_t i,
    struct monitor_active *out);
int poller_value(const struct warden *w, size_t i, double *value);

/* safestate.c: on entry into TAKEOVER, write, read back, verify, retry;
 * then hold: read again every poll_interval, write again on a drift */
int safestate_init(struct warden *w);
void safestate_free(struct warden *w);
void safestate_start(struct warden *w);
void safestate_stop(struct warden *w);
void safestate_tick(struct warden *w);
/* The word status shows for entry i (safehold_status). */
const char *safestate_status(const struct warden *w, size_t i);
/* For status: driving or holding (in TAKEOVER, once it is on disk); how
 * many entries; 1 with *value once entry i has been read. */
int safestate_active(const struct warden *w);
size_t safestate_count(const struct warden *w);
int safestate_last_read(const struct warden *w, size_t i, double *value);
/* Across a reload: take the running entries out before the new config
 * is swapped in, and carry them over after, by point (safestate.c). */
void safestate_detach(struct warden *w, struct safestate *out);
void safestate_resume(struct warden *w, struct safestate *old,
    const struct config *old_cfg);

/* audit_daemon.c: the audit log at start and stop */
/* Open w->audit (fatal when it cannot be), compare it with audit.head
 * (an audit_cut record when its tail was cut or it was replaced), write
 * the start checkpoint; 1 when it was cut. */
int audit_daemon_open(struct warden *w);
/* state_dir/audit.head := the chain head now (on the loop: start). */
void audit_daemon_head_save(struct warden *w);
/* Stop checkpoint, head saved, log closed, key and socket freed. */
void audit_daemon_close(struct warden *w);

#endif
