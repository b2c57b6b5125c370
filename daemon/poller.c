/*
 * poller.c: wardend reads the process itself, on each device's
 * poll_interval and its own connection, whatever the AI does: monitored
 * points (alarms and trips), writable points (the last known value the
 * policy needs) and the key switch. It also writes each device's life bit
 * so PLC logic can tell a dead gateway and fall back on its own.
 */
#include <stdlib.h>
#include <string.h>

#include <modbus.h>

#include "log.h"
#include "monitor.h"
#include "point.h"
#include "poller.h"
#include "record.h"
#include "warden.h"

#define POLL_GAP_MAX 16         /* unpolled addresses bridged in one read */

/* One read the poller makes each round. */
struct poll_range {
	struct poller *pl;
	unsigned device;
	enum point_table table;
	uint16_t address;
	uint16_t count;
	unsigned first, n_points;       /* its points: order[first..+n) */
	int outstanding;                /* last round's read not answered */
	int failing;                    /* its last read was not answered
					 * with values: the device counts as
					 * not answering */
};

struct poll_device {
	struct poller *pl;
	unsigned device;
	unsigned n_ranges;
	unsigned n_failing;             /* its ranges with failing set */
	ev_timer tick;                  /* poll_interval */
	ev_timer life;                  /* life_bit interval */
	uint16_t life_value;
	struct monitor_device mon;
};

/* All NULL while stopped: nothing active, nothing polled. */
struct poller {
	struct warden *w;
	struct poll_range *ranges;      /* room for one per polled point */
	size_t n_ranges;
	unsigned *order;                /* polled points by device, table,
					 * address */
	struct poll_device *devices;    /* cfg->n_devices */
	struct monitor_point *points;   /* cfg->n_points */
	double *values;                 /* last polled, engineering */
	uint8_t *polled;                /* values[i] holds a poll */
	double *polled_at;              /* when values[i] was polled */
};

static int
poller_point_cmp(const void *a, const void *b, void *arg)
{
	const struct config *cfg = arg;
	const struct config_point *p = &cfg->points[*(const unsigned *)a];
	const struct config_point *q = &cfg->points[*(const unsigned *)b];

	if (p->device != q->device)
		return p->device < q->device ? -1 : 1;
	if (p->table != q->table)
		return p->table < q->table ? -1 : 1;
	return (int)p->address - (int)q->address;
}

static uint8_t
poller_fc(enum point_table table)
{
	static const uint8_t fc[TABLE_COUNT] = { MODBUS_FC_READ_COILS,
	    MODBUS_FC_READ_DISCRETE_INPUTS, MODBUS_FC_READ_INPUT_REGISTERS,
	    MODBUS_FC_READ_HOLDING_REGISTERS };

	return fc[table];
}

/* Group the polled points into as few reads as the protocol allows. */
static int
poller_plan(struct poller *pl, struct config *cfg)
{
	unsigned *order, n = 0, i;

	if ((order = calloc(cfg->n_points + 1, sizeof *order)) == NULL)
		return -1;
	for (i = 0; i < cfg->n_points; i++)
		if (config_point_polled(cfg, i))
			order[n++] = i;
	qsort_r(order, n, sizeof *order, poller_point_cmp, cfg);
	pl->ranges = calloc(n + 1, sizeof *pl->ranges);
	if (pl->ranges == NULL) {
		free(order);
		return -1;
	}
	/* Each range's points are a run of order[]: first, n_points. */
	for (i = 0; i < n; i++) {
		const struct config_point *p = &cfg->points[order[i]];
		struct poll_range *r = pl->n_ranges > 0 ?
		    &pl->ranges[pl->n_ranges - 1] : NULL;
		unsigned max = p->table <= TABLE_DISCRETE ?
		    MODBUS_MAX_READ_BITS : MODBUS_MAX_READ_REGISTERS;
		unsigned end = p->address + p->width;

		if (r != NULL && r->device == p->device &&
		    r->table == p->table &&
		    p->address <= r->address + r->count + POLL_GAP_MAX &&
		    end - r->address <= max) {
			if (end > (unsigned)r->address + r->count)
				r->count = (uint16_t)(end - r->address);
			r->n_points++;
			continue;
		}
		r = &pl->ranges[pl->n_ranges++];
		pl->devices[p->device].n_ranges++;
		r->pl = pl;
		r->device = p->device;
		r->table = p->table;
		r->address = p->address;
		r->count = (uint16_t)p->width;
		r->first = i;
		r->n_points = 1;
	}
	pl->order = order;
	return 0;
}

