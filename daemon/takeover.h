/*
 * takeover.h: the orchestration layer. takeover.c owns the guard (the
 * state machine of guard.h) and is the only file that asks it and
 * carries out its answer; everyone else learns the state through the
 * functions below. The layers above call in (wardend at start, ops for
 * an operator, reload after a swap, the tick); the flows below report
 * through the flow_events that takeover_start() registers in w->events.
 */
#ifndef WARDEN_TAKEOVER_H
#define WARDEN_TAKEOVER_H

#include <stdint.h>

#include "errmsg.h"
#include "guard.h"
#include "health_mark.h"

struct warden;

/* An operator's takeover, done: err NULL when its record and state are
 * on disk, else why they are not (the takeover holds all the same). */
typedef void takeover_done_fn(void *ctx, const char *err);

/*
 * Start-up, before any flow runs: the guard as the state file left it
 * (guard_init()), the gate isolated when that is TAKEOVER, the flows'
 * news registered in w->events. 0, or -1 when out of memory.
 */
int takeover_start(struct warden *w, enum guard_restore how,
    const struct guard_persisted *saved);
void takeover_stop(struct warden *w);

/* The state as the guard holds it: for status, the state file at start,
 * systemd. */
enum guard_state takeover_state(const struct warden *w);
void takeover_persisted(const struct warden *w, struct guard_persisted *out);
const struct guard_counters *takeover_counters(const struct warden *w);
/* state_dir/state saved as the guard holds it (start-up): 0, or -1 with
 * err. */
int takeover_save(struct warden *w, char err[ERR_LEN]);
/* How the last save of state_dir/state ended, whoever made it (start,
 * a takeover through durable.h, a release): for wardenctl health. */
const struct health_mark *takeover_save_health(const struct warden *w);

/* An operator's takeover: 0 under way (done(ctx, err) once it is durable,
 * or the wait for the disk gave up), -1 refused with err. via: "console"
 * when warden-console acts for user, else NULL (the record's "via"). */
int takeover_by_operator(struct warden *w, const char *user,
    const char *via, const char *reason, takeover_done_fn *done, void *ctx,
    char err[ERR_LEN]);
/* An operator's release: 0 released, -1 refused with err (audited); via
 * as for takeover_by_operator(). */
int takeover_release(struct warden *w, const char *user, uint32_t uid,
    const char *via, const char *reason, char err[ERR_LEN]);
/* A trip raised or cleared on source, as alarms.c hands it on (not
 * while bypassed); a clear of a trip the guard does not hold is
 * nothing. */
void takeover_trip(struct warden *w, const char *source,
    enum monitor_kind kind, int raised);
/* This node of a pair became active without proof of its peer's state
 * (pair.c): TAKEOVER, cause failover, on the record; who set the role. */
void takeover_failover(struct warden *w, const char *why, const char *user);
/* This node of a pair became active with proof that its peer held
 * TAKEOVER (pair.c): TAKEOVER with the peer's cause, on the record with
 * via "failover"; user set the role. A node in TAKEOVER stays as it is. */
void takeover_adopt(struct warden *w, const struct guard_persisted *peer,
    const char *peer_node, const char *user);
/* Who set the latch as it is: an operator's name, "" for wardend. */
const char *takeover_who(const struct warden *w);
/* The guard's clock (ai_silence), every tick. */
void takeover_tick(struct warden *w);
/* After a reload swapped w->cfg in: the guard on it, and a trip on a
 * point or device it no longer has cleared, on the record. */
void takeover_reconfigure(struct warden *w);

#endif
