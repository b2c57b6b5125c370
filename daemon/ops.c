/*
 * ops.c: the operator commands, carried out for control.c. Permission is
 * decided there from the peer's credentials; the state conditions of a
 * release are the guard's.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "monitor.h"
#include "ops.h"
#include "record.h"
#include "warden.h"

static void
ops_time(struct json *out, const char *key, double t)
{
	char buf[40], frac[16];
	struct tm tm;
	time_t secs = (time_t)t;

	gmtime_r(&secs, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(frac, sizeof frac, ".%06ldZ", (long)((t - (double)secs) * 1e6));
	strncat(buf, frac, sizeof buf - strlen(buf) - 1);
	json_kv_string(out, key, buf);
}

/* precision: the point's decimals for displays; -1 for a device. */
static void
ops_condition(struct json *out, const char *key, const char *source,
    const struct monitor_active *a, int precision)
{
	json_object_begin(out);
	json_kv_string(out, key, source);
	json_kv_string(out, "kind", monitor_kind_name(a->kind));
	json_kv_double(out, "value", a->value);
	if (precision >= 0)
		json_kv_uint(out, "precision", (unsigned)precision);
	ops_time(out, "since", a->since);
	json_object_end(out);
}

/* alarms, then trips: every active condition of every point and device. */
static void
ops_conditions(struct warden *w, struct json *out, int trips)
{
	const struct config *cfg = w->cfg;
	struct monitor_active act[MONITOR_POINT_KINDS];
	size_t i, n, k;

	json_key(out, trips ? "trips" : "alarms");
	json_array_begin(out);
	for (i = 0; w->poller.points != NULL && i < cfg->n_points; i++) {
		n = monitor_point_active(&w->poller.points[i], act);
		for (k = 0; k < n; k++)
			if (monitor_kind_is_trip(act[k].kind) == trips)
				ops_condition(out, "point", cfg->points[i].name,
				    &act[k], (int)cfg->points[i].precision);
	}
	for (i = 0; trips && w->poller.devices != NULL && i < cfg->n_devices;
	    i++) {
		const struct monitor_condition *lost =
		    &w->poller.devices[i].mon.lost;
		struct monitor_active a = { MONITOR_DEVICE_LOSS, lost->value,
		    lost->since };

		if (lost->active)
			ops_condition(out, "device", cfg->devices[i].name, &a,
			    -1);
	}
	json_array_end(out);
}

static void
ops_counters(struct warden *w, struct json *out)
{
	const struct counters *c = &w->counters;
	const struct guard_counters *g = &w->guard.counters;
	uint64_t takeovers = 0;
	unsigned i;

	for (i = 0; i < GUARD_CAUSE_COUNT; i++)
		takeovers += g->takeovers[i];
	json_key(out, "counters");
	json_object_begin(out);
	json_kv_uint(out, "clients", w->n_clients);
	json_kv_uint(out, "clients_accepted", c->clients_accepted);
	json_kv_uint(out, "clients_refused", c->clients_refused);
	json_kv_uint(out, "requests", c->requests);
	json_kv_uint(out, "forwarded", c->forwarded);
	json_kv_uint(out, "answered", c->answered);
	json_kv_uint(out, "malformed", c->malformed);
	json_kv_uint(out, "device_timeouts", c->device_timeouts);
	json_kv_uint(out, "device_resets", c->device_resets);
	json_kv_uint(out, "violations", g->violations);
	json_kv_uint(out, "takeovers", takeovers);
	json_kv_uint(out, "releases", g->releases);
	json_kv_uint(out, "releases_refused", g->releases_refused);
	json_kv_uint(out, "audit_records", audit_stats(w->audit)->records);
	json_object_end(out);
}

/* The last value wardend itself polled of each point it polls. */
static void
ops_values(struct warden *w, struct json *out)
{
	const struct config *cfg = w->cfg;
	size_t i;

	json_key(out, "points");
	json_array_begin(out);
	for (i = 0; w->poller.values != NULL && i < cfg->n_points; i++) {
		if (!w->poller.polled[i])
			continue;
		json_object_begin(out);
		json_kv_string(out, "name", cfg->points[i].name);
		json_kv_double(out, "value", w->poller.values[i]);
		json_kv_string(out, "unit", cfg->points[i].unit);
		json_kv_uint(out, "precision", cfg->points[i].precision);
		json_object_end(out);
	}
	json_array_end(out);
}

