/*
 * takeover_support.h: the plant of the takeover tests and the checks
 * every trigger's test makes. A tank (plcsim) behind wardend with a key
 * switch, a level trip, write limits, a life bit and a two-step safe
 * state; an AI client whose connection to the device is known from the
 * journal, so that the journal can prove none of its writes came after
 * the takeover.
 *
 * No cmocka here (the benchmark links these files too): checks return -1
 * and say why, and the test turns that into a failure.
 */
#ifndef WARDEN_TAKEOVER_SUPPORT_H
#define WARDEN_TAKEOVER_SUPPORT_H

#include <stddef.h>
#include <stdint.h>

#include <modbus.h>

#include "ctl.h"
#include "world.h"

/* The registers and points of the plant (plcsim's tank model). */
#define TK_VALVE 0              /* holding, % x10: valve, reject */
#define TK_PUMP_SPEED 1         /* holding, % x10: pump_speed, takeover */
#define TK_PUMP_RUN 0           /* coil: pump_run, no limits but 0/1 */
#define TK_LEVEL 0              /* input, m x100: level, high_high 4.8 */
#define TK_KEY 0                /* discrete: takeover_key */
#define TK_LIFE_BIT 900         /* holding */
#define TK_AI_MARK 610          /* the AI's first write to the valve */

/* Backdoor addresses (config/plcsim-registers.md). */
#define TK_SET_HOLDING 10000    /* + A: set holding A */
#define TK_SET_COIL 10000       /* + A: set coil A */
#define TK_UNFORCE 20000        /* + A: give input A back to the model */

/* How long a state change may take (sanitizer builds included). */
#define TK_TIMEOUT 5.0
#define TK_CLIENT_TIMEOUT 2.0

struct tk {
	struct world *w;
	modbus_t *ai;                   /* NULL when not connected */
	char ai_client[64];             /* its connection, as plcsim saw it */
	struct ctl_result res;          /* the last wardenctl run of a test */
};

/* How the world starts: isolate (writes|all), extra lines for the
 * takeover: block (each indented by two spaces, or ""), and whether the
 * AI connects and makes its first write (TK_AI_MARK to the valve). */
struct tk_options {
	const char *isolate;
	const char *takeover_extra;
	int connect_ai;
};

/* Start the world into t (zeroed by the caller). 0, or -1 with why. */
int tk_start(struct tk *t, const struct tk_options *opt, char *why,
    size_t whylen);

/* Close the AI and free the world; world_free's result. */
int tk_free(struct tk *t);

/*
 * tk_start() into a world of its own on the heap: NULL with why when it
 * did not start, what had started already stopped and its logs kept (a
 * test's setup fails without its teardown being run).
 */
struct tk *tk_new(const struct tk_options *opt, char *why, size_t whylen);

/* tk_free() and free what tk_new() gave (NULL is fine); world_free's
 * result. */
int tk_delete(struct tk *t);

/*
 * Wait until status says TAKEOVER with this cause (and the safe state
 * verified when want_verified), and find the takeover audit record of
 * that cause: its ts into *since. 0, or -1 with why.
 */
int tk_wait_takeover(struct tk *t, const char *cause, int want_verified,
    double *since, char *why, size_t whylen);

/* The journal since `since` holds the safe state and nothing of the AI,
 * and the safe state was written last (trail_check_safe_state). */
int tk_check_journal(const struct tk *t, double since, char *why,
    size_t whylen);

/*
 * Run wardenctl release -r REASON. 0 when it exited 0. When it did not,
 * -1 with what it said in why (exit status, stdout, stderr), so a test
 * can look for the reason of a refusal.
 */
int tk_release(const struct tk *t, const char *reason, int *status,
    char *why, size_t whylen);

#endif
