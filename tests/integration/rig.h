/*
 * rig.h: one plcsim (tank model) and one wardend configured by the test,
 * in a private temp dir: the world of the policy and takeover tests.
 *
 * The rig writes the part of warden.yaml every test needs (listen,
 * state_dir, audit_log, control.socket and the one device "tank1" with
 * short intervals) and the test adds the rest (mode, points, takeover).
 * wardend can be killed and started again on the same dir and ports, so
 * a test can see what survives a crash.
 */
#ifndef WARDEN_RIG_H
#define WARDEN_RIG_H

#include <stdint.h>
#include <sys/types.h>

#include <modbus.h>

#include "harness.h"

#define RIG_PATH_MAX 512
#define RIG_YAML_MAX 8192

/* What the rig's device block says unless the test changes it. */
#define RIG_DEVICE_DEFAULT \
	"timeout: 300ms, poll_interval: 50ms, loss_after: 500ms"

struct rig {
	char *dir;
	struct harness_plc plc;
	pid_t warden;                   /* -1 when not running */
	uint16_t port;                  /* the AI's listen port */
	char config[RIG_PATH_MAX];
	char log[RIG_PATH_MAX];         /* wardend's stderr, every run */
	char audit[RIG_PATH_MAX];
	char socket[RIG_PATH_MAX];
	char device[256];               /* the keys of tank1 after unit_id */
	char body[RIG_YAML_MAX];        /* the test's part of warden.yaml */
	int failed;                     /* keep the dir and show the logs */
};

/* A temp dir and a running plcsim (tank, with backdoor and journal);
 * NULL on failure. */
struct rig *rig_new(void);

/*
 * Write warden.yaml (the rig's part, then body) and start wardend -f.
 * Waits until its control socket answers and, when wait_listen is set,
 * until its AI port accepts (not with isolate: all in TAKEOVER, where
 * the listener stays closed). 0 when ready; -1 otherwise (the log is
 * printed).
 */
int rig_start(struct rig *r, const char *body, int wait_listen);

/* SIGKILL wardend (no chance to clean up) and reap it. */
void rig_kill(struct rig *r);

/* Start wardend again on the same config, dir and ports. */
int rig_restart(struct rig *r, int wait_listen);

/* SIGTERM wardend; 0 when it exited 0 (a sanitizer report makes it
 * non-zero). The audit log is complete afterwards. */
int rig_stop(struct rig *r);

/* Stop the plcsim (device loss), and start it again on the same port,
 * with more plcsim arguments (e.g. "--hole input:3-9", or NULL). */
void rig_plc_stop(struct rig *r);
int rig_plc_restart(struct rig *r, const char *extra_args);

/*
 * Stop everything by PID and remove the dir. Returns 0 when wardend
 * (if still running) exited 0 on SIGTERM; when it did not, when
 * r->failed is set or WARDEN_KEEP is in the environment, the logs are
 * printed and the dir is kept.
 */
int rig_free(struct rig *r);

/* A libmodbus client of wardend (unit 1), of plcsim itself, or of the
 * plcsim backdoor; NULL when it cannot connect. */
modbus_t *rig_client(const struct rig *r, double timeout);
modbus_t *rig_plc_client(const struct rig *r);
modbus_t *rig_backdoor(const struct rig *r);

/* Read holding register `address` through ctx until it is answered
 * (wardend's connection to the device is up: before, the AI gets 0x0A).
 * 0, or -1 after timeout seconds. */
int rig_wait_path(modbus_t *ctx, int address, double timeout);

/* Write one holding register / coil through the backdoor (see
 * config/plcsim-registers.md). 0 on success. */
int rig_backdoor_register(const struct rig *r, uint16_t address,
    uint16_t value);
int rig_backdoor_coil(const struct rig *r, uint16_t address, int on);

/* The Modbus exception code of the last libmodbus failure (errno), or -1
 * when it failed otherwise. */
int rig_exception(void);

/* Wait until plcsim's journal holds `count` requests with this fc and
 * address made after entry `from`: with two polls seen, the first one's
 * answer has been taken in. 0, or -1 on timeout. */
int rig_wait_requests(const struct rig *r, int from, int fc, int address,
    int count, double timeout);

/* Seconds since the epoch (the clock of the journal and audit stamps). */
double rig_wall_time(void);

#endif
