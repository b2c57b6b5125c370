/*
 * ramp.c: the ramps (ramp.h). One entry per point of w->cfg, active or
 * not, each with its timer. A step goes the way an AI write goes
 * (docs/ARCHITECTURE.md, "One AI write"): its record queued first
 * (record_ramp_step), then handed to the device with the record's
 * ticket as its hold, so it leaves only once gate_flush() has written
 * the record. The policy's memory counts it like an AI write (in flight,
 * then settled; max_rate runs from it), so the AI's next write is judged
 * against where the ramp has taken the point.
 */
#include <stdlib.h>
#include <string.h>

#include <modbus.h>

#include "log.h"
#include "point.h"
#include "ramp.h"
#include "ramp_plan.h"
#include "record.h"
#include "settle.h"
#include "warden.h"

struct ramp_entry {
	struct ramp *r;
	unsigned point;                 /* into w->cfg->points */
	int active;
	int in_flight;                  /* a step sent, not yet answered */
	double from, target, target_raw;
	double current;                 /* the last step confirmed */
	double step_value;              /* the step in flight */
	double step_raw;
	const char *limit;              /* what bound the last step */
	double limit_value;
	unsigned steps;
	double since;
	double next_at;                 /* the last step sent + interval */
	ev_timer timer;
};

struct ramp {
	struct warden *w;
	struct ramp_entry *entries;     /* w->cfg->n_points of them */
	size_t n;
	size_t active;
};

static const struct config_point *
ramp_point(const struct ramp_entry *e)
{
	return &e->r->w->cfg->points[e->point];
}

/* The record of e as it stands. */
static void
ramp_describe(const struct ramp_entry *e, struct record_ramp *rec)
{
	memset(rec, 0, sizeof *rec);
	rec->point = e->point;
	rec->target = e->target;
	rec->steps = e->steps;
	rec->has_at = 1;
	rec->at = e->current;
}

/* e is over: its record, and nothing of it goes on. A step on the wire
 * ends unheard: its settle still tells the policy. */
static void
ramp_end(struct ramp_entry *e, const char *event, struct record_ramp *rec)
{
	struct warden *w = e->r->w;

	if (!e->active)
		return;
	record_ramp_end(w, event, rec);
	ev_timer_stop(w->loop, &e->timer);
	device_forget(w->devices, e);
	e->active = 0;
	e->in_flight = 0;
	e->r->active--;
}

static void
ramp_stop(struct ramp_entry *e, const char *cause, uint8_t exception)
{
	struct record_ramp rec;

	ramp_describe(e, &rec);
	rec.cause = cause;
	rec.exception = exception;
	log_warnx("ramp of %s to %g stopped at %g: %s", ramp_point(e)->name,
	    e->target, e->current, cause);
	ramp_end(e, "ramp_stopped", &rec);
}

/* The step's frame: fc 6 for one register, fc 16 for two. */
static size_t
ramp_encode(const struct ramp_entry *e, double raw, uint8_t *adu)
{
	const struct config *cfg = e->r->w->cfg;
	const struct config_point *p = ramp_point(e);
	uint8_t unit = cfg->devices[p->device].device_unit_id;
	uint16_t words[2];

	point_encode(p, raw, words);
	if (p->width == 1)
		return mbap_encode_write_register(adu, 0, unit, p->address,
		    words[0]);
	return mbap_encode_write_registers(adu, 0, unit, p->address, 2,
	    words);
}

static void ramp_step_done(void *ctx, const struct inflight *in,
    const uint8_t *answer, size_t len, uint8_t exception);

/* Write raw as the next step, its record first. 0, or the exception
 * that kept it from the device (the ramp is stopped then). */
