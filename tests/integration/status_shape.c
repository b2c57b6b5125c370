/*
 * status_shape.c: the status object against the contract. See
 * status_shape.h.
 */
#include "status_shape.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "json.h"

#define SHAPE_WORD_MAX 64

static const char *const shape_states[] = { "auto", "takeover", NULL };
static const char *const shape_modes[] = { "enforce", "monitor", NULL };
static const char *const shape_causes[] = { "operator", "switch", "trip",
	"violation", "violations", "ai_silence", "device_loss", "startup",
	NULL };
static const char *const shape_alarm_kinds[] = { "low", "high", "low_low",
	"high_high", "rate", "stale", "device_loss", NULL };
static const char *const shape_trip_kinds[] = { "low_low", "high_high",
	"rate", "stale", NULL };
static const char *const shape_levels[] = { "alarm", "trip", NULL };
static const char *const shape_alarm_states[] = { "unack", "ack",
	"rtn_unack", NULL };
static const char *const shape_holds[] = { "shelve", "bypass", NULL };
static const char *const shape_safe_status[] = { "pending", "verified",
	"re-driving", "drifted", NULL };

/* Where in the object a check is, for the message. */
struct shape_ctx {
	char where[64];
	char *why;
	size_t whylen;
};

static int
shape_fail(struct shape_ctx *c, const char *key, const char *what)
{
	snprintf(c->why, c->whylen, "status --json: %s%s: %s", c->where, key,
	    what);
	return -1;
}

static int
shape_member(struct shape_ctx *c, const struct json_value *obj,
    const char *key, enum json_type type, struct json_value *out)
{
	static const char *const names[] = { "none", "null", "a boolean",
		"a boolean", "a number", "a string", "an array", "an object" };
	char what[32];

	if (json_object_get(obj, key, out) != 0)
		return shape_fail(c, key, "missing");
	if (out->type == type || (type == JSON_TRUE && out->type == JSON_FALSE))
		return 0;
	snprintf(what, sizeof(what), "not %s", names[type]);
	return shape_fail(c, key, what);
}

/* A string; one of `allowed` unless that is NULL. */
static int
shape_word(struct shape_ctx *c, const struct json_value *obj,
    const char *key, const char *const *allowed)
{
	char word[SHAPE_WORD_MAX * 8];
	struct json_value v;

	if (shape_member(c, obj, key, JSON_STRING, &v) != 0)
		return -1;
	if (json_get_string(&v, word, sizeof(word)) < 0)
		return shape_fail(c, key, "an unreadable string");
	if (allowed == NULL)
		return 0;
	for (; *allowed != NULL; allowed++)
		if (strcmp(word, *allowed) == 0)
			return 0;
	return shape_fail(c, key, "a word the contract does not list");
}

/* RFC 3339 in UTC with microseconds: 2026-01-02T03:04:05.123456Z. */
static int
shape_time(struct shape_ctx *c, const struct json_value *obj, const char *key)
{
	static const char pattern[] = "dddd-dd-ddTdd:dd:dd.ddddddZ";
	char text[SHAPE_WORD_MAX];
	struct json_value v;
	size_t i;

	if (shape_member(c, obj, key, JSON_STRING, &v) != 0)
		return -1;
	if (json_get_string(&v, text, sizeof(text)) != (int)strlen(pattern))
		return shape_fail(c, key, "not RFC 3339 with microseconds");
	for (i = 0; pattern[i] != '\0'; i++)
		if (pattern[i] == 'd' ? text[i] < '0' || text[i] > '9' :
		    text[i] != pattern[i])
			return shape_fail(c, key, "not RFC 3339 with "
			    "microseconds");
	return 0;
}

static int
shape_number(struct shape_ctx *c, const struct json_value *obj,
    const char *key)
{
	struct json_value v;

	return shape_member(c, obj, key, JSON_NUMBER, &v);
}

/* true or false. */
static int
shape_bool(struct shape_ctx *c, const struct json_value *obj, const char *key)
{
	struct json_value v;

	return shape_member(c, obj, key, JSON_TRUE, &v);
}

/* An alarm of the list names a point or a device, never both; its
 * state is ISA-18.2's, and a cleared one says when. */
static int
shape_alarm(struct shape_ctx *c, const struct json_value *e)
{
	struct json_value v;
	int point = json_object_get(e, "point", &v) == 0;
	int device = json_object_get(e, "device", &v) == 0;

	if (point == device)
		return shape_fail(c, "point/device", "not exactly one of them");
	if (shape_word(c, e, point ? "point" : "device", NULL) != 0 ||
	    shape_word(c, e, "kind", shape_alarm_kinds) != 0 ||
	    shape_number(c, e, "value") != 0 ||
	    shape_time(c, e, "since") != 0 ||
	    shape_word(c, e, "level", shape_levels) != 0 ||
	    shape_word(c, e, "state", shape_alarm_states) != 0 ||
	    shape_bool(c, e, "active") != 0 || shape_bool(c, e, "acked") != 0 ||
	    shape_bool(c, e, "shelved") != 0 ||
	    shape_bool(c, e, "bypassed") != 0)
		return -1;
	if (json_object_get(e, "active", &v) == 0 && v.type == JSON_FALSE)
		return shape_time(c, e, "cleared");
	return 0;
}

