/*
 * json.c: the JSON builder and string escaper (see json.h).
 */
#include "json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
json_init(struct json *j)
{
	memset(j, 0, sizeof *j);
}

void
json_free(struct json *j)
{
	free(j->data);
	json_init(j);
}

void
json_clear(struct json *j)
{
	j->len = 0;
	j->failed = 0;
	j->need_comma = 0;
	if (j->data != NULL)
		j->data[0] = '\0';
}

int
json_failed(const struct json *j)
{
	return j->failed;
}

/* Room for n more bytes and the terminating NUL; 0 when there is. */
static int
json_reserve(struct json *j, size_t n)
{
	size_t cap;
	char *p;

	if (j->failed)
		return -1;
	if (j->cap - j->len > n)
		return 0;
	for (cap = j->cap ? j->cap : 256; cap - j->len <= n; cap *= 2)
		if (cap > SIZE_MAX / 2) {
			j->failed = 1;
			return -1;
		}
	if ((p = realloc(j->data, cap)) == NULL) {
		j->failed = 1;
		return -1;
	}
	j->data = p;
	j->cap = cap;
	return 0;
}

void
json_append(struct json *j, const char *bytes, size_t n)
{
	if (json_reserve(j, n) == -1)
		return;
	memcpy(j->data + j->len, bytes, n);
	j->len += n;
	j->data[j->len] = '\0';
}

static void
json_putc(struct json *j, char c)
{
	json_append(j, &c, 1);
}

/* Before any value or key: the comma that separates it from the last. */
static void
json_separate(struct json *j)
{
	if (j->need_comma)
		json_putc(j, ',');
	j->need_comma = 0;
}

void
json_object_begin(struct json *j)
{
	json_separate(j);
	json_putc(j, '{');
}

void
json_object_end(struct json *j)
{
	json_putc(j, '}');
	j->need_comma = 1;
}

void
json_array_begin(struct json *j)
{
	json_separate(j);
	json_putc(j, '[');
}

void
json_array_end(struct json *j)
{
	json_putc(j, ']');
	j->need_comma = 1;
}

size_t
json_utf8_len(const unsigned char *s, size_t n)
{
	size_t len, i;
	uint32_t cp;

	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		cp = s[0] & 0x07;
	} else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

/* The escape for byte c when it cannot stand as itself, into out[7]. */
static size_t
escape_byte(unsigned char c, char *out)
{
	static const char hex[] = "0123456789abcdef";

	out[0] = '\\';
	switch (c) {
	case '"': out[1] = '"'; return 2;
	case '\\': out[1] = '\\'; return 2;
	case '\n': out[1] = 'n'; return 2;
	case '\r': out[1] = 'r'; return 2;
	case '\t': out[1] = 't'; return 2;
	case '\b': out[1] = 'b'; return 2;
	case '\f': out[1] = 'f'; return 2;
	}
	memcpy(out + 1, "u00", 3);
	out[4] = hex[c >> 4];
	out[5] = hex[c & 0xf];
	return 6;
}

static int
is_plain(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
}

size_t
json_escape(char *dst, size_t cap, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, need = 0, kept = 0, in, run;
	char esc[8];
	const char *out;
	int divisible;

	while (i < n) {
		out = s + i;
		divisible = is_plain(u[i]);
		if (divisible) {
			/* plain ASCII in one copy: names, numbers, most text */
			for (in = 1; i + in < n && is_plain(u[i + in]); in++)
				;
			run = in;
		} else if (u[i] >= 0x80 &&
		    (in = json_utf8_len(u + i, n - i)) > 0) {
			run = in;
		} else {
			out = esc;
			in = 1;
			run = escape_byte(u[i], esc);
		}
		i += in;
		/* A cut never splits an escape or a UTF-8 sequence. */
		if (need + run < cap) {
			memcpy(dst + need, out, run);
			kept = need + run;
		} else if (divisible && need + 1 < cap) {
			memcpy(dst + need, out, cap - 1 - need);
			kept = cap - 1;
		}
		need += run;
	}
	if (cap > 0)
		dst[kept] = '\0';
	return need;
}

static void
json_quoted(struct json *j, const char *s, size_t n)
{
	size_t need;

	/* Escaping at most sextuples the size: reserve once, write once. */
	if (n > (SIZE_MAX - 3) / 6 || json_reserve(j, n * 6 + 2) == -1) {
		j->failed = 1;
		return;
	}
	j->data[j->len++] = '"';
	need = json_escape(j->data + j->len, j->cap - j->len, s, n);
	j->len += need;
	j->data[j->len++] = '"';
	j->data[j->len] = '\0';
}

