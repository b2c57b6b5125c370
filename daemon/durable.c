#include "durable.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "log.h"
#include "statefile.h"
#include "warden.h"

static void *
durable_worker(void *arg)
{
	struct durable *d = arg;
	struct guard_persisted state;
	char dir[sizeof d->state_dir], err[sizeof d->err];
	int fd, failed;

	/* The loop refuses AI writes and drives the plant; on a small
	 * machine it must win the CPU over a thread that mostly waits on
	 * the disk anyway. */
	setpriority(PRIO_PROCESS, (id_t)gettid(), 10);
	pthread_mutex_lock(&d->mu);
	for (;;) {
		while (!d->queued && !d->stop)
			pthread_cond_wait(&d->cv, &d->mu);
		if (d->stop)
			break;
		d->queued = 0;
		d->running = 1;
		fd = d->audit_fd;
		state = d->state;
		memcpy(dir, d->state_dir, sizeof dir);
		pthread_mutex_unlock(&d->mu);

		failed = 0;
		err[0] = '\0';
		if (fd != -1 && fdatasync(fd) == -1) {
			snprintf(err, sizeof err, "audit log fdatasync: %s",
			    strerror(errno));
			failed = 1;
		}
		if (statefile_save(dir, &state, err + strlen(err),
		    sizeof err - strlen(err)) == -1)
			failed = 1;

		pthread_mutex_lock(&d->mu);
		d->running = 0;
		d->finished = 1;
		d->failed = failed;
		memcpy(d->err, err, sizeof err);
		ev_async_send(d->w->loop, &d->done);
	}
	pthread_mutex_unlock(&d->mu);
	return NULL;
}

static void
durable_done_cb(struct ev_loop *loop, ev_async *a, int revents)
{
	struct durable *d = a->data;
	int failed;
	char err[sizeof d->err];

	(void)loop;
	(void)revents;
	pthread_mutex_lock(&d->mu);
	if (!d->finished) {
		pthread_mutex_unlock(&d->mu);
		return;
	}
	d->finished = 0;
	failed = d->failed;
	memcpy(err, d->err, sizeof err);
	pthread_mutex_unlock(&d->mu);
	takeover_durable(d->w, failed ? err : NULL);
}

int
durable_start(struct warden *w, struct durable *d)
{
	memset(d, 0, sizeof *d);
	d->w = w;
	d->audit_fd = -1;
	pthread_mutex_init(&d->mu, NULL);
	pthread_cond_init(&d->cv, NULL);
	ev_async_init(&d->done, durable_done_cb);
	d->done.data = d;
	ev_async_start(w->loop, &d->done);
	if (pthread_create(&d->thread, NULL, durable_worker, d) != 0)
		return -1;
	d->started = 1;
	return 0;
}

void
durable_stop(struct durable *d)
{
	if (!d->started)
		return;
	pthread_mutex_lock(&d->mu);
	d->stop = 1;
	pthread_cond_signal(&d->cv);
	pthread_mutex_unlock(&d->mu);
	pthread_join(d->thread, NULL);
	ev_async_stop(d->w->loop, &d->done);
	pthread_cond_destroy(&d->cv);
	pthread_mutex_destroy(&d->mu);
	d->started = 0;
}

void
durable_submit(struct durable *d, int audit_fd, const char *state_dir,
    const struct guard_persisted *state)
{
	pthread_mutex_lock(&d->mu);
	d->audit_fd = audit_fd;
	snprintf(d->state_dir, sizeof d->state_dir, "%s", state_dir);
	d->state = *state;
	d->queued = 1;
	pthread_cond_signal(&d->cv);
	pthread_mutex_unlock(&d->mu);
}

int
durable_busy(struct durable *d)
{
	int busy;

	pthread_mutex_lock(&d->mu);
	busy = d->queued || d->running || d->finished;
	pthread_mutex_unlock(&d->mu);
	return busy;
}
