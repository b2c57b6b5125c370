/*
 * takeover.c: what the guard decides, carried out in the order wardend(8)
 * gives: the audit record fsynced, the state persisted, then the
 * effect (AI isolated, safe state driven). Entering TAKEOVER holds even
 * when the record or the file cannot be written (fail safe, loudly);
 * leaving it does not happen unless both were written.
 */
#include <stdio.h>
#include <string.h>

#include <modbus.h>

#include "control.h"
#include "log.h"
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
	for (i = 0; i < w->n_devices; i++)
		device_drop_queued_ai_writes(&w->devices[i],
		    MODBUS_EXCEPTION_GATEWAY_PATH);
	if (w->cfg->takeover.isolate != ISOLATE_ALL)
		return;
	listener_close(w);
	while (w->clients != NULL)
		client_close(w->clients, "takeover: AI isolated");
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

void
takeover_init(struct warden *w)
{
	ev_timer_init(&w->durable_wait, takeover_wait_cb, 0., 0.);
	w->durable_wait.data = w;
}

void
takeover_apply(struct warden *w, const struct guard_result *r,
    const char *user)
{
	struct audit_event ev;

	if (r->action != GUARD_TAKEOVER && r->action != GUARD_WOULD_TAKEOVER)
		return;
	memset(&ev, 0, sizeof ev);
	ev.event = r->action == GUARD_TAKEOVER ? "takeover" : "would_takeover";
	ev.cause = guard_cause_name(r->next.cause);
	ev.reason = r->next.reason;
	ev.user = user;
	if (r->action == GUARD_WOULD_TAKEOVER) {
		gate_audit(w, &ev, 0);
		log_warnx("monitor mode: would take over (%s): %s", ev.cause,
		    ev.reason);
		return;
	}
	log_warnx("TAKEOVER (%s): %s", ev.cause, ev.reason);
	/* The record is written now; the worker makes it and the state
	 * durable, and only then does the safe state act on the plant. */
	gate_audit(w, &ev, 0);
	takeover_isolate(w);
	durable_submit(&w->durable, audit_fd(w->audit), w->cfg->state_dir,
	    &r->next);
	ev_timer_set(&w->durable_wait, TAKEOVER_DURABLE_WAIT, 0.);
	ev_timer_start(w->loop, &w->durable_wait);
}

int
takeover_release(struct warden *w, const char *user, uint32_t uid,
    const char *reason, char *why, size_t whylen)
{
	struct guard_result r;
	struct audit_event ev;
	ev_tstamp now = ev_now(w->loop);
	char err[ERR_LEN];

	memset(&ev, 0, sizeof ev);
	ev.user = user;
	ev.has_uid = 1;
	ev.uid = uid;
	ev.reason = reason;
	r = guard_release_check(&w->guard, reason, now);
	if (r.action == GUARD_RELEASE && durable_busy(&w->durable)) {
		snprintf(r.why, sizeof r.why, "the takeover is still being "
		    "recorded; try again in a moment");
		r.action = GUARD_REFUSED;
	}
	if (r.action == GUARD_RELEASE) {
		ev.event = "release";
		if (audit_write(w->audit, &ev, 1) == -1) {
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
		ev.event = "release_refused";
		ev.rule = why;
		gate_audit(w, &ev, 0);
		log_warnx("release by %s refused: %s", user, why);
		return 1;
	}
	log_warnx("RELEASE by %s: %s", user, reason);
	safestate_stop(w);
	if (w->cfg->takeover.isolate == ISOLATE_ALL && w->listen_fd == -1) {
		char lerr[NET_ERR_LEN];

		if (listener_open(w, lerr) == -1)
			log_warnx("after release: %s", lerr);
	}
	return 0;
}