/* For the alarm list, the record and the guard (flow.h). */
static void
poller_event(struct poller *pl, const char *source, int is_device,
    const struct monitor_event *e)
{
	struct warden *w = pl->w;

	w->events.condition(w->events.ctx, source, is_device, e);
}

/*
 * Nothing is known of a lost device's points until it answers again: no
 * rate or stale count across the gap, and its key switch is unknown
 * (which blocks a release).
 */
static void
poller_device_lost(struct poller *pl, unsigned device)
{
	struct warden *w = pl->w;
	const struct config *cfg = w->cfg;
	size_t i;

	for (i = 0; i < cfg->n_points; i++)
		if (cfg->points[i].device == device)
			monitor_point_resync(&pl->points[i]);
	if (cfg->takeover.has_switch &&
	    cfg->points[cfg->takeover.switch_point].device == device)
		w->events.key_switch(w->events.ctx, GUARD_SWITCH_UNKNOWN);
}

static void
poller_device_liveness(struct poller *pl, unsigned device, int answered)
{
	struct warden *w = pl->w;
	struct monitor_event e;

	if (!monitor_device_update(&w->cfg->devices[device],
	    &pl->devices[device].mon, answered, ev_now(w->loop), &e))
		return;
	if (e.raised)
		poller_device_lost(pl, device);
	poller_event(pl, w->cfg->devices[device].name, 1, &e);
}

static void
poller_point_polled(struct poller *pl, unsigned i, double raw, double at)
{
	struct warden *w = pl->w;
	const struct config *cfg = w->cfg;
	const struct config_point *p = &cfg->points[i];
	struct monitor_event events[MONITOR_MAX_EVENTS];
	double value = point_value(p, raw);
	size_t n, k;

	policy_observe(cfg, w->memory, i, raw, at);
	pl->values[i] = value;
	pl->polled[i] = 1;
	pl->polled_at[i] = ev_now(w->loop);
	if (p->monitored) {
		n = monitor_update(&p->monitor, &pl->points[i], value,
		    ev_now(w->loop), events);
		for (k = 0; k < n; k++)
			poller_event(pl, p->name, 0, &events[k]);
	}
	if (cfg->takeover.has_switch && cfg->takeover.switch_point == i)
		w->events.key_switch(w->events.ctx,
		    value == cfg->takeover.switch_active ?
		    GUARD_SWITCH_ON : GUARD_SWITCH_OFF);
}

/* Set r's failing flag, keeping its device's count. */
static void
poller_range_failing(struct poller *pl, struct poll_range *r, int failing)
{
	if (r->failing == failing)
		return;
	r->failing = failing;
	if (failing)
		pl->devices[r->device].n_failing++;
	else
		pl->devices[r->device].n_failing--;
}

/*
 * A read that bridges addresses no point names was refused: the device's
 * map has a hole there, as real PLC maps do. Read each of its points on
 * its own from now on: r becomes the first, the others are appended
 * (pl->ranges has room for one range per point, and is never moved, so
 * the reads in flight keep their ranges).
 */
static void
poller_split(struct poller *pl, struct poll_range *r, uint8_t code)
{
	const struct config *cfg = pl->w->cfg;
	unsigned k;

	log_warnx("device %s: reading %s %u-%u was refused (exception %02x); "
	    "reading its %u points one by one from now on",
	    cfg->devices[r->device].name, config_table_name(r->table),
	    r->address, r->address + r->count - 1, code, r->n_points);
	poller_range_failing(pl, r, 0);
	for (k = r->n_points; k-- > 0;) {
		const struct config_point *p =
		    &cfg->points[pl->order[r->first + k]];
		struct poll_range *one = k == 0 ? r :
		    &pl->ranges[pl->n_ranges++];

		*one = *r;
		one->first = r->first + k;
		one->n_points = 1;
		one->address = p->address;
		one->count = (uint16_t)p->width;
		if (k > 0)
			pl->devices[r->device].n_ranges++;
	}
}

/* The device refused the read (an exception answer: refused) or did not
 * answer it. */
static void
poller_read_failed(struct poller *pl, struct poll_range *r, int refused,
    uint8_t code)
{
	const struct config *cfg = pl->w->cfg;

	if (refused && r->n_points > 1 &&
	    (code == MODBUS_EXCEPTION_ILLEGAL_DATA_ADDRESS ||
	    code == MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE)) {
		poller_split(pl, r, code);
		return;
	}
	if (refused && !r->failing)
		log_warnx("device %s: reading %s %u-%u (point %s%s) was "
		    "refused (exception %02x); check the address in the "
		    "config; until it can be read the device counts as not "
		    "answering", cfg->devices[r->device].name,
		    config_table_name(r->table), r->address,
		    r->address + r->count - 1,
		    cfg->points[pl->order[r->first]].name,
		    r->n_points > 1 ? " and others" : "", code);
	poller_range_failing(pl, r, 1);
	poller_device_liveness(pl, r->device, 0);
}

