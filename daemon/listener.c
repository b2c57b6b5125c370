/*
 * listener.c: the sockets clients connect to, one per listen: entry
 * (listener.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "acceptor.h"
#include "client_internal.h"
#include "config.h"
#include "errmsg.h"
#include "listener.h"
#include "log.h"

#define LISTEN_BACKLOG 128

/* One open listen: entry; its acceptor's context. */
struct listener {
	struct clients *cs;
	size_t entry;                   /* index into cfg->listeners */
	struct acceptor *acceptor;
};

/* The entry's own allow_from, else the global one; none: any source. */
static int
listener_allowed(const struct config *cfg, const struct config_listener *l,
    const struct net_addr *peer)
{
	const struct config_net *nets = l->has_allow_from ? l->allow_from :
	    cfg->allow_from;
	size_t i, n = l->has_allow_from ? l->n_allow_from : cfg->n_allow_from;
	const uint8_t *addr;
	int family = peer->sa.ss_family;

	if (n == 0)
		return 1;
	if (family == AF_INET)
		addr = (const uint8_t *)
		    &((const struct sockaddr_in *)&peer->sa)->sin_addr;
	else
		addr = ((const struct sockaddr_in6 *)&peer->sa)->sin6_addr.s6_addr;
	for (i = 0; i < n; i++) {
		const struct config_net *net = &nets[i];
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
	struct listener *l = ctx;
	struct clients *cs = l->cs;
	const struct config_listener *entry = &cs->cfg->listeners[l->entry];
	char name[NET_ADDRSTR_LEN];

	net_addr_format(peer, name, sizeof name);
	if (!listener_allowed(cs->cfg, entry, peer)) {
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
	client_accept(cs, fd, peer, entry->role);
}

int
listener_check(const struct config *cfg, char err[ERR_LEN])
{
	size_t i;

	for (i = 0; i < cfg->n_listeners; i++)
		if (cfg->listeners[i].has_tls) {
			errmsg_set(err, "listen entry %zu (%s line %d): TLS "
			    "listeners (Modbus/TCP Security) are not wired "
			    "into this wardend yet; remove tls: or the entry",
			    i + 1, cfg->path, cfg->listeners[i].line);
			return -1;
		}
	return 0;
}

static int
listener_open_one(struct clients *cs, size_t i, char err[ERR_LEN])
{
	const struct config_listener *entry = &cs->cfg->listeners[i];
	struct listener *l = &cs->listeners[i];
	struct net_addr addr;
	int fd;

	if (net_resolve(entry->endpoint.host, entry->endpoint.port, &addr,
	    err) == -1)
		return -1;
	if ((fd = net_listen(&addr, LISTEN_BACKLOG, err)) == -1)
		return -1;
	l->cs = cs;
	l->entry = i;
	if ((l->acceptor = acceptor_open(cs->loop, fd, "listener", 0,
	    listener_accept, l)) == NULL) {
		errmsg_set(err, "listener: out of memory");
		return -1;
	}
	log_info("listening on %s:%u (role %s)", entry->endpoint.host,
	    acceptor_port(l->acceptor), cs->cfg->roles[entry->role].name);
	return 0;
}

int
listener_open(struct clients *cs, char err[ERR_LEN])
{
	size_t i, n = cs->cfg->n_listeners;

	if (listener_check(cs->cfg, err) == -1)
		return -1;
	if ((cs->listeners = calloc(n, sizeof *cs->listeners)) == NULL) {
		errmsg_set(err, "listener: out of memory");
		return -1;
	}
	cs->n_listeners = n;
	for (i = 0; i < n; i++)
		if (listener_open_one(cs, i, err) == -1) {
			listener_close(cs);
			return -1;
		}
	return 0;
}

void
listener_close(struct clients *cs)
{
	size_t i;

	for (i = 0; i < cs->n_listeners; i++)
		acceptor_close(cs->listeners[i].acceptor);
	free(cs->listeners);
	cs->listeners = NULL;
	cs->n_listeners = 0;
}

int
listener_is_open(const struct clients *cs)
{
	return cs->listeners != NULL;
}
