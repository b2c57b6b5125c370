/*
 * audit_head.c: the format of state_dir/audit.head and its comparison
 * with a log, pure (see audit_head.h). audit_head_io.c reads and writes
 * the file through this.
 */
#include "audit_head.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hex.h"
#include "sealed.h"

#define HEAD_MAGIC "warden-audit-head 1"

static int
is_hash(const char *s)
{
	return strnlen(s, AUDIT_HASH_HEX + 1) == AUDIT_HASH_HEX &&
	    hex_is_lower(s, AUDIT_HASH_HEX);
}

size_t
audit_head_format(const struct audit_head *h, char *buf)
{
	int n;

	if (strchr(h->log, '\n') != NULL || !is_hash(h->hash))
		return 0;
	n = snprintf(buf, AUDIT_HEAD_FILE_MAX, HEAD_MAGIC "\nlog %s\nseq %"
	    PRIu64 "\nhash %s\n", h->log, h->seq, h->hash);
	if (n < 0 || (size_t)n >= AUDIT_HEAD_FILE_MAX)
		return 0;
	return sealed_close(buf, (size_t)n, AUDIT_HEAD_FILE_MAX);
}

int
audit_head_parse(const char *buf, size_t len, struct audit_head *h,
    char err[ERR_LEN])
{
	char line[AUDIT_HEAD_FILE_MAX], *end;
	struct sealed s;
	const char *v, *key;

	if (sealed_open(&s, buf, len, err) < 0)
		return -1;
	if (sealed_line(&s, line, sizeof line) < 0 ||
	    strcmp(line, HEAD_MAGIC) != 0) {
		errmsg_set(err, "not an audit head file, or another version");
		return -1;
	}
	memset(h, 0, sizeof *h);
	if ((v = sealed_field(&s, key = "log", line, sizeof line)) == NULL ||
	    strlen(v) >= sizeof h->log)
		goto bad;
	memcpy(h->log, v, strlen(v) + 1);
	errno = 0;
	if ((v = sealed_field(&s, key = "seq", line, sizeof line)) == NULL ||
	    *v < '0' || *v > '9' || (h->seq = strtoull(v, &end, 10),
	    errno != 0) || *end != '\0')
		goto bad;
	if ((v = sealed_field(&s, key = "hash", line, sizeof line)) == NULL ||
	    !is_hash(v))
		goto bad;
	memcpy(h->hash, v, sizeof h->hash);
	if (!sealed_done(&s)) {
		errmsg_set(err, "unexpected line after the hash");
		return -1;
	}
	return 0;
bad:
	errmsg_set(err, "missing or bad \"%s\" line", key);
	return -1;
}

enum audit_head_verdict
audit_head_compare(const struct audit_head *h, uint64_t last_seq,
    const char *last_hash, const char *at_head, char why[ERR_LEN])
{
	if (last_seq < h->seq) {
		errmsg_set(why, "the log ends at seq %" PRIu64 ", but "
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
	errmsg_set(why, "the record at seq %" PRIu64 " has hash %s, but "
	    "wardend wrote %s there: the log was replaced or rebuilt", h->seq,
	    at_head, h->hash);
	return AUDIT_HEAD_DIFFERS;
}
