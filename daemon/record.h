/*
 * record.h: every audit record wardend writes of what happened, built
 * and written in one place, so that a caller says what happened and
 * never how a record is laid out. The fields of each event are the ones
 * wardend(8) lists under AUDIT LOG; a request's record is
 * request_record.h's. (The log's own records, audit_resumed and
 * checkpoint, are the writer's: audit.c.)
 *
 * A record that cannot be written is logged, within the abuse budget,
 * and wardend goes on. The callers that must not go on without theirs
 * learn it: a write is refused (no ticket, or a ticket whose record the
 * flush did not write), a release keeps TAKEOVER (-1).
 *
 * A request's record is queued, the others written at once after what
 * is queued (audit.h): one write() per loop iteration for the requests.
 *
 * Below the flows: it calls only the audit writer and the log.
 */
#ifndef WARDEN_RECORD_H
#define WARDEN_RECORD_H

#include <stdint.h>

#include "audit.h"
#include "guard.h"
#include "mbap.h"
#include "monitor.h"
#include "policy.h"

struct warden;
struct audit_head;
struct client_refusal;

/* Who sent a request, as its record names them. */
struct record_who {
	const char *client;     /* "ip:port" */
	const char *role;       /* its role's name */
	const char *identity;   /* its certificate's subject, or its
				 * address */
};

/*
 * gate.c: a decision on a request of who's (request_record.h), queued
 * with the others of this loop iteration (audit.h): its ticket, or 0
 * when it could not be (then nothing is sent). What it stands for must
 * wait until record_flush() has written it and record_written() says
 * so. reason: why the client's role may not do it, NULL otherwise.
 */
audit_ticket record_decision(struct warden *w, const struct record_who *who,
    const struct mbap_request *req, const struct policy_decision *d,
    const char *event, uint8_t exception, const char *reason);
/* Write the queued decisions, in one write(); a failure is logged
 * within the abuse budget. Every other record flushes them first. */
void record_flush(struct warden *w);
/* 1 when t's record is in the file. */
int record_written(const struct warden *w, audit_ticket t);
/* Every ticket flushed so far has been looked at. */
void record_settle(struct warden *w);

/* gate.c: a TLS client refused at its handshake (client.h). */
void record_client_refused(struct warden *w, const struct client_refusal *r);

/* An intrusion (ids.h), as intrusion.c reports it: count occurrences
 * of kind from a client (its address) or a device since since. */
struct record_intrusion {
	const char *kind;
	const char *client;     /* NULL for a device's */
	const char *device;     /* NULL for a client's */
	uint64_t count;
	double since;           /* the first of them */
	double window;
	int has_unit;           /* invalid_unit: the unit id */
	uint8_t unit;
	int has_fc;             /* unknown_function: the function code */
	uint8_t fc;
	const char *point;      /* write_burst: the point; NULL otherwise */
	int takeover;           /* its on_intrusion is takeover */
};
/* intrusion.c: written with the others of this loop iteration, not
 * synced on its own (a peer provokes it). */
void record_intrusion(struct warden *w, const struct record_intrusion *r);

/* takeover.c: takeover, or in monitor mode would_takeover; user is the
 * operator's, NULL for an automatic one; via "console" (or NULL) is
 * written as the record's "via", as for release and release_refused. */
void record_takeover(struct warden *w, int would, enum guard_cause cause,
    const char *reason, const char *user, const char *via);
/* A release, synced; -1 when it is not on disk (it must not happen). */
int record_release(struct warden *w, const char *user, uint32_t uid,
    const char *reason, const char *via);
void record_release_refused(struct warden *w, const char *user,
    uint32_t uid, const char *reason, const char *why, const char *via);

/* pair.c: wardenctl role moved node from role from to role to, synced
 * (it must be on disk before the role takes effect); -1 when it is
 * not. */
/* pair.c: this node became active; what it held of its peer's state
 * and whether that was proven (why not, when not). Synced: -1 when it
 * is not on disk. */
struct record_failover {
	const char *node, *peer;        /* peer: "" when never heard */
	int proven;
	const char *why;                /* not proven: why */
	uint64_t peer_seq;              /* 0: none */
	const char *peer_head;          /* the peer's chain head; "" none */
	const char *peer_state;         /* "auto", "takeover"; NULL none */
	const char *user;
	uint32_t uid;
};
int record_failover(struct warden *w, const struct record_failover *f);
int record_role_changed(struct warden *w, const char *node,
    const char *from, const char *to, const char *user, uint32_t uid);

