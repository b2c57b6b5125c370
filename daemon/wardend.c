/*
 * wardend: the Modbus Warden gateway daemon. main() owns the one context
 * struct and the one libev loop; everything else hangs off them.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit_daemon.h"
#include "audit_sign.h"
#include "checkconf.h"
#include "control.h"
#include "durable.h"
#include "gate.h"
#include "intrusion.h"
#include "log.h"
#include "metrics_http.h"
#include "ops.h"
#include "pair.h"
#include "poller.h"
#include "peer_key.h"
#include "privdrop.h"
#include "record.h"
#include "reload.h"
#include "restore.h"
#include "ramp.h"
#include "safestate.h"
#include "sdnotify.h"
#include "statefile.h"
#include "status.h"
#include "stream.h"
#include "alarms.h"
#include "push.h"
#include "takeover.h"
#include "warden.h"

#define TICK_SECONDS 0.05       /* guard timers, audit fsync, safe state */

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: wardend [-ftv] [-u user] -c file\n"
	    "  -c file  configuration (warden.yaml)\n"
	    "  -f       stay in the foreground, log to stderr\n"
	    "  -t       check the configuration, print its points, exit\n"
	    "  -u user  drop to this user once sockets and files are open\n"
	    "  -v       verbose logging\n");
	exit(2);
}

static void
signal_stop_cb(struct ev_loop *loop, ev_signal *s, int revents)
{
	(void)revents;
	log_info("signal %d: stopping", s->signum);
	ev_break(loop, EVBREAK_ALL);
}

static void
signal_hup_cb(struct ev_loop *loop, ev_signal *s, int revents)
{
	char err[ERR_LEN];

	(void)loop;
	(void)revents;
	reload_config(s->data, "SIGHUP", err);
}

static void
warden_tick_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
	struct warden *w = t->data;
	ev_tstamp now = ev_now(loop);

	(void)revents;
	takeover_tick(w);
	alarms_tick(w);
	/* A chain head moved by synced records only still goes to
	 * audit.head, after a sync that then costs nothing. */
	if ((audit_due(w->audit, now) && audit_flush_handoff(w->audit, now)) ||
	    audit_chain_handoff(w->audit, now))
		durable_sync_audit(w->durable, audit_fd(w->audit));
	safestate_tick(w->safestate);
}

/* A takeover the state file missed (restore.h) is restored, on the
 * record. */
static void
warden_reconcile(struct warden *w, struct guard_persisted *saved)
{
	static const char *const state_events[] = { "takeover", "release",
		NULL };
	struct audit_last last;
	char err[ERR_LEN];
	int found;

	if ((found = audit_last_of(w->audit, state_events, &last, err)) == -1)
		log_warnx("%s; the state file alone decides", err);
	if (restore_reconcile(saved, found == 1 ? &last : NULL, saved) == 0)
		return;
	log_warnx("the state file says AUTO, but the audit log's last "
	    "takeover (%s, cause %s) was never released: wardend stopped "
	    "before it was saved; starting in TAKEOVER", last.ts,
	    guard_cause_name(saved->cause));
	record_state_restored(w, saved->cause, saved->reason);
}

/*
 * A log cut (or replaced) while wardend was stopped: someone with access
 * to the plant's records tampered with them, and nothing in them can be
 * trusted to say that the AI may drive. Start in TAKEOVER (unless the
 * state says so already, with its own cause) until an operator, who
 * now has the audit_cut record to look at, releases.
 */
static void
warden_cut_takeover(struct warden *w, enum statefile_status *st,
    struct guard_persisted *saved)
{
	if (*st == STATEFILE_OK && saved->state == GUARD_STATE_TAKEOVER)
		return;
	ev_now_update(w->loop);
	*st = STATEFILE_OK;
	saved->state = GUARD_STATE_TAKEOVER;
	saved->cause = GUARD_CAUSE_STARTUP;
	saved->since = ev_now(w->loop);
	guard_reason_copy(saved->reason, "the audit log was cut or replaced "
	    "while wardend was stopped (audit_cut)");
}

