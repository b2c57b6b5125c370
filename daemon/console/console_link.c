/*
 * console_link.c: line I/O on wardend's control socket with deadlines
 * (console_link.h).
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "console_link.h"

long long
link_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* 1 ready, 0 deadline passed, -2 stop_fd readable, -1 poll failed. */
static int
link_wait(struct link_conn *c, short events, long long deadline_ms)
{
	struct pollfd pfd[2] = {
		{ .fd = c->fd, .events = events },
		{ .fd = c->stop_fd, .events = POLLIN },
	};
	long long left;
	int n;

	for (;;) {
		left = deadline_ms < 0 ? -1 : deadline_ms - link_now_ms();
		if (deadline_ms >= 0 && left < 0)
			left = 0;
		n = poll(pfd, c->stop_fd >= 0 ? 2 : 1,
		    left > 60000 || left < 0 ? 60000 : (int)left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (c->stop_fd >= 0 && pfd[1].revents != 0)
			return -2;
		if (pfd[0].revents != 0)
			return 1;
		if (left == 0)
			return 0;
	}
}

int
link_open(struct link_conn *c, const char *path, int stop_fd,
    char err[ERR_LEN])
{
	struct sockaddr_un sun;

	memset(c, 0, sizeof *c);
	c->fd = -1;
	c->path = path;
	c->stop_fd = stop_fd;
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sun.sun_path) {
		errmsg_set(err, "control socket path %s is too long", path);
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if ((c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) == -1) {
		errmsg_set(err, "socket: %s", strerror(errno));
		return -1;
	}
	/* A unix socket connects at once or fails (EAGAIN: backlog full). */
	if (connect(c->fd, (struct sockaddr *)&sun, sizeof sun) == -1) {
		int e = errno;

		errmsg_set(err, "cannot reach wardend at %s: %s (%s)", path,
		    strerror(e), e == EACCES || e == EPERM ?
		    "the console's user must be able to search the socket's "
		    "directory" : "is wardend running, with control.socket "
		    "the path given to -s?");
		close(c->fd);
		c->fd = -1;
		return -1;
	}
	return 0;
}

int
link_send(struct link_conn *c, const char *data, size_t len,
    long long deadline_ms, char err[ERR_LEN])
{
	ssize_t n;
	int rc;

	while (len > 0) {
		n = send(c->fd, data, len, MSG_NOSIGNAL);
		if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
			if ((rc = link_wait(c, POLLOUT, deadline_ms)) != 1) {
				errmsg_set(err, "wardend at %s did not take "
				    "the request in time", c->path);
				return rc == -2 ? -2 : -1;
			}
			continue;
		}
		if (n < 0) {
			errmsg_set(err, "lost wardend at %s: %s", c->path,
			    strerror(errno));
			return -1;
		}
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Room for at least 4 KiB more, up to LINK_LINE_MAX + 1. */
static int
link_grow(struct link_conn *c)
{
	size_t cap;
	char *p;

	if (c->cap - c->len >= 4096)
		return 0;
	cap = c->cap ? c->cap * 2 : 65536;
	if (cap > LINK_LINE_MAX + 1)
		cap = LINK_LINE_MAX + 1;
	if (cap <= c->len + 1)
		return -1;
	if ((p = realloc(c->buf, cap)) == NULL)
		return -1;
	c->buf = p;
	c->cap = cap;
	return 0;
}

long
link_read_line(struct link_conn *c, long long deadline_ms,
    const char **line, char err[ERR_LEN])
{
	char *nl;
	ssize_t n;
	int rc;

	if (c->line_len > 0) {          /* drop the line handed out last */
		memmove(c->buf, c->buf + c->line_len,
		    c->len - c->line_len);
		c->len -= c->line_len;
		c->line_len = 0;
	}
	while ((nl = c->len ? memchr(c->buf, '\n', c->len) : NULL) == NULL) {
		if (link_grow(c) == -1) {
			errmsg_set(err, "wardend at %s sent a line longer "
			    "than %d bytes", c->path, LINK_LINE_MAX);
			return -1;
		}
		n = read(c->fd, c->buf + c->len, c->cap - c->len - 1);
		if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
			if ((rc = link_wait(c, POLLIN, deadline_ms)) == 1)
				continue;
			if (rc == -2)
				return -2;
			errmsg_set(err, "wardend at %s did not answer in "
			    "time", c->path);
			return -1;
		}
		if (n <= 0) {
			errmsg_set(err, "wardend at %s closed the "
			    "connection%s%s", c->path, n < 0 ? ": " : "",
			    n < 0 ? strerror(errno) : "");
			return -1;
		}
		c->len += (size_t)n;
	}
	*nl = '\0';
	c->line_len = (size_t)(nl - c->buf) + 1;
	*line = c->buf;
	return (long)(nl - c->buf);
}

void
link_close(struct link_conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	free(c->buf);
	c->buf = NULL;
	c->len = c->cap = c->line_len = 0;
}

int
link_command(const char *path, const char *request, size_t len,
    char **answer, char err[ERR_LEN])
{
	long long deadline = link_now_ms() + LINK_COMMAND_MS;
	struct link_conn c;
	const char *line;
	long n;
	int rc = -1;

	*answer = NULL;
	if (link_open(&c, path, -1, err) == -1)
		return -1;
	if (link_send(&c, request, len, deadline, err) != 0 ||
	    link_send(&c, "\n", 1, deadline, err) != 0)
		goto out;
	if ((n = link_read_line(&c, deadline, &line, err)) < 0)
		goto out;
	if ((*answer = malloc((size_t)n + 1)) == NULL) {
		errmsg_set(err, "out of memory");
		goto out;
	}
	memcpy(*answer, line, (size_t)n + 1);
	rc = 0;
out:
	link_close(&c);
	return rc;
}
