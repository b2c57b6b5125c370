/*
 * test_gateway.c: wardend as a transparent gateway. Every function code it
 * forwards, checked three ways: the answer the client gets, the device's
 * registers read directly, and plcsim's journal of what reached it.
 * Also unit id routing and rewriting, pipelining, partial frames and
 * clients sharing one device.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <modbus.h>

#include "world.h"
#include "journal.h"
#include "wire.h"

/* Addresses the tank model never touches. */
#define SCRATCH 200
#define UNIT_TANK 1             /* plc 0, device unit 1 */
#define UNIT_REWRITTEN 5        /* plc 1, device unit 9 */
#define DEVICE_UNIT_REWRITTEN 9
#define UNIT_NOBODY 77
#define CLIENT_TIMEOUT 2.0

/* Two plcsims: tank1 answers unit 1 as is; tank2 is addressed as unit 5
 * and expects unit 9. */
static int
gateway_setup(void **state)
{
	const struct world_options opt = { .n_plcs = 2,
	    .plc = { { .args = NULL }, { .args = "--unit 9" } } };
	struct world *w = world_new(&opt);
	char keys[64];

	if (w == NULL)
		return -1;
	world_device(w, "tank1", w->plc[0].port, UNIT_TANK, "timeout: 300ms");
	snprintf(keys, sizeof(keys), "device_unit_id: %d, timeout: 300ms",
	    DEVICE_UNIT_REWRITTEN);
	world_device(w, "tank2", w->plc[1].port, UNIT_REWRITTEN, keys);
	return world_setup(state, w, world_start(w, WORLD_GATEWAY));
}

static modbus_t *
gateway_client(const struct world *w, int unit)
{
	modbus_t *ctx = world_client(w, unit, CLIENT_TIMEOUT);

	assert_non_null(ctx);
	return ctx;
}

static void
assert_journal_values(const struct journal_entry *e, const uint16_t *values,
    int n)
{
	int i;

	assert_int_equal(e->n_values, n);
	for (i = 0; i < n; i++)
		assert_int_equal(e->values[i], values[i]);
}

/* fc 6, 16, 3: written through the gateway, seen by the device as sent,
 * read back both through the gateway and directly. */
static void
test_holding_registers(void **state)
{
	struct world *w = *state;
	const uint16_t many[4] = { 1, 0x8000, 0xFFFF, 0x1234 };
	uint16_t got[4], direct[5];
	struct journal_entry e;
	modbus_t *ctx = gateway_client(w, UNIT_TANK);
	modbus_t *plc = world_plc_client(w, 0, UNIT_TANK);
	int from = journal_count(w->plc[0].journal);

	assert_non_null(plc);
	assert_int_equal(modbus_write_register(ctx, SCRATCH, 0xBEEF), 1);
	assert_true(journal_wait(w->plc[0].journal, from,
	    MODBUS_FC_WRITE_SINGLE_REGISTER, UNIT_TANK, SCRATCH, 1.0, &e) >= 0);
	assert_journal_values(&e, (const uint16_t[]){ 0xBEEF }, 1);

	assert_int_equal(modbus_write_registers(ctx, SCRATCH + 1, 4, many), 4);
	assert_true(journal_wait(w->plc[0].journal, from,
	    MODBUS_FC_WRITE_MULTIPLE_REGISTERS, UNIT_TANK, SCRATCH + 1, 1.0,
	    &e) >= 0);
	assert_int_equal(e.count, 4);
	assert_journal_values(&e, many, 4);

	assert_int_equal(modbus_read_registers(plc, SCRATCH, 5, direct), 5);
	assert_int_equal(direct[0], 0xBEEF);
	assert_memory_equal(direct + 1, many, sizeof(many));

	from = journal_count(w->plc[0].journal);
	assert_int_equal(modbus_read_registers(ctx, SCRATCH + 1, 4, got), 4);
	assert_memory_equal(got, many, sizeof(many));
	assert_true(journal_wait(w->plc[0].journal, from,
	    MODBUS_FC_READ_HOLDING_REGISTERS, UNIT_TANK, SCRATCH + 1, 1.0,
	    &e) >= 0);
	assert_int_equal(e.count, 4);
	modbus_close(plc);
	modbus_free(plc);
	modbus_close(ctx);
	modbus_free(ctx);
}