static uint8_t
ramp_send(struct ramp_entry *e, double raw, const char *limit,
    double limit_value)
{
	struct warden *w = e->r->w;
	const struct config_point *p = ramp_point(e);
	ev_tstamp now = ev_now(w->loop);
	struct record_ramp rec;
	struct mbap_request fwd;
	struct inflight in;
	int code;

	memset(&in, 0, sizeof in);
	in.len = (uint16_t)ramp_encode(e, raw, in.adu);
	if (in.len == 0 || mbap_decode_request(in.adu, in.len, &fwd) != 0) {
		ramp_stop(e, "device_error",
		    MODBUS_EXCEPTION_SLAVE_OR_SERVER_FAILURE);
		return MODBUS_EXCEPTION_SLAVE_OR_SERVER_FAILURE;
	}
	e->limit = limit;
	e->limit_value = limit_value;
	e->step_raw = raw;
	e->step_value = point_value(p, raw);
	ramp_describe(e, &rec);
	rec.steps = e->steps + 1;
	rec.at = e->step_value;
	rec.limit = limit;
	rec.limit_value = limit_value;
	/* Nothing reaches the device that the record does not show. */
	if ((in.hold = record_ramp_step(w, &rec)) == 0) {
		ramp_stop(e, "audit", 0);
		return MODBUS_EXCEPTION_SLAVE_OR_SERVER_FAILURE;
	}
	in.done = ramp_step_done;
	in.ctx = e;
	in.settle = settle_write;
	in.settle_ctx = w;
	in.policy_gen = w->policy_gen;
	in.device = p->device;
	in.received_at = now;
	mbap_expect_of(&fwd, &in.expect);
	policy_forward(w->cfg, w->memory, p->device, &fwd);
	if ((code = device_submit(w->devices, p->device, DEVICE_AI,
	    &in)) != 0) {
		policy_settle(w->cfg, w->memory, p->device, &fwd,
		    w->policy_gen, POLICY_NOT_WRITTEN, now);
		ramp_stop(e, "device_error", (uint8_t)code);
		return (uint8_t)code;
	}
	policy_accept_step(w->memory, e->point, raw, now);
	e->steps++;
	e->in_flight = 1;
	e->next_at = now + ramp_plan_interval(p);
	return 0;
}

static void
ramp_arm(struct ramp_entry *e, double at)
{
	struct warden *w = e->r->w;
	double wait = at - ev_now(w->loop);

	ev_timer_stop(w->loop, &e->timer);
	ev_timer_set(&e->timer, wait > 0 ? wait : 0, 0.);
	ev_timer_start(w->loop, &e->timer);
}

/* The timer: the next step, planned from what the policy knows now. */
static void
ramp_timer_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
	struct ramp_entry *e = t->data;
	struct warden *w = e->r->w;
	const struct policy_memory *m = &w->memory[e->point];
	struct record_ramp rec;
	struct ramp_origin o;
	struct ramp_step s;
	ev_tstamp now = ev_now(loop);

	(void)revents;
	if (!e->active || e->in_flight)
		return;
	if (!m->known) {
		ramp_stop(e, "limits", 0);
		return;
	}
	o.at.lo = o.at.hi = m->known_raw;
	if (m->inflight > 0) {
		o.at.lo = m->inflight_lo < o.at.lo ? m->inflight_lo : o.at.lo;
		o.at.hi = m->inflight_hi > o.at.hi ? m->inflight_hi : o.at.hi;
	}
	o.has_rate = m->accepted;
	o.rate_raw = m->accepted_lo;
	o.rate_at = m->accepted_at;
	ramp_plan_next(ramp_point(e), &o, e->target_raw, now, &s);
	switch (s.result) {
	case RAMP_PLAN_REACHED:
		ramp_describe(e, &rec);
		ramp_end(e, "ramp_done", &rec);
		return;
	case RAMP_PLAN_STUCK:
		ramp_stop(e, "limits", 0);
		return;
	case RAMP_PLAN_STEP:
		break;
	}
	if (s.at > now) {
		ramp_arm(e, s.at);
		return;
	}
	ramp_send(e, s.raw, s.limit, s.limit_value);
}

