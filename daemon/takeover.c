/*
 * takeover.c: the orchestration layer (takeover.h). It owns the guard
 * (guard.h), the only file that asks it and carries out its answer. What
 * happened comes in from above as calls (an operator's takeover or
 * release, the tick, a reload) and from the flows below through the
 * flow_events registered here (a violation, a trip, the key switch, an
 * AI request, an AI write ended); the guard decides, and a takeover
 * is carried out in the order wardend(8) gives: the audit record
 * fsynced, the state persisted, then the effect (AI isolated, safe state
 * driven). Entering TAKEOVER holds even when the record or the file
 * cannot be written (fail safe, loudly); leaving it does not happen
 * unless both were written.
 */
#include <stdio.h>
#include <stdlib.h>

#include <modbus.h>

#include "durable.h"
#include "errmsg.h"
#include "gate.h"
#include "log.h"
#include "ramp.h"
#include "record.h"
#include "safestate.h"
#include "statefile.h"
#include "takeover.h"
#include "warden.h"

/*
 * How long the safe state waits for the takeover's record and state to
 * reach the disk. Beyond it a hung or failing disk would keep the plant
 * at the AI's last setpoints: the safe state is driven anyway, loudly.
 */
#define TAKEOVER_DURABLE_WAIT 1.0

struct takeover {
	struct guard guard;
	ev_timer durable_wait;          /* a takeover's, at most this long */
	/* The operator whose takeover waits for the disk, told once. */
	takeover_done_fn *done;
	void *done_ctx;
	/* Who set the latch as it is: an operator, or "" for wardend (a
	 * pair's peer is told). */
	char who[GUARD_REASON_MAX];
	struct health_mark saved;       /* state_dir/state's last save */
};

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
	listener_isolate_ai(w->clients);
}

/* The plant may be acted on now; the operator waiting is answered. */
static void
takeover_proceed(struct warden *w, const char *err)
{
	struct takeover *t = w->takeover;
	takeover_done_fn *done = t->done;

	ev_timer_stop(w->loop, &t->durable_wait);
	/* A standby holds the takeover, and drives nothing (pair.h). */
	if (t->guard.state == GUARD_STATE_TAKEOVER &&
	    !devices_are_read_only(w->devices) &&
	    !safestate_active(w->safestate))
		safestate_start(w->safestate);
	t->done = NULL;
	if (done != NULL)
		done(t->done_ctx, err);
}

/* durable_done_fn: the worker made the takeover durable, or could not. */
static void
takeover_durable_cb(void *ctx, const char *err, const char *save_err)
{
	struct warden *w = ctx;

	health_mark_outcome(&w->takeover->saved, ev_now(w->loop), save_err);
	if (err != NULL)
		log_warnx("takeover holds, but was not made durable: %s", err);
	takeover_proceed(ctx, err);
}

static void
takeover_wait_cb(struct ev_loop *loop, ev_timer *timer, int revents)
{
	struct warden *w = timer->data;
	char why[ERR_LEN];

	(void)loop;
	(void)revents;
	errmsg_set(why, "its record and state were not on disk "
	    "after %.0f s (is the disk hung?)", TAKEOVER_DURABLE_WAIT);
	log_warnx("ALARM: takeover holds, but %s; driving the safe state "
	    "without waiting", why);
	takeover_proceed(w, why);
}

/* What the guard decided, carried out: nothing, or a takeover. */
static void
takeover_apply(struct warden *w, const struct guard_result *r,
    const char *user, const char *via)
{
	const struct guard_persisted *next = &r->next;
	struct takeover *t = w->takeover;

	if (r->action != GUARD_TAKEOVER && r->action != GUARD_WOULD_TAKEOVER)
		return;
	if (r->action == GUARD_WOULD_TAKEOVER) {
		record_takeover(w, 1, next->cause, next->reason, user, via);
		log_warnx("monitor mode: would take over (%s): %s",
		    guard_cause_name(next->cause), next->reason);
		return;
	}
	/* The guard is in TAKEOVER from now: so is every request judged. */
	gate_isolate(w->gate, 1);
	snprintf(t->who, sizeof t->who, "%s", user != NULL ? user : "");
	log_warnx("TAKEOVER (%s): %s", guard_cause_name(next->cause),
	    next->reason);
	/* The record is written now; the worker makes it and the state
	 * durable, and only then does the safe state act on the plant. */
	record_takeover(w, 0, next->cause, next->reason, user, via);
	/* No ramp takes another step: the operators have the plant. */
	ramp_stop_all(w->ramp, "takeover");
	takeover_isolate(w);
	durable_submit(w->durable, audit_fd(w->audit), w->cfg->state_dir,
	    &r->next, takeover_durable_cb, w);
	ev_timer_set(&t->durable_wait, TAKEOVER_DURABLE_WAIT, 0.);
	ev_timer_start(w->loop, &t->durable_wait);
}

