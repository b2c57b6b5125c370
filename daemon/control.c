/*
 * control.c: the operators' unix socket (see control.h), in the manner of
 * OpenBSD ntpd's control.c: refuse to start over a running daemon, remove
 * a stale socket. Each connection has its own line buffer and answer
 * buffer; answers are written when the socket is writable, so a client
 * that does not read never stalls the loop.
 *
 * Every request is answered. A refusal to a caller who holds some right
 * (an operator) is always audited (by ops_denied). Since any local user
 * can connect, a caller who holds no right at all is served one request
 * and hung up on, at most CONTROL_MAX_RIGHTLESS such callers are
 * connected at once, and their refusals, like requests that cannot be
 * understood, are audited at most LOG_BUDGET_LIMIT per window: a looping
 * script must not fill the audit log. Beyond that they are answered,
 * counted in the log's "suppressed" line, and the next one audited says
 * how many were left out ("suppressed").
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "control.h"
#include "control_peer.h"
#include "control_proto.h"
#include "control_rights.h"
#include "json.h"
#include "log.h"
#include "ops.h"
#include "warden.h"

#define CONTROL_BACKLOG 16
#define CONTROL_MAX_CONNS 32
#define CONTROL_IDLE_TIMEOUT 30.0
#define CONTROL_OUT_MAX (64 * 1024)
#define CONTROL_ACCEPT_RETRY 1.0
/* Connections at once from callers holding no right: the rest of
 * CONTROL_MAX_CONNS stays for operators. */
#define CONTROL_MAX_RIGHTLESS 4
/* Open to all: every command is checked on the caller's credentials. */
#define CONTROL_SOCKET_MODE 0666

struct control_conn {
	struct control *ctl;
	int fd;
	struct ops_caller who;
	gid_t *groups;                  /* the caller's, from the kernel */
	int n_groups;
	int rightless;                  /* held no right when it connected:
					 * one request, then hung up */
	ev_io rio, wio;
	ev_timer idle;
	struct buf in, out;
	int draining;                   /* no more requests: close once sent */
	int eof;                        /* the peer sent all it will */
	int awaiting_durable;           /* a takeover's answer waits for the
					 * disk; requests after it wait too */
	int closing;                    /* freed by the callback that closed */
	struct control_conn *prev, *next;
};

struct control {
	struct warden *w;
	int fd;
	char path[sizeof ((struct sockaddr_un *)0)->sun_path];
	dev_t dev;                      /* the socket we made, to unlink */
	ino_t ino;                      /* only that one */
	ev_io accept_io;
	ev_timer accept_retry;          /* re-arm after EMFILE */
	struct control_conn *conns;
	unsigned n_conns;
	struct json answer;
	/* Audits and logs of bad lines and of refusals to callers who hold
	 * no right; suppressed: how many were left out since the last. */
	struct log_budget bad_requests;
	unsigned suppressed;
	unsigned n_rightless;           /* connections with rightless set */
	/* The control.*_group keys, looked up at start and reload, so that
	 * no request waits on the group database. */
	struct control_rights rights;
};

/* Every right the caller holds under the groups in force. */
static unsigned
conn_rights(const struct control_conn *c)
{
	return control_rights_held(&c->ctl->rights, c->who.uid, c->groups,
	    (size_t)c->n_groups);
}

/* A refusal anyone can provoke: always answered, audited (and logged)
 * on the budget. right: NULL for a request not understood. */
static void
conn_refuse(struct control_conn *c, const char *command, const char *right,
    const char *why)
{
	struct control *ctl = c->ctl;

	if (!log_budget_allow(&ctl->bad_requests, ev_now(ctl->w->loop))) {
		ctl->suppressed++;
		control_error_write(&ctl->answer, why);
		return;
	}
	log_warnx("control: refused from %s (uid %u, pid %d): %s",
	    c->who.user, (unsigned)c->who.uid, (int)c->who.pid, why);
	ctl->w->ops.denied(ctl->w->ops.ctx, &c->who, command, right, why,
	    ctl->suppressed, &ctl->answer);
	ctl->suppressed = 0;
}

