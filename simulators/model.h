/*
 * model.h: the simulated processes behind plcsim's registers. Pure: a step
 * takes the elapsed time and reads outputs from / writes inputs to a regs
 * image, so a test can drive it with any clock.
 */
#ifndef MODEL_H
#define MODEL_H

#include <stdint.h>
#include <stdio.h>

#include "regs.h"
#include "rng.h"

enum model_kind {
	MODEL_TANK,
	MODEL_BOILER
};

struct model {
	enum model_kind kind;
	double level;		/* tank: m above the bottom */
	double temperature;	/* boiler: degrees C */
	struct rng noise;
};

/* 0, or -1 when the name is neither "tank" nor "boiler". */
int model_kind_parse(const char *name, enum model_kind *kind);
/* Start-up state: writes the model's initial outputs and inputs. */
void model_init(struct model *model, enum model_kind kind, struct regs *regs,
    uint64_t seed);
/* Advances the process by dt seconds and publishes the new inputs. */
void model_step(struct model *model, struct regs *regs, double dt);
/* The register maps of every model, as plcsim --help shows them. */
void model_print_maps(FILE *out);

#endif
