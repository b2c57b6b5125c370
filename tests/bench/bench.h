/*
 * bench.h: the gateway benchmark (make bench). A libmodbus client load is
 * run directly against plcsim, through haproxy (one extra hop with no
 * inspection) and through wardend (enforcing limits on the points written,
 * as a plain monitor-mode relay, behind a TLS listener, and with
 * operators' consoles subscribed to its control socket), interleaved
 * over rounds, and the latency, throughput and CPU per transaction of
 * each are compared; then the TLS listener's handshakes per second.
 *
 * One header for the whole program, grouped by the file that owns each
 * part, so it reads as a map of who does what.
 */
#ifndef WARDEN_BENCH_H
#define WARDEN_BENCH_H

#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include <modbus.h>

#include "bench_tls.h"

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

/* bench_target.c: what is measured. A target is one process under one
 * load; direct and haproxy are measured under both loads, each wardend
 * under the load its history and its use call for. */
enum bench_load_kind {
	LOAD_MIXED,             /* reads and writes to declared points */
	LOAD_READS,             /* reads only: the load before issue 10 */
	LOAD_COUNT
};

enum bench_process {
	PROCESS_PLCSIM,         /* the device, and the target "direct" */
	PROCESS_HAPROXY,
	PROCESS_WARDEND,        /* mode enforce, points with limits; also
				 * the target wardend-consoles */
	PROCESS_WARDEND_BEFORE, /* the same, another binary (--before-bin) */
	PROCESS_WARDEND_TLS,    /* the same as wardend, its listener TLS */
	PROCESS_MONITOR,        /* mode monitor, no points */
	PROCESS_MONITOR_BEFORE,
	PROCESS_COUNT
};

enum bench_target {
	TARGET_DIRECT, TARGET_HAPROXY, TARGET_WARDEND, TARGET_WARDEND_BEFORE,
	TARGET_WARDEND_TLS, TARGET_DIRECT_READS, TARGET_HAPROXY_READS,
	TARGET_MONITOR, TARGET_MONITOR_BEFORE, TARGET_WARDEND_CONSOLES,
	TARGET_COUNT, TARGET_NONE = -1
};

enum bench_role { ROLE_DIRECT, ROLE_HAPROXY, ROLE_WARDEND };

struct bench_target_info {
	const char *name;
	enum bench_process process;
	enum bench_load_kind load;
	enum bench_role role;
	/* The same configuration run by the --before-bin binary, or
	 * TARGET_NONE (also for the before targets themselves). */
	enum bench_target before;
	/* A TLS target: the same configuration on a plain listener, which
	 * it is held against; TARGET_NONE otherwise. */
	enum bench_target plain;
};

const struct bench_target_info *bench_target(enum bench_target target);
const char *bench_target_name(enum bench_target target);
/* The target of that load and role (ROLE_DIRECT or ROLE_HAPROXY). */
enum bench_target bench_target_base(enum bench_load_kind load,
    enum bench_role role);
/* "plcsim", "haproxy", "wardend", "wardend-before", ... */
const char *bench_process_name(enum bench_process process);
/* "enforce" or "monitor" for a wardend, NULL otherwise. */
const char *bench_process_mode(enum bench_process process);
int bench_process_is_before(enum bench_process process);
int bench_process_is_tls(enum bench_process process);
const char *bench_load_name(enum bench_load_kind load);

/* bench_load.c: N client threads, each with its own libmodbus connection,
 * issuing requests back to back for a while: reads of holding registers,
 * and in the mixed load every so often a write (FC 6) to one of the
 * declared points, with a value the limits pass. */
#define BENCH_WATCH 2   /* processes whose CPU a load run measures */
#define BENCH_UNIT 1    /* unit id the clients address */
#define BENCH_TIMEOUT_S 2       /* a later answer is an error */

/* The written points: holding registers BENCH_WRITE_FIRST and on, 0.1 %
 * per count (0..100 %). The first BENCH_WRITE_STEPPED of them have a
 * max_step of BENCH_WRITE_STEP_RAW counts; every value written lies in
 * BENCH_WRITE_LOW..BENCH_WRITE_HIGH, which is narrower than the step and
 * holds the tank's start value (500) of holding 0 and 1, so every write
 * passes, however the clients' writes interleave. */
