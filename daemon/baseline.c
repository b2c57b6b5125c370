/*
 * baseline.c: read before judging. max_step judges a write against the
 * point's last known value; when there is none (before the first poll,
 * after a write whose outcome is unknown), the write waits while the
 * addresses it writes are read on the device's poll connection, the one
 * wardend's own polls use, and is then judged against what came back.
 *
 * A waiting write counts in its client's inflight, as a forwarded one
 * does. It does not hold up the client's other requests: those are
 * judged as they come, and one that needs a baseline too waits behind
 * it (the poll connection answers in order). A client that goes away
 * leaves its waiting writes to be dropped unanswered; what the reads
 * bring is learned all the same.
 */
#include <stdlib.h>
#include <string.h>

#include <modbus.h>

#include "baseline.h"
#include "point.h"
#include "warden.h"

struct baseline {
	struct warden *w;
	baseline_judge_fn *judge;       /* the gate's, once read */
	void *judge_ctx;
	struct baseline_wait *waits;    /* writes waiting for a read */
};

struct baseline_wait {
	struct baseline *bl;
	struct client *c;               /* NULL: gone, answer nobody */
	unsigned device;
	uint16_t len;
	uint8_t adu[MBAP_MAX_ADU_LEN];  /* the AI's request */
	struct baseline_wait *prev, *next;
};

static void
baseline_unlink(struct baseline_wait *bw)
{
	if (bw->prev != NULL)
		bw->prev->next = bw->next;
	else
		bw->bl->waits = bw->next;
	if (bw->next != NULL)
		bw->next->prev = bw->prev;
}

/* The client no longer waits for bw. */
static void
baseline_release(struct baseline_wait *bw)
{
	client_release(bw->c);
}

/* Every point the read covers whole takes the value read. */
static void
baseline_learn(struct warden *w, unsigned device, enum point_table table,
    uint16_t address, uint16_t count, const uint8_t *data, double at)
{
	const struct config *cfg = w->cfg;
	uint32_t a, end = (uint32_t)address + count;

	for (a = address; a < end; a++) {
		const struct config_point *pt =
		    config_point_at(cfg, device, table, (uint16_t)a);

		if (pt == NULL)
			continue;
		if (pt->address >= address && pt->address + pt->width <= end)
			policy_observe(cfg, w->memory,
			    (unsigned)(pt - cfg->points),
			    point_get_raw(pt, data, address), at);
		a = pt->address + pt->width - 1u;
	}
}

/* What the write gets if it still lacks a baseline: the read answered
 * with values gives 0x03, a read not answered with values 0x0B, and one
 * the device was never asked the exception it got (0x0A, 0x06). */
static uint8_t
baseline_outcome(struct baseline_wait *bw, const struct inflight *req,
    const uint8_t *answer, size_t len, uint8_t exception)
{
	struct mbap_request read;
	struct mbap_response resp;

	if (answer == NULL)
		return exception;
	if (mbap_check_response(&req->expect, answer, len, &resp) != 0 ||
	    resp.exception != 0 ||
	    mbap_decode_request(req->adu, req->len, &read) != 0)
		return MODBUS_EXCEPTION_GATEWAY_TARGET;
	baseline_learn(bw->bl->w, bw->device,
	    read.fc == MODBUS_FC_READ_COILS ? TABLE_COIL : TABLE_HOLDING,
	    read.read_address, read.read_quantity, resp.data, req->sent_at);
	return MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE;
}

static void
baseline_read_cb(void *ctx, const struct inflight *req, const uint8_t *answer,
    size_t len, uint8_t exception)
{
	struct baseline_wait *bw = ctx;
	struct baseline *bl = bw->bl;
	struct mbap_request orig;
	uint8_t code;

	baseline_unlink(bw);
	code = baseline_outcome(bw, req, answer, len, exception);
	if (bw->c != NULL) {
		baseline_release(bw);
		if (mbap_decode_request(bw->adu, bw->len, &orig) == 0)
			bl->judge(bl->judge_ctx, bw->c, bw->adu, bw->len,
			    &orig, bw->device, code);
	}
	free(bw);
}

int
baseline_read(struct baseline *bl, struct client *c, const uint8_t *adu,
    size_t len, const struct mbap_request *req, unsigned device)
{
	struct warden *w = bl->w;
	int coils = req->fc == MODBUS_FC_WRITE_SINGLE_COIL ||
	    req->fc == MODBUS_FC_WRITE_MULTIPLE_COILS;
	struct baseline_wait *bw;
	struct mbap_request read;
	struct inflight in;
	int code;

	memset(&in, 0, sizeof in);
	in.len = (uint16_t)mbap_encode_read(in.adu, 0,
	    w->cfg->devices[device].device_unit_id,
	    coils ? MODBUS_FC_READ_COILS : MODBUS_FC_READ_HOLDING_REGISTERS,
	    req->write_address, req->write_quantity);
	if (in.len == 0 || mbap_decode_request(in.adu, in.len, &read) != 0 ||
	    (bw = calloc(1, sizeof *bw)) == NULL)
		return MODBUS_EXCEPTION_SLAVE_OR_SERVER_FAILURE;
	bw->bl = bl;
	bw->c = c;
	bw->device = device;
	bw->len = (uint16_t)len;
	memcpy(bw->adu, adu, len);
	in.done = baseline_read_cb;
	in.ctx = bw;
	in.device = device;
	mbap_expect_of(&read, &in.expect);
	/* Waiting from here; taken back below if the device refuses it. */
	bw->next = bl->waits;
	if (bw->next != NULL)
		bw->next->prev = bw;
	bl->waits = bw;
	client_hold(c);
	if ((code = device_submit(w->devices, device, DEVICE_POLL,
	    &in)) != 0) {
		baseline_unlink(bw);
		client_release(c);
		free(bw);
		return code;
	}
	return 0;
}

void
baseline_forget(struct baseline *bl, const struct client *c)
{
	struct baseline_wait *bw;

	for (bw = bl->waits; bw != NULL; bw = bw->next)
		if (bw->c == c)
			bw->c = NULL;
}

struct baseline *
baseline_new(struct warden *w, baseline_judge_fn *judge, void *ctx)
{
	struct baseline *bl;

	if ((bl = calloc(1, sizeof *bl)) == NULL)
		return NULL;
	bl->w = w;
	bl->judge = judge;
	bl->judge_ctx = ctx;
	return bl;
}

void
baseline_free(struct baseline *bl)
{
	struct baseline_wait *bw;

	if (bl == NULL)
		return;
	/* Each read ends with its pool (devices_stop()), so none waits
	 * by now; one left is dropped unanswered, as when stopping. */
	while ((bw = bl->waits) != NULL) {
		baseline_unlink(bw);
		free(bw);
	}
	free(bl);
}
