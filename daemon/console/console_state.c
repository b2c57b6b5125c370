/*
 * console_state.c: wardend's latest pushes, shared between the feed and
 * the browsers (console_state.h).
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "console_state.h"
#include "console_trend.h"
#include "errmsg.h"

struct state_record {
	uint64_t seq;           /* 0: empty */
	char *text;
	size_t len;
};

struct console_state {
	pthread_mutex_t lock;
	pthread_cond_t changed;         /* on CLOCK_MONOTONIC */
	int stopping;
	char *status;                   /* the last status line, or NULL */
	size_t status_len;
	uint64_t status_version;
	struct state_record audit[STATE_AUDIT_KEEP];    /* by seq % KEEP */
	uint64_t audit_seq;             /* the newest record's */
	char link_why[ERR_LEN];         /* "": connected */
	uint64_t link_version;
	struct trend *trend;
};

struct console_state *
state_new(void)
{
	struct console_state *st = calloc(1, sizeof *st);
	pthread_condattr_t attr;

	if (st == NULL)
		return NULL;
	if ((st->trend = trend_new()) == NULL) {
		free(st);
		return NULL;
	}
	pthread_mutex_init(&st->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&st->changed, &attr);
	pthread_condattr_destroy(&attr);
	snprintf(st->link_why, sizeof st->link_why, "connecting to wardend");
	st->link_version = 1;
	return st;
}

void
state_free(struct console_state *st)
{
	size_t i;

	if (st == NULL)
		return;
	for (i = 0; i < STATE_AUDIT_KEEP; i++)
		free(st->audit[i].text);
	free(st->status);
	trend_free(st->trend);
	pthread_cond_destroy(&st->changed);
	pthread_mutex_destroy(&st->lock);
	free(st);
}

/* Each point's value into its trend ring; a stale one (its device is
 * down) is a gap, not a value. */
static void
state_trend_feed(struct console_state *st, const struct json_value *status,
    double now)
{
	struct json_value points, v;
	struct json_member m;
	struct json_iter it;
	char name[TREND_NAME_MAX];
	double value, at;

	if (json_object_get(status, "points", &points) == -1 ||
	    points.type != JSON_ARRAY)
		return;
	json_iter_init(&it, &points);
	while (json_iter_next(&it, &m) == 1) {
		if (m.value.type != JSON_OBJECT ||
		    json_object_get(&m.value, "name", &v) == -1 ||
		    json_get_string(&v, name, sizeof name) < 0 ||
		    json_object_get(&m.value, "value", &v) == -1 ||
		    json_get_double(&v, &value) == -1)
			continue;
		if (json_object_get(&m.value, "stale", &v) == 0 &&
		    v.type == JSON_TRUE)
			continue;
		at = now;
		if (json_object_get(&m.value, "at", &v) == 0)
			(void)json_get_double(&v, &at);
		(void)trend_add(st->trend, name, (int64_t)floor(at), value);
	}
}

static void
state_keep_status(struct console_state *st, const char *line, size_t len)
{
	char *copy = malloc(len + 1);

	if (copy == NULL)
		return;
	memcpy(copy, line, len);
	copy[len] = '\0';
	free(st->status);
	st->status = copy;
	st->status_len = len;
	st->status_version++;
}

static void
state_keep_audit(struct console_state *st, const struct json_value *push)
{
	struct json_value records;
	struct json_member m;
	struct json_iter it;
	struct state_record *r;
	char *copy;

	if (json_object_get(push, "records", &records) == -1 ||
	    records.type != JSON_ARRAY)
		return;
	json_iter_init(&it, &records);
	while (json_iter_next(&it, &m) == 1) {
		if (m.value.type != JSON_OBJECT ||
		    (copy = malloc(m.value.len + 1)) == NULL)
			continue;
		memcpy(copy, m.value.text, m.value.len);
		copy[m.value.len] = '\0';
		st->audit_seq++;
		r = &st->audit[st->audit_seq % STATE_AUDIT_KEEP];
		free(r->text);
		r->seq = st->audit_seq;
		r->text = copy;
		r->len = m.value.len;
	}
}

void
state_push(struct console_state *st, const char *line, size_t len,
    double now)
{
	struct json_value push, kind;
	const char *why;
	size_t at;

	if (json_parse(line, len, &push, &at, &why) == -1 ||
	    push.type != JSON_OBJECT ||
	    json_object_get(&push, "push", &kind) == -1)
		return;
	pthread_mutex_lock(&st->lock);
	if (json_string_is(&kind, "status")) {
		state_keep_status(st, line, len);
		state_trend_feed(st, &push, now);
	} else if (json_string_is(&kind, "audit"))
		state_keep_audit(st, &push);
	pthread_cond_broadcast(&st->changed);
	pthread_mutex_unlock(&st->lock);
}

