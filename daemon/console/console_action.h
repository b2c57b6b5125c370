/*
 * console_action.h: the browser's requests turned into wardend's, and
 * wardend's answers read back. Pure: no I/O.
 *
 * The browser sends one JSON object per action:
 *   {"csrf":"...","cmd":"takeover","reason":"..."}
 *   {"csrf":"...","cmd":"shelve","point":"level","for":1800,"reason":"..."}
 * The console checks its shape only (which commands, which members,
 * their types and sizes), never whether the user may: every request
 * goes to wardend with "as" (the logged-in user and its groups), and
 * wardend decides, audits and answers; its refusal is shown as it is.
 */
#ifndef WARDEN_CONSOLE_ACTION_H
#define WARDEN_CONSOLE_ACTION_H

#include "console_session.h"
#include "errmsg.h"
#include "json.h"

/* The longest point name the console passes on. */
#define ACTION_POINT_MAX 64
/* The longest hold it passes on (wardend's own limit is lower). */
#define ACTION_FOR_MAX (7 * 24 * 3600)

/* {"cmd":"rights","as":{...}} for who, without newline. */
void action_rights_request(const struct session_user *who,
    struct json *out);

/* {"cmd":"login"|"login_failed","as":{...},"reason":...} for wardend's
 * audit: who logged in (ok) or whose login was refused (its name only;
 * why and from where in reason). */
void action_login_request(const struct session_user *who, int ok,
    const char *reason, struct json *out);

/*
 * The request line for wardend (without newline) from the browser's
 * object body, acting as who. 0, or -1 with a sentence in err for an
 * HTTP 400 (nothing is sent).
 */
int action_request(const struct json_value *body,
    const struct session_user *who, struct json *out, char err[ERR_LEN]);

/*
 * wardend's answer line: 1 when ok, 0 when refused (err: wardend's
 * sentence), -1 when it is not an answer (err says so).
 */
int action_answer(const char *line, size_t len, char err[ERR_LEN]);

/* The rights in an ok answer to "rights", as RIGHT_* bits. */
unsigned action_rights(const char *line, size_t len);

#endif