#define BENCH_WRITE_FIRST 0
#define BENCH_WRITE_POINTS 4
#define BENCH_WRITE_STEPPED 2
#define BENCH_WRITE_STEP_RAW 50         /* max_step: 5 (%) */
#define BENCH_WRITE_LOW 480
#define BENCH_WRITE_HIGH 520

/* How a TLS client uses its connection. */
enum bench_handshake {
	HANDSHAKE_NONE,         /* one connection, one handshake, for the run */
	HANDSHAKE_FULL,         /* each read on a connection of its own:
				 * connect, full handshake, read, close */
	HANDSHAKE_RESUME,       /* the same, resuming the session the
				 * client's last connection left */
};

struct bench_load {
	uint16_t port;
	SSL_CTX *tls;                   /* NULL: plain (libmodbus) */
	enum bench_handshake handshake; /* with tls: reads only, unless NONE */
	unsigned clients;
	double seconds;
	uint16_t address;
	uint16_t registers;
	unsigned write_percent;         /* share of writes, 0..100 */
	pid_t watch[BENCH_WATCH];       /* <= 0: not measured */
	/* Called about every 50 ms while the clients run (may be NULL). */
	void (*tick)(void *arg);
	void *tick_arg;
	/* Blocked signals that end a run early (SIGINT, SIGTERM). */
	const sigset_t *stop_signals;
};

struct bench_result {
	uint64_t transactions;          /* reads and writes */
	uint64_t writes;                /* of them, writes */
	uint64_t errors;                /* failed or refused, not counted */
	uint64_t resumed;               /* handshakes that resumed a session */
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
	struct bench_hist hist;         /* every transaction */
	struct bench_hist write_hist;   /* the writes alone */
};

/* Fills *result (zeroed first). -1 when the run could not be set up. */
int bench_load_run(const struct bench_load *load, struct bench_result *result);
void bench_result_add(struct bench_result *into,
    const struct bench_result *from);

/* bench_conn.c: one client's connection (bench_load.c's clients). */
struct bench_conn {
	const struct bench_load *load;
	int up;                         /* connected: transactions may go */
	modbus_t *modbus;               /* plain */
	struct bench_tls_client tls;    /* TLS, HANDSHAKE_NONE */
	SSL_SESSION *session;           /* HANDSHAKE_RESUME: the one offered */
	uint64_t resumed;               /* handshakes that resumed one */
};

/* Connect (c zeroed, or closed); in a handshake run, make one first
 * handshake and read, not counted. 0, or -1. */
int bench_conn_open(struct bench_conn *c, const struct bench_load *load);
int bench_conn_up(const struct bench_conn *c);
/* Read the load's registers (in a handshake run, on a connection of its
 * own); write one register. 0 when answered, -1 otherwise. */
int bench_conn_read(struct bench_conn *c, uint16_t *regs);
int bench_conn_write(struct bench_conn *c, uint16_t address,
    uint16_t value);
/* Close, forget the session; resumed stays. */
void bench_conn_close(struct bench_conn *c);

/* bench_yaml.c: the configurations wardend is measured with, in the parts
 * its world writes. */
/* The keys of the device entry after its name, host, port and unit_id. */
void bench_yaml_device(char *keys, size_t size, unsigned device_connections,
    unsigned pipeline);
/* malloc'd YAML after the devices for a wardend of that process, or NULL. */
char *bench_yaml_wardend(enum bench_process process);

/* bench_options.c: the command line. */
struct bench_options {
	unsigned rounds;
	double seconds;                 /* per round, per target */
	double warmup;                  /* per target, before round 1 */
	unsigned conns[8];
	size_t n_conns;
	int enabled[TARGET_COUNT];
	const char *before_bin;         /* --before-bin, or NULL */
	unsigned device_connections;    /* wardend `connections` */
	unsigned pipeline;              /* wardend `pipeline` */
	unsigned write_percent;         /* of the mixed load */
	unsigned rss_clients;
	double rss_seconds;
	unsigned handshake_clients;     /* 0: no handshake runs */
	unsigned consoles;              /* subscribers of wardend-consoles */
	uint16_t address;
	uint16_t registers;
};

/* 0: run; 1: help printed; -1: usage error printed. */
int bench_options_parse(struct bench_options *opt, int argc, char **argv);

