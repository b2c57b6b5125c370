/*
 * listener.h: the sockets clients connect to (listener.c), one acceptor
 * per listen: entry. Sources outside the entry's allow_from (or the
 * global one) and connections beyond max_clients are accepted and closed
 * at once, so the peer learns immediately rather than hanging in the
 * backlog; the others are handed to client.c with the entry's role.
 */
#ifndef WARDEN_LISTENER_H
#define WARDEN_LISTENER_H

#include "errmsg.h"

struct clients;
struct config;

/*
 * 0 when this wardend can open every listen: entry of cfg, or -1 with
 * err: a TLS entry, until the TLS transport is wired in.
 */
int listener_check(const struct config *cfg, char err[ERR_LEN]);
/* Listen on every listen: entry (all or none): 0, or -1 with err. */
int listener_open(struct clients *cs, char err[ERR_LEN]);
/* Stop listening (isolate: all, a reload, stopping); no-op when closed. */
void listener_close(struct clients *cs);
int listener_is_open(const struct clients *cs);

#endif
