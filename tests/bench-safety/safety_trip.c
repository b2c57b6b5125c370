/*
 * safety_trip.c: how long wardend takes to see a process leave its
 * envelope. The level of one plcsim is forced above its high_high limit
 * through the backdoor; the time from that write to the trip record in
 * the audit log (its ts, CLOCK_REALTIME like ours) is one poll at most
 * in theory, half of one on average, plus the poll's round trip. Each
 * trial then forces the level back, waits for the trip to clear and
 * releases, so the next one starts in AUTO.
 */
#include "safety.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define TRIP_LEVEL_HIGH 490     /* 4.90 m: above high_high 4.8 */
#define TRIP_LEVEL_NORMAL 200   /* 2.00 m: back inside, past the deadband */
#define TRIP_TIMEOUT 5.0
#define RELEASE_TRIES 100       /* every 10 ms while the clear settles */

/* Force input register 0 (the level) through the backdoor. */
static int
trip_force(modbus_t *backdoor, uint16_t raw)
{
	return modbus_write_register(backdoor, 0, raw) == 1 ? 0 : -1;
}

static int
trip_release(const struct world *w, char *answer, size_t cap)
{
	int tries;

	for (tries = 0; tries < RELEASE_TRIES && !safety_interrupted();
	    tries++) {
		if (safety_control(w, "{\"cmd\":\"release\",\"reason\":"
		    "\"bench\"}", answer, cap) == 1)
			return 0;
		safety_nap(0.01);
	}
	return -1;
}

/* One trip, cleared and released. 0, or -1 (said on stderr). */
static int
trip_once(const struct world *w, modbus_t *backdoor,
    struct safety_tail *tail, const char *point,
    struct safety_samples *trip_ms, struct safety_samples *takeover_ms)
{
	struct safety_record trip, takeover, cleared;
	char answer[512];
	double forced;

	safety_tail_drain(tail);
	forced = safety_wall();
	if (trip_force(backdoor, TRIP_LEVEL_HIGH) != 0) {
		fprintf(stderr, "bench-safety: backdoor write: %s\n",
		    modbus_strerror(errno));
		return -1;
	}
	if (safety_tail_wait(tail, "trip", point, TRIP_TIMEOUT, &trip) != 0 ||
	    safety_tail_wait(tail, "takeover", NULL, TRIP_TIMEOUT,
	    &takeover) != 0) {
		fprintf(stderr, "bench-safety: no trip of %s within %g s\n",
		    point, TRIP_TIMEOUT);
		return -1;
	}
	safety_samples_add(trip_ms, (trip.ts - forced) * 1e3);
	safety_samples_add(takeover_ms, (takeover.ts - forced) * 1e3);
	if (trip_force(backdoor, TRIP_LEVEL_NORMAL) != 0 ||
	    safety_tail_wait(tail, "trip_cleared", point, TRIP_TIMEOUT,
	    &cleared) != 0) {
		fprintf(stderr, "bench-safety: the trip of %s did not clear\n",
		    point);
		return -1;
	}
	if (trip_release(w, answer, sizeof(answer)) != 0) {
		fprintf(stderr, "bench-safety: release after a trip: %s\n",
		    answer);
		return -1;
	}
	return 0;
}

int
safety_trip_trials(const struct world *w, unsigned device,
    const char *point, double poll, unsigned trials,
    struct safety_samples *trip_ms, struct safety_samples *takeover_ms)
{
	modbus_t *backdoor = world_connect(w->plc[device].backdoor, 1, 2.0);
	struct safety_tail tail;
	uint32_t seed = 0x2545F491u + device;
	unsigned i;
	int rc = 0;

	if (backdoor == NULL || safety_tail_open(&tail, w->audit) != 0) {
		fprintf(stderr, "bench-safety: cannot reach the backdoor of "
		    "plc%u or follow %s\n", device, w->audit);
		world_client_free(backdoor);
		return -1;
	}
	for (i = 0; i < trials && rc == 0 && !safety_interrupted(); i++) {
		/* A random phase against the poll timer. */
		safety_nap(poll * safety_random(&seed));
		rc = trip_once(w, backdoor, &tail, point, trip_ms, takeover_ms);
	}
	safety_tail_close(&tail);
	world_client_free(backdoor);
	return rc;
}
