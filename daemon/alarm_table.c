/*
 * alarm_table.c: the alarm list and its holds (alarm_table.h). Pure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alarm_table.h"

void
alarm_table_init(struct alarm_table *t)
{
	memset(t, 0, sizeof *t);
}

void
alarm_table_free(struct alarm_table *t)
{
	free(t->entries);
	memset(t, 0, sizeof *t);
}

static struct alarm_entry *
entry_find(struct alarm_table *t, const char *source, enum monitor_kind kind)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->entries[i].kind == kind &&
		    strcmp(t->entries[i].source, source) == 0)
			return &t->entries[i];
	return NULL;
}

static void
entry_remove(struct alarm_table *t, size_t i)
{
	memmove(&t->entries[i], &t->entries[i + 1],
	    (t->n - i - 1) * sizeof t->entries[0]);
	t->n--;
}

static struct alarm_entry *
entry_add(struct alarm_table *t)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 16;
		struct alarm_entry *e = realloc(t->entries, cap * sizeof *e);

		if (e == NULL)
			return NULL;
		t->entries = e;
		t->cap = cap;
	}
	return &t->entries[t->n++];
}

int
alarm_table_condition(struct alarm_table *t, const char *source,
    int is_device, enum monitor_kind kind, int is_trip, int raised,
    double value, double now)
{
	struct alarm_entry *e = entry_find(t, source, kind);

	if (!raised) {
		if (e == NULL || !e->active)
			return 0;
		e->active = 0;
		e->cleared = now;
		if (e->acked)
			entry_remove(t, (size_t)(e - t->entries));
		return 0;
	}
	if (e == NULL) {
		if ((e = entry_add(t)) == NULL)
			return -1;
		memset(e, 0, sizeof *e);
		snprintf(e->source, sizeof e->source, "%s", source);
		e->is_device = is_device;
		e->kind = kind;
	}
	/* Raised again before it was acknowledged: a new occurrence, which
	 * the operator must see and acknowledge anew. */
	e->is_trip = is_trip;
	e->active = 1;
	e->acked = 0;
	e->value = value;
	e->since = now;
	e->cleared = 0;
	return 0;
}

void
alarm_table_forget(struct alarm_table *t, const char *source)
{
	size_t i = 0;

	while (i < t->n)
		if (strcmp(t->entries[i].source, source) == 0)
			entry_remove(t, i);
		else
			i++;
}

size_t
alarm_table_ack(struct alarm_table *t, const char *source)
{
	size_t i = 0, acked = 0;

	while (i < t->n) {
		struct alarm_entry *e = &t->entries[i];

		if (e->acked || strcmp(e->source, source) != 0) {
			i++;
			continue;
		}
		acked++;
		e->acked = 1;
		if (!e->active)
			entry_remove(t, i);
		else
			i++;
	}
	return acked;
}

enum alarm_state
alarm_entry_state(const struct alarm_entry *e)
{
	if (!e->active)
		return ALARM_RTN_UNACK;
	return e->acked ? ALARM_ACK : ALARM_UNACK;
}

const char *
alarm_state_name(enum alarm_state state)
{
	switch (state) {
	case ALARM_UNACK:
		return "unack";
	case ALARM_ACK:
		return "ack";
	case ALARM_RTN_UNACK:
		return "rtn_unack";
	}
	return "?";
}

static long
hold_index(const struct alarm_table *t, enum alarm_hold_kind kind,
    const char *source)
{
	size_t i;

	for (i = 0; i < t->n_holds; i++)
		if (t->holds[i].kind == kind &&
		    strcmp(t->holds[i].source, source) == 0)
			return (long)i;
	return -1;
}

const struct alarm_hold *
alarm_table_held(const struct alarm_table *t, enum alarm_hold_kind kind,
    const char *source)
{
	long i = hold_index(t, kind, source);

	return i < 0 ? NULL : &t->holds[i];
}

int
alarm_table_hold(struct alarm_table *t, const struct alarm_hold *h,
    char err[ERR_LEN])
{
	long i = hold_index(t, h->kind, h->source);

	if (i < 0) {
		if (t->n_holds == ALARM_HOLDS_MAX) {
			errmsg_set(err, "%d shelves and bypasses are in force "
			    "already, the most wardend keeps; end one first",
			    ALARM_HOLDS_MAX);
			return -1;
		}
		i = (long)t->n_holds++;
	}
	t->holds[i] = *h;
	return 0;
}

static void
hold_remove(struct alarm_table *t, size_t i)
{
	memmove(&t->holds[i], &t->holds[i + 1],
	    (t->n_holds - i - 1) * sizeof t->holds[0]);
	t->n_holds--;
}

int
alarm_table_unhold(struct alarm_table *t, enum alarm_hold_kind kind,
    const char *source)
{
	long i = hold_index(t, kind, source);

	if (i < 0)
		return -1;
	hold_remove(t, (size_t)i);
	return 0;
}

size_t
alarm_table_expire(struct alarm_table *t, double now, struct alarm_hold *out)
{
	size_t i = 0, n = 0;

	while (i < t->n_holds)
		if (t->holds[i].until <= now) {
			out[n++] = t->holds[i];
			hold_remove(t, i);
		} else
			i++;
	return n;
}

const char *
alarm_hold_name(enum alarm_hold_kind kind)
{
	return kind == ALARM_BYPASS ? "bypass" : "shelve";
}

