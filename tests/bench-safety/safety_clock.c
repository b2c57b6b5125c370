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

int
safety_proc_cpu(pid_t pid, double *seconds)
{
	char path[64], line[1024], *after_name;
	unsigned long utime, stime;
	long ticks = sysconf(_SC_CLK_TCK);
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	f = fopen(path, "r");
	if (f == NULL)
		return -1;
	ok = fgets(line, sizeof(line), f) != NULL;
	fclose(f);
	/* The name may hold spaces and ')': the fields follow the last ')'.
	 * After it: state (3) ... cmajflt (13), then utime (14), stime. */
	after_name = ok ? strrchr(line, ')') : NULL;
	if (after_name == NULL || ticks <= 0 ||
	    sscanf(after_name + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u"
	    " %*u %lu %lu", &utime, &stime) != 2)
		return -1;
	*seconds = (double)(utime + stime) / (double)ticks;
	return 0;
}
