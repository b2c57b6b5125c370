/*
 * device.c: connections to the devices. Each device has a pool of
 * `connections` non-blocking connections, each carrying up to `pipeline`
 * requests, and one bounded queue in front of them. Transaction ids are
 * ours on the device side, so many clients share a connection; an answer
 * is matched to its request by that id and nothing else. An answer whose
 * id matches nothing in flight (late, duplicated, unsolicited) belongs to
 * nobody: it is dropped and counted, and the connection stays. One whose
 * id matches a request but that does not fit it, or bytes that cannot be
 * framed, mean the stream can no longer be trusted: the connection is
 * reset rather than risk delivering an answer to the wrong client.
 *
 * wardend's own pool (polls, reads before judging, safe state, life bit)
 * is opened only for a device that needs it (config_device_needs_poll),
 * so a PLC that takes one connection is not sent a second for nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <modbus.h>

#include "log.h"
#include "warden.h"

#define DEVCONN_IN_CAP 4096
#define DEVCONN_OUT_CAP 1024
#define BACKOFF_FIRST 0.1
#define BACKOFF_MAX 5.0
/* Requests of wardend's own (polls, safe state, life bit) per device. */
#define POLL_QUEUE 64

static void devconn_read_cb(struct ev_loop *, ev_io *, int);
static void devconn_write_cb(struct ev_loop *, ev_io *, int);
static void devconn_timer_cb(struct ev_loop *, ev_timer *, int);
static void devconn_connect(struct devconn *dc);

static struct warden *
devconn_warden(const struct devconn *dc)
{
	return dc->pool->dev->w;
}

static void
devconn_arm(struct devconn *dc, ev_tstamp after)
{
	struct ev_loop *loop = devconn_warden(dc)->loop;

	ev_timer_stop(loop, &dc->timer);
	ev_timer_set(&dc->timer, after, 0.);
	ev_timer_start(loop, &dc->timer);
}

/* Every request handed to a device ends here, exactly once. */
static void
inflight_end(const struct inflight *q, const uint8_t *answer, size_t len,
    uint8_t exception)
{
	if (q->settle != NULL)
		q->settle(q->settle_ctx, q, answer, len, exception);
	if (q->done != NULL)
		q->done(q->ctx, q, answer, len, exception);
}

static void
devpool_fail_queue(struct devpool *pool, uint8_t exception)
{
	while (pool->q_len > 0) {
		struct inflight q = pool->queue[pool->q_head];

		pool->q_head = (pool->q_head + 1) % pool->q_cap;
		pool->q_len--;
		inflight_end(&q, NULL, 0, exception);
	}
}

/*
 * Close dc's socket and stop its watchers; what was in flight on it is
 * moved to lost (CONFIG_PIPELINE_MAX of them). Returns whether it was up.
 */
static int
devconn_shut(struct devconn *dc, struct inflight *lost, unsigned *n_lost)
{
	struct ev_loop *loop = devconn_warden(dc)->loop;
	int was_up = dc->state == DEVCONN_UP;

	ev_io_stop(loop, &dc->rio);
	ev_io_stop(loop, &dc->wio);
	ev_timer_stop(loop, &dc->timer);
	if (dc->fd != -1)
		close(dc->fd);
	dc->fd = -1;
	buf_clear(&dc->in);
	buf_clear(&dc->out);
	*n_lost = dc->n_slots;
	memcpy(lost, dc->slots, dc->n_slots * sizeof lost[0]);
	dc->n_slots = 0;
	if (was_up)
		dc->pool->n_up--;
	return was_up;
}

static void
devconn_fail_lost(const struct inflight *lost, unsigned n, uint8_t exception)
{
	unsigned i;

	for (i = 0; i < n; i++)
		inflight_end(&lost[i], NULL, 0, exception);
}

/*
 * Drop the connection: every request on it gets 0x0B (it was sent and
 * will never be answered) and it reconnects after the backoff. When it
 * was the device's last connection, the queue gets 0x0A.
 */
