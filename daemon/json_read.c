/*
 * json_read.c: a strict JSON validator that leaves values in place, and
 * the accessors that convert them on demand (see json.h).
 *
 * Validation is done once, by json_parse(); the iterator and accessors
 * then trust the text, so they only skip and never re-check.
 */
#include "json.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct parser {
	const char *p;
	const char *end;
	const char *why;
	int depth;
};

static void
skip_space(const char **p, const char *end)
{
	while (*p < end && (**p == ' ' || **p == '\t' || **p == '\n' ||
	    **p == '\r'))
		(*p)++;
}

static int
fail(struct parser *ps, const char *why)
{
	ps->why = why;
	return -1;
}

static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int
parse_string(struct parser *ps)
{
	const unsigned char *u;
	size_t len;
	int i;

	ps->p++;                                /* the opening quote */
	while (ps->p < ps->end) {
		u = (const unsigned char *)ps->p;
		if (*u == '"') {
			ps->p++;
			return 0;
		}
		if (*u < 0x20)
			return fail(ps, "control character in a string");
		if (*u == '\\') {
			if (ps->end - ps->p < 2)
				break;
			if (strchr("\"\\/bfnrt", ps->p[1]) != NULL &&
			    ps->p[1] != '\0') {
				ps->p += 2;
				continue;
			}
			if (ps->p[1] != 'u')
				return fail(ps, "bad escape in a string");
			if (ps->end - ps->p < 6)
				break;
			for (i = 2; i < 6; i++)
				if (hex_value(ps->p[i]) < 0)
					return fail(ps, "bad \\u escape");
			ps->p += 6;
		} else if (*u >= 0x80) {
			len = json_utf8_len(u, (size_t)(ps->end - ps->p));
			if (len == 0)
				return fail(ps, "invalid UTF-8");
			ps->p += len;
		} else
			ps->p++;
	}
	return fail(ps, "unterminated string");
}

static int
parse_digits(struct parser *ps)
{
	const char *start = ps->p;

	while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9')
		ps->p++;
	return ps->p > start ? 0 : fail(ps, "digit expected");
}

static int
parse_number(struct parser *ps)
{
	if (*ps->p == '-')
		ps->p++;
	if (ps->p < ps->end && *ps->p == '0')
		ps->p++;
	else if (parse_digits(ps) == -1)
		return -1;
	if (ps->p < ps->end && *ps->p == '.') {
		ps->p++;
		if (parse_digits(ps) == -1)
			return -1;
	}
	if (ps->p < ps->end && (*ps->p == 'e' || *ps->p == 'E')) {
		ps->p++;
		if (ps->p < ps->end && (*ps->p == '+' || *ps->p == '-'))
			ps->p++;
		if (parse_digits(ps) == -1)
			return -1;
	}
	return 0;
}

static int
parse_word(struct parser *ps, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0)
		return fail(ps, "unexpected character");
	ps->p += n;
	return 0;
}

static int parse_value(struct parser *ps, enum json_type *type);

/* An object or an array: members separated by commas, no trailing one. */
static int
parse_container(struct parser *ps, int is_object)
{
	char close = is_object ? '}' : ']';
	enum json_type type;

	if (++ps->depth > JSON_MAX_DEPTH)
		return fail(ps, "nested too deeply");
	ps->p++;
	skip_space(&ps->p, ps->end);
	if (ps->p < ps->end && *ps->p == close) {
		ps->p++;
		ps->depth--;
		return 0;
	}
	for (;;) {
		skip_space(&ps->p, ps->end);
		if (is_object) {
			if (ps->p >= ps->end || *ps->p != '"')
				return fail(ps, "member name expected");
			if (parse_string(ps) == -1)
				return -1;
			skip_space(&ps->p, ps->end);
			if (ps->p >= ps->end || *ps->p != ':')
				return fail(ps, "':' expected");
			ps->p++;
		}
		if (parse_value(ps, &type) == -1)
			return -1;
		skip_space(&ps->p, ps->end);
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			continue;
		}
		if (ps->p < ps->end && *ps->p == close) {
			ps->p++;
			ps->depth--;
			return 0;
		}
		return fail(ps, is_object ? "',' or '}' expected" :
		    "',' or ']' expected");
	}
}

static int
parse_value(struct parser *ps, enum json_type *type)
{
	skip_space(&ps->p, ps->end);
	if (ps->p >= ps->end)
		return fail(ps, "value expected");
	switch (*ps->p) {
	case '{':
		*type = JSON_OBJECT;
		return parse_container(ps, 1);
	case '[':
		*type = JSON_ARRAY;
		return parse_container(ps, 0);
	case '"':
		*type = JSON_STRING;
		return parse_string(ps);
	case 't':
		*type = JSON_TRUE;
		return parse_word(ps, "true");
	case 'f':
		*type = JSON_FALSE;
		return parse_word(ps, "false");
	case 'n':
		*type = JSON_NULL;
		return parse_word(ps, "null");
	}
	if (*ps->p == '-' || (*ps->p >= '0' && *ps->p <= '9')) {
		*type = JSON_NUMBER;
		return parse_number(ps);
	}
	return fail(ps, "unexpected character");
}

int
json_parse(const char *text, size_t len, struct json_value *out,
    size_t *error_at, const char **why)
{
	struct parser ps = { text, text + len, NULL, 0 };
	const char *start;
	enum json_type type;

	skip_space(&ps.p, ps.end);
	start = ps.p;
	if (parse_value(&ps, &type) == 0) {
		out->type = type;
		out->text = start;
		out->len = (size_t)(ps.p - start);
		skip_space(&ps.p, ps.end);
		if (ps.p == ps.end)
			return 0;
		ps.why = "text after the value";
	}
	if (error_at != NULL)
		*error_at = (size_t)(ps.p - text);
	if (why != NULL)
		*why = ps.why;
	return -1;
}

