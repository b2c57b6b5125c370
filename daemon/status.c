/*
 * status.c: the status snapshot filled from its owners (status.h). Each
 * part is asked of the module that keeps it; the config says what the
 * parts are called.
 */
#include <stdlib.h>
#include <string.h>

#include "alarms.h"
#include "pair.h"
#include "poller.h"
#include "ramp.h"
#include "rtubus.h"
#include "safestate.h"
#include "status.h"
#include "takeover.h"
#include "warden.h"

/* The active trips of every point; only counted while s->trips is
 * NULL. */
static void
status_walk_trips(const struct warden *w, struct status *s)
{
	const struct config *cfg = w->cfg;
	struct monitor_active act[MONITOR_POINT_KINDS];
	size_t i, k, n;

	s->n_trips = 0;
	for (i = 0; i < cfg->n_points; i++) {
		n = poller_point_active(w->poller, i, act);
		for (k = 0; k < n; k++) {
			if (!monitor_kind_is_trip(act[k].kind))
				continue;
			if (s->trips != NULL)
				s->trips[s->n_trips] = (struct status_condition){
				    .source = cfg->points[i].name,
				    .precision = (int)cfg->points[i].precision,
				    .active = act[k] };
			s->n_trips++;
		}
	}
}

static void
status_alarm_fill(const struct warden *w, const struct alarm_table *t,
    const struct alarm_entry *e, struct status_alarm *a)
{
	const struct config_point *p = config_point_by_name(w->cfg, e->source);
	const struct alarm_hold *shelve, *bypass;

	shelve = alarm_table_held(t, ALARM_SHELVE, e->source);
	bypass = alarm_table_held(t, ALARM_BYPASS, e->source);
	*a = (struct status_alarm){ .source = e->source,
	    .is_device = e->is_device, .kind = e->kind,
	    .is_trip = e->is_trip,
	    .state = alarm_state_name(alarm_entry_state(e)),
	    .active = e->active, .acked = e->acked, .value = e->value,
	    .unit = p != NULL && !e->is_device ? p->unit : "",
	    .precision = p != NULL && !e->is_device ? (int)p->precision : -1,
	    .since = e->since, .cleared = e->active ? 0 : e->cleared,
	    .shelved_until = shelve != NULL && !e->is_trip ? shelve->until : 0,
	    .bypass_until = bypass != NULL && e->is_trip ? bypass->until : 0 };
	a->limit = alarm_limit(w->cfg, e->source, e->is_device, e->kind,
	    &a->has_limit);
}

static int
status_fill_conditions(const struct warden *w, struct status *s)
{
	const struct alarm_table *t = alarms_table(w);
	size_t i;

	s->n_alarms = t->n;
	s->n_holds = t->n_holds;
	s->alarms = calloc(s->n_alarms + 1, sizeof *s->alarms);
	s->holds = calloc(s->n_holds + 1, sizeof *s->holds);
	if (s->alarms == NULL || s->holds == NULL)
		return -1;
	for (i = 0; i < t->n; i++)
		status_alarm_fill(w, t, &t->entries[i], &s->alarms[i]);
	for (i = 0; i < t->n_holds; i++)
		s->holds[i] = (struct status_hold){
		    .hold = alarm_hold_name(t->holds[i].kind),
		    .source = t->holds[i].source, .since = t->holds[i].since,
		    .until = t->holds[i].until, .user = t->holds[i].user,
		    .reason = t->holds[i].reason };
	status_walk_trips(w, s);
	if ((s->trips = calloc(s->n_trips + 1, sizeof *s->trips)) == NULL)
		return -1;
	status_walk_trips(w, s);
	return 0;
}

static int
status_fill_safe(const struct warden *w, struct status *s)
{
	const struct config_takeover *t = &w->cfg->takeover;
	size_t i;

	s->safe_driving = safestate_active(w->safestate);
	s->n_safe = safestate_count(w->safestate);
	if ((s->safe = calloc(s->n_safe + 1, sizeof *s->safe)) == NULL)
		return -1;
	for (i = 0; i < s->n_safe; i++) {
		struct status_safe *e = &s->safe[i];

		e->point = w->cfg->points[t->safe_state[i].point].name;
		e->value = t->safe_state[i].value;
		e->status = s->safe_driving ?
		    safestate_status(w->safestate, i) : "pending";
		e->has_read = s->safe_driving &&
		    safestate_last_read(w->safestate, i, &e->last_read);
	}
	return 0;
}

