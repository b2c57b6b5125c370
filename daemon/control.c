/*
 * control.c: the operators' unix socket (see control.h), in the manner of
 * OpenBSD ntpd's control.c: refuse to start over a running daemon, remove
 * a stale socket. Each connection is a stream (stream.h) with its own line
 * buffer and answer buffer; answers are written when the socket is
 * writable, so a client that does not read never stalls the loop. The
 * socket and its connections have the loop's highest priority: an
 * operator's takeover that arrives with AI traffic in the same loop
 * iteration is handled first, so no AI write slips past it.
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
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "acceptor.h"
#include "config.h"
#include "control.h"
#include "control_peer.h"
#include "control_proto.h"
#include "control_rights.h"
#include "errmsg.h"
#include "json.h"
#include "log.h"
#include "stream.h"

#define CONTROL_BACKLOG 16
#define CONTROL_MAX_CONNS 32
#define CONTROL_IDLE_TIMEOUT 30.0
#define CONTROL_OUT_MAX (64 * 1024)
#define CONTROL_PUSH_MAX (1024 * 1024)
/* Connections at once from callers holding no right: the rest of
 * CONTROL_MAX_CONNS stays for operators. */
#define CONTROL_MAX_RIGHTLESS 4
/* Open to all: every command is checked on the caller's credentials. */
#define CONTROL_SOCKET_MODE 0666

struct control_conn {
	struct control *ctl;
	struct stream *s;
	struct ops_caller who;
	gid_t *groups;                  /* the caller's, from the kernel */
	int n_groups;
	int rightless;                  /* held no right when it connected:
					 * one request, then hung up */
	ev_timer idle;
	int draining;                   /* no more requests: close once sent */
	int eof;                        /* the peer sent all it will */
	int awaiting_durable;           /* a takeover's answer waits for the
					 * disk; requests after it wait too */
	int subscribed;                 /* pushes only, from now on */
	struct control_conn *prev, *next;
};

struct control {
	struct ev_loop *loop;
	struct streams *ss;
	struct ops_handlers ops;        /* the operations layer's */
	struct acceptor *acceptor;
	char path[sizeof ((struct sockaddr_un *)0)->sun_path];
	dev_t dev;                      /* the socket we made, to unlink */
	ino_t ino;                      /* only that one */
	struct control_conn *conns;
	unsigned n_conns;
	struct json answer;
	/* Audits and logs of bad lines and of refusals to callers who hold
	 * no right; suppressed: how many were left out since the last. */
	struct log_budget bad_requests;
	unsigned suppressed;
	unsigned n_rightless;           /* connections with rightless set */
	unsigned n_subscribed;
	int has_console;                /* control.console_user exists */
	uid_t console_uid;
	/* The control.*_group keys, looked up at start and reload, so that
	 * no request waits on the group database. */
	struct control_rights rights;
};

static int
conn_is_console(const struct control_conn *c)
{
	return c->ctl->has_console && c->who.uid == c->ctl->console_uid;
}

/* Every right the caller holds under the groups in force; the console's
 * user may view, for its feed. */
static unsigned
conn_rights(const struct control_conn *c)
{
	return control_rights_held(&c->ctl->rights, c->who.uid, c->groups,
	    (size_t)c->n_groups) |
	    (conn_is_console(c) ? 1u << CONTROL_RIGHT_VIEW : 0);
}

/* A refusal anyone can provoke: always answered, audited (and logged)
 * on the budget. right: NULL for a request not understood. */
