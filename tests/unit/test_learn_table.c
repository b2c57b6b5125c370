/*
 * test_learn_table.c: monitor mode's statistics per address: what one
 * write and two writes leave, steps, rates and intervals, writes in the
 * same instant, the bound (a scan of every address), reads kept out of
 * the last quarter, what is dropped and counted, and the order.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "learn_table.h"

#define T0 1800000000.0

static struct learn_key
key(uint16_t address, uint8_t width)
{
	struct learn_key k = { 0, 3, width, address };

	return k;
}

static void
test_empty(void **state)
{
	struct learn_table *t = learn_table_new(16, T0);
	struct learn_key k = key(0, 1);
	const struct learn_totals *tot;

	(void)state;
	assert_non_null(t);
	tot = learn_table_totals(t);
	assert_int_equal(tot->entries, 0);
	assert_int_equal(tot->capacity, 16);
	assert_true(tot->since == T0);
	assert_null(learn_table_find(t, &k));
	learn_table_free(t);
	learn_table_free(NULL);
}

static void
test_one_write_has_no_step(void **state)
{
	struct learn_table *t = learn_table_new(16, T0);
	struct learn_key k = key(7, 1);
	const struct learn_entry *e;

	(void)state;
	learn_table_write(t, &k, 6, 1, 450, T0 + 1);
	e = learn_table_find(t, &k);
	assert_non_null(e);
	assert_int_equal(e->writes, 1);
	assert_int_equal(e->valued, 1);
	assert_true(e->min == 450 && e->max == 450);
	assert_false(e->has_step);
	assert_false(e->has_interval);
	assert_true(e->first == T0 + 1);
	assert_int_equal(e->write_fcs, 1u << 6);
	learn_table_free(t);
}

static void
test_steps_rates_intervals(void **state)
{
	struct learn_table *t = learn_table_new(16, T0);
	struct learn_key k = key(0, 1);
	const struct learn_entry *e;

	(void)state;
	learn_table_write(t, &k, 6, 1, 500, T0);
	learn_table_write(t, &k, 6, 1, 520, T0 + 0.5);  /* 20, 40/s */
	learn_table_write(t, &k, 16, 1, 490, T0 + 1.5); /* 30, 30/s */
	learn_table_write(t, &k, 6, 1, 495, T0 + 1.75); /* 5, 20/s */
	e = learn_table_find(t, &k);
	assert_true(e->min == 490 && e->max == 520);
	assert_true(e->has_step);
	assert_true(e->max_step == 30);
	assert_true(fabs(e->max_rate - 40) < 1e-9);
	assert_true(e->has_interval);
	assert_true(fabs(e->min_interval - 0.25) < 1e-9);
	assert_false(e->rate_unbounded);
	assert_int_equal(e->write_fcs, 1u << 6 | 1u << 16);
	learn_table_free(t);
}

/* A value read back is what the next write steps from, when it is newer
 * than the last write; the rate is between writes only. An address the
 * table does not hold learns nothing from a read back. */
static void
test_step_from_value_read(void **state)
{
	struct learn_table *t = learn_table_new(16, T0);
	struct learn_key k = key(0, 1), other = key(1, 1);
	const struct learn_entry *e;

	(void)state;
	learn_table_read(t, &k, 3, T0);
	learn_table_seen(t, &k, 500, T0);
	e = learn_table_find(t, &k);
	assert_true(e->has_seen && e->seen == 500);
	learn_table_write(t, &k, 6, 1, 550, T0 + 1);    /* 50 from 500 */
	assert_true(e->has_step && e->max_step == 50);
	assert_false(e->has_rate);
	learn_table_write(t, &k, 6, 1, 560, T0 + 2);    /* 10 from 550 */
	assert_true(e->max_step == 50);
	assert_true(e->has_rate && e->max_rate == 10);
	learn_table_seen(t, &k, 400, T0 + 3);           /* the plant moved */
	learn_table_write(t, &k, 6, 1, 480, T0 + 4);    /* 80 from 400 */
	assert_true(e->max_step == 80);
	assert_true(e->max_rate == 40);                 /* 80 / 2 s */
	learn_table_seen(t, &other, 7, T0);
	assert_null(learn_table_find(t, &other));
	learn_table_free(t);
}

/* Two different values in one instant: no max_rate allows that; the same
 * value twice is no rate at all. */
static void
test_same_instant(void **state)
{
	struct learn_table *t = learn_table_new(16, T0);
	struct learn_key a = key(0, 1), b = key(1, 1);
	const struct learn_entry *e;

	(void)state;
	learn_table_write(t, &a, 6, 1, 5, T0);
	learn_table_write(t, &a, 6, 1, 5, T0);
	e = learn_table_find(t, &a);
	assert_false(e->rate_unbounded);
	assert_true(e->max_step == 0 && e->max_rate == 0);
	assert_true(e->min_interval == 0);
	learn_table_write(t, &b, 6, 1, 5, T0);
	learn_table_write(t, &b, 6, 1, 9, T0);
	e = learn_table_find(t, &b);
	assert_true(e->rate_unbounded);
	assert_true(e->max_step == 4);
	learn_table_free(t);
}

/* A mask write with no one value counts, and times the interval, but
 * leaves the range alone; a NaN too. */
