/*
 * durable.c: the worker thread of durable.h, and what it tells the loop.
 */
#include "durable.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <ev.h>

#include "audit.h"
#include "audit_head.h"
#include "errmsg.h"
#include "log.h"
#include "statefile.h"

struct durable {
	struct ev_loop *loop;
	struct audit *audit;            /* whose syncs and head these are */
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	ev_async done;
	/* On the loop only: whom the takeover's job tells how it ended. */
	durable_done_fn *state_done;
	void *state_ctx;
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
	char sync_err[ERR_LEN];         /* the last failed sync's */
	char head_err[ERR_LEN];         /* the last failed head save's */
	int head_failing;               /* said once per failure streak */
	int state_finished;
	int state_failed;
	char err[ERR_LEN];
	char save_err[ERR_LEN];         /* the state save's alone; "" ok */
	int stop;
};

static uint64_t
durable_us_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (uint64_t)((t1.tv_sec - t0->tv_sec) * 1000000 +
	    (t1.tv_nsec - t0->tv_nsec) / 1000);
}

/* Called and returns with d->mu held; works without it. */
static void
durable_run(struct durable *d)
{
	struct guard_persisted state = d->state;
	struct audit_head head = d->head;
	char dir[sizeof d->state_dir], err[sizeof d->err];
	char head_dir[sizeof d->head_dir], head_err[sizeof d->head_err];
	char save_err[ERR_LEN];
	int fd = d->audit_fd, save = d->queued_state, synced = 0, failed = 0;
	int head_failed = 0;
	struct timespec t0;
	uint64_t us = 0;

	memcpy(dir, d->state_dir, sizeof dir);
	memcpy(head_dir, d->head_dir, sizeof head_dir);
	d->queued = d->queued_state = 0;
	d->running_state = save;
	pthread_mutex_unlock(&d->mu);

	err[0] = '\0';
	if (fd != -1) {
		clock_gettime(CLOCK_MONOTONIC, &t0);
		synced = fdatasync(fd) == 0 ? 1 : -1;
		us = durable_us_since(&t0);
		if (synced == -1)
			errmsg_set(err, "audit log fdatasync: %s",
			    strerror(errno));
	}
	if (synced == 1 && head_dir[0] != '\0')
		head_failed = audit_head_save(head_dir, &head, head_err) == -1;
	if (save && statefile_save(dir, &state, save_err) == -1) {
		failed = 1;
		if (err[0] != '\0')
			snprintf(err + strlen(err), sizeof err - strlen(err),
			    "; ");
		snprintf(err + strlen(err), sizeof err - strlen(err), "%s",
		    save_err);
	}

	pthread_mutex_lock(&d->mu);
	if (head_failed)
		memcpy(d->head_err, head_err, sizeof head_err);
	else if (synced == 1)
		d->head_err[0] = '\0';
	if (synced != 0) {
		d->syncs.n++;
		d->syncs.us_total += us;
		d->syncs.last_us = us;
		if (synced == -1) {
			d->syncs.errors++;
			snprintf(d->sync_err, sizeof d->sync_err, "%s", err);
		}
		/* The last one's outcome, for audit_health(). */
		snprintf(d->syncs.last_err, sizeof d->syncs.last_err, "%s",
		    synced == -1 ? err : "");
	}
	if (save) {
		d->running_state = 0;
		d->state_finished = 1;
		d->state_failed = failed || synced == -1;
		memcpy(d->err, err, sizeof err);
		snprintf(d->save_err, sizeof d->save_err, "%s", failed ?
		    save_err : "");
	}
	ev_async_send(d->loop, &d->done);
}

static void *
durable_worker(void *arg)
{
	struct durable *d = arg;

	/* The loop refuses AI writes and drives the plant; on a small
	 * machine it must win the CPU over a thread that mostly waits on
	 * the disk anyway. */
	setpriority(PRIO_PROCESS, (id_t)gettid(), 10);
	pthread_mutex_lock(&d->mu);
	for (;;) {
		while (!d->queued && !d->stop)
			pthread_cond_wait(&d->cv, &d->mu);
		/* A takeover queued as wardend stops is saved all the same. */
		if (!d->queued)
			break;
		durable_run(d);
	}
	pthread_mutex_unlock(&d->mu);
	return NULL;
}

