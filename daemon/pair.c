/*
 * pair.c: this node's role in a redundant pair, carried out (pair.h).
 * The rules are pair_role.c's; here the role file, its record, and the
 * listeners, devices and guard told.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include "device.h"
#include "listener.h"
#include "log.h"
#include "pair.h"
#include "record.h"
#include "safestate.h"
#include "statedir.h"
#include "takeover.h"
#include "warden.h"

struct pair {
	struct pair_role_saved now;
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
 * Into the role now set, from `from`. Becoming active: the devices
 * writable first, so that the takeover the fail-safe rule asks drives
 * the safe state once it is on disk (takeover.c); a takeover the
 * standby already held is on disk and driven at once. At start-up
 * (starting) wardend drives and listens itself.
 */
static void
pair_become(struct warden *w, enum pair_role from, const char *user,
    int starting)
{
	struct pair_role_step step;
	char err[ERR_LEN];
	int held;

	if (!pair_role_serves(w->pair->now.role)) {
		pair_stand_by(w);
		return;
	}
	held = takeover_state(w) == GUARD_STATE_TAKEOVER;
	devices_read_only(w->devices, 0);
	pair_role_step(from, w->pair->now.role, 0, &step);
	if (step.take_over) {
		log_warnx("pair: %s: taking over", step.why);
		takeover_failover(w, step.why, user);
	}
	if (starting)
		return;
	if (held && !safestate_active(w->safestate))
		safestate_start(w->safestate);
	if (!listener_is_open(w->clients) &&
	    listener_open(w->clients, err) == -1)
		log_warnx("role active: %s", err);
}

int
pair_start(struct warden *w)
{
	const struct config_pair *cfg = &w->cfg->pair;
	struct pair_role_saved *now;
	char err[ERR_LEN];
	int loaded;

	if (!cfg->enabled)
		return 0;
	if ((w->pair = calloc(1, sizeof *w->pair)) == NULL)
		return -1;
	now = &w->pair->now;
	loaded = pair_load(w->cfg->state_dir, now, err);
	if (loaded == -1)
		log_warnx("pair: %s; starting standby", err);
	if (loaded != 0) {
		now->role = loaded == 1 && cfg->start_active ?
		    PAIR_ROLE_ACTIVE : PAIR_ROLE_STANDBY;
		now->since = ev_now(w->loop);
		snprintf(now->who, sizeof now->who, "%s", loaded == 1 ?
		    "initial_role" : "corrupt role file");
	}
	log_info("pair: node %s starts %s (%s)", cfg->node,
	    pair_role_name(now->role), now->who);
	/* Whatever this node was before it stopped, its peer may have
	 * served since: starting active is a failover. */
	pair_become(w, PAIR_ROLE_STANDBY, NULL, 1);
	return 0;
}

void
pair_stop(struct warden *w)
{
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
	pair_become(w, from, user, 0);
	return 0;
}
