/*
 * guard.h: the takeover state machine (wardend(8), "The takeover state
 * machine"). Pure: no I/O, no clock; every input carries now.
 *
 *   AUTO --(operator, switch, trip, violation, violations, ai_silence,
 *           device_loss)--> TAKEOVER (latched)
 *   TAKEOVER --(operator release, no trip active, key switch off)--> AUTO
 *
 * Every input returns a struct guard_result saying what the caller must
 * do. Two shapes, chosen so that the daemon's ordering (audit fsynced,
 * state persisted, then the effect) is fail-safe:
 *
 *   - Entering TAKEOVER takes effect inside the call that decides it.
 *     Nothing else runs before the caller (single-threaded) has audited
 *     and persisted result.next, isolated the AI and started the safe
 *     state; and if the audit or the state file fails, TAKEOVER must hold
 *     anyway, so there is nothing to undo.
 *   - Leaving TAKEOVER is two-phase: guard_release_check() decides
 *     without changing anything; the caller audits and persists
 *     result.next, and only when both succeeded calls
 *     guard_release_commit(). A failed write keeps TAKEOVER.
 *
 * Permission (release_group, takeover_group, root) is the control
 * module's business: it answers a denied caller itself and asks the guard
 * only on behalf of a permitted one. The guard refuses on state.
 *
 * In `mode: monitor` the automatic triggers (trip, violation, violations,
 * ai_silence, device_loss, intrusion) return GUARD_WOULD_TAKEOVER and change
 * nothing; the operator command and the key switch act in every mode.
 * Trips and the key switch block a release in every mode.
 *
 * now is the daemon's clock in seconds, ev_now() (epoch based), so that
 * since can be shown and persisted as is. A clock stepped back restarts
 * the silence count instead of stalling it.
 */
#ifndef WARDEN_GUARD_H
#define WARDEN_GUARD_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "monitor.h"

enum guard_state { GUARD_STATE_AUTO, GUARD_STATE_TAKEOVER };

/*
 * Why the state is what it is. In TAKEOVER: what caused it. In AUTO:
 * operator after a release, startup when initial_state put it there.
 */
enum guard_cause {
	GUARD_CAUSE_OPERATOR,
	GUARD_CAUSE_SWITCH,
	GUARD_CAUSE_TRIP,
	GUARD_CAUSE_VIOLATION,
	GUARD_CAUSE_VIOLATIONS,
	GUARD_CAUSE_AI_SILENCE,
	GUARD_CAUSE_DEVICE_LOSS,
	GUARD_CAUSE_STARTUP,
	GUARD_CAUSE_INTRUSION,
	GUARD_CAUSE_FAILOVER,
};
#define GUARD_CAUSE_COUNT 10

/* Longest reason kept, with its NUL; longer ones are cut at a UTF-8
 * character boundary. */
#define GUARD_REASON_MAX 256

/* What the state file holds, and what each transition must persist. */
struct guard_persisted {
	enum guard_state state;
	enum guard_cause cause;
	char reason[GUARD_REASON_MAX];
	double since;           /* seconds since the epoch */
};

enum guard_action {
	GUARD_NONE,             /* nothing changed; why says why */
	GUARD_TAKEOVER,         /* now in TAKEOVER: audit, persist next,
	                           isolate, drive the safe state */
	GUARD_WOULD_TAKEOVER,   /* monitor mode: audit would_takeover */
	GUARD_RELEASE,          /* check passed: audit, persist next, then
	                           guard_release_commit() */
	GUARD_REFUSED,          /* release refused: why says why */
};

struct guard_result {
	enum guard_action action;
	/* TAKEOVER, WOULD_TAKEOVER, RELEASE: the state entered (or that
	 * would have been), with its cause, reason and since. */
	struct guard_persisted next;
	char why[GUARD_REASON_MAX];     /* NONE, REFUSED: for the operator */
};

/* The key switch as last polled. UNKNOWN until the first poll, and
 * whenever it cannot be read: a release is refused then. */
enum guard_switch { GUARD_SWITCH_UNKNOWN, GUARD_SWITCH_OFF, GUARD_SWITCH_ON };

struct guard_counters {
	uint64_t takeovers[GUARD_CAUSE_COUNT];
	uint64_t would_takeovers[GUARD_CAUSE_COUNT];
	uint64_t violations;
	uint64_t releases;
	uint64_t releases_refused;
};

/* An active trip, as the monitor reported it. */
struct guard_trip {
	char source[CONFIG_NAME_MAX];   /* point or device name */
	enum monitor_kind kind;
};

/* Fields are read-only outside guard.c; status asks through
 * guard_persisted_get() and guard_counters(). */
struct guard {
	const struct config *cfg;
	enum guard_state state;
	enum guard_cause cause;
	char reason[GUARD_REASON_MAX];
	double since;
	enum guard_switch key_switch;
	double silence_from;    /* later of entering AUTO, last AI request */
	int silence_reported;   /* monitor mode: said once per silence */
	double *violation_times;        /* ring of the last count */
	unsigned violation_slots, violation_head, violation_n;
	struct guard_trip *trips;
	size_t n_trips, trips_cap;
	unsigned untracked_trips;       /* raised while out of memory */
	struct guard_counters counters;
};

/* How start-up found the state file (see statefile.h). */
enum guard_restore {
	GUARD_RESTORE_NONE,     /* no file: initial_state decides */
	GUARD_RESTORE_SAVED,    /* *saved holds it */
	GUARD_RESTORE_CORRUPT,  /* unreadable or corrupt: TAKEOVER */
};

