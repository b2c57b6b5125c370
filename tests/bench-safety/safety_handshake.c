/*
 * safety_handshake.c: issue 11. A flood of stalled TLS handshakes on
 * wardend's one listener, a TLS one: --half-open TCP connections (256 by
 * default) held open by one thread, every other one having sent the
 * first bytes of a ClientHello and the rest nothing, each opened again
 * as soon as wardend's 5 s handshake limit closes it. Meanwhile:
 *
 * - well-behaved TLS clients (bench_tls.c's, certificate client-ai) read
 *   back to back; quiet and flooded runs alternate, and the p99 flooded
 *   over quiet is held to 2x. The flood's connections are all opened at
 *   once, so they time out together: a flooded run is measured around
 *   the moment they do, wardend closing them all and the flood opening
 *   them again;
 * - the operator's `wardenctl takeover` is timed from its start to its
 *   exit, with the flood and the clients going, held to 1 s; each trial
 *   also times a fresh client's connect, full handshake and first read,
 *   to see that one still gets in.
 *
 * The half-open connections count against max_clients until their
 * handshake limit closes them: max_clients is set above the flood and
 * the clients together (HS_MAX_CLIENTS), so none is turned away. (Past
 * max_clients wardend drops a handshake still in progress to take the
 * new connection; --half-open above it shows that.)
 */
#include "safety.h"
#include "../integration/ctl.h"
#include "../integration/wire.h"

#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json.h"

#define HS_SCRATCH 200          /* holding: what the good clients read */
#define HS_MAX_CLIENTS 300
#define HS_SETTLE 0.2           /* flood all open before the measuring */
#define HS_LIMIT 5.0            /* wardend's handshake time limit */
#define HS_OPEN_TIMEOUT 5.0
#define HS_TRIALS 20            /* takeovers, quiet and flooded each */
#define HS_P99_RATIO 2.0
#define HS_TAKEOVER_MS 1000.0
#define HS_TIMEOUT 2.0          /* a fresh client's reads */
#define HS_HELLO_SENT 24        /* bytes of the ClientHello sent */

#define HS_BODY \
	"mode: enforce\n" \
	"initial_state: auto\n" \
	"limits: {max_clients: %u, max_inflight: 16, idle_timeout: 60s, " \
	"device_queue: 512}\n" \
	"devices:\n" \
	"  - {name: plc, host: 127.0.0.1, port: %u, unit_id: 1, " \
	"timeout: 1s, connections: 4, pipeline: 8}\n" \
	"points:\n" \
	"  - {name: scratch, device: plc, table: holding, address: %d}\n"

/* A TLS record of 512 bytes holding a ClientHello, of which only the
 * first HS_HELLO_SENT bytes are sent: the record header, the handshake
 * header, the version, the start of the random. */
static const uint8_t hs_hello[HS_HELLO_SENT] = { 0x16, 0x03, 0x01, 0x02,
	0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03, 0x5a, 0x17, 0x9e, 0x42,
	0xc3, 0x08, 0x6d, 0xb1, 0x2f, 0x90, 0xe4, 0x71, 0x3b };

struct hs_flood {
	uint16_t port;
	unsigned n;
	struct pollfd *fds;             /* fd -1: to be opened again */
	pthread_t thread;
	atomic_int stop;
	atomic_uint held;               /* open now */
	atomic_uint opened;             /* connections made */
	atomic_uint closed;             /* of them, closed by wardend */
	int running;
};

/* Connection i: connect, and for odd i the start of a ClientHello. */
static void
hs_flood_open(struct hs_flood *f, unsigned i)
{
	int fd = wire_connect(f->port);

	if (fd != -1 && i % 2 == 1 &&
	    wire_send(fd, hs_hello, sizeof(hs_hello)) != 0) {
		close(fd);
		fd = -1;
	}
	f->fds[i].fd = fd;
	f->fds[i].events = POLLIN;
	if (fd == -1)
		return;
	atomic_fetch_add(&f->opened, 1);
	atomic_fetch_add(&f->held, 1);
}

/* Whatever wardend says (an alert) is read; its close is answered by
 * opening the connection again. */
static void
hs_flood_serve(struct hs_flood *f, unsigned i)
{
	uint8_t buf[512];
	ssize_t n;

	if (f->fds[i].revents == 0)
		return;
	n = read(f->fds[i].fd, buf, sizeof(buf));
	if (n > 0)
		return;
	close(f->fds[i].fd);
	f->fds[i].fd = -1;
	atomic_fetch_sub(&f->held, 1);
	atomic_fetch_add(&f->closed, 1);
	hs_flood_open(f, i);
}

