/*
 * pair_link.h: the takeover state replicated between the nodes of a
 * pair (pair_link.c), part of pair.c's module: pair.c starts it, tells
 * it the role, and asks it for the proof when this node becomes active.
 *
 * The link (peer.h) is TLS 1.3 with the pair's pre-shared key,
 * pair.key_file: a key file is simpler to provision and rotate on two
 * machines than a CA and two certificates, cannot expire unnoticed in
 * the middle of a failover, and TLS still authenticates both ends (only
 * holders of the key complete the handshake), keeps the messages
 * whole, in order and secret.
 */
#ifndef WARDEN_PAIR_LINK_H
#define WARDEN_PAIR_LINK_H

#include <stdint.h>

#include "errmsg.h"
#include "pair_role.h"
#include "peer_proto.h"

struct warden;
struct pair_link;

/* The dialled peer has become (or been found) active. */
typedef void pair_peer_fn(struct warden *w);
/* A sync ended: err NULL when the standby acked, else why not. */
typedef void pair_synced_fn(void *ctx, const char *err);

/* Listening and beating at once; NULL with err (the key file, the
 * addresses, the port taken). */
struct pair_link *pair_link_start(struct warden *w, pair_peer_fn *on_peer,
    char err[ERR_LEN]);
void pair_link_stop(struct pair_link *l);
/* This node's role changed: a node that is not active dials its peer. */
void pair_link_role(struct pair_link *l, enum pair_role role);
/* The latch or the holds may have changed: sent at once if so. */
void pair_link_changed(struct pair_link *l);
/* Sent at once, and done() once the standby acked it, or sync_timeout
 * passed, or no standby is connected. */
void pair_link_sync(struct pair_link *l, pair_synced_fn *done, void *ctx);

/* What this node holds of its peer's state, and whether it is proven. */
struct pair_proof {
	int have;                       /* some state came since start */
	int proven;
	char why[ERR_LEN];              /* not proven: why */
	char peer[CONFIG_NAME_MAX];     /* the peer's node name, or "" */
	const struct peer_state *state; /* the newest state it sent */
};
int pair_link_proof(const struct pair_link *l, struct pair_proof *out);

/* For status. */
struct pair_link_view {
	const char *link;               /* none, live, gone, lost */
	int accepted;                   /* peers receiving this node's state */
	int dialled;                    /* connected to the peer's */
	uint64_t seq, acked;            /* sent, and acked by the peer */
	uint64_t peer_seq;              /* the newest of the peer's */
	double heard;                   /* when it came */
};
void pair_link_view(const struct pair_link *l, struct pair_link_view *out);

#endif
