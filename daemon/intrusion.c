/*
 * intrusion.c: the intrusion detector (ids.h) on the loop (intrusion.h).
 * The detector is pure; here it gets the loop's time, the config's
 * limits and points, and a sweep timer that runs only while it holds
 * occurrences back, and what it reports is written, counted and, when
 * the kind's on_intrusion says so, handed to the guard.
 *
 * A client is its address without the port: one host opening connection
 * after connection is still one client.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intrusion.h"
#include "record.h"
#include "warden.h"

/* How often a detector holding something back is swept. */
#define INTRUSION_SWEEP 1.0

struct intrusion {
	struct warden *w;
	struct ids *ids;                /* NULL: not made yet, or no memory */
	int made;                       /* made (or tried) for gen */
	unsigned gen;                   /* w->policy_gen it was made for */
	const struct config *cfg;       /* and the config (w->cfg, or its
					 * successor while the detector of
					 * the one before is retired) */
	int retiring;                   /* its point indexes are not
					 * cfg's */
	uint64_t counted[IDS_KIND_COUNT];       /* its occurrences in
						 * w->counters already */
	ev_timer sweep;
};

static void intrusion_sweep_cb(struct ev_loop *, ev_timer *, int);

/* A client's address, its port cut: "10.0.0.5:502" -> "10.0.0.5",
 * "[::1]:502" -> "[::1]". */
static void
intrusion_host(const char *name, char out[IDS_SOURCE_MAX])
{
	const char *colon = strrchr(name, ':');
	size_t len = colon != NULL ? (size_t)(colon - name) : strlen(name);

	if (len >= IDS_SOURCE_MAX)
		len = IDS_SOURCE_MAX - 1;
	memcpy(out, name, len);
	out[len] = '\0';
}

static int
intrusion_is_device_kind(enum ids_kind kind)
{
	return kind == IDS_UNSOLICITED_ANSWER || kind == IDS_DUPLICATE_ANSWER;
}

/* ids_report_fn: on the record, counted, and to the guard when its
 * kind takes over. */
static void
intrusion_report(void *ctx, const struct ids_report *r)
{
	struct intrusion *in = ctx;
	struct warden *w = in->w;
	const struct config *cfg = in->cfg;
	int device = intrusion_is_device_kind(r->kind);
	struct record_intrusion rec = {
		.kind = ids_kind_name(r->kind),
		.client = device ? NULL : r->source,
		.device = device ? r->source : NULL,
		.count = r->count,
		.since = r->first,
		.window = cfg->intrusion.limits.window,
		.takeover = cfg->intrusion.takeover[r->kind],
	};
	char what[IDS_SOURCE_MAX + 64];

	if (r->kind == IDS_INVALID_UNIT && r->detail >= 0) {
		rec.has_unit = 1;
		rec.unit = (uint8_t)r->detail;
	} else if (r->kind == IDS_UNKNOWN_FUNCTION && r->detail >= 0) {
		rec.has_fc = 1;
		rec.fc = (uint8_t)r->detail;
	} else if (r->kind == IDS_WRITE_BURST && r->detail >= 0 &&
	    !in->retiring && (size_t)r->detail < cfg->n_points)
		rec.point = cfg->points[r->detail].name;
	record_intrusion(w, &rec);
	if (log_budget_allow(&w->abuse_log, ev_now(w->loop)))
		log_warnx("intrusion: %s from %s%s (%llu)", rec.kind,
		    device ? "device " : "", r->source,
		    (unsigned long long)r->count);
	if (!rec.takeover)
		return;
	snprintf(what, sizeof what, "%s from %s%s", rec.kind,
	    device ? "device " : "", r->source);
	w->events.intrusion(w->events.ctx, what);
}

/*
 * The detector for the config in force: made again after a reload, the
 * old one's held-back occurrences reported first (under the new
 * config's on_intrusion: the config in force decides). NULL when out
 * of memory: nothing is detected, and the log says so once.
 */
static struct ids *
intrusion_ids(struct intrusion *in)
{
	struct warden *w = in->w;

	if (in->made && in->gen == w->policy_gen)
		return in->ids;
	/* The config it was made for is gone: its records are written
	 * under the new one, without the old one's point names. */
	in->cfg = w->cfg;
	if (in->ids != NULL) {
		in->retiring = 1;
		ids_sweep(in->ids, HUGE_VAL);
		in->retiring = 0;
		ids_free(in->ids);
	}
	in->made = 1;
	in->gen = w->policy_gen;
	memset(in->counted, 0, sizeof in->counted);
	if ((in->ids = ids_new(&w->cfg->intrusion.limits, w->cfg->n_points,
	    intrusion_report, in)) == NULL)
		log_warnx("intrusion: out of memory; nothing is detected "
		    "until the next reload");
	return in->ids;
}

/* After the detector was told something: its new occurrences counted
 * (warden_intrusion_total), and it is swept while it holds some back. */
static void
intrusion_after(struct intrusion *in)
{
	uint64_t n;
	int k;

	if (in->ids == NULL)
		return;
	for (k = 0; k < IDS_KIND_COUNT; k++)
		if ((n = ids_occurred(in->ids, (enum ids_kind)k)) !=
		    in->counted[k]) {
			counters_intrusion(&in->w->counters, (enum ids_kind)k,
			    n - in->counted[k]);
			in->counted[k] = n;
		}
	if (ids_pending(in->ids) &&
	    !ev_is_active(&in->sweep))
		ev_timer_again(in->w->loop, &in->sweep);
}

