/*
 * config_points.c: points into struct config: data type and table, write
 * bounds, monitor thresholds; then the per-device address tables that let
 * the request path find a point without searching, and the checks that
 * need them (overlaps, the life bit).
 *
 * A key the shape pass could not read is left at its default; checks that
 * would judge the point by that default stay silent rather than repeat
 * the shape pass's error as another.
 */
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_internal.h"

#define ADDRESS_COUNT 65536
/* point.device of a point whose device is unknown */
#define NO_DEVICE UINT_MAX
/* Beyond this a double shows noise, not digits. */
#define PRECISION_MAX 10
/* Decimals a float32 shows unless its scale needs more. */
#define FLOAT_PRECISION 3

static int table_holds_bits(enum point_table table)
{
	return table == TABLE_COIL || table == TABLE_DISCRETE;
}

static int table_writable(enum point_table table)
{
	return table == TABLE_COIL || table == TABLE_HOLDING;
}

static unsigned type_width(enum point_type type)
{
	return type == TYPE_INT32 || type == TYPE_UINT32 ||
	    type == TYPE_FLOAT32 ? 2 : 1;
}

void config_point_range(const struct config_point *p, double *lo,
    double *hi)
{
	double raw_lo, raw_hi, a, b;

	switch (p->type) {
	case TYPE_BOOL:
		*lo = 0;
		*hi = 1;
		return;
	case TYPE_INT16:
		raw_lo = INT16_MIN, raw_hi = INT16_MAX;
		break;
	case TYPE_UINT16:
		raw_lo = 0, raw_hi = UINT16_MAX;
		break;
	case TYPE_INT32:
		raw_lo = INT32_MIN, raw_hi = INT32_MAX;
		break;
	case TYPE_UINT32:
		raw_lo = 0, raw_hi = UINT32_MAX;
		break;
	default:
		raw_lo = -FLT_MAX, raw_hi = FLT_MAX;
		break;
	}
	a = raw_lo * p->scale + p->offset;
	b = raw_hi * p->scale + p->offset;
	*lo = a < b ? a : b;
	*hi = a < b ? b : a;
}

long config_point_index(const struct config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->n_points; i++)
		if (strcmp(cfg->points[i].name, name) == 0)
			return (long)i;
	return -1;
}

static long points_device(const struct config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->n_devices; i++)
		if (strcmp(cfg->devices[i].name, name) == 0)
			return (long)i;
	return -1;
}

/* Silent when a device's name could not be read: it may be the one. */
static void points_no_device(struct config_build *b, const char *path,
    const char *name)
{
	const struct config *cfg = b->cfg;
	const char *best = NULL;
	unsigned distance = 3;

	for (size_t d = 0; d < cfg->n_devices; d++) {
		if (config_build_unread(b, "devices[%zu].name", d))
			return;
		config_closer(name, cfg->devices[d].name, &best, &distance);
	}
	config_build_unknown(b, path, "device", name, best);
}

/* Table and data type read as written: the point's type is known. */
static int point_typed(const struct config_build *b, size_t i)
{
	return !config_build_unread(b, "points[%zu].table", i) &&
	    !config_build_unread(b, "points[%zu].data_type", i);
}

int config_point_understood(const struct config_build *b, size_t i)
{
	return point_typed(b, i) &&
	    !config_build_unread(b, "points[%zu].scale", i) &&
	    !config_build_unread(b, "points[%zu].offset", i);
}

static int point_whole(double x)
{
	return fabs(x - round(x)) <= 1e-9 * fmax(1, fabs(x));
}

/* Decimals that show every step of the raw value: scale 0.01 -> 2. */
static unsigned point_default_precision(const struct config_point *p)
{
	unsigned d = 0;
	double ten = 1;

	if (p->type == TYPE_BOOL)
		return 0;
	while (d < 6 && !(point_whole(p->scale * ten) &&
	    point_whole(p->offset * ten))) {
		d++;
		ten *= 10;
	}
	if (p->type == TYPE_FLOAT32 && d < FLOAT_PRECISION)
		d = FLOAT_PRECISION;
	return d;
}

static void point_build_precision(struct config_build *b, size_t i,
    const struct raw_point *raw, struct config_point *p)
{
	char path[CONFIG_PATH_MAX];

	p->precision = point_default_precision(p);
	if (!raw->precision)
		return;
	snprintf(path, sizeof(path), "points[%zu].precision", i);
	if (p->type == TYPE_BOOL && point_typed(b, i))
		config_build_error(b, path, "precision: a bool point shows 0 "
		    "or 1 and takes none");
	else if (*raw->precision < 0 || *raw->precision > PRECISION_MAX)
		config_build_error(b, path, "precision: %lld is out of range "
		    "0..%d (decimals shown)", (long long)*raw->precision,
		    PRECISION_MAX);
	else
		p->precision = (unsigned)*raw->precision;
}

