/*
 * learn_limits.h: the write: limits proposed from what was observed of
 * one point or address, widened by a margin (learn_render.h gives the
 * rules: what each limit is learned from, how it is widened and rounded,
 * when it is left out). Pure: no I/O, no clock, no allocation.
 */
#ifndef WARDEN_LEARN_LIMITS_H
#define WARDEN_LEARN_LIMITS_H

#include "learn_table.h"

/* What was observed of one point or address, in the units its limits are
 * written in (raw for an address, engineering for a point of the
 * config): e's range, step and rate converted; its counts, flags and
 * intervals as they are. */
struct learn_observed {
	const struct learn_entry *e;
	double min, max, step, rate;
};

/* Where the limits live: what the type holds, its resolution in
 * decimals, and whether it is a bool. */
struct learn_domain {
	double lo, hi;
	unsigned decimals;
	int is_bool;
};

/* The limits proposed; has_* 0: left out. */
struct learn_limits {
	int has_min, has_max, has_step, has_rate, has_interval;
	double min, max, step, rate, interval;
};

/* margin a fraction (0.1 for 10 %), 0 or more. Every limit given is one
 * config_load() takes: min <= max inside d, step, rate and interval
 * above 0. */
void learn_limits_propose(const struct learn_observed *o, double margin,
    const struct learn_domain *d, struct learn_limits *p);

#endif
