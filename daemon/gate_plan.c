/*
 * gate_plan.c: what enforce mode does with a decision on a write (see
 * gate_plan.h).
 */
#include "gate_plan.h"

#include <string.h>

#include <modbus.h>

void
gate_plan_enforce(const struct policy_decision *d, const uint8_t *adu,
    size_t len, const struct mbap_request *req, uint8_t busy,
    struct gate_plan *p)
{
	memset(p, 0, sizeof *p);
	switch (d->verdict) {
	case POLICY_ALLOW:
		if ((p->exception = busy) != 0)
			return;
		p->event = policy_event_name(d, MODE_ENFORCE);
		p->frame = adu;
		p->len = len;
		p->fwd = *req;
		return;
	case POLICY_CLAMP:
		if ((p->exception = busy) != 0)
			return;
		p->violation = 1;
		/* The device echoes what it got: expect the clamp. */
		if (mbap_decode_request(d->frame, d->frame_len, &p->fwd) != 0) {
			p->event = "write_rejected";
			p->exception = MODBUS_EXCEPTION_SLAVE_OR_SERVER_FAILURE;
			return;
		}
		p->event = policy_event_name(d, MODE_ENFORCE);
		p->frame = d->frame;
		p->len = d->frame_len;
		return;
	case POLICY_RAMP:
		/* Answered by wardend, walked by ramp.c. */
		if ((p->exception = busy) != 0)
			return;
		p->event = policy_event_name(d, MODE_ENFORCE);
		p->ramp = 1;
		p->violation = 1;
		return;
	case POLICY_READ:       /* no baseline to be had: not the AI's doing */
	case POLICY_REJECT:
	case POLICY_TAKEOVER:
		p->event = policy_event_name(d, MODE_ENFORCE);
		p->exception = d->exception;
		p->violation = d->verdict != POLICY_READ;
		return;
	}
}
