/*
 * guard.c: the takeover state machine. Every change of state goes
 * through enter_takeover() or guard_release_commit(); the contract is in
 * guard.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guard.h"

/* Epoch-based doubles carry about 0.2 us of rounding (see monitor.c). */
#define TIME_SLACK 1e-6

static const char *const state_names[] = { "auto", "takeover" };
static const char *const cause_names[GUARD_CAUSE_COUNT] = {
	"operator", "switch", "trip", "violation", "violations",
	"ai_silence", "device_loss", "startup", "intrusion", "failover",
};

void
guard_reason_copy(char *dst, const char *text)
{
	size_t len = strlen(text);

	if (len >= GUARD_REASON_MAX) {
		len = GUARD_REASON_MAX - 1;
		/* Drop the continuation bytes of a character cut in two. */
		while (len > 0 && ((unsigned char)text[len] & 0xC0) == 0x80)
			len--;
	}
	memcpy(dst, text, len);
	dst[len] = '\0';
}

static struct guard_result
result_of(enum guard_action action, const char *why)
{
	struct guard_result r;

	memset(&r, 0, sizeof r);
	r.action = action;
	guard_reason_copy(r.why, why);
	return r;
}

static void
persisted_set(struct guard_persisted *p, enum guard_state state,
    enum guard_cause cause, const char *reason, double since)
{
	p->state = state;
	p->cause = cause;
	guard_reason_copy(p->reason, reason);
	p->since = since;
}

static void
violations_forget(struct guard *g)
{
	g->violation_head = 0;
	g->violation_n = 0;
}

static int
cause_is_automatic(enum guard_cause cause)
{
	return cause != GUARD_CAUSE_OPERATOR && cause != GUARD_CAUSE_SWITCH;
}

/*
 * The one way into TAKEOVER, or into its record in monitor mode. Any
 * takeover, real or would-be, starts the violation count afresh.
 */
static struct guard_result
enter_takeover(struct guard *g, enum guard_cause cause, const char *reason,
    double now)
{
	struct guard_result r;

	if (g->state == GUARD_STATE_TAKEOVER)
		return result_of(GUARD_NONE, "already in takeover");
	r = result_of(GUARD_TAKEOVER, "");
	persisted_set(&r.next, GUARD_STATE_TAKEOVER, cause, reason, now);
	violations_forget(g);
	if (cause_is_automatic(cause) && g->cfg->mode == MODE_MONITOR) {
		r.action = GUARD_WOULD_TAKEOVER;
		g->counters.would_takeovers[cause]++;
		return r;
	}
	g->state = GUARD_STATE_TAKEOVER;
	g->cause = cause;
	memcpy(g->reason, r.next.reason, sizeof g->reason);
	g->since = now;
	g->counters.takeovers[cause]++;
	return r;
}

static int
violations_resize(struct guard *g, const struct config *cfg)
{
	unsigned slots = cfg->takeover.has_on_violations ?
	    cfg->takeover.violations_count : 0;
	double *times = NULL;
	unsigned keep, i;

	if (slots == g->violation_slots)
		return 0;
	if (slots > 0 && (times = calloc(slots, sizeof *times)) == NULL)
		return -1;
	/* Keep the newest, oldest first, so the ring restarts at 0. */
	keep = g->violation_n < slots ? g->violation_n : slots;
	for (i = 0; i < keep; i++)
		times[i] = g->violation_times[(g->violation_head +
		    g->violation_slots - keep + i) % g->violation_slots];
	free(g->violation_times);
	g->violation_times = times;
	g->violation_slots = slots;
	g->violation_n = keep;
	g->violation_head = slots > 0 ? keep % slots : 0;
	return 0;
}

/* Record one violation; 1 when it is the count-th within the window. */
static int
violations_record(struct guard *g, double now)
{
	double oldest;

	if (g->violation_slots == 0)
		return 0;
	g->violation_times[g->violation_head] = now;
	g->violation_head = (g->violation_head + 1) % g->violation_slots;
	if (g->violation_n < g->violation_slots)
		g->violation_n++;
	if (g->violation_n < g->violation_slots)
		return 0;
	oldest = g->violation_times[g->violation_head];
	return now - oldest <= g->cfg->takeover.violations_within + TIME_SLACK;
}

