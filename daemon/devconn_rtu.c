/*
 * devconn_rtu.c: a device connection whose device is on a serial line
 * (struct devconn_link devconn_rtu, device_internal.h). The connection
 * joins the device's bus (rtubus.h): "up" is the port open, a request
 * goes on the line when its turn comes, and its answer comes back as
 * the MBAP frame a TCP device would have sent, with the slot's
 * transaction id, so that everything above (matching, the checks of
 * mbap_check_response, the flows) is the same as on TCP.
 *
 * The bus times each request once it is on the line (a request may
 * wait behind other devices'): no answer in time, a CRC error, a frame
 * that does not fit or noise give that request 0x0B and the connection
 * stays up; only the port lost takes it down (and what was on it ends
 * as on TCP), to join again after the backoff.
 */
#include <modbus.h>

#include "device_internal.h"

static void
devconn_rtu_up(void *ctx)
{
	devconn_up(ctx);
}

static void
devconn_rtu_down(void *ctx, const char *reason)
{
	devconn_reset(ctx, reason);
}

static void
devconn_rtu_answer(void *ctx, const uint8_t *frame, size_t len,
    const char *why)
{
	struct devconn *dc = ctx;
	uint8_t adu[MBAP_MAX_ADU_LEN];
	size_t n;

	(void)why;      /* the bus logged it */
	if (dc->n_slots == 0)
		return;
	if (frame == NULL || (n = rtu_to_mbap(adu, dc->slots[0].device_tid,
	    frame, len)) == 0) {
		devconn_no_answer(dc, MODBUS_EXCEPTION_GATEWAY_TARGET);
		return;
	}
	devconn_take_answer(dc, adu, n);
}

static const struct rtubus_events devconn_rtu_events = {
	.up = devconn_rtu_up,
	.down = devconn_rtu_down,
	.answer = devconn_rtu_answer,
};

static void
devconn_rtu_connect(struct devconn *dc)
{
	char err[ERR_LEN];

	/* Once: its counts outlive a lost port. */
	if (dc->rtu.events == NULL)
		rtubus_link_init(&dc->rtu, &devconn_rtu_events, dc);
	if (rtubus_join(dc->pool->dev->bus, &dc->rtu, err) == -1) {
		log_debug("device %s: %s connection: %s", dc->pool->dev->cfg->name,
		    dc->pool->role, err);
		devconn_reset(dc, err);
		return;
	}
	dc->state = DEVCONN_CONNECTING;
}

/* The slot's PDU to the device's unit on the line. */
static int
devconn_rtu_write(struct devconn *dc, const struct inflight *slot)
{
	if (slot->len <= MBAP_HEADER_LEN)
		return -1;
	return rtubus_send(&dc->rtu, slot->expect.unit,
	    slot->adu + MBAP_HEADER_LEN, slot->len - MBAP_HEADER_LEN,
	    &slot->expect, dc->pool->dev->cfg->timeout);
}

static void
devconn_rtu_close(struct devconn *dc, const char *reason)
{
	(void)reason;
	rtubus_leave(&dc->rtu);
}

const struct devconn_link devconn_rtu = {
	.connect = devconn_rtu_connect,
	.write = devconn_rtu_write,
	.close = devconn_rtu_close,
	.timed = 0,
};
