/*
 * settle.h: how a write wardend forwarded ended, told to the policy's
 * memory, whoever sent it (an AI's write through gate.c, a ramp's step
 * through ramp.c) and whether or not its client is still there.
 */
#ifndef SETTLE_H
#define SETTLE_H

#include <stddef.h>
#include <stdint.h>

#include "device.h"

/*
 * An inflight.settle (device_done_fn) with ctx the struct warden: the
 * policy learns what the device now holds and what is no longer in
 * flight, then w->events.write_ended (the safe state may be waiting for
 * AI writes in flight).
 */
void settle_write(void *ctx, const struct inflight *in,
    const uint8_t *answer, size_t len, uint8_t exception);

#endif
