/*
 * push.h: what wardend pushes to the control connections that
 * subscribed (control.h), so that warden-console is told, not polling:
 *
 *   {"push":"status", <the members of the status answer>}
 *       when anything in it changed, looked at every PUSH_INTERVAL
 *       (at most 4 a second), and at least every PUSH_HEARTBEAT;
 *   {"push":"audit","records":[<records as in the log>...],"skipped":N}
 *       the records written since the last push, at most PUSH_RECORDS
 *       of them; skipped: how many older ones were left out.
 *
 * The status is rendered once per look for all subscribers, and the
 * records are copied as they are written only while someone
 * subscribes: ten consoles cost the gateway four renders a second, not
 * anything per request. An operations module beside ops.c.
 */
#ifndef WARDEN_PUSH_H
#define WARDEN_PUSH_H

struct warden;
struct push;

#define PUSH_INTERVAL 0.25
#define PUSH_HEARTBEAT 5.0
#define PUSH_RECORDS 50

/* NULL when out of memory. */
struct push *push_new(struct warden *w);
void push_free(struct push *p);
/* A connection subscribed: start looking (again). */
void push_subscribed(struct push *p);

#endif