void
json_key(struct json *j, const char *key)
{
	json_separate(j);
	json_quoted(j, key, strlen(key));
	json_putc(j, ':');
}

void
json_string_n(struct json *j, const char *s, size_t n)
{
	json_separate(j);
	json_quoted(j, s, n);
	j->need_comma = 1;
}

void
json_string(struct json *j, const char *s)
{
	json_string_n(j, s, strlen(s));
}

void
json_raw_value(struct json *j, const char *text, size_t n)
{
	json_separate(j);
	json_append(j, text, n);
	j->need_comma = 1;
}

/* "..." of n characters made by put(i) for each i, reserved at once. */
static void
json_string_made(struct json *j, size_t n, const uint8_t *src,
    void (*put)(char *out, const uint8_t *src, size_t i))
{
	char *out;
	size_t i;

	json_separate(j);
	if (n > SIZE_MAX - 3 || json_reserve(j, n + 2) == -1) {
		j->failed = 1;
		return;
	}
	out = j->data + j->len;
	*out++ = '"';
	for (i = 0; i < n; i++)
		put(out, src, i);
	out[n] = '"';
	j->len += n + 2;
	j->data[j->len] = '\0';
	j->need_comma = 1;
}

static void
put_bit(char *out, const uint8_t *packed, size_t i)
{
	out[i] = (char)('0' + ((packed[i / 8] >> (i % 8)) & 1));
}

static void
put_nibble(char *out, const uint8_t *bytes, size_t i)
{
	static const char hex[] = "0123456789abcdef";

	out[i] = hex[(bytes[i / 2] >> (i % 2 ? 0 : 4)) & 0xf];
}

void
json_string_bits(struct json *j, const uint8_t *packed, size_t n)
{
	json_string_made(j, n, packed, put_bit);
}

void
json_string_hex(struct json *j, const uint8_t *bytes, size_t n)
{
	if (n > SIZE_MAX / 2) {
		j->failed = 1;
		return;
	}
	json_string_made(j, 2 * n, bytes, put_nibble);
}

/* The decimal digits of v, minus sign first when negative, ending at
 * end; returns where they start. Every record has several integers:
 * this is a tenth of snprintf's cost. */
static char *
json_digits(char *end, uint64_t v, int negative)
{
	char *p = end;

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	if (negative)
		*--p = '-';
	return p;
}

void
json_int(struct json *j, int64_t v)
{
	char num[24], *p;

	/* the magnitude of INT64_MIN is no int64_t */
	p = json_digits(num + sizeof num, v < 0 ? 0 - (uint64_t)v :
	    (uint64_t)v, v < 0);
	json_raw_value(j, p, (size_t)(num + sizeof num - p));
}

void
json_uint(struct json *j, uint64_t v)
{
	char num[24], *p;

	p = json_digits(num + sizeof num, v, 0);
	json_raw_value(j, p, (size_t)(num + sizeof num - p));
}

void
json_double(struct json *j, double v)
{
	char num[32];
	int n;

	if (!isfinite(v)) {
		json_null(j);
		return;
	}
	n = snprintf(num, sizeof num, "%.15g", v);
	if (strtod(num, NULL) != v)
		n = snprintf(num, sizeof num, "%.17g", v);
	json_raw_value(j, num, (size_t)n);
}

void
json_bool(struct json *j, int v)
{
	if (v)
		json_raw_value(j, "true", 4);
	else
		json_raw_value(j, "false", 5);
}

void
json_null(struct json *j)
{
	json_raw_value(j, "null", 4);
}

void
json_kv_string(struct json *j, const char *key, const char *s)
{
	json_key(j, key);
	json_string(j, s);
}

void
json_kv_int(struct json *j, const char *key, int64_t v)
{
	json_key(j, key);
	json_int(j, v);
}

void
json_kv_uint(struct json *j, const char *key, uint64_t v)
{
	json_key(j, key);
	json_uint(j, v);
}

void
json_kv_double(struct json *j, const char *key, double v)
{
	json_key(j, key);
	json_double(j, v);
}

void
json_kv_bool(struct json *j, const char *key, int v)
{
	json_key(j, key);
	json_bool(j, v);
}

struct json_mark
json_mark(const struct json *j)
{
	struct json_mark m = { j->len, j->need_comma };

	return m;
}

void
json_rewind(struct json *j, struct json_mark m)
{
	if (m.len > j->len)
		return;
	j->len = m.len;
	j->need_comma = m.need_comma;
	if (j->data != NULL)
		j->data[j->len] = '\0';
}

void
json_cut(struct json *j, size_t len)
{
	if (len < j->len)
		j->len = len;
	j->need_comma = 0;
	j->failed = 0;
	if (j->data != NULL)
		j->data[j->len] = '\0';
}
