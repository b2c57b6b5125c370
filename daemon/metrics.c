/*
 * metrics.c: see metrics.h. Rendering reads the daemon's state as it is
 * at the moment of the scrape; nothing is cached, so a scrape always
 * agrees with `wardenctl status` at the same instant.
 *
 * Label values need no escaping: device names may hold only letters,
 * digits, '_', '-' and '.' (config), and the other labels are ours.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <modbus.h>

#include "log.h"
#include "metrics.h"
#include "monitor.h"
#include "warden.h"

#define METRICS_BACKLOG 16
#define METRICS_ACCEPT_RETRY 1.0

static const char *const metrics_verdict_names[METRICS_VERDICT_COUNT] = {
	"allowed", "clamped", "rejected", "isolated", "forwarded_read",
	"rejected_read", "would_clamp", "would_reject", "would_takeover",
	"invalid", "unknown_unit",
};

/* Exception codes shown even at 0, so that rate() has a start. */
static const uint8_t metrics_gateway_codes[] = {
	MODBUS_EXCEPTION_ILLEGAL_FUNCTION,
	MODBUS_EXCEPTION_ILLEGAL_DATA_ADDRESS,
	MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE,
	MODBUS_EXCEPTION_SLAVE_OR_SERVER_FAILURE,
	MODBUS_EXCEPTION_SLAVE_OR_SERVER_BUSY,
	MODBUS_EXCEPTION_GATEWAY_PATH,
	MODBUS_EXCEPTION_GATEWAY_TARGET,
};

void
metrics_count_decision(struct metrics *m, const struct policy_decision *d,
    enum config_mode mode)
{
	static const enum metrics_verdict enforce[] = {
		[POLICY_ALLOW] = METRICS_ALLOWED,
		[POLICY_CLAMP] = METRICS_CLAMPED,
		[POLICY_READ] = METRICS_REJECTED,
		[POLICY_REJECT] = METRICS_REJECTED,
		[POLICY_TAKEOVER] = METRICS_REJECTED,
	};
	static const enum metrics_verdict monitor[] = {
		[POLICY_ALLOW] = METRICS_ALLOWED,
		[POLICY_CLAMP] = METRICS_WOULD_CLAMP,
		[POLICY_READ] = METRICS_WOULD_REJECT,
		[POLICY_REJECT] = METRICS_WOULD_REJECT,
		[POLICY_TAKEOVER] = METRICS_WOULD_TAKEOVER,
	};

	m->requests[mode == MODE_MONITOR ? monitor[d->verdict] :
	    enforce[d->verdict]]++;
}

void
metrics_count_read(struct metrics *m, const struct policy_decision *d,
    enum config_mode mode)
{
	if (d->verdict == POLICY_ALLOW)
		m->requests[METRICS_FORWARDED_READ]++;
	else if (mode == MODE_MONITOR)
		m->requests[METRICS_WOULD_REJECT]++;
	else
		m->requests[METRICS_REJECTED_READ]++;
}

/* The exposition being written; the first failure sticks. */
struct metrics_text {
	struct buf *out;
	int failed;
};

static void metrics_printf(struct metrics_text *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
metrics_printf(struct metrics_text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->failed)
		return;
	/* Most lines fit, and vsnprintf then gets a real buffer. */
	if (buf_reserve(t->out, 256) == -1) {
		t->failed = 1;
		return;
	}
	va_start(ap, fmt);
	n = vsnprintf((char *)buf_tail(t->out), buf_room(t->out), fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < buf_room(t->out)) {
		t->out->end += (size_t)n;
		return;
	}
	if (n < 0 || buf_reserve(t->out, (size_t)n + 1) == -1) {
		t->failed = 1;
		return;
	}
	va_start(ap, fmt);
	vsnprintf((char *)buf_tail(t->out), buf_room(t->out), fmt, ap);
	va_end(ap);
	t->out->end += (size_t)n;
}

static void
metrics_family(struct metrics_text *t, const char *name, const char *type,
    const char *help)
{
	metrics_printf(t, "# HELP %s %s\n# TYPE %s %s\n", name, help, name,
	    type);
}

static void
metrics_counter(struct metrics_text *t, const char *name, const char *help,
    uint64_t value)
{
	metrics_family(t, name, "counter", help);
	metrics_printf(t, "%s %llu\n", name, (unsigned long long)value);
}

