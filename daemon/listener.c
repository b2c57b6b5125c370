/*
 * listener.c: the socket the AI connects to (listener.h).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "acceptor.h"
#include "client_internal.h"
#include "config.h"
#include "errmsg.h"
#include "listener.h"
#include "log.h"

#define LISTEN_BACKLOG 128

static int
listener_allowed(const struct config *cfg, const struct net_addr *peer)
{
	const uint8_t *addr;
	int family = peer->sa.ss_family;
	size_t i;

	if (cfg->n_allow_from == 0)
		return 1;
	if (family == AF_INET)
		addr = (const uint8_t *)
		    &((const struct sockaddr_in *)&peer->sa)->sin_addr;
	else
		addr = ((const struct sockaddr_in6 *)&peer->sa)->sin6_addr.s6_addr;
	for (i = 0; i < cfg->n_allow_from; i++) {
		const struct config_net *net = &cfg->allow_from[i];
		unsigned full = net->prefix / 8, rest = net->prefix % 8;

		if (net->family != family)
			continue;
		if (memcmp(addr, net->addr, full) != 0)
			continue;
		if (rest != 0) {
			uint8_t mask = (uint8_t)(0xff << (8 - rest));

			if ((addr[full] & mask) != (net->addr[full] & mask))
				continue;
		}
		return 1;
	}
	return 0;
}

static void
listener_accept(void *ctx, int fd, const struct net_addr *peer)
{
	struct clients *cs = ctx;
	char name[NET_ADDRSTR_LEN];

	net_addr_format(peer, name, sizeof name);
	if (!listener_allowed(cs->cfg, peer)) {
		if (log_budget_allow(cs->abuse_log, ev_now(cs->loop)))
			log_warnx("client %s refused: not in allow_from", name);
		counters_client_refused(cs->counters);
		close(fd);
		return;
	}
	if (clients_count(cs) >= cs->cfg->limits.max_clients) {
		if (log_budget_allow(cs->abuse_log, ev_now(cs->loop)))
			log_warnx("client %s refused: max_clients %u reached",
			    name, cs->cfg->limits.max_clients);
		counters_client_refused(cs->counters);
		close(fd);
		return;
	}
	client_accept(cs, fd, peer);
}

int
listener_open(struct clients *cs, char err[ERR_LEN])
{
	struct net_addr addr;
	int fd;

	if (net_resolve(cs->cfg->listen.host, cs->cfg->listen.port, &addr,
	    err) == -1)
		return -1;
	if ((fd = net_listen(&addr, LISTEN_BACKLOG, err)) == -1)
		return -1;
	if ((cs->listener = acceptor_open(cs->loop, fd, "listener", 0,
	    listener_accept, cs)) == NULL) {
		errmsg_set(err, "listener: out of memory");
		return -1;
	}
	log_info("listening on %s:%u", cs->cfg->listen.host,
	    acceptor_port(cs->listener));
	return 0;
}

void
listener_close(struct clients *cs)
{
	acceptor_close(cs->listener);
	cs->listener = NULL;
}

int
listener_is_open(const struct clients *cs)
{
	return cs->listener != NULL;
}
