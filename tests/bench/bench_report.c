/*
 * bench_report.c: what build/bench prints. Plain text, one table of
 * figures and one of ratios, so a run can be pasted into BENCHMARKS.md.
 */
#include "bench.h"
#include "../integration/world.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

static void
bench_report_cpu_model(char *model, size_t size)
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

static void
bench_report_host(void)
{
	char model[128], date[64];
	struct utsname host;
	time_t now = time(NULL);

	bench_report_cpu_model(model, sizeof(model));
	strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S UTC", gmtime(&now));
	printf("date:     %s\n", date);
	if (uname(&host) == 0)
		printf("host:     %s %s %s, %ld CPUs online, %s\n",
		    host.sysname, host.release, host.machine,
		    sysconf(_SC_NPROCESSORS_ONLN), model);
}

static void
bench_report_processes(const struct bench_worlds *worlds,
    const struct bench_options *opt)
{
	const char *mode;
	int p;

	printf("device:   plcsim --model tank, 127.0.0.1:%u (pid %ld)\n",
	    bench_worlds_port(worlds, PROCESS_PLCSIM),
	    (long)bench_worlds_pid(worlds, PROCESS_PLCSIM));
	if (bench_worlds_pid(worlds, PROCESS_HAPROXY) > 0)
		printf("haproxy:  %s; mode tcp, nbthread 1, 127.0.0.1:%u "
		    "(pid %ld)\n", worlds->haproxy_version,
		    bench_worlds_port(worlds, PROCESS_HAPROXY),
		    (long)bench_worlds_pid(worlds, PROCESS_HAPROXY));
	for (p = PROCESS_WARDEND; p < PROCESS_COUNT; p++) {
		if (worlds->wardend[p] == NULL)
			continue;
		mode = bench_process_mode((enum bench_process)p);
		printf("%s: %s; mode %s, ", bench_process_name(
		    (enum bench_process)p), worlds->wardend[p]->bin, mode);
		if (strcmp(mode, "enforce") == 0)
			printf("%u points with write limits (%u with "
			    "max_step), every write audited; ",
			    BENCH_WRITE_POINTS, BENCH_WRITE_STEPPED);
		else
			printf("no points; ");
		printf("device connections %u, pipeline %u; 127.0.0.1:%u "
		    "(pid %ld)\n", opt->device_connections, opt->pipeline,
		    worlds->wardend[p]->port, (long)worlds->wardend[p]->warden);
		if (bench_process_is_tls((enum bench_process)p))
			printf("%*s  its listener TLS (%s), certificates of "
			    "tests/certs.sh in %s;\n%*s  the clients present "
			    "%s (role ai)\n", (int)strlen(bench_process_name(
			    (enum bench_process)p)), "", worlds->tls_session,
			    worlds->certs, (int)strlen(bench_process_name(
			    (enum bench_process)p)), "", BENCH_TLS_CLIENT);
	}
}

/* The targets under that load, "a, b, c", into buf. */
static void
bench_report_targets_of(const struct bench_options *opt,
    enum bench_load_kind load, char *buf, size_t size)
{
	size_t used = 0;
	int t;

	buf[0] = '\0';
	for (t = 0; t < TARGET_COUNT && used < size; t++)
		if (opt->enabled[t] &&
		    bench_target((enum bench_target)t)->load == load)
			used += (size_t)snprintf(buf + used, size - used,
			    "%s%s", used ? ", " : "",
			    bench_target_name((enum bench_target)t));
}

static void
bench_report_loads(const struct bench_options *opt)
{
	char targets[256];

	bench_report_targets_of(opt, LOAD_MIXED, targets, sizeof(targets));
	if (targets[0] != '\0')
		printf("load:     mixed (%s): %u %% read holding registers "
		    "%u..%u (FC 3, %u registers),\n          %u %% write "
		    "single register (FC 6) to holding %u..%u in turn, values "
		    "%u..%u\n", targets, 100 - opt->write_percent,
		    opt->address, opt->address + opt->registers - 1,
		    opt->registers, opt->write_percent, BENCH_WRITE_FIRST,
		    BENCH_WRITE_FIRST + BENCH_WRITE_POINTS - 1,
		    BENCH_WRITE_LOW, BENCH_WRITE_HIGH);
	bench_report_targets_of(opt, LOAD_READS, targets, sizeof(targets));
	if (targets[0] != '\0')
		printf("load:     reads (%s): read holding registers %u..%u "
		    "(FC 3, %u registers) only\n", targets, opt->address,
		    opt->address + opt->registers - 1, opt->registers);
	printf("          unit %u, one libmodbus connection per client "
	    "thread, back to back\n", BENCH_UNIT);
	if (opt->enabled[TARGET_WARDEND_TLS])
		printf("          (wardend-tls: one TLS connection per client "
		    "thread, the bench's own blocking\n"
		    "          OpenSSL client, tests/bench/bench_tls.c)\n");
}

