/*
 * ctl_show.c: wardend's answers as wardenctl shows them to people
 * (ctl_show.h). Whatever wardend sends is printed with its control
 * characters replaced, so no answer can drive the terminal.
 */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "control_proto.h"
#include "ctl_show.h"
#include "statefile.h"

/* Room for an answer's "error" or "warning", as wardend words them. */
#define CTL_SHOW_TEXT_MAX 2048

/* Control characters out, so that no answer can drive the terminal. */
static void
clean(char *s)
{
	unsigned char *u = (unsigned char *)s;

	for (; *u != '\0'; u++)
		if (*u < 0x20 || *u == 0x7f)
			*u = '?';
		else if (u[0] == 0xc2 && u[1] >= 0x80 && u[1] <= 0x9f)
			u[0] = u[1] = '?';
}

/* A value as text: a string unescaped, anything else as written. */
static const char *
value_text(const struct json_value *v, char *buf, size_t cap)
{
	if (v->type == JSON_NULL || v->type == JSON_NONE)
		return "-";
	if (v->type == JSON_STRING) {
		if (json_get_string(v, buf, cap) == -1)
			snprintf(buf, cap, "(unreadable)");
	} else
		snprintf(buf, cap, "%.*s", v->len > INT_MAX ? INT_MAX :
		    (int)v->len, v->text);
	clean(buf);
	return buf;
}

static const char *
field(const struct json_value *obj, const char *key, char *buf, size_t cap)
{
	struct json_value v;
	const char *text;

	if (json_object_get(obj, key, &v) == -1)
		return "-";
	text = value_text(&v, buf, cap);
	return text[0] != '\0' ? text : "-";
}

/* The pair link: what this node sends and what it holds of its peer's
 * state, in the words the failover record uses. */
static void
print_link(FILE *out, const struct json_value *st)
{
	struct json_value l, h;
	char link[16], seq[32], acked[32], peer_seq[32], heard[64], acc[16];

	if (json_object_get(st, "pair_link", &l) == -1 ||
	    l.type != JSON_OBJECT)
		return;
	fprintf(out, "%-10s sent seq %s (acked %s, %s peer connected); "
	    "peer's state %s, seq %s", "link",
	    field(&l, "seq", seq, sizeof seq),
	    field(&l, "acked", acked, sizeof acked),
	    field(&l, "accepted", acc, sizeof acc),
	    field(&l, "link", link, sizeof link),
	    field(&l, "peer_seq", peer_seq, sizeof peer_seq));
	if (json_object_get(&l, "heard", &h) == 0)
		fprintf(out, ", heard %s", value_text(&h, heard,
		    sizeof heard));
	fputc('\n', out);
}

/* A node of a pair: its role, and a standby's meaning spelled out. */
static void
print_role(FILE *out, const struct json_value *st)
{
	struct json_value v;
	char role[32], node[64], since[64];

	if (json_object_get(st, "role", &v) == -1)
		return;
	field(st, "role", role, sizeof role);
	fprintf(out, "%-10s %s (node %s, since %s)%s\n", "role", role,
	    field(st, "node", node, sizeof node),
	    field(st, "role_since", since, sizeof since),
	    strcmp(role, "active") == 0 ? "" :
	    ": the peer serves; AI refused, nothing written");
	print_link(out, st);
}

/*
 * field(), but a number with the object's "precision" decimals: a point's
 * value as the engineer set it for displays (--json keeps it all); as
 * sent when too large for decimals to matter.
 */
static const char *
shown(const struct json_value *obj, const char *key, char *buf, size_t cap)
{
	struct json_value v, prec;
	uint64_t decimals;
	double d;

	if (json_object_get(obj, key, &v) == 0 && v.type == JSON_NUMBER &&
	    json_get_double(&v, &d) == 0 && fabs(d) < 1e15 &&
	    json_object_get(obj, "precision", &prec) == 0 &&
	    json_get_uint64(&prec, &decimals) == 0 && decimals <= 17) {
		snprintf(buf, cap, "%.*f", (int)decimals, d);
		return buf;
	}
	return field(obj, key, buf, cap);
}

/* The elements of key in obj, or 0 and "none" printed after the title. */
static int
section(FILE *out, const struct json_value *obj, const char *key,
    const char *title, struct json_iter *it)
{
	struct json_value arr;

	if (json_object_get(obj, key, &arr) == -1 ||
	    (arr.type != JSON_ARRAY && arr.type != JSON_OBJECT) ||
	    arr.len <= 2) {
		fprintf(out, "%-10s none\n", title);
		return 0;
	}
	fprintf(out, "%s\n", title);
	json_iter_init(it, &arr);
	return 1;
}

