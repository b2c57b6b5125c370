/*
 * intrusion.h: intrusion detection on the loop (intrusion.c), a flow.
 * What the AI endpoint notices (client_events.suspect, relayed by the
 * gate), the requests the gate judges and the devices' stray answers
 * (devices_on_stray()) go to the pure detector (ids.h) with the loop's
 * time; what it reports becomes an `intrusion` audit record, counts in
 * warden_intrusion_total{kind}, and, for a kind whose on_intrusion is
 * takeover, goes up to the guard through w->events.intrusion.
 *
 * The detector follows the config: after a reload (w->policy_gen) it is
 * made again from intrusion: and the points, what the old one held back
 * reported first.
 */
#ifndef WARDEN_INTRUSION_H
#define WARDEN_INTRUSION_H

#include "ids.h"

struct warden;
struct client;
struct mbap_request;
struct intrusion;

/* Intrusion detection for w, its detector made when first needed; NULL
 * when out of memory. */
struct intrusion *intrusion_new(struct warden *w);
/* What the detector holds back is not reported (it is in
 * warden_intrusion_total already). NULL does nothing. */
void intrusion_free(struct intrusion *in);
/* w->devices (after each devices_start()) tells its stray answers. */
void intrusion_watch_devices(struct intrusion *in);
/* What the AI endpoint noticed of c (client_events.suspect). */
void intrusion_client(struct intrusion *in, const struct client *c,
    enum ids_kind kind, long detail);
/* A request of c's to device, about to be judged: unknown functions,
 * unmapped addresses, writes per point. */
void intrusion_request(struct intrusion *in, const struct client *c,
    const struct mbap_request *req, unsigned device);

#endif
