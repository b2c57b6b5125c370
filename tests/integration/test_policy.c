/*
 * test_policy.c: the policy end to end. A libmodbus client sends good
 * and bad writes through wardend to plcsim; each test checks the answer
 * the client got, what the device holds, plcsim's journal (exactly the
 * writes that were allowed reached it, clamped ones as clamped, nothing
 * of a refused one) and the audit log (the event and rule of each
 * decision, and an intact hash chain). Limits at their exact edges
 * (float32 at 0), pipelined writes against max_step, mask writes judged
 * on every result, fc 15 padding, and writes before the first poll read
 * the device first. Then monitor mode, which forwards everything and
 * records what enforcement would have done, and `wardend -t`.
 */
#include <errno.h>
#include <math.h>
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
#include "journal.h"
#include "rig.h"
#include "trail.h"
#include "wire.h"

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
	struct rig *rig;
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

static int teardown_world(void **state);

/*
 * cmocka skips teardown when setup fails: clean up here then. device:
 * the rig's device keys, NULL for its default; polled: wait until the
 * first poll is in.
 */
static int
world_start(void **state, const char *body, const char *device, int polled)
{
	struct policy_world *pw = calloc(1, sizeof(*pw));
	int ok;

	*state = pw;
	if (pw != NULL)
		pw->fd = -1;
	ok = pw != NULL && (pw->rig = rig_new()) != NULL;
	if (ok && device != NULL)
		snprintf(pw->rig->device, sizeof(pw->rig->device), "%s",
		    device);
	ok = ok && rig_start(pw->rig, body, 1) == 0 &&
	    (pw->ai = rig_client(pw->rig, CLIENT_TIMEOUT)) != NULL &&
	    /* Not the valve: the polls of it are counted below. */
	    rig_wait_path(pw->ai, PUMP_SPEED, READY_TIMEOUT) == 0 &&
	    /* Two polls of the holding block: the first one's answer is
	     * in, so max_step has its last known value. */
	    (!polled || rig_wait_requests(pw->rig, 0,
	    MODBUS_FC_READ_HOLDING_REGISTERS, VALVE, 2, READY_TIMEOUT) == 0);
	if (ok)
		return 0;
	if (pw != NULL && pw->rig != NULL)
		pw->rig->failed = 1;
	teardown_world(state);
	*state = NULL;
	return -1;
}

static int
setup_enforce(void **state)
{
	return world_start(state, ENFORCE_BODY, NULL, 1);
}

static int
setup_monitor(void **state)
{
	return world_start(state, MONITOR_BODY, NULL, 1);
}

static int
setup_no_poll(void **state)
{
	return world_start(state, NO_POLL_BODY, NO_POLL_DEVICE, 0);
}

static int
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
	rc = rig_free(pw->rig);
	free(pw->recs);
	free(pw->writes);
	free(pw->said);
	harness_rmdir(pw->dir);
	free(pw->dir);
	free(pw);
	return rc;
}

static void
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

static void
write_ok(struct policy_world *pw, int address, uint16_t value)
{
	if (modbus_write_register(pw->ai, address, value) != 1)
		fail_msg("fc 6 @%d = %u refused: %s", address, value,
		    modbus_strerror(errno));
	expect_forwarded(pw, MODBUS_FC_WRITE_SINGLE_REGISTER, address, 1,
	    &value);
}

static void
write_refused(struct policy_world *pw, int address, uint16_t value,
    int exception)
{
	if (modbus_write_register(pw->ai, address, value) != -1)
		fail_msg("fc 6 @%d = %u passed; wanted exception 0x%02X",
		    address, value, exception);
	assert_int_equal(rig_exception(), exception);
}

static void
write_regs_refused(struct policy_world *pw, int address, int n,
    const uint16_t *values, int exception)
{
	assert_int_equal(modbus_write_registers(pw->ai, address, n, values),
	    -1);
	assert_int_equal(rig_exception(), exception);
}

static void
float_words(float f, uint16_t words[2])
{
	uint32_t bits;

	memcpy(&bits, &f, sizeof(bits));
	words[0] = (uint16_t)(bits >> 16);      /* ABCD: high word first */
	words[1] = (uint16_t)bits;
}

/* One request as raw bytes (unit, fc, data); the answer's PDU into pdu.
 * Returns the PDU length. */
