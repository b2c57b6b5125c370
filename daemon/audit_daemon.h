/*
 * audit_daemon.h: the audit log at wardend's start and stop
 * (audit_daemon.c): w->audit opened with its signing key and syslog copy,
 * compared with the chain head kept in state_dir (audit_head.h),
 * checkpointed, its head saved beside the state file.
 */
#ifndef WARDEN_AUDIT_DAEMON_H
#define WARDEN_AUDIT_DAEMON_H

struct warden;

/* Open w->audit (fatal when it cannot be), compare it with audit.head
 * (an audit_cut record when its tail was cut or it was replaced), write
 * the start checkpoint; 1 when it was cut. */
int audit_daemon_open(struct warden *w);
/* state_dir/audit.head := the chain head now (on the loop: start). */
void audit_daemon_head_save(struct warden *w);
/* Stop checkpoint, head saved, log closed, key and socket freed. */
void audit_daemon_close(struct warden *w);

#endif
