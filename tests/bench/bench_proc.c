/*
 * bench_proc.c: CPU time and memory of a process, from /proc.
 */
#include "bench.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

int
bench_proc_cpu(pid_t pid, double *seconds)
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
	/* The command name may hold spaces and ')': fields follow the last
	 * ')'. After it come state (3) ... cmajflt (13), utime (14), stime. */
	after_name = ok ? strrchr(line, ')') : NULL;
	if (after_name == NULL || ticks <= 0 ||
	    sscanf(after_name + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u"
	    " %*u %lu %lu", &utime, &stime) != 2)
		return -1;
	*seconds = (double)(utime + stime) / (double)ticks;
	return 0;
}

int
bench_proc_mem(pid_t pid, struct bench_mem *mem)
{
	char path[64], line[256];
	int found = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/status", (long)pid);
	f = fopen(path, "r");
	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "VmRSS: %ld", &mem->rss_kib) == 1)
			found |= 1;
		else if (sscanf(line, "VmHWM: %ld", &mem->hwm_kib) == 1)
			found |= 2;
		else if (sscanf(line, "RssAnon: %ld", &mem->anon_kib) == 1)
			found |= 4;
	}
	fclose(f);
	return found == 7 ? 0 : -1;
}