static void
test_writes_without_value(void **state)
{
	struct learn_table *t = learn_table_new(16, T0);
	struct learn_key k = key(3, 1);
	const struct learn_entry *e;

	(void)state;
	learn_table_write(t, &k, 22, 0, 0, T0);
	learn_table_write(t, &k, 6, 1, NAN, T0 + 1);
	e = learn_table_find(t, &k);
	assert_int_equal(e->writes, 2);
	assert_int_equal(e->valued, 0);
	assert_true(e->has_interval && e->min_interval == 1);
	assert_false(e->has_step);
	learn_table_write(t, &k, 6, 1, 40, T0 + 3);
	assert_int_equal(e->valued, 1);
	assert_true(e->min == 40 && e->max == 40);
	learn_table_free(t);
}

/* A clock stepped back is an interval of 0, never a negative one. */
static void
test_clock_back(void **state)
{
	struct learn_table *t = learn_table_new(16, T0);
	struct learn_key k = key(0, 1);
	const struct learn_entry *e;

	(void)state;
	learn_table_write(t, &k, 6, 1, 1, T0 + 10);
	learn_table_write(t, &k, 6, 1, 2, T0);
	e = learn_table_find(t, &k);
	assert_true(e->min_interval == 0);
	assert_true(e->rate_unbounded);
	learn_table_free(t);
}

/* Every address of a table read, then written: the table holds its
 * capacity and no more, reads three quarters of it; the rest is counted
 * as dropped, and the addresses it holds go on counting. */
static void
test_scan_is_bounded(void **state)
{
	struct learn_table *t = learn_table_new(64, T0);
	const struct learn_totals *tot = learn_table_totals(t);
	struct learn_key k = key(0, 1);
	uint32_t a;

	(void)state;
	for (a = 0; a < 65536; a++) {
		k.address = (uint16_t)a;
		learn_table_read(t, &k, 3, T0);
	}
	assert_int_equal(tot->entries, 48);
	assert_int_equal(tot->dropped_reads, 65536 - 48);
	k.address = 0;
	learn_table_read(t, &k, 3, T0);
	assert_int_equal(learn_table_find(t, &k)->reads, 2);
	/* Writes may fill the last quarter. */
	for (a = 0; a < 65536; a++) {
		k.address = (uint16_t)(65535 - a);
		learn_table_write(t, &k, 6, 1, a, T0);
	}
	assert_int_equal(tot->entries, 64);
	assert_int_equal(tot->dropped_writes, 65536 - 64);
	k.address = 65535;
	assert_int_equal(learn_table_find(t, &k)->writes, 1);
	k.address = 100;
	assert_null(learn_table_find(t, &k));
	learn_table_free(t);
}

static void
test_keys_differ(void **state)
{
	struct learn_table *t = learn_table_new(16, T0);
	struct learn_key a = key(10, 1), b = key(10, 2), c = key(10, 1);

	(void)state;
	c.device = 1;
	learn_table_write(t, &a, 16, 1, 1, T0);
	learn_table_write(t, &b, 16, 1, 65536, T0);
	learn_table_read(t, &c, 3, T0);
	assert_int_equal(learn_table_totals(t)->entries, 3);
	assert_true(learn_table_find(t, &b)->max == 65536);
	assert_int_equal(learn_table_find(t, &c)->writes, 0);
	assert_int_equal(learn_table_find(t, &c)->reads, 1);
	learn_table_free(t);
}

static void
test_sorted(void **state)
{
	struct learn_table *t = learn_table_new(16, T0);
	const struct learn_entry *out[16];
	struct learn_key k[] = { { 1, 0, 1, 0 }, { 0, 3, 1, 9 },
		{ 0, 3, 2, 4 }, { 0, 3, 1, 4 }, { 0, 0, 1, 500 } };
	size_t i, n;

	(void)state;
	for (i = 0; i < 5; i++)
		learn_table_read(t, &k[i], 1, T0);
	n = learn_table_sorted(t, out);
	assert_int_equal(n, 5);
	assert_int_equal(out[0]->key.address, 500);     /* device 0, coil */
	assert_int_equal(out[1]->key.address, 4);
	assert_int_equal(out[1]->key.width, 1);
	assert_int_equal(out[2]->key.width, 2);
	assert_int_equal(out[3]->key.address, 9);
	assert_int_equal(out[4]->key.device, 1);
	learn_table_free(t);
}

static void
test_requests_by_function(void **state)
{
	struct learn_table *t = learn_table_new(4, T0);
	const struct learn_totals *tot = learn_table_totals(t);

	(void)state;
	learn_table_request(t, 3);
	learn_table_request(t, 3);
	learn_table_request(t, 0x2B);
	learn_table_partial(t);
	assert_int_equal(tot->requests, 3);
	assert_int_equal(tot->functions[3], 2);
	assert_int_equal(tot->functions[0x2B], 1);
	assert_int_equal(tot->partial, 1);
	learn_table_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_one_write_has_no_step),
		cmocka_unit_test(test_steps_rates_intervals),
		cmocka_unit_test(test_step_from_value_read),
		cmocka_unit_test(test_same_instant),
		cmocka_unit_test(test_writes_without_value),
		cmocka_unit_test(test_clock_back),
		cmocka_unit_test(test_scan_is_bounded),
		cmocka_unit_test(test_keys_differ),
		cmocka_unit_test(test_sorted),
		cmocka_unit_test(test_requests_by_function),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
