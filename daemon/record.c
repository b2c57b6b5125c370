/*
 * record.c: every audit record wardend writes of what happened (see
 * record.h).
 */
#include "audit_head.h"
#include "client.h"
#include "record.h"
#include "request_record.h"
#include "statefile.h"
#include "warden.h"

static void
record_write(struct warden *w, const struct audit_event *ev, int sync)
{
	if (audit_write(w->audit, ev, sync) == -1 &&
	    log_budget_allow(&w->abuse_log, ev_now(w->loop)))
		log_warn("audit: cannot record %s", ev->event);
}

audit_ticket
record_decision(struct warden *w, const struct record_who *who,
    const struct mbap_request *req, const struct policy_decision *d,
    const char *event, uint8_t exception, const char *reason)
{
	struct request_record rec;
	audit_ticket t;

	request_record_fill(&rec, w->cfg, req, d, event, exception);
	request_record_who(&rec, who->role, who->identity);
	rec.ev.client = who->client;
	rec.ev.reason = reason;
	if ((t = audit_queue(w->audit, &rec.ev)) == 0 &&
	    log_budget_allow(&w->abuse_log, ev_now(w->loop)))
		log_warn("audit: cannot record %s; write refused",
		    rec.ev.event);
	return t;
}

void
record_flush(struct warden *w)
{
	if (audit_flush(w->audit) == -1 &&
	    log_budget_allow(&w->abuse_log, ev_now(w->loop)))
		log_warn("audit: cannot write the records of this loop "
		    "iteration; their writes are refused");
}

int
record_written(const struct warden *w, audit_ticket t)
{
	return audit_written(w->audit, t);
}

void
record_settle(struct warden *w)
{
	audit_settle(w->audit);
}

void
record_takeover(struct warden *w, int would, enum guard_cause cause,
    const char *reason, const char *user, const char *via)
{
	struct audit_extra extra = { .key = "via", .type = AUDIT_STRING,
		.s = via };
	struct audit_event ev = {
		.event = would ? "would_takeover" : "takeover",
		.user = user, .cause = guard_cause_name(cause),
		.reason = reason, .extra = &extra, .n_extra = via != NULL };

	record_write(w, &ev, 0);
}

int
record_release(struct warden *w, const char *user, uint32_t uid,
    const char *reason, const char *via)
{
	struct audit_extra extra = { .key = "via", .type = AUDIT_STRING,
		.s = via };
	struct audit_event ev = { .event = "release", .user = user,
		.has_uid = 1, .uid = uid, .reason = reason, .extra = &extra,
		.n_extra = via != NULL };

	return audit_write(w->audit, &ev, 1);
}

int
record_failover(struct warden *w, const struct record_failover *f)
{
	struct audit_extra extra[7] = {
		{ .key = "node", .type = AUDIT_STRING, .s = f->node },
		{ .key = "proven", .type = AUDIT_BOOL, .i = f->proven },
		{ .key = "peer", .type = AUDIT_STRING, .s = f->peer },
		{ .key = "peer_seq", .type = AUDIT_UINT, .u = f->peer_seq },
		{ .key = "peer_head", .type = AUDIT_STRING,
		    .s = f->peer_head },
	};
	struct audit_event ev = { .event = "failover", .user = f->user,
		.has_uid = 1, .uid = f->uid, .extra = extra, .n_extra = 5 };

	if (f->peer_state != NULL)
		extra[ev.n_extra++] = (struct audit_extra){ .key =
		    "peer_state", .type = AUDIT_STRING, .s = f->peer_state };
	if (!f->proven)
		extra[ev.n_extra++] = (struct audit_extra){ .key = "why",
		    .type = AUDIT_STRING, .s = f->why };
	return audit_write(w->audit, &ev, 1);
}

