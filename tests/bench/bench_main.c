/*
 * bench_main.c: build/bench. Starts the worlds, runs every connection count
 * against every target, the targets taking turns in an order that rotates
 * each round so that machine noise hits all alike, prints the figures,
 * the TLS listener's handshakes per second, then the memory of the
 * gateways with many clients and what the wardends' audit logs hold.
 * Asserts nothing: exit 0 unless something failed to start or died.
 */
#include "bench.h"

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

/* One invocation: what every run needs, and what the runs add up. */
struct bench_session {
	const struct bench_worlds *worlds;
	const struct bench_options *opt;
	const sigset_t *stop;
	struct bench_result *results;   /* [i * TARGET_COUNT + t] */
	struct bench_points points;
	struct bench_result *scratch;   /* the run in hand */
	uint64_t writes[PROCESS_COUNT]; /* answered, over every run */
};

static void
bench_load_for(struct bench_load *load, const struct bench_session *s,
    enum bench_target target, unsigned clients, double seconds)
{
	const struct bench_target_info *info = bench_target(target);

	memset(load, 0, sizeof(*load));
	load->port = bench_worlds_port(s->worlds, info->process);
	if (bench_process_is_tls(info->process))
		load->tls = s->worlds->tls;
	load->clients = clients;
	load->seconds = seconds;
	load->address = s->opt->address;
	load->registers = s->opt->registers;
	load->write_percent = info->load == LOAD_MIXED ?
	    s->opt->write_percent : 0;
	/* The gateway's CPU, then plcsim's behind it; direct: plcsim's. */
	load->watch[0] = bench_worlds_pid(s->worlds, info->process);
	load->watch[1] = info->role == ROLE_DIRECT ? -1 :
	    bench_worlds_pid(s->worlds, PROCESS_PLCSIM);
	load->stop_signals = s->stop;
}

/* Runs the load into s->scratch, with the consoles of wardend-consoles
 * subscribed throughout (their figures in *consoles when not NULL). 0
 * when the run went through and every process is still up; -2 when a
 * stop signal cut it short; -1 on any other failure. */
static int
bench_run_checked(struct bench_session *s, const struct bench_load *load,
    enum bench_target target, struct bench_consoles *consoles)
{
	struct bench_consoles own;
	int load_rc;

	if (target != TARGET_WARDEND_CONSOLES)
		consoles = NULL;
	else if (consoles == NULL)
		consoles = &own;
	if (consoles != NULL && bench_consoles_open(consoles,
	    bench_worlds_socket(s->worlds, PROCESS_WARDEND),
	    s->opt->consoles) != 0)
		return -1;
	load_rc = bench_load_run(load, s->scratch);
	if (consoles != NULL && bench_consoles_close(consoles) != 0)
		return -1;
	if (load_rc != 0) {
		fprintf(stderr, "bench: could not set up %u client threads\n",
		    load->clients);
		return -1;
	}
	s->writes[bench_target(target)->process] += s->scratch->writes;
	if (s->scratch->interrupted) {
		fprintf(stderr, "bench: interrupted\n");
		return -2;
	}
	return bench_worlds_check(s->worlds);
}