/* alarms and trips: {point or device, kind, value, since} */
static void
print_conditions(FILE *out, const struct json_value *st, const char *key)
{
	char name[128], kind[64], value[64], since[64];
	struct json_iter it;
	struct json_member m;

	if (!section(out, st, key, key, &it))
		return;
	while (json_iter_next(&it, &m)) {
		if (strcmp(field(&m.value, "point", name, sizeof name), "-")
		    == 0) {
			field(&m.value, "device", name, sizeof name);
			strncat(name, " (device)", sizeof name - strlen(name) -
			    1);
		}
		fprintf(out, "  %-24s %-12s %-12s since %s\n", name,
		    field(&m.value, "kind", kind, sizeof kind),
		    shown(&m.value, "value", value, sizeof value),
		    field(&m.value, "since", since, sizeof since));
	}
}

static int
is_true(const struct json_value *obj, const char *key)
{
	struct json_value v;

	return json_object_get(obj, key, &v) == 0 && v.type == JSON_TRUE;
}

/* "12m left" for a time wardend sent ("2026-...Z"), from now. */
static const char *
time_left(const struct json_value *obj, const char *key, char *buf,
    size_t cap)
{
	char text[64];
	double until, left;

	if (statefile_time_parse(field(obj, key, text, sizeof text), &until) ==
	    -1)
		return "?";
	left = until - (double)time(NULL);
	if (left < 0)
		left = 0;
	if (left >= 3600)
		snprintf(buf, cap, "%.0fh%02.0fm left", floor(left / 3600),
		    floor(fmod(left, 3600) / 60));
	else if (left >= 60)
		snprintf(buf, cap, "%.0fm%02.0fs left", floor(left / 60),
		    fmod(left, 60));
	else
		snprintf(buf, cap, "%.0fs left", left);
	return buf;
}

/*
 * The alarm list: source, kind, alarm or trip, the ISA-18.2 state, value
 * and limit (in the point's decimals), since, and what holds it.
 */
static void
print_alarms(FILE *out, const struct json_value *st)
{
	static const char *const states[][2] = { { "unack", "ACTIVE UNACK" },
		{ "ack", "active ack" }, { "rtn_unack", "CLEARED UNACK" } };
	char name[128], kind[64], level[16], state[32], value[64], limit[64],
	    unit[32], since[64], left[32], note[96];
	struct json_iter it;
	struct json_member m;
	size_t i;

	if (!section(out, st, "alarms", "alarms", &it))
		return;
	while (json_iter_next(&it, &m)) {
		const struct json_value *a = &m.value;

		if (strcmp(field(a, "point", name, sizeof name), "-") == 0) {
			field(a, "device", name, sizeof name);
			strncat(name, " (device)", sizeof name - strlen(name) -
			    1);
		}
		field(a, "state", state, sizeof state);
		for (i = 0; i < sizeof states / sizeof states[0]; i++)
			if (strcmp(state, states[i][0]) == 0)
				snprintf(state, sizeof state, "%s",
				    states[i][1]);
		note[0] = '\0';
		if (is_true(a, "bypassed"))
			snprintf(note, sizeof note, "  TRIP BYPASSED, %s",
			    time_left(a, "bypass_until", left, sizeof left));
		else if (is_true(a, "shelved"))
			snprintf(note, sizeof note, "  shelved, %s",
			    time_left(a, "shelved_until", left, sizeof left));
		field(a, "unit", unit, sizeof unit);
		fprintf(out, "  %-20s %-11s %-5s %-13s %10s %-5s limit %-8s "
		    "since %s%s\n", name, field(a, "kind", kind, sizeof kind),
		    field(a, "level", level, sizeof level), state,
		    shown(a, "value", value, sizeof value),
		    strcmp(unit, "-") ? unit : "",
		    shown(a, "limit", limit, sizeof limit),
		    field(a, "since", since, sizeof since), note);
	}
}

