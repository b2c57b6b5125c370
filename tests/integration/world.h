/*
 * world.h: the one world every integration test and both benchmarks run
 * in. A private temp dir; plcsims (a model, with or without journal
 * and backdoor, more plcsim arguments such as --hole, --fault or
 * --max-connections) and fake devices, on free loopback ports; programs
 * of the test's own that listen on a port (haproxy for build/bench); one
 * wardend (the build's, or another binary) whose warden.yaml the world
 * writes from the parts the test gives (the devices block, its own YAML,
 * control keys, paths), started, killed, restarted and stopped by PID;
 * libmodbus clients of wardend, of a plcsim and of its backdoor.
 * wardenctl runs on top of it (ctl.h).
 *
 * One world runs one wardend. More wardends beside the same plant are
 * worlds within the first: each in its own subdir of the first's dir,
 * with its devices pointing at the first's plcsims.
 *
 * The world stops everything it started in world_free(), so a failing
 * test leaves no process or thread behind. The dir is removed unless
 * wardend did not exit 0 on SIGTERM (a crash, a sanitizer report), a
 * start failed, the test set w->failed, or WARDEN_KEEP is in the
 * environment: then wardend's log is printed and the dir kept (and the
 * dir of the world it is within, which is freed after it).
 *
 * No cmocka here: build/bench and build/bench-safety link every non-test
 * file of tests/integration/ too.
 */
#ifndef WARDEN_WORLD_H
#define WARDEN_WORLD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <modbus.h>

#include "fake_device.h"
#include "harness.h"

#define WORLD_MAX_PLCS 10
#define WORLD_MAX_FAKES 2
#define WORLD_MAX_PROCS 2
#define WORLD_PATH_MAX 512
#define WORLD_YAML_MAX 16384
#define WORLD_START_TIMEOUT 10.0        /* sanitizer builds start slowly */

/* The keys of device tank1 in world_new_tank() unless the test says. */
#define WORLD_TANK_KEYS \
	"timeout: 300ms, poll_interval: 50ms, loss_after: 500ms"

/* A transparent gateway: monitor mode, state auto, so every request is
 * forwarded as it is whatever policy there is; and the limits the
 * gateway tests assume. */
#define WORLD_MONITOR "mode: monitor\ninitial_state: auto\n"
#define WORLD_LIMITS "{max_clients: 8, max_inflight: 4, idle_timeout: 5s}"
#define WORLD_GATEWAY WORLD_MONITOR "limits: " WORLD_LIMITS "\n"

/* How one plcsim runs. Zeroed: the tank model, journal and backdoor. */
struct world_plc_options {
	const char *model;              /* NULL: "tank" */
	const char *args;               /* more arguments, split on spaces
					 * ("--unit 9 --fault drop"), or NULL */
	int no_journal;                 /* a file write per request costs
					 * what a benchmark measures */
	int no_backdoor;
};

struct world_options {
	int n_plcs;
	struct world_plc_options plc[WORLD_MAX_PLCS];
	const char *wardend;            /* the binary; NULL: $WARDEN_BIN's */
	/* Not NULL: the world lives in the subdir `name` of within's dir
	 * instead of a temp dir of its own; within is freed after it. */
	struct world *within;
	const char *name;
};

struct world_plc {
	pid_t pid;                      /* -1 when not running */
	uint16_t port;                  /* kept when it restarts */
	uint16_t backdoor;              /* 0: none */
	char model[32];
	int has_journal, has_backdoor;
	char journal[WORLD_PATH_MAX];   /* "" without a journal */
	char log[WORLD_PATH_MAX];
};

/* A program of the test's own, listening on one port. */
struct world_proc {
	pid_t pid;                      /* -1 when not running */
	uint16_t port;
	char log[WORLD_PATH_MAX];       /* DIR/NAME.log */
};

struct world {
	char *dir;
	struct world *within;           /* NULL: dir is a temp dir */
	struct world_plc plc[WORLD_MAX_PLCS];
	int n_plcs;
	struct fake_device fake[WORLD_MAX_FAKES];
	int n_fakes;
	struct world_proc proc[WORLD_MAX_PROCS];
	int n_procs;

