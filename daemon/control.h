/*
 * control.h: the operators' unix socket in the daemon's loop.
 *
 * Protocol: control_proto.h (one JSON object per line each way). The
 * caller's uid, gid and pid come from SO_PEERCRED, its groups from
 * SO_PEERGROUPS (those its process runs with, as for the socket's file
 * mode); never from the message. Only the user's name, for the audit
 * trail, is looked up, once per connection.
 *
 * Who may do what:
 *   connect   whoever the file mode lets in: the socket is 0660, owned by
 *             the daemon's user and by control.takeover_group when that
 *             group exists (else the daemon's group). Members of
 *             release_group need to be in takeover_group too to reach it.
 *   status    anyone who can connect.
 *   takeover  root, or a member of control.takeover_group.
 *   release   root, or a member of control.release_group.
 *   reload    root, or a member of either group: it only re-reads the
 *             file root wrote, and never changes the state.
 * An empty group name means root only. Group names are looked up at start
 * and at each reload (control_reconfigure), not per request: a request
 * never waits on the group database, and a group created later counts
 * from the next reload. A user added to a group has its rights from the
 * next login, as for any file.
 *
 * Limits: a line of at most CONTROL_LINE_MAX bytes (longer: an error, then
 * the connection is closed), 30 s without traffic closes a connection,
 * unread answers over 64 KiB close it, at most 32 connections at once.
 */
#ifndef WARDEN_CONTROL_H
#define WARDEN_CONTROL_H

struct warden;
struct control;

/*
 * Create the socket at path and start serving it in w->loop, setting
 * w->control. Refuses (-1, err of NET_ERR_LEN bytes says what to do) when
 * another daemon answers on path or path is something else than a socket;
 * a stale socket left by a crash is removed.
 */
int control_open(struct warden *w, const char *path, char *err);
/* Close every connection and the socket, unlink it; w->control = NULL. */
void control_close(struct warden *w);
/* After a reload: look the groups of the new config up, give the socket
 * to takeover_group. */
void control_reconfigure(struct warden *w);
/* A takeover's record and state are on disk (err NULL), or the wait for
 * them ended: answer the operators whose takeover waited for it. */
void control_takeover_durable(struct warden *w, const char *err);

#endif
