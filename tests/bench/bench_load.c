/*
 * bench_load.c: the client load of one run. Every client thread has its
 * own connection (bench_conn.c: libmodbus TCP, or TLS on the TLS target)
 * and issues requests back to back, timing
 * each transaction on the monotonic clock into its own histograms (no
 * sharing, no locks on the hot path). Most are reads of holding
 * registers; with a write share, every so often one is a write (FC 6) to
 * one of the declared points, with a value their limits pass (bench.h).
 *
 * The measured window is bracketed by barriers: the clients connect
 * first, the CPU counters are read, then they all start; when time is up
 * they finish the transaction in hand and wait, and the counters are read
 * again before anyone disconnects. Connecting and closing stay out of it,
 * except in a handshake run, where they are the transaction.
 */
#include "bench.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BENCH_TICK_NS 50000000L

struct bench_run {
	const struct bench_load *load;
	pthread_barrier_t connected;    /* clients + main */
	pthread_barrier_t go;
	pthread_barrier_t done;
	atomic_int stop;
};

struct bench_client {
	struct bench_run *run;
	pthread_t thread;
	unsigned index;                 /* 0.. */
	struct bench_conn conn;         /* down: could not connect, or lost */
	unsigned share;                 /* write share accumulator, 0..99 */
	uint64_t transactions;
	uint64_t writes;
	uint64_t errors;
	int lost;                       /* no connection at the end */
	struct bench_hist hist;
	struct bench_hist write_hist;
};

static uint64_t
bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Is the next transaction a write? write_percent of them are, spread
 * evenly (at 20: every fifth), each client starting at another phase. */
static int
bench_client_writes(struct bench_client *client, unsigned write_percent)
{
	client->share += write_percent;
	if (client->share < 100)
		return 0;
	client->share -= 100;
	return 1;
}

/* One write to the points in turn, with a value that moves within
 * BENCH_WRITE_LOW..HIGH; 0 when the device's normal answer came back. */
static int
bench_client_write(struct bench_client *client)
{
	unsigned n = (unsigned)client->writes + client->index;
	int value = BENCH_WRITE_LOW + (int)((n * 7) %
	    (BENCH_WRITE_HIGH - BENCH_WRITE_LOW + 1));

	return bench_conn_write(&client->conn, (uint16_t)(BENCH_WRITE_FIRST +
	    n % BENCH_WRITE_POINTS), (uint16_t)value);
}

static void
bench_client_loop(struct bench_client *client)
{
	const struct bench_load *load = client->run->load;
	uint16_t regs[MODBUS_MAX_READ_REGISTERS];
	uint64_t start, took;
	int write, rc;

	while (bench_conn_up(&client->conn) &&
	    !atomic_load_explicit(&client->run->stop, memory_order_relaxed)) {
		write = bench_client_writes(client, load->write_percent);
		start = bench_now_ns();
		if (write)
			rc = bench_client_write(client);
		else
			rc = bench_conn_read(&client->conn, regs);
		if (rc == 0) {
			took = bench_now_ns() - start;
			bench_hist_record(&client->hist, took);
			client->transactions++;
			if (write) {
				bench_hist_record(&client->write_hist, took);
				client->writes++;
			}
			continue;
		}
		/* A late answer may still be on its way: go on with a fresh
		 * connection so it cannot be taken for the next one. A write
		 * refused by the limits counts here too: none should be. */
		client->errors++;
		bench_conn_close(&client->conn);
		bench_conn_open(&client->conn, load);
	}
}

static void *
bench_client_main(void *arg)
{
	struct bench_client *client = arg;
	struct bench_run *run = client->run;

	bench_conn_open(&client->conn, run->load);
	pthread_barrier_wait(&run->connected);
	pthread_barrier_wait(&run->go);
	bench_client_loop(client);
	client->lost = !bench_conn_up(&client->conn);
	pthread_barrier_wait(&run->done);
	bench_conn_close(&client->conn);
	return NULL;
}

static void
bench_read_cpu(const struct bench_load *load, double *cpu)
{
	size_t i;

	for (i = 0; i < BENCH_WATCH; i++)
		if (load->watch[i] <= 0 || bench_proc_cpu(load->watch[i],
		    &cpu[i]) != 0)
			cpu[i] = 0.0;
}

/* Sleep until the deadline in ticks, calling the load's tick; a stop
 * signal cuts it short. 1 when interrupted. */
static int
bench_wait_window(const struct bench_load *load, uint64_t deadline)
{
	struct timespec tick = { 0, BENCH_TICK_NS };
	uint64_t now;

	while ((now = bench_now_ns()) < deadline) {
		if (deadline - now < (uint64_t)BENCH_TICK_NS)
			tick.tv_nsec = (long)(deadline - now);
		if (load->stop_signals != NULL) {
			if (sigtimedwait(load->stop_signals, NULL, &tick) > 0)
				return 1;
		} else {
			nanosleep(&tick, NULL);
		}
		if (load->tick != NULL)
			load->tick(load->tick_arg);
	}
	return 0;
}

