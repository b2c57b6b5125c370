/*
 * policy.h: the verdict on one request from the AI. Pure: no I/O, no
 * clock (now is passed in, seconds), no allocation.
 *
 * What each request gets (README.md, "Gateway behaviour in brief"):
 *   fc 1-4        pass; with reads: declared, 0x02 (rule not_declared)
 *                 unless every address read is some point's
 *   fc 5, 6, 15, 16
 *                 every address written must be a point with write:, else
 *                 0x02 (not_writable); a 32-bit point written only in part
 *                 is 0x03 (partial_point); then each point's value is
 *                 judged against its limits
 *   fc 22         judged on every value the masks can leave in the
 *                 register, whatever it holds now: the result is
 *                 (current AND and_mask) OR (or_mask AND NOT and_mask),
 *                 so the bits and_mask keeps come from the device. Every
 *                 result must pass (the smallest and the largest suffice:
 *                 limits are intervals); with and_mask 0 the result is
 *                 one value, the only case a clamp can mend
 *   fc 23         its write part as fc 16, its read part as fc 3
 *   anything else 0x01 (function), unless listed in allow_functions
 * Address problems are found before value problems, as a Modbus device
 * does. A request that writes several points is all-or-nothing: its
 * verdict is the worst of its points' (takeover > reject > read >
 * ramp > clamp > allow), and it is reported with the first point that had that
 * verdict.
 *
 * Per point, in this order (limits are inclusive and exact: each is
 * turned into the span of raw values inside it, see point.h, and the raw
 * value written is compared with that; times give or take a nanosecond):
 *   not_finite    a float32 NaN or infinity
 *   min_interval  since the last accepted write
 *   min, max      a bool point's implicit bounds are 0 and 1
 *   no_baseline   max_step set and no last known value: the verdict is
 *                 POLICY_READ, the caller reads the point from the device
 *                 and decides again (unless min or max already refused it)
 *   max_step      within max_step of the last known value and of every
 *                 write to the point still in flight
 *   max_rate      |value - last accepted| <= max_rate * (now - then);
 *                 the first accepted write has nothing to compare with
 * The first rule broken names the violation; on_violation then decides.
 * When max_step and max_rate are both broken, the rule named is the one
 * that bound: the tighter window, farther from the value asked for
 * (max_step when they are as tight).
 * clamp forwards the raw value nearest the requested one inside every
 * window that applies (min/max, max_step, max_rate); when there is none,
 * when the rule is min_interval or not_finite, or when a mask write's
 * result is not one value, it rejects instead. ramp (ramp.h) does the
 * same, but only for max_step or max_rate (min, max and the rest are
 * refused) and only in a request of fc 5, 6, 15 or 16 that writes that
 * one point: any other request needing a ramp is refused whole, with
 * the rule that asked for it. The first step is the clamp's value. not_writable,
 * partial_point, not_declared and function are refusals whatever
 * on_violation says: they are not values to judge.
 *
 * Last known value. The newer of the value the device confirmed for a
 * write through wardend (a normal answer to it) and the last value read
 * from the device (polls and reads before judging, dated when the read
 * was sent). It becomes unknown when a write to the point ends without
 * its outcome known (sent and not answered: timeout, connection lost),
 * when a mask write that leaves bits to the device is confirmed, and when
 * the device holds what the type cannot (a NaN). A write judged by
 * max_step must be within max_step of it and of every write to the point
 * still in flight (the span of their values since the point last had none
 * in flight): whatever order they reach the device in, and whichever of
 * them fails, every step the device sees is within max_step.
 *
 * Memory. The caller owns one struct policy_memory per point (an array of
 * cfg->n_points, zeroed: nothing known) and reports into it:
 *   policy_accept   after forwarding a request: the values the decision
 *                   accepted start max_rate and min_interval
 *   policy_forward  a write goes to the device: its values are in flight
 *   policy_settle   how a forwarded write ended: answered, refused by
 *                   the device, or not known
 *   policy_observe  a point was read from the device
 * policy_decide itself changes nothing, so a request that is never
 * forwarded (device down, client gone) leaves no trace.
 *
 * Monitor mode. policy_decide gives the verdict enforcement would give;
 * the caller forwards the original request anyway and audits would_*.
 * policy_accept records only what enforcement would have accepted (the
 * clamped value for a would-be clamp, nothing for a would-be reject), so
 * the would_* verdicts over a commissioning run are the ones enforcement
 * would have given to the same traffic. Last known values and the values
 * in flight still come from what the device got: the unclamped values.
 */
#ifndef WARDEN_POLICY_H
#define WARDEN_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include <modbus.h>

#include "config.h"
#include "mbap.h"

/* Ordered by how bad: a request gets the worst of its points'. */
enum policy_verdict {
	POLICY_ALLOW,           /* forward the request as it is */
	POLICY_CLAMP,           /* forward decision.frame instead */
	POLICY_RAMP,            /* answer as written, walk the point to
				 * its value (ramp.h); the first step is
				 * the point's forwarded value */
	POLICY_READ,            /* no_baseline: read the points written from
				 * the device (policy_observe), then decide
				 * again; not a violation */
	POLICY_REJECT,          /* answer decision.exception, forward nothing */
	POLICY_TAKEOVER,        /* answer 0x03, forward nothing, take over */
};

/* What the policy remembers about one point. */
struct policy_memory {
	/* Last known value (above): 0 when unknown since known_at. */
	int known;
	int known_from_write;
	double known_raw;
	double known_value;
	double known_at;
	/* Writes forwarded to the point and not yet settled, and the raw
	 * values they can leave, over all of them since inflight was last
	 * 0 (meaningless while it is 0). */
	unsigned inflight;
	double inflight_lo, inflight_hi;
	/* Last accepted AI write: the raw values it can leave (one unless a
	 * mask write leaves bits to the device), and when. */
	int accepted;
	double accepted_lo, accepted_hi;
	double accepted_at;
	/* When the AI's own last accepted write came (min_interval): a
	 * ramp's steps move accepted_at, not this. */
	double ai_at;
	/* The generation (see policy_memory_carry) this memory began in:
	 * writes forwarded before it are not counted in inflight. */
	unsigned since;
};