/* bench_worlds.c: the processes under test, in the integration tests'
 * worlds (tests/integration/world.h) on free loopback ports: the plant's
 * world (plcsim without a journal, which would cost a file write per
 * request, and haproxy), and each wardend in a world within it (its own
 * subdir, config and binary). Only what an enabled target needs runs. */
struct world;

struct bench_worlds {
	struct world *plant;
	int haproxy;                    /* in plant->proc, or -1 */
	char haproxy_version[128];      /* first line of haproxy -v */
	struct world *wardend[PROCESS_COUNT];   /* NULL: not used */
	/* With a TLS target: the certificates (plant dir/certs), the
	 * clients' context, what a first connection negotiated. */
	char certs[512];
	SSL_CTX *tls;
	char tls_session[128];
};

/* Is some enabled target run on this process? */
int bench_process_used(const struct bench_options *opt,
    enum bench_process process);
/* Starts plcsim and every gateway an enabled target needs; says on
 * stderr what failed. */
int bench_worlds_start(struct bench_worlds *worlds,
    const struct bench_options *opt);
/* A process's pid (-1: not running) and port. */
pid_t bench_worlds_pid(const struct bench_worlds *worlds,
    enum bench_process process);
uint16_t bench_worlds_port(const struct bench_worlds *worlds,
    enum bench_process process);
/* A wardend's control socket, or NULL. */
const char *bench_worlds_socket(const struct bench_worlds *worlds,
    enum bench_process process);
/* 0 while every process runs; -1 when one has exited, said on stderr
 * with plcsim's or haproxy's log (a wardend's world shows its log when
 * bench_worlds_stop keeps the logs). */
int bench_worlds_check(const struct bench_worlds *worlds);
/* Stops by PID, gateways first; removes the temp dir unless keep_logs
 * (then the wardends' logs are printed). 0 when every wardend exited 0
 * on SIGTERM. */
int bench_worlds_stop(struct bench_worlds *worlds, int keep_logs);

/* bench_haproxy.c: haproxy in TCP mode on one thread, in front of the
 * plant's plcsim. Its index in plant->proc, or -1 (said on stderr);
 * version gets the first line of haproxy -v. */
int bench_haproxy_start(struct world *plant, char *version, size_t size);

/* bench_handshake.c: handshakes per second of the TLS wardend, full and
 * resumed, runs of each in turn over the rounds; printed with their
 * ratio. 0; -2 when a stop signal cut it short; -1 on failure. */
int bench_handshakes(const struct bench_worlds *worlds,
    const struct bench_options *opt, const sigset_t *stop);

/* bench_ratio.c: each round's ratios between targets, the issue's
 * targets, and before against after. */
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
void bench_ratio_report(const struct bench_options *opt,
    const struct bench_points *points);
/* The median of v[0..n) (sorted in place). */
double bench_median(double *v, unsigned n);

/* bench_consoles.c: the subscribers of the target wardend-consoles: N
 * connections to wardend's control socket, each subscribed
 * ({"cmd":"subscribe"}), read by one thread for the length of a run. */
#define BENCH_CONSOLES_MAX 64

struct bench_consoles {
	int fd[BENCH_CONSOLES_MAX];
	unsigned n;
	int wake[2];                    /* a byte on it ends the thread */
	pthread_t thread;
	int running;
	volatile int closed;            /* one was closed by wardend */
	unsigned closed_index;
	uint64_t pushes, bytes;         /* lines and bytes after {"ok":true} */
	struct timespec start;
	double seconds;                 /* open to close */
};

/* Subscribes n consoles and starts reading. 0, or -1 (said on stderr,
 * nothing left open). */
int bench_consoles_open(struct bench_consoles *c, const char *socket_path,
    unsigned n);
/* Stops reading and closes them. -1, said on stderr, when wardend closed
 * one before this. */
int bench_consoles_close(struct bench_consoles *c);
/* One line: pushes and pushes/s per console, bytes/s. */
void bench_consoles_report(const struct bench_consoles *c);

/* bench_report.c */
void bench_report_header(int argc, char **argv,
    const struct bench_worlds *worlds, const struct bench_options *opt);
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
/* What a wardend's audit log holds against the writes sent to it. */
void bench_report_audit(const struct bench_worlds *worlds,
    enum bench_process process, uint64_t writes_sent);

#endif
