/*
 * test_point.c: raw registers <-> raw value <-> engineering value. Type
 * ranges at their ends first, then every 32-bit byte order pinned to byte
 * patterns, then rounding, and limits turned into exact spans of raw
 * values: float32 at 0 and beyond FLT_MAX, decimal limits on integer
 * types, scale and offset, the max_step window and the clamp.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <float.h>
#include <math.h>

#include <cmocka.h>
#include <modbus.h>

#include "point.h"

static struct config_point
point_make(enum point_table table, enum point_type type,
    enum point_order order, double scale, double offset)
{
	struct config_point pt;

	memset(&pt, 0, sizeof pt);
	pt.table = table;
	pt.type = type;
	pt.order = order;
	pt.width = type == TYPE_INT32 || type == TYPE_UINT32 ||
	    type == TYPE_FLOAT32 ? 2 : 1;
	pt.scale = scale;
	pt.offset = offset;
	return pt;
}

static struct config_point
holding(enum point_type type, enum point_order order)
{
	return point_make(TABLE_HOLDING, type, order, 1, 0);
}

static double
raw_of(const struct config_point *pt, double value)
{
	double raw = -12345;

	assert_int_equal(point_raw(pt, value, &raw), 0);
	return raw;
}

static void
assert_no_raw(const struct config_point *pt, double value)
{
	double raw = -12345;

	assert_int_equal(point_raw(pt, value, &raw), -1);
	assert_true(raw == -12345);
}

static void
test_int16_range_ends(void **state)
{
	struct config_point pt = holding(TYPE_INT16, ORDER_ABCD);
	uint16_t word;

	(void)state;
	word = 0x8000;
	assert_true(point_decode(&pt, &word) == -32768);
	word = 0x7FFF;
	assert_true(point_decode(&pt, &word) == 32767);
	word = 0xFFFF;
	assert_true(point_decode(&pt, &word) == -1);
	point_encode(&pt, -32768, &word);
	assert_int_equal(word, 0x8000);
	point_encode(&pt, -1, &word);
	assert_int_equal(word, 0xFFFF);
	assert_true(raw_of(&pt, -32768) == -32768);
	assert_true(raw_of(&pt, 32767) == 32767);
	assert_true(raw_of(&pt, 32767.4) == 32767);
	assert_no_raw(&pt, 32767.5);
	assert_no_raw(&pt, -32768.5);
	assert_no_raw(&pt, 32768);
}

static void
test_unsigned_range_ends(void **state)
{
	struct config_point u16 = holding(TYPE_UINT16, ORDER_ABCD);
	struct config_point u32 = holding(TYPE_UINT32, ORDER_ABCD);
	struct config_point i32 = holding(TYPE_INT32, ORDER_ABCD);
	uint16_t words[2];

	(void)state;
	assert_true(raw_of(&u16, 65535) == 65535);
	assert_true(raw_of(&u16, 0) == 0);
	assert_no_raw(&u16, 65536);
	assert_no_raw(&u16, -1);
	assert_no_raw(&u16, -0.5);
	assert_true(raw_of(&u32, 4294967295.0) == 4294967295.0);
	assert_no_raw(&u32, 4294967296.0);
	assert_true(raw_of(&i32, -2147483648.0) == -2147483648.0);
	assert_no_raw(&i32, 2147483648.0);
	words[0] = 0xFFFF;
	words[1] = 0xFFFF;
	assert_true(point_decode(&u32, words) == 4294967295.0);
	assert_true(point_decode(&i32, words) == -1);
	words[0] = 0x8000;
	words[1] = 0x0000;
	assert_true(point_decode(&i32, words) == -2147483648.0);
	point_encode(&i32, -2147483648.0, words);
	assert_int_equal(words[0], 0x8000);
	assert_int_equal(words[1], 0x0000);
}

static void
test_not_finite_has_no_raw(void **state)
{
	struct config_point u16 = holding(TYPE_UINT16, ORDER_ABCD);
	struct config_point f32 = holding(TYPE_FLOAT32, ORDER_ABCD);

	(void)state;
	assert_no_raw(&u16, NAN);
	assert_no_raw(&u16, INFINITY);
	assert_no_raw(&f32, NAN);
	assert_no_raw(&f32, -INFINITY);
	assert_no_raw(&f32, 1e39);
	assert_true(raw_of(&f32, FLT_MAX) == FLT_MAX);
	assert_false(point_raw_valid(&f32, NAN));
	assert_false(point_raw_valid(&f32, 0.1));       /* not a float */
	assert_true(point_raw_valid(&f32, (float)0.1));
}

