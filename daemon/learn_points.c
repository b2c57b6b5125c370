/*
 * learn_points.c: the points: block of the proposal: the config's own
 * points, then the addresses learned (learn_render.h says what and how).
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "learn_limits.h"
#include "learn_render_internal.h"
#include "point.h"

/* The comment of what the AI did: count, functions, since. */
static void
observed_line(struct render *r, const char *indent,
    const struct learn_observed *o)
{
	const struct learn_entry *e = o->e;
	char fcs[128];

	learn_text_functions(fcs, sizeof fcs, e->write_fcs);
	learn_text_say(r, "%s# learned: %llu write%s (%s) since %s", indent,
	    (unsigned long long)e->writes, learn_text_plural(e->writes), fcs,
	    STAMP(e->first));
	if (e->valued > 0)
		learn_text_say(r, ", min %s, max %s", SHOW(o->min),
		    SHOW(o->max));
	if (e->valued < e->writes)
		learn_text_say(r, "; %llu of them with no one value (fc 22 "
		    "leaving bits to the device)",
		    (unsigned long long)(e->writes - e->valued));
	if (e->reads > 0)
		learn_text_say(r, "; read %llu time%s",
		    (unsigned long long)e->reads, learn_text_plural(e->reads));
	learn_text_put(r, "\n", 1);
}

/* A learned write: block, each limit with what it came from. */
static void
write_block(struct render *r, const char *indent,
    const struct learn_observed *o, const struct learn_domain *d)
{
	const struct learn_entry *e = o->e;
	struct learn_limits p;

	learn_limits_propose(o, r->margin, d, &p);
	learn_text_say(r, "%swrite:\n", indent);
	if (p.has_min)
		learn_text_say(r, "%s  min: %s    # observed %s\n", indent,
		    NUM(p.min), SHOW(o->min));
	if (p.has_max)
		learn_text_say(r, "%s  max: %s    # observed %s\n", indent,
		    NUM(p.max), SHOW(o->max));
	if (p.has_step)
		learn_text_say(r, "%s  max_step: %s    # observed %s\n", indent,
		    NUM(p.step), SHOW(o->step));
	else if (!d->is_bool && e->has_step)
		learn_text_say(r, "%s  # max_step: none, every write was the "
		    "same value\n", indent);
	if (p.has_rate)
		learn_text_say(r, "%s  max_rate: %s    # per second; observed "
		    "%s\n", indent, NUM(p.rate), SHOW(o->rate));
	else if (!d->is_bool && e->rate_unbounded)
		learn_text_say(r, "%s  # max_rate: none, two different values "
		    "were written in the same instant\n", indent);
	if (p.has_interval)
		learn_text_say(r, "%s  min_interval: %s    # observed %s\n",
		    indent, DURATION(p.interval), SHOW_MS(e->min_interval));
	else if (e->has_interval)
		learn_text_say(r, "%s  # min_interval: none, two writes came "
		    "%s apart\n", indent, SHOW_MS(e->min_interval));
	if (!p.has_min && !p.has_max && !p.has_step && !p.has_rate &&
	    !p.has_interval)
		learn_text_say(r, "%s  # no limit learned: review by hand\n",
		    indent);
}

/* ---- points of the config ---- */

static const char *
violation_name(enum on_violation v)
{
	switch (v) {
	case VIOLATION_REJECT:
		return "reject";
	case VIOLATION_CLAMP:
		return "clamp";
	case VIOLATION_TAKEOVER:
		return "takeover";
	case VIOLATION_RAMP:
		return "ramp";
	}
	return "reject";
}

/* Engineering values of the raw ones the type holds. */
static void
point_domain(const struct config_point *pt, struct learn_domain *d)
{
	double lo, hi;

	switch (pt->type) {
	case TYPE_BOOL:
		lo = 0, hi = 1;
		break;
	case TYPE_INT16:
		lo = INT16_MIN, hi = INT16_MAX;
		break;
	case TYPE_UINT16:
		lo = 0, hi = UINT16_MAX;
		break;
	case TYPE_INT32:
		lo = INT32_MIN, hi = INT32_MAX;
		break;
	case TYPE_UINT32:
		lo = 0, hi = UINT32_MAX;
		break;
	case TYPE_FLOAT32:
	default:
		lo = -FLT_MAX, hi = FLT_MAX;
		break;
	}
	d->is_bool = pt->type == TYPE_BOOL;
	if (!d->is_bool) {
		lo = lo * pt->scale + pt->offset;
		hi = hi * pt->scale + pt->offset;
	}
	d->lo = fmin(lo, hi);
	d->hi = fmax(lo, hi);
	d->decimals = pt->precision;
}

