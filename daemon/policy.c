/*
 * policy.c: the verdict on one request; the rules are listed in policy.h.
 * Every address a request touches is looked up in the config's
 * point_by_address tables, so a decision costs the same with ten points
 * configured or ten thousand.
 */
#include "policy.h"

#include <math.h>
#include <string.h>

#include "point.h"

/* Seconds a time limit may be short by and still be met: timestamps are
 * doubles, and 0.3 - 0.1 is less than 0.2 in them. */
#define TIME_SLACK 1e-9
#define COIL_ON 0xFF00

/* What one point's value earned. */
struct finding {
	enum policy_verdict verdict;
	const char *rule;
	int has_limit;
	double limit;
};

static void
decision_reset(struct policy_decision *d)
{
	d->verdict = POLICY_ALLOW;
	d->exception = 0;
	d->rule = NULL;
	d->has_limit = 0;
	d->limit = 0;
	d->has_point = 0;
	memset(&d->point, 0, sizeof d->point);
	d->n_writes = 0;
	d->frame_len = 0;
}

static void
decision_refuse(struct policy_decision *d, uint8_t exception,
    const char *rule)
{
	d->verdict = POLICY_REJECT;
	d->exception = exception;
	d->rule = rule;
}

/* A point's verdict becomes the request's when it is worse than any
 * before it (the enum is ordered by how bad). */
static void
decision_note(struct policy_decision *d, const struct policy_write *w,
    const struct finding *f)
{
	if (d->has_point && f->verdict <= d->verdict)
		return;
	d->verdict = f->verdict;
	d->rule = f->rule;
	d->has_limit = f->has_limit;
	d->limit = f->limit;
	d->has_point = 1;
	d->point = *w;
}

static const uint32_t *
table_of(const struct config *cfg, unsigned device, enum point_table table)
{
	if (!cfg->point_by_address || device >= cfg->n_devices)
		return NULL;
	return cfg->point_by_address[device][table];
}

static const struct config_point *
point_at(const struct config *cfg, const uint32_t *map, uint32_t address)
{
	uint32_t slot = map ? map[address] : 0;

	return slot ? &cfg->points[slot - 1] : NULL;
}

static int
read_table(uint8_t fc, enum point_table *table)
{
	switch (fc) {
	case MODBUS_FC_READ_COILS:
		*table = TABLE_COIL;
		return 1;
	case MODBUS_FC_READ_DISCRETE_INPUTS:
		*table = TABLE_DISCRETE;
		return 1;
	case MODBUS_FC_READ_HOLDING_REGISTERS:
	case MODBUS_FC_WRITE_AND_READ_REGISTERS:
		*table = TABLE_HOLDING;
		return 1;
	case MODBUS_FC_READ_INPUT_REGISTERS:
		*table = TABLE_INPUT;
		return 1;
	}
	return 0;
}

static enum point_table
write_table(uint8_t fc)
{
	return fc == MODBUS_FC_WRITE_SINGLE_COIL ||
	    fc == MODBUS_FC_WRITE_MULTIPLE_COILS ? TABLE_COIL : TABLE_HOLDING;
}

static int
reads_declared(const struct config *cfg, unsigned device,
    enum point_table table, uint16_t address, uint16_t quantity)
{
	const uint32_t *map = table_of(cfg, device, table);
	uint32_t end = (uint32_t)address + quantity;

	if (!map)
		return 0;
	for (uint32_t a = address; a < end; a++)
		if (!map[a])
			return 0;
	return 1;
}

static int
point_wholly_in(const struct config_point *pt, uint32_t start, uint32_t end)
{
	return pt->address >= start && pt->address + pt->width <= end;
}

/*
 * The address pass: every address written must be a writable point's,
 * and every point written must be written whole. Fills d->writes with
 * the points; returns 0, or -1 with d refused.
 */
