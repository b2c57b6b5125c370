/*
 * point.c: raw registers <-> raw value <-> engineering value. The byte
 * orders and the rounding are described in point.h.
 */
#include "point.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include "mbap.h"

/*
 * How many units in the last place of the operands a quotient worked out
 * from a limit may be off by: each of limit, offset and scale was rounded
 * from its decimal once, and the subtraction and the division once each.
 */
#define LIMIT_ULPS 4

int
point_is_bit(const struct config_point *pt)
{
	return pt->table == TABLE_COIL || pt->table == TABLE_DISCRETE;
}

static uint16_t
swap_bytes(uint16_t word)
{
	return (uint16_t)((word << 8) | (word >> 8));
}

static int
order_swaps_bytes(enum point_order order)
{
	return order == ORDER_BADC || order == ORDER_DCBA;
}

static int
order_swaps_words(enum point_order order)
{
	return order == ORDER_CDAB || order == ORDER_DCBA;
}

/*
 * Registers in the point's order <-> registers AB CD. Both swaps are
 * their own inverse and commute, so one function converts both ways.
 */
static void
order_words(enum point_order order, const uint16_t in[2], uint16_t out[2])
{
	uint16_t first = in[0], second = in[1];

	if (order_swaps_words(order)) {
		first = in[1];
		second = in[0];
	}
	if (order_swaps_bytes(order)) {
		first = swap_bytes(first);
		second = swap_bytes(second);
	}
	out[0] = first;
	out[1] = second;
}

double
point_decode(const struct config_point *pt, const uint16_t *words)
{
	uint16_t ab_cd[2];
	uint32_t bits;
	float f;

	switch (pt->type) {
	case TYPE_BOOL:
		return point_is_bit(pt) ? (words[0] != 0) : words[0];
	case TYPE_INT16:
		return (int16_t)words[0];
	case TYPE_UINT16:
		return words[0];
	default:
		break;
	}
	order_words(pt->order, words, ab_cd);
	bits = ((uint32_t)ab_cd[0] << 16) | ab_cd[1];
	switch (pt->type) {
	case TYPE_INT32:
		return bits < 0x80000000u ? (double)bits :
		    (double)bits - 4294967296.0;
	case TYPE_FLOAT32:
		memcpy(&f, &bits, sizeof f);
		return f;
	default:
		return bits;
	}
}

void
point_encode(const struct config_point *pt, double raw, uint16_t *words)
{
	uint16_t ab_cd[2];
	uint32_t bits;
	float f;

	switch (pt->type) {
	case TYPE_BOOL:
		words[0] = (uint16_t)raw;
		return;
	case TYPE_INT16:
		words[0] = (uint16_t)(int32_t)raw;
		return;
	case TYPE_UINT16:
		words[0] = (uint16_t)raw;
		return;
	case TYPE_INT32:
		bits = (uint32_t)(int64_t)raw;
		break;
	case TYPE_FLOAT32:
		f = (float)raw;
		memcpy(&bits, &f, sizeof bits);
		break;
	default:
		bits = (uint32_t)raw;
		break;
	}
	ab_cd[0] = (uint16_t)(bits >> 16);
	ab_cd[1] = (uint16_t)bits;
	order_words(pt->order, ab_cd, words);
}

double
point_get_raw(const struct config_point *pt, const uint8_t *data,
    uint16_t start)
{
	unsigned offset = (unsigned)(pt->address - start);
	uint16_t words[2] = { 0, 0 };
	unsigned i;

	if (point_is_bit(pt)) {
		words[0] = (uint16_t)mbap_get_bit(data, offset);
		return point_decode(pt, words);
	}
	for (i = 0; i < pt->width && i < 2; i++)
		words[i] = mbap_get_u16(data + 2 * (offset + i));
	return point_decode(pt, words);
}

void
point_put_raw(const struct config_point *pt, double raw, uint8_t *data,
    uint16_t start)
{
	unsigned offset = (unsigned)(pt->address - start);
	uint16_t words[2] = { 0, 0 };
	unsigned i;

	if (point_is_bit(pt)) {
		if (raw != 0)
			data[offset / 8] |= (uint8_t)(1u << (offset % 8));
		else
			data[offset / 8] &= (uint8_t)~(1u << (offset % 8));
		return;
	}
	point_encode(pt, raw, words);
	for (i = 0; i < pt->width && i < 2; i++)
		mbap_put_u16(data + 2 * (offset + i), words[i]);
}

static int
integral_in(double raw, double lo, double hi)
{
	return raw >= lo && raw <= hi && raw == trunc(raw);
}

/* The raw values the point's type can hold. */
static struct point_span
type_span(const struct config_point *pt)
{
	struct point_span s = { -FLT_MAX, FLT_MAX };

	switch (pt->type) {
	case TYPE_BOOL:
		s.lo = 0;
		s.hi = point_is_bit(pt) ? 1 : UINT16_MAX;
		break;
	case TYPE_INT16:
		s.lo = INT16_MIN;
		s.hi = INT16_MAX;
		break;
	case TYPE_UINT16:
		s.lo = 0;
		s.hi = UINT16_MAX;
		break;
	case TYPE_INT32:
		s.lo = INT32_MIN;
		s.hi = INT32_MAX;
		break;
	case TYPE_UINT32:
		s.lo = 0;
		s.hi = UINT32_MAX;
		break;
	case TYPE_FLOAT32:
		break;
	}
	return s;
}

int
point_raw_valid(const struct config_point *pt, double raw)
{
	struct point_span s;

	if (pt->type == TYPE_FLOAT32)
		return isfinite(raw) && fabs(raw) <= FLT_MAX &&
		    (double)(float)raw == raw;
	s = type_span(pt);
	return integral_in(raw, s.lo, s.hi);
}

