/*
 * test_sim_process.c: the simulated plant and AI every integration test
 * and the demo rest on. The tank and boiler models against their
 * documented physics (config/plcsim-registers.md), driven by the test's
 * own clock; aisim's controller inside the write limits it promises, and
 * its misbehaviours as the scenarios name them.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <modbus.h>

#include "../../simulators/model.h"
#include "../../simulators/regs.h"
#include "../../simulators/scenario.h"

#define STEP 0.05               /* plcsim steps the model every 50 ms */

struct plant {
	struct regs regs;
	struct model model;
};

static int
plant_setup(void **state)
{
	static struct plant p;

	memset(&p, 0, sizeof(p));
	if (regs_init(&p.regs) != 0)
		return -1;
	*state = &p;
	return 0;
}

static int
plant_teardown(void **state)
{
	struct plant *p = *state;

	regs_free(&p->regs);
	return 0;
}

static void
run(struct plant *p, double seconds)
{
	double t;

	for (t = 0; t < seconds - 1e-9; t += STEP)
		model_step(&p->model, &p->regs, STEP);
}

static uint16_t
input(const struct plant *p, int address)
{
	return p->regs.map->tab_input_registers[address];
}

static double
float_abcd(const struct plant *p, int address)
{
	uint32_t bits = (uint32_t)input(p, address) << 16 |
	    input(p, address + 1);
	float f;

	memcpy(&f, &bits, sizeof(f));
	return f;
}

static void
test_tank_starts_steady(void **state)
{
	struct plant *p = *state;

	model_init(&p->model, MODEL_TANK, &p->regs, 1);
	assert_int_equal(p->regs.map->tab_registers[0], 500);
	assert_int_equal(p->regs.map->tab_registers[1], 500);
	assert_int_equal(p->regs.map->tab_bits[0], 1);
	run(p, 10.0);
	/* 2.00 m, +-0.006 m of noise, in cm. */
	assert_in_range(input(p, 0), 199, 201);
	assert_in_range(input(p, 1), 999, 1001);        /* 100 L/s in */
	assert_in_range(input(p, 2), 999, 1001);        /* 100 L/s out */
	assert_true(fabs(float_abcd(p, 10) - 2.0) < 0.007);
	/* CDAB: the same float, low word first. */
	assert_int_equal(input(p, 12), input(p, 11));
	assert_int_equal(input(p, 13), input(p, 10));
	assert_int_equal(p->regs.map->tab_input_bits[1], 0);
}

/* Valve open, pump stopped: 0.1 m/s up, spilling over at 5 m, the high
 * switch on above 4.8 m. */
static void
test_tank_fills_and_spills(void **state)
{
	struct plant *p = *state;

	model_init(&p->model, MODEL_TANK, &p->regs, 2);
	p->regs.map->tab_registers[0] = 1000;
	p->regs.map->tab_bits[0] = 0;
	run(p, 10.0);
	assert_in_range(input(p, 0), 299, 301);
	assert_int_equal(input(p, 2), 0);
	run(p, 27.0);
	assert_in_range(input(p, 0), 499, 500);
	assert_int_equal(p->regs.map->tab_input_bits[1], 1);
	/* More than 100 % reads as 100 %. */
	p->regs.map->tab_registers[0] = 5000;
	p->regs.map->tab_bits[0] = 1;
	p->regs.map->tab_registers[1] = 1000;
	run(p, 10.0);
	assert_in_range(input(p, 0), 499, 500);
}

/* Valve shut, pump on: the tank empties and the pump then moves only
 * what flows in (nothing); the level never goes below 0. */
static void
test_tank_runs_dry(void **state)
{
	struct plant *p = *state;

	model_init(&p->model, MODEL_TANK, &p->regs, 3);
	p->regs.map->tab_registers[0] = 0;
	p->regs.map->tab_registers[1] = 1000;
	run(p, 25.0);
	assert_in_range(input(p, 0), 0, 1);
	assert_int_equal(input(p, 2), 0);
	assert_true(float_abcd(p, 10) >= 0.0);
}

/* A forced input is the test's: the model leaves it alone. */
static void
test_forced_input_stays(void **state)
{
	struct plant *p = *state;

	model_init(&p->model, MODEL_TANK, &p->regs, 4);
	regs_force_input(&p->regs, 0, 490);
	run(p, 1.0);
	assert_int_equal(input(p, 0), 490);
	regs_unforce_input(&p->regs, 0);
	run(p, 0.1);
	assert_in_range(input(p, 0), 199, 201);
}