int
ops_status(struct warden *w, const struct ops_caller *who, struct json *out)
{
	const struct config *cfg = w->cfg;
	const struct guard *g = &w->guard;
	size_t i;

	(void)who;
	json_object_begin(out);
	json_kv_bool(out, "ok", 1);
	json_kv_string(out, "state", guard_state_name(g->state));
	json_kv_string(out, "cause", guard_cause_name(g->cause));
	json_kv_string(out, "reason", g->reason);
	ops_time(out, "since", g->since);
	json_kv_string(out, "mode",
	    cfg->mode == MODE_MONITOR ? "monitor" : "enforce");
	ops_conditions(w, out, 0);
	ops_conditions(w, out, 1);
	json_key(out, "safe_state");
	json_array_begin(out);
	/* Listed in TAKEOVER; pending until it is driven, which waits for
	 * the takeover to be on disk. */
	for (i = 0; g->state == GUARD_STATE_TAKEOVER && i < w->safestate.n;
	    i++) {
		const struct config_safe_value *sv = &cfg->takeover.safe_state[i];
		const struct safe_entry *e = &w->safestate.entries[i];
		int driven = w->safestate.active;

		json_object_begin(out);
		json_kv_string(out, "point", cfg->points[sv->point].name);
		json_kv_double(out, "value", sv->value);
		json_kv_string(out, "status", driven ? safestate_status(w, i) :
		    "pending");
		/* What the point held when wardend last read it. */
		json_key(out, "last_read");
		if (driven && e->has_read)
			json_double(out, e->last_read);
		else
			json_null(out);
		json_object_end(out);
	}
	json_array_end(out);
	json_key(out, "devices");
	json_array_begin(out);
	for (i = 0; i < w->n_devices; i++) {
		json_object_begin(out);
		json_kv_string(out, "name", cfg->devices[i].name);
		json_kv_bool(out, "up", w->devices[i].ai.n_up > 0 ||
		    w->devices[i].poll.n_up > 0);
		json_object_end(out);
	}
	json_array_end(out);
	ops_values(w, out);
	ops_counters(w, out);
	json_object_end(out);
	return 0;
}

static void
ops_answer(struct json *out, int ok, const char *error)
{
	json_object_begin(out);
	json_kv_bool(out, "ok", ok);
	if (!ok)
		json_kv_string(out, "error", error);
	json_object_end(out);
}

int
ops_takeover(struct warden *w, const struct ops_caller *who,
    const char *reason, struct json *out)
{
	char why[GUARD_REASON_MAX];

	if (takeover_by_operator(w, who->user, reason, why,
	    sizeof why) != 0) {
		ops_answer(out, 0, why);
		return 1;
	}
	/* Answered by ops_takeover_answer() once durable.c is done. */
	return OPS_PENDING;
}

void
ops_takeover_answer(struct json *out, const char *err)
{
	char warning[1024];

	json_object_begin(out);
	json_kv_bool(out, "ok", 1);
	if (err != NULL) {
		snprintf(warning, sizeof warning, "the takeover holds and AI "
		    "writes are refused, but %s; a restart of wardend now "
		    "could come back in AUTO: check the disk of the state_dir "
		    "and audit_log", err);
		json_kv_string(out, "warning", warning);
	}
	json_object_end(out);
}

int
ops_release(struct warden *w, const struct ops_caller *who,
    const char *reason, struct json *out)
{
	char why[GUARD_REASON_MAX];

	if (takeover_release(w, who->user, who->uid, reason, why,
	    sizeof why) != 0) {
		ops_answer(out, 0, why);
		return 1;
	}
	ops_answer(out, 1, NULL);
	return 0;
}

int
ops_reload(struct warden *w, const struct ops_caller *who, struct json *out)
{
	char why[1024];

	if (reload_config(w, who->user, why, sizeof why) != 0) {
		ops_answer(out, 0, why);
		return 1;
	}
	ops_answer(out, 1, NULL);
	return 0;
}

void
ops_denied(struct warden *w, const struct ops_caller *who,
    const char *command, const char *right, const char *why,
    unsigned suppressed, struct json *out)
{
	record_denied(w, who->user, who->uid, command, right, why,
	    suppressed);
	ops_answer(out, 0, why);
}