static int
bench_run_init(struct bench_run *run, const struct bench_load *load)
{
	unsigned parties = load->clients + 1;

	memset(run, 0, sizeof(*run));
	run->load = load;
	atomic_init(&run->stop, 0);
	if (pthread_barrier_init(&run->connected, NULL, parties) != 0)
		return -1;
	if (pthread_barrier_init(&run->go, NULL, parties) != 0) {
		pthread_barrier_destroy(&run->connected);
		return -1;
	}
	if (pthread_barrier_init(&run->done, NULL, parties) != 0) {
		pthread_barrier_destroy(&run->connected);
		pthread_barrier_destroy(&run->go);
		return -1;
	}
	return 0;
}

static void
bench_run_destroy(struct bench_run *run)
{
	pthread_barrier_destroy(&run->connected);
	pthread_barrier_destroy(&run->go);
	pthread_barrier_destroy(&run->done);
}

/* The main thread's side of the barriers; the clients are running. */
static void
bench_run_measure(struct bench_run *run, struct bench_result *result)
{
	const struct bench_load *load = run->load;
	double cpu_before[BENCH_WATCH], cpu_after[BENCH_WATCH];
	uint64_t start, end;
	size_t i;

	pthread_barrier_wait(&run->connected);
	bench_read_cpu(load, cpu_before);
	start = bench_now_ns();
	pthread_barrier_wait(&run->go);
	result->interrupted = bench_wait_window(load,
	    start + (uint64_t)(load->seconds * 1e9));
	atomic_store(&run->stop, 1);
	pthread_barrier_wait(&run->done);
	end = bench_now_ns();
	bench_read_cpu(load, cpu_after);
	result->seconds = (double)(end - start) / 1e9;
	for (i = 0; i < BENCH_WATCH; i++)
		result->cpu[i] = cpu_after[i] - cpu_before[i];
}

static void
bench_run_collect(struct bench_client *clients, unsigned n,
    struct bench_result *result)
{
	uint64_t fewest = UINT64_MAX, most = 0;
	unsigned i;

	for (i = 0; i < n; i++) {
		if (clients[i].transactions < fewest)
			fewest = clients[i].transactions;
		if (clients[i].transactions > most)
			most = clients[i].transactions;
		result->transactions += clients[i].transactions;
		result->writes += clients[i].writes;
		result->errors += clients[i].errors;
		result->resumed += clients[i].conn.resumed;
		if (clients[i].lost)
			result->dead_clients++;
		bench_hist_merge(&result->hist, &clients[i].hist);
		bench_hist_merge(&result->write_hist, &clients[i].write_hist);
	}
	result->fairness = most > 0 ? (double)fewest / (double)most : 0.0;
}

int
bench_load_run(const struct bench_load *load, struct bench_result *result)
{
	struct bench_client *clients;
	struct bench_run *run;
	unsigned i;
	int err;

	memset(result, 0, sizeof(*result));
	if (load->clients == 0)
		return -1;
	run = malloc(sizeof(*run));
	clients = calloc(load->clients, sizeof(*clients));
	if (run == NULL || clients == NULL || bench_run_init(run, load) != 0) {
		free(run);
		free(clients);
		return -1;
	}
	for (i = 0; i < load->clients; i++) {
		clients[i].run = run;
		clients[i].index = i;
		clients[i].share = (i * 37) % 100;
		err = pthread_create(&clients[i].thread, NULL,
		    bench_client_main, &clients[i]);
		if (err != 0) {
			/* The threads already started wait on barriers that
			 * will never fill: leave them their memory, the
			 * caller is about to exit. */
			fprintf(stderr, "bench: cannot start client thread "
			    "%u: %s\n", i + 1, strerror(err));
			return -1;
		}
	}
	bench_run_measure(run, result);
	for (i = 0; i < load->clients; i++)
		pthread_join(clients[i].thread, NULL);
	bench_run_collect(clients, load->clients, result);
	free(clients);
	bench_run_destroy(run);
	free(run);
	return 0;
}

void
bench_result_add(struct bench_result *into, const struct bench_result *from)
{
	double tps = from->seconds > 0.0 ?
	    (double)from->transactions / from->seconds : 0.0;
	size_t i;

	if (into->runs == 0 || tps < into->tps_min)
		into->tps_min = tps;
	if (into->runs == 0 || tps > into->tps_max)
		into->tps_max = tps;
	if (into->runs == 0 || from->fairness < into->fairness)
		into->fairness = from->fairness;
	into->runs++;
	into->transactions += from->transactions;
	into->writes += from->writes;
	into->errors += from->errors;
	into->resumed += from->resumed;
	into->dead_clients += from->dead_clients;
	into->seconds += from->seconds;
	for (i = 0; i < BENCH_WATCH; i++)
		into->cpu[i] += from->cpu[i];
	into->interrupted |= from->interrupted;
	bench_hist_merge(&into->hist, &from->hist);
	bench_hist_merge(&into->write_hist, &from->write_hist);
}
