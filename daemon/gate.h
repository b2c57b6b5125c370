/*
 * gate.h: the judgement on each AI request, a flow between the AI
 * endpoint (client.c), which hands each request up through the
 * client_events callbacks the gate registers, and the devices
 * (device.c), to which what passes is forwarded. A write that needs a
 * value wardend lacks waits for a read first (baseline.h). What the
 * guard must hear of goes up through w->events (flow.h).
 */
#ifndef WARDEN_GATE_H
#define WARDEN_GATE_H

struct warden;
struct gate;

/* The gate of w, registered with w->clients (clients_set_events()); not
 * isolated until told. NULL when out of memory. */
struct gate *gate_new(struct warden *w);
void gate_free(struct gate *g);
/* The guard is in TAKEOVER (isolated 1) or AUTO: in TAKEOVER every write
 * is refused with 0x0A. takeover.c says so on every change of state. */
void gate_isolate(struct gate *g, int isolated);
/*
 * The safe point's step before anything leaves (wardend registers it
 * with streams_before_flush()): the records of this loop iteration
 * written in one go, then each write that waited for its record on a
 * device connection sent, or, when its record could not be written,
 * withdrawn and answered 0x04: nothing reaches the device unaudited.
 */
void gate_flush(struct gate *g);
/*
 * In mode: monitor the gate learns what the ai role's requests read and
 * write (learn_observe.h), for wardenctl learn; afresh at every reload
 * and start. What it learned under the config in force, or NULL when it
 * learned nothing yet (or the mode is enforce).
 */
const struct learn_table *gate_learned(const struct gate *g);

#endif
