/*
 * bench_ratio.c: the comparisons build/bench prints after its summary.
 * Each ratio is the median over the rounds of one round's ratio: the two
 * targets compared ran seconds apart in that round, so a burst of other
 * work on the machine skews one round's ratio, not the median.
 *
 * Only targets under the same load are compared: each wardend against
 * direct and haproxy under its load, a wardend against its twin run by
 * the --before-bin binary, and the TLS wardend against the plain one.
 */
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>

#define BENCH_TARGET_LATENCY 1.10       /* at most, against haproxy */
#define BENCH_TARGET_RATE 1.00          /* tx/s at least, CPU at most */
#define BENCH_SAME 0.05                 /* before/after: within +-5 % */
#define BENCH_TLS_LATENCY 1.30          /* TLS p50 at most, against plain */
#define BENCH_TLS_RATE 0.80             /* TLS tx/s at least */

struct bench_ratios {
	double p50, p99, tps, cpu;
};

void
bench_point_set(struct bench_points *points, size_t conns_index,
    enum bench_target target, unsigned round,
    const struct bench_result *r)
{
	struct bench_point *p = &points->at[(conns_index * TARGET_COUNT +
	    (size_t)target) * points->rounds + round - 1];

	p->p50_us = bench_hist_quantile(&r->hist, 0.50) / 1e3;
	p->p99_us = bench_hist_quantile(&r->hist, 0.99) / 1e3;
	p->tps = r->seconds > 0.0 ? (double)r->transactions / r->seconds :
	    0.0;
	p->cpu_us = r->transactions ? r->cpu[0] * 1e6 /
	    (double)r->transactions : 0.0;
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

double
bench_median(double *v, unsigned n)
{
	qsort(v, n, sizeof(*v), bench_cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

/* The medians of a/b over the rounds at conns[conns_index]. */
static int
bench_ratios_of(const struct bench_points *points, size_t conns_index,
    enum bench_target a_target, enum bench_target b_target,
    struct bench_ratios *q)
{
	const struct bench_point *a = bench_points_of(points, conns_index,
	    a_target);
	const struct bench_point *b = bench_points_of(points, conns_index,
	    b_target);
	unsigned r, rounds = points->rounds;
	double *v = calloc(4 * (size_t)rounds, sizeof(*v));

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

static int
bench_enabled(const struct bench_options *opt, enum bench_target target)
{
	return target != TARGET_NONE && opt->enabled[target];
}

static void
bench_ratio_line(const struct bench_options *opt,
    const struct bench_points *points, size_t i, enum bench_target a,
    enum bench_target b)
{
	struct bench_ratios q;
	char name[64];

	if (!bench_enabled(opt, a) || !bench_enabled(opt, b) ||
	    bench_ratios_of(points, i, a, b, &q) != 0)
		return;
	snprintf(name, sizeof(name), "%s/%s", bench_target_name(a),
	    bench_target_name(b));
	printf("%5u  %-38s %6.2f  %6.2f  %6.2f  %6.2f\n", opt->conns[i], name,
	    q.p50, q.p99, q.tps, q.cpu);
}

/* Is a wardend target enabled beside one it is compared with? */
static int
bench_ratio_any(const struct bench_options *opt)
{
	const struct bench_target_info *info;
	int t;

	for (t = 0; t < TARGET_COUNT; t++) {
		info = bench_target((enum bench_target)t);
		if (opt->enabled[t] && info->role == ROLE_WARDEND &&
		    (bench_enabled(opt, bench_target_base(info->load,
		    ROLE_DIRECT)) || bench_enabled(opt, bench_target_base(
		    info->load, ROLE_HAPROXY)) || bench_enabled(opt,
		    info->before) || bench_enabled(opt, info->plain)))
			return 1;
	}
	return 0;
}

static void
bench_ratio_table(const struct bench_options *opt,
    const struct bench_points *points)
{
	const struct bench_target_info *info;
	size_t i;
	int t;

	printf("\nRatios, the median over the rounds of each round's ratio "
	    "(latency and CPU: lower\nis better; tx/s: higher is better; the "
	    "CPU of direct is plcsim's)\n"
	    "conns  ratio                                     p50     p99    "
	    "tx/s  CPU/tx\n");
	for (i = 0; i < opt->n_conns; i++)
		for (t = 0; t < TARGET_COUNT; t++) {
			info = bench_target((enum bench_target)t);
			if (!opt->enabled[t] || info->role != ROLE_WARDEND)
				continue;
			bench_ratio_line(opt, points, i, (enum bench_target)t,
			    bench_target_base(info->load, ROLE_DIRECT));
			bench_ratio_line(opt, points, i, (enum bench_target)t,
			    bench_target_base(info->load, ROLE_HAPROXY));
			bench_ratio_line(opt, points, i, (enum bench_target)t,
			    info->before);
			bench_ratio_line(opt, points, i, (enum bench_target)t,
			    info->plain);
		}
}

static const char *
bench_verdict(int met)
{
	return met ? "met" : "MISSED";
}

/* The targets of the issues against haproxy, reported (never asserted:
 * this is not a timed test). */
static void
bench_ratio_targets(const struct bench_options *opt,
    const struct bench_points *points, enum bench_target target)
{
	enum bench_target haproxy = bench_target_base(
	    bench_target(target)->load, ROLE_HAPROXY);
	struct bench_ratios q;
	size_t i;

	printf("\nTargets, %s (mode %s, %s load) against %s (the ratios "
	    "above):\n", bench_target_name(target), bench_process_mode(
	    bench_target(target)->process), bench_load_name(
	    bench_target(target)->load), bench_target_name(haproxy));
	for (i = 0; i < opt->n_conns; i++) {
		if (bench_ratios_of(points, i, target, haproxy, &q) != 0)
			continue;
		if (opt->conns[i] == 1)
			printf("  1 connection:   p50 %.2f (<= %.2f: %s), "
			    "p99 %.2f (<= %.2f: %s)\n", q.p50,
			    BENCH_TARGET_LATENCY, bench_verdict(q.p50 <=
			    BENCH_TARGET_LATENCY), q.p99, BENCH_TARGET_LATENCY,
			    bench_verdict(q.p99 <= BENCH_TARGET_LATENCY));
		else if (opt->conns[i] == 8 || opt->conns[i] == 32)
			printf("%3u connections: tx/s %.2f (>= %.2f: %s), "
			    "CPU/tx %.2f (<= %.2f: %s)\n", opt->conns[i],
			    q.tps, BENCH_TARGET_RATE, bench_verdict(q.tps >=
			    BENCH_TARGET_RATE), q.cpu, BENCH_TARGET_RATE,
			    bench_verdict(q.cpu > 0.0 && q.cpu <=
			    BENCH_TARGET_RATE));
	}
}

/* Issue 11: TLS against the same wardend plain: p50 at 1 connection at
 * most 1.3x, tx/s at 8 and 32 at least 0.8x. */
static void
bench_ratio_tls(const struct bench_options *opt,
    const struct bench_points *points, enum bench_target target)
{
	enum bench_target plain = bench_target(target)->plain;
	struct bench_ratios q;
	size_t i;

	printf("\nTargets, %s against %s (the ratios above):\n",
	    bench_target_name(target), bench_target_name(plain));
	for (i = 0; i < opt->n_conns; i++) {
		if (bench_ratios_of(points, i, target, plain, &q) != 0)
			continue;
		if (opt->conns[i] == 1)
			printf("  1 connection:   p50 %.2f (<= %.2f: %s); "
			    "p99 %.2f, tx/s %.2f, CPU/tx %.2f\n", q.p50,
			    BENCH_TLS_LATENCY, bench_verdict(q.p50 <=
			    BENCH_TLS_LATENCY), q.p99, q.tps, q.cpu);
		else if (opt->conns[i] == 8 || opt->conns[i] == 32)
			printf("%3u connections: tx/s %.2f (>= %.2f: %s); "
			    "p50 %.2f, p99 %.2f, CPU/tx %.2f\n", opt->conns[i],
			    q.tps, BENCH_TLS_RATE, bench_verdict(q.tps >=
			    BENCH_TLS_RATE), q.p50, q.p99, q.cpu);
		else
			printf("%3u connections: tx/s %.2f (not a target); "
			    "p50 %.2f, p99 %.2f, CPU/tx %.2f\n", opt->conns[i],
			    q.tps, q.p50, q.p99, q.cpu);
	}
}

static const char *
bench_same(double ratio)
{
	return ratio >= 1.0 - BENCH_SAME && ratio <= 1.0 + BENCH_SAME ?
	    "within" : "OUTSIDE";
}

/* Issue 12: ten open consoles cost no measurable CPU per transaction:
 * CPU/tx of wardend-consoles over wardend within +-5 %, at every count. */
static void
bench_ratio_consoles(const struct bench_options *opt,
    const struct bench_points *points, enum bench_target target)
{
	enum bench_target plain = bench_target(target)->plain;
	struct bench_ratios q;
	size_t i;

	printf("\nTargets, %s (%u consoles subscribed) against %s (the "
	    "ratios above;\nno measurable cost means CPU/tx within +-%.0f "
	    "%%):\n", bench_target_name(target), opt->consoles,
	    bench_target_name(plain), BENCH_SAME * 100.0);
	for (i = 0; i < opt->n_conns; i++) {
		if (bench_ratios_of(points, i, target, plain, &q) != 0)
			continue;
		printf("%3u connection%s CPU/tx %.2f (%s); tx/s %.2f, "
		    "p50 %.2f, p99 %.2f\n", opt->conns[i],
		    opt->conns[i] == 1 ? ": " : "s:", q.cpu,
		    bench_same(q.cpu), q.tps, q.p50, q.p99);
	}
}

/* Issue 10: no change of behaviour, measured. new/before of p50 and p99
 * at 1 connection and tx/s at 8 and 32, each against +-5 %. */
static void
bench_ratio_before(const struct bench_options *opt,
    const struct bench_points *points, enum bench_target target)
{
	enum bench_target before = bench_target(target)->before;
	struct bench_ratios q;
	size_t i;

	printf("\nBefore and after, %s/%s (the ratios above; no change "
	    "means within +-%.0f %%):\n", bench_target_name(target),
	    bench_target_name(before), BENCH_SAME * 100.0);
	for (i = 0; i < opt->n_conns; i++) {
		if (bench_ratios_of(points, i, target, before, &q) != 0)
			continue;
		if (opt->conns[i] == 1)
			printf("  1 connection:   p50 %.2f (%s), p99 %.2f (%s)"
			    "; tx/s %.2f, CPU/tx %.2f\n", q.p50,
			    bench_same(q.p50), q.p99, bench_same(q.p99),
			    q.tps, q.cpu);
		else
			printf("%3u connections: tx/s %.2f (%s); p50 %.2f, "
			    "p99 %.2f, CPU/tx %.2f\n", opt->conns[i], q.tps,
			    opt->conns[i] == 8 || opt->conns[i] == 32 ?
			    bench_same(q.tps) : "not a target", q.p50, q.p99,
			    q.cpu);
	}
}

void
bench_ratio_report(const struct bench_options *opt,
    const struct bench_points *points)
{
	const struct bench_target_info *info;
	int t;

	if (!bench_ratio_any(opt))
		return;
	bench_ratio_table(opt, points);
	for (t = 0; t < TARGET_COUNT; t++) {
		info = bench_target((enum bench_target)t);
		/* Issue 10's targets are the plain ones'; a TLS target
		 * is held against its plain twin. */
		if (opt->enabled[t] && info->role == ROLE_WARDEND &&
		    info->plain == TARGET_NONE && bench_enabled(opt,
		    bench_target_base(info->load, ROLE_HAPROXY)))
			bench_ratio_targets(opt, points, (enum bench_target)t);
		if (opt->enabled[t] && bench_enabled(opt, info->plain) &&
		    t == TARGET_WARDEND_CONSOLES)
			bench_ratio_consoles(opt, points,
			    (enum bench_target)t);
		else if (opt->enabled[t] && bench_enabled(opt, info->plain))
			bench_ratio_tls(opt, points, (enum bench_target)t);
	}
	for (t = 0; t < TARGET_COUNT; t++) {
		info = bench_target((enum bench_target)t);
		if (opt->enabled[t] && bench_enabled(opt, info->before))
			bench_ratio_before(opt, points, (enum bench_target)t);
	}
}