/* ops.c: command_denied; right NULL when none names it, suppressed the
 * refusals not recorded since the last one. */
void record_denied(struct warden *w, const char *user, uint32_t uid,
    const char *command, const char *right, const char *why,
    unsigned suppressed);

/* What an alarm's record adds: the limit passed, and whether a bypass
 * kept its trip from taking over or a shelve hid it. */
struct record_alarm_note {
	int has_limit;
	double limit;
	int bypassed, shelved;
};

/* alarms.c: alarm, trip, device_down, or their clears, on source (a
 * device when is_device, else a point), note NULL or what it adds;
 * takeover.c: the clear of a trip a reload orphaned. Returns the event's
 * name. */
const char *record_condition(struct warden *w, const char *source,
    int is_device, const struct monitor_event *e,
    const struct record_alarm_note *note);

/*
 * alarms.c: an operator's act on the alarm list, or wardend's when a
 * hold's deadline comes (user NULL): alarm_acked, shelve_started,
 * shelve_ended, shelve_expired, bypass_started, bypass_ended,
 * bypass_expired, or a refusal (<command>_refused, why).
 */
struct record_act {
	const char *event;
	const char *user;       /* NULL: wardend itself */
	uint32_t uid;
	const char *via;        /* "console", or NULL */
	const char *source;
	int is_device;
	const char *reason;
	const char *why;        /* a refusal's */
	double seconds;         /* a hold's length; 0: none */
	double until;           /* a hold's deadline; 0: none */
	unsigned acked;         /* alarm_acked: how many */
};
/* Written, synced when sync; -1 when it is not in the file. */
int record_act(struct warden *w, const struct record_act *a, int sync);
/* ops.c: console_login or console_login_failed (why in reason), of user
 * as warden-console (uid) tells it. */
void record_console_login(struct warden *w, const char *user, uint32_t uid,
    int ok, const char *reason);

/* safestate.c, of point (an index into cfg->points): safe_state_verified
 * or safe_state_failed (why), with value; */
void record_safe_state(struct warden *w, const char *event, unsigned point,
    double value, const char *why);
/* safe_state_drift: found where the safe value should be; */
void record_safe_drift(struct warden *w, unsigned point, double found,
    double safe_value, int hold);
/* safe_state_verified at the end of a drift episode. */
void record_safe_settled(struct warden *w, unsigned point, double safe_value,
    unsigned drifts, unsigned redrives);

/* ramp.c: what a ramp record says (wardend(8) AUDIT LOG). */
struct record_ramp {
	unsigned point;                 /* into cfg->points */
	double target;                  /* the value the AI asked for */
	unsigned steps;                 /* written so far (a step: its
					 * number, from 1) */
	int has_at;
	double at;                      /* a step: its value; an end: the
					 * last step the device confirmed */
	const char *limit;              /* a step: what bound it; NULL: it
					 * is the target */
	double limit_value;
	const char *cause;              /* ramp_stopped: why */
	uint8_t exception;              /* the device's, when it refused */
	int has_by;
	double by;                      /* ramp_replaced: the AI's new value */
};
/* A step (ramp_step), queued like a decision: its ticket, or 0 when it
 * could not be (then the step is not sent). */
audit_ticket record_ramp_step(struct warden *w, const struct record_ramp *r);
/* ramp_done, ramp_replaced or ramp_stopped, written at once. */
void record_ramp_end(struct warden *w, const char *event,
    const struct record_ramp *r);

/* reload.c: config_loaded or config_rejected (synced); user asked. */
void record_reload(struct warden *w, const char *event, const char *user,
    const char *reason);

/* wardend.c: start, config_loaded, stop, with the config and mode
 * (synced). */
void record_daemon(struct warden *w, const char *event);
/* A takeover the state file missed, restored (synced). */
void record_state_restored(struct warden *w, enum guard_cause cause,
    const char *reason);
/* audit_daemon.c: the log was cut: what head_file expected, what the log
 * holds (synced). */
void record_audit_cut(struct warden *w, const char *head_file,
    const struct audit_head *head, const char *reason);

#endif
