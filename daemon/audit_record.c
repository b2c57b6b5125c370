/*
 * audit_record.c: what an audit line is (hash, fields, torn or intact),
 * and which line of a log's tail is its last intact record. Pure but for
 * libcrypto: audit_tail.c reads the tail for it.
 */
/* The SHA256_* calls: the writer's own context, set up with no
 * lookup, allocation or provider dispatch per record (EVP costs as much
 * as the hashing of a short record). Deprecated in OpenSSL 3, not gone. */
#define OPENSSL_SUPPRESS_DEPRECATED
#include "audit_record.h"

#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "hex.h"

const char audit_zero_hash[AUDIT_HASH_HEX + 1] =
    "0000000000000000000000000000000000000000000000000000000000000000";

int
audit_hasher_init(struct audit_hasher *h)
{
	return SHA256_Init(&h->ctx) == 1 ? 0 : -1;
}

void
audit_hasher_free(struct audit_hasher *h)
{
	OPENSSL_cleanse(&h->ctx, sizeof h->ctx);
}

int
audit_digest(struct audit_hasher *h, const void *a, size_t an,
    const void *b, size_t bn, char hex[AUDIT_HASH_HEX + 1])
{
	unsigned char sum[SHA256_DIGEST_LENGTH];

	if (SHA256_Init(&h->ctx) != 1 || SHA256_Update(&h->ctx, a, an) != 1 ||
	    (bn > 0 && SHA256_Update(&h->ctx, b, bn) != 1) ||
	    SHA256_Final(sum, &h->ctx) != 1)
		return -1;
	hex_encode(sum, sizeof sum, hex);
	return 0;
}

static int
is_hash_hex(const char *s, size_t n)
{
	return n == AUDIT_HASH_HEX && hex_is_lower(s, n);
}

/* A string member holding a SHA-256 in lowercase hex, copied to hex. */
static int
get_hash(const struct json_value *v, char hex[AUDIT_HASH_HEX + 1])
{
	if (v->type != JSON_STRING || !is_hash_hex(v->text + 1, v->len - 2))
		return -1;
	memcpy(hex, v->text + 1, AUDIT_HASH_HEX);
	hex[AUDIT_HASH_HEX] = '\0';
	return 0;
}

static int
bad(struct audit_line *out, const char *why)
{
	errmsg_set(out->why, "%s", why);
	return -1;
}

/* The members a record must have where it must have them. */
static int
check_fields(const struct json_value *obj, struct audit_line *out)
{
	struct json_iter it;
	struct json_member m, before_last = { 0 }, last = { 0 };
	unsigned i;

	json_iter_init(&it, obj);
	for (i = 0; json_iter_next(&it, &m); i++) {
		if (i == 0 && (!json_string_is(&m.key, "seq") ||
		    json_get_uint64(&m.value, &out->seq) == -1 || out->seq == 0))
			return bad(out, "seq is not first or not a positive "
			    "integer");
		if (i == 1 && (!json_string_is(&m.key, "ts") ||
		    m.value.type != JSON_STRING))
			return bad(out, "ts is not the second field");
		if (i == 2 && (!json_string_is(&m.key, "event") ||
		    m.value.type != JSON_STRING))
			return bad(out, "event is not the third field");
		if (i == 2)
			(void)json_get_string(&m.value, out->event,
			    sizeof out->event);
		if (json_string_is(&m.key, "torn_offset"))
			out->has_torn |= json_get_uint64(&m.value,
			    &out->torn_offset) == 0;
		if (json_string_is(&m.key, "torn_bytes"))
			out->has_torn |= (json_get_uint64(&m.value,
			    &out->torn_bytes) == 0) << 1;
		before_last = last;
		last = m;
	}
	out->has_torn = out->has_torn == 3;
	if (i < 5)
		return bad(out, "fields missing: seq, ts, event, prev and "
		    "hash are required");
	if (!json_string_is(&last.key, "hash") || get_hash(&last.value,
	    out->hash) == -1)
		return bad(out, "hash is not the last field or not a SHA-256");
	if (!json_string_is(&before_last.key, "prev") ||
	    get_hash(&before_last.value, out->prev) == -1)
		return bad(out, "prev is not the field before hash or not a "
		    "SHA-256");
	return 0;
}

void
audit_line_check(struct audit_hasher *h, const char *line, size_t len,
    struct audit_line *out)
{
	struct json_value obj;
	const char *why = "not an object";
	char hex[AUDIT_HASH_HEX + 1];
	size_t at = 0, body;

	memset(out, 0, sizeof *out);
	if (json_parse(line, len, &obj, &at, &why) == -1 ||
	    obj.type != JSON_OBJECT) {
		out->kind = AUDIT_LINE_TORN;
		errmsg_set(out->why,
		    "not a JSON object (%s at byte %zu)", why, at + 1);
		return;
	}
	out->kind = AUDIT_LINE_BAD;
	if (check_fields(&obj, out) == -1)
		return;
	body = len >= AUDIT_SUFFIX_LEN ? len - AUDIT_SUFFIX_LEN : 0;
	if (len < AUDIT_SUFFIX_LEN || memcmp(line + body, AUDIT_HASH_KEY,
	    sizeof AUDIT_HASH_KEY - 1) != 0 || line[len - 1] != '}' ||
	    line[len - 2] != '"') {
		bad(out, "hash is not written the way wardend writes it");
		return;
	}
	if (audit_digest(h, line, body, "}", 1, hex) == -1) {
		bad(out, "cannot compute SHA-256 (libcrypto failed)");
		return;
	}
	if (strcmp(hex, out->hash) != 0) {
		bad(out, "hash mismatch: the record was edited");
		return;
	}
	out->kind = AUDIT_LINE_INTACT;
}

/* The lines from the last one back until one is intact. */
enum audit_tail_found
audit_tail_find(struct audit_hasher *h, const char *buf, size_t n,
    uint64_t base, int whole, struct audit_tail *t)
{
	struct audit_line line;
	size_t start, end;
	const char *nl;

	memset(t, 0, sizeof *t);
	memcpy(t->hash, audit_zero_hash, sizeof t->hash);
	t->ends_without_newline = buf[n - 1] != '\n';
	end = t->ends_without_newline ? n : n - 1;
	for (;;) {
		nl = end > 0 ? memrchr(buf, '\n', end) : NULL;
		start = nl != NULL ? (size_t)(nl - buf) + 1 : 0;
		if (start == 0 && !whole)
			return AUDIT_TAIL_MORE;
		audit_line_check(h, buf + start, end - start, &line);
		if (line.kind == AUDIT_LINE_INTACT) {
			t->seq = line.seq;
			memcpy(t->hash, line.hash, sizeof t->hash);
			t->torn_offset = base + (end < n ? end + 1 : n);
			t->torn_bytes = base + n - t->torn_offset;
			return AUDIT_TAIL_FOUND;
		}
		if (line.kind == AUDIT_LINE_BAD)
			memcpy(t->bad_why, line.why, sizeof t->bad_why);
		if (start == 0)
			break;
		end = start - 1;
	}
	/* No record at all: a crash leaves a record's start or zeros. */
	if (buf[0] != '\0' && buf[0] != '{')
		return AUDIT_TAIL_FOREIGN;
	t->torn_offset = 0;
	t->torn_bytes = n;
	return AUDIT_TAIL_FOUND;
}
