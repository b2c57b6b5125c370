/*
 * gate_plan.h: what enforce mode does with the policy's decision on a
 * write, decided whole before anything is done: the record, then either
 * the answer or what goes to the device, and whether the guard hears of
 * a violation. Pure: no I/O, no clock; gate.c carries it out.
 *
 *   verdict            record          answer     forwarded  violation
 *   allow, clamp or    none            busy       -          no
 *     ramp, device busy
 *   allow              write_allowed   -          adu        no
 *   clamp              write_clamped   -          d->frame   yes
 *   clamp, d->frame    write_rejected  0x04       -          yes
 *     not decoding
 *   ramp               ramp_started    written    ramp.c     yes
 *                                      (by wardend: fc 6 an echo,
 *                                      fc 16 address and quantity)
 *   read               write_rejected  exception  -          no
 *   reject, takeover   write_rejected  exception  -          yes
 *
 * (A function the policy does not judge is recorded as a request,
 * request_record.h.)
 *
 * A clamped frame that does not decode is wardend's own fault (the
 * policy rewrote it); the write is refused with 0x04, never forwarded
 * unchecked, and the AI still gets its answer.
 */
#ifndef WARDEN_GATE_PLAN_H
#define WARDEN_GATE_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "mbap.h"
#include "policy.h"

struct gate_plan {
	const char *event;              /* the record, first; NULL: none */
	uint8_t exception;              /* answered with it; 0: forwarded */
	const uint8_t *frame;           /* forwarded: these bytes, */
	size_t len;
	struct mbap_request fwd;        /* decoded */
	int violation;                  /* the guard hears of it */
	int ramp;                       /* answered as written, walked by
					 * ramp.c: nothing forwarded here */
};

/*
 * The plan for d, the enforce-mode decision on req (decoded from adu,
 * len). busy: the exception to answer when the device cannot take a
 * request now (0x0A no connection up, 0x06 queue full), 0 when it can.
 * p->frame points into adu or d, which must outlive p.
 */
void gate_plan_enforce(const struct policy_decision *d, const uint8_t *adu,
    size_t len, const struct mbap_request *req, uint8_t busy,
    struct gate_plan *p);

#endif