static int
writes_locate(const struct config *cfg, unsigned device,
    const struct mbap_request *req, struct policy_decision *d)
{
	const uint32_t *map = table_of(cfg, device, write_table(req->fc));
	uint32_t start = req->write_address;
	uint32_t end = start + req->write_quantity;
	const struct config_point *pt, *partial = NULL;

	for (uint32_t a = start; a < end; a = pt->address + pt->width) {
		pt = point_at(cfg, map, a);
		if (!pt || !pt->writable ||
		    d->n_writes == POLICY_MAX_WRITES) {
			decision_refuse(d,
			    MODBUS_EXCEPTION_ILLEGAL_DATA_ADDRESS,
			    "not_writable");
			d->has_point = pt != NULL;
			d->point.point = pt ? (unsigned)(pt - cfg->points) : 0;
			d->n_writes = 0;
			return -1;
		}
		if (!partial && !point_wholly_in(pt, start, end))
			partial = pt;
		d->writes[d->n_writes++].point = (unsigned)(pt - cfg->points);
	}
	if (partial) {
		decision_refuse(d, MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE,
		    "partial_point");
		d->has_point = 1;
		d->point.point = (unsigned)(partial - cfg->points);
		d->n_writes = 0;
		return -1;
	}
	return 0;
}

/* What a mask write leaves in a one-register point holding raw. */
static double
mask_apply(const struct config_point *pt, double raw, uint16_t and_mask,
    uint16_t or_mask)
{
	uint16_t word;

	point_encode(pt, raw, &word);
	word = (uint16_t)((word & and_mask) | (or_mask & ~and_mask));
	return point_decode(pt, &word);
}

/*
 * The smallest and largest raw values a mask write can leave in a
 * one-register point (bool, int16, uint16), whatever the register holds:
 * the bits and_mask keeps all 0, then all 1, in the order of the type's
 * values (an int16 orders as its word with the sign bit flipped).
 */
static void
mask_span(const struct config_point *pt, uint16_t and_mask, uint16_t or_mask,
    double *lo, double *hi)
{
	uint16_t flip = pt->type == TYPE_INT16 ? 0x8000 : 0;
	uint16_t low = (uint16_t)(((or_mask & ~and_mask) ^ flip) & ~and_mask);
	uint16_t word;

	word = (uint16_t)(low ^ flip);
	*lo = point_decode(pt, &word);
	word = (uint16_t)((low | and_mask) ^ flip);
	*hi = point_decode(pt, &word);
}

/* The raw values a request can leave in a point it covers whole. */
static void
write_span(const struct config_point *pt, const struct mbap_request *req,
    double *lo, double *hi)
{
	switch (req->fc) {
	case MODBUS_FC_WRITE_SINGLE_COIL:
		*lo = *hi = mbap_get_u16(req->data) == COIL_ON;
		return;
	case MODBUS_FC_MASK_WRITE_REGISTER:
		mask_span(pt, req->and_mask, req->or_mask, lo, hi);
		return;
	default:
		*lo = *hi = point_get_raw(pt, req->data, req->write_address);
		return;
	}
}

/* What w asks of its point; a mask write leaving bits to the device is
 * shown by its result on the last known value, when there is one. */
static void
write_value(const struct config_point *pt, const struct policy_memory *m,
    const struct mbap_request *req, struct policy_write *w)
{
	write_span(pt, req, &w->raw_lo, &w->raw_hi);
	w->has_value = 1;
	w->raw = w->raw_lo;
	/* Only a mask write can leave more than one value (and a NaN is not
	 * equal to itself). */
	if (req->fc != MODBUS_FC_MASK_WRITE_REGISTER || w->raw_lo == w->raw_hi)
		return;
	if (m->known)
		w->raw = mask_apply(pt, m->known_raw, req->and_mask,
		    req->or_mask);
	else
		w->has_value = 0;
}

static void
finding_set(struct finding *f, enum policy_verdict verdict, const char *rule,
    int has_limit, double limit)
{
	f->verdict = verdict;
	f->rule = rule;
	f->has_limit = has_limit;
	f->limit = limit;
}

/* The first rule broken names the violation; later ones only narrow the
 * span a clamp may use. */
static void
check_span(const struct policy_write *w, struct point_span span,
    const char *rule, double limit, struct point_span *allowed,
    struct finding *f)
{
	if (!point_span_holds(span, w->raw_lo, w->raw_hi) && !f->rule)
		finding_set(f, POLICY_REJECT, rule, 1, limit);
	*allowed = point_span_meet(*allowed, span);
}

