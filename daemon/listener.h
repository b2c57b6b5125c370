/*
 * listener.h: the socket the AI connects to (listener.c), the AI
 * endpoint's acceptor. Sources outside allow_from and connections beyond
 * max_clients are accepted and closed at once, so the peer learns
 * immediately rather than hanging in the backlog; the others are handed
 * to client.c.
 */
#ifndef WARDEN_LISTENER_H
#define WARDEN_LISTENER_H

#include "errmsg.h"

struct clients;

/* Listen on the config's listen: 0, or -1 with err. */
int listener_open(struct clients *cs, char err[ERR_LEN]);
/* Stop listening (isolate: all, a reload, stopping); no-op when closed. */
void listener_close(struct clients *cs);
int listener_is_open(const struct clients *cs);

#endif