/* One 32-bit value in every byte order, both ways. */
struct order_case {
	enum point_order order;
	uint16_t words[2];
};

static void
check_orders(enum point_type type, double raw, const struct order_case *c)
{
	for (int i = 0; i < 4; i++) {
		struct config_point pt = holding(type, c[i].order);
		uint16_t out[2];

		assert_true(point_decode(&pt, c[i].words) == raw);
		point_encode(&pt, raw, out);
		assert_int_equal(out[0], c[i].words[0]);
		assert_int_equal(out[1], c[i].words[1]);
	}
}

static void
test_float32_every_order(void **state)
{
	/* 123456.0f is 0x47F12000: A=47 B=F1 C=20 D=00. */
	const struct order_case cases[4] = {
		{ ORDER_ABCD, { 0x47F1, 0x2000 } },
		{ ORDER_CDAB, { 0x2000, 0x47F1 } },
		{ ORDER_BADC, { 0xF147, 0x0020 } },
		{ ORDER_DCBA, { 0x0020, 0xF147 } },
	};

	(void)state;
	check_orders(TYPE_FLOAT32, 123456.0, cases);
}

static void
test_int32_every_order(void **state)
{
	/* -123456789 is 0xF8A432EB. */
	const struct order_case cases[4] = {
		{ ORDER_ABCD, { 0xF8A4, 0x32EB } },
		{ ORDER_CDAB, { 0x32EB, 0xF8A4 } },
		{ ORDER_BADC, { 0xA4F8, 0xEB32 } },
		{ ORDER_DCBA, { 0xEB32, 0xA4F8 } },
	};

	(void)state;
	check_orders(TYPE_INT32, -123456789.0, cases);
}

static void
test_uint32_every_order(void **state)
{
	const struct order_case cases[4] = {
		{ ORDER_ABCD, { 0x0102, 0x0304 } },
		{ ORDER_CDAB, { 0x0304, 0x0102 } },
		{ ORDER_BADC, { 0x0201, 0x0403 } },
		{ ORDER_DCBA, { 0x0403, 0x0201 } },
	};

	(void)state;
	check_orders(TYPE_UINT32, 0x01020304, cases);
}

/* Where libmodbus' getters mean what point.h says (3.1.6, 3.1.7), they
 * agree with point_decode on every order. */
static void
test_float32_agrees_with_libmodbus_getters(void **state)
{
	const uint16_t words[2] = { 0x3F80, 0x0001 };
	float (*const getters[4])(const uint16_t *) = {
		modbus_get_float_abcd, modbus_get_float_cdab,
		modbus_get_float_badc, modbus_get_float_dcba,
	};
	const enum point_order orders[4] = {
		ORDER_ABCD, ORDER_CDAB, ORDER_BADC, ORDER_DCBA,
	};

	(void)state;
	if (LIBMODBUS_VERSION_HEX >= 0x030108)
		skip();
	for (int i = 0; i < 4; i++) {
		struct config_point pt = holding(TYPE_FLOAT32, orders[i]);

		assert_true(point_decode(&pt, words) == getters[i](words));
	}
}

static void
test_bool_points(void **state)
{
	struct config_point coil = point_make(TABLE_COIL, TYPE_BOOL,
	    ORDER_ABCD, 1, 0);
	struct config_point reg = holding(TYPE_BOOL, ORDER_ABCD);
	uint16_t word = 0xFF00;

	(void)state;
	assert_true(point_decode(&coil, &word) == 1);
	/* A register bool keeps its register, so 5 fails a 0..1 bound. */
	word = 5;
	assert_true(point_decode(&reg, &word) == 5);
	assert_true(point_value(&reg, 5) == 5);
	assert_true(raw_of(&coil, 1) == 1);
	assert_true(raw_of(&coil, 0) == 0);
	assert_no_raw(&coil, 2);
	assert_no_raw(&coil, -1);
}

static void
test_rounding_half_away_from_zero(void **state)
{
	struct config_point pt = point_make(TABLE_HOLDING, TYPE_INT16,
	    ORDER_ABCD, 0.1, 0);

	(void)state;
	assert_true(raw_of(&pt, 12.34) == 123);
	assert_true(raw_of(&pt, 12.35) == 124);
	assert_true(raw_of(&pt, -12.35) == -124);
	assert_true(raw_of(&pt, -12.34) == -123);
	/* Quotients a rounding error below a half: 1.4999999999999998,
	 * 2.4999999999999996. */
	assert_true(raw_of(&pt, 0.15) == 2);
	assert_true(raw_of(&pt, 0.25) == 3);
	assert_true(raw_of(&pt, -0.15) == -2);
	/* Not a half: the nearest. */
	assert_true(raw_of(&pt, 0.149) == 1);
	assert_true(raw_of(&pt, 0.151) == 2);
}

