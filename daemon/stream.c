/*
 * stream.c: the connection type under every endpoint (stream.h), and the
 * safe point where its deferred work runs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "errmsg.h"
#include "stream.h"

#define STREAM_IN_CAP 4096
#define STREAM_OUT_CAP 1024
/* Room made in the input before each read of a stream without in_max. */
#define STREAM_READ_MIN 512

enum stream_state {
	STREAM_CONNECTING, STREAM_HANDSHAKE, STREAM_OPEN, STREAM_CLOSED
};

/* What is queued for the safe point. */
#define QUEUED_FLUSH 0x1
#define QUEUED_DEFER 0x2

struct stream {
	struct streams *ss;
	const struct stream_transport *tp;
	void *conn;                     /* the transport's (plain: none) */
	int fd;
	enum stream_state state;
	char name[STREAM_NAME_MAX];
	const struct stream_events *ev;
	void *ctx;
	struct log_budget *budget;
	size_t in_max, out_max;
	int flush_first;
	struct buf in, out;
	ev_io rio, wio;
	int reading;                    /* the endpoint reads */
	int read_want;                  /* EV_READ or EV_WRITE: what lets
					 * the next read go on */
	int write_want;                 /* 0: no write waits; else as
					 * read_want */
	int hs_want;                    /* as read_want, of the handshake */
	ev_tstamp hs_timeout;
	ev_timer hs_timer;
	ev_tstamp last_io;
	unsigned queued;
	struct stream *next_flush, *next_defer, *next_free;
};

struct streams {
	struct ev_loop *loop;
	ev_prepare prepare;
	struct stream *flush_first, *flush, *defer, *free;
	streams_step_fn *before_flush;
	void *before_flush_ctx;
};

static ssize_t
plain_read(void *conn, int fd, void *p, size_t len, int *want)
{
	ssize_t n;

	(void)conn;
	while ((n = read(fd, p, len)) == -1 && errno == EINTR)
		;
	*want = EV_READ;
	return n;
}

static ssize_t
plain_write(void *conn, int fd, const void *p, size_t len, int *want)
{
	ssize_t n;

	(void)conn;
	while ((n = send(fd, p, len, MSG_NOSIGNAL)) == -1 && errno == EINTR)
		;
	*want = EV_WRITE;
	return n;
}

static void
plain_close(void *conn, int fd)
{
	(void)conn;
	close(fd);
}

static const struct stream_transport stream_plain = {
	.read = plain_read,
	.write = plain_write,
	.close = plain_close,
};

static void stream_io_cb(struct ev_loop *, ev_io *, int);
static void stream_hs_timeout_cb(struct ev_loop *, ev_timer *, int);

/* Bytes the transport holds make no fd readable: try once more. */
static void
stream_read_again(struct stream *s)
{
	if (s->tp->buffers && s->state == STREAM_OPEN && s->reading)
		ev_feed_event(s->ss->loop, &s->rio, EV_READ);
}

static void
stream_transport_drop(const struct stream_opts *opts, int fd)
{
	if (opts->transport == NULL) {
		if (fd != -1)
			close(fd);
		return;
	}
	if (fd != -1)
		opts->transport->close(opts->conn, fd);
	if (opts->transport->free != NULL)
		opts->transport->free(opts->conn);
}

/* A transport with a handshake starts it, within its time limit. */
static void
stream_handshake_start(struct stream *s, int want)
{
	s->state = STREAM_HANDSHAKE;
	s->hs_want = want;
	if (s->hs_timeout > 0) {
		ev_timer_set(&s->hs_timer, s->hs_timeout, 0.);
		ev_timer_start(s->ss->loop, &s->hs_timer);
	}
}

/* Each watcher active exactly when a side waits for its readiness. */
static void
stream_arm(struct stream *s)
{
	struct ev_loop *loop = s->ss->loop;
	int r = s->write_want == EV_READ, w = s->write_want == EV_WRITE;

	if (s->state == STREAM_CLOSED)
		return;
	if (s->state == STREAM_CONNECTING)
		w = 1;
	else if (s->state == STREAM_HANDSHAKE) {
		r |= s->hs_want == EV_READ;
		w |= s->hs_want == EV_WRITE;
	} else if (s->reading) {
		r |= s->read_want == EV_READ;
		w |= s->read_want == EV_WRITE;
	}
	if (r)
		ev_io_start(loop, &s->rio);
	else
		ev_io_stop(loop, &s->rio);
	if (w)
		ev_io_start(loop, &s->wio);
	else
		ev_io_stop(loop, &s->wio);
}

