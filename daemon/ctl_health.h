/*
 * ctl_health.h: what `wardenctl health` prints of wardend's answer
 * (health.h): one line, "fit" or "unfit: <reason>; <reason>", for
 * keepalived's log and the operator alike.
 */
#ifndef WARDEN_CTL_HEALTH_H
#define WARDEN_CTL_HEALTH_H

#include <stdio.h>

#include "json.h"

/* What answer says: 1 fit, 0 unfit, -1 neither. */
int ctl_health_fit(const struct json_value *answer);
/* The line for answer to out: as ctl_health_fit(), nothing printed for
 * -1. */
int ctl_health_show(FILE *out, const struct json_value *answer);

#endif