/* The largest read and write the protocol allows pass whole. */
static void
test_maximum_quantities(void **state)
{
	struct world *w = *state;
	uint16_t regs[MODBUS_MAX_WRITE_REGISTERS], got[MODBUS_MAX_READ_REGISTERS];
	uint8_t bits[MODBUS_MAX_READ_BITS];
	modbus_t *ctx = gateway_client(w, UNIT_TANK);
	int i;

	for (i = 0; i < MODBUS_MAX_WRITE_REGISTERS; i++)
		regs[i] = (uint16_t)(i * 257 + 3);
	assert_int_equal(modbus_write_registers(ctx, 1000,
	    MODBUS_MAX_WRITE_REGISTERS, regs), MODBUS_MAX_WRITE_REGISTERS);
	assert_int_equal(modbus_read_registers(ctx, 1000,
	    MODBUS_MAX_READ_REGISTERS, got), MODBUS_MAX_READ_REGISTERS);
	assert_memory_equal(got, regs, sizeof(regs));
	for (i = 0; i < MODBUS_MAX_READ_BITS; i++)
		bits[i] = (uint8_t)(i % 3 == 0);
	assert_int_equal(modbus_write_bits(ctx, 1000, MODBUS_MAX_WRITE_BITS,
	    bits), MODBUS_MAX_WRITE_BITS);
	memset(bits, 0xAA, sizeof(bits));
	assert_int_equal(modbus_read_bits(ctx, 1000, MODBUS_MAX_READ_BITS,
	    bits), MODBUS_MAX_READ_BITS);
	for (i = 0; i < MODBUS_MAX_WRITE_BITS; i++)
		assert_int_equal(bits[i], i % 3 == 0);
	modbus_close(ctx);
	modbus_free(ctx);
}

/* fc 5, 15, 1. */
static void
test_coils(void **state)
{
	struct world *w = *state;
	const uint8_t pattern[11] = { 1, 0, 1, 1, 0, 0, 0, 1, 1, 0, 1 };
	uint8_t got[12], direct[12];
	struct journal_entry e;
	modbus_t *ctx = gateway_client(w, UNIT_TANK);
	modbus_t *plc = world_plc_client(w, 0, UNIT_TANK);
	int from = journal_count(w->plc[0].journal);

	assert_non_null(plc);
	assert_int_equal(modbus_write_bit(ctx, SCRATCH, 1), 1);
	assert_true(journal_wait(w->plc[0].journal, from,
	    MODBUS_FC_WRITE_SINGLE_COIL, UNIT_TANK, SCRATCH, 1.0, &e) >= 0);
	assert_journal_values(&e, (const uint16_t[]){ 1 }, 1);

	assert_int_equal(modbus_write_bits(ctx, SCRATCH + 1, 11, pattern), 11);
	assert_true(journal_wait(w->plc[0].journal, from,
	    MODBUS_FC_WRITE_MULTIPLE_COILS, UNIT_TANK, SCRATCH + 1, 1.0,
	    &e) >= 0);
	assert_int_equal(e.count, 11);
	assert_int_equal(e.n_values, 11);

	assert_int_equal(modbus_read_bits(plc, SCRATCH, 12, direct), 12);
	assert_int_equal(modbus_read_bits(ctx, SCRATCH, 12, got), 12);
	assert_memory_equal(got, direct, sizeof(got));
	assert_int_equal(got[0], 1);
	assert_memory_equal(got + 1, pattern, sizeof(pattern));

	assert_int_equal(modbus_write_bit(ctx, SCRATCH, 0), 1);
	assert_int_equal(modbus_read_bits(plc, SCRATCH, 1, direct), 1);
	assert_int_equal(direct[0], 0);
	modbus_close(plc);
	modbus_free(plc);
	modbus_close(ctx);
	modbus_free(ctx);
}

