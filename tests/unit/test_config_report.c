/*
 * test_config_report.c: what the loader tells a plant engineer. Shape and
 * semantic errors together in one run, without the follow-on errors a
 * refused value would cause; warnings for Modicon-style addresses; "did
 * you mean" for names; the precision of each point; the table of
 * `wardend -t`.
 */
#include "config_fixture.h"
#include "checkconf.h"

/* Exactly n errors (or warnings) in rows. */
static void assert_rows(const char *rows, size_t n)
{
	size_t got = 0;

	for (const char *c = rows; c && *c; c++)
		got += *c == '\n';
	if (got != n)
		fail_msg("expected %zu rows, got %zu:\n%s", n, got,
		    rows ? rows : "");
}

static void assert_in_file_order(const struct loaded *l)
{
	size_t len = strlen(l->path);
	int last = 0;

	for (const char *row = l->errors; row && *row;) {
		int line;
		assert_memory_equal(row, l->path, len);
		line = atoi(row + len + 1);
		assert_true(line >= last);
		last = line;
		row = strchr(row, '\n');
		row = row ? row + 1 : NULL;
	}
}

/* A file with both kinds: every one is reported, in file order. */
static void test_shape_and_semantic_errors_together(void **state)
{
	struct loaded l;

	(void)state;
	load_text(&l, BASE
	    "    port: x\n"                                          /* 10 */
	    "points:\n"
	    "  - {name: a, device: tank1, table: holding, address: 0, "
	    "scale: lots}\n"                                         /* 12 */
	    "  - {name: b, device: tank1, table: holding, address: 1, "
	    "write: {min: 5, max: 2}}\n"                             /* 13 */
	    "  - name: c\n"
	    "    device: tank1\n"
	    "    table: input\n"
	    "    address: [3]\n"                                     /* 17 */
	    "    monitor: {low: 5, high: 1}\n"                       /* 18 */
	    "takeover:\n"
	    "  ai_silence: 0s\n"                                     /* 20 */
	    "  isolate: none\n");                                    /* 21 */
	assert_error(&l, 10, "port: 'x' is not a whole number");
	assert_error(&l, 12, "scale: 'lots' is not a number");
	assert_error(&l, 13, "point 'b': min 5 > max 2");
	assert_error(&l, 17, "address: must be a whole number");
	assert_error(&l, 18, "point 'c': monitor low 5 > high 1");
	assert_error(&l, 20, "ai_silence: must be longer than 0");
	assert_error(&l, 21, "isolate: 'none' is not one of writes, all");
	assert_int_equal(error_count(&l), 7);
	assert_in_file_order(&l);
	loaded_free(&l);
}

/* Missing or refused top-level keys and lists do not stop the rest. */
static void test_missing_and_empty_do_not_stop_checks(void **state)
{
	struct loaded l;

	(void)state;
	load_text(&l, "listen: 127.0.0.1:1502\nstate_dir: /a\n"
	    "audit_log: /a/b\ncontrol: {socket: /s}\ndevices: []\n"   /* 5 */
	    "points:\n"
	    "  - {name: a, device: tank1, table: holding, address: 0, "
	    "write: {min: 5, max: 2}}\n");                           /* 7 */
	assert_error(&l, 5, "devices: needs at least 1 entry");
	assert_error(&l, 7, "point 'a': min 5 > max 2");
	/* Not "no device named 'tank1'": the list could not be read. */
	assert_int_equal(error_count(&l), 2);
	loaded_free(&l);

	load_text(&l, "state_dir: /a\naudit_log: /a/b\ncontrol: 5\n"  /* 3 */
	    "devices: [{name: d, host: h, unit_id: 1}]\n"
	    "takeover: {ai_silence: 0s}\n");                         /* 5 */
	assert_error(&l, 1, "missing required key 'listen'");
	assert_error(&l, 3, "control: must be a mapping");
	assert_error(&l, 5, "ai_silence: must be longer than 0");
	assert_int_equal(error_count(&l), 3);
	loaded_free(&l);

	/* A missing key next to a semantic error in another point. */
	load_text(&l, BASE "points:\n"
	    "  - {name: a, device: tank1, address: 0, write: {max: 7}}\n"
	    "  - {name: b, device: tank1, table: holding, address: 1, "
	    "write: {min: 5, max: 2}}\n");
	assert_error(&l, 11, "points[0]: missing required key 'table'");
	assert_error(&l, 12, "point 'b': min 5 > max 2");
	assert_int_equal(error_count(&l), 2);
	loaded_free(&l);
}

