/*
 * status.c: the status snapshot filled from its owners (status.h). Each
 * part is asked of the module that keeps it; the config says what the
 * parts are called.
 */
#include <stdlib.h>
#include <string.h>

#include "poller.h"
#include "safestate.h"
#include "status.h"
#include "takeover.h"
#include "warden.h"

/* Onto the alarms or the trips list; only counted while it is NULL. */
static void
status_add_condition(struct status *s, const char *source, int is_device,
    int precision, const struct monitor_active *a)
{
	int trip = monitor_kind_is_trip(a->kind);
	struct status_condition *list = trip ? s->trips : s->alarms;
	size_t *n = trip ? &s->n_trips : &s->n_alarms;

	if (list != NULL)
		list[*n] = (struct status_condition){ .source = source,
		    .is_device = is_device, .precision = precision,
		    .active = *a };
	(*n)++;
}

/* Every active condition of every point, then every lost device. */
static void
status_walk_conditions(const struct warden *w, struct status *s)
{
	const struct config *cfg = w->cfg;
	struct monitor_active act[MONITOR_POINT_KINDS], lost;
	size_t i, k, n;

	s->n_alarms = s->n_trips = 0;
	for (i = 0; i < cfg->n_points; i++) {
		n = poller_point_active(w->poller, i, act);
		for (k = 0; k < n; k++)
			status_add_condition(s, cfg->points[i].name, 0,
			    (int)cfg->points[i].precision, &act[k]);
	}
	for (i = 0; i < cfg->n_devices; i++)
		if (poller_device_loss(w->poller, i, &lost))
			status_add_condition(s, cfg->devices[i].name, 1, -1,
			    &lost);
}

static int
status_fill_conditions(const struct warden *w, struct status *s)
{
	status_walk_conditions(w, s);
	s->alarms = calloc(s->n_alarms + 1, sizeof *s->alarms);
	s->trips = calloc(s->n_trips + 1, sizeof *s->trips);
	if (s->alarms == NULL || s->trips == NULL)
		return -1;
	status_walk_conditions(w, s);
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
status_fill_devices(const struct warden *w, struct status *s)
{
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
			    .value = v };
	return 0;
}

int
status_fill(const struct warden *w, struct status *s)
{
	memset(s, 0, sizeof *s);
	takeover_persisted(w, &s->guard);
	s->mode = w->cfg->mode;
	s->clients = clients_count(w->clients);
	s->counters = w->counters;
	s->guard_counters = *takeover_counters(w);
	if (w->audit != NULL) {
		s->has_audit = 1;
		s->audit = *audit_stats(w->audit);
	}
	if (status_fill_conditions(w, s) == -1 ||
	    status_fill_safe(w, s) == -1 ||
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
	free(s->trips);
	free(s->safe);
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