/* A command outside the caller's rights: the answer names the groups
 * that would allow it. An operator's refusal is always audited. */
static void
conn_deny(struct control_conn *c, const struct control_request *req,
    enum control_right right)
{
	struct control *ctl = c->ctl;
	char why[ERR_LEN];

	control_rights_explain(&ctl->rights, right, c->who.user, c->who.uid,
	    why, sizeof why);
	if (conn_rights(c) == 0)
		conn_refuse(c, req->name, control_right_name(right), why);
	else
		ctl->w->ops.denied(ctl->w->ops.ctx, &c->who, req->name,
		    control_right_name(right), why, 0, &ctl->answer);
}

/* OPS_PENDING when the answer waits for the takeover to be durable. */
static int
conn_dispatch(struct control_conn *c, const struct control_request *req)
{
	struct warden *w = c->ctl->w;
	struct json *out = &c->ctl->answer;
	enum control_right right = control_command_right(req->command);

	log_debug("control: %s from %s (uid %u, pid %d)", req->name,
	    c->who.user, (unsigned)c->who.uid, (int)c->who.pid);
	/* Checked on the groups in force now: a reload may have changed
	 * them since the caller connected. */
	if (!control_rights_hold(&c->ctl->rights, right, c->who.uid,
	    c->groups, (size_t)c->n_groups)) {
		conn_deny(c, req, right);
		return 0;
	}
	switch (req->command) {
	case CONTROL_STATUS:
		w->ops.status(w->ops.ctx, &c->who, out);
		break;
	case CONTROL_TAKEOVER:
		return w->ops.takeover(w->ops.ctx, &c->who, req->reason, out);
	case CONTROL_RELEASE:
		w->ops.release(w->ops.ctx, &c->who, req->reason, out);
		break;
	case CONTROL_RELOAD:
		w->ops.reload(w->ops.ctx, &c->who, out);
		break;
	case CONTROL_NONE:
		control_error_write(out, "request not understood");
		break;
	}
	return 0;
}

static void conn_close(struct control_conn *c, const char *reason);

/* Queue the answer built in ctl->answer, one line. */
static void
conn_answer(struct control_conn *c)
{
	struct json *out = &c->ctl->answer;

	if (json_failed(out) || out->len == 0) {
		json_clear(out);
		control_error_write(out, "wardend could not build the answer "
		    "(out of memory?); try again, and see its log");
	}
	if (json_failed(out) || buf_append(&c->out, out->data, out->len) ==
	    -1 || buf_append(&c->out, "\n", 1) == -1)
		conn_close(c, "out of memory");
}

static void
conn_drain(struct control_conn *c)
{
	c->draining = 1;
	ev_io_stop(c->ctl->w->loop, &c->rio);
}

static void
conn_handle(struct control_conn *c, const char *line, size_t len)
{
	struct control_request req;
	char err[ERR_LEN];

	json_clear(&c->ctl->answer);
	if (control_parse(line, len, &req, err) == -1)
		conn_refuse(c, req.name, NULL, err);
	else if (conn_dispatch(c, &req) == OPS_PENDING) {
		/* Answers stay in order: nothing more is read meanwhile. */
		c->awaiting_durable = 1;
		ev_io_stop(c->ctl->w->loop, &c->rio);
		return;
	}
	conn_answer(c);
	/* One answer is all a caller without rights gets. */
	if (c->rightless && !c->closing)
		conn_drain(c);
}

static int
is_blank(const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r')
			return 0;
	return 1;
}

