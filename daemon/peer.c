/*
 * peer.c: the pair link's connections (peer.h). Each is a stream over
 * tls_transport with a tls_psk conn; the bytes are framed and parsed by
 * peer_proto.c only, and a frame that does not parse ends the
 * connection: nothing after it can be trusted to be framed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "acceptor.h"
#include "buf.h"
#include "log.h"
#include "peer.h"
#include "stream.h"
#include "tls.h"

#define PEER_BACKLOG 4
/* A pair has one peer; a few more let a restarted one in before its
 * old connection has timed out. */
#define PEER_MAX_ACCEPTED 4

struct peer_conn {
	struct peer *p;
	struct stream *s;
	int dialled;
	int open;                       /* the handshake is done */
	int ours;                       /* we closed it: silence, garbage */
	ev_timer silence;
	struct peer_conn *next;         /* the accepted ones */
};

struct peer {
	struct streams *ss;
	struct ev_loop *loop;
	struct tls_psk *psk;
	struct acceptor *acceptor;
	struct net_addr dial_addr;
	double timeout;
	const struct peer_events *ev;
	void *ctx;
	struct peer_conn *accepted;
	int n_accepted;
	struct peer_conn *dialled;
	int dial_on;
	ev_timer redial;
	struct log_budget budget;       /* the close lines: a peer can
					 * provoke them */
	uint8_t frame[PEER_MSG_MAX + PEER_FRAME_HEADER];
	struct peer_msg msg;
};

static void peer_dial_now(struct peer *p);

static void
peer_silence_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
	struct peer_conn *c = t->data;
	char why[ERR_LEN];

	(void)loop;
	(void)revents;
	errmsg_set(why, "pair link silent for %.1f s", c->p->timeout);
	c->ours = 1;
	stream_close(c->s, why);
}

/* The silence starts again. */
static void
peer_heard(struct peer_conn *c)
{
	c->silence.repeat = c->p->timeout;
	ev_timer_again(c->p->loop, &c->silence);
}

/* One parsed message, to whom it concerns: states come on the dialled
 * connection, acks on accepted ones; the other way round is garbage. */
static int
peer_dispatch(struct peer_conn *c, const struct peer_msg *m)
{
	struct peer *p = c->p;

	if (c->dialled && m->type == PEER_MSG_STATE) {
		p->ev->state(p->ctx, m);
		return 0;
	}
	if (!c->dialled && m->type == PEER_MSG_ACK) {
		p->ev->acked(p->ctx, m->node, m->seq);
		return 0;
	}
	return -1;
}

static void
peer_data(void *ctx)
{
	struct peer_conn *c = ctx;
	struct peer *p = c->p;
	struct buf *in = stream_in(c->s);
	char err[ERR_LEN], why[ERR_LEN + 32];
	ssize_t n;

	while (!stream_closed(c->s) &&
	    (n = peer_proto_frame(buf_head(in), buf_len(in), err)) != 0) {
		if (n < 0 ||
		    peer_proto_parse(buf_head(in), (size_t)n, &p->msg,
		    err) == -1 ||
		    peer_dispatch(c, &p->msg) == -1) {
			snprintf(why, sizeof why, "pair link: %s", n < 0 ||
			    err[0] ? err : "a message out of place");
			c->ours = 1;
			stream_close(c->s, why);
			return;
		}
		buf_consume(in, (size_t)n);
		peer_heard(c);
	}
}

static void
peer_connected(void *ctx)
{
	struct peer_conn *c = ctx;

	c->open = 1;
	peer_heard(c);
	if (c->dialled)
		c->p->ev->up(c->p->ctx);
	else
		c->p->ev->joined(c->p->ctx);
}

/*
 * The peer's end closed, or nothing listens there: its wardend is not
 * running. The stream's reasons are strerror()'s or its own words for
 * the end of stream.
 */
static int
peer_reason_gone(const char *reason)
{
	return strcmp(reason, "closed by peer") == 0 ||
	    strcmp(reason, strerror(ECONNRESET)) == 0 ||
	    strcmp(reason, strerror(ECONNREFUSED)) == 0;
}

static void
peer_closed(void *ctx, const char *reason)
{
	struct peer_conn *c = ctx;
	struct peer *p = c->p;
	struct peer_conn **pp;

	ev_timer_stop(p->loop, &c->silence);
	if (!c->dialled) {
		for (pp = &p->accepted; *pp != NULL; pp = &(*pp)->next)
			if (*pp == c) {
				*pp = c->next;
				break;
			}
		p->n_accepted--;
		return;
	}
	p->dialled = NULL;
	if (!p->dial_on)
		return;
	p->ev->down(p->ctx, !c->ours && peer_reason_gone(reason) ?
	    PEER_END_GONE : PEER_END_LOST, reason);
	ev_timer_set(&p->redial, PEER_REDIAL, 0.);
	ev_timer_start(p->loop, &p->redial);
}

static void
peer_release(void *ctx)
{
	free(ctx);
}

static const struct stream_events peer_stream_events = {
	.data = peer_data,
	.connected = peer_connected,
	.closed = peer_closed,
	.release = peer_release,
};

static struct peer_conn *
peer_conn_new(struct peer *p, int dialled)
{
	struct peer_conn *c = calloc(1, sizeof *c);

	if (c == NULL)
		return NULL;
	c->p = p;
	c->dialled = dialled;
	ev_timer_init(&c->silence, peer_silence_cb, p->timeout, 0.);
	c->silence.data = c;
	return c;
}

