/*
 * acceptor.h: a listening socket in the loop, for every endpoint that
 * takes connections (the AI's listener.c, control.c, metrics_http.c).
 * It accepts all that wait each time the socket is readable and hands
 * each descriptor (non-blocking, close-on-exec) to the endpoint, which
 * turns it away or makes a stream of it (stream.h). Out of descriptors
 * (EMFILE, ENFILE), it stops accepting for ACCEPTOR_RETRY seconds
 * instead of spinning on a socket that stays readable, and says so once
 * per pause.
 */
#ifndef WARDEN_ACCEPTOR_H
#define WARDEN_ACCEPTOR_H

#include <ev.h>

#include "net.h"

#define ACCEPTOR_RETRY 1.0

struct acceptor;

/* One connection: fd is the endpoint's from now on; peer is its address
 * (for a unix socket, of no use). */
typedef void acceptor_fn(void *ctx, int fd, const struct net_addr *peer);

/*
 * Accept on the listening socket fd (non-blocking), at this libev
 * priority; name prefixes the log lines ("control"). The acceptor owns
 * fd from now on, even when it returns NULL (out of memory).
 */
struct acceptor *acceptor_open(struct ev_loop *loop, int fd,
    const char *name, int priority, acceptor_fn *fn, void *ctx);
/* Stop, close the socket, free; NULL does nothing. */
void acceptor_close(struct acceptor *a);
/* The port it listens on (TCP). */
uint16_t acceptor_port(const struct acceptor *a);

#endif
