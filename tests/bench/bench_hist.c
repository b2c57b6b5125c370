/*
 * bench_hist.c: log-linear latency histogram (the HdrHistogram layout,
 * simplified). Values below 2^(SUB_BITS+1) ns have a bucket each; above,
 * every power of two is split into 2^SUB_BITS equal buckets.
 */
#include "bench.h"

#define SUB_BITS 7
#define SUB_COUNT (1u << SUB_BITS)              /* buckets per octave */
#define EXACT_LIMIT (2u * SUB_COUNT)            /* below: one per ns */
#define MAX_MSB ((BENCH_HIST_BUCKETS - EXACT_LIMIT) / SUB_COUNT + SUB_BITS)

static unsigned
bench_hist_msb(uint64_t v)
{
	return 63u - (unsigned)__builtin_clzll(v);
}

static size_t
bench_hist_index(uint64_t ns)
{
	unsigned msb, shift;

	if (ns < EXACT_LIMIT)
		return (size_t)ns;
	msb = bench_hist_msb(ns);
	if (msb > MAX_MSB) {
		/* Over ~18 minutes: the last bucket is good enough. */
		return BENCH_HIST_BUCKETS - 1;
	}
	shift = msb - SUB_BITS;
	return EXACT_LIMIT + (size_t)(msb - SUB_BITS - 1) * SUB_COUNT +
	    (size_t)((ns >> shift) - SUB_COUNT);
}

/* The middle of bucket i, in ns. */
static double
bench_hist_value(size_t i)
{
	size_t octave, sub;
	unsigned shift;

	if (i < EXACT_LIMIT)
		return (double)i;
	octave = (i - EXACT_LIMIT) / SUB_COUNT;
	sub = (i - EXACT_LIMIT) % SUB_COUNT;
	shift = (unsigned)octave + 1;
	return (double)((uint64_t)(SUB_COUNT + sub) << shift) +
	    (double)((uint64_t)1 << shift) / 2.0;
}

void
bench_hist_record(struct bench_hist *hist, uint64_t ns)
{
	hist->count[bench_hist_index(ns)]++;
	hist->samples++;
}

void
bench_hist_merge(struct bench_hist *into, const struct bench_hist *from)
{
	size_t i;

	for (i = 0; i < BENCH_HIST_BUCKETS; i++)
		into->count[i] += from->count[i];
	into->samples += from->samples;
}

double
bench_hist_quantile(const struct bench_hist *hist, double q)
{
	uint64_t rank, seen = 0;
	size_t i;

	if (hist->samples == 0)
		return 0.0;
	/* The smallest value with at least q of the samples at or below it. */
	rank = (uint64_t)(q * (double)hist->samples);
	if ((double)rank < q * (double)hist->samples)
		rank++;
	if (rank == 0)
		rank = 1;
	for (i = 0; i < BENCH_HIST_BUCKETS; i++) {
		seen += hist->count[i];
		if (seen >= rank)
			return bench_hist_value(i);
	}
	return bench_hist_value(BENCH_HIST_BUCKETS - 1);
}
