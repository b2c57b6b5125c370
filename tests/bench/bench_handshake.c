/*
 * bench_handshake.c: handshakes per second on wardend-tls's listener.
 * Client threads (--handshake-clients) each loop for the run: connect,
 * handshake, read the load's registers once, close. In a full run no
 * session is offered; in a resumed run each client offers the session
 * its previous connection left (taken after that connection's answer
 * was read: TLS 1.3 sends its tickets after the handshake), and the
 * handshakes SSL_session_reused() says resumed are counted. Full and
 * resumed runs take turns over the rounds, the order alternating; each
 * is a bench_load_run, so the timing, the barriers and wardend's CPU are
 * measured as for the other targets, a transaction being one
 * connection from connect to close.
 */
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct bench_handshake_totals {
	struct bench_result full, resumed;
	double *ratio;          /* resumed/full handshakes/s, per round */
};

static void
bench_handshake_load(struct bench_load *load,
    const struct bench_worlds *worlds, const struct bench_options *opt,
    const sigset_t *stop, enum bench_handshake kind, double seconds)
{
	memset(load, 0, sizeof(*load));
	load->port = bench_worlds_port(worlds, PROCESS_WARDEND_TLS);
	load->tls = worlds->tls;
	load->handshake = kind;
	load->clients = opt->handshake_clients;
	load->seconds = seconds;
	load->address = opt->address;
	load->registers = opt->registers;
	load->watch[0] = bench_worlds_pid(worlds, PROCESS_WARDEND_TLS);
	load->watch[1] = -1;
	load->stop_signals = stop;
}

static double
bench_handshake_rate(const struct bench_result *r)
{
	return r->seconds > 0.0 ? (double)r->transactions / r->seconds : 0.0;
}

static void
bench_handshake_line(const char *what, const struct bench_result *r)
{
	printf("%-22s %7.0f handshakes/s  p50 %7.1f us  p99 %7.1f us  "
	    "wardend %6.1f us/handshake  resumed %llu of %llu", what,
	    bench_handshake_rate(r), bench_hist_quantile(&r->hist, 0.50) / 1e3,
	    bench_hist_quantile(&r->hist, 0.99) / 1e3, r->transactions ?
	    r->cpu[0] * 1e6 / (double)r->transactions : 0.0,
	    (unsigned long long)r->resumed,
	    (unsigned long long)r->transactions);
	if (r->errors || r->dead_clients)
		printf("  errors %llu, clients lost %u",
		    (unsigned long long)r->errors, r->dead_clients);
	printf("\n");
	fflush(stdout);
}

/* One run into *r; 0, -2 (stop signal) or -1 (a process died). */
static int
bench_handshake_run(const struct bench_worlds *worlds,
    const struct bench_options *opt, const sigset_t *stop,
    enum bench_handshake kind, double seconds, struct bench_result *r)
{
	struct bench_load load;

	bench_handshake_load(&load, worlds, opt, stop, kind, seconds);
	if (bench_load_run(&load, r) != 0) {
		fprintf(stderr, "bench: could not set up %u handshake client "
		    "threads\n", load.clients);
		return -1;
	}
	if (r->interrupted) {
		fprintf(stderr, "bench: interrupted\n");
		return -2;
	}
	return bench_worlds_check(worlds);
}

/* One round: a full and a resumed run, in the order of the round. */
static int
bench_handshake_round(const struct bench_worlds *worlds,
    const struct bench_options *opt, const sigset_t *stop, unsigned round,
    struct bench_handshake_totals *t, struct bench_result *r)
{
	static const enum bench_handshake kinds[2] = { HANDSHAKE_FULL,
		HANDSHAKE_RESUME };
	double rate[2] = { 0.0, 0.0 };
	char what[32];
	unsigned k, kind;
	int rc;

	for (k = 0; k < 2; k++) {
		kind = (k + round - 1) % 2;
		rc = bench_handshake_run(worlds, opt, stop, kinds[kind],
		    opt->seconds, r);
		if (rc != 0)
			return rc;
		snprintf(what, sizeof(what), "round %-3u %s", round,
		    kind == 0 ? "full" : "resumed");
		bench_handshake_line(what, r);
		bench_result_add(kind == 0 ? &t->full : &t->resumed, r);
		rate[kind] = bench_handshake_rate(r);
	}
	t->ratio[round - 1] = rate[0] > 0.0 ? rate[1] / rate[0] : 0.0;
	return 0;
}

static void
bench_handshake_summary(const struct bench_options *opt,
    struct bench_handshake_totals *t)
{
	printf("\nHandshakes over %u rounds:\n", opt->rounds);
	bench_handshake_line("full", &t->full);
	bench_handshake_line("resumed", &t->resumed);
	printf("resumed/full handshakes/s (median of the rounds): %.2f; "
	    "%.1f %% of the resumed runs' handshakes resumed\n",
	    bench_median(t->ratio, opt->rounds), t->resumed.transactions ?
	    100.0 * (double)t->resumed.resumed /
	    (double)t->resumed.transactions : 0.0);
}

int
bench_handshakes(const struct bench_worlds *worlds,
    const struct bench_options *opt, const sigset_t *stop)
{
	struct bench_handshake_totals *t;
	struct bench_result *r;
	unsigned round;
	int rc = 0;

	if (!opt->enabled[TARGET_WARDEND_TLS] || opt->handshake_clients == 0)
		return 0;
	printf("\nHandshakes on wardend-tls (%s): %u client threads, each "
	    "looping connect, handshake,\nread holding %u..%u, close; full: "
	    "no session offered; resumed: the session the client's\nlast "
	    "connection left offered; %u rounds of %g s each, the order "
	    "alternating\n", worlds->tls_session, opt->handshake_clients,
	    opt->address, opt->address + opt->registers - 1, opt->rounds,
	    opt->seconds);
	t = calloc(1, sizeof(*t));
	r = malloc(sizeof(*r));
	if (t == NULL || r == NULL ||
	    (t->ratio = calloc(opt->rounds, sizeof(*t->ratio))) == NULL)
		rc = -1;
	/* Not recorded: as the targets' warm-up. */
	if (rc == 0 && opt->warmup > 0.0)
		rc = bench_handshake_run(worlds, opt, stop, HANDSHAKE_FULL,
		    opt->warmup, r);
	for (round = 1; round <= opt->rounds && rc == 0; round++)
		rc = bench_handshake_round(worlds, opt, stop, round, t, r);
	if (rc == 0)
		bench_handshake_summary(opt, t);
	if (t != NULL)
		free(t->ratio);
	free(t);
	free(r);
	return rc;
}
