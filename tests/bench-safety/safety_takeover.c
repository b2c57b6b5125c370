/*
 * safety_takeover.c: issue 4. Ten plcsims behind one wardend, each
 * device with a safe-state point; an AI client writes (allowed writes,
 * back to back, to every device in turn) while the operator's takeover
 * command goes straight to the control socket (no wardenctl process to
 * start). Per trial: command sent to the AI's first 0x0A, and to the
 * last safe_state_verified record of the audit log (its ts, on the same
 * CLOCK_REALTIME as the send time). Then release, and again. The same
 * plant then measures trip detection (safety_trip.c).
 */
#include "safety.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PLANT_DEVICES 10
#define PLANT_SPEED 1                   /* holding: what the AI writes */
#define PLANT_SPEED_RAW 400             /* 40.0 % and 40.1 %: allowed */
#define REFUSE_TARGET_MS 1.0
#define VERIFIED_TARGET_MS 20.0
#define TRIAL_TIMEOUT 5.0
#define TRIAL_FAILURES_MAX 5            /* then the plant is broken */

#define TAKEOVER_REQUEST "{\"cmd\":\"takeover\",\"reason\":\"bench\"}"
#define RELEASE_REQUEST "{\"cmd\":\"release\",\"reason\":\"bench\"}"

/* The devices whose level is monitored, for the trips. */
static const struct plant_trip {
	unsigned device;
	const char *point;
	const char *poll_text;
	double poll;
} plant_trips[] = {
	{ 0, "level0", "100ms", 0.1 },
	{ 1, "level1", "20ms", 0.02 },
};
#define PLANT_TRIPS (sizeof(plant_trips) / sizeof(plant_trips[0]))

/* The AI: one libmodbus connection, writing to unit 1..units in turn. */
struct ai_writer {
	uint16_t port;
	unsigned units;
	pthread_t thread;
	int running;
	atomic_int stop;
	atomic_int armed;               /* 1: note the time of the next 0x0A */
	atomic_uint_fast64_t refused_at;        /* ns, CLOCK_MONOTONIC */
	/* The trial sleeps on this instead of polling refused_at, so that
	 * the observer takes no CPU from the plant it is timing. */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	atomic_uint_fast64_t accepted, refused, errors;
};

struct takeover_samples {
	struct safety_samples answer, record, refused, verified;
};

static uint64_t
ai_now_ns(void)
{
	return (uint64_t)(safety_mono() * 1e9);
}

static void *
ai_writer_main(void *arg)
{
	struct ai_writer *ai = arg;
	modbus_t *ctx = world_connect(ai->port, 1, 2.0);
	uint64_t n;
	int expected = 1;

	for (n = 0; ctx != NULL && !atomic_load(&ai->stop); n++) {
		modbus_set_slave(ctx, (int)(n % ai->units) + 1);
		if (modbus_write_register(ctx, PLANT_SPEED, (uint16_t)
		    (PLANT_SPEED_RAW + (n / ai->units) % 2)) == 1) {
			atomic_fetch_add(&ai->accepted, 1);
			continue;
		}
		if (errno == MODBUS_ENOBASE + MODBUS_EXCEPTION_GATEWAY_PATH) {
			atomic_fetch_add(&ai->refused, 1);
			expected = 1;
			if (atomic_compare_exchange_strong(&ai->armed,
			    &expected, 0)) {
				atomic_store(&ai->refused_at, ai_now_ns());
				pthread_mutex_lock(&ai->mu);
				pthread_cond_signal(&ai->cv);
				pthread_mutex_unlock(&ai->mu);
			}
			continue;
		}
		atomic_fetch_add(&ai->errors, 1);
		world_client_free(ctx);
		ctx = world_connect(ai->port, 1, 2.0);
	}
	world_client_free(ctx);
	return NULL;
}

static int
ai_writer_start(struct ai_writer *ai, uint16_t port, unsigned units)
{
	memset(ai, 0, sizeof(*ai));
	ai->port = port;
	ai->units = units;
	pthread_mutex_init(&ai->mu, NULL);
	pthread_cond_init(&ai->cv, NULL);
	if (pthread_create(&ai->thread, NULL, ai_writer_main, ai) != 0) {
		pthread_cond_destroy(&ai->cv);
		pthread_mutex_destroy(&ai->mu);
		return -1;
	}
	ai->running = 1;
	return 0;
}

