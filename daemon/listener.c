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
#include "tls.h"

#define LISTEN_BACKLOG 128

/* One open listen: entry; its acceptor's context. */
struct listener {
	struct clients *cs;
	size_t entry;                   /* index into cfg->listeners */
	struct acceptor *acceptor;
	char name[CONFIG_HOST_MAX + 8]; /* "host:port", as bound */
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
	struct tls_server *tls;
	char name[NET_ADDRSTR_LEN];

	net_addr_format(peer, name, sizeof name);
	if (!listener_allowed(cs->cfg, entry, peer)) {
		if (log_budget_allow(cs->abuse_log, ev_now(cs->loop)))
			log_warnx("client %s refused: not in allow_from", name);
		counters_client_refused(cs->counters);
		close(fd);
		return;
	}
	if (clients_count(cs) >= cs->cfg->limits.max_clients &&
	    clients_evict_handshake(cs) == -1) {
		if (log_budget_allow(cs->abuse_log, ev_now(cs->loop)))
			log_warnx("client %s refused: max_clients %u reached",
			    name, cs->cfg->limits.max_clients);
		counters_client_refused(cs->counters);
		close(fd);
		return;
	}
	tls = l->entry < cs->n_tls ? cs->tls[l->entry] : NULL;
	if (entry->has_tls && tls == NULL) {
		/* Never served in clear what was to be TLS. */
		counters_client_refused(cs->counters);
		close(fd);
		return;
	}
	client_accept(cs, fd, peer, l->entry, l->name, tls);
}

/* The TLS context of entry i; NULL with err naming the entry. */
static struct tls_server *
listener_tls_new(const struct config *cfg, size_t i, char err[ERR_LEN])
{
	struct tls_server *srv;
	char why[ERR_LEN];

	if ((srv = tls_server_new(&cfg->listeners[i].tls, NULL, why)) == NULL)
		errmsg_set(err, "%s:%d: listen entry %zu: %s", cfg->path,
		    cfg->listeners[i].line, i + 1, why);
	return srv;
}

int
listener_check(const struct config *cfg, char err[ERR_LEN])
{
	struct tls_server *srv;
	size_t i;

	for (i = 0; i < cfg->n_listeners; i++) {
		if (!cfg->listeners[i].has_tls)
			continue;
		if ((srv = listener_tls_new(cfg, i, err)) == NULL)
			return -1;
		tls_server_free(srv);
	}
	return 0;
}

static void
listener_tls_free(struct tls_server **tls, size_t n)
{
	size_t i;

	for (i = 0; tls != NULL && i < n; i++)
		tls_server_free(tls[i]);
	free(tls);
}

int
listener_prepare(struct clients *cs, char err[ERR_LEN])
{
	const struct config *cfg = cs->cfg;
	struct tls_server **fresh;
	size_t i, n = cfg->n_listeners;

	if ((fresh = calloc(n + 1, sizeof *fresh)) == NULL) {
		errmsg_set(err, "listener: out of memory");
		return -1;
	}
	for (i = 0; i < n; i++)
		if (cfg->listeners[i].has_tls &&
		    (fresh[i] = listener_tls_new(cfg, i, err)) == NULL) {
			listener_tls_free(fresh, n);
			/* The old contexts serve on only for the same
			 * entries. */
			if (cs->n_tls != n) {
				listener_tls_free(cs->tls, cs->n_tls);
				cs->tls = NULL;
				cs->n_tls = 0;
			}
			return -1;
		}
	listener_tls_free(cs->tls, cs->n_tls);
	cs->tls = fresh;
	cs->n_tls = n;
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
	snprintf(l->name, sizeof l->name, "%s%s%s:%u",
	    addr.sa.ss_family == AF_INET6 ? "[" : "", entry->endpoint.host,
	    addr.sa.ss_family == AF_INET6 ? "]" : "",
	    acceptor_port(l->acceptor));
	if (!entry->has_tls)
		log_info("listening on %s (role %s)", l->name,
		    cs->cfg->roles[entry->role].name);
	else if (entry->has_role)
		log_info("listening on %s, TLS (the certificate's role, else "
		    "%s)", l->name, cs->cfg->roles[entry->role].name);
	else
		log_info("listening on %s, TLS (the certificate's role)",
		    l->name);
	return 0;
}

/* A plain entry of the ai role: closed while the AI is isolated. */
static int
listener_is_ai(const struct clients *cs, size_t i)
{
	const struct config_listener *entry = &cs->cfg->listeners[i];

	return !entry->has_tls && entry->role == CONFIG_ROLE_AI;
}

int
listener_open(struct clients *cs, char err[ERR_LEN])
{
	size_t i, n = cs->cfg->n_listeners;

	if (cs->n_tls != n && listener_prepare(cs, err) == -1)
		return -1;
	if ((cs->listeners = calloc(n, sizeof *cs->listeners)) == NULL) {
		errmsg_set(err, "listener: out of memory");
		return -1;
	}
	cs->n_listeners = n;
	for (i = 0; i < n; i++)
		if (!(cs->ai_isolated && listener_is_ai(cs, i)) &&
		    listener_open_one(cs, i, err) == -1) {
			listener_close(cs);
			return -1;
		}
	return 0;
}

void
listener_isolate_ai(struct clients *cs)
{
	size_t i;

	cs->ai_isolated = 1;
	for (i = 0; i < cs->n_listeners; i++)
		if (listener_is_ai(cs, i)) {
			acceptor_close(cs->listeners[i].acceptor);
			cs->listeners[i].acceptor = NULL;
		}
	clients_close_role(cs, CONFIG_ROLE_AI, "takeover: AI isolated");
}

int
listener_admit_ai(struct clients *cs, char err[ERR_LEN])
{
	size_t i;

	cs->ai_isolated = 0;
	for (i = 0; i < cs->n_listeners; i++)
		if (cs->listeners[i].acceptor == NULL &&
		    listener_open_one(cs, i, err) == -1)
			return -1;
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
