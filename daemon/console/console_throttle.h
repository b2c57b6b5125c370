/*
 * console_throttle.h: failed logins slowed down per source address,
 * without holding up anyone else.
 *
 * Each login attempt from a source takes a one-second turn: it is judged
 * no earlier than the end of the previous attempt's turn, so one source
 * gets at most one guess per second however many connections it opens,
 * and a wrong password is answered only when its turn ends (1 s). A
 * successful login frees the source's turns at once, so a user who
 * mistyped once waits one second, not more. An attempt that would have
 * to wait more than THROTTLE_WAIT_MAX is refused at once (HTTP 429).
 * Sources are kept up to THROTTLE_SOURCES; the one idle longest makes
 * room. Pure: time is an argument; the caller serialises access and does
 * the waiting.
 */
#ifndef WARDEN_CONSOLE_THROTTLE_H
#define WARDEN_CONSOLE_THROTTLE_H

#define THROTTLE_SOURCES 256
#define THROTTLE_SOURCE_LEN 64          /* an address as text */
#define THROTTLE_TURN 1.0               /* seconds per attempt */
#define THROTTLE_WAIT_MAX 10.0

struct throttle_source {
	char addr[THROTTLE_SOURCE_LEN];         /* "": a free entry */
	double next;                            /* the next turn starts */
	unsigned failures;                      /* since the last success */
};

struct throttle {
	struct throttle_source s[THROTTLE_SOURCES];
};

/*
 * An attempt from addr at now: its turn is booked, and the seconds it
 * must wait before it is judged returned (0: at once); -1 when that
 * would be more than THROTTLE_WAIT_MAX (nothing booked). *until: when
 * its turn ends, the earliest to answer a wrong password.
 */
double throttle_book(struct throttle *t, const char *addr, double now,
    double *until);
/* The attempt was wrong: counted (for the log). Returns the count. */
unsigned throttle_failed(struct throttle *t, const char *addr);
/* The attempt was right: the source's turns are free again. */
void throttle_succeeded(struct throttle *t, const char *addr, double now);

#endif
