/*
 * learn_text.c: the proposal's text, line by line: numbers that read
 * back as they were, durations config_load() reads, times, quoted names
 * (learn_render_internal.h).
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "learn_render_internal.h"

#define RENDER_LINE_MAX 1024

void
learn_text_put(struct render *r, const char *text, size_t len)
{
	if (!r->failed && buf_append(r->out, text, len) == -1)
		r->failed = 1;
}

void
learn_text_say(struct render *r, const char *fmt, ...)
{
	char line[RENDER_LINE_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (n < 0)
		r->failed = 1;
	else
		learn_text_put(r, line, (size_t)n < sizeof line ? (size_t)n :
		    sizeof line - 1);
}

/* The fewest digits that read back as v. */
const char *
learn_text_num(char *text, size_t cap, double v)
{
	if (v == 0)
		v = 0;          /* no "-0" */
	snprintf(text, cap, "%.15g", v);
	if (strtod(text, NULL) != v)
		snprintf(text, cap, "%.17g", v);
	return text;
}

/* Seconds as a duration config_parse_duration() reads: whole or
 * fractional ms. */
const char *
learn_text_duration(char *text, size_t cap, double seconds)
{
	size_t len;

	snprintf(text, cap, "%.6f", seconds * 1000);
	len = strlen(text);
	while (len > 0 && text[len - 1] == '0')
		text[--len] = '\0';
	if (len > 0 && text[len - 1] == '.')
		text[--len] = '\0';
	snprintf(text + len, cap - len, "ms");
	return text;
}

const char *
learn_text_stamp(char *text, size_t cap, double t)
{
	time_t secs = (time_t)floor(t);
	struct tm tm;

	if (gmtime_r(&secs, &tm) == NULL ||
	    strftime(text, cap, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(text, cap, "%.0f", t);
	return text;
}
/* What was observed, for a comment: six digits are plenty. */
const char *
learn_text_show(char *text, size_t cap, double v)
{
	snprintf(text, cap, "%.6g", v == 0 ? 0 : v);
	return text;
}

/* A time observed, for a comment, in ms to 0.1 ms. */
const char *
learn_text_show_ms(char *text, size_t cap, double seconds)
{
	snprintf(text, cap, "%.1fms", seconds * 1000);
	return text;
}


/* A YAML double-quoted scalar. */
const char *
learn_text_plural(uint64_t n)
{
	return n == 1 ? "" : "s";
}

void
learn_text_quoted(struct render *r, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	learn_text_put(r, "\"", 1);
	for (; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			learn_text_say(r, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			learn_text_say(r, "\\x%02x", *p);
		else
			learn_text_put(r, (const char *)p, 1);
	}
	learn_text_put(r, "\"", 1);
}

/* "fc 3, 6" for the function codes in mask. */
void
learn_text_functions(char *text, size_t cap, uint32_t mask)
{
	size_t len = 0;
	unsigned fc;

	text[0] = '\0';
	for (fc = 0; fc < 32 && len < cap; fc++)
		if (mask & (1u << fc))
			len += (size_t)snprintf(text + len, cap - len, "%s%u",
			    len ? ", " : "fc ", fc);
}
