/*
 * audit_show.c: `wardenctl audit show` (audit_show.h): what one line of
 * an audit log is, and whether the filters keep it.
 */
#include "audit_show.h"

#include <string.h>

int
audit_show_init(struct audit_show *s, const struct audit_show_filter *f)
{
	memset(s, 0, sizeof *s);
	if (f != NULL)
		s->filter = *f;
	return audit_hasher_init(&s->hasher);
}

void
audit_show_free(struct audit_show *s)
{
	audit_hasher_free(&s->hasher);
}

static int
name_ok(const char *name, size_t n)
{
	size_t i;

	if (n == 0 || n >= AUDIT_SHOW_NAME_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') ||
		    (name[i] >= '0' && name[i] <= '9') || name[i] == '_'))
			return 0;
	return 1;
}

int
audit_show_filter_events(struct audit_show_filter *f, const char *list,
    char err[ERR_LEN])
{
	const char *p, *comma;
	size_t n, adding, i;

	/* All or nothing: every name checked before one is added. */
	for (adding = 0; adding < 2; adding++)
		for (p = list, i = f->n_events;; p = comma + 1, i++) {
			comma = strchr(p, ',');
			n = comma != NULL ? (size_t)(comma - p) : strlen(p);
			if (!name_ok(p, n)) {
				errmsg_set(err, "--event wants event names "
				    "such as write_rejected, comma separated "
				    "(a-z, 0-9, _, at most %d characters), "
				    "not \"%s\"", AUDIT_SHOW_NAME_MAX - 1,
				    list);
				return -1;
			}
			if (i == AUDIT_SHOW_EVENTS_MAX) {
				errmsg_set(err, "--event: at most %d events",
				    AUDIT_SHOW_EVENTS_MAX);
				return -1;
			}
			if (adding) {
				memcpy(f->events[i], p, n);
				f->events[i][n] = '\0';
				f->n_events = i + 1;
			}
			if (comma == NULL)
				break;
		}
	return 0;
}

int
audit_show_filter_point(struct audit_show_filter *f, const char *point,
    char err[ERR_LEN])
{
	size_t n = strlen(point);

	if (n == 0 || n >= AUDIT_SHOW_NAME_MAX) {
		errmsg_set(err, "--point wants a point or device name of 1 to "
		    "%d bytes", AUDIT_SHOW_NAME_MAX - 1);
		return -1;
	}
	memcpy(f->point, point, n + 1);
	return 0;
}

static int
unreadable(struct audit_show_entry *e, const char *why)
{
	errmsg_set(e->why, "%s", why);
	return -1;
}

/* seq, ts and event, the first three members, into e. */
static int
read_record(const char *line, size_t len, struct audit_show_entry *e)
{
	struct json_iter it;
	struct json_member m[3];
	char ts[64];
	int i, n;

	if (json_parse(line, len, &e->obj, NULL, NULL) == -1 ||
	    e->obj.type != JSON_OBJECT)
		return unreadable(e, "not a JSON object");
	json_iter_init(&it, &e->obj);
	for (i = 0; i < 3; i++)
		if (!json_iter_next(&it, &m[i]))
			return unreadable(e, "not a record: seq, ts and "
			    "event missing");
	if (!json_string_is(&m[0].key, "seq") ||
	    json_get_uint64(&m[0].value, &e->seq) == -1 || e->seq == 0)
		return unreadable(e, "seq is not first or not a positive "
		    "integer");
	if (!json_string_is(&m[1].key, "ts") ||
	    (n = json_get_string(&m[1].value, ts, sizeof ts)) == -1 ||
	    audit_show_ts_parse(ts, (size_t)n, &e->ts_us) == -1)
		return unreadable(e, "ts is not second or not an RFC 3339 "
		    "time");
	if (!json_string_is(&m[2].key, "event") ||
	    json_get_string(&m[2].value, e->event, sizeof e->event) <= 0)
		return unreadable(e, "event is not third or not a name");
	return 0;
}

static int
time_kept(const struct audit_show_filter *f, int64_t ts_us)
{
	return (!f->has_since || ts_us >= f->since_us) &&
	    (!f->has_until || ts_us < f->until_us);
}

static int
event_kept(const struct audit_show_filter *f, const char *event)
{
	size_t i;

	for (i = 0; i < f->n_events; i++)
		if (strcmp(f->events[i], event) == 0)
			return 1;
	return f->n_events == 0;
}

/* The point or device named, or a point of the "points" list. */
static int
point_kept(const struct audit_show_filter *f, const struct json_value *obj)
{
	struct json_value v, name;
	struct json_iter it;
	struct json_member m;

	if (f->point[0] == '\0')
		return 1;
	if ((json_object_get(obj, "point", &v) == 0 &&
	    json_string_is(&v, f->point)) ||
	    (json_object_get(obj, "device", &v) == 0 &&
	    json_string_is(&v, f->point)))
		return 1;
	if (json_object_get(obj, "points", &v) == -1 || v.type != JSON_ARRAY)
		return 0;
	json_iter_init(&it, &v);
	while (json_iter_next(&it, &m))
		if (json_object_get(&m.value, "point", &name) == 0 &&
		    json_string_is(&name, f->point))
			return 1;
	return 0;
}

int
audit_show_line(struct audit_show *s, const char *line, size_t len,
    struct audit_show_entry *e)
{
	struct audit_line l;

	memset(e, 0, sizeof *e);
	audit_line_check(&s->hasher, line, len, &l);
	if (l.kind == AUDIT_LINE_TORN || read_record(line, len, e) == -1) {
		if (l.kind != AUDIT_LINE_INTACT)
			memcpy(e->why, l.why, sizeof e->why);
		e->kind = AUDIT_SHOW_UNREADABLE;
		e->ts_us = s->last_ts_us;
		s->unreadable++;
		return time_kept(&s->filter, e->ts_us);
	}
	e->kind = AUDIT_SHOW_RECORD;
	e->intact = l.kind == AUDIT_LINE_INTACT;
	if (!e->intact)
		memcpy(e->why, l.why, sizeof e->why);
	s->last_ts_us = e->ts_us;
	return time_kept(&s->filter, e->ts_us) &&
	    event_kept(&s->filter, e->event) &&
	    point_kept(&s->filter, &e->obj);
}