/*
 * Start-up. saved is read only with GUARD_RESTORE_SAVED. A saved state is
 * restored with its cause, reason and since; no file applies
 * initial_state (TAKEOVER with cause startup, or AUTO); a corrupt file
 * means TAKEOVER, cause startup. When guard.state is TAKEOVER afterwards,
 * the daemon drives the safe state again. Returns 0, or -1 when out of
 * memory. The cfg must outlive the guard or the next guard_set_config().
 */
int guard_init(struct guard *g, const struct config *cfg,
    enum guard_restore how, const struct guard_persisted *saved,
    double now);
void guard_free(struct guard *g);
/*
 * A reloaded config. State, cause, trips and counters stay; the
 * violation history keeps its newest entries. A switch newly configured
 * is UNKNOWN until polled; a switch removed counts as off. Returns 0, or
 * -1 when out of memory (the guard then still uses the old config).
 */
int guard_set_config(struct guard *g, const struct config *cfg);

/*
 * After guard_set_config(): an active trip on a point or device the
 * config no longer has, which nothing would ever clear (a release would
 * be refused for ever). 1 with *out filled, the oldest such; 0 when there
 * is none. The caller clears it with guard_trip(..., 0), on the record.
 */
int guard_orphan_trip(const struct guard *g, struct guard_trip *out);

/* The current state, e.g. to persist it at start-up. */
void guard_persisted_get(const struct guard *g, struct guard_persisted *out);
/* What the guard has counted since start-up. */
const struct guard_counters *guard_counters(const struct guard *g);

/* wardenctl takeover. Acts in every mode; an empty reason is recorded as
 * "operator takeover". GUARD_NONE when already in TAKEOVER (the first
 * cause stays). */
struct guard_result guard_takeover(struct guard *g, const char *reason,
    double now);
/*
 * wardenctl release, phase one: GUARD_RELEASE with next filled, or
 * GUARD_REFUSED with why: "already in auto", "a reason is required",
 * "key switch is on", "key switch state unknown: ...", "trip active:
 * level high_high" (the first still active, and how many more).
 */
struct guard_result guard_release_check(struct guard *g, const char *reason,
    double now);
/* Phase two, once result.next is audited and persisted: AUTO from now.
 * Checks again and returns GUARD_REFUSED (changing nothing) if the
 * conditions no longer hold. */
struct guard_result guard_release_commit(struct guard *g, const char *reason,
    double now);

/* The key switch as just polled (the caller compares the point with
 * takeover.switch.active). ON while in AUTO takes over, in every mode. */
struct guard_result guard_switch(struct guard *g, enum guard_switch position,
    double now);
/*
 * A monitor event for a trip. Alarm kinds are ignored. A raised trip is
 * remembered until its clear arrives, and blocks release meanwhile; it
 * takes over with cause trip, or device_loss for MONITOR_DEVICE_LOSS,
 * which is ignored entirely unless on_device_loss is takeover. The caller
 * must also send a clear for an active trip it stops watching (a point
 * gone on reload).
 */
struct guard_result guard_trip(struct guard *g, const char *source,
    enum monitor_kind kind, int raised, double now);
/*
 * A policy violation (answered 0x01, 0x02, 0x03, clamped or ramped).
 * what names it for the reason ("inlet_valve max"). takeover_rule: the
 * point's on_violation is takeover, which acts at once. Every violation also
 * counts for on_violations: the count-th within `within` seconds
 * (inclusive) takes over. Any takeover, real or would-be, starts the
 * count afresh.
 */
struct guard_result guard_violation(struct guard *g, const char *what,
    int takeover_rule, double now);
/* An intrusion whose kind's on_intrusion is takeover (what names it:
 * "address_scan from 10.0.0.5"): takes over at once, with cause
 * intrusion; in monitor mode, would. */
struct guard_result guard_intrusion(struct guard *g, const char *what,
    double now);
/* This node of a pair became active without proof of its peer's latest
 * state (why says so, pair_role.h): takes over at once, with cause
 * failover; in monitor mode, would. */
struct guard_result guard_failover(struct guard *g, const char *why,
    double now);
/* This node of a pair became active with proof that its peer held
 * TAKEOVER with cause: TAKEOVER, cause and reason as given (pair.c
 * words the reason); nothing when already in TAKEOVER. */
struct guard_result guard_adopt(struct guard *g, enum guard_cause cause,
    const char *reason, double now);
/* An AI request arrived (any request, read or write). */
void guard_ai_activity(struct guard *g, double now);
/* Time-based triggers (ai_silence); call at least every poll_interval. In
 * monitor mode a silence is reported once, again only after activity. */
struct guard_result guard_tick(struct guard *g, double now);

/* "auto", "takeover" */
const char *guard_state_name(enum guard_state state);
/* "operator", "switch", "trip", "violation", "violations", "ai_silence",
 * "device_loss", "startup", "intrusion", "failover" */
const char *guard_cause_name(enum guard_cause cause);
/* Inverse of the two above; -1 for an unknown name. */
int guard_state_from_name(const char *name);
int guard_cause_from_name(const char *name);
/* Copy text into a GUARD_REASON_MAX buffer, cut at a UTF-8 boundary. */
void guard_reason_copy(char *dst, const char *text);

#endif
