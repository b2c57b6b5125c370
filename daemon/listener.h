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
/*
 * Every TLS entry of the config in force reads its files (certificate,
 * key, CA, CRL) into its context now, all or none: at start, before
 * privileges are dropped, and at every reload (a new CRL, a renewed
 * certificate). New handshakes use them, open connections go on; the
 * contexts outlive the sockets, so listening again after an isolation
 * reads nothing. 0, or -1 with err (the old contexts stay when the
 * entries are the same).
 */
int listener_prepare(struct clients *cs, char err[ERR_LEN]);
/* Listen on every listen: entry (all or none), TLS entries with the
 * contexts listener_prepare() made (made now if there are none): 0, or
 * -1 with err. */
int listener_open(struct clients *cs, char err[ERR_LEN]);
/*
 * isolate: all, in TAKEOVER: the ai role's clients are closed and kept
 * out, the other roles' stay (their rights in a takeover are their
 * role's during_takeover:). The plain entries of role ai stop
 * listening; a TLS client whose role turns out to be ai is closed after
 * its handshake. listener_open() honours it until listener_admit_ai()
 * (the release) opens them again: 0, or -1 with err.
 */
void listener_isolate_ai(struct clients *cs);
int listener_admit_ai(struct clients *cs, char err[ERR_LEN]);
/* Stop listening (a reload, stopping); no-op when closed. */
void listener_close(struct clients *cs);
int listener_is_open(const struct clients *cs);

#endif
