/*
 * console_feed.h: the one connection on which wardend pushes its status
 * and audit records to the console ("subscribe", PROTO12), in a thread
 * of its own. It reconnects when wardend goes away, after 0.25 s, then
 * doubling up to 5 s, and tells the browsers meanwhile (state_link) why
 * the screen is not live.
 */
#ifndef WARDEN_CONSOLE_FEED_H
#define WARDEN_CONSOLE_FEED_H

#include "console_state.h"
#include "errmsg.h"

struct console_feed;

/* Start feeding st from the control socket at path. NULL with err when
 * the thread cannot start (an unreachable wardend is not an error). */
struct console_feed *feed_start(const char *path, struct console_state *st,
    char err[ERR_LEN]);
/* Stop the thread and wait for it; NULL does nothing. */
void feed_stop(struct console_feed *f);

#endif
