/*
 * pair_link.c: the takeover state replicated over the pair link
 * (pair.h). Whatever its role, a node sends its state (the latch, who
 * set it, the holds, its audit chain head) to the peer that dialled it:
 * at once on every change, and every pair.heartbeat besides. A node
 * that is not active dials its peer, acks every state, and keeps the
 * newest as its copy; what the copy proves is pair_role_proven()'s.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alarms.h"
#include "log.h"
#include "pair.h"
#include "pair_link.h"
#include "peer.h"
#include "peer_key.h"
#include "takeover.h"
#include "warden.h"

/* An operator's takeover waiting for the standby's ack. */
struct pair_wait {
	uint64_t seq;
	double deadline;
	pair_synced_fn *done;
	void *ctx;
	struct pair_wait *next;
};

struct pair_link {
	struct warden *w;
	struct peer *peer;
	ev_timer beat;
	/* What this node sends; now is the snapshot it is compared with
	 * (kept here: it is too large for the stack, and taken every
	 * heartbeat). */
	struct peer_state sent, now;
	uint64_t acked;
	struct pair_wait *waits;
	/* What a dialling node holds of its peer's. */
	struct pair_copy copy;
	struct peer_state copied;
	char copied_node[CONFIG_NAME_MAX];
	pair_peer_fn *on_peer;
};

static int
pair_holds_same(const struct alarm_hold *a, const struct alarm_hold *b)
{
	return a->kind == b->kind && strcmp(a->source, b->source) == 0 &&
	    a->since == b->since && a->until == b->until &&
	    strcmp(a->user, b->user) == 0 && strcmp(a->reason, b->reason) == 0;
}

/* The same state, but for its seq and the chain head, which moves with
 * every record and is news only with the heartbeat. */
static int
pair_state_same(const struct peer_state *a, const struct peer_state *b)
{
	size_t i;

	if (a->role != b->role || a->guard.state != b->guard.state ||
	    a->guard.cause != b->guard.cause ||
	    a->guard.since != b->guard.since ||
	    strcmp(a->guard.reason, b->guard.reason) != 0 ||
	    strcmp(a->who, b->who) != 0 || a->n_holds != b->n_holds)
		return 0;
	for (i = 0; i < a->n_holds; i++)
		if (!pair_holds_same(&a->holds[i], &b->holds[i]))
			return 0;
	return 1;
}

static void
pair_snapshot(struct warden *w, struct peer_state *st)
{
	const struct alarm_table *t = alarms_table(w);
	const char *head = audit_last_hash(w->audit);

	memset(st, 0, sizeof *st);
	st->role = pair_role(w);
	takeover_persisted(w, &st->guard);
	snprintf(st->who, sizeof st->who, "%s", takeover_who(w));
	memcpy(st->holds, t->holds, t->n_holds * sizeof t->holds[0]);
	st->n_holds = t->n_holds;
	if (audit_last_seq(w->audit) > 0)
		snprintf(st->head, sizeof st->head, "%s", head);
}

/* The state as it is now, under a new seq when it changed; sent. */
static void
pair_link_send(struct pair_link *l)
{
	struct peer_state *now = &l->now;

	pair_snapshot(l->w, now);
	now->seq = l->sent.seq;
	if (now->seq == 0 || !pair_state_same(now, &l->sent))
		now->seq++;
	l->sent = *now;
	(void)peer_send(l->peer, l->w->cfg->pair.node, &l->sent);
}

static void
pair_waits_settle(struct pair_link *l, double now)
{
	struct pair_wait **pp = &l->waits, *wt;
	char why[ERR_LEN];

	while ((wt = *pp) != NULL) {
		if (l->acked >= wt->seq)
			why[0] = '\0';
		else if (peer_accepted(l->peer) == 0)
			errmsg_set(why, "no standby is connected");
		else if (now >= wt->deadline)
			errmsg_set(why, "the standby did not acknowledge it "
			    "within %.0f ms", l->w->cfg->pair.sync_timeout *
			    1e3);
		else {
			pp = &wt->next;
			continue;
		}
		*pp = wt->next;
		wt->done(wt->ctx, why[0] ? why : NULL);
		free(wt);
	}
}

static void
pair_beat_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
	struct pair_link *l = t->data;

	(void)revents;
	pair_link_send(l);
	pair_waits_settle(l, ev_now(loop));
}

/* peer_events */
static void
pair_joined(void *ctx)
{
	struct pair_link *l = ctx;

	pair_link_send(l);
}

static void
pair_acked(void *ctx, const char *node, uint64_t seq)
{
	struct pair_link *l = ctx;

	(void)node;
	if (seq <= l->sent.seq && seq > l->acked)
		l->acked = seq;
	pair_waits_settle(l, ev_now(l->w->loop));
}

static void
pair_state(void *ctx, const struct peer_msg *m)
{
	struct pair_link *l = ctx;
	int was_active = l->copy.link == PAIR_LINK_LIVE &&
	    l->copy.peer_active;

	if (strcmp(m->node, l->w->cfg->pair.node) == 0) {
		log_warnx("pair link: the peer is named %s too: check "
		    "pair.node and pair.peer", m->node);
		return;
	}
	l->copied = m->state;
	snprintf(l->copied_node, sizeof l->copied_node, "%s", m->node);
	l->copy.link = PAIR_LINK_LIVE;
	l->copy.peer_active = pair_role_serves(m->state.role);
	l->copy.heard = ev_now(l->w->loop);
	peer_ack(l->peer, l->w->cfg->pair.node, m->state.seq);
	if (l->on_peer != NULL && l->copy.peer_active && !was_active)
		l->on_peer(l->w);
}

