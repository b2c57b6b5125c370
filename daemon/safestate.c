/*
 * safestate.c: on entry into TAKEOVER (and at start-up into a persisted
 * TAKEOVER), each safe_state value is written, in the configured order,
 * on wardend's own connection, after every AI write already in flight to
 * that device has been answered; then read back and compared. A write or
 * read that fails, or a value that does not match, is retried every
 * poll_interval and audited (once per failure streak) until verified.
 *
 * Then the safe state is held until release: each point is read again
 * every poll_interval of its device, and one found off its safe value
 * (PLC logic, another master) is written again (hold: true, the default)
 * or only reported (hold: false). safehold.c counts the reads into
 * episodes, so a point fought over makes two records, not two per scan.
 */
#include <stdlib.h>
#include <string.h>

#include <modbus.h>

#include "log.h"
#include "point.h"
#include "record.h"
#include "safehold.h"
#include "safestate.h"
#include "warden.h"

enum safe_status { SAFE_PENDING, SAFE_WRITING, SAFE_READING, SAFE_VERIFIED };

/* One safe_state entry being driven, then held. */
struct safe_entry {
	struct safestate *ss;
	unsigned index;                 /* into cfg->takeover.safe_state */
	enum safe_status status;        /* of the last write */
	ev_tstamp next_try;
	int failure_reported;
	ev_timer watch;                 /* poll_interval: read it again */
	int watching;                   /* that read in flight */
	int has_read;
	double last_read;               /* engineering, the last read */
	struct safehold hold;
};

struct safestate {
	struct warden *w;
	int active;                     /* in TAKEOVER: driving or holding */
	int paused_active;              /* active when a reload paused it */
	struct safe_entry *entries;     /* one per entry of w->cfg */
	size_t n;
};

static const struct config_safe_value *
safestate_value(const struct safe_entry *e)
{
	return &e->ss->w->cfg->takeover.safe_state[e->index];
}

static const struct config_point *
safestate_point(const struct safe_entry *e)
{
	return &e->ss->w->cfg->points[safestate_value(e)->point];
}

static double
safestate_poll_interval(const struct safe_entry *e)
{
	return e->ss->w->cfg->devices[safestate_point(e)->device].poll_interval;
}

static void
safestate_audit(struct safe_entry *e, const char *event, const char *why)
{
	record_safe_state(e->ss->w, event, safestate_value(e)->point,
	    safestate_value(e)->value, why);
}

/* An episode opened: the value found, and what wardend does about it. */
static void
safestate_audit_drift(struct safe_entry *e)
{
	const struct config_safe_value *sv = safestate_value(e);

	record_safe_drift(e->ss->w, sv->point, e->last_read, sv->value,
	    sv->hold);
	log_warnx("ALARM: safe state %s drifted to %g (safe %g); %s",
	    safestate_point(e)->name, e->last_read, sv->value, sv->hold ?
	    "writing it again" : "hold: false, only watching");
}

/* The episode closed: the point held its safe value for the settle time. */
static void
safestate_audit_settled(struct safe_entry *e)
{
	const struct config_safe_value *sv = safestate_value(e);

	record_safe_settled(e->ss->w, sv->point, sv->value, e->hold.drifts,
	    e->hold.redrives);
	log_info("safe state %s = %g holds again (drifted %u times, "
	    "written again %u times)", safestate_point(e)->name, sv->value,
	    e->hold.drifts, e->hold.redrives);
}

static void
safestate_failed(struct safe_entry *e, const char *why)
{
	struct warden *w = e->ss->w;
	const struct config_point *p = safestate_point(e);

	e->status = SAFE_PENDING;
	e->next_try = ev_now(w->loop) + safestate_poll_interval(e);
	if (e->failure_reported)
		return;
	e->failure_reported = 1;
	safestate_audit(e, "safe_state_failed", why);
	log_warnx("ALARM: safe state %s not reached: %s; retrying", p->name,
	    why);
}

