/*
 * safety_audit.c: issue 3. The policy decision with 10 and 10,000 points
 * (policy_bench), the cost of one audit record (audit_bench), and what
 * auditing costs the gateway's write throughput.
 *
 * wardend has no "audit off": every write decision is audited, and
 * audit_log must be a regular file (it refuses /dev/null, which the run
 * checks and reports). So the cost is measured two ways: (1) write
 * throughput against read throughput of the same size through the same
 * wardend, which differ by everything a write costs more (policy, audit,
 * the device's write): an upper bound of what the audit costs the
 * throughput; (2) the share of wardend's own time per write that goes to
 * the audit (audit_bench's cost per record against wardend's CPU and
 * fsync time per write): what it would cost if wardend's one loop were
 * the bottleneck, which on this 2-core machine, with the clients and
 * plcsim beside it, it is not quite.
 */
#include "safety.h"
#include "../bench/audit_bench.h"
#include "../bench/policy_bench.h"
#include "../integration/harness.h"
#include "../integration/scrape.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>

#define POLICY_ITERATIONS 2000000
#define POLICY_TARGET_NS 1000.0
#define AUDIT_RECORDS 20000
#define AUDIT_TARGET_SHARE 10.0         /* percent */
#define SETPOINT 100                    /* holding: a writable point */
#define SETPOINT_RAW 400                /* 40.0 and 40.1: within limits */

#define AUDIT_BODY \
	"mode: enforce\n" \
	"initial_state: auto\n" \
	"metrics_listen: 127.0.0.1:%u\n" \
	"limits: {max_clients: 64, max_inflight: 16, device_queue: 256}\n" \
	"devices:\n" \
	"  - {name: plc, host: 127.0.0.1, port: %u, unit_id: 1, " \
	"timeout: 1s, poll_interval: 100ms, connections: 4, pipeline: 8}\n" \
	"points:\n" \
	"  - {name: setpoint, device: plc, table: holding, address: %d, " \
	"scale: 0.1, write: {min: 0, max: 100}}\n"

/* What wardend's metrics say about its audit log. */
struct audit_counters {
	double records, fsync_seconds, fsyncs;
};

/* Write and read runs added up, the audit work of the write runs, and
 * each round's write over read throughput. */
struct audit_totals {
	struct safety_result write, read;
	struct audit_counters audited;
	struct safety_samples ratio;
};

static int
safety_policy_figures(void)
{
	double few = policy_bench_ns_per_decision(10, POLICY_ITERATIONS);
	double many = policy_bench_ns_per_decision(10000, POLICY_ITERATIONS);

	if (few < 0.0 || many < 0.0)
		return -1;
	printf("  policy decision per write, 10 points: %.0f ns (policy_decide "
	    "+ forward, accept, settle, %u single-register writes)\n", few,
	    POLICY_ITERATIONS);
	safety_report_target("policy decision per write, 10,000 points",
	    many, "<=", POLICY_TARGET_NS, "ns");
	printf("  10,000 points against 10: x%.2f (lookup does not grow with "
	    "the points when this stays near 1; caches aside)\n", many / few);
	return 0;
}

static int
safety_audit_scrape(uint16_t port, struct audit_counters *c)
{
	struct scrape_answer *a = malloc(sizeof(*a));
	int rc = -1;

	if (a != NULL && scrape_get(port, "/metrics", a) == 0 &&
	    scrape_value(a->body, "warden_audit_records_total",
	    &c->records) == 0 &&
	    scrape_value(a->body, "warden_audit_fsync_seconds_sum",
	    &c->fsync_seconds) == 0 &&
	    scrape_value(a->body, "warden_audit_fsync_seconds_count",
	    &c->fsyncs) == 0)
		rc = 0;
	free(a);
	return rc;
}

/* One run of writes or reads; write runs also count the audit work.
 * Its throughput into *tps. */