/* Answer every complete line in the buffer. */
static void
conn_process(struct control_conn *c)
{
	const uint8_t *head, *nl;
	size_t len;

	while (!c->closing && !c->draining && !c->awaiting_durable) {
		if (buf_len(&c->out) > CONTROL_OUT_MAX) {
			conn_close(c, "answers not read (over 64 KiB pending)");
			return;
		}
		head = buf_head(&c->in);
		len = buf_len(&c->in);
		if ((nl = memchr(head, '\n', len)) == NULL) {
			if (len > CONTROL_LINE_MAX) {
				char why[ERR_LEN];

				snprintf(why, sizeof why, "request longer "
				    "than %d bytes; send one JSON object per "
				    "line", CONTROL_LINE_MAX);
				json_clear(&c->ctl->answer);
				conn_refuse(c, "", NULL, why);
				conn_answer(c);
				conn_drain(c);
			}
			return;
		}
		len = (size_t)(nl - head);
		if (!is_blank(head, len))
			conn_handle(c, (const char *)head, len);
		buf_consume(&c->in, len + 1);
	}
}

/* The peer is done: its last line may lack a newline; close once the
 * answers are out. Waits while a takeover's answer does. */
static void
conn_eof(struct control_conn *c)
{
	if (c->closing || c->draining || c->awaiting_durable)
		return;
	if (!is_blank(buf_head(&c->in), buf_len(&c->in)))
		conn_handle(c, (const char *)buf_head(&c->in),
		    buf_len(&c->in));
	buf_clear(&c->in);
	if (!c->closing && !c->awaiting_durable)
		conn_drain(c);
}

static void
conn_flush(struct control_conn *c)
{
	struct ev_loop *loop = c->ctl->w->loop;
	ssize_t n;

	while (!c->closing && buf_len(&c->out) > 0) {
		n = send(c->fd, buf_head(&c->out), buf_len(&c->out),
		    MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				ev_io_start(loop, &c->wio);
				return;
			}
			conn_close(c, strerror(errno));
			return;
		}
		buf_consume(&c->out, (size_t)n);
		ev_timer_again(loop, &c->idle);
	}
	if (c->closing)
		return;
	ev_io_stop(loop, &c->wio);
	if (c->draining)
		conn_close(c, "done");
}

static void
conn_free(struct control_conn *c)
{
	buf_free(&c->in);
	buf_free(&c->out);
	free(c->groups);
	free(c);
}

static void
conn_close(struct control_conn *c, const char *reason)
{
	struct control *ctl = c->ctl;

	if (c->closing)
		return;
	c->closing = 1;
	log_debug("control: %s (uid %u, pid %d) closed: %s", c->who.user,
	    (unsigned)c->who.uid, (int)c->who.pid, reason);
	ev_io_stop(ctl->w->loop, &c->rio);
	ev_io_stop(ctl->w->loop, &c->wio);
	ev_timer_stop(ctl->w->loop, &c->idle);
	close(c->fd);
	c->fd = -1;
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		ctl->conns = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	ctl->n_conns--;
	if (c->rightless)
		ctl->n_rightless--;
}

static void
conn_read_cb(struct ev_loop *loop, ev_io *io, int revents)
{
	struct control_conn *c = io->data;
	ssize_t n;

	(void)revents;
	/* At most one line and its newline are ever kept unanswered. */
	if (buf_reserve(&c->in, CONTROL_LINE_MAX + 1 - buf_len(&c->in)) ==
	    -1) {
		conn_close(c, "out of memory");
		goto out;
	}
	n = read(c->fd, buf_tail(&c->in), CONTROL_LINE_MAX + 1 -
	    buf_len(&c->in));
	if (n < 0) {
		if (errno != EAGAIN && errno != EINTR)
			conn_close(c, strerror(errno));
		goto out;
	}
	ev_timer_again(loop, &c->idle);
	c->in.end += (size_t)n;
	conn_process(c);
	if (n == 0) {
		c->eof = 1;
		conn_eof(c);
	}
	conn_flush(c);
out:
	if (c->closing)
		conn_free(c);
}

static void
conn_write_cb(struct ev_loop *loop, ev_io *io, int revents)
{
	struct control_conn *c = io->data;

	(void)loop;
	(void)revents;
	conn_flush(c);
	if (c->closing)
		conn_free(c);
}

