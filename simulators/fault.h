/*
 * fault.h: the ways plcsim can act like a broken device (--fault).
 */
#ifndef FAULT_H
#define FAULT_H

#include <stddef.h>
#include <stdint.h>

#include "rng.h"

enum fault_kind {
	FAULT_NONE,
	FAULT_SLOW,	/* every answer `delay` seconds late */
	FAULT_DROP,	/* requests read, never answered */
	FAULT_GARBAGE,	/* answers replaced by invalid frames */
	FAULT_CLOSE	/* the connection closed on each request */
};

struct fault {
	enum fault_kind kind;
	double delay;	/* seconds, FAULT_SLOW only */
};

/* "slow:MS", "drop", "garbage" or "close"; 0, or -1 if not one of them. */
int fault_parse(const char *spec, struct fault *fault);

/*
 * Replaces a reply with something a client must reject, a different kind
 * each time: random bytes, a wrong protocol id, a wrong transaction id, a
 * function code that does not match, a length field longer than the frame.
 * Writes into out, which holds cap >= MODBUS_TCP_MAX_ADU_LENGTH bytes, and
 * returns the length written.
 */
size_t fault_garble(struct rng *rng, const uint8_t *reply, size_t len,
    uint8_t *out, size_t cap);

#endif
