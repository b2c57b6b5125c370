/*
 * console.h: warden-console's context, made by main() and handed to
 * every part that serves a request. The web server runs a thread per
 * connection; what they share is either read-only after start (opt) or
 * guards itself (state, sessions, pam) or is guarded here (throttle).
 */
#ifndef WARDEN_CONSOLE_H
#define WARDEN_CONSOLE_H

#include <pthread.h>

#include "console_opts.h"
#include "console_pam.h"
#include "console_session.h"
#include "console_state.h"
#include "console_throttle.h"

struct console {
	const struct console_opts *opt;
	struct console_state *state;    /* what wardend pushed */
	struct sessions *sessions;
	struct pam_auth pam;
	pthread_mutex_t throttle_lock;
	struct throttle throttle;       /* failed logins per source */
};

/* Now, epoch seconds (sessions, throttle and trend use the wall clock:
 * the trend's seconds are wardend's). */
double console_now(void);

#endif
