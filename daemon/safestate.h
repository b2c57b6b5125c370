/*
 * safestate.h: the safe state (safestate.c), a flow below the
 * orchestration: on entry into TAKEOVER, each safe_state value is
 * written, read back, verified, retried; then held until release, read
 * again every poll_interval and written again on a drift. takeover.c
 * says when to start and stop; status reads it through the functions
 * below.
 */
#ifndef WARDEN_SAFESTATE_H
#define WARDEN_SAFESTATE_H

#include <stddef.h>

struct warden;
struct config;
struct safestate;

/* The safe state of w->cfg, not driven; NULL when out of memory. */
struct safestate *safestate_new(struct warden *w);
void safestate_free(struct safestate *ss);
/* Drive every entry from scratch and hold them, or stop doing so. */
void safestate_start(struct safestate *ss);
void safestate_stop(struct safestate *ss);
/* Write what is due (the tick, and whenever an AI write in flight ends:
 * an entry waits for those of its device). */
void safestate_tick(struct safestate *ss);

/* Across a reload: paused before the new config is swapped in; after,
 * the entries of w->cfg, each carrying over what was known of the same
 * entry in old_cfg, driven and held again if they were. 0, or -1 when
 * out of memory (then no entries). */
void safestate_pause(struct safestate *ss);
int safestate_reconfigure(struct safestate *ss, const struct config *old_cfg);

/* For status: driving or holding (in TAKEOVER, once it is on disk); how
 * many entries; the word status shows for entry i (safehold_status); 1
 * with *value once entry i has been read. */
int safestate_active(const struct safestate *ss);
size_t safestate_count(const struct safestate *ss);
const char *safestate_status(const struct safestate *ss, size_t i);
int safestate_last_read(const struct safestate *ss, size_t i, double *value);

#endif