/* Hand a request to the device: NULL, or why it could not be. */
static const char *
safestate_submit(struct safe_entry *e, const uint8_t *adu, size_t len,
    device_done_fn done)
{
	struct warden *w = e->ss->w;
	const struct config_point *p = safestate_point(e);
	struct mbap_request req;
	struct inflight in;

	memset(&in, 0, sizeof in);
	in.done = done;
	in.ctx = e;
	in.device = p->device;
	in.len = (uint16_t)len;
	memcpy(in.adu, adu, len);
	if (len == 0 || mbap_decode_request(adu, len, &req) != 0)
		return "cannot encode the request";
	mbap_expect_of(&req, &in.expect);
	if (device_submit(w->devices, p->device, DEVICE_POLL, &in) != 0)
		return "device not reachable";
	return NULL;
}

static void
safestate_send(struct safe_entry *e, const uint8_t *adu, size_t len,
    device_done_fn done)
{
	const char *why = safestate_submit(e, adu, len, done);

	if (why != NULL)
		safestate_failed(e, why);
}

static size_t
safestate_encode_read(const struct safe_entry *e, uint8_t *adu)
{
	const struct config_point *p = safestate_point(e);

	return mbap_encode_read(adu, 0,
	    e->ss->w->cfg->devices[p->device].device_unit_id,
	    p->table == TABLE_COIL ? MODBUS_FC_READ_COILS :
	    MODBUS_FC_READ_HOLDING_REGISTERS, p->address, (uint16_t)p->width);
}

/*
 * A read's answer: the point's value noted as the last read, and 1 when
 * it is the safe value, 0 when not; -1 when the answer holds no value.
 */
static int
safestate_answer(struct safe_entry *e, const struct inflight *req,
    const uint8_t *answer, size_t len)
{
	const struct config_point *p = safestate_point(e);
	struct mbap_response resp;
	double raw, want;

	if (answer == NULL || mbap_check_response(&req->expect, answer, len,
	    &resp) != 0 || resp.exception != 0)
		return -1;
	raw = point_get_raw(p, resp.data, p->address);
	e->has_read = 1;
	e->last_read = point_value(p, raw);
	return point_raw(p, safestate_value(e)->value, &want) == 0 &&
	    raw == want;
}

static void
safestate_read_cb(void *ctx, const struct inflight *req, const uint8_t *answer,
    size_t len, uint8_t exception)
{
	struct safe_entry *e = ctx;
	const struct config_point *p = safestate_point(e);
	struct warden *w = e->ss->w;
	int at_safe = safestate_answer(e, req, answer, len);

	(void)exception;
	if (at_safe == -1) {
		safestate_failed(e, "read-back failed");
		return;
	}
	if (at_safe == 0) {
		safestate_failed(e, "read-back does not match");
		return;
	}
	e->status = SAFE_VERIFIED;
	safehold_verified(&e->hold, ev_now(w->loop));
	/* Inside an episode the record waits until the point holds. */
	if (!e->hold.open) {
		e->failure_reported = 0;
		safestate_audit(e, "safe_state_verified", NULL);
		log_info("safe state %s = %g verified", p->name,
		    safestate_value(e)->value);
	}
	safestate_tick(e->ss);
}

static void
safestate_write_cb(void *ctx, const struct inflight *req,
    const uint8_t *answer, size_t len, uint8_t exception)
{
	struct safe_entry *e = ctx;
	uint8_t adu[MBAP_MAX_ADU_LEN];

	(void)req;
	(void)len;
	(void)exception;
	if (answer == NULL || (answer[MBAP_HEADER_LEN] & 0x80) != 0) {
		safestate_failed(e, "write refused or not answered");
		return;
	}
	e->status = SAFE_READING;
	safestate_send(e, adu, safestate_encode_read(e, adu),
	    safestate_read_cb);
}

static void
safestate_write(struct safe_entry *e)
{
	struct warden *w = e->ss->w;
	const struct config_point *p = safestate_point(e);
	const struct config_safe_value *sv = safestate_value(e);
	uint8_t unit = w->cfg->devices[p->device].device_unit_id;
	uint8_t adu[MBAP_MAX_ADU_LEN];
	uint16_t words[2];
	double raw;
	size_t n;

	if (point_raw(p, sv->value, &raw) != 0) {
		safestate_failed(e, "value out of the point's range");
		return;
	}
	e->status = SAFE_WRITING;
	if (e->hold.open)
		e->hold.redrives++;
	if (p->table == TABLE_COIL)
		n = mbap_encode_write_coil(adu, 0, unit, p->address, raw != 0);
	else {
		point_encode(p, raw, words);
		n = p->width == 1 ?
		    mbap_encode_write_register(adu, 0, unit, p->address,
		    words[0]) :
		    mbap_encode_write_registers(adu, 0, unit, p->address, 2,
		    words);
	}
	safestate_send(e, adu, n, safestate_write_cb);
}

