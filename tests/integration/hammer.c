/*
 * hammer.c: a thread repeating one abusive connection. See hammer.h.
 */
#include "hammer.h"

#include <errno.h>
#include <time.h>
#include <unistd.h>

#include "wire.h"

#define HAMMER_PAUSE 0.001

static void
hammer_nap(double seconds)
{
	struct timespec ts;

	ts.tv_sec = (time_t)seconds;
	ts.tv_nsec = (long)((seconds - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static void *
hammer_main(void *arg)
{
	struct hammer *h = arg;
	int fd;

	while (!atomic_load(&h->stop)) {
		fd = wire_connect(h->port);
		if (fd == -1) {
			hammer_nap(0.01);
			continue;
		}
		if (h->len > 0)
			wire_send(fd, h->frame, h->len);
		if (wire_wait_closed(fd, 1.0))
			atomic_fetch_add(&h->closed_by_peer, 1);
		close(fd);
		atomic_fetch_add(&h->rounds, 1);
		hammer_nap(HAMMER_PAUSE);
	}
	return NULL;
}

int
hammer_start(struct hammer *h, uint16_t port, const uint8_t *frame,
    size_t len)
{
	h->port = port;
	h->frame = frame;
	h->len = len;
	atomic_init(&h->stop, 0);
	atomic_init(&h->rounds, 0);
	atomic_init(&h->closed_by_peer, 0);
	h->running = pthread_create(&h->thread, NULL, hammer_main, h) == 0;
	return h->running ? 0 : -1;
}

void
hammer_stop(struct hammer *h)
{
	if (!h->running)
		return;
	atomic_store(&h->stop, 1);
	pthread_join(h->thread, NULL);
	h->running = 0;
}
