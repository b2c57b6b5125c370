/*
 * alarms.h: the orchestration of the operators' alarm list (ISA-18.2)
 * and its holds (alarm_table.h). alarms.c hears every condition the
 * poller's monitor raises or clears (flow_events.condition), keeps the
 * list, writes each on the record, and hands trips on to takeover.c
 * unless they are bypassed. Operators' commands (ops.c) act on it here;
 * the holds are persisted in state_dir/holds (holdsfile.h) and audited
 * before they take effect, and they end by themselves at their deadline
 * (alarms_tick()). When a bypass ends, each trip of its point still
 * active goes to the guard then, and takes over as it would have.
 *
 * Beside takeover.c in the orchestration layer: it calls takeover.c,
 * never the other way.
 */
#ifndef WARDEN_ALARMS_H
#define WARDEN_ALARMS_H

#include <stddef.h>
#include <stdint.h>

#include "alarm_table.h"
#include "errmsg.h"
#include "health_mark.h"

struct warden;

/* Who acts: an operator (user, uid; via "console" when warden-console
 * acts for them), or NULL user for wardend itself. */
struct alarms_actor {
	const char *user;
	uint32_t uid;
	const char *via;
};

/*
 * Start-up, after takeover_start(): the holds of state_dir/holds (those
 * whose deadline passed while wardend was stopped end now, on the
 * record; those on a point or device no longer configured end too), and
 * the flows' conditions registered in w->events. 0, or -1 when out of
 * memory.
 */
int alarms_start(struct warden *w);
void alarms_stop(struct warden *w);
/* Holds whose deadline has come end: every tick. */
void alarms_tick(struct warden *w);
/* After a reload: the alarms and holds of sources gone are dropped. */
void alarms_reconfigure(struct warden *w);
/* The list and the holds, for status. */
const struct alarm_table *alarms_table(const struct warden *w);
/* How the last save of state_dir/holds ended: for wardenctl health. */
const struct health_mark *alarms_save_health(const struct warden *w);

/*
 * This node of a pair became active with proof of its peer's holds: they
 * replace its own, saved, each on the record (via failover: started for
 * the peer's, ended for those the peer did not hold). A hold on a
 * source this config does not have is left out.
 */
void alarms_adopt(struct warden *w, const struct alarm_hold *holds,
    size_t n);
/* Acknowledge the alarms of source: 0 with *acked, -1 with err. */
int alarms_ack(struct warden *w, const struct alarms_actor *who,
    const char *source, const char *reason, size_t *acked,
    char err[ERR_LEN]);
/* Shelve or bypass source for seconds: 0, or -1 with err (audited). */
int alarms_hold(struct warden *w, const struct alarms_actor *who,
    enum alarm_hold_kind kind, const char *source, double seconds,
    const char *reason, char err[ERR_LEN]);
/* End a shelve or bypass before its deadline: 0, or -1 with err. */
int alarms_unhold(struct warden *w, const struct alarms_actor *who,
    enum alarm_hold_kind kind, const char *source, const char *reason,
    char err[ERR_LEN]);

#endif
