/*
 * pair.h: the orchestration layer's side of a redundant pair (issue 14):
 * this node's role (pair_role.h, its rules) and what the role asks of
 * the gateway. In standby wardend does not listen on listen: (its
 * connections are closed: the virtual address is the peer's), the
 * devices take no write from it (device.h's read-only: AI writes,
 * safe state and life bit alike), and its own polls go on, so its
 * monitor state is warm. Active undoes that; becoming active without
 * proof of the peer's latest state takes over, cause failover.
 *
 * Without pair: in warden.yaml the node is active and this module does
 * nothing: no role file, no record.
 */
#ifndef WARDEN_PAIR_H
#define WARDEN_PAIR_H

#include <stdint.h>

#include "errmsg.h"
#include "health_mark.h"
#include "pair_role.h"

struct warden;

/*
 * Start-up, after takeover_start() and before the listeners open: the
 * role from state_dir/role, or pair.initial_role when there is none; a
 * role file that does not load means standby (logged). A start as
 * active is a failover like any other: without proof of the peer's
 * state, TAKEOVER. 0, or -1 when out of memory.
 */
int pair_start(struct warden *w);
void pair_stop(struct warden *w);
/* The role in force; active when pair: is absent. */
enum pair_role pair_role(const struct warden *w);
/* When the role was set, seconds since the epoch (0 without pair:). */
double pair_since(const struct warden *w);
/* How the last save of state_dir/role ended (wardenctl health); NULL
 * without pair:. */
const struct health_mark *pair_save_health(const struct warden *w);
/*
 * wardenctl role: to the role to, as user (uid). Its record
 * (role_changed, synced) and the role file are on disk before it takes
 * effect. 0 done (also when already in that role: nothing changes, no
 * record), -1 refused with err: no pair: configured, or the record or
 * file could not be written (the role stays).
 */
int pair_set_role(struct warden *w, enum pair_role to, const char *user,
    uint32_t uid, char err[ERR_LEN]);
/* After a reload: pair: may not be added, removed or renamed by one
 * (reload.c refuses it); nothing else to do. */

#endif
