/*
 * bench_main.c: build/bench. Starts the rig, runs every connection count
 * against every target, the targets taking turns in an order that rotates
 * each round so that machine noise hits all alike, prints the figures,
 * then the memory of the gateways with many clients. Asserts nothing: exit 0 unless something
 * failed to start or died.
 */
#include "bench.h"
#include "../integration/harness.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct bench_mem_probe {
	pid_t pid;
	struct bench_mem last;
	long max_rss_kib;
};

static void
bench_mem_sample(void *arg)
{
	struct bench_mem_probe *probe = arg;
	struct bench_mem mem;

	if (bench_proc_mem(probe->pid, &mem) != 0)
		return;
	probe->last = mem;
	if (mem.rss_kib > probe->max_rss_kib)
		probe->max_rss_kib = mem.rss_kib;
}

static void
bench_load_for(struct bench_load *load, const struct bench_rig *rig,
    const struct bench_options *opt, enum bench_target target,
    unsigned clients, double seconds, const sigset_t *stop)
{
	memset(load, 0, sizeof(*load));
	load->port = rig->port[target];
	load->clients = clients;
	load->seconds = seconds;
	load->address = opt->address;
	load->registers = opt->registers;
	/* The gateway's CPU, then plcsim's behind it; direct: plcsim's. */
	load->watch[0] = rig->pid[target];
	load->watch[1] = target == TARGET_DIRECT ? -1 : rig->pid[TARGET_DIRECT];
	load->stop_signals = stop;
}

/* 0 when the run went through and every process is still up; -2 when a
 * stop signal cut it short; -1 on any other failure. */
static int
bench_run_checked(const struct bench_rig *rig, const struct bench_load *load,
    struct bench_result *result)
{
	int died;

	if (bench_load_run(load, result) != 0) {
		fprintf(stderr, "bench: could not set up %u client threads\n",
		    load->clients);
		return -1;
	}
	if (result->interrupted) {
		fprintf(stderr, "bench: interrupted\n");
		return -2;
	}
	died = bench_rig_check(rig);
	if (died >= 0) {
		fprintf(stderr, "bench: %s exited during the run\n",
		    died == TARGET_DIRECT ? "plcsim" :
		    bench_target_name((enum bench_target)died));
		harness_dump_file(rig->log[died]);
		return -1;
	}
	return 0;
}

