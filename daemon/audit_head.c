/*
 * audit_head.c: state_dir/audit.head: format and parse, load and save,
 * and the comparison with a log (see audit_head.h).
 */
#include "audit_head.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hex.h"
#include "statefile.h"

#define HEAD_MAGIC "warden-audit-head 1\n"
#define HEAD_SUM_KEY "sha256 "

static int
is_hash(const char *s)
{
	return strnlen(s, AUDIT_HASH_HEX + 1) == AUDIT_HASH_HEX &&
	    hex_is_lower(s, AUDIT_HASH_HEX);
}

size_t
audit_head_format(const struct audit_head *h, char *buf)
{
	char sum[AUDIT_HASH_HEX + 1];
	int n;

	if (strchr(h->log, '\n') != NULL || !is_hash(h->hash))
		return 0;
	n = snprintf(buf, AUDIT_HEAD_FILE_MAX, HEAD_MAGIC "log %s\nseq %"
	    PRIu64 "\nhash %s\n", h->log, h->seq, h->hash);
	if (n < 0 || (size_t)n + sizeof HEAD_SUM_KEY + AUDIT_HASH_HEX + 1 >
	    AUDIT_HEAD_FILE_MAX || hex_sha256(buf, (size_t)n, sum) == -1)
		return 0;
	return (size_t)n + (size_t)snprintf(buf + n, AUDIT_HEAD_FILE_MAX -
	    (size_t)n, HEAD_SUM_KEY "%s\n", sum);
}

/* The value of the line "key value\n" at *p, NUL-terminated in place of
 * its newline; NULL when the line is not that. */
static char *
head_field(char **p, const char *key)
{
	size_t n = strlen(key);
	char *line = *p, *nl;

	if ((nl = strchr(line, '\n')) == NULL || strncmp(line, key, n) != 0 ||
	    line[n] != ' ')
		return NULL;
	*nl = '\0';
	*p = nl + 1;
	return line + n + 1;
}

int
audit_head_parse(const char *buf, size_t len, struct audit_head *h,
    char *err, size_t errlen)
{
	size_t tail = sizeof HEAD_SUM_KEY - 1 + AUDIT_HASH_HEX + 1;
	char copy[AUDIT_HEAD_FILE_MAX], sum[AUDIT_HASH_HEX + 1], *p, *v, *end;
	const char *key;

	if (len < tail + sizeof HEAD_MAGIC || len >= sizeof copy ||
	    memchr(buf, '\0', len) != NULL || buf[len - 1] != '\n' ||
	    memcmp(buf + len - tail, HEAD_SUM_KEY, sizeof HEAD_SUM_KEY - 1)
	    != 0) {
		snprintf(err, errlen, "truncated: no checksum line at the end");
		return -1;
	}
	if (hex_sha256(buf, len - tail, sum) == -1 ||
	    memcmp(buf + len - AUDIT_HASH_HEX - 1, sum, AUDIT_HASH_HEX) != 0) {
		snprintf(err, errlen, "checksum does not match the content");
		return -1;
	}
	memcpy(copy, buf, len - tail);
	copy[len - tail] = '\0';
	if (strncmp(copy, HEAD_MAGIC, sizeof HEAD_MAGIC - 1) != 0) {
		snprintf(err, errlen, "not an audit head file, or another "
		    "version");
		return -1;
	}
	p = copy + sizeof HEAD_MAGIC - 1;
	memset(h, 0, sizeof *h);
	if ((v = head_field(&p, key = "log")) == NULL ||
	    strlen(v) >= sizeof h->log)
		goto bad;
	memcpy(h->log, v, strlen(v) + 1);
	errno = 0;
	if ((v = head_field(&p, key = "seq")) == NULL || *v < '0' ||
	    *v > '9' || (h->seq = strtoull(v, &end, 10), errno != 0) ||
	    *end != '\0')
		goto bad;
	if ((v = head_field(&p, key = "hash")) == NULL || !is_hash(v))
		goto bad;
	memcpy(h->hash, v, sizeof h->hash);
	if (*p != '\0') {
		snprintf(err, errlen, "unexpected line after the hash");
		return -1;
	}
	return 0;
bad:
	snprintf(err, errlen, "missing or bad \"%s\" line", key);
	return -1;
}

enum audit_head_status
audit_head_load(const char *path, struct audit_head *h, char *err,
    size_t errlen)
{
	char buf[AUDIT_HEAD_FILE_MAX], why[128];
	struct stat st;
	ssize_t n;
	size_t len = 0;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			return AUDIT_HEAD_NONE;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return AUDIT_HEAD_CORRUPT;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		close(fd);
		return AUDIT_HEAD_CORRUPT;
	}
	while (len < sizeof buf && ((n = read(fd, buf + len, sizeof buf -
	    len)) > 0 || (n == -1 && errno == EINTR)))
		if (n > 0)
			len += (size_t)n;
	close(fd);
	if (len == sizeof buf || audit_head_parse(buf, len, h, why,
	    sizeof why) == -1) {
		snprintf(err, errlen, "%s: corrupt: %s", path,
		    len == sizeof buf ? "too large" : why);
		return AUDIT_HEAD_CORRUPT;
	}
	return AUDIT_HEAD_OK;
}

int
audit_head_save(const char *state_dir, const struct audit_head *h,
    char *err, size_t errlen)
{
	char buf[AUDIT_HEAD_FILE_MAX];
	size_t len = audit_head_format(h, buf);

	if (len == 0) {
		snprintf(err, errlen, "audit_log path cannot be written in %s/"
		    AUDIT_HEAD_NAME, state_dir);
		return -1;
	}
	return statefile_replace(state_dir, AUDIT_HEAD_NAME, buf, len, err,
	    errlen);
}

enum audit_head_verdict
audit_head_compare(const struct audit_head *h, uint64_t last_seq,
    const char *last_hash, const char *at_head, char *why, size_t whylen)
{
	if (last_seq < h->seq) {
		snprintf(why, whylen, "the log ends at seq %" PRIu64 ", but "
		    "seq %" PRIu64 " was written and synced: %" PRIu64
		    " record(s) missing from its end (cut, or another file)",
		    last_seq, h->seq, h->seq - last_seq);
		return AUDIT_HEAD_CUT;
	}
	if (last_seq == h->seq)
		at_head = last_hash;
	if (at_head == NULL)
		return AUDIT_HEAD_UNCHECKED;
	if (strcmp(at_head, h->hash) == 0)
		return AUDIT_HEAD_SAME;
	snprintf(why, whylen, "the record at seq %" PRIu64 " has hash %s, but "
	    "wardend wrote %s there: the log was replaced or rebuilt", h->seq,
	    at_head, h->hash);
	return AUDIT_HEAD_DIFFERS;
}
