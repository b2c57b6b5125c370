/*
 * ops.h: what an operator can ask of the running gateway. control.c
 * receives the request on the unix socket, establishes who is asking
 * (SO_PEERCRED, never the message) and calls these; the daemon (ops.c)
 * carries them out. Each writes its whole answer object into `out`.
 */
#ifndef WARDEN_OPS_H
#define WARDEN_OPS_H

#include <sys/types.h>

#include "json.h"

struct warden;

/* Who is asking, from the socket's peer credentials. */
struct ops_caller {
	uid_t uid;
	gid_t gid;
	pid_t pid;
	char user[64];          /* getpwuid name, or the uid as text */
};

/*
 * Each returns 0 when done, 1 when refused (the answer says why and the
 * refusal is audited). The answer object has "ok" (bool) and, when
 * refused, "error" (a sentence for the operator); status adds state,
 * cause, reason, since, mode, alarms, trips, safe_state, devices, points
 * and counters, the snapshot of status.h (tests/integration/status_shape.c
 * pins down their shapes, tests/unit/test_status.c their bytes), and
 * answers ok false only when out of memory.
 *
 * ops_takeover returns OPS_PENDING instead of 0: AI writes are refused
 * already, and nothing is in out yet. The operator is told "done" only
 * once the takeover's record and state are on disk (durable.c), or the
 * wait for them has given up: ops_takeover_answer() writes that answer.
 */
#define OPS_PENDING 2
int ops_status(struct warden *w, const struct ops_caller *who,
    struct json *out);
int ops_takeover(struct warden *w, const struct ops_caller *who,
    const char *reason, struct json *out);
/* err NULL: on disk; else ok with "warning": err, and what it means. */
void ops_takeover_answer(struct json *out, const char *err);
int ops_release(struct warden *w, const struct ops_caller *who,
    const char *reason, struct json *out);
int ops_reload(struct warden *w, const struct ops_caller *who,
    struct json *out);
/*
 * A command outside the caller's rights, or one not understood: audited
 * as command_denied, answered with ok false. right: the right it needed
 * (NULL when not understood); suppressed: refusals answered but left out
 * of the audit (a budget, control.c) since the last one recorded.
 */
void ops_denied(struct warden *w, const struct ops_caller *who,
    const char *command, const char *right, const char *why,
    unsigned suppressed, struct json *out);

#endif
