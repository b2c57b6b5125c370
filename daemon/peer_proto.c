/*
 * peer_proto.c: the pair link's frames and messages (peer_proto.h), pure:
 * bytes in, struct out, and back. The latch and the holds travel as the
 * sealed text of their files (statefile.c, holdsfile.c), so that there is
 * one format to trust on disk and on the wire.
 *
 * The parser takes only what the format functions write: every field in
 * its order, every number in its one spelling, and the two sealed texts
 * compared byte for byte with what their formats write back. A peer that
 * sends anything else is refused rather than half understood.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hex.h"
#include "peer_proto.h"

#define MAGIC "warden-peer 1"
/* who escaped at its longest: every byte as \xHH. */
#define WHO_LINE_MAX (PEER_WHO_MAX * 4 + 1)
/* Room left before a sealed text for its "key <length>\n" line: the key,
 * a space, 20 digits and the newline. */
#define LENGTH_LINE_MAX 32

/* The body of a frame being read: the next line starts at p. */
struct cursor {
	const char *p;
	const char *end;
};

/* The body's bytes being written after the frame header. */
struct writer {
	uint8_t *buf;
	size_t size;
	size_t len;
	int failed;
};

static void
put(struct writer *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
put(struct writer *w, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (w->failed)
		return;
	va_start(ap, fmt);
	n = vsnprintf((char *)w->buf + w->len, w->size - w->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= w->size - w->len)
		w->failed = 1;
	else
		w->len += (size_t)n;
}

/*
 * A sealed text as "key <length>\n" and its bytes. format writes it at a
 * gap left for the length line, which is then written before it and the
 * text moved up to it.
 */
typedef size_t (*sealed_format_fn)(const void *what, size_t n, char *buf,
    size_t size);

static size_t
state_text(const void *what, size_t n, char *buf, size_t size)
{
	(void)n;
	return statefile_format(what, buf, size);
}

static size_t
holds_text(const void *what, size_t n, char *buf, size_t size)
{
	return holdsfile_format(what, n, buf, size);
}

static void
put_sealed(struct writer *w, const char *key, sealed_format_fn format,
    const void *what, size_t n)
{
	char *at;
	size_t k;
	int line;

	if (w->failed || w->size - w->len <= LENGTH_LINE_MAX) {
		w->failed = 1;
		return;
	}
	at = (char *)w->buf + w->len + LENGTH_LINE_MAX;
	k = format(what, n, at, w->size - w->len - LENGTH_LINE_MAX);
	if (k == 0) {
		w->failed = 1;
		return;
	}
	line = snprintf((char *)w->buf + w->len, LENGTH_LINE_MAX, "%s %zu\n",
	    key, k);
	if (line < 0 || line >= LENGTH_LINE_MAX) {
		w->failed = 1;
		return;
	}
	memmove(w->buf + w->len + (size_t)line, at, k);
	w->len += (size_t)line + k;
}

static int
node_ok(const char *node)
{
	size_t len = strnlen(node, CONFIG_NAME_MAX);

	return len > 0 && len < CONFIG_NAME_MAX &&
	    config_name_problem(node) == NULL;
}

/* Begin a frame of type from node: the header's room and the first
 * lines. */
static void
put_start(struct writer *w, const char *type, const char *node)
{
	if (w->size <= PEER_FRAME_HEADER || !node_ok(node)) {
		w->failed = 1;
		return;
	}
	w->len = PEER_FRAME_HEADER;
	put(w, MAGIC "\ntype %s\nnode %s\n", type, node);
}

/* The frame's length, with the body's in its header; 0 when failed. */
static size_t
put_end(struct writer *w)
{
	size_t body = w->len - PEER_FRAME_HEADER;

	if (w->failed || body == 0 || body > PEER_MSG_MAX)
		return 0;
	w->buf[0] = (uint8_t)(body >> 24);
	w->buf[1] = (uint8_t)(body >> 16);
	w->buf[2] = (uint8_t)(body >> 8);
	w->buf[3] = (uint8_t)body;
	return w->len;
}

size_t
peer_proto_format_state(const char *node, const struct peer_state *st,
    uint8_t *buf, size_t size)
{
	struct writer w = { buf, size, 0, 0 };
	char who[WHO_LINE_MAX];
	size_t who_len;

	if ((unsigned)st->role >= PAIR_ROLE_COUNT || st->seq == 0 ||
	    st->n_holds > ALARM_HOLDS_MAX ||
	    memchr(st->who, '\0', sizeof st->who) == NULL)
		return 0;
	if (st->head[0] != '\0' && (strnlen(st->head, sizeof st->head) !=
	    PEER_HEAD_HEX || !hex_is_lower(st->head, PEER_HEAD_HEX)))
		return 0;
	who_len = statefile_text_escape(st->who, who, 0, sizeof who);
	if (who_len == 0 && st->who[0] != '\0')
		return 0;
	who[who_len] = '\0';
	put_start(&w, "state", node);
	put(&w, "role %s\nseq %llu\nhead %s\nwho %s\n",
	    pair_role_name(st->role), (unsigned long long)st->seq,
	    st->head[0] != '\0' ? st->head : "none", who);
	put_sealed(&w, "state", state_text, &st->guard, 0);
	put_sealed(&w, "holds", holds_text, st->holds, st->n_holds);
	return put_end(&w);
}

size_t
peer_proto_format_ack(const char *node, uint64_t seq, uint8_t *buf,
    size_t size)
{
	struct writer w = { buf, size, 0, 0 };

	if (seq == 0)
		return 0;
	put_start(&w, "ack", node);
	put(&w, "seq %llu\n", (unsigned long long)seq);
	return put_end(&w);
}

ssize_t
peer_proto_frame(const uint8_t *buf, size_t len, char err[ERR_LEN])
{
	uint32_t body;

	if (len < PEER_FRAME_HEADER)
		return 0;
	body = (uint32_t)buf[0] << 24 | (uint32_t)buf[1] << 16 |
	    (uint32_t)buf[2] << 8 | buf[3];
	if (body == 0 || body > PEER_MSG_MAX) {
		errmsg_set(err, "frame length %lu is outside 1..%d",
		    (unsigned long)body, PEER_MSG_MAX);
		return -1;
	}
	if (len - PEER_FRAME_HEADER < body)
		return 0;
	return (ssize_t)(PEER_FRAME_HEADER + body);
}

/*
 * The next line's value if it is "key value": into out (size, with its
 * NUL) when it fits and holds no NUL; -1 otherwise.
 */
static int
field(struct cursor *c, const char *key, char *out, size_t size)
{
	size_t klen = strlen(key), vlen;
	const char *nl, *v;

	if ((size_t)(c->end - c->p) <= klen ||
	    memcmp(c->p, key, klen) != 0 || c->p[klen] != ' ')
		return -1;
	v = c->p + klen + 1;
	if ((nl = memchr(v, '\n', (size_t)(c->end - v))) == NULL)
		return -1;
	vlen = (size_t)(nl - v);
	if (vlen >= size || memchr(v, '\0', vlen) != NULL)
		return -1;
	memcpy(out, v, vlen);
	out[vlen] = '\0';
	c->p = nl + 1;
	return 0;
}

/* A decimal without sign or leading zeros, 0..UINT64_MAX: 0 and *out, or
 * -1. */
static int
number(const char *text, uint64_t *out)
{
	uint64_t v = 0;
	const char *p;

	if (*text == '\0' || (text[0] == '0' && text[1] != '\0'))
		return -1;
	for (p = text; *p != '\0'; p++) {
		unsigned d;

		if (*p < '0' || *p > '9')
			return -1;
		d = (unsigned)(*p - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

/* "key <length>\n" and that many bytes, at most max: 0 with *text and
 * *len, or -1. */
static int
sealed_field_take(struct cursor *c, const char *key, size_t max,
    const char **text, size_t *len)
{
	char line[24];
	uint64_t n;

	if (field(c, key, line, sizeof line) < 0 || number(line, &n) < 0 ||
	    n == 0 || n > max || n > (uint64_t)(c->end - c->p))
		return -1;
	*text = c->p;
	*len = (size_t)n;
	c->p += n;
	return 0;
}

/* The latch's sealed text, exactly as statefile_format() writes it. */
static int
state_take(struct cursor *c, struct guard_persisted *out, char err[ERR_LEN])
{
	char back[STATEFILE_MAX + 1], why[ERR_LEN];
	const char *text;
	size_t len;

	if (sealed_field_take(c, "state", STATEFILE_MAX, &text, &len) < 0) {
		errmsg_set(err, "missing or bad \"state\" line (a length "
		    "1..%d within the message)", STATEFILE_MAX);
		return -1;
	}
	if (statefile_parse(text, len, out, why) < 0) {
		errmsg_set(err, "state: %s", why);
		return -1;
	}
	if (statefile_format(out, back, len + 1) != len ||
	    memcmp(back, text, len) != 0) {
		errmsg_set(err, "state: not as wardend writes it");
		return -1;
	}
	return 0;
}

/* The holds' sealed text, exactly as holdsfile_format() writes it. */
static int
holds_take(struct cursor *c, struct peer_state *st, char err[ERR_LEN])
{
	char why[ERR_LEN], *back;
	const char *text;
	size_t len;
	int same;

	if (sealed_field_take(c, "holds", HOLDSFILE_MAX, &text, &len) < 0) {
		errmsg_set(err, "missing or bad \"holds\" line (a length "
		    "1..%d within the message)", HOLDSFILE_MAX);
		return -1;
	}
	if (holdsfile_parse(text, len, st->holds, &st->n_holds, why) < 0) {
		errmsg_set(err, "holds: %s", why);
		return -1;
	}
	/* Room for one byte more than the text: a longer write-back fails
	 * and is refused like a different one. */
	if ((back = malloc(len + 1)) == NULL) {
		errmsg_set(err, "holds: out of memory");
		return -1;
	}
	same = holdsfile_format(st->holds, st->n_holds, back, len + 1) ==
	    len && memcmp(back, text, len) == 0;
	free(back);
	if (!same) {
		errmsg_set(err, "holds: not as wardend writes them");
		return -1;
	}
	return 0;
}

static int
state_parse(struct cursor *c, struct peer_msg *out, char err[ERR_LEN])
{
	struct peer_state *st = &out->state;
	char line[WHO_LINE_MAX], back[WHO_LINE_MAX];
	const char *key;
	size_t n;
	int role;

	if (field(c, key = "role", line, sizeof line) < 0 ||
	    (role = pair_role_from_name(line)) < 0)
		goto bad;
	st->role = (enum pair_role)role;
	if (field(c, key = "seq", line, sizeof line) < 0 ||
	    number(line, &st->seq) < 0 || st->seq == 0)
		goto bad;
	out->seq = st->seq;
	if (field(c, key = "head", line, sizeof line) < 0)
		goto bad;
	if (strcmp(line, "none") == 0)
		st->head[0] = '\0';
	else if (strlen(line) == PEER_HEAD_HEX &&
	    hex_is_lower(line, PEER_HEAD_HEX))
		memcpy(st->head, line, PEER_HEAD_HEX + 1);
	else
		goto bad;
	/* who may be empty ("who " and the newline), and escapes in one
	 * spelling only: what it unescapes to must escape back to it. */
	if (field(c, key = "who", line, sizeof line) < 0 ||
	    statefile_text_unescape(line, st->who, sizeof st->who) < 0)
		goto bad;
	n = statefile_text_escape(st->who, back, 0, sizeof back);
	if ((n == 0 && st->who[0] != '\0') || n != strlen(line) ||
	    memcmp(back, line, n) != 0)
		goto bad;
	if (state_take(c, &st->guard, err) < 0 || holds_take(c, st, err) < 0)
		return -1;
	return 0;
bad:
	errmsg_set(err, "missing or bad \"%s\" line", key);
	return -1;
}

int
peer_proto_parse(const uint8_t *frame, size_t len, struct peer_msg *out,
    char err[ERR_LEN])
{
	char line[CONFIG_NAME_MAX + 1];
	struct cursor c;
	uint64_t seq;
	ssize_t whole = peer_proto_frame(frame, len, err);

	if (whole < 0)
		return -1;
	if ((size_t)whole != len) {
		errmsg_set(err, "not one whole frame");
		return -1;
	}
	memset(out, 0, sizeof *out);
	c.p = (const char *)frame + PEER_FRAME_HEADER;
	c.end = (const char *)frame + len;
	if ((size_t)(c.end - c.p) < sizeof MAGIC ||
	    memcmp(c.p, MAGIC "\n", sizeof MAGIC) != 0) {
		errmsg_set(err, "not a warden pair message, or another "
		    "version");
		return -1;
	}
	c.p += sizeof MAGIC;
	if (field(&c, "type", line, sizeof line) < 0 ||
	    (strcmp(line, "state") != 0 && strcmp(line, "ack") != 0)) {
		errmsg_set(err, "missing or bad \"type\" line (state or ack)");
		return -1;
	}
	out->type = strcmp(line, "state") == 0 ? PEER_MSG_STATE : PEER_MSG_ACK;
	if (field(&c, "node", out->node, sizeof out->node) < 0 ||
	    !node_ok(out->node)) {
		errmsg_set(err, "missing or bad \"node\" line");
		return -1;
	}
	if (out->type == PEER_MSG_STATE) {
		if (state_parse(&c, out, err) < 0)
			return -1;
	} else {
		/* An ack of 0 would ack nothing: no state has seq 0. */
		if (field(&c, "seq", line, sizeof line) < 0 ||
		    number(line, &seq) < 0 || seq == 0) {
			errmsg_set(err, "missing or bad \"seq\" line");
			return -1;
		}
		out->seq = seq;
	}
	if (c.p != c.end) {
		errmsg_set(err, "unexpected bytes after the %s",
		    out->type == PEER_MSG_STATE ? "holds" : "seq");
		return -1;
	}
	return 0;
}

int
peer_key_parse(const char *text, size_t len, uint8_t key[PEER_KEY_MAX],
    size_t *keylen, char err[ERR_LEN])
{
	size_t digits = len, i;

	if (digits > 0 && text[digits - 1] == '\n')
		digits--;
	for (i = 0; i < digits; i++)
		if (!((text[i] >= '0' && text[i] <= '9') ||
		    (text[i] >= 'a' && text[i] <= 'f') ||
		    (text[i] >= 'A' && text[i] <= 'F'))) {
			errmsg_set(err, "byte %zu is not a hex digit (the key "
			    "is hex digits and one optional newline)", i + 1);
			return -1;
		}
	if (digits % 2 != 0 || digits < PEER_KEY_MIN * 2 ||
	    digits > PEER_KEY_MAX * 2) {
		errmsg_set(err, "%zu hex digits: the key must be an even "
		    "number of them, %d to %d (e.g. openssl rand -hex %d)",
		    digits, PEER_KEY_MIN * 2, PEER_KEY_MAX * 2, PEER_KEY_MIN);
		return -1;
	}
	for (i = 0; i < digits / 2; i++) {
		int hi = text[2 * i] | 0x20, lo = text[2 * i + 1] | 0x20;

		hi = hi <= '9' ? hi - '0' : hi - 'a' + 10;
		lo = lo <= '9' ? lo - '0' : lo - 'a' + 10;
		key[i] = (uint8_t)(hi << 4 | lo);
	}
	*keylen = digits / 2;
	return 0;
}