static void
restore(struct guard *g, enum guard_restore how,
    const struct guard_persisted *saved, double now)
{
	if (how == GUARD_RESTORE_SAVED &&
	    (unsigned)saved->state <= GUARD_STATE_TAKEOVER &&
	    (unsigned)saved->cause < GUARD_CAUSE_COUNT) {
		g->state = saved->state;
		g->cause = saved->cause;
		guard_reason_copy(g->reason, saved->reason);
		g->since = saved->since;
		return;
	}
	g->cause = GUARD_CAUSE_STARTUP;
	g->since = now;
	if (how == GUARD_RESTORE_NONE &&
	    g->cfg->initial_state == INITIAL_AUTO) {
		g->state = GUARD_STATE_AUTO;
		guard_reason_copy(g->reason,
		    "no state file: initial_state is auto");
		return;
	}
	g->state = GUARD_STATE_TAKEOVER;
	guard_reason_copy(g->reason, how == GUARD_RESTORE_NONE ?
	    "no state file: initial_state is takeover" :
	    "state file unreadable or corrupt");
	g->counters.takeovers[GUARD_CAUSE_STARTUP]++;
}

int
guard_init(struct guard *g, const struct config *cfg, enum guard_restore how,
    const struct guard_persisted *saved, double now)
{
	memset(g, 0, sizeof *g);
	g->cfg = cfg;
	if (violations_resize(g, cfg) < 0)
		return -1;
	g->key_switch = cfg->takeover.has_switch ? GUARD_SWITCH_UNKNOWN :
	    GUARD_SWITCH_OFF;
	g->silence_from = now;
	restore(g, how, saved, now);
	return 0;
}

void
guard_free(struct guard *g)
{
	free(g->violation_times);
	free(g->trips);
	g->violation_times = NULL;
	g->trips = NULL;
}

int
guard_set_config(struct guard *g, const struct config *cfg)
{
	int had_switch = g->cfg->takeover.has_switch;

	if (violations_resize(g, cfg) < 0)
		return -1;
	g->cfg = cfg;
	if (!cfg->takeover.has_switch)
		g->key_switch = GUARD_SWITCH_OFF;
	else if (!had_switch)
		g->key_switch = GUARD_SWITCH_UNKNOWN;
	return 0;
}

static int
config_has_device(const struct config *cfg, const char *name)
{
	size_t i;

	for (i = 0; i < cfg->n_devices; i++)
		if (strcmp(cfg->devices[i].name, name) == 0)
			return 1;
	return 0;
}

int
guard_orphan_trip(const struct guard *g, struct guard_trip *out)
{
	size_t i;

	for (i = 0; i < g->n_trips; i++) {
		const struct guard_trip *t = &g->trips[i];

		if (t->kind == MONITOR_DEVICE_LOSS ?
		    config_has_device(g->cfg, t->source) :
		    config_point_by_name(g->cfg, t->source) != NULL)
			continue;
		*out = *t;
		return 1;
	}
	return 0;
}

void
guard_persisted_get(const struct guard *g, struct guard_persisted *out)
{
	persisted_set(out, g->state, g->cause, g->reason, g->since);
}

const struct guard_counters *
guard_counters(const struct guard *g)
{
	return &g->counters;
}

struct guard_result
guard_takeover(struct guard *g, const char *reason, double now)
{
	if (reason == NULL || *reason == '\0')
		reason = "operator takeover";
	return enter_takeover(g, GUARD_CAUSE_OPERATOR, reason, now);
}

static const struct guard_trip *
trips_find(const struct guard *g, const char *source, enum monitor_kind kind)
{
	size_t i;

	for (i = 0; i < g->n_trips; i++)
		if (g->trips[i].kind == kind &&
		    strcmp(g->trips[i].source, source) == 0)
			return &g->trips[i];
	return NULL;
}

