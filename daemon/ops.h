/*
 * ops.h: what an operator can ask of the running gateway, the operations
 * layer. control.c receives the request on the unix socket, establishes
 * who is asking (SO_PEERCRED, never the message) and hands it up through
 * the handlers (struct ops_handlers, declared by control.h) that
 * ops_init() fills for control_open(); ops.c carries them out.
 */
#ifndef WARDEN_OPS_H
#define WARDEN_OPS_H

struct ops_handlers;
struct warden;

/* The commands, carried out on w, for control_open(). */
void ops_init(struct warden *w, struct ops_handlers *ops);

#endif
