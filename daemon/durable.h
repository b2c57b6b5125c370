/*
 * durable.h: making a takeover durable without blocking the loop. The
 * audit log's fdatasync and the state file's write, fsync, rename and
 * directory fsync take milliseconds; done in the loop they would hold up
 * every device, the control socket and the refusal of the AI's writes.
 * One worker thread does them, one job at a time, and tells the loop
 * when they are done (ev_async). Refusing the AI's writes needs nothing
 * durable (refusing is always safe), so it happens at once; the safe
 * state, which acts on the plant, waits for the job.
 */
#ifndef WARDEN_DURABLE_H
#define WARDEN_DURABLE_H

#include <pthread.h>
#include <ev.h>

#include "guard.h"

struct warden;

struct durable {
	struct warden *w;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	ev_async done;
	int started;
	/* Under mu: */
	int queued;                     /* a job waits for the worker */
	int running;
	int finished;                   /* a result waits for the loop */
	int stop;
	int audit_fd;
	char state_dir[256];
	struct guard_persisted state;
	int failed;
	char err[512];
};

int durable_start(struct warden *w, struct durable *d);
void durable_stop(struct durable *d);
/* Sync the audit log, then save state; the loop hears of it later. */
void durable_submit(struct durable *d, int audit_fd, const char *state_dir,
    const struct guard_persisted *state);
/* 1 while a job is queued, running, or not yet heard of by the loop. */
int durable_busy(struct durable *d);

#endif