/* fc 4 and 2: values forced through plcsim's backdoor arrive unchanged. */
static void
test_inputs(void **state)
{
	struct world *w = *state;
	uint16_t regs[3];
	uint8_t bits[3];
	struct journal_entry e;
	modbus_t *ctx = gateway_client(w, UNIT_TANK);
	int from = journal_count(w->plc[0].journal);

	assert_int_equal(world_backdoor_register(w, 0, SCRATCH, 4242), 0);
	assert_int_equal(world_backdoor_register(w, 0, SCRATCH + 2, 0xFFFE), 0);
	assert_int_equal(world_backdoor_coil(w, 0, SCRATCH + 1, 1), 0);
	assert_int_equal(modbus_read_input_registers(ctx, SCRATCH, 3, regs), 3);
	assert_int_equal(regs[0], 4242);
	assert_int_equal(regs[2], 0xFFFE);
	assert_int_equal(modbus_read_input_bits(ctx, SCRATCH, 3, bits), 3);
	assert_int_equal(bits[0], 0);
	assert_int_equal(bits[1], 1);
	assert_int_equal(bits[2], 0);
	assert_true(journal_wait(w->plc[0].journal, from,
	    MODBUS_FC_READ_INPUT_REGISTERS, UNIT_TANK, SCRATCH, 1.0, &e) >= 0);
	assert_int_equal(e.count, 3);
	assert_true(journal_wait(w->plc[0].journal, from,
	    MODBUS_FC_READ_DISCRETE_INPUTS, UNIT_TANK, SCRATCH, 1.0, &e) >= 0);
	assert_int_equal(e.count, 3);
	modbus_close(ctx);
	modbus_free(ctx);
}

/* fc 22: the device applies the masks the client sent. */
static void
test_mask_write(void **state)
{
	struct world *w = *state;
	uint16_t direct;
	modbus_t *ctx = gateway_client(w, UNIT_TANK);
	modbus_t *plc = world_plc_client(w, 0, UNIT_TANK);
	int from = journal_count(w->plc[0].journal);

	assert_non_null(plc);
	assert_int_equal(modbus_write_register(plc, SCRATCH + 20, 0x12F4), 1);
	assert_int_equal(modbus_mask_write_register(ctx, SCRATCH + 20,
	    0x00F2, 0x0025), 1);
	assert_int_equal(modbus_read_registers(plc, SCRATCH + 20, 1, &direct),
	    1);
	/* (current & and) | (or & ~and) = 0x00F0 | 0x0005 */
	assert_int_equal(direct, 0x00F5);
	assert_true(journal_wait(w->plc[0].journal, from,
	    MODBUS_FC_MASK_WRITE_REGISTER, UNIT_TANK, SCRATCH + 20, 1.0,
	    NULL) >= 0);
	modbus_close(plc);
	modbus_free(plc);
	modbus_close(ctx);
	modbus_free(ctx);
}

/* fc 23: the write happens before the read, in one transaction. */
static void
test_write_and_read(void **state)
{
	struct world *w = *state;
	const uint16_t src[2] = { 0xAAAA, 0x5555 };
	uint16_t dest[3], direct[2];
	struct journal_entry e;
	modbus_t *ctx = gateway_client(w, UNIT_TANK);
	modbus_t *plc = world_plc_client(w, 0, UNIT_TANK);
	int from = journal_count(w->plc[0].journal);

	assert_non_null(plc);
	assert_int_equal(modbus_write_register(plc, SCRATCH + 30, 7), 1);
	assert_int_equal(modbus_write_and_read_registers(ctx, SCRATCH + 31, 2,
	    src, SCRATCH + 30, 3, dest), 3);
	assert_int_equal(dest[0], 7);
	assert_int_equal(dest[1], 0xAAAA);
	assert_int_equal(dest[2], 0x5555);
	assert_int_equal(modbus_read_registers(plc, SCRATCH + 31, 2, direct),
	    2);
	assert_memory_equal(direct, src, sizeof(src));
	assert_true(journal_wait(w->plc[0].journal, from,
	    MODBUS_FC_WRITE_AND_READ_REGISTERS, UNIT_TANK, SCRATCH + 30, 1.0,
	    &e) >= 0);
	assert_int_equal(e.count, 3);
	assert_journal_values(&e, src, 2);
	modbus_close(plc);
	modbus_free(plc);
	modbus_close(ctx);
	modbus_free(ctx);
}