static void
test_scale_and_offset(void **state)
{
	/* A temperature in 0.01 degC with -50 offset; a negative scale. */
	struct config_point temp = point_make(TABLE_HOLDING, TYPE_UINT16,
	    ORDER_ABCD, 0.01, -50);
	struct config_point inverted = point_make(TABLE_HOLDING, TYPE_INT16,
	    ORDER_ABCD, -0.5, 10);

	(void)state;
	assert_true(raw_of(&temp, 0) == 5000);
	assert_true(raw_of(&temp, -50) == 0);
	assert_true(raw_of(&temp, 21.375) == 7138);
	assert_true(fabs(point_value(&temp, 7138) - 21.38) < 1e-9);
	assert_no_raw(&temp, -50.01);
	assert_true(raw_of(&inverted, 10) == 0);
	assert_true(raw_of(&inverted, 0) == 20);
	assert_true(point_value(&inverted, -4) == 12);
}

static void
test_float32_rounds_to_nearest_float(void **state)
{
	struct config_point pt = point_make(TABLE_HOLDING, TYPE_FLOAT32,
	    ORDER_ABCD, 1, 0);

	(void)state;
	assert_true(raw_of(&pt, 0.3) == (double)0.3f);
	assert_true(raw_of(&pt, 16777217.0) == 16777216.0);
}

static void
test_encode_value_for_a_safe_state(void **state)
{
	struct config_point pt = point_make(TABLE_HOLDING, TYPE_INT32,
	    ORDER_DCBA, 0.01, 0);
	uint16_t words[2] = { 0xAAAA, 0xAAAA };

	(void)state;
	/* -12.35 -> raw -1235 = 0xFFFFFB2D, DCBA: 2DFB FFFF. */
	assert_int_equal(point_encode_value(&pt, -12.35, words), 0);
	assert_int_equal(words[0], 0x2DFB);
	assert_int_equal(words[1], 0xFFFF);
	words[0] = 0xAAAA;
	assert_int_equal(point_encode_value(&pt, 3e7, words), -1);
	assert_int_equal(point_encode_value(&pt, NAN, words), -1);
	assert_int_equal(words[0], 0xAAAA);
}

static void
test_registers_in_request_data(void **state)
{
	/* Registers 10..15 as on the wire; an int32 CDAB at 12. */
	struct config_point pt = holding(TYPE_INT32, ORDER_CDAB);
	uint8_t data[12];

	(void)state;
	memset(data, 0xAA, sizeof data);
	pt.address = 12;
	point_put_raw(&pt, -2, data, 10);
	assert_int_equal(data[4], 0xFF);
	assert_int_equal(data[5], 0xFE);
	assert_int_equal(data[6], 0xFF);
	assert_int_equal(data[7], 0xFF);
	assert_int_equal(data[3], 0xAA);
	assert_int_equal(data[8], 0xAA);
	assert_true(point_get_raw(&pt, data, 10) == -2);
}

static void
test_bits_in_request_data(void **state)
{
	struct config_point coil = point_make(TABLE_COIL, TYPE_BOOL,
	    ORDER_ABCD, 1, 0);
	uint8_t data[2] = { 0x00, 0xFF };

	(void)state;
	coil.address = 109;             /* bit 9 when data starts at 100 */
	assert_true(point_get_raw(&coil, data, 100) == 1);
	point_put_raw(&coil, 0, data, 100);
	assert_int_equal(data[1], 0xFD);
	assert_int_equal(data[0], 0x00);
	assert_true(point_get_raw(&coil, data, 100) == 0);
	coil.address = 100;
	point_put_raw(&coil, 1, data, 100);
	assert_int_equal(data[0], 0x01);
}

/* The raw value of a float32 with these bits (ABCD). */
static double
float_bits(uint32_t bits)
{
	struct config_point pt = holding(TYPE_FLOAT32, ORDER_ABCD);
	uint16_t words[2] = { (uint16_t)(bits >> 16), (uint16_t)bits };

	return point_decode(&pt, words);
}