static void
pair_up(void *ctx)
{
	(void)ctx;
	log_info("pair link: connected to the peer");
}

static void
pair_down(void *ctx, enum peer_end how, const char *why)
{
	struct pair_link *l = ctx;
	struct pair_copy *c = &l->copy;
	double now = ev_now(l->w->loop);

	if (how == PEER_END_GONE) {
		/* A redial refused after the end changes nothing: the
		 * copy stays what the end left. */
		if (c->link == PAIR_LINK_LIVE) {
			c->ended_in_sync = now - c->heard <=
			    l->w->cfg->pair.peer_timeout;
			c->link = PAIR_LINK_GONE;
			log_warnx("pair link: the peer's wardend is gone "
			    "(%s); its last state, seq %llu, is kept", why,
			    (unsigned long long)l->copied.seq);
		}
		return;
	}
	if (c->link == PAIR_LINK_LIVE || c->link == PAIR_LINK_GONE)
		log_warnx("pair link: lost (%s): the peer's state is no "
		    "longer proven", why);
	if (c->link != PAIR_LINK_NONE)
		c->link = PAIR_LINK_LOST;
}

static const struct peer_events pair_peer_events = {
	.joined = pair_joined,
	.acked = pair_acked,
	.state = pair_state,
	.up = pair_up,
	.down = pair_down,
};

struct pair_link *
pair_link_start(struct warden *w, pair_peer_fn *on_peer, char err[ERR_LEN])
{
	const struct config_pair *cfg = &w->cfg->pair;
	unsigned char key[PEER_KEY_MAX];
	struct peer_opts o;
	struct pair_link *l;

	memset(&o, 0, sizeof o);
	if (peer_key_load(cfg->key_file, key, &o.keylen, err) == -1 ||
	    net_resolve(cfg->listen.host, cfg->listen.port, &o.listen,
	    err) == -1 ||
	    net_resolve(cfg->peer.host, cfg->peer.port, &o.dial, err) == -1)
		return NULL;
	o.key = key;
	o.timeout = cfg->peer_timeout;
	if ((l = calloc(1, sizeof *l)) == NULL) {
		errmsg_set(err, "out of memory");
		return NULL;
	}
	l->w = w;
	l->on_peer = on_peer;
	l->peer = peer_new(w->streams, &o, &pair_peer_events, l, err);
	memset(key, 0, sizeof key);
	if (l->peer == NULL) {
		free(l);
		return NULL;
	}
	ev_timer_init(&l->beat, pair_beat_cb, cfg->heartbeat, cfg->heartbeat);
	l->beat.data = l;
	ev_timer_start(w->loop, &l->beat);
	return l;
}

void
pair_link_stop(struct pair_link *l)
{
	struct pair_wait *wt;

	if (l == NULL)
		return;
	ev_timer_stop(l->w->loop, &l->beat);
	while ((wt = l->waits) != NULL) {
		l->waits = wt->next;
		wt->done(wt->ctx, "wardend stops");
		free(wt);
	}
	peer_free(l->peer);
	free(l);
}

void
pair_link_role(struct pair_link *l, enum pair_role role)
{
	peer_dial(l->peer, !pair_role_serves(role));
	/* The peer hears of the new role now, not a heartbeat later. */
	pair_link_send(l);
}

void
pair_link_changed(struct pair_link *l)
{
	pair_link_send(l);
}

void
pair_link_sync(struct pair_link *l, pair_synced_fn *done, void *ctx)
{
	struct pair_wait *wt;

	pair_link_send(l);
	if (peer_accepted(l->peer) == 0) {
		done(ctx, "no standby is connected");
		return;
	}
	if ((wt = calloc(1, sizeof *wt)) == NULL) {
		done(ctx, "out of memory");
		return;
	}
	wt->seq = l->sent.seq;
	wt->deadline = ev_now(l->w->loop) + l->w->cfg->pair.sync_timeout;
	wt->done = done;
	wt->ctx = ctx;
	wt->next = l->waits;
	l->waits = wt;
	pair_waits_settle(l, ev_now(l->w->loop));
}

int
pair_link_proof(const struct pair_link *l, struct pair_proof *out)
{
	memset(out, 0, sizeof *out);
	out->have = l->copy.link != PAIR_LINK_NONE;
	snprintf(out->peer, sizeof out->peer, "%s", l->copied_node);
	out->state = &l->copied;
	out->proven = pair_role_proven(&l->copy, ev_now(l->w->loop),
	    l->w->cfg->pair.peer_timeout, out->why);
	return out->proven;
}

void
pair_link_view(const struct pair_link *l, struct pair_link_view *out)
{
	static const char *const names[] = { "none", "live", "gone",
	    "lost" };

	out->link = names[l->copy.link];
	out->accepted = peer_accepted(l->peer);
	out->dialled = peer_dialled(l->peer);
	out->seq = l->sent.seq;
	out->acked = l->acked;
	out->peer_seq = l->copied.seq;
	out->heard = l->copy.heard;
}
