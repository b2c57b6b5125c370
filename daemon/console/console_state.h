/*
 * console_state.h: what the console knows of wardend, shared by the feed
 * thread that writes it and the web connections that read it: the last
 * status wardend pushed (its line as sent), the newest audit records,
 * whether the feed is connected (and why not), and the trend rings.
 *
 * A reader keeps a cursor and asks for what is newer than it
 * (state_wait): the status only when it changed, the audit records it
 * has not seen (up to STATE_AUDIT_KEEP), the link when it went up or
 * down. So a slow browser skips to the newest status instead of
 * queueing old ones. Thread-safe.
 */
#ifndef WARDEN_CONSOLE_STATE_H
#define WARDEN_CONSOLE_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "json.h"

/* Audit records kept for a browser that connects. */
#define STATE_AUDIT_KEEP 50

struct console_state;

struct state_cursor {
	uint64_t status;        /* 0: nothing seen yet */
	uint64_t audit;         /* the sequence of the newest record seen */
	uint64_t link;
};

struct console_state *state_new(void);
void state_free(struct console_state *st);

/* A line wardend pushed ({"push":"status",...} or "audit"), at now
 * (epoch seconds). Lines of other kinds are ignored. */
void state_push(struct console_state *st, const char *line, size_t len,
    double now);
/* The feed connected (why NULL) or lost wardend (why says so). */
void state_link(struct console_state *st, const char *why);
/* Wake every reader for good: the console stops. */
void state_stop(struct console_state *st);

/*
 * Wait up to timeout_ms for anything newer than *c; append it to out as
 * Server-Sent Events ("event: status", "audit", "link") and move *c on.
 * Returns 1 when something was appended, 0 after the timeout, -1 when
 * the console stops.
 */
int state_wait(struct console_state *st, struct state_cursor *c,
    int timeout_ms, struct buf *out);

/* The trend of point over the last hour as a JSON object into out:
 * {"point":..,"now":..,"t":[seconds...],"v":[values...]}. */
void state_trend(struct console_state *st, const char *point, double now,
    struct json *out);

#endif
