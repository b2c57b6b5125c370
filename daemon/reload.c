/*
 * reload.c: SIGHUP and `wardenctl reload`. The new file is loaded and
 * validated whole before anything changes; a bad one leaves the running
 * config in place and says why. A good one is swapped in between two
 * requests: AI connections stay open, policy memory is carried over by
 * point name, and the state (AUTO/TAKEOVER) never changes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkconf.h"
#include "control.h"
#include "intrusion.h"
#include "listener.h"
#include "log.h"
#include "poller.h"
#include "record.h"
#include "reload.h"
#include "ramp.h"
#include "safestate.h"
#include "alarms.h"
#include "takeover.h"
#include "warden.h"

static int
reload_same_endpoint(const struct config_endpoint *a,
    const struct config_endpoint *b)
{
	return a->port == b->port && strcmp(a->host, b->host) == 0;
}

/* The keys only a restart can change; "" when none of them differs. */
static const char *
reload_needs_restart(const struct config *old, const struct config *new)
{
	if (strcmp(old->state_dir, new->state_dir) != 0)
		return "state_dir";
	if (strcmp(old->audit_log, new->audit_log) != 0)
		return "audit_log";
	/* The key is read before wardend gives up root. */
	if (strcmp(old->audit_sign_key, new->audit_sign_key) != 0 ||
	    old->audit_sign_every != new->audit_sign_every)
		return "audit_sign";
	if (strcmp(old->audit_syslog, new->audit_syslog) != 0)
		return "audit_syslog";
	if (strcmp(old->control.socket, new->control.socket) != 0)
		return "control.socket";
	/* The role lives from start to stop; keepalived moves it. The link
	 * is dialled, bound and keyed at start (its key read as root). */
	if (old->pair.enabled != new->pair.enabled ||
	    strcmp(old->pair.node, new->pair.node) != 0 ||
	    old->pair.start_active != new->pair.start_active ||
	    !reload_same_endpoint(&old->pair.peer, &new->pair.peer) ||
	    !reload_same_endpoint(&old->pair.listen, &new->pair.listen) ||
	    strcmp(old->pair.key_file, new->pair.key_file) != 0 ||
	    old->pair.heartbeat != new->pair.heartbeat ||
	    old->pair.peer_timeout != new->pair.peer_timeout ||
	    old->pair.sync_timeout != new->pair.sync_timeout)
		return "pair";
	return "";
}

static int
reload_same_devices(const struct config *a, const struct config *b)
{
	size_t i;

	if (a->n_devices != b->n_devices)
		return 0;
	for (i = 0; i < a->n_devices; i++) {
		const struct config_device *x = &a->devices[i], *y = &b->devices[i];

		if (strcmp(x->name, y->name) != 0 ||
		    !config_device_same_line(x, y) ||
		    x->device_unit_id != y->device_unit_id ||
		    x->connections != y->connections ||
		    x->pipeline != y->pipeline)
			return 0;
	}
	return a->limits.device_queue == b->limits.device_queue;
}

static int
reload_same_nets(const struct config_net *a, size_t na,
    const struct config_net *b, size_t nb)
{
	size_t i;

	if (na != nb)
		return 0;
	for (i = 0; i < na; i++)
		if (a[i].family != b[i].family || a[i].prefix != b[i].prefix ||
		    memcmp(a[i].addr, b[i].addr, sizeof a[i].addr) != 0)
			return 0;
	return 1;
}

static int
reload_same_tls(const struct config_tls *a, const struct config_tls *b)
{
	return strcmp(a->cert, b->cert) == 0 && strcmp(a->key, b->key) == 0 &&
	    strcmp(a->client_ca, b->client_ca) == 0 &&
	    strcmp(a->crl, b->crl) == 0 &&
	    strcmp(a->ciphers, b->ciphers) == 0 &&
	    a->min_version == b->min_version;
}

/*
 * The listen: entries, each as the clients it takes see it: address,
 * TLS, role (by name: the index may move) and allow_from (the global one
 * for an entry without its own). Any change reopens them all.
 */
static int
reload_same_listeners(const struct config *a, const struct config *b)
{
	size_t i;

	if (a->n_listeners != b->n_listeners)
		return 0;
	for (i = 0; i < a->n_listeners; i++) {
		const struct config_listener *x = &a->listeners[i];
		const struct config_listener *y = &b->listeners[i];

		if (strcmp(x->endpoint.host, y->endpoint.host) != 0 ||
		    x->endpoint.port != y->endpoint.port ||
		    strcmp(a->roles[x->role].name, b->roles[y->role].name) != 0 ||
		    x->has_tls != y->has_tls ||
		    (x->has_tls && !reload_same_tls(&x->tls, &y->tls)) ||
		    x->has_allow_from != y->has_allow_from)
			return 0;
		if (x->has_allow_from ? !reload_same_nets(x->allow_from,
		    x->n_allow_from, y->allow_from, y->n_allow_from) :
		    !reload_same_nets(a->allow_from, a->n_allow_from,
		    b->allow_from, b->n_allow_from))
			return 0;
	}
	return 1;
}

