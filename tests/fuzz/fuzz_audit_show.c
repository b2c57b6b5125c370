/*
 * fuzz_audit_show.c: libFuzzer target for `wardenctl audit show`'s
 * reading of a log (audit_show.c, audit_show_text.c, audit_show_time.c):
 * each line of the input read twice (no filter; a filter by time,
 * event and point), each kept line printed, and the text must never
 * hold a byte a terminal acts on: nothing below 0x20 but the newlines
 * that end lines, no DEL, no C1 control, no bidirectional override.
 * The first line is also tried as a --since time. Lines are copied to
 * buffers of exactly their size so that AddressSanitizer sees any read
 * past them.
 */
#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit_show.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_text(const char *text, size_t len)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t i;

	assert(len == 0 || p[len - 1] == '\n');
	for (i = 0; i < len; i++) {
		assert(p[i] >= 0x20 || p[i] == '\n');
		assert(p[i] != 0x7f);
		assert(!(p[i] == 0xc2 && i + 1 < len && p[i + 1] >= 0x80 &&
		    p[i + 1] <= 0x9f));
		assert(!(p[i] == 0xe2 && i + 2 < len && p[i + 1] == 0x80 &&
		    p[i + 2] >= 0xaa && p[i + 2] <= 0xae));
	}
}

static void
read_all(const struct audit_show_filter *f, const char *text, size_t size)
{
	struct audit_show s;
	struct audit_show_entry e;
	char *out = NULL, *line;
	size_t out_len = 0, off = 0, end, kept = 0, lines = 0;
	const char *nl;
	FILE *f_out = open_memstream(&out, &out_len);

	assert(f_out != NULL);
	if (audit_show_init(&s, f) == -1) {
		fclose(f_out);
		free(out);
		return;
	}
	while (off < size) {
		nl = memchr(text + off, '\n', size - off);
		end = nl != NULL ? (size_t)(nl - text) : size;
		line = malloc(end - off ? end - off : 1);
		assert(line != NULL);
		memcpy(line, text + off, end - off);
		lines++;
		if (audit_show_line(&s, line, end - off, &e)) {
			kept++;
			assert(memchr(e.why, '\0', sizeof e.why) != NULL);
			assert(memchr(e.event, '\0', sizeof e.event) != NULL);
			assert(e.kind != AUDIT_SHOW_RECORD || e.seq > 0);
			assert(e.kind != AUDIT_SHOW_RECORD || e.intact ||
			    e.why[0] != '\0');
			audit_show_print(&s, f_out, &e, "fuzz\x1b.jsonl",
			    lines);
		}
		free(line);
		off = end + 1;
	}
	assert(s.unreadable <= lines);
	if (f == NULL)
		assert(kept == lines);
	audit_show_free(&s);
	fclose(f_out);
	check_text(out, out_len);
	free(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct audit_show_filter f;
	const char *nl = memchr(text, '\n', size);
	size_t first = nl != NULL ? (size_t)(nl - text) : size;
	char since[64], err[ERR_LEN];
	int64_t us;

	setenv("TZ", "CET-1CEST,M3.5.0,M10.5.0/3", 1);
	read_all(NULL, text, size);
	memset(&f, 0, sizeof f);
	if (first < sizeof since) {
		memcpy(since, text, first);
		since[first] = '\0';
		if (audit_show_time_parse(since, 1796479200000000LL, &us,
		    err) == 0) {
			f.has_since = 1;
			f.since_us = us;
		} else
			assert(memchr(err, '\0', ERR_LEN) != NULL);
	}
	f.has_until = 1;
	f.until_us = 1796479200000000LL;
	(void)audit_show_filter_events(&f, "write_rejected,takeover", err);
	(void)audit_show_filter_point(&f, "valve", err);
	read_all(&f, text, size);
	return 0;
}
