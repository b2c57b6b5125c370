/*
 * flow.h: the news the flows (gate.c, poller.c) give the layer above
 * them. The flows judge requests and read the process; what the guard
 * must hear of goes up through these callbacks, which takeover.c
 * registers at start (takeover_init). A flow calls them and never names
 * who listens.
 */
#ifndef WARDEN_FLOW_H
#define WARDEN_FLOW_H

#include "guard.h"
#include "monitor.h"

struct flow_events {
	/* A write the policy refused or clamped: what names it ("valve
	 * max"); takeover: its point's on_violation is takeover. */
	void (*violation)(void *ctx, const char *what, int takeover);
	/* A trip raised or cleared on source, a point or a device. */
	void (*trip)(void *ctx, const char *source, enum monitor_kind kind,
	    int raised);
	/* The key switch as just read, or unknown (its device lost). */
	void (*key_switch)(void *ctx, enum guard_switch position);
	void *ctx;
};

#endif
