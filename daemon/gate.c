/*
 * gate.c: the judgement on each AI request, between framing (client.c)
 * and forwarding (device.c). Every write decision is audited before it
 * takes effect; when the audit cannot be written, the write is refused,
 * since nothing may reach the plant that the record does not show.
 */
#include <stdio.h>
#include <string.h>

#include <modbus.h>

#include "log.h"
#include "request_record.h"
#include "warden.h"

void
gate_audit(struct warden *w, const struct audit_event *ev, int sync)
{
	if (audit_write(w->audit, ev, sync) == -1 &&
	    log_budget_allow(&w->abuse_log, ev_now(w->loop)))
		log_warn("audit: cannot record %s", ev->event);
}

/* One record for a decision on a request; -1 when it could not be
 * written. */
static int
gate_audit_decision(struct client *c, const struct mbap_request *req,
    const struct policy_decision *d, const char *event, uint8_t exception)
{
	struct warden *w = c->w;
	struct request_record rec;

	request_record_fill(&rec, w->cfg, req, d, event, exception);
	rec.ev.client = c->name;
	if (audit_write(w->audit, &rec.ev, 0) == -1) {
		if (log_budget_allow(&w->abuse_log, ev_now(w->loop)))
			log_warn("audit: cannot record %s; write refused",
			    rec.ev.event);
		return -1;
	}
	return 0;
}

static void
gate_violation(struct warden *w, const struct policy_decision *d)
{
	struct guard_result r;
	char what[CONFIG_NAME_MAX + 32];

	if (d->has_point)
		snprintf(what, sizeof what, "%s %s",
		    w->cfg->points[d->point.point].name, d->rule);
	else
		snprintf(what, sizeof what, "%s", d->rule);
	r = guard_violation(&w->guard, what, d->verdict == POLICY_TAKEOVER,
	    ev_now(w->loop));
	takeover_apply(w, &r, NULL);
}

/* 0 when the device can take a request now (up, queue not full). */
static int
gate_device_ready(const struct device *dev)
{
	if (dev->ai.n_up == 0)
		return MODBUS_EXCEPTION_GATEWAY_PATH;
	if (dev->ai.q_len >= dev->ai.q_cap)
		return MODBUS_EXCEPTION_SLAVE_OR_SERVER_BUSY;
	return 0;
}

static void
gate_forward(struct client *c, const uint8_t *adu, size_t len,
    const struct mbap_request *req, unsigned device)
{
	struct inflight r;
	int code;

	r.done = client_answer_cb;
	r.ctx = c;
	r.origin_tid = req->tid;
	r.origin_unit = req->unit;
	r.device = device;
	r.received_at = ev_now(c->w->loop);
	r.len = (uint16_t)len;
	memcpy(r.adu, adu, len);
	mbap_expect_of(req, &r.expect);
	if ((code = devpool_submit(&c->w->devices[device].ai, &r)) != 0) {
		client_send_exception(c, req->tid, req->unit, req->fc,
		    (uint8_t)code);
		return;
	}
	c->inflight++;
	c->w->counters.forwarded++;
}

static void
gate_refuse(struct client *c, const struct mbap_request *req,
    const struct policy_decision *d, const char *event, uint8_t exception)
{
	gate_audit_decision(c, req, d, event, exception);
	client_send_exception(c, req->tid, req->unit, req->fc, exception);
}

static void
gate_monitor_mode(struct client *c, const uint8_t *adu, size_t len,
    const struct mbap_request *req, unsigned device, int judged)
{
	struct warden *w = c->w;
	const struct policy_decision *d = w->decision;

	if (judged && gate_audit_decision(c, req, d,
	    policy_event_name(d, MODE_MONITOR), 0) == -1) {
		client_send_exception(c, req->tid, req->unit, req->fc,
		    MODBUS_EXCEPTION_SLAVE_OR_SERVER_FAILURE);
		return;
	}
	gate_forward(c, adu, len, req, device);
	policy_accept(w->memory, d, ev_now(w->loop));
	if (judged && d->verdict != POLICY_ALLOW)
		gate_violation(w, d);
}

void
gate_request(struct client *c, const uint8_t *adu, size_t len,
    const struct mbap_request *req, unsigned device)
{
	struct warden *w = c->w;
	struct policy_decision *d = w->decision;
	ev_tstamp now = ev_now(w->loop);
	int judged = req->is_write || !req->known, code;

	guard_ai_activity(&w->guard, now);
	if (judged && w->guard.state == GUARD_STATE_TAKEOVER) {
		policy_decide(w->cfg, w->memory, device, req, now, d);
		/* A function that is not allowed is refused 0x01 in every
		 * state; any other it cannot judge may write: 0x0A. */
		if (!req->known && d->verdict != POLICY_ALLOW) {
			w->metrics.requests[METRICS_REJECTED]++;
			gate_refuse(c, req, d, "request_rejected",
			    d->exception);
			return;
		}
		d->rule = "takeover";
		d->has_limit = 0;
		w->metrics.requests[METRICS_ISOLATED]++;
		gate_refuse(c, req, d, "write_rejected",
		    MODBUS_EXCEPTION_GATEWAY_PATH);
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
	metrics_count_decision(&w->metrics, d, w->cfg->mode);
	if (w->cfg->mode == MODE_MONITOR) {
		gate_monitor_mode(c, adu, len, req, device, judged);
		return;
	}
	switch (d->verdict) {
	case POLICY_ALLOW:
	case POLICY_CLAMP:
		if ((code = gate_device_ready(&w->devices[device])) != 0) {
			client_send_exception(c, req->tid, req->unit, req->fc,
			    (uint8_t)code);
			return;
		}
		if (gate_audit_decision(c, req, d,
		    policy_event_name(d, MODE_ENFORCE), 0) == -1) {
			client_send_exception(c, req->tid, req->unit, req->fc,
			    MODBUS_EXCEPTION_SLAVE_OR_SERVER_FAILURE);
			return;
		}
		if (d->verdict == POLICY_CLAMP) {
			struct mbap_request clamped;

			/* The device echoes what it got: expect the clamp. */
			if (mbap_decode_request(d->frame, d->frame_len,
			    &clamped) == 0)
				gate_forward(c, d->frame, d->frame_len,
				    &clamped, device);
		} else
			gate_forward(c, adu, len, req, device);
		policy_accept(w->memory, d, now);
		if (d->verdict == POLICY_CLAMP)
			gate_violation(w, d);
		break;
	case POLICY_REJECT:
	case POLICY_TAKEOVER:
		gate_refuse(c, req, d, policy_event_name(d, MODE_ENFORCE),
		    d->exception);
		gate_violation(w, d);
		break;
	}
}

/* A device answered a forwarded request: learn what it now holds. */
void
gate_answer(struct warden *w, const struct inflight *req,
    const uint8_t *answer, size_t len)
{
	struct mbap_request fwd;

	if (len <= MBAP_HEADER_LEN || (answer[MBAP_HEADER_LEN] & 0x80) != 0)
		return;
	if (mbap_decode_request(req->adu, req->len, &fwd) != 0 || !fwd.is_write)
		return;
	policy_confirm(w->cfg, w->memory, req->device, &fwd, ev_now(w->loop));
}