static int
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
static void
assert_device_got_exactly(struct policy_world *pw)
{
	struct trail_write *got;
	int n, i, k;

	free(pw->writes);
	n = trail_device_writes(pw->rig->plc.journal, &pw->writes);
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
static void
assert_device_register(const struct rig *r, int address, uint16_t value)
{
	modbus_t *plc = rig_plc_client(r);
	uint16_t got;

	assert_non_null(plc);
	assert_int_equal(modbus_read_registers(plc, address, 1, &got), 1);
	assert_int_equal(got, value);
	modbus_close(plc);
	modbus_free(plc);
}

static void
audit_load(struct policy_world *pw)
{
	free(pw->recs);
	pw->n_recs = trail_audit_records(pw->rig->audit, &pw->recs);
	assert_true(pw->n_recs > 0);
}

static int
audit_count(const struct policy_world *pw, const char *event,
    const char *rule)
{
	return trail_audit_count(pw->recs, pw->n_recs, event, NULL, rule);
}

/* A record with this event, point and rule exists; it is returned. */
static const struct trail_record *
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

static void
assert_chain_verifies(struct policy_world *pw)
{
	const char *path = pw->rig->audit;
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

/* min and max at their edges and one raw step past; max_step against
 * the last known value, equal passes. */
static void
test_bounds(void **state)
{
	struct policy_world *pw = *state;
	const struct trail_record *rec;

	write_ok(pw, VALVE, 700);               /* 50 -> 70 %: step 20 */
	write_refused(pw, VALVE, 950, MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE);
	write_ok(pw, VALVE, 900);
	write_ok(pw, VALVE, 1000);              /* max exactly */
	write_refused(pw, VALVE, 1001, MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE);
	write_refused(pw, VALVE, 0xFFFF, MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE);
	write_ok(pw, OFFSET, 100);
	write_refused(pw, OFFSET, 101, MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE);
	write_ok(pw, OFFSET, (uint16_t)-100);   /* min exactly, negative */
	write_refused(pw, OFFSET, (uint16_t)-101,
	    MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE);
	write_refused(pw, OFFSET, 0x8000, MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE);

	assert_device_register(pw->rig, VALVE, 1000);
	assert_device_register(pw->rig, OFFSET, (uint16_t)-100);
	assert_device_got_exactly(pw);

	audit_load(pw);
	rec = assert_audited(pw, "write_rejected", "valve", "max_step");
	assert_int_equal(rec->exception, MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE);
	assert_int_equal(rec->fc, MODBUS_FC_WRITE_SINGLE_REGISTER);
	assert_true(rec->has_value && fabs(rec->value - 95.0) < 1e-6);
	rec = assert_audited(pw, "write_rejected", "valve", "max");
	assert_true(rec->has_value && fabs(rec->value - 100.1) < 1e-6);
	rec = assert_audited(pw, "write_rejected", "offset", "min");
	assert_true(rec->has_value && fabs(rec->value + 101) < 1e-6);
	assert_audited(pw, "write_rejected", "offset", "max");
	assert_int_equal(audit_count(pw, "write_allowed", NULL), 5);
	assert_int_equal(audit_count(pw, "write_rejected", NULL), 6);
	assert_int_equal(rig_stop(pw->rig), 0);
	assert_chain_verifies(pw);
}

/* clamp forwards the nearest allowed value; the AI sees the device's
 * echo of it; the device holds it. */
static void
test_clamp(void **state)
{
	struct policy_world *pw = *state;
	const uint8_t low[] = { 1, MODBUS_FC_WRITE_SINGLE_REGISTER, 0,
	    PUMP_SPEED, 0, 100 };               /* 10 %: under min 20 */
	uint8_t pdu[MODBUS_TCP_MAX_ADU_LENGTH];
	const uint16_t clamped_low = 200, clamped_high = 1000, inside = 650;
	const struct trail_record *rec;

	assert_int_equal(raw_exchange(pw->ai, low, sizeof(low), pdu), 5);
	assert_int_equal(pdu[0], MODBUS_FC_WRITE_SINGLE_REGISTER);
	assert_int_equal((pdu[3] << 8) | pdu[4], clamped_low);
	expect_forwarded(pw, MODBUS_FC_WRITE_SINGLE_REGISTER, PUMP_SPEED, 1,
	    &clamped_low);
	assert_device_register(pw->rig, PUMP_SPEED, clamped_low);

	assert_int_equal(modbus_write_register(pw->ai, PUMP_SPEED, 1500), 1);
	expect_forwarded(pw, MODBUS_FC_WRITE_SINGLE_REGISTER, PUMP_SPEED, 1,
	    &clamped_high);
	assert_device_register(pw->rig, PUMP_SPEED, clamped_high);
	write_ok(pw, PUMP_SPEED, inside);
	assert_device_register(pw->rig, PUMP_SPEED, inside);
	assert_device_got_exactly(pw);

	audit_load(pw);
	rec = assert_audited(pw, "write_clamped", "pump_speed", "min");
	assert_true(rec->has_value && fabs(rec->value - 10.0) < 1e-6);
	assert_true(rec->has_forwarded && fabs(rec->forwarded - 20.0) < 1e-6);
	assert_int_equal(rec->exception, -1);
	rec = assert_audited(pw, "write_clamped", "pump_speed", "max");
	assert_true(rec->has_forwarded && fabs(rec->forwarded - 100.0) < 1e-6);
	assert_audited(pw, "write_allowed", "pump_speed", NULL);
}

/* A float32 point: whole writes pass, half of it is refused, and so are
 * a NaN, a value over max and a jump faster than max_rate. */
static void
test_float_point(void **state)
{
	struct policy_world *pw = *state;
	uint16_t words[2], nan_words[2];

	float_words(2.5f, words);
	assert_int_equal(modbus_write_registers(pw->ai, SETPOINT, 2, words),
	    2);
	expect_forwarded(pw, MODBUS_FC_WRITE_MULTIPLE_REGISTERS, SETPOINT, 2,
	    words);
	write_refused(pw, SETPOINT, words[0],
	    MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE);
	write_refused(pw, SETPOINT + 1, words[1],
	    MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE);
	float_words(4.5f, words);               /* 2 m at once: over 1 m/s */
	write_regs_refused(pw, SETPOINT, 2, words,
	    MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE);
	float_words(6.0f, words);
	write_regs_refused(pw, SETPOINT, 2, words,
	    MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE);
	float_words(NAN, nan_words);
	write_regs_refused(pw, SETPOINT, 2, nan_words,
	    MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE);
	float_words(2.5f, words);               /* no change: no rate */
	assert_int_equal(modbus_write_registers(pw->ai, SETPOINT, 2, words),
	    2);
	expect_forwarded(pw, MODBUS_FC_WRITE_MULTIPLE_REGISTERS, SETPOINT, 2,
	    words);
	assert_device_got_exactly(pw);

	audit_load(pw);
	assert_audited(pw, "write_rejected", "setpoint", "partial_point");
	assert_audited(pw, "write_rejected", "setpoint", "max_rate");
	assert_audited(pw, "write_rejected", "setpoint", "max");
	assert_audited(pw, "write_rejected", "setpoint", "not_finite");
}

/* A request that writes several points is forwarded whole or not at
 * all; fc 22 and 23 are judged on what they would write. */
static void
test_multi_writes(void **state)
{
	struct policy_world *pw = *state;
	const uint16_t bad_second[2] = { 50, (uint16_t)-150 };
	const uint16_t good[2] = { 50, (uint16_t)-50 };
	const uint16_t spill[3] = { 1, 2, 3 };
	const uint16_t clamped[2] = { 500, 200 }, asked[2] = { 500, 100 };
	const uint8_t coils[4] = { 1, 1, 0, 0 };   /* coil 3: undeclared */
	const uint16_t mask_ok[2] = { 0, 5 }, seven = 7;
	uint16_t read[2];

	write_regs_refused(pw, OFFSET, 2, bad_second,
	    MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE);
	write_regs_refused(pw, OFFSET, 3, spill,
	    MODBUS_EXCEPTION_ILLEGAL_DATA_ADDRESS);
	assert_int_equal(modbus_write_registers(pw->ai, OFFSET, 2, good), 2);
	expect_forwarded(pw, MODBUS_FC_WRITE_MULTIPLE_REGISTERS, OFFSET, 2,
	    good);
	/* valve unchanged, pump speed under its min: the whole frame goes
	 * out with only the pump speed clamped. */
	assert_int_equal(modbus_write_registers(pw->ai, VALVE, 2, asked), 2);
	expect_forwarded(pw, MODBUS_FC_WRITE_MULTIPLE_REGISTERS, VALVE, 2,
	    clamped);
	assert_int_equal(modbus_write_bits(pw->ai, PUMP_RUN, 4, coils), -1);
	assert_int_equal(rig_exception(), MODBUS_EXCEPTION_ILLEGAL_DATA_ADDRESS);
	/* trim is 0 (polled): 0 & 0 | 200 = 200 is over max; | 5 is not. */
	assert_int_equal(modbus_mask_write_register(pw->ai, TRIM, 0, 200), -1);
	assert_int_equal(rig_exception(), MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE);
	assert_int_equal(modbus_mask_write_register(pw->ai, TRIM, 0, 5), 1);
	expect_forwarded(pw, MODBUS_FC_MASK_WRITE_REGISTER, TRIM, 2, mask_ok);
	assert_int_equal(modbus_write_and_read_registers(pw->ai, OFFSET, 1,
	    &seven, VALVE, 2, read), 2);
	expect_forwarded(pw, MODBUS_FC_WRITE_AND_READ_REGISTERS, OFFSET, 1,
	    &seven);
	assert_int_equal(read[1], 200);
	assert_device_got_exactly(pw);
	assert_device_register(pw->rig, TRIM, 5);

	audit_load(pw);
	assert_audited(pw, "write_rejected", "trim", "min");
	assert_audited(pw, "write_rejected", NULL, "not_writable");
	assert_audited(pw, "write_clamped", "pump_speed", "min");
	assert_audited(pw, "write_rejected", "trim", "max");
}

/* Undeclared and read-only addresses, function codes outside the list,
 * and reads with reads: declared. */
static void
test_addresses_and_functions(void **state)
{
	struct policy_world *pw = *state;
	const uint8_t diag[] = { 1, 0x08, 0x00, 0x00, 0x12, 0x34 };
	const uint8_t ident[] = { 1, 0x2B, 0x0E, 0x01, 0x00 };
	uint8_t pdu[MODBUS_TCP_MAX_ADU_LENGTH], bit;
	uint16_t regs[3];
	const struct trail_record *rec;
	int from = journal_count(pw->rig->plc.journal);

	write_refused(pw, UNDECLARED, 1, MODBUS_EXCEPTION_ILLEGAL_DATA_ADDRESS);
	write_refused(pw, READ_ONLY, 1, MODBUS_EXCEPTION_ILLEGAL_DATA_ADDRESS);
	assert_int_equal(raw_exchange(pw->ai, diag, sizeof(diag), pdu), 2);
	assert_int_equal(pdu[0], 0x88);
	assert_int_equal(pdu[1], MODBUS_EXCEPTION_ILLEGAL_FUNCTION);
	assert_int_equal(raw_exchange(pw->ai, ident, sizeof(ident), pdu), 2);
	assert_int_equal(pdu[0], 0xAB);
	assert_int_equal(pdu[1], MODBUS_EXCEPTION_ILLEGAL_FUNCTION);

	assert_int_equal(modbus_read_registers(pw->ai, VALVE, 2, regs), 2);
	assert_int_equal(modbus_read_registers(pw->ai, READ_ONLY, 1, regs), 1);
	assert_int_equal(modbus_read_input_registers(pw->ai, 0, 1, regs), 1);
	assert_int_equal(modbus_read_bits(pw->ai, PUMP_RUN, 1, &bit), 1);
	assert_int_equal(modbus_read_registers(pw->ai, UNDECLARED, 1, regs),
	    -1);
	assert_int_equal(rig_exception(), MODBUS_EXCEPTION_ILLEGAL_DATA_ADDRESS);
	assert_int_equal(modbus_read_registers(pw->ai, READ_ONLY - 1, 2, regs),
	    -1);
	assert_int_equal(rig_exception(), MODBUS_EXCEPTION_ILLEGAL_DATA_ADDRESS);
	assert_int_equal(modbus_read_input_registers(pw->ai, 0, 2, regs), -1);
	assert_int_equal(rig_exception(), MODBUS_EXCEPTION_ILLEGAL_DATA_ADDRESS);

	/* Nothing refused reached the device, not even a read. */
	assert_device_got_exactly(pw);
	assert_int_equal(journal_wait(pw->rig->plc.journal, from, 0x08, -1, -1,
	    0, NULL), -1);
	assert_int_equal(journal_wait(pw->rig->plc.journal, from, 0x2B, -1, -1,
	    0, NULL), -1);
	assert_int_equal(journal_wait(pw->rig->plc.journal, from,
	    MODBUS_FC_READ_HOLDING_REGISTERS, -1, UNDECLARED, 0, NULL), -1);
	assert_true(journal_wait(pw->rig->plc.journal, from,
	    MODBUS_FC_READ_INPUT_REGISTERS, -1, 0, 1.0, NULL) >= 0);

	audit_load(pw);
	rec = assert_audited(pw, "write_rejected", NULL, "not_writable");
	assert_int_equal(rec->exception, MODBUS_EXCEPTION_ILLEGAL_DATA_ADDRESS);
	rec = assert_audited(pw, "write_rejected", "limit",
	    "not_writable");
	rec = assert_audited(pw, "request_rejected", NULL, "function");
	assert_int_equal(rec->exception, MODBUS_EXCEPTION_ILLEGAL_FUNCTION);
	assert_int_equal(rec->fc, 0x08);
	assert_int_equal(audit_count(pw, "request_rejected", "function"), 2);
	assert_int_equal(audit_count(pw, "write_rejected", "function"), 0);
	assert_int_equal(audit_count(pw, "write_rejected", "not_declared"), 0);   /* reads are not audited */
}

static void
nap(double seconds)
{
	struct timespec ts = { (time_t)seconds,
	    (long)((seconds - (double)(time_t)seconds) * 1e9) };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* min_interval runs from the last accepted write; a refused write does
 * not restart it. The wait is the contract under test, not readiness. */
static void
test_min_interval(void **state)
{
	struct policy_world *pw = *state;
	const uint16_t on = 1;
	double t0;

	t0 = harness_now();
	assert_int_equal(modbus_write_bit(pw->ai, INTERVAL_POINT, 1), 1);
	expect_forwarded(pw, MODBUS_FC_WRITE_SINGLE_COIL, INTERVAL_POINT, 1,
	    &on);
	nap(0.3);
	assert_int_equal(modbus_write_bit(pw->ai, INTERVAL_POINT, 0), -1);
	assert_int_equal(rig_exception(), MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE);
	nap(t0 + MIN_INTERVAL + 0.1 - harness_now());
	assert_int_equal(modbus_write_bit(pw->ai, INTERVAL_POINT, 1), 1);
	expect_forwarded(pw, MODBUS_FC_WRITE_SINGLE_COIL, INTERVAL_POINT, 1,
	    &on);
	assert_device_got_exactly(pw);

	audit_load(pw);
	assert_audited(pw, "write_rejected", "flush", "min_interval");
}

/* monitor: everything is forwarded as sent, and the audit log says what
 * enforcement would have done; a would-be takeover changes nothing. */
static void
test_monitor_mode(void **state)
{
	struct policy_world *pw = *state;
	const uint8_t diag[] = { 1, 0x08, 0x00, 0x00, 0x12, 0x34 };
	const uint16_t on = 1;
	uint8_t pdu[MODBUS_TCP_MAX_ADU_LENGTH];
	struct ctl_status st;
	const struct trail_record *rec;
	uint16_t reg;
	char why[1024];
	int at, from = journal_count(pw->rig->plc.journal);

	write_ok(pw, VALVE, 1500);
	write_ok(pw, PUMP_SPEED, 100);
	assert_device_register(pw->rig, PUMP_SPEED, 100);
	write_ok(pw, UNDECLARED, 7);
	assert_int_equal(modbus_write_bit(pw->ai, 2, 1), 1);   /* drain */
	expect_forwarded(pw, MODBUS_FC_WRITE_SINGLE_COIL, 2, 1, &on);
	/* The device's own answer to a function it lacks. */
	assert_int_equal(raw_exchange(pw->ai, diag, sizeof(diag), pdu), 2);
	assert_int_equal(pdu[0], 0x88);
	assert_true(journal_wait(pw->rig->plc.journal, from, 0x08, -1, -1,
	    1.0, NULL) >= 0);
	assert_device_got_exactly(pw);

	if (ctl_status(pw->rig, &st, why, sizeof(why)) != 0)
		fail_msg("%s", why);
	assert_string_equal(st.state, "auto");
	assert_string_equal(st.mode, "monitor");

	audit_load(pw);
	assert_audited(pw, "would_reject", "valve", "max");
	rec = assert_audited(pw, "would_clamp", "pump_speed", "min");
	assert_true(rec->has_forwarded && fabs(rec->forwarded - 20.0) < 1e-6);
	assert_audited(pw, "would_reject", NULL, "not_writable");
	rec = assert_audited(pw, "would_reject", NULL, "function");
	assert_int_equal(rec->fc, 0x08);
	assert_audited(pw, "would_takeover", "drain", "max");
	at = trail_audit_find(pw->recs, pw->n_recs, 0, "would_takeover", "",
	    NULL);
	assert_true(at >= 0);
	assert_string_equal(pw->recs[at].cause, "violation");
	assert_int_equal(audit_count(pw, "write_rejected", NULL), 0);
	assert_int_equal(audit_count(pw, "write_clamped", NULL), 0);
	assert_int_equal(audit_count(pw, "takeover", NULL), 0);

	/* Reads too: reads: declared is enforcement, not monitoring. */
	if (modbus_read_registers(pw->ai, UNDECLARED, 1, &reg) != 1)
		fail_msg("monitor mode: a read of an undeclared address was "
		    "not forwarded: %s", modbus_strerror(errno));
	assert_int_equal(reg, 7);
}

/* A float32 with min 0: no negative value reaches the device, however
 * small; -0.0 is 0 and passes. */
static void
test_float_limit_at_zero(void **state)
{
	struct policy_world *pw = *state;
	/* -(smallest denormal), -(smallest normal), -1e-8. */
	const uint32_t below[3] = { 0x80000001u, 0x80800000u, 0xB22BCC77u };
	const uint32_t on[2] = { 0x80000000u, 0x00000001u };
	uint16_t words[2];
	int i;

	for (i = 0; i < 3; i++) {
		words[0] = (uint16_t)(below[i] >> 16);
		words[1] = (uint16_t)below[i];
		write_regs_refused(pw, DOSE, 2, words,
		    MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE);
	}
	for (i = 0; i < 2; i++) {
		words[0] = (uint16_t)(on[i] >> 16);
		words[1] = (uint16_t)on[i];
		assert_int_equal(modbus_write_registers(pw->ai, DOSE, 2,
		    words), 2);
		expect_forwarded(pw, MODBUS_FC_WRITE_MULTIPLE_REGISTERS, DOSE,
		    2, words);
	}
	assert_device_got_exactly(pw);

	audit_load(pw);
	assert_audited(pw, "write_rejected", "dose", "min");
	assert_int_equal(audit_count(pw, "write_rejected", "min"), 3);
}

/*
 * The pipeline: the point at 50, max_step 5, and one TCP segment
 * carrying 55 45 55 45 50. Each is judged against the last known value
 * and every write still in flight, so the device sees 55 55 50: no step
 * over 5 whichever of them fails.
 */
static void
test_pipelined_steps(void **state)
{
	struct policy_world *pw = *state;
	const uint16_t fifty = 50, values[5] = { 55, 45, 55, 45, 50 };
	const int accepted[5] = { 1, 0, 1, 0, 1 };
	uint8_t burst[5 * WIRE_MAX_ADU], adu[WIRE_MAX_ADU];
	modbus_t *plc = rig_plc_client(pw->rig);
	size_t len = 0;
	int seen[5] = { 0 }, i, k, n, from;

	assert_non_null(plc);
	assert_int_equal(modbus_write_register(plc, STEP, fifty), 1);
	modbus_close(plc);
	modbus_free(plc);
	expect_forwarded(pw, MODBUS_FC_WRITE_SINGLE_REGISTER, STEP, 1, &fifty);
	from = journal_count(pw->rig->plc.journal);
	assert_int_equal(rig_wait_requests(pw->rig, from,
	    MODBUS_FC_READ_HOLDING_REGISTERS, VALVE, 2, READY_TIMEOUT), 0);

	for (i = 0; i < 5; i++)
		len += wire_write_register_request(burst + len,
		    (uint16_t)(i + 1), 1, STEP, values[i]);
	pw->fd = wire_connect(pw->rig->port);
	assert_true(pw->fd >= 0);
	assert_int_equal(wire_send(pw->fd, burst, len), 0);
	for (i = 0; i < 5; i++) {
		n = wire_recv_adu(pw->fd, adu, sizeof(adu), CLIENT_TIMEOUT);
		assert_true(n > 0);
		k = wire_tid(adu) - 1;
		assert_true(k >= 0 && k < 5 && !seen[k]);
		seen[k] = 1;
		if (accepted[k]) {
			assert_int_equal(wire_fc(adu),
			    MODBUS_FC_WRITE_SINGLE_REGISTER);
			assert_int_equal((adu[10] << 8) | adu[11], values[k]);
		} else {
			assert_int_equal(wire_fc(adu),
			    0x80 | MODBUS_FC_WRITE_SINGLE_REGISTER);
			assert_int_equal(adu[8],
			    MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE);
		}
	}
	for (i = 0; i < 5; i++)
		if (accepted[i])
			expect_forwarded(pw, MODBUS_FC_WRITE_SINGLE_REGISTER,
			    STEP, 1, &values[i]);
	assert_device_got_exactly(pw);
	assert_device_register(pw->rig, STEP, 50);

	audit_load(pw);
	assert_audited(pw, "write_rejected", "step", "max_step");
	assert_int_equal(audit_count(pw, "write_rejected", "max_step"), 2);
}

/* fc 22 passes only when every value its masks can leave, whatever the
 * register holds, is inside the limits. */
static void
test_mask_write_every_result(void **state)
{
	struct policy_world *pw = *state;
	const uint16_t masks[2] = { 0x0003, 0x0004 };

	/* trim (int16, -100..100) holds 0, but AND 0xFF00 keeps the sign
	 * and the high byte of whatever it holds by then: -32763..32517. */
	assert_int_equal(modbus_mask_write_register(pw->ai, TRIM, 0xFF00,
	    0x0005), -1);
	assert_int_equal(rig_exception(), MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE);
	/* AND 0x0003, OR 0x0004: 4..7 whatever it holds. */
	assert_int_equal(modbus_mask_write_register(pw->ai, TRIM, masks[0],
	    masks[1]), 1);
	expect_forwarded(pw, MODBUS_FC_MASK_WRITE_REGISTER, TRIM, 2, masks);
	assert_device_got_exactly(pw);
	assert_device_register(pw->rig, TRIM, 4);

	audit_load(pw);
	assert_audited(pw, "write_rejected", "trim", "min");
}

/* fc 15 with bits set after the last coil: 0x03 from the decoder, and
 * nothing reaches the device. */
static void
test_coil_padding_refused(void **state)
{
	struct policy_world *pw = *state;
	const uint8_t padded[] = { 1, MODBUS_FC_WRITE_MULTIPLE_COILS, 0,
	    PUMP_RUN, 0, 2, 1, 0xFF };
	uint8_t pdu[MODBUS_TCP_MAX_ADU_LENGTH];

	assert_int_equal(raw_exchange(pw->ai, padded, sizeof(padded), pdu), 2);
	assert_int_equal(pdu[0], 0x80 | MODBUS_FC_WRITE_MULTIPLE_COILS);
	assert_int_equal(pdu[1], MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE);
	assert_device_got_exactly(pw);
}

/* Lines of wardend's log holding text. */
static int
log_count(const struct rig *r, const char *text)
{
	char line[1024];
	FILE *f = fopen(r->log, "r");
	int n = 0;

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL)
		n += strstr(line, text) != NULL;
	fclose(f);
	return n;
}

/* Until the poll connection has come up `times` times. */
static void
wait_poll_connection(const struct rig *r, int times)
{
	double deadline = harness_now() + READY_TIMEOUT;

	while (log_count(r, "tank1 up (poll)") < times) {
		if (harness_now() > deadline)
			fail_msg("wardend's poll connection never came up");
		nap(0.01);
	}
}

/*
 * The first writes after start, before any poll: each is judged against
 * the value read from the device for it, within the step or refused by
 * max_step, never no_baseline. A read that fails refuses the write as a
 * device that cannot serve it would (0x0B, 0x0A) and is no violation:
 * with count 2, one more would have taken over.
 */
static void
test_read_before_judging(void **state)
{
	struct policy_world *pw = *state;
	const char *journal = pw->rig->plc.journal;
	struct journal_entry e;
	struct ctl_status st;
	char why[1024];
	int from = journal_count(journal);

	wait_poll_connection(pw->rig, 1);
	write_ok(pw, VALVE, 650);               /* 50 -> 65 %: step 15 */
	write_refused(pw, STEP, 10, MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE);
	assert_true(journal_wait(journal, from,
	    MODBUS_FC_READ_HOLDING_REGISTERS, -1, VALVE, 0, &e) >= 0);
	assert_int_equal(e.count, 1);
	assert_true(journal_wait(journal, from,
	    MODBUS_FC_READ_HOLDING_REGISTERS, -1, STEP, 0, &e) >= 0);
	assert_int_equal(e.count, 1);
	assert_device_got_exactly(pw);

	/* The device refuses to read step2, then is gone. */
	assert_int_equal(rig_plc_restart(pw->rig, "--hole holding:60"), 0);
	assert_int_equal(rig_wait_path(pw->ai, PUMP_SPEED, READY_TIMEOUT), 0);
	wait_poll_connection(pw->rig, 2);
	write_refused(pw, STEP2, 1, MODBUS_EXCEPTION_GATEWAY_TARGET);
	rig_plc_stop(pw->rig);
	write_refused(pw, STEP2, 1, MODBUS_EXCEPTION_GATEWAY_PATH);

	if (ctl_status(pw->rig, &st, why, sizeof(why)) != 0)
		fail_msg("%s", why);
	assert_string_equal(st.state, "auto");
	audit_load(pw);
	assert_audited(pw, "write_allowed", "valve", NULL);
	assert_audited(pw, "write_rejected", "step", "max_step");
	assert_int_equal(trail_audit_count(pw->recs, pw->n_recs,
	    "write_rejected", "step", "no_baseline"), 0);
	assert_int_equal(trail_audit_count(pw->recs, pw->n_recs,
	    "write_rejected", "step2", "no_baseline"), 2);
	assert_int_equal(audit_count(pw, "takeover", NULL), 0);
}

/* The config of the checks below, with the lines the errors are on. */
#define BAD_LINE_MINMAX 8
#define BAD_LINE_DEVICE 10
#define BAD_LINE_KEY 13

/* DIR/name holds the rig-less part of a config, then body. */
static void
write_config(const struct policy_world *pw, const char *name,
    const char *body, char *path, size_t cap)
{
	snprintf(path, cap, "%s/%s", pw->dir, name);
	assert_int_equal(harness_write_file(path,
	    "listen: 127.0.0.1:1502\n"
	    "state_dir: %s\n"
	    "audit_log: %s/audit.jsonl\n"
	    "control: {socket: %s/control.sock}\n"
	    "devices: [{name: tank1, host: 127.0.0.1, port: 1502, unit_id: 1}]\n"
	    "%s", pw->dir, pw->dir, pw->dir, body), 0);
}

/* The row of point `name` in wardend -t output holds these words. */
static void
assert_row(const char *out, const char *name, const char *const *words)
{
	char line[512], *tok, *save = NULL;
	const char *p = out, *end;
	int at = 0;

	for (;;) {
		end = strchr(p, '\n');
		assert_non_null(end);
		snprintf(line, sizeof(line), "%.*s", (int)(end - p), p);
		if (strncmp(line, name, strlen(name)) == 0 &&
		    line[strlen(name)] == ' ')
			break;
		p = end + 1;
	}
	for (tok = strtok_r(line, " ", &save); tok && words[at];
	    tok = strtok_r(NULL, " ", &save))
		if (strstr(tok, words[at]) != NULL)
			at++;
	if (words[at] != NULL)
		fail_msg("wardend -t: row of %s lacks \"%s\":\n%s", name,
		    words[at], out);
}

/* A world without processes: a temp dir for configs. */
static int
setup_bare(void **state)
{
	struct policy_world *pw = calloc(1, sizeof(*pw));

	*state = pw;
	if (pw != NULL)
		pw->fd = -1;
	if (pw != NULL && (pw->dir = harness_tmpdir()) != NULL)
		return 0;
	free(pw);
	*state = NULL;
	return -1;
}

/*
 * wardend -t: "configuration OK", a row per point: its type, byte order,
 * scale, unit and precision, and its limits shown with that precision.
 */
static void
test_check_config_ok(void **state)
{
	struct policy_world *pw = *state;
	struct ctl_result *res = &pw->res;
	char path[RIG_PATH_MAX];

	write_config(pw, "warden.yaml", ENFORCE_BODY, path, sizeof(path));
	ctl_run_program(res, "wardend", "-t", "-c", path, (char *)NULL);
	if (res->status != 0 || strncmp(res->out, "configuration OK\n",
	    17) != 0)
		fail_msg("wardend -t exited %d:\n%s%s", res->status, res->out,
		    res->err);
	assert_row(res->out, "valve", (const char *const[]){ "tank1",
	    "holding", "0", "uint16", "%", "0.1", "1", "min=0.0",
	    "max=100.0", "step=20.0", "reject", NULL });
	assert_row(res->out, "pump_speed", (const char *const[]){ "tank1",
	    "holding", "1", "20", "100", "clamp", NULL });
	assert_row(res->out, "setpoint", (const char *const[]){ "tank1",
	    "holding", "10", "float32", "m", "ABCD", "3", "min=-1.000",
	    "max=5.000", "rate=1.000/s", NULL });
	assert_row(res->out, "flush", (const char *const[]){ "tank1",
	    "coil", "1", "bool", "1", NULL });
	assert_row(res->out, "drain", (const char *const[]){ "coil", "2",
	    "takeover", NULL });
	assert_row(res->out, "level", (const char *const[]){ "input", "0",
	    "uint16", "m", NULL });
}

/* Every error at once, each as FILE:LINE: ..., exit 1, nothing OK. */
static void
test_check_config_errors(void **state)
{
	struct policy_world *pw = *state;
	struct ctl_result *res = &pw->res;
	const int lines[] = { BAD_LINE_MINMAX, BAD_LINE_DEVICE, BAD_LINE_KEY };
	char path[RIG_PATH_MAX], want[RIG_PATH_MAX + 32];
	size_t i;

	write_config(pw, "bad.yaml",
	    "points:\n"
	    "  - {name: valve, device: tank1, table: holding, address: 0,\n"
	    "     write: {min: 10, max: 5}}\n"
	    "  - name: ghost\n"
	    "    device: nosuch\n"
	    "    table: holding\n"
	    "    address: 5\n"
	    "    colour: red\n", path, sizeof(path));
	ctl_run_program(res, "wardend", "-t", "-c", path, (char *)NULL);
	assert_int_equal(res->status, 1);
	assert_null(strstr(res->out, "configuration OK"));
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		snprintf(want, sizeof(want), "%s:%d: ", path, lines[i]);
		if (strstr(res->err, want) == NULL)
			fail_msg("wardend -t: no error \"%s...\" in:\n%s", want,
			    res->err);
	}
}

/*
 * A Modicon-style address loads with a warning on stderr; a file with a
 * malformed value and semantic errors gets all of them in one run.
 */
static void
test_check_config_warnings_and_every_error(void **state)
{
	struct policy_world *pw = *state;
	struct ctl_result *res = &pw->res;
	char path[RIG_PATH_MAX], want[4 * RIG_PATH_MAX + 256];

	write_config(pw, "modicon.yaml", "points:\n"
	    "  - {name: level, device: tank1, table: input, address: 30013}\n",
	    path, sizeof(path));
	ctl_run_program(res, "wardend", "-t", "-c", path, (char *)NULL);
	if (res->status != 0 || strncmp(res->out, "configuration OK\n",
	    17) != 0)
		fail_msg("wardend -t exited %d:\n%s%s", res->status, res->out,
		    res->err);
	snprintf(want, sizeof(want), "%s:7: warning: point 'level': input "
	    "address 30013 looks like a Modicon reference (3xxxx): the "
	    "protocol address is usually 12\n", path);
	if (strstr(res->err, want) == NULL)
		fail_msg("wardend -t: no \"%s\" on stderr:\n%s", want,
		    res->err);
	assert_null(strstr(res->out, "warning"));

	write_config(pw, "mixed.yaml", "points:\n"
	    "  - {name: valve, device: tank1, table: holding, address: x}\n"
	    "  - {name: pump, device: tank1, table: holding, address: 1,\n"
	    "     write: {min: 10, max: 5}}\n"
	    "  - {name: run, device: tnak1, table: coil, address: 0}\n",
	    path, sizeof(path));
	ctl_run_program(res, "wardend", "-t", "-c", path, (char *)NULL);
	assert_int_equal(res->status, 1);
	snprintf(want, sizeof(want), "%s:7: address: 'x' is not a whole "
	    "number\n%s:9: point 'pump': min 10 > max 5\n%s:10: point 'run': "
	    "no device named 'tnak1' (did you mean 'tank1'?)\n%s: "
	    "configuration not loaded\n", path, path, path, path);
	assert_string_equal(res->err, want);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_bounds, setup_enforce,
		    teardown_world),
		cmocka_unit_test_setup_teardown(test_clamp, setup_enforce,
		    teardown_world),
		cmocka_unit_test_setup_teardown(test_float_point,
		    setup_enforce, teardown_world),
		cmocka_unit_test_setup_teardown(test_multi_writes,
		    setup_enforce, teardown_world),
		cmocka_unit_test_setup_teardown(test_addresses_and_functions,
		    setup_enforce, teardown_world),
		cmocka_unit_test_setup_teardown(test_min_interval,
		    setup_enforce, teardown_world),
		cmocka_unit_test_setup_teardown(test_float_limit_at_zero,
		    setup_enforce, teardown_world),
		cmocka_unit_test_setup_teardown(test_pipelined_steps,
		    setup_enforce, teardown_world),
		cmocka_unit_test_setup_teardown(test_mask_write_every_result,
		    setup_enforce, teardown_world),
		cmocka_unit_test_setup_teardown(test_coil_padding_refused,
		    setup_enforce, teardown_world),
		cmocka_unit_test_setup_teardown(test_read_before_judging,
		    setup_no_poll, teardown_world),
		cmocka_unit_test_setup_teardown(test_monitor_mode,
		    setup_monitor, teardown_world),
		cmocka_unit_test_setup_teardown(test_check_config_ok,
		    setup_bare, teardown_world),
		cmocka_unit_test_setup_teardown(test_check_config_errors,
		    setup_bare, teardown_world),
		cmocka_unit_test_setup_teardown(
		    test_check_config_warnings_and_every_error, setup_bare,
		    teardown_world),
	};

	/* WARDEN_TEST_FILTER=test_clamp runs the matching tests only. */
	if (getenv("WARDEN_TEST_FILTER") != NULL)
		cmocka_set_test_filter(getenv("WARDEN_TEST_FILTER"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