/* holds: {hold, source, since, until, remaining, user, reason} */
static void
print_holds(FILE *out, const struct json_value *st)
{
	char hold[16], source[128], until[64], left[32], user[80],
	    reason[CONTROL_REASON_MAX];
	struct json_iter it;
	struct json_member m;

	if (!section(out, st, "holds", "holds", &it))
		return;
	while (json_iter_next(&it, &m))
		fprintf(out, "  %-7s %-20s until %s (%s) by %s: %s\n",
		    field(&m.value, "hold", hold, sizeof hold),
		    field(&m.value, "source", source, sizeof source),
		    field(&m.value, "until", until, sizeof until),
		    time_left(&m.value, "until", left, sizeof left),
		    field(&m.value, "user", user, sizeof user),
		    field(&m.value, "reason", reason, sizeof reason));
}

/* points: a value, in its decimals; stale ones say how old. */
static void
print_points(FILE *out, const struct json_value *st)
{
	char name[128], value[64], unit[32], age[64];
	struct json_iter it;
	struct json_member m;

	if (!section(out, st, "points", "values", &it))
		return;
	while (json_iter_next(&it, &m)) {
		fprintf(out, "  %-24s %-12s %s",
		    field(&m.value, "name", name, sizeof name),
		    shown(&m.value, "value", value, sizeof value),
		    field(&m.value, "unit", unit, sizeof unit));
		if (is_true(&m.value, "stale"))
			fprintf(out, "  STALE: device down, value %s s old",
			    field(&m.value, "age", age, sizeof age));
		fprintf(out, "\n");
	}
}

/* safe_state: {point, value, status, last_read} */
static void
print_safe(FILE *out, const struct json_value *st)
{
	char point[128], value[64], status[64], got[64];
	struct json_iter it;
	struct json_member m;

	if (!section(out, st, "safe_state", "safe state", &it))
		return;
	while (json_iter_next(&it, &m))
		fprintf(out, "  %-24s %-12s %-12s read %s\n",
		    field(&m.value, "point", point, sizeof point),
		    field(&m.value, "value", value, sizeof value),
		    field(&m.value, "status", status, sizeof status),
		    field(&m.value, "last_read", got, sizeof got));
}

/* ramps: {point, from, target, current, limit, steps} */
static void
print_ramps(FILE *out, const struct json_value *st)
{
	char point[128], from[64], target[64], current[64], limit[32];
	char steps[32];
	struct json_iter it;
	struct json_member m;

	if (!section(out, st, "ramps", "ramps", &it))
		return;
	while (json_iter_next(&it, &m))
		fprintf(out, "  %-24s %s -> %s  at %s  step %s, bound by %s\n",
		    field(&m.value, "point", point, sizeof point),
		    field(&m.value, "from", from, sizeof from),
		    field(&m.value, "target", target, sizeof target),
		    field(&m.value, "current", current, sizeof current),
		    field(&m.value, "steps", steps, sizeof steps),
		    field(&m.value, "limit", limit, sizeof limit));
}

static void
print_devices(FILE *out, const struct json_value *st)
{
	char name[128];
	struct json_iter it;
	struct json_member m;
	struct json_value up;

	if (!section(out, st, "devices", "devices", &it))
		return;
	while (json_iter_next(&it, &m))
		fprintf(out, "  %-24s %s\n",
		    field(&m.value, "name", name, sizeof name),
		    json_object_get(&m.value, "up", &up) == 0 &&
		    up.type == JSON_TRUE ? "up" : "DOWN");
}

/* connections: {client, listener, tls, role, identity} */
static void
print_connections(FILE *out, const struct json_value *st)
{
	char client[64], listener[80], role[80], identity[300];
	struct json_iter it;
	struct json_member m;
	struct json_value v;

	if (!section(out, st, "connections", "clients", &it))
		return;
	while (json_iter_next(&it, &m)) {
		int tls = json_object_get(&m.value, "tls", &v) == 0 &&
		    v.type == JSON_TRUE;

		if (json_object_get(&m.value, "handshaking", &v) == 0 &&
		    v.type == JSON_TRUE) {
			fprintf(out, "  %-22s %-22s TLS handshake\n",
			    field(&m.value, "client", client, sizeof client),
			    field(&m.value, "listener", listener,
			    sizeof listener));
			continue;
		}
		fprintf(out, "  %-22s %-22s %-5s %-12s %s\n",
		    field(&m.value, "client", client, sizeof client),
		    field(&m.value, "listener", listener, sizeof listener),
		    tls ? "tls" : "plain",
		    field(&m.value, "role", role, sizeof role),
		    field(&m.value, "identity", identity, sizeof identity));
	}
}

