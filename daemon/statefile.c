/*
 * statefile.c: the persisted state: format and parse (pure), then load
 * and the atomic, durable save. The format is described in statefile.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hex.h"
#include "statefile.h"

#define MAGIC_LINE "warden-state 1\n"
#define SUM_KEY "sha256 "
#define SUM_HEX HEX_SHA256_LEN
/* "2024-05-01T12:00:00.250000Z" */
#define SINCE_LEN 27

static void __attribute__((format(printf, 3, 4)))
err_set(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static size_t
since_format(double since, char out[SINCE_LEN + 1])
{
	double whole = floor(since);
	long usec = lround((since - whole) * 1e6);
	time_t secs = (time_t)whole;
	struct tm tm;

	if (usec >= 1000000) {
		secs++;
		usec -= 1000000;
	}
	if (gmtime_r(&secs, &tm) == NULL)
		return 0;
	return (size_t)snprintf(out, SINCE_LEN + 1,
	    "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
	    usec);
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

/* Append text escaped; returns the new length, or 0 when out of room. */
static size_t
reason_escape(const char *text, char *buf, size_t len, size_t size)
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

static int
reason_unescape(const char *text, char out[GUARD_REASON_MAX])
{
	size_t n = 0;
	int hi, lo;

	while (*text != '\0') {
		if (n + 1 >= GUARD_REASON_MAX)
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
	char hex[SUM_HEX + 1];
	int n;
	size_t len;

	if (since_format(st->since, since) != SINCE_LEN)
		return 0;
	n = snprintf(buf, size, MAGIC_LINE "state %s\ncause %s\nsince %s\n"
	    "reason ", guard_state_name(st->state),
	    guard_cause_name(st->cause), since);
	if (n < 0 || (size_t)n >= size)
		return 0;
	len = reason_escape(st->reason, buf, (size_t)n, size);
	if (len == 0 || len + 1 + sizeof SUM_KEY + SUM_HEX + 1 > size)
		return 0;
	buf[len++] = '\n';
	if (hex_sha256(buf, len, hex) < 0)
		return 0;
	n = snprintf(buf + len, size - len, SUM_KEY "%s\n", hex);
	return len + (size_t)n;
}

/* The next line (without its newline) into line; -1 if there is none. */
static int
line_next(const char **p, const char *end, char *line, size_t size)
{
	const char *nl = memchr(*p, '\n', (size_t)(end - *p));
	size_t len;

	if (nl == NULL || (len = (size_t)(nl - *p)) >= size ||
	    memchr(*p, '\0', len) != NULL)
		return -1;
	memcpy(line, *p, len);
	line[len] = '\0';
	*p = nl + 1;
	return 0;
}

/* The value of the next line if it is "key value", else NULL. */
static const char *
field_next(const char **p, const char *end, const char *key, char *line,
    size_t size)
{
	size_t n = strlen(key);

	if (line_next(p, end, line, size) < 0 ||
	    strncmp(line, key, n) != 0 || line[n] != ' ')
		return NULL;
	return line + n + 1;
}

static int
fields_parse(const char *p, const char *end, struct guard_persisted *out,
    char *err, size_t errlen)
{
	char line[STATEFILE_MAX];
	const char *v;
	const char *key;
	int state, cause;

	if (line_next(&p, end, line, sizeof line) < 0 ||
	    strcmp(line, "warden-state 1") != 0) {
		err_set(err, errlen, "not a warden state file, or another "
		    "version");
		return -1;
	}
	if ((v = field_next(&p, end, key = "state", line, sizeof line)) ==
	    NULL || (state = guard_state_from_name(v)) < 0)
		goto bad;
	if ((v = field_next(&p, end, key = "cause", line, sizeof line)) ==
	    NULL || (cause = guard_cause_from_name(v)) < 0)
		goto bad;
	out->state = (enum guard_state)state;
	out->cause = (enum guard_cause)cause;
	if ((v = field_next(&p, end, key = "since", line, sizeof line)) ==
	    NULL || statefile_time_parse(v, &out->since) < 0)
		goto bad;
	if ((v = field_next(&p, end, key = "reason", line, sizeof line)) ==
	    NULL || reason_unescape(v, out->reason) < 0)
		goto bad;
	if (p != end) {
		err_set(err, errlen, "unexpected line after the reason");
		return -1;
	}
	return 0;
bad:
	err_set(err, errlen, "missing or bad \"%s\" line", key);
	return -1;
}

int
statefile_parse(const char *buf, size_t len, struct guard_persisted *out,
    char *err, size_t errlen)
{
	size_t tail = sizeof SUM_KEY - 1 + SUM_HEX + 1;
	char hex[SUM_HEX + 1];
	const char *sum;

	if (len == 0) {
		err_set(err, errlen, "empty");
		return -1;
	}
	if (len < tail || buf[len - 1] != '\n' ||
	    (len > tail && buf[len - tail - 1] != '\n') ||
	    memcmp(buf + len - tail, SUM_KEY, sizeof SUM_KEY - 1) != 0) {
		err_set(err, errlen, "truncated: no checksum line at the end");
		return -1;
	}
	sum = buf + len - SUM_HEX - 1;
	if (hex_sha256(buf, len - tail, hex) < 0 ||
	    memcmp(sum, hex, SUM_HEX) != 0) {
		err_set(err, errlen, "checksum does not match the content");
		return -1;
	}
	return fields_parse(buf, buf + len - tail, out, err, errlen);
}

/* Whole file into buf; its length, or -1 with errno set (EFBIG: too big). */
static ssize_t
file_read(int fd, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;

	for (;;) {
		n = read(fd, buf + len, size - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			return (ssize_t)len;
		len += (size_t)n;
		if (len == size) {
			errno = EFBIG;
			return -1;
		}
	}
}

enum statefile_status
statefile_load(const char *state_dir, struct guard_persisted *out,
    char *err, size_t errlen)
{
	char path[PATH_MAX], why[128];
	char buf[STATEFILE_MAX + 1];
	struct stat sb;
	ssize_t len;
	int fd;

	snprintf(path, sizeof path, "%s/" STATEFILE_NAME, state_dir);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		if (errno == ENOENT)
			return STATEFILE_NONE;
		err_set(err, errlen, "%s: %s", path, strerror(errno));
		return STATEFILE_CORRUPT;
	}
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		err_set(err, errlen, "%s: not a regular file", path);
		close(fd);
		return STATEFILE_CORRUPT;
	}
	len = file_read(fd, buf, sizeof buf);
	close(fd);
	if (len < 0) {
		err_set(err, errlen, "%s: %s", path, errno == EFBIG ?
		    "too large for a state file" : strerror(errno));
		return STATEFILE_CORRUPT;
	}
	if (statefile_parse(buf, (size_t)len, out, why, sizeof why) < 0) {
		err_set(err, errlen, "%s: corrupt: %s", path, why);
		return STATEFILE_CORRUPT;
	}
	return STATEFILE_OK;
}

static int
write_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
dir_sync(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* The temporary file: written, synced, closed; unlinked on failure. */
static int
temp_write(char *tmp, const char *buf, size_t len, char *err, size_t errlen)
{
	int fd = mkostemp(tmp, O_CLOEXEC);
	const char *step;

	if (fd < 0) {
		err_set(err, errlen, "cannot create %s: %s (check that "
		    "state_dir exists and is writable by wardend)", tmp,
		    strerror(errno));
		return -1;
	}
	if (fchmod(fd, 0640) < 0)
		step = "chmod";
	else if (write_all(fd, buf, len) < 0)
		step = "write";
	else if (fsync(fd) < 0)
		step = "fsync";
	else if (close(fd) < 0) {
		fd = -1;
		step = "close";
	} else
		return 0;
	err_set(err, errlen, "cannot %s %s: %s (check free space and the "
	    "file system under state_dir)", step, tmp, strerror(errno));
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return -1;
}

int
statefile_save(const char *state_dir, const struct guard_persisted *st,
    char *err, size_t errlen)
{
	char buf[STATEFILE_MAX];
	size_t len = statefile_format(st, buf, sizeof buf);

	if (len == 0) {
		err_set(err, errlen, "cannot format the state record");
		return -1;
	}
	return statefile_replace(state_dir, STATEFILE_NAME, buf, len, err,
	    errlen);
}

int
statefile_replace(const char *state_dir, const char *name, const char *buf,
    size_t len, char *err, size_t errlen)
{
	char path[PATH_MAX], tmp[PATH_MAX];

	snprintf(path, sizeof path, "%s/%s", state_dir, name);
	snprintf(tmp, sizeof tmp, "%s/.%s.XXXXXX", state_dir, name);
	if (temp_write(tmp, buf, len, err, errlen) < 0)
		return -1;
	if (rename(tmp, path) < 0) {
		err_set(err, errlen, "cannot rename %s to %s: %s", tmp, path,
		    strerror(errno));
		unlink(tmp);
		return -1;
	}
	if (dir_sync(state_dir) < 0) {
		err_set(err, errlen, "cannot fsync the directory %s: %s",
		    state_dir, strerror(errno));
		return -1;
	}
	return 0;
}