static void
ai_writer_stop(struct ai_writer *ai)
{
	if (!ai->running)
		return;
	atomic_store(&ai->stop, 1);
	pthread_join(ai->thread, NULL);
	pthread_cond_destroy(&ai->cv);
	pthread_mutex_destroy(&ai->mu);
	ai->running = 0;
}

/* Wait until the AI's writes go through (AUTO, path to the devices up). */
static int
ai_writer_wait_accepted(struct ai_writer *ai, double timeout)
{
	uint_fast64_t before = atomic_load(&ai->accepted);
	double deadline = safety_mono() + timeout;

	while (atomic_load(&ai->accepted) == before) {
		if (safety_mono() > deadline || safety_interrupted())
			return -1;
		safety_nap(0.0005);
	}
	return 0;
}

static void
plant_body(const struct world *w, char *body, size_t cap)
{
	size_t used;
	unsigned i;

	used = (size_t)snprintf(body, cap, "mode: enforce\n"
	    "initial_state: auto\n"
	    "limits: {max_clients: 16, max_inflight: 16}\n"
	    "devices:\n");
	for (i = 0; i < (unsigned)w->n_plcs && used < cap; i++)
		used += (size_t)snprintf(body + used, cap - used,
		    "  - {name: plc%u, host: 127.0.0.1, port: %u, unit_id: %u, "
		    "timeout: 500ms, poll_interval: %s, loss_after: 1s}\n", i,
		    w->plc[i].port, i + 1, i < PLANT_TRIPS ?
		    plant_trips[i].poll_text : "100ms");
	used += (size_t)snprintf(body + used, used < cap ? cap - used : 0,
	    "points:\n");
	for (i = 0; i < (unsigned)w->n_plcs && used < cap; i++)
		used += (size_t)snprintf(body + used, cap - used,
		    "  - {name: valve%u, device: plc%u, table: holding, address: "
		    "0, scale: 0.1, write: {min: 0, max: 100}}\n"
		    "  - {name: speed%u, device: plc%u, table: holding, address: "
		    "%d, scale: 0.1, write: {min: 0, max: 100}}\n", i, i, i, i,
		    PLANT_SPEED);
	for (i = 0; i < PLANT_TRIPS && used < cap; i++)
		used += (size_t)snprintf(body + used, cap - used,
		    "  - {name: %s, device: plc%u, table: input, address: 0, "
		    "scale: 0.01, monitor: {high_high: 4.8, deadband: 0.05}}\n",
		    plant_trips[i].point, plant_trips[i].device);
	used += (size_t)snprintf(body + used, used < cap ? cap - used : 0,
	    "takeover:\n  isolate: writes\n  safe_state:\n");
	for (i = 0; i < (unsigned)w->n_plcs && used < cap; i++)
		used += (size_t)snprintf(body + used, cap - used,
		    "    - {point: valve%u, value: 0}\n", i);
}

/* The takeover's records: its own, then every device's verified value.
 * Returns the ts of the last one, or 0 when they did not all come. */
static double
takeover_wait_verified(struct safety_tail *tail, unsigned devices,
    double *record_ts)
{
	struct safety_record rec;
	double last = 0.0;
	unsigned i;

	if (safety_tail_wait(tail, "takeover", NULL, TRIAL_TIMEOUT, &rec) != 0)
		return 0.0;
	*record_ts = rec.ts;
	for (i = 0; i < devices; i++) {
		if (safety_tail_wait(tail, "safe_state_verified", NULL,
		    TRIAL_TIMEOUT, &rec) != 0)
			return 0.0;
		if (rec.ts > last)
			last = rec.ts;
	}
	return last;
}

static int
takeover_wait_refused(struct ai_writer *ai, double timeout)
{
	double deadline = safety_mono() + timeout;
	struct timespec until;
	int rc = 0;

	pthread_mutex_lock(&ai->mu);
	while (atomic_load(&ai->refused_at) == 0 && rc == 0) {
		if (safety_mono() > deadline || safety_interrupted())
			rc = -1;
		else {
			/* Wake now and then to notice SIGINT. */
			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_sec += 1;
			pthread_cond_timedwait(&ai->cv, &ai->mu, &until);
		}
	}
	pthread_mutex_unlock(&ai->mu);
	return rc;
}

/* From the command to the safe state; the trial's samples. 0, or -1
 * with why. */
