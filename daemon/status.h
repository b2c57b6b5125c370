/*
 * status.h: one snapshot of the running gateway, what `wardenctl status`
 * and the Prometheus page both show. status_fill() asks each module that
 * owns a part of it (the guard, the poller, the safe state, the devices,
 * the audit log, the counts) through its own functions; the renderers,
 * status_json() and metrics_render() (metrics.h), only read the snapshot,
 * so the two views always agree and neither knows the daemon's structs.
 *
 * Names and units point into the config the snapshot was filled from:
 * fill, render and free it in one go, before a reload can swap it.
 */
#ifndef WARDEN_STATUS_H
#define WARDEN_STATUS_H

#include <stddef.h>
#include <stdint.h>

#include "audit.h"
#include "buf.h"
#include "config.h"
#include "guard.h"
#include "pair_link.h"
#include "json.h"
#include "metrics.h"
#include "monitor.h"

struct warden;

/* An alarm of the alarm list (alarm_table.h): a point's alarm or trip,
 * or a device's loss, with its ISA-18.2 state and holds. */
struct status_alarm {
	const char *source;             /* point or device name */
	int is_device;
	enum monitor_kind kind;
	int is_trip;
	const char *state;              /* "unack", "ack", "rtn_unack" */
	int active, acked;
	double value;
	int has_limit;
	double limit;
	const char *unit;               /* "" for a device */
	int precision;                  /* -1 for a device */
	double since, cleared;          /* cleared: 0 while active */
	double shelved_until;           /* 0: not shelved */
	double bypass_until;            /* 0: not bypassed */
};

/* A shelve or bypass in force. */
struct status_hold {
	const char *hold;               /* "shelve", "bypass" */
	const char *source;
	double since, until;
	const char *user, *reason;
};

/* An active trip of a point. */
struct status_condition {
	const char *source;             /* point or device name */
	int is_device;
	int precision;                  /* the point's decimals; -1: device */
	struct monitor_active active;   /* kind, value, since */
};

/* A safe_state entry, as the operator sees it. */
struct status_safe {
	const char *point;
	double value;                   /* the safe value */
	/* safestate_status(): "pending" until it is driven, which waits
	 * for the takeover to be on disk. */
	const char *status;
	int has_read;                   /* driven, and read since */
	double last_read;
};

/* A ramp under way (ramp.h). */
struct status_ramp {
	const char *point;
	double from, target;            /* engineering units */
	double current;                 /* the last step the device
					 * confirmed */
	const char *limit;              /* max_step or max_rate: what bound
					 * the last step; NULL: the target */
	unsigned steps;
	double since;
};

struct status_device {
	const char *name;
	int up;                         /* a connection to it is up */
	uint64_t stray_answers;
	int serial;                     /* on a serial line: the counts */
	uint64_t serial_timeouts, serial_crc_errors, serial_bad_frames;
	uint64_t serial_noise;
};

/* An open client connection. */
struct status_client {
	const char *client;             /* "ip:port" */
	const char *listener;           /* "host:port" */
	const char *role;               /* its role's name; "none" */
	const char *identity;           /* certificate subject, or client */
	int tls;
	int handshaking;                /* TLS: not authenticated yet */
	int resumed;
	double since;
};

/* The last value wardend itself polled of a point. */
struct status_point {
	const char *name;
	const char *unit;
	unsigned precision;
	double value;
	double at;                      /* when it was polled */
	int stale;                      /* its device is down: the value is
					 * the last known, at seconds old */
};

struct status {
	struct guard_persisted guard;   /* state, cause, reason, since */
	enum config_mode mode;
	/* pair: this node's name and role (pair.h); NULL without pair: */
	const char *node;
	const char *role;
	double role_since;
	int has_link;                   /* the pair link (pair_link.h) */
	struct pair_link_view link;
	double now;                     /* when it was filled */
	/* The alarm list, in the order raised; the holds in force. */
	struct status_alarm *alarms;
	size_t n_alarms;
	struct status_hold *holds;
	size_t n_holds;
	/* The points' active trips, in config order (a device's loss is
	 * in alarms). */
	struct status_condition *trips;
	size_t n_trips;
	int safe_driving;               /* driving or holding the safe state */
	struct status_safe *safe;       /* every safe_state entry */
	size_t n_safe;
	struct status_ramp *ramps;      /* the ramps under way */
	size_t n_ramps;
	struct status_device *devices;
	size_t n_devices;
	struct status_point *points;    /* the polled ones that hold a value */
	size_t n_points;
	unsigned clients;               /* AI connections open */
	struct status_client *connections;      /* each, newest first */
	size_t n_connections;
	struct counters counters;
	struct guard_counters guard_counters;
	int has_audit;                  /* audit is meaningful */
	struct audit_stats audit;
};

/* status.c */
/* Fill s from the running gateway. 0, or -1 when out of memory (s then
 * needs no status_free). */
int status_fill(const struct warden *w, struct status *s);
void status_free(struct status *s);
/* The metrics page of ctx (the struct warden) now, appended to out: the
 * exposition's source for metrics_http_start(). 0, or -1 when out of
 * memory. */
int status_metrics_page(void *ctx, struct buf *out);

/* status_json.c */
/* The members of the status answer (state, cause, reason, since, mode,
 * alarms, holds, trips, safe_state, ramps, devices, connections,
 * points, counters) into the object out has open. */
void status_json(const struct status *s, struct json *out);
/* Only alarms and holds: the answer to "alarms". */
void status_json_alarms(const struct status *s, struct json *out);

#endif