void
bench_report_header(int argc, char **argv,
    const struct bench_worlds *worlds, const struct bench_options *opt)
{
	size_t i;
	int a;

	printf("Modbus Warden gateway benchmark\ncommand: ");
	for (a = 0; a < argc; a++)
		printf(" %s", argv[a]);
	printf("\n");
	bench_report_host();
	bench_report_processes(worlds, opt);
	bench_report_loads(opt);
	printf("rounds:   %u x %g s per target and connection count (",
	    opt->rounds, opt->seconds);
	for (i = 0; i < opt->n_conns; i++)
		printf("%s%u", i ? "," : "", opt->conns[i]);
	printf(" connections); the targets take turns, in an order that\n"
	    "          rotates each round; warm-up %g s each\n",
	    opt->warmup);
	bench_report_load("before");
	printf("\n");
	fflush(stdout);
}

void
bench_report_load(const char *when)
{
	char line[128];
	FILE *f = fopen("/proc/loadavg", "r");

	if (f == NULL)
		return;
	if (fgets(line, sizeof(line), f) != NULL)
		printf("load average %s: %s", when, line);
	fclose(f);
}

static double
bench_per_tx_us(double seconds, uint64_t transactions)
{
	return transactions ? seconds * 1e6 / (double)transactions : 0.0;
}

static double
bench_tx_per_s(const struct bench_result *r)
{
	return r->seconds > 0.0 ? (double)r->transactions / r->seconds : 0.0;
}

/* The CPU of plcsim: measured alone for direct, second for a gateway. */
static double
bench_plcsim_cpu(enum bench_target target, const struct bench_result *r)
{
	return bench_target(target)->role == ROLE_DIRECT ? r->cpu[0] :
	    r->cpu[1];
}

void
bench_report_run(unsigned round, unsigned conns, enum bench_target target,
    const struct bench_result *r)
{
	printf("round %-3u %3u conns  %-22s %9.0f tx/s  p50 %8.1f us  "
	    "p99 %8.1f us  cpu %6.1f us/tx  fair %.2f", round, conns,
	    bench_target_name(target), bench_tx_per_s(r),
	    bench_hist_quantile(&r->hist, 0.50) / 1e3,
	    bench_hist_quantile(&r->hist, 0.99) / 1e3,
	    bench_per_tx_us(r->cpu[0], r->transactions), r->fairness);
	if (r->errors || r->dead_clients)
		printf("  errors %llu, clients lost %u",
		    (unsigned long long)r->errors, r->dead_clients);
	printf("\n");
	fflush(stdout);
}

static void
bench_report_table(const struct bench_options *opt,
    const struct bench_result *results, enum bench_load_kind load)
{
	const struct bench_result *r;
	char range[32];
	size_t i;
	int t;

	printf("\nconns  target                    p50 us    p99 us       tx/s  "
	    "runs min-max  CPU us/tx  plcsim us/tx  fair  errors\n");
	for (i = 0; i < opt->n_conns; i++)
		for (t = 0; t < TARGET_COUNT; t++) {
			if (!opt->enabled[t] ||
			    bench_target((enum bench_target)t)->load != load)
				continue;
			r = &results[i * TARGET_COUNT + (size_t)t];
			snprintf(range, sizeof(range), "%.0f-%.0f",
			    r->tps_min, r->tps_max);
			printf("%5u  %-22s %9.1f %9.1f  %9.0f  %-13s  %9.2f  "
			    "%12.2f  %4.2f  %6llu\n", opt->conns[i],
			    bench_target_name((enum bench_target)t),
			    bench_hist_quantile(&r->hist, 0.50) / 1e3,
			    bench_hist_quantile(&r->hist, 0.99) / 1e3,
			    bench_tx_per_s(r), range,
			    bench_per_tx_us(r->cpu[0], r->transactions),
			    bench_per_tx_us(bench_plcsim_cpu(
			    (enum bench_target)t, r), r->transactions),
			    r->fairness, (unsigned long long)r->errors);
		}
}

/* The writes of the mixed load alone: what judging and auditing a write
 * adds shows here first. */
