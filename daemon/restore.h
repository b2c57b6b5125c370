/*
 * restore.h: what start-up restores when the state file and the audit log
 * disagree. A takeover is recorded in the log at once and saved in the
 * state file a few milliseconds later (durable.c); a wardend killed in
 * between leaves a state file saying AUTO and a log whose last takeover
 * or release is a takeover (so does a save that failed). Control must
 * not go back to the AI because of a crash: start-up then restores that
 * takeover. Pure.
 */
#ifndef WARDEN_RESTORE_H
#define WARDEN_RESTORE_H

#include "audit.h"
#include "guard.h"

/*
 * saved: the state file's (read only when it is AUTO). last: the log's
 * newest takeover or release, NULL when the tail holds neither. Returns
 * 1 and fills *out (TAKEOVER with the record's cause, reason and ts)
 * when that takeover must be restored, 0 when saved stands.
 */
int restore_reconcile(const struct guard_persisted *saved,
    const struct audit_last *last, struct guard_persisted *out);

#endif
