/*
 * bench.h: the gateway benchmark (make bench). A libmodbus client load is
 * run directly against plcsim, through haproxy (one extra hop with no
 * inspection) and through wardend, interleaved over rounds, and the
 * latency, throughput and CPU per transaction of each are compared.
 *
 * One header for the whole program, grouped by the file that owns each
 * part, so it reads as a map of who does what.
 */
#ifndef WARDEN_BENCH_H
#define WARDEN_BENCH_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* bench_hist.c: log-linear latency histogram, 128 buckets per power of
 * two (under 0.8% error), exact below 256 ns. Fixed size, so recording
 * never allocates and histograms merge by addition. */
#define BENCH_HIST_BUCKETS 4480

struct bench_hist {
	uint64_t count[BENCH_HIST_BUCKETS];
	uint64_t samples;
};

void bench_hist_record(struct bench_hist *hist, uint64_t ns);
void bench_hist_merge(struct bench_hist *into, const struct bench_hist *from);
/* The q-quantile (0 < q <= 1) in nanoseconds; 0 when empty. */
double bench_hist_quantile(const struct bench_hist *hist, double q);

/* bench_proc.c: what /proc says about a process. 0 on success. */
struct bench_mem {
	long rss_kib;                   /* VmRSS */
	long anon_kib;                  /* RssAnon: the process's own pages */
	long hwm_kib;                   /* VmHWM: the peak RSS */
};

int bench_proc_cpu(pid_t pid, double *seconds);    /* utime + stime */
int bench_proc_mem(pid_t pid, struct bench_mem *mem);

/* bench_load.c: N client threads, each with its own libmodbus connection,
 * reading holding registers back to back for a while. */
#define BENCH_WATCH 2   /* processes whose CPU a load run measures */
#define BENCH_UNIT 1    /* unit id the clients address */

struct bench_load {
	uint16_t port;
	unsigned clients;
	double seconds;
	uint16_t address;
	uint16_t registers;
	pid_t watch[BENCH_WATCH];       /* <= 0: not measured */
	/* Called about every 50 ms while the clients run (may be NULL). */
	void (*tick)(void *arg);
	void *tick_arg;
	/* Blocked signals that end a run early (SIGINT, SIGTERM). */
	const sigset_t *stop_signals;
};

struct bench_result {
	uint64_t transactions;
	uint64_t errors;
	unsigned dead_clients;          /* could not connect, or lost */
	double seconds;                 /* the measured window */
	double cpu[BENCH_WATCH];        /* seconds used by each watched pid */
	int interrupted;                /* a stop signal arrived */
	/* Fewest over most transactions of one client: 1 when every client
	 * was served alike. Added up: the lowest of the runs. */
	double fairness;
	/* Over the runs added up with bench_result_add: */
	unsigned runs;
	double tps_min, tps_max;        /* transactions/s of one run */
	struct bench_hist hist;
};

/* Fills *result (zeroed first). -1 when the run could not be set up. */
int bench_load_run(const struct bench_load *load, struct bench_result *result);
void bench_result_add(struct bench_result *into,
    const struct bench_result *from);

/* bench_rig.c: plcsim, haproxy and wardend on free loopback ports. */
enum bench_target { TARGET_DIRECT, TARGET_HAPROXY, TARGET_WARDEND,
	TARGET_COUNT };

struct bench_options {
	unsigned rounds;
	double seconds;                 /* per round, per target */
	double warmup;                  /* per target, before round 1 */
	unsigned conns[8];
	size_t n_conns;
	int enabled[TARGET_COUNT];
	unsigned device_connections;    /* wardend `connections` */
	unsigned pipeline;              /* wardend `pipeline` */
	unsigned rss_clients;
	double rss_seconds;
	uint16_t address;
	uint16_t registers;
};

struct bench_rig {
	char *dir;
	pid_t pid[TARGET_COUNT];        /* TARGET_DIRECT is plcsim itself */
	uint16_t port[TARGET_COUNT];
	char log[TARGET_COUNT][512];
	char haproxy_version[128];      /* first line of haproxy -v */
};

const char *bench_target_name(enum bench_target target);
/* Starts plcsim and every enabled gateway; says on stderr what failed. */
int bench_rig_start(struct bench_rig *rig, const struct bench_options *opt);
/* The first process of the rig that has exited, or -1. */
int bench_rig_check(const struct bench_rig *rig);
/* Stops by PID, gateways first; removes the temp dir unless keep_logs. */
void bench_rig_stop(struct bench_rig *rig, int keep_logs);

/* bench_options.c */
/* 0: run; 1: help printed; -1: usage error printed. */
int bench_options_parse(struct bench_options *opt, int argc, char **argv);

/* bench_report.c */
/* One run boiled down; kept per round for the ratios. */
struct bench_point {
	double p50_us, p99_us, tps, cpu_us;     /* cpu_us: per transaction */
};

/* points[(i * TARGET_COUNT + t) * rounds + round - 1] */
struct bench_points {
	struct bench_point *at;
	unsigned rounds;
};

void bench_point_set(struct bench_points *points, size_t conns_index,
    enum bench_target target, unsigned round,
    const struct bench_result *result);
void bench_report_header(int argc, char **argv, const struct bench_rig *rig,
    const struct bench_options *opt);
/* The load average, so a reader sees whether the machine was quiet. */
void bench_report_load(const char *when);
void bench_report_run(unsigned round, unsigned conns, enum bench_target target,
    const struct bench_result *result);
/* results[i * TARGET_COUNT + t]: conns[i], target t, over all rounds. */
void bench_report_summary(const struct bench_options *opt,
    const struct bench_result *results, const struct bench_points *points);
/* idle: before the clients; last: the last sample with them active;
 * max_rss_kib: the largest VmRSS sampled. */
void bench_report_rss(const char *name, const struct bench_mem *idle,
    const struct bench_mem *last, long max_rss_kib, unsigned clients,
    const struct bench_result *result);

#endif
