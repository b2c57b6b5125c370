/*
 * restore.c: the state file against the audit log's last takeover (see
 * restore.h).
 */
#include <stdio.h>
#include <string.h>

#include "restore.h"
#include "statefile.h"

int
restore_reconcile(const struct guard_persisted *saved,
    const struct audit_last *last, struct guard_persisted *out)
{
	double ts;
	int cause;

	/* A release is recorded (and synced) before AUTO is saved, so a
	 * takeover newer than any release with AUTO saved can only be one
	 * that never reached the file; the clocks are not compared, so a
	 * clock set back cannot hide it. */
	if (saved->state != GUARD_STATE_AUTO || last == NULL ||
	    strcmp(last->event, "takeover") != 0)
		return 0;
	if (statefile_time_parse(last->ts, &ts) == -1)
		ts = saved->since;
	memset(out, 0, sizeof *out);
	out->state = GUARD_STATE_TAKEOVER;
	/* A cause this wardend does not know still means TAKEOVER. */
	cause = guard_cause_from_name(last->cause);
	out->cause = cause < 0 ? GUARD_CAUSE_STARTUP : (enum guard_cause)cause;
	snprintf(out->reason, sizeof out->reason, "%s", last->reason);
	out->since = ts;
	return 1;
}
