/*
 * ctl_link.c: wardenctl's connection to wardend (ctl_link.h). Non-blocking
 * socket, poll() with a deadline, and an error that tells the operator
 * what to check when wardend cannot be reached.
 */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "ctl_link.h"

#define DEFAULT_CONFIG "/etc/warden/warden.yaml"
#define CTL_ANSWER_MAX (16 * 1024 * 1024)

static int
link_timeout(const struct ctl_link *l)
{
	return l->timeout_ms > 0 ? l->timeout_ms : CTL_TIMEOUT_MS;
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Wait until fd is ready for events, the deadline passes (0) or, with a
 * signal descriptor, a signal arrives (-2). Returns 1 when ready.
 */
static int
link_wait(struct ctl_link *l, int fd, short events, int64_t deadline)
{
	struct pollfd pfd[2] = {
		{ .fd = fd, .events = events },
		{ .fd = l->sigfd, .events = POLLIN },
	};
	int64_t left;
	int n;

	for (;;) {
		if ((left = deadline - now_ms()) < 0)
			left = 0;
		n = poll(pfd, l->sigfd >= 0 ? 2 : 1, (int)left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (l->sigfd >= 0 && pfd[1].revents != 0)
			return -2;
		if (fd >= 0 && pfd[0].revents != 0)
			return 1;
		if (left == 0)
			return 0;
	}
}

/* what: what wardend did not do, for the message; NULL when err says
 * already. */
static enum ctl_link_status
link_fail(struct ctl_link *l, int wait_rc, const char *what,
    char err[ERR_LEN])
{
	if (wait_rc == -2)
		return CTL_LINK_SIGNALLED;
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
	if (wait_rc == 0)
		errmsg_set(err, "wardend at %s did not %s "
		    "within %g s", l->path, what, link_timeout(l) / 1000.);
	else if (what != NULL)
		errmsg_set(err, "lost the connection to "
		    "wardend at %s: %s", l->path, strerror(errno));
	return CTL_LINK_UNREACHABLE;
}

static void
link_explain(const struct ctl_link *l, int error, char err[ERR_LEN])
{
	const char *hint;

	switch (error) {
	case ENOENT:
	case ECONNREFUSED:
		hint = "is wardend running? Start it with: wardend -c "
		    DEFAULT_CONFIG "; or point -s or WARDEN_SOCKET at its "
		    "control.socket";
		break;
	case EACCES:
	case EPERM:
		hint = "wardend makes the socket open to all (mode 0666), so "
		    "its directory keeps you out: the directory must be "
		    "searchable by you (x), see wardenctl(8), RIGHTS";
		break;
	default:
		hint = "is wardend running?";
	}
	errmsg_set(err, "cannot reach wardend at %s: %s; %s",
	    l->path, strerror(error), hint);
}

/* Connect, a full backlog waited out until deadline. */
static enum ctl_link_status
link_connect_by(struct ctl_link *l, int64_t deadline, char err[ERR_LEN])
{
	struct sockaddr_un sun;
	int rc;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (strlen(l->path) >= sizeof sun.sun_path) {
		errmsg_set(err, "socket path %s is too long "
		    "(at most %zu bytes)", l->path, sizeof sun.sun_path - 1);
		return CTL_LINK_UNREACHABLE;
	}
	memcpy(sun.sun_path, l->path, strlen(l->path) + 1);
	l->len = 0;
	if ((l->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) == -1) {
		link_explain(l, errno, err);
		return CTL_LINK_UNREACHABLE;
	}
	while (connect(l->fd, (struct sockaddr *)&sun, sizeof sun) == -1) {
		if (errno == EINTR)
			continue;
		/* A full backlog: wardend is busy, try again shortly. */
		if (errno == EAGAIN && now_ms() < deadline) {
			int64_t soon = now_ms() + 50 < deadline ?
			    now_ms() + 50 : deadline;

			if ((rc = link_wait(l, -1, 0, soon)) == -2)
				return CTL_LINK_SIGNALLED;
			continue;
		}
		if (errno == EAGAIN)
			return link_fail(l, 0, "accept the connection", err);
		link_explain(l, errno, err);
		close(l->fd);
		l->fd = -1;
		return CTL_LINK_UNREACHABLE;
	}
	return CTL_LINK_OK;
}

enum ctl_link_status
ctl_link_connect(struct ctl_link *l, char err[ERR_LEN])
{
	return link_connect_by(l, now_ms() + link_timeout(l), err);
}

static enum ctl_link_status
link_send(struct ctl_link *l, const char *data, size_t len,
    int64_t deadline, char err[ERR_LEN])
{
	ssize_t n;
	int rc;

	while (len > 0) {
		n = send(l->fd, data, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EAGAIN) {
			if ((rc = link_wait(l, l->fd, POLLOUT, deadline)) != 1)
				return link_fail(l, rc, "take the request",
				    err);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			return link_fail(l, -1, "send", err);
		}
		data += n;
		len -= (size_t)n;
	}
	return CTL_LINK_OK;
}

/* Read until a whole line is in l->buf; *line_len excludes its newline. */
static enum ctl_link_status
link_read_line(struct ctl_link *l, size_t *line_len, int64_t deadline,
    char err[ERR_LEN])
{
	char *nl, *p;
	ssize_t n;
	int rc;

	while ((nl = l->len ? memchr(l->buf, '\n', l->len) : NULL) == NULL) {
		if (l->len == CTL_ANSWER_MAX) {
			errmsg_set(err, "wardend at %s sent an "
			    "answer longer than %d bytes", l->path,
			    CTL_ANSWER_MAX);
			return link_fail(l, -1, NULL, err);
		}
		if (l->cap - l->len < 4096) {
			size_t cap = l->cap ? l->cap * 2 : 65536;

			if (cap > CTL_ANSWER_MAX)
				cap = CTL_ANSWER_MAX;
			if ((p = realloc(l->buf, cap)) == NULL) {
				errmsg_set(err, "out of memory");
				return link_fail(l, -1, NULL, err);
			}
			l->buf = p;
			l->cap = cap;
		}
		n = read(l->fd, l->buf + l->len, l->cap - l->len);
		if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
			if ((rc = link_wait(l, l->fd, POLLIN, deadline)) != 1)
				return link_fail(l, rc, "answer", err);
			continue;
		}
		if (n <= 0) {
			errmsg_set(err, "wardend at %s closed "
			    "the connection without answering%s%s", l->path,
			    n < 0 ? ": " : "", n < 0 ? strerror(errno) : "");
			return link_fail(l, -1, NULL, err);
		}
		l->len += (size_t)n;
	}
	*line_len = (size_t)(nl - l->buf);
	return CTL_LINK_OK;
}

enum ctl_link_status
ctl_link_exchange(struct ctl_link *l, enum control_command command,
    const char *reason, struct json_value *answer, size_t *line_len,
    char err[ERR_LEN])
{
	struct control_request req;

	memset(&req, 0, sizeof req);
	req.command = command;
	if (reason != NULL)
		snprintf(req.reason, sizeof req.reason, "%s", reason);
	return ctl_link_request(l, &req, answer, line_len, err);
}

enum ctl_link_status
ctl_link_request(struct ctl_link *l, const struct control_request *request,
    struct json_value *answer, size_t *line_len, char err[ERR_LEN])
{
	/* One bound for the whole exchange, the connection included. */
	int64_t deadline = now_ms() + link_timeout(l);
	enum ctl_link_status st;
	struct json req;
	const char *why;
	size_t at;

	if (l->fd < 0 && (st = link_connect_by(l, deadline, err)) !=
	    CTL_LINK_OK)
		return st;
	if (*line_len > 0) {            /* drop the previous answer */
		memmove(l->buf, l->buf + *line_len + 1, l->len - *line_len - 1);
		l->len -= *line_len + 1;
		*line_len = 0;
	}
	json_init(&req);
	control_request_write_full(&req, request);
	json_append(&req, "\n", 1);
	if (json_failed(&req)) {
		errmsg_set(err, "out of memory");
		json_free(&req);
		return CTL_LINK_UNREACHABLE;
	}
	st = link_send(l, req.data, req.len, deadline, err);
	json_free(&req);
	if (st != CTL_LINK_OK || (st = link_read_line(l, line_len, deadline,
	    err)) != CTL_LINK_OK)
		return st;
	if (json_parse(l->buf, *line_len, answer, &at, &why) == -1 ||
	    answer->type != JSON_OBJECT) {
		errmsg_set(err, "wardend at %s sent an answer "
		    "that is not a JSON object (byte %zu)", l->path, at);
		return link_fail(l, -1, NULL, err);
	}
	return CTL_LINK_OK;
}

int
ctl_link_pause(struct ctl_link *l, int ms)
{
	return link_wait(l, -1, 0, now_ms() + ms) == -2 ? -2 : 0;
}

void
ctl_link_close(struct ctl_link *l)
{
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
	free(l->buf);
	l->buf = NULL;
	l->len = l->cap = 0;
}