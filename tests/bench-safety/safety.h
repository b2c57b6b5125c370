/*
 * safety.h: the safety benchmark (build/bench-safety, run by make bench
 * after build/bench). What the safety features cost and how fast they
 * act: the policy decision and the audit trail (issue 3), takeover and
 * trip latency (issue 4), well-behaved clients under a flood of hostile
 * traffic and memory with many connections (issue 5), and well-behaved
 * TLS clients and a takeover under a flood of stalled handshakes
 * (issue 11).
 *
 * One header for the whole program, grouped by the file that owns each
 * part, so it reads as a map of who does what.
 */
#ifndef WARDEN_SAFETY_H
#define WARDEN_SAFETY_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <modbus.h>

#include "../bench/bench_tls.h"
#include "../integration/world.h"

/* safety_main.c: what the command line asked for. */
enum safety_section {
	SECTION_AUDIT = 1,              /* issue 3: policy and audit */
	SECTION_TAKEOVER = 2,           /* issue 4: takeover and trips */
	SECTION_FLOOD = 4,              /* issue 5: flood and memory */
	SECTION_HANDSHAKE = 8,          /* issue 11: handshake flood */
};

struct safety_options {
	unsigned sections;              /* enum safety_section bits */
	double seconds;                 /* one load run */
	unsigned rounds;                /* load runs of each kind */
	unsigned clients;               /* well-behaved client threads */
	unsigned trials;                /* takeover trials */
	unsigned trip_trials;           /* trip trials per poll_interval */
	unsigned connections;           /* open for the memory figure */
	double flood_rate;              /* out-of-range writes/s per thread */
	unsigned half_open;             /* stalled handshakes held open */
};

/* A stop signal (SIGINT, SIGTERM) arrived: wind down and clean up. */
int safety_interrupted(void);

/* safety_clock.c: time, naps, and what /proc says of a process. */
double safety_mono(void);               /* seconds, CLOCK_MONOTONIC */
double safety_wall(void);               /* seconds, CLOCK_REALTIME */
void safety_nap(double seconds);
/* A uniform pseudo-random number in [0, 1) (xorshift, state in *seed). */
double safety_random(uint32_t *seed);
/* utime + stime in seconds; 0, or -1 when the process is gone. */
/* tests/bench/bench_proc.c, shared with the gateway bench */
int bench_proc_cpu(pid_t pid, double *seconds);

/* safety_stats.c: latency histograms and sample sets. */
#define SAFETY_HIST_SUB 64              /* buckets per power of two */
#define SAFETY_HIST_BUCKETS (SAFETY_HIST_SUB * 40)

/* Nanoseconds, log-linear: under 1.6 % error, exact below 64 ns. */
struct safety_hist {
	uint64_t count[SAFETY_HIST_BUCKETS];
	uint64_t samples;
};

void safety_hist_record(struct safety_hist *h, uint64_t ns);
void safety_hist_merge(struct safety_hist *into, const struct safety_hist *from);
/* The q-quantile (0 < q <= 1) in nanoseconds; 0 when empty. */
double safety_hist_quantile(const struct safety_hist *h, double q);

/* Every sample kept (trials are few): exact quantiles. */
struct safety_samples {
	double *v;
	size_t n, cap;
};

int safety_samples_add(struct safety_samples *s, double value);
/* Nearest-rank q-quantile (sorts in place); 0 when empty. */
double safety_samples_quantile(struct safety_samples *s, double q);
void safety_samples_free(struct safety_samples *s);

/* safety_plant.c: the world (tests/integration/world.h) every section
 * runs its plant in. n_plcs plcsims (tank model) with a backdoor and no
 * journal; NULL when one did not start (said on stderr). */
struct world *safety_plant(int n_plcs);
/* Start wardend with body in w, its control socket's takeover_group and
 * release_group the caller's own group, root or not. 0, or -1. */
int safety_start(struct world *w, const char *body);
/* The same, its one listener a TLS one with the certificates in certs
 * (bench_tls_start). */
int safety_start_tls(struct world *w, const char *body, const char *certs);
/* The control socket: one JSON object per line each way. */
int safety_control_open(const struct world *w);
/* Send request (without newline) and read the answer line into answer.
 * 1 when it says "ok":true, 0 when it refuses, -1 on a socket error or
 * no answer within timeout. */
int safety_control_ask(int fd, const char *request, char *answer, size_t cap,
    double timeout);
/* Open, ask, close. */
int safety_control(const struct world *w, const char *request,
    char *answer, size_t cap);

/* safety_tail.c: follow wardend's audit log as it grows. */
struct safety_record {
	char event[32];
	double ts;                      /* unix time, microseconds */
	char point[64];
	char cause[32];
};