/* The entry of a point, its values in engineering units. */
static int
point_observed(const struct render *r, const struct config_point *pt,
    struct learn_observed *o)
{
	struct learn_key k = { (uint16_t)pt->device, (uint8_t)pt->table,
		(uint8_t)pt->width, pt->address };
	double scale = pt->type == TYPE_BOOL ? 1 : pt->scale;
	double offset = pt->type == TYPE_BOOL ? 0 : pt->offset;
	double a, b;

	if ((o->e = learn_table_find(r->t, &k)) == NULL || o->e->writes == 0)
		return 0;
	a = o->e->min * scale + offset;
	b = o->e->max * scale + offset;
	o->min = fmin(a, b);
	o->max = fmax(a, b);
	o->step = o->e->max_step * fabs(scale);
	o->rate = o->e->max_rate * fabs(scale);
	return 1;
}

/* The point's own limits against what the AI did while learning. */
static void
point_breaches(struct render *r, const struct config_point *pt,
    const struct learn_observed *o)
{
	const struct config_write *w = &pt->write;
	const struct learn_entry *e = o->e;

	if (e->valued > 0 && w->has_min && o->min < w->min)
		learn_text_say(r, "      # learned: min %s observed is below "
		    "min %s: enforce would refuse those writes\n", SHOW(o->min),
		    NUM(w->min));
	if (e->valued > 0 && w->has_max && o->max > w->max)
		learn_text_say(r, "      # learned: max %s observed is above "
		    "max %s: enforce would refuse those writes\n", SHOW(o->max),
		    NUM(w->max));
	if (e->has_step && w->has_max_step && o->step > w->max_step)
		learn_text_say(r, "      # learned: a step of %s observed is "
		    "above max_step %s\n", SHOW(o->step), NUM(w->max_step));
	if (e->has_rate && w->has_max_rate && (e->rate_unbounded ||
	    o->rate > w->max_rate))
		learn_text_say(r, "      # learned: a rate of %s/s observed is "
		    "above max_rate %s\n",
		    e->rate_unbounded ? "unbounded" : SHOW(o->rate),
		    NUM(w->max_rate));
	if (e->has_interval && w->has_min_interval &&
	    e->min_interval < w->min_interval)
		learn_text_say(r, "      # learned: writes %s apart observed, "
		    "under min_interval %s\n", SHOW_MS(e->min_interval),
		    DURATION(w->min_interval));
}

static void
point_write(struct render *r, const struct config_point *pt,
    const struct learn_observed *o, int written)
{
	const struct config_write *w = &pt->write;
	struct learn_domain d;

	if (!pt->writable) {
		if (!written)
			return;
		learn_text_say(r, "    # learned: the AI wrote this point, "
		    "which has no write:, so its limits are learned\n");
		point_domain(pt, &d);
		write_block(r, "    ", o, &d);
		return;
	}
	learn_text_say(r, "    write:\n");
	if (written)
		point_breaches(r, pt, o);
	if (w->has_min)
		learn_text_say(r, "      min: %s\n", NUM(w->min));
	if (w->has_max)
		learn_text_say(r, "      max: %s\n", NUM(w->max));
	if (w->has_max_step)
		learn_text_say(r, "      max_step: %s\n", NUM(w->max_step));
	if (w->has_max_rate)
		learn_text_say(r, "      max_rate: %s\n", NUM(w->max_rate));
	if (w->has_min_interval)
		learn_text_say(r, "      min_interval: %s\n",
		    DURATION(w->min_interval));
	learn_text_say(r, "      on_violation: %s\n",
	    violation_name(w->on_violation));
}

static void
point_monitor(struct render *r, const struct config_monitor *m)
{
	learn_text_say(r, "    monitor:\n");
	if (m->has_low)
		learn_text_say(r, "      low: %s\n", NUM(m->low));
	if (m->has_high)
		learn_text_say(r, "      high: %s\n", NUM(m->high));
	if (m->has_low_low)
		learn_text_say(r, "      low_low: %s\n", NUM(m->low_low));
	if (m->has_high_high)
		learn_text_say(r, "      high_high: %s\n", NUM(m->high_high));
	if (m->deadband != 0)
		learn_text_say(r, "      deadband: %s\n", NUM(m->deadband));
	if (m->delay != 0)
		learn_text_say(r, "      delay: %s\n", DURATION(m->delay));
	if (m->has_max_rate)
		learn_text_say(r, "      max_rate: %s\n", NUM(m->max_rate));
	if (m->has_stale_after)
		learn_text_say(r, "      stale_after: %s\n",
		    DURATION(m->stale_after));
}

