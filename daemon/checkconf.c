/*
 * checkconf.c: "configuration OK", then one row per point so a plant
 * engineer can read back every point as wardend understood it: where it
 * is, how its registers become a value, and every limit; and the
 * warnings of a configuration that loads, for -t and the log.
 */
#include "checkconf.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

static const char *violation_names[] = { "reject", "clamp", "takeover",
	"ramp" };
static const char *order_names[] = { "ABCD", "CDAB", "BADC", "DCBA" };

/* Room for any double, "%.17g" or fixed with up to 17 decimals. */
#define CHECKCONF_NUMBER 48

/*
 * v with the point's precision, or as many more decimals as it takes to
 * show it exactly: a limit is read back as it is enforced, not rounded.
 */
static const char *
checkconf_number(char *buf, size_t len, double v, unsigned precision)
{
	int p;

	if (fabs(v) < 1e15) {
		for (p = (int)precision; p <= 17; p++) {
			snprintf(buf, len, "%.*f", p, v);
			if (strtod(buf, NULL) == v)
				return buf;
		}
	}
	for (p = 1; p < 17; p++) {
		snprintf(buf, len, "%.*g", p, v);
		if (strtod(buf, NULL) == v)
			return buf;
	}
	snprintf(buf, len, "%.17g", v);
	return buf;
}

/* Append "<label><v><suffix> " to buf; v in the point's units. */
static void
checkconf_append(char *buf, size_t len, const char *label, double v,
    unsigned precision, const char *suffix)
{
	char num[CHECKCONF_NUMBER];
	size_t used = strlen(buf);

	if (used < len)
		snprintf(buf + used, len - used, "%s%s%s ", label,
		    checkconf_number(num, sizeof num, v, precision), suffix);
}

/* Append "<label><seconds>s " to buf. */
static void
checkconf_append_time(char *buf, size_t len, const char *label, double v)
{
	size_t used = strlen(buf);

	if (used < len)
		snprintf(buf + used, len - used, "%s%gs ", label, v);
}

static void
checkconf_write_limits(const struct config_point *p, char *buf, size_t len)
{
	const struct config_write *wr = &p->write;
	unsigned prec = p->precision;

	if (!p->writable) {
		snprintf(buf, len, "read-only ");
		return;
	}
	snprintf(buf, len, "write ");
	if (wr->has_min)
		checkconf_append(buf, len, "min=", wr->min, prec, "");
	if (wr->has_max)
		checkconf_append(buf, len, "max=", wr->max, prec, "");
	if (wr->has_max_step)
		checkconf_append(buf, len, "step=", wr->max_step, prec, "");
	if (wr->has_max_rate)
		checkconf_append(buf, len, "rate=", wr->max_rate, prec, "/s");
	if (wr->has_min_interval)
		checkconf_append_time(buf, len, "interval=", wr->min_interval);
	snprintf(buf + strlen(buf), len - strlen(buf), "%s ",
	    violation_names[wr->on_violation]);
}

static void
checkconf_monitor_limits(const struct config_point *p, char *buf, size_t len)
{
	const struct config_monitor *m = &p->monitor;
	unsigned prec = p->precision;

	if (!p->monitored)
		return;
	snprintf(buf + strlen(buf), len - strlen(buf), " monitor ");
	if (m->has_low_low)
		checkconf_append(buf, len, "LL=", m->low_low, prec, "");
	if (m->has_low)
		checkconf_append(buf, len, "L=", m->low, prec, "");
	if (m->has_high)
		checkconf_append(buf, len, "H=", m->high, prec, "");
	if (m->has_high_high)
		checkconf_append(buf, len, "HH=", m->high_high, prec, "");
	if (m->deadband > 0)
		checkconf_append(buf, len, "db=", m->deadband, prec, "");
	if (m->delay > 0)
		checkconf_append_time(buf, len, "delay=", m->delay);
	if (m->has_max_rate)
		checkconf_append(buf, len, "rate=", m->max_rate, prec, "/s");
	if (m->has_stale_after)
		checkconf_append_time(buf, len, "stale=", m->stale_after);
}

/* One point's cells; scale and offset exact, like the limits. */
struct checkconf_row {
	char scale[CHECKCONF_NUMBER];
	char offset[CHECKCONF_NUMBER];
	char limits[640];
};

static void
checkconf_row(const struct config_point *p, struct checkconf_row *r)
{
	size_t n;

	checkconf_number(r->scale, sizeof r->scale, p->scale, 0);
	checkconf_number(r->offset, sizeof r->offset, p->offset, 0);
	checkconf_write_limits(p, r->limits, sizeof r->limits);
	checkconf_monitor_limits(p, r->limits, sizeof r->limits);
	n = strlen(r->limits);
	while (n > 0 && r->limits[n - 1] == ' ')
		r->limits[--n] = '\0';
}

/* Column widths: as wide as the widest cell, or the header. */
struct checkconf_widths {
	int name, device, scale, offset, unit;
};

static int
checkconf_max(int width, const char *cell)
{
	int n = (int)strlen(cell);

	return n > width ? n : width;
}

static void
checkconf_measure(const struct config *cfg, struct checkconf_widths *w)
{
	struct checkconf_row r;
	size_t i;

	*w = (struct checkconf_widths){ 5, 6, 5, 6, 4 };
	for (i = 0; i < cfg->n_points; i++) {
		const struct config_point *p = &cfg->points[i];

		checkconf_row(p, &r);
		w->name = checkconf_max(w->name, p->name);
		w->device = checkconf_max(w->device,
		    cfg->devices[p->device].name);
		w->scale = checkconf_max(w->scale, r.scale);
		w->offset = checkconf_max(w->offset, r.offset);
		w->unit = checkconf_max(w->unit, p->unit);
	}
}

void
checkconf_print(const struct config *cfg, FILE *out)
{
	struct checkconf_widths w;
	struct checkconf_row r;
	size_t i;

	fprintf(out, "configuration OK\n");
	fprintf(out, "mode %s, %zu devices, %zu points\n",
	    cfg->mode == MODE_MONITOR ? "monitor" : "enforce",
	    cfg->n_devices, cfg->n_points);
	if (cfg->n_points == 0)
		return;
	checkconf_measure(cfg, &w);
	/* DESIGN's columns first, where scripts read them; then the rest. */
	fprintf(out, "%-*s %-*s %-8s %5s %-7s %-*s %-5s %*s %*s %4s %s\n",
	    w.name, "point", w.device, "device", "table", "addr", "type",
	    w.unit, "unit", "order", w.scale, "scale", w.offset, "offset",
	    "prec", "limits");
	for (i = 0; i < cfg->n_points; i++) {
		const struct config_point *p = &cfg->points[i];

		checkconf_row(p, &r);
		fprintf(out, "%-*s %-*s %-8s %5u %-7s %-*s %-5s %*s %*s %4u "
		    "%s\n", w.name, p->name, w.device,
		    cfg->devices[p->device].name, config_table_name(p->table),
		    p->address, config_type_name(p->type), w.unit,
		    p->unit[0] ? p->unit : "-",
		    p->width == 2 ? order_names[p->order] : "-", w.scale,
		    r.scale, w.offset, r.offset, p->precision, r.limits);
	}
}

void
checkconf_log_warnings(const struct config *cfg, const char *prefix)
{
	const char *line = cfg->warnings;
	size_t len;

	while (line != NULL && *line != '\0') {
		len = strcspn(line, "\n");
		log_warnx("%s%.*s", prefix, (int)len, line);
		line += len + (line[len] == '\n');
	}
}