static void
metrics_gauge(struct metrics_text *t, const char *name, const char *help,
    double value)
{
	metrics_family(t, name, "gauge", help);
	metrics_printf(t, "%s %.17g\n", name, value);
}

static void
metrics_render_state(struct metrics_text *t, const struct warden *w)
{
	const struct guard *g = &w->guard;
	const struct guard_counters *gc = &g->counters;
	unsigned i;

	metrics_family(t, "warden_mode", "gauge",
	    "1 for the configured mode (enforce or monitor).");
	metrics_printf(t, "warden_mode{mode=\"enforce\"} %d\n"
	    "warden_mode{mode=\"monitor\"} %d\n",
	    w->cfg->mode == MODE_ENFORCE, w->cfg->mode == MODE_MONITOR);
	metrics_family(t, "warden_state", "gauge",
	    "1 for the current state (auto or takeover).");
	metrics_printf(t, "warden_state{state=\"auto\"} %d\n"
	    "warden_state{state=\"takeover\"} %d\n",
	    g->state == GUARD_STATE_AUTO, g->state == GUARD_STATE_TAKEOVER);
	metrics_gauge(t, "warden_state_since_seconds",
	    "When the current state was entered, seconds since the epoch.",
	    g->since);
	metrics_family(t, "warden_takeovers_total", "counter",
	    "Entries into TAKEOVER, by cause.");
	for (i = 0; i < GUARD_CAUSE_COUNT; i++)
		metrics_printf(t, "warden_takeovers_total{cause=\"%s\"} %llu\n",
		    guard_cause_name((enum guard_cause)i),
		    (unsigned long long)gc->takeovers[i]);
	metrics_family(t, "warden_would_takeovers_total", "counter",
	    "Monitor mode: takeovers enforcement would have made, by cause.");
	for (i = 0; i < GUARD_CAUSE_COUNT; i++)
		metrics_printf(t, "warden_would_takeovers_total{cause=\"%s\"} "
		    "%llu\n", guard_cause_name((enum guard_cause)i),
		    (unsigned long long)gc->would_takeovers[i]);
	metrics_counter(t, "warden_violations_total",
	    "AI writes answered 0x01, 0x02 or 0x03, or clamped.",
	    gc->violations);
	metrics_counter(t, "warden_releases_total",
	    "Operator releases back to AUTO.", gc->releases);
	metrics_counter(t, "warden_releases_refused_total",
	    "Releases refused (trip active, key switch, reason missing).",
	    gc->releases_refused);
}

static void
metrics_render_requests(struct metrics_text *t, const struct metrics *m,
    const struct warden *w)
{
	const struct counters *c = &w->counters;
	unsigned i;

	metrics_family(t, "warden_requests_total", "counter",
	    "AI requests, by what became of them.");
	for (i = 0; i < METRICS_VERDICT_COUNT; i++)
		metrics_printf(t, "warden_requests_total{verdict=\"%s\"} %llu\n",
		    metrics_verdict_names[i],
		    (unsigned long long)m->requests[i]);
	metrics_family(t, "warden_exceptions_total", "counter",
	    "Modbus exceptions wardend answered the AI with, by code.");
	for (i = 0; i < 256; i++) {
		int always = memchr(metrics_gateway_codes, (int)i,
		    sizeof metrics_gateway_codes) != NULL;

		if (always || c->exceptions[i] != 0)
			metrics_printf(t, "warden_exceptions_total{code="
			    "\"0x%02x\"} %llu\n", i,
			    (unsigned long long)c->exceptions[i]);
	}
	if (histogram_render(&m->latency, "warden_request_duration_seconds",
	    "AI requests handed to a device, from the request to its answer.",
	    t->out) == -1)
		t->failed = 1;
	metrics_gauge(t, "warden_clients", "AI connections open.",
	    w->n_clients);
	metrics_counter(t, "warden_clients_accepted_total",
	    "AI connections accepted.", c->clients_accepted);
	metrics_counter(t, "warden_clients_refused_total",
	    "AI connections refused (allow_from, max_clients).",
	    c->clients_refused);
	metrics_counter(t, "warden_malformed_total",
	    "AI connections closed for bad framing.", c->malformed);
	metrics_counter(t, "warden_device_timeouts_total",
	    "Device requests not answered within timeout.",
	    c->device_timeouts);
	metrics_counter(t, "warden_device_resets_total",
	    "Device connections reset.", c->device_resets);
}

