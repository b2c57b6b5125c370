/*
 * test_learn_render.c: requests into the learning table
 * (learn_observe.c) and the proposal made of it (learn_render.c), each
 * proposal loaded again through config_load(): the round trip that
 * `wardend -t` makes of `wardenctl learn`'s output. The margin's
 * arithmetic, constant values, the type's bounds, bools, the 32-bit
 * guess and when it is not made, read-only addresses, the points of the
 * config in force, function codes, writes in one instant, a full table.
 */
#include <math.h>

#include "config_fixture.h"
#include "mbap_fixture.h"

#include "buf.h"
#include "json.h"
#include "learn_json.h"
#include "learn_observe.h"
#include "learn_render.h"

#define T0 1800000000.0

#define MONITOR BASE "mode: monitor\n"

struct run {
	struct loaded in, out;
	struct learn_table *t;
	struct buf text;
	const struct config *cfg;       /* the proposal, loaded */
};

static void
run_start(struct run *r, const char *yaml, size_t capacity)
{
	memset(r, 0, sizeof *r);
	load_ok(&r->in, yaml);
	r->t = learn_table_new(capacity, T0);
	assert_non_null(r->t);
	assert_int_equal(buf_init(&r->text, 4096), 0);
}

static void
feed(struct run *r, const uint8_t *pdu, size_t len, double now)
{
	struct adu adu;
	struct mbap_request req;

	adu_build(&adu, 1, 1, pdu, len);
	assert_int_equal(mbap_decode_request(adu.bytes, adu.len, &req), 0);
	learn_observe(r->t, r->in.cfg, 0, &req, now);
}

static void
write_register(struct run *r, uint16_t address, uint16_t value, double now)
{
	uint8_t pdu[8];

	feed(r, pdu, pdu_two_fields(pdu, 6, address, value), now);
}

static void
write_two(struct run *r, uint16_t address, uint16_t hi, uint16_t lo,
    double now)
{
	uint8_t pdu[16] = { 16 };

	mbap_put_u16(pdu + 1, address);
	mbap_put_u16(pdu + 3, 2);
	pdu[5] = 4;
	mbap_put_u16(pdu + 6, hi);
	mbap_put_u16(pdu + 8, lo);
	feed(r, pdu, 10, now);
}

static void
read_registers(struct run *r, uint16_t address, uint16_t quantity)
{
	uint8_t pdu[8];

	feed(r, pdu, pdu_two_fields(pdu, 3, address, quantity), T0);
}

/* Render with margin, check that the proposal loads; its text is
 * r->text.data (NUL-terminated). */
static const char *
render(struct run *r, double margin)
{
	assert_int_equal(learn_render(r->in.cfg, r->t, margin, T0 + 100,
	    &r->text), 0);
	assert_int_equal(buf_append(&r->text, "", 1), 0);
	load_text(&r->out, (const char *)r->text.data);
	if (r->out.cfg == NULL)
		fail_msg("the proposal does not load:\n%s\n---\n%s",
		    r->out.errors, (const char *)r->text.data);
	r->cfg = r->out.cfg;
	return (const char *)r->text.data;
}

static void
run_end(struct run *r)
{
	loaded_free(&r->in);
	loaded_free(&r->out);
	learn_table_free(r->t);
	buf_free(&r->text);
}

static const struct config_write *
written(const struct config *cfg, const char *name)
{
	const struct config_point *pt = config_point_by_name(cfg, name);

	if (pt == NULL)
		fail_msg("no point %s", name);
	assert_true(pt->writable);
	return &pt->write;
}

/* 500, 520, 490: span 30, widened 3 each side; step 30 and rate 40/s
 * up by 10 %; the shortest interval, 0.5 s, down by 10 %. */
