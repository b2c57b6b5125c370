/*
 * journal.c: plcsim journal reader. See journal.h.
 *
 * The journal is plcsim's own format, one flat JSON object per line; the
 * few keys the tests need are picked out by name, which is all a flat
 * object of numbers and one array of numbers requires.
 */
#include "journal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"

#define JOURNAL_LINE_MAX 8192

/* The number after "key": in line, or -1 when absent. */
static int
journal_int(const char *line, const char *key)
{
	char pattern[64];
	const char *p;

	snprintf(pattern, sizeof(pattern), "\"%s\":", key);
	p = strstr(line, pattern);
	if (p == NULL)
		return -1;
	p += strlen(pattern);
	while (*p == ' ')
		p++;
	return (int)strtol(p, NULL, 0);
}

static void
journal_values(const char *line, struct journal_entry *e)
{
	const char *p = strstr(line, "\"values\":");
	char *end;
	long v;

	e->n_values = 0;
	if (p == NULL || (p = strchr(p, '[')) == NULL)
		return;
	p++;
	while (e->n_values < JOURNAL_MAX_VALUES) {
		while (*p == ' ' || *p == ',')
			p++;
		if (*p == ']' || *p == '\0')
			return;
		v = strtol(p, &end, 0);
		if (end == p)
			return;
		e->values[e->n_values++] = (uint16_t)v;
		p = end;
	}
}

static void
journal_parse(const char *line, struct journal_entry *e)
{
	e->unit = journal_int(line, "unit");
	e->fc = journal_int(line, "fc");
	e->address = journal_int(line, "address");
	e->count = journal_int(line, "count");
	journal_values(line, e);
}

/* Scan the file: count complete lines, and when want_fc >= 0 stop at the
 * first match at index >= from. Returns the match index or -1; *lines
 * gets the number of complete lines seen. */
static int
journal_scan(const char *path, int from, int fc, int unit, int address,
    struct journal_entry *out, int *lines)
{
	char line[JOURNAL_LINE_MAX];
	struct journal_entry e;
	FILE *f;
	int index = 0;

	*lines = 0;
	f = fopen(path, "r");
	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strchr(line, '\n') == NULL)
			break;          /* a line still being written */
		*lines = ++index;
		if (fc == -2 || index - 1 < from)
			continue;
		journal_parse(line, &e);
		if ((fc == -1 || e.fc == fc) && (unit == -1 ||
		    e.unit == unit) && (address == -1 || e.address == address)) {
			if (out != NULL)
				*out = e;
			fclose(f);
			return index - 1;
		}
	}
	fclose(f);
	return -1;
}

int
journal_count(const char *path)
{
	int lines;

	journal_scan(path, 0, -2, -1, -1, NULL, &lines);
	return lines;
}

int
journal_wait(const char *path, int from, int fc, int unit, int address,
    double timeout, struct journal_entry *out)
{
	double deadline = harness_now() + timeout;
	struct timespec nap = { 0, 5 * 1000 * 1000 };
	int lines, index;

	for (;;) {
		index = journal_scan(path, from, fc, unit, address, out, &lines);
		if (index >= 0 || harness_now() > deadline)
			return index;
		nanosleep(&nap, NULL);
	}
}
