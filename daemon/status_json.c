/*
 * status_json.c: the status snapshot as the answer to `wardenctl status`
 * (status.h). Pure. The order of the members is part of what scripts
 * see: keep it.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "statefile.h"
#include "status.h"

/* To the nearest microsecond, as the state and holds files write it,
 * so that a time shows the same before and after a restart. */
static void
status_json_time(struct json *out, const char *key, double t)
{
	char buf[STATEFILE_TIME_LEN + 1];

	if (statefile_time_format(t, buf) == 0)
		snprintf(buf, sizeof buf, "?");
	json_kv_string(out, key, buf);
}

/*
 * The alarm list: the point's or device's name under "point" or
 * "device", kind, value and since as before (scripts read those), then
 * the ISA-18.2 state and the holds.
 */
static void
status_json_alarm(struct json *out, const struct status_alarm *a)
{
	json_object_begin(out);
	json_kv_string(out, a->is_device ? "device" : "point", a->source);
	json_kv_string(out, "kind", monitor_kind_name(a->kind));
	json_kv_double(out, "value", a->value);
	if (a->precision >= 0)
		json_kv_uint(out, "precision", (unsigned)a->precision);
	status_json_time(out, "since", a->since);
	json_kv_string(out, "level", a->is_trip ? "trip" : "alarm");
	json_kv_string(out, "state", a->state);
	json_kv_bool(out, "active", a->active);
	json_kv_bool(out, "acked", a->acked);
	if (a->has_limit)
		json_kv_double(out, "limit", a->limit);
	if (!a->is_device)
		json_kv_string(out, "unit", a->unit);
	if (!a->active)
		status_json_time(out, "cleared", a->cleared);
	json_kv_bool(out, "shelved", a->shelved_until > 0);
	if (a->shelved_until > 0)
		status_json_time(out, "shelved_until", a->shelved_until);
	json_kv_bool(out, "bypassed", a->bypass_until > 0);
	if (a->bypass_until > 0)
		status_json_time(out, "bypass_until", a->bypass_until);
	json_object_end(out);
}

void
status_json_alarms(const struct status *s, struct json *out)
{
	size_t i;

	json_key(out, "alarms");
	json_array_begin(out);
	for (i = 0; i < s->n_alarms; i++)
		status_json_alarm(out, &s->alarms[i]);
	json_array_end(out);
	json_key(out, "holds");
	json_array_begin(out);
	for (i = 0; i < s->n_holds; i++) {
		const struct status_hold *h = &s->holds[i];

		json_object_begin(out);
		json_kv_string(out, "hold", h->hold);
		json_kv_string(out, "source", h->source);
		status_json_time(out, "since", h->since);
		status_json_time(out, "until", h->until);
		json_kv_double(out, "remaining", h->until > s->now ?
		    h->until - s->now : 0);
		json_kv_string(out, "user", h->user);
		json_kv_string(out, "reason", h->reason);
		json_object_end(out);
	}
	json_array_end(out);
}

/* A point's carries its decimals for displays. */
static void
status_json_conditions(struct json *out, const char *key,
    const struct status_condition *list, size_t n)
{
	size_t i;

	json_key(out, key);
	json_array_begin(out);
	for (i = 0; i < n; i++) {
		const struct status_condition *c = &list[i];

		json_object_begin(out);
		json_kv_string(out, c->is_device ? "device" : "point",
		    c->source);
		json_kv_string(out, "kind", monitor_kind_name(c->active.kind));
		json_kv_double(out, "value", c->active.value);
		if (c->precision >= 0)
			json_kv_uint(out, "precision", (unsigned)c->precision);
		status_json_time(out, "since", c->active.since);
		json_object_end(out);
	}
	json_array_end(out);
}

/* Listed in TAKEOVER only. */
static void
status_json_safe(const struct status *s, struct json *out)
{
	size_t i;

	json_key(out, "safe_state");
	json_array_begin(out);
	for (i = 0; s->guard.state == GUARD_STATE_TAKEOVER && i < s->n_safe;
	    i++) {
		const struct status_safe *e = &s->safe[i];

		json_object_begin(out);
		json_kv_string(out, "point", e->point);
		json_kv_double(out, "value", e->value);
		json_kv_string(out, "status", e->status);
		/* What the point held when wardend last read it. */
		json_key(out, "last_read");
		if (e->has_read)
			json_double(out, e->last_read);
		else
			json_null(out);
		json_object_end(out);
	}
	json_array_end(out);
}