static int
takeover_measure(const struct world *w, struct ai_writer *ai,
    struct safety_tail *tail, int fd, struct takeover_samples *s,
    char *why, size_t cap)
{
	double sent_wall, sent, answered, record_ts = 0, verified_ts;
	char answer[512];

	safety_tail_drain(tail);
	atomic_store(&ai->refused_at, 0);
	atomic_store(&ai->armed, 1);
	sent_wall = safety_wall();
	sent = safety_mono();
	if (safety_control_ask(fd, TAKEOVER_REQUEST, answer, sizeof(answer),
	    TRIAL_TIMEOUT) != 1) {
		snprintf(why, cap, "takeover: %s", answer);
		return -1;
	}
	answered = safety_mono();
	if (takeover_wait_refused(ai, TRIAL_TIMEOUT) != 0) {
		snprintf(why, cap, "no AI write was refused");
		return -1;
	}
	verified_ts = takeover_wait_verified(tail, w->n_plcs, &record_ts);
	if (verified_ts == 0.0) {
		snprintf(why, cap, "safe state not verified on every device");
		return -1;
	}
	safety_samples_add(&s->answer, (answered - sent) * 1e3);
	safety_samples_add(&s->record, (record_ts - sent_wall) * 1e3);
	safety_samples_add(&s->refused,
	    ((double)atomic_load(&ai->refused_at) / 1e9 - sent) * 1e3);
	safety_samples_add(&s->verified, (verified_ts - sent_wall) * 1e3);
	return 0;
}

/* One takeover and release. 0, or -1 with why. */
static int
takeover_trial(const struct world *w, struct ai_writer *ai,
    struct safety_tail *tail, struct takeover_samples *s, uint32_t *seed,
    char *why, size_t cap)
{
	char answer[512];
	int fd, rc;

	/* Some time in AUTO with writes going through, at a random phase. */
	safety_nap(0.01 + 0.02 * safety_random(seed));
	if (ai_writer_wait_accepted(ai, TRIAL_TIMEOUT) != 0) {
		snprintf(why, cap, "AI writes not accepted in AUTO");
		return -1;
	}
	if ((fd = safety_control_open(w)) == -1) {
		snprintf(why, cap, "cannot connect to %s", w->socket);
		return -1;
	}
	rc = takeover_measure(w, ai, tail, fd, s, why, cap);
	if (safety_control_ask(fd, RELEASE_REQUEST, answer, sizeof(answer),
	    TRIAL_TIMEOUT) != 1 && rc == 0) {
		snprintf(why, cap, "release: %s", answer);
		rc = -1;
	}
	close(fd);
	return rc;
}

static void
takeover_report(struct takeover_samples *s, const struct ai_writer *ai,
    unsigned devices)
{
	printf("  %zu trials; %u devices; the AI wrote %llu times "
	    "accepted, %llu refused with 0x0A, %llu other errors\n",
	    s->refused.n, devices,
	    (unsigned long long)atomic_load(&ai->accepted),
	    (unsigned long long)atomic_load(&ai->refused),
	    (unsigned long long)atomic_load(&ai->errors));
	safety_report_samples("command sent -> its answer read", &s->answer);
	safety_report_samples("command sent -> takeover record (ts)",
	    &s->record);
	safety_report_samples("command sent -> first AI write refused",
	    &s->refused);
	safety_report_target("first AI write refused, p99",
	    safety_samples_quantile(&s->refused, 0.99), "<=",
	    REFUSE_TARGET_MS, "ms");
	safety_report_samples("command sent -> safe state verified, all",
	    &s->verified);
	safety_report_target("safe state verified on every device, p99",
	    safety_samples_quantile(&s->verified, 0.99), "<=",
	    VERIFIED_TARGET_MS, "ms");
}

