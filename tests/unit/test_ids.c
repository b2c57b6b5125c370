/*
 * test_ids.c: the intrusion detector. Edges first: the rate limit at its
 * window's boundary, what a sweep reports and when, a table full of
 * sources and its eviction, each counting kind at its limit; then the
 * function codes the spec defines, and the names.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ids.h"

#define T0 1700000000.0
#define MAX_REPORTS 1024

struct fixture {
	struct ids_limits lim;
	struct ids *ids;
	struct ids_report r[MAX_REPORTS];
	char source[MAX_REPORTS][IDS_SOURCE_MAX];
	size_t n;
};

static void
collect(void *ctx, const struct ids_report *r)
{
	struct fixture *f = ctx;

	assert_true(f->n < MAX_REPORTS);
	f->r[f->n] = *r;
	snprintf(f->source[f->n], IDS_SOURCE_MAX, "%s", r->source);
	f->r[f->n].source = f->source[f->n];
	f->n++;
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);

	if (f == NULL)
		return -1;
	f->lim = (struct ids_limits){ .window = 10, .scan_addresses = 4,
		.flood_per_second = 5, .write_burst = 3,
		.exception_storm = 2 };
	if ((f->ids = ids_new(&f->lim, 4, collect, f)) == NULL) {
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	ids_free(f->ids);
	free(f);
	return 0;
}

static void
assert_report(const struct fixture *f, size_t i, enum ids_kind kind,
    const char *source, uint64_t count)
{
	assert_true(i < f->n);
	assert_int_equal(f->r[i].kind, kind);
	assert_string_equal(f->r[i].source, source);
	assert_int_equal(f->r[i].count, count);
}

/* The first occurrence is told at once; the rest of its window is held. */
static void
test_first_at_once_rest_held(void **state)
{
	struct fixture *f = *state;
	int i;

	for (i = 0; i < 5; i++)
		ids_event(f->ids, "a", IDS_INVALID_UNIT, 7, T0 + i);
	assert_int_equal(f->n, 1);
	assert_report(f, 0, IDS_INVALID_UNIT, "a", 1);
	assert_int_equal(f->r[0].detail, 7);
	assert_true(ids_pending(f->ids));
}

/* At window - epsilon it is still held; at the window's end, told. */
static void
test_window_boundary(void **state)
{
	struct fixture *f = *state;

	ids_event(f->ids, "a", IDS_UNKNOWN_FUNCTION, 0x30, T0);
	ids_event(f->ids, "a", IDS_UNKNOWN_FUNCTION, 0x31, T0 + 9.999);
	assert_int_equal(f->n, 1);
	assert_int_equal(ids_sweep(f->ids, T0 + 9.9995), 1);
	assert_int_equal(f->n, 1);
	assert_int_equal(ids_sweep(f->ids, T0 + 10), 0);
	assert_int_equal(f->n, 2);
	assert_report(f, 1, IDS_UNKNOWN_FUNCTION, "a", 1);
	assert_int_equal(f->r[1].detail, 0x31);
	assert_true(f->r[1].first == T0 + 9.999);
	/* The sweep's report opened a window: the next is held again. */
	ids_event(f->ids, "a", IDS_UNKNOWN_FUNCTION, 0x32, T0 + 15);
	assert_int_equal(f->n, 2);
	ids_event(f->ids, "a", IDS_UNKNOWN_FUNCTION, 0x33, T0 + 20);
	assert_int_equal(f->n, 3);
	assert_report(f, 2, IDS_UNKNOWN_FUNCTION, "a", 2);
	assert_true(f->r[2].first == T0 + 15);
	assert_true(f->r[2].last == T0 + 20);
}

/* A window over but not swept yet: what it held goes with the next
 * occurrence, in one report counting both. */
static void
test_unswept_window_joins_next(void **state)
{
	struct fixture *f = *state;

	ids_event(f->ids, "a", IDS_INVALID_UNIT, 1, T0);
	ids_event(f->ids, "a", IDS_INVALID_UNIT, 2, T0 + 1);
	ids_event(f->ids, "a", IDS_INVALID_UNIT, 3, T0 + 2);
	ids_event(f->ids, "a", IDS_INVALID_UNIT, 4, T0 + 10.5);
	assert_int_equal(f->n, 2);
	assert_report(f, 1, IDS_INVALID_UNIT, "a", 3);
	assert_true(f->r[1].first == T0 + 1);
	assert_true(f->r[1].last == T0 + 10.5);
	assert_int_equal(f->r[1].detail, 4);
	assert_false(ids_pending(f->ids));
	assert_int_equal(ids_occurred(f->ids, IDS_INVALID_UNIT), 4);
}

/* An occurrence after a quiet window is told at once, alone. */
static void
test_quiet_window_then_at_once(void **state)
{
	struct fixture *f = *state;

	ids_event(f->ids, "a", IDS_INVALID_PROTOCOL, -1, T0);
	ids_event(f->ids, "a", IDS_INVALID_PROTOCOL, -1, T0 + 10);
	assert_int_equal(f->n, 2);
	assert_report(f, 1, IDS_INVALID_PROTOCOL, "a", 1);
	assert_false(ids_pending(f->ids));
	assert_int_equal(ids_sweep(f->ids, T0 + 100), 0);
	assert_int_equal(f->n, 2);
}