	pid_t warden;                   /* -1 when not running */
	char bin[WORLD_PATH_MAX];       /* the wardend binary it runs */
	uint16_t port;                  /* the AI's listen port */
	char config[WORLD_PATH_MAX];
	char log[WORLD_PATH_MAX];       /* wardend's output, every run */

	/* What the next config says (a test may change them before it is
	 * written): state_dir (the dir), audit_log (DIR/audit.jsonl),
	 * control.socket (DIR/control.sock), more keys of the control map
	 * ("takeover_group: x"), the device entries of world_device(), and
	 * the test's own YAML, which comes last. */
	char state_dir[WORLD_PATH_MAX];
	char audit[WORLD_PATH_MAX];
	char socket[WORLD_PATH_MAX];
	char control[256];
	char devices[WORLD_YAML_MAX];
	char body[WORLD_YAML_MAX];

	int failed;                     /* keep the dir and show the log */
};

/* ---- world.c: the dir, what lives in it, and its end ---- */

/*
 * A temp dir (or opt->within's subdir opt->name) and opt->n_plcs plcsims
 * (opt NULL: none, a dir for files only). NULL when one did not start
 * (its log is printed) or on error.
 */
struct world *world_new(const struct world_options *opt);

/*
 * The world of the policy and takeover tests: one plcsim (tank, journal,
 * backdoor, plc_args) as device tank1, unit 1, with these device keys
 * (NULL: WORLD_TANK_KEYS). wardend is not started yet.
 */
struct world *world_new_tank(const char *plc_args, const char *keys);

/*
 * Stop everything by PID (wardend with SIGTERM first, then the programs
 * of the test's own, then the plcsims), stop the fake devices, remove or
 * keep the dir (see above), free w. 0 when wardend, if it ran, exited 0
 * on SIGTERM.
 */
int world_free(struct world *w);

/* For a cmocka setup: *state = w and 0 when rc is 0; otherwise -1 with
 * w freed (cmocka runs no teardown after a failed setup). */
int world_setup(void **state, struct world *w, int rc);
/* For a cmocka teardown: world_free(*state). */
int world_teardown(void **state);

/* A fake device on a free port (fake_device.h), stopped by world_free;
 * NULL when WORLD_MAX_FAKES run already or it cannot start. */
struct fake_device *world_fake(struct world *w, enum fake_fault fault);

/* The first line of wardend's log holding needle, into line (NULL: not
 * wanted); 0, or -1 when there is none. */
int world_log_line(const struct world *w, const char *needle, char *line,
    size_t cap);
/* Print wardend's log to stderr. */
void world_show_log(const struct world *w);

/* ---- world_plc.c: the plcsims ---- */

/* Start one more plcsim as opt says (NULL: zeroed), on fresh ports. Its
 * index, or -1 (its log printed). */
int world_add_plc(struct world *w, const struct world_plc_options *opt);

/* Stop plcsim i (a device lost): SIGTERM, then SIGKILL. Its status as
 * from waitpid (0: exited 0), or 0 when it was not running. */
int world_plc_stop(struct world *w, int i);
/* Start plcsim i again on the same port, model, journal and backdoor
 * choice, with these arguments (NULL: none): a device back where
 * wardend looks. 0, or -1 (its log printed). */
int world_plc_restart(struct world *w, int i, const char *args);

/* ---- world_proc.c: programs of the test's own ---- */

/* Write what tells a program its port (a config file in w->dir, or a
 * string argv points at); 0, or -1 to give up. */
typedef int world_prepare_fn(const struct world *w, uint16_t port,
    void *arg);

/*
 * Start argv (argv[0] a path; its output into DIR/NAME.log) on a fresh
 * free port, prepare(w, port, arg) before each try (NULL: nothing to
 * prepare), until the port accepts; on a fresh port again when it did
 * not. Its index in w->proc, or -1 (its log printed).
 */
int world_add_proc(struct world *w, const char *name, char *const argv[],
    world_prepare_fn *prepare, void *arg);
