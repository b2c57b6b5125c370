/*
 * console_trend.c: a ring of one value per second per point
 * (console_trend.h).
 */
#include <stdlib.h>
#include <string.h>

#include "console_trend.h"

struct trend_ring {
	char name[TREND_NAME_MAX];
	int64_t sec[TREND_SECONDS];     /* the second each slot holds */
	double val[TREND_SECONDS];
};

struct trend {
	struct trend_ring **rings;
	size_t n;
};

struct trend *
trend_new(void)
{
	return calloc(1, sizeof(struct trend));
}

void
trend_free(struct trend *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->n; i++)
		free(t->rings[i]);
	free(t->rings);
	free(t);
}

static struct trend_ring *
trend_find(const struct trend *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (strcmp(t->rings[i]->name, name) == 0)
			return t->rings[i];
	return NULL;
}

/* Seconds before 1970 do not occur; the slot of a negative second is
 * still in range. */
static size_t
trend_slot(int64_t sec)
{
	int64_t m = sec % TREND_SECONDS;

	return (size_t)(m < 0 ? m + TREND_SECONDS : m);
}

static struct trend_ring *
trend_ring_new(struct trend *t, const char *name)
{
	struct trend_ring *r, **rings;
	size_t i;

	if (t->n == TREND_POINTS_MAX)
		return NULL;
	if ((rings = realloc(t->rings, (t->n + 1) * sizeof *rings)) == NULL)
		return NULL;
	t->rings = rings;
	if ((r = malloc(sizeof *r)) == NULL)
		return NULL;
	memset(r->name, 0, sizeof r->name);
	memcpy(r->name, name, strlen(name));
	for (i = 0; i < TREND_SECONDS; i++)
		r->sec[i] = INT64_MIN;
	t->rings[t->n++] = r;
	return r;
}

int
trend_add(struct trend *t, const char *name, int64_t sec, double v)
{
	struct trend_ring *r;
	size_t slot;

	if (strlen(name) >= TREND_NAME_MAX)
		return -1;
	if ((r = trend_find(t, name)) == NULL &&
	    (r = trend_ring_new(t, name)) == NULL)
		return -1;
	slot = trend_slot(sec);
	/* A late value for a second the ring has moved past is dropped. */
	if (r->sec[slot] != INT64_MIN && r->sec[slot] > sec)
		return 0;
	r->sec[slot] = sec;
	r->val[slot] = v;
	return 0;
}

size_t
trend_get(const struct trend *t, const char *name, int64_t now,
    int64_t *secs, double *vals, size_t cap)
{
	const struct trend_ring *r = trend_find(t, name);
	int64_t s;
	size_t n = 0, slot;

	if (r == NULL)
		return 0;
	for (s = now - TREND_SECONDS + 1; s <= now && n < cap; s++) {
		slot = trend_slot(s);
		if (r->sec[slot] != s)
			continue;
		secs[n] = s;
		vals[n] = r->val[slot];
		n++;
	}
	return n;
}

size_t
trend_points(const struct trend *t)
{
	return t->n;
}
