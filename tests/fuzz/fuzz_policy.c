/*
 * fuzz_policy.c: libFuzzer target for the policy. The first byte picks
 * one of two fixed configs (reads: any or reads: declared), loaded once;
 * the rest is a byte stream from the AI, framed and decoded as the proxy
 * does, each request judged, and what the proxy would report back
 * (forward and accept, settle with each outcome or leave in flight, a
 * poll) fed into the memory. Memory starts empty for every
 * input, so a crash replays from its input alone.
 *
 * Invariants: exceptions are 0x01..0x03 and only on refusals; a refusal
 * names its rule; only a max_step point with nothing known asks for a
 * read; a clamp's frame has the original's length, header,
 * function and addresses, decodes cleanly and, judged again with the same
 * memory and time, is allowed: a clamp never forwards a value its own
 * rules would refuse.
 */
#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <modbus.h>

#include "config.h"
#include "mbap.h"
#include "point.h"
#include "policy.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define HEAD \
	"listen: 127.0.0.1:1502\n" \
	"state_dir: /tmp\n" \
	"audit_log: /tmp/fuzz-policy-audit.jsonl\n" \
	"control: {socket: /tmp/fuzz-policy.sock}\n" \
	"allow_functions: [0x2B, 0x11]\n" \
	"devices:\n" \
	"  - {name: a, host: 127.0.0.1, port: 5020, unit_id: 1}\n" \
	"  - {name: b, host: 127.0.0.1, port: 5021, unit_id: 2}\n" \
	"  - {name: c, host: 127.0.0.1, port: 5022, unit_id: 3}\n"

#define P(rest) "  - {" rest "}\n"

/* Every type, byte order, table and on_violation, with gaps between. */
#define POINTS \
	"points:\n" \
	P("name: u16, device: a, table: holding, address: 0, scale: 0.1, " \
	  "write: {min: 0, max: 100, max_step: 20, on_violation: clamp}") \
	P("name: i16, device: a, table: holding, address: 1, " \
	  "data_type: int16, scale: 0.5, offset: -20, " \
	  "write: {min: -30, max: 30, max_rate: 5, on_violation: clamp}") \
	P("name: ro, device: a, table: holding, address: 2") \
	P("name: i32, device: a, table: holding, address: 4, " \
	  "data_type: int32, byte_order: CDAB, " \
	  "write: {min: -100000, max: 100000, on_violation: takeover}") \
	P("name: u32, device: a, table: holding, address: 6, " \
	  "data_type: uint32, byte_order: BADC, scale: 0.001, " \
	  "write: {max: 4000, max_step: 100, min_interval: 100ms, " \
	  "on_violation: clamp}") \
	P("name: f32, device: a, table: holding, address: 8, " \
	  "data_type: float32, byte_order: DCBA, " \
	  "write: {min: -0.3, max: 0.3, max_rate: 0.1, on_violation: clamp}") \
	P("name: fab, device: a, table: holding, address: 10, " \
	  "data_type: float32, write: {}") \
	P("name: flag, device: a, table: holding, address: 12, " \
	  "data_type: bool, write: {on_violation: clamp}") \
	P("name: free, device: a, table: holding, address: 13, write: {}") \
	P("name: walk, device: a, table: holding, address: 15, " \
	  "data_type: int16, scale: 0.5, write: {min: -50, max: 50, " \
	  "max_step: 3, max_rate: 20, on_violation: ramp}") \
	P("name: wf, device: b, table: holding, address: 104, " \
	  "data_type: float32, write: {max_rate: 2, on_violation: ramp}") \
	P("name: c0, device: a, table: coil, address: 0, write: {}") \
	P("name: c1, device: a, table: coil, address: 1, " \
	  "write: {max: 0, on_violation: clamp}") \
	P("name: c2, device: a, table: coil, address: 2, " \
	  "write: {min_interval: 1s}") \
	P("name: c3, device: a, table: coil, address: 3") \
	P("name: c9, device: a, table: coil, address: 9, " \
	  "write: {min: 1, on_violation: takeover}") \
	P("name: d0, device: a, table: discrete, address: 0") \
	P("name: in0, device: a, table: input, address: 0, " \
	  "data_type: float32") \
	P("name: b16, device: b, table: holding, address: 100, " \
	  "write: {min: 10, max: 20, on_violation: clamp}") \
	P("name: bf, device: b, table: holding, address: 101, " \
	  "data_type: float32, byte_order: BADC, scale: -2, offset: 1, " \
	  "write: {min: -1000, max: 1000, max_step: 10, " \
	  "on_violation: clamp}")

static const char *const yamls[2] = {
	HEAD POINTS,
	"reads: declared\n" HEAD POINTS,
};

struct fuzz_world {
	struct config *cfg[2];
	struct policy_memory *memory;
	size_t max_points;
	struct policy_decision decision, again;
};

static struct fuzz_world world;

static struct config *
fuzz_config(const char *yaml)
{
	char path[] = "/tmp/fuzz_policy-XXXXXX";
	int fd = mkstemp(path);
	char *errors = NULL;
	struct config *cfg;

	if (fd < 0 || write(fd, yaml, strlen(yaml)) != (ssize_t)strlen(yaml))
		abort();
	close(fd);
	cfg = config_load(path, &errors);
	unlink(path);
	if (!cfg) {
		fprintf(stderr, "fuzz_policy: config: %s", errors);
		abort();
	}
	return cfg;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	for (int i = 0; i < 2; i++) {
		world.cfg[i] = fuzz_config(yamls[i]);
		if (world.cfg[i]->n_points > world.max_points)
			world.max_points = world.cfg[i]->n_points;
	}
	world.memory = calloc(world.max_points, sizeof *world.memory);
	if (!world.memory)
		abort();
	return 0;
}