static int
holds(struct point_span s, double raw)
{
	return point_span_holds(s, raw, raw);
}

/* min 0 and max 0 on a float32: nothing on the wrong side of 0 passes,
 * however small; -0.0 is 0. */
static void
test_span_float_at_zero(void **state)
{
	struct config_point pt = holding(TYPE_FLOAT32, ORDER_ABCD);
	struct point_span min0 = point_span_of(&pt, 0, INFINITY);
	struct point_span max0 = point_span_of(&pt, -INFINITY, 0);
	/* The smallest denormal, the smallest normal, 1e-8; negated. */
	const uint32_t positive[3] = { 0x00000001, 0x00800000, 0x322BCC77 };

	(void)state;
	for (int i = 0; i < 3; i++) {
		assert_false(holds(min0, float_bits(positive[i] | 0x80000000u)));
		assert_true(holds(min0, float_bits(positive[i])));
		assert_false(holds(max0, float_bits(positive[i])));
		assert_true(holds(max0, float_bits(positive[i] | 0x80000000u)));
	}
	assert_true(holds(min0, float_bits(0x80000000u)));      /* -0.0 */
	assert_true(holds(max0, float_bits(0x80000000u)));
	assert_true(holds(min0, 0.0) && holds(max0, 0.0));
	assert_true(holds(min0, FLT_MAX) && !holds(max0, FLT_MAX));
	assert_true(holds(max0, -FLT_MAX) && !holds(min0, -FLT_MAX));
	/* Infinity is no float32 value a limit admits. */
	assert_false(holds(min0, INFINITY));
}

/* A decimal limit is the float it becomes, and nothing past it. */
static void
test_span_float_decimal_limits(void **state)
{
	struct config_point pt = holding(TYPE_FLOAT32, ORDER_ABCD);
	struct config_point tenth = point_make(TABLE_HOLDING, TYPE_FLOAT32,
	    ORDER_ABCD, 0.1, 0);
	struct point_span s = point_span_of(&pt, 0.3, 0.7);

	(void)state;
	assert_true(s.lo == (double)0.3f && s.hi == (double)0.7f);
	assert_true(holds(s, 0.3f) && holds(s, 0.7f));
	assert_false(holds(s, nextafterf(0.3f, 0)));
	assert_false(holds(s, nextafterf(0.7f, 1)));
	/* Scale 0.1: max 0.3 is raw 3, however 0.3 / 0.1 comes out. */
	s = point_span_of(&tenth, -INFINITY, 0.3);
	assert_true(s.hi == 3.0);
	assert_false(holds(s, nextafterf(3.0f, 4)));
}

/* Limits at and beyond the largest float, without undefined behaviour
 * (UBSan checks the conversions). */
static void
test_span_float_extremes(void **state)
{
	struct config_point pt = holding(TYPE_FLOAT32, ORDER_ABCD);
	/* FLT_MAX is 2^128 - 2^104: a quarter step past it rounds back to
	 * it, half a step (2^128 - 2^103) rounds to infinity. */
	double quarter = (double)FLT_MAX + ldexp(1, 102);
	double half = (double)FLT_MAX + ldexp(1, 103);
	struct point_span s;

	(void)state;
	s = point_span_of(&pt, -INFINITY, INFINITY);
	assert_true(s.lo == -FLT_MAX && s.hi == FLT_MAX);
	s = point_span_of(&pt, -1e39, 1e39);
	assert_true(s.lo == -FLT_MAX && s.hi == FLT_MAX);
	s = point_span_of(&pt, FLT_MAX, INFINITY);
	assert_true(holds(s, FLT_MAX) && !holds(s, nextafterf(FLT_MAX, 0)));
	s = point_span_of(&pt, quarter, INFINITY);
	assert_true(holds(s, FLT_MAX));
	assert_true(point_span_empty(point_span_of(&pt, half, INFINITY)));
	assert_true(point_span_empty(point_span_of(&pt, 1e39, INFINITY)));
	assert_true(point_span_empty(point_span_of(&pt, -INFINITY, -half)));
	s = point_span_of(&pt, -INFINITY, -quarter);
	assert_true(holds(s, -FLT_MAX) && s.hi == -FLT_MAX);
}