static void
test_margin_of_the_span(void **state)
{
	struct run r;
	const struct config_write *w;
	const char *text;

	(void)state;
	run_start(&r, MONITOR, 64);
	write_register(&r, 0, 500, T0);
	write_register(&r, 0, 520, T0 + 0.5);
	write_register(&r, 0, 490, T0 + 1.5);
	text = render(&r, 0.1);
	assert_int_equal(r.cfg->mode, MODE_ENFORCE);
	w = written(r.cfg, "tank1_holding_0");
	assert_true(w->has_min && w->min == 487);
	assert_true(w->has_max && w->max == 523);
	assert_true(w->has_max_step && w->max_step == 33);
	assert_true(w->has_max_rate && w->max_rate == 44);
	assert_true(w->has_min_interval && fabs(w->min_interval - 0.45) <
	    1e-9);
	assert_int_equal(w->on_violation, VIOLATION_REJECT);
	assert_non_null(strstr(text, "# learned: 3 writes (fc 6) since "
	    "2027-01-15T08:00:00Z, min 490, max 520"));
	assert_non_null(strstr(text, "min: 487    # observed 490"));
	assert_int_equal(config_point_by_name(r.cfg, "tank1_holding_0")->type,
	    TYPE_UINT16);
	run_end(&r);
}

/* The AI read the valve, 500, then wrote 550: max_step is learned from
 * that step too, as max_step judges against the value known. */
static void
test_step_from_answer(void **state)
{
	struct run r;
	struct adu adu;
	struct mbap_request req;
	struct mbap_response resp;
	uint8_t pdu[8], answer[] = { 0, 1, 0, 0, 0, 5, 1, 3, 2, 0x01, 0xF4 };
	struct mbap_expect exp;

	(void)state;
	run_start(&r, MONITOR, 64);
	adu_build(&adu, 1, 1, pdu, pdu_two_fields(pdu, 3, 0, 1));
	assert_int_equal(mbap_decode_request(adu.bytes, adu.len, &req), 0);
	learn_observe(r.t, r.in.cfg, 0, &req, T0);
	mbap_expect_of(&req, &exp);
	assert_int_equal(mbap_check_response(&exp, answer, sizeof answer,
	    &resp), 0);
	learn_observe_answer(r.t, r.in.cfg, 0, &req, &resp, T0);
	write_register(&r, 0, 550, T0 + 1);
	render(&r, 0);
	assert_true(written(r.cfg, "tank1_holding_0")->max_step == 50);
	run_end(&r);
}

/* Margin 0: the limits are what was observed, rounded outward. */
static void
test_margin_zero(void **state)
{
	struct run r;
	const struct config_write *w;

	(void)state;
	run_start(&r, MONITOR, 64);
	write_register(&r, 0, 500, T0);
	write_register(&r, 0, 520, T0 + 0.25);
	render(&r, 0);
	w = written(r.cfg, "tank1_holding_0");
	assert_true(w->min == 500 && w->max == 520);
	assert_true(w->max_step == 20 && w->max_rate == 80);
	assert_true(fabs(w->min_interval - 0.25) < 1e-9);
	run_end(&r);
}

/* One value written again and again: widened by 10 % of itself; no step
 * or rate to propose (0 is no limit config_load takes). */
static void
test_constant_value(void **state)
{
	struct run r;
	const struct config_write *w;
	const char *text;

	(void)state;
	run_start(&r, MONITOR, 64);
	write_register(&r, 1, 1000, T0);
	write_register(&r, 1, 1000, T0 + 1);
	write_register(&r, 1, 1000, T0 + 2);
	text = render(&r, 0.1);
	w = written(r.cfg, "tank1_holding_1");
	assert_true(w->min == 900 && w->max == 1100);
	assert_false(w->has_max_step);
	assert_false(w->has_max_rate);
	assert_true(w->has_min_interval && fabs(w->min_interval - 0.9) <
	    1e-9);
	assert_non_null(strstr(text, "# max_step: none, every write was the "
	    "same value"));
	run_end(&r);
}

/* Widened past what a uint16 holds: kept to 0..65535. */
static void
test_type_bounds(void **state)
{
	struct run r;
	const struct config_write *w;

	(void)state;
	run_start(&r, MONITOR, 64);
	write_register(&r, 2, 0, T0);
	write_register(&r, 2, 65535, T0 + 1);
	render(&r, 0.5);
	w = written(r.cfg, "tank1_holding_2");
	assert_true(w->min == 0 && w->max == 65535);
	run_end(&r);
}

