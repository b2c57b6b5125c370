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
 *   fc 22         judged on the value the masks would leave in the
 *                 register, worked out from the last known value (none:
 *                 0x03, no_baseline)
 *   fc 23         its write part as fc 16, its read part as fc 3
 *   anything else 0x01 (function), unless listed in allow_functions
 * Address problems are found before value problems, as a Modbus device
 * does. A request that writes several points is all-or-nothing: its
 * verdict is the worst of its points' (takeover > reject > clamp >
 * allow), and it is reported with the first point that had that verdict.
 *
 * Per point, in this order (limits are inclusive, give or take
 * point_slack; times give or take a nanosecond):
 *   not_finite    a float32 NaN or infinity
 *   min_interval  since the last accepted write
 *   no_baseline   max_step set and no last known value: always rejected
 *   min, max      a bool point's implicit bounds are 0 and 1
 *   max_step      |value - last known value| <= max_step
 *   max_rate      |value - last accepted| <= max_rate * (now - then);
 *                 the first accepted write has nothing to compare with
 * The first rule broken names the violation; on_violation then decides.
 * clamp forwards the value moved to the nearest raw value inside every
 * window that applies (min/max, the max_step window around the last known
 * value, the max_rate window around the last accepted write); when there
 * is none, or the rule is min_interval or not_finite, it rejects instead.
 * no_baseline, not_writable, partial_point, not_declared and function
 * are refusals whatever on_violation says: they are not values to judge.
 *
 * Memory. The caller owns one struct policy_memory per point (an array of
 * cfg->n_points, zeroed: nothing known) and reports into it:
 *   policy_accept   after forwarding a request: the values the decision
 *                   accepted start max_rate and min_interval
 *   policy_confirm  the device answered a forwarded write without an
 *                   exception: the values sent become last known values
 *   policy_observe  the poller read a point
 * policy_decide itself changes nothing, so a request that is never
 * forwarded (device down, client gone) leaves no trace.
 *
 * Monitor mode. policy_decide gives the verdict enforcement would give;
 * the caller forwards the original request anyway and audits would_*.
 * policy_accept records only what enforcement would have accepted (the
 * clamped value for a would-be clamp, nothing for a would-be reject), so
 * the would_* verdicts over a commissioning run are the ones enforcement
 * would have given to the same traffic. Last known values still come from
 * the device, which in monitor mode got the unclamped values.
 */
#ifndef WARDEN_POLICY_H
#define WARDEN_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include <modbus.h>

#include "config.h"
#include "mbap.h"

enum policy_verdict {
	POLICY_ALLOW,           /* forward the request as it is */
	POLICY_CLAMP,           /* forward decision.frame instead */
	POLICY_REJECT,          /* answer decision.exception, forward nothing */
	POLICY_TAKEOVER,        /* answer 0x03, forward nothing, take over */
};

/* What the policy remembers about one point. */
struct policy_memory {
	/* Last known value: confirmed write or poll, whichever is newer. */
	int known;
	int known_from_write;
	double known_raw;
	double known_value;
	double known_at;
	/* Last accepted AI write (forwarded value, engineering units). */
	int accepted;
	double accepted_value;
	double accepted_at;
};

/* One point a write request touches. */
struct policy_write {
	unsigned point;                 /* index into cfg->points */
	int has_value;                  /* 0: not known (partial_point, fc 22
					 * with no_baseline, not_writable) */
	double raw, value;              /* requested */
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
 * nothing unless d is ALLOW or CLAMP: a refused write never restarts
 * min_interval or max_rate. */
void policy_accept(struct policy_memory *memory,
    const struct policy_decision *d, double now);

/*
 * The device answered a forwarded write without an exception at now:
 * forwarded is the request as it went out (d->frame when clamped). Every
 * point it wrote wholly takes the value sent; fc 22 applies its masks to
 * the last known value (nothing when there is none).
 */
void policy_confirm(const struct config *cfg, struct policy_memory *memory,
    unsigned device, const struct mbap_request *forwarded, double now);

/*
 * The poller read point's raw value (point_get_raw) with a request sent
 * at `at`. Taken unless a newer value is known: pass the time the read
 * was sent, so that a poll that crossed a confirmed write does not
 * overwrite it with the value from before.
 */
void policy_observe(const struct config *cfg, struct policy_memory *memory,
    unsigned point, double raw, double at);

/*
 * After a reload: carry each point's memory over from the old config to
 * the new where a point of the same name still sits on the same device
 * (by name), table and address with the same type, byte order, scale and
 * offset; other points start with nothing known.
 */
void policy_memory_carry(const struct config *old_cfg,
    const struct policy_memory *old_memory, const struct config *new_cfg,
    struct policy_memory *new_memory);

const char *policy_verdict_name(enum policy_verdict verdict);

/* The audit event of a decision on a write: write_allowed, write_clamped
 * or write_rejected (reject and takeover) in enforce mode; write_allowed,
 * would_clamp, would_reject or would_takeover in monitor mode. */
const char *policy_event_name(const struct policy_decision *d,
    enum config_mode mode);

#endif