int
record_role_changed(struct warden *w, const char *node, const char *from,
    const char *to, const char *user, uint32_t uid)
{
	struct audit_extra extra[3] = {
		{ .key = "node", .type = AUDIT_STRING, .s = node },
		{ .key = "from", .type = AUDIT_STRING, .s = from },
		{ .key = "to", .type = AUDIT_STRING, .s = to },
	};
	struct audit_event ev = { .event = "role_changed", .user = user,
		.has_uid = 1, .uid = uid, .extra = extra, .n_extra = 3 };

	return audit_write(w->audit, &ev, 1);
}

void
record_release_refused(struct warden *w, const char *user, uint32_t uid,
    const char *reason, const char *why, const char *via)
{
	struct audit_extra extra = { .key = "via", .type = AUDIT_STRING,
		.s = via };
	struct audit_event ev = { .event = "release_refused", .user = user,
		.has_uid = 1, .uid = uid, .rule = why, .reason = reason,
		.extra = &extra, .n_extra = via != NULL };

	record_write(w, &ev, 0);
}

void
record_denied(struct warden *w, const char *user, uint32_t uid,
    const char *command, const char *right, const char *why,
    unsigned suppressed)
{
	struct audit_extra extra[3] = {
		{ .key = "command", .type = AUDIT_STRING, .s = command },
	};
	struct audit_event ev = { .event = "command_denied", .user = user,
		.has_uid = 1, .uid = uid, .reason = why, .extra = extra };
	size_t n = 1;

	if (right != NULL)
		extra[n++] = (struct audit_extra){ .key = "right",
		    .type = AUDIT_STRING, .s = right };
	if (suppressed > 0)
		extra[n++] = (struct audit_extra){ .key = "suppressed",
		    .type = AUDIT_UINT, .u = suppressed };
	ev.n_extra = n;
	record_write(w, &ev, 0);
}

int
record_act(struct warden *w, const struct record_act *a, int sync)
{
	char until[STATEFILE_TIME_LEN + 1];
	struct audit_extra extra[4];
	struct audit_event ev = { .event = a->event, .user = a->user,
		.has_uid = a->user != NULL, .uid = a->uid,
		.reason = a->reason, .rule = a->why, .extra = extra };
	int rc;

	if (a->is_device)
		ev.device = a->source;
	else
		ev.point = a->source;
	if (a->via != NULL)
		extra[ev.n_extra++] = (struct audit_extra){ .key = "via",
		    .type = AUDIT_STRING, .s = a->via };
	if (a->seconds > 0)
		extra[ev.n_extra++] = (struct audit_extra){ .key = "for",
		    .type = AUDIT_DOUBLE, .d = a->seconds };
	if (a->until > 0 && statefile_time_format(a->until, until) != 0)
		extra[ev.n_extra++] = (struct audit_extra){ .key = "until",
		    .type = AUDIT_STRING, .s = until };
	if (a->acked > 0)
		extra[ev.n_extra++] = (struct audit_extra){ .key = "acked",
		    .type = AUDIT_UINT, .u = a->acked };
	if ((rc = audit_write(w->audit, &ev, sync)) == -1 &&
	    log_budget_allow(&w->abuse_log, ev_now(w->loop)))
		log_warn("audit: cannot record %s", ev.event);
	return rc;
}

void
record_console_login(struct warden *w, const char *user, uint32_t uid,
    int ok, const char *reason)
{
	struct audit_extra via = { .key = "via", .type = AUDIT_STRING,
		.s = "console" };
	struct audit_event ev = { .event = ok ? "console_login" :
		"console_login_failed", .user = user, .has_uid = 1, .uid = uid,
		.reason = reason != NULL && reason[0] != '\0' ? reason : NULL,
		.extra = &via, .n_extra = 1 };

	record_write(w, &ev, 0);
}

