/*
 * client_internal.h: the AI endpoint's own state, shared by client.c
 * (the connections) and listener.c (the socket that takes them) and by
 * no other file. Everything else holds a struct clients * and goes
 * through client.h and listener.h.
 */
#ifndef WARDEN_CLIENT_INTERNAL_H
#define WARDEN_CLIENT_INTERNAL_H

#include <ev.h>

#include "client.h"

struct listener;
struct tls_server;

struct clients {
	struct ev_loop *loop;
	struct streams *ss;
	const struct config *cfg;       /* in force: clients_set_config() */
	struct counters *counters;
	struct metrics *metrics;
	struct log_budget *abuse_log;   /* what hostile peers can provoke */
	struct client_events events;    /* the layer above's (the gate) */
	struct client *open;            /* the open connections */
	unsigned n_open;
	struct listener *listeners;     /* one per listen: entry; NULL: not
					 * listening */
	size_t n_listeners;
	/* Each listen: entry's TLS context (NULL: plain), made by
	 * listener_prepare() and kept while the sockets close and open
	 * (an isolation): one per entry of cfg, or NULL. */
	struct tls_server **tls;
	size_t n_tls;
	int ai_isolated;                /* isolate: all in TAKEOVER */
};

/* client.c: a connection the listener named listener ("host:port") took
 * for its entry (index into cfg->listeners), through tls (NULL: a plain
 * one): served from now on (fd is ours, even when out of memory). */
void client_accept(struct clients *cs, int fd, const struct net_addr *peer,
    size_t entry, const char *listener, struct tls_server *tls);

/* client.c: close the open clients of role. */
void clients_close_role(struct clients *cs, unsigned role,
    const char *reason);
/* client.c: at max_clients, close the oldest client still in its TLS
 * handshake to make room (a flood of handshakes must not lock out the
 * clients that authenticate): 0, or -1 when none is. */
int clients_evict_handshake(struct clients *cs);

#endif
