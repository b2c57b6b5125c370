/*
 * sdnotify.h: the systemd notification protocol (sd_notify(3)) without
 * libsystemd: datagrams of "KEY=value" lines sent to the unix socket named
 * by $NOTIFY_SOCKET (a path, or an abstract name written with a leading
 * '@'). When the variable is unset, every call does nothing, so wardend
 * runs the same outside systemd.
 *
 * The watchdog is fed from a libev timer at half of $WATCHDOG_USEC: a
 * loop that stops turning stops feeding it, and systemd restarts the
 * daemon. Sends never block the loop; a message the socket cannot take
 * now is dropped (the next watchdog tick comes soon enough).
 */
#ifndef WARDEN_SDNOTIFY_H
#define WARDEN_SDNOTIFY_H

#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <ev.h>

#include "errmsg.h"

struct sdnotify {
	int fd;                         /* -1: not under systemd */
	struct sockaddr_un addr;
	socklen_t addr_len;
	double watchdog_interval;       /* seconds between feeds; 0: off */
	ev_timer watchdog;
	struct ev_loop *loop;           /* while the watchdog runs */
};

/*
 * Read $NOTIFY_SOCKET, $WATCHDOG_USEC and $WATCHDOG_PID (the watchdog is
 * ours only when WATCHDOG_PID is unset or our pid: call this after any
 * fork). Returns 0, with n->fd -1 when NOTIFY_SOCKET is unset, or -1 with
 * err when it is set and unusable; n is then inert.
 */
int sdnotify_open(struct sdnotify *n, char err[ERR_LEN]);
/* Stop the watchdog and close the socket. */
void sdnotify_close(struct sdnotify *n);
/*
 * Send one message ("READY=1\nSTATUS=running"). Returns 0 (also when not
 * under systemd), or -1 with errno.
 */
int sdnotify_send(const struct sdnotify *n, const char *message);
/* READY=1 and STATUS=status (with WATCHDOG=1 when the watchdog is on),
 * then feed the watchdog from loop. */
int sdnotify_ready(struct sdnotify *n, struct ev_loop *loop,
    const char *status);
/* STATUS=status; a newline in it would end the field, so it is a space. */
int sdnotify_status(const struct sdnotify *n, const char *status);
/* STOPPING=1, and the watchdog stops: shutdown may take its time. */
int sdnotify_stopping(struct sdnotify *n);

#endif
