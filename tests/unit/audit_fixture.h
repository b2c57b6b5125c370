/*
 * audit_fixture.h: what the audit suites (tests/unit/test_audit*.c)
 * share: a temporary directory per test (setup/teardown), reading and
 * rewriting the log file, finding its lines and counting what they hold,
 * running audit_verify_file() and asserting on its verdict, and writing
 * logs of n records. audit_integrity.h adds what the integrity suites
 * need. Header-only (static inline): the Makefile links each
 * tests/unit/test_*.c on its own.
 */
#ifndef WARDEN_TEST_AUDIT_FIXTURE_H
#define WARDEN_TEST_AUDIT_FIXTURE_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <openssl/evp.h>

#include "audit.h"

/* The prev of the first record. */
#define ZEROS "0000000000000000000000000000000000000000000000000000000000000000"

struct tmp {
	char dir[64];
	char path[128];
};

static inline int
setup(void **state)
{
	struct tmp *t = calloc(1, sizeof *t);

	assert_non_null(t);
	snprintf(t->dir, sizeof t->dir, "/tmp/test_audit.XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	snprintf(t->path, sizeof t->path, "%s/audit.jsonl", t->dir);
	*state = t;
	return 0;
}

static inline int
teardown(void **state)
{
	struct tmp *t = *state;

	unlink(t->path);
	rmdir(t->dir);
	free(t);
	return 0;
}

static inline char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static inline void
spit(const char *path, const char *buf, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, len, f), len);
	fclose(f);
}

/* Start of line n (1-based) in buf, and its length with the newline. */
static inline char *
line_at(char *buf, unsigned n, size_t *len)
{
	char *p = buf, *nl;

	while (--n > 0) {
		p = strchr(p, '\n');
		assert_non_null(p);
		p++;
	}
	nl = strchr(p, '\n');
	*len = nl != NULL ? (size_t)(nl - p) + 1 : strlen(p);
	return p;
}

/* audit_verify_file's verdict and its text. */
static inline int
verify(const char *path, int as_json, char *msg, size_t cap)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	int rc;

	assert_non_null(out);
	rc = audit_verify_file(path, out, as_json);
	fclose(out);
	snprintf(msg, cap, "%s", text);
	free(text);
	return rc;
}

static inline void
expect_said(const char *msg, const char *fragment)
{
	if (strstr(msg, fragment) == NULL)
		fail_msg("verify said \"%s\", expected \"%s\"", msg, fragment);
}

static inline void
expect_broken(const char *path, const char *fragment)
{
	char msg[1024];

	assert_int_equal(verify(path, 0, msg, sizeof msg), 1);
	expect_said(msg, fragment);
}

static inline void
expect_valid(const char *path)
{
	char msg[1024];

	if (verify(path, 0, msg, sizeof msg) != 0)
		fail_msg("verify said \"%s\"", msg);
}

static inline struct audit *
open_ok(const char *path)
{
	char err[ERR_LEN] = "";
	struct audit *a = audit_open(path, 1.0, err);

	if (a == NULL)
		fail_msg("audit_open: %s", err);
	return a;
}

/* n write_allowed records whose value is the seq they get. */
static inline void
write_n(struct audit *a, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		struct audit_event ev = { .event = "write_allowed",
			.client = "127.0.0.1:40000", .has_unit = 1, .unit = 1,
			.has_fc = 1, .fc = 6, .point = "inlet_valve",
			.has_value = 1, .value = (double)audit_last_seq(a) + 1,
			.has_raw = 1, .raw = (int64_t)i };

		assert_int_equal(audit_write(a, &ev, 0), 0);
	}
}

static inline void
make_log(const char *path, unsigned n)
{
	struct audit *a = open_ok(path);

	write_n(a, n);
	audit_close(a);
}

/* How many times needle stands in hay. */
static inline unsigned
count_of(const char *hay, const char *needle)
{
	unsigned n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

static inline void
sha256_hex(const char *data, size_t len, char hex[65])
{
	unsigned char md[32];
	unsigned int n = 0, i;

	assert_int_equal(EVP_Digest(data, len, md, &n, EVP_sha256(), NULL), 1);
	for (i = 0; i < n; i++)
		sprintf(hex + 2 * i, "%02x", md[i]);
}

#endif
