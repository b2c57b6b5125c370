/*
 * safestate.c: on entry into TAKEOVER (and at start-up into a persisted
 * TAKEOVER), each safe_state value is written, in the configured order,
 * on wardend's own connection, after every AI write already in flight to
 * that device has been answered; then read back and compared. A write or
 * read that fails, or a value that does not match, is retried every
 * poll_interval and audited (once per failure streak) until verified.
 */
#include <stdlib.h>
#include <string.h>

#include <modbus.h>

#include "log.h"
#include "point.h"
#include "warden.h"

static const struct config_point *
safestate_point(const struct safe_entry *e)
{
	const struct config *cfg = e->ss->w->cfg;

	return &cfg->points[cfg->takeover.safe_state[e->index].point];
}

static void
safestate_audit(struct safe_entry *e, const char *event, const char *why)
{
	const struct config *cfg = e->ss->w->cfg;
	const struct config_safe_value *sv = &cfg->takeover.safe_state[e->index];
	struct audit_event ev;

	memset(&ev, 0, sizeof ev);
	ev.event = event;
	ev.point = safestate_point(e)->name;
	ev.has_value = 1;
	ev.value = sv->value;
	ev.reason = why;
	ev.device = cfg->devices[safestate_point(e)->device].name;
	gate_audit(e->ss->w, &ev, 0);
}

static void
safestate_failed(struct safe_entry *e, const char *why)
{
	struct warden *w = e->ss->w;
	const struct config_point *p = safestate_point(e);

	e->status = SAFE_PENDING;
	e->next_try = ev_now(w->loop) + w->cfg->devices[p->device].poll_interval;
	if (e->failure_reported)
		return;
	e->failure_reported = 1;
	safestate_audit(e, "safe_state_failed", why);
	log_warnx("ALARM: safe state %s not reached: %s; retrying", p->name,
	    why);
}

static void
safestate_send(struct safe_entry *e, const uint8_t *adu, size_t len,
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
	if (len == 0 || mbap_decode_request(adu, len, &req) != 0) {
		safestate_failed(e, "cannot encode the request");
		return;
	}
	mbap_expect_of(&req, &in.expect);
	if (devpool_submit(&w->devices[p->device].poll, &in) != 0)
		safestate_failed(e, "device not reachable");
}

static void
safestate_read_cb(void *ctx, const struct inflight *req, const uint8_t *answer,
    size_t len, uint8_t exception)
{
	struct safe_entry *e = ctx;
	const struct config_point *p = safestate_point(e);
	const struct config_safe_value *sv =
	    &e->ss->w->cfg->takeover.safe_state[e->index];
	struct mbap_response resp;
	double want;

	(void)exception;
	if (answer == NULL || mbap_check_response(&req->expect, answer, len,
	    &resp) != 0 || resp.exception != 0) {
		safestate_failed(e, "read-back failed");
		return;
	}
	if (point_raw(p, sv->value, &want) != 0 ||
	    point_get_raw(p, resp.data, p->address) != want) {
		safestate_failed(e, "read-back does not match");
		return;
	}
	e->status = SAFE_VERIFIED;
	safestate_audit(e, "safe_state_verified", NULL);
	log_info("safe state %s = %g verified", p->name, sv->value);
	safestate_tick(e->ss->w);
}

static void
safestate_write_cb(void *ctx, const struct inflight *req,
    const uint8_t *answer, size_t len, uint8_t exception)
{
	struct safe_entry *e = ctx;
	const struct config_point *p = safestate_point(e);
	struct warden *w = e->ss->w;
	uint8_t adu[MBAP_MAX_ADU_LEN];
	size_t n;

	(void)req;
	(void)len;
	(void)exception;
	if (answer == NULL || (answer[MBAP_HEADER_LEN] & 0x80) != 0) {
		safestate_failed(e, "write refused or not answered");
		return;
	}
	e->status = SAFE_READING;
	n = mbap_encode_read(adu, 0, w->cfg->devices[p->device].device_unit_id,
	    p->table == TABLE_COIL ? MODBUS_FC_READ_COILS :
	    MODBUS_FC_READ_HOLDING_REGISTERS, p->address, (uint16_t)p->width);
	safestate_send(e, adu, n, safestate_read_cb);
}

static void
safestate_write(struct safe_entry *e)
{
	struct warden *w = e->ss->w;
	const struct config_point *p = safestate_point(e);
	const struct config_safe_value *sv = &w->cfg->takeover.safe_state[e->index];
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

/* Written in order: an entry waits while one before it is on the wire. */
void
safestate_tick(struct warden *w)
{
	struct safestate *ss = &w->safestate;
	ev_tstamp now = ev_now(w->loop);
	size_t i;

	if (!ss->active)
		return;
	for (i = 0; i < ss->n; i++) {
		struct safe_entry *e = &ss->entries[i];
		const struct device *dev =
		    &w->devices[safestate_point(e)->device];

		if (e->status == SAFE_WRITING || e->status == SAFE_READING)
			return;
		if (e->status != SAFE_PENDING || now < e->next_try)
			continue;
		if (device_ai_writes_in_flight(dev) > 0)
			return;
		safestate_write(e);
		if (e->status != SAFE_PENDING)
			return;
	}
}

int
safestate_init(struct warden *w)
{
	struct safestate *ss = &w->safestate;
	size_t i;

	ss->w = w;
	ss->n = w->cfg->takeover.n_safe_state;
	ss->active = 0;
	ss->entries = calloc(ss->n + 1, sizeof *ss->entries);
	if (ss->entries == NULL)
		return -1;
	for (i = 0; i < ss->n; i++) {
		ss->entries[i].ss = ss;
		ss->entries[i].index = (unsigned)i;
	}
	return 0;
}

void
safestate_free(struct warden *w)
{
	safestate_stop(w);
	free(w->safestate.entries);
	w->safestate.entries = NULL;
	w->safestate.n = 0;
}

void
safestate_start(struct warden *w)
{
	struct safestate *ss = &w->safestate;
	size_t i;

	safestate_stop(w);
	ss->active = 1;
	for (i = 0; i < ss->n; i++) {
		ss->entries[i].status = SAFE_PENDING;
		ss->entries[i].next_try = 0;
		ss->entries[i].failure_reported = 0;
	}
	safestate_tick(w);
}

void
safestate_stop(struct warden *w)
{
	struct safestate *ss = &w->safestate;
	size_t i;

	ss->active = 0;
	for (i = 0; i < ss->n; i++)
		device_forget(w, &ss->entries[i]);
}