static void *
hs_flood_main(void *arg)
{
	struct hs_flood *f = arg;
	unsigned i;

	for (i = 0; i < f->n; i++)
		hs_flood_open(f, i);
	while (!atomic_load(&f->stop)) {
		if (poll(f->fds, f->n, 50) < 0)
			continue;
		for (i = 0; i < f->n; i++) {
			if (f->fds[i].fd == -1)
				hs_flood_open(f, i);
			else
				hs_flood_serve(f, i);
		}
	}
	for (i = 0; i < f->n; i++)
		if (f->fds[i].fd != -1)
			close(f->fds[i].fd);
	return NULL;
}

/* Start the flood, wait until every connection is open, then age
 * seconds more. 0, or -1. */
static int
hs_flood_start(struct hs_flood *f, uint16_t port, unsigned n, double age)
{
	double deadline = safety_mono() + HS_OPEN_TIMEOUT;

	memset(f, 0, sizeof(*f));
	f->port = port;
	f->n = n;
	if ((f->fds = calloc(n, sizeof(*f->fds))) == NULL)
		return -1;
	if (pthread_create(&f->thread, NULL, hs_flood_main, f) != 0) {
		free(f->fds);
		return -1;
	}
	f->running = 1;
	while (atomic_load(&f->held) < n) {
		if (safety_mono() > deadline || safety_interrupted()) {
			fprintf(stderr, "bench-safety: the handshake flood held "
			    "%u of %u connections\n", atomic_load(&f->held), n);
			return -1;
		}
		safety_nap(0.01);
	}
	safety_nap(age);
	return 0;
}

static void
hs_flood_stop(struct hs_flood *f)
{
	if (!f->running)
		return;
	atomic_store(&f->stop, 1);
	pthread_join(f->thread, NULL);
	free(f->fds);
	f->running = 0;
	/* wardend closes its ends before the next run. */
	safety_nap(HS_SETTLE);
}

/* What the flood did over all its runs. */
struct hs_totals {
	struct safety_result quiet, flooded;
	double flood_seconds;
	unsigned opened, closed;
	struct safety_samples takeover[2], fresh[2];    /* [flooded] */
	unsigned fresh_failed[2];
};

static struct safety_load
hs_good_load(const struct world *w, const struct safety_options *opt,
    SSL_CTX *tls)
{
	struct safety_load good = { .port = w->port, .tls = tls, .unit = 1,
		.clients = opt->clients, .op = OP_READ, .address = HS_SCRATCH,
		.watch = w->warden };

	return good;
}

/* One run of the good clients, flooded or not. */
static int
hs_run(const struct world *w, const struct safety_options *opt,
    SSL_CTX *tls, int flooded, struct hs_totals *t)
{
	struct safety_load good = hs_good_load(w, opt, tls);
	struct safety_result *r = malloc(sizeof(*r));
	struct hs_flood f;
	double started = safety_mono();
	/* The time limit closes the flood's connections mid-run. */
	double age = HS_LIMIT - opt->seconds / 2.0;
	int rc = -1;

	memset(&f, 0, sizeof(f));
	if (r != NULL && (!flooded || hs_flood_start(&f, w->port,
	    opt->half_open, age > HS_SETTLE ? age : HS_SETTLE) == 0))
		rc = safety_load_run(&good, opt->seconds, r);
	if (flooded) {
		t->opened += atomic_load(&f.opened);
		t->closed += atomic_load(&f.closed);
		t->flood_seconds += safety_mono() - started;
		hs_flood_stop(&f);
	}
	if (rc == 0) {
		safety_report_result(flooded ? "flooded" : "quiet", r);
		safety_result_add(flooded ? &t->flooded : &t->quiet, r);
	} else {
		fprintf(stderr, "bench-safety: handshake flood run could not "
		    "start\n");
	}
	free(r);
	return rc;
}

/* A client that was not there before: connect, full handshake, one read.
 * Milliseconds, or -1 when it did not get in. */
static double
hs_fresh_client(const struct world *w, SSL_CTX *tls)
{
	struct bench_tls_client c;
	double start = safety_mono();
	uint16_t reg;
	int rc;

	if (bench_tls_connect(&c, tls, w->port, NULL, HS_TIMEOUT) != 0)
		return -1.0;
	rc = bench_tls_read(&c, 1, HS_SCRATCH, 1, &reg);
	bench_tls_close(&c);
	return rc == 0 ? (safety_mono() - start) * 1e3 : -1.0;
}

