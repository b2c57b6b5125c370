/*
 * durable.h: the audit log's fsyncs and the state file's saves, off the
 * loop. They take milliseconds; done in the loop they would hold up every
 * device, the control socket and the refusal of the AI's writes. One
 * worker thread does them, one job at a time, and tells the loop when
 * they are done (ev_async).
 *
 * Two kinds of job. The periodic flush (audit_fsync) syncs the audit log.
 * A takeover syncs the log and saves the state; refusing the AI's writes
 * needs nothing durable (refusing is always safe), so it happens at once,
 * and the safe state, which acts on the plant, waits for this job. A
 * takeover submitted while a flush waits joins it.
 *
 * Either job, once the log is synced, also saves the chain head as it
 * was when the job was submitted (state_dir/audit.head): every record up
 * to it was written before, so the sync has made it durable.
 */
#ifndef WARDEN_DURABLE_H
#define WARDEN_DURABLE_H

#include "guard.h"

struct audit;
struct durable;
struct ev_loop;

/* How a takeover's job ended, on the loop: err NULL when the log is
 * synced and the state saved, else what failed (one line); save_err
 * NULL when the state was saved, else why not (for the state file's
 * health, whatever became of the sync). */
typedef void durable_done_fn(void *ctx, const char *err,
    const char *save_err);

/* The worker started, telling loop; its syncs are audit's, whose head it
 * saves as audit_log's in state_dir/audit.head. NULL when no thread can
 * be made. */
struct durable *durable_start(struct ev_loop *loop, struct audit *audit,
    const char *state_dir, const char *audit_log);
/* Finish the job queued, if any, and stop the worker; NULL is a no-op. */
void durable_stop(struct durable *d);
/* Sync the audit log (the periodic flush); the loop hears of it later. */
void durable_sync_audit(struct durable *d, int audit_fd);
/* Sync the audit log, then save state; done(ctx, err) is called on the
 * loop once both are done or one failed. */
void durable_submit(struct durable *d, int audit_fd, const char *state_dir,
    const struct guard_persisted *state, durable_done_fn *done, void *ctx);
/* 1 while a state save is queued, running, or not yet heard of by the
 * loop. */
int durable_busy(struct durable *d);

#endif