static void
conn_idle_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
	struct control_conn *c = t->data;

	(void)loop;
	(void)revents;
	conn_close(c, "idle for 30 s");
	conn_free(c);
}

static void control_turn_away(struct control *ctl, int fd, const char *why);

static void
conn_open(struct control *ctl, int fd)
{
	struct ev_loop *loop = ctl->w->loop;
	struct control_conn *c;

	if ((c = calloc(1, sizeof *c)) == NULL ||
	    buf_init(&c->in, CONTROL_LINE_MAX + 1) == -1 ||
	    buf_init(&c->out, 1024) == -1) {
		log_warn("control: cannot take a connection");
		goto fail;
	}
	c->ctl = ctl;
	c->fd = fd;
	if (control_peer_identify(fd, &c->who, &c->groups, &c->n_groups) ==
	    -1) {
		log_warn("control: cannot identify the peer");
		goto fail;
	}
	if (conn_rights(c) == 0) {
		if (ctl->n_rightless >= CONTROL_MAX_RIGHTLESS) {
			if (log_budget_allow(&ctl->bad_requests,
			    ev_now(loop)))
				log_warnx("control: %s (uid %u) turned away: "
				    "%d connections without rights already "
				    "open", c->who.user, (unsigned)c->who.uid,
				    CONTROL_MAX_RIGHTLESS);
			control_turn_away(ctl, fd, "too many connections at "
			    "once from users who hold no right on this "
			    "wardend; try again");
			conn_free(c);
			return;
		}
		c->rightless = 1;
		ctl->n_rightless++;
	}
	ev_io_init(&c->rio, conn_read_cb, fd, EV_READ);
	ev_io_init(&c->wio, conn_write_cb, fd, EV_WRITE);
	/* An operator's takeover that arrives with AI traffic in the same
	 * loop iteration is handled first: no AI write slips past it. */
	ev_set_priority(&c->rio, EV_MAXPRI);
	ev_set_priority(&c->wio, EV_MAXPRI);
	ev_timer_init(&c->idle, conn_idle_cb, 0., CONTROL_IDLE_TIMEOUT);
	c->rio.data = c->wio.data = c->idle.data = c;
	ev_io_start(loop, &c->rio);
	ev_timer_again(loop, &c->idle);
	c->next = ctl->conns;
	if (ctl->conns != NULL)
		ctl->conns->prev = c;
	ctl->conns = c;
	ctl->n_conns++;
	log_debug("control: %s (uid %u, pid %d) connected", c->who.user,
	    (unsigned)c->who.uid, (int)c->who.pid);
	return;
fail:
	if (c != NULL)
		conn_free(c);
	close(fd);
}

/* Over a limit: say so in one line, best effort, and hang up. */
static void
control_turn_away(struct control *ctl, int fd, const char *why)
{
	json_clear(&ctl->answer);
	control_error_write(&ctl->answer, why);
	json_append(&ctl->answer, "\n", 1);
	if (!json_failed(&ctl->answer) &&
	    send(fd, ctl->answer.data, ctl->answer.len,
	    MSG_NOSIGNAL | MSG_DONTWAIT) == -1)
		log_debug("control: turning a connection away: %s",
		    strerror(errno));
	close(fd);
}

static void
control_accept_cb(struct ev_loop *loop, ev_io *io, int revents)
{
	struct control *ctl = io->data;
	int fd;

	(void)revents;
	for (;;) {
		fd = accept4(ctl->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd == -1) {
			if (errno == EMFILE || errno == ENFILE) {
				log_warn("control: accept: pausing for %.0f s",
				    CONTROL_ACCEPT_RETRY);
				ev_io_stop(loop, &ctl->accept_io);
				ev_timer_set(&ctl->accept_retry,
				    CONTROL_ACCEPT_RETRY, 0.);
				ev_timer_start(loop, &ctl->accept_retry);
			} else if (errno != EAGAIN && errno != EINTR &&
			    errno != ECONNABORTED)
				log_warn("control: accept");
			return;
		}
		if (ctl->n_conns >= CONTROL_MAX_CONNS) {
			if (log_budget_allow(&ctl->bad_requests, ev_now(loop)))
				log_warnx("control: connection refused: %d "
				    "already open", CONTROL_MAX_CONNS);
			control_turn_away(ctl, fd, "too many control "
			    "connections; close an idle wardenctl watch and "
			    "try again");
			continue;
		}
		conn_open(ctl, fd);
	}
}

