/*
 * devconn.c: one connection to a device (device_internal.h). Its bytes go
 * through a stream (stream.h), or for a device on a serial line through
 * its bus (devconn_rtu.c, behind struct devconn_link); this file keeps
 * the Modbus side: our
 * transaction ids, answers framed and matched to what is in flight,
 * the answer deadline, and the reset that ends what was in flight and
 * reconnects after a backoff from 100 ms doubling up to 5 s.
 *
 * An answer whose id matches nothing in flight (late, duplicated,
 * unsolicited) belongs to nobody: it is dropped and counted, and the
 * connection stays. One whose id matches a request but that does not fit
 * it, or bytes that cannot be framed, mean the stream can no longer be
 * trusted: the connection is reset rather than risk delivering an answer
 * to the wrong client.
 *
 * A request with a hold (device.h) is kept off the wire, and so is each
 * one given the connection after it, until device_release(): held frames
 * take a slot of the pipeline but have no transaction id yet, so no
 * answer can match one; they get theirs, in order, as they go out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <modbus.h>

#include "device_internal.h"
#include "errmsg.h"

#define BACKOFF_FIRST 0.1
#define BACKOFF_MAX 5.0

static void devconn_data_cb(void *);
static void devconn_eof_cb(void *);
static void devconn_connected_cb(void *);
static void devconn_closed_cb(void *, const char *);
static void devconn_timer_cb(struct ev_loop *, ev_timer *, int);

static const struct stream_events devconn_events = {
	.data = devconn_data_cb,
	.eof = devconn_eof_cb,
	.connected = devconn_connected_cb,
	.closed = devconn_closed_cb,
};

static struct devices *
devconn_set(const struct devconn *dc)
{
	return dc->pool->dev->ds;
}

static void
devconn_arm(struct devconn *dc, ev_tstamp after)
{
	struct ev_loop *loop = devconn_set(dc)->loop;

	ev_timer_stop(loop, &dc->timer);
	ev_timer_set(&dc->timer, after, 0.);
	ev_timer_start(loop, &dc->timer);
}

int
devconn_shut(struct devconn *dc, enum devconn_state next, const char *reason,
    struct devconn_lost *lost)
{
	int was_up = dc->state == DEVCONN_UP;

	dc->state = next;
	ev_timer_stop(devconn_set(dc)->loop, &dc->timer);
	lost->n_sent = dc->n_slots;
	lost->n = dc->n_slots + dc->n_held;
	memcpy(lost->r, dc->slots, dc->n_slots * sizeof lost->r[0]);
	memcpy(lost->r + dc->n_slots, dc->held, dc->n_held * sizeof lost->r[0]);
	dc->n_slots = 0;
	dc->n_held = 0;
	if (was_up)
		dc->pool->n_up--;
	dc->link->close(dc, reason);
	return was_up;
}

static void
devconn_tcp_close(struct devconn *dc, const char *reason)
{
	struct stream *s = dc->s;

	/* NULL first: closed() is ours, and must not reset dc again. */
	dc->s = NULL;
	if (s != NULL)
		stream_close(s, reason);
}

void
devconn_fail_lost(const struct devconn_lost *lost, uint8_t exception)
{
	unsigned i;

	for (i = 0; i < lost->n; i++)
		inflight_end(&lost->r[i], NULL, 0, i < lost->n_sent ?
		    exception : MODBUS_EXCEPTION_GATEWAY_PATH);
}

/*
 * Drop the connection: every request sent on it gets 0x0B (it will never
 * be answered), every one held 0x0A, and it reconnects after the
 * backoff. When it
 * was the device's last connection, the queue gets 0x0A.
 */
void
devconn_reset(struct devconn *dc, const char *reason)
{
	struct devpool *pool = dc->pool;
	struct devices *ds = devconn_set(dc);
	struct devconn_lost lost;

	if (devconn_shut(dc, DEVCONN_BACKOFF, reason, &lost)) {
		counters_device_reset(ds->counters);
		if (pool->n_up == 0)
			log_warnx("device %s down: %s", pool->dev->cfg->name,
			    reason);
	}
	devconn_arm(dc, dc->backoff);
	if (dc->backoff < BACKOFF_MAX / 2)
		dc->backoff *= 2;
	else
		dc->backoff = BACKOFF_MAX;
	devconn_fail_lost(&lost, MODBUS_EXCEPTION_GATEWAY_TARGET);
	if (pool->n_up == 0)
		devpool_fail_queue(pool, MODBUS_EXCEPTION_GATEWAY_PATH);
}

/* The stream ended by itself (an error, the device's end, a connect
 * that failed): reset. */
