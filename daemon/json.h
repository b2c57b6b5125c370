/*
 * json.h: JSON text in and out, for the audit log and the control
 * protocol. Knows nothing of either.
 *
 * Writing (json.c): a growable builder that places commas itself. Strings
 * are escaped so that the output is always valid, single-line JSON
 * whatever the input bytes: quote, backslash, control characters and DEL
 * are escaped, valid UTF-8 passes through, and each byte of invalid UTF-8
 * becomes \u00XX (so a hostile name cannot break a line or a terminal).
 * Doubles are printed with the fewest digits that read back to the same
 * double (%.15g, else %.17g); NaN and infinities, which JSON cannot say,
 * are written as null. An allocation failure is sticky: json_failed()
 * reports it once at the end instead of after every call.
 *
 * Reading (json_read.c): a strict validator (RFC 8259, UTF-8 checked,
 * nesting bounded) that leaves values in place as spans of the input;
 * members are walked with an iterator and converted on demand.
 */
#ifndef WARDEN_JSON_H
#define WARDEN_JSON_H

#include <stddef.h>
#include <stdint.h>

struct json {
	char *data;             /* NUL-terminated when len > 0 */
	size_t len;
	size_t cap;
	int failed;             /* an allocation failed: text incomplete */
	int need_comma;         /* a value was just completed */
};

/* json.c */
void json_init(struct json *j);
void json_free(struct json *j);
/* Empty the text, keep the memory. */
void json_clear(struct json *j);
int json_failed(const struct json *j);

void json_object_begin(struct json *j);
void json_object_end(struct json *j);
void json_array_begin(struct json *j);
void json_array_end(struct json *j);
void json_key(struct json *j, const char *key);
void json_string(struct json *j, const char *s);
void json_string_n(struct json *j, const char *s, size_t n);
void json_int(struct json *j, int64_t v);
void json_uint(struct json *j, uint64_t v);
void json_double(struct json *j, double v);
void json_bool(struct json *j, int v);
void json_null(struct json *j);
/* Text the caller vouches is valid JSON where a value goes. */
void json_raw_value(struct json *j, const char *text, size_t n);
/*
 * Binary data as a JSON string, one character per bit or two per byte:
 * n bits packed least significant first (bit i is bit i % 8 of byte
 * i / 8, as Modbus packs coils) as "0110...", and n bytes as lowercase
 * hex.
 */
void json_string_bits(struct json *j, const uint8_t *packed, size_t n);
void json_string_hex(struct json *j, const uint8_t *bytes, size_t n);
/* Bytes appended as they are, no comma logic (framing, a newline). */
void json_append(struct json *j, const char *bytes, size_t n);

void json_kv_string(struct json *j, const char *key, const char *s);
void json_kv_int(struct json *j, const char *key, int64_t v);
void json_kv_uint(struct json *j, const char *key, uint64_t v);
void json_kv_double(struct json *j, const char *key, double v);
void json_kv_bool(struct json *j, const char *key, int v);

/* Where the text stands; json_rewind() takes it back there, as if what
 * was added since had never been (an allocation failure stays). */
struct json_mark {
	size_t len;
	int need_comma;
};
struct json_mark json_mark(const struct json *j);
void json_rewind(struct json *j, struct json_mark m);
/* Back to len bytes (no more than there are) as at the start of a new
 * text: no comma before the next value, and an allocation failure
 * forgotten, since what it spoiled lay past len. For a buffer that
 * holds many texts one after another. */
void json_cut(struct json *j, size_t len);

/*
 * Escape n bytes of s as the inside of a JSON string (no quotes) into dst,
 * NUL-terminated when cap > 0. Returns the length the full escape needs,
 * like snprintf, so a result >= cap means it was cut.
 */
size_t json_escape(char *dst, size_t cap, const char *s, size_t n);
/*
 * Length of the valid UTF-8 sequence at s (at most n bytes), or 0 when it
 * is not one: overlong forms, surrogates and code points above U+10FFFF
 * are refused as RFC 3629 says.
 */
size_t json_utf8_len(const unsigned char *s, size_t n);

/* json_read.c */
#define JSON_MAX_DEPTH 64

enum json_type { JSON_NONE, JSON_NULL, JSON_FALSE, JSON_TRUE, JSON_NUMBER,
	JSON_STRING, JSON_ARRAY, JSON_OBJECT };

/* A value as it stands in the input: text[0..len) (a string with its
 * quotes, an object with its braces). */
struct json_value {
	enum json_type type;
	const char *text;
	size_t len;
};

struct json_member {
	struct json_value key;  /* type JSON_NONE for array elements */
	struct json_value value;
};

struct json_iter {
	const char *p;
	const char *end;
	int is_object;
};

/*
 * Validate text[0..len) as exactly one JSON value (surrounding whitespace
 * allowed). Returns 0 and fills *out, or -1 with *error_at set to the
 * offset of the first byte that is wrong and *why to a short reason.
 */
int json_parse(const char *text, size_t len, struct json_value *out,
    size_t *error_at, const char **why);

/* Walk the members of an object or the elements of an array that
 * json_parse accepted. next returns 1 per member, 0 at the end. */
void json_iter_init(struct json_iter *it, const struct json_value *container);
int json_iter_next(struct json_iter *it, struct json_member *m);

/* The member of obj named key; 0 when found, -1 when not. */
int json_object_get(const struct json_value *obj, const char *key,
    struct json_value *out);
/* 1 when the string value v (a key or a value) equals s. */
int json_string_is(const struct json_value *v, const char *s);
/*
 * Unescape the string value v into dst (NUL-terminated). Returns the
 * length, or -1 when v is not a string, holds a lone surrogate or \u0000,
 * or does not fit in cap.
 */
int json_get_string(const struct json_value *v, char *dst, size_t cap);
/* Integers without fraction or exponent; -1 if not one or out of range. */
int json_get_uint64(const struct json_value *v, uint64_t *out);
int json_get_int64(const struct json_value *v, int64_t *out);
int json_get_double(const struct json_value *v, double *out);

#endif