static void point_build_type(struct config_build *b, size_t i,
    const struct raw_point *raw, struct config_point *p)
{
	char path[CONFIG_PATH_MAX];
	int typed = point_typed(b, i);

	p->type = raw->data_type ? *raw->data_type :
	    table_holds_bits(p->table) ? TYPE_BOOL : TYPE_UINT16;
	p->width = type_width(p->type);
	snprintf(path, sizeof(path), "points[%zu].data_type", i);
	if (typed && table_holds_bits(p->table) && p->type != TYPE_BOOL)
		config_build_error(b, path, "data_type %s does not fit a %s: "
		    "%s points hold single bits (bool)",
		    config_type_name(p->type), config_table_name(p->table),
		    config_table_name(p->table));
	p->order = raw->byte_order ? *raw->byte_order : ORDER_ABCD;
	snprintf(path, sizeof(path), "points[%zu].byte_order", i);
	if (typed && p->width == 1 && p->order != ORDER_ABCD)
		config_build_error(b, path, "byte_order applies to 32-bit "
		    "types only (int32, uint32, float32), not %s",
		    config_type_name(p->type));
	p->scale = raw->scale ? *raw->scale : 1;
	p->offset = raw->offset ? *raw->offset : 0;
	snprintf(path, sizeof(path), "points[%zu].scale", i);
	if (p->scale == 0)
		config_build_error(b, path, "scale must not be 0");
	if (typed && p->type == TYPE_BOOL && (p->scale != 1 ||
	    p->offset != 0))
		config_build_error(b, path, "a bool point takes no scale or "
		    "offset");
}

/*
 * Modicon references count from 1 behind a digit that names the table:
 * discrete 10001, input 30001, holding 40001 (and 100001, 300001,
 * 400001 in six digits). Coils (00001) look like plain addresses.
 */
static long modicon_base(enum point_table table, int64_t address,
    int *digits)
{
	static const long five[TABLE_COUNT] = { 0, 10000, 30000, 40000 };
	long base = five[table];

	*digits = 5;
	if (base && address > base && address < base + 10000)
		return base;
	*digits = 6;
	base *= 10;
	if (base && address > base && address <= base + ADDRESS_COUNT)
		return base;
	return -1;
}

void config_check_modicon(struct config_build *b, const char *path,
    enum point_table table, int64_t address)
{
	int digits;
	long base = modicon_base(table, address, &digits);

	if (base < 0 || digits != 5)
		return;
	config_build_warning(b, path, "%s address %lld looks like a Modicon "
	    "reference (%ldxxxx): the protocol address is usually %lld",
	    config_table_name(table), (long long)address, base / 10000,
	    (long long)(address - base - 1));
}

static void point_address_range(struct config_build *b, const char *path,
    enum point_table table, int64_t address)
{
	int digits;
	long base = modicon_base(table, address, &digits);

	if (base >= 0 && digits == 6)
		config_build_error(b, path, "address %lld is out of range "
		    "0..65535; it looks like a Modicon reference (%ldxxxxx): "
		    "the protocol address is usually %lld", (long long)address,
		    base / 100000, (long long)(address - base - 1));
	else
		config_build_error(b, path, "address %lld is out of range "
		    "0..65535", (long long)address);
}

/* Returns 1 when the point can go into the address tables. */
static int point_build_place(struct config_build *b, size_t i,
    const struct raw_point *raw, struct config_point *p)
{
	char path[CONFIG_PATH_MAX];
	long device = points_device(b->cfg, raw->device);
	int typed = point_typed(b, i);

	snprintf(path, sizeof(path), "points[%zu].device", i);
	if (device < 0)
		points_no_device(b, path, raw->device);
	p->device = device < 0 ? NO_DEVICE : (unsigned)device;
	snprintf(path, sizeof(path), "points[%zu].address", i);
	if (raw->address < 0 || raw->address > ADDRESS_COUNT - 1) {
		point_address_range(b, path, p->table, raw->address);
		return 0;
	}
	p->address = (uint16_t)raw->address;
	if (typed && raw->address + p->width > ADDRESS_COUNT) {
		config_build_error(b, path, "%s at address %u runs past the "
		    "last address, 65535", config_type_name(p->type),
		    p->address);
		return 0;
	}
	config_check_modicon(b, path, p->table, raw->address);
	return typed && device >= 0 && (p->type == TYPE_BOOL ||
	    !table_holds_bits(p->table));
}

