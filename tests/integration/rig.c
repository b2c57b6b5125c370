/*
 * rig.c: plcsim + a wardend the test configures. See rig.h.
 */
#include "rig.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "journal.h"

#define RIG_START_TIMEOUT 10.0          /* sanitizer builds start slowly */
#define RIG_STOP_TIMEOUT 5.0

double
rig_wall_time(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
rig_nap(double seconds)
{
	struct timespec ts;

	ts.tv_sec = (time_t)seconds;
	ts.tv_nsec = (long)((seconds - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

struct rig *
rig_new(void)
{
	struct rig *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return NULL;
	r->warden = -1;
	r->plc.pid = -1;
	snprintf(r->device, sizeof(r->device), "%s", RIG_DEVICE_DEFAULT);
	r->dir = harness_tmpdir();
	if (r->dir == NULL) {
		free(r);
		return NULL;
	}
	snprintf(r->config, sizeof(r->config), "%s/warden.yaml", r->dir);
	snprintf(r->log, sizeof(r->log), "%s/wardend.log", r->dir);
	snprintf(r->audit, sizeof(r->audit), "%s/audit.jsonl", r->dir);
	snprintf(r->socket, sizeof(r->socket), "%s/control.sock", r->dir);
	if (harness_plc_start(&r->plc, r->dir, "tank", NULL) != 0) {
		r->plc.pid = -1;
		r->failed = 1;
		rig_free(r);
		return NULL;
	}
	return r;
}

static int
rig_write_config(struct rig *r)
{
	return harness_write_file(r->config,
	    "listen: 127.0.0.1:%u\n"
	    "state_dir: %s\n"
	    "audit_log: %s\n"
	    "control: {socket: %s}\n"
	    "devices:\n"
	    "  - {name: tank1, host: 127.0.0.1, port: %u, unit_id: 1, %s}\n"
	    "%s",
	    r->port, r->dir, r->audit, r->socket, r->plc.port, r->device,
	    r->body);
}

static int
rig_wait_ready(struct rig *r, int wait_listen)
{
	double deadline = harness_now() + RIG_START_TIMEOUT;

	while (!harness_unix_answers(r->socket)) {
		if (harness_exited(r->warden) || harness_now() > deadline)
			return -1;
		rig_nap(0.01);
	}
	if (!wait_listen)
		return 0;
	return harness_wait_port(r->warden, r->port,
	    deadline - harness_now());
}

static int
rig_launch(struct rig *r, int wait_listen)
{
	char *argv[5];
	char *bin = harness_bin_path("wardend");

	if (bin == NULL)
		return -1;
	argv[0] = bin;
	argv[1] = (char *)"-f";
	argv[2] = (char *)"-c";
	argv[3] = r->config;
	argv[4] = NULL;
	r->warden = harness_spawn(argv, r->log);
	free(bin);
	if (r->warden == -1)
		return -1;
	if (rig_wait_ready(r, wait_listen) == 0)
		return 0;
	r->failed = 1;
	harness_dump_file(r->log);
	harness_stop(r->warden, RIG_STOP_TIMEOUT);
	r->warden = -1;
	return -1;
}

int
rig_start(struct rig *r, const char *body, int wait_listen)
{
	snprintf(r->body, sizeof(r->body), "%s", body);
	r->port = harness_free_port();
	if (r->port == 0 || rig_write_config(r) != 0)
		return -1;
	return rig_launch(r, wait_listen);
}

void
rig_kill(struct rig *r)
{
	int status;

	if (r->warden <= 0)
		return;
	kill(r->warden, SIGKILL);
	while (waitpid(r->warden, &status, 0) == -1 && errno == EINTR)
		;
	r->warden = -1;
}

int
rig_restart(struct rig *r, int wait_listen)
{
	rig_kill(r);
	return rig_launch(r, wait_listen);
}

int
rig_stop(struct rig *r)
{
	int status;

	if (r->warden <= 0)
		return 0;
	status = harness_stop(r->warden, RIG_STOP_TIMEOUT);
	r->warden = -1;
	if (status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	fprintf(stderr, "rig: wardend did not exit 0 on SIGTERM "
	    "(status 0x%x)\n", (unsigned)status);
	r->failed = 1;
	return -1;
}

void
rig_plc_stop(struct rig *r)
{
	if (r->plc.pid > 0)
		harness_stop(r->plc.pid, RIG_STOP_TIMEOUT);
	r->plc.pid = -1;
}

int
rig_plc_restart(struct rig *r, const char *extra_args)
{
	rig_plc_stop(r);
	/* plc.port is kept: the device comes back where wardend looks. */
	if (harness_plc_start(&r->plc, r->dir, "tank", extra_args) != 0) {
		r->plc.pid = -1;
		return -1;
	}
	return 0;
}

int
rig_free(struct rig *r)
{
	int rc;

	if (r == NULL)
		return 0;
	rc = rig_stop(r);
	rig_plc_stop(r);
	if (r->failed || getenv("WARDEN_KEEP") != NULL) {
		harness_dump_file(r->log);
		fprintf(stderr, "rig: kept %s\n", r->dir);
	} else {
		harness_rmdir(r->dir);
	}
	free(r->dir);
	free(r);
	return rc;
}

static modbus_t *
rig_connect(uint16_t port, double timeout)
{
	modbus_t *ctx = modbus_new_tcp("127.0.0.1", port);
	uint32_t sec = (uint32_t)timeout;

	if (ctx == NULL)
		return NULL;
	modbus_set_slave(ctx, 1);
	modbus_set_response_timeout(ctx, sec,
	    (uint32_t)((timeout - sec) * 1e6));
	/* Each error must be seen as it is, without libmodbus' sleeps. */
	modbus_set_error_recovery(ctx, MODBUS_ERROR_RECOVERY_NONE);
	if (modbus_connect(ctx) == -1) {
		modbus_free(ctx);
		return NULL;
	}
	return ctx;
}

modbus_t *
rig_client(const struct rig *r, double timeout)
{
	return rig_connect(r->port, timeout);
}

modbus_t *
rig_plc_client(const struct rig *r)
{
	return rig_connect(r->plc.port, 2.0);
}

modbus_t *
rig_backdoor(const struct rig *r)
{
	return rig_connect(r->plc.backdoor, 2.0);
}

int
rig_wait_path(modbus_t *ctx, int address, double timeout)
{
	double deadline = harness_now() + timeout;
	uint16_t reg;

	while (modbus_read_registers(ctx, address, 1, &reg) != 1) {
		if (harness_now() > deadline)
			return -1;
		rig_nap(0.01);
	}
	return 0;
}

int
rig_backdoor_register(const struct rig *r, uint16_t address, uint16_t value)
{
	modbus_t *ctx = rig_backdoor(r);
	int rc;

	if (ctx == NULL)
		return -1;
	rc = modbus_write_register(ctx, address, value) == 1 ? 0 : -1;
	modbus_close(ctx);
	modbus_free(ctx);
	return rc;
}

int
rig_backdoor_coil(const struct rig *r, uint16_t address, int on)
{
	modbus_t *ctx = rig_backdoor(r);
	int rc;

	if (ctx == NULL)
		return -1;
	rc = modbus_write_bit(ctx, address, on) == 1 ? 0 : -1;
	modbus_close(ctx);
	modbus_free(ctx);
	return rc;
}

int
rig_exception(void)
{
	if (errno > MODBUS_ENOBASE && errno < MODBUS_ENOBASE + 0x100)
		return errno - MODBUS_ENOBASE;
	return -1;
}

int
rig_wait_requests(const struct rig *r, int from, int fc, int address,
    int count, double timeout)
{
	double deadline = harness_now() + timeout;
	int at = from, seen;

	for (seen = 0; seen < count; seen++) {
		at = journal_wait(r->plc.journal, at, fc, -1, address,
		    deadline - harness_now(), NULL);
		if (at < 0)
			return -1;
		at++;
	}
	return 0;
}