/* 0 when the trip was already active. */
static int
trips_add(struct guard *g, const char *source, enum monitor_kind kind)
{
	struct guard_trip *t;

	if (trips_find(g, source, kind) != NULL)
		return 0;
	if (g->n_trips == g->trips_cap) {
		size_t cap = g->trips_cap ? 2 * g->trips_cap : 8;

		t = realloc(g->trips, cap * sizeof *t);
		if (t == NULL) {
			/* Unnamed, but it still blocks release. */
			g->untracked_trips++;
			return 1;
		}
		g->trips = t;
		g->trips_cap = cap;
	}
	t = &g->trips[g->n_trips++];
	snprintf(t->source, sizeof t->source, "%s", source);
	t->kind = kind;
	return 1;
}

static void
trips_remove(struct guard *g, const char *source, enum monitor_kind kind)
{
	const struct guard_trip *t = trips_find(g, source, kind);
	size_t i;

	if (t == NULL) {
		if (g->untracked_trips > 0)
			g->untracked_trips--;
		return;
	}
	/* Keep the order raised, so a refusal names the oldest. */
	i = (size_t)(t - g->trips);
	memmove(&g->trips[i], &g->trips[i + 1],
	    (g->n_trips - i - 1) * sizeof g->trips[0]);
	g->n_trips--;
}

static struct guard_result
release_decide(const struct guard *g, const char *reason, double now)
{
	struct guard_result r;
	char why[GUARD_REASON_MAX];
	size_t more;

	if (g->state == GUARD_STATE_AUTO)
		return result_of(GUARD_REFUSED, "already in auto");
	if (reason == NULL || *reason == '\0')
		return result_of(GUARD_REFUSED, "a reason is required");
	if (g->key_switch == GUARD_SWITCH_ON)
		return result_of(GUARD_REFUSED, "key switch is on");
	if (g->key_switch == GUARD_SWITCH_UNKNOWN)
		return result_of(GUARD_REFUSED, "key switch state unknown: "
		    "its device has not answered");
	if (g->n_trips > 0) {
		more = g->n_trips - 1 + g->untracked_trips;
		if (more > 0)
			snprintf(why, sizeof why, "trip active: %s %s "
			    "(and %zu more)", g->trips[0].source,
			    monitor_kind_name(g->trips[0].kind), more);
		else
			snprintf(why, sizeof why, "trip active: %s %s",
			    g->trips[0].source,
			    monitor_kind_name(g->trips[0].kind));
		return result_of(GUARD_REFUSED, why);
	}
	if (g->untracked_trips > 0)
		return result_of(GUARD_REFUSED, "trip active");
	r = result_of(GUARD_RELEASE, "");
	persisted_set(&r.next, GUARD_STATE_AUTO, GUARD_CAUSE_OPERATOR, reason,
	    now);
	return r;
}

struct guard_result
guard_release_check(struct guard *g, const char *reason, double now)
{
	struct guard_result r = release_decide(g, reason, now);

	if (r.action == GUARD_REFUSED)
		g->counters.releases_refused++;
	return r;
}

struct guard_result
guard_release_commit(struct guard *g, const char *reason, double now)
{
	struct guard_result r = release_decide(g, reason, now);

	if (r.action != GUARD_RELEASE)
		return r;
	g->state = GUARD_STATE_AUTO;
	g->cause = GUARD_CAUSE_OPERATOR;
	memcpy(g->reason, r.next.reason, sizeof g->reason);
	g->since = now;
	g->silence_from = now;
	g->silence_reported = 0;
	violations_forget(g);
	g->counters.releases++;
	return r;
}

struct guard_result
guard_switch(struct guard *g, enum guard_switch position, double now)
{
	if (!g->cfg->takeover.has_switch)
		return result_of(GUARD_NONE, "no key switch configured");
	g->key_switch = position;
	if (position != GUARD_SWITCH_ON)
		return result_of(GUARD_NONE, "key switch not on");
	return enter_takeover(g, GUARD_CAUSE_SWITCH, "key switch turned on",
	    now);
}

