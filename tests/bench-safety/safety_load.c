/*
 * safety_load.c: client threads for one run. Each has its own connection
 * (libmodbus, or TLS with bench_tls.c's client) and histogram (no
 * sharing on the hot path). They connect
 * first; the CPU counter of the watched process is read; then they all
 * go; when told to stop they finish the request in hand, and the counter
 * is read again before anyone disconnects.
 */
#include "safety.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LOAD_TIMEOUT 2.0        /* a response later than this is an error */

struct safety_client {
	struct safety_run *run;
	pthread_t thread;
	modbus_t *ctx;                  /* plain: NULL when not connected */
	struct bench_tls_client tls;    /* TLS: tls.ssl NULL when not */
	uint64_t answered, errors;
	struct safety_hist hist;
};

struct safety_run {
	struct safety_load load;
	struct safety_client *clients;
	pthread_barrier_t connected;    /* clients + the caller */
	pthread_barrier_t go;
	atomic_int stop;
	double started;
	double cpu_before;
};

static uint64_t
safety_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void
safety_client_connect(struct safety_client *c)
{
	const struct safety_load *load = &c->run->load;

	if (load->tls != NULL)
		bench_tls_connect(&c->tls, load->tls, load->port, NULL,
		    LOAD_TIMEOUT);
	else
		c->ctx = world_connect(load->port, load->unit, LOAD_TIMEOUT);
}

static int
safety_client_up(const struct safety_client *c)
{
	return c->ctx != NULL || c->tls.ssl != NULL;
}

static void
safety_client_close(struct safety_client *c)
{
	world_client_free(c->ctx);
	c->ctx = NULL;
	bench_tls_close(&c->tls);
}

/* One request over TLS; 1 when answered as the op expects. */
static int
safety_client_request_tls(struct safety_client *c, uint64_t n)
{
	const struct safety_load *load = &c->run->load;
	uint16_t reg;

	switch (load->op) {
	case OP_READ:
		return bench_tls_read(&c->tls, load->unit, load->address, 1,
		    &reg) == 0;
	case OP_WRITE:
		return bench_tls_write(&c->tls, load->unit, load->address,
		    (uint16_t)(load->value + (n & 1))) == 0;
	case OP_WRITE_BAD:
		return bench_tls_write(&c->tls, load->unit, load->address,
		    load->value) == MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE;
	}
	return 0;
}

/* One request; 1 when answered as the op expects. */
static int
safety_client_request(struct safety_client *c, uint64_t n)
{
	const struct safety_load *load = &c->run->load;
	uint16_t reg;

	if (load->tls != NULL)
		return safety_client_request_tls(c, n);
	switch (load->op) {
	case OP_READ:
		return modbus_read_registers(c->ctx, load->address, 1, &reg) == 1;
	case OP_WRITE:
		return modbus_write_register(c->ctx, load->address,
		    (uint16_t)(load->value + (n & 1))) == 1;
	case OP_WRITE_BAD:
		return modbus_write_register(c->ctx, load->address,
		    load->value) == -1 &&
		    errno == MODBUS_ENOBASE + MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE;
	}
	return 0;
}

static void
safety_client_loop(struct safety_client *c)
{
	const struct safety_load *load = &c->run->load;
	uint64_t start, next = safety_ns(), gap;
	struct timespec at;

	gap = load->rate > 0.0 ? (uint64_t)(1e9 / load->rate) : 0;
	while (safety_client_up(c) &&
	    !atomic_load_explicit(&c->run->stop, memory_order_relaxed)) {
		if (gap > 0) {
			/* Behind (a stall): start afresh, no catch-up burst. */
			start = safety_ns();
			next = next + gap < start ? start : next + gap;
			at.tv_sec = (time_t)(next / 1000000000u);
			at.tv_nsec = (long)(next % 1000000000u);
			clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at,
			    NULL);
		}
		start = safety_ns();
		if (safety_client_request(c, c->answered)) {
			safety_hist_record(&c->hist, safety_ns() - start);
			c->answered++;
			continue;
		}
		/* A late answer may still come: go on with a fresh connection
		 * so it cannot be taken for the next one. */
		c->errors++;
		safety_client_close(c);
		safety_client_connect(c);
	}
}