/* The reads of a point the AI did not write: of the address of it read
 * most. */
static void
point_reads(struct render *r, const struct config_point *pt)
{
	struct learn_key k = { (uint16_t)pt->device, (uint8_t)pt->table, 1,
		pt->address };
	const struct learn_entry *e;
	uint64_t reads = 0;
	double first = 0;
	unsigned i;

	for (i = 0; i < pt->width; i++) {
		k.address = (uint16_t)(pt->address + i);
		if ((e = learn_table_find(r->t, &k)) == NULL || e->reads == 0)
			continue;
		if (reads == 0 || e->first < first)
			first = e->first;
		if (e->reads > reads)
			reads = e->reads;
	}
	if (reads > 0)
		learn_text_say(r, "    # learned: read %llu time%s since %s\n",
		    (unsigned long long)reads, learn_text_plural(reads),
		    STAMP(first));
	else
		learn_text_say(r, "    # learned: the AI neither read nor "
		    "wrote it\n");
}

/* A point of the config in force, as it is, with what the AI did. */
static void
config_point(struct render *r, const struct config_point *pt)
{
	struct learn_observed o;
	int written = point_observed(r, pt, &o);

	r->items++;
	learn_text_say(r, "  - name: ");
	learn_text_quoted(r, pt->name);
	learn_text_say(r, "\n    device: ");
	learn_text_quoted(r, r->cfg->devices[pt->device].name);
	learn_text_say(r, "\n    table: %s\n    address: %u\n    data_type: "
	    "%s\n", config_table_name(pt->table), pt->address,
	    config_type_name(pt->type));
	if (pt->width == 2)
		learn_text_say(r, "    byte_order: %s\n",
		    point_order_name(pt->order));
	if (pt->type != TYPE_BOOL) {
		learn_text_say(r, "    scale: %s\n", NUM(pt->scale));
		if (pt->offset != 0)
			learn_text_say(r, "    offset: %s\n", NUM(pt->offset));
		learn_text_say(r, "    precision: %u\n", pt->precision);
	}
	if (pt->unit[0] != '\0') {
		learn_text_say(r, "    unit: ");
		learn_text_quoted(r, pt->unit);
		learn_text_put(r, "\n", 1);
	}
	if (written)
		observed_line(r, "    ", &o);
	else
		point_reads(r, pt);
	point_write(r, pt, &o, written);
	if (pt->monitored)
		point_monitor(r, &pt->monitor);
}

/* ---- addresses no point covers ---- */

static int
covered(const struct config *cfg, const struct learn_key *k)
{
	unsigned i;

	for (i = 0; i < k->width; i++)
		if ((uint32_t)k->address + i > UINT16_MAX ||
		    config_point_at(cfg, k->device, k->table,
		    (uint16_t)(k->address + i)) != NULL)
			return 1;
	return 0;
}

static const struct learn_entry *
find(const struct learn_table *t, const struct learn_key *k, int width,
    long address)
{
	struct learn_key x = *k;

	if (address < 0 || address > UINT16_MAX)
		return NULL;
	x.width = (uint8_t)width;
	x.address = (uint16_t)address;
	return learn_table_find(t, &x);
}

/* Every write to k's address and the next was one write of the pair:
 * the pair entry, else NULL. */
static const struct learn_entry *
pair_at(const struct learn_table *t, const struct learn_key *k)
{
	const struct learn_entry *pair = find(t, k, 2, k->address);
	const struct learn_entry *lo = find(t, k, 1, k->address);
	const struct learn_entry *hi = find(t, k, 1, (long)k->address + 1);

	if (pair == NULL || lo == NULL || hi == NULL || k->width != 1 ||
	    pair->writes != lo->writes || pair->writes != hi->writes)
		return NULL;
	return pair;
}

static int
in_pair(const struct learn_table *t, const struct learn_key *k)
{
	const struct learn_entry *prev = find(t, k, 1, (long)k->address - 1);

	return prev != NULL && pair_at(t, &prev->key) != NULL;
}

