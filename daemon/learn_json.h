/*
 * learn_json.h: what monitor mode learned (learn_table.h) as JSON, the
 * members `wardenctl learn --json` shows. Pure: no I/O, no clock.
 *
 *   "since":T, "requests":N, "capacity":N, "addresses":N,
 *   "dropped_reads":N, "dropped_writes":N, "partial":N,
 *   "functions":{"3":N,...},
 *   "entries":[{"device":"tank1","table":"holding","address":0,
 *     "width":1,"point":"inlet_valve","reads":N,"writes":N,
 *     "read_functions":[3],"write_functions":[6],"first":T,
 *     "min":R,"max":R,"seen":R,"max_step":R,"max_rate":R,
 *     "rate_unbounded":false,"min_interval":S},...]
 *
 * Times T are seconds since the epoch, S seconds; values R are raw (the
 * point's typed raw value when "point" names one). A member with nothing
 * observed behind it (min with no valued write, seen with no value read
 * back, max_step with nothing known before a write, max_rate and
 * min_interval with fewer than two writes) is left out.
 */
#ifndef WARDEN_LEARN_JSON_H
#define WARDEN_LEARN_JSON_H

#include "config.h"
#include "json.h"
#include "learn_table.h"

/* The members above, into an object the caller has begun. -1 when out
 * of memory. */
int learn_json(const struct config *cfg, const struct learn_table *t,
    struct json *out);

#endif