static void *
safety_client_main(void *arg)
{
	struct safety_client *c = arg;
	struct safety_run *run = c->run;

	safety_client_connect(c);
	pthread_barrier_wait(&run->connected);
	pthread_barrier_wait(&run->go);
	safety_client_loop(c);
	return NULL;
}

static void
safety_run_free(struct safety_run *run)
{
	unsigned i;

	for (i = 0; i < run->load.clients; i++)
		safety_client_close(&run->clients[i]);
	pthread_barrier_destroy(&run->connected);
	pthread_barrier_destroy(&run->go);
	free(run->clients);
	free(run);
}

static struct safety_run *
safety_run_new(const struct safety_load *load)
{
	struct safety_run *run = calloc(1, sizeof(*run));

	if (run == NULL)
		return NULL;
	run->load = *load;
	atomic_init(&run->stop, 0);
	run->clients = calloc(load->clients, sizeof(*run->clients));
	if (run->clients == NULL || pthread_barrier_init(&run->connected,
	    NULL, load->clients + 1) != 0) {
		free(run->clients);
		free(run);
		return NULL;
	}
	if (pthread_barrier_init(&run->go, NULL, load->clients + 1) != 0) {
		pthread_barrier_destroy(&run->connected);
		free(run->clients);
		free(run);
		return NULL;
	}
	return run;
}

struct safety_run *
safety_load_start(const struct safety_load *load)
{
	struct safety_run *run;
	unsigned i;
	int err;

	if (load->clients == 0 || (run = safety_run_new(load)) == NULL)
		return NULL;
	for (i = 0; i < load->clients; i++) {
		run->clients[i].run = run;
		err = pthread_create(&run->clients[i].thread, NULL,
		    safety_client_main, &run->clients[i]);
		if (err != 0) {
			/* The threads started wait on barriers that never
			 * fill: leave them, the caller is about to exit. */
			fprintf(stderr, "bench-safety: cannot start client "
			    "thread %u: %s\n", i + 1, strerror(err));
			return NULL;
		}
	}
	pthread_barrier_wait(&run->connected);
	if (load->watch <= 0 || bench_proc_cpu(load->watch,
	    &run->cpu_before) != 0)
		run->cpu_before = -1.0;
	run->started = safety_mono();
	pthread_barrier_wait(&run->go);
	return run;
}

void
safety_load_stop(struct safety_run *run, struct safety_result *result)
{
	struct safety_client *c;
	double cpu_after;
	unsigned i;

	memset(result, 0, sizeof(*result));
	atomic_store(&run->stop, 1);
	for (i = 0; i < run->load.clients; i++)
		pthread_join(run->clients[i].thread, NULL);
	result->seconds = safety_mono() - run->started;
	if (run->cpu_before >= 0.0 &&
	    bench_proc_cpu(run->load.watch, &cpu_after) == 0)
		result->cpu = cpu_after - run->cpu_before;
	for (i = 0; i < run->load.clients; i++) {
		c = &run->clients[i];
		result->answered += c->answered;
		result->errors += c->errors;
		result->lost += !safety_client_up(c);
		safety_hist_merge(&result->hist, &c->hist);
	}
	safety_run_free(run);
}

int
safety_load_run(const struct safety_load *load, double seconds,
    struct safety_result *result)
{
	struct safety_run *run = safety_load_start(load);
	double end;

	if (run == NULL)
		return -1;
	end = safety_mono() + seconds;
	while (safety_mono() < end && !safety_interrupted())
		safety_nap(0.05 < end - safety_mono() ? 0.05 :
		    end - safety_mono());
	safety_load_stop(run, result);
	return 0;
}

/* Runs added up: their histograms merged, counts and times summed. */
void
safety_result_add(struct safety_result *into, const struct safety_result *r)
{
	into->answered += r->answered;
	into->errors += r->errors;
	into->lost += r->lost;
	into->seconds += r->seconds;
	into->cpu += r->cpu;
	safety_hist_merge(&into->hist, &r->hist);
}

double
safety_result_tps(const struct safety_result *r)
{
	return r->seconds > 0.0 ? (double)r->answered / r->seconds : 0.0;
}

/* CPU of the watched process per answered request, in microseconds. */
double
safety_result_cpu_us(const struct safety_result *r)
{
	return r->answered > 0 ? r->cpu * 1e6 / (double)r->answered : 0.0;
}