static void
print_counters(FILE *out, const struct json_value *st)
{
	char name[128], value[256];
	struct json_iter it;
	struct json_member m;

	if (!section(out, st, "counters", "counters", &it))
		return;
	while (json_iter_next(&it, &m))
		fprintf(out, "  %-24s %s\n", value_text(&m.key, name,
		    sizeof name), value_text(&m.value, value, sizeof value));
}

void
ctl_show_status(FILE *out, const struct json_value *st)
{
	char buf[CONTROL_REASON_MAX + 64];
	size_t i;

	field(st, "state", buf, sizeof buf);
	for (i = 0; buf[i] != '\0'; i++)
		if (buf[i] >= 'a' && buf[i] <= 'z')
			buf[i] = (char)(buf[i] - 'a' + 'A');
	fprintf(out, "%-10s %s\n", "state", buf);
	fprintf(out, "%-10s %s\n", "cause", field(st, "cause", buf,
	    sizeof buf));
	fprintf(out, "%-10s %s\n", "reason", field(st, "reason", buf,
	    sizeof buf));
	fprintf(out, "%-10s %s\n", "since", field(st, "since", buf,
	    sizeof buf));
	field(st, "mode", buf, sizeof buf);
	fprintf(out, "%-10s %s%s\n", "mode", buf, strcmp(buf, "monitor") == 0 ?
	    " (commissioning: nothing is enforced)" : "");
	print_role(out, st);
	fprintf(out, "\n");
	print_alarms(out, st);
	print_holds(out, st);
	print_conditions(out, st, "trips");
	print_safe(out, st);
	print_ramps(out, st);
	print_devices(out, st);
	print_connections(out, st);
	print_points(out, st);
	print_counters(out, st);
}

void
ctl_show_alarms(FILE *out, const struct json_value *answer)
{
	print_alarms(out, answer);
	print_holds(out, answer);
}

void
ctl_show_refusal(const char *what, const struct json_value *answer)
{
	char error[CTL_SHOW_TEXT_MAX];

	size_t len = strlen(what);
	const char *text = field(answer, "error", error, sizeof error);

	/* wardend may name the command already: said once. */
	if (strncmp(text, what, len) == 0 && text[len] == ':' &&
	    text[len + 1] == ' ')
		text += len + 2;
	fprintf(stderr, "%s refused: %s\n", what, text);
}

void
ctl_show_warning(const char *what, const struct json_value *answer)
{
	char warning[CTL_SHOW_TEXT_MAX];
	struct json_value v;

	if (json_object_get(answer, "warning", &v) == 0)
		fprintf(stderr, "%s: warning: %s\n", what,
		    field(answer, "warning", warning, sizeof warning));
}
void
ctl_show_watch_header(const char *socket, int tty)
{
	char clock[16];
	struct tm tm;
	time_t t = time(NULL);

	localtime_r(&t, &tm);
	strftime(clock, sizeof clock, "%H:%M:%S", &tm);
	if (tty)
		printf("\033[H\033[2J");
	else
		printf("---\n");
	printf("wardend at %s, %s; Ctrl-C to stop\n\n", socket, clock);
}
static uint64_t
learn_count(const struct json_value *answer, const char *key)
{
	struct json_value v;
	uint64_t n = 0;

	if (json_object_get(answer, key, &v) == 0)
		json_get_uint64(&v, &n);
	return n;
}

int
ctl_show_learn(FILE *out, FILE *err, const struct json_value *answer)
{
	struct json_value v;
	uint64_t dropped;
	char *text;
	int len;

	if (json_object_get(answer, "proposal", &v) == -1 ||
	    v.type != JSON_STRING || (text = malloc(v.len + 1)) == NULL)
		return -1;
	if ((len = json_get_string(&v, text, v.len + 1)) < 0) {
		free(text);
		return -1;
	}
	fwrite(text, 1, (size_t)len, out);
	free(text);
	fprintf(err, "learn: %llu requests, %llu addresses kept of %llu\n",
	    (unsigned long long)learn_count(answer, "requests"),
	    (unsigned long long)learn_count(answer, "addresses"),
	    (unsigned long long)learn_count(answer, "capacity"));
	dropped = learn_count(answer, "dropped_reads") +
	    learn_count(answer, "dropped_writes");
	if (dropped > 0)
		fprintf(err, "learn: the table was full: %llu reads and %llu "
		    "writes of other addresses were not kept, and are not "
		    "in the proposal\n",
		    (unsigned long long)learn_count(answer, "dropped_reads"),
		    (unsigned long long)learn_count(answer, "dropped_writes"));
	return 0;
}
