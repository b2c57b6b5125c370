/*
 * control_peer.h: who is on the other end of a control connection. The
 * uid, gid and pid come from SO_PEERCRED, the groups from SO_PEERGROUPS
 * (those the caller's process runs with, as for any file it opens);
 * never from the message. Only the user's name, for the audit trail, is
 * looked up, once per connection. And the lookup of the control.*_group
 * names, made at start and reload, never per request.
 */
#ifndef WARDEN_CONTROL_PEER_H
#define WARDEN_CONTROL_PEER_H

#include <sys/types.h>

#include "control.h"

/*
 * Fill who and *groups (realloc'd, the caller frees it; the gid last)
 * for the peer of fd. 0, or -1 when the kernel does not say who it is or
 * out of memory. Without SO_PEERGROUPS (an old kernel) the groups are
 * the gid alone: fewer rights, never more.
 */
int control_peer_identify(int fd, struct ops_caller *who, gid_t **groups,
    int *n_groups);

/* getgrnam_r: 0 and the gid, or -1 when there is no such group. */
int control_peer_group(const char *group, gid_t *gid);

#endif
