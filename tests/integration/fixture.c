/*
 * fixture.c: plcsims + wardend for one test. See fixture.h.
 */
#include "fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#define FIXTURE_STOP_TIMEOUT 5.0

struct fixture *
fixture_new(void)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (fx == NULL)
		return NULL;
	fx->dir = harness_tmpdir();
	if (fx->dir == NULL) {
		free(fx);
		return NULL;
	}
	fx->warden.pid = -1;
	snprintf(fx->limits, sizeof(fx->limits),
	    "{max_clients: 8, max_inflight: 4, idle_timeout: 5s}");
	return fx;
}

int
fixture_add_plc(struct fixture *fx, const char *extra_args)
{
	struct harness_plc *plc;

	if (fx->n_plcs == FIXTURE_MAX_PLCS)
		return -1;
	plc = &fx->plc[fx->n_plcs];
	memset(plc, 0, sizeof(*plc));
	if (harness_plc_start(plc, fx->dir, "tank", extra_args) != 0) {
		plc->pid = -1;
		return -1;
	}
	return fx->n_plcs++;
}

void
fixture_add_device(struct fixture *fx, const char *name, uint16_t port,
    uint8_t unit, uint8_t device_unit, const char *timeout)
{
	size_t used = strlen(fx->devices);

	if (port == 0)
		port = harness_free_port();
	if (device_unit == 0)
		device_unit = unit;
	snprintf(fx->devices + used, sizeof(fx->devices) - used,
	    "  - {name: %s, host: 127.0.0.1, port: %u, unit_id: %u, "
	    "device_unit_id: %u, timeout: %s}\n",
	    name, port, unit, device_unit, timeout);
}

static void
fixture_yaml(const struct fixture *fx, uint16_t port, char *yaml, size_t size)
{
	snprintf(yaml, size,
	    "listen: 127.0.0.1:%u\n"
	    "mode: monitor\n"
	    "initial_state: auto\n"
	    "state_dir: %s\n"
	    "audit_log: %s/audit.jsonl\n"
	    "control: {socket: %s/control.sock}\n"
	    "limits: %s\n"
	    "%s"
	    "devices:\n%s",
	    port, fx->dir, fx->dir, fx->dir, fx->limits, fx->extra,
	    fx->devices);
}

int
fixture_start_warden(struct fixture *fx)
{
	char yaml[2 * FIXTURE_YAML_MAX];
	uint16_t port;
	int tries;

	/* Retry on a fresh port if another process took ours first. */
	for (tries = 0; tries < 3; tries++) {
		port = harness_free_port();
		fixture_yaml(fx, port, yaml, sizeof(yaml));
		if (harness_warden_start(&fx->warden, fx->dir, port, yaml) == 0)
			return 0;
	}
	return -1;
}

int
fixture_rewrite_config(const struct fixture *fx)
{
	char yaml[2 * FIXTURE_YAML_MAX];

	fixture_yaml(fx, fx->warden.port, yaml, sizeof(yaml));
	return harness_write_file(fx->warden.config, "%s", yaml);
}

static modbus_t *
fixture_connect(uint16_t port, int unit, double timeout)
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

modbus_t *
fixture_client(const struct fixture *fx, int unit, double timeout)
{
	return fixture_connect(fx->warden.port, unit, timeout);
}

modbus_t *
fixture_plc_client(const struct fixture *fx, int i, int unit)
{
	return fixture_connect(fx->plc[i].port, unit, 2.0);
}

modbus_t *
fixture_backdoor(const struct fixture *fx, int i)
{
	return fixture_connect(fx->plc[i].backdoor, 1, 2.0);
}

/* plcsim's backdoor: a write to its holding register / coil A forces the
 * main input register / discrete input A. */
int
fixture_force_input(const struct fixture *fx, int i, uint16_t address,
    uint16_t value)
{
	modbus_t *ctx = fixture_backdoor(fx, i);
	int rc;

	if (ctx == NULL)
		return -1;
	rc = modbus_write_register(ctx, address, value) == 1 ? 0 : -1;
	modbus_close(ctx);
	modbus_free(ctx);
	return rc;
}

int
fixture_force_discrete(const struct fixture *fx, int i, uint16_t address,
    int on)
{
	modbus_t *ctx = fixture_backdoor(fx, i);
	int rc;

	if (ctx == NULL)
		return -1;
	rc = modbus_write_bit(ctx, address, on) == 1 ? 0 : -1;
	modbus_close(ctx);
	modbus_free(ctx);
	return rc;
}

int
fixture_free(struct fixture *fx)
{
	int status = 0, ok = 1, i;

	if (fx == NULL)
		return 0;
	if (fx->warden.pid > 0) {
		status = harness_stop(fx->warden.pid, FIXTURE_STOP_TIMEOUT);
		ok = status != -1 && WIFEXITED(status) &&
		    WEXITSTATUS(status) == 0;
		if (!ok)
			fprintf(stderr, "fixture: wardend did not exit 0 on "
			    "SIGTERM (status 0x%x)\n", (unsigned)status);
	}
	for (i = 0; i < fx->n_plcs; i++)
		if (fx->plc[i].pid > 0)
			harness_stop(fx->plc[i].pid, FIXTURE_STOP_TIMEOUT);
	if (!ok || getenv("WARDEN_KEEP") != NULL) {
		harness_dump_file(fx->warden.log);
		fprintf(stderr, "fixture: kept %s\n", fx->dir);
	} else {
		harness_rmdir(fx->dir);
	}
	free(fx->dir);
	free(fx);
	return ok ? 0 : -1;
}

int
fixture_setup(void **state)
{
	*state = fixture_new();
	return *state == NULL ? -1 : 0;
}

int
fixture_teardown(void **state)
{
	return fixture_free(*state);
}
