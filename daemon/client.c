/*
 * client.c: one AI connection. Bytes are framed by mbap_frame() and
 * decoded by mbap_decode_request(); each request is answered at once with
 * an exception or handed to a device, and the device's answer comes back
 * with the client's own transaction id. Writes are batched: answers are
 * appended here and flushed before the loop sleeps.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <modbus.h>

#include "log.h"
#include "warden.h"

#define CLIENT_IN_CAP 4096
#define CLIENT_OUT_CAP 1024
/* Answers a client has not read beyond this close it (warden.yaml(5)). */
#define CLIENT_OUT_MAX (64 * 1024)
/* An unfinished frame older than this closes the client (slowloris). */
#define CLIENT_FRAME_TIMEOUT 5.0

static void client_read_cb(struct ev_loop *, ev_io *, int);
static void client_write_cb(struct ev_loop *, ev_io *, int);
static void client_timer_cb(struct ev_loop *, ev_timer *, int);
static void client_process(struct client *c);

void
client_accept(struct warden *w, int fd, const struct net_addr *peer)
{
	struct client *c;

	if ((c = calloc(1, sizeof *c)) == NULL ||
	    buf_init(&c->in, CLIENT_IN_CAP) == -1 ||
	    buf_init(&c->out, CLIENT_OUT_CAP) == -1) {
		log_warn("client: out of memory");
		if (c != NULL) {
			buf_free(&c->in);
			free(c);
		}
		close(fd);
		return;
	}
	c->w = w;
	c->fd = fd;
	net_addr_format(peer, c->name, sizeof c->name);
	c->last_active = ev_now(w->loop);
	ev_io_init(&c->rio, client_read_cb, fd, EV_READ);
	ev_io_init(&c->wio, client_write_cb, fd, EV_WRITE);
	ev_timer_init(&c->timer, client_timer_cb,
	    w->cfg->limits.idle_timeout, 0.);
	c->rio.data = c->wio.data = c->timer.data = c;
	ev_io_start(w->loop, &c->rio);
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
	struct warden *w = c->w;

	if (c->closing)
		return;
	c->closing = 1;
	/* A peer can make us close it at will: the line is budgeted. */
	if (log_budget_allow(&w->abuse_log, ev_now(w->loop)))
		log_info("client %s closed: %s", c->name, reason);
	ev_io_stop(w->loop, &c->rio);
	ev_io_stop(w->loop, &c->wio);
	ev_timer_stop(w->loop, &c->timer);
	close(c->fd);
	c->fd = -1;
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		w->clients = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	w->n_clients--;
	if (c->inflight > 0) {
		device_forget(w, c);
		w->ai.gone(w->ai.ctx, c);
	}
	loop_queue_client_free(c);
}

void
client_free(struct client *c)
{
	buf_free(&c->in);
	buf_free(&c->out);
	free(c);
}

static void
client_send(struct client *c, const uint8_t *adu, size_t len,
    uint16_t tid, uint8_t unit)
{
	uint8_t *p;

	if (buf_len(&c->out) + len > CLIENT_OUT_MAX) {
		client_close(c, "answers not read (over 64 KiB pending)");
		return;
	}
	if (buf_reserve(&c->out, len) == -1) {
		client_close(c, "out of memory");
		return;
	}
	p = buf_tail(&c->out);
	memcpy(p, adu, len);
	mbap_set_tid(p, tid);
	mbap_set_unit(p, unit);
	c->out.end += len;
	loop_queue_client_flush(c);
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

	metrics_count_latency(&c->w->metrics,
	    ev_now(c->w->loop) - req->received_at);
	if (c->inflight-- == c->w->cfg->limits.max_inflight)
		loop_queue_client_resume(c);
	if (answer != NULL) {
		counters_answered(&c->w->counters);
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

static void
client_process(struct client *c)
{
	struct warden *w = c->w;
	unsigned max_inflight = w->cfg->limits.max_inflight;
	size_t len;

	while (!c->closing && c->inflight < max_inflight) {
		enum mbap_frame_status st;

		st = mbap_frame(buf_head(&c->in), buf_len(&c->in), &len);
		if (st == MBAP_FRAME_INCOMPLETE) {
			if (buf_len(&c->in) > 0)
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
		client_handle(c, buf_head(&c->in), len);
		buf_consume(&c->in, len);
	}
	if (c->closing)
		return;
	/* Over max_inflight: stop reading until answers drain. */
	if (c->inflight >= max_inflight)
		ev_io_stop(w->loop, &c->rio);
	else
		ev_io_start(w->loop, &c->rio);
}

void
client_resume(struct client *c)
{
	if (!c->closing)
		client_process(c);
}

static void
client_read_cb(struct ev_loop *loop, ev_io *io, int revents)
{
	struct client *c = io->data;
	ssize_t n;

	(void)revents;
	if (buf_reserve(&c->in, MBAP_MAX_ADU_LEN) == -1) {
		client_close(c, "out of memory");
		return;
	}
	n = read(c->fd, buf_tail(&c->in), buf_room(&c->in));
	if (n == 0) {
		client_close(c, "closed by peer");
		return;
	}
	if (n < 0) {
		if (errno != EAGAIN && errno != EINTR)
			client_close(c, strerror(errno));
		return;
	}
	c->in.end += (size_t)n;
	c->last_active = ev_now(loop);
	client_process(c);
}

void
client_flush(struct client *c)
{
	ssize_t n;

	if (c->closing)
		return;
	while (buf_len(&c->out) > 0) {
		n = send(c->fd, buf_head(&c->out), buf_len(&c->out),
		    MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EAGAIN) {
				ev_io_start(c->w->loop, &c->wio);
				return;
			}
			if (errno == EINTR)
				continue;
			client_close(c, strerror(errno));
			return;
		}
		buf_consume(&c->out, (size_t)n);
	}
	ev_io_stop(c->w->loop, &c->wio);
}

static void
client_write_cb(struct ev_loop *loop, ev_io *io, int revents)
{
	(void)loop;
	(void)revents;
	client_flush(io->data);
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