static void
poller_answer_cb(void *ctx, const struct inflight *req, const uint8_t *answer,
    size_t len, uint8_t exception)
{
	struct poll_range *r = ctx;
	struct poller *pl = r->pl;
	const struct config *cfg = pl->w->cfg;
	struct mbap_response resp;
	unsigned i;

	r->outstanding = 0;
	if (answer == NULL || mbap_check_response(&req->expect, answer, len,
	    &resp) != 0) {
		poller_read_failed(pl, r, 0, exception);
		return;
	}
	if (resp.exception != 0) {
		poller_read_failed(pl, r, 1, resp.exception);
		return;
	}
	if (r->failing)
		log_info("device %s: %s %u-%u is read again",
		    cfg->devices[r->device].name, config_table_name(r->table),
		    r->address, r->address + r->count - 1);
	poller_range_failing(pl, r, 0);
	/* A point that cannot be read must not look healthy: the device is
	 * answering only when all of its reads are. */
	poller_device_liveness(pl, r->device,
	    pl->devices[r->device].n_failing == 0);
	for (i = r->first; i < r->first + r->n_points; i++) {
		unsigned k = pl->order[i];

		poller_point_polled(pl, k,
		    point_get_raw(&cfg->points[k], resp.data, r->address),
		    req->sent_at);
	}
}

static void
poller_send(struct devices *ds, const uint8_t *adu, size_t len,
    device_done_fn done, void *ctx, unsigned device)
{
	struct mbap_request req;
	struct inflight in;

	memset(&in, 0, sizeof in);
	in.done = done;
	in.ctx = ctx;
	in.device = device;
	in.len = (uint16_t)len;
	memcpy(in.adu, adu, len);
	if (mbap_decode_request(adu, len, &req) != 0)
		return;
	mbap_expect_of(&req, &in.expect);
	if (device_submit(ds, device, DEVICE_POLL, &in) != 0)
		done(ctx, &in, NULL, 0, MODBUS_EXCEPTION_GATEWAY_PATH);
}

static void
poller_read(struct poller *pl, struct poll_range *r)
{
	struct warden *w = pl->w;
	uint8_t adu[MBAP_MAX_ADU_LEN];
	size_t len;

	len = mbap_encode_read(adu, 0,
	    w->cfg->devices[r->device].device_unit_id, poller_fc(r->table),
	    r->address, r->count);
	r->outstanding = 1;
	poller_send(w->devices, adu, len, poller_answer_cb, r, r->device);
}

static void
poller_tick_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
	struct poll_device *pd = t->data;
	struct poller *pl = pd->pl;
	size_t i;

	(void)loop;
	(void)revents;
	/* With nothing to poll, a device answers while any of wardend's
	 * connections to it is up. */
	poller_device_liveness(pl, pd->device, pd->n_ranges == 0 &&
	    device_up(pl->w->devices, pd->device));
	for (i = 0; i < pl->n_ranges; i++) {
		struct poll_range *r = &pl->ranges[i];

		if (r->device == pd->device && !r->outstanding)
			poller_read(pl, r);
	}
}

/*
 * The device's poll connection came up (at start, or back after a loss):
 * read the key switch now, first, rather than at the next tick (up to a
 * poll_interval away, later still for devices the ticks are spread to),
 * since until it is read a release is refused.
 */
static void
poller_conn_up(void *ctx)
{
	struct poll_device *pd = ctx;
	struct poller *pl = pd->pl;
	const struct config *cfg = pl->w->cfg;
	size_t i;
	unsigned k;

	if (!cfg->takeover.has_switch ||
	    cfg->points[cfg->takeover.switch_point].device != pd->device)
		return;
	for (i = 0; i < pl->n_ranges; i++) {
		struct poll_range *r = &pl->ranges[i];

		for (k = r->first; k < r->first + r->n_points; k++)
			if (pl->order[k] == cfg->takeover.switch_point &&
			    !r->outstanding) {
				poller_read(pl, r);
				return;
			}
	}
}

static void
poller_life_done(void *ctx, const struct inflight *req, const uint8_t *answer,
    size_t len, uint8_t exception)
{
	(void)ctx;
	(void)req;
	(void)answer;
	(void)len;
	(void)exception;
}

