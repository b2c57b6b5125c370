/*
 * listener.h: the sockets clients connect to (listener.c), one acceptor
 * per listen: entry. Sources outside the entry's allow_from (or the
 * global one) and connections beyond max_clients are accepted and closed
 * at once, so the peer learns immediately rather than hanging in the
 * backlog (at max_clients a client still in its TLS handshake is closed
 * first to make room); the others are handed to client.c with the
 * entry, and a TLS entry's context (tls.h).
 */
#ifndef WARDEN_LISTENER_H
#define WARDEN_LISTENER_H

#include "errmsg.h"

struct clients;
struct config;

/*
 * 0 when every TLS entry of cfg can be served (its certificate, key,
 * CA, CRL and ciphers load), or -1 with err naming the entry and what
 * to set: at start, wardend -t and before a reload swaps.
 */
int listener_check(const struct config *cfg, char err[ERR_LEN]);
/* A reload that keeps the entries: each TLS entry reads its files again
 * (a new CRL, a renewed certificate), all or none; new handshakes use
 * them, open connections go on. 0, or -1 with err. */
int listener_reload_tls(struct clients *cs, char err[ERR_LEN]);
/* Listen on every listen: entry (all or none): 0, or -1 with err. */
int listener_open(struct clients *cs, char err[ERR_LEN]);
/* Stop listening (isolate: all, a reload, stopping); no-op when closed. */
void listener_close(struct clients *cs);
int listener_is_open(const struct clients *cs);

#endif
