/*
 * fitness.h: the operations layer's side of `wardenctl health`: the
 * snapshot health.h judges, read from the modules that own each part
 * (audit_health(), takeover_save_health(), alarms_save_health(),
 * pair_save_health(), device_up()), never from their structs.
 */
#ifndef WARDEN_FITNESS_H
#define WARDEN_FITNESS_H

#include "health.h"
#include "json.h"

struct warden;

/* What health_judge() looks at, as w has it now. */
void fitness_fill(const struct warden *w, struct health *h);
/* The health answer: {"ok":true, then health_json()'s members}. */
void fitness_answer(const struct warden *w, struct json *out);

#endif
