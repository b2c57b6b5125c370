/*
 * peer.h: the pair link's connections (endpoints layer), over TLS 1.3
 * with the pair's pre-shared key (tls.h's tls_psk); the messages are
 * peer_proto.h's, and what they mean is pair.c's.
 *
 * Every node listens on pair.listen: a connection accepted there is a
 * peer that wants this node's state; this node sends it (peer_send) and
 * hears acks back. A node that is not active also dials pair.peer and
 * keeps that connection up (peer_dial): on it come the peer's states,
 * each answered with an ack (peer_ack). Either side closes a connection
 * that stays silent for the timeout; the dialler redials.
 *
 * How a dialled connection ended is what pair.c's proof rests on:
 * - PEER_END_GONE: the peer's end closed it (end of stream, reset), or
 *   a redial is refused (nothing listens there): the peer's host is up
 *   and its wardend is not running, and a wardend that does not run
 *   changes no state.
 * - PEER_END_LOST: silence, a timeout, an unreachable host, a failed
 *   handshake, a message that does not parse: the peer may be running
 *   and acting, unheard.
 */
#ifndef WARDEN_PEER_H
#define WARDEN_PEER_H

#include <stddef.h>
#include <stdint.h>

#include "errmsg.h"
#include "net.h"
#include "peer_proto.h"

struct streams;
struct peer;

enum peer_end { PEER_END_GONE, PEER_END_LOST };

struct peer_events {
	/* A peer connected to our listener: send it the state now. */
	void (*joined)(void *ctx);
	/* An accepted peer acked seq. */
	void (*acked)(void *ctx, const char *node, uint64_t seq);
	/* The dialled peer sent its state (m->type PEER_MSG_STATE). */
	void (*state)(void *ctx, const struct peer_msg *m);
	/* The dialled connection is up (the handshake done). */
	void (*up)(void *ctx);
	/* The dialled connection ended, or a dial failed; why for the log. */
	void (*down)(void *ctx, enum peer_end how, const char *why);
};

struct peer_opts {
	struct net_addr listen;         /* pair.listen */
	struct net_addr dial;           /* pair.peer */
	const unsigned char *key;       /* pair.key_file's */
	size_t keylen;
	double timeout;                 /* pair.peer_timeout: silence */
};

/* Listening at once; NULL with err (the address taken, out of memory). */
struct peer *peer_new(struct streams *ss, const struct peer_opts *opts,
    const struct peer_events *events, void *ctx, char err[ERR_LEN]);
void peer_free(struct peer *p);
/* Keep a dialled connection up (on 1), redialling every
 * PEER_REDIAL seconds while it is down; or close it (0). */
#define PEER_REDIAL 0.2
void peer_dial(struct peer *p, int on);
/* The state to every accepted peer whose handshake is done: how many. */
int peer_send(struct peer *p, const char *node, const struct peer_state *st);
/* An ack of seq on the dialled connection, if it is up. */
void peer_ack(struct peer *p, const char *node, uint64_t seq);
/* Accepted peers up; the dialled connection up (0/1). */
int peer_accepted(const struct peer *p);
int peer_dialled(const struct peer *p);

#endif
