/*
 * warden.h: the running gateway. One context struct owned by main(): the
 * loop, the config in force, the callbacks each layer registered for the
 * one below it, and a handle on each module, opaque outside the module's
 * own file (gate.h, poller.h, safestate.h, takeover.h, durable.h: each
 * module's functions are in its header). The endpoints' are in their
 * own headers too (client.h, device.h, listener.h, control.h,
 * metrics_http.h), their structs opaque; what is left here is the audit
 * log's start and stop (audit_daemon.c).
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
struct poller;
struct safestate;
struct acceptor;
struct streams;

struct warden {
	struct ev_loop *loop;
	struct config *cfg;
	const char *config_path;
	struct streams *streams;        /* every connection, and the loop's
					 * safe point */
	struct acceptor *listener;      /* the AI's; NULL: not listening */
	struct client *clients;         /* the open ones, client.c's list */
	unsigned n_clients;
	struct devices *devices;
	ev_signal sig_term, sig_int, sig_hup;
	struct counters counters;
	struct log_budget abuse_log;    /* what hostile peers can provoke */
	struct audit *audit;
	struct audit_key *sign_key;     /* audit_sign, read before -u */
	struct audit_syslog *audit_syslog;
	struct policy_memory *memory;   /* cfg->n_points of them */
	unsigned policy_gen;            /* raised at every reload */
	/* Callbacks up, each registered by the layer above before the loop
	 * runs (client.h, flow.h): */
	struct client_events ai;        /* the AI's requests, to the gate */
	struct flow_events events;      /* the flows' news, to takeover.c */
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