/* Alarms and trips as `wardenctl status` lists them. */
static void
metrics_render_conditions(struct metrics_text *t, const struct warden *w)
{
	const struct poller *pl = &w->poller;
	struct monitor_active act[MONITOR_POINT_KINDS];
	unsigned alarms = 0, trips = 0;
	size_t i, k, n;

	for (i = 0; pl->points != NULL && i < w->cfg->n_points; i++) {
		n = monitor_point_active(&pl->points[i], act);
		for (k = 0; k < n; k++) {
			if (monitor_kind_is_trip(act[k].kind))
				trips++;
			else
				alarms++;
		}
	}
	for (i = 0; pl->devices != NULL && i < w->cfg->n_devices; i++)
		if (pl->devices[i].mon.lost.active)
			trips++;
	metrics_gauge(t, "warden_alarms_active", "Alarms active (low, high).",
	    alarms);
	metrics_gauge(t, "warden_trips_active",
	    "Trips active (low_low, high_high, rate, stale, device_loss).",
	    trips);
}

static void
metrics_render_devices(struct metrics_text *t, const struct warden *w)
{
	unsigned i, pending = 0;

	metrics_family(t, "warden_device_up", "gauge",
	    "1 while wardend has a connection up to the device.");
	for (i = 0; i < w->n_devices; i++)
		metrics_printf(t, "warden_device_up{device=\"%s\"} %d\n",
		    w->cfg->devices[i].name, w->devices[i].ai.n_up > 0 ||
		    w->devices[i].poll.n_up > 0);
	metrics_family(t, "warden_device_stray_answers_total", "counter",
	    "Device answers that matched no request in flight, dropped.");
	for (i = 0; i < w->n_devices; i++)
		metrics_printf(t, "warden_device_stray_answers_total{device="
		    "\"%s\"} %llu\n", w->cfg->devices[i].name,
		    (unsigned long long)w->devices[i].stray_answers);
	for (i = 0; w->safestate.active && i < w->safestate.n; i++)
		if (strcmp(safestate_status(w, i), "verified") != 0)
			pending++;
	metrics_gauge(t, "warden_safe_state_pending",
	    "Safe-state points not verified: not yet read back, or drifted "
	    "since.", pending);
}

static void
metrics_render_audit(struct metrics_text *t, const struct warden *w)
{
	const struct audit_stats *s = audit_stats(w->audit);

	metrics_counter(t, "warden_audit_records_total",
	    "Audit records written whole.", s->records);
	metrics_counter(t, "warden_audit_write_errors_total",
	    "Audit records that could not be written.", s->write_errors);
	metrics_family(t, "warden_audit_fsync_seconds", "summary",
	    "Time the audit log's fsyncs took.");
	metrics_printf(t, "warden_audit_fsync_seconds_sum %.9g\n"
	    "warden_audit_fsync_seconds_count %llu\n",
	    (double)s->fsync_us_total / 1e6, (unsigned long long)s->fsyncs);
	metrics_gauge(t, "warden_audit_fsync_last_seconds",
	    "Time the last audit fsync took.", (double)s->last_fsync_us / 1e6);
	metrics_counter(t, "warden_audit_fsync_errors_total",
	    "Audit fsyncs that failed.", s->fsync_errors);
	metrics_counter(t, "warden_audit_checkpoints_total",
	    "Signed audit checkpoints written.", s->checkpoints);
	metrics_counter(t, "warden_audit_checkpoint_errors_total",
	    "Audit checkpoints that could not be signed or written.",
	    s->checkpoint_errors);
	metrics_counter(t, "warden_audit_renewed_total",
	    "New audit files started after the log was deleted or replaced.",
	    s->renewed);
	metrics_counter(t, "warden_audit_syslog_sent_total",
	    "Audit records copied to the syslog socket.", s->syslog_sent);
	metrics_counter(t, "warden_audit_syslog_dropped_total",
	    "Audit records the syslog socket did not take.",
	    s->syslog_dropped);
}

int
metrics_render(const struct metrics *m, const struct warden *w,
    struct buf *out)
{
	struct metrics_text t = { .out = out, .failed = 0 };

