/*
 * ops.h: what an operator can ask of the running gateway, the operations
 * layer. control.c receives the request on the unix socket, establishes
 * who is asking (SO_PEERCRED, never the message) and hands it up through
 * the handlers (struct ops_handlers, declared by control.h) that
 * ops_init() registers in w->ops; ops.c carries them out.
 */
#ifndef WARDEN_OPS_H
#define WARDEN_OPS_H

struct warden;

/* Register the commands in w->ops, before the control socket opens. */
void ops_init(struct warden *w);

#endif