/* Skip one value already validated by json_parse. */
static void
skip_value(struct parser *ps, struct json_value *v)
{
	skip_space(&ps->p, ps->end);
	v->text = ps->p;
	(void)parse_value(ps, &v->type);
	v->len = (size_t)(ps->p - v->text);
}

void
json_iter_init(struct json_iter *it, const struct json_value *container)
{
	it->p = container->text + 1;
	it->end = container->text + container->len - 1;
	it->is_object = container->type == JSON_OBJECT;
}

int
json_iter_next(struct json_iter *it, struct json_member *m)
{
	struct parser ps = { it->p, it->end, NULL, 0 };

	skip_space(&ps.p, ps.end);
	if (ps.p < ps.end && *ps.p == ',')
		ps.p++;
	skip_space(&ps.p, ps.end);
	if (ps.p >= ps.end)
		return 0;
	m->key.type = JSON_NONE;
	m->key.text = NULL;
	m->key.len = 0;
	if (it->is_object) {
		skip_value(&ps, &m->key);
		skip_space(&ps.p, ps.end);
		ps.p++;                         /* the ':' */
	}
	skip_value(&ps, &m->value);
	it->p = ps.p;
	return 1;
}

/*
 * Decode the character at *p inside a validated string into out[4];
 * returns its length in bytes, or -1 for a lone surrogate or \u0000.
 */
static int
unescape_one(const char **p, char *out)
{
	const char *s = *p;
	uint32_t cp, lo;
	int i;

	if (*s != '\\') {
		*out = *s;
		*p = s + 1;
		return 1;
	}
	if (s[1] != 'u') {
		static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";

		*out = to[strchr(from, s[1]) - from];
		*p = s + 2;
		return 1;
	}
	for (cp = 0, i = 2; i < 6; i++)
		cp = cp << 4 | (uint32_t)hex_value(s[i]);
	s += 6;
	if (cp >= 0xd800 && cp <= 0xdbff) {
		if (s[0] != '\\' || s[1] != 'u')
			return -1;
		for (lo = 0, i = 2; i < 6; i++)
			lo = lo << 4 | (uint32_t)hex_value(s[i]);
		if (lo < 0xdc00 || lo > 0xdfff)
			return -1;
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
		s += 6;
	} else if ((cp >= 0xdc00 && cp <= 0xdfff) || cp == 0)
		return -1;
	*p = s;
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

int
json_get_string(const struct json_value *v, char *dst, size_t cap)
{
	const char *p, *end;
	size_t len = 0;
	char ch[4];
	int n;

	if (v->type != JSON_STRING || cap == 0)
		return -1;
	p = v->text + 1;
	end = v->text + v->len - 1;
	while (p < end) {
		if ((n = unescape_one(&p, ch)) == -1 ||
		    len + (size_t)n >= cap)
			return -1;
		memcpy(dst + len, ch, (size_t)n);
		len += (size_t)n;
	}
	dst[len] = '\0';
	return len > (size_t)INT32_MAX ? -1 : (int)len;
}

int
json_string_is(const struct json_value *v, const char *s)
{
	const char *p, *end;
	size_t n = strlen(s), at = 0;
	char ch[4];
	int len;

	if (v->type != JSON_STRING)
		return 0;
	p = v->text + 1;
	end = v->text + v->len - 1;
	while (p < end) {
		if ((len = unescape_one(&p, ch)) == -1 ||
		    at + (size_t)len > n || memcmp(s + at, ch, (size_t)len))
			return 0;
		at += (size_t)len;
	}
	return at == n;
}

int
json_object_get(const struct json_value *obj, const char *key,
    struct json_value *out)
{
	struct json_iter it;
	struct json_member m;

	if (obj->type != JSON_OBJECT)
		return -1;
	json_iter_init(&it, obj);
	while (json_iter_next(&it, &m))
		if (json_string_is(&m.key, key)) {
			*out = m.value;
			return 0;
		}
	return -1;
}

/* Copy a number's text so strto* can stop at its end. */
static int
number_text(const struct json_value *v, char *buf, size_t cap)
{
	if (v->type != JSON_NUMBER || v->len >= cap)
		return -1;
	memcpy(buf, v->text, v->len);
	buf[v->len] = '\0';
	return 0;
}

int
json_get_uint64(const struct json_value *v, uint64_t *out)
{
	char buf[32], *end;
	unsigned long long n;

	if (number_text(v, buf, sizeof buf) == -1 ||
	    strcspn(buf, "-.eE") != v->len)
		return -1;
	errno = 0;
	n = strtoull(buf, &end, 10);
	if (errno != 0 || *end != '\0')
		return -1;
	*out = n;
	return 0;
}

int
json_get_int64(const struct json_value *v, int64_t *out)
{
	char buf[32], *end;
	long long n;

	if (number_text(v, buf, sizeof buf) == -1 ||
	    strcspn(buf, ".eE") != v->len)
		return -1;
	errno = 0;
	n = strtoll(buf, &end, 10);
	if (errno != 0 || *end != '\0')
		return -1;
	*out = n;
	return 0;
}

int
json_get_double(const struct json_value *v, double *out)
{
	char buf[64], *end;

	if (number_text(v, buf, sizeof buf) == -1)
		return -1;
	*out = strtod(buf, &end);
	return *end == '\0' && isfinite(*out) ? 0 : -1;
}