	metrics_render_state(&t, w);
	metrics_render_requests(&t, m, w);
	metrics_render_conditions(&t, w);
	metrics_render_devices(&t, w);
	if (w->audit != NULL)
		metrics_render_audit(&t, w);
	return t.failed ? -1 : 0;
}

/* One scrape: read the request, answer, close. */
struct metrics_conn {
	struct metrics *m;
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
	struct metrics *m = mc->m;
	struct ev_loop *loop = m->w->loop;

	ev_io_stop(loop, &mc->rio);
	ev_io_stop(loop, &mc->wio);
	ev_timer_stop(loop, &mc->timer);
	close(mc->fd);
	if (mc->prev != NULL)
		mc->prev->next = mc->next;
	else
		m->conns = mc->next;
	if (mc->next != NULL)
		mc->next->prev = mc->prev;
	m->n_conns--;
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
			ev_io_start(mc->m->w->loop, &mc->wio);
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
	rc = metrics_render(mc->m, mc->m->w, &body);
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
metrics_conn_open(struct metrics *m, int fd)
{
	struct ev_loop *loop = m->w->loop;
	struct metrics_conn *mc;

	if ((mc = calloc(1, sizeof *mc)) == NULL) {
		close(fd);
		return;
	}
	mc->m = m;
	mc->fd = fd;
	ev_io_init(&mc->rio, metrics_read_cb, fd, EV_READ);
	ev_io_init(&mc->wio, metrics_write_cb, fd, EV_WRITE);
	ev_timer_init(&mc->timer, metrics_timeout_cb, METRICS_TIMEOUT, 0.);
	mc->rio.data = mc->wio.data = mc->timer.data = mc;
	ev_io_start(loop, &mc->rio);
	ev_timer_start(loop, &mc->timer);
	mc->next = m->conns;
	if (m->conns != NULL)
		m->conns->prev = mc;
	m->conns = mc;
	m->n_conns++;
}

static void
metrics_accept_cb(struct ev_loop *loop, ev_io *io, int revents)
{
	struct metrics *m = io->data;
	struct net_addr peer;
	int fd;

	(void)revents;
	for (;;) {
		if ((fd = net_accept(m->fd, &peer)) == -1) {
			if (errno == EMFILE || errno == ENFILE) {
				/* Out of descriptors: pause instead of spinning. */
				ev_io_stop(loop, &m->accept_io);
				ev_timer_set(&m->accept_retry,
				    METRICS_ACCEPT_RETRY, 0.);
				ev_timer_start(loop, &m->accept_retry);
			}
			return;
		}
		/* Scrapes beyond the limit learn at once, not by timing out. */
		if (m->n_conns >= METRICS_MAX_CONNS)
			close(fd);
		else
			metrics_conn_open(m, fd);
	}
}

static void
metrics_retry_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
	struct metrics *m = t->data;

	(void)revents;
	if (m->listening)
		ev_io_start(loop, &m->accept_io);
}

int
metrics_start(struct metrics *m, struct warden *w, char *err)
{
	const struct config_endpoint *ep = &w->cfg->metrics_listen;
	struct net_addr addr;

	m->w = w;
	if (!w->cfg->has_metrics_listen || m->listening)
		return 0;
	if (net_resolve(ep->host, ep->port, &addr, err) == -1)
		return -1;
	if ((m->fd = net_listen(&addr, METRICS_BACKLOG, err)) == -1)
		return -1;
	m->listening = 1;
	ev_io_init(&m->accept_io, metrics_accept_cb, m->fd, EV_READ);
	ev_timer_init(&m->accept_retry, metrics_retry_cb, 0., 0.);
	m->accept_io.data = m->accept_retry.data = m;
	ev_io_start(w->loop, &m->accept_io);
	log_info("metrics on http://%s:%u/metrics", ep->host,
	    net_local_port(m->fd));
	return 0;
}

void
metrics_stop(struct metrics *m)
{
	while (m->conns != NULL)
		metrics_conn_close(m->conns);
	if (!m->listening)
		return;
	ev_io_stop(m->w->loop, &m->accept_io);
	ev_timer_stop(m->w->loop, &m->accept_retry);
	close(m->fd);
	m->listening = 0;
}
