/*
 * checkconf_access.c: the part of `wardend -t` that says who may
 * connect where and do what: one line per listen: entry, one per role.
 */
#include "checkconf.h"

#include <arpa/inet.h>
#include <string.h>

static void
checkconf_endpoint(const struct config_endpoint *ep, FILE *out)
{
	if (strchr(ep->host, ':') != NULL)
		fprintf(out, "[%s]:%u", ep->host, ep->port);
	else
		fprintf(out, "%s:%u", ep->host, ep->port);
}

static void
checkconf_nets(const struct config_net *nets, size_t n, FILE *out)
{
	char text[INET6_ADDRSTRLEN];
	size_t i;

	if (n == 0)
		fprintf(out, " any");
	for (i = 0; i < n; i++) {
		inet_ntop(nets[i].family, nets[i].addr, text, sizeof text);
		fprintf(out, "%s%s/%u", i > 0 ? "," : " ", text,
		    nets[i].prefix);
	}
}

static void
checkconf_listener(const struct config *cfg, const struct config_listener *l,
    FILE *out)
{
	fprintf(out, "listen ");
	checkconf_endpoint(&l->endpoint, out);
	if (l->has_tls)
		fprintf(out, " tls %s", l->tls.min_version == 0x0304 ?
		    "1.3+" : "1.2+");
	else
		fprintf(out, " plain");
	/* A TLS client's role is its certificate's first: "certificate,"
	 * then the role of a certificate that names none. */
	fprintf(out, " role %s%s allow_from", l->has_tls ? "certificate," : "",
	    !l->has_tls || l->has_role ? cfg->roles[l->role].name : "none");
	if (l->has_allow_from)
		checkconf_nets(l->allow_from, l->n_allow_from, out);
	else
		checkconf_nets(cfg->allow_from, cfg->n_allow_from, out);
	fprintf(out, "\n");
}

static void
checkconf_access(const struct config *cfg, const char *what,
    const struct config_role_access *a, FILE *out)
{
	size_t i;

	fprintf(out, " %s", what);
	if (a->kind != ACCESS_LIST) {
		fprintf(out, " %s", a->kind == ACCESS_ALL ? "all" : "none");
		return;
	}
	for (i = 0; i < a->n_points; i++)
		fprintf(out, "%s%s", i > 0 ? "," : " ",
		    cfg->points[a->points[i]].name);
}

static void
checkconf_role(const struct config *cfg, const struct config_role *r,
    FILE *out)
{
	int code, any = 0;

	fprintf(out, "role %s", r->name);
	checkconf_access(cfg, "read", &r->read, out);
	checkconf_access(cfg, "write", &r->write, out);
	fprintf(out, " functions");
	for (code = 0; code < 256; code++)
		if (r->functions[code]) {
			fprintf(out, "%s%d", any ? "," : " ", code);
			any = 1;
		}
	if (!any)
		fprintf(out, " -");
	fprintf(out, " during_takeover %s\n", r->keep_during_takeover ?
	    "keep" : "refuse");
}

void
checkconf_print_access(const struct config *cfg, FILE *out)
{
	size_t i;

	for (i = 0; i < cfg->n_listeners; i++)
		checkconf_listener(cfg, &cfg->listeners[i], out);
	for (i = 0; i < cfg->n_roles; i++)
		checkconf_role(cfg, &cfg->roles[i], out);
	checkconf_print_serial(cfg, out);
}
