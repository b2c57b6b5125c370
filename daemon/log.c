/*
 * log.c: in the manner of OpenBSD's log.c. The three settings below are
 * written once by log_init() before the loop starts and only read after,
 * so they are configuration rather than shared mutable state.
 */
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

static int log_to_stderr = 1;
static int log_verbose;
static const char *log_ident = "warden";

void
log_init(const char *ident, int foreground, int verbose)
{
	log_ident = ident;
	log_to_stderr = foreground;
	log_verbose = verbose;
	if (!foreground)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

static void __attribute__((format(printf, 3, 0)))
log_vwrite(int priority, const char *errstr, const char *fmt, va_list ap)
{
	char msg[1024];
	int saved_errno = errno;

	vsnprintf(msg, sizeof msg, fmt, ap);
	if (log_to_stderr) {
		struct timespec ts;
		struct tm tm;
		char when[32];

		clock_gettime(CLOCK_REALTIME, &ts);
		gmtime_r(&ts.tv_sec, &tm);
		strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
		if (errstr != NULL)
			fprintf(stderr, "%s.%03ldZ %s: %s: %s\n", when,
			    ts.tv_nsec / 1000000, log_ident, msg, errstr);
		else
			fprintf(stderr, "%s.%03ldZ %s: %s\n", when,
			    ts.tv_nsec / 1000000, log_ident, msg);
	} else if (errstr != NULL)
		syslog(priority, "%s: %s", msg, errstr);
	else
		syslog(priority, "%s", msg);
	errno = saved_errno;
}

void
log_warn(const char *fmt, ...)
{
	va_list ap;
	const char *errstr = strerror(errno);

	va_start(ap, fmt);
	log_vwrite(LOG_ERR, errstr, fmt, ap);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vwrite(LOG_ERR, NULL, fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vwrite(LOG_INFO, NULL, fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list ap;

	if (!log_verbose)
		return;
	va_start(ap, fmt);
	log_vwrite(LOG_DEBUG, NULL, fmt, ap);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list ap;
	const char *errstr = strerror(errno);

	va_start(ap, fmt);
	log_vwrite(LOG_CRIT, errstr, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vwrite(LOG_CRIT, NULL, fmt, ap);
	va_end(ap);
	exit(1);
}

#define LOG_BUDGET_LIMIT 10
#define LOG_BUDGET_WINDOW 10.0

int
log_budget_allow(struct log_budget *b, double now)
{
	if (now - b->window_start >= LOG_BUDGET_WINDOW) {
		if (b->suppressed > 0)
			log_warnx("%u similar messages suppressed in the last "
			    "%.0f s", b->suppressed, LOG_BUDGET_WINDOW);
		b->window_start = now;
		b->used = 0;
		b->suppressed = 0;
	}
	if (b->used < LOG_BUDGET_LIMIT) {
		b->used++;
		return 1;
	}
	b->suppressed++;
	return 0;
}