static void
devconn_closed_cb(void *ctx, const char *reason)
{
	struct devconn *dc = ctx;

	if (dc->s == NULL)
		return;         /* closed by devconn_shut() */
	dc->s = NULL;
	devconn_reset(dc, reason);
}

static void
devconn_eof_cb(void *ctx)
{
	devconn_reset(ctx, "closed by device");
}

/* slot into dc's output, which leaves at the safe point. */
static int
devconn_tcp_write(struct devconn *dc, const struct inflight *slot)
{
	uint8_t *p;

	if ((p = stream_append(dc->s, slot->len)) == NULL)
		return -1;
	memcpy(p, slot->adu, slot->len);
	mbap_set_tid(p, slot->device_tid);
	mbap_set_unit(p, slot->expect.unit);
	return 0;
}

/* req on its way to the device, in a slot of dc's. */
static int
devconn_write(struct devconn *dc, const struct inflight *req)
{
	const struct config_device *cfg = dc->pool->dev->cfg;
	struct inflight *slot = &dc->slots[dc->n_slots];

	*slot = *req;
	slot->device_tid = dc->next_tid;
	slot->sent_at = ev_now(devconn_set(dc)->loop);
	slot->expect.unit = cfg->device_unit_id;
	if (dc->link->write(dc, slot) == -1)
		return -1;
	dc->next_tid++;
	dc->n_slots++;
	if (dc->link->timed && !ev_is_active(&dc->timer))
		devconn_arm(dc, cfg->timeout);
	return 0;
}

int
devconn_send(struct devconn *dc, const struct inflight *req)
{
	if (req->hold != 0 || dc->n_held > 0) {
		dc->held[dc->n_held++] = *req;
		return 0;
	}
	return devconn_write(dc, req);
}

void
devconn_release(struct devconn *dc, device_release_fn *may_send, void *ctx)
{
	struct inflight ended[CONFIG_PIPELINE_MAX];
	uint8_t why[CONFIG_PIPELINE_MAX];
	unsigned i, n = dc->n_held, n_ended = 0;

	dc->n_held = 0;
	for (i = 0; i < n; i++) {
		const struct inflight *r = &dc->held[i];

		if (r->hold != 0 && !may_send(ctx, r->hold))
			why[n_ended] = MODBUS_EXCEPTION_SLAVE_OR_SERVER_FAILURE;
		else if (devconn_write(dc, r) == 0)
			continue;
		else
			why[n_ended] = MODBUS_EXCEPTION_SLAVE_OR_SERVER_BUSY;
		ended[n_ended++] = *r;
	}
	/* Ended once dc is whole again: a requester may act at once. */
	for (i = 0; i < n_ended; i++)
		inflight_end(&ended[i], NULL, 0, why[i]);
}

static void
devconn_connected_cb(void *ctx)
{
	devconn_up(ctx);
}

void
devconn_up(struct devconn *dc)
{
	struct devpool *pool = dc->pool;

	ev_timer_stop(devconn_set(dc)->loop, &dc->timer);
	dc->state = DEVCONN_UP;
	dc->backoff = BACKOFF_FIRST;
	dc->has_last = 0;
	if (pool->n_up++ == 0)
		log_info("device %s up (%s)", pool->dev->cfg->name, pool->role);
	devpool_dispatch(pool);
	if (pool->on_up != NULL)
		pool->on_up(pool->up_ctx);
}

static void
devconn_tcp_connect(struct devconn *dc)
{
	struct devpool *pool = dc->pool;
	struct devices *ds = devconn_set(dc);
	char name[STREAM_NAME_MAX], err[ERR_LEN];
	struct stream_opts opts = {
		.name = name,
		.events = &devconn_events,
		.ctx = dc,
		/* A failure here answers clients: flushed before them. */
		.flush_first = 1,
	};

	snprintf(name, sizeof name, "device %s: %s connection %u",
	    pool->dev->cfg->name, pool->role, dc->index);
	if ((dc->s = stream_connect(ds->ss, &pool->dev->addr, &opts,
	    err)) == NULL) {
		log_debug("%s: %s", name, err);
		devconn_reset(dc, err);
		return;
	}
	dc->state = DEVCONN_CONNECTING;
	devconn_arm(dc, pool->dev->cfg->timeout);
}

/*
 * A framed answer whose transaction id matches nothing in flight: nobody
 * asked for it, so nobody gets it, and the stream is still in step. The
 * intrusion detector hears of it (devices_on_stray()).
 */
