/*
 * learn_render_internal.h: what the parts of the proposal share:
 * learn_render.c (the file, block by block), learn_points.c (the points:
 * block) and learn_text.c (the text). The rest of the daemon uses
 * learn_render.h only.
 */
#ifndef WARDEN_LEARN_RENDER_INTERNAL_H
#define WARDEN_LEARN_RENDER_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "learn_render.h"

struct render {
	const struct config *cfg;
	const struct learn_table *t;
	double margin;
	struct buf *out;
	int failed;                     /* out of memory: text incomplete */
	size_t items;                   /* points written, not commented */
};

/* learn_text.c: text into r->out; a failure is sticky in r->failed. */
void learn_text_put(struct render *r, const char *text, size_t len);
void learn_text_say(struct render *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* A YAML double-quoted scalar. */
void learn_text_quoted(struct render *r, const char *s);
/* Into text[cap], returned: the fewest digits that read back as v; a
 * duration config_parse_duration() reads (whole or fractional ms); six
 * digits, for a comment; ms to 0.1, for a comment; an RFC 3339 time,
 * UTC, to the second. */
const char *learn_text_num(char *text, size_t cap, double v);
const char *learn_text_duration(char *text, size_t cap, double seconds);
const char *learn_text_show(char *text, size_t cap, double v);
const char *learn_text_show_ms(char *text, size_t cap, double seconds);
const char *learn_text_stamp(char *text, size_t cap, double t);
/* The same into a buffer that lives as long as the full expression. */
#define NUM(v) learn_text_num((char[32]){ 0 }, 32, (v))
#define DURATION(s) learn_text_duration((char[48]){ 0 }, 48, (s))
#define SHOW(v) learn_text_show((char[32]){ 0 }, 32, (v))
#define SHOW_MS(s) learn_text_show_ms((char[48]){ 0 }, 48, (s))
#define STAMP(t) learn_text_stamp((char[40]){ 0 }, 40, (t))
/* "" for one, "s" for any other count. */
const char *learn_text_plural(uint64_t n);
/* "fc 3, 6" for the function codes (< 32) of mask. */
void learn_text_functions(char *text, size_t cap, uint32_t mask);

/* learn_points.c: the points: block, from the entries ordered
 * (learn_table_sorted). */
void learn_points_write(struct render *r, const struct learn_entry **sorted,
    size_t n);

#endif