struct safety_tail {
	int fd;
	char *buf;                      /* bytes read: buf[start..len) unused */
	size_t start, len, cap;
};

/* Open path positioned at its present end. 0, or -1. */
int safety_tail_open(struct safety_tail *t, const char *path);
void safety_tail_close(struct safety_tail *t);
/* Skip everything written so far. */
void safety_tail_drain(struct safety_tail *t);
/*
 * Wait until a record with this event (and point, when not NULL) is
 * written, at most timeout seconds; records before it are passed over.
 * 0 with it in *rec, or -1.
 */
int safety_tail_wait(struct safety_tail *t, const char *event,
    const char *point, double timeout, struct safety_record *rec);
/* "2026-11-24T22:27:00.123456Z" as unix time; 0, or -1. */
int safety_rfc3339(const char *text, double *out);

/* safety_load.c: client threads, each with its own connection (libmodbus,
 * or TLS), issuing one kind of request back to back (or at a set rate),
 * each timed into the thread's own histogram. */
enum safety_op {
	OP_READ,                        /* FC 3 of address, 1 register */
	OP_WRITE,                       /* FC 6 of address, within limits */
	OP_WRITE_BAD,                   /* FC 6 of address, out of range */
};

struct safety_load {
	uint16_t port;
	SSL_CTX *tls;                   /* NULL: plain (libmodbus) */
	int unit;
	unsigned clients;
	enum safety_op op;
	uint16_t address;
	uint16_t value;                 /* OP_WRITE alternates value, value+1 */
	double rate;                    /* requests/s per client; 0: no pause */
	pid_t watch;                    /* whose CPU is measured (<= 0: none) */
};

struct safety_result {
	uint64_t answered;              /* as expected (OP_WRITE_BAD: 0x03) */
	uint64_t errors;                /* anything else */
	unsigned lost;                  /* clients without a connection */
	double seconds;
	double cpu;                     /* seconds used by load->watch */
	struct safety_hist hist;
};

struct safety_run;

/* Connect every client, then let them all go. NULL when the threads
 * could not be started (said on stderr). */
struct safety_run *safety_load_start(const struct safety_load *load);
/* Stop the clients, fill *result, free the run. */
void safety_load_stop(struct safety_run *run, struct safety_result *result);
/* Start, wait seconds (cut short by a stop signal), stop. 0, or -1. */
int safety_load_run(const struct safety_load *load, double seconds,
    struct safety_result *result);
void safety_result_add(struct safety_result *into,
    const struct safety_result *r);
double safety_result_tps(const struct safety_result *r);
double safety_result_cpu_us(const struct safety_result *r);

/* safety_report.c: plain text, ready to paste into BENCHMARKS.md. */
void safety_report_header(int argc, char **argv,
    const struct safety_options *opt);
void safety_report_load(const char *when);
void safety_report_section(const char *title);
/* "  what: value unit (target: cmp limit unit: met|not met)"; returns 1
 * when met. cmp is "<=" or ">=". */
int safety_report_target(const char *what, double value, const char *cmp,
    double limit, const char *unit);
/* One load run: tx/s, p50, p99, errors, CPU per transaction. */
void safety_report_result(const char *what, const struct safety_result *r);
/* p50, p99 and max of a sample set, in ms. */
void safety_report_samples(const char *what, struct safety_samples *s);

/* The sections. Each returns 0, or -1 when something failed to start
 * (it says what on stderr). */
/* safety_audit.c: issue 3. */
int safety_audit_section(const struct safety_options *opt);
/* safety_takeover.c: issue 4 (it runs the trips of safety_trip.c in the
 * same plant). */
int safety_takeover_section(const struct safety_options *opt);
/* safety_trip.c: trip detection latency on device `device` (monitored
 * point `point`, input register 0, tripping above 4.8 m), polled every
 * poll seconds: trials trips, each cleared and released. Samples in ms
 * from the backdoor write to the trip and takeover records. 0, or -1. */
int safety_trip_trials(const struct world *w, unsigned device,
    const char *point, double poll, unsigned trials,
    struct safety_samples *trip_ms, struct safety_samples *takeover_ms);
/* safety_flood.c: issue 5. */
int safety_flood_section(const struct safety_options *opt);
/* safety_handshake.c: issue 11. */
int safety_handshake_section(const struct safety_options *opt);
/* safety_conns.c: wardend's memory with many connections open and
 * active (w already started, unit 1 readable at address). 0, or -1. */
int safety_conns_memory(const struct world *w, unsigned connections,
    uint16_t address, double seconds);

#endif
