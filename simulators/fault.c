/*
 * fault.c: plcsim's broken-device behaviours.
 */
#include <string.h>

#include "fault.h"
#include "simargs.h"

#define SLOW_MAX_MS 3600000L
#define GARBAGE_KINDS 5
#define RANDOM_MAX 32

int
fault_parse(const char *spec, struct fault *fault)
{
	long ms;

	fault->delay = 0.0;
	if (strcmp(spec, "drop") == 0)
		fault->kind = FAULT_DROP;
	else if (strcmp(spec, "garbage") == 0)
		fault->kind = FAULT_GARBAGE;
	else if (strcmp(spec, "close") == 0)
		fault->kind = FAULT_CLOSE;
	else if (strncmp(spec, "slow:", 5) == 0 &&
	    simargs_long(spec + 5, 0, SLOW_MAX_MS, &ms) == 0) {
		fault->kind = FAULT_SLOW;
		fault->delay = (double)ms / 1000.0;
	} else
		return -1;
	return 0;
}

static size_t
random_bytes(struct rng *rng, uint8_t *out, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		out[i] = (uint8_t)rng_next(rng);
	return len;
}

size_t
fault_garble(struct rng *rng, const uint8_t *reply, size_t len, uint8_t *out,
    size_t cap)
{
	uint64_t pick = rng_next(rng);

	if (len < 8 || len > cap)
		return random_bytes(rng, out, 1 + pick % RANDOM_MAX);
	memcpy(out, reply, len);
	switch (pick % GARBAGE_KINDS) {
	case 0:
		return random_bytes(rng, out, 1 + (pick >> 8) % RANDOM_MAX);
	case 1:
		out[2] ^= 0x5A;		/* protocol id */
		break;
	case 2:
		out[1] ^= 0x01;		/* transaction id */
		break;
	case 3:
		out[7] ^= 0x40;		/* function code */
		break;
	default: {
		/* A length field promising bytes that never come. */
		unsigned promised = (unsigned)(out[4] << 8 | out[5]) + 2;

		out[4] = (uint8_t)(promised >> 8);
		out[5] = (uint8_t)promised;
		break;
	}
	}
	return len;
}
