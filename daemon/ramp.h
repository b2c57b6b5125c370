/*
 * ramp.h: the ramps (ramp.c), a flow beside the gate. A write to a
 * point with on_violation: ramp whose value is beyond max_step or
 * max_rate (policy.h) is answered as written, and wardend walks the
 * point there itself: one write per step, each audited (ramp_step)
 * before it leaves, each within every limit an AI write is held to
 * (ramp_plan.h), at least min_interval (or 100 ms) apart, one step on
 * the wire at a time, the next planned once the device answered the
 * last.
 *
 * A ramp ends when the device confirms the target (ramp_done); when the
 * AI's next write to the point is accepted (ramp_replaced: a new ramp,
 * or the value written as it is); and stops (ramp_stopped, with its
 * cause) on a takeover, before anything else of it is done; on a
 * reload or when wardend stops; when the device refuses or does not
 * answer a step, or it cannot be sent (device_error); when the point's
 * value is no longer known or the limits allow no step toward the
 * target (limits); when a step cannot be audited (audit). A stopped
 * ramp is never taken up again: a step already on the wire ends, and
 * none follows it. Its steps go on the AI's connections, as AI writes:
 * a takeover's safe state waits for the one in flight, as for any.
 *
 * Called by gate.c (start, replace), takeover.c (stop at takeover),
 * reload.c and wardend.c; status reads it through ramp_list().
 */
#ifndef WARDEN_RAMP_H
#define WARDEN_RAMP_H

#include <stddef.h>
#include <stdint.h>

struct warden;
struct ramp;
struct policy_decision;

/* The ramps of w->cfg's points, none active; NULL when out of memory. */
struct ramp *ramp_new(struct warden *w);
void ramp_free(struct ramp *r);

/*
 * Start walking d's point (d: a POLICY_RAMP decision whose ramp_started
 * record is queued) to the value asked: its first step, the policy's
 * forwarded value, handed to the point's device with its own record. A
 * ramp on the point is replaced. 0, or the exception the AI gets when
 * the first step could not be handed over (the ramp stopped).
 */
uint8_t ramp_start(struct ramp *r, const struct policy_decision *d);
/* An AI write d accepted and forwarded: a ramp on a point it writes
 * ends (ramp_replaced, by the value written). */
void ramp_replace(struct ramp *r, const struct policy_decision *d);
/* Every ramp stops at once, cause "takeover", "reload" or "stop". */
void ramp_stop_all(struct ramp *r, const char *cause);
/* After a reload swapped w->cfg in (ramp_stop_all first): a ramp for
 * each of its points. 0, or -1 when out of memory (then none). */
int ramp_reconfigure(struct ramp *r);

/* An active ramp, as status shows it. */
struct ramp_info {
	unsigned point;
	double from;                    /* where it started */
	double target;
	double current;                 /* the last step the device
					 * confirmed (from before the first) */
	const char *limit;              /* what bound the last step; NULL:
					 * the last step is the target */
	unsigned steps;
	double since;                   /* started (ev_now) */
};
/* The active ramps, at most max of them, in point order; how many. */
size_t ramp_list(const struct ramp *r, struct ramp_info *out, size_t max);
size_t ramp_active(const struct ramp *r);

#endif
