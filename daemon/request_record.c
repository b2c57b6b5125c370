/*
 * request_record.c: the audit record of a decision on one AI request
 * (see request_record.h).
 */
#include "request_record.h"

#include <math.h>
#include <string.h>

#include <modbus.h>

#define COIL_ON 0xFF00

/* A function the policy cannot judge is a request, not a write. */
static const char *
request_event(const struct mbap_request *req, const char *event)
{
	if (req->known)
		return event;
	if (strcmp(event, "write_allowed") == 0)
		return "request_allowed";
	if (strcmp(event, "write_rejected") == 0)
		return "request_rejected";
	return event;
}

/* A float32's raw value is no integer (and may be NaN): its engineering
 * value says it all. */
static int
raw_is_integer(const struct config_point *p, double raw)
{
	return p->type != TYPE_FLOAT32 && isfinite(raw);
}

/* The decision's own fields: the point it is about, the rule. */
static void
record_verdict(struct request_record *r, const struct policy_decision *d,
    uint8_t exception)
{
	struct audit_event *ev = &r->ev;
	const struct config_point *p;

	if (d->has_point) {
		p = &r->cfg->points[d->point.point];
		ev->point = p->name;
		if (d->point.has_value) {
			ev->has_value = 1;
			ev->value = d->point.value;
			ev->has_raw = raw_is_integer(p, d->point.raw);
			ev->raw = ev->has_raw ? (int64_t)d->point.raw : 0;
			/* Only what did (or in monitor mode would) reach
			 * the device: not a clamp refused in TAKEOVER. */
			ev->has_forwarded = (d->verdict == POLICY_CLAMP ||
			    d->verdict == POLICY_RAMP) && exception == 0;
			ev->forwarded = d->point.forwarded_value;
		}
	}
	if (d->rule != NULL) {
		ev->rule = d->rule;
		ev->has_limit = d->has_limit;
		ev->limit = d->limit;
	}
}

/* audit_point_fn for the decision's points written. */
static void
record_point(const void *ctx, size_t i, struct audit_point *out)
{
	const struct request_record *r = ctx;
	const struct policy_write *w = &r->d->writes[i];
	const struct config_point *p = &r->cfg->points[w->point];

	out->point = p->name;
	if (!w->has_value)
		return;
	out->has_value = 1;
	out->value = w->value;
	out->has_raw = raw_is_integer(p, w->raw);
	out->raw = out->has_raw ? (int64_t)w->raw : 0;
	out->has_forwarded = r->ev.has_forwarded &&
	    w->forwarded_raw != w->raw;
	out->forwarded = w->forwarded_value;
}

static struct audit_extra *
record_extra(struct request_record *r, const char *key,
    enum audit_extra_type type)
{
	struct audit_extra *x = &r->extra[r->ev.n_extra++];

	memset(x, 0, sizeof *x);
	x->key = key;
	x->type = type;
	return x;
}

static void
record_uint(struct request_record *r, const char *key, uint64_t u)
{
	record_extra(r, key, AUDIT_UINT)->u = u;
}

static void
record_list(struct request_record *r, const char *key,
    enum audit_extra_type type, const uint8_t *bytes, size_t n)
{
	struct audit_extra *x = record_extra(r, key, type);

	x->bytes = bytes;
	x->n = n;
}

/* What the request carries: its addresses and every value, as sent. */
static void
record_request(struct request_record *r, const struct mbap_request *req)
{
	if (!req->known) {
		if (req->pdu_len > 1)
			record_list(r, "data", AUDIT_HEX, req->pdu + 1,
			    req->pdu_len - 1u);
		return;
	}
	if (!req->is_write)
		return;
	record_uint(r, "address", req->write_address);
	record_uint(r, "count", req->write_quantity);
	switch (req->fc) {
	case MODBUS_FC_WRITE_SINGLE_COIL:
		r->coil = mbap_get_u16(req->data) == COIL_ON;
		record_list(r, "values", AUDIT_BITS, &r->coil, 1);
		break;
	case MODBUS_FC_WRITE_MULTIPLE_COILS:
		record_list(r, "values", AUDIT_BITS, req->data,
		    req->write_quantity);
		break;
	case MODBUS_FC_MASK_WRITE_REGISTER:
		record_uint(r, "and_mask", req->and_mask);
		record_uint(r, "or_mask", req->or_mask);
		break;
	default:                /* 6, 16, 23: registers */
		record_list(r, "values", AUDIT_WORDS, req->data,
		    req->write_quantity);
		break;
	}
	if (req->fc == MODBUS_FC_WRITE_AND_READ_REGISTERS) {
		record_uint(r, "read_address", req->read_address);
		record_uint(r, "read_count", req->read_quantity);
	}
}

void
request_record_fill(struct request_record *r, const struct config *cfg,
    const struct mbap_request *req, const struct policy_decision *d,
    const char *event, uint8_t exception)
{
	struct audit_extra *x;

	memset(&r->ev, 0, sizeof r->ev);
	r->cfg = cfg;
	r->d = d;
	r->ev.event = request_event(req, event);
	r->ev.has_unit = 1;
	r->ev.unit = req->unit;
	r->ev.has_fc = 1;
	r->ev.fc = req->fc;
	r->ev.extra = r->extra;
	if (d != NULL)
		record_verdict(r, d, exception);
	r->ev.has_exception = exception != 0;
	r->ev.exception = exception;
	record_request(r, req);
	/* One point is the verdict's own; more are listed each. */
	if (d != NULL && d->n_writes > 1) {
		x = record_extra(r, "points", AUDIT_POINTS);
		x->n = d->n_writes;
		x->point = record_point;
		x->ctx = r;
	}
}

void
request_record_who(struct request_record *r, const char *role,
    const char *identity)
{
	record_extra(r, "role", AUDIT_STRING)->s = role;
	record_extra(r, "identity", AUDIT_STRING)->s = identity;
}
