/*
 * takeover_support.c: the takeover tests' plant and checks. See
 * takeover_support.h.
 */
#include "takeover_support.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trail.h"

#define TK_BODY \
	"mode: enforce\n" \
	"initial_state: auto\n" \
	"points:\n" \
	"  - {name: valve, device: tank1, table: holding, address: 0,\n" \
	"     scale: 0.1, unit: \"%%\",\n" \
	"     write: {min: 0, max: 100, on_violation: reject}}\n" \
	"  - {name: pump_speed, device: tank1, table: holding, address: 1,\n" \
	"     scale: 0.1, unit: \"%%\",\n" \
	"     write: {min: 20, max: 100, on_violation: takeover}}\n" \
	"  - {name: pump_run, device: tank1, table: coil, address: 0,\n" \
	"     write: {min: 0, max: 1}}\n" \
	"  - {name: level, device: tank1, table: input, address: 0,\n" \
	"     scale: 0.01, unit: m, monitor: {high_high: 4.8, " \
	"deadband: 0.05}}\n" \
	"  - {name: takeover_key, device: tank1, table: discrete, " \
	"address: 0}\n" \
	"takeover:\n" \
	"  switch: {point: takeover_key, active: 1}\n" \
	"  isolate: %s\n" \
	"  safe_state:\n" \
	"    - {point: valve, value: 0}\n" \
	"    - {point: pump_run, value: 0}\n" \
	"%s"

/* The safe state above as it goes on the wire, in order. */
static const struct trail_expect tk_safe[] = {
	{ 6, TK_VALVE, 0 },
	{ 5, TK_PUMP_RUN, 0 },
};

static int
tk_connect_ai(struct tk *t, char *why, size_t whylen)
{
	t->ai = world_client(t->w, 1, TK_CLIENT_TIMEOUT);
	if (t->ai == NULL) {
		snprintf(why, whylen, "the AI cannot connect to wardend");
		return -1;
	}
	if (world_wait_path(t->ai, TK_VALVE, TK_TIMEOUT) != 0) {
		snprintf(why, whylen, "wardend has no path to the device");
		return -1;
	}
	if (modbus_write_register(t->ai, TK_VALVE, TK_AI_MARK) != 1) {
		snprintf(why, whylen, "the AI's first write was refused: %s",
		    modbus_strerror(errno));
		return -1;
	}
	/* Answered, so journalled: the device-side connection of the AI. */
	if (trail_client_of(t->w->plc[0].journal, TK_VALVE, TK_AI_MARK,
	    t->ai_client, sizeof(t->ai_client)) != 0) {
		snprintf(why, whylen, "the AI's first write is not in the "
		    "journal");
		return -1;
	}
	return 0;
}

int
tk_start(struct tk *t, const struct tk_options *opt, char *why, size_t whylen)
{
	char body[WORLD_YAML_MAX], keys[256];

	t->ai = NULL;
	t->ai_client[0] = '\0';
	snprintf(keys, sizeof(keys), "%s, life_bit: {address: %d, interval: "
	    "200ms}", WORLD_TANK_KEYS, TK_LIFE_BIT);
	if ((t->w = world_new_tank(NULL, keys)) == NULL) {
		snprintf(why, whylen, "cannot start plcsim");
		return -1;
	}
	snprintf(body, sizeof(body), TK_BODY, opt->isolate,
	    opt->takeover_extra);
	if (world_start(t->w, body) != 0) {
		snprintf(why, whylen, "wardend did not start (log above)");
		return -1;
	}
	/* Release is refused until the key switch has been read once. */
	if (world_wait_requests(t->w, 0, 0, MODBUS_FC_READ_DISCRETE_INPUTS,
	    TK_KEY, 2, TK_TIMEOUT) != 0) {
		snprintf(why, whylen, "wardend does not poll the key switch");
		return -1;
	}
	if (opt->connect_ai)
		return tk_connect_ai(t, why, whylen);
	return 0;
}

int
tk_free(struct tk *t)
{
	if (t->ai != NULL) {
		modbus_close(t->ai);
		modbus_free(t->ai);
		t->ai = NULL;
	}
	return world_free(t->w);
}

struct tk *
tk_new(const struct tk_options *opt, char *why, size_t whylen)
{
	struct tk *t = calloc(1, sizeof(*t));

	if (t == NULL) {
		snprintf(why, whylen, "out of memory for the takeover world");
		return NULL;
	}
	if (tk_start(t, opt, why, whylen) == 0)
		return t;
	if (t->w != NULL)
		t->w->failed = 1;
	tk_delete(t);
	return NULL;
}

int
tk_delete(struct tk *t)
{
	int rc;

	if (t == NULL)
		return 0;
	rc = t->w != NULL ? tk_free(t) : 0;
	free(t);
	return rc;
}

/* The ts of the last takeover record with this cause; 0 when none. */
static double
tk_takeover_record(const struct world *w, const char *cause)
{
	struct trail_record *recs = NULL;
	double ts = 0;
	int n = trail_audit_records(w->audit, &recs), i;

	for (i = n - 1; i >= 0 && ts == 0; i--)
		if (strcmp(recs[i].event, "takeover") == 0 &&
		    strcmp(recs[i].cause, cause) == 0)
			ts = recs[i].ts;
	free(recs);
	return ts;
}

int
tk_wait_takeover(struct tk *t, const char *cause, int want_verified,
    double *since, char *why, size_t whylen)
{
	struct ctl_status *st = malloc(sizeof(*st));
	int rc;

	if (st == NULL) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	rc = ctl_wait(t->w, "takeover", cause, want_verified, TK_TIMEOUT,
	    st, why, whylen);
	free(st);
	if (rc != 0)
		return -1;
	*since = tk_takeover_record(t->w, cause);
	if (*since == 0) {
		snprintf(why, whylen, "status says takeover (%s) but the audit "
		    "log has no takeover record with that cause", cause);
		return -1;
	}
	return 0;
}

int
tk_check_journal(const struct tk *t, double since, char *why, size_t whylen)
{
	return trail_check_safe_state(t->w->plc[0].journal, since, tk_safe,
	    (int)(sizeof(tk_safe) / sizeof(tk_safe[0])), TK_LIFE_BIT,
	    t->ai_client[0] ? t->ai_client : NULL, why, whylen);
}

int
tk_release(const struct tk *t, const char *reason, int *status, char *why,
    size_t whylen)
{
	struct ctl_result *res = malloc(sizeof(*res));

	if (res == NULL) {
		snprintf(why, whylen, "out of memory");
		*status = -1;
		return -1;
	}
	*status = ctl_run(t->w, res, "release", "-r", reason, (char *)NULL);
	snprintf(why, whylen, "wardenctl release exited %d: %s%s", *status,
	    res->out, res->err);
	free(res);
	return *status == 0 ? 0 : -1;
}
