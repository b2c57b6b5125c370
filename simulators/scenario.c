/*
 * scenario.c: aisim's controller and misbehaviours.
 *
 * The controller's limits sit 20 % or more inside the example limits of
 * config/warden.yaml (max_step 20, max_rate 10 %/s, min_interval
 * 200 ms), so clock jitter between aisim and the gateway never turns a
 * good write bad.
 */
#include <math.h>
#include <string.h>

#include "scenario.h"

#define VALVE_MAX		100.0
#define OUT_OF_RANGE_VALUE	150.0
#define RAMP_STEP		15.0	/* % per write: under max_step 20 */

static const struct {
	const char *name;
	const char *description;
} scenarios[] = {
	[SCENARIO_NORMAL] = { "normal", "keeps controlling the tank" },
	[SCENARIO_OUT_OF_RANGE] = { "out-of-range",
	    "writes inlet_valve 150 %" },
	[SCENARIO_RAMP] = { "ramp",
	    "ramps inlet_valve 15 % per write, far beyond max_rate" },
	[SCENARIO_FLOOD] = { "flood",
	    "writes inlet_valve back to back as fast as answers come" },
	[SCENARIO_OSCILLATE] = { "oscillate",
	    "alternates inlet_valve between 0 % and 100 %" },
	[SCENARIO_SILENT] = { "silent",
	    "stops all traffic but keeps the connection open" },
	[SCENARIO_PROBE] = { "probe",
	    "tries undeclared addresses, coils and other function codes" },
};

int
scenario_parse(const char *name, enum scenario_kind *kind)
{
	size_t i;

	for (i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++) {
		if (strcmp(name, scenarios[i].name) == 0) {
			*kind = (enum scenario_kind)i;
			return 0;
		}
	}
	return -1;
}

const char *
scenario_name(enum scenario_kind kind)
{
	return scenarios[kind].name;
}

const char *
scenario_describe(enum scenario_kind kind)
{
	return scenarios[kind].description;
}

static double
clamp(double value, double low, double high)
{
	return value < low ? low : value > high ? high : value;
}

void
controller_init(struct controller *ctl, double setpoint, double bias)
{
	ctl->setpoint = setpoint;
	ctl->bias = bias;
	ctl->gain = 100.0;
	ctl->max_step = 5.0;
	ctl->max_slew = 8.0;
	ctl->min_gap = 0.25;
	ctl->deadband = 1.0;
}

double
controller_next(const struct controller *ctl, double level, double valve,
    double since_write)
{
	double desired = clamp(ctl->bias + ctl->gain * (ctl->setpoint - level),
	    0.0, VALVE_MAX);
	double limit, delta;

	if (since_write < ctl->min_gap || fabs(desired - valve) < ctl->deadband)
		return -1.0;
	limit = fmin(ctl->max_step, ctl->max_slew * since_write);
	delta = clamp(desired - valve, -limit, limit);
	/* To the register's 0.1 % resolution, rounded towards no change. */
	delta = trunc(delta * 10.0) / 10.0;
	return clamp(valve + delta, 0.0, VALVE_MAX);
}

void
rogue_init(struct rogue *rogue, enum scenario_kind kind, double valve)
{
	rogue->kind = kind;
	rogue->value = valve;
	rogue->direction = valve < VALVE_MAX / 2 ? 1.0 : -1.0;
}

double
rogue_next(struct rogue *rogue)
{
	switch (rogue->kind) {
	case SCENARIO_OUT_OF_RANGE:
		rogue->value = OUT_OF_RANGE_VALUE;
		break;
	case SCENARIO_RAMP:
		rogue->value += rogue->direction * RAMP_STEP;
		if (rogue->value >= VALVE_MAX || rogue->value <= 0.0) {
			rogue->value = clamp(rogue->value, 0.0, VALVE_MAX);
			rogue->direction = -rogue->direction;
		}
		break;
	case SCENARIO_OSCILLATE:
		rogue->value = rogue->value >= VALVE_MAX / 2 ? 0.0 : VALVE_MAX;
		break;
	default:
		break;
	}
	return rogue->value;
}