void
state_link(struct console_state *st, const char *why)
{
	pthread_mutex_lock(&st->lock);
	if (strcmp(st->link_why, why ? why : "") != 0) {
		snprintf(st->link_why, sizeof st->link_why, "%s",
		    why ? why : "");
		st->link_version++;
		pthread_cond_broadcast(&st->changed);
	}
	pthread_mutex_unlock(&st->lock);
}

void
state_stop(struct console_state *st)
{
	pthread_mutex_lock(&st->lock);
	st->stopping = 1;
	pthread_cond_broadcast(&st->changed);
	pthread_mutex_unlock(&st->lock);
}

static int
state_newer(const struct console_state *st, const struct state_cursor *c)
{
	return c->link != st->link_version ||
	    (st->status != NULL && c->status != st->status_version) ||
	    c->audit != st->audit_seq;
}

/* One event; the data is one line (a CR or LF, which JSON allows only
 * as white space between tokens, becomes a space). Out of memory: the
 * event is left out whole. */
static void
state_event(struct buf *out, const char *event, const char *data,
    size_t len)
{
	size_t rel = buf_len(out), at, i;
	uint8_t *p;

	if (buf_append(out, "event: ", 7) == -1 ||
	    buf_append(out, event, strlen(event)) == -1 ||
	    buf_append(out, "\ndata: ", 7) == -1 ||
	    buf_append(out, data, len) == -1 ||
	    buf_append(out, "\n\n", 2) == -1) {
		out->end = out->start + rel;
		return;
	}
	at = rel + 14 + strlen(event);
	p = buf_head(out) + at;
	for (i = 0; i < len; i++)
		if (p[i] == '\r' || p[i] == '\n')
			p[i] = ' ';
}

static void
state_emit(struct console_state *st, struct state_cursor *c,
    struct buf *out)
{
	struct json j;
	uint64_t s;

	json_init(&j);
	if (c->link != st->link_version) {
		json_object_begin(&j);
		json_kv_bool(&j, "up", st->link_why[0] == '\0');
		if (st->link_why[0] != '\0')
			json_kv_string(&j, "error", st->link_why);
		json_object_end(&j);
		if (!json_failed(&j))
			state_event(out, "link", j.data, j.len);
		c->link = st->link_version;
	}
	if (st->status != NULL && c->status != st->status_version) {
		state_event(out, "status", st->status, st->status_len);
		c->status = st->status_version;
	}
	if (c->audit != st->audit_seq) {
		s = c->audit + 1;
		if (st->audit_seq - c->audit > STATE_AUDIT_KEEP)
			s = st->audit_seq - STATE_AUDIT_KEEP + 1;
		json_cut(&j, 0);
		json_append(&j, "{\"records\":[", 12);
		for (; s <= st->audit_seq; s++) {
			const struct state_record *r =
			    &st->audit[s % STATE_AUDIT_KEEP];

			if (r->seq != s)
				continue;
			json_raw_value(&j, r->text, r->len);
		}
		json_append(&j, "]}", 2);
		if (!json_failed(&j))
			state_event(out, "audit", j.data, j.len);
		c->audit = st->audit_seq;
	}
	json_free(&j);
}

int
state_wait(struct console_state *st, struct state_cursor *c,
    int timeout_ms, struct buf *out)
{
	struct timespec until;
	int rc = 0;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += timeout_ms / 1000;
	until.tv_nsec += (long)(timeout_ms % 1000) * 1000000;
	if (until.tv_nsec >= 1000000000) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&st->lock);
	while (!st->stopping && !state_newer(st, c))
		if (pthread_cond_timedwait(&st->changed, &st->lock,
		    &until) != 0)
			break;
	if (st->stopping)
		rc = -1;
	else if (state_newer(st, c)) {
		state_emit(st, c, out);
		rc = 1;
	}
	pthread_mutex_unlock(&st->lock);
	return rc;
}

void
state_trend(struct console_state *st, const char *point, double now,
    struct json *out)
{
	static const size_t cap = TREND_SECONDS;
	int64_t *secs = malloc(cap * sizeof *secs);
	double *vals = malloc(cap * sizeof *vals);
	size_t n = 0, i;

	if (secs != NULL && vals != NULL) {
		pthread_mutex_lock(&st->lock);
		n = trend_get(st->trend, point, (int64_t)floor(now), secs,
		    vals, cap);
		pthread_mutex_unlock(&st->lock);
	}
	json_object_begin(out);
	json_kv_string(out, "point", point);
	json_kv_double(out, "now", now);
	json_key(out, "t");
	json_array_begin(out);
	for (i = 0; i < n; i++)
		json_int(out, secs[i]);
	json_array_end(out);
	json_key(out, "v");
	json_array_begin(out);
	for (i = 0; i < n; i++)
		json_double(out, vals[i]);
	json_array_end(out);
	json_object_end(out);
	free(secs);
	free(vals);
}
