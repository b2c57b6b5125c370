/*
 * metrics.h: what the gateway counts, and the Prometheus text made of it.
 *
 * Counting (metrics.c) is pure: struct counters is raised where things
 * happen (listener, client, gate, device), struct metrics holds what
 * nobody else counts, the requests by verdict and the request latency
 * histogram.
 *
 * Rendering (metrics_render.c) is pure too: the exposition is written
 * from one status snapshot (status.h), the same `wardenctl status` is
 * written from, and the counts of struct metrics; nothing is cached, so
 * a scrape always agrees with the status at the same instant. Serving it
 * over HTTP is metrics_http.h's.
 */
#ifndef WARDEN_METRICS_H
#define WARDEN_METRICS_H

#include <stdint.h>

#include "buf.h"
#include "config.h"
#include "histogram.h"
#include "policy.h"

struct status;

/* The gateway's own counts, shown by status and the metrics. */
struct counters {
	uint64_t clients_accepted;
	uint64_t clients_refused;       /* allow_from, max_clients, or a
					 * TLS handshake that failed */
	uint64_t tls_handshakes;        /* TLS handshakes completed */
	uint64_t tls_resumed;           /* of them, sessions resumed */
	uint64_t requests;
	uint64_t forwarded;
	uint64_t answered;              /* device answers delivered */
	uint64_t malformed;             /* clients closed for bad framing */
	uint64_t device_resets;
	uint64_t device_timeouts;
	uint64_t exceptions[256];       /* sent by the gateway, by code */
	uint64_t intrusions[IDS_KIND_COUNT];    /* occurrences, by kind */
};

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
	METRICS_RAMPED,                 /* write answered, walked (ramp.h) */
	METRICS_WOULD_RAMP,             /* monitor mode: forwarded as asked */
};
#define METRICS_VERDICT_COUNT 13

/* All zeros: nothing counted. */
struct metrics {
	uint64_t requests[METRICS_VERDICT_COUNT];
	/* Requests handed to a device: from the AI's request to its answer
	 * (the device's, or 0x0A/0x0B/0x06 in its place). */
	struct histogram latency;
};

/*
 * Raised where it happens (listener, client, gate, device), and nowhere
 * else: inline, since most are on the path of every request. status.c
 * takes the whole struct counters for its snapshot.
 */
static inline void
counters_client_accepted(struct counters *c)
{
	c->clients_accepted++;
}

static inline void
counters_client_refused(struct counters *c)
{
	c->clients_refused++;
}

static inline void
counters_tls_handshake(struct counters *c, int resumed)
{
	c->tls_handshakes++;
	c->tls_resumed += resumed != 0;
}

static inline void
counters_request(struct counters *c)
{
	c->requests++;
}

static inline void
counters_forwarded(struct counters *c)
{
	c->forwarded++;
}

static inline void
counters_answered(struct counters *c)
{
	c->answered++;
}

static inline void
counters_malformed(struct counters *c)
{
	c->malformed++;
}

static inline void
counters_device_reset(struct counters *c)
{
	c->device_resets++;
}

static inline void
counters_device_timeout(struct counters *c)
{
	c->device_timeouts++;
}

/* n occurrences of an intrusion of kind (ids.h). */
static inline void
counters_intrusion(struct counters *c, enum ids_kind kind, uint64_t n)
{
	c->intrusions[kind] += n;
}

/* An exception the gateway sent, by its code. */
static inline void
counters_exception(struct counters *c, uint8_t code)
{
	c->exceptions[code]++;
}

/* A request that was not judged, or refused whatever the policy says. */
static inline void
metrics_count_verdict(struct metrics *m, enum metrics_verdict v)
{
	m->requests[v]++;
}

/* A request handed to a device, answered seconds after it came. */
static inline void
metrics_count_latency(struct metrics *m, double seconds)
{
	histogram_observe(&m->latency, seconds);
}

/* metrics.c */
/* Count a judged write (or unknown function) by the policy's verdict. */
void metrics_count_decision(struct metrics *m,
    const struct policy_decision *d, enum config_mode mode);
/* Count a read: forwarded, rejected, or in monitor mode would_reject
 * (and forwarded all the same). */
void metrics_count_read(struct metrics *m, const struct policy_decision *d,
    enum config_mode mode);

/* metrics_render.c */
/* The whole exposition, appended to out. Returns 0, or -1 when out of
 * memory. */
int metrics_render(const struct metrics *m, const struct status *s,
    struct buf *out);

#endif