/*
 * A refused table or data type leaves the point's type unknown: nothing
 * is judged by the default that stood in (byte order, bounds, the key
 * switch, the safe value), and nothing says the key was missing.
 */
static void test_follow_on_errors_suppressed(void **state)
{
	struct loaded l;

	(void)state;
	load_text(&l, BASE "points:\n"
	    "  - {name: a, device: tank1, table: holdings, address: 0, "
	    "byte_order: CDAB, write: {max: 1000000}}\n"             /* 11 */
	    "takeover:\n"
	    "  switch: {point: a}\n"
	    "  safe_state:\n"
	    "    - {point: a, value: -5}\n");
	assert_error(&l, 11, "table: 'holdings' is not one of");
	assert_int_equal(error_count(&l), 1);
	loaded_free(&l);

	load_text(&l, BASE "points:\n"
	    "  - {name: a, device: tank1, table: holding, address: 0, "
	    "data_type: float, byte_order: CDAB, write: {min: -1}}\n");
	assert_error(&l, 11, "data_type: 'float' is not one of");
	assert_int_equal(error_count(&l), 1);
	loaded_free(&l);

	/* A malformed address: no overlap, no "missing required key". */
	load_text(&l, BASE "points:\n"
	    "  - {name: a, device: tank1, table: holding, address: x}\n"
	    "  - {name: b, device: tank1, table: holding, address: 0}\n");
	assert_error(&l, 11, "address: 'x' is not a whole number");
	assert_int_equal(error_count(&l), 1);
	loaded_free(&l);

	/* Names that could not be read may be the ones referred to. */
	load_text(&l, BASE "  - {name: [tank2], host: h, unit_id: 2}\n"
	    "points:\n"
	    "  - {name: a, device: tank2, table: coil, address: 0}\n"
	    "  - {name: {x: 1}, device: tank1, table: coil, address: 1}\n"
	    "takeover:\n"
	    "  switch: {point: key}\n");
	assert_error(&l, 10, "name: must be a single value");
	assert_error(&l, 13, "name: must be a single value");
	assert_int_equal(error_count(&l), 2);
	loaded_free(&l);

	load_text(&l, BASE "points: {a: 1}\n"
	    "takeover: {switch: {point: key}}\n");
	assert_error(&l, 10, "points: must be a list");
	assert_int_equal(error_count(&l), 1);
	loaded_free(&l);

	/* A refused entry keeps its place: later lines stay right. */
	load_text(&l, BASE "points:\n"
	    "  - 5\n"                                                /* 11 */
	    "  - {name: b, device: tank1, table: holding, address: 0, "
	    "write: {min: 5, max: 2}}\n"                             /* 12 */
	    "  - {name: c, device: tank1, table: coil, address: 0}\n"
	    "takeover:\n"
	    "  safe_state:\n"
	    "    - [c, 1]\n"                                         /* 16 */
	    "    - {point: c, value: 1}\n"
	    "    - {point: c, value: 0}\n");                         /* 18 */
	assert_error(&l, 11, "points entry: must be a mapping");
	assert_error(&l, 12, "point 'b': min 5 > max 2");
	assert_error(&l, 16, "safe_state entry: must be a mapping");
	assert_error(&l, 18, "point 'c' already has a safe value on line 17");
	assert_int_equal(error_count(&l), 4);
	loaded_free(&l);
}