static struct stream *
stream_new(struct streams *ss, int fd, const struct stream_opts *opts,
    enum stream_state state)
{
	struct stream *s;

	if ((s = calloc(1, sizeof *s)) == NULL ||
	    buf_init(&s->in, STREAM_IN_CAP) == -1 ||
	    buf_init(&s->out, STREAM_OUT_CAP) == -1) {
		if (s != NULL)
			buf_free(&s->in);
		free(s);
		return NULL;
	}
	s->ss = ss;
	s->tp = opts->transport != NULL ? opts->transport : &stream_plain;
	s->conn = opts->conn;
	s->fd = fd;
	s->state = state;
	s->hs_timeout = opts->handshake_timeout;
	snprintf(s->name, sizeof s->name, "%s", opts->name);
	s->ev = opts->events;
	s->ctx = opts->ctx;
	s->budget = opts->budget;
	s->in_max = opts->in_max;
	s->out_max = opts->out_max;
	s->flush_first = opts->flush_first;
	s->reading = state == STREAM_OPEN;
	s->read_want = EV_READ;
	s->last_io = ev_now(ss->loop);
	ev_io_init(&s->rio, stream_io_cb, fd, EV_READ);
	ev_io_init(&s->wio, stream_io_cb, fd, EV_WRITE);
	ev_set_priority(&s->rio, opts->priority);
	ev_set_priority(&s->wio, opts->priority);
	s->rio.data = s->wio.data = s;
	ev_init(&s->hs_timer, stream_hs_timeout_cb);
	s->hs_timer.data = s;
	if (state == STREAM_OPEN && s->tp->handshake != NULL) {
		s->reading = 0;
		stream_handshake_start(s, EV_READ);
	}
	stream_arm(s);
	return s;
}

struct stream *
stream_accept(struct streams *ss, int fd, const struct stream_opts *opts)
{
	struct stream *s;

	if ((s = stream_new(ss, fd, opts, STREAM_OPEN)) == NULL)
		stream_transport_drop(opts, fd);
	return s;
}

struct stream *
stream_connect(struct streams *ss, const struct net_addr *addr,
    const struct stream_opts *opts, char err[ERR_LEN])
{
	struct stream *s;
	int fd;

	if ((fd = net_connect(addr, err)) == -1) {
		stream_transport_drop(opts, -1);
		return NULL;
	}
	if ((s = stream_new(ss, fd, opts, STREAM_CONNECTING)) == NULL) {
		errmsg_set(err, "out of memory");
		stream_transport_drop(opts, fd);
	}
	return s;
}

void
stream_close(struct stream *s, const char *reason)
{
	struct streams *ss = s->ss;

	if (s->state == STREAM_CLOSED)
		return;
	s->state = STREAM_CLOSED;
	if (s->budget == NULL)
		log_debug("%s closed: %s", s->name, reason);
	else if (log_budget_allow(s->budget, ev_now(ss->loop)))
		log_info("%s closed: %s", s->name, reason);
	ev_io_stop(ss->loop, &s->rio);
	ev_io_stop(ss->loop, &s->wio);
	ev_timer_stop(ss->loop, &s->hs_timer);
	s->tp->close(s->conn, s->fd);
	s->fd = -1;
	s->next_free = ss->free;
	ss->free = s;
	if (s->ev->closed != NULL)
		s->ev->closed(s->ctx, reason);
}

int
stream_closed(const struct stream *s)
{
	return s->state == STREAM_CLOSED;
}

const char *
stream_name(const struct stream *s)
{
	return s->name;
}

int
stream_fd(const struct stream *s)
{
	return s->fd;
}

struct buf *
stream_in(struct stream *s)
{
	return &s->in;
}

void
stream_read_stop(struct stream *s)
{
	s->reading = 0;
	stream_arm(s);
}

void
stream_read_start(struct stream *s)
{
	if (s->state != STREAM_OPEN)
		return;
	s->reading = 1;
	stream_arm(s);
	stream_read_again(s);
}

