/*
 * console_pam.h: is this the plant account's password, and which groups
 * is the user in. The console decides neither rights nor anything else
 * from them: the groups go to wardend ("as"), which decides.
 *
 * PAM runs the service's stack (/etc/pam.d/SERVICE: auth, then
 * account), one attempt at a time (modules are not all thread-safe);
 * PAM's own delay after a failure is turned off, since the console
 * slows failures down per source itself (console_throttle.h) without
 * holding up other users. Run as an unprivileged user, pam_unix checks
 * passwords through its helper unix_chkpwd, which can read /etc/shadow
 * only when that user is in group shadow (warden-console(8)).
 */
#ifndef WARDEN_CONSOLE_PAM_H
#define WARDEN_CONSOLE_PAM_H

#include <pthread.h>

#include "console_session.h"
#include "errmsg.h"

/* PAM is asked one login at a time (lock): modules such as pam_unix use
 * getspnam() and friends, which are not reentrant. Held only while PAM
 * runs, its failure delay off, so a wrong password costs others
 * nothing. */
struct pam_auth {
	const char *service;            /* /etc/pam.d/SERVICE */
	pthread_mutex_t lock;
};

void pam_auth_init(struct pam_auth *a, const char *service);

/* A user name PAM is asked about: 1..32 of [A-Za-z0-9._-], not starting
 * with '-'. 1 when name is one. */
int pam_name_ok(const char *name);

/*
 * 0 when a's PAM service accepts user with password from rhost (the
 * browser's address, for PAM's log); -1 with err for the console's log
 * (never for the browser: it says whether the user exists).
 */
int pam_check(struct pam_auth *a, const char *user, const char *password,
    const char *rhost, char err[ERR_LEN]);

/* user's name and group names (primary first, as getgrouplist gives
 * them) into who; -1 with err when the user is not found. */
int pam_groups(const char *user, struct session_user *who,
    char err[ERR_LEN]);

#endif