static void
devconn_stray(struct devconn *dc, uint16_t tid)
{
	struct device *dev = dc->pool->dev;
	struct devices *ds = dev->ds;

	dev->stray_answers++;
	if (ds->on_stray != NULL)
		ds->on_stray(ds->stray_ctx, dev->index, dc->n_slots == 0 &&
		    !(dc->has_last && dc->last_tid == tid));
	if (log_budget_allow(&dev->stray_log, ev_now(dev->ds->loop)))
		log_warnx("device %s: dropped an answer with transaction id "
		    "%u, which matches no request in flight (%llu so far)",
		    dev->cfg->name, tid,
		    (unsigned long long)dev->stray_answers);
}

/* One answer from the device, framed. */
static void
devconn_answer(struct devconn *dc, const uint8_t *adu, size_t len)
{
	struct mbap_response resp;
	struct inflight req;
	uint16_t tid = mbap_get_tid(adu);
	unsigned i;

	for (i = 0; i < dc->n_slots; i++)
		if (dc->slots[i].device_tid == tid)
			break;
	if (i == dc->n_slots) {
		devconn_stray(dc, tid);
		return;
	}
	if (mbap_check_response(&dc->slots[i].expect, adu, len, &resp) != 0) {
		devconn_reset(dc, "answer does not fit its request");
		return;
	}
	req = dc->slots[i];
	dc->slots[i] = dc->slots[--dc->n_slots];
	dc->last_tid = tid;
	dc->has_last = 1;
	inflight_end(&req, adu, len, 0);
}

void
devconn_take_answer(struct devconn *dc, const uint8_t *adu, size_t len)
{
	devconn_answer(dc, adu, len);
	if (dc->state == DEVCONN_UP)
		devpool_dispatch(dc->pool);
}

void
devconn_no_answer(struct devconn *dc, uint8_t exception)
{
	struct inflight req;

	if (dc->n_slots == 0)
		return;
	req = dc->slots[0];
	dc->slots[0] = dc->slots[--dc->n_slots];
	inflight_end(&req, NULL, 0, exception);
	if (dc->state == DEVCONN_UP)
		devpool_dispatch(dc->pool);
}

static void
devconn_data_cb(void *ctx)
{
	struct devconn *dc = ctx;
	struct buf *in = stream_in(dc->s);
	enum mbap_frame_status st;
	size_t len;

	while ((st = mbap_frame(buf_head(in), buf_len(in), &len)) ==
	    MBAP_FRAME_OK) {
		devconn_answer(dc, buf_head(in), len);
		if (dc->state != DEVCONN_UP)
			return;
		buf_consume(in, len);
	}
	if (st != MBAP_FRAME_INCOMPLETE) {
		devconn_reset(dc, mbap_frame_strerror(st));
		return;
	}
	devpool_dispatch(dc->pool);
}

/*
 * Connect timeout, backoff expiry, or the answer deadline of the oldest
 * request in flight; one timer serves all three since a connection is in
 * one state at a time.
 */
static void
devconn_timer_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
	struct devconn *dc = t->data;
	ev_tstamp now = ev_now(loop), oldest, timeout;
	unsigned i;

	(void)revents;
	switch (dc->state) {
	case DEVCONN_CLOSED:
		return;
	case DEVCONN_BACKOFF:
		dc->link->connect(dc);
		return;
	case DEVCONN_CONNECTING:
		devconn_reset(dc, "connect timed out");
		return;
	case DEVCONN_UP:
		break;
	}
	if (dc->n_slots == 0 || !dc->link->timed)
		return;
	timeout = dc->pool->dev->cfg->timeout;
	oldest = dc->slots[0].sent_at;
	for (i = 1; i < dc->n_slots; i++)
		if (dc->slots[i].sent_at < oldest)
			oldest = dc->slots[i].sent_at;
	if (now - oldest >= timeout) {
		counters_device_timeout(devconn_set(dc)->counters);
		devconn_reset(dc, "no answer within timeout");
	} else
		devconn_arm(dc, oldest + timeout - now);
}

void
devconn_init(struct devconn *dc, struct devpool *pool, unsigned index)
{
	dc->pool = pool;
	dc->index = index;
	dc->link = pool->dev->bus != NULL ? &devconn_rtu : &devconn_tcp;
	dc->state = DEVCONN_CLOSED;
	dc->backoff = BACKOFF_FIRST;
	ev_timer_init(&dc->timer, devconn_timer_cb, 0., 0.);
	dc->timer.data = dc;
}

void
devconn_start(struct devconn *dc)
{
	dc->backoff = BACKOFF_FIRST;
	dc->link->connect(dc);
}

const struct devconn_link devconn_tcp = {
	.connect = devconn_tcp_connect,
	.write = devconn_tcp_write,
	.close = devconn_tcp_close,
	.timed = 1,
};