/* Not recorded: lets caches, allocators and connections settle. */
static int
bench_warm_up(struct bench_session *s)
{
	struct bench_load load;
	unsigned clients = s->opt->conns[s->opt->n_conns - 1];
	int t, rc;

	if (s->opt->warmup <= 0.0)
		return 0;
	for (t = 0; t < TARGET_COUNT; t++) {
		if (!s->opt->enabled[t])
			continue;
		bench_load_for(&load, s, (enum bench_target)t, clients,
		    s->opt->warmup);
		rc = bench_run_checked(s, &load, (enum bench_target)t, NULL);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* One run of one target at one connection count, recorded. */
static int
bench_round_run(struct bench_session *s, unsigned round, size_t conns_index,
    enum bench_target target)
{
	struct bench_consoles consoles;
	struct bench_load load;
	int rc;

	bench_load_for(&load, s, target, s->opt->conns[conns_index],
	    s->opt->seconds);
	rc = bench_run_checked(s, &load, target, &consoles);
	if (rc != 0)
		return rc;
	bench_report_run(round, s->opt->conns[conns_index], target,
	    s->scratch);
	if (target == TARGET_WARDEND_CONSOLES)
		bench_consoles_report(&consoles);
	bench_result_add(&s->results[conns_index * TARGET_COUNT +
	    (size_t)target], s->scratch);
	bench_point_set(&s->points, conns_index, target, round, s->scratch);
	return 0;
}

/* Every round runs each target in turn; the order rotates from round to
 * round, so that whatever the previous run leaves behind (sockets
 * closing, caches) falls on every target alike. */
static int
bench_rounds(struct bench_session *s)
{
	enum bench_target order[TARGET_COUNT];
	unsigned round, n = 0, k;
	size_t i;
	int t, rc;

	for (t = 0; t < TARGET_COUNT; t++)
		if (s->opt->enabled[t])
			order[n++] = (enum bench_target)t;
	for (round = 1; round <= s->opt->rounds; round++)
		for (i = 0; i < s->opt->n_conns; i++)
			for (k = 0; k < n; k++) {
				rc = bench_round_run(s, round, i,
				    order[(k + round - 1) % n]);
				if (rc != 0)
					return rc;
			}
	return 0;
}

/* Resident memory of a gateway, idle and then with many active clients
 * under the load of its first enabled target. */
static int
bench_rss(struct bench_session *s, enum bench_process process)
{
	struct bench_mem_probe probe;
	struct bench_load load;
	struct bench_mem idle;
	int t, rc;

	for (t = 0; t < TARGET_COUNT; t++)
		if (s->opt->enabled[t] &&
		    bench_target((enum bench_target)t)->process == process)
			break;
	if (t == TARGET_COUNT)
		return 0;
	memset(&probe, 0, sizeof(probe));
	probe.pid = bench_worlds_pid(s->worlds, process);
	if (bench_proc_mem(probe.pid, &idle) != 0)
		return -1;
	bench_load_for(&load, s, (enum bench_target)t, s->opt->rss_clients,
	    s->opt->rss_seconds);
	load.tick = bench_mem_sample;
	load.tick_arg = &probe;
	rc = bench_run_checked(s, &load, (enum bench_target)t, NULL);
	if (rc != 0)
		return rc;
	bench_report_rss(bench_process_name(process), &idle, &probe.last,
	    probe.max_rss_kib, s->opt->rss_clients, s->scratch);
	return 0;
}

static int
bench_memory(struct bench_session *s)
{
	static const enum bench_process order[] = { PROCESS_WARDEND,
		PROCESS_WARDEND_TLS, PROCESS_MONITOR, PROCESS_WARDEND_BEFORE,
		PROCESS_MONITOR_BEFORE, PROCESS_HAPROXY };
	size_t i;
	int rc = 0;

	if (s->opt->rss_clients == 0)
		return 0;
	printf("\nMemory (/proc/PID/status, sampled every 50 ms; anon = "
	    "RssAnon, the rest of VmRSS is shared\nlibrary pages; the clients "
	    "run the load of the process's first target):\n");
	for (i = 0; i < sizeof(order) / sizeof(order[0]) && rc == 0; i++)
		rc = bench_rss(s, order[i]);
	return rc;
}

static void
bench_audit(const struct bench_session *s)
{
	int p, any = 0;

	for (p = PROCESS_WARDEND; p < PROCESS_COUNT; p++) {
		if (s->worlds->wardend[p] == NULL || s->writes[p] == 0)
			continue;
		if (!any)
			printf("\nAudit logs after every run (the writes each "
			    "wardend answered, against its decisions\n"
			    "recorded; the rest are start-up records):\n");
		any = 1;
		bench_report_audit(s->worlds, (enum bench_process)p,
		    s->writes[p]);
	}
}

static int
bench_measure(const struct bench_worlds *worlds,
    const struct bench_options *opt, const sigset_t *stop)
{
	struct bench_session s;
	int rc = -1;

	memset(&s, 0, sizeof(s));
	s.worlds = worlds;
	s.opt = opt;
	s.stop = stop;
	s.results = calloc(opt->n_conns * TARGET_COUNT, sizeof(*s.results));
	s.points.rounds = opt->rounds;
	s.points.at = calloc(opt->n_conns * TARGET_COUNT * opt->rounds,
	    sizeof(*s.points.at));
	s.scratch = malloc(sizeof(*s.scratch));
	if (s.results != NULL && s.points.at != NULL && s.scratch != NULL)
		rc = bench_warm_up(&s);
	if (rc == 0)
		rc = bench_rounds(&s);
	if (rc == 0) {
		bench_report_summary(opt, s.results, &s.points);
		rc = bench_handshakes(worlds, opt, stop);
	}
	if (rc == 0)
		rc = bench_memory(&s);
	if (rc == 0)
		bench_audit(&s);
	free(s.results);
	free(s.points.at);
	free(s.scratch);
	return rc;
}

int
main(int argc, char **argv)
{
	struct bench_options opt;
	struct bench_worlds worlds;
	sigset_t stop;
	int rc, stopped;

	rc = bench_options_parse(&opt, argc, argv);
	if (rc != 0)
		return rc > 0 ? 0 : 2;
	signal(SIGPIPE, SIG_IGN);
	if (bench_worlds_start(&worlds, &opt) != 0) {
		bench_worlds_stop(&worlds, 1);
		return 1;
	}
	/* Blocked only now, so the children do not inherit the mask; the
	 * client threads do, and the main thread waits for these signals
	 * while they run, then stops the worlds by PID. */
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	bench_report_header(argc, argv, &worlds, &opt);
	rc = bench_measure(&worlds, &opt, &stop);
	bench_report_load("after");
	/* Logs are kept when something broke, not when asked to stop. */
	stopped = bench_worlds_stop(&worlds, rc == -1);
	return rc == 0 && stopped == 0 ? 0 : 1;
}
