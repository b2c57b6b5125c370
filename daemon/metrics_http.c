/*
 * metrics_http.c: the metrics page over HTTP (metrics_http.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "metrics_http.h"
#include "net.h"

#define METRICS_BACKLOG 16
#define METRICS_ACCEPT_RETRY 1.0

struct metrics_http {
	struct ev_loop *loop;
	metrics_page_fn *page;
	void *ctx;
	int fd;
	ev_io accept_io;
	ev_timer accept_retry;          /* re-arm after EMFILE */
	struct metrics_conn *conns;
	unsigned n_conns;
};

/* One scrape: read the request, answer, close. */
struct metrics_conn {
	struct metrics_http *h;
	int fd;
	ev_io rio, wio;
	ev_timer timer;
	size_t req_len;
	char req[METRICS_REQUEST_MAX];
	struct buf out;
	struct metrics_conn *prev, *next;
};

/* Nothing else points at a connection, so it is freed where it ends. */
static void
metrics_conn_close(struct metrics_conn *mc)
{
	struct metrics_http *h = mc->h;
	struct ev_loop *loop = h->loop;

	ev_io_stop(loop, &mc->rio);
	ev_io_stop(loop, &mc->wio);
	ev_timer_stop(loop, &mc->timer);
	close(mc->fd);
	if (mc->prev != NULL)
		mc->prev->next = mc->next;
	else
		h->conns = mc->next;
	if (mc->next != NULL)
		mc->next->prev = mc->prev;
	h->n_conns--;
	buf_free(&mc->out);
	free(mc);
}

static void
metrics_conn_flush(struct metrics_conn *mc)
{
	ssize_t n;

	while (buf_len(&mc->out) > 0) {
		n = send(mc->fd, buf_head(&mc->out), buf_len(&mc->out),
		    MSG_NOSIGNAL);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN) {
			ev_io_start(mc->h->loop, &mc->wio);
			return;
		}
		if (n == -1)
			break;
		buf_consume(&mc->out, (size_t)n);
	}
	metrics_conn_close(mc);
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
	    buf_append(&mc->out, head, (size_t)n) == -1 ||
	    buf_append(&mc->out, body, len) == -1)
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

/* 200 with the exposition, or the error the request deserves; a request
 * that filled the buffer without ending is too large. */
static int
metrics_answer(struct metrics_conn *mc)
{
	char method[16], target[256], version[16];
	struct buf body;
	int rc, fields, complete;

	complete = metrics_request_complete(mc->req);
	mc->req[strcspn(mc->req, "\r\n")] = '\0';
	fields = sscanf(mc->req, "%15s %255s %15s", method, target, version);
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

static void
metrics_read_cb(struct ev_loop *loop, ev_io *io, int revents)
{
	struct metrics_conn *mc = io->data;
	size_t room = sizeof mc->req - 1 - mc->req_len;
	ssize_t n;

	(void)revents;
	n = read(mc->fd, mc->req + mc->req_len, room);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		metrics_conn_close(mc);
		return;
	}
	mc->req_len += (size_t)n;
	mc->req[mc->req_len] = '\0';
	if (strlen(mc->req) != mc->req_len) {
		metrics_conn_close(mc);         /* a NUL: not HTTP */
		return;
	}
	if (!metrics_request_complete(mc->req) &&
	    mc->req_len < sizeof mc->req - 1)
		return;
	ev_io_stop(loop, &mc->rio);
	if (metrics_answer(mc) == -1) {
		log_warnx("metrics: out of memory; scrape dropped");
		metrics_conn_close(mc);
		return;
	}
	metrics_conn_flush(mc);
}

static void
metrics_write_cb(struct ev_loop *loop, ev_io *io, int revents)
{
	(void)loop;
	(void)revents;
	metrics_conn_flush(io->data);
}

static void
metrics_timeout_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
	(void)loop;
	(void)revents;
	metrics_conn_close(t->data);
}

static void
metrics_conn_open(struct metrics_http *h, int fd)
{
	struct ev_loop *loop = h->loop;
	struct metrics_conn *mc;

	if ((mc = calloc(1, sizeof *mc)) == NULL) {
		close(fd);
		return;
	}
	mc->h = h;
	mc->fd = fd;
	ev_io_init(&mc->rio, metrics_read_cb, fd, EV_READ);
	ev_io_init(&mc->wio, metrics_write_cb, fd, EV_WRITE);
	ev_timer_init(&mc->timer, metrics_timeout_cb, METRICS_TIMEOUT, 0.);
	mc->rio.data = mc->wio.data = mc->timer.data = mc;
	ev_io_start(loop, &mc->rio);
	ev_timer_start(loop, &mc->timer);
	mc->next = h->conns;
	if (h->conns != NULL)
		h->conns->prev = mc;
	h->conns = mc;
	h->n_conns++;
}

static void
metrics_accept_cb(struct ev_loop *loop, ev_io *io, int revents)
{
	struct metrics_http *h = io->data;
	struct net_addr peer;
	int fd;

	(void)revents;
	for (;;) {
		if ((fd = net_accept(h->fd, &peer)) == -1) {
			if (errno == EMFILE || errno == ENFILE) {
				/* Out of descriptors: pause instead of spinning. */
				ev_io_stop(loop, &h->accept_io);
				ev_timer_set(&h->accept_retry,
				    METRICS_ACCEPT_RETRY, 0.);
				ev_timer_start(loop, &h->accept_retry);
			}
			return;
		}
		/* Scrapes beyond the limit learn at once, not by timing out. */
		if (h->n_conns >= METRICS_MAX_CONNS)
			close(fd);
		else
			metrics_conn_open(h, fd);
	}
}

static void
metrics_retry_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
	struct metrics_http *h = t->data;

	(void)revents;
	ev_io_start(loop, &h->accept_io);
}

struct metrics_http *
metrics_http_start(struct ev_loop *loop, const struct config_endpoint *ep,
    metrics_page_fn *page, void *ctx, char *err)
{
	struct metrics_http *h;
	struct net_addr addr;

	if (net_resolve(ep->host, ep->port, &addr, err) == -1)
		return NULL;
	if ((h = calloc(1, sizeof *h)) == NULL) {
		snprintf(err, NET_ERR_LEN, "out of memory");
		return NULL;
	}
	if ((h->fd = net_listen(&addr, METRICS_BACKLOG, err)) == -1) {
		free(h);
		return NULL;
	}
	h->loop = loop;
	h->page = page;
	h->ctx = ctx;
	ev_io_init(&h->accept_io, metrics_accept_cb, h->fd, EV_READ);
	ev_timer_init(&h->accept_retry, metrics_retry_cb, 0., 0.);
	h->accept_io.data = h->accept_retry.data = h;
	ev_io_start(loop, &h->accept_io);
	log_info("metrics on http://%s:%u/metrics", ep->host,
	    net_local_port(h->fd));
	return h;
}

void
metrics_http_stop(struct metrics_http *h)
{
	if (h == NULL)
		return;
	while (h->conns != NULL)
		metrics_conn_close(h->conns);
	ev_io_stop(h->loop, &h->accept_io);
	ev_timer_stop(h->loop, &h->accept_retry);
	close(h->fd);
	free(h);
}
