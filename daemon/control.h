/*
 * control.h: the operators' unix socket in the daemon's loop.
 *
 * Protocol: control_proto.h (one JSON object per line each way). The
 * caller's uid, gid and pid come from SO_PEERCRED, its groups from
 * SO_PEERGROUPS (those its process runs with, as for the socket's file
 * mode); never from the message. Only the user's name, for the audit
 * trail, is looked up, once per connection.
 *
 * Who may do what: the socket is mode 0666, so that every local user
 * who holds some right can connect (a file has one group, the rights
 * four); each command is then checked on its own against the caller's
 * uid and groups (control_rights.h: the table of rights). A caller who
 * holds no right gets one refusal naming the groups that would allow it,
 * and is hung up on. Whoever should not even connect is kept out by the
 * permissions of the socket's directory. Group names are looked up at
 * start and at each reload (control_reconfigure), not per request: a
 * request never waits on the group database, and a group created later
 * counts from the next reload. A user added to a group has its rights
 * from the next login, as for any file.
 *
 * Limits: a line of at most CONTROL_LINE_MAX bytes (longer: an error, then
 * the connection is closed), 30 s without traffic closes a connection,
 * a request that comes while over 64 KiB of answers are unread closes
 * it (one answer may be longer: learn's), at most 32 connections at
 * once.
 *
 * warden-console: the user named by control.console_user (looked up at
 * start and reload) may add "as" to a request, to act for the person
 * logged in to it: the rights are then those that person's groups, as
 * the console names them, give (control_rights_of_names(); never
 * root's), and the audit names that person, with "via":"console" and the
 * console's uid. From anyone else "as" is refused. The console proves
 * who the person is (PAM); wardend trusts it for that and nothing more.
 *
 * The console's user holds the view right itself (its feed, below), and
 * alone may send login and login_failed (with "as": who), which are
 * audited and nothing more.
 *
 * subscribe: the connection is answered ok, then carries the lines
 * control_push() sends (ops.c's push: status and audit records), and is
 * no longer read (lines sent are dropped) nor closed for idleness; one
 * whose unread pushes exceed 1 MiB is closed.
 */
#ifndef WARDEN_CONTROL_H
#define WARDEN_CONTROL_H

#include <sys/types.h>

#include "errmsg.h"
#include "json.h"

struct config_control;
struct control_request;
struct control;
struct streams;

/* Who is asking, from the socket's peer credentials. */
struct ops_caller {
	uid_t uid;
	gid_t gid;
	pid_t pid;
	char user[64];          /* getpwuid name, or the uid as text; with
				 * "as", the person the console acts for */
	const char *via;        /* "console" with "as", else NULL */
};

/*
 * What the control endpoint hands up to the operations layer: the
 * handlers ops.c registers before the socket opens. Each writes its whole
 * answer object into `out`.
 *
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
	/* alarms, ack, shelve, unshelve, bypass, unbypass: 0 done, -1
	 * refused (the answer says why). */
	int (*alarm)(void *ctx, const struct ops_caller *who,
	    const struct control_request *req, struct json *out);
	/* learn: what monitor mode learned and the config it proposes
	 * (margin in %); 0 done, -1 refused (not in monitor mode, nothing
	 * learned). */
	int (*learn)(void *ctx, const struct ops_caller *who, double margin,
	    struct json *out);
	/* role (keepalived's notify): this node's role in its pair, an
	 * enum pair_role; 0 done, -1 refused (no pair:, or not on disk). */
	int (*role)(void *ctx, const struct ops_caller *who, int role,
	    struct json *out);
	/* health (keepalived's vrrp_script): is this node fit to be the
	 * active one (health.h)? */
	void (*health)(void *ctx, const struct ops_caller *who,
	    struct json *out);
	/* A connection subscribed: the pushes should start. */
	void (*subscribed)(void *ctx);
	/* The console says who logged in (ok) or was refused: audited. */
	void (*login)(void *ctx, const struct ops_caller *who, int ok,
	    const char *reason, struct json *out);
	void *ctx;
};

/*
 * Create the socket at path and serve it, each connection a stream of
 * ss, the groups of cc deciding who may do what, each command handed up
 * through ops (copied). Refuses (NULL, err says what to do) when another
 * daemon answers on path or path is something else than a socket; a
 * stale socket left by a crash is removed.
 */
struct control *control_open(struct streams *ss, const char *path,
    const struct config_control *cc, const struct ops_handlers *ops,
    char err[ERR_LEN]);
/* Close every connection and the socket, unlink it; NULL does nothing. */
void control_close(struct control *ctl);
/* After a reload: look the groups of cc, the new config's, up; the
 * socket's mode back to 0666 if someone changed it. */
void control_reconfigure(struct control *ctl,
    const struct config_control *cc);
/* A takeover's record and state are on disk (err NULL), or the wait for
 * them ended: answer the operators whose takeover waited for it. */
void control_takeover_durable(struct control *ctl, const char *err);
/* How many connections have subscribed. */
unsigned control_subscribers(const struct control *ctl);
/* line[0..len) (one JSON object, without its newline) to each of them. */
void control_push(struct control *ctl, const char *line, size_t len);

#endif
