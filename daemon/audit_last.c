/*
 * audit_last.c: the newest record of some kinds in the log's tail, read
 * at start-up (see audit.h, audit_last_of), and the hash of a record
 * there (audit_hash_of).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit.h"
#include "json.h"

/* Enough for the records of a busy second; the record looked for is
 * milliseconds old when it matters. */
#define AUDIT_LAST_WINDOW (1024 * 1024)

static int
event_wanted(const struct json_value *event, const char *const events[])
{
	size_t i;

	for (i = 0; events[i] != NULL; i++)
		if (json_string_is(event, events[i]))
			return 1;
	return 0;
}

static void
copy_field(const struct json_value *rec, const char *key, char *dst,
    size_t cap)
{
	struct json_value v;

	dst[0] = '\0';
	if (json_object_get(rec, key, &v) == -1 ||
	    json_get_string(&v, dst, cap) < 0)
		dst[0] = '\0';
}

/*
 * The lines of buf walked from the last: 1 and *rec for the next one
 * back from *end that is a JSON object (*end moves before it), 0 at the
 * start of buf.
 */
static int
record_before(const char *buf, size_t *end, struct json_value *rec)
{
	size_t start, len, error_at;
	const char *why;

	while (*end > 0) {
		start = *end;
		while (start > 0 && buf[start - 1] != '\n')
			start--;
		len = *end - start;
		*end = start > 0 ? start - 1 : 0;
		if (len > 1 && json_parse(buf + start, len, rec, &error_at,
		    &why) == 0 && rec->type == JSON_OBJECT)
			return 1;
	}
	return 0;
}

/* 1 and *out at the last record of buf whose event is one of events. */
static int
scan_back(const char *buf, size_t len, const char *const events[],
    struct audit_last *out)
{
	struct json_value rec, event;
	size_t end = len;

	while (record_before(buf, &end, &rec)) {
		if (json_object_get(&rec, "event", &event) != 0 ||
		    !event_wanted(&event, events))
			continue;
		copy_field(&rec, "event", out->event, sizeof out->event);
		copy_field(&rec, "ts", out->ts, sizeof out->ts);
		copy_field(&rec, "cause", out->cause, sizeof out->cause);
		copy_field(&rec, "reason", out->reason, sizeof out->reason);
		return 1;
	}
	return 0;
}

/* The log's last window into *buf (malloc'd), from the first whole
 * line: *text and *len. -1 with err when it cannot be read back. */
static int
tail_read(const struct audit *a, char **buf, const char **text,
    size_t *len, char err[ERR_LEN])
{
	struct stat st;
	size_t window, skip = 0, got = 0;
	off_t from;
	ssize_t n;

	if (fstat(audit_fd(a), &st) == -1) {
		errmsg_set(err, "audit log: %s", strerror(errno));
		return -1;
	}
	window = (size_t)st.st_size < AUDIT_LAST_WINDOW ?
	    (size_t)st.st_size : AUDIT_LAST_WINDOW;
	from = st.st_size - (off_t)window;
	if ((*buf = malloc(window + 1)) == NULL) {
		errmsg_set(err, "audit log: out of memory");
		return -1;
	}
	while (got < window) {
		n = pread(audit_fd(a), *buf + got, window - got,
		    from + (off_t)got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			errmsg_set(err, "audit log: cannot read "
			    "it back: %s", n == 0 ? "short read" :
			    strerror(errno));
			free(*buf);
			return -1;
		}
		got += (size_t)n;
	}
	/* A window that starts mid-line: that line is not whole. */
	if (from > 0)
		while (skip < window && (*buf)[skip] != '\n')
			skip++;
	*text = *buf + skip;
	*len = window - skip;
	return 0;
}

int
audit_last_of(const struct audit *a, const char *const events[],
    struct audit_last *out, char err[ERR_LEN])
{
	const char *text;
	char *buf;
	size_t len;
	int found;

	memset(out, 0, sizeof *out);
	if (tail_read(a, &buf, &text, &len, err) == -1)
		return -1;
	found = scan_back(text, len, events, out);
	free(buf);
	return found;
}

/* From the last line back to the record with this seq. */
static int
scan_seq(const char *buf, size_t len, uint64_t seq, char *hash)
{
	struct json_value rec, v;
	size_t end = len;
	uint64_t got;

	while (record_before(buf, &end, &rec)) {
		if (json_object_get(&rec, "seq", &v) != 0 ||
		    json_get_uint64(&v, &got) != 0)
			continue;
		if (got < seq)
			return 0;
		if (got == seq)
			return json_object_get(&rec, "hash", &v) == 0 &&
			    json_get_string(&v, hash, AUDIT_HASH_HEX + 1) ==
			    AUDIT_HASH_HEX;
	}
	return 0;
}

int
audit_hash_of(const struct audit *a, uint64_t seq,
    char hash[AUDIT_HASH_HEX + 1], char err[ERR_LEN])
{
	const char *text;
	char *buf;
	size_t len;
	int found;

	if (tail_read(a, &buf, &text, &len, err) == -1)
		return -1;
	found = scan_seq(text, len, seq, hash);
	free(buf);
	return found;
}