static void
check_bounds(const struct config_point *pt, const struct policy_write *w,
    struct point_span *allowed, struct finding *f)
{
	const struct config_write *lim = &pt->write;
	int is_bool = pt->type == TYPE_BOOL;
	double lo = lim->has_min ? lim->min : is_bool ? 0 : -INFINITY;
	double hi = lim->has_max ? lim->max : is_bool ? 1 : INFINITY;

	check_span(w, point_span_of(pt, lo, INFINITY), "min", lo, allowed, f);
	check_span(w, point_span_of(pt, -INFINITY, hi), "max", hi, allowed, f);
}

/* The last known value and every value in flight: what max_step keeps
 * the next write near. */
static struct point_span
memory_settled(const struct policy_memory *m)
{
	struct point_span s = { m->known_raw, m->known_raw };

	if (m->inflight > 0) {
		s.lo = fmin(s.lo, m->inflight_lo);
		s.hi = fmax(s.hi, m->inflight_hi);
	}
	return s;
}

/* How far raw lies outside s, in raw units; an empty s is farther than
 * anything. */
static double
span_distance(struct point_span s, double raw)
{
	if (point_span_empty(s))
		return INFINITY;
	return fabs(raw - point_span_clamp(s, raw));
}

/* on_violation turns a broken rule into a verdict. allowed is NULL when
 * no value could mend it (min_interval, not_finite). */
static void
violation_settle(const struct config_point *pt,
    const struct point_span *allowed, struct policy_write *w,
    struct finding *f)
{
	switch (pt->write.on_violation) {
	case VIOLATION_TAKEOVER:
		f->verdict = POLICY_TAKEOVER;
		return;
	case VIOLATION_CLAMP:
		/* A mask write leaving bits to the device has no one value
		 * to move. */
		if (!allowed || point_span_empty(*allowed) ||
		    w->raw_lo != w->raw_hi)
			break;
		f->verdict = POLICY_CLAMP;
		w->forwarded_raw = point_span_clamp(*allowed, w->raw);
		w->forwarded_value = point_value(pt, w->forwarded_raw);
		return;
	case VIOLATION_RAMP:
		/* Only a step or rate too large is walked to; a target
		 * outside min/max is refused. The first step is what a
		 * clamp would forward. */
		if (!allowed || point_span_empty(*allowed) ||
		    w->raw_lo != w->raw_hi ||
		    (strcmp(f->rule, "max_step") != 0 &&
		    strcmp(f->rule, "max_rate") != 0))
			break;
		f->verdict = POLICY_RAMP;
		w->forwarded_raw = point_span_clamp(*allowed, w->raw);
		w->forwarded_value = point_value(pt, w->forwarded_raw);
		return;
	case VIOLATION_REJECT:
		break;
	}
	f->verdict = POLICY_REJECT;
}