static void
conn_refuse(struct control_conn *c, const char *command, const char *right,
    const char *why)
{
	struct control *ctl = c->ctl;

	if (!log_budget_allow(&ctl->bad_requests, ev_now(ctl->loop))) {
		ctl->suppressed++;
		control_error_write(&ctl->answer, why);
		return;
	}
	log_warnx("control: refused from %s (uid %u, pid %d): %s",
	    c->who.user, (unsigned)c->who.uid, (int)c->who.pid, why);
	ctl->ops.denied(ctl->ops.ctx, &c->who, command, right, why,
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
		ctl->ops.denied(ctl->ops.ctx, &c->who, req->name,
		    control_right_name(right), why, 0, &ctl->answer);
}

/* {"ok":true,"user":...,"rights":[...]}: what who may do. */
static void
conn_rights_answer(struct json *out, const char *user, unsigned mask)
{
	enum control_right right;

	json_object_begin(out);
	json_kv_bool(out, "ok", 1);
	json_kv_string(out, "user", user);
	json_key(out, "rights");
	json_array_begin(out);
	for (right = CONTROL_RIGHT_VIEW; right < CONTROL_RIGHTS; right++)
		if (mask & (1u << right))
			json_string(out, control_right_name(right));
	json_array_end(out);
	json_object_end(out);
}

/*
 * Who the request acts for: the peer, or with "as" the person the
 * console names, and the rights that one holds under the groups in force
 * now (a reload may have changed them since the caller connected). -1
 * when "as" comes from anyone but the console: refused.
 */
static int
conn_acting(struct control_conn *c, const struct control_request *req,
    struct ops_caller *who, unsigned *rights)
{
	struct control *ctl = c->ctl;

	*who = c->who;
	if (!req->has_as) {
		*rights = conn_rights(c);
		return 0;
	}
	if (!conn_is_console(c))
		return -1;
	snprintf(who->user, sizeof who->user, "%s", req->as.user);
	who->via = "console";
	*rights = control_rights_of_names(&ctl->rights, req->as.groups,
	    req->as.n_groups);
	return 0;
}

static void
conn_subscribe(struct control_conn *c, struct json *out)
{
	struct control *ctl = c->ctl;

	c->subscribed = 1;
	ctl->n_subscribed++;
	ev_timer_stop(ctl->loop, &c->idle);
	json_object_begin(out);
	json_kv_bool(out, "ok", 1);
	json_object_end(out);
	ctl->ops.subscribed(ctl->ops.ctx);
}

/* OPS_PENDING when the answer waits for the takeover to be durable. */
static int
conn_dispatch(struct control_conn *c, const struct control_request *req)
{
	const struct ops_handlers *ops = &c->ctl->ops;
	struct json *out = &c->ctl->answer;
	enum control_right right = control_command_right(req->command);
	struct ops_caller who;
	unsigned rights;

	log_debug("control: %s from %s (uid %u, pid %d)", req->name,
	    c->who.user, (unsigned)c->who.uid, (int)c->who.pid);
	if (conn_acting(c, req, &who, &rights) == -1) {
		conn_refuse(c, req->name, "console", "\"as\" is for "
		    "warden-console only: the user control.console_user "
		    "names");
		return 0;
	}
	if (req->command == CONTROL_RIGHTS_OF) {
		conn_rights_answer(out, who.user, rights);
		return 0;
	}
	if (req->command == CONTROL_LOGIN ||
	    req->command == CONTROL_LOGIN_FAILED) {
		if (!req->has_as)
			conn_refuse(c, req->name, "console", "login and "
			    "login_failed are warden-console's, with \"as\"");
		else
			ops->login(ops->ctx, &who, req->command ==
			    CONTROL_LOGIN, req->reason, out);
		return 0;
	}
	if (!(rights & (1u << right))) {
		if (req->has_as) {
			char why[ERR_LEN];

			control_rights_explain(&c->ctl->rights, right,
			    who.user, CONTROL_UID_NONE, why, sizeof why);
			ops->denied(ops->ctx, &who, req->name,
			    control_right_name(right), why, 0, out);
		} else
			conn_deny(c, req, right);
		return 0;
	}
	switch (req->command) {
	case CONTROL_STATUS:
		ops->status(ops->ctx, &who, out);
		break;
	case CONTROL_TAKEOVER:
		return ops->takeover(ops->ctx, &who, req->reason, out);
	case CONTROL_RELEASE:
		ops->release(ops->ctx, &who, req->reason, out);
		break;
	case CONTROL_RELOAD:
		ops->reload(ops->ctx, &who, out);
		break;
	case CONTROL_ALARMS:
	case CONTROL_ACK:
	case CONTROL_SHELVE:
	case CONTROL_UNSHELVE:
	case CONTROL_BYPASS:
	case CONTROL_UNBYPASS:
		ops->alarm(ops->ctx, &who, req, out);
		break;
	case CONTROL_SUBSCRIBE:
		conn_subscribe(c, out);
		break;
	case CONTROL_LEARN:
		ops->learn(ops->ctx, &who, req->margin, out);
		break;
	case CONTROL_ROLE:
		ops->role(ops->ctx, &who, req->role, out);
		break;
	case CONTROL_HEALTH:
		ops->health(ops->ctx, &who, out);
		break;
	case CONTROL_RIGHTS_OF:
	case CONTROL_LOGIN:
	case CONTROL_LOGIN_FAILED:
	case CONTROL_NONE:
		control_error_write(out, "request not understood");
		break;
	}
	return 0;
}

static void
conn_close(struct control_conn *c, const char *reason)
{
	stream_close(c->s, reason);
}

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
	if (json_failed(out) || stream_write(c->s, out->data, out->len) ==
	    -1 || stream_write(c->s, "\n", 1) == -1)
		conn_close(c, "out of memory");
}

