/*
 * bench_options.c: the command line of build/bench.
 */
#include "bench.h"

#include <getopt.h>
#include <modbus.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	OPT_ROUNDS = 256, OPT_SECONDS, OPT_WARMUP, OPT_CONNECTIONS,
	OPT_TARGETS, OPT_BEFORE_BIN, OPT_DEVICE_CONNECTIONS, OPT_PIPELINE,
	OPT_WRITES, OPT_RSS_CLIENTS, OPT_RSS_SECONDS, OPT_ADDRESS,
	OPT_REGISTERS, OPT_HANDSHAKE_CLIENTS, OPT_CONSOLES, OPT_HELP,
};

static const struct option bench_long_options[] = {
	{ "rounds", required_argument, NULL, OPT_ROUNDS },
	{ "seconds-per-round", required_argument, NULL, OPT_SECONDS },
	{ "warmup", required_argument, NULL, OPT_WARMUP },
	{ "connections", required_argument, NULL, OPT_CONNECTIONS },
	{ "targets", required_argument, NULL, OPT_TARGETS },
	{ "before-bin", required_argument, NULL, OPT_BEFORE_BIN },
	{ "device-connections", required_argument, NULL,
		OPT_DEVICE_CONNECTIONS },
	{ "pipeline", required_argument, NULL, OPT_PIPELINE },
	{ "writes", required_argument, NULL, OPT_WRITES },
	{ "rss-clients", required_argument, NULL, OPT_RSS_CLIENTS },
	{ "rss-seconds", required_argument, NULL, OPT_RSS_SECONDS },
	{ "address", required_argument, NULL, OPT_ADDRESS },
	{ "registers", required_argument, NULL, OPT_REGISTERS },
	{ "handshake-clients", required_argument, NULL,
		OPT_HANDSHAKE_CLIENTS },
	{ "consoles", required_argument, NULL, OPT_CONSOLES },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

static void
bench_usage(FILE *out)
{
	fprintf(out,
"usage: bench [options]   (make bench runs it with WARDEN_BIN=build)\n"
"Compares a libmodbus client load directly against plcsim, through haproxy\n"
"(TCP mode, one thread) and through wardend, interleaved over rounds.\n"
"Targets, under the mixed load (reads and writes to declared points):\n"
"  direct, haproxy, wardend (mode enforce, the points with write limits),\n"
"  wardend-tls (the same behind a TLS listener; its clients speak TLS),\n"
"  wardend-consoles (the wardend of the target wardend, with --consoles\n"
"  subscribers reading its control socket's pushes during the run)\n"
"and under the reads load (reads only, the load before issue 10):\n"
"  direct-reads, haproxy-reads, wardend-monitor (mode monitor, no points)\n"
"  --rounds N                rounds over every target (default 6; a multiple\n"
"                            of the number of targets puts each first\n"
"                            equally often)\n"
"  --seconds-per-round S     length of each run (default 3)\n"
"  --warmup S                unrecorded run per target first (default 1)\n"
"  --connections LIST        client connections, e.g. 1,8,32 (default)\n"
"  --targets LIST            of the eight above (default all)\n"
"  --before-bin PATH         also run each wardend target with the wardend\n"
"                            at PATH, as wardend-before and\n"
"                            wardend-monitor-before, in the same rotation\n"
"  --device-connections N    wardend `connections` to plcsim (default 4)\n"
"  --pipeline N              wardend `pipeline` per connection (default 8)\n"
"  --writes P                percent of writes in the mixed load (default 20)\n"
"  --rss-clients N           active clients for the RSS figure (default 64;\n"
"                            0 skips it)\n"
"  --rss-seconds S           how long they run (default 3)\n"
"  --address A               first holding register read (default 0)\n"
"  --registers N             registers per read (default 10)\n"
"  --handshake-clients N     threads of the handshake runs on wardend-tls,\n"
"                            full and resumed, each round (default 4; 0\n"
"                            skips them)\n"
"  --consoles N              subscribers of wardend-consoles (default 10;\n"
"                            0 skips that target)\n");
}

/* A whole number in [min, max]; -1 with a message otherwise. */
static int
bench_parse_uint(const char *name, const char *text, unsigned long min,
    unsigned long max, unsigned long *value)
{
	char *end;

	*value = strtoul(text, &end, 10);
	if (*text == '\0' || *end != '\0' || *text == '-' || *value < min ||
	    *value > max) {
		fprintf(stderr, "bench: --%s wants a number from %lu to %lu, "
		    "not '%s'\n", name, min, max, text);
		return -1;
	}
	return 0;
}

static int
bench_parse_seconds(const char *name, const char *text, double min,
    double *value)
{
	char *end;

	*value = strtod(text, &end);
	if (*text == '\0' || *end != '\0' || !(*value >= min) ||
	    *value > 3600.0) {
		fprintf(stderr, "bench: --%s wants seconds from %g to 3600, "
		    "not '%s'\n", name, min, text);
		return -1;
	}
	return 0;
}

static int
bench_parse_conns(struct bench_options *opt, const char *text)
{
	char *copy = strdup(text), *tok, *save = NULL;
	size_t room = sizeof(opt->conns) / sizeof(opt->conns[0]);
	unsigned long n;
	int rc = 0;

	if (copy == NULL)
		return -1;
	opt->n_conns = 0;
	for (tok = strtok_r(copy, ",", &save); tok != NULL && rc == 0;
	    tok = strtok_r(NULL, ",", &save)) {
		if (opt->n_conns == room) {
			fprintf(stderr, "bench: --connections takes at most "
			    "%zu counts\n", room);
			rc = -1;
		} else if ((rc = bench_parse_uint("connections", tok, 1, 250,
		    &n)) == 0)
			opt->conns[opt->n_conns++] = (unsigned)n;
	}
	free(copy);
	if (rc == 0 && opt->n_conns == 0) {
		fprintf(stderr, "bench: --connections is empty\n");
		rc = -1;
	}
	return rc;
}

static int
bench_parse_targets(struct bench_options *opt, const char *text)
{
	char *copy = strdup(text), *tok, *save = NULL;
	int t, rc = 0;

	if (copy == NULL)
		return -1;
	memset(opt->enabled, 0, sizeof(opt->enabled));
	for (tok = strtok_r(copy, ",", &save); tok != NULL && rc == 0;
	    tok = strtok_r(NULL, ",", &save)) {
		for (t = 0; t < TARGET_COUNT; t++)
			if (strcmp(tok, bench_target_name(
			    (enum bench_target)t)) == 0)
				break;
		if (t < TARGET_COUNT && bench_process_is_before(
		    bench_target((enum bench_target)t)->process)) {
			fprintf(stderr, "bench: %s is run by --before-bin, "
			    "beside its twin in --targets\n", tok);
			rc = -1;
		} else if (t == TARGET_COUNT) {
			fprintf(stderr, "bench: unknown target '%s'; use "
			    "direct, haproxy, wardend, wardend-tls, "
			    "direct-reads, haproxy-reads, wardend-monitor, "
			    "wardend-consoles\n",
			    tok);
			rc = -1;
		} else {
			opt->enabled[t] = 1;
		}
	}
	free(copy);
	return rc;
}

static void
bench_options_default(struct bench_options *opt)
{
	int t;

	memset(opt, 0, sizeof(*opt));
	opt->rounds = 6;
	opt->seconds = 3.0;
	opt->warmup = 1.0;
	opt->conns[0] = 1;
	opt->conns[1] = 8;
	opt->conns[2] = 32;
	opt->n_conns = 3;
	for (t = 0; t < TARGET_COUNT; t++)
		opt->enabled[t] = !bench_process_is_before(
		    bench_target((enum bench_target)t)->process);
	opt->device_connections = 4;
	opt->pipeline = 8;
	opt->write_percent = 20;
	opt->rss_clients = 64;
	opt->rss_seconds = 3.0;
	opt->handshake_clients = 4;
	opt->consoles = 10;
	opt->address = 0;
	opt->registers = 10;
}

static int
bench_options_one(struct bench_options *opt, int c, const char *arg)
{
	unsigned long n;
	int rc = 0;

	switch (c) {
	case OPT_ROUNDS:
		rc = bench_parse_uint("rounds", arg, 1, 1000, &n);
		opt->rounds = (unsigned)n;
		break;
	case OPT_SECONDS:
		return bench_parse_seconds("seconds-per-round", arg, 0.1,
		    &opt->seconds);
	case OPT_WARMUP:
		return bench_parse_seconds("warmup", arg, 0.0, &opt->warmup);
	case OPT_CONNECTIONS:
		return bench_parse_conns(opt, arg);
	case OPT_TARGETS:
		return bench_parse_targets(opt, arg);
	case OPT_BEFORE_BIN:
		opt->before_bin = arg;
		break;
	case OPT_DEVICE_CONNECTIONS:
		rc = bench_parse_uint("device-connections", arg, 1, 64, &n);
		opt->device_connections = (unsigned)n;
		break;
	case OPT_PIPELINE:
		rc = bench_parse_uint("pipeline", arg, 1, 64, &n);
		opt->pipeline = (unsigned)n;
		break;
	case OPT_WRITES:
		rc = bench_parse_uint("writes", arg, 0, 100, &n);
		opt->write_percent = (unsigned)n;
		break;
	case OPT_RSS_CLIENTS:
		rc = bench_parse_uint("rss-clients", arg, 0, 250, &n);
		opt->rss_clients = (unsigned)n;
		break;
	case OPT_RSS_SECONDS:
		return bench_parse_seconds("rss-seconds", arg, 0.1,
		    &opt->rss_seconds);
	case OPT_HANDSHAKE_CLIENTS:
		rc = bench_parse_uint("handshake-clients", arg, 0, 250, &n);
		opt->handshake_clients = (unsigned)n;
		break;
	case OPT_CONSOLES:
		rc = bench_parse_uint("consoles", arg, 0, BENCH_CONSOLES_MAX,
		    &n);
		opt->consoles = (unsigned)n;
		break;
	case OPT_ADDRESS:
		rc = bench_parse_uint("address", arg, 0, 65535, &n);
		opt->address = (uint16_t)n;
		break;
	case OPT_REGISTERS:
		rc = bench_parse_uint("registers", arg, 1,
		    MODBUS_MAX_READ_REGISTERS, &n);
		opt->registers = (uint16_t)n;
		break;
	default:
		return -1;
	}
	return rc;
}

/* The before twins of the wardend targets chosen; at least one target. */
static int
bench_options_finish(struct bench_options *opt)
{
	enum bench_target before;
	int t, any = 0;

	if (opt->consoles == 0)
		opt->enabled[TARGET_WARDEND_CONSOLES] = 0;
	for (t = 0; t < TARGET_COUNT; t++) {
		before = bench_target((enum bench_target)t)->before;
		if (opt->before_bin != NULL && opt->enabled[t] &&
		    before != TARGET_NONE)
			opt->enabled[before] = 1;
		any |= opt->enabled[t];
	}
	if (!any) {
		fprintf(stderr, "bench: --targets names no target\n");
		return -1;
	}
	return 0;
}

int
bench_options_parse(struct bench_options *opt, int argc, char **argv)
{
	int c;

	bench_options_default(opt);
	while ((c = getopt_long(argc, argv, "h", bench_long_options,
	    NULL)) != -1) {
		if (c == 'h' || c == OPT_HELP) {
			bench_usage(stdout);
			return 1;
		}
		if (bench_options_one(opt, c, optarg) != 0) {
			bench_usage(stderr);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "bench: unexpected argument '%s'\n",
		    argv[optind]);
		bench_usage(stderr);
		return -1;
	}
	return bench_options_finish(opt);
}