/* flow_events: what the flows saw, for the guard to judge. */
static void
takeover_on_violation(void *ctx, const char *what, int takeover)
{
	struct warden *w = ctx;
	struct guard_result r;

	r = guard_violation(&w->takeover->guard, what, takeover,
	    ev_now(w->loop));
	takeover_apply(w, &r, NULL, NULL);
}

void
takeover_trip(struct warden *w, const char *source, enum monitor_kind kind,
    int raised)
{
	struct guard_result r;

	r = guard_trip(&w->takeover->guard, source, kind, raised,
	    ev_now(w->loop));
	takeover_apply(w, &r, NULL, NULL);
}

void
takeover_adopt(struct warden *w, const struct guard_persisted *peer,
    const char *peer_node, const char *user)
{
	char reason[2 * GUARD_REASON_MAX];
	struct guard_result r;

	snprintf(reason, sizeof reason, "failover: peer %s held it: %s",
	    peer_node, peer->reason);
	r = guard_adopt(&w->takeover->guard, peer->cause, reason,
	    ev_now(w->loop));
	takeover_apply(w, &r, user, "failover");
}

const char *
takeover_who(const struct warden *w)
{
	return w->takeover->who;
}

void
takeover_failover(struct warden *w, const char *why, const char *user)
{
	struct guard_result r;

	r = guard_failover(&w->takeover->guard, why, ev_now(w->loop));
	takeover_apply(w, &r, user, NULL);
}

static void
takeover_on_intrusion(void *ctx, const char *what)
{
	struct warden *w = ctx;
	struct guard_result r;

	r = guard_intrusion(&w->takeover->guard, what, ev_now(w->loop));
	takeover_apply(w, &r, NULL, NULL);
}

static void
takeover_on_switch(void *ctx, enum guard_switch position)
{
	struct warden *w = ctx;
	struct guard_result r;

	r = guard_switch(&w->takeover->guard, position, ev_now(w->loop));
	takeover_apply(w, &r, NULL, NULL);
}

static void
takeover_on_ai_request(void *ctx)
{
	struct warden *w = ctx;

	guard_ai_activity(&w->takeover->guard, ev_now(w->loop));
}

/* The safe state waits for AI writes in flight: one just ended. */
static void
takeover_on_write_ended(void *ctx)
{
	struct warden *w = ctx;

	safestate_tick(w->safestate);
}

int
takeover_start(struct warden *w, enum guard_restore how,
    const struct guard_persisted *saved)
{
	struct takeover *t;

	if ((t = calloc(1, sizeof *t)) == NULL)
		return -1;
	if (guard_init(&t->guard, w->cfg, how, saved, ev_now(w->loop)) == -1) {
		free(t);
		return -1;
	}
	ev_timer_init(&t->durable_wait, takeover_wait_cb, 0., 0.);
	t->durable_wait.data = w;
	w->takeover = t;
	gate_isolate(w->gate, t->guard.state == GUARD_STATE_TAKEOVER);
	w->events = (struct flow_events){ .violation = takeover_on_violation,
	    .key_switch = takeover_on_switch,
	    .intrusion = takeover_on_intrusion,
	    .ai_request = takeover_on_ai_request,
	    .write_ended = takeover_on_write_ended, .ctx = w };
	return 0;
}

void
takeover_stop(struct warden *w)
{
	struct takeover *t = w->takeover;

	if (t == NULL)
		return;
	ev_timer_stop(w->loop, &t->durable_wait);
	guard_free(&t->guard);
	free(t);
	w->takeover = NULL;
}

enum guard_state
takeover_state(const struct warden *w)
{
	return w->takeover->guard.state;
}

void
takeover_persisted(const struct warden *w, struct guard_persisted *out)
{
	guard_persisted_get(&w->takeover->guard, out);
}

