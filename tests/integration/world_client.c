/*
 * world_client.c: libmodbus clients of a world's wardend, plcsims and
 * backdoors, and waits on what they see. See world.h.
 */
#include "world.h"

#include <errno.h>
#include <time.h>

#include "journal.h"

#define WORLD_PLC_CLIENT_TIMEOUT 2.0

modbus_t *
world_connect(uint16_t port, int unit, double timeout)
{
	modbus_t *ctx = modbus_new_tcp("127.0.0.1", port);
	uint32_t sec = (uint32_t)timeout;

	if (ctx == NULL)
		return NULL;
	modbus_set_slave(ctx, unit);
	modbus_set_response_timeout(ctx, sec,
	    (uint32_t)((timeout - sec) * 1e6));
	/* libmodbus' own error recovery sleeps and flushes: the tests want
	 * to see each error as it is. */
	modbus_set_error_recovery(ctx, MODBUS_ERROR_RECOVERY_NONE);
	if (modbus_connect(ctx) == -1) {
		modbus_free(ctx);
		return NULL;
	}
	return ctx;
}

void
world_client_free(modbus_t *ctx)
{
	if (ctx == NULL)
		return;
	modbus_close(ctx);
	modbus_free(ctx);
}

modbus_t *
world_client(const struct world *w, int unit, double timeout)
{
	return world_connect(w->port, unit, timeout);
}

modbus_t *
world_plc_client(const struct world *w, int i, int unit)
{
	return world_connect(w->plc[i].port, unit, WORLD_PLC_CLIENT_TIMEOUT);
}

modbus_t *
world_backdoor(const struct world *w, int i)
{
	if (w->plc[i].backdoor == 0)
		return NULL;
	return world_connect(w->plc[i].backdoor, 1, WORLD_PLC_CLIENT_TIMEOUT);
}

int
world_backdoor_register(const struct world *w, int i, uint16_t address,
    uint16_t value)
{
	modbus_t *ctx = world_backdoor(w, i);
	int rc;

	if (ctx == NULL)
		return -1;
	rc = modbus_write_register(ctx, address, value) == 1 ? 0 : -1;
	world_client_free(ctx);
	return rc;
}

int
world_backdoor_coil(const struct world *w, int i, uint16_t address, int on)
{
	modbus_t *ctx = world_backdoor(w, i);
	int rc;

	if (ctx == NULL)
		return -1;
	rc = modbus_write_bit(ctx, address, on) == 1 ? 0 : -1;
	world_client_free(ctx);
	return rc;
}

int
world_wait_path(modbus_t *ctx, int address, double timeout)
{
	double deadline = harness_now() + timeout;
	uint16_t reg;

	while (modbus_read_registers(ctx, address, 1, &reg) != 1) {
		if (harness_now() > deadline)
			return -1;
		harness_nap(0.01);
	}
	return 0;
}

int
world_wait_unit(const struct world *w, int unit, int address, double timeout)
{
	modbus_t *ctx = world_client(w, unit, 1.0);
	int rc;

	if (ctx == NULL)
		return -1;
	rc = world_wait_path(ctx, address, timeout);
	world_client_free(ctx);
	return rc;
}

int
world_exception(void)
{
	if (errno > MODBUS_ENOBASE && errno < MODBUS_ENOBASE + 0x100)
		return errno - MODBUS_ENOBASE;
	return -1;
}

int
world_wait_requests(const struct world *w, int i, int from, int fc,
    int address, int count, double timeout)
{
	double deadline = harness_now() + timeout;
	int at = from, seen;

	if (!w->plc[i].has_journal)
		return -1;
	for (seen = 0; seen < count; seen++) {
		at = journal_wait(w->plc[i].journal, at, fc, -1, address,
		    deadline - harness_now(), NULL);
		if (at < 0)
			return -1;
		at++;
	}
	return 0;
}

double
world_wall_time(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
