/*
 * histogram.c: see histogram.h. Buckets are kept per bucket and summed
 * when rendered, so an observation costs one short search and two adds.
 */
#include "histogram.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define HISTOGRAM_NAME_MAX 200
#define HISTOGRAM_LINE_MAX (HISTOGRAM_NAME_MAX + 64)

static const double histogram_bounds[HISTOGRAM_BOUNDS] = {
	0.0001, 0.00025, 0.0005,
	0.001, 0.0025, 0.005,
	0.01, 0.025, 0.05,
	0.1, 0.25, 0.5,
	1, 2.5, 5,
};

void
histogram_observe(struct histogram *h, double seconds)
{
	size_t i;

	if (!isfinite(seconds))
		return;
	if (seconds < 0)
		seconds = 0;
	for (i = 0; i < HISTOGRAM_BOUNDS; i++)
		if (seconds <= histogram_bounds[i])
			break;
	h->counts[i]++;
	h->count++;
	h->sum += seconds;
}

double
histogram_bound(size_t i)
{
	return i < HISTOGRAM_BOUNDS ? histogram_bounds[i] : INFINITY;
}

static int
histogram_line(struct buf *out, const char *line, int len)
{
	if (len < 0 || len >= HISTOGRAM_LINE_MAX)
		return -1;
	return buf_append(out, line, (size_t)len);
}

int
histogram_render(const struct histogram *h, const char *name,
    const char *help, struct buf *out)
{
	char line[HISTOGRAM_LINE_MAX];
	uint64_t cumulative = 0;
	size_t i;

	if (strlen(name) > HISTOGRAM_NAME_MAX)
		return -1;
	if (buf_append(out, "# HELP ", 7) == -1 ||
	    buf_append(out, name, strlen(name)) == -1 ||
	    buf_append(out, " ", 1) == -1 ||
	    buf_append(out, help, strlen(help)) == -1 ||
	    histogram_line(out, line, snprintf(line, sizeof line,
	    "\n# TYPE %s histogram\n", name)) == -1)
		return -1;
	for (i = 0; i < HISTOGRAM_BOUNDS; i++) {
		cumulative += h->counts[i];
		if (histogram_line(out, line, snprintf(line, sizeof line,
		    "%s_bucket{le=\"%g\"} %llu\n", name, histogram_bounds[i],
		    (unsigned long long)cumulative)) == -1)
			return -1;
	}
	return histogram_line(out, line, snprintf(line, sizeof line,
	    "%s_bucket{le=\"+Inf\"} %llu\n%s_sum %.9g\n%s_count %llu\n",
	    name, (unsigned long long)h->count, name, h->sum, name,
	    (unsigned long long)h->count));
}