/* Until a client's read is answered: the device is up behind wardend.
 * 0, or -1. */
static int
hs_wait_path(const struct world *w, SSL_CTX *tls)
{
	double deadline = safety_mono() + HS_OPEN_TIMEOUT;

	while (hs_fresh_client(w, tls) < 0.0) {
		if (safety_mono() > deadline || safety_interrupted())
			return -1;
		safety_nap(0.02);
	}
	return 0;
}

/* One takeover by wardenctl, timed, and the release; a fresh client
 * between them. 0, or -1 with why. */
static int
hs_trial(const struct world *w, SSL_CTX *tls, struct ctl_result *res,
    struct hs_totals *t, int flooded, char *why, size_t cap)
{
	double start = safety_mono(), fresh;

	if (ctl_run(w, res, "takeover", "-r", "bench", NULL) != 0) {
		snprintf(why, cap, "wardenctl takeover: %.400s", res->err);
		return -1;
	}
	safety_samples_add(&t->takeover[flooded],
	    (safety_mono() - start) * 1e3);
	if ((fresh = hs_fresh_client(w, tls)) < 0.0)
		t->fresh_failed[flooded]++;
	else
		safety_samples_add(&t->fresh[flooded], fresh);
	if (ctl_run(w, res, "release", "-r", "bench", NULL) != 0) {
		snprintf(why, cap, "wardenctl release: %.400s", res->err);
		return -1;
	}
	return 0;
}

/* HS_TRIALS takeovers while the good clients read, with the flood or
 * without, spread over longer than the handshake limit, so that some
 * meet the flood's connections timing out. 0, or -1. */
static int
hs_trials(const struct world *w, const struct safety_options *opt,
    SSL_CTX *tls, int flooded, struct hs_totals *t)
{
	struct safety_load good = hs_good_load(w, opt, tls);
	struct ctl_result *res = malloc(sizeof(*res));
	struct safety_result r;
	struct safety_run *run = NULL;
	struct hs_flood f;
	uint32_t seed = 0x2545F491u;
	char why[512] = "";
	unsigned i;
	int rc = -1;

	memset(&f, 0, sizeof(f));
	if (res != NULL && (!flooded ||
	    hs_flood_start(&f, w->port, opt->half_open, HS_SETTLE) == 0) &&
	    (run = safety_load_start(&good)) != NULL)
		rc = 0;
	for (i = 0; i < HS_TRIALS && rc == 0 && !safety_interrupted(); i++) {
		safety_nap(0.2 + 0.2 * safety_random(&seed));
		rc = hs_trial(w, tls, res, t, flooded, why, sizeof(why));
	}
	if (run != NULL)
		safety_load_stop(run, &r);
	hs_flood_stop(&f);
	if (rc != 0)
		fprintf(stderr, "bench-safety: takeover trials%s: %s\n",
		    flooded ? " under the handshake flood" : "",
		    why[0] != '\0' ? why : "could not start");
	free(res);
	return rc;
}

/* wardend's own counts: handshakes done, clients closed unauthenticated. */
static void
hs_report_counted(const struct world *w)
{
	char answer[16384];
	struct json_value obj, counters, v;
	uint64_t refused = 0, handshakes = 0;
	const char *why;
	size_t at;

	if (safety_control(w, "{\"cmd\":\"status\"}", answer,
	    sizeof(answer)) != 1 || json_parse(answer, strlen(answer), &obj,
	    &at, &why) != 0 || json_object_get(&obj, "counters",
	    &counters) != 0 || json_object_get(&counters, "clients_refused",
	    &v) != 0 || json_get_uint64(&v, &refused) != 0 ||
	    json_object_get(&counters, "tls_handshakes", &v) != 0 ||
	    json_get_uint64(&v, &handshakes) != 0)
		return;
	printf("  wardend counted %llu TLS handshakes done and %llu clients "
	    "closed before one was\n", (unsigned long long)handshakes,
	    (unsigned long long)refused);
}

static void
hs_report(const struct world *w, const struct safety_options *opt,
    struct hs_totals *t)
{
	double quiet99 = safety_hist_quantile(&t->quiet.hist, 0.99);
	double flood99 = safety_hist_quantile(&t->flooded.hist, 0.99);
	int k;

