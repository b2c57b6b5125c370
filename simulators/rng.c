/*
 * rng.c: xorshift64* (Marsaglia; Vigna's multiplier). Plenty for noise.
 */
#include "rng.h"

void
rng_seed(struct rng *rng, uint64_t seed)
{
	/* xorshift never leaves the all-zero state. */
	rng->state = seed != 0 ? seed : 0x9E3779B97F4A7C15ULL;
}

uint64_t
rng_next(struct rng *rng)
{
	uint64_t x = rng->state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rng->state = x;
	return x * 0x2545F4914F6CDD1DULL;
}

double
rng_uniform(struct rng *rng, double low, double high)
{
	double unit = (double)(rng_next(rng) >> 11) / 9007199254740992.0;

	return low + (high - low) * unit;
}
