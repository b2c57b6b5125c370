/*
 * test_histogram.c: the latency histogram. Bucket edges first (a bound
 * is inclusive, the next value up is not), then what must not count or
 * must count as zero, then the Prometheus rendering, cumulative.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "histogram.h"

/* The bucket an observation landed in: the one whose count moved. */
static size_t
bucket_of(double seconds)
{
	struct histogram h;
	size_t i, found = SIZE_MAX;

	memset(&h, 0, sizeof h);
	histogram_observe(&h, seconds);
	for (i = 0; i <= HISTOGRAM_BOUNDS; i++) {
		if (h.counts[i] != 0) {
			assert_int_equal(found, SIZE_MAX);
			assert_int_equal(h.counts[i], 1);
			found = i;
		}
	}
	return found;
}

/* The rendering of h as a NUL-terminated string (caller frees). */
static char *
render(const struct histogram *h, const char *name)
{
	struct buf out;
	char *text;

	assert_int_equal(buf_init(&out, 16), 0);
	assert_int_equal(histogram_render(h, name, "Latency.", &out), 0);
	text = calloc(1, buf_len(&out) + 1);
	assert_non_null(text);
	memcpy(text, buf_head(&out), buf_len(&out));
	buf_free(&out);
	return text;
}

static void
assert_line(const char *text, const char *line)
{
	char wanted[256];

	snprintf(wanted, sizeof wanted, "\n%s\n", line);
	if (strstr(text, wanted) == NULL)
		fail_msg("no line \"%s\" in:\n%s", line, text);
}

static void
test_bounds_span_100us_to_5s_increasing(void **state)
{
	size_t i;

	(void)state;
	assert_true(histogram_bound(0) == 0.0001);
	assert_true(histogram_bound(HISTOGRAM_BOUNDS - 1) == 5.0);
	for (i = 1; i < HISTOGRAM_BOUNDS; i++)
		assert_true(histogram_bound(i) > histogram_bound(i - 1));
	assert_true(isinf(histogram_bound(HISTOGRAM_BOUNDS)));
}

static void
test_bound_is_inclusive(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < HISTOGRAM_BOUNDS; i++) {
		double b = histogram_bound(i);

		assert_int_equal(bucket_of(b), i);
		assert_int_equal(bucket_of(nextafter(b, INFINITY)), i + 1);
		assert_int_equal(bucket_of(nextafter(b, 0)), i);
	}
}

static void
test_zero_and_tiny_land_in_first_bucket(void **state)
{
	(void)state;
	assert_int_equal(bucket_of(0), 0);
	assert_int_equal(bucket_of(1e-9), 0);
}

static void
test_over_5s_lands_in_inf_only(void **state)
{
	(void)state;
	assert_int_equal(bucket_of(5.000001), HISTOGRAM_BOUNDS);
	assert_int_equal(bucket_of(3600), HISTOGRAM_BOUNDS);
}

static void
test_negative_counts_as_zero(void **state)
{
	struct histogram h;

	(void)state;
	memset(&h, 0, sizeof h);
	histogram_observe(&h, -0.5);
	assert_int_equal(h.count, 1);
	assert_int_equal(h.counts[0], 1);
	assert_true(h.sum == 0);
}

static void
test_nan_and_infinities_ignored(void **state)
{
	struct histogram h;
	size_t i;

	(void)state;
	memset(&h, 0, sizeof h);
	histogram_observe(&h, NAN);
	histogram_observe(&h, INFINITY);
	histogram_observe(&h, -INFINITY);
	assert_int_equal(h.count, 0);
	assert_true(h.sum == 0);
	for (i = 0; i <= HISTOGRAM_BOUNDS; i++)
		assert_int_equal(h.counts[i], 0);
}

