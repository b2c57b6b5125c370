/*
 * model.c: the tank and boiler processes.
 *
 * The tank is sized so the demo moves at a watchable pace: a fully open
 * inlet with the pump off raises the level 0.1 m/s (2.5 m to overflow in
 * 25 s), and a pump at the same speed as the valve opening holds it level.
 * Both models integrate exactly (integrator, first-order lag), so a late
 * step of any length stays correct.
 */
#include <math.h>
#include <string.h>

#include "model.h"

#define TANK_AREA		2.0	/* m2 */
#define TANK_HEIGHT		5.0	/* m; it spills over above this */
#define TANK_VALVE_FLOW		0.2	/* m3/s through the fully open inlet */
#define TANK_PUMP_FLOW		0.2	/* m3/s at 100 % pump speed */
#define TANK_HIGH_SWITCH	4.8	/* m */
#define TANK_NOISE		0.006	/* m, uniform either side */
#define TANK_START_LEVEL	2.0	/* m */
#define TANK_START_OPENING	500	/* 50.0 %: valve and pump balance */

#define BOILER_HEATER		50.0	/* kW at 100 % */
#define BOILER_CAPACITY		100.0	/* kJ/K */
#define BOILER_LOSS		0.5	/* kW/K to ambient */
#define BOILER_AMBIENT		20.0	/* degrees C */
#define BOILER_OVERTEMP		95.0	/* degrees C */
#define BOILER_NOISE		0.1	/* degrees C, uniform either side */

/* Register addresses, documented in the maps below. */
#define REG_OUTPUT		0	/* holding: valve or heater, % x10 */
#define REG_PUMP_SPEED		1	/* holding: % x10 */
#define COIL_RUN		0	/* pump run / heater enable */
#define IN_MAIN			0	/* level or temperature */
#define IN_FLOW_IN		1
#define IN_FLOW_OUT		2
#define IN_FLOAT_ABCD		10
#define IN_FLOAT_CDAB		12
#define DI_KEY_SWITCH		0
#define DI_HIGH_SWITCH		1

static const char model_maps[] =
"Register maps (addresses from 0; every table has 10000 entries)\n"
"\n"
"--model tank: a 2 m2 tank, 0..5 m, spilling over at 5 m\n"
"  coil 0          pump run, 1 = on                        start 1\n"
"  holding 0       inlet valve, % x10 (0..1000; more = 100 %)  start 500\n"
"  holding 1       pump speed, % x10 (0..1000)             start 500\n"
"  holding 900     free (for the gateway's life bit)\n"
"  input 0         level, m x100 (uint16, 0..500), +-0.006 m noise\n"
"  input 1         inflow, L/s x10 (0..2000)\n"
"  input 2         outflow, L/s x10 (0..2000)\n"
"  input 10-11     level, m, float32 ABCD (high word first)\n"
"  input 12-13     level, m, float32 CDAB (low word first)\n"
"  discrete 0      takeover key switch, 0 unless forced (backdoor coil 0)\n"
"  discrete 1      high-level switch, 1 while level > 4.8 m\n"
"  The open valve adds 200 L/s (0.1 m/s); the pump at 100 % removes\n"
"  200 L/s. Start: level 2.0 m, valve 50 %, pump on at 50 % (steady).\n"
"\n"
"--model boiler: 100 kJ/K of water losing 0.5 kW/K to 20 C ambient\n"
"  coil 0          heater enable, 1 = on                   start 1\n"
"  holding 0       heater power, % x10 (0..1000)           start 0\n"
"  holding 900     free (for the gateway's life bit)\n"
"  input 0         temperature, C x10 (int16), +-0.1 C noise\n"
"  input 1         heater power, kW x10 (0..500)\n"
"  input 10-11     temperature, C, float32 ABCD\n"
"  input 12-13     temperature, C, float32 CDAB\n"
"  discrete 0      takeover key switch, 0 unless forced (backdoor coil 0)\n"
"  discrete 1      over-temperature switch, 1 while above 95 C\n"
"  The 50 kW heater at 100 % settles at 120 C (time constant 200 s).\n"
"  Start: 20 C, heater enabled at 0 %.\n";

int
model_kind_parse(const char *name, enum model_kind *kind)
{
	if (name == NULL)
		return -1;
	if (strcmp(name, "tank") == 0)
		*kind = MODEL_TANK;
	else if (strcmp(name, "boiler") == 0)
		*kind = MODEL_BOILER;
	else
		return -1;
	return 0;
}