const char *
record_condition(struct warden *w, const char *source, int is_device,
    const struct monitor_event *e, const struct record_alarm_note *note)
{
	struct audit_extra extra[2];
	struct audit_event ev = { .rule = monitor_kind_name(e->kind),
		.has_value = 1, .value = e->value, .extra = extra };

	if (note != NULL) {
		ev.has_limit = note->has_limit;
		ev.limit = note->limit;
		if (note->bypassed)
			extra[ev.n_extra++] = (struct audit_extra){
			    .key = "bypassed", .type = AUDIT_BOOL, .i = 1 };
		if (note->shelved)
			extra[ev.n_extra++] = (struct audit_extra){
			    .key = "shelved", .type = AUDIT_BOOL, .i = 1 };
	}

	if (e->kind == MONITOR_DEVICE_LOSS)
		ev.event = e->raised ? "device_down" : "device_up";
	else if (monitor_kind_is_trip(e->kind))
		ev.event = e->raised ? "trip" : "trip_cleared";
	else
		ev.event = e->raised ? "alarm" : "alarm_cleared";
	if (is_device)
		ev.device = source;
	else
		ev.point = source;
	record_write(w, &ev, 0);
	return ev.event;
}

/* A record of a safe-state point, with its device. */
static void
record_safe_point(struct warden *w, const char *event, unsigned point,
    double value, const char *why, const struct audit_extra *extra,
    size_t n_extra)
{
	const struct config_point *p = &w->cfg->points[point];
	struct audit_event ev = { .event = event, .point = p->name,
		.has_value = 1, .value = value, .reason = why,
		.device = w->cfg->devices[p->device].name, .extra = extra,
		.n_extra = n_extra };

	record_write(w, &ev, 0);
}

void
record_safe_state(struct warden *w, const char *event, unsigned point,
    double value, const char *why)
{
	record_safe_point(w, event, point, value, why, NULL, 0);
}

void
record_safe_drift(struct warden *w, unsigned point, double found,
    double safe_value, int hold)
{
	struct audit_extra extra[2] = {
		{ .key = "safe_value", .type = AUDIT_DOUBLE, .d = safe_value },
		{ .key = "hold", .type = AUDIT_BOOL, .i = hold },
	};

	record_safe_point(w, "safe_state_drift", point, found, NULL, extra, 2);
}

void
record_safe_settled(struct warden *w, unsigned point, double safe_value,
    unsigned drifts, unsigned redrives)
{
	struct audit_extra extra[2] = {
		{ .key = "drifts", .type = AUDIT_UINT, .u = drifts },
		{ .key = "redrives", .type = AUDIT_UINT, .u = redrives },
	};

	record_safe_point(w, "safe_state_verified", point, safe_value, NULL,
	    extra, 2);
}

void
record_reload(struct warden *w, const char *event, const char *user,
    const char *reason)
{
	struct audit_extra extra = { .key = "config", .type = AUDIT_STRING,
	    .s = w->config_path };
	struct audit_event ev = { .event = event, .user = user,
		.reason = reason, .extra = &extra, .n_extra = 1 };

	record_write(w, &ev, 1);
}

void
record_daemon(struct warden *w, const char *event)
{
	struct audit_extra extra[2] = {
		{ .key = "config", .type = AUDIT_STRING, .s = w->config_path },
		{ .key = "mode", .type = AUDIT_STRING,
		  .s = w->cfg->mode == MODE_MONITOR ? "monitor" : "enforce" },
	};
	struct audit_event ev = { .event = event, .extra = extra,
		.n_extra = 2 };

	record_write(w, &ev, 1);
}

void
record_client_refused(struct warden *w, const struct client_refusal *r)
{
	struct audit_extra extra[2] = {
		{ .key = "listener", .type = AUDIT_STRING, .s = r->listener },
		{ .key = "subject", .type = AUDIT_STRING, .s = r->subject },
	};
	/* A peer can provoke it at will: written with the others of this
	 * loop iteration, not synced on its own. */
	struct audit_event ev = { .event = "client_refused",
		.client = r->client, .reason = r->reason, .extra = extra,
		.n_extra = r->subject[0] != '\0' ? 2 : 1 };

	record_write(w, &ev, 0);
}