static void
test_render_empty(void **state)
{
	const char *head = "# HELP lat_seconds Latency.\n"
	    "# TYPE lat_seconds histogram\n"
	    "lat_seconds_bucket{le=\"0.0001\"} 0\n";
	struct histogram h;
	char *text;

	(void)state;
	memset(&h, 0, sizeof h);
	text = render(&h, "lat_seconds");
	assert_memory_equal(text, head, strlen(head));
	assert_line(text, "lat_seconds_bucket{le=\"5\"} 0");
	assert_line(text, "lat_seconds_bucket{le=\"+Inf\"} 0");
	assert_line(text, "lat_seconds_sum 0");
	/* The count is the last line. */
	assert_non_null(strstr(text, "\nlat_seconds_count 0\n"));
	assert_int_equal(text[strlen(text) - 1], '\n');
	free(text);
}

static void
test_render_cumulative_with_sum_and_count(void **state)
{
	struct histogram h;
	char *text;

	(void)state;
	memset(&h, 0, sizeof h);
	histogram_observe(&h, 0.0002);
	histogram_observe(&h, 0.003);
	histogram_observe(&h, 0.003);
	histogram_observe(&h, 7);
	text = render(&h, "lat");
	assert_line(text, "lat_bucket{le=\"0.0001\"} 0");
	assert_line(text, "lat_bucket{le=\"0.00025\"} 1");
	assert_line(text, "lat_bucket{le=\"0.0025\"} 1");
	assert_line(text, "lat_bucket{le=\"0.005\"} 3");
	assert_line(text, "lat_bucket{le=\"0.01\"} 3");
	assert_line(text, "lat_bucket{le=\"2.5\"} 3");
	assert_line(text, "lat_bucket{le=\"5\"} 3");
	assert_line(text, "lat_bucket{le=\"+Inf\"} 4");
	assert_line(text, "lat_sum 7.0062");
	assert_line(text, "lat_count 4");
	free(text);
}

static void
test_render_every_bound_once_in_order(void **state)
{
	struct histogram h;
	const char *p;
	char *text, label[64];
	size_t i;

	(void)state;
	memset(&h, 0, sizeof h);
	text = render(&h, "x");
	p = text;
	for (i = 0; i < HISTOGRAM_BOUNDS; i++) {
		snprintf(label, sizeof label, "x_bucket{le=\"%g\"}",
		    histogram_bound(i));
		p = strstr(p, label);
		assert_non_null(p);
		assert_null(strstr(p + 1, label));
	}
	assert_non_null(strstr(p, "x_bucket{le=\"+Inf\"}"));
	free(text);
}

static void
test_render_appends_after_existing_text(void **state)
{
	struct histogram h;
	struct buf out;

	(void)state;
	memset(&h, 0, sizeof h);
	assert_int_equal(buf_init(&out, 4), 0);
	assert_int_equal(buf_append(&out, "before\n", 7), 0);
	assert_int_equal(histogram_render(&h, "y", "Y.", &out), 0);
	assert_memory_equal(buf_head(&out), "before\n# HELP y Y.\n", 19);
	buf_free(&out);
}

static void
test_render_refuses_overlong_name(void **state)
{
	struct histogram h;
	struct buf out;
	char name[256];

	(void)state;
	memset(&h, 0, sizeof h);
	memset(name, 'n', sizeof name - 1);
	name[sizeof name - 1] = '\0';
	assert_int_equal(buf_init(&out, 16), 0);
	assert_int_equal(histogram_render(&h, name, "N.", &out), -1);
	buf_free(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bounds_span_100us_to_5s_increasing),
		cmocka_unit_test(test_bound_is_inclusive),
		cmocka_unit_test(test_zero_and_tiny_land_in_first_bucket),
		cmocka_unit_test(test_over_5s_lands_in_inf_only),
		cmocka_unit_test(test_negative_counts_as_zero),
		cmocka_unit_test(test_nan_and_infinities_ignored),
		cmocka_unit_test(test_render_empty),
		cmocka_unit_test(test_render_cumulative_with_sum_and_count),
		cmocka_unit_test(test_render_every_bound_once_in_order),
		cmocka_unit_test(test_render_appends_after_existing_text),
		cmocka_unit_test(test_render_refuses_overlong_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
