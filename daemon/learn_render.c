/*
 * learn_render.c: the proposal of `wardenctl learn` (learn_render.h).
 */
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "learn_render.h"

#define RENDER_LINE_MAX 1024

struct render {
	const struct config *cfg;
	const struct learn_table *t;
	double margin;
	struct buf *out;
	int failed;
	size_t items;                   /* points written, not commented */
};

/* What was observed of one point or address, in the units its limits
 * are written in. */
struct observed {
	const struct learn_entry *e;
	double min, max, step, rate;
};

/* Limits to propose; has_* 0: left out. */
struct proposal {
	int has_min, has_max, has_step, has_rate, has_interval;
	double min, max, step, rate, interval;
};

/* The domain limits live in: what the type holds, its resolution. */
struct domain {
	double lo, hi;
	unsigned decimals;
	int is_bool;
};

static void
put(struct render *r, const char *text, size_t len)
{
	if (!r->failed && buf_append(r->out, text, len) == -1)
		r->failed = 1;
}

static void __attribute__((format(printf, 2, 3)))
say(struct render *r, const char *fmt, ...)
{
	char line[RENDER_LINE_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (n < 0)
		r->failed = 1;
	else
		put(r, line, (size_t)n < sizeof line ? (size_t)n :
		    sizeof line - 1);
}

/* The fewest digits that read back as v. */
static const char *
num(char *text, size_t cap, double v)
{
	if (v == 0)
		v = 0;          /* no "-0" */
	snprintf(text, cap, "%.15g", v);
	if (strtod(text, NULL) != v)
		snprintf(text, cap, "%.17g", v);
	return text;
}
#define NUM(v) num((char[32]){ 0 }, 32, (v))

/* Seconds as a duration config_parse_duration() reads: whole or
 * fractional ms. */
static const char *
duration(char *text, size_t cap, double seconds)
{
	size_t len;

	snprintf(text, cap, "%.6f", seconds * 1000);
	len = strlen(text);
	while (len > 0 && text[len - 1] == '0')
		text[--len] = '\0';
	if (len > 0 && text[len - 1] == '.')
		text[--len] = '\0';
	snprintf(text + len, cap - len, "ms");
	return text;
}
#define DURATION(s) duration((char[48]){ 0 }, 48, (s))

static const char *
stamp(char *text, size_t cap, double t)
{
	time_t secs = (time_t)floor(t);
	struct tm tm;

	if (gmtime_r(&secs, &tm) == NULL ||
	    strftime(text, cap, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(text, cap, "%.0f", t);
	return text;
}
/* What was observed, for a comment: six digits are plenty. */
#define SHOW(v) show((char[32]){ 0 }, 32, (v))
static const char *
show(char *text, size_t cap, double v)
{
	snprintf(text, cap, "%.6g", v == 0 ? 0 : v);
	return text;
}

/* A time observed, for a comment, in ms to 0.1 ms. */
#define SHOW_MS(s) show_ms((char[48]){ 0 }, 48, (s))
static const char *
show_ms(char *text, size_t cap, double seconds)
{
	snprintf(text, cap, "%.1fms", seconds * 1000);
	return text;
}

#define STAMP(t) stamp((char[40]){ 0 }, 40, (t))

/* A YAML double-quoted scalar. */
static const char *
plural(uint64_t n)
{
	return n == 1 ? "" : "s";
}

static void
quoted(struct render *r, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	put(r, "\"", 1);
	for (; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			say(r, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			say(r, "\\x%02x", *p);
		else
			put(r, (const char *)p, 1);
	}
	put(r, "\"", 1);
}

/* "fc 3, 6" for the function codes in mask. */
static void
functions(char *text, size_t cap, uint32_t mask)
{
	size_t len = 0;
	unsigned fc;

	text[0] = '\0';
	for (fc = 0; fc < 32 && len < cap; fc++)
		if (mask & (1u << fc))
			len += (size_t)snprintf(text + len, cap - len, "%s%u",
			    len ? ", " : "fc ", fc);
}

/* ---- the limits ---- */

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

static void
propose(const struct observed *o, double margin, const struct domain *d,
    struct proposal *p)
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
		/* Rounding inside the type's range may not cross them. */
		p->min = fmin(p->min, o->min);
		p->max = fmax(p->max, o->max);
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

/* The comment of what the AI did: count, functions, since. */
static void
observed_line(struct render *r, const char *indent, const struct observed *o)
{
	const struct learn_entry *e = o->e;
	char fcs[128];

	functions(fcs, sizeof fcs, e->write_fcs);
	say(r, "%s# learned: %llu write%s (%s) since %s", indent,
	    (unsigned long long)e->writes, plural(e->writes), fcs,
	    STAMP(e->first));
	if (e->valued > 0)
		say(r, ", min %s, max %s", SHOW(o->min), SHOW(o->max));
	if (e->valued < e->writes)
		say(r, "; %llu of them with no one value (fc 22 leaving bits "
		    "to the device)", (unsigned long long)(e->writes -
		    e->valued));
	if (e->reads > 0)
		say(r, "; read %llu time%s", (unsigned long long)e->reads,
		    plural(e->reads));
	put(r, "\n", 1);
}

/* A learned write: block, each limit with what it came from. */
static void
write_block(struct render *r, const char *indent, const struct observed *o,
    const struct domain *d)
{
	const struct learn_entry *e = o->e;
	struct proposal p;

	propose(o, r->margin, d, &p);
	say(r, "%swrite:\n", indent);
	if (p.has_min)
		say(r, "%s  min: %s    # observed %s\n", indent, NUM(p.min),
		    SHOW(o->min));
	if (p.has_max)
		say(r, "%s  max: %s    # observed %s\n", indent, NUM(p.max),
		    SHOW(o->max));
	if (p.has_step)
		say(r, "%s  max_step: %s    # observed %s\n", indent,
		    NUM(p.step), SHOW(o->step));
	else if (!d->is_bool && e->has_step)
		say(r, "%s  # max_step: none, every write was the same value\n",
		    indent);
	if (p.has_rate)
		say(r, "%s  max_rate: %s    # per second; observed %s\n",
		    indent, NUM(p.rate), SHOW(o->rate));
	else if (!d->is_bool && e->rate_unbounded)
		say(r, "%s  # max_rate: none, two different values were "
		    "written in the same instant\n", indent);
	if (p.has_interval)
		say(r, "%s  min_interval: %s    # observed %s\n", indent,
		    DURATION(p.interval), SHOW_MS(e->min_interval));
	else if (e->has_interval)
		say(r, "%s  # min_interval: none, two writes came %s apart\n",
		    indent, SHOW_MS(e->min_interval));
	if (!p.has_min && !p.has_max && !p.has_step && !p.has_rate &&
	    !p.has_interval)
		say(r, "%s  # no limit learned: review by hand\n", indent);
}

/* ---- points of the config ---- */

static const char *
order_name(enum point_order order)
{
	switch (order) {
	case ORDER_ABCD:
		return "ABCD";
	case ORDER_CDAB:
		return "CDAB";
	case ORDER_BADC:
		return "BADC";
	case ORDER_DCBA:
		return "DCBA";
	}
	return "ABCD";
}

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
	}
	return "reject";
}

/* Engineering values of the raw ones the type holds. */
static void
point_domain(const struct config_point *pt, struct domain *d)
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
    struct observed *o)
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
    const struct observed *o)
{
	const struct config_write *w = &pt->write;
	const struct learn_entry *e = o->e;

	if (e->valued > 0 && w->has_min && o->min < w->min)
		say(r, "      # learned: min %s observed is below min %s: "
		    "enforce would refuse those writes\n", SHOW(o->min),
		    NUM(w->min));
	if (e->valued > 0 && w->has_max && o->max > w->max)
		say(r, "      # learned: max %s observed is above max %s: "
		    "enforce would refuse those writes\n", SHOW(o->max),
		    NUM(w->max));
	if (e->has_step && w->has_max_step && o->step > w->max_step)
		say(r, "      # learned: a step of %s observed is above "
		    "max_step %s\n", SHOW(o->step), NUM(w->max_step));
	if (e->has_rate && w->has_max_rate && (e->rate_unbounded ||
	    o->rate > w->max_rate))
		say(r, "      # learned: a rate of %s/s observed is above "
		    "max_rate %s\n", e->rate_unbounded ? "unbounded" :
		    SHOW(o->rate), NUM(w->max_rate));
	if (e->has_interval && w->has_min_interval &&
	    e->min_interval < w->min_interval)
		say(r, "      # learned: writes %s apart observed, under "
		    "min_interval %s\n", SHOW_MS(e->min_interval),
		    DURATION(w->min_interval));
}