static int
status_fill_ramps(const struct warden *w, struct status *s)
{
	size_t i, n = ramp_active(w->ramp);
	struct ramp_info *info = calloc(n + 1, sizeof *info);

	s->ramps = calloc(n + 1, sizeof *s->ramps);
	if (info == NULL || s->ramps == NULL) {
		free(info);
		return -1;
	}
	s->n_ramps = ramp_list(w->ramp, info, n);
	for (i = 0; i < s->n_ramps; i++)
		s->ramps[i] = (struct status_ramp){
		    .point = w->cfg->points[info[i].point].name,
		    .from = info[i].from, .target = info[i].target,
		    .current = info[i].current, .limit = info[i].limit,
		    .steps = info[i].steps, .since = info[i].since };
	free(info);
	return 0;
}

static int
status_fill_devices(const struct warden *w, struct status *s)
{
	struct rtubus_stats line;
	size_t i;

	s->n_devices = w->cfg->n_devices;
	s->devices = calloc(s->n_devices + 1, sizeof *s->devices);
	if (s->devices == NULL)
		return -1;
	for (i = 0; i < s->n_devices; i++) {
		s->devices[i].name = w->cfg->devices[i].name;
		s->devices[i].up = device_up(w->devices, (unsigned)i);
		s->devices[i].stray_answers =
		    device_stray_answers(w->devices, (unsigned)i);
		s->devices[i].serial = w->cfg->devices[i].has_serial;
		device_serial_stats(w->devices, (unsigned)i, &line);
		s->devices[i].serial_timeouts = line.timeouts;
		s->devices[i].serial_crc_errors = line.crc_errors;
		s->devices[i].serial_bad_frames = line.bad_frames;
		s->devices[i].serial_noise = line.noise;
	}
	return 0;
}

static int
status_fill_connections(const struct warden *w, struct status *s)
{
	struct client_info *info;
	size_t i, n = s->clients;

	info = calloc(n + 1, sizeof *info);
	s->connections = calloc(n + 1, sizeof *s->connections);
	if (info == NULL || s->connections == NULL) {
		free(info);
		return -1;
	}
	s->n_connections = clients_info(w->clients, info, n);
	for (i = 0; i < s->n_connections; i++)
		s->connections[i] = (struct status_client){
		    .client = info[i].client,
		    .listener = info[i].listener,
		    .role = info[i].handshaking ? "" :
		    info[i].role < w->cfg->n_roles ?
		    w->cfg->roles[info[i].role].name : "none",
		    .identity = info[i].identity,
		    .tls = info[i].tls,
		    .handshaking = info[i].handshaking,
		    .resumed = info[i].resumed,
		    .since = info[i].since };
	free(info);
	return 0;
}

static int
status_fill_points(const struct warden *w, struct status *s)
{
	const struct config *cfg = w->cfg;
	size_t i;
	double v;

	s->points = calloc(cfg->n_points + 1, sizeof *s->points);
	if (s->points == NULL)
		return -1;
	for (i = 0; i < cfg->n_points; i++)
		if (poller_value(w->poller, i, &v))
			s->points[s->n_points++] = (struct status_point){
			    .name = cfg->points[i].name,
			    .unit = cfg->points[i].unit,
			    .precision = cfg->points[i].precision,
			    .value = v,
			    .at = poller_polled_at(w->poller, i),
			    .stale = !device_up(w->devices,
			    cfg->points[i].device) };
	return 0;
}

int
status_fill(const struct warden *w, struct status *s)
{
	memset(s, 0, sizeof *s);
	s->now = ev_now(w->loop);
	takeover_persisted(w, &s->guard);
	s->mode = w->cfg->mode;
	if (w->cfg->pair.enabled) {
		s->node = w->cfg->pair.node;
		s->role = pair_role_name(pair_role(w));
		s->role_since = pair_since(w);
		s->has_link = pair_link_status(w, &s->link) == 0;
	}
	s->clients = clients_count(w->clients);
	s->counters = w->counters;
	s->guard_counters = *takeover_counters(w);
	if (w->audit != NULL) {
		s->has_audit = 1;
		s->audit = *audit_stats(w->audit);
	}
	if (status_fill_conditions(w, s) == -1 ||
	    status_fill_safe(w, s) == -1 ||
	    status_fill_ramps(w, s) == -1 ||
	    status_fill_devices(w, s) == -1 ||
	    status_fill_connections(w, s) == -1 ||
	    status_fill_points(w, s) == -1) {
		status_free(s);
		return -1;
	}
	return 0;
}

void
status_free(struct status *s)
{
	free(s->alarms);
	free(s->holds);
	free(s->trips);
	free(s->safe);
	free(s->ramps);
	free(s->devices);
	free(s->connections);
	free(s->points);
	memset(s, 0, sizeof *s);
}

int
status_metrics_page(void *ctx, struct buf *out)
{
	const struct warden *w = ctx;
	struct status s;
	int rc;

	if (status_fill(w, &s) == -1)
		return -1;
	rc = metrics_render(&w->metrics, &s, out);
	status_free(&s);
	return rc;
}
