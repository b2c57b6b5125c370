/*
 * control_proto.c: parse and write control protocol lines (see
 * control_proto.h). Pure: no I/O, no clock, no allocation.
 */
#include "control_proto.h"
#include "pair_role.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define COMMAND_LIST "status, takeover, release, reload, alarms, ack, " \
	"shelve, unshelve, bypass, unbypass, rights, subscribe, login, " \
	"login_failed, learn, role, health"
#define EXAMPLE "e.g. {\"cmd\":\"status\"}"

enum reason_use { REASON_NONE, REASON_REQUIRED, REASON_OPTIONAL };

/*
 * Each command: its name on the wire, the right it needs, whether it
 * takes a reason, a point, a length of time and a margin.
 * Acknowledging, shelving and ending a hold are the operators'
 * (takeover) right; a bypass weakens a trip, a decision of the weight of
 * a release. rights is answered to anyone connected (control.c). learn
 * shows what the AI did and proposes limits, changing nothing: a look,
 * as status is.
 */
static const struct control_command_info {
	const char *name;
	enum control_right right;
	enum reason_use reason;
	int point, seconds;
	int margin;
	int role;
} commands[] = {
	[CONTROL_STATUS] = { "status", CONTROL_RIGHT_VIEW, 0, 0, 0, 0, 0 },
	[CONTROL_TAKEOVER] = { "takeover", CONTROL_RIGHT_TAKEOVER,
	    REASON_REQUIRED, 0, 0, 0, 0 },
	[CONTROL_RELEASE] = { "release", CONTROL_RIGHT_RELEASE,
	    REASON_REQUIRED, 0, 0, 0, 0 },
	[CONTROL_RELOAD] = { "reload", CONTROL_RIGHT_RELOAD, 0, 0, 0, 0, 0 },
	[CONTROL_ALARMS] = { "alarms", CONTROL_RIGHT_VIEW, 0, 0, 0, 0, 0 },
	[CONTROL_ACK] = { "ack", CONTROL_RIGHT_TAKEOVER, REASON_OPTIONAL, 1,
	    0, 0, 0 },
	[CONTROL_SHELVE] = { "shelve", CONTROL_RIGHT_TAKEOVER,
	    REASON_REQUIRED, 1, 1, 0, 0 },
	[CONTROL_UNSHELVE] = { "unshelve", CONTROL_RIGHT_TAKEOVER,
	    REASON_OPTIONAL, 1, 0, 0, 0 },
	[CONTROL_BYPASS] = { "bypass", CONTROL_RIGHT_RELEASE,
	    REASON_REQUIRED, 1, 1, 0, 0 },
	[CONTROL_UNBYPASS] = { "unbypass", CONTROL_RIGHT_TAKEOVER,
	    REASON_OPTIONAL, 1, 0, 0, 0 },
	[CONTROL_RIGHTS_OF] = { "rights", CONTROL_RIGHT_VIEW, 0, 0, 0, 0, 0 },
	[CONTROL_SUBSCRIBE] = { "subscribe", CONTROL_RIGHT_VIEW, 0, 0, 0, 0,
	    0 },
	[CONTROL_LOGIN] = { "login", CONTROL_RIGHT_VIEW, REASON_OPTIONAL, 0,
	    0, 0, 0 },
	[CONTROL_LOGIN_FAILED] = { "login_failed", CONTROL_RIGHT_VIEW,
	    REASON_OPTIONAL, 0, 0, 0, 0 },
	[CONTROL_LEARN] = { "learn", CONTROL_RIGHT_VIEW, 0, 0, 0, 1, 0 },
	/* A role moves who writes to the plant: the release right's
	 * weight (keepalived's notify runs as root). */
	[CONTROL_ROLE] = { "role", CONTROL_RIGHT_RELEASE, 0, 0, 0, 0, 1 },
	/* keepalived's vrrp_script: a look, as status is. */
	[CONTROL_HEALTH] = { "health", CONTROL_RIGHT_VIEW, 0, 0, 0, 0, 0 },
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

const char *
control_command_name(enum control_command command)
{
	if ((size_t)command >= N_COMMANDS)
		return NULL;
	return commands[command].name;
}

int
control_command_needs_reason(enum control_command command)
{
	return (size_t)command < N_COMMANDS &&
	    commands[command].reason == REASON_REQUIRED;
}

static int
takes_reason(enum control_command command)
{
	return (size_t)command < N_COMMANDS &&
	    commands[command].reason != REASON_NONE;
}

int
control_command_takes_point(enum control_command command)
{
	return (size_t)command < N_COMMANDS && commands[command].point;
}

int
control_command_takes_for(enum control_command command)
{
	return (size_t)command < N_COMMANDS && commands[command].seconds;
}

int
control_command_takes_role(enum control_command command)
{
	return (size_t)command < N_COMMANDS && commands[command].role;
}

int
control_command_takes_margin(enum control_command command)
{
	return (size_t)command < N_COMMANDS && commands[command].margin;
}

enum control_right
control_command_right(enum control_command command)
{
	if ((size_t)command >= N_COMMANDS)
		return CONTROL_RIGHT_ROOT;
	return commands[command].right;
}

/* req refused, err filled already: -1. */
static int
refused(struct control_request *req)
{
	req->command = CONTROL_NONE;
	req->reason[0] = '\0';
	req->point[0] = '\0';
	req->seconds = 0;
	req->margin = 0;
	req->role = 0;
	req->has_as = 0;
	return -1;
}

static int __attribute__((format(printf, 3, 4)))
refuse(struct control_request *req, char err[ERR_LEN], const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, ERR_LEN, fmt, ap);
	va_end(ap);
	return refused(req);
}