void
stream_flush(struct stream *s)
{
	struct streams *ss = s->ss;

	/* A closed stream is on the free list: queued, it could be freed
	 * while still on another. */
	if ((s->queued & QUEUED_FLUSH) || s->state == STREAM_CLOSED)
		return;
	s->queued |= QUEUED_FLUSH;
	if (s->flush_first) {
		s->next_flush = ss->flush_first;
		ss->flush_first = s;
	} else {
		s->next_flush = ss->flush;
		ss->flush = s;
	}
}

uint8_t *
stream_append(struct stream *s, size_t n)
{
	uint8_t *p;

	if (s->out_max != 0 && buf_len(&s->out) + n > s->out_max) {
		errno = ENOBUFS;
		return NULL;
	}
	if (buf_reserve(&s->out, n) == -1) {
		errno = ENOMEM;
		return NULL;
	}
	p = buf_tail(&s->out);
	s->out.end += n;
	stream_flush(s);
	return p;
}

int
stream_write(struct stream *s, const void *p, size_t n)
{
	uint8_t *to;

	if ((to = stream_append(s, n)) == NULL)
		return -1;
	memcpy(to, p, n);
	return 0;
}

size_t
stream_pending(const struct stream *s)
{
	return buf_len(&s->out);
}

ev_tstamp
stream_last_io(const struct stream *s)
{
	return s->last_io;
}

void
stream_defer(struct stream *s)
{
	struct streams *ss = s->ss;

	if ((s->queued & QUEUED_DEFER) || s->state == STREAM_CLOSED)
		return;
	s->queued |= QUEUED_DEFER;
	s->next_defer = ss->defer;
	ss->defer = s;
}

/* Write what the transport takes; the rest waits for its readiness. */
static void
stream_write_out(struct stream *s)
{
	ssize_t n;
	int want;

	while (buf_len(&s->out) > 0) {
		n = s->tp->write(s->conn, s->fd, buf_head(&s->out),
		    buf_len(&s->out), &want);
		if (n < 0) {
			if (errno != EAGAIN) {
				stream_close(s, strerror(errno));
				return;
			}
			s->write_want = want;
			stream_arm(s);
			return;
		}
		buf_consume(&s->out, (size_t)n);
		s->last_io = ev_now(s->ss->loop);
	}
	s->write_want = 0;
	stream_arm(s);
	if (s->ev->drained != NULL)
		s->ev->drained(s->ctx);
}

/* One read into the input, handed to the endpoint. */
static void
stream_read_in(struct stream *s)
{
	size_t room;
	ssize_t n;

	if (s->in_max != 0) {
		/* Full: the endpoint holds it all unconsumed. */
		if ((room = s->in_max - buf_len(&s->in)) == 0) {
			stream_read_stop(s);
			return;
		}
		if (buf_reserve(&s->in, room) == -1) {
			stream_close(s, "out of memory");
			return;
		}
	} else {
		if (buf_reserve(&s->in, STREAM_READ_MIN) == -1) {
			stream_close(s, "out of memory");
			return;
		}
		room = buf_room(&s->in);
	}
	n = s->tp->read(s->conn, s->fd, buf_tail(&s->in), room,
	    &s->read_want);
	if (n < 0) {
		if (errno != EAGAIN)
			stream_close(s, strerror(errno));
		return;
	}
	s->read_want = EV_READ;
	s->last_io = ev_now(s->ss->loop);
	if (n == 0) {
		s->reading = 0;
		if (s->ev->eof != NULL)
			s->ev->eof(s->ctx);
		else
			stream_close(s, "closed by peer");
		return;
	}
	s->in.end += (size_t)n;
	if ((size_t)n == room)
		stream_read_again(s);
	if (s->ev->data != NULL)
		s->ev->data(s->ctx);
}

/* Connected, and the handshake done if there is one. */
static void
stream_open(struct stream *s)
{
	ev_timer_stop(s->ss->loop, &s->hs_timer);
	s->state = STREAM_OPEN;
	s->reading = 1;
	s->read_want = EV_READ;
	s->last_io = ev_now(s->ss->loop);
	stream_arm(s);
	if (buf_len(&s->out) > 0)
		stream_flush(s);
	if (s->ev->connected != NULL)
		s->ev->connected(s->ctx);
	stream_read_again(s);
}