static void
peer_stream_opts(struct peer *p, struct peer_conn *c, const char *name,
    struct stream_opts *o)
{
	memset(o, 0, sizeof *o);
	o->name = name;
	o->events = &peer_stream_events;
	o->ctx = c;
	/* A dialler's closes repeat every redial while the peer is
	 * down: pair.c logs the changes instead. */
	o->budget = c->dialled ? NULL : &p->budget;
	o->in_max = 2 * (PEER_MSG_MAX + PEER_FRAME_HEADER);
	o->out_max = 4 * (PEER_MSG_MAX + PEER_FRAME_HEADER);
	o->transport = &tls_transport;
	o->handshake_timeout = p->timeout;
}

static void
peer_accept_cb(void *ctx, int fd, const struct net_addr *from)
{
	struct peer *p = ctx;
	struct peer_conn *c;
	struct stream_opts o;
	char addr[64], name[96];

	net_addr_format(from, addr, sizeof addr);
	if (p->n_accepted >= PEER_MAX_ACCEPTED ||
	    (c = peer_conn_new(p, 0)) == NULL) {
		log_warnx("pair link: %s turned away: %d peers connected",
		    addr, p->n_accepted);
		close(fd);
		return;
	}
	snprintf(name, sizeof name, "pair link from %s", addr);
	peer_stream_opts(p, c, name, &o);
	if ((o.conn = tls_psk_conn_new(p->psk, fd, 0)) == NULL) {
		close(fd);
		free(c);
		return;
	}
	if ((c->s = stream_accept(p->ss, fd, &o)) == NULL) {
		free(c);
		return;
	}
	c->next = p->accepted;
	p->accepted = c;
	p->n_accepted++;
	ev_timer_start(p->loop, &c->silence);
}

static void
peer_dial_now(struct peer *p)
{
	struct peer_conn *c;
	struct stream_opts o;
	char addr[64], name[96], err[ERR_LEN];

	if (!p->dial_on || p->dialled != NULL)
		return;
	if ((c = peer_conn_new(p, 1)) == NULL)
		return;
	net_addr_format(&p->dial_addr, addr, sizeof addr);
	snprintf(name, sizeof name, "pair link to %s", addr);
	peer_stream_opts(p, c, name, &o);
	if ((o.conn = tls_psk_conn_new(p->psk, -1, 1)) == NULL) {
		free(c);
		return;
	}
	if ((c->s = stream_connect(p->ss, &p->dial_addr, &o, err)) == NULL) {
		free(c);
		/* Loopback may refuse at once rather than later. */
		p->ev->down(p->ctx, strstr(err, strerror(ECONNREFUSED)) ?
		    PEER_END_GONE : PEER_END_LOST, err);
		ev_timer_set(&p->redial, PEER_REDIAL, 0.);
		ev_timer_start(p->loop, &p->redial);
		return;
	}
	p->dialled = c;
	/* The connect and the handshake, bounded like silence. */
	ev_timer_start(p->loop, &c->silence);
}

static void
peer_redial_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
	(void)loop;
	(void)revents;
	peer_dial_now(t->data);
}

struct peer *
peer_new(struct streams *ss, const struct peer_opts *opts,
    const struct peer_events *events, void *ctx, char err[ERR_LEN])
{
	struct peer *p;
	int fd;

	if ((p = calloc(1, sizeof *p)) == NULL) {
		errmsg_set(err, "out of memory");
		return NULL;
	}
	p->ss = ss;
	p->loop = streams_loop(ss);
	p->dial_addr = opts->dial;
	p->timeout = opts->timeout;
	p->ev = events;
	p->ctx = ctx;
	ev_timer_init(&p->redial, peer_redial_cb, PEER_REDIAL, 0.);
	p->redial.data = p;
	if ((p->psk = tls_psk_new(opts->key, opts->keylen, err)) == NULL) {
		free(p);
		return NULL;
	}
	if ((fd = net_listen(&opts->listen, PEER_BACKLOG, err)) == -1 ||
	    (p->acceptor = acceptor_open(p->loop, fd, "pair link", 0,
	    peer_accept_cb, p)) == NULL) {
		if (fd != -1)
			errmsg_set(err, "out of memory");
		tls_psk_free(p->psk);
		free(p);
		return NULL;
	}
	return p;
}

void
peer_free(struct peer *p)
{
	if (p == NULL)
		return;
	peer_dial(p, 0);
	while (p->accepted != NULL)
		stream_close(p->accepted->s, "wardend stops");
	acceptor_close(p->acceptor);
	tls_psk_free(p->psk);
	free(p);
}

void
peer_dial(struct peer *p, int on)
{
	p->dial_on = on;
	if (on) {
		peer_dial_now(p);
		return;
	}
	ev_timer_stop(p->loop, &p->redial);
	if (p->dialled != NULL)
		stream_close(p->dialled->s, "this node is active");
}

int
peer_send(struct peer *p, const char *node, const struct peer_state *st)
{
	struct peer_conn *c;
	size_t len;
	int n = 0;

	len = peer_proto_format_state(node, st, p->frame, sizeof p->frame);
	if (len == 0) {
		log_warnx("pair link: the state does not fit a message");
		return 0;
	}
	for (c = p->accepted; c != NULL; c = c->next)
		if (c->open && stream_write(c->s, p->frame, len) == 0)
			n++;
	return n;
}

void
peer_ack(struct peer *p, const char *node, uint64_t seq)
{
	size_t len;

	if (p->dialled == NULL || !p->dialled->open)
		return;
	len = peer_proto_format_ack(node, seq, p->frame, sizeof p->frame);
	if (len > 0)
		(void)stream_write(p->dialled->s, p->frame, len);
}

int
peer_accepted(const struct peer *p)
{
	const struct peer_conn *c;
	int n = 0;

	for (c = p->accepted; c != NULL; c = c->next)
		n += c->open;
	return n;
}

int
peer_dialled(const struct peer *p)
{
	return p->dialled != NULL && p->dialled->open;
}