/* ramps: {point, from, target, current, limit, steps, since} */
static void
status_json_ramps(const struct status *s, struct json *out)
{
	size_t i;

	json_key(out, "ramps");
	json_array_begin(out);
	for (i = 0; i < s->n_ramps; i++) {
		const struct status_ramp *r = &s->ramps[i];

		json_object_begin(out);
		json_kv_string(out, "point", r->point);
		json_kv_double(out, "from", r->from);
		json_kv_double(out, "target", r->target);
		json_kv_double(out, "current", r->current);
		json_key(out, "limit");
		if (r->limit != NULL)
			json_string(out, r->limit);
		else
			json_null(out);
		json_kv_uint(out, "steps", r->steps);
		status_json_time(out, "since", r->since);
		json_object_end(out);
	}
	json_array_end(out);
}

static void
status_json_devices(const struct status *s, struct json *out)
{
	size_t i;

	json_key(out, "devices");
	json_array_begin(out);
	for (i = 0; i < s->n_devices; i++) {
		json_object_begin(out);
		json_kv_string(out, "name", s->devices[i].name);
		json_kv_bool(out, "up", s->devices[i].up);
		json_object_end(out);
	}
	json_array_end(out);
}

static void
status_json_connections(const struct status *s, struct json *out)
{
	size_t i;

	json_key(out, "connections");
	json_array_begin(out);
	for (i = 0; i < s->n_connections; i++) {
		const struct status_client *c = &s->connections[i];

		json_object_begin(out);
		json_kv_string(out, "client", c->client);
		json_kv_string(out, "listener", c->listener);
		json_kv_bool(out, "tls", c->tls);
		if (c->handshaking)
			json_kv_bool(out, "handshaking", 1);
		else {
			json_kv_string(out, "role", c->role);
			json_kv_string(out, "identity", c->identity);
		}
		if (c->tls && !c->handshaking)
			json_kv_bool(out, "resumed", c->resumed);
		status_json_time(out, "since", c->since);
		json_object_end(out);
	}
	json_array_end(out);
}

static void
status_json_points(const struct status *s, struct json *out)
{
	size_t i;

	json_key(out, "points");
	json_array_begin(out);
	for (i = 0; i < s->n_points; i++) {
		const struct status_point *p = &s->points[i];

		json_object_begin(out);
		json_kv_string(out, "name", p->name);
		json_kv_double(out, "value", p->value);
		json_kv_string(out, "unit", p->unit);
		json_kv_uint(out, "precision", p->precision);
		status_json_time(out, "at", p->at);
		json_kv_bool(out, "stale", p->stale);
		if (p->stale)
			json_kv_double(out, "age", s->now - p->at);
		json_object_end(out);
	}
	json_array_end(out);
}

static void
status_json_counters(const struct status *s, struct json *out)
{
	const struct counters *c = &s->counters;
	const struct guard_counters *g = &s->guard_counters;
	uint64_t takeovers = 0;
	unsigned i;

	for (i = 0; i < GUARD_CAUSE_COUNT; i++)
		takeovers += g->takeovers[i];
	json_key(out, "counters");
	json_object_begin(out);
	json_kv_uint(out, "clients", s->clients);
	json_kv_uint(out, "clients_accepted", c->clients_accepted);
	json_kv_uint(out, "clients_refused", c->clients_refused);
	json_kv_uint(out, "tls_handshakes", c->tls_handshakes);
	json_kv_uint(out, "tls_resumed", c->tls_resumed);
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
	json_kv_uint(out, "audit_records", s->audit.records);
	json_object_end(out);
}

void
status_json(const struct status *s, struct json *out)
{
	json_kv_string(out, "state", guard_state_name(s->guard.state));
	json_kv_string(out, "cause", guard_cause_name(s->guard.cause));
	json_kv_string(out, "reason", s->guard.reason);
	status_json_time(out, "since", s->guard.since);
	json_kv_string(out, "mode",
	    s->mode == MODE_MONITOR ? "monitor" : "enforce");
	/* Only a node of a pair has a role: a single one's shape stays. */
	if (s->role != NULL) {
		json_kv_string(out, "node", s->node);
		json_kv_string(out, "role", s->role);
		status_json_time(out, "role_since", s->role_since);
	}
	if (s->has_link) {
		json_key(out, "pair_link");
		json_object_begin(out);
		json_kv_string(out, "link", s->link.link);
		json_kv_bool(out, "dialled", s->link.dialled);
		json_kv_uint(out, "accepted", (uint64_t)s->link.accepted);
		json_kv_uint(out, "seq", s->link.seq);
		json_kv_uint(out, "acked", s->link.acked);
		json_kv_uint(out, "peer_seq", s->link.peer_seq);
		if (s->link.heard > 0)
			status_json_time(out, "heard", s->link.heard);
		json_object_end(out);
	}
	status_json_alarms(s, out);
	status_json_conditions(out, "trips", s->trips, s->n_trips);
	status_json_safe(s, out);
	status_json_ramps(s, out);
	status_json_devices(s, out);
	status_json_connections(s, out);
	status_json_points(s, out);
	status_json_counters(s, out);
}