/* device_done_fn: the device's answer to a step. */
static void
ramp_step_done(void *ctx, const struct inflight *in, const uint8_t *answer,
    size_t len, uint8_t exception)
{
	struct ramp_entry *e = ctx;
	struct record_ramp rec;

	(void)in;
	(void)len;
	e->in_flight = 0;
	/* Withdrawn (0x04 from the gateway itself): its record was not
	 * written. */
	if (answer == NULL && exception ==
	    MODBUS_EXCEPTION_SLAVE_OR_SERVER_FAILURE) {
		ramp_stop(e, "audit", 0);
		return;
	}
	if (answer == NULL || (answer[MBAP_HEADER_LEN] & 0x80) != 0) {
		ramp_stop(e, "device_error", answer == NULL ? exception :
		    answer[MBAP_HEADER_LEN + 1]);
		return;
	}
	e->current = e->step_value;
	if (e->step_raw == e->target_raw) {
		ramp_describe(e, &rec);
		log_info("ramp of %s reached %g in %u steps",
		    ramp_point(e)->name, e->target, e->steps);
		ramp_end(e, "ramp_done", &rec);
		return;
	}
	ramp_arm(e, e->next_at);
}

/* A new value for e's point: the ramp ends, replaced by it. */
static void
ramp_replaced(struct ramp_entry *e, double by)
{
	struct record_ramp rec;

	ramp_describe(e, &rec);
	rec.has_by = 1;
	rec.by = by;
	ramp_end(e, "ramp_replaced", &rec);
}

uint8_t
ramp_start(struct ramp *r, const struct policy_decision *d)
{
	struct warden *w = r->w;
	struct ramp_entry *e = &r->entries[d->point.point];
	const struct policy_memory *m = &w->memory[d->point.point];

	ramp_replaced(e, d->point.value);
	e->active = 1;
	r->active++;
	e->target = d->point.value;
	e->target_raw = d->point.raw;
	e->from = m->known ? m->known_value : d->point.forwarded_value;
	e->current = e->from;
	e->steps = 0;
	e->since = ev_now(w->loop);
	log_info("ramp of %s to %g from %g (%s)", ramp_point(e)->name,
	    e->target, e->from, d->rule);
	/* The first step is the policy's: what a clamp would forward. */
	return ramp_send(e, d->point.forwarded_raw, d->rule, d->limit);
}

void
ramp_replace(struct ramp *r, const struct policy_decision *d)
{
	unsigned i;

	if (r->active == 0)
		return;
	for (i = 0; i < d->n_writes; i++)
		ramp_replaced(&r->entries[d->writes[i].point],
		    d->writes[i].forwarded_value);
}

void
ramp_stop_all(struct ramp *r, const char *cause)
{
	size_t i;

	for (i = 0; i < r->n && r->active > 0; i++)
		if (r->entries[i].active)
			ramp_stop(&r->entries[i], cause, 0);
}

/* An entry for each point of w->cfg, none active; -1 when out of
 * memory (then none). */
static int
ramp_entries(struct ramp *r)
{
	size_t i;

	r->n = r->w->cfg->n_points;
	r->active = 0;
	if ((r->entries = calloc(r->n + 1, sizeof *r->entries)) == NULL) {
		r->n = 0;
		return -1;
	}
	for (i = 0; i < r->n; i++) {
		r->entries[i].r = r;
		r->entries[i].point = (unsigned)i;
		ev_timer_init(&r->entries[i].timer, ramp_timer_cb, 0., 0.);
		r->entries[i].timer.data = &r->entries[i];
	}
	return 0;
}

struct ramp *
ramp_new(struct warden *w)
{
	struct ramp *r;

	if ((r = calloc(1, sizeof *r)) == NULL)
		return NULL;
	r->w = w;
	if (ramp_entries(r) == -1) {
		free(r);
		return NULL;
	}
	return r;
}

void
ramp_free(struct ramp *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->n; i++)
		ev_timer_stop(r->w->loop, &r->entries[i].timer);
	free(r->entries);
	free(r);
}

int
ramp_reconfigure(struct ramp *r)
{
	free(r->entries);
	return ramp_entries(r);
}

size_t
ramp_list(const struct ramp *r, struct ramp_info *out, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < r->n && n < max && n < r->active; i++) {
		const struct ramp_entry *e = &r->entries[i];

		if (!e->active)
			continue;
		out[n++] = (struct ramp_info){ .point = e->point,
		    .from = e->from, .target = e->target,
		    .current = e->current, .limit = e->limit,
		    .steps = e->steps, .since = e->since };
	}
	return n;
}

size_t
ramp_active(const struct ramp *r)
{
	return r->active;
}