static void
intrusion_sweep_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
	struct intrusion *in = t->data;
	struct ids *ids;

	(void)revents;
	/* After a reload, the old detector's held-back occurrences are
	 * written now and the new one has none. */
	if ((ids = intrusion_ids(in)) == NULL || !ids_sweep(ids, ev_now(loop)))
		ev_timer_stop(loop, t);
}

struct intrusion *
intrusion_new(struct warden *w)
{
	struct intrusion *in;

	if ((in = calloc(1, sizeof *in)) == NULL)
		return NULL;
	in->w = w;
	ev_init(&in->sweep, intrusion_sweep_cb);
	in->sweep.repeat = INTRUSION_SWEEP;
	in->sweep.data = in;
	return in;
}

void
intrusion_free(struct intrusion *in)
{
	if (in == NULL)
		return;
	/* What is held back stays in the count only: wardend is stopping,
	 * and nothing may take over now. */
	ev_timer_stop(in->w->loop, &in->sweep);
	ids_free(in->ids);
	free(in);
}

/* device_stray_fn: a device's answer nobody asked for. */
static void
intrusion_stray(void *ctx, unsigned device, int unsolicited)
{
	struct intrusion *in = ctx;
	struct ids *ids;

	if ((ids = intrusion_ids(in)) == NULL ||
	    device >= in->cfg->n_devices)
		return;
	ids_event(ids, in->cfg->devices[device].name, unsolicited ?
	    IDS_UNSOLICITED_ANSWER : IDS_DUPLICATE_ANSWER, -1,
	    ev_now(in->w->loop));
	intrusion_after(in);
}

void
intrusion_watch_devices(struct intrusion *in)
{
	devices_on_stray(in->w->devices, intrusion_stray, in);
}

void
intrusion_client(struct intrusion *in, const struct client *c,
    enum ids_kind kind, long detail)
{
	char host[IDS_SOURCE_MAX];
	double now = ev_now(in->w->loop);
	struct ids *ids;

	if ((ids = intrusion_ids(in)) == NULL)
		return;
	intrusion_host(client_name(c), host);
	if (kind == IDS_FLOOD)
		ids_request(ids, host, now);
	else if (kind == IDS_EXCEPTION_STORM)
		ids_exception(ids, host, now);
	else
		ids_event(ids, host, kind, detail, now);
	intrusion_after(in);
}

/* The table a function code's addresses are in; -1 for none. */
static int
intrusion_table(uint8_t fc)
{
	switch (fc) {
	case 1: case 5: case 15:
		return TABLE_COIL;
	case 2:
		return TABLE_DISCRETE;
	case 4:
		return TABLE_INPUT;
	case 3: case 6: case 16: case 22: case 23:
		return TABLE_HOLDING;
	}
	return -1;
}

/* Does a point of device cover any of quantity addresses from first? */
static int
intrusion_mapped(const struct config *cfg, unsigned device, int table,
    uint16_t first, uint16_t quantity)
{
	unsigned i;

	for (i = 0; i < quantity; i++)
		if (config_point_at(cfg, device, (enum point_table)table,
		    (uint16_t)(first + i)) != NULL)
			return 1;
	return 0;
}

/* Each point a write covers, once. */
static void
intrusion_writes(struct intrusion *in, struct ids *ids, const char *host,
    const struct mbap_request *req, unsigned device, int table, double now)
{
	const struct config_point *p, *last = NULL;
	unsigned i;

	for (i = 0; i < req->write_quantity; i++) {
		p = config_point_at(in->cfg, device, (enum point_table)table,
		    (uint16_t)(req->write_address + i));
		if (p != NULL && p != last)
			ids_write(ids, host, (size_t)(p - in->cfg->points), now);
		last = p;
	}
}

void
intrusion_request(struct intrusion *in, const struct client *c,
    const struct mbap_request *req, unsigned device)
{
	char host[IDS_SOURCE_MAX];
	double now = ev_now(in->w->loop);
	const struct ids_limits *lim;
	struct ids *ids;
	int table;

	if ((ids = intrusion_ids(in)) == NULL)
		return;
	lim = &in->cfg->intrusion.limits;
	intrusion_host(client_name(c), host);
	if (!req->known) {
		if (!ids_function_defined(req->fc))
			ids_event(ids, host, IDS_UNKNOWN_FUNCTION, req->fc,
			    now);
		intrusion_after(in);
		return;
	}
	table = intrusion_table(req->fc);
	/* A request that touches no point at all: a probe of an
	 * address, named by its first one. */
	if (table >= 0 && lim->scan_addresses > 0 &&
	    !(req->read_quantity > 0 && intrusion_mapped(in->cfg, device,
	    table, req->read_address, req->read_quantity)) &&
	    !(req->write_quantity > 0 && intrusion_mapped(in->cfg, device,
	    table, req->write_address, req->write_quantity)))
		ids_unmapped(ids, host, (uint32_t)req->unit << 24 |
		    (uint32_t)table << 16 | (req->read_quantity > 0 ?
		    req->read_address : req->write_address), now);
	if (req->is_write && table >= 0 && lim->write_burst > 0)
		intrusion_writes(in, ids, host, req, device, table, now);
	intrusion_after(in);
}