static void
judge_point(const struct config_point *pt, const struct policy_memory *m,
    double now, struct policy_write *w, struct finding *f)
{
	const struct config_write *lim = &pt->write;
	struct point_span allowed = { -INFINITY, INFINITY };
	struct point_span accepted = { m->accepted_lo, m->accepted_hi };
	struct point_span step = allowed, rate;
	int step_named = 0;
	double reach;

	w->value = point_value(pt, w->raw);
	w->forwarded_raw = w->raw;
	w->forwarded_value = w->value;
	finding_set(f, POLICY_ALLOW, NULL, 0, 0);
	if (!isfinite(w->raw_lo) || !isfinite(w->raw_hi)) {
		finding_set(f, POLICY_REJECT, "not_finite", 0, 0);
		violation_settle(pt, NULL, w, f);
		return;
	}
	if (lim->has_min_interval && m->accepted &&
	    now - m->ai_at < lim->min_interval - TIME_SLACK) {
		finding_set(f, POLICY_REJECT, "min_interval", 1,
		    lim->min_interval);
		violation_settle(pt, NULL, w, f);
		return;
	}
	check_bounds(pt, w, &allowed, f);
	if (lim->has_max_step && !m->known &&
	    (!f->rule || lim->on_violation == VIOLATION_CLAMP ||
	    lim->on_violation == VIOLATION_RAMP)) {
		/* What is allowed depends on the device's value. */
		finding_set(f, POLICY_READ, "no_baseline", 0, 0);
		return;
	}
	if (lim->has_max_step && m->known) {
		step = point_span_near(pt, memory_settled(m), lim->max_step);
		step_named = !f->rule && !point_span_holds(step, w->raw_lo,
		    w->raw_hi);
		check_span(w, step, "max_step", lim->max_step, &allowed, f);
	}
	if (lim->has_max_rate && m->accepted) {
		reach = lim->max_rate *
		    (fmax(0, now - m->accepted_at) + TIME_SLACK);
		rate = point_span_near(pt, accepted, reach);
		check_span(w, rate, "max_rate", lim->max_rate, &allowed, f);
		/* Both broken: the record names the one that bound, the
		 * tighter of the two. */
		if (step_named && !point_span_holds(rate, w->raw_lo,
		    w->raw_hi) && span_distance(rate, w->raw) >
		    span_distance(step, w->raw))
			finding_set(f, POLICY_REJECT, "max_rate", 1,
			    lim->max_rate);
	}
	if (f->rule)
		violation_settle(pt, &allowed, w, f);
}

static void
writes_judge(const struct config *cfg, const struct policy_memory *memory,
    const struct mbap_request *req, double now, struct policy_decision *d)
{
	struct finding f;

	for (unsigned i = 0; i < d->n_writes; i++) {
		struct policy_write *w = &d->writes[i];
		const struct config_point *pt = &cfg->points[w->point];
		const struct policy_memory *m = &memory[w->point];

		write_value(pt, m, req, w);
		judge_point(pt, m, now, w, &f);
		decision_note(d, w, &f);
	}
}

/* The request again with the clamped values in place of the asked. */
static void
decision_rewrite(const struct config *cfg, const struct mbap_request *req,
    struct policy_decision *d)
{
	const uint8_t *frame = req->pdu - MBAP_HEADER_LEN;
	uint8_t *data = d->frame + (req->data - frame);
	uint16_t word;

	d->frame_len = MBAP_HEADER_LEN + (size_t)req->pdu_len;
	memcpy(d->frame, frame, d->frame_len);
	for (unsigned i = 0; i < d->n_writes; i++) {
		const struct policy_write *w = &d->writes[i];
		const struct config_point *pt = &cfg->points[w->point];

		if (w->forwarded_raw == w->raw)
			continue;
		switch (req->fc) {
		case MODBUS_FC_WRITE_SINGLE_COIL:
			mbap_put_u16(data, w->forwarded_raw != 0 ? COIL_ON : 0);
			break;
		case MODBUS_FC_MASK_WRITE_REGISTER:
			point_encode(pt, w->forwarded_raw, &word);
			mbap_put_u16(data, 0x0000);
			mbap_put_u16(data + 2, word);
			break;
		default:
			point_put_raw(pt, w->forwarded_raw, data,
			    req->write_address);
			break;
		}
	}
}

/*
 * A ramp answers the AI at once and walks one point: only a request
 * whose answer wardend can give without the device (fc 5, 6, 15, 16)
 * and that writes that one point. Anything else that would need one is
 * refused whole: half a request walked and half written is no answer
 * the AI could trust.
 */
static int
ramp_possible(const struct mbap_request *req, const struct policy_decision *d)
{
	switch (req->fc) {
	case MODBUS_FC_WRITE_SINGLE_COIL:
	case MODBUS_FC_WRITE_SINGLE_REGISTER:
	case MODBUS_FC_WRITE_MULTIPLE_COILS:
	case MODBUS_FC_WRITE_MULTIPLE_REGISTERS:
		return d->n_writes == 1;
	}
	return 0;
}

void
policy_decide(const struct config *cfg, const struct policy_memory *memory,
    unsigned device, const struct mbap_request *req, double now,
    struct policy_decision *d)
{
	enum point_table table;