void
record_intrusion(struct warden *w, const struct record_intrusion *r)
{
	char since[STATEFILE_TIME_LEN + 1];
	struct audit_extra extra[5] = {
		{ .key = "kind", .type = AUDIT_STRING, .s = r->kind },
		{ .key = "count", .type = AUDIT_UINT, .u = r->count },
		{ .key = "window", .type = AUDIT_DOUBLE, .d = r->window },
		{ .key = "on_intrusion", .type = AUDIT_STRING,
		    .s = r->takeover ? "takeover" : "audit" },
		{ .key = "since", .type = AUDIT_STRING, .s = since },
	};
	struct audit_event ev = { .event = "intrusion", .client = r->client,
		.device = r->device, .has_unit = r->has_unit, .unit = r->unit,
		.has_fc = r->has_fc, .fc = r->fc, .point = r->point,
		.extra = extra, .n_extra = 4 };

	if (statefile_time_format(r->since, since) != 0)
		ev.n_extra = 5;
	record_write(w, &ev, 0);
}

void
record_state_restored(struct warden *w, enum guard_cause cause,
    const char *reason)
{
	struct audit_event ev = { .event = "state_restored",
		.cause = guard_cause_name(cause), .reason = reason };

	record_write(w, &ev, 1);
}

void
record_audit_cut(struct warden *w, const char *head_file,
    const struct audit_head *head, const char *reason)
{
	struct audit_extra extra[5] = {
		{ .key = "head_file", .type = AUDIT_STRING, .s = head_file },
		{ .key = "expected_seq", .type = AUDIT_UINT, .u = head->seq },
		{ .key = "expected_hash", .type = AUDIT_STRING,
		  .s = head->hash },
		{ .key = "found_seq", .type = AUDIT_UINT,
		  .u = audit_found_seq(w->audit) },
		{ .key = "found_hash", .type = AUDIT_STRING,
		  .s = audit_found_hash(w->audit) },
	};
	struct audit_event ev = { .event = "audit_cut", .reason = reason,
		.extra = extra, .n_extra = 5 };

	record_write(w, &ev, 1);
}

/* A ramp's record: the point and its device, the target, the steps. */
static void
record_ramp_fill(struct warden *w, struct audit_event *ev,
    struct audit_extra *extra, const char *event, const struct record_ramp *r)
{
	const struct config_point *p = &w->cfg->points[r->point];

	*ev = (struct audit_event){ .event = event, .point = p->name,
		.device = w->cfg->devices[p->device].name, .has_value = 1,
		.value = r->target, .rule = r->limit,
		.has_limit = r->limit != NULL, .limit = r->limit_value,
		.cause = r->cause, .has_exception = r->exception != 0,
		.exception = r->exception, .extra = extra };
	extra[ev->n_extra++] = (struct audit_extra){ .key = "steps",
	    .type = AUDIT_UINT, .u = r->steps };
	if (r->has_at)
		extra[ev->n_extra++] = (struct audit_extra){ .key = "at",
		    .type = AUDIT_DOUBLE, .d = r->at };
	if (r->has_by)
		extra[ev->n_extra++] = (struct audit_extra){ .key = "by",
		    .type = AUDIT_DOUBLE, .d = r->by };
}

audit_ticket
record_ramp_step(struct warden *w, const struct record_ramp *r)
{
	struct record_ramp step = *r;
	struct audit_extra extra[3];
	struct audit_event ev;
	audit_ticket t;

	/* A step's value is what goes to the device: forwarded. */
	step.has_at = 0;
	record_ramp_fill(w, &ev, extra, "ramp_step", &step);
	ev.has_forwarded = 1;
	ev.forwarded = r->at;
	if ((t = audit_queue(w->audit, &ev)) == 0 &&
	    log_budget_allow(&w->abuse_log, ev_now(w->loop)))
		log_warn("audit: cannot record ramp_step; ramp stopped");
	return t;
}

void
record_ramp_end(struct warden *w, const char *event,
    const struct record_ramp *r)
{
	struct audit_extra extra[3];
	struct audit_event ev;

	record_ramp_fill(w, &ev, extra, event, r);
	record_write(w, &ev, 0);
}
