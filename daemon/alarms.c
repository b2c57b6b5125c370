/*
 * alarms.c: the alarm list and its holds, orchestrated (alarms.h). The
 * table is pure (alarm_table.c); here it meets the record, the holds
 * file and the guard.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alarms.h"
#include "holdsfile.h"
#include "log.h"
#include "record.h"
#include "takeover.h"
#include "warden.h"

struct alarms {
	struct alarm_table table;
	struct health_mark saved;       /* state_dir/holds' last save */
};

/* A device's loss takes over only with on_device_loss: takeover. */
static int
condition_is_trip(const struct config *cfg, enum monitor_kind kind)
{
	if (kind == MONITOR_DEVICE_LOSS)
		return cfg->takeover.on_device_loss == DEVICE_LOSS_TAKEOVER;
	return monitor_kind_is_trip(kind);
}

/* flow_events.condition: listed, on the record, and a trip not
 * bypassed to the guard. */
static void
alarms_on_condition(void *ctx, const char *source, int is_device,
    const struct monitor_event *e)
{
	struct warden *w = ctx;
	struct alarm_table *t = &w->alarms->table;
	int is_trip = condition_is_trip(w->cfg, e->kind);
	struct record_alarm_note note = { 0 };
	const char *event;

	note.limit = alarm_limit(w->cfg, source, is_device, e->kind,
	    &note.has_limit);
	note.bypassed = is_trip &&
	    alarm_table_held(t, ALARM_BYPASS, source) != NULL;
	note.shelved = !is_trip &&
	    alarm_table_held(t, ALARM_SHELVE, source) != NULL;
	event = record_condition(w, source, is_device, e, &note);
	log_warnx("%s %s %s (%g)%s", event, source, monitor_kind_name(e->kind),
	    e->value, note.bypassed ? ", bypassed: no takeover" :
	    note.shelved ? ", shelved" : "");
	if (alarm_table_condition(t, source, is_device, e->kind, is_trip,
	    e->raised, e->value, ev_now(w->loop)) == -1)
		log_warnx("ALARM: out of memory: %s %s is not listed", source,
		    monitor_kind_name(e->kind));
	/* A clear always reaches the guard: it may hold the trip from
	 * before its bypass. */
	if (monitor_kind_is_trip(e->kind) && !(note.bypassed && e->raised))
		takeover_trip(w, source, e->kind, e->raised);
}

/* Each trip of source still active, raised (1) or cleared (0) at the
 * guard: a bypass beginning or ending. */
static void
alarms_trips_to_guard(struct warden *w, const char *source, int raised)
{
	const struct alarm_table *t = &w->alarms->table;
	struct monitor_active kinds[MONITOR_KIND_COUNT];
	size_t i, n = 0;

	/* Collected first: the guard's answer may record and change the
	 * table's order. */
	for (i = 0; i < t->n && n < MONITOR_KIND_COUNT; i++)
		if (t->entries[i].active && t->entries[i].is_trip &&
		    strcmp(t->entries[i].source, source) == 0)
			kinds[n++].kind = t->entries[i].kind;
	for (i = 0; i < n; i++)
		takeover_trip(w, source, kinds[i].kind, raised);
}

static int
alarms_save(struct warden *w, char err[ERR_LEN])
{
	const struct alarm_table *t = &w->alarms->table;
	int rc = holdsfile_save(w->cfg->state_dir, t->holds, t->n_holds, err);

	health_mark_outcome(&w->alarms->saved, ev_now(w->loop),
	    rc == -1 ? err : NULL);
	return rc;
}

const struct health_mark *
alarms_save_health(const struct warden *w)
{
	return &w->alarms->saved;
}

static void
act_fill(struct record_act *r, const char *event,
    const struct alarms_actor *who, const char *source, int is_device,
    const char *reason)
{
	memset(r, 0, sizeof *r);
	r->event = event;
	if (who != NULL) {
		r->user = who->user;
		r->uid = who->uid;
		r->via = who->via;
	}
	r->source = source;
	r->is_device = is_device;
	r->reason = reason != NULL && reason[0] != '\0' ? reason : NULL;
}

static int
source_is_device(const struct config *cfg, const char *source)
{
	return config_device_by_name(cfg, source) != NULL;
}

/* A command refused: on the record, and in the log. */
static int
alarms_refuse(struct warden *w, const struct alarms_actor *who,
    const char *command, const char *source, const char *reason,
    const char *why)
{
	char event[48];
	struct record_act r;

	snprintf(event, sizeof event, "%s_refused", command);
	act_fill(&r, event, who, source, source_is_device(w->cfg, source),
	    reason);
	r.why = why;
	record_act(w, &r, 0);
	log_warnx("%s %s by %s refused: %s", command, source, who->user, why);
	return -1;
}

/* The end of a hold taken out of the table: its record, and a bypass's
 * trips back to the guard. event: _ended or _expired. */