/* The client addresses unit 5, the device sees unit 9, and the answer
 * comes back as unit 5. */
static void
test_unit_rewrite(void **state)
{
	struct world *w = *state;
	uint8_t req[WIRE_MAX_ADU], ans[WIRE_MAX_ADU];
	struct journal_entry e;
	uint16_t value;
	modbus_t *ctx = gateway_client(w, UNIT_REWRITTEN);
	modbus_t *plc = world_plc_client(w, 1, DEVICE_UNIT_REWRITTEN);
	int from = journal_count(w->plc[1].journal);
	int fd, len;

	assert_non_null(plc);
	assert_int_equal(modbus_write_register(ctx, SCRATCH, 909), 1);
	assert_true(journal_wait(w->plc[1].journal, from,
	    MODBUS_FC_WRITE_SINGLE_REGISTER, DEVICE_UNIT_REWRITTEN, SCRATCH,
	    1.0, &e) >= 0);
	assert_int_equal(journal_wait(w->plc[1].journal, from, -1,
	    UNIT_REWRITTEN, -1, 0.0, NULL), -1);
	assert_int_equal(modbus_read_registers(plc, SCRATCH, 1, &value), 1);
	assert_int_equal(value, 909);
	/* Nothing for unit 5 reached the other device either. */
	assert_int_equal(journal_wait(w->plc[0].journal, 0, -1,
	    UNIT_REWRITTEN, -1, 0.0, NULL), -1);

	fd = wire_connect(w->port);
	assert_true(fd >= 0);
	len = (int)wire_read_request(req, 0x4321, UNIT_REWRITTEN,
	    MODBUS_FC_READ_HOLDING_REGISTERS, SCRATCH, 1);
	assert_int_equal(wire_send(fd, req, (size_t)len), 0);
	assert_int_equal(wire_recv_adu(fd, ans, sizeof(ans), CLIENT_TIMEOUT),
	    11);
	assert_int_equal(wire_tid(ans), 0x4321);
	assert_int_equal(wire_unit(ans), UNIT_REWRITTEN);
	assert_int_equal(wire_fc(ans), MODBUS_FC_READ_HOLDING_REGISTERS);
	assert_int_equal(wire_register(ans, 0), 909);
	close(fd);
	modbus_close(plc);
	modbus_free(plc);
	modbus_close(ctx);
	modbus_free(ctx);
}

/* A unit id no device has: exception 0x0B from the gateway itself, with
 * the client's own tid and unit, and nothing reaches any device. */
static void
test_unknown_unit(void **state)
{
	struct world *w = *state;
	uint8_t req[WIRE_MAX_ADU], ans[WIRE_MAX_ADU];
	uint16_t value;
	modbus_t *ctx = gateway_client(w, UNIT_NOBODY);
	int from0 = journal_count(w->plc[0].journal);
	int from1 = journal_count(w->plc[1].journal);
	int fd;

	assert_int_equal(modbus_read_registers(ctx, SCRATCH, 1, &value), -1);
	assert_int_equal(errno, EMBXGTAR);
	assert_int_equal(modbus_write_register(ctx, SCRATCH, 1), -1);
	assert_int_equal(errno, EMBXGTAR);

	fd = wire_connect(w->port);
	assert_true(fd >= 0);
	wire_read_request(req, 0xA5A5, UNIT_NOBODY,
	    MODBUS_FC_READ_INPUT_REGISTERS, 0, 1);
	assert_int_equal(wire_send(fd, req, 12), 0);
	assert_int_equal(wire_recv_adu(fd, ans, sizeof(ans), CLIENT_TIMEOUT),
	    9);
	assert_int_equal(wire_tid(ans), 0xA5A5);
	assert_int_equal(wire_unit(ans), UNIT_NOBODY);
	assert_int_equal(wire_fc(ans), 0x80 | MODBUS_FC_READ_INPUT_REGISTERS);
	assert_int_equal(ans[8], MODBUS_EXCEPTION_GATEWAY_TARGET);
	close(fd);

	/* Nothing reached a device, and known units still work after. */
	modbus_set_slave(ctx, UNIT_TANK);
	assert_int_equal(modbus_read_registers(ctx, SCRATCH, 1, &value), 1);
	assert_true(journal_wait(w->plc[0].journal, from0,
	    MODBUS_FC_READ_HOLDING_REGISTERS, UNIT_TANK, SCRATCH, 1.0,
	    NULL) >= 0);
	assert_int_equal(journal_wait(w->plc[0].journal, from0, -1,
	    UNIT_NOBODY, -1, 0.0, NULL), -1);
	assert_int_equal(journal_wait(w->plc[1].journal, from1, -1,
	    UNIT_NOBODY, -1, 0.0, NULL), -1);
	modbus_close(ctx);
	modbus_free(ctx);
}

