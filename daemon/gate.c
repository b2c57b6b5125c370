/*
 * gate.c: the judgement on each AI request, between framing (client.c)
 * and forwarding (device.c). Every write decision is audited before it
 * takes effect; when the audit cannot be written, the write is refused,
 * since nothing may reach the plant that the record does not show.
 *
 * Each request is first held to what its client's role may do
 * (rights.h), then to the policy. Only the ai role's violations reach
 * the guard, and only the ai role's requests keep its silence clock
 * quiet: the takeover rules are about the AI.
 *
 * The records of one loop iteration are written together (record.h):
 * a write is handed to its device with its record's ticket as the hold,
 * and waits on its connection until gate_flush() has written the
 * records and lets it go, or withdraws it.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <modbus.h>

#include "baseline.h"
#include "gate.h"
#include "gate_plan.h"
#include "intrusion.h"
#include "learn_observe.h"
#include "ramp.h"
#include "record.h"
#include "settle.h"
#include "rights.h"
#include "warden.h"

struct gate {
	struct warden *w;
	int isolated;                   /* TAKEOVER: takeover.c says so */
	struct policy_decision decision;        /* scratch, one request */
	struct rights_verdict verdict;  /* scratch: its role's rights */
	unsigned role;                  /* scratch: its client's */
	struct record_who who;          /* scratch: its client, named */
	struct baseline *baseline;      /* writes waiting for a read */
	/* The roles' rights under w->cfg, built for the config of
	 * rights_gen (w->policy_gen: raised at every reload). */
	struct rights *rights;
	unsigned rights_gen;
	/* Monitor mode: what the AI did under the config of learn_gen
	 * (NULL: nothing yet). */
	struct learn_table *learn;
	unsigned learn_gen;
};

/* Monitor mode forwards req: the AI's is learned from (gate.h). A
 * table that cannot be made leaves learn empty; the request passes. */
static void
gate_learn(struct gate *g, const struct mbap_request *req, unsigned device)
{
	struct warden *w = g->w;

	if (g->role != CONFIG_ROLE_AI)
		return;
	if (g->learn == NULL) {
		g->learn_gen = w->policy_gen;
		if ((g->learn = learn_table_new(LEARN_CAPACITY,
		    ev_now(w->loop))) == NULL) {
			if (log_budget_allow(&w->abuse_log, ev_now(w->loop)))
				log_warnx("gate: out of memory for learning; "
				    "this request is not learned from");
			return;
		}
	}
	learn_observe(g->learn, w->cfg, device, req, ev_now(w->loop));
}

/* The layer above hears of it (flow.h): the guard may take over. */
static void
gate_violation(struct gate *g, const struct policy_decision *d)
{
	struct warden *w = g->w;
	char what[CONFIG_NAME_MAX + 32];

	/* A write refused for want of the device's value is not the AI's
	 * doing, nor is anything another role's client does. */
	if (d->verdict == POLICY_READ || g->role != CONFIG_ROLE_AI)
		return;

	if (d->has_point)
		snprintf(what, sizeof what, "%s %s",
		    w->cfg->points[d->point.point].name, d->rule);
	else
		snprintf(what, sizeof what, "%s", d->rule);
	w->events.violation(w->events.ctx, what,
	    d->verdict == POLICY_TAKEOVER);
}

/*
 * A read the AI made while learning ended: the values it got back are
 * what its next writes step from (learn_observe.h). Its client may be
 * gone; the answer is the device's all the same.
 */
static void
gate_learn_answer(void *ctx, const struct inflight *r, const uint8_t *answer,
    size_t len, uint8_t exception)
{
	struct gate *g = ctx;
	struct mbap_request req;
	struct mbap_response resp;

	(void)exception;
	if (answer == NULL || g->learn == NULL ||
	    g->learn_gen != r->policy_gen ||
	    mbap_decode_request(r->adu, r->len, &req) != 0 ||
	    mbap_check_response(&r->expect, answer, len, &resp) != 0)
		return;
	learn_observe_answer(g->learn, g->w->cfg, r->device, &req, &resp,
	    ev_now(g->w->loop));
}

/* 0 when handed to the device, to leave once t's record is written (t
 * 0: no record); otherwise the client got the exception. */
