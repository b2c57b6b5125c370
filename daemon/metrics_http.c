/*
 * metrics_http.c: the metrics page over HTTP (metrics_http.h). Each
 * scrape is a stream (stream.h): the request is read into its input, the
 * answer written from its output, and it is closed once that is out.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "acceptor.h"
#include "errmsg.h"
#include "log.h"
#include "metrics_http.h"
#include "net.h"
#include "stream.h"

#define METRICS_BACKLOG 16

struct metrics_http {
	struct streams *ss;
	struct ev_loop *loop;
	metrics_page_fn *page;
	void *ctx;
	struct acceptor *acceptor;
	struct metrics_conn *conns;
	unsigned n_conns;
};

/* One scrape: read the request, answer, close. */
struct metrics_conn {
	struct metrics_http *h;
	struct stream *s;
	ev_timer timer;
	struct metrics_conn *prev, *next;
};

static void
metrics_conn_close(struct metrics_conn *mc, const char *reason)
{
	stream_close(mc->s, reason);
}

static int
metrics_respond(struct metrics_conn *mc, const char *status,
    const char *extra_header, const void *body, size_t len)
{
	char head[256];
	int n;

	n = snprintf(head, sizeof head, "HTTP/1.0 %s\r\n"
	    "Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n"
	    "Content-Length: %zu\r\n%sConnection: close\r\n\r\n", status,
	    len, extra_header);
	if (n < 0 || (size_t)n >= sizeof head ||
	    stream_write(mc->s, head, (size_t)n) == -1 ||
	    stream_write(mc->s, body, len) == -1)
		return -1;
	return 0;
}

static int
metrics_respond_text(struct metrics_conn *mc, const char *status,
    const char *extra_header, const char *text)
{
	return metrics_respond(mc, status, extra_header, text, strlen(text));
}

/* The request ends at its first empty line; its body, if any, is not
 * ours to read. */
static int
metrics_request_complete(const char *req)
{
	return strstr(req, "\r\n\r\n") != NULL || strstr(req, "\n\n") != NULL;
}

/* 200 with the exposition, or the error the request req deserves; a
 * request that filled the buffer without ending is too large. */
static int
metrics_answer(struct metrics_conn *mc, char *req)
{
	char method[16], target[256], version[16];
	struct buf body;
	int rc, fields, complete;

	complete = metrics_request_complete(req);
	req[strcspn(req, "\r\n")] = '\0';
	fields = sscanf(req, "%15s %255s %15s", method, target, version);
	if (!complete || fields != 3 || strncmp(version, "HTTP/", 5) != 0)
		return metrics_respond_text(mc, "400 Bad Request", "",
		    "bad request\n");
	if (strcmp(method, "GET") != 0)
		return metrics_respond_text(mc, "405 Method Not Allowed",
		    "Allow: GET\r\n", "only GET is served\n");
	if (strcmp(target, "/metrics") != 0 &&
	    strncmp(target, "/metrics?", 9) != 0)
		return metrics_respond_text(mc, "404 Not Found", "",
		    "not found: see /metrics\n");
	if (buf_init(&body, 16384) == -1)
		return -1;
	rc = mc->h->page(mc->h->ctx, &body);
	if (rc == 0)
		rc = metrics_respond(mc, "200 OK", "", buf_head(&body),
		    buf_len(&body));
	buf_free(&body);
	return rc;
}

/* What arrived so far: answered once the request is whole, or once it
 * fills METRICS_REQUEST_MAX - 1 bytes without ending. */
static void
metrics_data_cb(void *ctx)
{
	struct metrics_conn *mc = ctx;
	struct buf *in = stream_in(mc->s);
	char req[METRICS_REQUEST_MAX];
	size_t len = buf_len(in);

	if (memchr(buf_head(in), '\0', len) != NULL) {
		metrics_conn_close(mc, "not HTTP");
		return;
	}
	memcpy(req, buf_head(in), len);
	req[len] = '\0';
	if (!metrics_request_complete(req) && len < sizeof req - 1)
		return;
	stream_read_stop(mc->s);
	if (metrics_answer(mc, req) == -1) {
		log_warnx("metrics: out of memory; scrape dropped");
		metrics_conn_close(mc, "out of memory");
		return;
	}
	stream_flush(mc->s);
}