static void
devconn_reset(struct devconn *dc, const char *reason)
{
	struct devpool *pool = dc->pool;
	struct warden *w = devconn_warden(dc);
	struct inflight lost[CONFIG_PIPELINE_MAX];
	unsigned n;

	log_debug("device %s: %s connection %u reset: %s",
	    pool->dev->cfg->name, pool->role, dc->index, reason);
	if (devconn_shut(dc, lost, &n)) {
		counters_device_reset(&w->counters);
		if (pool->n_up == 0)
			log_warnx("device %s down: %s", pool->dev->cfg->name,
			    reason);
	}
	dc->state = DEVCONN_BACKOFF;
	devconn_arm(dc, dc->backoff);
	if (dc->backoff < BACKOFF_MAX / 2)
		dc->backoff *= 2;
	else
		dc->backoff = BACKOFF_MAX;
	devconn_fail_lost(lost, n, MODBUS_EXCEPTION_GATEWAY_TARGET);
	if (pool->n_up == 0)
		devpool_fail_queue(pool, MODBUS_EXCEPTION_GATEWAY_PATH);
}

static void
devconn_send(struct devconn *dc, const struct inflight *req)
{
	struct inflight *slot = &dc->slots[dc->n_slots];
	uint8_t *p;

	if (buf_reserve(&dc->out, req->len) == -1) {
		inflight_end(req, NULL, 0,
		    MODBUS_EXCEPTION_SLAVE_OR_SERVER_BUSY);
		return;
	}
	*slot = *req;
	slot->device_tid = dc->next_tid++;
	slot->sent_at = ev_now(devconn_warden(dc)->loop);
	slot->expect.unit = dc->pool->dev->cfg->device_unit_id;
	dc->n_slots++;
	p = buf_tail(&dc->out);
	memcpy(p, req->adu, req->len);
	mbap_set_tid(p, slot->device_tid);
	mbap_set_unit(p, dc->pool->dev->cfg->device_unit_id);
	dc->out.end += req->len;
	loop_queue_devconn_flush(dc);
	if (!ev_is_active(&dc->timer))
		devconn_arm(dc, dc->pool->dev->cfg->timeout);
}

/* The up connection with the most room, or NULL when all are full. */
static struct devconn *
devpool_pick(struct devpool *pool)
{
	struct devconn *best = NULL;
	unsigned i;

	for (i = 0; i < pool->n_conns; i++) {
		struct devconn *dc = &pool->conns[i];

		if (dc->state != DEVCONN_UP || dc->n_slots >= pool->pipeline)
			continue;
		if (best == NULL || dc->n_slots < best->n_slots)
			best = dc;
	}
	return best;
}

static void
devpool_dispatch(struct devpool *pool)
{
	struct devconn *dc;

	while (pool->q_len > 0 && (dc = devpool_pick(pool)) != NULL) {
		struct inflight *q = &pool->queue[pool->q_head];

		pool->q_head = (pool->q_head + 1) % pool->q_cap;
		pool->q_len--;
		devconn_send(dc, q);
	}
}

int
devpool_submit(struct devpool *pool, const struct inflight *req)
{
	struct devconn *dc;

	if (pool->n_up == 0)
		return MODBUS_EXCEPTION_GATEWAY_PATH;
	if (pool->q_len == 0 && (dc = devpool_pick(pool)) != NULL) {
		devconn_send(dc, req);
		return 0;
	}
	if (pool->q_len >= pool->q_cap)
		return MODBUS_EXCEPTION_SLAVE_OR_SERVER_BUSY;
	pool->queue[(pool->q_head + pool->q_len) % pool->q_cap] = *req;
	pool->q_len++;
	return 0;
}

static void
devconn_up(struct devconn *dc)
{
	struct devpool *pool = dc->pool;
	struct warden *w = devconn_warden(dc);

	ev_io_stop(w->loop, &dc->wio);
	ev_timer_stop(w->loop, &dc->timer);
	dc->state = DEVCONN_UP;
	dc->backoff = BACKOFF_FIRST;
	ev_io_set(&dc->rio, dc->fd, EV_READ);
	ev_io_set(&dc->wio, dc->fd, EV_WRITE);
	ev_io_start(w->loop, &dc->rio);
	if (pool->n_up++ == 0)
		log_info("device %s up (%s)", pool->dev->cfg->name, pool->role);
	devpool_dispatch(pool);
	if (pool->on_up != NULL)
		pool->on_up(pool->up_ctx);
}

static void
devconn_connect(struct devconn *dc)
{
	char err[NET_ERR_LEN];

	dc->fd = net_connect(&dc->pool->dev->addr, err);
	if (dc->fd == -1) {
		devconn_reset(dc, err);
		return;
	}
	dc->state = DEVCONN_CONNECTING;
	ev_io_set(&dc->wio, dc->fd, EV_WRITE);
	ev_io_start(devconn_warden(dc)->loop, &dc->wio);
	devconn_arm(dc, dc->pool->dev->cfg->timeout);
}