static void
bench_report_writes(const struct bench_options *opt,
    const struct bench_result *results)
{
	const struct bench_result *r;
	size_t i;
	int t;

	printf("\nThe writes alone (from the same runs):\n"
	    "conns  target                    p50 us    p99 us   writes/s  "
	    "share\n");
	for (i = 0; i < opt->n_conns; i++)
		for (t = 0; t < TARGET_COUNT; t++) {
			if (!opt->enabled[t] ||
			    bench_target((enum bench_target)t)->load !=
			    LOAD_MIXED)
				continue;
			r = &results[i * TARGET_COUNT + (size_t)t];
			printf("%5u  %-22s %9.1f %9.1f  %9.0f  %4.1f %%\n",
			    opt->conns[i],
			    bench_target_name((enum bench_target)t),
			    bench_hist_quantile(&r->write_hist, 0.50) / 1e3,
			    bench_hist_quantile(&r->write_hist, 0.99) / 1e3,
			    r->seconds > 0.0 ? (double)r->writes / r->seconds :
			    0.0, r->transactions ? 100.0 * (double)r->writes /
			    (double)r->transactions : 0.0);
		}
}

static int
bench_report_has_load(const struct bench_options *opt,
    enum bench_load_kind load)
{
	int t;

	for (t = 0; t < TARGET_COUNT; t++)
		if (opt->enabled[t] &&
		    bench_target((enum bench_target)t)->load == load)
			return 1;
	return 0;
}

void
bench_report_summary(const struct bench_options *opt,
    const struct bench_result *results, const struct bench_points *points)
{
	printf("\nSummary over %u rounds (latency from the merged histograms; "
	    "tx/s = transactions / measured seconds;\nCPU us/tx = utime+stime "
	    "of the gateway, for direct of plcsim, / transactions; fair = the "
	    "fewest\ntransactions of one client over the most, lowest of the "
	    "runs)\n", opt->rounds);
	if (bench_report_has_load(opt, LOAD_MIXED)) {
		printf("\nThe mixed load: %u %% reads, %u %% writes to declared "
		    "points\n", 100 - opt->write_percent, opt->write_percent);
		bench_report_table(opt, results, LOAD_MIXED);
		if (opt->write_percent > 0)
			bench_report_writes(opt, results);
	}
	if (bench_report_has_load(opt, LOAD_READS)) {
		printf("\nThe reads load: reads only (the load before issue "
		    "10)\n");
		bench_report_table(opt, results, LOAD_READS);
	}
	bench_ratio_report(opt, points);
	fflush(stdout);
}

void
bench_report_rss(const char *name, const struct bench_mem *idle,
    const struct bench_mem *last, long max_rss_kib, unsigned clients,
    const struct bench_result *result)
{
	printf("%-22s idle:        VmRSS %6ld KiB (anon %5ld KiB)\n", name,
	    idle->rss_kib, idle->anon_kib);
	printf("%-22s %3u clients: VmRSS %6ld KiB (anon %5ld KiB); max seen "
	    "%ld KiB, VmHWM %ld KiB; %.0f tx/s, %llu errors\n", "", clients,
	    last->rss_kib, last->anon_kib, max_rss_kib, last->hwm_kib,
	    bench_tx_per_s(result), (unsigned long long)result->errors);
}

/* Every write the clients saw answered must have been judged and
 * recorded first: counts the decisions in the audit log (it also holds
 * start-up records). */
void
bench_report_audit(const struct bench_worlds *worlds,
    enum bench_process process, uint64_t writes_sent)
{
	unsigned long long records = 0, allowed = 0, other = 0;
	char *line = NULL;
	size_t size = 0;
	const char *audit = worlds->wardend[process]->audit;
	FILE *f = fopen(audit, "r");

	if (f == NULL) {
		printf("%-22s audit log %s cannot be read\n",
		    bench_process_name(process), audit);
		return;
	}
	while (getline(&line, &size, f) != -1) {
		records++;
		if (strstr(line, "\"event\":\"write_allowed\"") != NULL)
			allowed++;
		else if (strstr(line, "\"event\":\"write_") != NULL ||
		    strstr(line, "\"event\":\"would_") != NULL)
			other++;
	}
	free(line);
	fclose(f);
	printf("%-22s %llu records: %llu write_allowed, %llu other write "
	    "decisions; the clients had %llu writes answered\n",
	    bench_process_name(process), records, allowed, other,
	    (unsigned long long)writes_sent);
}
