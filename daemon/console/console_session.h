/*
 * console_session.h: who is logged in. A session is a random id (the
 * cookie) and a random CSRF token (sent back with every form), both 32
 * bytes from getrandom() as hex, compared in constant time. Sessions
 * live in memory only: a console restart ends every one of them, and an
 * old cookie is then refused as unknown. A session ends after idle
 * seconds without a request, after CONSOLE_MAX_SESSION whatever it
 * does, or at logout. Thread-safe (the web server runs a thread per
 * connection); time is an argument.
 */
#ifndef WARDEN_CONSOLE_SESSION_H
#define WARDEN_CONSOLE_SESSION_H

#include <stddef.h>

#include "errmsg.h"

#define SESSION_MAX 256
#define SESSION_TOKEN_LEN 64            /* hex characters */
#define SESSION_USER_MAX 64
#define SESSION_GROUPS_MAX 32
#define SESSION_GROUP_LEN 64

/* Rights, as wardend's "rights" answer names them. */
#define RIGHT_VIEW 0x1u
#define RIGHT_TAKEOVER 0x2u
#define RIGHT_RELEASE 0x4u
#define RIGHT_RELOAD 0x8u

/* The logged-in user as wardend is told about it ("as"). */
struct session_user {
	char user[SESSION_USER_MAX];
	char groups[SESSION_GROUPS_MAX][SESSION_GROUP_LEN];
	size_t n_groups;
	unsigned rights;                /* RIGHT_*, wardend's answer */
};

struct session_info {
	struct session_user who;
	char csrf[SESSION_TOKEN_LEN + 1];
	double expires;                 /* idle end, or the absolute end */
};

struct sessions;

struct sessions *sessions_new(double idle, double max_age);
void sessions_free(struct sessions *s);

/* A new session for who: 0 and its id (the cookie) in id, its token in
 * info; -1 with err when the table is full or no randomness. */
int sessions_create(struct sessions *s, const struct session_user *who,
    double now, char id[SESSION_TOKEN_LEN + 1], struct session_info *info,
    char err[ERR_LEN]);
/* The live session of id, touched (its idle time starts again) when
 * touch: 0 and a copy in *info; -1 when unknown or expired (then
 * forgotten). */
int sessions_find(struct sessions *s, const char *id, double now,
    int touch, struct session_info *info);
/* Logout: 0 when the session was there. */
int sessions_end(struct sessions *s, const char *id);

/* 1 when a and b are the same token (a constant-time compare of
 * SESSION_TOKEN_LEN characters; anything of another length: 0). */
int session_token_equal(const char *a, const char *b);

/* RIGHT_* for "view" ...; 0 for an unknown name. */
unsigned session_right_bit(const char *name);

#endif