/*
 * A framed answer whose transaction id matches nothing in flight: nobody
 * asked for it, so nobody gets it, and the stream is still in step.
 */
static void
devconn_stray(struct devconn *dc, uint16_t tid)
{
	struct device *dev = dc->pool->dev;

	dev->stray_answers++;
	if (log_budget_allow(&dev->stray_log, ev_now(dev->w->loop)))
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
	inflight_end(&req, adu, len, 0);
}

static void
devconn_read_cb(struct ev_loop *loop, ev_io *io, int revents)
{
	struct devconn *dc = io->data;
	enum mbap_frame_status st;
	size_t len;
	ssize_t n;

	(void)loop;
	(void)revents;
	if (buf_reserve(&dc->in, MBAP_MAX_ADU_LEN) == -1) {
		devconn_reset(dc, "out of memory");
		return;
	}
	n = read(dc->fd, buf_tail(&dc->in), buf_room(&dc->in));
	if (n == 0) {
		devconn_reset(dc, "closed by device");
		return;
	}
	if (n < 0) {
		if (errno != EAGAIN && errno != EINTR)
			devconn_reset(dc, strerror(errno));
		return;
	}
	dc->in.end += (size_t)n;
	while ((st = mbap_frame(buf_head(&dc->in), buf_len(&dc->in), &len)) ==
	    MBAP_FRAME_OK) {
		devconn_answer(dc, buf_head(&dc->in), len);
		if (dc->state != DEVCONN_UP)
			return;
		buf_consume(&dc->in, len);
	}
	if (st != MBAP_FRAME_INCOMPLETE) {
		devconn_reset(dc, mbap_frame_strerror(st));
		return;
	}
	devpool_dispatch(dc->pool);
}

void
devconn_flush(struct devconn *dc)
{
	ssize_t n;

	if (dc->state != DEVCONN_UP)
		return;
	while (buf_len(&dc->out) > 0) {
		n = send(dc->fd, buf_head(&dc->out), buf_len(&dc->out),
		    MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EAGAIN) {
				ev_io_start(devconn_warden(dc)->loop, &dc->wio);
				return;
			}
			if (errno == EINTR)
				continue;
			devconn_reset(dc, strerror(errno));
			return;
		}
		buf_consume(&dc->out, (size_t)n);
	}
	ev_io_stop(devconn_warden(dc)->loop, &dc->wio);
}

static void
devconn_write_cb(struct ev_loop *loop, ev_io *io, int revents)
{
	struct devconn *dc = io->data;
	int err;

	(void)loop;
	(void)revents;
	if (dc->state != DEVCONN_CONNECTING) {
		devconn_flush(dc);
		return;
	}
	if ((err = net_connect_result(dc->fd)) != 0) {
		devconn_reset(dc, strerror(err));
		return;
	}
	devconn_up(dc);
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
		devconn_connect(dc);
		return;
	case DEVCONN_CONNECTING:
		devconn_reset(dc, "connect timed out");
		return;
	case DEVCONN_UP:
		break;
	}
	if (dc->n_slots == 0)
		return;
	timeout = dc->pool->dev->cfg->timeout;
	oldest = dc->slots[0].sent_at;
	for (i = 1; i < dc->n_slots; i++)
		if (dc->slots[i].sent_at < oldest)
			oldest = dc->slots[i].sent_at;
	if (now - oldest >= timeout) {
		counters_device_timeout(&devconn_warden(dc)->counters);
		devconn_reset(dc, "no answer within timeout");
	} else
		devconn_arm(dc, oldest + timeout - now);
}

static int
devpool_init(struct devpool *pool, struct device *dev, const char *role,
    unsigned n_conns, unsigned pipeline, unsigned queue)
{
	unsigned i;

	pool->dev = dev;
	pool->role = role;
	pool->n_conns = n_conns;
	pool->pipeline = pipeline;
	pool->q_cap = queue;
	pool->conns = calloc(n_conns, sizeof *pool->conns);
	pool->queue = calloc(queue, sizeof *pool->queue);
	if (pool->conns == NULL || pool->queue == NULL)
		return -1;
	for (i = 0; i < n_conns; i++) {
		struct devconn *dc = &pool->conns[i];

		dc->pool = pool;
		dc->index = i;
		dc->fd = -1;
		dc->state = DEVCONN_CLOSED;
		dc->backoff = BACKOFF_FIRST;
		dc->slots = calloc(pipeline, sizeof *dc->slots);
		if (dc->slots == NULL ||
		    buf_init(&dc->in, DEVCONN_IN_CAP) == -1 ||
		    buf_init(&dc->out, DEVCONN_OUT_CAP) == -1)
			return -1;
		ev_io_init(&dc->rio, devconn_read_cb, -1, EV_READ);
		ev_io_init(&dc->wio, devconn_write_cb, -1, EV_WRITE);
		ev_timer_init(&dc->timer, devconn_timer_cb, 0., 0.);
		dc->rio.data = dc->wio.data = dc->timer.data = dc;
	}
	return 0;
}

