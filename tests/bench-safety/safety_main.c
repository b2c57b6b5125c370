/*
 * safety_main.c: build/bench-safety. Reads the options, runs the
 * sections in turn, each in its own temp dir with its own processes,
 * prints the figures against their targets. Asserts nothing: exit 0
 * unless something failed to start or the run was interrupted (1), or
 * the options were wrong (2).
 */
#include "safety.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The one thing a signal handler may set; read by safety_interrupted. */
static volatile sig_atomic_t safety_stop_signal;

static void
safety_on_signal(int sig)
{
	safety_stop_signal = sig;
}

int
safety_interrupted(void)
{
	return safety_stop_signal != 0;
}

static void
safety_usage(FILE *out)
{
	fprintf(out,
	    "usage: bench-safety [--only audit|takeover|flood|handshake]...\n"
	    "                    [--seconds S] [--rounds N] [--clients N]\n"
	    "                    [--trials N] [--trip-trials N]\n"
	    "                    [--connections N] [--flood-rate R]\n"
	    "                    [--half-open N]\n"
	    "  --only SECTION     run this section (repeatable; default all)\n"
	    "  --seconds S        length of one load run (default 3)\n"
	    "  --rounds N         load runs of each kind (default 5)\n"
	    "  --clients N        well-behaved client threads (default 8)\n"
	    "  --trials N         takeover trials (default 100)\n"
	    "  --trip-trials N    trips per poll_interval (default 20)\n"
	    "  --connections N    open for the memory figure (default 256)\n"
	    "  --flood-rate R     out-of-range writes/s per flood thread\n"
	    "                     (default 2000; 0: back to back)\n"
	    "  --half-open N      stalled TLS handshakes held open\n"
	    "                     (default 256)\n"
	    "Programs are taken from $WARDEN_BIN (default build).\n");
}

static int
safety_section_named(const char *name, unsigned *sections)
{
	if (strcmp(name, "audit") == 0)
		*sections |= SECTION_AUDIT;
	else if (strcmp(name, "takeover") == 0)
		*sections |= SECTION_TAKEOVER;
	else if (strcmp(name, "flood") == 0)
		*sections |= SECTION_FLOOD;
	else if (strcmp(name, "handshake") == 0)
		*sections |= SECTION_HANDSHAKE;
	else
		return -1;
	return 0;
}

/* A number within [min, max]; -1 when it is not one. */
static int
safety_number(const char *text, double min, double max, double *out)
{
	char *end;
	double v = strtod(text, &end);

	if (end == text || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/* 0: run; 1: help printed; -1: usage error printed. */
static int
safety_options_parse(struct safety_options *opt, int argc, char **argv)
{
	static const struct option longs[] = {
		{ "only", required_argument, NULL, 'o' },
		{ "seconds", required_argument, NULL, 's' },
		{ "rounds", required_argument, NULL, 'r' },
		{ "clients", required_argument, NULL, 'c' },
		{ "trials", required_argument, NULL, 't' },
		{ "trip-trials", required_argument, NULL, 'p' },
		{ "connections", required_argument, NULL, 'n' },
		{ "flood-rate", required_argument, NULL, 'f' },
		{ "half-open", required_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	double v = 0;
	int ch, bad = 0;

	*opt = (struct safety_options){ .seconds = 3.0, .rounds = 5,
		.clients = 8, .trials = 100, .trip_trials = 20,
		.connections = 256, .flood_rate = 2000.0, .half_open = 256 };
	while ((ch = getopt_long(argc, argv, "h", longs, NULL)) != -1) {
		switch (ch) {
		case 'o':
			bad |= safety_section_named(optarg, &opt->sections);
			break;
		case 's':
			bad |= safety_number(optarg, 0.1, 600, &opt->seconds);
			break;
		case 'r':
			bad |= safety_number(optarg, 1, 100, &v);
			opt->rounds = (unsigned)v;
			break;
		case 'c':
			bad |= safety_number(optarg, 1, 256, &v);
			opt->clients = (unsigned)v;
			break;
		case 't':
			bad |= safety_number(optarg, 1, 10000, &v);
			opt->trials = (unsigned)v;
			break;
		case 'p':
			bad |= safety_number(optarg, 1, 1000, &v);
			opt->trip_trials = (unsigned)v;
			break;
		case 'n':
			bad |= safety_number(optarg, 1, 1000, &v);
			opt->connections = (unsigned)v;
			break;
		case 'f':
			bad |= safety_number(optarg, 0, 1e6, &opt->flood_rate);
			break;
		case 'H':
			bad |= safety_number(optarg, 1, 5000, &v);
			opt->half_open = (unsigned)v;
			break;
		case 'h':
			safety_usage(stdout);
			return 1;
		default:
			bad = -1;
		}
	}
	if (bad || optind != argc) {
		safety_usage(stderr);
		return -1;
	}
	if (opt->sections == 0)
		opt->sections = SECTION_AUDIT | SECTION_TAKEOVER |
		    SECTION_FLOOD | SECTION_HANDSHAKE;
	return 0;
}

int
main(int argc, char **argv)
{
	struct safety_options opt;
	struct sigaction sa;
	int rc, failed = 0;

	rc = safety_options_parse(&opt, argc, argv);
	if (rc != 0)
		return rc > 0 ? 0 : 2;
	/* A handler, not a blocked mask: the programs started inherit
	 * neither, so they still stop on SIGTERM. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = safety_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	safety_report_header(argc, argv, &opt);
	if ((opt.sections & SECTION_AUDIT) && !safety_interrupted())
		failed |= safety_audit_section(&opt) != 0;
	if ((opt.sections & SECTION_TAKEOVER) && !safety_interrupted())
		failed |= safety_takeover_section(&opt) != 0;
	if ((opt.sections & SECTION_FLOOD) && !safety_interrupted())
		failed |= safety_flood_section(&opt) != 0;
	if ((opt.sections & SECTION_HANDSHAKE) && !safety_interrupted())
		failed |= safety_handshake_section(&opt) != 0;
	printf("\n");
	safety_report_load("after");
	/* An interrupted run is incomplete: not a result to keep. */
	if (safety_interrupted())
		fprintf(stderr, "bench-safety: interrupted\n");
	return failed || safety_interrupted() ? 1 : 0;
}