/* One point a write request touches. */
struct policy_write {
	unsigned point;                 /* index into cfg->points */
	int has_value;                  /* 0: no one value (partial_point,
					 * not_writable, fc 22 leaving bits to
					 * the device with nothing known) */
	double raw, value;              /* requested; fc 22 leaving bits to
					 * the device: its result on the last
					 * known value */
	double raw_lo, raw_hi;          /* every raw value it can leave: raw,
					 * or fc 22's smallest and largest */
	double forwarded_raw, forwarded_value;  /* = requested unless clamped */
};

/* The most points one request can write: fc 15 with one per coil. */
#define POLICY_MAX_WRITES MODBUS_MAX_WRITE_BITS

struct policy_decision {
	enum policy_verdict verdict;
	uint8_t exception;              /* 0 unless REJECT or TAKEOVER */
	const char *rule;               /* NULL when allowed */
	int has_limit;
	double limit;                   /* the rule's limit (min_interval: s) */
	/*
	 * The point the verdict is about (the first written when allowed);
	 * has_point is 0 for reads, unknown functions and an undeclared
	 * address. Its values are copied from writes[].
	 */
	int has_point;
	struct policy_write point;
	/* Every point written, in address order, once the addresses
	 * passed; 0 of them when refused for an address. */
	unsigned n_writes;
	struct policy_write writes[POLICY_MAX_WRITES];
	/* CLAMP: the request to forward, the same length as the original,
	 * only the clamped values changed (fc 22: masks 0x0000 and the
	 * clamped value, so the register ends up exactly that). */
	size_t frame_len;
	uint8_t frame[MBAP_MAX_ADU_LEN];
};

/*
 * Judge a request that mbap_decode_request() accepted, addressed to
 * device (an index into cfg->devices), against memory (cfg->n_points of
 * them). Only the fields above the writes array are cleared, so a
 * decision costs the same whatever its size.
 */
void policy_decide(const struct config *cfg,
    const struct policy_memory *memory, unsigned device,
    const struct mbap_request *req, double now, struct policy_decision *d);

/* The request d was about was forwarded at now (in either mode). Does
 * nothing unless d is ALLOW, CLAMP or RAMP: a refused write never restarts
 * min_interval or max_rate. */
void policy_accept(struct policy_memory *memory,
    const struct policy_decision *d, double now);

/* A ramp's step of raw to point was sent at now: max_rate runs from
 * it, min_interval still from the AI's own last write. */
void policy_accept_step(struct policy_memory *memory, unsigned point,
    double raw, double now);

/*
 * A write goes to the device: forwarded is the request as it goes out
 * (d->frame when clamped; in monitor mode the original). Every point it
 * writes wholly counts it in flight until policy_settle. Call it before
 * handing the request over, so that an answer never comes first.
 */
void policy_forward(const struct config *cfg, struct policy_memory *memory,
    unsigned device, const struct mbap_request *forwarded);

enum policy_outcome {
	POLICY_WRITTEN,         /* answered normally: the device holds it */
	POLICY_NOT_WRITTEN,     /* answered with an exception, or never sent */
	POLICY_UNKNOWN,         /* sent and not answered: it may have been */
};

/*
 * A write policy_forward() counted ended at now, exactly once each:
 * generation is the one it was forwarded in. Every point it wrote wholly
 * is no longer in flight; WRITTEN makes the value sent the last known
 * value (a mask write leaving bits to the device: unknown), UNKNOWN
 * makes the last known value unknown, NOT_WRITTEN leaves it.
 */
void policy_settle(const struct config *cfg, struct policy_memory *memory,
    unsigned device, const struct mbap_request *forwarded,
    unsigned generation, enum policy_outcome outcome, double now);

/* Every write in flight is lost with its connection: each point that
 * had one has no last known value from now. */
void policy_inflight_lost(const struct config *cfg,
    struct policy_memory *memory, double now);

/*
 * The point's raw value (point_get_raw) was read from the device with a
 * request sent at `at` (a poll, or a read before judging). Taken unless
 * something newer is known (or known to be unknown): pass the time the
 * read was sent, so that a read that crossed a confirmed write does not
 * overwrite it with the value from before.
 */
void policy_observe(const struct config *cfg, struct policy_memory *memory,
    unsigned point, double raw, double at);

/*
 * After a reload: carry each point's memory over from the old config to
 * the new where a point of the same name still sits on the same device
 * (by name), table and address with the same type, byte order, scale and
 * offset; other points start with nothing known, in generation (a number
 * the caller raises at every reload and passes to policy_settle for the
 * writes forwarded in it), so that writes forwarded to an address before
 * the reload do not settle the new point's.
 */
void policy_memory_carry(const struct config *old_cfg,
    const struct policy_memory *old_memory, const struct config *new_cfg,
    struct policy_memory *new_memory, unsigned generation);

const char *policy_verdict_name(enum policy_verdict verdict);

/* The audit event of a decision on a write: write_allowed, write_clamped
 * or write_rejected (reject, takeover, and read when the read could not
 * give a baseline) in enforce mode; write_allowed, would_clamp,
 * would_reject or would_takeover in monitor mode; a ramp is
 * ramp_started in enforce mode, would_ramp in monitor mode. */
const char *policy_event_name(const struct policy_decision *d,
    enum config_mode mode);

#endif