/* The heater at 100 %: first order towards 120 C, tau 200 s. */
static void
test_boiler_heats_first_order(void **state)
{
	struct plant *p = *state;
	double want = 120.0 - 100.0 * exp(-1.0);

	model_init(&p->model, MODEL_BOILER, &p->regs, 5);
	assert_in_range(input(p, 0), 199, 201);         /* 20.0 C */
	p->regs.map->tab_registers[0] = 1000;
	run(p, 200.0);
	assert_true(fabs(input(p, 0) / 10.0 - want) <= 0.15);
	assert_int_equal(input(p, 1), 500);             /* 50 kW */
}

static void
test_scenario_names(void **state)
{
	static const char *const names[] = { "normal", "out-of-range",
		"ramp", "flood", "oscillate", "silent", "probe" };
	enum scenario_kind kind;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		assert_int_equal(scenario_parse(names[i], &kind), 0);
		assert_string_equal(scenario_name(kind), names[i]);
		assert_true(strlen(scenario_describe(kind)) > 0);
	}
	assert_int_equal(scenario_parse("Normal", &kind), -1);
	assert_int_equal(scenario_parse("", &kind), -1);
}

/* Inside its own limits, whatever the error: no write before min_gap or
 * within the deadband, at most max_step and max_slew per write, 0..100 %
 * in 0.1 % steps, towards the setpoint. */
static void
test_controller_limits(void **state)
{
	struct controller ctl;
	double v;

	(void)state;
	controller_init(&ctl, 2.5, 50.0);
	assert_true(controller_next(&ctl, 2.0, 50.0, ctl.min_gap - 0.01) < 0);
	assert_true(controller_next(&ctl, 2.5, 50.0, 10.0) < 0);
	assert_true(controller_next(&ctl, 2.5, 50.0 + ctl.deadband / 2,
	    10.0) < 0);
	/* Level far below: open, by max_step at most. */
	v = controller_next(&ctl, 0.5, 50.0, 10.0);
	assert_true(v > 50.0 && v <= 50.0 + ctl.max_step + 1e-9);
	/* Level far above: close; slew-limited after a short gap. */
	v = controller_next(&ctl, 4.5, 50.0, 0.3);
	assert_true(v < 50.0 && v >= 50.0 - ctl.max_slew * 0.3 - 1e-9);
	assert_true(fabs(v * 10.0 - round(v * 10.0)) < 1e-6);
	/* Never beyond the valve's range. */
	assert_true(controller_next(&ctl, 0.0, 99.0, 10.0) <= 100.0);
	assert_true(controller_next(&ctl, 5.0, 1.0, 10.0) >= 0.0);
}

static void
test_rogue_writes(void **state)
{
	struct rogue r;
	double v, prev;
	int i, reversed = 0;

	(void)state;
	rogue_init(&r, SCENARIO_OUT_OF_RANGE, 40.0);
	assert_true(rogue_next(&r) == 150.0);
	assert_true(rogue_next(&r) == 150.0);

	rogue_init(&r, SCENARIO_OSCILLATE, 40.0);
	assert_true(rogue_next(&r) == 100.0);
	assert_true(rogue_next(&r) == 0.0);
	assert_true(rogue_next(&r) == 100.0);

	/* 15 % a write, turning at the ends, never outside 0..100 %. */
	rogue_init(&r, SCENARIO_RAMP, 40.0);
	prev = 40.0;
	for (i = 0; i < 20; i++) {
		v = rogue_next(&r);
		assert_true(v >= 0.0 && v <= 100.0);
		assert_true(fabs(v - prev) <= 15.0 + 1e-9);
		reversed |= v < prev;
		prev = v;
	}
	assert_true(reversed);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_tank_starts_steady,
		    plant_setup, plant_teardown),
		cmocka_unit_test_setup_teardown(test_tank_fills_and_spills,
		    plant_setup, plant_teardown),
		cmocka_unit_test_setup_teardown(test_tank_runs_dry,
		    plant_setup, plant_teardown),
		cmocka_unit_test_setup_teardown(test_forced_input_stays,
		    plant_setup, plant_teardown),
		cmocka_unit_test_setup_teardown(test_boiler_heats_first_order,
		    plant_setup, plant_teardown),
		cmocka_unit_test(test_scenario_names),
		cmocka_unit_test(test_controller_limits),
		cmocka_unit_test(test_rogue_writes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
