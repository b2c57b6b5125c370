/*
 * device.c: connections to the devices (device.h). A device on a serial
 * line has the same pools, of one connection each, which join the bus
 * of its port (rtubus.h, devconn_rtu.c); devices on one port share the
 * bus. Each device has a pool
 * of `connections` non-blocking connections, each carrying up to
 * `pipeline` requests, and one bounded queue in front of them.
 * Transaction ids are ours on the device side, so many clients share a
 * connection; an answer is matched to its request by that id and nothing
 * else (devconn.c, one connection).
 *
 * wardend's own pool (polls, reads before judging, safe state, life bit)
 * is opened only for a device that needs it (config_device_needs_poll),
 * so a PLC that takes one connection is not sent a second for nothing.
 *
 * A request is handed over with device_submit(): it goes out at once on
 * the up connection with the most room, or waits in the queue (sent
 * when a connection comes up or an answer frees a slot), or is refused
 * with the exception to answer in its place. Once taken, it ends exactly
 * once (inflight_end), and never inside device_submit().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <modbus.h>

#include "device_internal.h"
#include "errmsg.h"

/* Requests of wardend's own (polls, safe state, life bit) per device. */
#define POLL_QUEUE 64

void
inflight_end(const struct inflight *q, const uint8_t *answer, size_t len,
    uint8_t exception)
{
	if (q->settle != NULL)
		q->settle(q->settle_ctx, q, answer, len, exception);
	if (q->done != NULL)
		q->done(q->ctx, q, answer, len, exception);
}

/* The first request of the queue, taken out of it. */
static void
devpool_pop(struct devpool *pool, struct inflight *q)
{
	*q = pool->queue[pool->q_head];
	pool->q_head = (pool->q_head + 1) % pool->q_cap;
	pool->q_len--;
	if (q->hold != 0)
		pool->q_held--;
}

void
devpool_fail_queue(struct devpool *pool, uint8_t exception)
{
	struct inflight q;

	while (pool->q_len > 0) {
		devpool_pop(pool, &q);
		inflight_end(&q, NULL, 0, exception);
	}
}

/* The up connection with the most room, or NULL when all are full. */
static struct devconn *
devpool_pick(struct devpool *pool)
{
	struct devconn *best = NULL;
	unsigned i;

	for (i = 0; i < pool->n_conns; i++) {
		struct devconn *dc = &pool->conns[i];

		if (dc->state != DEVCONN_UP ||
		    dc->n_slots + dc->n_held >= pool->pipeline)
			continue;
		if (best == NULL ||
		    dc->n_slots + dc->n_held < best->n_slots + best->n_held)
			best = dc;
	}
	return best;
}

void
devpool_dispatch(struct devpool *pool)
{
	struct devconn *dc;
	struct inflight q;

	while (pool->q_len > 0 && (dc = devpool_pick(pool)) != NULL) {
		devpool_pop(pool, &q);
		if (devconn_send(dc, &q) == -1)
			inflight_end(&q, NULL, 0,
			    MODBUS_EXCEPTION_SLAVE_OR_SERVER_BUSY);
	}
}

