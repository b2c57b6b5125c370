/*
 * safety_report.c: what build/bench-safety prints. Plain text: the
 * command line and the machine first, then each figure with its target
 * and whether it was met, so a run can be pasted into BENCHMARKS.md.
 */
#include "safety.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

static void
safety_report_cpu_model(char *model, size_t size)
{
	char line[256], *colon;
	FILE *f = fopen("/proc/cpuinfo", "r");

	snprintf(model, size, "unknown CPU");
	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		colon = strchr(line, ':');
		if (strncmp(line, "model name", 10) == 0 && colon != NULL) {
			colon[strcspn(colon, "\n")] = '\0';
			snprintf(model, size, "%s", colon + 2);
			break;
		}
	}
	fclose(f);
}

void
safety_report_header(int argc, char **argv, const struct safety_options *opt)
{
	const char *bin = getenv("WARDEN_BIN");
	char model[128], date[64];
	struct utsname host;
	time_t now = time(NULL);
	int a;

	printf("Modbus Warden safety benchmark\ncommand: ");
	if (bin != NULL)
		printf(" WARDEN_BIN=%s", bin);
	for (a = 0; a < argc; a++)
		printf(" %s", argv[a]);
	printf("\n");
	safety_report_cpu_model(model, sizeof(model));
	strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S UTC", gmtime(&now));
	printf("date:     %s\n", date);
	if (uname(&host) == 0)
		printf("host:     %s %s %s, %ld CPUs online, %s\n",
		    host.sysname, host.release, host.machine,
		    sysconf(_SC_NPROCESSORS_ONLN), model);
	printf("options:  %g s per load run, %u rounds, %u well-behaved "
	    "clients, %u takeover trials, %u trips per poll_interval, %u "
	    "connections for memory, out-of-range flood %g writes/s per "
	    "thread, %u stalled handshakes\n", opt->seconds, opt->rounds,
	    opt->clients, opt->trials, opt->trip_trials, opt->connections,
	    opt->flood_rate, opt->half_open);
	safety_report_load("before");
}

void
safety_report_load(const char *when)
{
	double avg[3];

	if (getloadavg(avg, 3) == 3)
		printf("load average %s: %.2f %.2f %.2f\n", when, avg[0],
		    avg[1], avg[2]);
	fflush(stdout);
}

void
safety_report_section(const char *title)
{
	printf("\n== %s\n", title);
	fflush(stdout);
}

int
safety_report_target(const char *what, double value, const char *cmp,
    double limit, const char *unit)
{
	int met = strcmp(cmp, "<=") == 0 ? value <= limit : value >= limit;

	/* Three figures are enough, but not in exponent form. */
	printf("  %s: %.*f %s (target %s %g %s: %s)\n", what,
	    value >= 100.0 ? 0 : value >= 10.0 ? 1 : 2, value, unit, cmp,
	    limit, unit, met ? "met" : "not met");
	fflush(stdout);
	return met;
}

void
safety_report_result(const char *what, const struct safety_result *r)
{
	printf("  %-34s %8.0f tx/s  p50 %7.1f us  p99 %8.1f us  "
	    "wardend CPU %5.1f us/tx  errors %llu%s\n", what,
	    safety_result_tps(r), safety_hist_quantile(&r->hist, 0.5) / 1e3,
	    safety_hist_quantile(&r->hist, 0.99) / 1e3,
	    safety_result_cpu_us(r), (unsigned long long)r->errors,
	    r->lost > 0 ? ", clients left without a connection" : "");
	fflush(stdout);
}

void
safety_report_samples(const char *what, struct safety_samples *s)
{
	printf("  %-44s p50 %7.2f ms  p99 %7.2f ms  max %7.2f ms  (n=%zu)\n",
	    what, safety_samples_quantile(s, 0.5),
	    safety_samples_quantile(s, 0.99), safety_samples_quantile(s, 1.0),
	    s->n);
	fflush(stdout);
}
