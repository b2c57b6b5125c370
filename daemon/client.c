/*
 * client.c: the AI's connections (client.h), each one and the set of
 * them (struct clients, client_internal.h). Bytes are framed by
 * mbap_frame() and decoded by mbap_decode_request(); each request is
 * answered at once with an exception or handed to the layer above, and
 * the device's answer comes back with the client's own transaction id.
 * The bytes move through the client's stream (stream.h), which writes
 * all answers of one loop iteration at once.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <modbus.h>

#include "client_internal.h"
#include "config.h"
#include "log.h"
#include "metrics.h"
#include "stream.h"

/* Answers a client has not read beyond this close it (warden.yaml(5)). */
#define CLIENT_OUT_MAX (64 * 1024)
/* An unfinished frame older than this closes the client (slowloris). */
#define CLIENT_FRAME_TIMEOUT 5.0

struct client {
	struct clients *cs;
	struct stream *s;
	char name[NET_ADDRSTR_LEN];
	ev_timer timer;                 /* idle and unfinished-frame limits */
	ev_tstamp last_active;
	ev_tstamp partial_since;        /* 0: no unfinished frame */
	unsigned inflight;
	unsigned role;                  /* index into cfg->roles */
	struct client *prev, *next;     /* all open clients */
};

static void client_data_cb(void *);
static void client_resume_cb(void *);
static void client_closed_cb(void *, const char *);
static void client_release_cb(void *);
static void client_timer_cb(struct ev_loop *, ev_timer *, int);

static const struct stream_events client_stream_events = {
	.data = client_data_cb,
	.deferred = client_resume_cb,
	.closed = client_closed_cb,
	.release = client_release_cb,
};

struct clients *
clients_new(struct streams *ss, const struct config *cfg,
    struct counters *counters, struct metrics *metrics,
    struct log_budget *abuse_log)
{
	struct clients *cs;

	if ((cs = calloc(1, sizeof *cs)) == NULL)
		return NULL;
	cs->loop = streams_loop(ss);
	cs->ss = ss;
	cs->cfg = cfg;
	cs->counters = counters;
	cs->metrics = metrics;
	cs->abuse_log = abuse_log;
	return cs;
}

void
clients_free(struct clients *cs)
{
	free(cs);
}

void
clients_set_events(struct clients *cs, const struct client_events *ev)
{
	cs->events = *ev;
}

void
clients_set_config(struct clients *cs, const struct config *cfg)
{
	cs->cfg = cfg;
}

void
client_accept(struct clients *cs, int fd, const struct net_addr *peer,
    unsigned role)
{
	char name[STREAM_NAME_MAX];
	struct stream_opts opts = {
		.name = name,
		.events = &client_stream_events,
		/* A peer can make us close it at will: the line is
		 * budgeted. */
		.budget = cs->abuse_log,
		.out_max = CLIENT_OUT_MAX,
	};
	struct client *c;

	if ((c = calloc(1, sizeof *c)) == NULL) {
		log_warn("client: out of memory");
		close(fd);
		return;
	}
	c->cs = cs;
	c->role = role;
	net_addr_format(peer, c->name, sizeof c->name);
	snprintf(name, sizeof name, "client %s", c->name);
	opts.ctx = c;
	if ((c->s = stream_accept(cs->ss, fd, &opts)) == NULL) {
		log_warn("client: out of memory");
		free(c);
		return;
	}
	c->last_active = ev_now(cs->loop);
	ev_timer_init(&c->timer, client_timer_cb,
	    cs->cfg->limits.idle_timeout, 0.);
	c->timer.data = c;
	ev_timer_start(cs->loop, &c->timer);

	c->next = cs->open;
	if (cs->open != NULL)
		cs->open->prev = c;
	cs->open = c;
	cs->n_open++;
	counters_client_accepted(cs->counters);
	log_debug("client %s connected", c->name);
}

void
client_close(struct client *c, const char *reason)
{
	stream_close(c->s, reason);
}

void
clients_close_all(struct clients *cs, const char *reason)
{
	/* Each close takes its client off the list. */
	while (cs->open != NULL)
		client_close(cs->open, reason);
}

unsigned
clients_count(const struct clients *cs)
{
	return cs->n_open;
}

/* The stream is closed: c leaves the open clients. */
static void
client_closed_cb(void *ctx, const char *reason)
{
	struct client *c = ctx;
	struct clients *cs = c->cs;

	(void)reason;
	ev_timer_stop(cs->loop, &c->timer);
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		cs->open = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	cs->n_open--;
	if (c->inflight > 0)
		cs->events.gone(cs->events.ctx, c);
}

static void
client_release_cb(void *ctx)
{
	free(ctx);
}

const char *
client_name(const struct client *c)
{
	return c->name;
}

unsigned
client_role(const struct client *c)
{
	return c->role;
}

void
client_hold(struct client *c)
{
	c->inflight++;
}

void
client_release(struct client *c)
{
	/* Reading stopped at max_inflight: resumed outside the callback
	 * that freed the slot. */
	if (c->inflight-- == c->cs->cfg->limits.max_inflight)
		stream_defer(c->s);
}

