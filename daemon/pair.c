/*
 * pair.c: this node's role in a redundant pair, carried out (pair.h).
 * The rules are pair_role.c's; here the role file, its record, and the
 * listeners, devices and guard told.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include "alarms.h"
#include "device.h"
#include "listener.h"
#include "log.h"
#include "pair.h"
#include "pair_link.h"
#include "record.h"
#include "safestate.h"
#include "statedir.h"
#include "takeover.h"
#include "warden.h"

struct pair {
	struct pair_role_saved now;
	struct pair_link *link;
	/* A restart that found itself active waits, standby, to hear
	 * whether its peer took over meanwhile (pair_start()). */
	ev_timer resume;
	struct health_mark saved;       /* state_dir/role's last save */
};

/* The role file: 0 loaded, 1 none, -1 does not load (err says why). */
static int
pair_load(const char *state_dir, struct pair_role_saved *out,
    char err[ERR_LEN])
{
	char path[PATH_MAX], buf[PAIR_ROLE_MAX + 1], why[ERR_LEN];
	ssize_t len;

	snprintf(path, sizeof path, "%s/" PAIR_ROLE_FILE, state_dir);
	if ((len = statedir_read(path, buf, sizeof buf, err)) < 0)
		return errno == ENOENT ? 1 : -1;
	if (pair_role_parse(buf, (size_t)len, out, why) < 0) {
		errmsg_set(err, "%s: corrupt: %s", path, why);
		return -1;
	}
	return 0;
}

static int
pair_save(const char *state_dir, const struct pair_role_saved *st,
    char err[ERR_LEN])
{
	char buf[PAIR_ROLE_MAX];
	size_t len = pair_role_format(st, buf, sizeof buf);

	if (len == 0) {
		errmsg_set(err, "cannot format the role record");
		return -1;
	}
	return statedir_replace(state_dir, PAIR_ROLE_FILE, buf, len, err);
}

/* Standby: nothing of ours reaches a device's write path, no client. */
static void
pair_stand_by(struct warden *w)
{
	devices_read_only(w->devices, 1);
	listener_close(w->clients);
	clients_close_all(w->clients, "standby: the peer is active");
	safestate_stop(w->safestate);
}

/*
 * Becoming active: on the record what this node holds of its peer's
 * state, then, proven, the peer's latch and holds taken on; else the
 * fail-safe rule's TAKEOVER. user and uid set the role.
 */
static void
pair_take_on(struct warden *w, enum pair_role from, const char *user,
    uint32_t uid)
{
	struct pair_role_step step;
	struct pair_proof proof = { .why = "", .peer = "" };
	struct record_failover f;
	const struct peer_state *st;
	char err[ERR_LEN], reason[GUARD_REASON_MAX + 128];

	if (w->pair->link != NULL)
		(void)pair_link_proof(w->pair->link, &proof);
	else
		errmsg_set(proof.why, "no pair link configured");
	pair_role_step(from, w->pair->now.role, proof.proven, &step);
	if (!step.changed)
		return;
	st = proof.have ? proof.state : NULL;
	f = (struct record_failover){ .node = w->cfg->pair.node,
		.peer = proof.peer, .proven = proof.proven, .why = proof.why,
		.peer_seq = st ? st->seq : 0,
		.peer_head = st ? st->head : "",
		.peer_state = st ? guard_state_name(st->guard.state) : NULL,
		.user = user, .uid = uid };
	if (record_failover(w, &f) == -1)
		log_warnx("pair: the failover record is not on disk");
	if (step.take_over || st == NULL) {
		log_warnx("pair: %s: %s; taking over", step.why, proof.why);
		takeover_failover(w, proof.why[0] ? proof.why : step.why,
		    user);
		return;
	}
	log_warnx("pair: the peer %s's state (seq %llu) is proven: taking "
	    "it on", proof.peer, (unsigned long long)st->seq);
	alarms_adopt(w, st->holds, st->n_holds);
	if (st->guard.state == GUARD_STATE_TAKEOVER) {
		takeover_adopt(w, &st->guard, proof.peer, user);
		return;
	}
	if (takeover_state(w) != GUARD_STATE_TAKEOVER)
		return;
	/* The peer was released by a person; this node's own latch goes
	 * only as a release would: not while a trip of its own holds. */
	snprintf(reason, sizeof reason, "failover: peer %s was in AUTO%s%s",
	    proof.peer, st->who[0] ? ", released by " : "", st->who);
	if (takeover_release(w, user, uid, "failover", reason, err) == -1)
		log_warnx("pair: this node stays in TAKEOVER: %s", err);
}