/* Connect every connection of the pool, and keep them up from now on. */
static void
devpool_open(struct devpool *pool)
{
	unsigned i;

	if (pool->open)
		return;
	pool->open = 1;
	for (i = 0; i < pool->n_conns; i++) {
		pool->conns[i].backoff = BACKOFF_FIRST;
		devconn_connect(&pool->conns[i]);
	}
}

/* Nothing needs the pool any more: close it for good. What is still on
 * it gets 0x0A, as when there is no connection. */
static void
devpool_close(struct devpool *pool)
{
	struct inflight lost[CONFIG_PIPELINE_MAX];
	unsigned i, n;

	if (!pool->open)
		return;
	pool->open = 0;
	for (i = 0; i < pool->n_conns; i++) {
		devconn_shut(&pool->conns[i], lost, &n);
		pool->conns[i].state = DEVCONN_CLOSED;
		devconn_fail_lost(lost, n, MODBUS_EXCEPTION_GATEWAY_PATH);
	}
	devpool_fail_queue(pool, MODBUS_EXCEPTION_GATEWAY_PATH);
}

/* Every request ends before its pool goes: those sent get 0x0B (the
 * device may have acted on them), those queued 0x0A. */
static void
devpool_abandon(struct devpool *pool)
{
	struct inflight lost[CONFIG_PIPELINE_MAX];
	unsigned i, n;

	for (i = 0; pool->conns != NULL && i < pool->n_conns; i++) {
		devconn_shut(&pool->conns[i], lost, &n);
		devconn_fail_lost(lost, n, MODBUS_EXCEPTION_GATEWAY_TARGET);
	}
	devpool_fail_queue(pool, MODBUS_EXCEPTION_GATEWAY_PATH);
}

static void
devpool_free(struct devpool *pool, struct ev_loop *loop)
{
	unsigned i;

	for (i = 0; pool->conns != NULL && i < pool->n_conns; i++) {
		struct devconn *dc = &pool->conns[i];

		ev_io_stop(loop, &dc->rio);
		ev_io_stop(loop, &dc->wio);
		ev_timer_stop(loop, &dc->timer);
		if (dc->fd != -1)
			close(dc->fd);
		buf_free(&dc->in);
		buf_free(&dc->out);
		free(dc->slots);
	}
	free(pool->conns);
	free(pool->queue);
	memset(pool, 0, sizeof *pool);
}

struct net_addr *
device_resolve_all(const struct config *cfg, char *err)
{
	struct net_addr *addrs = calloc(cfg->n_devices + 1, sizeof *addrs);
	char why[NET_ERR_LEN];
	size_t i;

	if (addrs == NULL) {
		snprintf(err, NET_ERR_LEN, "out of memory");
		return NULL;
	}
	for (i = 0; i < cfg->n_devices; i++) {
		const struct config_device *d = &cfg->devices[i];

		if (net_resolve(d->endpoint.host, d->endpoint.port, &addrs[i],
		    why) == -1) {
			snprintf(err, NET_ERR_LEN, "device %s: %.170s", d->name,
			    why);
			free(addrs);
			return NULL;
		}
	}
	return addrs;
}