	printf("  all rounds:\n");
	safety_report_result("quiet", &t->quiet);
	safety_report_result("flooded", &t->flooded);
	printf("  flood: %u connections held (half sent %d bytes of a "
	    "ClientHello, half nothing); in the flooded runs %u opened, %u "
	    "closed by wardend (%.0f/s)\n", opt->half_open, HS_HELLO_SENT,
	    t->opened, t->closed, t->flood_seconds > 0 ?
	    t->closed / t->flood_seconds : 0.0);
	if (t->flooded.answered == 0)
		printf("  well-behaved TLS p99, flooded over quiet: none of "
		    "their requests answered under the flood (target <= %g x: "
		    "not met)\n", HS_P99_RATIO);
	else {
		printf("  flooded/quiet: tx/s x%.2f, p50 x%.2f, p99 x%.2f\n",
		    safety_result_tps(&t->flooded) /
		    safety_result_tps(&t->quiet), safety_hist_quantile(
		    &t->flooded.hist, 0.5) / safety_hist_quantile(
		    &t->quiet.hist, 0.5), flood99 / quiet99);
		safety_report_target("well-behaved TLS p99, flooded over "
		    "quiet", flood99 / quiet99, "<=", HS_P99_RATIO, "x");
	}
	for (k = 0; k < 2; k++) {
		printf("  %s, %u clients reading:\n", k ? "flooded" : "quiet",
		    opt->clients);
		safety_report_samples("wardenctl takeover, start to exit",
		    &t->takeover[k]);
		safety_report_samples("a fresh client: connect, handshake, "
		    "read", &t->fresh[k]);
		if (t->fresh_failed[k] > 0)
			printf("  %u fresh clients did not get in\n",
			    t->fresh_failed[k]);
	}
	safety_report_target("wardenctl takeover under the flood, slowest",
	    safety_samples_quantile(&t->takeover[1], 1.0), "<=",
	    HS_TAKEOVER_MS, "ms");
	hs_report_counted(w);
}

static int
hs_rounds(const struct world *w, const struct safety_options *opt,
    SSL_CTX *tls)
{
	struct hs_totals *t = calloc(1, sizeof(*t));
	unsigned round;
	int rc = 0, k;

	if (t == NULL)
		return -1;
	printf("  %u rounds of %g s each, %u TLS clients reading holding %d, "
	    "back to back; quiet and flooded alternate:\n", opt->rounds,
	    opt->seconds, opt->clients, HS_SCRATCH);
	fflush(stdout);
	for (round = 0; round < opt->rounds && rc == 0 &&
	    !safety_interrupted(); round++) {
		rc = hs_run(w, opt, tls, round % 2, t);
		if (rc == 0)
			rc = hs_run(w, opt, tls, !(round % 2), t);
	}
	for (k = 0; k < 2 && rc == 0 && !safety_interrupted(); k++)
		rc = hs_trials(w, opt, tls, k, t);
	if (rc == 0 && t->quiet.answered > 0)
		hs_report(w, opt, t);
	for (k = 0; k < 2; k++) {
		safety_samples_free(&t->takeover[k]);
		safety_samples_free(&t->fresh[k]);
	}
	free(t);
	return rc;
}

int
safety_handshake_section(const struct safety_options *opt)
{
	struct world *w = NULL;
	SSL_CTX *tls = NULL;
	char body[2048], certs[WORLD_PATH_MAX + 8];
	int rc = -1;

	safety_report_section("Issue 11: well-behaved TLS clients and a "
	    "takeover under a flood of stalled handshakes");
	if ((w = safety_plant(1)) == NULL)
		goto out;
	snprintf(certs, sizeof(certs), "%s/certs", w->dir);
	snprintf(body, sizeof(body), HS_BODY, HS_MAX_CLIENTS, w->plc[0].port,
	    HS_SCRATCH);
	if (bench_tls_certs(certs) != 0 || (tls = bench_tls_ctx(certs)) ==
	    NULL)
		goto out;
	if (safety_start_tls(w, body, certs) != 0 ||
	    hs_wait_path(w, tls) != 0) {
		fprintf(stderr, "bench-safety: wardend did not start (issue "
		    "11 plant)\n");
		w->failed = 1;
		goto out;
	}
	printf("  plant: wardend (pid %ld) mode enforce, one TLS listener, "
	    "max_clients %u; clients present %s (role ai)\n",
	    (long)w->warden, HS_MAX_CLIENTS, BENCH_TLS_CLIENT);
	rc = hs_rounds(w, opt, tls);
	if (rc != 0 || harness_exited(w->warden)) {
		fprintf(stderr, "bench-safety: wardend %s\n", rc != 0 ?
		    "run failed" : "exited during the handshake flood");
		w->failed = 1;
		rc = -1;
	}
out:
	SSL_CTX_free(tls);
	world_free(w);
	return rc;
}