static void
control_retry_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
	struct control *ctl = t->data;

	(void)revents;
	ev_io_start(loop, &ctl->accept_io);
}

/*
 * Is a daemon answering on path? A socket nobody listens on is the trace
 * of a crash: removed. Anything else at path is left alone.
 */
static int
control_probe(const struct sockaddr_un *sun, char *err)
{
	const char *path = sun->sun_path;
	struct stat st;
	int fd, rc, saved;

	if (lstat(path, &st) == -1) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, NET_ERR_LEN, "control.socket %s: %s", path,
		    strerror(errno));
		return -1;
	}
	if (!S_ISSOCK(st.st_mode)) {
		snprintf(err, NET_ERR_LEN, "control.socket %s exists and is "
		    "not a socket; remove it or set control.socket to another "
		    "path", path);
		return -1;
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1) {
		snprintf(err, NET_ERR_LEN, "control socket: %s",
		    strerror(errno));
		return -1;
	}
	rc = connect(fd, (const struct sockaddr *)sun, sizeof *sun);
	saved = errno;
	close(fd);
	if (rc == 0 || saved == EAGAIN) {
		snprintf(err, NET_ERR_LEN, "another wardend is running on %s; "
		    "stop it first, or give this one another control.socket",
		    path);
		return -1;
	}
	if (saved != ECONNREFUSED) {
		snprintf(err, NET_ERR_LEN, "control.socket %s: cannot tell "
		    "whether a wardend is running on it: %s", path,
		    strerror(saved));
		return -1;
	}
	if (unlink(path) == -1 && errno != ENOENT) {
		snprintf(err, NET_ERR_LEN, "cannot remove the stale control "
		    "socket %s: %s", path, strerror(errno));
		return -1;
	}
	log_info("removed the stale control socket %s", path);
	return 0;
}

/* The groups of the config in force. */
static void
control_set_groups(struct control *ctl)
{
	const struct control_group *g;
	enum control_right right;

	control_rights_set(&ctl->rights, &ctl->w->cfg->control,
	    control_peer_group);
	for (right = CONTROL_RIGHT_ROOT; right < CONTROL_RIGHTS; right++) {
		g = &ctl->rights.group[right];
		if (g->name[0] != '\0' && !g->known)
			log_warnx("control.%s: group %s does not exist; only "
			    "root has its right (create the group, then "
			    "reload)", control_right_key(right), g->name);
	}
}

/* The socket open to all again, should someone have changed its mode:
 * who may do what is the daemon's check, not the file's. */
static void
control_keep_mode(struct control *ctl)
{
	struct stat st;

	if (lstat(ctl->path, &st) == -1 || st.st_dev != ctl->dev ||
	    st.st_ino != ctl->ino ||
	    (st.st_mode & 07777) == CONTROL_SOCKET_MODE)
		return;
	if (chmod(ctl->path, CONTROL_SOCKET_MODE) == -1)
		log_warn("control socket %s: mode %04o, and cannot make it "
		    "%04o: operators may not reach it", ctl->path,
		    (unsigned)(st.st_mode & 07777), CONTROL_SOCKET_MODE);
}

void
control_takeover_durable(struct warden *w, const char *err)
{
	struct control_conn *c, *next;

	if (w->control == NULL)
		return;
	for (c = w->control->conns; c != NULL; c = next) {
		next = c->next;
		if (!c->awaiting_durable)
			continue;
		c->awaiting_durable = 0;
		json_clear(&c->ctl->answer);
		w->ops.takeover_answer(w->ops.ctx, &c->ctl->answer, err);
		conn_answer(c);
		conn_process(c);
		if (c->eof)
			conn_eof(c);
		else if (!c->closing && !c->draining && !c->awaiting_durable)
			ev_io_start(w->loop, &c->rio);
		conn_flush(c);
		if (c->closing)
			conn_free(c);
	}
}

