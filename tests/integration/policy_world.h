/*
 * policy_world.h: what the policy suites share (test_policy.c,
 * test_policy_limits.c, test_check_config.c): the points they write to,
 * a world started with them, a ledger of the writes the device must have
 * got in order, and assertions on the device, plcsim's journal and the
 * audit log. Header-only (static inline), as it uses cmocka: the
 * benchmarks link every other file in tests/integration/ without it.
 */
#ifndef WARDEN_TEST_POLICY_WORLD_H
#define WARDEN_TEST_POLICY_WORLD_H

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <modbus.h>

#include "audit.h"
#include "ctl.h"
#include "trail.h"
#include "world.h"

#define CLIENT_TIMEOUT 2.0
#define READY_TIMEOUT 5.0

/* Registers of the points below (plcsim's tank model: 0 valve, 1 pump
 * speed, coil 0 pump run; the others are free). */
#define VALVE 0                 /* % x10, start 500 */
#define PUMP_SPEED 1            /* % x10, start 500 */
#define SETPOINT 10             /* float32 ABCD on 10-11 */
#define OFFSET 20               /* int16 */
#define TRIM 21                 /* int16 */
#define READ_ONLY 30            /* declared, no write: */
#define DOSE 40                 /* float32 ABCD on 40-41, min 0 */
#define STEP 50                 /* uint16, max_step 5 */
#define STEP2 60                /* uint16, max_step 5 */
#define UNDECLARED 500
#define PUMP_RUN 0              /* coil */
#define INTERVAL_POINT 1        /* coil with min_interval */
#define MIN_INTERVAL 1.0

#define POINTS \
	"points:\n" \
	"  - {name: valve, device: tank1, table: holding, address: 0,\n" \
	"     scale: 0.1, unit: \"%\",\n" \
	"     write: {min: 0, max: 100, max_step: 20, on_violation: reject}}\n" \
	"  - {name: pump_speed, device: tank1, table: holding, address: 1,\n" \
	"     scale: 0.1, unit: \"%\",\n" \
	"     write: {min: 20, max: 100, on_violation: clamp}}\n" \
	"  - {name: setpoint, device: tank1, table: holding, address: 10,\n" \
	"     data_type: float32, byte_order: ABCD, unit: m,\n" \
	"     write: {min: -1, max: 5, max_rate: 1}}\n" \
	"  - {name: offset, device: tank1, table: holding, address: 20,\n" \
	"     data_type: int16, write: {min: -100, max: 100}}\n" \
	"  - {name: trim, device: tank1, table: holding, address: 21,\n" \
	"     data_type: int16, write: {min: -100, max: 100}}\n" \
	"  - {name: limit, device: tank1, table: holding, address: 30}\n" \
	"  - {name: dose, device: tank1, table: holding, address: 40,\n" \
	"     data_type: float32, write: {min: 0}}\n" \
	"  - {name: step, device: tank1, table: holding, address: 50,\n" \
	"     write: {max_step: 5}}\n" \
	"  - {name: step2, device: tank1, table: holding, address: 60,\n" \
	"     write: {max_step: 5}}\n" \
	"  - {name: pump_run, device: tank1, table: coil, address: 0,\n" \
	"     write: {min: 0, max: 1}}\n" \
	"  - {name: flush, device: tank1, table: coil, address: 1,\n" \
	"     write: {min: 0, max: 1, min_interval: 1s}}\n" \
	"  - {name: drain, device: tank1, table: coil, address: 2,\n" \
	"     write: {min: 0, max: 0, on_violation: takeover}}\n" \
	"  - {name: level, device: tank1, table: input, address: 0,\n" \
	"     scale: 0.01, unit: m}\n"

#define ENFORCE_BODY "mode: enforce\ninitial_state: auto\nreads: declared\n" \
	POINTS
#define MONITOR_BODY "mode: monitor\ninitial_state: auto\nreads: declared\n" \
	POINTS
/* No poll for 10 s: the first writes find nothing known. A second
 * violation would take over. */
#define NO_POLL_DEVICE "timeout: 300ms, poll_interval: 10s, loss_after: 30s"
#define NO_POLL_BODY ENFORCE_BODY \
	"takeover: {on_violations: {count: 2, within: 60s}}\n"

/* A write the device must have received, in order. */
struct expected_write {
	int fc;
	int address;
	int n;
	uint16_t values[4];
};