/* Not recorded: lets caches, allocators and connections settle. */
static int
bench_warm_up(const struct bench_rig *rig, const struct bench_options *opt,
    const sigset_t *stop, struct bench_result *scratch)
{
	struct bench_load load;
	unsigned clients = opt->conns[opt->n_conns - 1];
	int t, rc;

	if (opt->warmup <= 0.0)
		return 0;
	for (t = 0; t < TARGET_COUNT; t++) {
		if (!opt->enabled[t])
			continue;
		bench_load_for(&load, rig, opt, (enum bench_target)t, clients,
		    opt->warmup, stop);
		rc = bench_run_checked(rig, &load, scratch);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* One run of one target at one connection count, recorded. */
static int
bench_round_run(const struct bench_rig *rig, const struct bench_options *opt,
    const sigset_t *stop, unsigned round, size_t conns_index,
    enum bench_target target, struct bench_result *results,
    struct bench_points *points, struct bench_result *scratch)
{
	struct bench_load load;
	int rc;

	bench_load_for(&load, rig, opt, target, opt->conns[conns_index],
	    opt->seconds, stop);
	rc = bench_run_checked(rig, &load, scratch);
	if (rc != 0)
		return rc;
	bench_report_run(round, opt->conns[conns_index], target, scratch);
	bench_result_add(&results[conns_index * TARGET_COUNT +
	    (size_t)target], scratch);
	bench_point_set(points, conns_index, target, round, scratch);
	return 0;
}

/* Every round runs each target in turn; the order rotates from round to
 * round, so that whatever the previous run leaves behind (sockets
 * closing, caches) falls on every target alike. */
static int
bench_rounds(const struct bench_rig *rig, const struct bench_options *opt,
    const sigset_t *stop, struct bench_result *results,
    struct bench_points *points, struct bench_result *scratch)
{
	enum bench_target order[TARGET_COUNT];
	unsigned round, n = 0, k;
	size_t i;
	int t, rc;

	for (t = 0; t < TARGET_COUNT; t++)
		if (opt->enabled[t])
			order[n++] = (enum bench_target)t;
	for (round = 1; round <= opt->rounds; round++)
		for (i = 0; i < opt->n_conns; i++)
			for (k = 0; k < n; k++) {
				rc = bench_round_run(rig, opt, stop, round, i,
				    order[(k + round - 1) % n], results,
				    points, scratch);
				if (rc != 0)
					return rc;
			}
	return 0;
}

/* Resident memory of a gateway, idle and then with many active clients. */
static int
bench_rss(const struct bench_rig *rig, const struct bench_options *opt,
    enum bench_target target, const sigset_t *stop,
    struct bench_result *scratch)
{
	struct bench_mem_probe probe;
	struct bench_load load;
	struct bench_mem idle;
	int rc;

	memset(&probe, 0, sizeof(probe));
	probe.pid = rig->pid[target];
	if (bench_proc_mem(probe.pid, &idle) != 0)
		return -1;
	bench_load_for(&load, rig, opt, target, opt->rss_clients,
	    opt->rss_seconds, stop);
	load.tick = bench_mem_sample;
	load.tick_arg = &probe;
	rc = bench_run_checked(rig, &load, scratch);
	if (rc != 0)
		return rc;
	bench_report_rss(bench_target_name(target), &idle, &probe.last,
	    probe.max_rss_kib, opt->rss_clients, scratch);
	return 0;
}

static int
bench_measure(const struct bench_rig *rig, const struct bench_options *opt,
    const sigset_t *stop)
{
	struct bench_result *results, *scratch;
	struct bench_points points;
	int rc = -1;

	results = calloc(opt->n_conns * TARGET_COUNT, sizeof(*results));
	points.rounds = opt->rounds;
	points.at = calloc(opt->n_conns * TARGET_COUNT * opt->rounds,
	    sizeof(*points.at));
	scratch = malloc(sizeof(*scratch));
	if (results != NULL && points.at != NULL && scratch != NULL)
		rc = bench_warm_up(rig, opt, stop, scratch);
	if (rc == 0)
		rc = bench_rounds(rig, opt, stop, results, &points, scratch);
	if (rc == 0) {
		bench_report_summary(opt, results, &points);
		if (opt->rss_clients > 0)
			printf("\nMemory (/proc/PID/status, sampled every 50 ms; "
			    "anon = RssAnon, the rest of VmRSS is shared\n"
			    "library pages):\n");
		if (opt->rss_clients > 0 && opt->enabled[TARGET_WARDEND])
			rc = bench_rss(rig, opt, TARGET_WARDEND, stop, scratch);
		if (rc == 0 && opt->rss_clients > 0 &&
		    opt->enabled[TARGET_HAPROXY])
			rc = bench_rss(rig, opt, TARGET_HAPROXY, stop, scratch);
	}
	free(results);
	free(points.at);
	free(scratch);
	return rc;
}

int
main(int argc, char **argv)
{
	struct bench_options opt;
	struct bench_rig rig;
	sigset_t stop;
	int rc;

	rc = bench_options_parse(&opt, argc, argv);
	if (rc != 0)
		return rc > 0 ? 0 : 2;
	signal(SIGPIPE, SIG_IGN);
	if (bench_rig_start(&rig, &opt) != 0) {
		bench_rig_stop(&rig, 1);
		return 1;
	}
	/* Blocked only now, so the children do not inherit the mask; the
	 * client threads do, and the main thread waits for these signals
	 * while they run, then stops the rig by PID. */
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	bench_report_header(argc, argv, &rig, &opt);
	rc = bench_measure(&rig, &opt, &stop);
	bench_report_load("after");
	/* Logs are kept when something broke, not when asked to stop. */
	bench_rig_stop(&rig, rc == -1);
	return rc == 0 ? 0 : 1;
}