static void
point_write(struct render *r, const struct config_point *pt,
    const struct observed *o, int written)
{
	const struct config_write *w = &pt->write;
	struct domain d;

	if (!pt->writable) {
		if (!written)
			return;
		say(r, "    # learned: the AI wrote this point, which has no "
		    "write:, so its limits are learned\n");
		point_domain(pt, &d);
		write_block(r, "    ", o, &d);
		return;
	}
	say(r, "    write:\n");
	if (written)
		point_breaches(r, pt, o);
	if (w->has_min)
		say(r, "      min: %s\n", NUM(w->min));
	if (w->has_max)
		say(r, "      max: %s\n", NUM(w->max));
	if (w->has_max_step)
		say(r, "      max_step: %s\n", NUM(w->max_step));
	if (w->has_max_rate)
		say(r, "      max_rate: %s\n", NUM(w->max_rate));
	if (w->has_min_interval)
		say(r, "      min_interval: %s\n", DURATION(w->min_interval));
	say(r, "      on_violation: %s\n", violation_name(w->on_violation));
}

static void
point_monitor(struct render *r, const struct config_monitor *m)
{
	say(r, "    monitor:\n");
	if (m->has_low)
		say(r, "      low: %s\n", NUM(m->low));
	if (m->has_high)
		say(r, "      high: %s\n", NUM(m->high));
	if (m->has_low_low)
		say(r, "      low_low: %s\n", NUM(m->low_low));
	if (m->has_high_high)
		say(r, "      high_high: %s\n", NUM(m->high_high));
	if (m->deadband != 0)
		say(r, "      deadband: %s\n", NUM(m->deadband));
	if (m->delay != 0)
		say(r, "      delay: %s\n", DURATION(m->delay));
	if (m->has_max_rate)
		say(r, "      max_rate: %s\n", NUM(m->max_rate));
	if (m->has_stale_after)
		say(r, "      stale_after: %s\n", DURATION(m->stale_after));
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
		say(r, "    # learned: read %llu time%s since %s\n",
		    (unsigned long long)reads, plural(reads), STAMP(first));
	else
		say(r, "    # learned: the AI neither read nor wrote it\n");
}