/* Stop program i: SIGTERM, then SIGKILL. Its status as from waitpid,
 * or 0 when it was not running. */
int world_proc_stop(struct world *w, int i);

/* ---- world_warden.c: wardend ---- */

/*
 * Add a device entry: "{name: NAME, host: 127.0.0.1, port: PORT,
 * unit_id: UNIT, KEYS}". port 0: one nobody listens on. keys NULL or ""
 * adds none ("device_unit_id: 9, timeout: 300ms").
 */
void world_device(struct world *w, const char *name, uint16_t port, int unit,
    const char *keys);

/*
 * Write w->config: listen on a fresh free port (into w->port), state_dir,
 * audit_log, control {socket, w->control}, the devices block when there
 * are devices, then body (NULL: w->body as it is). 0, or -1.
 */
int world_config(struct world *w, const char *body);
/* Write it again from w's parts, on the same port: for a reload. */
int world_rewrite_config(const struct world *w);

/* Start w->bin -f [-u user] -c w->config in the caller's environment,
 * without waiting for it. 0, or -1. */
int world_launch(struct world *w, const char *user);
/*
 * Wait until its control socket answers and, with wait_listen, its AI
 * port accepts (not in TAKEOVER with isolate: all, where the listener
 * stays closed). 0; -1 with w->failed set when it exits or timeout
 * seconds pass.
 */
int world_wait(struct world *w, int wait_listen, double timeout);

/*
 * world_config(body), world_launch, world_wait(1); on a fresh port again
 * when the last one was taken under our feet. 0; -1 with wardend stopped
 * and w->failed set.
 */
int world_start(struct world *w, const char *body);
/* SIGKILL wardend (no chance to clean up) and reap it. */
void world_kill(struct world *w);
/* world_kill, then world_launch and world_wait on the same config; -1
 * with wardend stopped and w->failed set. */
int world_restart(struct world *w, int wait_listen);
/* SIGTERM wardend; 0 when it exited 0 (or was not running). The audit
 * log is complete afterwards. */
int world_stop(struct world *w);

/* ---- world_client.c: clients of the world ---- */

/* A libmodbus client of 127.0.0.1:port for unit, with this response
 * timeout and no error recovery (each error is seen as it is, without
 * libmodbus' sleeps); NULL when it cannot connect. */
modbus_t *world_connect(uint16_t port, int unit, double timeout);
/* Close and free (NULL is fine). */
void world_client_free(modbus_t *ctx);
/* Clients of wardend, of plcsim i itself (2 s) and of its backdoor. */
modbus_t *world_client(const struct world *w, int unit, double timeout);
modbus_t *world_plc_client(const struct world *w, int i, int unit);
modbus_t *world_backdoor(const struct world *w, int i);

/* Write one holding register / coil through plcsim i's backdoor: A
 * forces input A, 10000 + A sets A, 20000 + A gives input A back to the
 * model (config/plcsim-registers.md). 0, or -1. */
int world_backdoor_register(const struct world *w, int i, uint16_t address,
    uint16_t value);
int world_backdoor_coil(const struct world *w, int i, uint16_t address,
    int on);

/* Read holding register `address` through ctx until it is answered
 * (wardend's connection to the device is up: before, 0x0A). 0, or -1
 * after timeout seconds. */
int world_wait_path(modbus_t *ctx, int address, double timeout);

/* The same with a client of wardend for unit of its own. */
int world_wait_unit(const struct world *w, int unit, int address,
    double timeout);

/* The Modbus exception code of the last libmodbus failure (errno), or -1
 * when it failed otherwise. */
int world_exception(void);

/* Wait until plcsim i's journal holds `count` requests with this fc and
 * address made after entry `from`: with two polls seen, the first one's
 * answer has been taken in. 0, or -1 on timeout. */
int world_wait_requests(const struct world *w, int i, int from, int fc,
    int address, int count, double timeout);

/* Seconds since the epoch (the clock of the journal and audit stamps). */
double world_wall_time(void);

#endif