/* Five requests in one write(), more than max_inflight (4): each answer
 * carries its own tid and its own register's value. */
static void
test_pipelined(void **state)
{
	struct world *w = *state;
	uint8_t burst[5 * 12], ans[WIRE_MAX_ADU];
	int seen[5] = { 0 };
	modbus_t *plc = world_plc_client(w, 0, UNIT_TANK);
	int fd, i, k;
	uint16_t tid;

	assert_non_null(plc);
	for (i = 0; i < 5; i++)
		assert_int_equal(modbus_write_register(plc, SCRATCH + 40 + i,
		    (uint16_t)(1000 + i)), 1);
	for (i = 0; i < 5; i++)
		wire_read_request(burst + 12 * i, (uint16_t)(0x7000 + i * 0x111),
		    UNIT_TANK, MODBUS_FC_READ_HOLDING_REGISTERS,
		    (uint16_t)(SCRATCH + 40 + i), 1);
	fd = wire_connect(w->port);
	assert_true(fd >= 0);
	assert_int_equal(wire_send(fd, burst, sizeof(burst)), 0);
	for (k = 0; k < 5; k++) {
		assert_int_equal(wire_recv_adu(fd, ans, sizeof(ans),
		    CLIENT_TIMEOUT), 11);
		assert_int_equal(wire_fc(ans),
		    MODBUS_FC_READ_HOLDING_REGISTERS);
		tid = wire_tid(ans);
		i = (tid - 0x7000) / 0x111;
		assert_true(i >= 0 && i < 5);
		assert_int_equal(tid, 0x7000 + i * 0x111);
		assert_int_equal(seen[i], 0);
		seen[i] = 1;
		assert_int_equal(wire_register(ans, 0), 1000 + i);
	}
	close(fd);
	modbus_close(plc);
	modbus_free(plc);
}

/* A request split byte by byte, then two and a half requests in one write
 * and the rest in another: the framer waits for whole frames. */
static void
test_partial_frames(void **state)
{
	struct world *w = *state;
	uint8_t reqs[3 * 12], ans[WIRE_MAX_ADU];
	int fd, i;

	for (i = 0; i < 3; i++)
		wire_write_register_request(reqs + 12 * i, (uint16_t)(10 + i),
		    UNIT_TANK, (uint16_t)(SCRATCH + 50 + i),
		    (uint16_t)(500 + i));
	fd = wire_connect(w->port);
	assert_true(fd >= 0);
	for (i = 0; i < 12; i++) {
		assert_int_equal(wire_send(fd, reqs + i, 1), 0);
		usleep(2000);
	}
	assert_int_equal(wire_recv_adu(fd, ans, sizeof(ans), CLIENT_TIMEOUT),
	    12);
	assert_memory_equal(ans, reqs, 12); /* fc 6 echoes the request */

	assert_int_equal(wire_send(fd, reqs, 30), 0);
	usleep(20000);
	assert_int_equal(wire_send(fd, reqs + 30, 6), 0);
	for (i = 0; i < 3; i++) {
		assert_int_equal(wire_recv_adu(fd, ans, sizeof(ans),
		    CLIENT_TIMEOUT), 12);
		assert_int_equal(wire_fc(ans), MODBUS_FC_WRITE_SINGLE_REGISTER);
		assert_memory_equal(ans, reqs + 12 * (wire_tid(ans) - 10), 12);
	}
	close(fd);
}

/* Two clients on one device using the same tids, interleaved: each gets
 * the answer to its own request. */
