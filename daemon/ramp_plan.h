/*
 * ramp_plan.h: the schedule of a ramp (on_violation: ramp, ramp.h): the
 * next value wardend writes on its way to the value the AI asked for,
 * and when. Pure: no I/O, no clock (time is passed in, seconds).
 *
 * Each step is what a clamp of the target would forward at that time
 * (policy.h): inside min/max, within max_step of every value the point
 * may hold now (its last known value and any write in flight), within
 * max_rate of the last accepted value since it was sent. So every step
 * passes the rules an AI write would be judged by, and the step is as
 * large as they allow: max_step when it binds, max_rate times the time
 * since the last step when that binds.
 *
 * Steps are at least the point's min_interval apart (100 ms without
 * one). Where max_rate allows less than one raw count in that time, the
 * step waits until it allows one: the ramp is slower than the interval,
 * never faster than max_rate, and never stalls on a step rounded to
 * nothing.
 */
#ifndef WARDEN_RAMP_PLAN_H
#define WARDEN_RAMP_PLAN_H

#include "config.h"
#include "point.h"

/* The time between steps without a min_interval. */
#define RAMP_PLAN_DEFAULT_INTERVAL 0.1

/* Where the point is, as the policy's memory knows it. */
struct ramp_origin {
	struct point_span at;   /* raw values it may hold: the last known
				 * value and every write in flight */
	int has_rate;           /* an accepted value max_rate runs from */
	double rate_raw;
	double rate_at;         /* when it was sent */
};

enum ramp_plan_result {
	RAMP_PLAN_STEP,         /* write raw at `at` */
	RAMP_PLAN_REACHED,      /* the point holds the target: done */
	RAMP_PLAN_STUCK,        /* no value the limits allow is nearer the
				 * target (the device moved outside them) */
};

struct ramp_step {
	enum ramp_plan_result result;
	double raw;             /* the step's raw value */
	double at;              /* when it may be written, >= not_before */
	const char *limit;      /* max_step or max_rate, the one that bound
				 * it (the tighter when both did); NULL
				 * when the step is the target itself */
	double limit_value;
};

/* The time between steps: min_interval, or the default. */
double ramp_plan_interval(const struct config_point *pt);

/*
 * The next step toward target (a raw value inside min/max) from o, not
 * before not_before: its value at the earliest time it can move the
 * point at least one raw count.
 */
void ramp_plan_next(const struct config_point *pt, const struct ramp_origin *o,
    double target, double not_before, struct ramp_step *s);

#endif