	decision_reset(d);
	if (!req->known) {
		if (!cfg->allow_functions[req->fc])
			decision_refuse(d, MODBUS_EXCEPTION_ILLEGAL_FUNCTION,
			    "function");
		return;
	}
	if (cfg->reads == READS_DECLARED && read_table(req->fc, &table) &&
	    !reads_declared(cfg, device, table, req->read_address,
	    req->read_quantity)) {
		decision_refuse(d, MODBUS_EXCEPTION_ILLEGAL_DATA_ADDRESS,
		    "not_declared");
		return;
	}
	if (!req->is_write || writes_locate(cfg, device, req, d) != 0)
		return;
	writes_judge(cfg, memory, req, now, d);
	if (d->verdict == POLICY_RAMP && !ramp_possible(req, d))
		d->verdict = POLICY_REJECT;
	if (d->verdict == POLICY_CLAMP)
		decision_rewrite(cfg, req, d);
	else if (d->verdict == POLICY_REJECT || d->verdict == POLICY_TAKEOVER)
		d->exception = MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE;
}

void
policy_accept(struct policy_memory *memory, const struct policy_decision *d,
    double now)
{
	if (d->verdict != POLICY_ALLOW && d->verdict != POLICY_CLAMP &&
	    d->verdict != POLICY_RAMP)
		return;
	for (unsigned i = 0; i < d->n_writes; i++) {
		const struct policy_write *w = &d->writes[i];
		struct policy_memory *m = &memory[w->point];
		int one = w->raw_lo == w->raw_hi;

		m->accepted = 1;
		m->accepted_lo = one ? w->forwarded_raw : w->raw_lo;
		m->accepted_hi = one ? w->forwarded_raw : w->raw_hi;
		m->accepted_at = now;
		m->ai_at = now;
	}
}

void
policy_accept_step(struct policy_memory *memory, unsigned point, double raw,
    double now)
{
	struct policy_memory *m = &memory[point];

	m->accepted = 1;
	m->accepted_lo = m->accepted_hi = raw;
	m->accepted_at = now;
}

/* A value the device holds, unless a newer one is known. One it cannot
 * hold for this point (a NaN) makes the value unknown. */
static void
memory_learn(const struct config_point *pt, struct policy_memory *m,
    double raw, double at, int from_write)
{
	if (m->known_at > at)
		return;
	m->known_at = at;
	m->known_from_write = from_write;
	m->known = point_raw_valid(pt, raw);
	if (!m->known)
		return;
	m->known_raw = raw;
	m->known_value = point_value(pt, raw);
}

/* From at on nothing read before it counts. */
static void
memory_forget(struct policy_memory *m, double at)
{
	m->known = 0;
	m->known_from_write = 0;
	if (m->known_at < at)
		m->known_at = at;
}

/*
 * The next point a forwarded write covers whole, from address *at on
 * (the write's own address at first); NULL when there is none left.
 */
static const struct config_point *
written_next(const struct config *cfg, const uint32_t *map,
    const struct mbap_request *fwd, uint32_t *at)
{
	uint32_t start = fwd->write_address;
	uint32_t end = start + fwd->write_quantity;
	const struct config_point *pt;

	while (*at < end) {
		if ((pt = point_at(cfg, map, *at)) == NULL) {
			(*at)++;
			continue;
		}
		*at = (uint32_t)pt->address + pt->width;
		if (point_wholly_in(pt, start, end))
			return pt;
	}
	return NULL;
}

void
policy_forward(const struct config *cfg, struct policy_memory *memory,
    unsigned device, const struct mbap_request *fwd)
{
	const uint32_t *map;
	const struct config_point *pt;
	uint32_t at = fwd->write_address;
	double lo, hi;

	if (!fwd->is_write)
		return;
	map = table_of(cfg, device, write_table(fwd->fc));
	while ((pt = written_next(cfg, map, fwd, &at)) != NULL) {
		struct policy_memory *m = &memory[pt - cfg->points];

		write_span(pt, fwd, &lo, &hi);
		if (m->inflight++ == 0) {
			m->inflight_lo = lo;
			m->inflight_hi = hi;
		} else {
			m->inflight_lo = fmin(m->inflight_lo, lo);
			m->inflight_hi = fmax(m->inflight_hi, hi);
		}
	}
}