/*
 * Into the role now set, from `from`. Becoming active: the devices
 * writable first, so that a takeover drives the safe state once it is
 * on disk (takeover.c); a takeover the standby already held is on disk
 * and driven at once. At start-up (starting) wardend drives and listens
 * itself.
 */
static void
pair_become(struct warden *w, enum pair_role from, const char *user,
    uint32_t uid, int starting)
{
	char err[ERR_LEN];
	int held;

	if (w->pair->link != NULL)
		pair_link_role(w->pair->link, w->pair->now.role);
	if (!pair_role_serves(w->pair->now.role)) {
		pair_stand_by(w);
		return;
	}
	held = takeover_state(w) == GUARD_STATE_TAKEOVER;
	devices_read_only(w->devices, 0);
	pair_take_on(w, from, user, uid);
	if (starting)
		return;
	if (held && !safestate_active(w->safestate))
		safestate_start(w->safestate);
	if (!listener_is_open(w->clients) &&
	    listener_open(w->clients, err) == -1)
		log_warnx("role active: %s", err);
	if (w->pair->link != NULL)
		pair_link_changed(w->pair->link);
}

/* The restart's wait is over and no active peer spoke: this node is the
 * active one again, as its role file says. */
static void
pair_resume_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
	struct warden *w = t->data;
	char err[ERR_LEN];

	(void)loop;
	(void)revents;
	log_warnx("pair: no active peer heard: active again, as before "
	    "the restart");
	if (pair_set_role(w, PAIR_ROLE_ACTIVE, "restart", 0, err) == -1)
		log_warnx("pair: %s", err);
}

/* pair_peer_fn: an active peer spoke. A restart waiting stays standby. */
static void
pair_peer_active(struct warden *w)
{
	char err[ERR_LEN];

	if (!ev_is_active(&w->pair->resume))
		return;
	ev_timer_stop(w->loop, &w->pair->resume);
	log_warnx("pair: the peer is active: this node stays standby");
	/* The role file still says active: the change is saved and on
	 * the record like any other. */
	w->pair->now.role = PAIR_ROLE_ACTIVE;
	if (pair_set_role(w, PAIR_ROLE_STANDBY, "restart", 0, err) == -1)
		log_warnx("pair: %s", err);
}