double
point_value(const struct config_point *pt, double raw)
{
	if (pt->type == TYPE_BOOL)
		return raw;
	return raw * pt->scale + pt->offset;
}

/* Nearest integer, halves away from zero, a half give or take a rounding
 * error counting as a half (see point.h). */
static double
round_as_on_paper(double quotient)
{
	double whole = trunc(quotient);
	double error = fmax(1e-9, fabs(quotient) * 1e-15);

	if (fabs(fabs(quotient - whole) - 0.5) <= error)
		return whole + copysign(1.0, quotient);
	return round(quotient);
}

int
point_raw(const struct config_point *pt, double value, double *raw)
{
	double quotient, rounded;

	if (!isfinite(value))
		return -1;
	quotient = pt->type == TYPE_BOOL ? value :
	    (value - pt->offset) / pt->scale;
	if (!isfinite(quotient))
		return -1;
	if (pt->type == TYPE_FLOAT32) {
		/* Checked first: converting a double beyond FLT_MAX to float
		 * is undefined in C11 without Annex F. */
		if (fabs(quotient) > FLT_MAX)
			return -1;
		rounded = (float)quotient;
	} else {
		rounded = round_as_on_paper(quotient);
	}
	if (!point_raw_valid(pt, rounded))
		return -1;
	*raw = rounded;
	return 0;
}

int
point_encode_value(const struct config_point *pt, double value,
    uint16_t *words)
{
	double raw;

	if (point_raw(pt, value, &raw) != 0)
		return -1;
	point_encode(pt, raw, words);
	return 0;
}

/*
 * The float nearest q, as rounding to nearest makes it, without
 * converting a double beyond the float range (undefined in C11 without
 * Annex F): past FLT_MAX by half a float step or more is infinity.
 */
static double
float_nearest(double q)
{
	const double edge = ldexp(1.0, FLT_MAX_EXP) -
	    ldexp(1.0, FLT_MAX_EXP - FLT_MANT_DIG - 1);

	if (q >= edge)
		return INFINITY;
	if (q <= -edge)
		return -INFINITY;
	if (fabs(q) > FLT_MAX)
		return copysign(FLT_MAX, q);
	return (float)q;
}

/*
 * The raw bound a quotient stands for (see point.h): err is the rounding
 * error the quotient may carry; upper says which side of the bound the
 * allowed raw values lie.
 */
static double
raw_bound(const struct config_point *pt, double q, double err, int upper)
{
	double n;

	if (!isfinite(q))
		return q;
	if (pt->type == TYPE_FLOAT32)
		return float_nearest(q);
	n = round(q);
	if (fabs(q - n) <= err)
		return n;
	return upper ? floor(q) : ceil(q);
}

static double
point_scale(const struct config_point *pt)
{
	return pt->type == TYPE_BOOL ? 1.0 : pt->scale;
}

static struct point_span
span_clip(const struct config_point *pt, struct point_span s)
{
	return point_span_meet(s, type_span(pt));
}

struct point_span
point_span_of(const struct config_point *pt, double lo, double hi)
{
	double scale = point_scale(pt);
	double offset = pt->type == TYPE_BOOL ? 0.0 : pt->offset;
	double q_lo = (lo - offset) / scale, q_hi = (hi - offset) / scale;
	double e_lo = LIMIT_ULPS * DBL_EPSILON * (fabs(lo) + fabs(offset)) /
	    fabs(scale);
	double e_hi = LIMIT_ULPS * DBL_EPSILON * (fabs(hi) + fabs(offset)) /
	    fabs(scale);
	struct point_span s;

	if (scale > 0) {
		s.lo = raw_bound(pt, q_lo, e_lo, 0);
		s.hi = raw_bound(pt, q_hi, e_hi, 1);
	} else {
		/* A negative scale turns the lower limit into the upper raw
		 * bound. */
		s.lo = raw_bound(pt, q_hi, e_hi, 0);
		s.hi = raw_bound(pt, q_lo, e_lo, 1);
	}
	return span_clip(pt, s);
}

struct point_span
point_span_near(const struct config_point *pt, struct point_span around,
    double delta)
{
	double reach = delta / fabs(point_scale(pt));
	double err = LIMIT_ULPS * DBL_EPSILON * reach;
	struct point_span s;

	if (point_span_empty(around))
		return around;
	if (pt->type == TYPE_FLOAT32) {
		s.lo = raw_bound(pt, around.hi - reach, 0, 0);
		s.hi = raw_bound(pt, around.lo + reach, 0, 1);
	} else {
		/* Integer raw values: whole steps, a decimal step counting
		 * as the whole number it is meant to be. */
		reach = raw_bound(pt, reach, err, 1);
		s.lo = around.hi - reach;
		s.hi = around.lo + reach;
	}
	return span_clip(pt, s);
}

struct point_span
point_span_meet(struct point_span a, struct point_span b)
{
	struct point_span s;

	s.lo = a.lo > b.lo ? a.lo : b.lo;
	s.hi = a.hi < b.hi ? a.hi : b.hi;
	return s;
}

int
point_span_empty(struct point_span s)
{
	return !(s.lo <= s.hi);
}

int
point_span_holds(struct point_span s, double lo, double hi)
{
	return lo >= s.lo && hi <= s.hi && lo <= hi;
}

double
point_span_clamp(struct point_span s, double raw)
{
	if (raw < s.lo)
		return s.lo;
	if (raw > s.hi)
		return s.hi;
	return raw;
}

const char *
point_order_name(enum point_order order)
{
	switch (order) {
	case ORDER_ABCD:
		return "ABCD";
	case ORDER_CDAB:
		return "CDAB";
	case ORDER_BADC:
		return "BADC";
	case ORDER_DCBA:
		return "DCBA";
	}
	return "?";
}