static void
test_two_clients_interleaved(void **state)
{
	struct world *w = *state;
	uint8_t req[WIRE_MAX_ADU], ans[WIRE_MAX_ADU];
	modbus_t *plc = world_plc_client(w, 0, UNIT_TANK);
	int fd[2], round, c;

	assert_non_null(plc);
	assert_int_equal(modbus_write_register(plc, SCRATCH + 60, 111), 1);
	assert_int_equal(modbus_write_register(plc, SCRATCH + 61, 222), 1);
	fd[0] = wire_connect(w->port);
	fd[1] = wire_connect(w->port);
	assert_true(fd[0] >= 0 && fd[1] >= 0);
	for (round = 0; round < 20; round++) {
		/* Both requests are in flight before either answer is read. */
		for (c = 0; c < 2; c++) {
			wire_read_request(req, (uint16_t)round, UNIT_TANK,
			    MODBUS_FC_READ_HOLDING_REGISTERS,
			    (uint16_t)(SCRATCH + 60 + c), 1);
			assert_int_equal(wire_send(fd[c], req, 12), 0);
		}
		for (c = 1; c >= 0; c--) {
			assert_int_equal(wire_recv_adu(fd[c], ans, sizeof(ans),
			    CLIENT_TIMEOUT), 11);
			assert_int_equal(wire_tid(ans), round);
			assert_int_equal(wire_register(ans, 0), 111 * (c + 1));
		}
	}
	close(fd[0]);
	close(fd[1]);
	modbus_close(plc);
	modbus_free(plc);
}

struct hammer {
	const struct world *w;
	uint16_t address;
	int ok;                 /* rounds whose read returned our write */
};

static void *
hammer_run(void *arg)
{
	struct hammer *h = arg;
	modbus_t *ctx = world_client(h->w, UNIT_TANK, CLIENT_TIMEOUT);
	uint16_t value, got;
	int i;

	if (ctx == NULL)
		return NULL;
	for (i = 0; i < 300; i++) {
		value = (uint16_t)(h->address * 1000 + i);
		if (modbus_write_register(ctx, h->address, value) != 1 ||
		    modbus_read_registers(ctx, h->address, 1, &got) != 1 ||
		    got != value)
			break;
		h->ok++;
	}
	modbus_close(ctx);
	modbus_free(ctx);
	return NULL;
}

/* Two threads hammer one device through the gateway at once, each on its
 * own register: every read returns that thread's last write. */
static void
test_two_clients_concurrent(void **state)
{
	struct world *w = *state;
	struct hammer h[2] = { { w, SCRATCH + 70, 0 }, { w, SCRATCH + 71, 0 } };
	pthread_t thread[2];
	int i;

	for (i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&thread[i], NULL, hammer_run,
		    &h[i]), 0);
	for (i = 0; i < 2; i++)
		pthread_join(thread[i], NULL);
	assert_int_equal(h[0].ok, 300);
	assert_int_equal(h[1].ok, 300);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_holding_registers,
		    gateway_setup, world_teardown),
		cmocka_unit_test_setup_teardown(test_maximum_quantities,
		    gateway_setup, world_teardown),
		cmocka_unit_test_setup_teardown(test_coils,
		    gateway_setup, world_teardown),
		cmocka_unit_test_setup_teardown(test_inputs,
		    gateway_setup, world_teardown),
		cmocka_unit_test_setup_teardown(test_mask_write,
		    gateway_setup, world_teardown),
		cmocka_unit_test_setup_teardown(test_write_and_read,
		    gateway_setup, world_teardown),
		cmocka_unit_test_setup_teardown(test_unit_rewrite,
		    gateway_setup, world_teardown),
		cmocka_unit_test_setup_teardown(test_unknown_unit,
		    gateway_setup, world_teardown),
		cmocka_unit_test_setup_teardown(test_pipelined,
		    gateway_setup, world_teardown),
		cmocka_unit_test_setup_teardown(test_partial_frames,
		    gateway_setup, world_teardown),
		cmocka_unit_test_setup_teardown(test_two_clients_interleaved,
		    gateway_setup, world_teardown),
		cmocka_unit_test_setup_teardown(test_two_clients_concurrent,
		    gateway_setup, world_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