int
pair_start(struct warden *w, char err[ERR_LEN])
{
	const struct config_pair *cfg = &w->cfg->pair;
	struct pair_role_saved *now;
	char why[ERR_LEN];
	int loaded;

	if (!cfg->enabled)
		return 0;
	if ((w->pair = calloc(1, sizeof *w->pair)) == NULL) {
		errmsg_set(err, "out of memory");
		return -1;
	}
	now = &w->pair->now;
	loaded = pair_load(w->cfg->state_dir, now, why);
	if (loaded == -1)
		log_warnx("pair: %s; starting standby", why);
	if (loaded != 0) {
		now->role = loaded == 1 && cfg->start_active ?
		    PAIR_ROLE_ACTIVE : PAIR_ROLE_STANDBY;
		now->since = ev_now(w->loop);
		snprintf(now->who, sizeof now->who, "%s", loaded == 1 ?
		    "initial_role" : "corrupt role file");
	}
	ev_timer_init(&w->pair->resume, pair_resume_cb, cfg->peer_timeout,
	    0.);
	w->pair->resume.data = w;
	if ((w->pair->link = pair_link_start(w, pair_peer_active,
	    why)) == NULL) {
		errmsg_set(err, "pair link: %s", why);
		return -1;
	}
	/* The peer may be active already (it took over while this node
	 * was down, or started first): a node that would start active
	 * waits as standby for peer_timeout to hear it. */
	if (now->role == PAIR_ROLE_ACTIVE) {
		log_info("pair: node %s would start active: standby until "
		    "the peer is heard, at most %.1f s", cfg->node,
		    cfg->peer_timeout);
		now->role = PAIR_ROLE_STANDBY;
		ev_timer_start(w->loop, &w->pair->resume);
	}
	log_info("pair: node %s starts %s (%s)", cfg->node,
	    pair_role_name(now->role), now->who);
	pair_become(w, PAIR_ROLE_STANDBY, NULL, 0, 1);
	return 0;
}

void
pair_stop(struct warden *w)
{
	if (w->pair == NULL)
		return;
	ev_timer_stop(w->loop, &w->pair->resume);
	pair_link_stop(w->pair->link);
	free(w->pair);
	w->pair = NULL;
}

enum pair_role
pair_role(const struct warden *w)
{
	return w->pair ? w->pair->now.role : PAIR_ROLE_ACTIVE;
}

double
pair_since(const struct warden *w)
{
	return w->pair ? w->pair->now.since : 0;
}

const struct health_mark *
pair_save_health(const struct warden *w)
{
	return w->pair ? &w->pair->saved : NULL;
}

int
pair_set_role(struct warden *w, enum pair_role to, const char *user,
    uint32_t uid, char err[ERR_LEN])
{
	struct pair_role_saved next;
	enum pair_role from;
	int rc;

	if (w->pair == NULL) {
		errmsg_set(err, "no pair: in warden.yaml: this node is not "
		    "one of a pair, and always active");
		return -1;
	}
	from = w->pair->now.role;
	if (from == to)
		return 0;
	next.role = to;
	next.since = ev_now(w->loop);
	snprintf(next.who, sizeof next.who, "%s", user);
	if (record_role_changed(w, w->cfg->pair.node, pair_role_name(from),
	    pair_role_name(to), user, uid) == -1) {
		errmsg_set(err, "the role_changed record is not on disk (see "
		    "wardend's log); the role stays %s", pair_role_name(from));
		return -1;
	}
	rc = pair_save(w->cfg->state_dir, &next, err);
	health_mark_outcome(&w->pair->saved, ev_now(w->loop),
	    rc == -1 ? err : NULL);
	if (rc == -1) {
		log_warnx("pair: %s", err);
		errmsg_set(err, "the role file is not on disk (see wardend's "
		    "log); the role stays %s", pair_role_name(from));
		return -1;
	}
	log_warnx("pair: role %s -> %s by %s", pair_role_name(from),
	    pair_role_name(to), user);
	w->pair->now = next;
	ev_timer_stop(w->loop, &w->pair->resume);
	pair_become(w, from, user, uid, 0);
	return 0;
}

void
pair_changed(struct warden *w)
{
	if (w->pair != NULL && w->pair->link != NULL)
		pair_link_changed(w->pair->link);
}

void
pair_sync(struct warden *w, pair_synced_fn *done, void *ctx)
{
	if (w->pair == NULL || w->pair->link == NULL) {
		done(ctx, NULL);
		return;
	}
	pair_link_sync(w->pair->link, done, ctx);
}

int
pair_link_status(const struct warden *w, struct pair_link_view *out)
{
	if (w->pair == NULL || w->pair->link == NULL)
		return -1;
	pair_link_view(w->pair->link, out);
	return 0;
}
