/*
 * fuzz_audit_line.c: libFuzzer target for the audit line format
 * (audit_record.c): the check of one line, as the tail scan and the
 * verifier run it, and the search of a tail's bytes for the last intact
 * record. Each line of the input is checked as it is, then again with
 * its hash made right, so that the fields behind the hash are fuzzed
 * too. The whole input is then searched as the whole log and as a
 * window at its end. Lines are copied to buffers of exactly their size
 * so that AddressSanitizer sees any read past them.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "audit_record.h"
#include "hex.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
is_hash(const char *s)
{
	return strlen(s) == AUDIT_HASH_HEX && hex_is_lower(s, AUDIT_HASH_HEX);
}

static enum audit_line_kind
check_line(struct audit_hasher *h, const char *bytes, size_t len)
{
	struct audit_line l;
	char *line = malloc(len ? len : 1), hex[AUDIT_HASH_HEX + 1];

	assert(line != NULL);
	memcpy(line, bytes, len);
	audit_line_check(h, line, len, &l);
	assert(memchr(l.why, '\0', sizeof l.why) != NULL);
	assert(memchr(l.event, '\0', sizeof l.event) != NULL);
	switch (l.kind) {
	case AUDIT_LINE_INTACT:
		assert(l.why[0] == '\0' && l.seq > 0);
		assert(is_hash(l.prev) && is_hash(l.hash));
		assert(len >= AUDIT_SUFFIX_LEN);
		assert(audit_digest(h, line, len - AUDIT_SUFFIX_LEN, "}", 1,
		    hex) == 0 && strcmp(hex, l.hash) == 0);
		break;
	case AUDIT_LINE_TORN:
	case AUDIT_LINE_BAD:
		assert(l.why[0] != '\0');
		break;
	default:
		assert(!"no such kind");
	}
	free(line);
	return l.kind;
}

/* The line with the hash it would have if wardend had written it. */
static void
check_resealed(struct audit_hasher *h, const char *bytes, size_t len)
{
	size_t body = len - AUDIT_SUFFIX_LEN;
	char hex[AUDIT_HASH_HEX + 1];
	struct audit_line l;
	char *line;

	if (len < AUDIT_SUFFIX_LEN || memcmp(bytes + body, AUDIT_HASH_KEY,
	    sizeof AUDIT_HASH_KEY - 1) != 0 ||
	    bytes[len - 2] != '"' || bytes[len - 1] != '}')
		return;
	line = malloc(len);
	assert(line != NULL);
	memcpy(line, bytes, len);
	assert(audit_digest(h, line, body, "}", 1, hex) == 0);
	memcpy(line + body + sizeof AUDIT_HASH_KEY - 1, hex, AUDIT_HASH_HEX);
	check_line(h, line, len);
	audit_line_check(h, line, len, &l);
	assert(l.kind != AUDIT_LINE_BAD ||
	    strstr(l.why, "hash mismatch") == NULL);
	free(line);
}

/* Whether any line that begins at or after from and is complete (the
 * window's first line is not, unless whole) is intact. */
static int
intact_after(struct audit_hasher *h, const char *buf, size_t n, size_t from)
{
	const char *nl;
	size_t end;

	while (from < n) {
		nl = memchr(buf + from, '\n', n - from);
		end = nl != NULL ? (size_t)(nl - buf) : n;
		if (check_line(h, buf + from, end - from) == AUDIT_LINE_INTACT)
			return 1;
		from = end + 1;
	}
	return 0;
}

static void
check_tail(struct audit_hasher *h, const char *buf, size_t n, int whole)
{
	const uint64_t base = whole ? 0 : 1000;
	struct audit_tail t;
	enum audit_tail_found r;
	const char *nl;
	size_t first, end, start;
	struct audit_line l;

	r = audit_tail_find(h, buf, n, base, whole, &t);
	assert(t.ends_without_newline == (buf[n - 1] != '\n'));
	assert(memchr(t.bad_why, '\0', sizeof t.bad_why) != NULL);
	nl = memchr(buf, '\n', n);
	first = whole ? 0 : nl != NULL ? (size_t)(nl - buf) + 1 : n;
	if (r == AUDIT_TAIL_MORE) {
		assert(!whole && !intact_after(h, buf, n, first));
		return;
	}
	if (r == AUDIT_TAIL_FOREIGN) {
		assert(whole && buf[0] != '\0' && buf[0] != '{');
		assert(!intact_after(h, buf, n, 0));
		return;
	}
	assert(r == AUDIT_TAIL_FOUND);
	assert(t.torn_offset + t.torn_bytes == base + n);
	if (t.seq == 0) {
		assert(whole && t.torn_offset == 0);
		assert(!intact_after(h, buf, n, 0));
		assert(strcmp(t.hash, audit_zero_hash) == 0);
		return;
	}
	/* The record just before the torn bytes, and none after it. */
	end = t.torn_offset - base;
	assert(end > 0 && end <= n);
	if (buf[end - 1] == '\n')
		end--;
	nl = end > 0 ? memrchr(buf, '\n', end) : NULL;
	start = nl != NULL ? (size_t)(nl - buf) + 1 : 0;
	assert(start >= first);
	audit_line_check(h, buf + start, end - start, &l);
	assert(l.kind == AUDIT_LINE_INTACT && l.seq == t.seq);
	assert(strcmp(l.hash, t.hash) == 0);
	assert(!intact_after(h, buf, n, t.torn_offset - base));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct audit_hasher h;
	const char *nl;
	size_t off = 0, end;

	if (audit_hasher_init(&h) == -1)
		return 0;
	while (off <= size) {
		nl = memchr(text + off, '\n', size - off);
		end = nl != NULL ? (size_t)(nl - text) : size;
		check_line(&h, text + off, end - off);
		check_resealed(&h, text + off, end - off);
		off = end + 1;
	}
	if (size > 0) {
		char *buf = malloc(size);

		assert(buf != NULL);
		memcpy(buf, data, size);
		check_tail(&h, buf, size, 1);
		check_tail(&h, buf, size, 0);
		free(buf);
	}
	audit_hasher_free(&h);
	return 0;
}
