/*
 * audit_show_text.c: one audit record as `wardenctl audit show` prints
 * it (audit_show.h): local time, seq, event, who, point, then the other
 * fields as key=value. Every string from the file goes through
 * audit_show_quote(), so a reason chosen by an attacker cannot move the
 * cursor, retitle the window or reorder the text around it.
 */
#include "audit_show.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* The columns' widths, in characters; a longer value pushes the rest. */
#define W_TIME 23
#define W_SEQ 6
#define W_EVENT 19
#define W_WHO 21
#define W_POINT 16

/* A code point at s (valid UTF-8 of len bytes). */
static uint32_t
code_point(const unsigned char *s, size_t len)
{
	static const unsigned char lead[5] = { 0, 0x7f, 0x1f, 0x0f, 0x07 };
	uint32_t cp = s[0] & lead[len];
	size_t i;

	for (i = 1; i < len; i++)
		cp = cp << 6 | (s[i] & 0x3f);
	return cp;
}

/* What a terminal or a bidirectional text layout acts on. */
static int
is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x061c ||
	    cp == 0x200e || cp == 0x200f || cp == 0x2028 || cp == 0x2029 ||
	    (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 &&
	    cp <= 0x2069) || cp == 0xfeff;
}

/* 1 when s can stand bare after key=. */
static int
is_plain(const unsigned char *s, size_t n)
{
	size_t i, len;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i += len) {
		len = s[i] < 0x80 ? 1 : json_utf8_len(s + i, n - i);
		if (len == 0 || is_control(code_point(s + i, len)) ||
		    strchr(" \"\\=", s[i]) != NULL)
			return 0;
	}
	return 1;
}

static int
put(struct buf *b, const char *s, size_t n)
{
	return buf_append(b, s, n);
}

/* One character, escaped when it must be; quoted: \" and \\ too. */
static int
put_char(struct buf *b, const unsigned char *s, size_t len, int quoted)
{
	char esc[16];
	uint32_t cp;

	if (len == 0) {                 /* not UTF-8 */
		snprintf(esc, sizeof esc, "\\x%02x", s[0]);
		return put(b, esc, 4);
	}
	cp = code_point(s, len);
	if (quoted && (cp == '"' || cp == '\\')) {
		esc[0] = '\\';
		esc[1] = (char)cp;
		return put(b, esc, 2);
	}
	if (!is_control(cp))
		return put(b, (const char *)s, len);
	if (cp == '\n' || cp == '\t' || cp == '\r') {
		esc[0] = '\\';
		esc[1] = cp == '\n' ? 'n' : cp == '\t' ? 't' : 'r';
		return put(b, esc, 2);
	}
	if (cp < 0x80)
		snprintf(esc, sizeof esc, "\\x%02x", (unsigned)cp);
	else
		snprintf(esc, sizeof esc, "\\u%04x", (unsigned)cp);
	return put(b, esc, strlen(esc));
}

static int
put_safe(struct buf *b, const char *text, size_t n, int quoted)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i, len;

	for (i = 0; i < n; i += len ? len : 1) {
		len = s[i] < 0x80 ? 1 : json_utf8_len(s + i, n - i);
		if (put_char(b, s + i, len, quoted) == -1)
			return -1;
	}
	return 0;
}

int
audit_show_quote(struct buf *b, const char *s, size_t n)
{
	if (is_plain((const unsigned char *)s, n))
		return put(b, s, n);
	if (put(b, "\"", 1) == -1 || put_safe(b, s, n, 1) == -1)
		return -1;
	return put(b, "\"", 1);
}

/* A JSON value as shown: a string unescaped and quoted as it needs, an
 * exception in hex, anything else as written (made safe). */
static int
put_value(struct buf *b, const struct json_member *m)
{
	const struct json_value *v = &m->value;
	char *text, hex[8];
	uint64_t u;
	int n, rc;

	if (v->type == JSON_NUMBER && json_string_is(&m->key, "exception") &&
	    json_get_uint64(v, &u) == 0 && u <= 0xff) {
		snprintf(hex, sizeof hex, "0x%02x", (unsigned)u);
		return put(b, hex, 4);
	}
	if (v->type != JSON_STRING)
		return put_safe(b, v->text, v->len, 0);
	if ((text = malloc(v->len)) == NULL)
		return -1;
	n = json_get_string(v, text, v->len);
	rc = n >= 0 ? audit_show_quote(b, text, (size_t)n) :
	    put_safe(b, v->text, v->len, 0);     /* \u0000: as written */
	free(text);
	return rc;
}

/* Characters, not bytes: what the padding counts. */
static size_t
width(const struct buf *b, size_t from)
{
	size_t i, w = 0;

	for (i = from; i < buf_len(b); i++)
		w += (buf_head(b)[i] & 0xc0) != 0x80;
	return w;
}

/* A column: the member's value (or "-"), then spaces up to w. */
static int
put_column(struct buf *b, const struct json_member *m, size_t w)
{
	size_t from = buf_len(b), have;
	int rc = m != NULL ? put_value(b, m) : put(b, "-", 1);

	for (have = width(b, from); rc == 0 && have < w + 1; have++)
		rc = put(b, " ", 1);
	return rc;
}

