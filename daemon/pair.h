/*
 * pair.h: the orchestration layer's side of a redundant pair (issue 14):
 * this node's role (pair_role.h, its rules) and what the role asks of
 * the gateway. In standby wardend does not listen on listen: (its
 * connections are closed: the virtual address is the peer's), the
 * devices take no write from it (device.h's read-only: AI writes,
 * safe state and life bit alike), and its own polls go on, so its
 * monitor state is warm. Active undoes that; becoming active without
 * proof of the peer's latest state takes over, cause failover; with it,
 * the peer's latch and holds are taken on (pair_link.h). A restart
 * whose role file says active waits standby, at most pair.peer_timeout,
 * to hear whether the peer became active meanwhile.
 *
 * Without pair: in warden.yaml the node is active and this module does
 * nothing: no role file, no record.
 */
#ifndef WARDEN_PAIR_H
#define WARDEN_PAIR_H

#include <stdint.h>

#include "errmsg.h"
#include "pair_link.h"
#include "health_mark.h"
#include "pair_role.h"

struct warden;

/*
 * Start-up, after takeover_start() and before the listeners open: the
 * role from state_dir/role, or pair.initial_role when there is none; a
 * role file that does not load means standby (logged). The pair link
 * listens and beats from now. A node that would start active is
 * standby until it has listened for its peer for pair.peer_timeout:
 * an active peer keeps it standby; otherwise it becomes active, a
 * failover like any other (without proof of the peer's state,
 * TAKEOVER). 0, or -1 with err (out of memory, the link's key or
 * address).
 */
int pair_start(struct warden *w, char err[ERR_LEN]);
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
/* The latch or the holds may have changed (an operator's release,
 * shelve, bypass): the peer is sent the state at once. */
void pair_changed(struct warden *w);
/* An operator's takeover, sent to the standby: done() once it acked, or
 * could not (err says why); at once without a pair. */
void pair_sync(struct warden *w, pair_synced_fn *done, void *ctx);
/* The link for status: 0, or -1 without pair:. */
int pair_link_status(const struct warden *w, struct pair_link_view *out);
/* After a reload: pair: may not be added, removed or renamed by one
 * (reload.c refuses it); nothing else to do. */

#endif
