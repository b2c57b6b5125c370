/*
 * fuzz_statefile.c: libFuzzer target for the parsers of state_dir's
 * files: the state file (statefile.c), the holds (holdsfile.c), the
 * audit head (audit_head.c) and a pair's role (pair_role.c), all sealed
 * text (sealed.c). The input is tried twice: as the bytes of
 * a file, so that the seal's own checks are fuzzed, and sealed by the
 * target, so that a checksum the fuzzer cannot forge does not stop every
 * input at the door. Whatever the bytes, a parser answers a one-line
 * error, or a struct that its format writes back and parses again to the
 * same values. Each input is copied to a buffer of exactly its size so
 * that AddressSanitizer sees any read past it.
 */
#include <assert.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "audit_head.h"
#include "holdsfile.h"
#include "pair_role.h"
#include "sealed.h"
#include "statefile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_err(const char err[ERR_LEN])
{
	const char *nul = memchr(err, '\0', ERR_LEN);

	assert(nul != NULL && nul > err);
	assert(memchr(err, '\n', (size_t)(nul - err)) == NULL);
}

static void
check_state(const char *buf, size_t len)
{
	struct guard_persisted st, back;
	char err[ERR_LEN], out[STATEFILE_MAX];
	size_t n;

	if (statefile_parse(buf, len, &st, err) == -1) {
		check_err(err);
		return;
	}
	assert(guard_state_name(st.state) != NULL);
	assert(guard_cause_name(st.cause) != NULL);
	assert(memchr(st.reason, '\0', sizeof st.reason) != NULL);
	n = statefile_format(&st, out, sizeof out);
	assert(n > 0);
	assert(statefile_parse(out, n, &back, err) == 0);
	assert(back.state == st.state && back.cause == st.cause);
	assert(strcmp(back.reason, st.reason) == 0);
	/* Written to the microsecond; far from 1970 a double holds less. */
	assert(fabs(back.since - st.since) <=
	    1e-6 + fabs(st.since) * 4 * DBL_EPSILON);
}

static void
check_holds(const char *buf, size_t len)
{
	static struct alarm_hold h[ALARM_HOLDS_MAX], back[ALARM_HOLDS_MAX];
	static char out[HOLDSFILE_MAX];
	char err[ERR_LEN];
	size_t n, n_back, i, k;

	if (holdsfile_parse(buf, len, h, &n, err) == -1) {
		check_err(err);
		assert(n == 0);
		return;
	}
	assert(n <= ALARM_HOLDS_MAX);
	k = holdsfile_format(h, n, out, sizeof out);
	assert(k > 0);
	assert(holdsfile_parse(out, k, back, &n_back, err) == 0);
	assert(n_back == n);
	for (i = 0; i < n; i++) {
		assert(back[i].kind == h[i].kind);
		assert(strcmp(back[i].source, h[i].source) == 0);
		assert(strcmp(back[i].user, h[i].user) == 0);
		assert(strcmp(back[i].reason, h[i].reason) == 0);
		assert(fabs(back[i].until - h[i].until) <=
		    1e-6 + fabs(h[i].until) * 4 * DBL_EPSILON);
	}
}

static void
check_head(const char *buf, size_t len)
{
	struct audit_head h, back;
	char err[ERR_LEN], out[AUDIT_HEAD_FILE_MAX], again[AUDIT_HEAD_FILE_MAX];
	size_t n;

	if (audit_head_parse(buf, len, &h, err) == -1) {
		check_err(err);
		return;
	}
	assert(memchr(h.log, '\0', sizeof h.log) != NULL);
	n = audit_head_format(&h, out);
	assert(n > 0);
	assert(audit_head_parse(out, n, &back, err) == 0);
	assert(strcmp(back.log, h.log) == 0 && back.seq == h.seq);
	assert(strcmp(back.hash, h.hash) == 0);
	assert(audit_head_format(&back, again) == n);
	assert(memcmp(again, out, n) == 0);
}

static void
check_role(const char *buf, size_t len)
{
	struct pair_role_saved st, back;
	char err[ERR_LEN], out[PAIR_ROLE_MAX];
	size_t n;

	if (pair_role_parse(buf, len, &st, err) == -1) {
		check_err(err);
		return;
	}
	assert(pair_role_from_name(pair_role_name(st.role)) == (int)st.role);
	assert(memchr(st.who, '\0', sizeof st.who) != NULL);
	n = pair_role_format(&st, out, sizeof out);
	assert(n > 0);
	assert(pair_role_parse(out, n, &back, err) == 0);
	assert(back.role == st.role && strcmp(back.who, st.who) == 0);
	assert(fabs(back.since - st.since) <=
	    1e-6 + fabs(st.since) * 4 * DBL_EPSILON);
}

static void
check_both(const char *bytes, size_t len)
{
	char *buf = malloc(len ? len : 1);

	assert(buf != NULL);
	memcpy(buf, bytes, len);
	check_state(buf, len);
	check_holds(buf, len);
	check_head(buf, len);
	check_role(buf, len);
	free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t cap = size + SEALED_LEN + 1, len;
	char *sealed;

	check_both((const char *)data, size);
	if ((sealed = malloc(cap)) == NULL)
		return 0;
	memcpy(sealed, data, size);
	len = sealed_close(sealed, size, cap);
	assert(len == size + SEALED_LEN);
	check_both(sealed, len);
	free(sealed);
	return 0;
}