/*
 * on_violation: ramp walks the point to the value asked for within
 * max_step and max_rate (ramp.h): it needs one of them, a value that can
 * be walked (not a bool), and a max_step of at least one raw count, or
 * no step could ever be taken.
 */
static void point_check_ramp(struct config_build *b, size_t i,
    const struct config_point *p, int judged)
{
	const struct config_write *w = &p->write;
	char path[CONFIG_PATH_MAX];

	if (w->on_violation != VIOLATION_RAMP)
		return;
	snprintf(path, sizeof(path), "points[%zu].write.on_violation", i);
	if (!w->has_max_step && !w->has_max_rate)
		config_build_error(b, path, "on_violation: ramp needs max_step "
		    "or max_rate to walk within");
	else if (judged && p->type == TYPE_BOOL)
		config_build_error(b, path, "on_violation: ramp cannot walk a "
		    "bool point; use reject, clamp or takeover");
	else if (judged && w->has_max_step && p->type != TYPE_FLOAT32 &&
	    w->max_step < fabs(p->scale))
		config_build_error(b, path, "on_violation: ramp with max_step "
		    "%g, less than one raw count (scale %g): no step could be "
		    "taken", w->max_step, fabs(p->scale));
}

/* min <= max, positive steps, bounds the point's type can hold. */
static void point_check_write(struct config_build *b, size_t i,
    const struct config_point *p)
{
	const struct config_write *w = &p->write;
	char path[CONFIG_PATH_MAX];
	int judged = config_point_understood(b, i);
	double lo, hi;

	snprintf(path, sizeof(path), "points[%zu].write.min", i);
	if (w->has_min && w->has_max && w->min > w->max)
		config_build_error(b, path, "min %g > max %g", w->min, w->max);
	/* A type left at its default cannot judge the bounds. */
	config_point_range(p, &lo, &hi);
	if (judged && w->has_min && p->type == TYPE_BOOL && w->min != 0 &&
	    w->min != 1)
		config_build_error(b, path, "min %g: a bool point's bounds are "
		    "0 or 1", w->min);
	else if (judged && w->has_min && (w->min < lo || w->min > hi))
		config_build_error(b, path, "min %g is outside what %s%s can "
		    "hold (%g..%g)", w->min, config_type_name(p->type),
		    p->scale != 1 || p->offset != 0 ? " with its scale and "
		    "offset" : "", lo, hi);
	snprintf(path, sizeof(path), "points[%zu].write.max", i);
	if (judged && w->has_max && p->type == TYPE_BOOL && w->max != 0 &&
	    w->max != 1)
		config_build_error(b, path, "max %g: a bool point's bounds are "
		    "0 or 1", w->max);
	else if (judged && w->has_max && (w->max < lo || w->max > hi))
		config_build_error(b, path, "max %g is outside what %s%s can "
		    "hold (%g..%g)", w->max, config_type_name(p->type),
		    p->scale != 1 || p->offset != 0 ? " with its scale and "
		    "offset" : "", lo, hi);
	snprintf(path, sizeof(path), "points[%zu].write.max_step", i);
	if (w->has_max_step && w->max_step <= 0)
		config_build_error(b, path, "max_step must be greater than 0");
	snprintf(path, sizeof(path), "points[%zu].write.max_rate", i);
	if (w->has_max_rate && w->max_rate <= 0)
		config_build_error(b, path, "max_rate must be greater than 0");
	point_check_ramp(b, i, p, judged);
}

static void point_build_write(struct config_build *b, size_t i,
    const struct raw_write *raw, struct config_point *p)
{
	struct config_write *w = &p->write;
	char path[CONFIG_PATH_MAX];

	if (!raw)
		return;
	p->writable = 1;
	snprintf(path, sizeof(path), "points[%zu].write", i);
	w->line = config_build_line(b, path);
	if (!table_writable(p->table) &&
	    !config_build_unread(b, "points[%zu].table", i))
		config_build_error(b, path, "write: %s points are read-only; "
		    "only coil and holding points can be written",
		    config_table_name(p->table));
	w->has_min = raw->min != NULL;
	w->min = raw->min ? *raw->min : 0;
	w->has_max = raw->max != NULL;
	w->max = raw->max ? *raw->max : 0;
	w->has_max_step = raw->max_step != NULL;
	w->max_step = raw->max_step ? *raw->max_step : 0;
	w->has_max_rate = raw->max_rate != NULL;
	w->max_rate = raw->max_rate ? *raw->max_rate : 0;
	snprintf(path, sizeof(path), "points[%zu].write.min_interval", i);
	w->has_min_interval = raw->min_interval != NULL;
	w->min_interval = config_build_duration(b, path, raw->min_interval,
	    0, 1);
	w->on_violation = raw->on_violation;
	point_check_write(b, i, p);
}

