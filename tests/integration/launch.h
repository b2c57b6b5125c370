/*
 * launch.h: a rig's wardend started the way the operator and operations
 * tests need and rig_start() does not offer: control groups, state files
 * in a directory of the test's choosing, `-u USER`, an environment set
 * by the caller (NOTIFY_SOCKET), and a start the test can watch happen.
 * The wardend is the rig's (r->warden): rig_free() stops it.
 */
#ifndef WARDEN_LAUNCH_H
#define WARDEN_LAUNCH_H

#include "rig.h"

/*
 * Write r->config as rig_start() does (a fresh listen port into r->port,
 * r->audit, r->socket, the device tank1, then body), with state_dir
 * (NULL: r->dir) and more keys for the control map (NULL: none, e.g.
 * "takeover_group: nogroup"). 0, or -1.
 */
int launch_config(struct rig *r, const char *state_dir,
    const char *control_keys, const char *body);

/* Start wardend -f [-u user] -c r->config in the caller's environment,
 * without waiting for it. 0, or -1. */
int launch_wardend(struct rig *r, const char *user);

/* Wait until the control socket answers and the AI port accepts; -1
 * (the log printed) when wardend exits or timeout seconds pass. */
int launch_wait(struct rig *r, double timeout);

/* launch_config, launch_wardend (no user), launch_wait. */
int launch_start(struct rig *r, const char *control_keys, const char *body);

#endif
