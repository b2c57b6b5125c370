/*
 * config_errors.c: the problems found while loading a config, kept until
 * the end so that the user sees all of them at once, in file order, with
 * the warnings among them; and the near misses a message can suggest.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_internal.h"

/* A message quotes what the user wrote; keep control bytes off the tty. */
static void errors_sanitize(char *text)
{
	for (unsigned char *c = (unsigned char *)text; *c; c++)
		if (*c < 0x20 || *c == 0x7f)
			*c = '?';
}

static void errors_add(struct config_errors *errs, int line, int warning,
    const char *fmt, va_list ap) __attribute__((format(printf, 4, 0)));

static void errors_add(struct config_errors *errs, int line, int warning,
    const char *fmt, va_list ap)
{
	char text[512];

	vsnprintf(text, sizeof(text), fmt, ap);
	errors_sanitize(text);
	if (errs->n == errs->cap) {
		size_t cap = errs->cap ? errs->cap * 2 : 16;
		struct config_error *items = realloc(errs->items,
		    cap * sizeof(*items));
		if (!items) {
			errs->out_of_memory = 1;
			return;
		}
		errs->items = items;
		errs->cap = cap;
	}
	errs->items[errs->n].line = line;
	errs->items[errs->n].found = errs->n;
	errs->items[errs->n].warning = warning;
	errs->items[errs->n].text = strdup(text);
	if (!errs->items[errs->n].text) {
		errs->out_of_memory = 1;
		return;
	}
	errs->n++;
	errs->n_warnings += warning != 0;
}

void config_errors_add(struct config_errors *errs, int line,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	errors_add(errs, line, 0, fmt, ap);
	va_end(ap);
}

void config_errors_warn(struct config_errors *errs, int line,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	errors_add(errs, line, 1, fmt, ap);
	va_end(ap);
}

/* By line; equal lines keep the order they were found in. */
static int errors_compare(const void *a, const void *b)
{
	const struct config_error *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->found < y->found ? -1 : x->found > y->found;
}

char *config_errors_join(struct config_errors *errs)
{
	size_t len = 1;
	char *out;

	if (errs->n > 1)
		qsort(errs->items, errs->n, sizeof(*errs->items),
		    errors_compare);
	for (size_t i = 0; i < errs->n; i++)
		len += strlen(errs->file) + strlen(errs->items[i].text) + 32;
	if (errs->out_of_memory)
		len += 64;
	out = malloc(len);
	if (out) {
		size_t at = 0;
		out[0] = '\0';
		for (size_t i = 0; i < errs->n; i++)
			at += (size_t)snprintf(out + at, len - at,
			    "%s:%d: %s%s\n", errs->file, errs->items[i].line,
			    errs->items[i].warning ? "warning: " : "",
			    errs->items[i].text);
		if (errs->out_of_memory)
			snprintf(out + at, len - at, "%s: out of memory\n",
			    errs->file);
	}
	config_errors_free(errs);
	return out;
}

void config_errors_free(struct config_errors *errs)
{
	for (size_t i = 0; i < errs->n; i++)
		free(errs->items[i].text);
	free(errs->items);
	errs->items = NULL;
	errs->n = errs->cap = errs->n_warnings = 0;
}

unsigned config_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned row[CONFIG_NAME_MAX + 1], prev;

	if (lb > CONFIG_NAME_MAX || la > lb + 2 || lb > la + 2)
		return 3;
	for (size_t j = 0; j <= lb; j++)
		row[j] = (unsigned)j;
	for (size_t i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = (unsigned)i;
		for (size_t j = 1; j <= lb; j++) {
			unsigned keep = row[j];
			unsigned best = prev + (a[i - 1] != b[j - 1]);
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			prev = keep;
		}
	}
	return row[lb] <= 2 ? row[lb] : 3;
}

void config_closer(const char *name, const char *candidate,
    const char **best, unsigned *distance)
{
	unsigned d = config_distance(name, candidate);

	/* "b" for "a" is a guess, not a typo. */
	if (d < *distance && d < strlen(candidate)) {
		*best = candidate;
		*distance = d;
	}
}