/* A read made while holding: off its value, it is written again (hold). */
static void
safestate_watch_cb(void *ctx, const struct inflight *req,
    const uint8_t *answer, size_t len, uint8_t exception)
{
	struct safe_entry *e = ctx;
	struct warden *w = e->ss->w;
	int at_safe = safestate_answer(e, req, answer, len);

	(void)exception;
	e->watching = 0;
	/* No value: the device is not answering, which the poller reports;
	 * the next read tells more. */
	if (at_safe == -1 || e->status != SAFE_VERIFIED)
		return;
	switch (safehold_read(&e->hold, at_safe, ev_now(w->loop),
	    safehold_settle(safestate_poll_interval(e)))) {
	case SAFEHOLD_DRIFT:
		safestate_audit_drift(e);
		break;
	case SAFEHOLD_SETTLED:
		e->failure_reported = 0;
		safestate_audit_settled(e);
		break;
	case SAFEHOLD_NONE:
		break;
	}
	if (!at_safe && safestate_value(e)->hold) {
		e->status = SAFE_PENDING;
		e->next_try = 0;
		safestate_tick(e->ss);
	}
}

static void
safestate_watch_timer_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
	struct safe_entry *e = t->data;
	uint8_t adu[MBAP_MAX_ADU_LEN];

	(void)loop;
	(void)revents;
	/* Only a verified write is watched: a write on its way is not yet
	 * something to hold. */
	if (!e->ss->active || e->status != SAFE_VERIFIED || e->watching)
		return;
	e->watching = safestate_submit(e, adu, safestate_encode_read(e, adu),
	    safestate_watch_cb) == NULL;
}

/* Written in order: an entry waits while one before it is on the wire. */
void
safestate_tick(struct safestate *ss)
{
	struct warden *w = ss->w;
	ev_tstamp now = ev_now(w->loop);
	size_t i;

	if (!ss->active)
		return;
	for (i = 0; i < ss->n; i++) {
		struct safe_entry *e = &ss->entries[i];

		if (e->status == SAFE_WRITING || e->status == SAFE_READING)
			return;
		if (e->status != SAFE_PENDING || now < e->next_try)
			continue;
		if (device_ai_writes_in_flight(w->devices,
		    safestate_point(e)->device) > 0)
			return;
		safestate_write(e);
		if (e->status != SAFE_PENDING)
			return;
	}
}

const char *
safestate_status(const struct safestate *ss, size_t i)
{
	const struct safe_entry *e = &ss->entries[i];

	return safehold_status(&e->hold, e->status == SAFE_VERIFIED,
	    ss->w->cfg->takeover.safe_state[i].hold);
}

int
safestate_active(const struct safestate *ss)
{
	return ss->active;
}

size_t
safestate_count(const struct safestate *ss)
{
	return ss->n;
}

int
safestate_last_read(const struct safestate *ss, size_t i, double *value)
{
	const struct safe_entry *e = &ss->entries[i];

	if (!e->has_read)
		return 0;
	*value = e->last_read;
	return 1;
}

/* An entry for each of w->cfg's, nothing known of them; 0, or -1 when
 * out of memory (then none). */
static int
safestate_entries(struct safestate *ss)
{
	size_t i;

	ss->n = ss->w->cfg->takeover.n_safe_state;
	ss->entries = calloc(ss->n + 1, sizeof *ss->entries);
	if (ss->entries == NULL) {
		ss->n = 0;
		return -1;
	}
	for (i = 0; i < ss->n; i++) {
		struct safe_entry *e = &ss->entries[i];

		e->ss = ss;
		e->index = (unsigned)i;
		ev_timer_init(&e->watch, safestate_watch_timer_cb, 0., 0.);
		e->watch.data = e;
	}
	return 0;
}

