/*
 * safety_stats.c: a log-linear latency histogram (fixed size, so
 * recording never allocates and histograms merge by addition) and sample
 * sets small enough to keep whole.
 */
#include "safety.h"

#include <stdlib.h>

/* SAFETY_HIST_SUB = 2^6: values below it have a bucket each; above, each
 * power of two is cut into SAFETY_HIST_SUB equal buckets. */
#define SAFETY_HIST_SHIFT 6

static unsigned
safety_hist_bucket(uint64_t ns)
{
	unsigned e, b;

	if (ns < SAFETY_HIST_SUB)
		return (unsigned)ns;
	e = 63u - (unsigned)__builtin_clzll(ns);
	b = SAFETY_HIST_SUB * (e - SAFETY_HIST_SHIFT + 1) +
	    (unsigned)(ns >> (e - SAFETY_HIST_SHIFT)) - SAFETY_HIST_SUB;
	return b < SAFETY_HIST_BUCKETS ? b : SAFETY_HIST_BUCKETS - 1;
}

/* The middle of a bucket, in ns. */
static double
safety_hist_value(unsigned b)
{
	unsigned e, sub;
	double width;

	if (b < SAFETY_HIST_SUB)
		return (double)b;
	e = b / SAFETY_HIST_SUB - 1;    /* powers of two above 2^6 */
	sub = b % SAFETY_HIST_SUB;
	width = (double)(1ull << e);
	return (double)(SAFETY_HIST_SUB + sub) * width + width / 2.0;
}

void
safety_hist_record(struct safety_hist *h, uint64_t ns)
{
	h->count[safety_hist_bucket(ns)]++;
	h->samples++;
}

void
safety_hist_merge(struct safety_hist *into, const struct safety_hist *from)
{
	unsigned b;

	for (b = 0; b < SAFETY_HIST_BUCKETS; b++)
		into->count[b] += from->count[b];
	into->samples += from->samples;
}

double
safety_hist_quantile(const struct safety_hist *h, double q)
{
	uint64_t rank, seen = 0;
	unsigned b;

	if (h->samples == 0)
		return 0.0;
	rank = (uint64_t)(q * (double)h->samples + 0.999999);
	if (rank == 0)
		rank = 1;
	for (b = 0; b < SAFETY_HIST_BUCKETS; b++) {
		seen += h->count[b];
		if (seen >= rank)
			return safety_hist_value(b);
	}
	return safety_hist_value(SAFETY_HIST_BUCKETS - 1);
}

int
safety_samples_add(struct safety_samples *s, double value)
{
	double *grown;
	size_t cap;

	if (s->n == s->cap) {
		cap = s->cap ? s->cap * 2 : 128;
		grown = realloc(s->v, cap * sizeof(*grown));
		if (grown == NULL)
			return -1;
		s->v = grown;
		s->cap = cap;
	}
	s->v[s->n++] = value;
	return 0;
}

static int
safety_double_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double
safety_samples_quantile(struct safety_samples *s, double q)
{
	size_t rank;

	if (s->n == 0)
		return 0.0;
	qsort(s->v, s->n, sizeof(*s->v), safety_double_cmp);
	rank = (size_t)(q * (double)s->n + 0.999999);
	if (rank == 0)
		rank = 1;
	if (rank > s->n)
		rank = s->n;
	return s->v[rank - 1];
}

void
safety_samples_free(struct safety_samples *s)
{
	free(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
}
