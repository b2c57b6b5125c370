/*
 * metrics.h: Prometheus text exposition at metrics_listen, GET /metrics.
 *
 * What the gateway counts elsewhere (struct counters, the guard's
 * counters, audit_stats, the poller's conditions, the device pools) is
 * read when a scrape arrives; what nobody else counts lives here: the
 * requests by verdict and the request latency histogram.
 *
 * The HTTP side is HTTP/1.0 in the daemon's loop, never blocking it: one
 * request per connection, answered and closed; a request larger than
 * METRICS_REQUEST_MAX or slower than METRICS_TIMEOUT is dropped; at most
 * METRICS_MAX_CONNS scrapes at once, more are accepted and closed. Only
 * GET /metrics is served: another path gets 404, another method 405,
 * anything unreadable 400.
 */
#ifndef WARDEN_METRICS_H
#define WARDEN_METRICS_H

#include <stdint.h>
#include <ev.h>

#include "buf.h"
#include "config.h"
#include "histogram.h"
#include "policy.h"

#define METRICS_REQUEST_MAX 4096
#define METRICS_TIMEOUT 5.0
#define METRICS_MAX_CONNS 8

struct warden;
struct metrics_conn;

/*
 * What became of each AI request, the label of warden_requests_total.
 * Every request counts once, so the verdicts add up to all requests.
 */
enum metrics_verdict {
	METRICS_ALLOWED,                /* write forwarded as asked */
	METRICS_CLAMPED,                /* write forwarded clamped */
	METRICS_REJECTED,               /* write refused by the policy */
	METRICS_ISOLATED,               /* write refused: TAKEOVER (0x0A) */
	METRICS_FORWARDED_READ,
	METRICS_REJECTED_READ,          /* reads: declared (0x02) */
	METRICS_WOULD_CLAMP,            /* monitor mode: forwarded as asked */
	METRICS_WOULD_REJECT,
	METRICS_WOULD_TAKEOVER,
	METRICS_INVALID,                /* PDU fault (0x01, 0x03), not judged */
	METRICS_UNKNOWN_UNIT,           /* no device has the unit id (0x0B) */
};
#define METRICS_VERDICT_COUNT 11

/* All zeros: nothing counted, not listening. */
struct metrics {
	uint64_t requests[METRICS_VERDICT_COUNT];
	/* Requests handed to a device: from the AI's request to its answer
	 * (the device's, or 0x0A/0x0B/0x06 in its place). */
	struct histogram latency;

	struct warden *w;
	int listening;
	int fd;
	ev_io accept_io;
	ev_timer accept_retry;          /* re-arm after EMFILE */
	struct metrics_conn *conns;
	unsigned n_conns;
};

/*
 * Listen on cfg->metrics_listen, if the config has one (else nothing
 * happens). Call before dropping privileges. Returns 0, or -1 with err
 * (NET_ERR_LEN).
 */
int metrics_start(struct metrics *m, struct warden *w, char *err);
/* Close the listener and every scrape in progress. */
void metrics_stop(struct metrics *m);

/* Count a judged write (or unknown function) by the policy's verdict. */
void metrics_count_decision(struct metrics *m,
    const struct policy_decision *d, enum config_mode mode);
/* Count a read: forwarded, rejected, or in monitor mode would_reject
 * (and forwarded all the same). */
void metrics_count_read(struct metrics *m, const struct policy_decision *d,
    enum config_mode mode);

/* The whole exposition. Returns 0, or -1 when out of memory. */
int metrics_render(const struct metrics *m, const struct warden *w,
    struct buf *out);

#endif
