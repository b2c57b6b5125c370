/*
 * histogram.h: a fixed-bucket latency histogram in the manner of
 * Prometheus: counts per bucket, a sum and a count, rendered as the
 * _bucket, _sum and _count series of one metric. Pure: the caller
 * measures, the histogram only counts.
 *
 * The buckets run 1-2.5-5 per decade from 100 µs to 5 s, which spans a
 * Modbus exchange from a fast local PLC to a device timeout. Bounds are
 * inclusive (Prometheus' le): an observation equal to a bound counts in
 * that bucket.
 */
#ifndef WARDEN_HISTOGRAM_H
#define WARDEN_HISTOGRAM_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define HISTOGRAM_BOUNDS 15     /* finite buckets; one more for +Inf */

/* All zeros is an empty histogram. */
struct histogram {
	uint64_t counts[HISTOGRAM_BOUNDS + 1];  /* per bucket, not cumulative */
	uint64_t count;
	double sum;                             /* seconds */
};

/*
 * Count one observation in seconds. A negative one (the clock stepped
 * back between the two readings) counts as 0; NaN and infinities are
 * ignored, since one would make the sum meaningless for good.
 */
void histogram_observe(struct histogram *h, double seconds);
/* The upper bound of finite bucket i (0 .. HISTOGRAM_BOUNDS - 1). */
double histogram_bound(size_t i);
/*
 * Append HELP, TYPE and the series of metric `name` (cumulative buckets
 * with le labels, +Inf, _sum, _count) in Prometheus text format. Returns
 * 0, or -1 when out of memory or name is longer than 200 bytes.
 */
int histogram_render(const struct histogram *h, const char *name,
    const char *help, struct buf *out);

#endif