/*
 * A C0 or C1 control character (C1 as UTF-8 is C2 80..9F: a terminal may
 * take C2 9B for CSI) at s; returns its length, 0 when there is none.
 */
static size_t
control_char_len(const unsigned char *s, size_t n)
{
	if (s[0] < 0x20 || s[0] == 0x7f)
		return 1;
	if (n >= 2 && s[0] == 0xc2 && s[1] >= 0x80 && s[1] <= 0x9f)
		return 2;
	return 0;
}

int
control_reason_check(const char *reason, char err[ERR_LEN])
{
	const unsigned char *s = (const unsigned char *)reason;
	size_t len = strlen(reason), i, n;
	int blank = 1;

	if (len >= CONTROL_REASON_MAX) {
		errmsg_set(err, "reason is %zu bytes long; keep it under %d",
		    len, CONTROL_REASON_MAX);
		return -1;
	}
	for (i = 0; i < len; i += n) {
		if (control_char_len(s + i, len - i) != 0) {
			errmsg_set(err, "reason holds a control "
			    "character (newline, tab, escape ...); give one "
			    "line of plain text");
			return -1;
		}
		n = s[i] < 0x80 ? 1 : json_utf8_len(s + i, len - i);
		if (n == 0) {
			errmsg_set(err, "reason is not valid UTF-8");
			return -1;
		}
		if (s[i] != ' ')
			blank = 0;
	}
	if (blank) {
		errmsg_set(err, "reason is empty; say why, e.g. "
		    "-r \"pump 2 inspection\"");
		return -1;
	}
	return 0;
}

/* Copy a command name for the audit: cut on a character boundary,
 * control characters replaced, so a hostile name stays one short word. */
static void
name_copy(char *dst, const char *src)
{
	size_t len = strlen(src), i, n;

	if (len >= CONTROL_NAME_MAX) {
		len = CONTROL_NAME_MAX - 1;
		while (len > 0 && ((unsigned char)src[len] & 0xc0) == 0x80)
			len--;
	}
	memcpy(dst, src, len);
	dst[len] = '\0';
	for (i = 0; i < len; i += n ? n : 1)
		if ((n = control_char_len((const unsigned char *)dst + i,
		    len - i)) != 0)
			memset(dst + i, '?', n);
}

/* The members a request may have, in the order of struct members. */
static const char *const member_names[] = { "cmd", "reason", "point",
	"for", "as", "margin", "role" };
#define N_MEMBERS (sizeof member_names / sizeof member_names[0])

struct members {
	struct json_value cmd, reason, point, seconds, as, margin, role;
};

/* Find the members; one given twice is refused, since two readers could
 * disagree on which one counts. */
static int
find_members(const struct json_value *root, struct members *ms,
    struct control_request *req, char err[ERR_LEN])
{
	struct json_value *slots[N_MEMBERS] = { &ms->cmd, &ms->reason,
		&ms->point, &ms->seconds, &ms->as, &ms->margin, &ms->role };
	struct json_iter it;
	struct json_member m;
	size_t i;

	for (i = 0; i < N_MEMBERS; i++)
		slots[i]->type = JSON_NONE;
	json_iter_init(&it, root);
	while (json_iter_next(&it, &m)) {
		for (i = 0; i < N_MEMBERS; i++)
			if (json_string_is(&m.key, member_names[i]))
				break;
		if (i == N_MEMBERS)
			continue;
		if (slots[i]->type != JSON_NONE)
			return refuse(req, err, "\"%s\" given twice; give it "
			    "once", member_names[i]);
		*slots[i] = m.value;
	}
	return 0;
}

