/*
 * test_config_serial.c: serial: of a device (config_serial.c). Edge
 * cases first: neither host nor serial, both, each key out of range,
 * the broadcast unit, two devices on one port that disagree or share a
 * unit id; then the defaults and every key read back.
 */
#include "config_fixture.h"
#include "checkconf.h"

/* Line 10 onwards: a second device, on a serial line. */
#define SERIAL_DEV(extra) \
	BASE \
	"  - name: rtu1\n" \
	"    unit_id: 2\n" \
	"    serial:\n" \
	"      port: /dev/ttyUSB0\n" \
	extra

static void
test_neither_host_nor_serial(void **state)
{
	(void)state;
	expect_error(BASE "  - name: b\n    unit_id: 2\n", 10,
	    "device 'b': missing required key 'host' (or serial: for a "
	    "device on a serial line)");
}

static void
test_host_and_serial_are_exclusive(void **state)
{
	(void)state;
	expect_error(SERIAL_DEV("    host: 10.0.0.1\n"), 14,
	    "host: and serial: both given");
	expect_error(SERIAL_DEV("    port: 502\n"), 14,
	    "a serial device's tty is serial.port");
	expect_error(SERIAL_DEV("    connections: 2\n"), 14,
	    "connections: a serial device has no connections of its own");
	expect_error(SERIAL_DEV("    pipeline: 4\n"), 14,
	    "pipeline: a serial device has no connections of its own");
}

static void
test_each_key_out_of_range(void **state)
{
	(void)state;
	expect_error(SERIAL_DEV("      baud: 19201\n"), 14,
	    "serial.baud: 19201 is not a speed of the line");
	expect_error(SERIAL_DEV("      parity: X\n"), 14,
	    "serial.parity: 'X' is not N (none), E (even) or O (odd)");
	expect_error(SERIAL_DEV("      parity: even\n"), 14,
	    "serial.parity: 'even' is not N");
	expect_error(SERIAL_DEV("      data_bits: 7\n"), 14,
	    "serial.data_bits: 7: Modbus RTU has 8 data bits");
	expect_error(SERIAL_DEV("      stop_bits: 3\n"), 14,
	    "serial.stop_bits: 3 is not 1 or 2");
	expect_error(SERIAL_DEV("      speed: 9600\n"), 14,
	    "unknown key 'speed'");
	expect_error(BASE "  - name: rtu1\n    unit_id: 2\n    serial:\n"
	    "      port: ttyUSB0\n", 13,
	    "serial.port: 'ttyUSB0' is not an absolute path");
	expect_error(BASE "  - name: rtu1\n    unit_id: 2\n    serial:\n"
	    "      baud: 9600\n", 12, "missing required key 'port'");
}

static void
test_broadcast_unit_is_refused(void **state)
{
	(void)state;
	expect_error(SERIAL_DEV("    device_unit_id: 0\n"), 14,
	    "the unit id on the serial line, 0, is not a device's address "
	    "(1..247; 0 is broadcast");
	expect_error(BASE "  - name: rtu1\n    unit_id: 0\n    serial:\n"
	    "      port: /dev/ttyUSB0\n", 11,
	    "the unit id on the serial line, 0");
	expect_error(SERIAL_DEV("    device_unit_id: 248\n"), 14,
	    "the unit id on the serial line, 248");
}

/* Lines 14-: the first device's extra keys; then a third device on the
 * same port. */
#define TWO_ON_ONE_PORT(first, second) \
	SERIAL_DEV(first) \
	"  - name: rtu2\n" \
	"    unit_id: 3\n" \
	"    serial:\n" \
	"      port: /dev/ttyUSB0\n" \
	second

static void
test_one_bus_one_setting(void **state)
{
	(void)state;
	/* The line that disagrees is named, with the device it
	 * disagrees with. */
	expect_error(TWO_ON_ONE_PORT("      baud: 9600\n",
	    "      baud: 19200\n"), 19,
	    "device 'rtu2': serial.baud: 19200 disagrees with device 'rtu1' "
	    "(line 10), 9600 there, on the same port /dev/ttyUSB0");
	/* A default that disagrees: the line of serial:. */
	expect_error(TWO_ON_ONE_PORT("      parity: N\n", ""), 17,
	    "serial.parity: E disagrees with device 'rtu1' (line 10), N "
	    "there");
	expect_error(TWO_ON_ONE_PORT("", "      rs485: true\n"), 18,
	    "serial.rs485: true disagrees");
	expect_error(TWO_ON_ONE_PORT("", "      stop_bits: 2\n"), 18,
	    "serial.stop_bits: 2 disagrees");
	expect_error(TWO_ON_ONE_PORT("", "    device_unit_id: 2\n"), 18,
	    "the unit id on the serial line, 2, is already device 'rtu1''s "
	    "(line 10) on /dev/ttyUSB0");
}

static void
test_defaults_and_every_key(void **state)
{
	struct loaded l;
	const struct config_device *d;

	(void)state;
	d = &load_ok(&l, SERIAL_DEV(""))->devices[1];
	assert_true(d->has_serial);
	assert_false(l.cfg->devices[0].has_serial);
	assert_string_equal(d->serial.port, "/dev/ttyUSB0");
	assert_int_equal(d->serial.baud, 19200);
	assert_int_equal(d->serial.parity, 'E');
	assert_int_equal(d->serial.data_bits, 8);
	assert_int_equal(d->serial.stop_bits, 1);
	assert_false(d->serial.rs485);
	assert_int_equal(d->connections, 1);
	assert_int_equal(d->pipeline, 1);
	loaded_free(&l);
	d = &load_ok(&l, TWO_ON_ONE_PORT("      baud: 115200\n"
	    "      parity: N\n      data_bits: 8\n      stop_bits: 2\n"
	    "      rs485: true\n", "      baud: 115200\n      parity: N\n"
	    "      stop_bits: 2\n      rs485: true\n"))->devices[1];
	assert_int_equal(d->serial.baud, 115200);
	assert_int_equal(d->serial.parity, 'N');
	assert_int_equal(d->serial.stop_bits, 2);
	assert_true(d->serial.rs485);
	assert_int_equal(l.cfg->devices[2].device_unit_id, 3);
	loaded_free(&l);
}

/* wardend -t: a line per bus, its devices in file order. */
static void
test_check_shows_each_bus(void **state)
{
	struct loaded l;
	char *text = NULL;
	size_t len = 0;
	FILE *out;

	(void)state;
	load_ok(&l, TWO_ON_ONE_PORT("      rs485: true\n",
	    "      rs485: true\n    device_unit_id: 7\n")
	    "  - name: meter\n    unit_id: 4\n    serial: {port: /dev/ttyS1, "
	    "baud: 115200, parity: N, stop_bits: 2}\n");
	out = open_memstream(&text, &len);
	assert_non_null(out);
	checkconf_print_serial(l.cfg, out);
	fclose(out);
	assert_string_equal(text,
	    "serial /dev/ttyUSB0 19200 8E1 rs485 silence 2.005ms devices "
	    "rtu1:2->2 rtu2:3->7\n"
	    "serial /dev/ttyS1 115200 8N2 silence 1.750ms devices "
	    "meter:4->4\n");
	free(text);
	loaded_free(&l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_neither_host_nor_serial),
		cmocka_unit_test(test_host_and_serial_are_exclusive),
		cmocka_unit_test(test_each_key_out_of_range),
		cmocka_unit_test(test_broadcast_unit_is_refused),
		cmocka_unit_test(test_one_bus_one_setting),
		cmocka_unit_test(test_defaults_and_every_key),
		cmocka_unit_test(test_check_shows_each_bus),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