/* A negative scale turns min into the upper raw bound; offset shifts. */
static void
test_span_float_negative_scale(void **state)
{
	struct config_point neg = point_make(TABLE_HOLDING, TYPE_FLOAT32,
	    ORDER_ABCD, -1, 0);
	struct config_point bf = point_make(TABLE_HOLDING, TYPE_FLOAT32,
	    ORDER_ABCD, -2, 1);
	struct point_span s = point_span_of(&neg, -INFINITY, 0);

	(void)state;
	/* max 0: raw >= 0 (value -raw <= 0); the negative denormal is a
	 * positive value. */
	assert_true(holds(s, float_bits(0x00000001)));
	assert_true(holds(s, float_bits(0x80000000u)));
	assert_false(holds(s, float_bits(0x80000001u)));
	s = point_span_of(&bf, -1000, 1000);
	assert_true(s.lo == -499.5 && s.hi == 500.5);
}

/* Integer types: raw values strictly inside, a decimal limit counting as
 * the raw value it names. */
static void
test_span_integer_decimal_limits(void **state)
{
	struct config_point tenth = point_make(TABLE_HOLDING, TYPE_UINT16,
	    ORDER_ABCD, 0.1, 0);
	struct point_span s;

	(void)state;
	/* 0.3 / 0.1 is 2.9999999999999996, 0.7 / 0.1 6.999999999999999. */
	s = point_span_of(&tenth, 0.3, 0.7);
	assert_true(s.lo == 3 && s.hi == 7);
	/* 50.05 lies between raw 500 and 501, whichever side it bounds. */
	s = point_span_of(&tenth, 50.05, 50.05);
	assert_true(point_span_empty(s));
	assert_true(point_span_of(&tenth, -INFINITY, 50.05).hi == 500);
	assert_true(point_span_of(&tenth, 50.05, INFINITY).lo == 501);
	/* 0.01..0.02 holds no raw value at scale 0.1. */
	assert_true(point_span_empty(point_span_of(&tenth, 0.01, 0.02)));
	/* A limit 1e-9 off a raw value is not within rounding error. */
	assert_true(point_span_of(&tenth, -INFINITY, 0.3 - 1e-9).hi == 2);
}

static void
test_span_integer_extremes(void **state)
{
	struct config_point i16 = holding(TYPE_INT16, ORDER_ABCD);
	struct config_point u16 = holding(TYPE_UINT16, ORDER_ABCD);
	struct config_point i32 = holding(TYPE_INT32, ORDER_ABCD);
	struct config_point u32 = holding(TYPE_UINT32, ORDER_ABCD);
	struct config_point coil = point_make(TABLE_COIL, TYPE_BOOL,
	    ORDER_ABCD, 1, 0);
	struct config_point reg = holding(TYPE_BOOL, ORDER_ABCD);
	struct point_span s;

	(void)state;
	s = point_span_of(&i16, -INFINITY, INFINITY);
	assert_true(s.lo == -32768 && s.hi == 32767);
	s = point_span_of(&i16, -32768, 32767);
	assert_true(s.lo == -32768 && s.hi == 32767);
	s = point_span_of(&u16, -INFINITY, INFINITY);
	assert_true(s.lo == 0 && s.hi == 65535);
	assert_true(point_span_empty(point_span_of(&u16, -2, -1)));
	s = point_span_of(&i32, -2147483648.0, 2147483647.0);
	assert_true(s.lo == -2147483648.0 && s.hi == 2147483647.0);
	assert_false(holds(s, 2147483648.0));
	s = point_span_of(&u32, 0, 4294967295.0);
	assert_true(s.lo == 0 && s.hi == 4294967295.0);
	s = point_span_of(&u32, -INFINITY, 4294967294.5);
	assert_true(s.hi == 4294967294.0);
	s = point_span_of(&coil, 0, 0);
	assert_true(s.lo == 0 && s.hi == 0);
	s = point_span_of(&reg, -INFINITY, INFINITY);
	assert_true(s.lo == 0 && s.hi == 65535);
}

static void
test_span_integer_scale_and_offset(void **state)
{
	struct config_point inverted = point_make(TABLE_HOLDING, TYPE_INT16,
	    ORDER_ABCD, -0.5, 10);
	struct config_point temp = point_make(TABLE_HOLDING, TYPE_UINT16,
	    ORDER_ABCD, 0.01, -50);
	struct config_point neg = point_make(TABLE_HOLDING, TYPE_INT16,
	    ORDER_ABCD, -0.1, 0);
	struct point_span s;

	(void)state;
	/* value = -0.5 raw + 10: 0..10 is raw 0..20. */
	s = point_span_of(&inverted, 0, 10);
	assert_true(s.lo == 0 && s.hi == 20);
	s = point_span_of(&temp, 0, 21.38);
	assert_true(s.lo == 5000 && s.hi == 7138);
	/* 100.05 at scale -0.1 lies between raw -1000 and -1001. */
	s = point_span_of(&neg, 0, 100.05);
	assert_true(s.lo == -1000 && s.hi == 0);
}