/* The audit log and the persisted state, before anything can act. */
static void
warden_open_records(struct warden *w)
{
	struct guard_persisted saved, now_state;
	enum statefile_status st;
	enum guard_restore how;
	char err[ERR_LEN];
	int cut = audit_daemon_open(w);

	record_daemon(w, "start");
	record_daemon(w, "config_loaded");
	audit_daemon_head_save(w);

	st = statefile_load(w->cfg->state_dir, &saved, err);
	if (st == STATEFILE_OK)
		warden_reconcile(w, &saved);
	if (cut)
		warden_cut_takeover(w, &st, &saved);
	/* Opening the log fsynced: time has passed since the loop looked. */
	ev_now_update(w->loop);
	how = st == STATEFILE_OK ? GUARD_RESTORE_SAVED :
	    st == STATEFILE_NONE ? GUARD_RESTORE_NONE : GUARD_RESTORE_CORRUPT;
	if (st == STATEFILE_CORRUPT)
		log_warnx("state file: %s: starting in TAKEOVER", err);
	if (takeover_start(w, how, &saved) == -1 || alarms_start(w) == -1)
		fatalx("out of memory");
	takeover_persisted(w, &now_state);
	if (takeover_save(w, err) == -1)
		log_warnx("state file: %s", err);
	log_info("state %s (%s)", guard_state_name(now_state.state),
	    guard_cause_name(now_state.cause));
}

/* The streams' safe point, before anything of this loop iteration
 * leaves: the gate's records written, the writes that waited for them
 * let go. */
static void
warden_before_flush(void *gate)
{
	gate_flush(gate);
}

static void
warden_start(struct warden *w)
{
	char err[ERR_LEN];
	struct net_addr *addrs;
	struct guard_persisted state;
	struct ops_handlers ops;

	/* The AI endpoint first, for the gate to register with; the gate is
	 * told at once whether the state restored isolates the AI. */
	if ((w->streams = streams_new(w->loop)) == NULL ||
	    (w->clients = clients_new(w->streams, w->cfg, &w->counters,
	    &w->metrics, &w->abuse_log)) == NULL ||
	    (w->gate = gate_new(w)) == NULL ||
	    (w->intrusion = intrusion_new(w)) == NULL)
		fatalx("out of memory");
	warden_open_records(w);
	w->memory = calloc(w->cfg->n_points + 1, sizeof *w->memory);
	if (w->memory == NULL || (w->ramp = ramp_new(w)) == NULL)
		fatalx("out of memory");

	ev_signal_init(&w->sig_term, signal_stop_cb, SIGTERM);
	ev_signal_init(&w->sig_int, signal_stop_cb, SIGINT);
	ev_signal_init(&w->sig_hup, signal_hup_cb, SIGHUP);
	ev_signal_start(w->loop, &w->sig_term);
	ev_signal_start(w->loop, &w->sig_int);
	w->sig_hup.data = w;
	ev_signal_start(w->loop, &w->sig_hup);

	if ((addrs = device_resolve_all(w->cfg, err)) == NULL ||
	    (w->devices = devices_start(w->streams, w->cfg, addrs,
	    &w->counters, err)) == NULL)
		fatalx("devices: %s", err);
	free(addrs);
	intrusion_watch_devices(w->intrusion);
	streams_before_flush(w->streams, warden_before_flush, w->gate);
	if ((w->poller = poller_new(w)) == NULL ||
	    poller_start(w->poller) == -1 ||
	    (w->safestate = safestate_new(w)) == NULL)
		fatalx("out of memory");
	/* The operators' commands are handed to ops.c. */
	if ((w->push = push_new(w)) == NULL)
		fatalx("out of memory");
	ops_init(w, &ops);
	if ((w->control = control_open(w->streams, w->cfg->control.socket,
	    &w->cfg->control, &ops, err)) == NULL)
		fatalx("control socket: %s", err);
	if ((w->durable = durable_start(w->loop, w->audit,
	    w->cfg->state_dir, w->cfg->audit_log)) == NULL)
		fatalx("cannot start the durability thread");
	ev_timer_init(&w->tick, warden_tick_cb, TICK_SECONDS, TICK_SECONDS);
	w->tick.data = w;
	ev_timer_start(w->loop, &w->tick);
	/* Read while wardend may still read what its user may not. */
	if (listener_prepare(w->clients, err) == -1)
		fatalx("%s", err);
	takeover_persisted(w, &state);
	if (state.state == GUARD_STATE_TAKEOVER &&
	    w->cfg->takeover.isolate == ISOLATE_ALL)
		listener_isolate_ai(w->clients);
	if (pair_start(w, err) == -1)
		fatalx("%s", err);
	/* A standby of a pair neither listens nor drives (pair.h). */
	if (pair_role_serves(pair_role(w)) &&
	    state.state == GUARD_STATE_TAKEOVER) {
		log_warnx("starting in TAKEOVER (%s): driving the safe state",
		    guard_cause_name(state.cause));
		safestate_start(w->safestate);
	}
	if (pair_role_serves(pair_role(w)) &&
	    listener_open(w->clients, err) == -1)
		fatalx("%s", err);
	if (w->cfg->has_metrics_listen && (w->metrics_http =
	    metrics_http_start(w->streams, &w->cfg->metrics_listen,
	    status_metrics_page, w, err)) == NULL)
		fatalx("metrics_listen: %s", err);
}

