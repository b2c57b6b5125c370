/*
 * monitor.c: alarms and trips over polled values. The rules and their
 * edges are documented in monitor.h.
 */
#include <math.h>
#include <string.h>

#include "monitor.h"

/*
 * Timestamps are epoch seconds (ev_now()), whose doubles carry about
 * 0.2 us of rounding: a duration within 1 us of its target has elapsed.
 */
#define TIME_SLACK 1e-6
/* Relative slack for comparing an engineering value with a limit. */
#define VALUE_SLACK 1e-9

static int
elapsed(double from, double now, double duration)
{
	return now - from >= duration - TIME_SLACK;
}

static double
value_slack(double limit)
{
	return VALUE_SLACK * fmax(1.0, fabs(limit));
}

static int
is_low_kind(enum monitor_kind kind)
{
	return kind == MONITOR_LOW || kind == MONITOR_LOW_LOW;
}

/* The limit of a level kind, or 0 when it is not configured. */
static int
level_limit(const struct config_monitor *cfg, enum monitor_kind kind,
    double *limit)
{
	switch (kind) {
	case MONITOR_LOW:
		*limit = cfg->low;
		return cfg->has_low;
	case MONITOR_HIGH:
		*limit = cfg->high;
		return cfg->has_high;
	case MONITOR_LOW_LOW:
		*limit = cfg->low_low;
		return cfg->has_low_low;
	case MONITOR_HIGH_HIGH:
		*limit = cfg->high_high;
		return cfg->has_high_high;
	default:
		return 0;
	}
}

/* Strictly beyond the limit on the kind's side; NaN is beyond. */
static int
level_passed(enum monitor_kind kind, double limit, double value)
{
	if (isnan(value))
		return 1;
	if (is_low_kind(kind))
		return value < limit - value_slack(limit);
	return value > limit + value_slack(limit);
}

/* Back inside the limit by at least the deadband. */
static int
level_back(enum monitor_kind kind, double limit, double deadband,
    double value)
{
	if (isnan(value))
		return 0;
	if (is_low_kind(kind))
		return !level_passed(kind, limit + deadband, value);
	return !level_passed(kind, limit - deadband, value);
}

static void
event_put(struct monitor_event *events, size_t *n, enum monitor_kind kind,
    int raised, double value, double since)
{
	events[*n].kind = kind;
	events[*n].raised = raised;
	events[*n].value = value;
	events[*n].since = since;
	(*n)++;
}

/*
 * An inactive condition seen (or not) by this poll: raise it once it has
 * been seen on every poll for delay. Returns 1 when raised.
 */
static int
condition_hold(struct monitor_condition *c, int seen, double delay,
    double value, double now)
{
	if (!seen) {
		c->pending = 0;
		return 0;
	}
	/* A clock stepped back restarts the wait rather than stalling it. */
	if (!c->pending || now < c->pending_since) {
		c->pending = 1;
		c->pending_since = now;
	}
	if (!elapsed(c->pending_since, now, delay))
		return 0;
	c->pending = 0;
	c->active = 1;
	c->since = now;
	c->value = value;
	return 1;
}

static void
condition_clear(struct monitor_condition *c, enum monitor_kind kind,
    double value, struct monitor_event *events, size_t *n)
{
	event_put(events, n, kind, 0, value, c->since);
	c->active = 0;
	c->pending = 0;
}

static void
update_level(const struct config_monitor *cfg, struct monitor_point *s,
    enum monitor_kind kind, double value, double now,
    struct monitor_event *events, size_t *n)
{
	struct monitor_condition *c = &s->cond[kind];
	double limit;

	if (!level_limit(cfg, kind, &limit))
		return;
	if (c->active) {
		if (level_back(kind, limit, cfg->deadband, value))
			condition_clear(c, kind, value, events, n);
		return;
	}
	if (condition_hold(c, level_passed(kind, limit, value), cfg->delay,
	    value, now))
		event_put(events, n, kind, 1, value, now);
}

/* Called only with two finite values at distinct times. */
static void
update_rate(const struct config_monitor *cfg, struct monitor_point *s,
    double value, double now, struct monitor_event *events, size_t *n)
{
	struct monitor_condition *c = &s->cond[MONITOR_RATE];
	double dt = now - s->last_time;
	double change = fabs(value - s->last_value);
	double rate = change / dt;
	/* The slack covers the rounding of dt, not of the rate itself. */
	int over = change > cfg->max_rate * (dt + TIME_SLACK);

	if (!c->active) {
		if (condition_hold(c, over, cfg->delay, rate, now))
			event_put(events, n, MONITOR_RATE, 1, rate, now);
		return;
	}
	if (over) {
		c->pending = 0;
		return;
	}
	if (!c->pending || now < c->pending_since) {
		c->pending = 1;
		c->pending_since = now;
	}
	if (elapsed(c->pending_since, now, cfg->delay))
		condition_clear(c, MONITOR_RATE, rate, events, n);
}