static int
safety_audit_run(const struct world *w, const struct safety_options *opt,
    uint16_t metrics, enum safety_op op, struct audit_totals *t, double *tps)
{
	struct safety_load load = { .port = w->port, .unit = 1,
		.clients = opt->clients, .op = op, .address = SETPOINT,
		.value = SETPOINT_RAW, .watch = w->warden };
	struct audit_counters before, after;
	struct safety_result *r = malloc(sizeof(*r));

	if (r == NULL || safety_audit_scrape(metrics, &before) != 0 ||
	    safety_load_run(&load, opt->seconds, r) != 0 ||
	    safety_audit_scrape(metrics, &after) != 0) {
		fprintf(stderr, "bench-safety: audit run failed (metrics or "
		    "client threads)\n");
		free(r);
		return -1;
	}
	safety_report_result(op == OP_WRITE ? "writes (FC 6, audited)" :
	    "reads (FC 3, not audited)", r);
	*tps = safety_result_tps(r);
	if (op == OP_WRITE) {
		safety_result_add(&t->write, r);
		t->audited.records += after.records - before.records;
		t->audited.fsync_seconds += after.fsync_seconds -
		    before.fsync_seconds;
		t->audited.fsyncs += after.fsyncs - before.fsyncs;
	} else {
		safety_result_add(&t->read, r);
	}
	free(r);
	return 0;
}

/* wardend refuses what is not a regular file; say what it said. */
static void
safety_audit_devnull(struct world *w, const char *body)
{
	char saved[WORLD_PATH_MAX], line[512];

	snprintf(saved, sizeof(saved), "%s", w->audit);
	snprintf(w->audit, sizeof(w->audit), "/dev/null");
	if (safety_start(w, body) == 0) {
		printf("  audit_log: /dev/null: wardend accepted it; the "
		    "figures below still compare writes with reads\n");
		world_stop(w);
	} else if (world_log_line(w, "audit", line, sizeof(line)) ==
	    0) {
		printf("  audit_log: /dev/null is refused, so there is no "
		    "\"audit off\" to compare with:\n    %s\n", line);
		w->failed = 0;          /* the refusal asked for */
	} else {
		printf("  audit_log: /dev/null: wardend did not start\n");
	}
	snprintf(w->audit, sizeof(w->audit), "%s", saved);
}

static void
safety_audit_figures(struct audit_totals *t, double record_us)
{
	const struct audit_counters *a = &t->audited;
	double fsync_us = a->records > 0 ? a->fsync_seconds * 1e6 /
	    a->records : 0.0;
	double cpu_w = safety_result_cpu_us(&t->write);
	double cpu_r = safety_result_cpu_us(&t->read);
	double ratio = safety_samples_quantile(&t->ratio, 0.5);

	printf("  all rounds:\n");
	safety_report_result("writes (FC 6, audited)", &t->write);
	safety_report_result("reads (FC 3, not audited)", &t->read);
	printf("  audit records during the write runs: %.0f (%.0f per s); "
	    "%.0f fsyncs, %.1f ms each on average = %.2f us per record\n",
	    a->records, a->records / t->write.seconds, a->fsyncs,
	    a->fsyncs > 0 ? a->fsync_seconds * 1e3 / a->fsyncs : 0.0,
	    fsync_us);
	printf("  write over read tx/s, the median of the rounds: %.3f "
	    "(rounds from %.3f to %.3f)\n", ratio,
	    safety_samples_quantile(&t->ratio, 0.0),
	    safety_samples_quantile(&t->ratio, 1.0));
	safety_report_target("(1) audit cost to throughput, at most (1 - "
	    "write/read)", 100.0 * (1.0 - ratio), "<=", AUDIT_TARGET_SHARE,
	    "%");
	printf("  wardend per write: %.2f us CPU + %.2f us in fsync; per "
	    "read: %.2f us CPU (CPU from /proc, 10 ms ticks)\n", cpu_w,
	    fsync_us, cpu_r);
	safety_report_target("(2) audit share of wardend's time per write "
	    "(audit_bench record / (CPU + fsync))", 100.0 * record_us /
	    (cpu_w + fsync_us), "<=", AUDIT_TARGET_SHARE, "%");
}