static void
warden_stop(struct warden *w)
{
	listener_close(w->clients);
	metrics_http_stop(w->metrics_http);
	control_close(w->control);
	w->control = NULL;
	push_free(w->push);
	w->push = NULL;
	clients_close_all(w->clients, "gateway stopping");
	ev_timer_stop(w->loop, &w->tick);
	/* What the flows asked of the devices is answered to nobody; what
	 * ends with the devices still reaches the modules, freed after. */
	safestate_stop(w->safestate);
	poller_stop(w->poller);
	ramp_stop_all(w->ramp, "stop");
	devices_stop(w->devices);
	w->devices = NULL;
	alarms_stop(w);
	takeover_stop(w);
	pair_stop(w);
	durable_stop(w->durable);
	safestate_free(w->safestate);
	poller_free(w->poller);
	streams_before_flush(w->streams, NULL, NULL);
	gate_free(w->gate);
	intrusion_free(w->intrusion);
	ramp_free(w->ramp);
	record_daemon(w, "stop");
	audit_daemon_close(w);
	free(w->memory);
	/* Run the deferred frees once more. */
	streams_free(w->streams);
	clients_free(w->clients);
	ev_signal_stop(w->loop, &w->sig_term);
	ev_signal_stop(w->loop, &w->sig_int);
	ev_signal_stop(w->loop, &w->sig_hup);
}

/* pair.key_file readable by us alone, and a key: checked while wardend
 * is still root, as the link will read it at start. */
static int
warden_check_pair_key(const struct config *cfg, char err[ERR_LEN])
{
	uint8_t key[PEER_KEY_MAX];
	size_t len;
	int rc;

	if (!cfg->pair.enabled)
		return 0;
	rc = peer_key_load(cfg->pair.key_file, key, &len, err);
	explicit_bzero(key, sizeof key);
	return rc;
}

/*
 * The config file checked and loaded into w, and the signing key read
 * now, while wardend is still root (-u comes later). 0, or -1 once
 * stderr says why.
 */
static int
warden_load(struct warden *w, const char *path, const char *user)
{
	char *errors = NULL, perr[ERR_LEN], kerr[ERR_LEN];

	if (privdrop_check_config_file(path, perr) == -1) {
		fprintf(stderr, "%s\n%s: configuration not loaded\n", perr,
		    path);
		return -1;
	}
	if ((w->cfg = config_load(path, &errors)) == NULL) {
		fprintf(stderr, "%s", errors);
		fprintf(stderr, "%s: configuration not loaded\n", path);
		free(errors);
		return -1;
	}
	if (w->cfg->audit_sign_key[0] != '\0' &&
	    (w->sign_key = audit_key_load_private(w->cfg->audit_sign_key, user,
	    kerr)) == NULL) {
		fprintf(stderr, "%s: audit_sign.key: %s\n%s: configuration not "
		    "loaded\n", path, kerr, path);
		config_free(w->cfg);
		return -1;
	}
	if (warden_check_pair_key(w->cfg, kerr) == -1) {
		fprintf(stderr, "%s: pair.key_file: %s\n%s: configuration not "
		    "loaded\n", path, kerr, path);
		audit_key_free(w->sign_key);
		config_free(w->cfg);
		return -1;
	}
	return 0;
}