/* No more requests: closed once the answers are out (conn_drained). */
static void
conn_drain(struct control_conn *c)
{
	c->draining = 1;
	stream_read_stop(c->s);
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
		stream_read_stop(c->s);
		return;
	}
	conn_answer(c);
	/* One answer is all a caller without rights gets. */
	if (c->rightless && !stream_closed(c->s))
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
	struct buf *in = stream_in(c->s);
	const uint8_t *head, *nl;
	size_t len;

	if (c->subscribed) {
		buf_clear(in);
		return;
	}
	while (!stream_closed(c->s) && !c->draining && !c->awaiting_durable) {
		head = buf_head(in);
		len = buf_len(in);
		/* Judged when another request comes: one answer may be
		 * longer (learn's proposal). */
		if (stream_pending(c->s) > CONTROL_OUT_MAX && len > 0) {
			conn_close(c, "answers not read (over 64 KiB pending)");
			return;
		}
		if ((nl = memchr(head, '\n', len)) == NULL) {
			if (len > CONTROL_LINE_MAX) {
				char why[ERR_LEN];

				errmsg_set(why, "request longer "
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
		buf_consume(in, len + 1);
	}
}

/* The peer is done: its last line may lack a newline; close once the
 * answers are out. Waits while a takeover's answer does. */
static void
conn_eof(struct control_conn *c)
{
	struct buf *in = stream_in(c->s);

	if (stream_closed(c->s) || c->draining || c->awaiting_durable)
		return;
	if (!is_blank(buf_head(in), buf_len(in)))
		conn_handle(c, (const char *)buf_head(in), buf_len(in));
	buf_clear(in);
	if (!stream_closed(c->s) && !c->awaiting_durable)
		conn_drain(c);
}

static void
conn_data_cb(void *ctx)
{
	struct control_conn *c = ctx;

	conn_process(c);
	stream_flush(c->s);
}

static void
conn_eof_cb(void *ctx)
{
	struct control_conn *c = ctx;

	c->eof = 1;
	conn_eof(c);
	stream_flush(c->s);
}

static void
conn_drained_cb(void *ctx)
{
	struct control_conn *c = ctx;

	if (c->draining)
		conn_close(c, "done");
}

static void
conn_closed_cb(void *ctx, const char *reason)
{
	struct control_conn *c = ctx;
	struct control *ctl = c->ctl;

	(void)reason;
	ev_timer_stop(ctl->loop, &c->idle);
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		ctl->conns = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	ctl->n_conns--;
	if (c->rightless)
		ctl->n_rightless--;
	if (c->subscribed)
		ctl->n_subscribed--;
}

static void
conn_free(struct control_conn *c)
{
	free(c->groups);
	free(c);
}

static void
conn_release_cb(void *ctx)
{
	conn_free(ctx);
}

static const struct stream_events conn_events = {
	.data = conn_data_cb,
	.eof = conn_eof_cb,
	.drained = conn_drained_cb,
	.closed = conn_closed_cb,
	.release = conn_release_cb,
};

/* Without traffic either way for CONTROL_IDLE_TIMEOUT: closed. */
static void
conn_idle_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
	struct control_conn *c = t->data;
	ev_tstamp due = stream_last_io(c->s) + CONTROL_IDLE_TIMEOUT;

	(void)revents;
	if (ev_now(loop) < due) {
		ev_timer_set(t, due - ev_now(loop), 0.);
		ev_timer_start(loop, t);
		return;
	}
	conn_close(c, "idle for 30 s");
}

static void control_turn_away(struct control *ctl, int fd, const char *why);

static void
conn_open(struct control *ctl, int fd)
{
	struct ev_loop *loop = ctl->loop;
	char name[STREAM_NAME_MAX];
	struct stream_opts opts = {
		.name = name,
		.events = &conn_events,
		/* At most one line and its newline kept unanswered. */
		.in_max = CONTROL_LINE_MAX + 1,
		.priority = EV_MAXPRI,  /* before AI traffic (see above) */
	};
	struct control_conn *c;

	if ((c = calloc(1, sizeof *c)) == NULL) {
		log_warn("control: cannot take a connection");
		close(fd);
		return;
	}
	c->ctl = ctl;
	if (control_peer_identify(fd, &c->who, &c->groups, &c->n_groups) ==
	    -1) {
		log_warn("control: cannot identify the peer");
		conn_free(c);
		close(fd);
		return;
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
	}
	snprintf(name, sizeof name, "control: %s (uid %u, pid %d)",
	    c->who.user, (unsigned)c->who.uid, (int)c->who.pid);
	opts.ctx = c;
	if ((c->s = stream_accept(ctl->ss, fd, &opts)) == NULL) {
		log_warn("control: cannot take a connection");
		conn_free(c);
		return;
	}
	if (c->rightless)
		ctl->n_rightless++;
	ev_timer_init(&c->idle, conn_idle_cb, CONTROL_IDLE_TIMEOUT, 0.);
	c->idle.data = c;
	ev_timer_start(loop, &c->idle);
	c->next = ctl->conns;
	if (ctl->conns != NULL)
		ctl->conns->prev = c;
	ctl->conns = c;
	ctl->n_conns++;
	log_debug("control: %s (uid %u, pid %d) connected", c->who.user,
	    (unsigned)c->who.uid, (int)c->who.pid);
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
control_accept(void *ctx, int fd, const struct net_addr *peer)
{
	struct control *ctl = ctx;

	(void)peer;
	if (ctl->n_conns >= CONTROL_MAX_CONNS) {
		if (log_budget_allow(&ctl->bad_requests, ev_now(ctl->loop)))
			log_warnx("control: connection refused: %d already "
			    "open", CONTROL_MAX_CONNS);
		control_turn_away(ctl, fd, "too many control connections; "
		    "close an idle wardenctl watch and try again");
		return;
	}
	conn_open(ctl, fd);
}

/*
 * Is a daemon answering on path? A socket nobody listens on is the trace
 * of a crash: removed. Anything else at path is left alone.
 */
static int
control_probe(const struct sockaddr_un *sun, char err[ERR_LEN])
{
	const char *path = sun->sun_path;
	struct stat st;
	int fd, rc, saved;

	if (lstat(path, &st) == -1) {
		if (errno == ENOENT)
			return 0;
		errmsg_set(err, "control.socket %s: %s", path,
		    strerror(errno));
		return -1;
	}
	if (!S_ISSOCK(st.st_mode)) {
		errmsg_set(err, "control.socket %s exists and is "
		    "not a socket; remove it or set control.socket to another "
		    "path", path);
		return -1;
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1) {
		errmsg_set(err, "control socket: %s",
		    strerror(errno));
		return -1;
	}
	rc = connect(fd, (const struct sockaddr *)sun, sizeof *sun);
	saved = errno;
	close(fd);
	if (rc == 0 || saved == EAGAIN) {
		errmsg_set(err, "another wardend is running on %s; "
		    "stop it first, or give this one another control.socket",
		    path);
		return -1;
	}
	if (saved != ECONNREFUSED) {
		errmsg_set(err, "control.socket %s: cannot tell "
		    "whether a wardend is running on it: %s", path,
		    strerror(saved));
		return -1;
	}
	if (unlink(path) == -1 && errno != ENOENT) {
		errmsg_set(err, "cannot remove the stale control "
		    "socket %s: %s", path, strerror(errno));
		return -1;
	}
	log_info("removed the stale control socket %s", path);
	return 0;
}

/* The groups of the config in force, and the console's user. */
static void
control_set_groups(struct control *ctl, const struct config_control *cc)
{
	const struct control_group *g;
	enum control_right right;
	struct passwd *pw;

	ctl->has_console = 0;
	if (cc->console_user[0] != '\0') {
		if ((pw = getpwnam(cc->console_user)) != NULL) {
			ctl->has_console = 1;
			ctl->console_uid = pw->pw_uid;
		} else
			log_warnx("control.console_user: user %s does not "
			    "exist; warden-console cannot act for anyone "
			    "(create the user, then reload)",
			    cc->console_user);
	}

	control_rights_set(&ctl->rights, cc, control_peer_group);
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
control_takeover_durable(struct control *ctl, const char *err)
{
	struct control_conn *c, *next;

	if (ctl == NULL)
		return;
	for (c = ctl->conns; c != NULL; c = next) {
		next = c->next;
		if (!c->awaiting_durable)
			continue;
		c->awaiting_durable = 0;
		json_clear(&c->ctl->answer);
		ctl->ops.takeover_answer(ctl->ops.ctx, &ctl->answer, err);
		conn_answer(c);
		conn_process(c);
		if (c->eof)
			conn_eof(c);
		else if (!stream_closed(c->s) && !c->draining &&
		    !c->awaiting_durable)
			stream_read_start(c->s);
		stream_flush(c->s);
	}
}

void
control_reconfigure(struct control *ctl, const struct config_control *cc)
{
	if (ctl == NULL)
		return;
	control_set_groups(ctl, cc);
	control_keep_mode(ctl);
}

/* Bound, then CONTROL_SOCKET_MODE whatever the umask. */
static int
control_bind(const struct sockaddr_un *sun, char err[ERR_LEN])
{
	const char *path = sun->sun_path;
	int fd;

	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1) {
		errmsg_set(err, "control socket: %s",
		    strerror(errno));
		return -1;
	}
	if (bind(fd, (const struct sockaddr *)sun, sizeof *sun) == -1) {
		if (errno == EADDRINUSE)
			errmsg_set(err, "another wardend is running "
			    "on %s", path);
		else
			errmsg_set(err, "cannot create the control "
			    "socket %s: %s (does its directory exist, and may "
			    "wardend write there?)", path, strerror(errno));
		close(fd);
		return -1;
	}
	if (chmod(path, CONTROL_SOCKET_MODE) == -1 ||
	    listen(fd, CONTROL_BACKLOG) == -1) {
		errmsg_set(err, "control socket %s: %s", path,
		    strerror(errno));
		unlink(path);
		close(fd);
		return -1;
	}
	return fd;
}

struct control *
control_open(struct streams *ss, const char *path,
    const struct config_control *cc, const struct ops_handlers *ops,
    char err[ERR_LEN])
{
	struct sockaddr_un sun;
	struct control *ctl;
	struct stat st;
	int fd;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (path[0] == '\0' || strlen(path) >= sizeof sun.sun_path) {
		errmsg_set(err, "control.socket \"%s\" must be a "
		    "path of 1 to %zu bytes", path, sizeof sun.sun_path - 1);
		return NULL;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if (control_probe(&sun, err) == -1 ||
	    (fd = control_bind(&sun, err)) == -1)
		return NULL;
	if ((ctl = calloc(1, sizeof *ctl)) == NULL || stat(path, &st) == -1) {
		errmsg_set(err, "control socket %s: %s", path,
		    strerror(errno));
		free(ctl);
		unlink(path);
		close(fd);
		return NULL;
	}
	/* Its watcher first among equals, as the connections' (conn_open). */
	if ((ctl->acceptor = acceptor_open(streams_loop(ss), fd, "control",
	    EV_MAXPRI, control_accept, ctl)) == NULL) {
		errmsg_set(err, "control socket %s: out of memory",
		    path);
		free(ctl);
		unlink(path);
		return NULL;
	}
	ctl->loop = streams_loop(ss);
	ctl->ss = ss;
	ctl->ops = *ops;
	memcpy(ctl->path, sun.sun_path, sizeof ctl->path);
	control_set_groups(ctl, cc);
	ctl->dev = st.st_dev;
	ctl->ino = st.st_ino;
	json_init(&ctl->answer);
	log_info("control socket %s", path);
	return ctl;
}

unsigned
control_subscribers(const struct control *ctl)
{
	return ctl->n_subscribed;
}

void
control_push(struct control *ctl, const char *line, size_t len)
{
	struct control_conn *c, *next;

	for (c = ctl->conns; c != NULL; c = next) {
		next = c->next;
		if (!c->subscribed || stream_closed(c->s))
			continue;
		if (stream_pending(c->s) > CONTROL_PUSH_MAX) {
			conn_close(c, "pushes not read (over 1 MiB pending)");
			continue;
		}
		if (stream_write(c->s, line, len) == -1 ||
		    stream_write(c->s, "\n", 1) == -1)
			conn_close(c, "out of memory");
	}
}

void
control_close(struct control *ctl)
{
	struct stat st;

	if (ctl == NULL)
		return;
	/* Each is freed at the streams' next safe point. */
	while (ctl->conns != NULL)
		conn_close(ctl->conns, "wardend stopping");
	acceptor_close(ctl->acceptor);
	/* Only our own: a newer wardend may own the path by now. */
	if (lstat(ctl->path, &st) == 0 && st.st_dev == ctl->dev &&
	    st.st_ino == ctl->ino && unlink(ctl->path) == -1)
		log_warn("cannot remove the control socket %s", ctl->path);
	json_free(&ctl->answer);
	free(ctl);
}