int
alarm_hold_from_name(const char *name)
{
	if (strcmp(name, "shelve") == 0)
		return ALARM_SHELVE;
	if (strcmp(name, "bypass") == 0)
		return ALARM_BYPASS;
	return -1;
}

/* "8h", "30m", "90s": a duration as an operator writes it. */
static void
duration_text(double seconds, char *out, size_t size)
{
	long s = (long)seconds;

	if ((double)s != seconds)
		snprintf(out, size, "%gs", seconds);
	else if (s >= 3600 && s % 3600 == 0)
		snprintf(out, size, "%ldh", s / 3600);
	else if (s >= 60 && s % 60 == 0)
		snprintf(out, size, "%ldm", s / 60);
	else
		snprintf(out, size, "%gs", seconds);
}

static int
hold_check_device(const struct config *cfg, enum alarm_hold_kind kind,
    const char *source, char err[ERR_LEN])
{
	enum device_loss_action loss = cfg->takeover.on_device_loss;

	if (kind == ALARM_SHELVE && loss == DEVICE_LOSS_TAKEOVER) {
		errmsg_set(err, "shelve: the loss of device '%s' is a trip "
		    "(takeover.on_device_loss: takeover); only alarms are "
		    "shelved", source);
		return -1;
	}
	if (kind == ALARM_BYPASS && loss != DEVICE_LOSS_TAKEOVER) {
		errmsg_set(err, "bypass: the loss of device '%s' takes no "
		    "trip to bypass (takeover.on_device_loss is not "
		    "takeover)", source);
		return -1;
	}
	return 0;
}

static int
hold_check_point(const struct config *cfg, enum alarm_hold_kind kind,
    size_t i, char err[ERR_LEN])
{
	const struct config_point *p = &cfg->points[i];
	const struct config_monitor *m = &p->monitor;

	if (kind == ALARM_SHELVE && !(p->monitored &&
	    (m->has_low || m->has_high))) {
		errmsg_set(err, "shelve: point '%s' has no alarm (monitor: low "
		    "or high) to shelve", p->name);
		return -1;
	}
	if (kind == ALARM_BYPASS && cfg->takeover.has_switch &&
	    cfg->takeover.switch_point == i) {
		errmsg_set(err, "bypass: the key switch '%s' cannot be "
		    "bypassed", p->name);
		return -1;
	}
	if (kind == ALARM_BYPASS && !(p->monitored && (m->has_low_low ||
	    m->has_high_high || m->has_max_rate || m->has_stale_after))) {
		errmsg_set(err, "bypass: point '%s' has no trip (monitor: "
		    "low_low, high_high, max_rate or stale_after) to bypass",
		    p->name);
		return -1;
	}
	return 0;
}

int
alarm_hold_check(const struct config *cfg, enum alarm_hold_kind kind,
    const char *source, double seconds, int *is_device, char err[ERR_LEN])
{
	const char *name = alarm_hold_name(kind);
	double max = kind == ALARM_BYPASS ? cfg->takeover.max_bypass :
	    cfg->alarms.max_shelve;
	const struct config_point *p = config_point_by_name(cfg, source);
	char text[32], limit[32];

	*is_device = 0;
	if (p == NULL && config_device_by_name(cfg, source) != NULL) {
		*is_device = 1;
		if (hold_check_device(cfg, kind, source, err) == -1)
			return -1;
	} else if (p == NULL) {
		errmsg_set(err, "%s: no point or device is called '%s'", name,
		    source);
		return -1;
	} else if (hold_check_point(cfg, kind, (size_t)(p - cfg->points),
	    err) == -1)
		return -1;
	if (!(seconds > 0)) {
		errmsg_set(err, "%s: the time must be longer than 0 (e.g. "
		    "--for 30m)", name);
		return -1;
	}
	if (seconds > max) {
		duration_text(seconds, text, sizeof text);
		duration_text(max, limit, sizeof limit);
		errmsg_set(err, "%s: '%s' for %s is more than %s (%s)", name,
		    source, text, kind == ALARM_BYPASS ? "takeover.max_bypass" :
		    "alarms.max_shelve", limit);
		return -1;
	}
	return 0;
}

double
alarm_limit(const struct config *cfg, const char *source, int is_device,
    enum monitor_kind kind, int *has)
{
	const struct config_device *d;
	const struct config_point *p;
	const struct config_monitor *m;

	*has = 0;
	if (is_device) {
		if ((d = config_device_by_name(cfg, source)) == NULL)
			return 0;
		*has = 1;
		return d->loss_after;
	}
	if ((p = config_point_by_name(cfg, source)) == NULL)
		return 0;
	m = &p->monitor;
	switch (kind) {
	case MONITOR_LOW:
		*has = m->has_low;
		return m->low;
	case MONITOR_HIGH:
		*has = m->has_high;
		return m->high;
	case MONITOR_LOW_LOW:
		*has = m->has_low_low;
		return m->low_low;
	case MONITOR_HIGH_HIGH:
		*has = m->has_high_high;
		return m->high_high;
	case MONITOR_RATE:
		*has = m->has_max_rate;
		return m->max_rate;
	case MONITOR_STALE:
		*has = m->has_stale_after;
		return m->stale_after;
	case MONITOR_DEVICE_LOSS:
		break;
	}
	return 0;
}