/* Two different values in the same instant: no max_rate, no
 * min_interval (0 ms), and the proposal still loads. */
static void
test_same_instant(void **state)
{
	struct run r;
	const struct config_write *w;
	const char *text;

	(void)state;
	run_start(&r, MONITOR, 64);
	write_register(&r, 3, 10, T0);
	write_register(&r, 3, 20, T0);
	text = render(&r, 0.1);
	w = written(r.cfg, "tank1_holding_3");
	assert_false(w->has_max_rate);
	assert_false(w->has_min_interval);
	assert_true(w->has_max_step && w->max_step == 11);
	assert_non_null(strstr(text, "# max_rate: none, two different values "
	    "were written in the same instant"));
	assert_non_null(strstr(text, "# min_interval: none, two writes came "
	    "0.0ms apart"));
	run_end(&r);
}

/* A coil written on: a bool point, its bounds the values seen. */
static void
test_coil(void **state)
{
	struct run r;
	const struct config_point *pt;
	uint8_t pdu[8];

	(void)state;
	run_start(&r, MONITOR, 64);
	feed(&r, pdu, pdu_two_fields(pdu, 5, 4, 0xFF00), T0);
	feed(&r, pdu, pdu_two_fields(pdu, 5, 4, 0xFF00), T0 + 2);
	render(&r, 0.1);
	pt = config_point_by_name(r.cfg, "tank1_coil_4");
	assert_non_null(pt);
	assert_int_equal(pt->type, TYPE_BOOL);
	assert_true(pt->write.min == 1 && pt->write.max == 1);
	assert_false(pt->write.has_max_step);
	run_end(&r);
}

/* Every write to 10-11 one fc 16 of the two: a 32-bit point, said to be
 * a guess. 20-21 also written one by one: two 16-bit points. */
static void
test_pair_guess(void **state)
{
	struct run r;
	const struct config_point *pt;
	const char *text;

	(void)state;
	run_start(&r, MONITOR, 64);
	write_two(&r, 10, 1, 0, T0);            /* 65536 */
	write_two(&r, 10, 1, 100, T0 + 1);      /* 65636 */
	write_two(&r, 20, 0, 5, T0);
	write_register(&r, 20, 7, T0 + 1);
	text = render(&r, 0);
	pt = config_point_by_name(r.cfg, "tank1_holding_10");
	assert_non_null(pt);
	assert_int_equal(pt->type, TYPE_UINT32);
	assert_int_equal(pt->width, 2);
	assert_true(pt->write.min == 65536 && pt->write.max == 65636);
	assert_null(config_point_by_name(r.cfg, "tank1_holding_11"));
	assert_non_null(strstr(text, "data_type: uint32    # guess"));
	assert_int_equal(config_point_by_name(r.cfg, "tank1_holding_20")->type,
	    TYPE_UINT16);
	assert_int_equal(config_point_by_name(r.cfg, "tank1_holding_21")->type,
	    TYPE_UINT16);
	run_end(&r);
}

/* Read only: commented out under reads: any; points under reads:
 * declared, so that the AI's reads still pass. */
static void
test_read_only(void **state)
{
	struct run r;
	const char *text;

	(void)state;
	run_start(&r, MONITOR, 64);
	read_registers(&r, 5, 2);
	write_register(&r, 9, 1, T0);
	text = render(&r, 0.1);
	assert_non_null(strstr(text, "  # - name: \"tank1_holding_5\"\n"));
	assert_non_null(strstr(text, "  # read 1 time (fc 3) since"));
	assert_null(config_point_by_name(r.cfg, "tank1_holding_5"));
	run_end(&r);

	run_start(&r, MONITOR "reads: declared\n", 64);
	read_registers(&r, 5, 2);
	render(&r, 0.1);
	assert_non_null(config_point_by_name(r.cfg, "tank1_holding_5"));
	assert_non_null(config_point_by_name(r.cfg, "tank1_holding_6"));
	assert_false(config_point_by_name(r.cfg, "tank1_holding_6")->writable);
	run_end(&r);
}