#define LEDGER_MAX 64

/* Everything a test holds lives here, so that a failed assertion
 * (which leaves the test at once) leaks nothing: teardown frees it. */
struct policy_world {
	struct world *w;
	modbus_t *ai;
	struct expected_write expected[LEDGER_MAX];
	int n_expected;
	struct trail_record *recs;      /* the audit log, as last read */
	int n_recs;
	struct trail_write *writes;     /* the journal, as last read */
	char *dir;                      /* the config checks' temp dir */
	char *said;                     /* what audit verify said */
	struct ctl_result res;
	int fd;                         /* a raw connection, or -1 */
};

static inline int teardown_world(void **state);

/*
 * cmocka skips teardown when setup fails: clean up here then. device:
 * tank1's keys, NULL for the world's default; polled: wait until the
 * first poll is in.
 */
static inline int
policy_start(void **state, const char *body, const char *device, int polled)
{
	struct policy_world *pw = calloc(1, sizeof(*pw));
	int ok;

	*state = pw;
	if (pw != NULL)
		pw->fd = -1;
	ok = pw != NULL && (pw->w = world_new_tank(NULL, device)) != NULL &&
	    world_start(pw->w, body) == 0 &&
	    (pw->ai = world_client(pw->w, 1, CLIENT_TIMEOUT)) != NULL &&
	    /* Not the valve: the polls of it are counted below. */
	    world_wait_path(pw->ai, PUMP_SPEED, READY_TIMEOUT) == 0 &&
	    /* Two polls of the holding block: the first one's answer is
	     * in, so max_step has its last known value. */
	    (!polled || world_wait_requests(pw->w, 0, 0,
	    MODBUS_FC_READ_HOLDING_REGISTERS, VALVE, 2, READY_TIMEOUT) == 0);
	if (ok)
		return 0;
	if (pw != NULL && pw->w != NULL)
		pw->w->failed = 1;
	teardown_world(state);
	*state = NULL;
	return -1;
}

static inline int
setup_enforce(void **state)
{
	return policy_start(state, ENFORCE_BODY, NULL, 1);
}

static inline int
setup_monitor(void **state)
{
	return policy_start(state, MONITOR_BODY, NULL, 1);
}

static inline int
setup_no_poll(void **state)
{
	return policy_start(state, NO_POLL_BODY, NO_POLL_DEVICE, 0);
}

static inline int
teardown_world(void **state)
{
	struct policy_world *pw = *state;
	int rc;

	if (pw == NULL)
		return 0;
	if (pw->ai != NULL) {
		modbus_close(pw->ai);
		modbus_free(pw->ai);
	}
	if (pw->fd != -1)
		close(pw->fd);
	rc = world_free(pw->w);
	free(pw->recs);
	free(pw->writes);
	free(pw->said);
	harness_rmdir(pw->dir);
	free(pw->dir);
	free(pw);
	return rc;
}

static inline void
expect_forwarded(struct policy_world *pw, int fc, int address, int n,
    const uint16_t *values)
{
	struct expected_write *e = &pw->expected[pw->n_expected++];

	assert_true(pw->n_expected <= LEDGER_MAX);
	assert_true(n <= 4);
	e->fc = fc;
	e->address = address;
	e->n = n;
	memcpy(e->values, values, (size_t)n * sizeof(*values));
}

static inline void
write_ok(struct policy_world *pw, int address, uint16_t value)
{
	if (modbus_write_register(pw->ai, address, value) != 1)
		fail_msg("fc 6 @%d = %u refused: %s", address, value,
		    modbus_strerror(errno));
	expect_forwarded(pw, MODBUS_FC_WRITE_SINGLE_REGISTER, address, 1,
	    &value);
}

static inline void
write_refused(struct policy_world *pw, int address, uint16_t value,
    int exception)
{
	if (modbus_write_register(pw->ai, address, value) != -1)
		fail_msg("fc 6 @%d = %u passed; wanted exception 0x%02X",
		    address, value, exception);
	assert_int_equal(world_exception(), exception);
}

static inline void
write_regs_refused(struct policy_world *pw, int address, int n,
    const uint16_t *values, int exception)
{
	assert_int_equal(modbus_write_registers(pw->ai, address, n, values),
	    -1);
	assert_int_equal(world_exception(), exception);
}

