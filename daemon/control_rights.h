/*
 * control_rights.h: who may do what on the control socket. Each command
 * needs one right (control_command_right()), each right is checked on
 * its own against the caller's uid and groups, and root holds them all:
 *
 *   right     commands         held by members of
 *   view      status, watch    control.view_group; when that is not set,
 *                              takeover_group and release_group
 *   takeover  takeover         control.takeover_group
 *   release   release          control.release_group
 *   reload    reload           control.reload_group; when that is not
 *                              set, release_group
 *
 * An unset key (without a fallback) grants nothing: root only. Reload
 * falls back to release_group, not to takeover_group: a reload changes
 * what the AI may do (limits, points, trips), a decision of the same
 * weight as handing control back, while the takeover right is the one
 * given widely, to everyone who may stop the plant.
 *
 * Pure: the group database is read through the lookup function the
 * caller passes (at start and reload, never per request), the caller's
 * groups come from the kernel.
 */
#ifndef WARDEN_CONTROL_RIGHTS_H
#define WARDEN_CONTROL_RIGHTS_H

#include <stddef.h>
#include <sys/types.h>

#include "config.h"
#include "control_proto.h"

/* A control.*_group key of the config in force. */
struct control_group {
	char name[CONFIG_NAME_MAX];     /* "": the key is not set */
	int known;                      /* name was found in the database */
	gid_t gid;
};

struct control_rights {
	/* Indexed by right: the key named after it (view_group ...); the
	 * entry of CONTROL_RIGHT_ROOT stays unset. */
	struct control_group group[CONTROL_RIGHTS];
};

/* 0 and *gid when the group exists, else -1. */
typedef int (*control_group_lookup)(const char *name, gid_t *gid);

/* The groups of cc, each looked up once. */
void control_rights_set(struct control_rights *r,
    const struct config_control *cc, control_group_lookup lookup);

/* "view", "takeover" ...: as audited. */
const char *control_right_name(enum control_right right);
/* "view_group" ...; NULL for CONTROL_RIGHT_ROOT. */
const char *control_right_key(enum control_right right);

/* Does uid with these groups (from the kernel) hold right? */
int control_rights_hold(const struct control_rights *r,
    enum control_right right, uid_t uid, const gid_t *groups, size_t n);
/* Every right held, as a mask of 1 << right; 0: none at all. */
unsigned control_rights_held(const struct control_rights *r, uid_t uid,
    const gid_t *groups, size_t n);

/*
 * The rights of someone warden-console acts for ("as"), from the names of
 * their groups: those each right's group (or its fallbacks) grants, as
 * for a caller in those groups. Never root's: a console user called
 * root holds what its groups give.
 */
unsigned control_rights_of_names(const struct control_rights *r,
    const char (*names)[64], size_t n);

/* The uid of someone the console acts for: none of the host's. */
#define CONTROL_UID_NONE ((uid_t)-1)

/*
 * Why a caller was refused, for the operator: "user U (uid N) may not
 * take over; allowed: root, group G (control.takeover_group)", naming
 * every group that would allow it, a group that did not exist at the
 * last lookup, and the key to set when none is.
 */
void control_rights_explain(const struct control_rights *r,
    enum control_right right, const char *user, uid_t uid, char *why,
    size_t cap);

#endif