static int
safety_audit_rounds(struct world *w, const struct safety_options *opt,
    uint16_t metrics, double record_us)
{
	struct audit_totals *t = calloc(1, sizeof(*t));
	struct safety_result *warm = malloc(sizeof(*warm));
	struct safety_load load = { .port = w->port, .unit = 1,
		.clients = opt->clients, .op = OP_WRITE, .address = SETPOINT,
		.value = SETPOINT_RAW };
	enum safety_op first, second;
	double tps_first, tps_second;
	unsigned round;
	int rc = -1;

	if (t == NULL || warm == NULL ||
	    safety_load_run(&load, 1.0, warm) != 0)
		goto out;
	printf("  %u rounds of %g s each, %u clients, back to back; the "
	    "order alternates:\n", opt->rounds, opt->seconds, opt->clients);
	fflush(stdout);
	for (round = 0; round < opt->rounds && !safety_interrupted();
	    round++) {
		first = round % 2 ? OP_READ : OP_WRITE;
		second = round % 2 ? OP_WRITE : OP_READ;
		if (safety_audit_run(w, opt, metrics, first, t,
		    &tps_first) != 0 || safety_audit_run(w, opt, metrics,
		    second, t, &tps_second) != 0)
			goto out;
		safety_samples_add(&t->ratio, first == OP_WRITE ?
		    tps_first / tps_second : tps_second / tps_first);
	}
	if (t->write.answered > 0 && t->read.answered > 0)
		safety_audit_figures(t, record_us);
	rc = 0;
out:
	if (t != NULL)
		safety_samples_free(&t->ratio);
	free(t);
	free(warm);
	return rc;
}

/* fsync costs what the file system makes it cost: say which it is. */
static const char *
safety_fs_name(const char *dir)
{
	struct statfs fs;

	if (statfs(dir, &fs) != 0)
		return "file system unknown";
	switch ((unsigned long)fs.f_type) {
	case 0xEF53UL:
		return "ext4";
	case 0x01021994UL:
		return "tmpfs: fsync costs nothing";
	case 0x58465342UL:
		return "xfs";
	case 0x9123683EUL:
		return "btrfs";
	case 0x794C7630UL:
		return "overlayfs";
	default:
		return "file system not named here";
	}
}

int
safety_audit_section(const struct safety_options *opt)
{
	struct world *w = NULL;
	uint16_t metrics;
	double record_us;
	char body[2048];
	int rc = -1;

	safety_report_section("Issue 3: policy decision and audit cost");
	if (safety_policy_figures() != 0 || (w = safety_plant(1)) == NULL)
		goto out;
	record_us = audit_bench_us_per_record(w->dir, AUDIT_RECORDS);
	if (record_us < 0.0)
		goto out;
	printf("  audit record in-process, in the temp dir (audit_bench: "
	    "built, hashed, one write(), fsynced): %.2f us, %u records\n",
	    record_us, AUDIT_RECORDS);
	metrics = harness_free_port();
	snprintf(body, sizeof(body), AUDIT_BODY, metrics, w->plc[0].port,
	    SETPOINT);
	safety_audit_devnull(w, body);
	if (safety_start(w, body) != 0 ||
	    world_wait_unit(w, 1, SETPOINT, 5.0) != 0) {
		fprintf(stderr, "bench-safety: wardend did not start (issue "
		    "3 plant)\n");
		w->failed = 1;
		goto out;
	}
	printf("  plant: wardend (pid %ld) mode enforce, device connections 4 "
	    "x pipeline 8, audit_log in %s (%s), audit_fsync 1 s\n",
	    (long)w->warden, w->dir, safety_fs_name(w->dir));
	rc = safety_audit_rounds(w, opt, metrics, record_us);
out:
	world_free(w);
	return rc;
}
