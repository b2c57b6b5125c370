/*
 * config_takeover.c: the takeover block: key switch, repeated violations,
 * AI silence, device loss, isolation and the safe state. Runs after the
 * points are built, since most of it names points.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_internal.h"

/* Beyond this a window would never fill: a typo. */
#define VIOLATIONS_COUNT_LIMIT 1000000

static void takeover_build_switch(struct config_build *b,
    const struct raw_switch *raw)
{
	struct config_takeover *t = &b->cfg->takeover;
	long index;

	if (!raw)
		return;
	snprintf(b->subject, sizeof(b->subject), "takeover.switch: ");
	index = config_build_point(b, "takeover.switch.point", raw->point);
	if (index >= 0 && config_point_understood(b, (size_t)index) &&
	    b->cfg->points[index].type != TYPE_BOOL)
		config_build_error(b, "takeover.switch.point", "point '%s' is "
		    "%s; a key switch must be a bool point (a discrete input, "
		    "a coil or a bool register)", raw->point,
		    config_type_name(b->cfg->points[index].type));
	t->switch_active = raw->active ? *raw->active : 1;
	if (t->switch_active != 0 && t->switch_active != 1)
		config_build_error(b, "takeover.switch.active", "active must be "
		    "0 or 1 (the value of the bool point that means 'on')");
	t->has_switch = index >= 0;
	t->switch_point = index >= 0 ? (unsigned)index : 0;
	b->subject[0] = '\0';
}

static void takeover_build_violations(struct config_build *b,
    const struct raw_violations *raw)
{
	struct config_takeover *t = &b->cfg->takeover;

	if (!raw)
		return;
	if (raw->count < 1 || raw->count > VIOLATIONS_COUNT_LIMIT)
		config_build_error(b, "takeover.on_violations.count", "count: "
		    "%lld is out of range 1..%d (violations that take over "
		    "within the window)", (long long)raw->count,
		    VIOLATIONS_COUNT_LIMIT);
	else
		t->violations_count = (unsigned)raw->count;
	t->violations_within = config_build_duration(b,
	    "takeover.on_violations.within", raw->within, 0, 1);
	t->has_on_violations = t->violations_count > 0 &&
	    t->violations_within > 0;
}

/* A safe value must be one the device accepts and the bounds allow. */
static void takeover_check_safe_value(struct config_build *b,
    const char *path, const struct config_point *p, double value)
{
	double lo, hi;

	config_point_range(p, &lo, &hi);
	if (!(p->table == TABLE_COIL || p->table == TABLE_HOLDING))
		config_build_error(b, path, "point '%s' is in the %s table, "
		    "which cannot be written; a safe state needs coil or "
		    "holding points", p->name, config_table_name(p->table));
	else if (p->type == TYPE_BOOL && value != 0 && value != 1)
		config_build_error(b, path, "value %g for bool point '%s' must "
		    "be 0 or 1", value, p->name);
	else if (value < lo || value > hi)
		config_build_error(b, path, "value %g for '%s' is outside what "
		    "it can hold (%g..%g)", value, p->name, lo, hi);
	else if (p->writable && p->write.has_min && value < p->write.min)
		config_build_error(b, path, "value %g for '%s' is below its "
		    "write min %g", value, p->name, p->write.min);
	else if (p->writable && p->write.has_max && value > p->write.max)
		config_build_error(b, path, "value %g for '%s' is above its "
		    "write max %g", value, p->name, p->write.max);
}

static void takeover_build_safe_value(struct config_build *b, size_t i,
    const struct raw_safe_value *raw)
{
	struct config_takeover *t = &b->cfg->takeover;
	struct config_safe_value *sv = &t->safe_state[t->n_safe_state];
	char path[CONFIG_PATH_MAX];
	long index;

	snprintf(path, sizeof(path), "takeover.safe_state[%zu]", i);
	sv->line = config_build_line(b, path);
	snprintf(path, sizeof(path), "takeover.safe_state[%zu].point", i);
	index = config_build_point(b, path, raw->point);
	if (index < 0)
		return;
	for (size_t j = 0; j < t->n_safe_state; j++) {
		if (t->safe_state[j].point == (unsigned)index) {
			config_build_error(b, path, "point '%s' already has "
			    "a safe value on line %d", raw->point,
			    t->safe_state[j].line);
			return;
		}
	}
	snprintf(path, sizeof(path), "takeover.safe_state[%zu].value", i);
	if (config_point_understood(b, (size_t)index))
		takeover_check_safe_value(b, path, &b->cfg->points[index],
		    raw->value);
	sv->point = (unsigned)index;
	sv->value = raw->value;
	sv->hold = raw->hold ? *raw->hold : 1;
	t->n_safe_state++;
}

static void takeover_build_safe_state(struct config_build *b,
    const struct raw_takeover *raw)
{
	struct config_takeover *t = &b->cfg->takeover;

	if (raw->safe_state_count == 0)
		return;
	t->safe_state = calloc(raw->safe_state_count, sizeof(*t->safe_state));
	if (!t->safe_state) {
		b->errs->out_of_memory = 1;
		return;
	}
	snprintf(b->subject, sizeof(b->subject), "safe_state: ");
	for (size_t i = 0; i < raw->safe_state_count; i++)
		takeover_build_safe_value(b, i, &raw->safe_state[i]);
	b->subject[0] = '\0';
}

void config_takeover_build(struct config_build *b)
{
	const struct raw_takeover *raw = b->raw->takeover;
	struct config_takeover *t = &b->cfg->takeover;

	t->switch_active = 1;
	t->on_device_loss = DEVICE_LOSS_OFF;
	t->isolate = ISOLATE_WRITES;
	t->max_bypass = 8 * 3600.;
	if (!raw)
		return;
	t->max_bypass = config_build_duration(b, "takeover.max_bypass",
	    raw->max_bypass, t->max_bypass, 1);
	takeover_build_switch(b, raw->switch_);
	takeover_build_violations(b, raw->on_violations);
	t->ai_silence = config_build_duration(b, "takeover.ai_silence",
	    raw->ai_silence, 0, 1);
	t->on_device_loss = raw->on_device_loss;
	t->isolate = raw->isolate;
	takeover_build_safe_state(b, raw);
}
