/*
 * fixture.h: one test's world: a private temp dir, up to FIXTURE_MAX_PLCS
 * plcsims and a wardend in front of them, all on free loopback ports.
 * The wardend runs as a transparent gateway (mode: monitor, state auto)
 * so every request is forwarded as it is, whatever policy lands later.
 */
#ifndef WARDEN_FIXTURE_H
#define WARDEN_FIXTURE_H

#include <stdint.h>

#include <modbus.h>

#include "harness.h"

#define FIXTURE_MAX_PLCS 4
#define FIXTURE_YAML_MAX 4096

struct fixture {
	char *dir;
	struct harness_plc plc[FIXTURE_MAX_PLCS];
	int n_plcs;
	struct harness_warden warden;
	char devices[FIXTURE_YAML_MAX];        /* the devices: block so far */
	char limits[256];                       /* the limits: flow map */
	char extra[1024];                       /* more top-level YAML */
};

/* A fixture with a temp dir and default limits; NULL on failure. */
struct fixture *fixture_new(void);

/* Start the next plcsim (tank model; extra args as for
 * harness_plc_start). Returns its index, or -1. */
int fixture_add_plc(struct fixture *fx, const char *extra_args);

/* Append a device entry. port 0 means "a port nobody listens on".
 * device_unit 0 means "same as unit". */
void fixture_add_device(struct fixture *fx, const char *name, uint16_t port,
    uint8_t unit, uint8_t device_unit, const char *timeout);

/* Start wardend with the devices added so far. 0 on success. */
int fixture_start_warden(struct fixture *fx);

/* Write the running wardend's config again from fx (same listen port),
 * for a reload. 0 on success. */
int fixture_rewrite_config(const struct fixture *fx);

/* A libmodbus client connected to wardend for unit, with a response
 * timeout of timeout seconds; NULL on failure. */
modbus_t *fixture_client(const struct fixture *fx, int unit, double timeout);

/* A libmodbus client straight to plcsim number i (bypassing wardend). */
modbus_t *fixture_plc_client(const struct fixture *fx, int i, int unit);

/* The backdoor of plcsim number i: sets inputs and discrete inputs. */
modbus_t *fixture_backdoor(const struct fixture *fx, int i);

/* Force input register / discrete input address of plcsim number i to a
 * value the process model leaves alone. 0 on success. */
int fixture_force_input(const struct fixture *fx, int i, uint16_t address,
    uint16_t value);
int fixture_force_discrete(const struct fixture *fx, int i, uint16_t address,
    int on);

/*
 * Stop everything by PID and remove the temp dir. Returns 0 when wardend
 * exited 0 on SIGTERM (a crash or a sanitizer report fails the test);
 * logs are printed to stderr and the dir kept when it did not, or when
 * WARDEN_KEEP is set.
 */
int fixture_free(struct fixture *fx);

/* cmocka setup/teardown wrappers: *state becomes the fixture. */
int fixture_setup(void **state);
int fixture_teardown(void **state);

#endif