static void
alarms_hold_ended(struct warden *w, const struct alarms_actor *who,
    const struct alarm_hold *h, const char *how, const char *reason)
{
	char event[48];
	struct record_act r;
	int is_device = source_is_device(w->cfg, h->source);

	snprintf(event, sizeof event, "%s_%s", alarm_hold_name(h->kind), how);
	act_fill(&r, event, who, h->source, is_device, reason);
	r.until = h->until;
	record_act(w, &r, h->kind == ALARM_BYPASS);
	log_warnx("%s %s%s%s", event, h->source, who ? " by " : "",
	    who ? who->user : "");
	if (h->kind == ALARM_BYPASS)
		alarms_trips_to_guard(w, h->source, 1);
}

/* Holds on a source the config no longer has end (on the record). */
static void
alarms_drop_orphans(struct warden *w)
{
	struct alarm_table *t = &w->alarms->table;
	struct alarm_hold h;
	char err[ERR_LEN];
	size_t i = 0;
	int dropped = 0;

	while (i < t->n_holds) {
		h = t->holds[i];
		if (config_point_by_name(w->cfg, h.source) != NULL ||
		    source_is_device(w->cfg, h.source)) {
			i++;
			continue;
		}
		alarm_table_unhold(t, h.kind, h.source);
		alarms_hold_ended(w, NULL, &h, "ended",
		    "no such point or device in the config any more");
		dropped = 1;
	}
	if (dropped && alarms_save(w, err) == -1)
		log_warnx("holds: %s", err);
}

void
alarms_adopt(struct warden *w, const struct alarm_hold *holds, size_t n)
{
	struct alarm_table *t = &w->alarms->table;
	struct alarms_actor failover = { "failover", 0, "failover" };
	struct alarm_hold h;
	struct record_act r;
	char err[ERR_LEN], event[48];
	size_t i = 0, j;

	/* Saved before the records: a restart must find what took
	 * effect. The peer's holds are in, then the others out. */
	for (j = 0; j < n; j++) {
		if (config_point_by_name(w->cfg, holds[j].source) == NULL &&
		    !source_is_device(w->cfg, holds[j].source))
			continue;
		if (alarm_table_hold(t, &holds[j], err) == -1)
			log_warnx("failover: %s", err);
	}
	while (i < t->n_holds) {
		h = t->holds[i];
		for (j = 0; j < n; j++)
			if (h.kind == holds[j].kind &&
			    strcmp(h.source, holds[j].source) == 0)
				break;
		if (j < n) {
			i++;
			continue;
		}
		alarm_table_unhold(t, h.kind, h.source);
		alarms_hold_ended(w, &failover, &h, "ended",
		    "failover: the peer did not hold it");
	}
	if (alarms_save(w, err) == -1)
		log_warnx("holds: %s", err);
	for (i = 0; i < t->n_holds; i++) {
		h = t->holds[i];
		snprintf(event, sizeof event, "%s_started",
		    alarm_hold_name(h.kind));
		act_fill(&r, event, &failover, h.source,
		    source_is_device(w->cfg, h.source), h.reason);
		r.user = h.user;
		r.seconds = h.until - h.since;
		r.until = h.until;
		record_act(w, &r, 1);
	}
}

int
alarms_start(struct warden *w)
{
	struct alarm_hold holds[ALARM_HOLDS_MAX];
	struct alarms *a;
	char err[ERR_LEN];
	size_t i, n;

	if ((a = calloc(1, sizeof *a)) == NULL)
		return -1;
	alarm_table_init(&a->table);
	w->alarms = a;
	w->events.condition = alarms_on_condition;
	if (holdsfile_load(w->cfg->state_dir, holds, &n, err) == -1)
		/* Every trip armed, every alarm shown: the safe side. */
		log_warnx("ALARM: holds: %s: starting without shelves or "
		    "bypasses; every trip is armed", err);
	for (i = 0; i < n; i++) {
		if (alarm_table_hold(&a->table, &holds[i], err) == -1)
			break;
		log_info("%s %s until %.0f, by %s", alarm_hold_name(
		    holds[i].kind), holds[i].source, holds[i].until,
		    holds[i].user);
	}
	alarms_drop_orphans(w);
	alarms_tick(w);
	return 0;
}

void
alarms_stop(struct warden *w)
{
	if (w->alarms == NULL)
		return;
	alarm_table_free(&w->alarms->table);
	free(w->alarms);
	w->alarms = NULL;
}

void
alarms_tick(struct warden *w)
{
	struct alarm_hold ended[ALARM_HOLDS_MAX];
	char err[ERR_LEN];
	size_t i, n;

	n = alarm_table_expire(&w->alarms->table, ev_now(w->loop), ended);
	if (n == 0)
		return;
	/* Saved first: a restart must not bring back what ended. An
	 * expiry stands even when the file cannot be written (the trips
	 * re-armed is the safe side); the next save catches up. */
	if (alarms_save(w, err) == -1)
		log_warnx("holds: %s", err);
	for (i = 0; i < n; i++)
		alarms_hold_ended(w, NULL, &ended[i], "expired", NULL);
}

void
alarms_reconfigure(struct warden *w)
{
	struct alarm_table *t = &w->alarms->table;
	size_t i = 0;

	while (i < t->n) {
		const char *source = t->entries[i].source;

		if (config_point_by_name(w->cfg, source) == NULL &&
		    !source_is_device(w->cfg, source))
			alarm_table_forget(t, source);
		else
			i++;
	}
	alarms_drop_orphans(w);
}

