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

#include <pthread.h>
#include <ev.h>

#include "audit.h"
#include "audit_head.h"
#include "guard.h"

struct warden;

struct durable {
	struct warden *w;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	ev_async done;
	int started;
	/* Under mu. The next job: */
	int queued;                     /* a job waits for the worker */
	int queued_state;               /* and it saves the state */
	int audit_fd;
	char state_dir[256];
	struct guard_persisted state;
	char head_dir[256];
	struct audit_head head;
	/* The job being done: */
	int running_state;
	/* What the loop has not heard of yet: */
	struct audit_syncs syncs;
	char sync_err[256];             /* the last failed sync's */
	char head_err[512];             /* the last failed head save's */
	int head_failing;               /* said once per failure streak */
	int state_finished;
	int state_failed;
	char err[512];
	int stop;
};

int durable_start(struct warden *w, struct durable *d);
void durable_stop(struct durable *d);
/* Sync the audit log (the periodic flush); the loop hears of it later. */
void durable_sync_audit(struct durable *d, int audit_fd);
/* Sync the audit log, then save state; the loop hears of it later. */
void durable_submit(struct durable *d, int audit_fd, const char *state_dir,
    const struct guard_persisted *state);
/* 1 while a state save is queued, running, or not yet heard of by the
 * loop. */
int durable_busy(struct durable *d);

#endif