/* Bit for bit, so that a NaN stuck in the register is frozen too. */
static int
same_value(double a, double b)
{
	return memcmp(&a, &b, sizeof a) == 0;
}

static void
update_stale(const struct config_monitor *cfg, struct monitor_point *s,
    double value, double now, struct monitor_event *events, size_t *n)
{
	struct monitor_condition *c = &s->cond[MONITOR_STALE];
	int changed = !s->has_last || !same_value(value, s->last_value);

	if (c->active) {
		if (changed) {
			s->changed_at = now;
			condition_clear(c, MONITOR_STALE, value, events, n);
		}
		return;
	}
	if (changed || s->after_gap || now < s->changed_at)
		s->changed_at = now;
	if (elapsed(s->changed_at, now, cfg->stale_after)) {
		c->active = 1;
		c->since = now;
		c->value = value;
		event_put(events, n, MONITOR_STALE, 1, value, now);
	}
}

void
monitor_point_init(struct monitor_point *s)
{
	memset(s, 0, sizeof *s);
}

size_t
monitor_update(const struct config_monitor *cfg, struct monitor_point *s,
    double value, double now, struct monitor_event *events)
{
	size_t n = 0;
	int kind;
	int has_rate = s->has_last && !s->after_gap && now > s->last_time &&
	    isfinite(value) && isfinite(s->last_value);

	for (kind = MONITOR_LOW; kind <= MONITOR_HIGH_HIGH; kind++)
		update_level(cfg, s, (enum monitor_kind)kind, value, now,
		    events, &n);
	if (cfg->has_max_rate && has_rate)
		update_rate(cfg, s, value, now, events, &n);
	if (cfg->has_stale_after && cfg->stale_after > 0)
		update_stale(cfg, s, value, now, events, &n);
	s->has_last = 1;
	s->after_gap = 0;
	s->last_value = value;
	s->last_time = now;
	return n;
}

void
monitor_point_resync(struct monitor_point *s)
{
	int kind;

	for (kind = 0; kind < MONITOR_POINT_KINDS; kind++)
		s->cond[kind].pending = 0;
	s->after_gap = 1;
}

size_t
monitor_point_active(const struct monitor_point *s,
    struct monitor_active *out)
{
	size_t n = 0;
	int kind;

	for (kind = 0; kind < MONITOR_POINT_KINDS; kind++) {
		if (!s->cond[kind].active)
			continue;
		out[n].kind = (enum monitor_kind)kind;
		out[n].value = s->cond[kind].value;
		out[n].since = s->cond[kind].since;
		n++;
	}
	return n;
}

void
monitor_device_init(struct monitor_device *s, double now)
{
	memset(s, 0, sizeof *s);
	s->last_answer = now;
}

int
monitor_device_update(const struct config_device *cfg,
    struct monitor_device *s, int answered, double now,
    struct monitor_event *event)
{
	double silent = now - s->last_answer;

	if (answered) {
		s->last_answer = now;
		if (!s->lost.active)
			return 0;
		s->lost.active = 0;
		event->kind = MONITOR_DEVICE_LOSS;
		event->raised = 0;
		event->value = silent;
		event->since = s->lost.since;
		return 1;
	}
	if (now < s->last_answer)
		s->last_answer = now;
	if (s->lost.active || !elapsed(s->last_answer, now, cfg->loss_after))
		return 0;
	s->lost.active = 1;
	s->lost.since = now;
	s->lost.value = silent;
	event->kind = MONITOR_DEVICE_LOSS;
	event->raised = 1;
	event->value = silent;
	event->since = now;
	return 1;
}

const char *
monitor_kind_name(enum monitor_kind kind)
{
	static const char *const names[MONITOR_KIND_COUNT] = {
		"low", "high", "low_low", "high_high", "rate", "stale",
		"device_loss",
	};

	if ((unsigned)kind >= MONITOR_KIND_COUNT)
		return "unknown";
	return names[kind];
}

int
monitor_kind_is_trip(enum monitor_kind kind)
{
	return kind != MONITOR_LOW && kind != MONITOR_HIGH;
}
