/*
 * alarm_table.h: the operators' alarm list, as ISA-18.2 / IEC 62682 keep
 * it, and the holds on it: shelves (annunciation hidden for a while) and
 * bypasses of trips (IEC 61511: authorised, time-limited, visible,
 * recorded). Pure: no I/O, no clock; every input carries now. The
 * orchestration (alarms.c) feeds it the monitor's raises and clears,
 * carries out operators' commands on it and persists its holds.
 *
 * Each alarm (a source, point or device, and a kind) is in one of three
 * states; a fourth, normal (cleared and acknowledged), is not listed:
 *
 *   raised        -> active, unacknowledged      ("unack")
 *   acknowledged  -> active, acknowledged        ("ack")
 *   cleared       -> cleared, unacknowledged     ("rtn_unack"), or gone
 *                    when it was acknowledged already
 *   raised again  -> active, unacknowledged, whatever it was
 *
 * A shelve hides the annunciation of a source's alarms (the alarm kinds:
 * low, high, and device_loss where it is an alarm) until its deadline;
 * the alarms stay listed, marked shelved. A bypass stops a source's trips
 * from taking over until its deadline; they stay listed, marked
 * bypassed. A hold ends at its deadline (alarm_table_expire()), or when
 * an operator ends it; a new hold of the same kind on the same source
 * replaces the old one. Both keep who set them and why.
 */
#ifndef WARDEN_ALARM_TABLE_H
#define WARDEN_ALARM_TABLE_H

#include <stddef.h>

#include "config.h"
#include "errmsg.h"
#include "guard.h"
#include "monitor.h"

/* Holds in force at once; more are refused. */
#define ALARM_HOLDS_MAX 64
#define ALARM_USER_MAX 64

enum alarm_state { ALARM_UNACK, ALARM_ACK, ALARM_RTN_UNACK };

struct alarm_entry {
	char source[CONFIG_NAME_MAX];
	int is_device;
	enum monitor_kind kind;
	int is_trip;            /* takes over (or would, but for a bypass) */
	int active;
	int acked;
	double value;           /* what raised it, as the monitor said */
	double since;           /* raised */
	double cleared;         /* not active: when it cleared */
};

enum alarm_hold_kind { ALARM_SHELVE, ALARM_BYPASS };

struct alarm_hold {
	enum alarm_hold_kind kind;
	char source[CONFIG_NAME_MAX];
	double since, until;
	char user[ALARM_USER_MAX];
	char reason[GUARD_REASON_MAX];
};

/* Read-only outside alarm_table.c. */
struct alarm_table {
	struct alarm_entry *entries;    /* in the order they were raised */
	size_t n, cap;
	struct alarm_hold holds[ALARM_HOLDS_MAX];
	size_t n_holds;
};

void alarm_table_init(struct alarm_table *t);
void alarm_table_free(struct alarm_table *t);

/*
 * The monitor raised or cleared kind on source at now (value: as the
 * monitor's event says). is_trip: whether it takes over (a device loss
 * does only with on_device_loss: takeover). Returns 0, or -1 when out of
 * memory for a new alarm (it is then not listed).
 */
int alarm_table_condition(struct alarm_table *t, const char *source,
    int is_device, enum monitor_kind kind, int is_trip, int raised,
    double value, double now);
/* Drop every alarm of source (a point or device gone on reload). */
void alarm_table_forget(struct alarm_table *t, const char *source);
/* Acknowledge every unacknowledged alarm of source: how many (0: none). */
size_t alarm_table_ack(struct alarm_table *t, const char *source);
enum alarm_state alarm_entry_state(const struct alarm_entry *e);
/* "unack", "ack", "rtn_unack" */
const char *alarm_state_name(enum alarm_state state);

/* The hold of kind on source, or NULL. */
const struct alarm_hold *alarm_table_held(const struct alarm_table *t,
    enum alarm_hold_kind kind, const char *source);
/*
 * Put a hold in force (replacing one of the same kind on the same
 * source). 0, or -1 with err when ALARM_HOLDS_MAX are in force.
 */
int alarm_table_hold(struct alarm_table *t, const struct alarm_hold *h,
    char err[ERR_LEN]);
/* End the hold of kind on source early: 0, or -1 when there is none. */
int alarm_table_unhold(struct alarm_table *t, enum alarm_hold_kind kind,
    const char *source);
/*
 * The holds whose deadline has come (until <= now), taken out of the
 * table into out (room for ALARM_HOLDS_MAX); how many.
 */
size_t alarm_table_expire(struct alarm_table *t, double now,
    struct alarm_hold *out);
/* "shelve", "bypass"; the inverse: -1 for another name. */
const char *alarm_hold_name(enum alarm_hold_kind kind);
int alarm_hold_from_name(const char *name);

/*
 * What an operator may hold, checked against the config: 0, or -1 with
 * err saying why not, in words for the operator ("bypass: the key switch
 * 'key' cannot be bypassed"). seconds: the hold's length.
 *   shelve: a point with low or high limits, or a device whose loss
 *           is an alarm (on_device_loss is not takeover);
 *           0 < seconds <= alarms.max_shelve.
 *   bypass: a point with trip limits (low_low, high_high, max_rate,
 *           stale_after), or a device when on_device_loss is takeover;
 *           never the key switch; 0 < seconds <= takeover.max_bypass.
 * *is_device tells which the source is.
 */
int alarm_hold_check(const struct config *cfg, enum alarm_hold_kind kind,
    const char *source, double seconds, int *is_device, char err[ERR_LEN]);
/* The limit kind is measured against on source ("4.8", "0.2/s", "30s"),
 * as a number: the level limit, max_rate, stale_after or loss_after; 0
 * with *has 0 when the config names none. */
double alarm_limit(const struct config *cfg, const char *source,
    int is_device, enum monitor_kind kind, int *has);

#endif