static void test_modicon_warnings(void **state)
{
	struct loaded l;
	const struct config *cfg;

	(void)state;
	cfg = load_ok(&l, BASE
	    "    life_bit: {address: 40901}\n"                       /* 10 */
	    "points:\n"
	    "  - {name: level, device: tank1, table: input, address: "
	    "30013}\n"                                               /* 12 */
	    "  - {name: valve, device: tank1, table: holding, address: "
	    "40001}\n"                                               /* 13 */
	    "  - {name: high, device: tank1, table: discrete, address: "
	    "10001}\n"                                               /* 14 */
	    "  - {name: plain, device: tank1, table: holding, address: "
	    "30013}\n"
	    "  - {name: wide, device: tank1, table: holding, address: "
	    "50000}\n"
	    "  - {name: run, device: tank1, table: coil, address: 1}\n"
	    "  - {name: in4, device: tank1, table: input, address: 40001}\n"
	    "  - {name: top, device: tank1, table: input, address: "
	    "39999}\n");                                             /* 19 */
	assert_true(has_row(cfg->warnings, l.path, 10, "warning: device "
	    "'tank1': holding address 40901 looks like a Modicon reference "
	    "(4xxxx): the protocol address is usually 900"));
	assert_true(has_row(cfg->warnings, l.path, 12, "warning: point "
	    "'level': input address 30013 looks like a Modicon reference "
	    "(3xxxx): the protocol address is usually 12"));
	assert_true(has_row(cfg->warnings, l.path, 13, "warning: point "
	    "'valve': holding address 40001 looks like a Modicon reference "
	    "(4xxxx): the protocol address is usually 0"));
	assert_true(has_row(cfg->warnings, l.path, 14, "discrete address "
	    "10001 looks like a Modicon reference (1xxxx): the protocol "
	    "address is usually 0"));
	assert_true(has_row(cfg->warnings, l.path, 19, "usually 9998"));
	/* A reference of another table, past 4xxxx, or a coil: silent. */
	assert_rows(cfg->warnings, 5);
	loaded_free(&l);

	load_ok(&l, BASE);
	assert_null(l.cfg->warnings);
	loaded_free(&l);

	/* With errors, the warnings come among them, in file order. */
	load_text(&l, BASE "points:\n"
	    "  - {name: level, device: tank1, table: input, address: "
	    "30013}\n"
	    "  - {name: b, device: tank1, table: holding, address: 1, "
	    "write: {min: 5, max: 2}}\n"
	    "  - {name: c, device: tank1, table: holding, address: "
	    "400001}\n"
	    "  - {name: d, device: tank1, table: input, address: 300013}\n"
	    "  - {name: e, device: tank1, table: holding, address: "
	    "300013}\n");
	assert_error(&l, 11, "warning: point 'level': input address 30013");
	assert_error(&l, 12, "point 'b': min 5 > max 2");
	assert_error(&l, 13, "point 'c': address 400001 is out of range "
	    "0..65535; it looks like a Modicon reference (4xxxxx): the "
	    "protocol address is usually 0");
	assert_error(&l, 14, "reference (3xxxxx): the protocol address is "
	    "usually 12");
	assert_error(&l, 15, "point 'e': address 300013 is out of range "
	    "0..65535");
	assert_false(has_row(l.errors, l.path, 15, "Modicon"));
	assert_int_equal(error_count(&l), 5);
	loaded_free(&l);
}

static void test_did_you_mean(void **state)
{
	struct loaded l;

	(void)state;
	load_text(&l, BASE "points:\n"
	    "  - {name: level, device: tnak1, table: input, address: 0}\n"
	    "  - {name: key, device: tank1, table: discrete, address: 0}\n"
	    "  - {name: pump, device: tank1, table: coil, address: 0}\n"
	    "  - {name: x, device: y, table: coil, address: 1}\n"
	    "takeover:\n"
	    "  switch: {point: kye}\n"                               /* 16 */
	    "  safe_state:\n"
	    "    - {point: pmup, value: 0}\n"                        /* 18 */
	    "    - {point: nothing_like_it, value: 0}\n");          /* 19 */
	assert_error(&l, 11, "point 'level': no device named 'tnak1' (did "
	    "you mean 'tank1'?)");
	assert_error(&l, 14, "no device named 'y'");
	assert_error(&l, 16, "takeover.switch: no point named 'kye' (did you "
	    "mean 'key'?)");
	assert_error(&l, 18, "safe_state: no point named 'pmup' (did you "
	    "mean 'pump'?)");
	assert_error(&l, 19, "no point named 'nothing_like_it'");
	/* One letter is a guess, not a typo: 'y' is not 'x' misspelt. */
	assert_null(strstr(l.errors, "'y' (did"));
	assert_null(strstr(l.errors, "nothing_like_it' (did"));
	assert_int_equal(error_count(&l), 5);
	loaded_free(&l);
}

#define PREC(fields) "  - {device: tank1, " fields "}\n"

