/*
 * sdnotify.c: see sdnotify.h. The protocol is systemd's documented one
 * (sd_notify(3), "NOTIFY_SOCKET"); nothing here needs libsystemd.
 */
#include "sdnotify.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SDNOTIFY_STATUS_MAX 256

static int
sdnotify_address(struct sdnotify *n, const char *name, char err[ERR_LEN])
{
	size_t len = strlen(name);

	if (name[0] != '/' && name[0] != '@') {
		errmsg_set(err, "NOTIFY_SOCKET \"%s\" is "
		    "neither a path nor an abstract name ('@...')", name);
		return -1;
	}
	if (len < 2 || len >= sizeof n->addr.sun_path) {
		errmsg_set(err, "NOTIFY_SOCKET is %zu bytes; "
		    "a unix socket name takes 2 to %zu", len,
		    sizeof n->addr.sun_path - 1);
		return -1;
	}
	memset(&n->addr, 0, sizeof n->addr);
	n->addr.sun_family = AF_UNIX;
	memcpy(n->addr.sun_path, name, len);
	/* An abstract name is the bytes after a NUL, without a terminator. */
	if (name[0] == '@')
		n->addr.sun_path[0] = '\0';
	n->addr_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len +
	    (name[0] == '/'));
	return 0;
}

/* Half the period systemd expects, so that one late tick is no miss. */
static double
sdnotify_watchdog_interval(void)
{
	const char *usec = getenv("WATCHDOG_USEC");
	const char *pid = getenv("WATCHDOG_PID");
	char *end;
	unsigned long long v;

	/* strtoull would take "-5" as a huge period. */
	if (usec == NULL || *usec == '\0' ||
	    strspn(usec, "0123456789") != strlen(usec))
		return 0;
	if (pid != NULL && *pid != '\0' &&
	    strtoll(pid, NULL, 10) != (long long)getpid())
		return 0;
	errno = 0;
	v = strtoull(usec, &end, 10);
	if (errno != 0 || *end != '\0' || v == 0)
		return 0;
	return (double)v / 1e6 / 2;
}

int
sdnotify_open(struct sdnotify *n, char err[ERR_LEN])
{
	const char *name = getenv("NOTIFY_SOCKET");

	memset(n, 0, sizeof *n);
	n->fd = -1;
	if (name == NULL || *name == '\0')
		return 0;
	if (sdnotify_address(n, name, err) == -1)
		return -1;
	n->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (n->fd == -1) {
		errmsg_set(err, "NOTIFY_SOCKET: socket: %s",
		    strerror(errno));
		return -1;
	}
	n->watchdog_interval = sdnotify_watchdog_interval();
	return 0;
}

void
sdnotify_close(struct sdnotify *n)
{
	if (n->loop != NULL)
		ev_timer_stop(n->loop, &n->watchdog);
	n->loop = NULL;
	if (n->fd != -1)
		close(n->fd);
	n->fd = -1;
}

int
sdnotify_send(const struct sdnotify *n, const char *message)
{
	ssize_t sent;

	if (n->fd == -1)
		return 0;
	sent = sendto(n->fd, message, strlen(message), MSG_NOSIGNAL,
	    (const struct sockaddr *)&n->addr, n->addr_len);
	return sent == -1 ? -1 : 0;
}

static void
sdnotify_watchdog_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
	(void)loop;
	(void)revents;
	sdnotify_send(t->data, "WATCHDOG=1");
}

/* "STATUS=" and status on one line, after prefix. */
static void
sdnotify_format_status(char *msg, size_t len, const char *prefix,
    const char *status)
{
	char *p;

	snprintf(msg, len, "%sSTATUS=%s", prefix, status);
	for (p = msg + strlen(prefix); *p != '\0'; p++)
		if (*p == '\n')
			*p = ' ';
}

int
sdnotify_ready(struct sdnotify *n, struct ev_loop *loop, const char *status)
{
	char msg[SDNOTIFY_STATUS_MAX + 32];

	if (n->fd == -1)
		return 0;
	if (n->watchdog_interval > 0 && n->loop == NULL) {
		ev_timer_init(&n->watchdog, sdnotify_watchdog_cb,
		    n->watchdog_interval, n->watchdog_interval);
		n->watchdog.data = n;
		n->loop = loop;
		ev_timer_start(loop, &n->watchdog);
	}
	/* A slow start-up must not have used up the first period. */
	sdnotify_format_status(msg, sizeof msg, n->loop != NULL ?
	    "READY=1\nWATCHDOG=1\n" : "READY=1\n", status);
	return sdnotify_send(n, msg);
}

int
sdnotify_status(const struct sdnotify *n, const char *status)
{
	char msg[SDNOTIFY_STATUS_MAX + 32];

	sdnotify_format_status(msg, sizeof msg, "", status);
	return sdnotify_send(n, msg);
}

int
sdnotify_stopping(struct sdnotify *n)
{
	if (n->loop != NULL)
		ev_timer_stop(n->loop, &n->watchdog);
	n->loop = NULL;
	return sdnotify_send(n, "STOPPING=1");
}
