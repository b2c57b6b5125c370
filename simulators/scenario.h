/*
 * scenario.h: what aisim decides, apart from how it talks: the tank
 * controller it runs while it behaves, and the misbehaviour it switches to.
 * Pure; the caller passes the time since its last write.
 */
#ifndef SCENARIO_H
#define SCENARIO_H

enum scenario_kind {
	SCENARIO_NORMAL,
	SCENARIO_OUT_OF_RANGE,	/* writes the valve at 150 % */
	SCENARIO_RAMP,		/* slews the valve far beyond max_rate */
	SCENARIO_FLOOD,		/* writes back to back */
	SCENARIO_OSCILLATE,	/* alternates the valve 0 % / 100 % */
	SCENARIO_SILENT,	/* stays connected, sends nothing */
	SCENARIO_PROBE		/* undeclared addresses, other functions */
};

/* 0, or -1 when name is not one of the scenarios. */
int scenario_parse(const char *name, enum scenario_kind *kind);
const char *scenario_name(enum scenario_kind kind);
/* One line saying what the misbehaviour does, for the log. */
const char *scenario_describe(enum scenario_kind kind);

/*
 * A proportional level controller around the valve opening that balances
 * the pump (bias), which keeps well inside a gateway's write limits: at
 * most max_step per write, max_slew per second, one write per min_gap.
 */
struct controller {
	double setpoint;	/* m */
	double bias;		/* % valve that holds the level */
	double gain;		/* % valve per m of error */
	double max_step;	/* % per write */
	double max_slew;	/* % per second */
	double min_gap;		/* s between writes */
	double deadband;	/* % not worth a write */
};

void controller_init(struct controller *ctl, double setpoint, double bias);
/*
 * The valve opening (%) to write now, given the measured level (m), the
 * valve's present opening and the seconds since the last accepted write;
 * a negative value when no write is due.
 */
double controller_next(const struct controller *ctl, double level,
    double valve, double since_write);

/* The misbehaving valve writes of out-of-range, ramp and oscillate. */
struct rogue {
	enum scenario_kind kind;
	double value;		/* % last written */
	double direction;	/* ramp: +1 up, -1 down */
};

void rogue_init(struct rogue *rogue, enum scenario_kind kind, double valve);
/* The next valve opening (%) to write. */
double rogue_next(struct rogue *rogue);

#endif