/* Kinds and sources each have a limit of their own. */
static void
test_limits_per_kind_and_source(void **state)
{
	struct fixture *f = *state;

	ids_event(f->ids, "a", IDS_INVALID_PROTOCOL, -1, T0);
	ids_event(f->ids, "a", IDS_INVALID_LENGTH, -1, T0);
	ids_event(f->ids, "b", IDS_INVALID_PROTOCOL, -1, T0);
	ids_event(f->ids, "b", IDS_INVALID_PROTOCOL, -1, T0 + 1);
	assert_int_equal(f->n, 3);
	assert_report(f, 0, IDS_INVALID_PROTOCOL, "a", 1);
	assert_report(f, 1, IDS_INVALID_LENGTH, "a", 1);
	assert_report(f, 2, IDS_INVALID_PROTOCOL, "b", 1);
}

/* A full table: the source seen longest ago goes, and what it held is
 * told first; the newcomer starts afresh. */
static void
test_eviction_tells_what_was_held(void **state)
{
	struct fixture *f = *state;
	char name[IDS_SOURCE_MAX];
	int i;

	ids_event(f->ids, "old", IDS_INVALID_UNIT, 9, T0);
	ids_event(f->ids, "old", IDS_INVALID_UNIT, 9, T0 + 0.5);
	for (i = 1; i < IDS_SOURCES; i++) {
		snprintf(name, sizeof name, "10.0.0.%d", i);
		ids_event(f->ids, name, IDS_INVALID_UNIT, 9, T0 + 1);
	}
	assert_int_equal(f->n, IDS_SOURCES);
	ids_event(f->ids, "new", IDS_INVALID_UNIT, 9, T0 + 2);
	assert_int_equal(f->n, IDS_SOURCES + 2);
	assert_report(f, IDS_SOURCES, IDS_INVALID_UNIT, "old", 1);
	assert_report(f, IDS_SOURCES + 1, IDS_INVALID_UNIT, "new", 1);
	/* "old" comes back as a stranger: told at once. */
	ids_event(f->ids, "old", IDS_INVALID_UNIT, 9, T0 + 3);
	assert_int_equal(f->n, IDS_SOURCES + 3);
	/* The others are all still known: held. */
	ids_event(f->ids, "new", IDS_INVALID_UNIT, 9, T0 + 3);
	assert_int_equal(f->n, IDS_SOURCES + 3);
}

/* Many more sources than the table, round and round: memory stays
 * bounded and each report is one source's own. */
static void
test_many_sources(void **state)
{
	struct fixture *f = *state;
	char name[IDS_SOURCE_MAX];
	int i;

	for (i = 0; i < 4 * IDS_SOURCES; i++) {
		snprintf(name, sizeof name, "c%d", i);
		ids_request(f->ids, name, T0 + i * 0.001);
	}
	assert_int_equal(f->n, 0);
	for (i = 0; i < 6; i++)
		ids_request(f->ids, "c0", T0 + 1.1);
	assert_int_equal(f->n, 1);
	assert_report(f, 0, IDS_FLOOD, "c0", 1);
}

/* A name as long as the table keeps is the same source each time. */
static void
test_long_source_name(void **state)
{
	struct fixture *f = *state;
	char name[200];

	memset(name, 'x', sizeof name - 1);
	name[sizeof name - 1] = '\0';
	ids_event(f->ids, name, IDS_DUPLICATE_ANSWER, -1, T0);
	ids_event(f->ids, name, IDS_DUPLICATE_ANSWER, -1, T0 + 1);
	assert_int_equal(f->n, 1);
	assert_int_equal(strlen(f->r[0].source), IDS_SOURCE_MAX - 1);
}

/* flood: per_second requests pass in each second; the next is one. */
static void
test_flood_limit(void **state)
{
	struct fixture *f = *state;
	int i;

	for (i = 0; i < 5; i++)
		ids_request(f->ids, "a", T0 + i * 0.1);
	assert_int_equal(f->n, 0);
	ids_request(f->ids, "a", T0 + 0.999);
	assert_int_equal(f->n, 1);
	assert_report(f, 0, IDS_FLOOD, "a", 1);
	/* A new second counts afresh; beyond the limit again, held. */
	for (i = 0; i < 7; i++)
		ids_request(f->ids, "a", T0 + 1.0);
	assert_int_equal(f->n, 1);
	assert_int_equal(ids_sweep(f->ids, T0 + 10.998), 1);
	assert_int_equal(f->n, 1);
	assert_int_equal(ids_sweep(f->ids, T0 + 10.999), 0);
	assert_int_equal(f->n, 2);
	assert_report(f, 1, IDS_FLOOD, "a", 2);
	assert_false(ids_pending(f->ids));
	assert_int_equal(ids_occurred(f->ids, IDS_FLOOD), 3);
}