static void
check_decision(const struct config *cfg, const struct policy_decision *d,
    const struct mbap_request *req)
{
	int refused = d->verdict == POLICY_REJECT ||
	    d->verdict == POLICY_TAKEOVER;

	if (refused)
		assert(d->exception >= MODBUS_EXCEPTION_ILLEGAL_FUNCTION &&
		    d->exception <= MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE);
	else
		assert(d->exception == 0);
	assert((d->rule == NULL) == (d->verdict == POLICY_ALLOW));
	assert(d->has_point || d->verdict != POLICY_CLAMP);
	if (d->has_point)
		assert(d->point.point < cfg->n_points);
	assert(d->n_writes <= POLICY_MAX_WRITES);
	for (unsigned i = 0; i < d->n_writes; i++)
		assert(d->writes[i].point < cfg->n_points);
	if (!req->is_write)
		assert(d->verdict == POLICY_ALLOW ||
		    d->verdict == POLICY_REJECT);
	/* Only a max_step point with nothing known asks for a read. */
	if (d->verdict == POLICY_READ)
		assert(d->has_point && strcmp(d->rule, "no_baseline") == 0 &&
		    cfg->points[d->point.point].write.has_max_step &&
		    !world.memory[d->point.point].known);
	if (d->verdict != POLICY_CLAMP)
		assert(d->frame_len == 0);
	/* A ramp walks one point of a plain write, for a step or rate. */
	if (d->verdict == POLICY_RAMP)
		assert(d->n_writes == 1 && d->has_point &&
		    cfg->points[d->point.point].write.on_violation ==
		    VIOLATION_RAMP && (strcmp(d->rule, "max_step") == 0 ||
		    strcmp(d->rule, "max_rate") == 0) &&
		    (req->fc == 5 || req->fc == 6 || req->fc == 15 ||
		    req->fc == 16));
}

/* A clamp forwards a well-formed request that its own rules allow. */
static void
check_clamp(const struct config *cfg, unsigned device,
    const struct policy_decision *d, const uint8_t *frame, size_t len,
    const struct mbap_request *req, double now)
{
	struct mbap_request fwd;

	assert(d->frame_len == len);
	assert(memcmp(d->frame, frame, MBAP_HEADER_LEN + 1) == 0);
	assert(mbap_decode_request(d->frame, d->frame_len, &fwd) == 0);
	assert(fwd.write_address == req->write_address &&
	    fwd.write_quantity == req->write_quantity &&
	    fwd.read_address == req->read_address &&
	    fwd.read_quantity == req->read_quantity);
	policy_decide(cfg, world.memory, device, &fwd, now, &world.again);
	assert(world.again.verdict == POLICY_ALLOW);
}

/* What the proxy and the poller would report after forwarding. */
static void
fuzz_report(const struct config *cfg, unsigned device,
    const struct policy_decision *d, const struct mbap_request *req,
    double now)
{
	struct mbap_request fwd = *req;
	uint16_t words[2] = { req->tid, (uint16_t)(req->tid ^ 0x5A5A) };
	unsigned p = req->tid % cfg->n_points;

	enum policy_outcome outcome = req->tid & 4 ? POLICY_UNKNOWN :
	    req->tid & 8 ? POLICY_NOT_WRITTEN : POLICY_WRITTEN;

	if (d->verdict == POLICY_CLAMP)
		assert(mbap_decode_request(d->frame, d->frame_len, &fwd) == 0);
	/* A ramp's write as the gate takes it: its first step accepted. */
	if (d->verdict == POLICY_RAMP)
		policy_accept(world.memory, d, now);
	if (d->verdict == POLICY_ALLOW || d->verdict == POLICY_CLAMP) {
		policy_forward(cfg, world.memory, device, &fwd);
		policy_accept(world.memory, d, now);
		/* The others stay in flight. */
		if (req->tid & 1)
			policy_settle(cfg, world.memory, device, &fwd, 0,
			    outcome, now);
	}
	if (req->tid & 2)
		policy_observe(cfg, world.memory, p,
		    point_decode(&cfg->points[p], words), now);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct config *cfg;
	struct policy_decision *d = &world.decision;
	struct mbap_request req;
	size_t frame_len;
	double now = 1000;

	if (size < 1)
		return 0;
	cfg = world.cfg[data[0] & 1];
	memset(world.memory, 0, world.max_points * sizeof *world.memory);
	data++;
	size--;
	while (mbap_frame(data, size, &frame_len) == MBAP_FRAME_OK) {
		/* Exactly the frame's bytes, so ASan sees reads past it. */
		uint8_t *frame = malloc(frame_len);
		uint16_t unit_slot;

		assert(frame);
		memcpy(frame, data, frame_len);
		data += frame_len;
		size -= frame_len;
		unit_slot = mbap_decode_request(frame, frame_len, &req) == 0 ?
		    cfg->device_by_unit[req.unit] : 0;
		if (unit_slot) {
			now += (req.tid >> 8) * 0.01;
			policy_decide(cfg, world.memory, unit_slot - 1u, &req,
			    now, d);
			check_decision(cfg, d, &req);
			if (d->verdict == POLICY_CLAMP)
				check_clamp(cfg, unit_slot - 1u, d, frame,
				    frame_len, &req, now);
			fuzz_report(cfg, unit_slot - 1u, d, &req, now);
		}
		free(frame);
	}
	return 0;
}