/* max_step and max_rate windows: within delta of every raw in around. */
static void
test_span_near(void **state)
{
	struct config_point tenth = point_make(TABLE_HOLDING, TYPE_UINT16,
	    ORDER_ABCD, 0.1, 0);
	struct config_point f32 = holding(TYPE_FLOAT32, ORDER_ABCD);
	struct point_span at = { 500, 500 }, both = { 500, 550 }, s;

	(void)state;
	s = point_span_near(&tenth, at, 2);
	assert_true(s.lo == 480 && s.hi == 520);
	/* 0.3 / 0.1 is 3 steps, not 2. */
	s = point_span_near(&tenth, at, 0.3);
	assert_true(s.lo == 497 && s.hi == 503);
	s = point_span_near(&tenth, both, 5);
	assert_true(s.lo == 500 && s.hi == 550);
	s = point_span_near(&tenth, both, 4.9);
	assert_true(s.lo == 501 && s.hi == 549);
	assert_true(point_span_empty(point_span_near(&tenth, both, 2.4)));
	/* Clipped to the type. */
	s = point_span_near(&tenth, (struct point_span){ 10, 10 }, 5);
	assert_true(s.lo == 0 && s.hi == 60);
	s = point_span_near(&f32, (struct point_span){ 1, 1 }, 0.1);
	assert_true(holds(s, 1.1f) && !holds(s, nextafterf(1.1f, 2)));
	assert_true(holds(s, 0.9f) && !holds(s, nextafterf(0.9f, 0)));
}

static void
test_span_clamp_and_meet(void **state)
{
	struct config_point tenth = point_make(TABLE_HOLDING, TYPE_UINT16,
	    ORDER_ABCD, 0.1, 0);
	struct point_span s = point_span_meet(
	    point_span_of(&tenth, 0, 100.05),
	    point_span_near(&tenth, (struct point_span){ 950, 950 }, 10));

	(void)state;
	assert_true(s.lo == 850 && s.hi == 1000);
	assert_true(point_span_clamp(s, 1001) == 1000);
	assert_true(point_span_clamp(s, 0) == 850);
	assert_true(point_span_clamp(s, 900) == 900);
	assert_false(point_span_holds(s, 900, 1001));
	assert_true(point_span_holds(s, 850, 1000));
	assert_false(point_span_holds(s, NAN, NAN));
}

static void
test_order_names(void **state)
{
	(void)state;
	assert_string_equal(point_order_name(ORDER_ABCD), "ABCD");
	assert_string_equal(point_order_name(ORDER_CDAB), "CDAB");
	assert_string_equal(point_order_name(ORDER_BADC), "BADC");
	assert_string_equal(point_order_name(ORDER_DCBA), "DCBA");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_int16_range_ends),
		cmocka_unit_test(test_unsigned_range_ends),
		cmocka_unit_test(test_not_finite_has_no_raw),
		cmocka_unit_test(test_float32_every_order),
		cmocka_unit_test(test_int32_every_order),
		cmocka_unit_test(test_uint32_every_order),
		cmocka_unit_test(test_float32_agrees_with_libmodbus_getters),
		cmocka_unit_test(test_bool_points),
		cmocka_unit_test(test_rounding_half_away_from_zero),
		cmocka_unit_test(test_scale_and_offset),
		cmocka_unit_test(test_float32_rounds_to_nearest_float),
		cmocka_unit_test(test_encode_value_for_a_safe_state),
		cmocka_unit_test(test_registers_in_request_data),
		cmocka_unit_test(test_bits_in_request_data),
		cmocka_unit_test(test_span_float_at_zero),
		cmocka_unit_test(test_span_float_decimal_limits),
		cmocka_unit_test(test_span_float_extremes),
		cmocka_unit_test(test_span_float_negative_scale),
		cmocka_unit_test(test_span_integer_decimal_limits),
		cmocka_unit_test(test_span_integer_extremes),
		cmocka_unit_test(test_span_integer_scale_and_offset),
		cmocka_unit_test(test_span_near),
		cmocka_unit_test(test_span_clamp_and_meet),
		cmocka_unit_test(test_order_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
