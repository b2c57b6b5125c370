/*
 * safety_flood.c: issue 5. Well-behaved clients reading back to back,
 * quiet and while a flood hits the same wardend: threads that connect,
 * send a malformed MBAP frame and are closed (the abuse tests' hammer),
 * and clients sending out-of-range writes that get 0x03 (each one judged
 * and audited). Quiet and flooded runs alternate. Then wardend's memory
 * with many connections open and active (safety_conns.c).
 */
#include "safety.h"
#include "../integration/abuse_support.h"
#include "../integration/hammer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

#define FLOOD_SETPOINT 100      /* holding: writable, 0..100 % */
#define FLOOD_SCRATCH 200       /* holding: what the good clients read */
#define FLOOD_BAD_RAW 5000      /* 500.0 %: out of range, 0x03 */
#define FLOOD_WRITERS 2
#define FLOOD_HAMMERS 3
#define FLOOD_GARBAGE_LEN 12
#define FLOOD_SETTLE 0.2        /* flood running before the measuring */
#define FLOOD_P99_RATIO 2.0

#define FLOOD_BODY \
	"mode: enforce\n" \
	"initial_state: auto\n" \
	"limits: {max_clients: 300, max_inflight: 16, idle_timeout: 60s, " \
	"device_queue: 512}\n" \
	"devices:\n" \
	"  - {name: plc, host: 127.0.0.1, port: %u, unit_id: 1, " \
	"timeout: 1s, poll_interval: 100ms, connections: 4, pipeline: 8}\n" \
	"points:\n" \
	"  - {name: setpoint, device: plc, table: holding, address: %d, " \
	"scale: 0.1, write: {min: 0, max: 100, on_violation: reject}}\n" \
	"  - {name: scratch, device: plc, table: holding, address: %d}\n"

/* Malformed MBAP: a bad protocol id, and a length field of 0. */
static const uint8_t flood_bad_protocol[] = { 0x00, 0x01, 0x12, 0x34, 0x00,
	0x06, 0x01, 0x03, 0x00, 0xC8, 0x00, 0x01 };
static const uint8_t flood_zero_length[] = { 0x00, 0x02, 0x00, 0x00, 0x00,
	0x00, 0x01 };

struct flood {
	uint8_t garbage[FLOOD_GARBAGE_LEN];
	struct hammer hammer[FLOOD_HAMMERS];
	struct safety_run *writers;
	struct safety_result written;   /* the out-of-range writes */
	unsigned connections;           /* malformed connections made */
};

/* Quiet and flooded runs of the good clients, added up. */
struct flood_totals {
	struct safety_result quiet, flooded, saturated;
	double bad_writes, bad_seconds;
	double malformed;
};

static int
flood_start(struct flood *f, uint16_t port, double rate)
{
	struct safety_load bad = { .port = port, .unit = 1,
		.clients = FLOOD_WRITERS, .op = OP_WRITE_BAD,
		.address = FLOOD_SETPOINT, .value = FLOOD_BAD_RAW, .rate = rate };
	uint32_t seed = 0x12345678u;
	int rc = 0;

	memset(f, 0, sizeof(*f));
	abuse_garbage(f->garbage, sizeof(f->garbage), &seed);
	rc |= hammer_start(&f->hammer[0], port, f->garbage,
	    sizeof(f->garbage));
	rc |= hammer_start(&f->hammer[1], port, flood_bad_protocol,
	    sizeof(flood_bad_protocol));
	rc |= hammer_start(&f->hammer[2], port, flood_zero_length,
	    sizeof(flood_zero_length));
	f->writers = safety_load_start(&bad);
	return rc != 0 || f->writers == NULL ? -1 : 0;
}

static void
flood_stop(struct flood *f)
{
	unsigned i;

	if (f->writers != NULL)
		safety_load_stop(f->writers, &f->written);
	f->writers = NULL;
	for (i = 0; i < FLOOD_HAMMERS; i++) {
		f->connections += atomic_load(&f->hammer[i].rounds);
		hammer_stop(&f->hammer[i]);
	}
}

/* One run of the good clients, with a flood at rate (< 0: none). */
static int
flood_run(const struct world *w, const struct safety_options *opt,
    double rate, struct safety_result *into, struct flood_totals *t)
{
	struct safety_load good = { .port = w->port, .unit = 1,
		.clients = opt->clients, .op = OP_READ,
		.address = FLOOD_SCRATCH, .watch = w->warden };
	struct safety_result *r = malloc(sizeof(*r));
	struct flood *f = calloc(1, sizeof(*f));
	int rc = -1;

	if (r == NULL || f == NULL)
		goto out;
	if (rate >= 0.0) {
		if (flood_start(f, w->port, rate) != 0)
			goto stop;
		safety_nap(FLOOD_SETTLE);
	}
	rc = safety_load_run(&good, opt->seconds, r);
stop:
	if (rate >= 0.0)
		flood_stop(f);
	if (rc != 0) {
		fprintf(stderr, "bench-safety: flood run could not start its "
		    "threads\n");
		goto out;
	}
	safety_report_result(rate < 0.0 ? "quiet" : rate == 0.0 ?
	    "flooded, writes back to back" : "flooded", r);
	safety_result_add(into, r);
	if (rate < 0.0)
		goto out;
	t->malformed += f->connections;
	if (into != &t->saturated) {
		t->bad_writes += (double)f->written.answered;
		t->bad_seconds += f->written.seconds;
	}
	printf("    (the flood: %.0f malformed connections/s, %.0f "
	    "out-of-range writes/s answered 0x03, %llu other answers)\n",
	    f->connections / (r->seconds + FLOOD_SETTLE),
	    safety_result_tps(&f->written),
	    (unsigned long long)f->written.errors);
out:
	free(r);
	free(f);
	return rc;
}

