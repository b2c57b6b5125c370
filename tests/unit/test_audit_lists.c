/*
 * test_audit_lists.c: the audit writer's list fields (register words,
 * coil bits, bytes, points), what they look like, that the widest
 * register write fits, that a points list too long for a record gives
 * way to its count instead of the record, and that the verifier checks
 * records holding them like any other.
 */
#include "audit_fixture.h"

#include <errno.h>
#include <float.h>

#include "json.h"

#define NAME_MAX_BYTES 63               /* config.h: CONFIG_NAME_MAX - 1 */
#define MAX_WRITE_REGISTERS 123         /* fc 16 */
#define MAX_WRITE_COILS 1968            /* fc 15 */

static void
points_from_array(const void *ctx, size_t i, struct audit_point *p)
{
	*p = ((const struct audit_point *)ctx)[i];
}

/* The first line of the log, and its length without the newline. */
static char *
first_line(const char *path, size_t *len)
{
	char *buf = slurp(path, len);

	*len = (size_t)(strchr(buf, '\n') - buf);
	return buf;
}

static void
test_list_fields_format(void **state)
{
	struct tmp *t = *state;
	static const uint8_t words[] = { 0x01, 0xf4, 0xff, 0xff, 0x00, 0x00 };
	static const uint8_t coils[] = { 0x0D, 0x01 };
	static const uint8_t pdu[] = { 0x00, 0x00, 0x12, 0x34 };
	const struct audit_point points[] = {
		{ .point = "valve", .has_value = 1, .value = 50,
		  .has_raw = 1, .raw = 500 },
		{ .point = "speed", .has_value = 1, .value = -150,
		  .has_raw = 1, .raw = -150, .has_forwarded = 1,
		  .forwarded = -100 },
		{ .point = "level_f", .has_value = 1, .value = 2.5 },
		{ .point = "bits" },
	};
	const struct audit_extra extra[] = {
		{ .key = "address", .type = AUDIT_UINT, .u = 0 },
		{ .key = "values", .type = AUDIT_WORDS, .bytes = words,
		  .n = 3 },
		{ .key = "coils", .type = AUDIT_BITS, .bytes = coils, .n = 9 },
		{ .key = "data", .type = AUDIT_HEX, .bytes = pdu, .n = 4 },
		{ .key = "none", .type = AUDIT_WORDS, .n = 0 },
		{ .key = "points", .type = AUDIT_POINTS, .n = 4,
		  .point = points_from_array, .ctx = points },
	};
	struct audit_event ev = { .event = "write_clamped", .extra = extra,
		.n_extra = sizeof extra / sizeof extra[0] };
	struct audit *a = open_ok(t->path);
	const char *from, *to;
	char *buf;
	size_t len;

	assert_int_equal(audit_write(a, &ev, 0), 0);
	audit_close(a);
	buf = first_line(t->path, &len);
	from = strstr(buf, ",\"address\"");
	to = strstr(buf, ",\"prev\":\"" ZEROS "\"");
	assert_non_null(from);
	assert_non_null(to);
	assert_int_equal(to - from, strlen(",\"address\":0,"
	    "\"values\":[500,65535,0],\"coils\":\"101100001\","
	    "\"data\":\"00001234\",\"none\":[],\"points\":["
	    "{\"point\":\"valve\",\"value\":50,\"raw\":500},"
	    "{\"point\":\"speed\",\"value\":-150,\"raw\":-150,"
	    "\"forwarded\":-100},{\"point\":\"level_f\",\"value\":2.5},"
	    "{\"point\":\"bits\"}]"));
	assert_memory_equal(from, ",\"address\":0,"
	    "\"values\":[500,65535,0],\"coils\":\"101100001\","
	    "\"data\":\"00001234\",\"none\":[],\"points\":["
	    "{\"point\":\"valve\",\"value\":50,\"raw\":500},"
	    "{\"point\":\"speed\",\"value\":-150,\"raw\":-150,"
	    "\"forwarded\":-100},{\"point\":\"level_f\",\"value\":2.5},"
	    "{\"point\":\"bits\"}]", (size_t)(to - from));
	free(buf);
	expect_valid(t->path);
}

