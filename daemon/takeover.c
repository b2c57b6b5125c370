/*
 * takeover.c: the orchestration layer, and the only file that both asks
 * the guard (guard.h) and carries out its answer. What happened comes in
 * from above as calls (an operator's takeover or release, the tick) and
 * from the flows below through the flow_events registered here (a
 * violation, a trip, the key switch); the guard decides, and a takeover
 * is carried out in the order wardend(8) gives: the audit record
 * fsynced, the state persisted, then the effect (AI isolated, safe state
 * driven). Entering TAKEOVER holds even when the record or the file
 * cannot be written (fail safe, loudly); leaving it does not happen
 * unless both were written.
 */
#include <stdio.h>

#include <modbus.h>

#include "control.h"
#include "log.h"
#include "record.h"
#include "statefile.h"
#include "warden.h"

/*
 * How long the safe state waits for the takeover's record and state to
 * reach the disk. Beyond it a hung or failing disk would keep the plant
 * at the AI's last setpoints: the safe state is driven anyway, loudly.
 */
#define TAKEOVER_DURABLE_WAIT 1.0

/* Refusing is always safe, so it needs nothing durable first. */
static void
takeover_isolate(struct warden *w)
{
	unsigned i;

	/* AI writes not yet sent will never be: the AI is isolated now. */
	for (i = 0; i < w->cfg->n_devices; i++)
		device_drop_queued_ai_writes(w->devices, i,
		    MODBUS_EXCEPTION_GATEWAY_PATH);
	if (w->cfg->takeover.isolate != ISOLATE_ALL)
		return;
	listener_close(w);
	client_close_all(w, "takeover: AI isolated");
}

/* The plant may be acted on now; the operators waiting are answered. */
static void
takeover_proceed(struct warden *w, const char *err)
{
	ev_timer_stop(w->loop, &w->durable_wait);
	if (w->guard.state == GUARD_STATE_TAKEOVER && !w->safestate.active)
		safestate_start(w);
	control_takeover_durable(w, err);
}

void
takeover_durable(struct warden *w, const char *err)
{
	if (err != NULL)
		log_warnx("takeover holds, but was not made durable: %s", err);
	takeover_proceed(w, err);
}

static void
takeover_wait_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
	struct warden *w = t->data;
	char why[128];

	(void)loop;
	(void)revents;
	snprintf(why, sizeof why, "its record and state were not on disk "
	    "after %.0f s (is the disk hung?)", TAKEOVER_DURABLE_WAIT);
	log_warnx("ALARM: takeover holds, but %s; driving the safe state "
	    "without waiting", why);
	takeover_proceed(w, why);
}

/* What the guard decided, carried out: nothing, or a takeover. */
static void
takeover_apply(struct warden *w, const struct guard_result *r,
    const char *user)
{
	const struct guard_persisted *next = &r->next;

	if (r->action != GUARD_TAKEOVER && r->action != GUARD_WOULD_TAKEOVER)
		return;
	if (r->action == GUARD_WOULD_TAKEOVER) {
		record_takeover(w, 1, next->cause, next->reason, user);
		log_warnx("monitor mode: would take over (%s): %s",
		    guard_cause_name(next->cause), next->reason);
		return;
	}
	log_warnx("TAKEOVER (%s): %s", guard_cause_name(next->cause),
	    next->reason);
	/* The record is written now; the worker makes it and the state
	 * durable, and only then does the safe state act on the plant. */
	record_takeover(w, 0, next->cause, next->reason, user);
	takeover_isolate(w);
	durable_submit(&w->durable, audit_fd(w->audit), w->cfg->state_dir,
	    &r->next);
	ev_timer_set(&w->durable_wait, TAKEOVER_DURABLE_WAIT, 0.);
	ev_timer_start(w->loop, &w->durable_wait);
}

/* flow_events: what the flows saw, for the guard to judge. */
static void
takeover_on_violation(void *ctx, const char *what, int takeover)
{
	struct warden *w = ctx;
	struct guard_result r;

	r = guard_violation(&w->guard, what, takeover, ev_now(w->loop));
	takeover_apply(w, &r, NULL);
}

static void
takeover_on_trip(void *ctx, const char *source, enum monitor_kind kind,
    int raised)
{
	struct warden *w = ctx;
	struct guard_result r;

	r = guard_trip(&w->guard, source, kind, raised, ev_now(w->loop));
	takeover_apply(w, &r, NULL);
}

static void
takeover_on_switch(void *ctx, enum guard_switch position)
{
	struct warden *w = ctx;
	struct guard_result r;

	r = guard_switch(&w->guard, position, ev_now(w->loop));
	takeover_apply(w, &r, NULL);
}

void
takeover_init(struct warden *w)
{
	ev_timer_init(&w->durable_wait, takeover_wait_cb, 0., 0.);
	w->durable_wait.data = w;
	w->events = (struct flow_events){ .violation = takeover_on_violation,
	    .trip = takeover_on_trip, .key_switch = takeover_on_switch,
	    .ctx = w };
}

int
takeover_by_operator(struct warden *w, const char *user, const char *reason,
    char *why, size_t whylen)
{
	struct guard_result r;

	r = guard_takeover(&w->guard, reason, ev_now(w->loop));
	if (r.action != GUARD_TAKEOVER) {
		snprintf(why, whylen, "%s", r.why[0] ? r.why :
		    "already in takeover");
		return 1;
	}
	takeover_apply(w, &r, user);
	return 0;
}

void
takeover_tick(struct warden *w)
{
	struct guard_result r;

	r = guard_tick(&w->guard, ev_now(w->loop));
	takeover_apply(w, &r, NULL);
}

int
takeover_release(struct warden *w, const char *user, uint32_t uid,
    const char *reason, char *why, size_t whylen)
{
	struct guard_result r;
	ev_tstamp now = ev_now(w->loop);
	char err[ERR_LEN];

	r = guard_release_check(&w->guard, reason, now);
	if (r.action == GUARD_RELEASE && durable_busy(&w->durable)) {
		snprintf(r.why, sizeof r.why, "the takeover is still being "
		    "recorded; try again in a moment");
		r.action = GUARD_REFUSED;
	}
	if (r.action == GUARD_RELEASE) {
		if (record_release(w, user, uid, reason) == -1) {
			snprintf(r.why, sizeof r.why, "the audit log cannot be "
			    "written; control stays with the operators");
			r.action = GUARD_REFUSED;
		} else if (statefile_save(w->cfg->state_dir, &r.next,
		    err) == -1) {
			guard_reason_copy(r.why, err);
			r.action = GUARD_REFUSED;
		} else
			r = guard_release_commit(&w->guard, reason, now);
	}
	if (r.action != GUARD_RELEASE) {
		snprintf(why, whylen, "%s", r.why);
		record_release_refused(w, user, uid, reason, why);
		log_warnx("release by %s refused: %s", user, why);
		return 1;
	}
	log_warnx("RELEASE by %s: %s", user, reason);
	safestate_stop(w);
	if (w->cfg->takeover.isolate == ISOLATE_ALL && !listener_is_open(w)) {
		char lerr[NET_ERR_LEN];

		if (listener_open(w, lerr) == -1)
			log_warnx("after release: %s", lerr);
	}
	return 0;
}
