/*
 * statefile.c: the state file's format, pure: a guard_persisted into its
 * sealed text and back (see statefile.h). statefile_io.c reads and
 * writes the file through this.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hex.h"
#include "sealed.h"
#include "statefile.h"

#define MAGIC "warden-state 1"
/* "2024-05-01T12:00:00.250000Z" */
#define SINCE_LEN STATEFILE_TIME_LEN

size_t
statefile_time_format(double since, char out[STATEFILE_TIME_LEN + 1])
{
	double whole = floor(since);
	long usec = lround((since - whole) * 1e6);
	time_t secs = (time_t)whole;
	struct tm tm;
	int n;

	if (usec >= 1000000) {
		secs++;
		usec -= 1000000;
	}
	if (gmtime_r(&secs, &tm) == NULL)
		return 0;
	/* Year 10000 and beyond would be cut off: no time then. */
	n = snprintf(out, SINCE_LEN + 1, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, usec);
	return n == SINCE_LEN ? SINCE_LEN : 0;
}

int
statefile_time_parse(const char *text, double *since)
{
	struct tm tm;
	const char *rest;
	char *end;
	long usec;

	memset(&tm, 0, sizeof tm);
	if (strlen(text) != SINCE_LEN || text[19] != '.' ||
	    (rest = strptime(text, "%Y-%m-%dT%H:%M:%S", &tm)) != text + 19)
		return -1;
	usec = strtol(rest + 1, &end, 10);
	if (end != text + SINCE_LEN - 1 || *end != 'Z' || usec < 0)
		return -1;
	*since = (double)timegm(&tm) + (double)usec / 1e6;
	return 0;
}

int
statefile_time_take(const char *text, double *since)
{
	char back[SINCE_LEN + 1];

	return statefile_time_parse(text, since) < 0 ||
	    statefile_time_format(*since, back) != SINCE_LEN ? -1 : 0;
}

size_t
statefile_text_escape(const char *text, char *buf, size_t len, size_t size)
{
	const unsigned char *p;

	for (p = (const unsigned char *)text; *p != '\0'; p++) {
		if (len + 5 > size)
			return 0;
		if (*p == '\\')
			len += (size_t)snprintf(buf + len, 3, "\\\\");
		else if (*p < 0x20 || *p == 0x7f)
			len += (size_t)snprintf(buf + len, 5, "\\x%02x", *p);
		else
			buf[len++] = (char)*p;
	}
	return len;
}

int
statefile_text_unescape(const char *text, char *out, size_t size)
{
	size_t n = 0;
	int hi, lo;

	while (*text != '\0') {
		if (n + 1 >= size)
			return -1;
		if (*text != '\\') {
			out[n++] = *text++;
			continue;
		}
		if (text[1] == '\\') {
			out[n++] = '\\';
			text += 2;
		} else if (text[1] == 'x' &&
		    (hi = hex_digit((unsigned char)text[2])) >= 0 &&
		    (lo = hex_digit((unsigned char)text[3])) >= 0 &&
		    (hi << 4 | lo) != 0) {
			out[n++] = (char)(hi << 4 | lo);
			text += 4;
		} else
			return -1;
	}
	out[n] = '\0';
	return 0;
}

size_t
statefile_format(const struct guard_persisted *st, char *buf, size_t size)
{
	char since[SINCE_LEN + 1];
	int n;
	size_t len;

	if (statefile_time_format(st->since, since) != SINCE_LEN)
		return 0;
	n = snprintf(buf, size, MAGIC "\nstate %s\ncause %s\nsince %s\n"
	    "reason ", guard_state_name(st->state),
	    guard_cause_name(st->cause), since);
	if (n < 0 || (size_t)n >= size)
		return 0;
	len = statefile_text_escape(st->reason, buf, (size_t)n, size);
	if (len == 0 || len + 1 > size)
		return 0;
	buf[len++] = '\n';
	return sealed_close(buf, len, size);
}

static int
fields_parse(struct sealed *s, struct guard_persisted *out, char err[ERR_LEN])
{
	char line[STATEFILE_MAX];
	const char *v;
	const char *key;
	int state, cause;

	if (sealed_line(s, line, sizeof line) < 0 || strcmp(line, MAGIC) != 0) {
		errmsg_set(err, "not a warden state file, or another version");
		return -1;
	}
	if ((v = sealed_field(s, key = "state", line, sizeof line)) == NULL ||
	    (state = guard_state_from_name(v)) < 0)
		goto bad;
	if ((v = sealed_field(s, key = "cause", line, sizeof line)) == NULL ||
	    (cause = guard_cause_from_name(v)) < 0)
		goto bad;
	out->state = (enum guard_state)state;
	out->cause = (enum guard_cause)cause;
	if ((v = sealed_field(s, key = "since", line, sizeof line)) == NULL ||
	    statefile_time_take(v, &out->since) < 0)
		goto bad;
	if ((v = sealed_field(s, key = "reason", line, sizeof line)) == NULL ||
	    statefile_text_unescape(v, out->reason, sizeof out->reason) < 0)
		goto bad;
	if (!sealed_done(s)) {
		errmsg_set(err, "unexpected line after the reason");
		return -1;
	}
	return 0;
bad:
	errmsg_set(err, "missing or bad \"%s\" line", key);
	return -1;
}

int
statefile_parse(const char *buf, size_t len, struct guard_persisted *out,
    char err[ERR_LEN])
{
	struct sealed s;

	if (len == 0) {
		errmsg_set(err, "empty");
		return -1;
	}
	if (sealed_open(&s, buf, len, err) < 0)
		return -1;
	return fields_parse(&s, out, err);
}
