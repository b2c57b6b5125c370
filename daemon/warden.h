/*
 * warden.h: the running gateway. One context struct owned by main(): the
 * loop, the config in force, the callbacks each layer registered for the
 * one below it, and a handle on each module, opaque outside the module's
 * own file (gate.h, poller.h, safestate.h, takeover.h, durable.h: each
 * module's functions are in its header). The endpoints' are in their
 * own headers too (client.h, device.h, listener.h, control.h,
 * metrics_http.h), their structs opaque, and so is the audit log's
 * start and stop (audit_daemon.h). Nothing here but the struct.
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
#include "flow.h"
#include "guard.h"
#include "listener.h"
#include "log.h"
#include "mbap.h"
#include "metrics.h"
#include "monitor.h"
#include "net.h"
#include "policy.h"

struct warden;
struct control;
struct metrics_http;
struct durable;
struct takeover;
struct gate;
struct intrusion;
struct ramp;
struct poller;
struct safestate;
struct streams;
struct pair;

struct warden {
	struct ev_loop *loop;
	struct config *cfg;
	const char *config_path;
	struct streams *streams;        /* every connection, and the loop's
					 * safe point */
	struct clients *clients;        /* the AI endpoint: its connections
					 * and listener */
	struct devices *devices;
	ev_signal sig_term, sig_int, sig_hup;
	struct counters counters;
	struct log_budget abuse_log;    /* what hostile peers can provoke */
	struct audit *audit;
	struct audit_key *sign_key;     /* audit_sign, read before -u */
	struct audit_syslog *audit_syslog;
	struct policy_memory *memory;   /* cfg->n_points of them */
	unsigned policy_gen;            /* raised at every reload */
	/* Callback up, registered by the layer above before the loop runs
	 * (flow.h): */
	struct flow_events events;      /* the flows' news, to takeover.c */
	/* The modules, set by wardend.c: */
	struct takeover *takeover;      /* the guard, and what it decides */
	struct alarms *alarms;          /* the alarm list and its holds */
	struct gate *gate;              /* the judgement on AI requests */
	struct intrusion *intrusion;    /* intrusion detection */
	struct ramp *ramp;              /* points walked to the AI's value */
	struct poller *poller;          /* wardend's own reads */
	struct safestate *safestate;
	struct pair *pair;              /* NULL without pair: (pair.h) */
	struct durable *durable;        /* audit and state syncs, off the
					 * loop */
	ev_timer tick;                  /* wardend.c's: guard, audit fsync,
					 * safe state */
	struct control *control;        /* the operators' socket */
	struct push *push;              /* and what it pushes */
	struct metrics metrics;
	struct metrics_http *metrics_http;      /* NULL: no metrics_listen */
};

#endif