/* Present thresholds must run low_low <= low <= high <= high_high. */
static void point_check_thresholds(struct config_build *b, size_t i,
    const struct config_monitor *m)
{
	const struct { const char *key; int has; double value; } steps[] = {
		{ "low_low", m->has_low_low, m->low_low },
		{ "low", m->has_low, m->low },
		{ "high", m->has_high, m->high },
		{ "high_high", m->has_high_high, m->high_high },
	};
	char path[CONFIG_PATH_MAX];
	int last = -1;

	for (int s = 0; s < 4; s++) {
		if (!steps[s].has)
			continue;
		if (last >= 0 && steps[last].value > steps[s].value) {
			snprintf(path, sizeof(path), "points[%zu].monitor.%s",
			    i, steps[s].key);
			config_build_error(b, path, "monitor %s %g > %s %g: "
			    "thresholds must run low_low <= low <= high <= "
			    "high_high", steps[last].key, steps[last].value,
			    steps[s].key, steps[s].value);
		}
		last = s;
	}
}

static void point_build_monitor(struct config_build *b, size_t i,
    const struct raw_monitor *raw, struct config_point *p)
{
	struct config_monitor *m = &p->monitor;
	char path[CONFIG_PATH_MAX];

	if (!raw)
		return;
	p->monitored = 1;
	snprintf(path, sizeof(path), "points[%zu].monitor", i);
	m->line = config_build_line(b, path);
#define MONITOR_TAKE(key) \
	m->has_##key = raw->key != NULL; \
	m->key = raw->key ? *raw->key : 0
	MONITOR_TAKE(low);
	MONITOR_TAKE(high);
	MONITOR_TAKE(low_low);
	MONITOR_TAKE(high_high);
	MONITOR_TAKE(max_rate);
#undef MONITOR_TAKE
	point_check_thresholds(b, i, m);
	m->deadband = raw->deadband ? *raw->deadband : 0;
	snprintf(path, sizeof(path), "points[%zu].monitor.deadband", i);
	if (m->deadband < 0)
		config_build_error(b, path, "deadband must not be negative");
	snprintf(path, sizeof(path), "points[%zu].monitor.max_rate", i);
	if (m->has_max_rate && m->max_rate <= 0)
		config_build_error(b, path, "max_rate must be greater than 0");
	snprintf(path, sizeof(path), "points[%zu].monitor.delay", i);
	m->delay = config_build_duration(b, path, raw->delay, 0, 0);
	snprintf(path, sizeof(path), "points[%zu].monitor.stale_after", i);
	m->has_stale_after = raw->stale_after != NULL;
	m->stale_after = config_build_duration(b, path, raw->stale_after, 0,
	    1);
}

/* Returns 1 when the point can go into the address tables. */
static int point_build(struct config_build *b, size_t i)
{
	const struct raw_point *raw = &b->raw->points[i];
	struct config_point *p = &b->cfg->points[i];
	char path[CONFIG_PATH_MAX];
	const char *problem;
	int placeable;

	snprintf(p->name, sizeof(p->name), "%s", raw->name);
	snprintf(b->subject, sizeof(b->subject), "point '%s': ", p->name);
	snprintf(path, sizeof(path), "points[%zu]", i);
	p->line = config_build_line(b, path);
	snprintf(path, sizeof(path), "points[%zu].name", i);
	problem = config_name_problem(raw->name);
	if (problem)
		config_build_error(b, path, "name: %s", problem);
	p->table = raw->table;
	point_build_type(b, i, raw, p);
	placeable = point_build_place(b, i, raw, p);
	snprintf(p->unit, sizeof(p->unit), "%s", raw->unit ? raw->unit : "");
	point_build_precision(b, i, raw, p);
	point_build_write(b, i, raw->write, p);
	point_build_monitor(b, i, raw->monitor, p);
	b->subject[0] = '\0';
	return placeable;
}

struct name_slot {
	const char *name;
	size_t index;
};

