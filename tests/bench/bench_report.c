/*
 * bench_report.c: what build/bench prints. Plain text, one table of
 * figures and one of ratios, so a run can be pasted into BENCHMARKS.md.
 */
#include "bench.h"

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

void
bench_report_header(int argc, char **argv, const struct bench_rig *rig,
    const struct bench_options *opt)
{
	size_t i;
	int a;

	printf("Modbus Warden gateway benchmark\ncommand: ");
	for (a = 0; a < argc; a++)
		printf(" %s", argv[a]);
	printf("\n");
	bench_report_host();
	printf("device:   plcsim --model tank, 127.0.0.1:%u (pid %ld)\n",
	    rig->port[TARGET_DIRECT], (long)rig->pid[TARGET_DIRECT]);
	if (rig->pid[TARGET_HAPROXY] > 0)
		printf("haproxy:  %s; mode tcp, nbthread 1, 127.0.0.1:%u "
		    "(pid %ld)\n", rig->haproxy_version,
		    rig->port[TARGET_HAPROXY], (long)rig->pid[TARGET_HAPROXY]);
	if (rig->pid[TARGET_WARDEND] > 0)
		printf("wardend:  mode monitor, no points; device connections "
		    "%u, pipeline %u; 127.0.0.1:%u (pid %ld)\n",
		    opt->device_connections, opt->pipeline,
		    rig->port[TARGET_WARDEND], (long)rig->pid[TARGET_WARDEND]);
	printf("load:     read holding registers %u..%u (FC 3, %u registers)"
	    ", unit %u, one libmodbus connection per client thread, back to "
	    "back\n", opt->address, opt->address + opt->registers - 1,
	    opt->registers, BENCH_UNIT);
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
	return target == TARGET_DIRECT ? r->cpu[0] : r->cpu[1];
}

