/*
 * policy_bench.c: policy decision time per write. The config is real
 * warden.yaml text through config_load(), the requests real frames
 * through mbap_decode_request(), so the figure is the one wardend pays.
 */
#include "policy_bench.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "mbap.h"
#include "policy.h"

/* Distinct requests cycled through: more than the caches hold of the
 * per-point state, so lookups are not all cache hits. */
#define BENCH_REQUESTS 65536
/* Seconds between writes: with max_rate 10000 per second every write of
 * the workload (values 45.0..54.9) stays within the rate, and each one
 * confirmed stays within max_step 50 of the next. */
#define BENCH_WRITE_GAP 1e-3
#define BENCH_BASELINE_RAW 500

struct bench_run {
	struct config *cfg;
	struct policy_memory *memory;
	struct policy_decision *decision;
	struct mbap_request *requests;
	uint8_t (*frames)[MBAP_MAX_ADU_LEN];
};

static int
bench_yaml_write(FILE *f, unsigned n_points)
{
	fprintf(f, "listen: 127.0.0.1:1502\n"
	    "state_dir: /tmp\n"
	    "audit_log: /tmp/policy-bench-audit.jsonl\n"
	    "control: {socket: /tmp/policy-bench.sock}\n"
	    "devices:\n"
	    "  - {name: plc, host: 127.0.0.1, port: 5020, unit_id: 1}\n"
	    "points:\n");
	for (unsigned i = 0; i < n_points; i++)
		fprintf(f, "  - {name: p%u, device: plc, table: holding, "
		    "address: %u, scale: 0.1, write: {min: 0, max: 100, "
		    "max_step: 50, max_rate: 10000}}\n", i, i);
	return ferror(f) ? -1 : 0;
}

static struct config *
bench_config(unsigned n_points)
{
	char path[] = "/tmp/policy_bench-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fd < 0 ? NULL : fdopen(fd, "w");
	char *errors = NULL;
	struct config *cfg = NULL;
	int written;

	if (!f) {
		perror("policy bench: temporary config");
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	written = bench_yaml_write(f, n_points);
	if (fclose(f) == 0 && written == 0)
		cfg = config_load(path, &errors);
	unlink(path);
	if (!cfg)
		fprintf(stderr, "policy bench: config: %s\n",
		    errors ? errors : "could not write it");
	free(errors);
	return cfg;
}

static uint32_t
bench_random(uint32_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 17;
	*state ^= *state << 5;
	return *state;
}

static int
bench_requests_make(struct bench_run *run, unsigned n_points)
{
	uint32_t seed = 0x2545F491;

	for (unsigned i = 0; i < BENCH_REQUESTS; i++) {
		uint16_t address = (uint16_t)(bench_random(&seed) % n_points);
		uint16_t raw = (uint16_t)(450 + bench_random(&seed) % 100);
		size_t len = mbap_encode_write_register(run->frames[i],
		    (uint16_t)i, 1, address, raw);

		if (mbap_decode_request(run->frames[i], len,
		    &run->requests[i]) != 0)
			return -1;
	}
	return 0;
}

static void
bench_run_free(struct bench_run *run)
{
	if (run->cfg)
		config_free(run->cfg);
	free(run->memory);
	free(run->decision);
	free(run->requests);
	free(run->frames);
}

static double
bench_clock_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* Judges iterations writes from time `start` on; returns how many were
 * allowed. */
static unsigned
bench_judge(struct bench_run *run, unsigned iterations, double start)
{
	unsigned allowed = 0;

	for (unsigned i = 0; i < iterations; i++) {
		double now = start + i * BENCH_WRITE_GAP;

		const struct mbap_request *req =
		    &run->requests[i % BENCH_REQUESTS];

		policy_decide(run->cfg, run->memory, 0, req, now,
		    run->decision);
		/* Forwarded and answered, as the proxy reports it. */
		policy_forward(run->cfg, run->memory, 0, req);
		policy_accept(run->memory, run->decision, now);
		policy_settle(run->cfg, run->memory, 0, req, 0, POLICY_WRITTEN,
		    now);
		allowed += run->decision->verdict == POLICY_ALLOW;
	}
	return allowed;
}

double
policy_bench_ns_per_decision(unsigned n_points, unsigned iterations)
{
	struct bench_run run;
	double started, elapsed = -1;

	memset(&run, 0, sizeof run);
	if (n_points == 0 || n_points > 65536 || iterations == 0) {
		fprintf(stderr, "policy bench: needs 1..65536 points and at "
		    "least one iteration\n");
		return -1;
	}
	run.cfg = bench_config(n_points);
	run.memory = calloc(n_points, sizeof *run.memory);
	run.decision = malloc(sizeof *run.decision);
	run.requests = calloc(BENCH_REQUESTS, sizeof *run.requests);
	run.frames = calloc(BENCH_REQUESTS, sizeof *run.frames);
	if (!run.cfg || !run.memory || !run.decision || !run.requests ||
	    !run.frames || bench_requests_make(&run, n_points) != 0) {
		fprintf(stderr, "policy bench: could not set up the run\n");
		bench_run_free(&run);
		return -1;
	}
	for (unsigned p = 0; p < n_points; p++)
		policy_observe(run.cfg, run.memory, p, BENCH_BASELINE_RAW, 0);
	/* Warm up on the same requests, then measure after them in time. */
	bench_judge(&run, BENCH_REQUESTS, 1);
	started = bench_clock_ns();
	if (bench_judge(&run, iterations, 1 + BENCH_REQUESTS) == iterations)
		elapsed = bench_clock_ns() - started;
	else
		fprintf(stderr, "policy bench: a write within every limit "
		    "was refused\n");
	bench_run_free(&run);
	return elapsed < 0 ? -1 : elapsed / iterations;
}