static int
shape_hold(struct shape_ctx *c, const struct json_value *e)
{
	return shape_word(c, e, "hold", shape_holds) == 0 &&
	    shape_word(c, e, "source", NULL) == 0 &&
	    shape_time(c, e, "since") == 0 &&
	    shape_time(c, e, "until") == 0 &&
	    shape_number(c, e, "remaining") == 0 &&
	    shape_word(c, e, "user", NULL) == 0 &&
	    shape_word(c, e, "reason", NULL) == 0 ? 0 : -1;
}

/* The points' trips (a device's loss is on the alarm list). */
static int
shape_trip(struct shape_ctx *c, const struct json_value *e)
{
	return shape_word(c, e, "point", NULL) == 0 &&
	    shape_word(c, e, "kind", shape_trip_kinds) == 0 &&
	    shape_number(c, e, "value") == 0 &&
	    shape_time(c, e, "since") == 0 ? 0 : -1;
}

/* last_read: a number, or null before the point was first read. */
static int
shape_safe(struct shape_ctx *c, const struct json_value *e)
{
	struct json_value v;

	if (shape_word(c, e, "point", NULL) != 0 ||
	    shape_number(c, e, "value") != 0 ||
	    shape_word(c, e, "status", shape_safe_status) != 0)
		return -1;
	if (json_object_get(e, "last_read", &v) == 0 && v.type == JSON_NULL)
		return 0;
	return shape_number(c, e, "last_read");
}

static int
shape_device(struct shape_ctx *c, const struct json_value *e)
{
	struct json_value v;

	return shape_word(c, e, "name", NULL) == 0 &&
	    shape_member(c, e, "up", JSON_TRUE, &v) == 0 ? 0 : -1;
}

/* Counters: each a whole number, never negative. */
static int
shape_counter(struct shape_ctx *c, const struct json_member *m)
{
	char key[SHAPE_WORD_MAX];
	uint64_t n;

	if (json_get_string(&m->key, key, sizeof(key)) < 0)
		snprintf(key, sizeof(key), "?");
	if (json_get_uint64(&m->value, &n) != 0)
		return shape_fail(c, key, "not a non-negative integer");
	return 0;
}

/* Each element of the array (or member of the object) at key. */
static int
shape_list(struct shape_ctx *c, const struct json_value *obj,
    const char *key, int (*check)(struct shape_ctx *,
    const struct json_value *), int *count)
{
	int is_counters = check == NULL, rc;
	struct json_member m;
	struct json_value list;
	struct json_iter it;

	if (shape_member(c, obj, key, is_counters ? JSON_OBJECT : JSON_ARRAY,
	    &list) != 0)
		return -1;
	json_iter_init(&it, &list);
	for (*count = 0; json_iter_next(&it, &m); (*count)++) {
		snprintf(c->where, sizeof(c->where), "%s[%d].", key, *count);
		if (is_counters)
			rc = shape_counter(c, &m);
		else if (m.value.type != JSON_OBJECT)
			rc = shape_fail(c, "", "not an object");
		else
			rc = check(c, &m.value);
		if (rc != 0)
			return -1;
	}
	c->where[0] = '\0';
	return 0;
}

int
status_shape_check(const char *text, struct status_shape *shape, char *why,
    size_t whylen)
{
	struct shape_ctx c = { "", why, whylen };
	struct json_value obj;
	const char *bad = "";
	size_t at = 0;

	memset(shape, 0, sizeof(*shape));
	if (json_parse(text, strlen(text), &obj, &at, &bad) != 0 ||
	    obj.type != JSON_OBJECT) {
		snprintf(why, whylen, "status --json is not one JSON object "
		    "(%s at byte %zu): %s", bad, at, text);
		return -1;
	}
	if (shape_word(&c, &obj, "state", shape_states) != 0 ||
	    shape_word(&c, &obj, "cause", shape_causes) != 0 ||
	    shape_word(&c, &obj, "reason", NULL) != 0 ||
	    shape_time(&c, &obj, "since") != 0 ||
	    shape_word(&c, &obj, "mode", shape_modes) != 0 ||
	    shape_list(&c, &obj, "alarms", shape_alarm, &shape->alarms) != 0 ||
	    shape_list(&c, &obj, "holds", shape_hold, &shape->holds) != 0 ||
	    shape_list(&c, &obj, "trips", shape_trip, &shape->trips) != 0 ||
	    shape_list(&c, &obj, "safe_state", shape_safe,
	    &shape->safe_state) != 0 ||
	    shape_list(&c, &obj, "devices", shape_device,
	    &shape->devices) != 0 ||
	    shape_list(&c, &obj, "counters", NULL, &shape->counters) != 0)
		return -1;
	return 0;
}
