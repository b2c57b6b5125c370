/*
 * point.c: raw registers <-> raw value <-> engineering value. The byte
 * orders and the rounding are described in point.h.
 */
#include "point.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include "mbap.h"

/* How far past a limit an integer point's value may lie, in raw steps. */
#define INTEGER_SLACK 1e-6

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

int
point_raw_valid(const struct config_point *pt, double raw)
{
	switch (pt->type) {
	case TYPE_BOOL:
		return integral_in(raw, 0, point_is_bit(pt) ? 1 : UINT16_MAX);
	case TYPE_INT16:
		return integral_in(raw, INT16_MIN, INT16_MAX);
	case TYPE_UINT16:
		return integral_in(raw, 0, UINT16_MAX);
	case TYPE_INT32:
		return integral_in(raw, INT32_MIN, INT32_MAX);
	case TYPE_UINT32:
		return integral_in(raw, 0, UINT32_MAX);
	case TYPE_FLOAT32:
		return isfinite(raw) && fabs(raw) <= FLT_MAX &&
		    (double)(float)raw == raw;
	}
	return 0;
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

/* The raw value next to raw whose engineering value is larger (up) or
 * smaller. */
static double
raw_step(const struct config_point *pt, double raw, int up)
{
	int raw_up = pt->type == TYPE_BOOL || pt->scale > 0 ? up : !up;

	if (pt->type == TYPE_FLOAT32)
		return nextafterf((float)raw, raw_up ? INFINITY : -INFINITY);
	return raw_up ? raw + 1 : raw - 1;
}

int
point_raw_within(const struct config_point *pt, double value, double lo,
    double hi, double *raw)
{
	double candidate, engineering;

	if (point_raw(pt, value, &candidate) != 0)
		return -1;
	engineering = point_value(pt, candidate);
	/* Rounding to the nearest raw value may cross a limit by less
	 * than a step: one step back inside. */
	if (engineering > hi + point_slack(pt, hi))
		candidate = raw_step(pt, candidate, 0);
	else if (engineering < lo - point_slack(pt, lo))
		candidate = raw_step(pt, candidate, 1);
	if (!point_raw_valid(pt, candidate))
		return -1;
	engineering = point_value(pt, candidate);
	if (engineering > hi + point_slack(pt, hi) ||
	    engineering < lo - point_slack(pt, lo))
		return -1;
	*raw = candidate;
	return 0;
}

double
point_slack(const struct config_point *pt, double limit)
{
	double step = pt->type == TYPE_BOOL ? 1.0 : fabs(pt->scale);
	int exponent;

	if (pt->type != TYPE_FLOAT32 || !isfinite(limit))
		return step * INTEGER_SLACK;
	/* Half the distance between adjacent floats around the limit's raw
	 * value: the nearest float to the limit is always inside it. */
	frexp((limit - pt->offset) / pt->scale, &exponent);
	return step * ldexp(1.0, exponent - FLT_MANT_DIG - 1);
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