static void test_precision(void **state)
{
	static const struct { const char *name; unsigned precision; } want[] = {
		{ "level", 2 }, { "count", 0 }, { "half", 1 }, { "temp", 2 },
		{ "flow", 3 }, { "fine", 4 }, { "run", 0 }, { "shown", 1 },
		{ "third", 6 }, { "tens", 0 }, { "flat", 0 },
	};
	struct loaded l;
	const struct config *cfg;

	(void)state;
	cfg = load_ok(&l, BASE "points:\n"
	    PREC("name: level, table: input, address: 0, scale: 0.01")
	    PREC("name: count, table: input, address: 1")
	    PREC("name: half, table: input, address: 2, scale: 0.5")
	    PREC("name: temp, table: input, address: 3, scale: 0.1, "
	    "offset: -273.15")
	    PREC("name: flow, table: input, address: 4, data_type: float32")
	    PREC("name: fine, table: input, address: 6, data_type: float32, "
	    "scale: 0.0001")
	    PREC("name: run, table: coil, address: 0")
	    PREC("name: shown, table: input, address: 8, scale: 0.01, "
	    "precision: 1")
	    PREC("name: third, table: input, address: 9, "
	    "scale: 0.333333333333")
	    PREC("name: tens, table: input, address: 10, scale: 10")
	    PREC("name: flat, table: input, address: 11, data_type: float32, "
	    "precision: 0"));
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct config_point *p = config_point_by_name(cfg,
		    want[i].name);
		assert_non_null(p);
		if (p->precision != want[i].precision)
			fail_msg("%s: precision %u, wanted %u", want[i].name,
			    p->precision, want[i].precision);
	}
	loaded_free(&l);

	expect_error(BASE "points:\n" PREC("name: a, table: holding, "
	    "address: 0, precision: 11"), 11,
	    "point 'a': precision: 11 is out of range 0..10");
	expect_error(BASE "points:\n" PREC("name: a, table: holding, "
	    "address: 0, precision: -1"), 11, "out of range 0..10");
	expect_error(BASE "points:\n" PREC("name: a, table: coil, "
	    "address: 0, precision: 1"), 11,
	    "precision: a bool point shows 0 or 1");
	expect_error(BASE "points:\n" PREC("name: a, table: holding, "
	    "address: 0, precision: two"), 11,
	    "precision: 'two' is not a whole number");
}

/* The rows of wardend -t, whole: every cell an engineer checks. */
static void test_checkconf_table(void **state)
{
	struct loaded l;
	char *out = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	load_ok(&l, BASE "points:\n"
	    PREC("name: valve, table: holding, address: 0, scale: 0.1, "
	    "unit: '%', write: {min: 0.25, max: 100, max_step: 20, "
	    "on_violation: clamp}")
	    PREC("name: setpoint, table: holding, address: 10, data_type: "
	    "float32, byte_order: CDAB, offset: -5, unit: m, write: "
	    "{min: -1, max: 5, max_rate: 1, min_interval: 200ms}")
	    PREC("name: level, table: input, address: 0, scale: 0.01, "
	    "unit: m, precision: 1, monitor: {low: 0.5, high_high: 4.8, "
	    "delay: 500ms}")
	    PREC("name: key, table: discrete, address: 0"));
	f = open_memstream(&out, &len);
	assert_non_null(f);
	checkconf_print(l.cfg, f);
	fclose(f);
	assert_string_equal(out,
	    "configuration OK\n"
	    "mode enforce, 1 devices, 4 points\n"
	    "point    device table     addr type    unit order scale offset "
	    "prec limits\n"
	    "valve    tank1  holding      0 uint16  %    -       0.1      0 "
	    "   1 write min=0.25 max=100.0 step=20.0 clamp\n"
	    "setpoint tank1  holding     10 float32 m    CDAB      1     -5 "
	    "   3 write min=-1.000 max=5.000 rate=1.000/s interval=0.2s "
	    "reject\n"
	    "level    tank1  input        0 uint16  m    -      0.01      0 "
	    "   1 read-only  monitor L=0.5 HH=4.8 delay=0.5s\n"
	    "key      tank1  discrete     0 bool    -    -         1      0 "
	    "   0 read-only\n");
	free(out);
	loaded_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shape_and_semantic_errors_together),
		cmocka_unit_test(test_missing_and_empty_do_not_stop_checks),
		cmocka_unit_test(test_follow_on_errors_suppressed),
		cmocka_unit_test(test_modicon_warnings),
		cmocka_unit_test(test_did_you_mean),
		cmocka_unit_test(test_precision),
		cmocka_unit_test(test_checkconf_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
