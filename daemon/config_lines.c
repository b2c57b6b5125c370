/*
 * config_lines.c: where each key sits in the file, so that a check made
 * long after parsing can still name the line it is about.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_internal.h"

static int lines_grow_text(struct config_lines *lines, size_t need)
{
	size_t cap = lines->text_cap ? lines->text_cap : 4096;
	char *text;

	while (cap < lines->text_len + need)
		cap *= 2;
	if (cap == lines->text_cap)
		return 0;
	text = realloc(lines->text, cap);
	if (!text)
		return -1;
	lines->text = text;
	lines->text_cap = cap;
	return 0;
}

static int lines_grow_entries(struct config_lines *lines)
{
	size_t cap = lines->cap ? lines->cap * 2 : 256;
	size_t *offsets;
	int *line_of;

	if (lines->n < lines->cap)
		return 0;
	offsets = realloc(lines->offsets, cap * sizeof(*offsets));
	if (!offsets)
		return -1;
	lines->offsets = offsets;
	line_of = realloc(lines->line_of, cap * sizeof(*line_of));
	if (!line_of)
		return -1;
	lines->line_of = line_of;
	lines->cap = cap;
	return 0;
}

void config_lines_add(struct config_lines *lines, const char *path, int line)
{
	size_t len = strlen(path) + 1;

	if (lines->out_of_memory || lines_grow_text(lines, len) < 0 ||
	    lines_grow_entries(lines) < 0) {
		lines->out_of_memory = 1;
		return;
	}
	memcpy(lines->text + lines->text_len, path, len);
	lines->offsets[lines->n] = lines->text_len;
	lines->line_of[lines->n] = line;
	lines->text_len += len;
	lines->n++;
}

static int lines_compare(const void *a, const void *b)
{
	const struct config_line_entry *x = a, *y = b;

	return strcmp(x->path, y->path);
}

void config_lines_seal(struct config_lines *lines)
{
	if (lines->n == 0)
		return;
	lines->sorted = malloc(lines->n * sizeof(*lines->sorted));
	if (!lines->sorted) {
		lines->out_of_memory = 1;
		return;
	}
	for (size_t i = 0; i < lines->n; i++) {
		lines->sorted[i].path = lines->text + lines->offsets[i];
		lines->sorted[i].line = lines->line_of[i];
	}
	qsort(lines->sorted, lines->n, sizeof(*lines->sorted), lines_compare);
}

static int lines_lookup(const struct config_lines *lines, const char *path)
{
	struct config_line_entry key = { .path = path };
	const struct config_line_entry *hit;

	if (!lines->sorted)
		return 0;
	hit = bsearch(&key, lines->sorted, lines->n, sizeof(*lines->sorted),
	    lines_compare);
	return hit ? hit->line : 0;
}

/* Where the last step of "a[1].b" starts: ".b"; of "a[1]": "[1]". */
static char *lines_last_step(char *path)
{
	char *dot = strrchr(path, '.'), *bracket = strrchr(path, '[');

	if (!dot)
		return bracket ? bracket : path;
	if (!bracket)
		return dot;
	return dot > bracket ? dot : bracket;
}

int config_lines_find(const struct config_lines *lines, const char *path)
{
	char parent[CONFIG_PATH_MAX];
	size_t len = strlen(path);

	if (len >= sizeof(parent))
		len = sizeof(parent) - 1;
	memcpy(parent, path, len);
	parent[len] = '\0';
	for (;;) {
		int line = lines_lookup(lines, parent);

		if (line > 0)
			return line;
		if (parent[0] == '\0')
			return 1;
		*lines_last_step(parent) = '\0';
	}
}

int config_lines_covers(const struct config_lines *lines, const char *path)
{
	char parent[CONFIG_PATH_MAX];

	if (lines->n == 0)
		return 0;
	snprintf(parent, sizeof(parent), "%s", path);
	for (;;) {
		if (lines_lookup(lines, parent) > 0)
			return 1;
		if (parent[0] == '\0')
			return 0;
		*lines_last_step(parent) = '\0';
	}
}

int config_lines_has(const struct config_lines *lines, const char *path)
{
	return lines->n > 0 && lines_lookup(lines, path) > 0;
}

void config_lines_free(struct config_lines *lines)
{
	free(lines->text);
	free(lines->offsets);
	free(lines->line_of);
	free(lines->sorted);
	memset(lines, 0, sizeof(*lines));
}