struct guard_result
guard_trip(struct guard *g, const char *source, enum monitor_kind kind,
    int raised, double now)
{
	char reason[GUARD_REASON_MAX];

	if (!monitor_kind_is_trip(kind))
		return result_of(GUARD_NONE, "alarms never take over");
	if (!raised) {
		trips_remove(g, source, kind);
		return result_of(GUARD_NONE, "trip cleared");
	}
	if (kind == MONITOR_DEVICE_LOSS &&
	    g->cfg->takeover.on_device_loss != DEVICE_LOSS_TAKEOVER)
		return result_of(GUARD_NONE, "on_device_loss is not takeover");
	if (!trips_add(g, source, kind))
		return result_of(GUARD_NONE, "trip already active");
	if (kind == MONITOR_DEVICE_LOSS) {
		snprintf(reason, sizeof reason, "device %s lost", source);
		return enter_takeover(g, GUARD_CAUSE_DEVICE_LOSS, reason, now);
	}
	snprintf(reason, sizeof reason, "trip: %s %s", source,
	    monitor_kind_name(kind));
	return enter_takeover(g, GUARD_CAUSE_TRIP, reason, now);
}

struct guard_result
guard_violation(struct guard *g, const char *what, int takeover_rule,
    double now)
{
	const struct config_takeover *t = &g->cfg->takeover;
	char reason[2 * GUARD_REASON_MAX];
	int repeated;

	g->counters.violations++;
	repeated = violations_record(g, now);
	if (takeover_rule) {
		snprintf(reason, sizeof reason, "violation: %s", what);
		return enter_takeover(g, GUARD_CAUSE_VIOLATION, reason, now);
	}
	if (!repeated)
		return result_of(GUARD_NONE, "violation counted");
	snprintf(reason, sizeof reason, "%u violations within %gs, "
	    "the last: %s", t->violations_count, t->violations_within, what);
	return enter_takeover(g, GUARD_CAUSE_VIOLATIONS, reason, now);
}

struct guard_result
guard_intrusion(struct guard *g, const char *what, double now)
{
	char reason[2 * GUARD_REASON_MAX];

	snprintf(reason, sizeof reason, "intrusion: %s", what);
	return enter_takeover(g, GUARD_CAUSE_INTRUSION, reason, now);
}

struct guard_result
guard_failover(struct guard *g, const char *why, double now)
{
	char reason[2 * GUARD_REASON_MAX];

	snprintf(reason, sizeof reason, "failover: %s", why);
	return enter_takeover(g, GUARD_CAUSE_FAILOVER, reason, now);
}

struct guard_result
guard_adopt(struct guard *g, enum guard_cause cause, const char *reason,
    double now)
{
	return enter_takeover(g, cause, reason, now);
}

void
guard_ai_activity(struct guard *g, double now)
{
	g->silence_from = now;
	g->silence_reported = 0;
}

struct guard_result
guard_tick(struct guard *g, double now)
{
	double limit = g->cfg->takeover.ai_silence;
	char reason[GUARD_REASON_MAX];

	if (g->state != GUARD_STATE_AUTO || limit <= 0)
		return result_of(GUARD_NONE, "no silence watched");
	if (now < g->silence_from)
		g->silence_from = now;
	if (g->silence_reported ||
	    now - g->silence_from < limit - TIME_SLACK)
		return result_of(GUARD_NONE, "AI not silent");
	g->silence_reported = 1;
	snprintf(reason, sizeof reason, "no AI request for %gs", limit);
	return enter_takeover(g, GUARD_CAUSE_AI_SILENCE, reason, now);
}

const char *
guard_state_name(enum guard_state state)
{
	return state == GUARD_STATE_TAKEOVER ? state_names[1] : state_names[0];
}

const char *
guard_cause_name(enum guard_cause cause)
{
	if ((unsigned)cause >= GUARD_CAUSE_COUNT)
		return "unknown";
	return cause_names[cause];
}

int
guard_state_from_name(const char *name)
{
	int i;

	for (i = 0; i <= GUARD_STATE_TAKEOVER; i++)
		if (strcmp(name, state_names[i]) == 0)
			return i;
	return -1;
}

int
guard_cause_from_name(const char *name)
{
	int i;

	for (i = 0; i < GUARD_CAUSE_COUNT; i++)
		if (strcmp(name, cause_names[i]) == 0)
			return i;
	return -1;
}
