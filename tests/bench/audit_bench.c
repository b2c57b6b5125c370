/*
 * audit_bench.c: microseconds per audit record (see audit_bench.h).
 */
#include "audit_bench.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"

static double
monotonic_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double
audit_bench_us_per_record(const char *dir, unsigned n)
{
	char path[4096], err[ERR_LEN];
	struct audit *a;
	double start, now = 0;
	unsigned i;
	int failed = 0;

	snprintf(path, sizeof path, "%s/audit_bench.jsonl", dir);
	unlink(path);
	if ((a = audit_open(path, 1.0, err)) == NULL) {
		fprintf(stderr, "audit bench: %s\n", err);
		return -1;
	}
	start = monotonic_seconds();
	for (i = 0; i < n && !failed; i++) {
		/* What wardend records for a FC 6 it lets through. */
		uint8_t word[2] = { (uint8_t)((125 + i % 50 * 10) >> 8),
			(uint8_t)(125 + i % 50 * 10) };
		struct audit_extra extra[] = {
			{ .key = "address", .type = AUDIT_UINT, .u = 0 },
			{ .key = "count", .type = AUDIT_UINT, .u = 1 },
			{ .key = "values", .type = AUDIT_WORDS, .bytes = word,
			  .n = 1 },
		};
		struct audit_event ev = { .event = "write_allowed",
			.client = "127.0.0.1:49152", .has_unit = 1, .unit = 1,
			.has_fc = 1, .fc = 6, .point = "inlet_valve",
			.has_value = 1, .value = 12.5 + i % 50, .has_raw = 1,
			.raw = 125 + i % 50 * 10, .extra = extra,
			.n_extra = sizeof extra / sizeof extra[0] };

		failed = audit_write(a, &ev, 0) == -1;
		/* the daemon's timer, polled cheaply every 64 records; the
		 * daemon's worker thread syncs, here it is counted in */
		if ((i & 63) == 0 && audit_due(a, now = monotonic_seconds()) &&
		    audit_flush_handoff(a, now))
			failed |= fdatasync(audit_fd(a)) == -1;
	}
	if (audit_flush_handoff(a, monotonic_seconds()))
		failed |= fdatasync(audit_fd(a)) == -1;
	now = monotonic_seconds();
	if (failed)
		fprintf(stderr, "audit bench: %s: %s\n", path,
		    strerror(errno));
	audit_close(a);
	unlink(path);
	return failed || n == 0 ? -1 : (now - start) * 1e6 / n;
}
