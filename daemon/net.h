/*
 * net.h: socket helpers that know nothing of Modbus or of the daemon, in
 * the manner of redis' anet.c. Errors go into the caller's err
 * (errmsg.h).
 */
#ifndef WARDEN_NET_H
#define WARDEN_NET_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "errmsg.h"

#define NET_ADDRSTR_LEN 64      /* "[v6addr]:port" */

struct net_addr {
	struct sockaddr_storage sa;
	socklen_t len;
};

/* Resolve host:port (numeric or a name; blocking, so only at load time). */
int net_resolve(const char *host, uint16_t port, struct net_addr *out,
    char err[ERR_LEN]);
/* A non-blocking listening TCP socket, SO_REUSEADDR, close-on-exec. */
int net_listen(const struct net_addr *addr, int backlog,
    char err[ERR_LEN]);
/* A non-blocking TCP socket with a connect in progress (or done). */
int net_connect(const struct net_addr *addr, char err[ERR_LEN]);
/* The pending error of a non-blocking connect: 0 when connected. */
int net_connect_result(int fd);
/* accept4 with SOCK_NONBLOCK|SOCK_CLOEXEC (and TCP_NODELAY on TCP); -1
 * with errno on failure. */
int net_accept(int listen_fd, struct net_addr *peer);
int net_set_nodelay(int fd);
/* "1.2.3.4:502" or "[::1]:502". */
void net_addr_format(const struct net_addr *addr, char *buf, size_t len);
/* The port a socket is bound to (for listeners on port 0). */
uint16_t net_local_port(int fd);

#endif
