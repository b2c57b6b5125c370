/*
 * config_fixture.h: what test_config.c and test_config_report.c share: a
 * config snippet every test builds on, loading YAML text through a temp
 * file, and assertions on "file:line: ..." errors and warnings.
 * Header-only (static inline): the Makefile links each
 * tests/unit/test_*.c on its own.
 */
#ifndef WARDEN_TEST_CONFIG_FIXTURE_H
#define WARDEN_TEST_CONFIG_FIXTURE_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "config.h"

/* Nine lines every snippet below builds on; its own lines start at 10. */
#define BASE \
	"listen: 127.0.0.1:1502\n" \
	"state_dir: /tmp/w\n" \
	"audit_log: /tmp/w/audit.jsonl\n" \
	"control:\n" \
	"  socket: /tmp/w/control.sock\n" \
	"devices:\n" \
	"  - name: tank1\n" \
	"    host: 127.0.0.1\n" \
	"    unit_id: 1\n"

/* A loaded config or its errors, and the temp file it came from. */
struct loaded {
	char path[64];
	struct config *cfg;
	char *errors;
};

static inline void load_text(struct loaded *l, const char *yaml)
{
	int fd;

	snprintf(l->path, sizeof(l->path), "/tmp/test_config-XXXXXX");
	fd = mkstemp(l->path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, yaml, strlen(yaml)), (ssize_t)strlen(yaml));
	close(fd);
	l->cfg = config_load(l->path, &l->errors);
	unlink(l->path);
}

static inline void loaded_free(struct loaded *l)
{
	config_free(l->cfg);
	free(l->errors);
}

static inline struct config *load_ok(struct loaded *l, const char *yaml)
{
	load_text(l, yaml);
	if (!l->cfg)
		fail_msg("expected to load, got:\n%s", l->errors);
	assert_null(l->errors);
	return l->cfg;
}

/* Some row of rows is exactly "path:line: ..." and contains text. */
static inline int has_row(const char *rows, const char *path, int line,
    const char *text)
{
	char prefix[96];

	snprintf(prefix, sizeof(prefix), "%s:%d: ", path, line);
	for (const char *row = rows; row && *row;) {
		size_t len = strcspn(row, "\n");
		if (strncmp(row, prefix, strlen(prefix)) == 0 &&
		    memmem(row, len, text, strlen(text)))
			return 1;
		row += len + (row[len] == '\n');
	}
	return 0;
}

static inline void assert_error(const struct loaded *l, int line,
    const char *text)
{
	if (l->cfg)
		fail_msg("expected errors, but the config loaded");
	assert_non_null(l->errors);
	if (!has_row(l->errors, l->path, line, text))
		fail_msg("no error '%s:%d: %s...' in:\n%s", l->path, line,
		    text, l->errors);
}

static inline size_t error_count(const struct loaded *l)
{
	size_t n = 0;

	for (const char *c = l->errors; c && *c; c++)
		n += *c == '\n';
	return n;
}

/* Load yaml, expect it to fail with text on line. */
static inline void expect_error(const char *yaml, int line, const char *text)
{
	struct loaded l;

	load_text(&l, yaml);
	assert_error(&l, line, text);
	loaded_free(&l);
}

#endif