/* wardend -t: the TLS listeners' files, the warnings, the table of
 * points, the listeners and roles, the signing key. */
static int
warden_check_only(struct warden *w)
{
	char err[ERR_LEN];

	if (listener_check(w->cfg, err) == -1) {
		fprintf(stderr, "%s\n%s: configuration not loaded\n", err,
		    w->config_path);
		audit_key_free(w->sign_key);
		config_free(w->cfg);
		return 1;
	}
	if (w->cfg->warnings != NULL)
		fputs(w->cfg->warnings, stderr);
	checkconf_print(w->cfg, stdout);
	checkconf_print_access(w->cfg, stdout);
	if (w->cfg->pair.enabled)
		printf("pair: node %s, link to %s:%u, accepting on %s:%u, "
		    "key_file %s; heartbeat %gs, peer_timeout %gs, sync_timeout "
		    "%gs\n", w->cfg->pair.node, w->cfg->pair.peer.host,
		    (unsigned)w->cfg->pair.peer.port, w->cfg->pair.listen.host,
		    (unsigned)w->cfg->pair.listen.port, w->cfg->pair.key_file,
		    w->cfg->pair.heartbeat, w->cfg->pair.peer_timeout,
		    w->cfg->pair.sync_timeout);
	if (w->sign_key != NULL)
		printf("audit_sign: key id %s, a checkpoint every %u records\n",
		    audit_key_id(w->sign_key), w->cfg->audit_sign_every);
	audit_key_free(w->sign_key);
	config_free(w->cfg);
	return 0;
}

int
main(int argc, char *argv[])
{
	struct warden w;
	struct sdnotify notify;
	const char *path = NULL;
	char perr[ERR_LEN];
	const char *user = NULL;
	int ch, foreground = 0, test_only = 0, verbose = 0;

	while ((ch = getopt(argc, argv, "c:ftu:v")) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 'f':
			foreground = 1;
			break;
		case 't':
			test_only = 1;
			break;
		case 'u':
			user = optarg;
			break;
		case 'v':
			verbose = 1;
			break;
		default:
			usage();
		}
	}
	if (path == NULL || optind != argc)
		usage();

	memset(&w, 0, sizeof w);
	w.config_path = path;
	if (warden_load(&w, path, user) == -1)
		return 1;
	if (test_only)
		return warden_check_only(&w);
	if (listener_check(w.cfg, perr) == -1) {
		fprintf(stderr, "%s\n%s: not started\n", perr, path);
		audit_key_free(w.sign_key);
		config_free(w.cfg);
		return 1;
	}

	log_init("wardend", foreground, verbose);
	checkconf_log_warnings(w.cfg, "");
	if (!foreground && daemon(0, 0) == -1)
		fatal("daemon");
	/* A peer gone mid-write and a file size limit reached are errors the
	 * caller handles (EPIPE: close that stream; EFBIG: the audit write
	 * fails, so the AI's writes are refused 0x04), not deaths. */
	signal(SIGPIPE, SIG_IGN);
	signal(SIGXFSZ, SIG_IGN);
	if ((w.loop = ev_default_loop(EVFLAG_AUTO)) == NULL)
		fatalx("cannot initialise the event loop");

	warden_start(&w);
	if (user != NULL && privdrop_to_user(user, perr) == -1)
		fatalx("%s", perr);
	if (sdnotify_open(&notify, perr) == -1)
		log_warnx("systemd: %s", perr);
	sdnotify_ready(&notify, w.loop, guard_state_name(takeover_state(&w)));
	log_info("started with %s: %zu devices, %zu points", path,
	    w.cfg->n_devices, w.cfg->n_points);
	ev_run(w.loop, 0);
	sdnotify_stopping(&notify);
	warden_stop(&w);
	sdnotify_close(&notify);
	log_info("stopped");
	config_free(w.cfg);
	ev_loop_destroy(w.loop);
	return 0;
}