/* state_dir/state replaced by st, its outcome kept for health. */
static int
takeover_save_state(struct warden *w, const struct guard_persisted *st,
    char err[ERR_LEN])
{
	int rc = statefile_save(w->cfg->state_dir, st, err);

	health_mark_outcome(&w->takeover->saved, ev_now(w->loop),
	    rc == -1 ? err : NULL);
	return rc;
}

int
takeover_save(struct warden *w, char err[ERR_LEN])
{
	struct guard_persisted now;

	takeover_persisted(w, &now);
	return takeover_save_state(w, &now, err);
}

const struct health_mark *
takeover_save_health(const struct warden *w)
{
	return &w->takeover->saved;
}

const struct guard_counters *
takeover_counters(const struct warden *w)
{
	return guard_counters(&w->takeover->guard);
}

int
takeover_by_operator(struct warden *w, const char *user, const char *via,
    const char *reason, takeover_done_fn *done, void *ctx, char err[ERR_LEN])
{
	struct takeover *t = w->takeover;
	struct guard_result r;

	r = guard_takeover(&t->guard, reason, ev_now(w->loop));
	if (r.action != GUARD_TAKEOVER) {
		errmsg_set(err, "%s", r.why[0] ? r.why : "already in takeover");
		return -1;
	}
	t->done = done;
	t->done_ctx = ctx;
	takeover_apply(w, &r, user, via);
	return 0;
}

void
takeover_tick(struct warden *w)
{
	struct guard_result r;

	r = guard_tick(&w->takeover->guard, ev_now(w->loop));
	takeover_apply(w, &r, NULL, NULL);
}

void
takeover_reconfigure(struct warden *w)
{
	struct guard *g = &w->takeover->guard;
	struct guard_trip t;

	if (guard_set_config(g, w->cfg) == -1)
		log_warnx("reload: out of memory for the guard");
	while (guard_orphan_trip(g, &t)) {
		struct monitor_event e = { t.kind, 0, 0, 0 };
		const char *event = record_condition(w, t.source,
		    t.kind == MONITOR_DEVICE_LOSS, &e, NULL);

		log_warnx("%s %s %s (%g)", event, t.source,
		    monitor_kind_name(t.kind), e.value);
		takeover_trip(w, t.source, t.kind, 0);
	}
}

/* The release carried out as the guard allows it: its record, then the
 * state file, then AUTO. 0, or -1 with err when anything refused it. */
static int
takeover_release_try(struct warden *w, const char *user, uint32_t uid,
    const char *via, const char *reason, char err[ERR_LEN])
{
	struct guard *g = &w->takeover->guard;
	ev_tstamp now = ev_now(w->loop);
	struct guard_result r;

	r = guard_release_check(g, reason, now);
	if (r.action != GUARD_RELEASE) {
		errmsg_set(err, "%s", r.why);
		return -1;
	}
	if (durable_busy(w->durable)) {
		errmsg_set(err, "the takeover is still being recorded; try "
		    "again in a moment");
		return -1;
	}
	if (record_release(w, user, uid, reason, via) == -1) {
		errmsg_set(err, "the audit log cannot be written; control "
		    "stays with the operators");
		return -1;
	}
	if (takeover_save_state(w, &r.next, err) == -1)
		return -1;
	r = guard_release_commit(g, reason, now);
	if (r.action != GUARD_RELEASE) {
		errmsg_set(err, "%s", r.why);
		return -1;
	}
	return 0;
}

int
takeover_release(struct warden *w, const char *user, uint32_t uid,
    const char *via, const char *reason, char err[ERR_LEN])
{
	if (takeover_release_try(w, user, uid, via, reason, err) == -1) {
		record_release_refused(w, user, uid, reason, err, via);
		log_warnx("release by %s refused: %s", user, err);
		return -1;
	}
	gate_isolate(w->gate, 0);
	snprintf(w->takeover->who, sizeof w->takeover->who, "%s", user);
	log_warnx("RELEASE by %s: %s", user, reason);
	safestate_stop(w->safestate);
	if (w->cfg->takeover.isolate == ISOLATE_ALL) {
		char lerr[ERR_LEN];

		if (listener_admit_ai(w->clients, lerr) == -1)
			log_warnx("after release: %s", lerr);
	}
	return 0;
}
