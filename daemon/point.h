/*
 * point.h: what a point's registers or bits mean. Pure: no I/O, no clock.
 *
 * A point has a raw value, the number its registers hold, and an
 * engineering value, the number a plant engineer writes limits in:
 *
 *	engineering = raw * scale + offset
 *
 * Raw values are carried as doubles: every int16, uint16, int32, uint32
 * and float32 is exactly representable in one. A bool point's raw value
 * is its bit (coil, discrete input) or its register (input, holding),
 * and its engineering value is its raw value: scale and offset do not
 * apply to it (config_load() refuses them), so a holding-register bool
 * written 5 is 5 and fails its 0..1 bounds instead of passing as "true".
 *
 * Byte order of 32-bit types (int32, uint32, float32). Name the four bytes
 * of the value A (most significant) to D (least); the name says the order
 * they travel in, first register first, each register high byte first:
 *
 *	ABCD  big-endian, high word first    registers AB CD
 *	CDAB  word-swapped (low word first)  registers CD AB
 *	BADC  byte-swapped within each word  registers BA DC
 *	DCBA  fully reversed (little-endian) registers DC BA
 *
 * This is the meaning of Telegraf's byte_order, of Home Assistant's swap
 * (none, word, byte, word_byte = ABCD, CDAB, BADC, DCBA) and of libmodbus'
 * modbus_get_float_abcd/cdab/badc/dcba in 3.1.6 and 3.1.7 (the
 * float 123456.0, 0x47F12000, is 47F1 2000 in ABCD). wardend does not call
 * libmodbus for this: its setters in 3.1.6 (Debian 12) do not round-trip
 * with its getters (libmodbus issue #611) and 3.1.8 changed the getters
 * (#665, #838), so the same config would mean different registers with
 * different library versions. The unit tests pin the orders to byte
 * patterns. config_load() refuses a byte_order on 16-bit types.
 *
 * Rounding from engineering to raw (point_raw), as a plant engineer
 * computes it on paper: the nearest raw value, halves away from zero
 * (scale 0.1: 12.34 -> 123, 12.35 -> 124, -12.35 -> -124). A quotient
 * only a rounding error away from a half counts as the half, so binary
 * fractions do not decide (0.15 / 0.1 is 1.4999999999999998 in doubles,
 * and gives 2). float32 points round to the nearest float.
 */
#ifndef WARDEN_POINT_H
#define WARDEN_POINT_H

#include <stdint.h>

#include "config.h"

/* 1 when the point lives in a bit table (coil, discrete input). */
int point_is_bit(const struct config_point *pt);

/*
 * Raw value <-> the point's registers in host order, width of them (as
 * from modbus_read_registers). For a bool point on a bit table, words[0]
 * holds the bit. point_encode requires a raw value point_raw_valid accepts.
 */
double point_decode(const struct config_point *pt, const uint16_t *words);
void point_encode(const struct config_point *pt, double raw, uint16_t *words);

/*
 * Raw value <-> the point's place in a request's or answer's data as on
 * the wire: big-endian registers, or bits packed LSB first (fc 1, 2, 15),
 * where the data starts at address start. The point must lie wholly
 * inside the data; the caller checks that.
 */
double point_get_raw(const struct config_point *pt, const uint8_t *data,
    uint16_t start);
void point_put_raw(const struct config_point *pt, double raw, uint8_t *data,
    uint16_t start);

/* 1 when raw is a value the point's type can hold. */
int point_raw_valid(const struct config_point *pt, double raw);

/* Raw -> engineering value. */
double point_value(const struct config_point *pt, double raw);

/*
 * Engineering -> raw value, rounded as described above. Returns 0, or -1
 * when value is not finite or its raw value is outside the type's range
 * (*raw is then untouched).
 */
int point_raw(const struct config_point *pt, double value, double *raw);

/* Engineering value -> the point's registers (point_raw, then
 * point_encode): what a safe-state write sends. 0, or -1 as point_raw. */
int point_encode_value(const struct config_point *pt, double value,
    uint16_t *words);

/*
 * Limits in the raw domain. The raw values whose engineering values lie
 * inside a limit form an interval of raw values (raw -> engineering is
 * monotone), so a limit is turned into one (a few divisions, per
 * decision) and the raw value a request carries is compared with it
 * exactly: no slack in engineering
 * units decides at the edge, at 0 or at the extremes.
 *
 * Where a limit falls between raw values: an integer type takes the raw
 * values strictly inside, except that a quotient (limit - offset) / scale
 * within the rounding error of its own computation (a few ulps of
 * (|limit| + |offset|) / |scale|) of an integer counts as that integer, so
 * a decimal limit stays decimal (max 0.3 at scale 0.1 admits raw 3,
 * which is 0.30000000000000004 in doubles). A float32 takes the float
 * nearest the quotient as the limit, the float the engineer's decimal
 * becomes (max 0.3 admits 0.3f = 0.30000001192, not the float after it);
 * -0.0 is 0, so min 0 admits -0.0 and no negative float however small.
 * A quotient beyond the largest float stands for the largest float or for
 * nothing, as rounding to nearest would make it.
 */
struct point_span {
	double lo, hi;          /* raw values, inclusive; empty when lo > hi */
};

/* The raw values the type can hold whose engineering value lies within
 * [lo, hi] (either may be infinite: no limit on that side). */
struct point_span point_span_of(const struct config_point *pt, double lo,
    double hi);

/* The raw values whose engineering value is within delta (>= 0) of the
 * engineering value of every raw value in around: within max_step of the
 * last known value and of every value still in flight. */
struct point_span point_span_near(const struct config_point *pt,
    struct point_span around, double delta);

/* Both at once. */
struct point_span point_span_meet(struct point_span a, struct point_span b);

/* 1 when the span holds no raw value. */
int point_span_empty(struct point_span s);

/* 1 when every raw value in lo..hi lies in s. */
int point_span_holds(struct point_span s, double lo, double hi);

/* The raw value in s nearest raw (s not empty): what a clamp forwards. */
double point_span_clamp(struct point_span s, double raw);

const char *point_order_name(enum point_order order);

#endif
