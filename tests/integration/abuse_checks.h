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
good_open(struct abuse_good *g, const struct abuse_world *w, uint16_t expect)
{
	char why[256];

	must(abuse_good_open(g, w, expect, why, sizeof(why)), why);
}

static inline void
good_probe(struct abuse_good *g)
{
	char why[256];

	must(abuse_good_probe(g, why, sizeof(why)), why);
}

static inline struct abuse_world *
world(void **state, const char *limits)
{
	struct abuse_world *w = abuse_world_new(limits);

	*state = w;
	assert_non_null(w);
	return w;
}

static inline void
world_start(struct abuse_world *w)
{
	char why[1024];

	must(abuse_world_start(w, why, sizeof(why)), why);
}

static inline int
teardown(void **state)
{
	return abuse_world_free(*state);
}

static inline void
takeover(const struct abuse_world *w)
{
	char why[4096];

	must(abuse_takeover(w, why, sizeof(why)), why);
}

static inline void
memory(const struct abuse_world *w, const char *what)
{
	char why[1024];

	must(abuse_check_memory(w, what, why, sizeof(why)), why);
}

static inline uint64_t
counter(const struct abuse_world *w, const char *name)
{
	char why[4096];
	uint64_t value = 0;

	must(abuse_counter(w, name, &value, why, sizeof(why)), why);
	return value;
}

static inline void
assert_only_intended(const struct abuse_world *w, int from)
{
	char why[256];

	must(abuse_check_only_intended(w, from, why, sizeof(why)), why);
}

static inline void
assert_log_quiet(const struct abuse_world *w, int log_from, unsigned count,
    const char *what)
{
	char why[256];

	must(abuse_check_log_quiet(w, log_from, count, what, why, sizeof(why)),
	    why);
}

#endif
