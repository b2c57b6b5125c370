#include "net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int
net_resolve(const char *host, uint16_t port, struct net_addr *out,
    char err[ERR_LEN])
{
	struct addrinfo hints, *res;
	char service[8];
	int rc;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	snprintf(service, sizeof service, "%u", port);
	if ((rc = getaddrinfo(host, service, &hints, &res)) != 0) {
		errmsg_set(err, "cannot resolve %s: %s", host,
		    gai_strerror(rc));
		return -1;
	}
	memcpy(&out->sa, res->ai_addr, res->ai_addrlen);
	out->len = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

int
net_listen(const struct net_addr *addr, int backlog, char err[ERR_LEN])
{
	int fd, one = 1;
	char name[NET_ADDRSTR_LEN];

	net_addr_format(addr, name, sizeof name);
	fd = socket(addr->sa.ss_family,
	    SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1) {
		errmsg_set(err, "socket: %s", strerror(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(fd, (const struct sockaddr *)&addr->sa, addr->len) == -1 ||
	    listen(fd, backlog) == -1) {
		errmsg_set(err, "cannot listen on %s: %s", name,
		    strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int
net_connect(const struct net_addr *addr, char err[ERR_LEN])
{
	int fd;

	fd = socket(addr->sa.ss_family,
	    SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1) {
		errmsg_set(err, "socket: %s", strerror(errno));
		return -1;
	}
	net_set_nodelay(fd);
	if (connect(fd, (const struct sockaddr *)&addr->sa, addr->len) == -1 &&
	    errno != EINPROGRESS) {
		errmsg_set(err, "connect: %s", strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int
net_connect_result(int fd)
{
	int soerr = 0;
	socklen_t len = sizeof soerr;

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) == -1)
		return errno;
	return soerr;
}

int
net_accept(int listen_fd, struct net_addr *peer)
{
	int fd;

	peer->len = sizeof peer->sa;
	fd = accept4(listen_fd, (struct sockaddr *)&peer->sa, &peer->len,
	    SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd != -1 && (peer->sa.ss_family == AF_INET ||
	    peer->sa.ss_family == AF_INET6))
		net_set_nodelay(fd);
	return fd;
}

int
net_set_nodelay(int fd)
{
	int one = 1;

	return setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

void
net_addr_format(const struct net_addr *addr, char *buf, size_t len)
{
	char host[INET6_ADDRSTRLEN];

	if (addr->sa.ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 =
		    (const struct sockaddr_in6 *)&addr->sa;

		inet_ntop(AF_INET6, &s6->sin6_addr, host, sizeof host);
		snprintf(buf, len, "[%s]:%u", host, ntohs(s6->sin6_port));
	} else if (addr->sa.ss_family == AF_INET) {
		const struct sockaddr_in *s4 =
		    (const struct sockaddr_in *)&addr->sa;

		inet_ntop(AF_INET, &s4->sin_addr, host, sizeof host);
		snprintf(buf, len, "%s:%u", host, ntohs(s4->sin_port));
	} else
		snprintf(buf, len, "?");
}

uint16_t
net_local_port(int fd)
{
	struct sockaddr_storage sa;
	socklen_t len = sizeof sa;

	if (getsockname(fd, (struct sockaddr *)&sa, &len) == -1)
		return 0;
	if (sa.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&sa)->sin6_port);
	return ntohs(((struct sockaddr_in *)&sa)->sin_port);
}
