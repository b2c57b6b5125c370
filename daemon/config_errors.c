/*
 * config_errors.c: the problems found while loading a config, kept until
 * the end so that the user sees all of them at once, in file order.
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

void config_errors_add(struct config_errors *errs, int line,
    const char *fmt, ...)
{
	char text[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
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
	errs->items[errs->n].text = strdup(text);
	if (!errs->items[errs->n].text) {
		errs->out_of_memory = 1;
		return;
	}
	errs->n++;
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
		len += strlen(errs->file) + strlen(errs->items[i].text) + 16;
	if (errs->out_of_memory)
		len += 64;
	out = malloc(len);
	if (out) {
		size_t at = 0;
		out[0] = '\0';
		for (size_t i = 0; i < errs->n; i++)
			at += (size_t)snprintf(out + at, len - at, "%s:%d: %s\n",
			    errs->file, errs->items[i].line,
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
	errs->n = errs->cap = 0;
}
