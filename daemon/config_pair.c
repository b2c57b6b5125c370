/*
 * config_pair.c: the pair block (warden.yaml(5)): this node's name in a
 * redundant pair, the role it starts in before keepalived says, and the
 * pair link over which the active's state reaches the standby. A node
 * starts standby unless told: one that serves before it knows its peer's
 * state could undo the peer's takeover. Runs after listen:, whose
 * addresses the link's must not take.
 */
#include <stdio.h>
#include <string.h>

#include "config_internal.h"

#define HEARTBEAT_DEFAULT 0.2
#define PEER_TIMEOUT_DEFAULT 1.0
#define SYNC_TIMEOUT_DEFAULT 0.5

/* Where a link address is already taken by this node: a listen: entry
 * or metrics_listen, or NULL. */
static const char *pair_address_taken(const struct config *cfg,
    const struct config_endpoint *ep, char *buf, size_t size)
{
	for (size_t i = 0; i < cfg->n_listeners; i++)
		if (cfg->listeners[i].endpoint.port == ep->port &&
		    strcmp(cfg->listeners[i].endpoint.host, ep->host) == 0) {
			snprintf(buf, size, "listen: %s:%u", ep->host,
			    (unsigned)ep->port);
			return buf;
		}
	if (cfg->has_metrics_listen && cfg->metrics_listen.port == ep->port &&
	    strcmp(cfg->metrics_listen.host, ep->host) == 0)
		return "metrics_listen";
	return NULL;
}

/* peer, listen and key_file: without them the standby can never hold
 * the active's state, and a failover could never be proven. */
static void pair_build_link(struct config_build *b, const struct raw_pair *raw,
    struct config_pair *pair)
{
	static const char why[] = "a pair without its link can never prove "
	    "on failover that it holds its peer's state";
	char taken[CONFIG_HOST_MAX + 16];
	const char *where;

	if (!raw->peer)
		config_build_error(b, "pair.peer", "pair: peer: (host:port of "
		    "the peer's pair.listen) is required: %s", why);
	else
		config_build_endpoint(b, "pair.peer", raw->peer, &pair->peer);
	if (!raw->listen)
		config_build_error(b, "pair.listen", "pair: listen: (host:port "
		    "this node accepts its peer's link on) is required: %s",
		    why);
	else if (config_build_endpoint(b, "pair.listen", raw->listen,
	    &pair->listen) == 0 && (where = pair_address_taken(b->cfg,
	    &pair->listen, taken, sizeof(taken))) != NULL)
		config_build_error(b, "pair.listen", "listen: '%s' is also "
		    "%s's address; the pair link needs a port of its own",
		    raw->listen, where);
	if (raw->peer && raw->listen && pair->peer.port == pair->listen.port &&
	    strcmp(pair->peer.host, pair->listen.host) == 0)
		config_build_error(b, "pair.peer", "peer: '%s' is this node's "
		    "own pair.listen: give the other node's", raw->peer);
	if (!raw->key_file)
		config_build_error(b, "pair.key_file", "pair: key_file: (the "
		    "key both nodes share) is required: %s", why);
	config_build_path(b, "pair.key_file", "key_file", raw->key_file,
	    pair->key_file);
}

static void pair_build_timing(struct config_build *b,
    const struct raw_pair *raw, struct config_pair *pair)
{
	pair->heartbeat = config_build_duration(b, "pair.heartbeat",
	    raw->heartbeat, HEARTBEAT_DEFAULT, 1);
	pair->peer_timeout = config_build_duration(b, "pair.peer_timeout",
	    raw->peer_timeout, PEER_TIMEOUT_DEFAULT, 1);
	pair->sync_timeout = config_build_duration(b, "pair.sync_timeout",
	    raw->sync_timeout, SYNC_TIMEOUT_DEFAULT, 1);
	/* One lost heartbeat must not unprove the standby's copy. */
	if (pair->peer_timeout <= 2 * pair->heartbeat)
		config_build_error(b, raw->peer_timeout ? "pair.peer_timeout" :
		    "pair.heartbeat", "peer_timeout: %gs must be more than "
		    "twice heartbeat (%gs)", pair->peer_timeout,
		    pair->heartbeat);
}

void config_pair_build(struct config_build *b)
{
	const struct raw_pair *raw = b->raw->pair;
	struct config_pair *pair = &b->cfg->pair;
	const char *problem;

	if (!raw)
		return;
	pair->enabled = 1;
	pair->start_active = raw->initial_active && *raw->initial_active;
	pair_build_link(b, raw, pair);
	pair_build_timing(b, raw, pair);
	if (!raw->node)
		return;
	problem = config_name_problem(raw->node);
	if (problem)
		config_build_error(b, "pair.node", "node: '%s' %s", raw->node,
		    problem);
	else
		snprintf(pair->node, sizeof pair->node, "%s", raw->node);
}