static void
durable_done_cb(struct ev_loop *loop, ev_async *a, int revents)
{
	struct durable *d = a->data;
	struct audit_syncs syncs;
	int state_finished, failed;
	char err[sizeof d->err], sync_err[sizeof d->sync_err];
	char head_err[sizeof d->head_err], save_err[sizeof d->save_err];

	(void)loop;
	(void)revents;
	pthread_mutex_lock(&d->mu);
	syncs = d->syncs;
	memset(&d->syncs, 0, sizeof d->syncs);
	state_finished = d->state_finished;
	failed = d->state_failed;
	memcpy(err, d->err, sizeof err);
	memcpy(save_err, d->save_err, sizeof save_err);
	memcpy(sync_err, d->sync_err, sizeof sync_err);
	memcpy(head_err, d->head_err, sizeof head_err);
	d->state_finished = 0;
	pthread_mutex_unlock(&d->mu);
	if (head_err[0] != '\0' && !d->head_failing)
		log_warnx("audit head: %s; will try again", head_err);
	d->head_failing = head_err[0] != '\0';
	audit_synced_elsewhere(d->audit, &syncs);
	if (syncs.errors > 0)
		log_warnx("audit: %s; will try again", sync_err);
	if (state_finished && d->state_done != NULL)
		d->state_done(d->state_ctx, failed ? err : NULL,
		    save_err[0] != '\0' ? save_err : NULL);
}

struct durable *
durable_start(struct ev_loop *loop, struct audit *audit,
    const char *state_dir, const char *audit_log)
{
	struct durable *d;

	if ((d = calloc(1, sizeof *d)) == NULL)
		return NULL;
	d->loop = loop;
	d->audit = audit;
	/* Neither changes on a reload (reload.c refuses it). */
	snprintf(d->head_dir, sizeof d->head_dir, "%s", state_dir);
	snprintf(d->head.log, sizeof d->head.log, "%s", audit_log);
	d->audit_fd = -1;
	pthread_mutex_init(&d->mu, NULL);
	pthread_cond_init(&d->cv, NULL);
	ev_async_init(&d->done, durable_done_cb);
	d->done.data = d;
	if (pthread_create(&d->thread, NULL, durable_worker, d) != 0) {
		pthread_cond_destroy(&d->cv);
		pthread_mutex_destroy(&d->mu);
		free(d);
		return NULL;
	}
	ev_async_start(loop, &d->done);
	return d;
}

void
durable_stop(struct durable *d)
{
	if (d == NULL)
		return;
	pthread_mutex_lock(&d->mu);
	d->stop = 1;
	pthread_cond_signal(&d->cv);
	pthread_mutex_unlock(&d->mu);
	pthread_join(d->thread, NULL);
	ev_async_stop(d->loop, &d->done);
	pthread_cond_destroy(&d->cv);
	pthread_mutex_destroy(&d->mu);
	free(d);
}

/* Under d->mu, on the loop: the head the next sync makes durable. */
static void
durable_note_head(struct durable *d)
{
	d->head.seq = audit_last_seq(d->audit);
	memcpy(d->head.hash, audit_last_hash(d->audit), sizeof d->head.hash);
}

void
durable_sync_audit(struct durable *d, int audit_fd)
{
	pthread_mutex_lock(&d->mu);
	d->audit_fd = audit_fd;
	durable_note_head(d);
	d->queued = 1;
	pthread_cond_signal(&d->cv);
	pthread_mutex_unlock(&d->mu);
}

void
durable_submit(struct durable *d, int audit_fd, const char *state_dir,
    const struct guard_persisted *state, durable_done_fn *done, void *ctx)
{
	d->state_done = done;
	d->state_ctx = ctx;
	pthread_mutex_lock(&d->mu);
	d->audit_fd = audit_fd;
	durable_note_head(d);
	snprintf(d->state_dir, sizeof d->state_dir, "%s", state_dir);
	d->state = *state;
	d->queued = 1;
	d->queued_state = 1;
	pthread_cond_signal(&d->cv);
	pthread_mutex_unlock(&d->mu);
}

int
durable_busy(struct durable *d)
{
	int busy;

	pthread_mutex_lock(&d->mu);
	busy = d->queued_state || d->running_state || d->state_finished;
	pthread_mutex_unlock(&d->mu);
	return busy;
}
