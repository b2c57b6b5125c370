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
 * The raw value nearest to value whose engineering value lies within
 * [lo, hi] (give or take point_slack): what a clamp forwards. Returns 0,
 * or -1 when the type has no such raw value.
 */
int point_raw_within(const struct config_point *pt, double value, double lo,
    double hi, double *raw);

/*
 * How far past a limit an engineering value near it may lie and still
 * count as on it: far less than one raw step, enough that a limit written
 * in decimal is not broken by binary representation (0.3 written as raw
 * 3 at scale 0.1 is 0.30000000000000004; 0.3 as a float32 is
 * 0.30000001192). For float32 it is half a float step at the limit.
 */
double point_slack(const struct config_point *pt, double limit);

const char *point_order_name(enum point_order order);

#endif
