/*
 * console_action.c: browser requests to wardend requests
 * (console_action.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "console_action.h"
#include "control_proto.h"

/* What each command the console passes on carries besides "cmd". */
struct action_shape {
	const char *cmd;
	int point;              /* "point" required */
	int hold;               /* "for" required */
	int reason;             /* "reason" required (else optional) */
};

static const struct action_shape action_shapes[] = {
	{ "takeover", 0, 0, 1 },
	{ "release", 0, 0, 1 },
	{ "ack", 1, 0, 0 },
	{ "shelve", 1, 1, 1 },
	{ "unshelve", 1, 0, 0 },
	{ "bypass", 1, 1, 1 },
	{ "unbypass", 1, 0, 0 },
};

static void
action_as(const struct session_user *who, struct json *out)
{
	size_t i;

	json_key(out, "as");
	json_object_begin(out);
	json_kv_string(out, "user", who->user);
	json_key(out, "groups");
	json_array_begin(out);
	for (i = 0; i < who->n_groups; i++)
		json_string(out, who->groups[i]);
	json_array_end(out);
	json_object_end(out);
}

void
action_rights_request(const struct session_user *who, struct json *out)
{
	json_object_begin(out);
	json_kv_string(out, "cmd", "rights");
	action_as(who, out);
	json_object_end(out);
}

void
action_login_request(const struct session_user *who, int ok,
    const char *reason, struct json *out)
{
	char text[CONTROL_REASON_MAX];
	size_t i;

	/* One printable line that fits, whatever PAM said. */
	snprintf(text, sizeof text, "%s", reason);
	for (i = 0; text[i] != '\0'; i++)
		if ((unsigned char)text[i] < 0x20 || text[i] == 0x7f)
			text[i] = ' ';
	json_object_begin(out);
	json_kv_string(out, "cmd", ok ? "login" : "login_failed");
	action_as(who, out);
	json_kv_string(out, "reason", text);
	json_object_end(out);
}

static const struct action_shape *
action_shape(const struct json_value *cmd)
{
	size_t i;

	for (i = 0; i < sizeof action_shapes / sizeof action_shapes[0]; i++)
		if (json_string_is(cmd, action_shapes[i].cmd))
			return &action_shapes[i];
	return NULL;
}

/* A member that must be a string of 1..cap-1 bytes: 1 found, 0 absent,
 * -1 wrong (err). */
static int
action_string(const struct json_value *body, const char *key, char *dst,
    size_t cap, char err[ERR_LEN])
{
	struct json_value v;

	if (json_object_get(body, key, &v) == -1)
		return 0;
	if (v.type != JSON_STRING || json_get_string(&v, dst, cap) < 0) {
		errmsg_set(err, "\"%s\" must be a string of at most %zu "
		    "bytes", key, cap - 1);
		return -1;
	}
	return 1;
}

/* The checked members of shape sh into out, after "cmd". */
static int
action_members(const struct json_value *body, const struct action_shape *sh,
    struct json *out, char err[ERR_LEN])
{
	char point[ACTION_POINT_MAX], reason[CONTROL_REASON_MAX];
	struct json_value v;
	uint64_t secs;
	int rc;

	if (sh->point) {
		if ((rc = action_string(body, "point", point, sizeof point,
		    err)) == -1)
			return -1;
		if (rc == 0 || point[0] == '\0') {
			errmsg_set(err, "%s needs the point (\"point\")",
			    sh->cmd);
			return -1;
		}
		json_kv_string(out, "point", point);
	}
	if (sh->hold) {
		if (json_object_get(body, "for", &v) == -1 ||
		    json_get_uint64(&v, &secs) == -1 || secs < 1 ||
		    secs > ACTION_FOR_MAX) {
			errmsg_set(err, "%s needs how long (\"for\"): whole "
			    "seconds, 1 to %d", sh->cmd, ACTION_FOR_MAX);
			return -1;
		}
		json_kv_uint(out, "for", secs);
	}
	if ((rc = action_string(body, "reason", reason, sizeof reason,
	    err)) == -1)
		return -1;
	if (rc == 0 && sh->reason) {
		errmsg_set(err, "%s needs a reason: say why, in a few words",
		    sh->cmd);
		return -1;
	}
	if (rc == 1) {
		if (control_reason_check(reason, err) == -1)
			return -1;
		json_kv_string(out, "reason", reason);
	}
	return 0;
}

int
action_request(const struct json_value *body,
    const struct session_user *who, struct json *out, char err[ERR_LEN])
{
	const struct action_shape *sh;
	struct json_value cmd;

	if (body->type != JSON_OBJECT ||
	    json_object_get(body, "cmd", &cmd) == -1) {
		errmsg_set(err, "the request names no command (\"cmd\")");
		return -1;
	}
	if ((sh = action_shape(&cmd)) == NULL) {
		errmsg_set(err, "the console does not pass on that command; "
		    "it passes takeover, release, ack, shelve, unshelve, "
		    "bypass and unbypass");
		return -1;
	}
	json_object_begin(out);
	json_kv_string(out, "cmd", sh->cmd);
	if (action_members(body, sh, out, err) == -1) {
		json_clear(out);
		return -1;
	}
	action_as(who, out);
	json_object_end(out);
	if (json_failed(out)) {
		errmsg_set(err, "out of memory");
		return -1;
	}
	return 0;
}

int
action_answer(const char *line, size_t len, char err[ERR_LEN])
{
	struct json_value answer, ok, e;
	const char *why;
	size_t at;

	if (json_parse(line, len, &answer, &at, &why) == -1 ||
	    answer.type != JSON_OBJECT ||
	    json_object_get(&answer, "ok", &ok) == -1 ||
	    (ok.type != JSON_TRUE && ok.type != JSON_FALSE)) {
		errmsg_set(err, "wardend sent something that is not an "
		    "answer");
		return -1;
	}
	if (ok.type == JSON_TRUE)
		return 1;
	if (json_object_get(&answer, "error", &e) == -1 ||
	    json_get_string(&e, err, ERR_LEN) < 0)
		errmsg_set(err, "wardend refused without saying why");
	return 0;
}

unsigned
action_rights(const char *line, size_t len)
{
	struct json_value answer, list;
	struct json_member m;
	struct json_iter it;
	char name[16];
	unsigned bits = 0;
	const char *why;
	size_t at;

	if (json_parse(line, len, &answer, &at, &why) == -1 ||
	    answer.type != JSON_OBJECT ||
	    json_object_get(&answer, "rights", &list) == -1 ||
	    list.type != JSON_ARRAY)
		return 0;
	json_iter_init(&it, &list);
	while (json_iter_next(&it, &m) == 1)
		if (json_get_string(&m.value, name, sizeof name) >= 0)
			bits |= session_right_bit(name);
	return bits;
}
