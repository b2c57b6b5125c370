/*
 * config_listen.c: listen:, the addresses clients connect to. The old
 * one-line form (`listen: host:port`) is one plain listener whose
 * clients are ai; the list form gives each entry a role, TLS (Modbus/TCP
 * Security) and an allow_from of its own. Runs after the roles, which a
 * listener names.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_internal.h"

/* 0x0303: TLS 1.2, the least Modbus/TCP Security allows. */
#define TLS_DEFAULT_VERSION 0x0303

static void listen_build_tls(struct config_build *b, size_t i,
    const struct raw_tls *raw, struct config_tls *tls)
{
	static const char *const why[] = {
		"the gateway's certificate chain (PEM)",
		"the gateway certificate's private key (PEM)",
		/* One string: Modbus/TCP Security authenticates every
		 * client. */
		("the CA (PEM) client certificates must chain to: "
		    "Modbus/TCP Security authenticates every client"),
	};
	const char *const keys[] = { "cert", "key", "client_ca" };
	const char *const texts[] = { raw->cert, raw->key, raw->client_ca };
	char *const outs[] = { tls->cert, tls->key, tls->client_ca };
	char path[CONFIG_PATH_MAX], what[32];

	for (size_t k = 0; k < 3; k++) {
		snprintf(path, sizeof(path), "listen[%zu].tls.%s", i, keys[k]);
		if (!texts[k])
			config_build_error(b, path, "tls: %s is required: %s",
			    keys[k], why[k]);
		snprintf(what, sizeof(what), "tls: %s", keys[k]);
		config_build_path(b, path, what, texts[k], outs[k]);
	}
	snprintf(path, sizeof(path), "listen[%zu].tls.crl", i);
	config_build_path(b, path, "tls: crl", raw->crl, tls->crl);
	if (raw->ciphers)
		snprintf(tls->ciphers, sizeof(tls->ciphers), "%s",
		    raw->ciphers);
	tls->min_version = raw->min_version ? raw->min_version :
	    TLS_DEFAULT_VERSION;
}

static void listen_build_role(struct config_build *b, size_t i,
    const char *name, struct config_listener *l)
{
	const struct config *cfg = b->cfg;
	char path[CONFIG_PATH_MAX];
	const char *best = NULL;
	unsigned distance = 3;
	long index;

	l->role = CONFIG_ROLE_AI;
	if (!name)
		return;
	l->has_role = 1;
	index = config_role_index(cfg, name);
	if (index >= 0) {
		l->role = (unsigned)index;
		return;
	}
	snprintf(path, sizeof(path), "listen[%zu].role", i);
	for (size_t r = 0; r < cfg->n_roles; r++)
		config_closer(name, cfg->roles[r].name, &best, &distance);
	if (config_build_unread(b, "roles"))
		return;
	if (best)
		config_build_error(b, path, "role: no role named '%s' (did you "
		    "mean '%s'?)", name, best);
	else
		config_build_error(b, path, "role: no role named '%s'; define "
		    "it under roles: or leave role: out (ai)", name);
}

static int listen_same(const struct config_endpoint *a,
    const struct config_endpoint *b)
{
	return a->port == b->port && strcmp(a->host, b->host) == 0;
}

static void listen_build_one(struct config_build *b, size_t i, int scalar)
{
	const struct raw_listener *raw = &b->raw->listen[i];
	struct config_listener *l = &b->cfg->listeners[i];
	char path[CONFIG_PATH_MAX], key[CONFIG_PATH_MAX];
	const char *problem;

	snprintf(path, sizeof(path), "listen[%zu]", i);
	l->line = config_build_line(b, path);
	if (!scalar)
		snprintf(b->subject, sizeof(b->subject), "listen entry %zu: ",
		    i + 1);
	snprintf(path, sizeof(path), "listen[%zu].address", i);
	problem = config_endpoint_problem(raw->address, &l->endpoint);
	if (problem)
		config_build_error(b, path, "%s: '%s' %s",
		    scalar ? "listen" : "address", raw->address, problem);
	for (size_t j = 0; !problem && j < i; j++)
		if (listen_same(&b->cfg->listeners[j].endpoint, &l->endpoint))
			config_build_error(b, path, "address: '%s' is already "
			    "the address of the entry on line %d",
			    raw->address, b->cfg->listeners[j].line);
	listen_build_role(b, i, raw->role, l);
	if (raw->tls) {
		l->has_tls = 1;
		listen_build_tls(b, i, raw->tls, &l->tls);
	}
	snprintf(key, sizeof(key), "listen[%zu].allow_from", i);
	l->has_allow_from = config_lines_has(b->lines, key);
	config_build_nets(b, key, raw->allow_from, raw->allow_from_count,
	    &l->allow_from, &l->n_allow_from);
	b->subject[0] = '\0';
}

void config_listen_build(struct config_build *b, int scalar)
{
	struct config *cfg = b->cfg;
	size_t n = b->raw->listen_count;

	cfg->listeners = calloc(n ? n : 1, sizeof(*cfg->listeners));
	if (!cfg->listeners) {
		b->errs->out_of_memory = 1;
		return;
	}
	cfg->n_listeners = n;
	for (size_t i = 0; i < n; i++)
		listen_build_one(b, i, scalar);
	if (!cfg->has_metrics_listen)
		return;
	for (size_t i = 0; i < n; i++)
		if (listen_same(&cfg->listeners[i].endpoint,
		    &cfg->metrics_listen)) {
			config_build_error(b, "metrics_listen", "metrics_listen: "
			    "'%s' is the same address as listen%s",
			    b->raw->metrics_listen, scalar ? "" :
			    " entry");
			return;
		}
}

void config_listen_free(struct config *cfg)
{
	for (size_t i = 0; i < cfg->n_listeners; i++)
		free(cfg->listeners[i].allow_from);
	free(cfg->listeners);
}
