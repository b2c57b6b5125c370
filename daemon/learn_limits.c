/*
 * learn_limits.c: limits from what was observed (learn_limits.h).
 */
#include <math.h>
#include <string.h>

#include "learn_limits.h"

static double
round_out(double v, unsigned decimals, int up)
{
	double f = pow(10, decimals);

	return (up ? ceil(v * f - 1e-9) : floor(v * f + 1e-9)) / f;
}

static double
clip(double v, double lo, double hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

void
learn_limits_propose(const struct learn_observed *o, double margin,
    const struct learn_domain *d, struct learn_limits *p)
{
	const struct learn_entry *e = o->e;
	double widen, shrunk;

	memset(p, 0, sizeof *p);
	if (e->valued > 0) {
		p->has_min = p->has_max = 1;
		widen = d->is_bool ? 0 : margin * (o->max > o->min ?
		    o->max - o->min : fmax(fabs(o->min), fabs(o->max)));
		p->min = clip(round_out(o->min - widen, d->decimals, 0),
		    d->lo, d->hi);
		p->max = clip(round_out(o->max + widen, d->decimals, 1),
		    d->lo, d->hi);
	}
	if (!d->is_bool && e->has_step && o->step > 0) {
		p->has_step = 1;
		p->step = round_out(o->step * (1 + margin), d->decimals, 1);
	}
	if (!d->is_bool && e->has_rate && !e->rate_unbounded && o->rate > 0) {
		p->has_rate = 1;
		p->rate = round_out(o->rate * (1 + margin), d->decimals, 1);
	}
	shrunk = floor(e->min_interval * (1 - margin) * 1000 + 1e-9) / 1000;
	if (e->has_interval && shrunk >= 0.001) {
		p->has_interval = 1;
		p->interval = shrunk;
	}
}
