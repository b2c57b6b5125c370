/*
 * settle.c: the end of a forwarded write, told to the policy (settle.h).
 */
#include <modbus.h>

#include "mbap.h"
#include "policy.h"
#include "settle.h"
#include "warden.h"

void
settle_write(void *ctx, const struct inflight *in, const uint8_t *answer,
    size_t len, uint8_t exception)
{
	struct warden *w = ctx;
	struct mbap_request fwd;
	enum policy_outcome outcome = POLICY_NOT_WRITTEN;

	(void)len;
	if (answer != NULL && (answer[MBAP_HEADER_LEN] & 0x80) == 0)
		outcome = POLICY_WRITTEN;
	else if (answer == NULL && exception == MODBUS_EXCEPTION_GATEWAY_TARGET)
		/* Sent, and the connection went before an answer came. */
		outcome = POLICY_UNKNOWN;
	if (mbap_decode_request(in->adu, in->len, &fwd) == 0)
		policy_settle(w->cfg, w->memory, in->device, &fwd,
		    in->policy_gen, outcome, ev_now(w->loop));
	w->events.write_ended(w->events.ctx);
}
