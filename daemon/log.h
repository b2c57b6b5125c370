/*
 * log.h: one line per event, to stderr in the foreground and to syslog
 * otherwise. errno is preserved across every call.
 */
#ifndef WARDEN_LOG_H
#define WARDEN_LOG_H

#include <stdarg.h>

void log_init(const char *ident, int foreground, int verbose);
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fatal(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));
void fatalx(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

/*
 * A budget for messages a peer can provoke (malformed frames, refused
 * connections): at most `limit` per window, then one line saying how many
 * were suppressed. Lives in the daemon's context, not here.
 */
struct log_budget {
	double window_start;
	unsigned used;
	unsigned suppressed;
};

int log_budget_allow(struct log_budget *b, double now);

#endif
