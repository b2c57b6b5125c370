/*
 * control_proto.h: the operators' control protocol, without any I/O.
 * One request is one line holding one JSON object:
 *
 *   {"cmd":"status"}
 *   {"cmd":"takeover","reason":"pump 2 inspection"}
 *   {"cmd":"release","reason":"inspection done"}
 *   {"cmd":"reload"}
 *   {"cmd":"alarms"}
 *   {"cmd":"ack","point":"level","reason":"seen, field op informed"}
 *   {"cmd":"shelve","point":"level","for":1800,"reason":"sensor swap"}
 *   {"cmd":"unshelve","point":"level"}
 *   {"cmd":"bypass","point":"level","for":3600,"reason":"calibration"}
 *   {"cmd":"unbypass","point":"level"}
 *   {"cmd":"rights"}
 *   {"cmd":"subscribe"}
 *   {"cmd":"learn","margin":10}
 *   {"cmd":"role","role":"standby"}
 *   {"cmd":"health"}
 *   {"cmd":"login","as":{"user":"alice","groups":[...]},"reason":"..."}
 *   {"cmd":"login_failed","as":{"user":"alice"},"reason":"..."}
 *
 * "point" names a point or a device; "for" is seconds (a number above
 * 0); "margin" is a percentage, 0 to 1000, optional (default 10). A reason is required by takeover, release, shelve and bypass, and
 * optional for ack, unshelve and unbypass. "role" is active, standby or
 * fault (pair_role.h), required by role. After subscribe the
 * connection carries wardend's pushes (control.h) and nothing more.
 *
 * Any request may act for a person logged in to warden-console:
 *
 *   "as":{"user":"alice","groups":["wardenop","users"]}
 *
 * which wardend takes only from control.console_user (control.h).
 *
 * and one answer is one line holding one object with "ok" (bool) and,
 * when not ok, "error" (a sentence for the operator). Members other than
 * "cmd" and "reason" are ignored, so that a newer wardenctl can talk to an
 * older wardend; "reason" is read only by the commands that need one.
 * Who is asking comes from the socket (SO_PEERCRED), never from here.
 *
 * Shared by the daemon (control.c), wardenctl and the fuzz target.
 */
#ifndef WARDEN_CONTROL_PROTO_H
#define WARDEN_CONTROL_PROTO_H

#include <stddef.h>

#include "errmsg.h"
#include "json.h"

/* Bytes in one request line, not counting its newline. */
#define CONTROL_LINE_MAX 4096
/* A reason is one line of text of at most CONTROL_REASON_MAX - 1 bytes
 * (what the state file keeps: GUARD_REASON_MAX). */
#define CONTROL_REASON_MAX 256
/* The command name kept for the audit of a refused request. */
#define CONTROL_NAME_MAX 32

enum control_command {
	CONTROL_NONE,           /* not understood */
	CONTROL_STATUS,
	CONTROL_TAKEOVER,
	CONTROL_RELEASE,
	CONTROL_RELOAD,
	CONTROL_ALARMS,
	CONTROL_ACK,
	CONTROL_SHELVE,
	CONTROL_UNSHELVE,
	CONTROL_BYPASS,
	CONTROL_UNBYPASS,
	CONTROL_RIGHTS_OF,      /* "rights": what the caller may do */
	CONTROL_SUBSCRIBE,
	CONTROL_LOGIN,          /* the console: someone logged in */
	CONTROL_LOGIN_FAILED,   /* the console: a login refused */
	CONTROL_LEARN,          /* monitor mode's proposal (learn_render.h) */
	CONTROL_ROLE,           /* keepalived's notify: this node's role */
	CONTROL_HEALTH,         /* keepalived's vrrp_script: fit to be
				 * active? (health.h) */
};

/*
 * The right each command needs, one per command, named in the command
 * table of control_proto.c; who holds which right is the daemon's
 * business (control_rights.h). A command whose row names no right needs
 * CONTROL_RIGHT_ROOT: root only, so that a command added without
 * thought of its right is never open to more than root.
 */
enum control_right {
	CONTROL_RIGHT_ROOT,
	CONTROL_RIGHT_VIEW,     /* look: status (and watch) */
	CONTROL_RIGHT_TAKEOVER,
	CONTROL_RIGHT_RELEASE,
	CONTROL_RIGHT_RELOAD,
};
#define CONTROL_RIGHTS (CONTROL_RIGHT_RELOAD + 1)

/* A point's or device's name, with its NUL (CONFIG_NAME_MAX). */
#define CONTROL_POINT_MAX 64
#define CONTROL_USER_MAX 64
/* learn's "margin": percent of the observed span. */
#define CONTROL_MARGIN_DEFAULT 10.0
#define CONTROL_MARGIN_MAX 1000.0

/* Groups "as" may name; the rest are ignored. */
#define CONTROL_AS_GROUPS_MAX 32

/* "as": the person warden-console acts for. */
struct control_as {
	char user[CONTROL_USER_MAX];
	char groups[CONTROL_AS_GROUPS_MAX][CONTROL_USER_MAX];
	size_t n_groups;
};

struct control_request {
	enum control_command command;
	/* "cmd" as sent, cut to fit; "" when there was none to read. Set
	 * also when the request is refused, so the refusal can be audited
	 * under the command it was for. */
	char name[CONTROL_NAME_MAX];
	char reason[CONTROL_REASON_MAX];        /* "": none given */
	char point[CONTROL_POINT_MAX];          /* "" unless the command
						 * takes one */
	double seconds;                         /* "for"; 0 unless taken */
	double margin;                          /* "margin", %; 0 unless
						 * taken, then default
						 * CONTROL_MARGIN_DEFAULT */
	int role;                               /* "role", enum pair_role;
						 * 0 unless taken */
	int has_as;
	struct control_as as;
};

/*
 * Parse one request line (without its newline; surrounding whitespace
 * is allowed). Returns 0 (err ""), or -1 with err saying what is wrong
 * and how a correct request looks.
 */
int control_parse(const char *line, size_t len, struct control_request *req,
    char err[ERR_LEN]);

/* "status", "takeover" ...; NULL for CONTROL_NONE. */
const char *control_command_name(enum control_command command);
int control_command_needs_reason(enum control_command command);
/* 1 when the command reads "point" ("for" likewise). */
int control_command_takes_point(enum control_command command);
int control_command_takes_for(enum control_command command);
/* 1 when the command reads "role". */
int control_command_takes_role(enum control_command command);
/* 1 when the command reads "margin". */
int control_command_takes_margin(enum control_command command);
/* CONTROL_RIGHT_ROOT for CONTROL_NONE. */
enum control_right control_command_right(enum control_command command);

/* 0 when reason is acceptable (non-blank, one printable line, short
 * enough); else -1 and a sentence in err. wardenctl checks before
 * sending with the same rule the daemon applies. */
int control_reason_check(const char *reason, char err[ERR_LEN]);

/* The request object, without newline. reason is ignored (may be NULL
 * or "") for commands that take none. */
void control_request_write(struct json *out, enum control_command command,
    const char *reason);
/* The same for any request: req's point, for, margin and as where its
 * command takes them. */
void control_request_write_full(struct json *out,
    const struct control_request *req);
/* {"ok":false,"error":...}, without newline. */
void control_error_write(struct json *out, const char *error);

#endif
