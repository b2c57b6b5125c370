/*
 * rng.h: a small seeded generator for sensor noise and garbage replies, so a
 * run can be repeated and nothing hides in global state.
 */
#ifndef RNG_H
#define RNG_H

#include <stdint.h>

struct rng {
	uint64_t state;
};

void rng_seed(struct rng *rng, uint64_t seed);
uint64_t rng_next(struct rng *rng);
/* Uniform in [low, high). */
double rng_uniform(struct rng *rng, double low, double high);

#endif