/* A point of the config in force, as it is, with what the AI did. */
static void
config_point(struct render *r, const struct config_point *pt)
{
	struct observed o;
	int written = point_observed(r, pt, &o);

	r->items++;
	say(r, "  - name: ");
	quoted(r, pt->name);
	say(r, "\n    device: ");
	quoted(r, r->cfg->devices[pt->device].name);
	say(r, "\n    table: %s\n    address: %u\n    data_type: %s\n",
	    config_table_name(pt->table), pt->address,
	    config_type_name(pt->type));
	if (pt->width == 2)
		say(r, "    byte_order: %s\n", order_name(pt->order));
	if (pt->type != TYPE_BOOL) {
		say(r, "    scale: %s\n", NUM(pt->scale));
		if (pt->offset != 0)
			say(r, "    offset: %s\n", NUM(pt->offset));
		say(r, "    precision: %u\n", pt->precision);
	}
	if (pt->unit[0] != '\0') {
		say(r, "    unit: ");
		quoted(r, pt->unit);
		put(r, "\n", 1);
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
	if (config_point_by_name(r->cfg, name) != NULL &&
	    strlen(name) + 8 < cap)
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
	say(r, "%s- name: ", lead);
	quoted(r, name);
	say(r, "\n%s  device: ", lead);
	quoted(r, r->cfg->devices[k->device].name);
	say(r, "\n%s  table: %s\n%s  address: %u\n", lead,
	    config_table_name((enum point_table)k->table), lead, k->address);
}

static void
new_point(struct render *r, const struct learn_entry *e)
{
	const struct learn_entry *pair = pair_at(r->t, &e->key);
	struct observed o = { pair ? pair : e, 0, 0, 0, 0 };
	struct domain d = { 0, UINT16_MAX, 0, 0 };

	o.min = o.e->min;
	o.max = o.e->max;
	o.step = o.e->max_step;
	o.rate = o.e->max_rate;
	point_head(r, 0, &e->key);
	if (pair != NULL) {
		d.hi = UINT32_MAX;
		say(r, "    data_type: uint32    # guess: every write here was "
		    "one fc %s of these 2 registers;\n"
		    "    byte_order: ABCD     # the width is proven, not the "
		    "type (int32, uint32, float32) nor the order\n",
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

	functions(fcs, sizeof fcs, e->read_fcs);
	say(r, "  # read %llu time%s (%s) since %s\n",
	    (unsigned long long)e->reads, plural(e->reads), fcs,
	    STAMP(e->first));
	point_head(r, !declared, &e->key);
}

static void
points_block(struct render *r, const struct learn_entry **sorted, size_t n)
{
	int declared = r->cfg->reads == READS_DECLARED, heading = 0;
	size_t i;

	say(r, "points:\n");
	if (r->cfg->n_points > 0)
		say(r, "  # The points of the config in force, with what the "
		    "AI did to them.\n");
	for (i = 0; i < r->cfg->n_points; i++)
		config_point(r, &r->cfg->points[i]);
	for (i = 0; i < n; i++) {
		const struct learn_entry *e = sorted[i];

		if (e->key.width != 1 || e->writes == 0 ||
		    covered(r->cfg, &e->key) || in_pair(r->t, &e->key))
			continue;
		if (!heading++)
			say(r, "  # Addresses the AI wrote that no point "
			    "covered: their limits are learned.\n");
		new_point(r, e);
	}
	heading = 0;
	for (i = 0; i < n; i++) {
		const struct learn_entry *e = sorted[i];

		if (e->key.width != 1 || e->writes != 0 ||
		    covered(r->cfg, &e->key) || in_pair(r->t, &e->key))
			continue;
		if (!heading++)
			say(r, declared ? "  # Addresses the AI only read: "
			    "points, since reads: declared.\n" :
			    "  # Addresses the AI only read: uncomment them "
			    "for reads: declared.\n");
		read_only(r, e, declared);
	}
	/* A key with comments only under it would be null. */
	if (r->items == 0)
		say(r, "  []\n");
}

/* ---- function codes ---- */

static int
fc_standard(unsigned fc)
{
	return (fc >= 1 && fc <= 6) || fc == 15 || fc == 16 || fc == 22 ||
	    fc == 23;
}

static void
functions_block(struct render *r)
{
	const struct learn_totals *tot = learn_table_totals(r->t);
	unsigned fc, n = 0;

	say(r, "# Function codes the AI used while learning (requests):");
	for (fc = 0; fc < 256; fc++)
		if (tot->functions[fc] > 0)
			say(r, " %u (%llu)", fc,
			    (unsigned long long)tot->functions[fc]);
	say(r, "\n");
	for (fc = 0; fc < 256; fc++)
		if (r->cfg->allow_functions[fc] && tot->functions[fc] == 0)
			say(r, "# left out, never used: %u\n", fc);
	say(r, "allow_functions: [");
	for (fc = 0; fc < 256; fc++)
		if (!fc_standard(fc) && tot->functions[fc] > 0)
			say(r, "%s%u", n++ ? ", " : "", fc);
	say(r, "]\n");
}

/* ---- the file ---- */

/* The top-level key a line starts, into key; 0 when it starts none. */
static int
top_key(const char *line, size_t len, char *key, size_t cap)
{
	size_t n = 0, i;

	if (len == 0 || !((line[0] >= 'a' && line[0] <= 'z') ||
	    (line[0] >= 'A' && line[0] <= 'Z') || line[0] == '_'))
		return 0;
	while (n < len && (line[n] == '_' || (line[n] >= 'a' &&
	    line[n] <= 'z') || (line[n] >= 'A' && line[n] <= 'Z') ||
	    (line[n] >= '0' && line[n] <= '9')))
		n++;
	for (i = n; i < len && line[i] == ' '; i++)
		;
	if (i >= len || line[i] != ':' || n >= cap)
		return 0;
	memcpy(key, line, n);
	key[n] = '\0';
	return 1;
}

static int
document_marker(const char *line, size_t len)
{
	return len >= 3 && (strncmp(line, "---", 3) == 0 ||
	    strncmp(line, "...", 3) == 0);
}

enum block { BLOCK_OTHER, BLOCK_MODE, BLOCK_FUNCTIONS, BLOCK_POINTS };

static enum block
block_of(const char *key)
{
	if (strcmp(key, "mode") == 0)
		return BLOCK_MODE;
	if (strcmp(key, "allow_functions") == 0)
		return BLOCK_FUNCTIONS;
	if (strcmp(key, "points") == 0)
		return BLOCK_POINTS;
	return BLOCK_OTHER;
}

static void
block_write(struct render *r, enum block b, const struct learn_entry **sorted,
    size_t n)
{
	switch (b) {
	case BLOCK_MODE:
		say(r, "mode: enforce    # learned in mode: monitor; review "
		    "the points first\n");
		break;
	case BLOCK_FUNCTIONS:
		functions_block(r);
		break;
	case BLOCK_POINTS:
		points_block(r, sorted, n);
		break;
	case BLOCK_OTHER:
		break;
	}
}

static void
header(struct render *r, double now)
{
	const struct learn_totals *tot = learn_table_totals(r->t);

	say(r, "# Proposed by wardenctl learn at %s (margin %s %%) from %s,\n"
	    "# what the AI did through wardend in mode: monitor since %s:\n"
	    "# %llu requests, %zu addresses kept of %zu", STAMP(now),
	    NUM(r->margin * 100), r->cfg->path ? r->cfg->path : "the config",
	    STAMP(tot->since), (unsigned long long)tot->requests,
	    tot->entries, tot->capacity);
	if (tot->dropped_reads + tot->dropped_writes > 0)
		say(r, "; the table was full: %llu reads and %llu writes of "
		    "other addresses were not kept (they are not below)",
		    (unsigned long long)tot->dropped_reads,
		    (unsigned long long)tot->dropped_writes);
	if (tot->partial > 0)
		say(r, "; %llu write%s of part of a 32-bit point",
		    (unsigned long long)tot->partial, plural(tot->partial));
	say(r, ".\n# The limits below are what the AI did, widened by the "
	    "margin, not what the\n# plant can take: review every one "
	    "before this file is put in force.\n");
}

/*
 * Comments and blank lines at the end of a block written anew belong to
 * what follows (a comment at column 0 before the next key): kept, from
 * *pending up to end. NONE: there are none.
 */
#define NONE ((size_t)-1)
static void
put_pending(struct render *r, const char *src, size_t *pending, size_t end)
{
	if (*pending != NONE) {
		put(r, src + *pending, end - *pending);
		if (src[end - 1] != '\n')
			put(r, "\n", 1);
	}
	*pending = NONE;
}

int
learn_render(const struct config *cfg, const struct learn_table *t,
    double margin, double now, struct buf *out)
{
	struct render r = { cfg, t, margin, out, 0, 0 };
	const struct learn_totals *tot = learn_table_totals(t);
	const struct learn_entry **sorted;
	const char *src = cfg->source ? cfg->source : "", *line, *nl;
	size_t len = cfg->source ? cfg->source_len : 0, n, at, ll;
	enum block current = BLOCK_OTHER;
	int done[BLOCK_POINTS + 1] = { 0 };
	size_t pending = NONE;
	char key[64];

	if ((sorted = calloc(tot->entries + 1, sizeof *sorted)) == NULL)
		return -1;
	n = learn_table_sorted(t, sorted);
	header(&r, now);
	for (at = 0; at < len; at += ll) {
		line = src + at;
		nl = memchr(line, '\n', len - at);
		ll = nl ? (size_t)(nl - line) + 1 : len - at;
		if (top_key(line, ll, key, sizeof key) ||
		    document_marker(line, ll)) {
			current = document_marker(line, ll) ? BLOCK_OTHER :
			    block_of(key);
			put_pending(&r, src, &pending, at);
		}
		if (current == BLOCK_OTHER) {
			put(&r, line, ll);
			if (nl == NULL)
				put(&r, "\n", 1);
		} else if (!done[current]++)
			block_write(&r, current, sorted, n);
		else if (line[0] == '#' || line[strspn(line, " \t\r")] ==
		    '\n' || line[strspn(line, " \t\r")] == '\0') {
			if (pending == NONE)
				pending = at;
		} else
			pending = NONE;
	}
	put_pending(&r, src, &pending, len);
	if (!done[BLOCK_MODE])
		block_write(&r, BLOCK_MODE, sorted, n);
	if (!done[BLOCK_FUNCTIONS])
		block_write(&r, BLOCK_FUNCTIONS, sorted, n);
	if (!done[BLOCK_POINTS])
		block_write(&r, BLOCK_POINTS, sorted, n);
	free(sorted);
	return r.failed ? -1 : 0;
}
