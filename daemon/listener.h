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

struct warden;

/* Listen on w->cfg->listen: 0, or -1 with err. */
int listener_open(struct warden *w, char err[ERR_LEN]);
/* Stop listening (isolate: all, a reload, stopping); no-op when closed. */
void listener_close(struct warden *w);
int listener_is_open(const struct warden *w);

#endif