/* A name as long as the config allows, every byte escaped six-fold. */
static void
worst_name(char *name, char tag)
{
	memset(name, 0xff, NAME_MAX_BYTES);
	name[0] = tag;                  /* tells them apart */
	name[NAME_MAX_BYTES] = '\0';
}

/*
 * The widest write a register function can carry: 123 points with the
 * longest names, the longest numbers, all clamped. Every point is
 * listed and the record fits.
 */
static void
test_widest_register_write_fits(void **state)
{
	struct tmp *t = *state;
	static char names[MAX_WRITE_REGISTERS][NAME_MAX_BYTES + 1];
	static struct audit_point points[MAX_WRITE_REGISTERS];
	static uint8_t words[2 * MAX_WRITE_REGISTERS];
	const struct audit_extra extra[] = {
		{ .key = "address", .type = AUDIT_UINT, .u = 65535 },
		{ .key = "count", .type = AUDIT_UINT,
		  .u = MAX_WRITE_REGISTERS },
		{ .key = "values", .type = AUDIT_WORDS, .bytes = words,
		  .n = MAX_WRITE_REGISTERS },
		{ .key = "read_address", .type = AUDIT_UINT, .u = 65535 },
		{ .key = "read_count", .type = AUDIT_UINT, .u = 125 },
		{ .key = "points", .type = AUDIT_POINTS,
		  .n = MAX_WRITE_REGISTERS, .point = points_from_array,
		  .ctx = points },
	};
	struct audit_event ev = { .event = "write_clamped",
		.client = "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535",
		.has_unit = 1, .unit = 255, .has_fc = 1, .fc = 255,
		.has_value = 1, .value = -DBL_MIN, .has_raw = 1,
		.raw = INT64_MIN, .has_forwarded = 1, .forwarded = -DBL_MAX,
		.rule = "partial_point", .has_limit = 1, .limit = -DBL_MIN,
		.has_exception = 1, .exception = 255, .extra = extra,
		.n_extra = sizeof extra / sizeof extra[0] };
	struct audit *a = open_ok(t->path);
	char *buf, point[NAME_MAX_BYTES + 1];
	size_t len, i;

	worst_name(point, '!');
	ev.point = point;
	memset(words, 0xff, sizeof words);
	for (i = 0; i < MAX_WRITE_REGISTERS; i++) {
		worst_name(names[i], (char)('A' + i % 26));
		points[i] = (struct audit_point){ .point = names[i],
			.has_value = 1, .value = -DBL_MIN, .has_raw = 1,
			.raw = INT32_MIN, .has_forwarded = 1,
			.forwarded = -2.2250738585072014e-308 };
	}
	assert_int_equal(audit_write(a, &ev, 0), 0);
	audit_close(a);
	buf = first_line(t->path, &len);
	assert_true(len < AUDIT_LINE_MAX);
	assert_null(strstr(buf, "points_omitted"));
	assert_int_equal(count_of(buf, "{\"point\":"), MAX_WRITE_REGISTERS);
	assert_int_equal(count_of(buf, ",65535"), MAX_WRITE_REGISTERS - 1);
	free(buf);
	expect_valid(t->path);
}

/*
 * fc 15 with a point per coil, each with a long name: the names cannot
 * all fit, so the list gives way to its count; the record is written,
 * with every bit, and verifies.
 */
