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
#include "rights.h"
#include "stream.h"
#include "tls.h"

/* Answers a client has not read beyond this close it (warden.yaml(5)). */
#define CLIENT_OUT_MAX (64 * 1024)
/* An unfinished frame older than this closes the client (slowloris). */
#define CLIENT_FRAME_TIMEOUT 5.0
/* A TLS handshake not done by then closes the client (warden.yaml(5)). */
#define CLIENT_HANDSHAKE_TIMEOUT 5.0
/* "host:port" of a listen: entry. */
#define CLIENT_LISTENER_MAX (CONFIG_HOST_MAX + 8)

struct client {
	struct clients *cs;
	struct stream *s;
	char name[NET_ADDRSTR_LEN];
	ev_timer timer;                 /* idle and unfinished-frame limits */
	ev_tstamp last_active;
	ev_tstamp partial_since;        /* 0: no unfinished frame */
	unsigned inflight;
	unsigned role;                  /* index into cfg->roles, or
					 * RIGHTS_NO_ROLE */
	unsigned fallback;              /* TLS: the role of a certificate
					 * without one (the listener's) */
	char listener[CLIENT_LISTENER_MAX];
	struct tls_conn *tls;           /* NULL: plain; owned by the stream */
	int handshaking;                /* TLS: not authenticated yet */
	int bad_role;                   /* closed for its role extension */
	const char *identity;           /* name, or the TLS subject */
	ev_tstamp since;
	struct client *prev, *next;     /* all open clients */
};

static void client_data_cb(void *);
static void client_connected_cb(void *);
static void client_resume_cb(void *);
static void client_closed_cb(void *, const char *);
static void client_release_cb(void *);
static void client_timer_cb(struct ev_loop *, ev_timer *, int);

static const struct stream_events client_stream_events = {
	.data = client_data_cb,
	.connected = client_connected_cb,
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
	size_t i;

	if (cs == NULL)
		return;
	for (i = 0; i < cs->n_tls; i++)
		tls_server_free(cs->tls[i]);
	free(cs->tls);
	free(cs);
}

void
clients_set_events(struct clients *cs, const struct client_events *ev)
{
	cs->events = *ev;
}

/* A role of the old config by its name in the new one. */
static unsigned
client_role_carry(const struct config *old, const struct config *cfg,
    unsigned role)
{
	long i;

	if (role >= old->n_roles ||
	    (i = config_role_index(cfg, old->roles[role].name)) < 0)
		return RIGHTS_NO_ROLE;
	return (unsigned)i;
}

void
clients_set_config(struct clients *cs, const struct config *cfg)
{
	struct client *c;

	for (c = cs->open; c != NULL; c = c->next) {
		unsigned role = client_role_carry(cs->cfg, cfg, c->role);

		if (role == RIGHTS_NO_ROLE && c->role != RIGHTS_NO_ROLE)
			log_warnx("client %s: role %s is no longer in roles:; "
			    "its requests are refused", c->name,
			    cs->cfg->roles[c->role].name);
		c->role = role;
		c->fallback = client_role_carry(cs->cfg, cfg, c->fallback);
	}
	cs->cfg = cfg;
}

/* The client goes on the open list, newest first. */
static void
client_link(struct clients *cs, struct client *c)
{
	c->next = cs->open;
	if (cs->open != NULL)
		cs->open->prev = c;
	cs->open = c;
	cs->n_open++;
}

void
client_accept(struct clients *cs, int fd, const struct net_addr *peer,
    size_t entry, const char *listener, struct tls_server *tls)
{
	const struct config_listener *l = &cs->cfg->listeners[entry];
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

	if ((c = calloc(1, sizeof *c)) == NULL ||
	    (tls != NULL && (c->tls = tls_conn_new(tls, fd)) == NULL)) {
		log_warn("client: out of memory");
		free(c);
		close(fd);
		return;
	}
	c->cs = cs;
	net_addr_format(peer, c->name, sizeof c->name);
	snprintf(c->listener, sizeof c->listener, "%s", listener);
	c->identity = c->name;
	if (tls != NULL) {
		/* Who it is is known once the handshake is done. */
		c->handshaking = 1;
		c->role = RIGHTS_NO_ROLE;
		c->fallback = l->has_role ? l->role : RIGHTS_NO_ROLE;
		opts.transport = &tls_transport;
		opts.conn = c->tls;
		opts.handshake_timeout = CLIENT_HANDSHAKE_TIMEOUT;
	} else
		c->role = l->role;
	snprintf(name, sizeof name, "client %s", c->name);
	opts.ctx = c;
	if ((c->s = stream_accept(cs->ss, fd, &opts)) == NULL) {
		log_warn("client: out of memory");
		free(c);
		return;
	}
	c->since = c->last_active = ev_now(cs->loop);
	ev_timer_init(&c->timer, client_timer_cb,
	    cs->cfg->limits.idle_timeout, 0.);
	c->timer.data = c;
	ev_timer_start(cs->loop, &c->timer);
	client_link(cs, c);
	if (tls == NULL) {
		counters_client_accepted(cs->counters);
		log_debug("client %s connected", c->name);
	}
}

/*
 * The handshake is done: the role its certificate names (one the config
 * lacks: none), else the listener's, else none. A role extension that
 * is not one printable UTF8String refuses the client: which role it
 * meant is not known.
 */