static int
takeover_trials(const struct world *w, const struct safety_options *opt)
{
	struct takeover_samples s;
	struct safety_tail tail;
	struct ai_writer ai;
	uint32_t seed = 0x9E3779B9u;
	unsigned i, failures = 0;
	char why[1024];
	int rc = 0;

	memset(&s, 0, sizeof(s));
	if (safety_tail_open(&tail, w->audit) != 0) {
		fprintf(stderr, "bench-safety: cannot follow %s\n", w->audit);
		return -1;
	}
	if (ai_writer_start(&ai, w->port, w->n_plcs) != 0) {
		fprintf(stderr, "bench-safety: cannot start the AI thread\n");
		safety_tail_close(&tail);
		return -1;
	}
	for (i = 0; i < opt->trials && !safety_interrupted(); i++) {
		if (takeover_trial(w, &ai, &tail, &s, &seed, why,
		    sizeof(why)) == 0)
			continue;
		fprintf(stderr, "bench-safety: takeover trial %u: %s\n", i + 1,
		    why);
		if (++failures > TRIAL_FAILURES_MAX) {
			rc = -1;
			break;
		}
	}
	ai_writer_stop(&ai);
	safety_tail_close(&tail);
	takeover_report(&s, &ai, w->n_plcs);
	safety_samples_free(&s.answer);
	safety_samples_free(&s.record);
	safety_samples_free(&s.refused);
	safety_samples_free(&s.verified);
	return rc;
}

static int
trip_figures(const struct world *w, const struct safety_options *opt)
{
	struct safety_samples trip_ms, takeover_ms;
	const struct plant_trip *t;
	double limit_ms;
	char what[128];
	size_t i;
	int rc = 0;

	printf("  trip detection: level forced to 4.90 m through the plcsim "
	    "backdoor (high_high 4.8, no delay), %u trials per "
	    "poll_interval, each at a random phase; from the backdoor write "
	    "to the audit record's ts:\n", opt->trip_trials);
	for (i = 0; i < PLANT_TRIPS && rc == 0 && !safety_interrupted(); i++) {
		t = &plant_trips[i];
		memset(&trip_ms, 0, sizeof(trip_ms));
		memset(&takeover_ms, 0, sizeof(takeover_ms));
		rc = safety_trip_trials(w, t->device, t->point, t->poll,
		    opt->trip_trials, &trip_ms, &takeover_ms);
		snprintf(what, sizeof(what), "poll_interval %s: trip record",
		    t->poll_text);
		safety_report_samples(what, &trip_ms);
		snprintf(what, sizeof(what), "poll_interval %s: takeover record",
		    t->poll_text);
		safety_report_samples(what, &takeover_ms);
		printf("  poll_interval %s: trip p50 %.2f, p99 %.2f "
		    "poll_intervals\n", t->poll_text,
		    safety_samples_quantile(&trip_ms, 0.5) / (t->poll * 1e3),
		    safety_samples_quantile(&trip_ms, 0.99) / (t->poll * 1e3));
		/* One interval, plus delay (0), plus a little: a poll's round
		 * trip and the record, at most 10 % or 2 ms. */
		limit_ms = t->poll * 1e3 + (t->poll * 100 > 2.0 ? t->poll * 100 :
		    2.0);
		snprintf(what, sizeof(what), "poll_interval %s: trip p99",
		    t->poll_text);
		safety_report_target(what, safety_samples_quantile(&trip_ms,
		    0.99), "<=", limit_ms, "ms");
		safety_samples_free(&trip_ms);
		safety_samples_free(&takeover_ms);
	}
	return rc;
}

int
safety_takeover_section(const struct safety_options *opt)
{
	struct world *w = NULL;
	char body[8192];
	unsigned i;
	int rc = -1;

	safety_report_section("Issue 4: takeover latency and trip detection");
	if ((w = safety_plant(PLANT_DEVICES)) == NULL)
		goto out;
	plant_body(w, body, sizeof(body));
	if (safety_start(w, body) != 0) {
		fprintf(stderr, "bench-safety: wardend did not start (issue "
		    "4 plant)\n");
		w->failed = 1;
		goto out;
	}
	for (i = 0; i < (unsigned)w->n_plcs; i++)
		if (world_wait_unit(w, (int)i + 1, 0, 5.0) != 0) {
			fprintf(stderr, "bench-safety: no path to plc%u\n", i);
			w->failed = 1;
			goto out;
		}
	printf("  plant: %u plcsims, wardend (pid %ld) mode enforce, isolate: "
	    "writes, safe state valve = 0 on each device, state and audit "
	    "in %s; the AI writes speed (holding %d) to units 1..%u in turn "
	    "on one connection, back to back; takeover and release sent on "
	    "the control socket\n", w->n_plcs, (long)w->warden, w->dir,
	    PLANT_SPEED, w->n_plcs);
	rc = takeover_trials(w, opt);
	if (rc == 0)
		rc = trip_figures(w, opt);
	if (rc != 0)
		w->failed = 1;
out:
	world_free(w);
	return rc;
}