static int name_slot_compare(const void *a, const void *b)
{
	const struct name_slot *x = a, *y = b;
	int by_name = strcmp(x->name, y->name);

	if (by_name)
		return by_name;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* Sorting finds duplicates without comparing every pair. */
static void points_check_names(struct config_build *b)
{
	const struct config *cfg = b->cfg;
	struct name_slot *slots;
	char path[CONFIG_PATH_MAX];

	if (cfg->n_points < 2)
		return;
	slots = malloc(cfg->n_points * sizeof(*slots));
	if (!slots) {
		b->errs->out_of_memory = 1;
		return;
	}
	for (size_t i = 0; i < cfg->n_points; i++)
		slots[i] = (struct name_slot){ cfg->points[i].name, i };
	qsort(slots, cfg->n_points, sizeof(*slots), name_slot_compare);
	for (size_t i = 1; i < cfg->n_points; i++) {
		if (strcmp(slots[i - 1].name, slots[i].name) != 0)
			continue;
		snprintf(path, sizeof(path), "points[%zu].name",
		    slots[i].index);
		config_build_error(b, path, "point name '%s' is already used "
		    "on line %d", slots[i].name,
		    cfg->points[slots[i - 1].index].line);
	}
	free(slots);
}

/* Index point i at every address it spans, unless another is there. */
static void points_index_one(struct config_build *b, size_t i)
{
	struct config *cfg = b->cfg;
	const struct config_point *p = &cfg->points[i];
	uint32_t **table = &cfg->point_by_address[p->device][p->table];
	char path[CONFIG_PATH_MAX];

	if (!*table) {
		*table = calloc(ADDRESS_COUNT, sizeof(**table));
		if (!*table) {
			b->errs->out_of_memory = 1;
			return;
		}
	}
	for (unsigned k = 0; k < p->width; k++) {
		uint32_t other = (*table)[p->address + k];
		if (!other)
			continue;
		snprintf(path, sizeof(path), "points[%zu].address", i);
		config_build_error(b, path, "point '%s' overlaps point '%s' "
		    "(line %d): both use %s address %u of device '%s'",
		    p->name, cfg->points[other - 1].name,
		    cfg->points[other - 1].line, config_table_name(p->table),
		    p->address + k, cfg->devices[p->device].name);
		return;
	}
	for (unsigned k = 0; k < p->width; k++)
		(*table)[p->address + k] = (uint32_t)(i + 1);
}

/* The heartbeat is wardend's alone: the AI must not be able to fake it. */
static void points_check_life_bits(struct config_build *b)
{
	const struct config *cfg = b->cfg;
	char path[CONFIG_PATH_MAX];

	for (size_t d = 0; d < cfg->n_devices; d++) {
		const struct config_device *dev = &cfg->devices[d];
		const struct config_point *p;
		if (!dev->has_life_bit)
			continue;
		p = config_point_at(cfg, (unsigned)d, TABLE_HOLDING,
		    dev->life_bit_address);
		if (!p || !p->writable)
			continue;
		snprintf(path, sizeof(path), "devices[%zu].life_bit.address",
		    d);
		config_build_error(b, path, "device '%s': life_bit address %u "
		    "is point '%s', which the AI may write; the heartbeat "
		    "must be wardend's alone", dev->name,
		    dev->life_bit_address, p->name);
	}
}

void config_points_build(struct config_build *b)
{
	struct config *cfg = b->cfg;
	size_t n = b->raw->points_count;
	unsigned char *placeable;

	cfg->points = calloc(n ? n : 1, sizeof(*cfg->points));
	placeable = calloc(n ? n : 1, 1);
	cfg->point_by_address = calloc(cfg->n_devices ? cfg->n_devices : 1,
	    sizeof(*cfg->point_by_address));
	if (!cfg->points || !placeable || !cfg->point_by_address) {
		free(placeable);
		b->errs->out_of_memory = 1;
		return;
	}
	cfg->n_points = n;
	for (size_t i = 0; i < n; i++)
		placeable[i] = (unsigned char)point_build(b, i);
	points_check_names(b);
	for (size_t i = 0; i < n && !b->errs->out_of_memory; i++)
		if (placeable[i])
			points_index_one(b, i);
	free(placeable);
	points_check_life_bits(b);
}

/*
 * The index of the point a key names, or -1: reported, with the
 * likeliest meant, unless a point's name could not be read (it may be
 * that one).
 */
long config_build_point(struct config_build *b, const char *path,
    const char *name)
{
	const struct config *cfg = b->cfg;
	long index = config_point_index(cfg, name);
	const char *best = NULL;
	unsigned distance = 3;

	if (index >= 0 || config_build_unread(b, "points"))
		return index;
	for (size_t i = 0; i < cfg->n_points; i++) {
		if (config_build_unread(b, "points[%zu].name", i))
			return -1;
		config_closer(name, cfg->points[i].name, &best, &distance);
	}
	config_build_unknown(b, path, "point", name, best);
	return -1;
}