void
bench_report_run(unsigned round, unsigned conns, enum bench_target target,
    const struct bench_result *r)
{
	printf("round %-3u %3u conns  %-8s %9.0f tx/s  p50 %8.1f us  "
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
    const struct bench_result *results)
{
	const struct bench_result *r;
	char range[32];
	size_t i;
	int t;

	printf("\nconns  target     p50 us    p99 us       tx/s  runs min-max  "
	    "CPU us/tx of       plcsim us/tx  fair  errors\n");
	for (i = 0; i < opt->n_conns; i++)
		for (t = 0; t < TARGET_COUNT; t++) {
			if (!opt->enabled[t])
				continue;
			r = &results[i * TARGET_COUNT + (size_t)t];
			snprintf(range, sizeof(range), "%.0f-%.0f",
			    r->tps_min, r->tps_max);
			printf("%5u  %-8s %8.1f  %8.1f  %9.0f  %-13s  %9.2f "
			    "%-8s %12.2f  %4.2f  %6llu\n", opt->conns[i],
			    bench_target_name((enum bench_target)t),
			    bench_hist_quantile(&r->hist, 0.50) / 1e3,
			    bench_hist_quantile(&r->hist, 0.99) / 1e3,
			    bench_tx_per_s(r), range,
			    bench_per_tx_us(r->cpu[0], r->transactions),
			    t == TARGET_DIRECT ? "plcsim" :
			    bench_target_name((enum bench_target)t),
			    bench_per_tx_us(bench_plcsim_cpu(
			    (enum bench_target)t, r), r->transactions),
			    r->fairness, (unsigned long long)r->errors);
		}
}

void
bench_point_set(struct bench_points *points, size_t conns_index,
    enum bench_target target, unsigned round,
    const struct bench_result *r)
{
	struct bench_point *p = &points->at[(conns_index * TARGET_COUNT +
	    (size_t)target) * points->rounds + round - 1];

	p->p50_us = bench_hist_quantile(&r->hist, 0.50) / 1e3;
	p->p99_us = bench_hist_quantile(&r->hist, 0.99) / 1e3;
	p->tps = bench_tx_per_s(r);
	p->cpu_us = bench_per_tx_us(r->cpu[0], r->transactions);
}

static const struct bench_point *
bench_points_of(const struct bench_points *points, size_t conns_index,
    enum bench_target target)
{
	return &points->at[(conns_index * TARGET_COUNT + (size_t)target) *
	    points->rounds];
}

/* a / b, or 0 when b is 0. */
static double
bench_ratio(double a, double b)
{
	return b > 0.0 ? a / b : 0.0;
}

static int
bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Sorts v in place. */
static double
bench_median(double *v, unsigned n)
{
	qsort(v, n, sizeof(*v), bench_cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

struct bench_ratios {
	double p50, p99, tps, cpu;
};

/* The median over the rounds of each round's a/b: both ran back to back
 * in a round, so a burst of other work on the machine skews one round's
 * ratio, not the median. */
static int
bench_ratios_of(const struct bench_point *a, const struct bench_point *b,
    unsigned rounds, struct bench_ratios *q)
{
	double *v = calloc(4 * (size_t)rounds, sizeof(*v));
	unsigned r;

	if (v == NULL)
		return -1;
	for (r = 0; r < rounds; r++) {
		v[r] = bench_ratio(a[r].p50_us, b[r].p50_us);
		v[rounds + r] = bench_ratio(a[r].p99_us, b[r].p99_us);
		v[2 * rounds + r] = bench_ratio(a[r].tps, b[r].tps);
		v[3 * rounds + r] = bench_ratio(a[r].cpu_us, b[r].cpu_us);
	}
	q->p50 = bench_median(v, rounds);
	q->p99 = bench_median(v + rounds, rounds);
	q->tps = bench_median(v + 2 * rounds, rounds);
	q->cpu = bench_median(v + 3 * rounds, rounds);
	free(v);
	return 0;
}

static void
bench_report_ratios(const struct bench_options *opt,
    const struct bench_points *points)
{
	struct bench_ratios q;
	size_t i;
	int base;

	if (!opt->enabled[TARGET_WARDEND] || (!opt->enabled[TARGET_DIRECT] &&
	    !opt->enabled[TARGET_HAPROXY]))
		return;
	printf("\nRatios, the median over the rounds of each round's ratio "
	    "(latency and CPU: lower\nis better; tx/s: higher is better; the "
	    "CPU of direct is plcsim's)\n"
	    "conns  ratio               p50     p99    tx/s  CPU/tx\n");
	for (i = 0; i < opt->n_conns; i++)
		for (base = TARGET_DIRECT; base < TARGET_WARDEND; base++) {
			if (!opt->enabled[base] || bench_ratios_of(
			    bench_points_of(points, i, TARGET_WARDEND),
			    bench_points_of(points, i, (enum bench_target)base),
			    points->rounds, &q) != 0)
				continue;
			printf("%5u  wardend/%-8s %6.2f  %6.2f  %6.2f  %6.2f\n",
			    opt->conns[i], bench_target_name(
			    (enum bench_target)base), q.p50, q.p99, q.tps,
			    q.cpu);
		}
}

static const char *
bench_verdict(int met)
{
	return met ? "met" : "MISSED";
}

/* The targets of the issue, reported (never asserted: this is not a
 * timed test). */
static void
bench_report_targets(const struct bench_options *opt,
    const struct bench_points *points)
{
	struct bench_ratios q;
	size_t i;

	if (!opt->enabled[TARGET_WARDEND] || !opt->enabled[TARGET_HAPROXY])
		return;
	printf("\nTargets, wardend against haproxy (the ratios above):\n");
	for (i = 0; i < opt->n_conns; i++) {
		if (bench_ratios_of(bench_points_of(points, i, TARGET_WARDEND),
		    bench_points_of(points, i, TARGET_HAPROXY), points->rounds,
		    &q) != 0)
			continue;
		if (opt->conns[i] == 1)
			printf("  1 connection:   p50 %.2f (<= 1.10: %s), "
			    "p99 %.2f (<= 1.10: %s)\n", q.p50,
			    bench_verdict(q.p50 <= 1.10), q.p99,
			    bench_verdict(q.p99 <= 1.10));
		else if (opt->conns[i] == 8 || opt->conns[i] == 32)
			printf("%3u connections: tx/s %.2f (>= 1.00: %s), "
			    "CPU/tx %.2f (<= 1.00: %s)\n", opt->conns[i],
			    q.tps, bench_verdict(q.tps >= 1.0), q.cpu,
			    bench_verdict(q.cpu > 0.0 && q.cpu <= 1.0));
	}
}

void
bench_report_summary(const struct bench_options *opt,
    const struct bench_result *results, const struct bench_points *points)
{
	printf("\nSummary over %u rounds (latency from the merged histograms; "
	    "tx/s = transactions / measured seconds;\nCPU us/tx = utime+stime "
	    "of the process named under \"of\" / transactions; fair = the "
	    "fewest\ntransactions of one client over the most, lowest of the "
	    "runs)\n", opt->rounds);
	bench_report_table(opt, results);
	bench_report_ratios(opt, points);
	bench_report_targets(opt, points);
	fflush(stdout);
}

void
bench_report_rss(const char *name, const struct bench_mem *idle,
    const struct bench_mem *last, long max_rss_kib, unsigned clients,
    const struct bench_result *result)
{
	printf("%-8s idle:        VmRSS %6ld KiB (anon %5ld KiB)\n", name,
	    idle->rss_kib, idle->anon_kib);
	printf("%-8s %3u clients: VmRSS %6ld KiB (anon %5ld KiB); max seen "
	    "%ld KiB, VmHWM %ld KiB; %.0f tx/s, %llu errors\n", "", clients,
	    last->rss_kib, last->anon_kib, max_rss_kib, last->hwm_kib,
	    bench_tx_per_s(result), (unsigned long long)result->errors);
}