static void
client_connected_cb(void *ctx)
{
	struct client *c = ctx;
	struct clients *cs = c->cs;
	char role[CONFIG_NAME_MAX];

	c->handshaking = 0;
	c->identity = tls_conn_subject(c->tls);
	switch (tls_conn_role(c->tls, role, sizeof role)) {
	case TLS_ROLE_MALFORMED:
		c->handshaking = 1;
		c->bad_role = 1;
		client_close(c, "the certificate's Modbus role extension is "
		    "not one UTF8String of printable characters");
		return;
	case TLS_ROLE_FOUND:
		c->role = rights_resolve(cs->cfg, role, c->fallback);
		if (c->role == RIGHTS_NO_ROLE &&
		    log_budget_allow(cs->abuse_log, ev_now(cs->loop)))
			log_warnx("client %s (%s): certificate role %s is not "
			    "in roles:; its requests are refused", c->name,
			    c->identity, role);
		break;
	case TLS_ROLE_ABSENT:
		c->role = rights_resolve(cs->cfg, NULL, c->fallback);
		break;
	}
	counters_client_accepted(cs->counters);
	counters_tls_handshake(cs->counters, tls_conn_resumed(c->tls));
	if (cs->ai_isolated && c->role == CONFIG_ROLE_AI) {
		client_close(c, "takeover: AI isolated");
		return;
	}
	log_debug("client %s connected: %s, role %s%s", c->name, c->identity,
	    c->role == RIGHTS_NO_ROLE ? "none" : cs->cfg->roles[c->role].name,
	    tls_conn_resumed(c->tls) ? ", resumed" : "");
}

int
clients_evict_handshake(struct clients *cs)
{
	struct client *c, *oldest = NULL;

	for (c = cs->open; c != NULL; c = c->next)
		if (c->handshaking && !stream_closed(c->s))
			oldest = c;
	if (oldest == NULL)
		return -1;
	client_close(oldest, "TLS handshake dropped: max_clients reached");
	return 0;
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

void
clients_close_role(struct clients *cs, unsigned role, const char *reason)
{
	struct client *c, *next;

	/* A close takes only its own client off the list. */
	for (c = cs->open; c != NULL; c = next) {
		next = c->next;
		if (c->role == role && !c->handshaking)
			client_close(c, reason);
	}
}

unsigned
clients_count(const struct clients *cs)
{
	return cs->n_open;
}

/*
 * A TLS client closed before it was authenticated: counted; told up for
 * the audit when the gateway refused it (its certificate, its role
 * extension, the protocol), not when the peer gave up or let the
 * handshake time out, which an unauthenticated peer could repeat to fill
 * the audit.
 */
static void
client_refuse(struct client *c, const char *reason)
{
	struct clients *cs = c->cs;
	struct client_refusal r = {
		.client = c->name,
		.listener = c->listener,
		.reason = reason,
		.subject = tls_conn_subject(c->tls),
	};

	counters_client_refused(cs->counters);
	if ((c->bad_role || tls_conn_refused(c->tls)) &&
	    cs->events.refused != NULL)
		cs->events.refused(cs->events.ctx, &r);
}

/* The stream is closed: c leaves the open clients. */
static void
client_closed_cb(void *ctx, const char *reason)
{
	struct client *c = ctx;
	struct clients *cs = c->cs;

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
	if (c->handshaking)
		client_refuse(c, reason);
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

const char *
client_identity(const struct client *c)
{
	return c->identity[0] != '\0' ? c->identity : c->name;
}

size_t
clients_info(const struct clients *cs, struct client_info *out, size_t max)
{
	const struct client *c;
	size_t n = 0;

	for (c = cs->open; c != NULL && n < max; c = c->next)
		out[n++] = (struct client_info){
			.client = c->name,
			.listener = c->listener,
			.identity = client_identity(c),
			.role = c->role,
			.tls = c->tls != NULL,
			.handshaking = c->handshaking,
			.resumed = c->tls != NULL && !c->handshaking &&
			    tls_conn_resumed(c->tls),
			.since = c->since,
		};
	return n;
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

/* The intrusion detector's count (client_events.suspect). */
static void
client_suspect(struct client *c, enum ids_kind kind, long detail)
{
	struct clients *cs = c->cs;

	if (cs->events.suspect != NULL)
		cs->events.suspect(cs->events.ctx, c, kind, detail);
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
	client_suspect(c, IDS_EXCEPTION_STORM, -1);
}

void
client_send_written(struct client *c, const struct mbap_request *req)
{
	uint8_t adu[MBAP_MAX_ADU_LEN];
	size_t len = mbap_encode_write_answer(adu, req);

	if (len == 0) {
		client_send_exception(c, req->tid, req->unit, req->fc,
		    MODBUS_EXCEPTION_SLAVE_OR_SERVER_FAILURE);
		return;
	}
	counters_answered(c->cs->counters);
	client_send(c, adu, len, req->tid, req->unit);
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
		if (answer[MBAP_HEADER_LEN] & 0x80)
			client_suspect(c, IDS_EXCEPTION_STORM, -1);
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
		client_suspect(c, IDS_INVALID_UNIT, req.unit);
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
			client_suspect(c, st == MBAP_FRAME_BAD_PROTOCOL ?
			    IDS_INVALID_PROTOCOL : IDS_INVALID_LENGTH, -1);
			client_close(c, mbap_frame_strerror(st));
			return;
		}
		c->partial_since = 0.;
		client_handle(c, buf_head(in), len);
		buf_consume(in, len);
		client_suspect(c, IDS_FLOOD, -1);
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
