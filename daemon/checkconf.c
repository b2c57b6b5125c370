/*
 * checkconf.c: "configuration OK", then one row per point so a plant
 * engineer can read back every limit as wardend understood it.
 */
#include "checkconf.h"

#include <string.h>

static const char *violation_names[] = { "reject", "clamp", "takeover" };

/* Append "<label><v><suffix> " to buf. */
static void
checkconf_append(char *buf, size_t len, const char *label, double v,
    const char *suffix)
{
	size_t used = strlen(buf);

	if (used < len)
		snprintf(buf + used, len - used, "%s%g%s ", label, v, suffix);
}

static void
checkconf_write_limits(const struct config_point *p, char *buf, size_t len)
{
	const struct config_write *wr = &p->write;

	buf[0] = '\0';
	if (!p->writable) {
		snprintf(buf, len, "read-only");
		return;
	}
	if (wr->has_min)
		checkconf_append(buf, len, "min=", wr->min, "");
	if (wr->has_max)
		checkconf_append(buf, len, "max=", wr->max, "");
	if (wr->has_max_step)
		checkconf_append(buf, len, "step=", wr->max_step, "");
	if (wr->has_max_rate)
		checkconf_append(buf, len, "rate=", wr->max_rate, "/s");
	if (wr->has_min_interval)
		checkconf_append(buf, len, "interval=", wr->min_interval, "s");
	snprintf(buf + strlen(buf), len - strlen(buf), "%s",
	    violation_names[wr->on_violation]);
}

static void
checkconf_monitor_limits(const struct config_point *p, char *buf, size_t len)
{
	const struct config_monitor *m = &p->monitor;

	buf[0] = '\0';
	if (!p->monitored) {
		snprintf(buf, len, "-");
		return;
	}
	if (m->has_low_low)
		checkconf_append(buf, len, "LL=", m->low_low, "");
	if (m->has_low)
		checkconf_append(buf, len, "L=", m->low, "");
	if (m->has_high)
		checkconf_append(buf, len, "H=", m->high, "");
	if (m->has_high_high)
		checkconf_append(buf, len, "HH=", m->high_high, "");
	if (m->deadband > 0)
		checkconf_append(buf, len, "db=", m->deadband, "");
	if (m->delay > 0)
		checkconf_append(buf, len, "delay=", m->delay, "s");
	if (m->has_max_rate)
		checkconf_append(buf, len, "rate=", m->max_rate, "/s");
	if (m->has_stale_after)
		checkconf_append(buf, len, "stale=", m->stale_after, "s");
	if (buf[0] != '\0')
		buf[strlen(buf) - 1] = '\0';
}

void
checkconf_print(const struct config *cfg, FILE *out)
{
	char wr[160], mon[160];
	size_t i;

	fprintf(out, "configuration OK\n");
	fprintf(out, "mode %s, %zu devices, %zu points\n",
	    cfg->mode == MODE_MONITOR ? "monitor" : "enforce",
	    cfg->n_devices, cfg->n_points);
	if (cfg->n_points == 0)
		return;
	fprintf(out, "%-20s %-12s %-8s %6s %-8s %-6s %-44s %s\n", "point",
	    "device", "table", "addr", "type", "unit", "write", "monitor");
	for (i = 0; i < cfg->n_points; i++) {
		const struct config_point *p = &cfg->points[i];

		checkconf_write_limits(p, wr, sizeof wr);
		checkconf_monitor_limits(p, mon, sizeof mon);
		fprintf(out, "%-20s %-12s %-8s %6u %-8s %-6s %-44s %s\n",
		    p->name, cfg->devices[p->device].name,
		    config_table_name(p->table), p->address,
		    config_type_name(p->type), p->unit[0] ? p->unit : "-",
		    wr, mon);
	}
}