/* One short word of printable text (a name), "" refused. */
static int
name_check(const char *text)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t len = strlen(text), i;

	if (len == 0)
		return -1;
	for (i = 0; i < len; i++)
		if (s[i] <= 0x20 || s[i] == 0x7f || s[i] >= 0x80)
			return -1;
	return 0;
}

static int
read_point(const struct json_value *v, struct control_request *req,
    char err[ERR_LEN])
{
	if (v->type == JSON_NONE)
		return refuse(req, err, "%s needs a point: {\"cmd\":\"%s\","
		    "\"point\":\"level\"}", req->name, req->name);
	if (v->type != JSON_STRING || json_get_string(v, req->point,
	    sizeof req->point) == -1 || name_check(req->point) == -1)
		return refuse(req, err, "\"point\" must name a point or "
		    "device (a string of at most %d printable characters, "
		    "no spaces)", CONTROL_POINT_MAX - 1);
	return 0;
}

static int
read_role(const struct json_value *v, struct control_request *req,
    char err[ERR_LEN])
{
	char name[16];
	int role;

	if (v->type != JSON_STRING || json_get_string(v, name,
	    sizeof name) == -1 || (role = pair_role_from_name(name)) < 0)
		return refuse(req, err, "role needs \"role\": active, "
		    "standby or fault: {\"cmd\":\"role\",\"role\":"
		    "\"standby\"}");
	req->role = role;
	return 0;
}

static int
read_seconds(const struct json_value *v, struct control_request *req,
    char err[ERR_LEN])
{
	double d;

	if (v->type == JSON_NONE)
		return refuse(req, err, "%s needs a length of time: "
		    "\"for\":1800 (seconds; wardenctl %s POINT --for 30m)",
		    req->name, req->name);
	/* An hour of days bounds it far above any configured maximum,
	 * and keeps the deadline a time the state files can write. */
	if (v->type != JSON_NUMBER || json_get_double(v, &d) == -1 ||
	    !(d > 0) || d > 366 * 86400.)
		return refuse(req, err, "\"for\" must be a number of "
		    "seconds above 0");
	req->seconds = d;
	return 0;
}

/* Optional: absent is the default. */
static int
read_margin(const struct json_value *v, struct control_request *req,
    char err[ERR_LEN])
{
	double d;

	req->margin = CONTROL_MARGIN_DEFAULT;
	if (v->type == JSON_NONE)
		return 0;
	if (v->type != JSON_NUMBER || json_get_double(v, &d) == -1 ||
	    !(d >= 0) || d > CONTROL_MARGIN_MAX)
		return refuse(req, err, "\"margin\" must be a percentage, a "
		    "number from 0 to %.0f (wardenctl learn --margin 10%%)",
		    CONTROL_MARGIN_MAX);
	req->margin = d;
	return 0;
}

static int
read_as(const struct json_value *v, struct control_request *req,
    char err[ERR_LEN])
{
	struct json_value user, groups;
	struct json_iter it;
	struct json_member m;
	struct control_as *as = &req->as;

	if (v->type != JSON_OBJECT || json_object_get(v, "user", &user) ||
	    user.type != JSON_STRING || json_get_string(&user, as->user,
	    sizeof as->user) == -1 || name_check(as->user) == -1)
		return refuse(req, err, "\"as\" must be {\"user\":NAME,"
		    "\"groups\":[NAME...]}");
	if (json_object_get(v, "groups", &groups) == 0) {
		if (groups.type != JSON_ARRAY)
			return refuse(req, err, "\"as\": \"groups\" must be "
			    "an array of group names");
		json_iter_init(&it, &groups);
		while (json_iter_next(&it, &m)) {
			char *g = as->groups[as->n_groups];

			if (m.value.type != JSON_STRING ||
			    json_get_string(&m.value, g, CONTROL_USER_MAX) ==
			    -1 || name_check(g) == -1)
				return refuse(req, err, "\"as\": each group "
				    "must be a name");
			if (as->n_groups < CONTROL_AS_GROUPS_MAX)
				as->n_groups++;
		}
	}
	req->has_as = 1;
	return 0;
}

static int
read_command(const struct json_value *cmd, struct control_request *req,
    char err[ERR_LEN])
{
	char text[CONTROL_LINE_MAX + 1];
	size_t i;

	if (cmd->type == JSON_NONE)
		return refuse(req, err, "request has no \"cmd\"; commands: "
		    COMMAND_LIST ", " EXAMPLE);
	if (cmd->type != JSON_STRING ||
	    json_get_string(cmd, text, sizeof text) == -1)
		return refuse(req, err, "\"cmd\" must be a string naming a "
		    "command: " COMMAND_LIST);
	name_copy(req->name, text);
	/* A name with a NUL inside is not the command it starts with. */
	for (i = 0; i < N_COMMANDS; i++)
		if (commands[i].name != NULL &&
		    json_string_is(cmd, commands[i].name))
			req->command = (enum control_command)i;
	if (req->command == CONTROL_NONE)
		return refuse(req, err, "unknown command \"%s\"; commands: "
		    COMMAND_LIST, req->name);
	return 0;
}

