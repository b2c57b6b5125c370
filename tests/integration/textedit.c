/*
 * textedit.c: see textedit.h. Files are read whole: the ones edited here
 * are a config and an audit log of a short test.
 */
#include "textedit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The whole file, NUL-terminated, malloc'd; NULL on error. */
static char *
textedit_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *text = NULL, *bigger;
	size_t cap = 0, got = 1;
	int failed = 0;

	*len = 0;
	if (f == NULL)
		return NULL;
	while (!failed && got > 0) {
		if (cap - *len < 4096) {
			cap += 65536;
			if ((bigger = realloc(text, cap)) == NULL)
				failed = 1;
			else
				text = bigger;
		}
		if (failed)
			break;
		got = fread(text + *len, 1, cap - *len - 1, f);
		*len += got;
	}
	if (failed || ferror(f)) {
		free(text);
		text = NULL;
	} else
		text[*len] = '\0';
	fclose(f);
	return text;
}

static int
textedit_spill(const char *path, const char *parts[], const size_t lens[],
    int n)
{
	FILE *f = fopen(path, "w");
	int i, ok = f != NULL;

	for (i = 0; ok && i < n; i++)
		ok = fwrite(parts[i], 1, lens[i], f) == lens[i];
	if (f != NULL && fclose(f) != 0)
		ok = 0;
	return ok ? 0 : -1;
}

/* Where line line_no (1-based) begins; NULL past the end. */
static char *
textedit_line_start(char *text, int line_no)
{
	char *p = text;

	while (--line_no > 0 && p != NULL)
		if ((p = strchr(p, '\n')) != NULL)
			p++;
	return p;
}

int
textedit_replace(const char *path, int line_no, const char *from,
    const char *to)
{
	const char *parts[3];
	size_t lens[3], len;
	char *text = textedit_slurp(path, &len), *start, *hit, *eol;
	int rc = -1;

	if (text == NULL)
		return -1;
	start = line_no > 0 ? textedit_line_start(text, line_no) : text;
	if (start != NULL && (hit = strstr(start, from)) != NULL) {
		eol = strchr(start, '\n');
		if (line_no == 0 || eol == NULL || hit < eol) {
			parts[0] = text;
			lens[0] = (size_t)(hit - text);
			parts[1] = to;
			lens[1] = strlen(to);
			parts[2] = hit + strlen(from);
			lens[2] = len - lens[0] - strlen(from);
			rc = textedit_spill(path, parts, lens, 3);
		}
	}
	free(text);
	return rc;
}

int
textedit_line_of(const char *path, const char *needle)
{
	size_t len;
	char *text = textedit_slurp(path, &len), *hit, *p;
	int line_no = 1;

	if (text == NULL)
		return -1;
	if ((hit = strstr(text, needle)) == NULL)
		line_no = 0;
	for (p = text; hit != NULL && p < hit; p++)
		line_no += *p == '\n';
	free(text);
	return line_no;
}

int
textedit_copy_lines(const char *src, const char *dst)
{
	size_t len;
	char *text = textedit_slurp(src, &len), *last;
	const char *parts[1];
	size_t lens[1];
	int rc;

	if (text == NULL)
		return -1;
	last = strrchr(text, '\n');
	parts[0] = text;
	lens[0] = last == NULL ? 0 : (size_t)(last + 1 - text);
	rc = textedit_spill(dst, parts, lens, 1);
	free(text);
	return rc;
}