static inline void
float_words(float f, uint16_t words[2])
{
	uint32_t bits;

	memcpy(&bits, &f, sizeof(bits));
	words[0] = (uint16_t)(bits >> 16);      /* ABCD: high word first */
	words[1] = (uint16_t)bits;
}

/* One request as raw bytes (unit, fc, data); the answer's PDU into pdu.
 * Returns the PDU length. */
static inline int
raw_exchange(modbus_t *ctx, const uint8_t *req, int len, uint8_t *pdu)
{
	uint8_t rsp[MODBUS_TCP_MAX_ADU_LENGTH];
	int n;

	assert_true(modbus_send_raw_request(ctx, req, len) > 0);
	n = modbus_receive_confirmation(ctx, rsp);
	assert_true(n > 7);
	memcpy(pdu, rsp + 7, (size_t)n - 7);
	return n - 7;
}

/* The device's journal holds exactly the writes expected, in order. */
static inline void
assert_device_got_exactly(struct policy_world *pw)
{
	struct trail_write *got;
	int n, i, k;

	free(pw->writes);
	n = trail_device_writes(pw->w->plc[0].journal, &pw->writes);
	got = pw->writes;
	assert_true(n >= 0);
	for (i = 0; i < n && i < pw->n_expected; i++) {
		const struct expected_write *e = &pw->expected[i];

		if (got[i].fc != e->fc || got[i].address != e->address ||
		    got[i].n_values != e->n)
			fail_msg("device write %d: fc %d @%d (%d values); "
			    "expected fc %d @%d (%d values)", i, got[i].fc,
			    got[i].address, got[i].n_values, e->fc,
			    e->address, e->n);
		for (k = 0; k < e->n; k++)
			if (got[i].values[k] != e->values[k])
				fail_msg("device write %d @%d: value %u "
				    "reached the device, expected %u", i,
				    e->address + k, got[i].values[k],
				    e->values[k]);
	}
	if (n != pw->n_expected)
		fail_msg("the device got %d writes, expected %d (the first "
		    "extra or missing one is number %d)", n, pw->n_expected,
		    i);
}

/* The device holds value at holding register address (read directly). */
static inline void
assert_device_register(const struct world *w, int address, uint16_t value)
{
	modbus_t *plc = world_plc_client(w, 0, 1);
	uint16_t got;

	assert_non_null(plc);
	assert_int_equal(modbus_read_registers(plc, address, 1, &got), 1);
	assert_int_equal(got, value);
	world_client_free(plc);
}

static inline void
audit_load(struct policy_world *pw)
{
	free(pw->recs);
	pw->n_recs = trail_audit_records(pw->w->audit, &pw->recs);
	assert_true(pw->n_recs > 0);
}

static inline int
audit_count(const struct policy_world *pw, const char *event,
    const char *rule)
{
	return trail_audit_count(pw->recs, pw->n_recs, event, NULL, rule);
}

/* A record with this event, point and rule exists; it is returned. */
static inline const struct trail_record *
assert_audited(const struct policy_world *pw, const char *event,
    const char *point, const char *rule)
{
	int at = trail_audit_find(pw->recs, pw->n_recs, 0, event, point,
	    rule);

	if (at < 0)
		fail_msg("no audit record %s point %s rule %s", event,
		    point ? point : "(any)", rule ? rule : "(any)");
	if (strncmp(pw->recs[at].client, "127.0.0.1:", 10) != 0)
		fail_msg("audit record %s: client \"%s\" is not the AI's "
		    "address:port", event, pw->recs[at].client);
	return &pw->recs[at];
}

static inline void
assert_chain_verifies(struct policy_world *pw)
{
	const char *path = pw->w->audit;
	size_t said_len = 0;
	FILE *out = open_memstream(&pw->said, &said_len);
	int rc;

	assert_non_null(out);
	rc = audit_verify_file(path, out, 0);
	fclose(out);
	if (rc != 0)
		fail_msg("audit_verify_file %s: %d: %s", path, rc, pw->said);
	ctl_run(NULL, &pw->res, "audit", "verify", path, (char *)NULL);
	if (pw->res.status != 0)
		fail_msg("wardenctl audit verify %s exited %d: %s%s", path,
		    pw->res.status, pw->res.out, pw->res.err);
}

static inline void
nap(double seconds)
{
	struct timespec ts = { (time_t)seconds,
	    (long)((seconds - (double)(time_t)seconds) * 1e9) };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

#endif
