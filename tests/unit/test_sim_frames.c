/*
 * test_sim_frames.c: plcsim's own framing and its register-map holes,
 * the parts of the simulated PLC that every integration test trusts.
 * Edges first: the MBAP header's bounds, each function's shape, a hole's
 * first and last address, both ranges of fc 23.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <modbus.h>

#include "mbap_fixture.h"
#include "../../simulators/holes.h"
#include "../../simulators/mbframe.h"

/* The ADU of pdu (tid 1, unit 1) in a, its length returned. */
static size_t
adu_of(struct adu *a, const uint8_t *pdu, size_t pdu_len)
{
	adu_build(a, 1, 1, pdu, pdu_len);
	return a->len;
}

static void
test_next_bounds(void **state)
{
	uint8_t buf[300] = { 0, 1, 0, 0, 0, 2, 1, 3 };
	size_t len = 0;

	(void)state;
	assert_int_equal(mbframe_next(buf, 5, &len), MBFRAME_NEED_MORE);
	assert_int_equal(mbframe_next(buf, 7, &len), MBFRAME_NEED_MORE);
	assert_int_equal(mbframe_next(buf, 8, &len), MBFRAME_OK);
	assert_int_equal(len, 8);
	buf[5] = 1;                     /* length 1: no function code */
	assert_int_equal(mbframe_next(buf, 8, &len), MBFRAME_BAD);
	buf[5] = 254;                   /* the largest PDU */
	assert_int_equal(mbframe_next(buf, 259, &len), MBFRAME_NEED_MORE);
	assert_int_equal(mbframe_next(buf, 260, &len), MBFRAME_OK);
	assert_int_equal(len, 260);
	buf[5] = 255;
	assert_int_equal(mbframe_next(buf, 261, &len), MBFRAME_BAD);
	buf[5] = 2;
	buf[3] = 1;                     /* protocol id 1 */
	assert_int_equal(mbframe_next(buf, 8, &len), MBFRAME_BAD);
}

static void
test_check_shapes(void **state)
{
	struct adu adu;
	const uint8_t read_ok[] = { 3, 0, 0, 0, 125 };
	const uint8_t read_too_many[] = { 3, 0, 0, 0, 126 };
	const uint8_t read_none[] = { 4, 0, 0, 0, 0 };
	const uint8_t bits_max[] = { 1, 0, 0, 0x07, 0xd0 };     /* 2000 */
	const uint8_t single[] = { 6, 0, 1, 0, 9 };
	const uint8_t single_short[] = { 6, 0, 1, 0 };
	const uint8_t multiple[] = { 16, 0, 0, 0, 2, 4, 0, 1, 0, 2 };
	const uint8_t multiple_bad_count[] = { 16, 0, 0, 0, 2, 3, 0, 1, 0 };
	const uint8_t diagnostics[] = { 8, 0, 0, 0, 0 };

	(void)state;
	assert_int_equal(mbframe_check(adu.bytes, adu_of(&adu, read_ok,
	    sizeof(read_ok))), 0);
	assert_int_equal(mbframe_check(adu.bytes, adu_of(&adu, read_too_many,
	    sizeof(read_too_many))), MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE);
	assert_int_equal(mbframe_check(adu.bytes, adu_of(&adu, read_none,
	    sizeof(read_none))), MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE);
	assert_int_equal(mbframe_check(adu.bytes, adu_of(&adu, bits_max,
	    sizeof(bits_max))), 0);
	assert_int_equal(mbframe_check(adu.bytes, adu_of(&adu, single,
	    sizeof(single))), 0);
	assert_int_equal(mbframe_check(adu.bytes, adu_of(&adu, single_short,
	    sizeof(single_short))), MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE);
	assert_int_equal(mbframe_check(adu.bytes, adu_of(&adu, multiple,
	    sizeof(multiple))), 0);
	assert_int_equal(mbframe_check(adu.bytes, adu_of(&adu,
	    multiple_bad_count, sizeof(multiple_bad_count))),
	    MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE);
	assert_int_equal(mbframe_check(adu.bytes, adu_of(&adu, diagnostics,
	    sizeof(diagnostics))), MODBUS_EXCEPTION_ILLEGAL_FUNCTION);
}