struct safestate *
safestate_new(struct warden *w)
{
	struct safestate *ss;

	if ((ss = calloc(1, sizeof *ss)) == NULL)
		return NULL;
	ss->w = w;
	if (safestate_entries(ss) == -1) {
		free(ss);
		return NULL;
	}
	return ss;
}

void
safestate_free(struct safestate *ss)
{
	if (ss == NULL)
		return;
	safestate_stop(ss);
	free(ss->entries);
	free(ss);
}

/* Hold from now on: each entry read every poll_interval of its device. */
static void
safestate_watch_start(struct safestate *ss)
{
	size_t i;

	ss->active = 1;
	for (i = 0; i < ss->n; i++) {
		struct safe_entry *e = &ss->entries[i];
		double every = safestate_poll_interval(e);

		e->watching = 0;
		ev_timer_set(&e->watch, every, every);
		ev_timer_start(ss->w->loop, &e->watch);
	}
	safestate_tick(ss);
}

/* Every entry to be written, nothing known of it. */
static void
safestate_reset(struct safestate *ss)
{
	size_t i;

	for (i = 0; i < ss->n; i++) {
		struct safe_entry *e = &ss->entries[i];

		e->status = SAFE_PENDING;
		e->next_try = 0;
		e->failure_reported = 0;
		e->has_read = 0;
		memset(&e->hold, 0, sizeof e->hold);
	}
}

void
safestate_start(struct safestate *ss)
{
	safestate_stop(ss);
	safestate_reset(ss);
	safestate_watch_start(ss);
}

void
safestate_stop(struct safestate *ss)
{
	size_t i;

	ss->active = 0;
	for (i = 0; i < ss->n; i++) {
		ev_timer_stop(ss->w->loop, &ss->entries[i].watch);
		device_forget(ss->w->devices, &ss->entries[i]);
	}
}

void
safestate_pause(struct safestate *ss)
{
	ss->paused_active = ss->active;
	safestate_stop(ss);
}

/*
 * The same entry in both configs: the same point at the same place of
 * the same device, meaning the same, and the same safe value. Only then
 * does what was verified still say anything.
 */
static int
safestate_same(const struct config *a, const struct config_safe_value *sa,
    const struct config *b, const struct config_safe_value *sb)
{
	const struct config_point *p = &a->points[sa->point];
	const struct config_point *q = &b->points[sb->point];
	const struct config_device *d = &a->devices[p->device];
	const struct config_device *e = &b->devices[q->device];

	return strcmp(p->name, q->name) == 0 && strcmp(d->name, e->name) == 0 &&
	    config_device_same_line(d, e) &&
	    d->device_unit_id == e->device_unit_id &&
	    p->table == q->table && p->address == q->address &&
	    p->type == q->type && p->order == q->order &&
	    p->scale == q->scale && p->offset == q->offset &&
	    sa->value == sb->value;
}

/*
 * An entry the new config has unchanged keeps what is known of it: its
 * last read, its episode, and its status when verified; one whose write
 * was on its way (the answer is forgotten) is written again, and so is a
 * new or changed entry. A dropped entry is no longer held.
 */
int
safestate_reconfigure(struct safestate *ss, const struct config *old_cfg)
{
	const struct config *cfg = ss->w->cfg;
	struct safe_entry *old = ss->entries;
	size_t n_old = ss->n, i, k;
	int rc = safestate_entries(ss);

	if (ss->paused_active) {
		safestate_reset(ss);
		for (i = 0; i < ss->n; i++)
			for (k = 0; k < n_old; k++) {
				struct safe_entry *e = &ss->entries[i];
				const struct safe_entry *o = &old[k];

				if (!safestate_same(old_cfg,
				    &old_cfg->takeover.safe_state[k], cfg,
				    &cfg->takeover.safe_state[i]))
					continue;
				if (o->status == SAFE_VERIFIED)
					e->status = SAFE_VERIFIED;
				e->failure_reported = o->failure_reported;
				e->has_read = o->has_read;
				e->last_read = o->last_read;
				e->hold = o->hold;
			}
		safestate_watch_start(ss);
	}
	ss->paused_active = 0;
	free(old);
	return rc;
}