int
device_start_all(struct warden *w, const struct net_addr *addrs, char *err)
{
	const struct config *cfg = w->cfg;
	unsigned i;

	w->n_devices = cfg->n_devices;
	if ((w->devices = calloc(cfg->n_devices, sizeof *w->devices)) == NULL) {
		snprintf(err, NET_ERR_LEN, "out of memory");
		return -1;
	}
	/* Every device is whole before any pool opens, so that a failure
	 * part-way leaves no device without its config. */
	for (i = 0; i < cfg->n_devices; i++) {
		struct device *dev = &w->devices[i];

		dev->w = w;
		dev->cfg = &cfg->devices[i];
		dev->index = i;
		dev->addr = addrs[i];
	}
	for (i = 0; i < cfg->n_devices; i++) {
		struct device *dev = &w->devices[i];

		if (devpool_init(&dev->ai, dev, "ai", dev->cfg->connections,
		    dev->cfg->pipeline, cfg->limits.device_queue) == -1 ||
		    devpool_init(&dev->poll, dev, "poll", 1, 1,
		    POLL_QUEUE) == -1) {
			snprintf(err, NET_ERR_LEN, "out of memory");
			return -1;
		}
		devpool_open(&dev->ai);
		if (config_device_needs_poll(cfg, i))
			devpool_open(&dev->poll);
	}
	return 0;
}

void
device_poll_update(struct warden *w)
{
	unsigned i;

	for (i = 0; i < w->n_devices; i++) {
		struct device *dev = &w->devices[i];

		if (config_device_needs_poll(w->cfg, i))
			devpool_open(&dev->poll);
		else if (dev->poll.open) {
			devpool_close(&dev->poll);
			log_info("device %s: wardend's own connection closed: "
			    "nothing on the device needs it any more",
			    dev->cfg->name);
		}
	}
}

void
device_stop_all(struct warden *w)
{
	unsigned i;

	for (i = 0; w->devices != NULL && i < w->n_devices; i++) {
		devpool_abandon(&w->devices[i].ai);
		devpool_abandon(&w->devices[i].poll);
		devpool_free(&w->devices[i].ai, w->loop);
		devpool_free(&w->devices[i].poll, w->loop);
	}
	free(w->devices);
	w->devices = NULL;
	w->n_devices = 0;
	/* Flushes queued for connections just freed must not run. */
	w->flush_conns = NULL;
}

static void
devpool_forget(struct devpool *pool, void *ctx)
{
	unsigned j, k;

	for (j = 0; j < pool->n_conns; j++)
			for (k = 0; k < pool->conns[j].n_slots; k++)
				if (pool->conns[j].slots[k].ctx == ctx)
					pool->conns[j].slots[k].done = NULL;
		for (k = 0; k < pool->q_len; k++) {
			struct inflight *q =
			    &pool->queue[(pool->q_head + k) % pool->q_cap];

			if (q->ctx == ctx)
				q->done = NULL;
		}
}

void
device_forget(struct warden *w, void *ctx)
{
	unsigned i;

	for (i = 0; i < w->n_devices; i++) {
		devpool_forget(&w->devices[i].ai, ctx);
		devpool_forget(&w->devices[i].poll, ctx);
	}
}

static int
device_fc_writes(uint8_t fc)
{
	return fc == MODBUS_FC_WRITE_SINGLE_COIL ||
	    fc == MODBUS_FC_WRITE_SINGLE_REGISTER ||
	    fc == MODBUS_FC_WRITE_MULTIPLE_COILS ||
	    fc == MODBUS_FC_WRITE_MULTIPLE_REGISTERS ||
	    fc == MODBUS_FC_MASK_WRITE_REGISTER ||
	    fc == MODBUS_FC_WRITE_AND_READ_REGISTERS;
}

int
device_up(const struct device *dev)
{
	return dev->ai.n_up > 0 || dev->poll.n_up > 0;
}

uint64_t
device_stray_answers(const struct device *dev)
{
	return dev->stray_answers;
}

unsigned
device_ai_writes_in_flight(const struct device *dev)
{
	const struct devpool *pool = &dev->ai;
	unsigned i, k, n = 0;

	for (i = 0; i < pool->n_conns; i++)
		for (k = 0; k < pool->conns[i].n_slots; k++)
			n += device_fc_writes(pool->conns[i].slots[k].expect.fc);
	return n;
}

void
device_drop_queued_ai_writes(struct device *dev, uint8_t exception)
{
	struct devpool *pool = &dev->ai;
	unsigned k, n = pool->q_len, kept = 0;

	/* Compact the ring in place, answering the writes taken out. */
	for (k = 0; k < n; k++) {
		struct inflight q = pool->queue[(pool->q_head + k) % pool->q_cap];

		if (!device_fc_writes(q.expect.fc)) {
			pool->queue[(pool->q_head + kept++) % pool->q_cap] = q;
			continue;
		}
		inflight_end(&q, NULL, 0, exception);
	}
	pool->q_len = kept;
}
