/*
 * ramp_plan.c: the next step of a ramp and its time (ramp_plan.h).
 */
#include "ramp_plan.h"

#include <math.h>

/* As policy.c's: a time limit may be short by this and still be met. */
#define TIME_SLACK 1e-9

double
ramp_plan_interval(const struct config_point *pt)
{
	return pt->write.has_min_interval ? pt->write.min_interval :
	    RAMP_PLAN_DEFAULT_INTERVAL;
}

/* How far raw lies outside s, in raw units; empty is farthest. */
static double
span_distance(struct point_span s, double raw)
{
	if (point_span_empty(s))
		return INFINITY;
	return fabs(raw - point_span_clamp(s, raw));
}

static struct point_span
span_bounds(const struct config_point *pt)
{
	const struct config_write *lim = &pt->write;

	return point_span_of(pt, lim->has_min ? lim->min : -INFINITY,
	    lim->has_max ? lim->max : INFINITY);
}

static struct point_span
span_rate(const struct config_point *pt, const struct ramp_origin *o,
    double t)
{
	struct point_span around = { o->rate_raw, o->rate_raw };

	return point_span_near(pt, around, pt->write.max_rate *
	    (fmax(0, t - o->rate_at) + TIME_SLACK));
}

/* The step at time t: s->raw, s->limit; 0, or -1 when no value is
 * allowed at all. */
static int
plan_at(const struct config_point *pt, const struct ramp_origin *o,
    double target, double t, struct ramp_step *s)
{
	const struct config_write *lim = &pt->write;
	struct point_span everything = { -INFINITY, INFINITY };
	struct point_span step = everything, rate = everything, allowed;
	double d_step, d_rate;

	allowed = span_bounds(pt);
	if (lim->has_max_step) {
		step = point_span_near(pt, o->at, lim->max_step);
		allowed = point_span_meet(allowed, step);
	}
	if (lim->has_max_rate && o->has_rate) {
		rate = span_rate(pt, o, t);
		allowed = point_span_meet(allowed, rate);
	}
	if (point_span_empty(allowed))
		return -1;
	s->raw = point_span_clamp(allowed, target);
	s->at = t;
	s->limit = NULL;
	s->limit_value = 0;
	if (s->raw == target)
		return 0;
	d_step = span_distance(step, target);
	d_rate = span_distance(rate, target);
	if (d_rate > d_step) {
		s->limit = "max_rate";
		s->limit_value = lim->max_rate;
	} else {
		s->limit = "max_step";
		s->limit_value = lim->max_step;
	}
	return 0;
}

/* The raw value one count from raw toward target. */
static double
plan_neighbour(const struct config_point *pt, double raw, double target)
{
	if (pt->type == TYPE_FLOAT32)
		return nextafterf((float)raw, (float)target);
	return raw < target ? raw + 1 : raw - 1;
}

void
ramp_plan_next(const struct config_point *pt, const struct ramp_origin *o,
    double target, double not_before, struct ramp_step *s)
{
	/* Where the point may be that is nearest the target. */
	double from = point_span_clamp(o->at, target);
	double near, reach;

	s->result = RAMP_PLAN_STEP;
	if (o->at.lo == target && o->at.hi == target) {
		s->result = RAMP_PLAN_REACHED;
		s->raw = target;
		s->at = not_before;
		s->limit = NULL;
		return;
	}
	if (plan_at(pt, o, target, not_before, s) == 0 && s->raw != from)
		return;
	/* Nothing nearer yet: max_rate may allow one count later. */
	if (pt->write.has_max_rate && o->has_rate) {
		near = plan_neighbour(pt, from, target);
		reach = fabs(point_value(pt, near) -
		    point_value(pt, o->rate_raw));
		if (plan_at(pt, o, target, fmax(not_before, o->rate_at +
		    reach / pt->write.max_rate), s) == 0 && s->raw != from)
			return;
	}
	s->result = RAMP_PLAN_STUCK;
	s->raw = from;
	s->at = not_before;
}
