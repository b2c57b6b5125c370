/*
 * gate.c: the judgement on each AI request, between framing (client.c)
 * and forwarding (device.c). Every write decision is audited before it
 * takes effect; when the audit cannot be written, the write is refused,
 * since nothing may reach the plant that the record does not show.
 */
#include <stdio.h>
#include <string.h>

#include <modbus.h>

#include "gate_plan.h"
#include "record.h"
#include "warden.h"

/* The layer above hears of it (flow.h): the guard may take over. */
static void
gate_violation(struct warden *w, const struct policy_decision *d)
{
	char what[CONFIG_NAME_MAX + 32];

	/* A write refused for want of the device's value is not the AI's
	 * doing. */
	if (d->verdict == POLICY_READ)
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
 * How a forwarded write ended, whether or not its client is still there:
 * the policy learns what the device holds and what is no longer in
 * flight.
 */
static void
gate_settle(void *ctx, const struct inflight *r, const uint8_t *answer,
    size_t len, uint8_t exception)
{
	struct warden *w = ctx;
	struct mbap_request fwd;
	enum policy_outcome outcome = POLICY_NOT_WRITTEN;

	(void)len;
	if (mbap_decode_request(r->adu, r->len, &fwd) != 0)
		return;
	if (answer != NULL && (answer[MBAP_HEADER_LEN] & 0x80) == 0)
		outcome = POLICY_WRITTEN;
	else if (answer == NULL && exception == MODBUS_EXCEPTION_GATEWAY_TARGET)
		/* Sent, and the connection went before an answer came. */
		outcome = POLICY_UNKNOWN;
	policy_settle(w->cfg, w->memory, r->device, &fwd, r->policy_gen,
	    outcome, ev_now(w->loop));
}

/* 0 when handed to the device; otherwise the client got the exception. */
static int
gate_forward(struct client *c, const uint8_t *adu, size_t len,
    const struct mbap_request *req, unsigned device)
{
	struct warden *w = client_warden(c);
	struct inflight r;
	int code;

	memset(&r, 0, sizeof r);
	r.done = client_answer_cb;
	r.ctx = c;
	if (req->is_write) {
		r.settle = gate_settle;
		r.settle_ctx = w;
		r.policy_gen = w->policy_gen;
	}
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
	w->counters.forwarded++;
	return 0;
}

static void
gate_refuse(struct client *c, const struct mbap_request *req,
    const struct policy_decision *d, const char *event, uint8_t exception)
{
	record_decision(client_warden(c), client_name(c), req, d, event,
	    exception);
	client_send_exception(c, req->tid, req->unit, req->fc, exception);
}

static void
gate_monitor_mode(struct client *c, const uint8_t *adu, size_t len,
    const struct mbap_request *req, unsigned device, int judged)
{
	struct warden *w = client_warden(c);
	const struct policy_decision *d = w->decision;

	if (judged && record_decision(w, client_name(c), req, d,
	    policy_event_name(d, MODE_MONITOR), 0) == -1) {
		client_send_exception(c, req->tid, req->unit, req->fc,
		    MODBUS_EXCEPTION_SLAVE_OR_SERVER_FAILURE);
		return;
	}
	if (gate_forward(c, adu, len, req, device) == 0)
		policy_accept(w->memory, d, ev_now(w->loop));
	if (judged && d->verdict != POLICY_ALLOW)
		gate_violation(w, d);
}

/* In TAKEOVER: every write, and every request the policy cannot judge. */
static void
gate_isolated(struct client *c, const struct mbap_request *req,
    unsigned device, ev_tstamp now)
{
	struct warden *w = client_warden(c);
	struct policy_decision *d = w->decision;

	policy_decide(w->cfg, w->memory, device, req, now, d);
	/* A function that is not allowed is refused 0x01 in every state;
	 * any other it cannot judge may write: 0x0A. */
	if (!req->known && d->verdict != POLICY_ALLOW) {
		w->metrics.requests[METRICS_REJECTED]++;
		gate_refuse(c, req, d, "request_rejected", d->exception);
		return;
	}
	d->rule = "takeover";
	d->has_limit = 0;
	w->metrics.requests[METRICS_ISOLATED]++;
	gate_refuse(c, req, d, "write_rejected", MODBUS_EXCEPTION_GATEWAY_PATH);
}

/* enforce: the decision in w->decision carried out (gate_plan.h). */
static void
gate_enforce(struct client *c, const uint8_t *adu, size_t len,
    const struct mbap_request *req, unsigned device, ev_tstamp now)
{
	struct warden *w = client_warden(c);
	const struct policy_decision *d = w->decision;
	struct gate_plan p;

	gate_plan_enforce(d, adu, len, req, device_ready(w->devices, device),
	    &p);
	if (p.event != NULL && record_decision(w, client_name(c), req, d,
	    p.event, p.exception) == -1 && p.exception == 0) {
		/* Not on the record, so not forwarded either. */
		client_send_exception(c, req->tid, req->unit, req->fc,
		    MODBUS_EXCEPTION_SLAVE_OR_SERVER_FAILURE);
		return;
	}
	if (p.exception != 0)
		client_send_exception(c, req->tid, req->unit, req->fc,
		    p.exception);
	else if (gate_forward(c, p.frame, p.len, &p.fwd, device) != 0)
		return;         /* not sent: the client has its answer */
	else
		policy_accept(w->memory, d, now);
	if (p.violation)
		gate_violation(w, d);
}

void
gate_judge(struct client *c, const uint8_t *adu, size_t len,
    const struct mbap_request *req, unsigned device, uint8_t read)
{
	struct warden *w = client_warden(c);
	struct policy_decision *d = w->decision;
	ev_tstamp now = ev_now(w->loop);
	int judged = req->is_write || !req->known, code;

	if (judged && w->guard.state == GUARD_STATE_TAKEOVER) {
		gate_isolated(c, req, device, now);
		return;
	}
	policy_decide(w->cfg, w->memory, device, req, now, d);
	if (!judged) {
		metrics_count_read(&w->metrics, d, w->cfg->mode);
		/* Reads are not audited; monitor mode forwards them all. */
		if (d->verdict == POLICY_ALLOW || w->cfg->mode == MODE_MONITOR)
			gate_forward(c, adu, len, req, device);
		else
			client_send_exception(c, req->tid, req->unit, req->fc,
			    d->exception);
		return;
	}
	if (d->verdict == POLICY_READ) {
		/* Decided again once the device's value is in. */
		if (read == GATE_NOT_READ &&
		    (code = baseline_read(c, adu, len, req, device)) == 0)
			return;
		d->exception = read != GATE_NOT_READ ? read : (uint8_t)code;
	}
	metrics_count_decision(&w->metrics, d, w->cfg->mode);
	if (w->cfg->mode == MODE_MONITOR)
		gate_monitor_mode(c, adu, len, req, device, judged);
	else
		gate_enforce(c, adu, len, req, device, now);
}

void
gate_request(struct client *c, const uint8_t *adu, size_t len,
    const struct mbap_request *req, unsigned device)
{
	struct warden *w = client_warden(c);

	guard_ai_activity(&w->guard, ev_now(w->loop));
	gate_judge(c, adu, len, req, device, GATE_NOT_READ);
}