void
model_print_maps(FILE *out)
{
	fputs(model_maps, out);
}

static double
clamp(double value, double low, double high)
{
	return value < low ? low : value > high ? high : value;
}

/* A holding register in % x10 as a fraction 0..1. */
static double
opening(const struct regs *regs, int address)
{
	return clamp(regs_holding(regs, address) / 1000.0, 0.0, 1.0);
}

/*
 * The IEEE 754 bits split by hand: libmodbus 3.1.6's modbus_set_float_abcd()
 * swaps the bytes inside each word on little-endian hosts.
 */
static void
publish_float(struct regs *regs, double value)
{
	float f = (float)value;
	uint32_t bits;

	memcpy(&bits, &f, sizeof(bits));
	regs_set_input(regs, IN_FLOAT_ABCD, (uint16_t)(bits >> 16));
	regs_set_input(regs, IN_FLOAT_ABCD + 1, (uint16_t)bits);
	regs_set_input(regs, IN_FLOAT_CDAB, (uint16_t)bits);
	regs_set_input(regs, IN_FLOAT_CDAB + 1, (uint16_t)(bits >> 16));
}

static void
tank_step(struct model *model, struct regs *regs, double dt)
{
	double inflow = opening(regs, REG_OUTPUT) * TANK_VALVE_FLOW;
	double outflow = regs_coil(regs, COIL_RUN) ?
	    opening(regs, REG_PUMP_SPEED) * TANK_PUMP_FLOW : 0.0;
	double measured;

	/* An empty tank: the pump can move only what flows in. */
	if (model->level <= 0.0 && outflow > inflow)
		outflow = inflow;
	model->level = clamp(model->level +
	    (inflow - outflow) / TANK_AREA * dt, 0.0, TANK_HEIGHT);
	measured = clamp(model->level +
	    rng_uniform(&model->noise, -TANK_NOISE, TANK_NOISE), 0.0,
	    TANK_HEIGHT);
	regs_set_input(regs, IN_MAIN, (uint16_t)lround(measured * 100.0));
	regs_set_input(regs, IN_FLOW_IN, (uint16_t)lround(inflow * 10000.0));
	regs_set_input(regs, IN_FLOW_OUT, (uint16_t)lround(outflow * 10000.0));
	publish_float(regs, measured);
	regs_set_discrete(regs, DI_KEY_SWITCH, 0);
	regs_set_discrete(regs, DI_HIGH_SWITCH, model->level > TANK_HIGH_SWITCH);
}

static void
boiler_step(struct model *model, struct regs *regs, double dt)
{
	double power = regs_coil(regs, COIL_RUN) ?
	    opening(regs, REG_OUTPUT) * BOILER_HEATER : 0.0;
	double settle = BOILER_AMBIENT + power / BOILER_LOSS;
	double tau = BOILER_CAPACITY / BOILER_LOSS;
	double measured;

	model->temperature = settle +
	    (model->temperature - settle) * exp(-dt / tau);
	measured = model->temperature +
	    rng_uniform(&model->noise, -BOILER_NOISE, BOILER_NOISE);
	regs_set_input(regs, IN_MAIN,
	    (uint16_t)(int16_t)lround(clamp(measured * 10.0, -32768, 32767)));
	regs_set_input(regs, IN_FLOW_IN, (uint16_t)lround(power * 10.0));
	publish_float(regs, measured);
	regs_set_discrete(regs, DI_KEY_SWITCH, 0);
	regs_set_discrete(regs, DI_HIGH_SWITCH,
	    model->temperature > BOILER_OVERTEMP);
}

void
model_init(struct model *model, enum model_kind kind, struct regs *regs,
    uint64_t seed)
{
	model->kind = kind;
	model->level = TANK_START_LEVEL;
	model->temperature = BOILER_AMBIENT;
	rng_seed(&model->noise, seed);
	regs->map->tab_bits[COIL_RUN] = 1;
	if (kind == MODEL_TANK) {
		regs->map->tab_registers[REG_OUTPUT] = TANK_START_OPENING;
		regs->map->tab_registers[REG_PUMP_SPEED] = TANK_START_OPENING;
	}
	model_step(model, regs, 0.0);
}

void
model_step(struct model *model, struct regs *regs, double dt)
{
	if (dt < 0.0)
		dt = 0.0;
	if (model->kind == MODEL_TANK)
		tank_step(model, regs, dt);
	else
		boiler_step(model, regs, dt);
}
