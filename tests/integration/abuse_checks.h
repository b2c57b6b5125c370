/*
 * abuse_checks.h: the cmocka side of abuse_support.h, shared by
 * test_abuse.c and test_abuse_devices.c: each check that returns -1 and
 * why becomes a failed test saying why. Header-only (static inline), as
 * it uses cmocka: the benchmarks link abuse_support.c without it.
 */
#ifndef WARDEN_TEST_ABUSE_CHECKS_H
#define WARDEN_TEST_ABUSE_CHECKS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "abuse_support.h"

/* The limits of every abuse world. */
#define LIMITS "{max_clients: 16, max_inflight: 4, idle_timeout: 30s}"

static inline void
must(int rc, const char *why)
{
	if (rc != 0)
		fail_msg("%s", why);
}

static inline void
good_open(struct abuse_good *g, const struct abuse *a, uint16_t expect)
{
	char why[256];

	must(abuse_good_open(g, a, expect, why, sizeof(why)), why);
}

static inline void
good_probe(struct abuse_good *g)
{
	char why[256];

	must(abuse_good_probe(g, why, sizeof(why)), why);
}

static inline struct abuse *
abuse_setup(void **state, const char *limits)
{
	struct abuse *a = abuse_new(limits);

	*state = a;
	assert_non_null(a);
	return a;
}

static inline void
abuse_begin(struct abuse *a)
{
	char why[1024];

	must(abuse_start(a, why, sizeof(why)), why);
}

static inline int
teardown(void **state)
{
	return abuse_free(*state);
}

static inline void
takeover(const struct abuse *a)
{
	char why[4096];

	must(abuse_takeover(a, why, sizeof(why)), why);
}

static inline void
memory(const struct abuse *a, const char *what)
{
	char why[1024];

	must(abuse_check_memory(a, what, why, sizeof(why)), why);
}

static inline uint64_t
counter(const struct abuse *a, const char *name)
{
	char why[4096];
	uint64_t value = 0;

	must(abuse_counter(a, name, &value, why, sizeof(why)), why);
	return value;
}

static inline void
assert_only_intended(const struct abuse *a, int from)
{
	char why[256];

	must(abuse_check_only_intended(a, from, why, sizeof(why)), why);
}

static inline void
assert_log_quiet(const struct abuse *a, int log_from, unsigned count,
    const char *what)
{
	char why[256];

	must(abuse_check_log_quiet(a, log_from, count, what, why, sizeof(why)),
	    why);
}

#endif
