/*
 * pair_role.h: this node's role in a redundant pair (issue 14), pure.
 *
 * Two wardend nodes share one warden.yaml; keepalived (VRRP) moves the
 * virtual address between them and, through its notify script, tells
 * each its role: active (it holds the address: the AI's requests are
 * served and the devices written), standby (the address is the peer's:
 * AI requests refused, nothing written to a device, wardend's own polls
 * go on read-only so that its monitor state is warm) or fault
 * (keepalived's FAULT: this node is unfit; treated as standby).
 *
 * The one rule that makes the pair fail safe: a node that becomes
 * active and cannot prove it holds its peer's latest takeover state
 * (AUTO/TAKEOVER, shelves, bypasses) starts in TAKEOVER, cause failover.
 * The proof (pair_role_proven()) is the pair link's: the active peer
 * sends every change before it answers the operator, and a heartbeat
 * besides; the copy a standby holds is the latest while the link is
 * live, or once the peer's wardend is known to have stopped.
 *
 * The role is kept in state_dir/role, sealed text (sealed.h), written
 * before the new role takes effect:
 *
 *   warden-role 1
 *   role standby
 *   since 2026-12-06T03:00:00.250000Z
 *   who root
 *   sha256 <64 lowercase hex digits>
 *
 * who escapes as the state file's reason does (statefile.h).
 */
#ifndef WARDEN_PAIR_ROLE_H
#define WARDEN_PAIR_ROLE_H

#include <stddef.h>

#include "errmsg.h"

enum pair_role {
	PAIR_ROLE_ACTIVE,
	PAIR_ROLE_STANDBY,
	PAIR_ROLE_FAULT,
};
#define PAIR_ROLE_COUNT 3

const char *pair_role_name(enum pair_role role);
/* The role named, or -1 when name is none of them. */
int pair_role_from_name(const char *name);
/* 1 when a node in this role serves the AI and writes to devices (only
 * active); 0 when it must refuse and only poll. */
int pair_role_serves(enum pair_role role);

/* What a change of role asks of the gateway. */
struct pair_role_step {
	int changed;            /* 0: already in that role, nothing to do */
	int take_over;          /* 1: TAKEOVER, cause failover, before the
				 * first AI request is served */
	const char *why;        /* with take_over: the audit's reason */
};

/*
 * From role from to role to, peer_proven 1 when this node can prove it
 * holds the peer's latest state (pair_role_proven()). Becoming active
 * from standby or fault without that proof takes over.
 */
void pair_role_step(enum pair_role from, enum pair_role to, int peer_proven,
    struct pair_role_step *out);

/* How the pair link to the peer stands, as a standby that dials sees it
 * (peer.h). */
enum pair_link_state {
	PAIR_LINK_NONE,         /* no state from the peer since start */
	PAIR_LINK_LIVE,         /* connected; heard as the last state says */
	PAIR_LINK_GONE,         /* the peer's wardend closed the link or
				 * refuses it: not running */
	PAIR_LINK_LOST,         /* silent, unreachable: it may be acting */
};

/* What a standby knows of its copy of the peer's state. */
struct pair_copy {
	enum pair_link_state link;
	int peer_active;        /* the last state came from an active peer */
	int ended_in_sync;      /* GONE: the link was live and current when
				 * it ended */
	double heard;           /* when the last state came */
};

/*
 * Whether the copy is the peer's latest state at now: an active peer's,
 * and either live (a state heard within timeout: every change is sent
 * at once, and a heartbeat besides) or gone after a live link (a
 * wardend that does not run changes nothing). 1, or 0 with why saying
 * what is missing, for the audit.
 */
int pair_role_proven(const struct pair_copy *c, double now, double timeout,
    char why[ERR_LEN]);

/* The role file's content. */
#define PAIR_ROLE_FILE "role"
#define PAIR_ROLE_MAX 1024
#define PAIR_ROLE_WHO_MAX 128
struct pair_role_saved {
	enum pair_role role;
	double since;                   /* seconds since the epoch */
	char who[PAIR_ROLE_WHO_MAX];    /* who set it: a user, "config" */
};
/* The file's bytes for st into buf; its length, or 0 when size is too
 * small or since is beyond year 9999. */
size_t pair_role_format(const struct pair_role_saved *st, char *buf,
    size_t size);
/* Parse a file's bytes: 0, or -1 with err saying what is wrong. What
 * parses, pair_role_format() writes back. */
int pair_role_parse(const char *buf, size_t len, struct pair_role_saved *out,
    char err[ERR_LEN]);

#endif
