/*
 * safety_clock.c: clocks, naps, a seeded random number, and the CPU time
 * of a process from /proc.
 */
#include "safety.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double
safety_clock(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double
safety_mono(void)
{
	return safety_clock(CLOCK_MONOTONIC);
}

/* The clock of the audit log's ts, so the two can be compared. */
double
safety_wall(void)
{
	return safety_clock(CLOCK_REALTIME);
}

void
safety_nap(double seconds)
{
	struct timespec ts;

	if (seconds <= 0.0)
		return;
	ts.tv_sec = (time_t)seconds;
	ts.tv_nsec = (long)((seconds - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR &&
	    !safety_interrupted())
		;
}

double
safety_random(uint32_t *seed)
{
	*seed ^= *seed << 13;
	*seed ^= *seed >> 17;
	*seed ^= *seed << 5;
	return (double)*seed / 4294967296.0;
}