const struct alarm_table *
alarms_table(const struct warden *w)
{
	return &w->alarms->table;
}

static int
source_known(const struct warden *w, const char *source)
{
	return config_point_by_name(w->cfg, source) != NULL ||
	    source_is_device(w->cfg, source);
}

int
alarms_ack(struct warden *w, const struct alarms_actor *who,
    const char *source, const char *reason, size_t *acked,
    char err[ERR_LEN])
{
	struct record_act r;

	if (!source_known(w, source))
		errmsg_set(err, "ack: no point or device is called '%s'",
		    source);
	else if ((*acked = alarm_table_ack(&w->alarms->table, source)) == 0)
		errmsg_set(err, "ack: nothing to acknowledge on %s", source);
	else {
		act_fill(&r, "alarm_acked", who, source,
		    source_is_device(w->cfg, source), reason);
		r.acked = (unsigned)*acked;
		record_act(w, &r, 0);
		log_info("alarms of %s acknowledged by %s", source, who->user);
		return 0;
	}
	return alarms_refuse(w, who, "ack", source, reason, err);
}

/* The table and the file back as they were before a hold that could
 * not be put on the record. */
static void
alarms_undo(struct warden *w, const struct alarm_hold *old, size_t n_old)
{
	struct alarm_table *t = &w->alarms->table;
	char err[ERR_LEN];

	memcpy(t->holds, old, n_old * sizeof *old);
	t->n_holds = n_old;
	if (alarms_save(w, err) == -1)
		log_warnx("holds: %s", err);
}

int
alarms_hold(struct warden *w, const struct alarms_actor *who,
    enum alarm_hold_kind kind, const char *source, double seconds,
    const char *reason, char err[ERR_LEN])
{
	struct alarm_table *t = &w->alarms->table;
	const char *name = alarm_hold_name(kind);
	struct alarm_hold h, *old;
	char why[ERR_LEN], event[48];
	struct record_act r;
	double now = ev_now(w->loop);
	size_t n_old = t->n_holds;
	int is_device;

	if (alarm_hold_check(w->cfg, kind, source, seconds, &is_device,
	    err) == -1)
		return alarms_refuse(w, who, name, source, reason, err);
	memset(&h, 0, sizeof h);
	h.kind = kind;
	snprintf(h.source, sizeof h.source, "%s", source);
	h.since = now;
	h.until = now + seconds;
	snprintf(h.user, sizeof h.user, "%s", who->user);
	guard_reason_copy(h.reason, reason);
	if ((old = malloc(sizeof t->holds)) == NULL) {
		errmsg_set(err, "%s: out of memory", name);
		return alarms_refuse(w, who, name, source, reason, err);
	}
	memcpy(old, t->holds, sizeof t->holds);
	/* Persisted and on the record before it takes effect; either
	 * failing leaves things as they were. */
	if (alarm_table_hold(t, &h, err) == -1)
		goto refused;
	if (alarms_save(w, why) == -1) {
		errmsg_set(err, "%s: the holds file cannot be written (%s); "
		    "nothing changed", name, why);
		memcpy(t->holds, old, sizeof t->holds);
		t->n_holds = n_old;
		goto refused;
	}
	snprintf(event, sizeof event, "%s_started", name);
	act_fill(&r, event, who, source, is_device, reason);
	r.seconds = seconds;
	r.until = h.until;
	if (record_act(w, &r, 1) == -1) {
		errmsg_set(err, "%s: the audit log cannot be written; nothing "
		    "changed", name);
		alarms_undo(w, old, n_old);
		goto refused;
	}
	free(old);
	log_warnx("%s of %s for %.0f s by %s: %s", name, source, seconds,
	    who->user, reason);
	if (kind == ALARM_BYPASS)
		alarms_trips_to_guard(w, source, 0);
	return 0;
refused:
	free(old);
	return alarms_refuse(w, who, name, source, reason, err);
}

int
alarms_unhold(struct warden *w, const struct alarms_actor *who,
    enum alarm_hold_kind kind, const char *source, const char *reason,
    char err[ERR_LEN])
{
	struct alarm_table *t = &w->alarms->table;
	const char *name = kind == ALARM_BYPASS ? "unbypass" : "unshelve";
	const struct alarm_hold *held = alarm_table_held(t, kind, source);
	struct alarm_hold h;

	if (held == NULL) {
		errmsg_set(err, "%s: %s is not %s", name, source,
		    kind == ALARM_BYPASS ? "bypassed" : "shelved");
		return alarms_refuse(w, who, name, source, reason, err);
	}
	h = *held;
	/* Ending a hold is the safe direction: it takes effect at once,
	 * and a file that cannot be written is said loudly. */
	alarm_table_unhold(t, kind, source);
	if (alarms_save(w, err) == -1)
		log_warnx("ALARM: holds: %s: a restart now would bring the "
		    "%s of %s back", err, alarm_hold_name(kind), source);
	alarms_hold_ended(w, who, &h, "ended", reason);
	return 0;
}