static int
is_key(const struct json_member *m, const char *const *keys)
{
	for (; *keys != NULL; keys++)
		if (json_string_is(&m->key, *keys))
			return 1;
	return 0;
}

/* The first member named one of keys, or NULL. */
static const struct json_member *
first_of(const struct json_value *obj, const char *const *keys,
    struct json_member *found)
{
	struct json_iter it;

	for (; *keys != NULL; keys++) {
		json_iter_init(&it, obj);
		while (json_iter_next(&it, found))
			if (json_string_is(&found->key, *keys))
				return found;
	}
	return NULL;
}

static int
put_details(struct buf *b, const struct json_value *obj,
    const struct json_member *who, const struct json_member *point)
{
	static const char *const skip[] = { "seq", "ts", "event", "prev",
		"hash", NULL };
	struct json_iter it;
	struct json_member m;
	char *key;
	int n, rc = 0;

	json_iter_init(&it, obj);
	while (rc == 0 && json_iter_next(&it, &m)) {
		if (is_key(&m, skip) || (who != NULL && m.key.text ==
		    who->key.text) || (point != NULL && m.key.text ==
		    point->key.text))
			continue;
		if ((key = malloc(m.key.len)) == NULL)
			return -1;
		n = json_get_string(&m.key, key, m.key.len);
		rc = (n > 0 ? put_safe(b, key, (size_t)n, 0) :
		    put_safe(b, m.key.text, m.key.len, 0)) == 0 &&
		    put(b, "=", 1) == 0 && put_value(b, &m) == 0 &&
		    put(b, " ", 1) == 0 ? 0 : -1;
		free(key);
	}
	return rc;
}

static void
put_header(struct audit_show *s, FILE *out, const char *zone, long offset)
{
	char label[64];
	long a = offset < 0 ? -offset : offset;

	if (strcmp(zone, "UTC") == 0 && offset == 0)
		snprintf(label, sizeof label, "TIME (UTC)");
	else
		snprintf(label, sizeof label, "TIME (%s, UTC%c%02ld:%02ld)",
		    zone, offset < 0 ? '-' : '+', a / 3600, a / 60 % 60);
	fprintf(out, "%-*s %*s %-*s %-*s %-*s %s\n", W_TIME, label, W_SEQ,
	    "SEQ", W_EVENT, "EVENT", W_WHO, "WHO", W_POINT, "POINT",
	    "DETAILS");
	snprintf(s->shown_zone, sizeof s->shown_zone, "%s", zone);
	s->shown_offset = offset;
}

/* The line in b, its trailing spaces cut, out. */
static void
flush_line(struct buf *b, FILE *out)
{
	size_t n = buf_len(b);

	while (n > 0 && buf_head(b)[n - 1] == ' ')
		n--;
	fwrite(buf_head(b), 1, n, out);
	fputc('\n', out);
}

static int
put_record(struct buf *b, const struct audit_show_entry *e,
    const char *time)
{
	static const char *const who_keys[] = { "user", "client", NULL };
	static const char *const point_keys[] = { "point", "device", NULL };
	struct json_member who_m, point_m;
	const struct json_member *who, *point;
	char head[64];

	who = first_of(&e->obj, who_keys, &who_m);
	point = first_of(&e->obj, point_keys, &point_m);
	snprintf(head, sizeof head, "%-*s %*" PRIu64 " ", W_TIME, time,
	    W_SEQ, e->seq);
	if (put(b, head, strlen(head)) == -1 ||
	    audit_show_quote(b, e->event, strlen(e->event)) == -1)
		return -1;
	for (size_t have = strlen(e->event); have < W_EVENT + 1; have++)
		if (put(b, " ", 1) == -1)
			return -1;
	if (put_column(b, who, W_WHO) == -1 ||
	    put_column(b, point, W_POINT) == -1 ||
	    put_details(b, &e->obj, who, point) == -1)
		return -1;
	if (!e->intact && (put(b, "[NOT INTACT: ", 13) == -1 ||
	    put_safe(b, e->why, strlen(e->why), 0) == -1 ||
	    put(b, "]", 1) == -1))
		return -1;
	return 0;
}

void
audit_show_print(struct audit_show *s, FILE *out,
    const struct audit_show_entry *e, const char *path, uint64_t line_no)
{
	char time[32], zone[16];
	struct buf b;
	long offset;

	if (buf_init(&b, 256) == -1) {
		fprintf(out, "(out of memory)\n");
		return;
	}
	if (e->kind == AUDIT_SHOW_UNREADABLE) {
		snprintf(time, sizeof time, "-- unreadable line %" PRIu64
		    " of ", line_no);
		if (put(&b, time, strlen(time)) == 0 &&
		    audit_show_quote(&b, path, strlen(path)) == 0 &&
		    put(&b, ": ", 2) == 0)
			put_safe(&b, e->why, strlen(e->why), 0);
	} else {
		audit_show_time_local(e->ts_us, time, zone, &offset);
		if (s->shown_zone[0] == '\0' || offset != s->shown_offset ||
		    strcmp(zone, s->shown_zone) != 0)
			put_header(s, out, zone, offset);
		if (put_record(&b, e, time) == -1)
			buf_clear(&b);
	}
	flush_line(&b, out);
	buf_free(&b);
}