static int
read_reason(const struct json_value *reason, struct control_request *req,
    char err[ERR_LEN])
{
	char text[CONTROL_LINE_MAX + 1];

	if (reason->type == JSON_NONE)
		return refuse(req, err, "%s needs a reason: {\"cmd\":\"%s\","
		    "\"reason\":\"why\"} (wardenctl %s -r REASON)", req->name,
		    req->name, req->name);
	if (reason->type != JSON_STRING)
		return refuse(req, err, "\"reason\" must be a string");
	if (json_get_string(reason, text, sizeof text) == -1)
		return refuse(req, err, "reason holds \\u0000 or an unpaired "
		    "surrogate; give one line of plain text");
	if (control_reason_check(text, err) == -1)
		return refused(req);
	memcpy(req->reason, text, strlen(text) + 1);
	return 0;
}

int
control_parse(const char *line, size_t len, struct control_request *req,
    char err[ERR_LEN])
{
	struct json_value root;
	struct members ms;
	const char *why;
	size_t at;

	memset(req, 0, sizeof *req);
	err[0] = '\0';
	if (len > CONTROL_LINE_MAX)
		return refuse(req, err, "request longer than %d bytes; send "
		    "one JSON object per line", CONTROL_LINE_MAX);
	if (json_parse(line, len, &root, &at, &why) == -1)
		return refuse(req, err, "request is not valid JSON (byte %zu: "
		    "%s); "
		    "send one object per line, " EXAMPLE, at, why);
	if (root.type != JSON_OBJECT)
		return refuse(req, err, "a request is a JSON object, " EXAMPLE);
	if (find_members(&root, &ms, req, err) == -1 ||
	    read_command(&ms.cmd, req, err) == -1)
		return -1;
	if (ms.as.type != JSON_NONE && read_as(&ms.as, req, err) == -1)
		return -1;
	if (control_command_takes_point(req->command) &&
	    read_point(&ms.point, req, err) == -1)
		return -1;
	if (control_command_takes_for(req->command) &&
	    read_seconds(&ms.seconds, req, err) == -1)
		return -1;
	if (control_command_takes_margin(req->command) &&
	    read_margin(&ms.margin, req, err) == -1)
		return -1;
	if (control_command_takes_role(req->command) &&
	    read_role(&ms.role, req, err) == -1)
		return -1;
	if (control_command_needs_reason(req->command) ||
	    (takes_reason(req->command) && ms.reason.type != JSON_NONE))
		return read_reason(&ms.reason, req, err);
	return 0;
}

void
control_request_write(struct json *out, enum control_command command,
    const char *reason)
{
	const char *name = control_command_name(command);

	json_object_begin(out);
	json_kv_string(out, "cmd", name != NULL ? name : "");
	if (takes_reason(command) && reason != NULL && reason[0] != '\0')
		json_kv_string(out, "reason", reason);
	json_object_end(out);
}

void
control_request_write_full(struct json *out,
    const struct control_request *req)
{
	const char *name = control_command_name(req->command);
	size_t i;

	json_object_begin(out);
	json_kv_string(out, "cmd", name != NULL ? name : "");
	if (takes_reason(req->command) && req->reason[0] != '\0')
		json_kv_string(out, "reason", req->reason);
	if (control_command_takes_point(req->command))
		json_kv_string(out, "point", req->point);
	if (control_command_takes_for(req->command))
		json_kv_double(out, "for", req->seconds);
	if (control_command_takes_margin(req->command))
		json_kv_double(out, "margin", req->margin);
	if (control_command_takes_role(req->command))
		json_kv_string(out, "role",
		    pair_role_name((enum pair_role)req->role));
	if (req->has_as) {
		json_key(out, "as");
		json_object_begin(out);
		json_kv_string(out, "user", req->as.user);
		json_key(out, "groups");
		json_array_begin(out);
		for (i = 0; i < req->as.n_groups; i++)
			json_string(out, req->as.groups[i]);
		json_array_end(out);
		json_object_end(out);
	}
	json_object_end(out);
}

void
control_error_write(struct json *out, const char *error)
{
	json_object_begin(out);
	json_kv_bool(out, "ok", 0);
	json_kv_string(out, "error", error);
	json_object_end(out);
}
