/*
 * safety_tail.c: follow wardend's audit log as it grows, record by
 * record. The benchmark's AI writes thousands of audited writes a
 * second, so a line is parsed only when its event is the one waited for.
 */
#include "safety.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "json.h"

#define TAIL_READ 65536
#define TAIL_NAP 0.0002         /* between reads that found nothing new */

int
safety_tail_open(struct safety_tail *t, const char *path)
{
	memset(t, 0, sizeof(*t));
	t->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (t->fd == -1)
		return -1;
	if (lseek(t->fd, 0, SEEK_END) == -1) {
		close(t->fd);
		t->fd = -1;
		return -1;
	}
	return 0;
}

void
safety_tail_close(struct safety_tail *t)
{
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
	free(t->buf);
	t->buf = NULL;
	t->start = t->len = t->cap = 0;
}

/* Append what the file has gained; the bytes read, 0 for none, -1. */
static ssize_t
safety_tail_fill(struct safety_tail *t)
{
	char *grown;
	ssize_t n;

	/* Lines already taken go, once per read rather than once per line. */
	if (t->start > 0) {
		t->len -= t->start;
		memmove(t->buf, t->buf + t->start, t->len);
		t->start = 0;
	}
	if (t->cap - t->len < TAIL_READ) {
		grown = realloc(t->buf, t->cap + TAIL_READ);
		if (grown == NULL)
			return -1;
		t->buf = grown;
		t->cap += TAIL_READ;
	}
	do
		n = read(t->fd, t->buf + t->len, t->cap - t->len);
	while (n == -1 && errno == EINTR);
	if (n > 0)
		t->len += (size_t)n;
	return n;
}

void
safety_tail_drain(struct safety_tail *t)
{
	char *nl;

	while (safety_tail_fill(t) > 0) {
		/* Keep a line still being written: its end comes later. */
		nl = memrchr(t->buf + t->start, '\n', t->len - t->start);
		if (nl != NULL)
			t->start = (size_t)(nl + 1 - t->buf);
	}
}

int
safety_rfc3339(const char *text, double *out)
{
	int year, mon, day, hour, min, sec, used = 0;
	long frac = 0, scale = 1;
	const char *p;
	struct tm tm;

	if (sscanf(text, "%4d-%2d-%2dT%2d:%2d:%2d%n", &year, &mon, &day,
	    &hour, &min, &sec, &used) != 6)
		return -1;
	p = text + used;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++) {
			frac = frac * 10 + (*p - '0');
			scale *= 10;
		}
	if (*p != 'Z')
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = year - 1900;
	tm.tm_mon = mon - 1;
	tm.tm_mday = day;
	tm.tm_hour = hour;
	tm.tm_min = min;
	tm.tm_sec = sec;
	*out = (double)timegm(&tm) + (double)frac / (double)scale;
	return 0;
}

/* The event of a line, cheaply: "event":"NAME" (no escapes in names). */
static int
safety_line_event_is(const char *line, size_t len, const char *event)
{
	static const char key[] = "\"event\":\"";
	const char *at = memmem(line, len, key, sizeof(key) - 1);
	size_t n = strlen(event);

	if (at == NULL)
		return 0;
	at += sizeof(key) - 1;
	return (size_t)(line + len - at) > n && memcmp(at, event, n) == 0 &&
	    at[n] == '"';
}

static int
safety_line_parse(const char *line, size_t len, struct safety_record *rec)
{
	struct json_value obj, v;
	const char *why;
	char ts[64];
	size_t at;

	memset(rec, 0, sizeof(*rec));
	if (json_parse(line, len, &obj, &at, &why) != 0 ||
	    obj.type != JSON_OBJECT)
		return -1;
	if (json_object_get(&obj, "event", &v) != 0 ||
	    json_get_string(&v, rec->event, sizeof(rec->event)) < 0 ||
	    json_object_get(&obj, "ts", &v) != 0 ||
	    json_get_string(&v, ts, sizeof(ts)) < 0 ||
	    safety_rfc3339(ts, &rec->ts) != 0)
		return -1;
	if (json_object_get(&obj, "point", &v) == 0)
		json_get_string(&v, rec->point, sizeof(rec->point));
	if (json_object_get(&obj, "cause", &v) == 0)
		json_get_string(&v, rec->cause, sizeof(rec->cause));
	return 0;
}

/* Take the next whole line off the buffer and judge it: 1 when it is
 * the record waited for, 0 when not, -1 when there is no whole line. */
static int
safety_tail_take(struct safety_tail *t, const char *event, const char *point,
    struct safety_record *rec)
{
	char *line = t->buf + t->start;
	char *nl = memchr(line, '\n', t->len - t->start);
	size_t len;

	if (nl == NULL)
		return -1;
	len = (size_t)(nl - line);
	t->start += len + 1;
	return safety_line_event_is(line, len, event) &&
	    safety_line_parse(line, len, rec) == 0 &&
	    (point == NULL || strcmp(rec->point, point) == 0);
}

int
safety_tail_wait(struct safety_tail *t, const char *event, const char *point,
    double timeout, struct safety_record *rec)
{
	double deadline = safety_mono() + timeout;
	int got;

	for (;;) {
		while ((got = safety_tail_take(t, event, point, rec)) == 0)
			;
		if (got == 1)
			return 0;
		if (safety_tail_fill(t) > 0)
			continue;
		if (safety_mono() > deadline || safety_interrupted())
			return -1;
		safety_nap(TAIL_NAP);
	}
}