static void
metrics_drained_cb(void *ctx)
{
	metrics_conn_close(ctx, "answered");
}

static void
metrics_closed_cb(void *ctx, const char *reason)
{
	struct metrics_conn *mc = ctx;
	struct metrics_http *h = mc->h;

	(void)reason;
	ev_timer_stop(h->loop, &mc->timer);
	if (mc->prev != NULL)
		mc->prev->next = mc->next;
	else
		h->conns = mc->next;
	if (mc->next != NULL)
		mc->next->prev = mc->prev;
	h->n_conns--;
}

static void
metrics_release_cb(void *ctx)
{
	free(ctx);
}

static const struct stream_events metrics_events = {
	.data = metrics_data_cb,
	.drained = metrics_drained_cb,
	.closed = metrics_closed_cb,
	.release = metrics_release_cb,
};

static void
metrics_timeout_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
	(void)loop;
	(void)revents;
	metrics_conn_close(t->data, "timed out");
}

static void
metrics_conn_open(struct metrics_http *h, int fd, const struct net_addr *peer)
{
	char name[STREAM_NAME_MAX], addr[NET_ADDRSTR_LEN];
	struct stream_opts opts = {
		.name = name,
		.events = &metrics_events,
		.in_max = METRICS_REQUEST_MAX - 1,
	};
	struct metrics_conn *mc;

	if ((mc = calloc(1, sizeof *mc)) == NULL) {
		close(fd);
		return;
	}
	mc->h = h;
	net_addr_format(peer, addr, sizeof addr);
	snprintf(name, sizeof name, "metrics: scrape from %s", addr);
	opts.ctx = mc;
	if ((mc->s = stream_accept(h->ss, fd, &opts)) == NULL) {
		free(mc);
		return;
	}
	ev_timer_init(&mc->timer, metrics_timeout_cb, METRICS_TIMEOUT, 0.);
	mc->timer.data = mc;
	ev_timer_start(h->loop, &mc->timer);
	mc->next = h->conns;
	if (h->conns != NULL)
		h->conns->prev = mc;
	h->conns = mc;
	h->n_conns++;
}

static void
metrics_accept(void *ctx, int fd, const struct net_addr *peer)
{
	struct metrics_http *h = ctx;

	/* Scrapes beyond the limit learn at once, not by timing out. */
	if (h->n_conns >= METRICS_MAX_CONNS)
		close(fd);
	else
		metrics_conn_open(h, fd, peer);
}

struct metrics_http *
metrics_http_start(struct streams *ss, const struct config_endpoint *ep,
    metrics_page_fn *page, void *ctx, char err[ERR_LEN])
{
	struct metrics_http *h;
	struct net_addr addr;
	int fd;

	if (net_resolve(ep->host, ep->port, &addr, err) == -1)
		return NULL;
	if ((h = calloc(1, sizeof *h)) == NULL) {
		errmsg_set(err, "out of memory");
		return NULL;
	}
	if ((fd = net_listen(&addr, METRICS_BACKLOG, err)) == -1) {
		free(h);
		return NULL;
	}
	h->ss = ss;
	h->loop = streams_loop(ss);
	h->page = page;
	h->ctx = ctx;
	if ((h->acceptor = acceptor_open(h->loop, fd, "metrics", 0,
	    metrics_accept, h)) == NULL) {
		errmsg_set(err, "out of memory");
		free(h);
		return NULL;
	}
	log_info("metrics on http://%s:%u/metrics", ep->host,
	    acceptor_port(h->acceptor));
	return h;
}

void
metrics_http_stop(struct metrics_http *h)
{
	if (h == NULL)
		return;
	while (h->conns != NULL)
		metrics_conn_close(h->conns, "wardend stopping");
	acceptor_close(h->acceptor);
	free(h);
}