static void
poller_life_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
	struct poll_device *pd = t->data;
	struct warden *w = pd->pl->w;
	const struct config_device *d = &w->cfg->devices[pd->device];
	uint8_t adu[MBAP_MAX_ADU_LEN];
	size_t len;

	(void)loop;
	(void)revents;
	len = mbap_encode_write_register(adu, 0, d->device_unit_id,
	    d->life_bit_address, pd->life_value++);
	poller_send(w->devices, adu, len, poller_life_done, pd,
	    pd->device);
}

struct poller *
poller_new(struct warden *w)
{
	struct poller *pl;

	if ((pl = calloc(1, sizeof *pl)) == NULL)
		return NULL;
	pl->w = w;
	return pl;
}

void
poller_free(struct poller *pl)
{
	if (pl == NULL)
		return;
	poller_stop(pl);
	free(pl);
}

int
poller_start(struct poller *pl)
{
	struct warden *w = pl->w;
	const struct config *cfg = w->cfg;
	ev_tstamp now = ev_now(w->loop);
	unsigned i;

	pl->devices = calloc(cfg->n_devices, sizeof *pl->devices);
	pl->points = calloc(cfg->n_points + 1, sizeof *pl->points);
	pl->values = calloc(cfg->n_points + 1, sizeof *pl->values);
	pl->polled = calloc(cfg->n_points + 1, sizeof *pl->polled);
	pl->polled_at = calloc(cfg->n_points + 1, sizeof *pl->polled_at);
	if (pl->devices == NULL || pl->points == NULL || pl->values == NULL ||
	    pl->polled == NULL || pl->polled_at == NULL || poller_plan(pl, w->cfg) == -1) {
		poller_stop(pl);
		return -1;
	}
	for (i = 0; i < cfg->n_points; i++)
		monitor_point_init(&pl->points[i]);
	for (i = 0; i < cfg->n_devices; i++) {
		struct poll_device *pd = &pl->devices[i];
		const struct config_device *d = &cfg->devices[i];

		pd->pl = pl;
		pd->device = i;
		monitor_device_init(&pd->mon, now);
		/* Spread over the interval: ten devices polled in the same
		 * instant would delay AI traffic and operator commands all
		 * at once. */
		ev_timer_init(&pd->tick, poller_tick_cb, d->poll_interval *
		    (i + 1) / cfg->n_devices, d->poll_interval);
		pd->tick.data = pd;
		ev_timer_start(w->loop, &pd->tick);
		device_on_up(w->devices, i, DEVICE_POLL, poller_conn_up, pd);
		if (device_pool_up(w->devices, i, DEVICE_POLL))
			poller_conn_up(pd);
		if (d->has_life_bit) {
			ev_timer_init(&pd->life, poller_life_cb,
			    d->life_bit_interval, d->life_bit_interval);
			pd->life.data = pd;
			ev_timer_start(w->loop, &pd->life);
		}
	}
	return 0;
}

void
poller_stop(struct poller *pl)
{
	struct warden *w = pl->w;
	unsigned i;

	for (i = 0; pl->devices != NULL && i < w->cfg->n_devices; i++) {
		ev_timer_stop(w->loop, &pl->devices[i].tick);
		ev_timer_stop(w->loop, &pl->devices[i].life);
		device_on_up(w->devices, i, DEVICE_POLL, NULL, NULL);
	}
	for (i = 0; i < pl->n_ranges; i++)
		device_forget(w->devices, &pl->ranges[i]);
	for (i = 0; pl->devices != NULL && i < w->cfg->n_devices; i++)
		device_forget(w->devices, &pl->devices[i]);
	free(pl->devices);
	free(pl->points);
	free(pl->values);
	free(pl->polled);
	free(pl->polled_at);
	free(pl->ranges);
	free(pl->order);
	*pl = (struct poller){ .w = w };
}

size_t
poller_point_active(const struct poller *pl, size_t i,
    struct monitor_active *out)
{
	if (pl->points == NULL)
		return 0;
	return monitor_point_active(&pl->points[i], out);
}

int
poller_device_loss(const struct poller *pl, size_t i,
    struct monitor_active *out)
{
	const struct monitor_condition *lost;

	if (pl->devices == NULL)
		return 0;
	lost = &pl->devices[i].mon.lost;
	if (!lost->active)
		return 0;
	*out = (struct monitor_active){ MONITOR_DEVICE_LOSS, lost->value,
	    lost->since };
	return 1;
}

int
poller_value(const struct poller *pl, size_t i, double *value)
{
	if (pl->values == NULL || !pl->polled[i])
		return 0;
	*value = pl->values[i];
	return 1;
}

double
poller_polled_at(const struct poller *pl, size_t i)
{
	return pl->polled_at == NULL ? 0 : pl->polled_at[i];
}
