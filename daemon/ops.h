/*
 * ops.h: what an operator can ask of the running gateway, the operations
 * layer. control.c receives the request on the unix socket, establishes
 * who is asking (SO_PEERCRED, never the message) and hands it up through
 * the handlers ops_init() registers in w->ops; ops.c carries them out.
 * Each writes its whole answer object into `out`.
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
 * Each command returns 0 when done, -1 when refused (the answer says why
 * and the refusal is audited). The answer object has "ok" (bool) and,
 * when refused, "error" (a sentence for the operator); status adds state,
 * cause, reason, since, mode, alarms, trips, safe_state, devices, points
 * and counters, the snapshot of status.h (tests/integration/status_shape.c
 * pins down their shapes, tests/unit/test_status.c their bytes), and
 * answers ok false only when out of memory.
 *
 * takeover returns OPS_PENDING instead of 0: AI writes are refused
 * already, and nothing is in out yet. The operator is told "done" only
 * once the takeover's record and state are on disk (durable.c), or the
 * wait for them has given up: then ops calls control_takeover_durable(),
 * and control has takeover_answer write that answer for each operator
 * waiting (err NULL: on disk; else ok with "warning": err, and what it
 * means).
 *
 * denied: a command outside the caller's rights, or one not understood:
 * audited as command_denied, answered with ok false. right: the right it
 * needed (NULL when not understood); suppressed: refusals answered but
 * left out of the audit (a budget, control.c) since the last one
 * recorded.
 */
#define OPS_PENDING 1
struct ops_handlers {
	int (*status)(void *ctx, const struct ops_caller *who,
	    struct json *out);
	int (*takeover)(void *ctx, const struct ops_caller *who,
	    const char *reason, struct json *out);
	void (*takeover_answer)(void *ctx, struct json *out, const char *err);
	int (*release)(void *ctx, const struct ops_caller *who,
	    const char *reason, struct json *out);
	int (*reload)(void *ctx, const struct ops_caller *who,
	    struct json *out);
	void (*denied)(void *ctx, const struct ops_caller *who,
	    const char *command, const char *right, const char *why,
	    unsigned suppressed, struct json *out);
	void *ctx;
};

/* Register the commands in w->ops, before the control socket opens. */
void ops_init(struct warden *w);

#endif