static int
gate_forward(struct gate *g, struct client *c, const uint8_t *adu,
    size_t len, const struct mbap_request *req, unsigned device,
    audit_ticket t)
{
	struct warden *w = g->w;
	struct inflight r;
	int code;

	memset(&r, 0, sizeof r);
	r.done = client_answer_cb;
	r.ctx = c;
	if (req->is_write) {
		r.settle = settle_write;
		r.settle_ctx = w;
		r.policy_gen = w->policy_gen;
	} else if (g->learn != NULL && g->role == CONFIG_ROLE_AI &&
	    w->cfg->mode == MODE_MONITOR) {
		r.settle = gate_learn_answer;
		r.settle_ctx = g;
		r.policy_gen = w->policy_gen;
	}
	r.hold = t;
	r.origin_tid = req->tid;
	r.origin_unit = req->unit;
	r.device = device;
	r.received_at = ev_now(w->loop);
	r.len = (uint16_t)len;
	memcpy(r.adu, adu, len);
	mbap_expect_of(req, &r.expect);
	/* In flight from here; settled below if the device refuses it. */
	policy_forward(w->cfg, w->memory, device, req);
	if ((code = device_submit(w->devices, device, DEVICE_AI, &r)) != 0) {
		policy_settle(w->cfg, w->memory, device, req, w->policy_gen,
		    POLICY_NOT_WRITTEN, ev_now(w->loop));
		client_send_exception(c, req->tid, req->unit, req->fc,
		    (uint8_t)code);
		return -1;
	}
	client_hold(c);
	counters_forwarded(&w->counters);
	return 0;
}

static void
gate_refuse(struct gate *g, struct client *c, const struct mbap_request *req,
    const char *event, uint8_t exception)
{
	record_decision(g->w, &g->who, req, &g->decision, event, exception,
	    NULL);
	client_send_exception(c, req->tid, req->unit, req->fc, exception);
}

static void
gate_monitor_mode(struct gate *g, struct client *c, const uint8_t *adu,
    size_t len, const struct mbap_request *req, unsigned device, int judged)
{
	struct warden *w = g->w;
	const struct policy_decision *d = &g->decision;
	audit_ticket t = 0;

	gate_learn(g, req, device);
	if (judged && (t = record_decision(w, &g->who, req, d,
	    policy_event_name(d, MODE_MONITOR), 0, NULL)) == 0) {
		client_send_exception(c, req->tid, req->unit, req->fc,
		    MODBUS_EXCEPTION_SLAVE_OR_SERVER_FAILURE);
		return;
	}
	if (gate_forward(g, c, adu, len, req, device, t) == 0)
		policy_accept(w->memory, d, ev_now(w->loop));
	if (judged && d->verdict != POLICY_ALLOW)
		gate_violation(g, d);
}

/*
 * A function beyond the known ones is the role's to allow (its
 * functions:, and for the ai role allow_functions, rights.h): its
 * verdict replaces the policy's, which knows only allow_functions. For
 * the ai role with no functions of its own the two are the same.
 */
static void
gate_other_function(struct policy_decision *d,
    const struct mbap_request *req, const struct rights_verdict *v)
{
	if (req->known)
		return;
	if (v->outcome == RIGHTS_REFUSE) {
		d->verdict = POLICY_REJECT;
		d->exception = v->exception;
		d->rule = "function";
	} else {
		d->verdict = POLICY_ALLOW;
		d->exception = 0;
		d->rule = NULL;
	}
}

/*
 * A request its client's role may not make (rights.h), refused whatever
 * the mode: recorded with why, answered 0x01 or 0x02; a violation only
 * when the role is the ai's. Reads, which are not otherwise audited,
 * are recorded too.
 */
static void
gate_role_refuse(struct gate *g, struct client *c,
    const struct mbap_request *req)
{
	struct warden *w = g->w;
	struct policy_decision *d = &g->decision;
	const struct rights_verdict *v = &g->verdict;
	int is_read = req->known && !req->is_write;

	memset(d, 0, offsetof(struct policy_decision, writes));
	d->verdict = POLICY_REJECT;
	d->exception = v->exception;
	d->rule = req->known ? "role" : "function";
	d->has_point = v->has_point;
	d->point.point = v->point;
	metrics_count_verdict(&w->metrics, is_read ? METRICS_REJECTED_READ :
	    METRICS_REJECTED);
	record_decision(w, &g->who, req, d, is_read ? "read_rejected" :
	    "write_rejected", v->exception, v->reason);
	client_send_exception(c, req->tid, req->unit, req->fc, v->exception);
	if (!g->isolated)
		gate_violation(g, d);
}

/* In TAKEOVER: every write, and every request the policy cannot judge. */
static void
gate_isolated(struct gate *g, struct client *c,
    const struct mbap_request *req, unsigned device, ev_tstamp now)
{
	struct warden *w = g->w;
	struct policy_decision *d = &g->decision;

	policy_decide(w->cfg, w->memory, device, req, now, d);
	gate_other_function(d, req, &g->verdict);
	/* A function that is not allowed is refused 0x01 in every state;
	 * any other it cannot judge may write: 0x0A. */
	if (!req->known && d->verdict != POLICY_ALLOW) {
		metrics_count_verdict(&w->metrics, METRICS_REJECTED);
		gate_refuse(g, c, req, "request_rejected", d->exception);
		return;
	}
	d->rule = "takeover";
	d->has_limit = 0;
	metrics_count_verdict(&w->metrics, METRICS_ISOLATED);
	gate_refuse(g, c, req, "write_rejected",
	    MODBUS_EXCEPTION_GATEWAY_PATH);
}