static void
new_name(const struct render *r, const struct learn_key *k, char *name,
    size_t cap)
{
	const char *device = r->cfg->devices[k->device].name;
	int n;

	n = snprintf(name, cap, "%s_%s_%u", device,
	    config_table_name((enum point_table)k->table), k->address);
	if (n < 0 || (size_t)n >= cap)
		snprintf(name, cap, "learned_%u_%s_%u", k->device,
		    config_table_name((enum point_table)k->table), k->address);
	if (config_point_by_name(r->cfg,
	    name) != NULL && strlen(name) + 8 < cap)
		strcat(name, "_learned");
}

/* A new point's first lines; commented: as a comment, for the
 * engineer to take or leave. */
static void
point_head(struct render *r, int commented, const struct learn_key *k)
{
	const char *lead = commented ? "  # " : "  ";
	char name[CONFIG_NAME_MAX];

	new_name(r, k, name, sizeof name);
	if (!commented)
		r->items++;
	learn_text_say(r, "%s- name: ", lead);
	learn_text_quoted(r, name);
	learn_text_say(r, "\n%s  device: ", lead);
	learn_text_quoted(r, r->cfg->devices[k->device].name);
	learn_text_say(r, "\n%s  table: %s\n%s  address: %u\n", lead,
	    config_table_name((enum point_table)k->table), lead, k->address);
}

static void
new_point(struct render *r, const struct learn_entry *e)
{
	const struct learn_entry *pair = pair_at(r->t, &e->key);
	struct learn_observed o = { pair ? pair : e, 0, 0, 0, 0 };
	struct learn_domain d = { 0, UINT16_MAX, 0, 0 };

	o.min = o.e->min;
	o.max = o.e->max;
	o.step = o.e->max_step;
	o.rate = o.e->max_rate;
	point_head(r, 0, &e->key);
	if (pair != NULL) {
		d.hi = UINT32_MAX;
		learn_text_say(r, "    data_type: uint32    # guess: every "
		    "write here was one fc %s of these 2 registers;\n    "
		    "byte_order: ABCD     # the width is proven, not the type "
		    "(int32, uint32, float32) nor the order\n",
		    pair->write_fcs & (1u << 23) ? "16 or 23" : "16");
	} else if (e->key.table == TABLE_COIL) {
		d.hi = 1;
		d.is_bool = 1;
	}
	observed_line(r, "    ", &o);
	write_block(r, "    ", &o, &d);
}

static void
read_only(struct render *r, const struct learn_entry *e, int declared)
{
	char fcs[128];

	learn_text_functions(fcs, sizeof fcs, e->read_fcs);
	learn_text_say(r, "  # read %llu time%s (%s) since %s\n",
	    (unsigned long long)e->reads, learn_text_plural(e->reads), fcs,
	    STAMP(e->first));
	point_head(r, !declared, &e->key);
}

void
learn_points_write(struct render *r, const struct learn_entry **sorted,
    size_t n)
{
	int declared = r->cfg->reads == READS_DECLARED, heading = 0;
	size_t i;

	learn_text_say(r, "points:\n");
	if (r->cfg->n_points > 0)
		learn_text_say(r, "  # The points of the config in force, with "
		    "what the AI did to them.\n");
	for (i = 0; i < r->cfg->n_points; i++)
		config_point(r, &r->cfg->points[i]);
	for (i = 0; i < n; i++) {
		const struct learn_entry *e = sorted[i];

		if (e->key.width != 1 || e->writes == 0 || covered(r->cfg,
		    &e->key) || in_pair(r->t, &e->key))
			continue;
		if (!heading++)
			learn_text_say(r, "  # Addresses the AI wrote that no "
			    "point covered: their limits are learned.\n");
		new_point(r, e);
	}
	heading = 0;
	for (i = 0; i < n; i++) {
		const struct learn_entry *e = sorted[i];

		if (e->key.width != 1 || e->writes != 0 || covered(r->cfg,
		    &e->key) || in_pair(r->t, &e->key))
			continue;
		if (!heading++)
			learn_text_say(r, declared ? "  # Addresses the AI "
			    "only read: points, since reads: declared.\n" : "  "
			    "# Addresses the AI only read: uncomment them for "
			    "reads: declared.\n");
		read_only(r, e, declared);
	}
	/* A key with comments only under it would be null. */
	if (r->items == 0)
		learn_text_say(r, "  []\n");
}
