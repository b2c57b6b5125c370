/*
 * baseline.h: read before judging, the gate's helper (baseline.c). A
 * write whose point has no last known value waits for a read of the
 * addresses it writes, on the device's poll connection; then the gate
 * judges it again through the callback it gave baseline_new().
 */
#ifndef WARDEN_BASELINE_H
#define WARDEN_BASELINE_H

#include <stddef.h>
#include <stdint.h>

#include "mbap.h"

struct warden;
struct client;
struct baseline;

/* The read is done: judge c's write again. read is the exception the
 * write gets should it still lack a value (0x03 when the read was
 * answered with no usable one, else the read's failure); never 0. */
typedef void baseline_judge_fn(void *ctx, struct client *c,
    const uint8_t *adu, size_t len, const struct mbap_request *req,
    unsigned device, uint8_t read);

/* NULL when out of memory. */
struct baseline *baseline_new(struct warden *w, baseline_judge_fn *judge,
    void *ctx);
void baseline_free(struct baseline *bl);
/* 0 when the write waits (it counts in the client's inflight), or the
 * exception to refuse it with now. */
int baseline_read(struct baseline *bl, struct client *c, const uint8_t *adu,
    size_t len, const struct mbap_request *req, unsigned device);
/* The client is going away: its waiting writes are answered to nobody. */
void baseline_forget(struct baseline *bl, const struct client *c);

#endif