/* A ramp (ramp.h): answered as written once its first step is handed
 * to the device; 0, or -1 when the AI got the exception instead. */
static int
gate_ramp(struct gate *g, struct client *c, const struct mbap_request *req)
{
	struct warden *w = g->w;
	uint8_t code;

	if ((code = ramp_start(w->ramp, &g->decision)) != 0) {
		client_send_exception(c, req->tid, req->unit, req->fc, code);
		return -1;
	}
	policy_accept(w->memory, &g->decision, ev_now(w->loop));
	client_send_written(c, req);
	return 0;
}

/* enforce: the decision in g->decision carried out (gate_plan.h). */
static void
gate_enforce(struct gate *g, struct client *c, const uint8_t *adu,
    size_t len, const struct mbap_request *req, unsigned device,
    ev_tstamp now)
{
	struct warden *w = g->w;
	const struct policy_decision *d = &g->decision;
	struct gate_plan p;
	audit_ticket t = 0;

	gate_plan_enforce(d, adu, len, req, device_ready(w->devices, device),
	    &p);
	if (p.event != NULL && (t = record_decision(w, &g->who, req, d,
	    p.event, p.exception, NULL)) == 0 && p.exception == 0) {
		/* Not on the record, so not forwarded either. */
		client_send_exception(c, req->tid, req->unit, req->fc,
		    MODBUS_EXCEPTION_SLAVE_OR_SERVER_FAILURE);
		return;
	}
	if (p.exception != 0)
		client_send_exception(c, req->tid, req->unit, req->fc,
		    p.exception);
	else if (p.ramp) {
		if (gate_ramp(g, c, req) != 0)
			return;
	} else if (gate_forward(g, c, p.frame, p.len, &p.fwd, device, t) != 0)
		return;         /* not sent: the client has its answer */
	else {
		policy_accept(w->memory, d, now);
		/* The AI's new value: a ramp on the point has had its day. */
		ramp_replace(w->ramp, d);
	}
	if (p.violation)
		gate_violation(g, d);
}

/*
 * What c's role may do with req, in g->verdict (and g->role, g->who for
 * the records): 0 when it goes on to the policy, -1 when it was
 * answered. The table is built again after a reload, when a request
 * first needs it.
 */
static int
gate_rights(struct gate *g, struct client *c, const struct mbap_request *req,
    unsigned device)
{
	struct warden *w = g->w;

	/* What was learned under another config is of no use now. */
	if (g->learn != NULL && g->learn_gen != w->policy_gen) {
		learn_table_free(g->learn);
		g->learn = NULL;
	}
	if (g->rights == NULL || g->rights_gen != w->policy_gen) {
		rights_free(g->rights);
		g->rights_gen = w->policy_gen;
		if ((g->rights = rights_new(w->cfg)) == NULL) {
			if (log_budget_allow(&w->abuse_log, ev_now(w->loop)))
				log_warnx("gate: out of memory for the roles' "
				    "rights; request refused");
			client_send_exception(c, req->tid, req->unit, req->fc,
			    MODBUS_EXCEPTION_SLAVE_OR_SERVER_FAILURE);
			return -1;
		}
	}
	g->role = client_role(c);
	g->who.client = client_name(c);
	g->who.role = rights_role_name(g->rights, g->role);
	g->who.identity = client_identity(c);
	rights_check(g->rights, g->role, device, req, g->isolated,
	    &g->verdict);
	/* The ai's refusal of a function beyond the known ones goes the
	 * way the policy's went before roles (monitor mode forwards it). */
	if (g->verdict.outcome != RIGHTS_REFUSE ||
	    (g->role == CONFIG_ROLE_AI && !req->known))
		return 0;
	gate_role_refuse(g, c, req);
	return -1;
}

/*
 * Judge a request (again): read is GATE_NOT_READ the first time, when a
 * write that needs a baseline may wait for a read of it; after that read
 * (baseline_judge_fn), the exception a write still lacking one gets (the
 * read's failure, or 0x03 when the read was answered with no usable
 * value).
 */
