/*
 * ctl_show.c: wardend's answers as wardenctl shows them to people
 * (ctl_show.h). Whatever wardend sends is printed with its control
 * characters replaced, so no answer can drive the terminal.
 */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "control_proto.h"
#include "ctl_show.h"

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

/* A list of objects, three fields each, in columns. */
static void
print_rows(FILE *out, const struct json_value *st, const char *key,
    const char *title, const char *const fields[3])
{
	char a[128], b[128], c[64];
	struct json_iter it;
	struct json_member m;

	if (!section(out, st, key, title, &it))
		return;
	while (json_iter_next(&it, &m))
		fprintf(out, "  %-24s %-12s %s\n",
		    field(&m.value, fields[0], a, sizeof a),
		    shown(&m.value, fields[1], b, sizeof b),
		    fields[2] ? field(&m.value, fields[2], c, sizeof c) : "");
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
	static const char *const points[3] = { "name", "value", "unit" };
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
	fprintf(out, "\n");
	print_conditions(out, st, "alarms");
	print_conditions(out, st, "trips");
	print_safe(out, st);
	print_devices(out, st);
	print_connections(out, st);
	print_rows(out, st, "points", "values", points);
	print_counters(out, st);
}

void
ctl_show_refusal(const char *what, const struct json_value *answer)
{
	char error[CTL_SHOW_TEXT_MAX];

	fprintf(stderr, "%s refused: %s\n", what,
	    field(answer, "error", error, sizeof error));
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