/* addrs: the new devices' addresses, NULL when the devices stay. */
static void
reload_swap(struct warden *w, struct config *ncfg, struct policy_memory *nmem,
    const struct net_addr *addrs)
{
	struct config *old = w->cfg;
	int same_devices = addrs == NULL;
	int listen_changed = !reload_same_listeners(old, ncfg);
	char err[ERR_LEN];

	/* A ramp is walked under the limits it began with: none outlives
	 * them. */
	ramp_stop_all(w->ramp, "reload");
	safestate_pause(w->safestate);
	poller_stop(w->poller);
	if (same_devices)
		devices_set_config(w->devices, ncfg);
	else {
		/* Requests in flight end with the connections (0x0B, or
		 * 0x0A when still queued), a write waiting for its read
		 * before judging with its read. What they wrote is not
		 * known, in the new memory either. */
		devices_stop(w->devices);
		w->devices = NULL;
		policy_inflight_lost(ncfg, nmem, ev_now(w->loop));
	}
	free(w->memory);
	w->memory = nmem;
	w->cfg = ncfg;
	clients_set_config(w->clients, ncfg);
	if (!same_devices && (w->devices = devices_start(w->streams, ncfg,
	    addrs, &w->counters, err)) == NULL)
		log_warnx("reload: devices: %s", err);
	if (!same_devices)
		intrusion_watch_devices(w->intrusion);
	/* Points, safe state or life bit may need a poll connection now, or
	 * no longer. */
	if (same_devices)
		devices_poll_update(w->devices);
	if (poller_start(w->poller) == -1)
		log_warnx("reload: out of memory");
	takeover_reconfigure(w);
	alarms_reconfigure(w);
	control_reconfigure(w->control, &w->cfg->control);
	if (safestate_reconfigure(w->safestate, old) == -1 ||
	    ramp_reconfigure(w->ramp) == -1)
		log_warnx("reload: out of memory");
	if (listener_prepare(w->clients, err) == -1)
		log_warnx("reload: %s", err);
	if (listen_changed && listener_is_open(w->clients)) {
		listener_close(w->clients);
		if (listener_open(w->clients, err) == -1)
			log_warnx("reload: %s", err);
	}
	config_free(old);
}

/*
 * One log line per error, as config_load() gave them; for the operator's
 * answer and the audit record the same joined by "; " on one line.
 */
static void
reload_errors(char *errors, char err[ERR_LEN])
{
	char *line, *save = NULL;
	size_t used = 0;

	err[0] = '\0';
	for (line = strtok_r(errors != NULL ? errors : "", "\n", &save);
	    line != NULL; line = strtok_r(NULL, "\n", &save)) {
		log_warnx("reload: %s", line);
		if (used < ERR_LEN)
			used += (size_t)snprintf(err + used, ERR_LEN - used,
			    "%s%s", used > 0 ? "; " : "", line);
	}
	if (used == 0)
		used = (size_t)snprintf(err, ERR_LEN, "cannot load it");
	if (used < ERR_LEN)
		snprintf(err + used, ERR_LEN - used,
		    "; the running configuration stays");
	log_warnx("reload: the running configuration stays");
}

int
reload_config(struct warden *w, const char *user, char err[ERR_LEN])
{
	struct config *ncfg;
	struct policy_memory *nmem;
	struct net_addr *addrs = NULL;
	char *errors = NULL, nerr[ERR_LEN];
	const char *field;

	if ((ncfg = config_load(w->config_path, &errors)) == NULL) {
		reload_errors(errors, err);
		free(errors);
		record_reload(w, "config_rejected", user, err);
		return -1;
	}
	if ((field = reload_needs_restart(w->cfg, ncfg))[0] != '\0') {
		errmsg_set(err, "%s changed: it needs a restart; the running "
		    "configuration stays", field);
		config_free(ncfg);
		log_warnx("reload: %s", err);
		record_reload(w, "config_rejected", user, err);
		return -1;
	}
	if (listener_check(ncfg, nerr) == -1) {
		errmsg_set(err, "%s; the running configuration stays", nerr);
		config_free(ncfg);
		log_warnx("reload: %s", err);
		record_reload(w, "config_rejected", user, err);
		return -1;
	}
	/* Resolved before anything changes: a host that cannot be found
	 * keeps the running config, devices and all. */
	if (!reload_same_devices(w->cfg, ncfg) &&
	    (addrs = device_resolve_all(ncfg, nerr)) == NULL) {
		errmsg_set(err, "%s; the running configuration stays", nerr);
		config_free(ncfg);
		log_warnx("reload: %s", err);
		record_reload(w, "config_rejected", user, err);
		return -1;
	}
	if ((nmem = calloc(ncfg->n_points + 1, sizeof *nmem)) == NULL) {
		errmsg_set(err, "out of memory");
		free(addrs);
		config_free(ncfg);
		return -1;
	}
	policy_memory_carry(w->cfg, w->memory, ncfg, nmem, ++w->policy_gen);
	reload_swap(w, ncfg, nmem, addrs);
	free(addrs);
	checkconf_log_warnings(w->cfg, "reload: ");
	record_reload(w, "config_loaded", user, "reload");
	log_info("reload: %s loaded: %zu devices, %zu points", w->config_path,
	    w->cfg->n_devices, w->cfg->n_points);
	return 0;
}