static void
test_holes_parse(void **state)
{
	struct holes h;
	int i;

	(void)state;
	memset(&h, 0, sizeof(h));
	assert_int_equal(holes_add(&h, "input:3-9"), 0);
	assert_int_equal(h.hole[0].table, HOLES_INPUT);
	assert_int_equal(h.hole[0].first, 3);
	assert_int_equal(h.hole[0].last, 9);
	assert_int_equal(holes_add(&h, "holding:65535"), 0);
	assert_int_equal(h.hole[1].first, 65535);
	assert_int_equal(h.hole[1].last, 65535);
	assert_int_equal(holes_add(&h, "coil:0-0"), 0);
	assert_int_equal(h.n, 3);
	assert_int_equal(holes_add(&h, "input:9-3"), -1);       /* backwards */
	assert_int_equal(holes_add(&h, "inputs:3"), -1);
	assert_int_equal(holes_add(&h, "input"), -1);
	assert_int_equal(holes_add(&h, "input:"), -1);
	assert_int_equal(holes_add(&h, "input:-3"), -1);
	assert_int_equal(holes_add(&h, "input:3-"), -1);
	assert_int_equal(holes_add(&h, "input:65536"), -1);
	assert_int_equal(holes_add(&h, ":3"), -1);
	assert_int_equal(h.n, 3);
	for (i = 3; i < HOLES_MAX; i++)
		assert_int_equal(holes_add(&h, "discrete:1"), 0);
	assert_int_equal(holes_add(&h, "discrete:2"), -1);      /* full */
}

static int
hole_answer(const struct holes *h, const uint8_t *pdu, size_t len)
{
	struct adu adu;

	return holes_check(h, adu.bytes, adu_of(&adu, pdu, len));
}

static void
test_holes_check(void **state)
{
	struct holes h;
	const uint8_t read_0_3[] = { 4, 0, 0, 0, 3 };           /* 0-2 */
	const uint8_t read_0_4[] = { 4, 0, 0, 0, 4 };           /* 0-3 */
	const uint8_t read_10_2[] = { 4, 0, 10, 0, 2 };         /* 10-11 */
	const uint8_t read_9_1[] = { 4, 0, 9, 0, 1 };
	const uint8_t holding_read_0_12[] = { 3, 0, 0, 0, 12 };
	const uint8_t write_5[] = { 6, 0, 5, 0, 1 };
	const uint8_t write_4[] = { 6, 0, 4, 0, 1 };
	const uint8_t mask_5[] = { 22, 0, 5, 0, 0, 0, 1 };
	/* fc 23: read holding 0-1, write holding 5: the write range hits. */
	const uint8_t wr_5[] = { 23, 0, 0, 0, 2, 0, 5, 0, 1, 2, 0, 1 };
	const uint8_t wr_6[] = { 23, 0, 0, 0, 2, 0, 6, 0, 1, 2, 0, 1 };
	const uint8_t coils_0_8[] = { 15, 0, 0, 0, 8, 1, 0xff };

	(void)state;
	memset(&h, 0, sizeof(h));
	assert_int_equal(hole_answer(&h, read_0_4, sizeof(read_0_4)), 0);
	assert_int_equal(holes_add(&h, "input:3-9"), 0);
	assert_int_equal(holes_add(&h, "holding:5"), 0);
	assert_int_equal(holes_add(&h, "coil:7"), 0);
	assert_int_equal(hole_answer(&h, read_0_3, sizeof(read_0_3)), 0);
	assert_int_equal(hole_answer(&h, read_0_4, sizeof(read_0_4)),
	    MODBUS_EXCEPTION_ILLEGAL_DATA_ADDRESS);
	assert_int_equal(hole_answer(&h, read_9_1, sizeof(read_9_1)),
	    MODBUS_EXCEPTION_ILLEGAL_DATA_ADDRESS);
	assert_int_equal(hole_answer(&h, read_10_2, sizeof(read_10_2)), 0);
	/* The same addresses of another table are there. */
	assert_int_equal(hole_answer(&h, write_4, sizeof(write_4)), 0);
	assert_int_equal(hole_answer(&h, holding_read_0_12,
	    sizeof(holding_read_0_12)), MODBUS_EXCEPTION_ILLEGAL_DATA_ADDRESS);
	assert_int_equal(hole_answer(&h, write_5, sizeof(write_5)),
	    MODBUS_EXCEPTION_ILLEGAL_DATA_ADDRESS);
	assert_int_equal(hole_answer(&h, mask_5, sizeof(mask_5)),
	    MODBUS_EXCEPTION_ILLEGAL_DATA_ADDRESS);
	assert_int_equal(hole_answer(&h, wr_5, sizeof(wr_5)),
	    MODBUS_EXCEPTION_ILLEGAL_DATA_ADDRESS);
	assert_int_equal(hole_answer(&h, wr_6, sizeof(wr_6)), 0);
	assert_int_equal(hole_answer(&h, coils_0_8, sizeof(coils_0_8)),
	    MODBUS_EXCEPTION_ILLEGAL_DATA_ADDRESS);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_next_bounds),
		cmocka_unit_test(test_check_shapes),
		cmocka_unit_test(test_holes_parse),
		cmocka_unit_test(test_holes_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