#define POINTS \
	"points:\n" \
	"  - name: valve\n" \
	"    device: tank1\n" \
	"    table: holding\n" \
	"    address: 0\n" \
	"    scale: 0.1\n" \
	"    unit: \"%\"\n" \
	"    write: {min: 0, max: 50, max_step: 20, on_violation: clamp}\n" \
	"  - name: pump_speed\n" \
	"    device: tank1\n" \
	"    table: holding\n" \
	"    address: 1\n" \
	"    scale: 0.1\n" \
	"  - name: level\n" \
	"    device: tank1\n" \
	"    table: input\n" \
	"    address: 0\n" \
	"    data_type: int16\n" \
	"    monitor: {low: 0.5, high_high: 4.8, delay: 500ms}\n" \
	"  - name: flow\n" \
	"    device: tank1\n" \
	"    table: holding\n" \
	"    address: 30\n" \
	"    data_type: float32\n" \
	"    byte_order: CDAB\n" \
	"takeover:\n" \
	"  ai_silence: 5s\n" \
	"  safe_state:\n" \
	"    - {point: valve, value: 0}\n"

/* The points of the config in force stay as they are (a comment when
 * what the AI did breaks their limits); one written without write: gets
 * learned limits in engineering units; the rest of the file is kept. */
static void
test_config_points(void **state)
{
	struct run r;
	const struct config_point *pt;
	const char *text;

	(void)state;
	run_start(&r, MONITOR "# the engineer's comment\n" POINTS, 64);
	write_register(&r, 0, 600, T0);         /* valve 60.0 */
	write_register(&r, 1, 500, T0);         /* pump_speed 50.0 */
	write_register(&r, 1, 520, T0 + 1);     /* 52.0 */
	write_register(&r, 30, 1, T0);          /* half of flow */
	read_registers(&r, 0, 2);
	text = render(&r, 0.1);
	assert_non_null(strstr(text, "# the engineer's comment\n"));
	assert_non_null(strstr(text, "# learned: max 60 observed is above "
	    "max 50: enforce would refuse those writes"));
	assert_non_null(strstr(text, "; 1 write of part of a 32-bit point"));
	pt = config_point_by_name(r.cfg, "valve");
	assert_true(pt->write.min == 0 && pt->write.max == 50);
	assert_true(pt->write.max_step == 20);
	assert_int_equal(pt->write.on_violation, VIOLATION_CLAMP);
	assert_string_equal(pt->unit, "%");
	pt = config_point_by_name(r.cfg, "pump_speed");
	assert_true(pt->writable);
	assert_true(fabs(pt->write.min - 49.8) < 1e-9);
	assert_true(fabs(pt->write.max - 52.2) < 1e-9);
	assert_true(fabs(pt->write.max_step - 2.2) < 1e-9);
	pt = config_point_by_name(r.cfg, "level");
	assert_int_equal(pt->type, TYPE_INT16);
	assert_true(pt->monitored && pt->monitor.has_low &&
	    pt->monitor.low == 0.5 && pt->monitor.delay == 0.5);
	pt = config_point_by_name(r.cfg, "flow");
	assert_int_equal(pt->order, ORDER_CDAB);
	assert_false(pt->writable);
	assert_null(config_point_by_name(r.cfg, "tank1_holding_30"));
	assert_int_equal(r.cfg->takeover.n_safe_state, 1);
	assert_true(r.cfg->takeover.ai_silence == 5);
	assert_int_equal(r.cfg->n_points, 4);
	run_end(&r);
}

/* Functions beyond the standard ones: the used stay, the unused go. */
static void
test_functions(void **state)
{
	struct run r;
	const char *text;
	uint8_t pdu[] = { 0x2B, 0x0E, 0x01, 0x00 };

	(void)state;
	/* The last line a comment without its newline, in a block written
	 * anew: kept, and what is added after it is not commented out. */
	run_start(&r, MONITOR "allow_functions: [43, 8]\n# the end", 64);
	feed(&r, pdu, sizeof pdu, T0);
	write_register(&r, 0, 1, T0);
	text = render(&r, 0.1);
	assert_non_null(strstr(text, "allow_functions: [43]\n"));
	assert_non_null(strstr(text, "# left out, never used: 8\n"));
	assert_non_null(strstr(text, "# the end\npoints:\n"));
	assert_int_equal(r.cfg->allow_functions[43], 1);
	assert_int_equal(r.cfg->allow_functions[8], 0);
	run_end(&r);
}

