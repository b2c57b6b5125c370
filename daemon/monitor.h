/*
 * monitor.h: alarms and trips evaluated over values wardend polls itself.
 * Pure: no I/O, no allocation, no clock. The poller owns one
 * struct monitor_point per monitored point and one struct monitor_device
 * per device, feeds them every poll result and forwards the events they
 * return to the audit log and to the guard (trips take over; alarms never
 * do).
 *
 * Rules (warden.yaml(5), monitor):
 *   - Limits are inclusive, as for writes: a value equal to a limit is
 *     inside. high/high_high are passed when value > limit, low/low_low
 *     when value < limit. A rate equal to max_rate is allowed.
 *   - Engineering values come from raw x scale in floating point, so a
 *     reading meant to equal a limit may land a rounding error beyond it;
 *     comparisons allow a relative 1e-9 (far below any real excursion).
 *   - delay counts from the first poll that saw the condition; the
 *     condition must hold on every poll until delay has elapsed (elapsed
 *     exactly counts). It applies to low, high, low_low, high_high and
 *     rate. With delay 0 the first poll that sees it raises it.
 *   - deadband applies to clearing only: high clears once value <=
 *     high - deadband, low once value >= low + deadband (at exactly the
 *     deadband edge it clears). Clearing takes no delay.
 *   - rate is |v2 - v1| / (t2 - t1) between consecutive polls. The trip
 *     clears once the rate has stayed <= max_rate for delay.
 *   - stale: the value unchanged (bit for bit) for stale_after trips,
 *     without a further delay (stale_after is that delay); it clears on
 *     the first poll with a different value.
 *   - A reading that is not a number (a float32 NaN from the device) is
 *     outside every level limit: it raises what is configured and clears
 *     nothing. It gives no rate.
 *   - A device is lost when no poll of it has been answered for
 *     loss_after (exactly loss_after counts); counted from
 *     monitor_device_init() until the first answer. It clears on the next
 *     answer.
 */
#ifndef WARDEN_MONITOR_H
#define WARDEN_MONITOR_H

#include <stddef.h>

#include "config.h"

/* Alarms first, then trips; the point kinds before the device kind. */
enum monitor_kind {
	MONITOR_LOW,            /* alarm */
	MONITOR_HIGH,           /* alarm */
	MONITOR_LOW_LOW,        /* trip */
	MONITOR_HIGH_HIGH,      /* trip */
	MONITOR_RATE,           /* trip */
	MONITOR_STALE,          /* trip */
	MONITOR_DEVICE_LOSS,    /* trip, keyed by device name */
};
#define MONITOR_POINT_KINDS 6   /* MONITOR_LOW .. MONITOR_STALE */
#define MONITOR_KIND_COUNT 7

/* One condition of one point or device. */
struct monitor_condition {
	int active;
	/*
	 * Not active: the condition has been seen since pending_since and
	 * waits for delay. Active (rate only): the rate has been back under
	 * max_rate since pending_since.
	 */
	int pending;
	double pending_since;
	double since;           /* active: when it was raised */
	double value;           /* active: the value that raised it */
};

/* Read-only outside monitor.c. */
struct monitor_point {
	struct monitor_condition cond[MONITOR_POINT_KINDS];
	int has_last;           /* last_value/last_time hold a poll */
	int after_gap;          /* next poll: no rate, stale counted anew */
	double last_value;
	double last_time;
	double changed_at;      /* poll at which the value last changed */
};

struct monitor_device {
	struct monitor_condition lost;
	double last_answer;     /* or the time monitor_device_init() ran */
};

/*
 * A condition raised or cleared by one poll. value: the polled value for
 * the level and stale kinds, the measured rate (units/s) for rate, the
 * seconds without an answer for device_loss. since: when the condition
 * was raised (now for a raise), so a clear tells how long it lasted.
 */
struct monitor_event {
	enum monitor_kind kind;
	int raised;             /* 1 raised, 0 cleared */
	double value;
	double since;
};

/* An active condition, for `wardenctl status`. value as in the event. */
struct monitor_active {
	enum monitor_kind kind;
	double value;
	double since;
};

/* At most one event per kind of a point per poll. */
#define MONITOR_MAX_EVENTS MONITOR_POINT_KINDS

void monitor_point_init(struct monitor_point *s);
/*
 * One successful poll of a monitored point: its engineering value at now.
 * Writes the conditions raised or cleared into events (room for
 * MONITOR_MAX_EVENTS), in enum order, and returns how many.
 */
size_t monitor_update(const struct config_monitor *cfg,
    struct monitor_point *s, double value, double now,
    struct monitor_event *events);
/*
 * Polls of the point were interrupted (its device was lost): nothing is
 * known of the gap, so delays restart, no rate is taken across it and the
 * stale count restarts at the next poll. Active conditions stay active
 * until a poll clears them; an active stale trip still clears only when
 * the value differs from the one polled before the gap.
 */
void monitor_point_resync(struct monitor_point *s);
/* The active conditions of a point into out (room for
 * MONITOR_POINT_KINDS), in enum order; returns how many. */
size_t monitor_point_active(const struct monitor_point *s,
    struct monitor_active *out);

void monitor_device_init(struct monitor_device *s, double now);
/*
 * A device's liveness at now: answered is 1 when a poll of it has just
 * succeeded, 0 when one failed or timed out, or when the caller only
 * checks the clock (call it at least every poll_interval, also while the
 * device has no connection). Returns 1 with *event filled when the device
 * was lost or came back, else 0.
 */
int monitor_device_update(const struct config_device *cfg,
    struct monitor_device *s, int answered, double now,
    struct monitor_event *event);

/* "low", "high", "low_low", "high_high", "rate", "stale", "device_loss" */
const char *monitor_kind_name(enum monitor_kind kind);
/* 1 for the kinds that take over (trips), 0 for alarms. */
int monitor_kind_is_trip(enum monitor_kind kind);

#endif
