/*
 * simsys.h: clocks, signals and sockets, the plumbing plcsim and aisim share.
 */
#ifndef SIMSYS_H
#define SIMSYS_H

#include <stddef.h>

/* Seconds on a clock that never jumps, for stepping models and timing. */
double simsys_monotonic(void);
/* Unix time in seconds, for records a person or a test correlates. */
double simsys_wallclock(void);

/*
 * Blocks SIGINT and SIGTERM into a non-blocking signalfd the caller polls,
 * and ignores SIGPIPE. Returns the fd, or -1 with errno set.
 */
int simsys_signalfd(void);
/* 1 when a SIGINT or SIGTERM is pending on the signalfd, else 0. */
int simsys_signalled(int signal_fd);

/*
 * A non-blocking listening TCP socket on host:port (an empty host: every
 * address). The address actually bound (port 0 picks a free one) goes into
 * bound as "ip:port". Returns the fd, or -1 with the reason in err.
 */
int simsys_listen(const char *host, const char *port, char *bound,
    size_t bound_size, char *err, size_t err_size);
/* "ip:port" of a socket's peer (or of the socket itself, local != 0). */
void simsys_sockname(int fd, int local, char *buf, size_t size);

#endif
