/*
 * simsys.c: clocks, signals and sockets, the plumbing plcsim and aisim share.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "simsys.h"

#define LISTEN_BACKLOG 128

static double
clock_seconds(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double
simsys_monotonic(void)
{
	return clock_seconds(CLOCK_MONOTONIC);
}

double
simsys_wallclock(void)
{
	return clock_seconds(CLOCK_REALTIME);
}

int
simsys_signalfd(void)
{
	sigset_t mask;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) == -1)
		return -1;
	return signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
}

int
simsys_signalled(int signal_fd)
{
	struct signalfd_siginfo info;

	return read(signal_fd, &info, sizeof(info)) == (ssize_t)sizeof(info);
}

static void
format_address(const struct sockaddr *sa, char *buf, size_t size)
{
	char ip[INET6_ADDRSTRLEN] = "?";
	unsigned port = 0;

	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;

		inet_ntop(AF_INET, &in->sin_addr, ip, sizeof(ip));
		port = ntohs(in->sin_port);
		snprintf(buf, size, "%s:%u", ip, port);
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;

		inet_ntop(AF_INET6, &in6->sin6_addr, ip, sizeof(ip));
		port = ntohs(in6->sin6_port);
		snprintf(buf, size, "[%s]:%u", ip, port);
	} else {
		snprintf(buf, size, "?:0");
	}
}

void
simsys_sockname(int fd, int local, char *buf, size_t size)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int rc;

	memset(&ss, 0, sizeof(ss));
	rc = local ? getsockname(fd, (struct sockaddr *)&ss, &len) :
	    getpeername(fd, (struct sockaddr *)&ss, &len);
	if (rc == -1)
		snprintf(buf, size, "?:0");
	else
		format_address((const struct sockaddr *)&ss, buf, size);
}

static int
listen_on(const struct addrinfo *ai, char *err, size_t err_size)
{
	int fd, one = 1;

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, ai->ai_protocol);
	if (fd == -1) {
		snprintf(err, err_size, "socket: %s", strerror(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) == -1 ||
	    listen(fd, LISTEN_BACKLOG) == -1) {
		snprintf(err, err_size, "%s (is another program on that "
		    "port?)", strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int
simsys_listen(const char *host, const char *port, char *bound,
    size_t bound_size, char *err, size_t err_size)
{
	struct addrinfo hints, *list, *ai;
	int rc, fd = -1;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	rc = getaddrinfo(*host ? host : NULL, port, &hints, &list);
	if (rc != 0) {
		snprintf(err, err_size, "cannot resolve '%s': %s", host,
		    gai_strerror(rc));
		return -1;
	}
	for (ai = list; ai != NULL && fd == -1; ai = ai->ai_next)
		fd = listen_on(ai, err, err_size);
	freeaddrinfo(list);
	if (fd != -1)
		simsys_sockname(fd, 1, bound, bound_size);
	return fd;
}