void
policy_settle(const struct config *cfg, struct policy_memory *memory,
    unsigned device, const struct mbap_request *fwd, unsigned generation,
    enum policy_outcome outcome, double now)
{
	const uint32_t *map;
	const struct config_point *pt;
	uint32_t at = fwd->write_address;
	double lo, hi;

	if (!fwd->is_write)
		return;
	map = table_of(cfg, device, write_table(fwd->fc));
	while ((pt = written_next(cfg, map, fwd, &at)) != NULL) {
		struct policy_memory *m = &memory[pt - cfg->points];

		if (generation >= m->since && m->inflight > 0)
			m->inflight--;
		write_span(pt, fwd, &lo, &hi);
		if (outcome == POLICY_UNKNOWN || (outcome == POLICY_WRITTEN &&
		    fwd->fc == MODBUS_FC_MASK_WRITE_REGISTER && lo != hi))
			memory_forget(m, now);
		else if (outcome == POLICY_WRITTEN)
			memory_learn(pt, m, lo, now, 1);
	}
}

void
policy_inflight_lost(const struct config *cfg, struct policy_memory *memory,
    double now)
{
	for (size_t i = 0; i < cfg->n_points; i++) {
		if (memory[i].inflight == 0)
			continue;
		memory[i].inflight = 0;
		memory_forget(&memory[i], now);
	}
}

void
policy_observe(const struct config *cfg, struct policy_memory *memory,
    unsigned point, double raw, double at)
{
	if (point < cfg->n_points)
		memory_learn(&cfg->points[point], &memory[point], raw, at, 0);
}

static long
device_named(const struct config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->n_devices; i++)
		if (strcmp(cfg->devices[i].name, name) == 0)
			return (long)i;
	return -1;
}

static int
point_same(const struct config_point *a, const struct config_point *b)
{
	return strcmp(a->name, b->name) == 0 && a->table == b->table &&
	    a->address == b->address && a->type == b->type &&
	    a->order == b->order && a->scale == b->scale &&
	    a->offset == b->offset;
}

void
policy_memory_carry(const struct config *old_cfg,
    const struct policy_memory *old_memory, const struct config *new_cfg,
    struct policy_memory *new_memory, unsigned generation)
{
	for (size_t i = 0; i < new_cfg->n_points; i++) {
		const struct config_point *np = &new_cfg->points[i];
		const char *dev = new_cfg->devices[np->device].name;
		long od = device_named(old_cfg, dev);
		const struct config_point *op = od < 0 ? NULL :
		    point_at(old_cfg, table_of(old_cfg, (unsigned)od,
		    np->table), np->address);

		memset(&new_memory[i], 0, sizeof new_memory[i]);
		new_memory[i].since = generation;
		if (op && point_same(op, np))
			new_memory[i] = old_memory[op - old_cfg->points];
	}
}

const char *
policy_verdict_name(enum policy_verdict verdict)
{
	switch (verdict) {
	case POLICY_ALLOW:
		return "allow";
	case POLICY_CLAMP:
		return "clamp";
	case POLICY_RAMP:
		return "ramp";
	case POLICY_READ:
		return "read";
	case POLICY_REJECT:
		return "reject";
	case POLICY_TAKEOVER:
		return "takeover";
	}
	return "?";
}

const char *
policy_event_name(const struct policy_decision *d, enum config_mode mode)
{
	int monitor = mode == MODE_MONITOR;

	switch (d->verdict) {
	case POLICY_ALLOW:
		return "write_allowed";
	case POLICY_CLAMP:
		return monitor ? "would_clamp" : "write_clamped";
	case POLICY_RAMP:
		return monitor ? "would_ramp" : "ramp_started";
	case POLICY_READ:
	case POLICY_REJECT:
		return monitor ? "would_reject" : "write_rejected";
	case POLICY_TAKEOVER:
		return monitor ? "would_takeover" : "write_rejected";
	}
	return "?";
}
