/*
 * learn_json.c: the learned statistics as JSON (learn_json.h).
 */
#include <stdio.h>
#include <stdlib.h>

#include "learn_json.h"

static void
fcs_array(struct json *out, const char *key, uint32_t mask)
{
	unsigned fc;

	json_key(out, key);
	json_array_begin(out);
	for (fc = 0; fc < 32; fc++)
		if (mask & (1u << fc))
			json_uint(out, fc);
	json_array_end(out);
}

static void
entry_json(const struct config *cfg, const struct learn_entry *e,
    struct json *out)
{
	const struct config_point *pt = config_point_at(cfg, e->key.device,
	    (enum point_table)e->key.table, e->key.address);

	json_object_begin(out);
	json_kv_string(out, "device", cfg->devices[e->key.device].name);
	json_kv_string(out, "table",
	    config_table_name((enum point_table)e->key.table));
	json_kv_uint(out, "address", e->key.address);
	json_kv_uint(out, "width", e->key.width);
	if (pt != NULL && pt->address == e->key.address &&
	    pt->width == e->key.width)
		json_kv_string(out, "point", pt->name);
	json_kv_uint(out, "reads", e->reads);
	json_kv_uint(out, "writes", e->writes);
	fcs_array(out, "read_functions", e->read_fcs);
	fcs_array(out, "write_functions", e->write_fcs);
	json_kv_double(out, "first", e->first);
	if (e->valued > 0) {
		json_kv_double(out, "min", e->min);
		json_kv_double(out, "max", e->max);
	}
	if (e->has_seen)
		json_kv_double(out, "seen", e->seen);
	if (e->has_step)
		json_kv_double(out, "max_step", e->max_step);
	if (e->has_rate) {
		if (!e->rate_unbounded)
			json_kv_double(out, "max_rate", e->max_rate);
		json_kv_bool(out, "rate_unbounded", e->rate_unbounded);
	}
	if (e->has_interval)
		json_kv_double(out, "min_interval", e->min_interval);
	json_object_end(out);
}

int
learn_json(const struct config *cfg, const struct learn_table *t,
    struct json *out)
{
	const struct learn_totals *tot = learn_table_totals(t);
	const struct learn_entry **sorted;
	char fc[4];
	size_t i, n;
	unsigned f;

	if ((sorted = calloc(tot->entries + 1, sizeof *sorted)) == NULL)
		return -1;
	n = learn_table_sorted(t, sorted);
	json_kv_double(out, "since", tot->since);
	json_kv_uint(out, "requests", tot->requests);
	json_kv_uint(out, "capacity", tot->capacity);
	json_kv_uint(out, "addresses", tot->entries);
	json_kv_uint(out, "dropped_reads", tot->dropped_reads);
	json_kv_uint(out, "dropped_writes", tot->dropped_writes);
	json_kv_uint(out, "partial", tot->partial);
	json_key(out, "functions");
	json_object_begin(out);
	for (f = 0; f < 256; f++) {
		if (tot->functions[f] == 0)
			continue;
		snprintf(fc, sizeof fc, "%u", f);
		json_kv_uint(out, fc, tot->functions[f]);
	}
	json_object_end(out);
	json_key(out, "entries");
	json_array_begin(out);
	for (i = 0; i < n; i++)
		entry_json(cfg, sorted[i], out);
	json_array_end(out);
	free(sorted);
	return 0;
}