/* A table too small for the traffic: the header says what was not kept,
 * and what was not kept is no point. */
static void
test_full_table(void **state)
{
	struct run r;
	const char *text;
	uint16_t a;

	(void)state;
	run_start(&r, MONITOR, 4);
	for (a = 0; a < 10; a++)
		write_register(&r, a, a, T0);
	text = render(&r, 0.1);
	assert_non_null(strstr(text, "the table was full: 0 reads and 6 "
	    "writes of other addresses were not kept"));
	assert_int_equal(r.cfg->n_points, 4);
	run_end(&r);
}

/* Nothing but reads under reads: any: points is an empty list, not
 * null. */
static void
test_no_points(void **state)
{
	struct run r;
	const char *text;

	(void)state;
	run_start(&r, MONITOR, 64);
	read_registers(&r, 0, 1);
	text = render(&r, 0.1);
	assert_non_null(strstr(text, "  []\n"));
	assert_int_equal(r.cfg->n_points, 0);
	run_end(&r);
}

/* The statistics as JSON: valid, each member there when something is
 * behind it, the point named where there is one. */
static void
test_json(void **state)
{
	struct run r;
	struct json j;
	struct json_value root, entries, v;
	struct json_iter it;
	struct json_member m;
	const char *why;
	size_t at, n = 0;
	uint64_t u;

	(void)state;
	run_start(&r, MONITOR POINTS, 64);
	write_register(&r, 1, 500, T0);
	write_register(&r, 1, 520, T0 + 1);
	read_registers(&r, 7, 1);
	json_init(&j);
	json_object_begin(&j);
	assert_int_equal(learn_json(r.in.cfg, r.t, &j), 0);
	json_object_end(&j);
	assert_false(json_failed(&j));
	assert_int_equal(json_parse(j.data, j.len, &root, &at, &why), 0);
	assert_int_equal(json_object_get(&root, "requests", &v), 0);
	assert_int_equal(json_get_uint64(&v, &u), 0);
	assert_int_equal(u, 3);
	assert_non_null(strstr(j.data, "\"functions\":{\"3\":1,\"6\":2}"));
	assert_non_null(strstr(j.data, "{\"device\":\"tank1\",\"table\":"
	    "\"holding\",\"address\":1,\"width\":1,\"point\":"
	    "\"pump_speed\",\"reads\":0,\"writes\":2,\"read_functions\":[],"
	    "\"write_functions\":[6],\"first\":1800000000,\"min\":500,"
	    "\"max\":520,\"max_step\":20,\"max_rate\":20,"
	    "\"rate_unbounded\":false,\"min_interval\":1}"));
	assert_non_null(strstr(j.data, "\"address\":7,\"width\":1,"
	    "\"reads\":1,\"writes\":0,\"read_functions\":[3],"
	    "\"write_functions\":[],\"first\":1800000000}"));
	assert_int_equal(json_object_get(&root, "entries", &entries), 0);
	json_iter_init(&it, &entries);
	while (json_iter_next(&it, &m))
		n++;
	assert_int_equal(n, 2);
	json_free(&j);
	run_end(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_margin_of_the_span),
		cmocka_unit_test(test_margin_zero),
		cmocka_unit_test(test_step_from_answer),
		cmocka_unit_test(test_constant_value),
		cmocka_unit_test(test_type_bounds),
		cmocka_unit_test(test_same_instant),
		cmocka_unit_test(test_coil),
		cmocka_unit_test(test_pair_guess),
		cmocka_unit_test(test_read_only),
		cmocka_unit_test(test_config_points),
		cmocka_unit_test(test_functions),
		cmocka_unit_test(test_full_table),
		cmocka_unit_test(test_no_points),
		cmocka_unit_test(test_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
