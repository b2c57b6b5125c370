/*
 * ctl_as.h: run wardenctl as another user, the way an operator outside
 * the allowed groups would. wardend takes the caller's rights from
 * SO_PEERCRED and SO_PEERGROUPS, so only a real change of ids tests them:
 * the child sets its supplementary groups (none, or the given ones) and
 * switches gid then uid before exec. Needs root.
 */
#ifndef WARDEN_CTL_AS_H
#define WARDEN_CTL_AS_H

#include <sys/types.h>

#include "ctl.h"

/*
 * Run wardenctl -s w->socket ARGS... (NULL-terminated) as uid/gid with
 * no supplementary groups; stdout and stderr into res. Gives up after
 * 10 seconds. Returns res->status (-1: died, or could not switch).
 */
int ctl_as_run(const struct world *w, uid_t uid, gid_t gid,
    struct ctl_result *res, ...) __attribute__((sentinel));
/* The same with the n_groups supplementary groups in groups. */
int ctl_as_run_groups(const struct world *w, uid_t uid, gid_t gid,
    const gid_t *groups, size_t n_groups, struct ctl_result *res, ...)
    __attribute__((sentinel));

#endif