static void
test_points_too_long_counted(void **state)
{
	struct tmp *t = *state;
	static char names[MAX_WRITE_COILS][NAME_MAX_BYTES + 1];
	static struct audit_point points[MAX_WRITE_COILS];
	static uint8_t bits[MAX_WRITE_COILS / 8];
	const struct audit_extra extra[] = {
		{ .key = "values", .type = AUDIT_BITS, .bytes = bits,
		  .n = MAX_WRITE_COILS },
		{ .key = "points", .type = AUDIT_POINTS, .n = MAX_WRITE_COILS,
		  .point = points_from_array, .ctx = points },
		{ .key = "after", .type = AUDIT_STRING, .s = "kept" },
	};
	struct audit_event ev = { .event = "write_allowed", .extra = extra,
		.n_extra = sizeof extra / sizeof extra[0] };
	struct audit *a = open_ok(t->path);
	struct json_value v, got;
	char *buf, want[MAX_WRITE_COILS + 1];
	static char text[MAX_WRITE_COILS + 1];
	size_t len, i;

	memset(bits, 0xA5, sizeof bits);
	for (i = 0; i < MAX_WRITE_COILS; i++) {
		snprintf(names[i], sizeof names[i], "line_3_conveyor_section_"
		    "%04zu_motor_enable_interlock_bypass", i);
		points[i] = (struct audit_point){ .point = names[i],
			.has_value = 1, .value = (bits[i / 8] >> (i % 8)) & 1,
			.has_raw = 1, .raw = (bits[i / 8] >> (i % 8)) & 1 };
		want[i] = (char)('0' + ((bits[i / 8] >> (i % 8)) & 1));
	}
	want[MAX_WRITE_COILS] = '\0';
	assert_int_equal(audit_write(a, &ev, 0), 0);
	/* The next record follows it as usual. */
	write_n(a, 1);
	audit_close(a);
	buf = first_line(t->path, &len);
	assert_true(len < AUDIT_LINE_MAX);
	assert_int_equal(json_parse(buf, len, &v, NULL, NULL), 0);
	assert_int_equal(json_object_get(&v, "points", &got), -1);
	assert_int_equal(json_object_get(&v, "points_omitted", &got), 0);
	assert_int_equal(got.len, 4);
	assert_memory_equal(got.text, "1968", 4);
	assert_int_equal(json_object_get(&v, "values", &got), 0);
	assert_int_equal(json_get_string(&got, text, sizeof text),
	    MAX_WRITE_COILS);
	assert_string_equal(text, want);
	assert_int_equal(json_object_get(&v, "after", &got), 0);
	free(buf);
	expect_valid(t->path);
}

static void
test_bad_lists_refused(void **state)
{
	struct tmp *t = *state;
	struct audit_extra no_bytes = { .key = "values", .type = AUDIT_WORDS,
		.n = 1 };
	struct audit_extra no_fn = { .key = "points", .type = AUDIT_POINTS,
		.n = 1 };
	struct audit_extra long_key = { .key = "points_points_points_points_"
		"points_points_points", .type = AUDIT_POINTS,
		.point = points_from_array, .ctx = NULL };
	struct audit_extra taken = { .key = "point", .type = AUDIT_POINTS };
	const struct audit_extra *bad[] = { &no_bytes, &no_fn, &long_key,
		&taken };
	struct audit *a = open_ok(t->path);
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct audit_event ev = { .event = "write_allowed",
			.extra = bad[i], .n_extra = 1 };

		errno = 0;
		assert_int_equal(audit_write(a, &ev, 0), -1);
		assert_int_equal(errno, EINVAL);
	}
	assert_int_equal(audit_last_seq(a), 0);
	audit_close(a);
}

/* An edit inside a list breaks the chain like any other. */
static void
test_list_edit_caught(void **state)
{
	struct tmp *t = *state;
	static const uint8_t words[] = { 0x01, 0xf4 };
	const struct audit_extra extra[] = {
		{ .key = "values", .type = AUDIT_WORDS, .bytes = words,
		  .n = 1 },
	};
	struct audit_event ev = { .event = "write_allowed", .extra = extra,
		.n_extra = 1 };
	struct audit *a = open_ok(t->path);
	char *buf, *at;
	size_t len;

	write_n(a, 1);
	assert_int_equal(audit_write(a, &ev, 0), 0);
	write_n(a, 1);
	audit_close(a);
	expect_valid(t->path);
	buf = slurp(t->path, &len);
	at = strstr(buf, "[500]");
	assert_non_null(at);
	memcpy(at, "[100]", 5);
	spit(t->path, buf, len);
	free(buf);
	expect_broken(t->path, "line 2 (seq 2): hash mismatch");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_list_fields_format),
		T(test_widest_register_write_fits),
		T(test_points_too_long_counted),
		T(test_bad_lists_refused),
		T(test_list_edit_caught),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