static void
stream_handshake_step(struct stream *s)
{
	char why[ERR_LEN];

	if (s->tp->handshake(s->conn, s->fd, &s->hs_want, why,
	    sizeof why) == 0) {
		stream_open(s);
		return;
	}
	if (errno != EAGAIN)
		stream_close(s, why);
	else
		stream_arm(s);
}

static void
stream_hs_timeout_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
	(void)loop;
	(void)revents;
	stream_close(t->data, "TLS handshake timed out");
}

/* A non-blocking connect has ended, one way or the other. */
static void
stream_connect_done(struct stream *s)
{
	int err;

	if ((err = net_connect_result(s->fd)) != 0) {
		stream_close(s, strerror(err));
		return;
	}
	if (s->tp->handshake == NULL) {
		stream_open(s);
		return;
	}
	stream_handshake_start(s, EV_WRITE);
	stream_handshake_step(s);
}

static void
stream_io_cb(struct ev_loop *loop, ev_io *io, int revents)
{
	struct stream *s = io->data;
	int ready = io == &s->rio ? EV_READ : EV_WRITE;

	(void)loop;
	(void)revents;
	if (s->state == STREAM_CONNECTING) {
		stream_connect_done(s);
		return;
	}
	if (s->state == STREAM_HANDSHAKE) {
		stream_handshake_step(s);
		return;
	}
	if (s->write_want == ready)
		stream_write_out(s);
	if (s->state == STREAM_OPEN && s->reading && s->read_want == ready)
		stream_read_in(s);
	stream_arm(s);
}

static void
streams_prepare_cb(struct ev_loop *loop, ev_prepare *p, int revents)
{
	(void)loop;
	(void)revents;
	streams_run(p->data);
}

struct streams *
streams_new(struct ev_loop *loop)
{
	struct streams *ss;

	if ((ss = calloc(1, sizeof *ss)) == NULL)
		return NULL;
	ss->loop = loop;
	ev_prepare_init(&ss->prepare, streams_prepare_cb);
	ss->prepare.data = ss;
	ev_prepare_start(loop, &ss->prepare);
	return ss;
}

void
streams_before_flush(struct streams *ss, streams_step_fn *fn, void *ctx)
{
	ss->before_flush = fn;
	ss->before_flush_ctx = ctx;
}

struct ev_loop *
streams_loop(const struct streams *ss)
{
	return ss->loop;
}

static struct stream *
streams_pop_flush(struct stream **list)
{
	struct stream *s = *list;

	*list = s->next_flush;
	s->queued &= ~QUEUED_FLUSH;
	return s;
}

void
streams_run(struct streams *ss)
{
	struct stream *s;

	/* Each step can queue work for the others (a resumed client sends
	 * requests, a failed device write answers clients): go round until
	 * nothing is left, or the loop would sleep on queued work. */
	do {
		while ((s = ss->defer) != NULL) {
			ss->defer = s->next_defer;
			s->queued &= ~QUEUED_DEFER;
			if (s->state == STREAM_OPEN && s->ev->deferred != NULL)
				s->ev->deferred(s->ctx);
		}
		if (ss->before_flush != NULL)
			ss->before_flush(ss->before_flush_ctx);
		while (ss->flush_first != NULL)
			if ((s = streams_pop_flush(&ss->flush_first))->state ==
			    STREAM_OPEN)
				stream_write_out(s);
		while (ss->flush != NULL)
			if ((s = streams_pop_flush(&ss->flush))->state ==
			    STREAM_OPEN)
				stream_write_out(s);
	} while (ss->defer != NULL || ss->flush_first != NULL ||
	    ss->flush != NULL);
	while ((s = ss->free) != NULL) {
		ss->free = s->next_free;
		if (s->ev->release != NULL)
			s->ev->release(s->ctx);
		if (s->tp->free != NULL)
			s->tp->free(s->conn);
		buf_free(&s->in);
		buf_free(&s->out);
		free(s);
	}
}

void
streams_free(struct streams *ss)
{
	if (ss == NULL)
		return;
	streams_run(ss);
	ev_prepare_stop(ss->loop, &ss->prepare);
	free(ss);
}
