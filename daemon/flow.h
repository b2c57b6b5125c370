/*
 * flow.h: the callbacks across the flows' layer (gate.c, baseline.c,
 * poller.c, safestate.c). A file never names one above it: what it must
 * tell goes through a callback the layer above registered in the context
 * (warden.h) before the loop runs.
 *
 * - struct flow_events: the flows' news for the orchestration layer,
 *   registered by takeover_start() and (condition) alarms_start(). The
 *   flows judge requests and read the process; what the guard and the
 *   alarm list must hear of goes up through these.
 *
 * What the AI endpoint hands to the flows is the endpoint's to declare
 * (struct client_events, client.h).
 */
#ifndef WARDEN_FLOW_H
#define WARDEN_FLOW_H

#include "guard.h"
#include "monitor.h"

struct flow_events {
	/* A write the policy refused, clamped or ramped: what names it
	 * ("valve max"); takeover: its point's on_violation is takeover. */
	void (*violation)(void *ctx, const char *what, int takeover);
	/* An alarm or trip raised or cleared on source, a point or a
	 * device (is_device): the monitor's event. */
	void (*condition)(void *ctx, const char *source, int is_device,
	    const struct monitor_event *e);
	/* The key switch as just read, or unknown (its device lost). */
	void (*key_switch)(void *ctx, enum guard_switch position);
	/* An intrusion whose kind's on_intrusion is takeover, named by
	 * what ("address_scan from 10.0.0.5"). */
	void (*intrusion)(void *ctx, const char *what);
	/* An AI request arrived, read or write (the silence clock). */
	void (*ai_request)(void *ctx);
	/* An AI write handed to a device has ended, answered or not, its
	 * client still there or not: the safe state waits for those. */
	void (*write_ended)(void *ctx);
	void *ctx;
};

#endif
