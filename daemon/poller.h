/*
 * poller.h: wardend reads the process itself (poller.c), a flow below
 * the orchestration: alarms and trips of monitored points, the last
 * known value the policy needs, the key switch, each device's liveness
 * and life bit. What the guard must hear of goes up through w->events
 * (flow.h); status reads the rest through the functions below.
 */
#ifndef WARDEN_POLLER_H
#define WARDEN_POLLER_H

#include <stddef.h>

#include "monitor.h"

struct warden;
struct poller;

/* The poller of w, stopped; NULL when out of memory. */
struct poller *poller_new(struct warden *w);
void poller_free(struct poller *pl);
/* Poll what w->cfg names, on w's devices; 0, or -1 when out of memory
 * (then stopped). A reload stops it before the swap and starts it
 * after. */
int poller_start(struct poller *pl);
void poller_stop(struct poller *pl);

/* For status: the active alarms and trips of point i into out (room for
 * MONITOR_POINT_KINDS), how many; 1 with out filled when device i is
 * lost; 1 with *value when point i holds a polled value. While the
 * poller is stopped, nothing is active and nothing polled. */
size_t poller_point_active(const struct poller *pl, size_t i,
    struct monitor_active *out);
int poller_device_loss(const struct poller *pl, size_t i,
    struct monitor_active *out);
int poller_value(const struct poller *pl, size_t i, double *value);
/* When point i's value was polled (0: never). */
double poller_polled_at(const struct poller *pl, size_t i);

#endif
