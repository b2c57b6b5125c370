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
};

/* client.c: a connection a listener took, its clients of this role
 * (index into cfg->roles): served from now on (fd is ours, even when
 * out of memory). */
void client_accept(struct clients *cs, int fd, const struct net_addr *peer,
    unsigned role);

#endif
