/*
 * holdsfile.c: the holds file's format, pure (holdsfile.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "holdsfile.h"
#include "sealed.h"
#include "statefile.h"

#define MAGIC "warden-holds 1"
#define LINE_MAX_LEN 1200

/* "key " and text escaped, then a newline, appended at buf[len]. */
static size_t
field_put(char *buf, size_t len, size_t size, const char *key,
    const char *text)
{
	int n = snprintf(buf + len, size - len, "%s ", key);

	if (n < 0 || (size_t)n >= size - len)
		return 0;
	len = statefile_text_escape(text, buf, len + (size_t)n, size);
	if (len == 0 || len + 1 >= size)
		return 0;
	buf[len++] = '\n';
	return len;
}

size_t
holdsfile_format(const struct alarm_hold *holds, size_t n, char *buf,
    size_t size)
{
	char since[STATEFILE_TIME_LEN + 1], until[STATEFILE_TIME_LEN + 1];
	size_t i, len;
	int k;

	k = snprintf(buf, size, MAGIC "\nholds %zu\n", n);
	if (k < 0 || (size_t)k >= size)
		return 0;
	len = (size_t)k;
	for (i = 0; i < n; i++) {
		const struct alarm_hold *h = &holds[i];

		if (statefile_time_format(h->since, since) == 0 ||
		    statefile_time_format(h->until, until) == 0)
			return 0;
		k = snprintf(buf + len, size - len, "hold %s\nsource %s\n"
		    "since %s\nuntil %s\n", alarm_hold_name(h->kind),
		    h->source, since, until);
		if (k < 0 || (size_t)k >= size - len)
			return 0;
		len += (size_t)k;
		if ((len = field_put(buf, len, size, "user", h->user)) == 0 ||
		    (len = field_put(buf, len, size, "reason", h->reason)) == 0)
			return 0;
	}
	return sealed_close(buf, len, size);
}

static int
time_field(struct sealed *s, const char *key, double *out)
{
	char line[LINE_MAX_LEN];
	const char *v = sealed_field(s, key, line, sizeof line);

	return v == NULL || statefile_time_take(v, out) < 0 ? -1 : 0;
}

static const char *
hold_parse(struct sealed *s, struct alarm_hold *h)
{
	char line[LINE_MAX_LEN];
	const char *v;
	int kind;

	memset(h, 0, sizeof *h);
	if ((v = sealed_field(s, "hold", line, sizeof line)) == NULL ||
	    (kind = alarm_hold_from_name(v)) < 0)
		return "hold";
	h->kind = (enum alarm_hold_kind)kind;
	if ((v = sealed_field(s, "source", line, sizeof line)) == NULL ||
	    *v == '\0' || strlen(v) >= sizeof h->source)
		return "source";
	memcpy(h->source, v, strlen(v) + 1);
	if (time_field(s, "since", &h->since) < 0)
		return "since";
	if (time_field(s, "until", &h->until) < 0)
		return "until";
	if ((v = sealed_field(s, "user", line, sizeof line)) == NULL ||
	    statefile_text_unescape(v, h->user, sizeof h->user) < 0)
		return "user";
	if ((v = sealed_field(s, "reason", line, sizeof line)) == NULL ||
	    statefile_text_unescape(v, h->reason, sizeof h->reason) < 0)
		return "reason";
	return NULL;
}

int
holdsfile_parse(const char *buf, size_t len, struct alarm_hold *out,
    size_t *n, char err[ERR_LEN])
{
	char line[LINE_MAX_LEN], *end;
	const char *v, *bad;
	struct sealed s;
	unsigned long count;
	size_t i;

	*n = 0;
	if (len == 0) {
		errmsg_set(err, "empty");
		return -1;
	}
	if (sealed_open(&s, buf, len, err) < 0)
		return -1;
	if (sealed_line(&s, line, sizeof line) < 0 || strcmp(line, MAGIC)) {
		errmsg_set(err, "not a warden holds file, or another version");
		return -1;
	}
	if ((v = sealed_field(&s, "holds", line, sizeof line)) == NULL ||
	    *v < '0' || *v > '9' || (count = strtoul(v, &end, 10),
	    *end != '\0') || count > ALARM_HOLDS_MAX) {
		errmsg_set(err, "missing or bad \"holds\" line (a count of at "
		    "most %d)", ALARM_HOLDS_MAX);
		return -1;
	}
	for (i = 0; i < count; i++)
		if ((bad = hold_parse(&s, &out[i])) != NULL) {
			errmsg_set(err, "hold %zu: missing or bad \"%s\" line",
			    i + 1, bad);
			return -1;
		}
	if (!sealed_done(&s)) {
		errmsg_set(err, "unexpected line after the last hold");
		return -1;
	}
	*n = count;
	return 0;
}
