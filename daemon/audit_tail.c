/*
 * audit_tail.c: a log read back from its end on open, in growing
 * windows, until audit_tail_find() (audit_record.c) finds its last
 * intact record in one.
 */
#include "audit_record.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* First window read from the end: many records, and a whole long one. */
#define TAIL_FIRST_WINDOW (128u << 10)

static int
read_at(int fd, char *buf, size_t n, uint64_t offset)
{
	ssize_t r;
	size_t done = 0;

	while (done < n) {
		r = pread(fd, buf + done, n - done, (off_t)(offset + done));
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r == 0)
				errno = EIO;    /* shrank under us */
			return -1;
		}
		done += (size_t)r;
	}
	return 0;
}

int
audit_tail_scan(int fd, uint64_t size, const char *path,
    struct audit_tail *tail, char err[ERR_LEN])
{
	struct audit_hasher h;
	enum audit_tail_found r = AUDIT_TAIL_MORE;
	uint64_t window;
	char *buf;
	int failed = 0;

	memset(tail, 0, sizeof *tail);
	memcpy(tail->hash, audit_zero_hash, sizeof tail->hash);
	if (size == 0)
		return 0;
	if (audit_hasher_init(&h) == -1) {
		errmsg_set(err, "%s: cannot set up SHA-256 (libcrypto)", path);
		return -1;
	}
	window = size < TAIL_FIRST_WINDOW ? size : TAIL_FIRST_WINDOW;
	for (;;) {
		if ((buf = malloc(window)) == NULL) {
			errmsg_set(err, "%s: out of memory", path);
			failed = 1;
			break;
		}
		if (read_at(fd, buf, window, size - window) == -1) {
			errmsg_set(err, "%s: cannot read: %s", path,
			    strerror(errno));
			free(buf);
			failed = 1;
			break;
		}
		r = audit_tail_find(&h, buf, window, size - window,
		    window == size, tail);
		free(buf);
		if (r != AUDIT_TAIL_MORE || window >= AUDIT_TAIL_MAX)
			break;
		window = window * 4 < size ? window * 4 : size;
		if (window > AUDIT_TAIL_MAX)
			window = AUDIT_TAIL_MAX;
	}
	audit_hasher_free(&h);
	if (failed)
		return -1;
	if (r == AUDIT_TAIL_FOUND)
		return 0;
	errmsg_set(err, "%s: the last %llu bytes hold no audit record. If "
	    "this is not an audit log, set audit_log to another file; if it "
	    "is, check it with `wardenctl audit verify` and move it aside",
	    path, (unsigned long long)window);
	return -1;
}