/* wardend's own count of closed malformed clients. */
static void
flood_report_counted(const struct world *w, const struct flood_totals *t)
{
	char answer[16384];
	struct json_value obj, counters, v;
	uint64_t malformed = 0;
	const char *why;
	size_t at;

	if (safety_control(w, "{\"cmd\":\"status\"}", answer,
	    sizeof(answer)) != 1 || json_parse(answer, strlen(answer), &obj,
	    &at, &why) != 0 || json_object_get(&obj, "counters",
	    &counters) != 0 || json_object_get(&counters, "malformed",
	    &v) != 0 || json_get_uint64(&v, &malformed) != 0)
		return;
	printf("  wardend counted %llu malformed clients (the hammers made "
	    "%.0f connections)\n", (unsigned long long)malformed,
	    t->malformed);
}

static void
flood_report(const struct safety_options *opt, struct flood_totals *t)
{
	double quiet99 = safety_hist_quantile(&t->quiet.hist, 0.99);
	double flood99 = safety_hist_quantile(&t->flooded.hist, 0.99);

	printf("  all rounds:\n");
	safety_report_result("quiet", &t->quiet);
	safety_report_result("flooded", &t->flooded);
	printf("  flood: %u malformed-frame threads (garbage, protocol id "
	    "0x1234, length 0: connect, send, closed by wardend) and %u "
	    "out-of-range writers at %.0f writes/s each (%.0f writes/s "
	    "answered 0x03 on average)\n", FLOOD_HAMMERS, FLOOD_WRITERS,
	    opt->flood_rate, t->bad_seconds > 0 ? t->bad_writes /
	    t->bad_seconds : 0.0);
	printf("  flooded/quiet: tx/s x%.2f, p50 x%.2f, p99 x%.2f\n",
	    safety_result_tps(&t->flooded) / safety_result_tps(&t->quiet),
	    safety_hist_quantile(&t->flooded.hist, 0.5) /
	    safety_hist_quantile(&t->quiet.hist, 0.5), flood99 / quiet99);
	safety_report_target("well-behaved p99, flooded over quiet",
	    flood99 / quiet99, "<=", FLOOD_P99_RATIO, "x");
	if (t->saturated.answered > 0)
		printf("  for information, writers back to back (the flood's "
		    "own threads then take the 2 cores the others need): p99 "
		    "x%.2f, tx/s x%.2f\n", safety_hist_quantile(
		    &t->saturated.hist, 0.99) / quiet99,
		    safety_result_tps(&t->saturated) /
		    safety_result_tps(&t->quiet));
}

static int
flood_rounds(const struct world *w, const struct safety_options *opt)
{
	struct flood_totals *t = calloc(1, sizeof(*t));
	unsigned round;
	int rc = 0, quiet_first;

	if (t == NULL)
		return -1;
	printf("  %u rounds of %g s each, %u clients reading holding %d, back "
	    "to back; quiet and flooded alternate:\n", opt->rounds,
	    opt->seconds, opt->clients, FLOOD_SCRATCH);
	fflush(stdout);
	for (round = 0; round < opt->rounds && rc == 0 &&
	    !safety_interrupted(); round++) {
		quiet_first = round % 2 == 0;
		rc = flood_run(w, opt, quiet_first ? -1.0 : opt->flood_rate,
		    quiet_first ? &t->quiet : &t->flooded, t);
		if (rc == 0)
			rc = flood_run(w, opt, quiet_first ? opt->flood_rate :
			    -1.0, quiet_first ? &t->flooded : &t->quiet, t);
	}
	if (rc == 0 && opt->flood_rate > 0.0 && !safety_interrupted())
		rc = flood_run(w, opt, 0.0, &t->saturated, t);
	if (rc == 0 && t->quiet.answered > 0 && t->flooded.answered > 0) {
		flood_report(opt, t);
		flood_report_counted(w, t);
	}
	free(t);
	return rc;
}

int
safety_flood_section(const struct safety_options *opt)
{
	struct world *w = NULL;
	char body[2048];
	int rc = -1;

	safety_report_section("Issue 5: well-behaved clients under a flood; "
	    "memory with many connections");
	if ((w = safety_plant(1)) == NULL)
		goto out;
	snprintf(body, sizeof(body), FLOOD_BODY, w->plc[0].port,
	    FLOOD_SETPOINT, FLOOD_SCRATCH);
	if (safety_start(w, body) != 0 ||
	    world_wait_unit(w, 1, FLOOD_SCRATCH, 5.0) != 0) {
		fprintf(stderr, "bench-safety: wardend did not start (issue "
		    "5 plant)\n");
		w->failed = 1;
		goto out;
	}
	printf("  plant: wardend (pid %ld) mode enforce, max_clients 300, "
	    "device connections 4 x pipeline 8\n", (long)w->warden);
	rc = flood_rounds(w, opt);
	if (rc == 0 && !safety_interrupted())
		rc = safety_conns_memory(w, opt->connections, FLOOD_SCRATCH,
		    opt->seconds);
	if (rc != 0 || harness_exited(w->warden)) {
		fprintf(stderr, "bench-safety: wardend %s\n", rc != 0 ?
		    "run failed" : "exited during the flood");
		w->failed = 1;
		rc = -1;
	}
out:
	world_free(w);
	return rc;
}