void
control_reconfigure(struct warden *w)
{
	if (w->control == NULL)
		return;
	control_set_groups(w->control);
	control_keep_mode(w->control);
}

/* Bound, then CONTROL_SOCKET_MODE whatever the umask. */
static int
control_bind(const struct sockaddr_un *sun, char *err)
{
	const char *path = sun->sun_path;
	int fd;

	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1) {
		snprintf(err, NET_ERR_LEN, "control socket: %s",
		    strerror(errno));
		return -1;
	}
	if (bind(fd, (const struct sockaddr *)sun, sizeof *sun) == -1) {
		if (errno == EADDRINUSE)
			snprintf(err, NET_ERR_LEN, "another wardend is running "
			    "on %s", path);
		else
			snprintf(err, NET_ERR_LEN, "cannot create the control "
			    "socket %s: %s (does its directory exist, and may "
			    "wardend write there?)", path, strerror(errno));
		close(fd);
		return -1;
	}
	if (chmod(path, CONTROL_SOCKET_MODE) == -1 ||
	    listen(fd, CONTROL_BACKLOG) == -1) {
		snprintf(err, NET_ERR_LEN, "control socket %s: %s", path,
		    strerror(errno));
		unlink(path);
		close(fd);
		return -1;
	}
	return fd;
}

int
control_open(struct warden *w, const char *path, char *err)
{
	struct sockaddr_un sun;
	struct control *ctl;
	struct stat st;
	int fd;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (path[0] == '\0' || strlen(path) >= sizeof sun.sun_path) {
		snprintf(err, NET_ERR_LEN, "control.socket \"%s\" must be a "
		    "path of 1 to %zu bytes", path, sizeof sun.sun_path - 1);
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if (control_probe(&sun, err) == -1 ||
	    (fd = control_bind(&sun, err)) == -1)
		return -1;
	if ((ctl = calloc(1, sizeof *ctl)) == NULL || stat(path, &st) == -1) {
		snprintf(err, NET_ERR_LEN, "control socket %s: %s", path,
		    strerror(errno));
		free(ctl);
		unlink(path);
		close(fd);
		return -1;
	}
	ctl->w = w;
	ctl->fd = fd;
	memcpy(ctl->path, sun.sun_path, sizeof ctl->path);
	control_set_groups(ctl);
	ctl->dev = st.st_dev;
	ctl->ino = st.st_ino;
	json_init(&ctl->answer);
	ev_io_init(&ctl->accept_io, control_accept_cb, fd, EV_READ);
	ev_set_priority(&ctl->accept_io, EV_MAXPRI);
	ev_timer_init(&ctl->accept_retry, control_retry_cb, 0., 0.);
	ctl->accept_io.data = ctl->accept_retry.data = ctl;
	ev_io_start(w->loop, &ctl->accept_io);
	w->control = ctl;
	log_info("control socket %s", path);
	return 0;
}

void
control_close(struct warden *w)
{
	struct control *ctl = w->control;
	struct stat st;

	if (ctl == NULL)
		return;
	while (ctl->conns != NULL) {
		struct control_conn *c = ctl->conns;

		conn_close(c, "wardend stopping");
		conn_free(c);
	}
	ev_io_stop(w->loop, &ctl->accept_io);
	ev_timer_stop(w->loop, &ctl->accept_retry);
	close(ctl->fd);
	/* Only our own: a newer wardend may own the path by now. */
	if (lstat(ctl->path, &st) == 0 && st.st_dev == ctl->dev &&
	    st.st_ino == ctl->ino && unlink(ctl->path) == -1)
		log_warn("cannot remove the control socket %s", ctl->path);
	json_free(&ctl->answer);
	free(ctl);
	w->control = NULL;
}