static int
devpool_submit(struct devpool *pool, const struct inflight *req)
{
	struct devconn *dc;

	if (pool->n_up == 0)
		return MODBUS_EXCEPTION_GATEWAY_PATH;
	if (pool->q_len == 0 && (dc = devpool_pick(pool)) != NULL)
		return devconn_send(dc, req) == 0 ? 0 :
		    MODBUS_EXCEPTION_SLAVE_OR_SERVER_BUSY;
	if (pool->q_len >= pool->q_cap)
		return MODBUS_EXCEPTION_SLAVE_OR_SERVER_BUSY;
	pool->queue[(pool->q_head + pool->q_len) % pool->q_cap] = *req;
	pool->q_len++;
	if (req->hold != 0)
		pool->q_held++;
	return 0;
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
	for (i = 0; i < n_conns; i++)
		devconn_init(&pool->conns[i], pool, i);
	for (i = 0; i < n_conns; i++) {
		struct devconn *dc = &pool->conns[i];

		if ((dc->slots = calloc(pipeline, sizeof *dc->slots)) == NULL ||
		    (dc->held = calloc(pipeline, sizeof *dc->held)) == NULL)
			return -1;
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
	for (i = 0; i < pool->n_conns; i++)
		devconn_start(&pool->conns[i]);
}

/*
 * Close every connection of the pool for good: what was in flight on
 * them gets lost_exception, what is queued 0x0A, as when there is no
 * connection.
 */
static void
devpool_close(struct devpool *pool, const char *reason,
    uint8_t lost_exception)
{
	struct devconn_lost lost;
	unsigned i;

	pool->open = 0;
	for (i = 0; pool->conns != NULL && i < pool->n_conns; i++) {
		devconn_shut(&pool->conns[i], DEVCONN_CLOSED, reason, &lost);
		devconn_fail_lost(&lost, lost_exception);
	}
	devpool_fail_queue(pool, MODBUS_EXCEPTION_GATEWAY_PATH);
}

static void
devpool_free(struct devpool *pool, struct ev_loop *loop)
{
	unsigned i;

	for (i = 0; pool->conns != NULL && i < pool->n_conns; i++) {
		ev_timer_stop(loop, &pool->conns[i].timer);
		free(pool->conns[i].slots);
		free(pool->conns[i].held);
	}
	free(pool->conns);
	free(pool->queue);
	memset(pool, 0, sizeof *pool);
}

struct net_addr *
device_resolve_all(const struct config *cfg, char err[ERR_LEN])
{
	struct net_addr *addrs = calloc(cfg->n_devices + 1, sizeof *addrs);
	char why[ERR_LEN];
	size_t i;

	if (addrs == NULL) {
		errmsg_set(err, "out of memory");
		return NULL;
	}
	for (i = 0; i < cfg->n_devices; i++) {
		const struct config_device *d = &cfg->devices[i];

		if (d->has_serial)
			continue;       /* its bus opens the port */
		if (net_resolve(d->endpoint.host, d->endpoint.port, &addrs[i],
		    why) == -1) {
			errmsg_set(err, "device %s: %s", d->name,
			    why);
			free(addrs);
			return NULL;
		}
	}
	return addrs;
}

/*
 * The bus of a serial device: the one of the first device before it on
 * the same port, or a new one. -1 when out of memory.
 */
static int
device_bus(struct devices *ds, struct device *dev)
{
	struct rtubus **grown;
	unsigned i;

	for (i = 0; i < dev->index; i++)
		if (ds->dev[i].bus != NULL && strcmp(ds->dev[i].cfg->serial.port,
		    dev->cfg->serial.port) == 0) {
			dev->bus = ds->dev[i].bus;
			return 0;
		}
	if ((grown = realloc(ds->buses, (ds->n_buses + 1) *
	    sizeof *grown)) == NULL)
		return -1;
	ds->buses = grown;
	if ((dev->bus = rtubus_new(ds->loop, &dev->cfg->serial)) == NULL)
		return -1;
	ds->buses[ds->n_buses++] = dev->bus;
	return 0;
}

struct devices *
devices_start(struct streams *ss, const struct config *cfg,
    const struct net_addr *addrs, struct counters *counters,
    char err[ERR_LEN])
{
	struct devices *ds;
	unsigned i;

	if ((ds = calloc(1, sizeof *ds)) == NULL ||
	    (ds->dev = calloc(cfg->n_devices + 1, sizeof *ds->dev)) == NULL) {
		free(ds);
		errmsg_set(err, "out of memory");
		return NULL;
	}
	ds->ss = ss;
	ds->loop = streams_loop(ss);
	ds->cfg = cfg;
	ds->counters = counters;
	ds->n = (unsigned)cfg->n_devices;
	for (i = 0; i < ds->n; i++) {
		struct device *dev = &ds->dev[i];

		dev->ds = ds;
		dev->cfg = &cfg->devices[i];
		dev->index = i;
		dev->addr = addrs[i];
		if ((dev->cfg->has_serial && device_bus(ds, dev) == -1) ||
		    devpool_init(&dev->ai, dev, "ai", dev->cfg->connections,
		    dev->cfg->pipeline, cfg->limits.device_queue) == -1 ||
		    devpool_init(&dev->poll, dev, "poll", 1, 1,
		    POLL_QUEUE) == -1) {
			devices_stop(ds);
			errmsg_set(err, "out of memory");
			return NULL;
		}
	}
	/* Every device is whole before any pool opens. */
	for (i = 0; i < ds->n; i++) {
		devpool_open(&ds->dev[i].ai);
		if (config_device_needs_poll(cfg, i))
			devpool_open(&ds->dev[i].poll);
	}
	return ds;
}

void
devices_stop(struct devices *ds)
{
	unsigned i;

	if (ds == NULL)
		return;
	for (i = 0; i < ds->n; i++) {
		devpool_close(&ds->dev[i].ai, "wardend stopping",
		    MODBUS_EXCEPTION_GATEWAY_TARGET);
		devpool_close(&ds->dev[i].poll, "wardend stopping",
		    MODBUS_EXCEPTION_GATEWAY_TARGET);
		devpool_free(&ds->dev[i].ai, ds->loop);
		devpool_free(&ds->dev[i].poll, ds->loop);
	}
	/* Every link has left its bus with its pool. */
	for (i = 0; i < ds->n_buses; i++)
		rtubus_free(ds->buses[i]);
	free(ds->buses);
	free(ds->dev);
	free(ds);
}

void
devices_set_config(struct devices *ds, const struct config *cfg)
{
	unsigned i;

	if (ds == NULL)
		return;
	ds->cfg = cfg;
	for (i = 0; i < ds->n; i++) {
		ds->dev[i].cfg = &cfg->devices[i];
		/* The same line (reload_same_devices): the bus keeps it. */
		if (ds->dev[i].bus != NULL &&
		    strcmp(rtubus_line(ds->dev[i].bus)->port,
		    cfg->devices[i].serial.port) == 0)
			rtubus_set_line(ds->dev[i].bus,
			    &cfg->devices[i].serial);
	}
}

void
devices_poll_update(struct devices *ds)
{
	unsigned i;

	for (i = 0; ds != NULL && i < ds->n; i++) {
		struct device *dev = &ds->dev[i];

		if (config_device_needs_poll(ds->cfg, i))
			devpool_open(&dev->poll);
		else if (dev->poll.open) {
			/* What is still on it gets 0x0A, as when there is
			 * no connection. */
			devpool_close(&dev->poll, "not needed any more",
			    MODBUS_EXCEPTION_GATEWAY_PATH);
			log_info("device %s: wardend's own connection closed: "
			    "nothing on the device needs it any more",
			    dev->cfg->name);
		}
	}
}

static struct devpool *
device_pool(const struct devices *ds, unsigned device, enum device_pool which)
{
	struct device *dev = &ds->dev[device];

	return which == DEVICE_AI ? &dev->ai : &dev->poll;
}

int
device_submit(struct devices *ds, unsigned device, enum device_pool pool,
    const struct inflight *req)
{
	struct mbap_request decoded;

	if (ds == NULL)
		return MODBUS_EXCEPTION_GATEWAY_PATH;
	/* Fail safe: a write that does not decode is a write. */
	if (ds->read_only && (mbap_decode_request(req->adu, req->len,
	    &decoded) != 0 || decoded.is_write))
		return MODBUS_EXCEPTION_GATEWAY_PATH;
	return devpool_submit(device_pool(ds, device, pool), req);
}

void
devices_read_only(struct devices *ds, int on)
{
	ds->read_only = on;
}

int
devices_are_read_only(const struct devices *ds)
{
	return ds != NULL && ds->read_only;
}

uint8_t
device_ready(const struct devices *ds, unsigned device)
{
	const struct devpool *pool;

	if (ds == NULL || (pool = &ds->dev[device].ai)->n_up == 0)
		return MODBUS_EXCEPTION_GATEWAY_PATH;
	if (pool->q_len >= pool->q_cap)
		return MODBUS_EXCEPTION_SLAVE_OR_SERVER_BUSY;
	return 0;
}

int
device_up(const struct devices *ds, unsigned device)
{
	return device_pool_up(ds, device, DEVICE_AI) ||
	    device_pool_up(ds, device, DEVICE_POLL);
}

int
device_pool_up(const struct devices *ds, unsigned device,
    enum device_pool pool)
{
	return ds != NULL && device_pool(ds, device, pool)->n_up > 0;
}

void
device_on_up(struct devices *ds, unsigned device, enum device_pool pool,
    void (*fn)(void *ctx), void *ctx)
{
	struct devpool *p;

	if (ds == NULL)
		return;
	p = device_pool(ds, device, pool);
	p->on_up = fn;
	p->up_ctx = ctx;
}

void
device_serial_stats(const struct devices *ds, unsigned device,
    struct rtubus_stats *st)
{
	const struct devpool *pools[2];
	unsigned i, k;

	memset(st, 0, sizeof *st);
	if (ds == NULL || ds->dev[device].bus == NULL)
		return;
	pools[0] = &ds->dev[device].ai;
	pools[1] = &ds->dev[device].poll;
	for (i = 0; i < 2; i++)
		for (k = 0; k < pools[i]->n_conns; k++) {
			const struct rtubus_stats *s =
			    &pools[i]->conns[k].rtu.stats;

			st->timeouts += s->timeouts;
			st->crc_errors += s->crc_errors;
			st->bad_frames += s->bad_frames;
			st->noise += s->noise;
		}
}

uint64_t
device_stray_answers(const struct devices *ds, unsigned device)
{
	return ds != NULL ? ds->dev[device].stray_answers : 0;
}

void
devices_on_stray(struct devices *ds, device_stray_fn *fn, void *ctx)
{
	if (ds == NULL)
		return;
	ds->on_stray = fn;
	ds->stray_ctx = ctx;
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

unsigned
device_ai_writes_in_flight(const struct devices *ds, unsigned device)
{
	const struct devpool *pool;
	unsigned i, k, n = 0;

	if (ds == NULL)
		return 0;
	pool = &ds->dev[device].ai;
	for (i = 0; i < pool->n_conns; i++) {
		const struct devconn *dc = &pool->conns[i];

		for (k = 0; k < dc->n_slots; k++)
			n += device_fc_writes(dc->slots[k].expect.fc);
		/* Taken, and on their way once their records are written. */
		for (k = 0; k < dc->n_held; k++)
			n += device_fc_writes(dc->held[k].expect.fc);
	}
	return n;
}

void
device_drop_queued_ai_writes(struct devices *ds, unsigned device,
    uint8_t exception)
{
	struct devpool *pool;
	unsigned k, n, kept = 0;

	if (ds == NULL)
		return;
	pool = &ds->dev[device].ai;
	n = pool->q_len;
	/* Compact the ring in place, answering the writes taken out. */
	for (k = 0; k < n; k++) {
		struct inflight q = pool->queue[(pool->q_head + k) % pool->q_cap];

		if (!device_fc_writes(q.expect.fc)) {
			pool->queue[(pool->q_head + kept++) % pool->q_cap] = q;
			continue;
		}
		if (q.hold != 0)
			pool->q_held--;
		inflight_end(&q, NULL, 0, exception);
	}
	pool->q_len = kept;
}

static void
devpool_forget(struct devpool *pool, const void *ctx)
{
	unsigned j, k;

	for (j = 0; j < pool->n_conns; j++) {
		struct devconn *dc = &pool->conns[j];

		for (k = 0; k < dc->n_slots; k++)
			if (dc->slots[k].ctx == ctx)
				dc->slots[k].done = NULL;
		for (k = 0; k < dc->n_held; k++)
			if (dc->held[k].ctx == ctx)
				dc->held[k].done = NULL;
	}
	for (k = 0; k < pool->q_len; k++) {
		struct inflight *q =
		    &pool->queue[(pool->q_head + k) % pool->q_cap];

		if (q->ctx == ctx)
			q->done = NULL;
	}
}

void
device_forget(struct devices *ds, const void *ctx)
{
	unsigned i;

	for (i = 0; ds != NULL && i < ds->n; i++) {
		devpool_forget(&ds->dev[i].ai, ctx);
		devpool_forget(&ds->dev[i].poll, ctx);
	}
}

/* The queue's holds answered: each either loses its hold (and waits for
 * a slot as any other) or is withdrawn, 0x04. */
static void
devpool_release_queue(struct devpool *pool, device_release_fn *may_send,
    void *ctx)
{
	unsigned k, n = pool->q_len, kept = 0;

	/* Compact the ring in place, answering the requests taken out. */
	for (k = 0; k < n; k++) {
		struct inflight q = pool->queue[(pool->q_head + k) % pool->q_cap];

		if (q.hold != 0) {
			pool->q_held--;
			if (!may_send(ctx, q.hold)) {
				inflight_end(&q, NULL, 0,
				    MODBUS_EXCEPTION_SLAVE_OR_SERVER_FAILURE);
				continue;
			}
			q.hold = 0;
		}
		pool->queue[(pool->q_head + kept++) % pool->q_cap] = q;
	}
	pool->q_len = kept;
}

void
device_release(struct devices *ds, device_release_fn *may_send, void *ctx)
{
	struct devpool *pool;
	unsigned i, k;

	for (i = 0; ds != NULL && i < ds->n; i++) {
		pool = &ds->dev[i].ai;
		for (k = 0; k < pool->n_conns; k++)
			if (pool->conns[k].n_held > 0)
				devconn_release(&pool->conns[k], may_send, ctx);
		if (pool->q_held > 0)
			devpool_release_queue(pool, may_send, ctx);
	}
}