static void
client_send(struct client *c, const uint8_t *adu, size_t len,
    uint16_t tid, uint8_t unit)
{
	uint8_t *p;

	if ((p = stream_append(c->s, len)) == NULL) {
		client_close(c, errno == ENOBUFS ?
		    "answers not read (over 64 KiB pending)" : "out of memory");
		return;
	}
	memcpy(p, adu, len);
	mbap_set_tid(p, tid);
	mbap_set_unit(p, unit);
}

void
client_send_exception(struct client *c, uint16_t tid, uint8_t unit,
    uint8_t fc, uint8_t code)
{
	uint8_t adu[MBAP_EXCEPTION_ADU_LEN];
	size_t len;

	counters_exception(c->cs->counters, code);
	len = mbap_encode_exception(adu, tid, unit, fc, code);
	client_send(c, adu, len, tid, unit);
}

void
client_answer_cb(void *ctx, const struct inflight *req, const uint8_t *answer,
    size_t len, uint8_t exception)
{
	struct client *c = ctx;
	struct clients *cs = c->cs;

	metrics_count_latency(cs->metrics, ev_now(cs->loop) -
	    req->received_at);
	client_release(c);
	if (answer != NULL) {
		counters_answered(cs->counters);
		client_send(c, answer, len, req->origin_tid, req->origin_unit);
	} else
		client_send_exception(c, req->origin_tid, req->origin_unit,
		    req->expect.fc, exception);
}

static void
client_handle(struct client *c, const uint8_t *adu, size_t len)
{
	struct clients *cs = c->cs;
	struct mbap_request req;
	unsigned dev;
	int code;

	counters_request(cs->counters);
	if ((code = mbap_decode_request(adu, len, &req)) != 0) {
		metrics_count_verdict(cs->metrics, METRICS_INVALID);
		client_send_exception(c, mbap_get_tid(adu), mbap_get_unit(adu),
		    adu[MBAP_HEADER_LEN], (uint8_t)code);
		return;
	}
	if ((dev = cs->cfg->device_by_unit[req.unit]) == 0) {
		metrics_count_verdict(cs->metrics, METRICS_UNKNOWN_UNIT);
		client_send_exception(c, req.tid, req.unit, req.fc,
		    MODBUS_EXCEPTION_GATEWAY_TARGET);
		return;
	}
	cs->events.request(cs->events.ctx, c, adu, len, &req, dev - 1);
}

static void
client_note_partial(struct client *c, ev_tstamp now)
{
	if (c->partial_since != 0.)
		return;
	c->partial_since = now;
	if (ev_timer_remaining(c->cs->loop, &c->timer) > CLIENT_FRAME_TIMEOUT) {
		ev_timer_stop(c->cs->loop, &c->timer);
		ev_timer_set(&c->timer, CLIENT_FRAME_TIMEOUT, 0.);
		ev_timer_start(c->cs->loop, &c->timer);
	}
}

/* Every whole frame received, up to max_inflight outstanding. */
static void
client_process(struct client *c)
{
	struct clients *cs = c->cs;
	unsigned max_inflight = cs->cfg->limits.max_inflight;
	struct buf *in = stream_in(c->s);
	size_t len;

	while (!stream_closed(c->s) && c->inflight < max_inflight) {
		enum mbap_frame_status st;

		st = mbap_frame(buf_head(in), buf_len(in), &len);
		if (st == MBAP_FRAME_INCOMPLETE) {
			if (buf_len(in) > 0)
				client_note_partial(c, ev_now(cs->loop));
			else
				c->partial_since = 0.;
			break;
		}
		if (st != MBAP_FRAME_OK) {
			counters_malformed(cs->counters);
			client_close(c, mbap_frame_strerror(st));
			return;
		}
		c->partial_since = 0.;
		client_handle(c, buf_head(in), len);
		buf_consume(in, len);
	}
	if (stream_closed(c->s))
		return;
	/* Over max_inflight: stop reading until answers drain. */
	if (c->inflight >= max_inflight)
		stream_read_stop(c->s);
	else
		stream_read_start(c->s);
}

static void
client_data_cb(void *ctx)
{
	struct client *c = ctx;

	c->last_active = ev_now(c->cs->loop);
	client_process(c);
}

static void
client_resume_cb(void *ctx)
{
	client_process(ctx);
}

/*
 * One timer per client for two limits: idle_timeout since the last byte
 * (a client waiting for answers is not idle), and CLIENT_FRAME_TIMEOUT for
 * a frame that never completes.
 */
static void
client_timer_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
	struct client *c = t->data;
	ev_tstamp now = ev_now(loop), idle_due, due;

	(void)revents;
	if (c->inflight > 0)
		c->last_active = now;
	idle_due = c->last_active + c->cs->cfg->limits.idle_timeout;
	if (c->partial_since != 0. &&
	    now >= c->partial_since + CLIENT_FRAME_TIMEOUT) {
		counters_malformed(c->cs->counters);
		client_close(c, "frame never completed");
		return;
	}
	if (now >= idle_due) {
		client_close(c, "idle timeout");
		return;
	}
	due = idle_due;
	if (c->partial_since != 0. &&
	    c->partial_since + CLIENT_FRAME_TIMEOUT < due)
		due = c->partial_since + CLIENT_FRAME_TIMEOUT;
	ev_timer_set(t, due - now, 0.);
	ev_timer_start(loop, t);
}
