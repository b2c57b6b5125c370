/*
 * health.h: is this node fit to be the active one of a pair? The
 * question keepalived's vrrp_script asks every second through `wardenctl
 * health` (wardenctl(8), HEALTH). Pure: a snapshot in, the reasons and
 * the answer's JSON out; fitness.c fills the snapshot from the running
 * gateway.
 *
 * The rule (health_judge()): a node is unfit when
 *   - the audit log is not writable: its last append or its last sync
 *     failed (a gateway that cannot record must not be the one the AI
 *     writes through: every write would be refused);
 *   - the last save of a state file (state_dir/state, state_dir/holds,
 *     state_dir/role with pair:) failed: a takeover or a hold it cannot
 *     keep across a restart;
 *   - devices are configured and none is reachable (no connection to
 *     any of them is up): the peer may reach them.
 * Each of these is one reason; fit is no reason at all. The role is
 * reported, never a reason: keepalived sets it from this very answer.
 */
#ifndef WARDEN_HEALTH_H
#define WARDEN_HEALTH_H

#include <stddef.h>

#include "health_mark.h"
#include "json.h"

/* state, holds, role. */
#define HEALTH_FILES_MAX 3
/* Room for every reason the rule can give: the audit log, each file,
 * the devices. A new rule adds its own here. */
#define HEALTH_REASONS_MAX (1 + HEALTH_FILES_MAX + 1)
#define HEALTH_REASON_LEN (ERR_LEN + 64)

/* One state file of state_dir and its last save. */
struct health_file {
	const char *name;               /* "state", "holds", "role" */
	struct health_mark mark;
};

/* What the rule looks at, as the running gateway has it now. */
struct health {
	const char *role;               /* active, standby, fault; "single"
					 * without pair: */
	struct health_mark audit;       /* the audit log's last append and
					 * sync, the failing one's */
	struct health_file files[HEALTH_FILES_MAX];
	size_t n_files;
	unsigned devices_configured;
	unsigned devices_reachable;
};

/* What the rule decided: fit when n is 0. */
struct health_reasons {
	char text[HEALTH_REASONS_MAX][HEALTH_REASON_LEN];
	size_t n;
};

/*
 * Every reason h makes this node unfit, in the order of the rule above,
 * each one line for the operator. The one place a new reason goes.
 */
void health_judge(const struct health *h, struct health_reasons *out);

/*
 * The members of the health answer, inside an object the caller opened:
 * "fit", "reasons", "role", "audit", "state_files", "devices"
 * (wardenctl(8) shows the shape).
 */
void health_json(const struct health *h, const struct health_reasons *r,
    struct json *out);

#endif
