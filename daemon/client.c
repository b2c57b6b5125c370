/*
 * client.c: one AI connection (client.h). Bytes are framed by
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

#include "client.h"
#include "log.h"
#include "stream.h"
#include "warden.h"

/* Answers a client has not read beyond this close it (warden.yaml(5)). */
#define CLIENT_OUT_MAX (64 * 1024)
/* An unfinished frame older than this closes the client (slowloris). */
#define CLIENT_FRAME_TIMEOUT 5.0

struct client {
	struct warden *w;
	struct stream *s;
	char name[NET_ADDRSTR_LEN];
	ev_timer timer;                 /* idle and unfinished-frame limits */
	ev_tstamp last_active;
	ev_tstamp partial_since;        /* 0: no unfinished frame */
	unsigned inflight;
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

void
client_accept(struct warden *w, int fd, const struct net_addr *peer)
{
	char name[STREAM_NAME_MAX];
	struct stream_opts opts = {
		.name = name,
		.events = &client_stream_events,
		/* A peer can make us close it at will: the line is
		 * budgeted. */
		.budget = &w->abuse_log,
		.out_max = CLIENT_OUT_MAX,
	};
	struct client *c;

	if ((c = calloc(1, sizeof *c)) == NULL) {
		log_warn("client: out of memory");
		close(fd);
		return;
	}
	c->w = w;
	net_addr_format(peer, c->name, sizeof c->name);
	snprintf(name, sizeof name, "client %s", c->name);
	opts.ctx = c;
	if ((c->s = stream_accept(w->streams, fd, &opts)) == NULL) {
		log_warn("client: out of memory");
		free(c);
		return;
	}
	c->last_active = ev_now(w->loop);
	ev_timer_init(&c->timer, client_timer_cb,
	    w->cfg->limits.idle_timeout, 0.);
	c->timer.data = c;
	ev_timer_start(w->loop, &c->timer);

	c->next = w->clients;
	if (w->clients != NULL)
		w->clients->prev = c;
	w->clients = c;
	w->n_clients++;
	counters_client_accepted(&w->counters);
	log_debug("client %s connected", c->name);
}

void
client_close(struct client *c, const char *reason)
{
	stream_close(c->s, reason);
}

void
client_close_all(struct warden *w, const char *reason)
{
	/* Each close takes its client off the list. */
	while (w->clients != NULL)
		client_close(w->clients, reason);
}

unsigned
client_count(const struct warden *w)
{
	return w->n_clients;
}

/* The stream is closed: c leaves the open clients. */
static void
client_closed_cb(void *ctx, const char *reason)
{
	struct client *c = ctx;
	struct warden *w = c->w;

	(void)reason;
	ev_timer_stop(w->loop, &c->timer);
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		w->clients = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	w->n_clients--;
	if (c->inflight > 0)
		w->ai.gone(w->ai.ctx, c);
}

static void
client_release_cb(void *ctx)
{
	free(ctx);
}

struct warden *
client_warden(const struct client *c)
{
	return c->w;
}

const char *
client_name(const struct client *c)
{
	return c->name;
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
	if (c->inflight-- == c->w->cfg->limits.max_inflight)
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

	counters_exception(&c->w->counters, code);
	len = mbap_encode_exception(adu, tid, unit, fc, code);
	client_send(c, adu, len, tid, unit);
}

void
client_answer_cb(void *ctx, const struct inflight *req, const uint8_t *answer,
    size_t len, uint8_t exception)
{
	struct client *c = ctx;
	struct warden *w = c->w;

	metrics_count_latency(&w->metrics, ev_now(w->loop) -
	    req->received_at);
	client_release(c);
	if (answer != NULL) {
		counters_answered(&w->counters);
		client_send(c, answer, len, req->origin_tid, req->origin_unit);
	} else
		client_send_exception(c, req->origin_tid, req->origin_unit,
		    req->expect.fc, exception);
}

static void
client_handle(struct client *c, const uint8_t *adu, size_t len)
{
	struct warden *w = c->w;
	struct mbap_request req;
	unsigned dev;
	int code;

	counters_request(&w->counters);
	if ((code = mbap_decode_request(adu, len, &req)) != 0) {
		metrics_count_verdict(&w->metrics, METRICS_INVALID);
		client_send_exception(c, mbap_get_tid(adu), mbap_get_unit(adu),
		    adu[MBAP_HEADER_LEN], (uint8_t)code);
		return;
	}
	if ((dev = w->cfg->device_by_unit[req.unit]) == 0) {
		metrics_count_verdict(&w->metrics, METRICS_UNKNOWN_UNIT);
		client_send_exception(c, req.tid, req.unit, req.fc,
		    MODBUS_EXCEPTION_GATEWAY_TARGET);
		return;
	}
	w->ai.request(w->ai.ctx, c, adu, len, &req, dev - 1);
}

static void
client_note_partial(struct client *c, ev_tstamp now)
{
	if (c->partial_since != 0.)
		return;
	c->partial_since = now;
	if (ev_timer_remaining(c->w->loop, &c->timer) > CLIENT_FRAME_TIMEOUT) {
		ev_timer_stop(c->w->loop, &c->timer);
		ev_timer_set(&c->timer, CLIENT_FRAME_TIMEOUT, 0.);
		ev_timer_start(c->w->loop, &c->timer);
	}
}

/* Every whole frame received, up to max_inflight outstanding. */
static void
client_process(struct client *c)
{
	struct warden *w = c->w;
	unsigned max_inflight = w->cfg->limits.max_inflight;
	struct buf *in = stream_in(c->s);
	size_t len;

	while (!stream_closed(c->s) && c->inflight < max_inflight) {
		enum mbap_frame_status st;

		st = mbap_frame(buf_head(in), buf_len(in), &len);
		if (st == MBAP_FRAME_INCOMPLETE) {
			if (buf_len(in) > 0)
				client_note_partial(c, ev_now(w->loop));
			else
				c->partial_since = 0.;
			break;
		}
		if (st != MBAP_FRAME_OK) {
			counters_malformed(&w->counters);
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

	c->last_active = ev_now(c->w->loop);
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
	idle_due = c->last_active + c->w->cfg->limits.idle_timeout;
	if (c->partial_since != 0. &&
	    now >= c->partial_since + CLIENT_FRAME_TIMEOUT) {
		counters_malformed(&c->w->counters);
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