/* exception_storm: beyond the limit within the window. */
static void
test_exception_storm(void **state)
{
	struct fixture *f = *state;

	ids_exception(f->ids, "a", T0);
	ids_exception(f->ids, "a", T0 + 9);
	ids_exception(f->ids, "a", T0 + 10);        /* a new window */
	assert_int_equal(f->n, 0);
	ids_exception(f->ids, "a", T0 + 11);
	ids_exception(f->ids, "a", T0 + 12);
	assert_int_equal(f->n, 1);
	assert_report(f, 0, IDS_EXCEPTION_STORM, "a", 1);
}

/* address_scan: distinct keys only; the same one again is nothing. */
static void
test_address_scan(void **state)
{
	struct fixture *f = *state;
	uint32_t k;

	for (k = 0; k < 4; k++) {
		ids_unmapped(f->ids, "a", k, T0);
		ids_unmapped(f->ids, "a", k, T0 + 1);
	}
	assert_int_equal(f->n, 0);
	ids_unmapped(f->ids, "a", 2, T0 + 2);
	assert_int_equal(f->n, 0);
	ids_unmapped(f->ids, "a", 100, T0 + 3);
	assert_int_equal(f->n, 1);
	assert_report(f, 0, IDS_ADDRESS_SCAN, "a", 1);
	/* Another source's addresses are its own. */
	ids_unmapped(f->ids, "b", 100, T0 + 3);
	assert_int_equal(f->n, 1);
	/* After the window the count starts again. */
	ids_unmapped(f->ids, "a", 200, T0 + 10);
	ids_unmapped(f->ids, "a", 201, T0 + 10);
	assert_int_equal(f->n, 1);
	assert_false(ids_pending(f->ids));
}

/* write_burst: per point, whoever writes; the writer of the one beyond
 * the limit is named, with the point. */
static void
test_write_burst(void **state)
{
	struct fixture *f = *state;

	ids_write(f->ids, "a", 1, T0);
	ids_write(f->ids, "b", 1, T0 + 1);
	ids_write(f->ids, "a", 2, T0 + 1);
	ids_write(f->ids, "a", 1, T0 + 2);
	assert_int_equal(f->n, 0);
	ids_write(f->ids, "b", 1, T0 + 3);
	assert_int_equal(f->n, 1);
	assert_report(f, 0, IDS_WRITE_BURST, "b", 1);
	assert_int_equal(f->r[0].detail, 1);
	/* A point beyond the table is ignored, not a crash. */
	ids_write(f->ids, "b", 99, T0 + 3);
	assert_int_equal(f->n, 1);
}

/* A limit of 0 turns its kind off. */
static void
test_limits_off(void **state)
{
	struct fixture *f = *state;
	struct ids_limits off = { .window = 10 };
	struct ids *ids = ids_new(&off, 1, collect, f);
	int i;

	assert_non_null(ids);
	for (i = 0; i < 1000; i++) {
		ids_request(ids, "a", T0);
		ids_exception(ids, "a", T0);
		ids_unmapped(ids, "a", (uint32_t)i, T0);
		ids_write(ids, "a", 0, T0);
	}
	assert_int_equal(f->n, 0);
	ids_free(ids);
}

/* A scan limit beyond what is kept is refused. */
static void
test_scan_limit_bounded(void **state)
{
	struct fixture *f = *state;
	struct ids_limits big = { .window = 10,
		.scan_addresses = IDS_SCAN_MAX + 1 };

	assert_null(ids_new(&big, 0, collect, f));
	ids_free(NULL);
}

static void
test_functions_defined(void **state)
{
	(void)state;
	assert_true(ids_function_defined(3));
	assert_true(ids_function_defined(8));
	assert_true(ids_function_defined(43));
	assert_true(ids_function_defined(65));
	assert_true(ids_function_defined(110));
	assert_true(ids_function_defined(90));      /* reserved */
	assert_false(ids_function_defined(0));
	assert_false(ids_function_defined(18));
	assert_false(ids_function_defined(48));
	assert_false(ids_function_defined(73));
	assert_false(ids_function_defined(111));
	assert_false(ids_function_defined(0x83));
	assert_false(ids_function_defined(255));
}

static void
test_names(void **state)
{
	int k;

	(void)state;
	for (k = 0; k < IDS_KIND_COUNT; k++)
		assert_int_equal(ids_kind_from_name(
		    ids_kind_name((enum ids_kind)k)), k);
	assert_string_equal(ids_kind_name(IDS_ADDRESS_SCAN), "address_scan");
	assert_int_equal(ids_kind_from_name("scan"), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_first_at_once_rest_held,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_window_boundary, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_unswept_window_joins_next,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_quiet_window_then_at_once,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_limits_per_kind_and_source, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_eviction_tells_what_was_held, setup, teardown),
		cmocka_unit_test_setup_teardown(test_many_sources, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_long_source_name, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_flood_limit, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_exception_storm, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_address_scan, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_write_burst, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_limits_off, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_scan_limit_bounded, setup,
		    teardown),
		cmocka_unit_test(test_functions_defined),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