#define GATE_NOT_READ 0
static void
gate_judge(void *ctx, struct client *c, const uint8_t *adu, size_t len,
    const struct mbap_request *req, unsigned device, uint8_t read)
{
	struct gate *g = ctx;
	struct warden *w = g->w;
	struct policy_decision *d = &g->decision;
	ev_tstamp now = ev_now(w->loop);
	int judged = req->is_write || !req->known, code;

	if (gate_rights(g, c, req, device) != 0)
		return;
	/* In TAKEOVER a role that keeps its rights is judged as before. */
	if (judged && g->isolated && g->verdict.outcome != RIGHTS_ALLOW) {
		gate_isolated(g, c, req, device, now);
		return;
	}
	policy_decide(w->cfg, w->memory, device, req, now, d);
	gate_other_function(d, req, &g->verdict);
	if (!judged) {
		metrics_count_read(&w->metrics, d, w->cfg->mode);
		/* Reads are not audited; monitor mode forwards them all. */
		if (w->cfg->mode == MODE_MONITOR)
			gate_learn(g, req, device);
		if (d->verdict == POLICY_ALLOW || w->cfg->mode == MODE_MONITOR)
			gate_forward(g, c, adu, len, req, device, 0);
		else
			client_send_exception(c, req->tid, req->unit, req->fc,
			    d->exception);
		return;
	}
	if (d->verdict == POLICY_READ) {
		/* Decided again once the device's value is in. */
		if (read == GATE_NOT_READ && (code = baseline_read(g->baseline,
		    c, adu, len, req, device)) == 0)
			return;
		d->exception = read != GATE_NOT_READ ? read : (uint8_t)code;
	}
	/* In TAKEOVER no ramp starts (a role that keeps its rights): the
	 * write is refused as reject would refuse it. */
	if (d->verdict == POLICY_RAMP && g->isolated) {
		d->verdict = POLICY_REJECT;
		d->exception = MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE;
	}
	metrics_count_decision(&w->metrics, d, w->cfg->mode);
	if (w->cfg->mode == MODE_MONITOR)
		gate_monitor_mode(g, c, adu, len, req, device, judged);
	else
		gate_enforce(g, c, adu, len, req, device, now);
}

/* client_events: a request from the AI. */
static void
gate_request(void *ctx, struct client *c, const uint8_t *adu, size_t len,
    const struct mbap_request *req, unsigned device)
{
	struct gate *g = ctx;

	if (client_role(c) == CONFIG_ROLE_AI)
		g->w->events.ai_request(g->w->events.ctx);
	intrusion_request(g->w->intrusion, c, req, device);
	gate_judge(g, c, adu, len, req, device, GATE_NOT_READ);
}

/* client_events: a TLS client refused at its handshake. */
static void
gate_client_refused(void *ctx, const struct client_refusal *r)
{
	struct gate *g = ctx;

	record_client_refused(g->w, r);
}

/* client_events: what the intrusion detector counts. */
static void
gate_client_suspect(void *ctx, const struct client *c, enum ids_kind kind,
    long detail)
{
	struct gate *g = ctx;

	intrusion_client(g->w->intrusion, c, kind, detail);
}

/* client_events: the client is going away. The gate handed its requests
 * to the devices and to the reads before judging, so it lets go of them:
 * their answers go to nobody. */
static void
gate_client_gone(void *ctx, const struct client *c)
{
	struct gate *g = ctx;

	device_forget(g->w->devices, c);
	baseline_forget(g->baseline, c);
}

struct gate *
gate_new(struct warden *w)
{
	struct gate *g;

	if ((g = calloc(1, sizeof *g)) == NULL)
		return NULL;
	g->w = w;
	if ((g->baseline = baseline_new(w, gate_judge, g)) == NULL) {
		free(g);
		return NULL;
	}
	clients_set_events(w->clients, &(struct client_events){
	    .request = gate_request, .gone = gate_client_gone,
	    .refused = gate_client_refused, .suspect = gate_client_suspect,
	    .ctx = g });
	return g;
}

void
gate_free(struct gate *g)
{
	if (g == NULL)
		return;
	baseline_free(g->baseline);
	rights_free(g->rights);
	learn_table_free(g->learn);
	free(g);
}

const struct learn_table *
gate_learned(const struct gate *g)
{
	if (g->learn == NULL || g->learn_gen != g->w->policy_gen ||
	    g->w->cfg->mode != MODE_MONITOR)
		return NULL;
	return g->learn;
}

void
gate_isolate(struct gate *g, int isolated)
{
	g->isolated = isolated;
}

/* device_release_fn: a write may go once its record is in the file. */
static int
gate_may_send(void *ctx, uint64_t hold)
{
	struct gate *g = ctx;

	return record_written(g->w, hold);
}

void
gate_flush(struct gate *g)
{
	record_flush(g->w);
	device_release(g->w->devices, gate_may_send, g);
	record_settle(g->w);
}
