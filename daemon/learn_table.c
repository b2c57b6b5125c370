/*
 * learn_table.c: the statistics of monitor mode (learn_table.h). Open
 * addressing over twice as many slots as entries may be used, so that a
 * probe stays short when the table is full; nothing is ever removed.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "learn_table.h"

struct learn_table {
	struct learn_totals totals;
	size_t mask;                    /* slots - 1, slots a power of 2 */
	size_t read_room;               /* entries reads may fill */
	struct learn_entry *slots;
};

struct learn_table *
learn_table_new(size_t capacity, double now)
{
	struct learn_table *t;
	size_t slots = 8;

	if (capacity < 4)
		capacity = 4;
	while (slots < 2 * capacity)
		slots *= 2;
	if ((t = calloc(1, sizeof *t)) == NULL)
		return NULL;
	if ((t->slots = calloc(slots, sizeof *t->slots)) == NULL) {
		free(t);
		return NULL;
	}
	t->mask = slots - 1;
	t->totals.capacity = capacity;
	t->totals.since = now;
	t->read_room = capacity / 4 * 3;
	return t;
}

void
learn_table_free(struct learn_table *t)
{
	if (t == NULL)
		return;
	free(t->slots);
	free(t);
}

static int
key_equal(const struct learn_key *a, const struct learn_key *b)
{
	return a->device == b->device && a->table == b->table &&
	    a->width == b->width && a->address == b->address;
}

static size_t
key_hash(const struct learn_key *k)
{
	uint64_t h = (uint64_t)k->device << 32 | (uint64_t)k->table << 24 |
	    (uint64_t)k->width << 16 | k->address;

	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 32;
	return (size_t)h;
}

/* The key's slot: its entry, or the empty slot where it would go. */
static struct learn_entry *
slot_of(const struct learn_table *t, const struct learn_key *key)
{
	size_t i = key_hash(key) & t->mask;

	while (t->slots[i].used && !key_equal(&t->slots[i].key, key))
		i = (i + 1) & t->mask;
	return &t->slots[i];
}

/* The key's entry, made when there is room for it (room: the entries
 * this kind of observation may fill); NULL when full. */
static struct learn_entry *
entry_get(struct learn_table *t, const struct learn_key *key, size_t room,
    double now)
{
	struct learn_entry *e = slot_of(t, key);

	if (e->used)
		return e;
	if (t->totals.entries >= room)
		return NULL;
	memset(e, 0, sizeof *e);
	e->used = 1;
	e->key = *key;
	e->first = now;
	t->totals.entries++;
	return e;
}

static uint32_t
fc_bit(uint8_t fc)
{
	return fc < 32 ? 1u << fc : 0;
}

void
learn_table_request(struct learn_table *t, uint8_t fc)
{
	t->totals.requests++;
	t->totals.functions[fc]++;
}

void
learn_table_read(struct learn_table *t, const struct learn_key *key,
    uint8_t fc, double now)
{
	struct learn_entry *e = entry_get(t, key, t->read_room, now);

	if (e == NULL) {
		t->totals.dropped_reads++;
		return;
	}
	e->reads++;
	e->read_fcs |= fc_bit(fc);
}

/* Step, rate and the value itself, from a write with one value. */
static void
entry_value(struct learn_entry *e, double value, double now)
{
	double step, dt, base = 0;
	int has_base = 0;

	if (e->valued > 0) {
		has_base = 1;
		base = e->last;
	}
	if (e->has_seen && (e->valued == 0 || e->seen_at >= e->last_at)) {
		has_base = 1;
		base = e->seen;
	}
	if (has_base) {
		step = fabs(value - base);
		if (!e->has_step || step > e->max_step)
			e->max_step = step;
		e->has_step = 1;
	}
	if (e->valued > 0) {
		step = fabs(value - e->last);
		dt = now - e->last_at;
		if (dt < LEARN_SAME_INSTANT) {
			if (step > 0)
				e->rate_unbounded = 1;
		} else if (!e->has_rate || step / dt > e->max_rate)
			e->max_rate = step / dt;
		e->has_rate = 1;
	}
	if (e->valued == 0 || value < e->min)
		e->min = value;
	if (e->valued == 0 || value > e->max)
		e->max = value;
	e->valued++;
	e->last = value;
	e->last_at = now;
}

void
learn_table_write(struct learn_table *t, const struct learn_key *key,
    uint8_t fc, int has_value, double value, double now)
{
	struct learn_entry *e = entry_get(t, key, t->totals.capacity, now);
	double dt;

	if (e == NULL) {
		t->totals.dropped_writes++;
		return;
	}
	if (e->writes > 0) {
		dt = now - e->last_write_at;
		if (dt < 0)
			dt = 0;         /* the clock stepped back */
		if (!e->has_interval || dt < e->min_interval)
			e->min_interval = dt;
		e->has_interval = 1;
	}
	e->writes++;
	e->write_fcs |= fc_bit(fc);
	e->last_write_at = now;
	if (has_value && isfinite(value))
		entry_value(e, value, now);
}

void
learn_table_seen(struct learn_table *t, const struct learn_key *key,
    double value, double now)
{
	struct learn_entry *e = slot_of(t, key);

	if (!e->used || !isfinite(value))
		return;
	e->has_seen = 1;
	e->seen = value;
	e->seen_at = now;
}

void
learn_table_partial(struct learn_table *t)
{
	t->totals.partial++;
}

const struct learn_entry *
learn_table_find(const struct learn_table *t, const struct learn_key *key)
{
	const struct learn_entry *e = slot_of(t, key);

	return e->used ? e : NULL;
}

const struct learn_totals *
learn_table_totals(const struct learn_table *t)
{
	return &t->totals;
}

static int
entry_order(const void *a, const void *b)
{
	const struct learn_entry *const *ea = a, *const *eb = b;
	const struct learn_key *x = &(*ea)->key, *y = &(*eb)->key;

	if (x->device != y->device)
		return x->device < y->device ? -1 : 1;
	if (x->table != y->table)
		return x->table < y->table ? -1 : 1;
	if (x->address != y->address)
		return x->address < y->address ? -1 : 1;
	if (x->width != y->width)
		return x->width < y->width ? -1 : 1;
	return 0;
}

size_t
learn_table_sorted(const struct learn_table *t,
    const struct learn_entry **out)
{
	size_t i, n = 0;

	for (i = 0; i <= t->mask; i++)
		if (t->slots[i].used)
			out[n++] = &t->slots[i];
	qsort(out, n, sizeof *out, entry_order);
	return n;
}
