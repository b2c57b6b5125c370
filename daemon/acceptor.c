/*
 * acceptor.c: a listening socket in the loop (acceptor.h), with the
 * pause relayd's relay_accept() makes when descriptors run out.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "acceptor.h"
#include "log.h"

struct acceptor {
	struct ev_loop *loop;
	int fd;
	const char *name;
	acceptor_fn *fn;
	void *ctx;
	ev_io io;
	ev_timer retry;                 /* re-arm after EMFILE */
};

static void
acceptor_accept_cb(struct ev_loop *loop, ev_io *io, int revents)
{
	struct acceptor *a = io->data;
	struct net_addr peer;
	int fd;

	(void)revents;
	for (;;) {
		if ((fd = net_accept(a->fd, &peer)) == -1) {
			if (errno == EMFILE || errno == ENFILE) {
				/* Out of descriptors: pause instead of
				 * spinning. */
				log_warn("%s: accept: pausing for %.0f s",
				    a->name, ACCEPTOR_RETRY);
				ev_io_stop(loop, &a->io);
				ev_timer_set(&a->retry, ACCEPTOR_RETRY, 0.);
				ev_timer_start(loop, &a->retry);
			} else if (errno != EAGAIN && errno != EINTR &&
			    errno != ECONNABORTED)
				log_warn("%s: accept", a->name);
			return;
		}
		a->fn(a->ctx, fd, &peer);
	}
}

static void
acceptor_retry_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
	struct acceptor *a = t->data;

	(void)revents;
	ev_io_start(loop, &a->io);
}

struct acceptor *
acceptor_open(struct ev_loop *loop, int fd, const char *name, int priority,
    acceptor_fn *fn, void *ctx)
{
	struct acceptor *a;

	if ((a = calloc(1, sizeof *a)) == NULL) {
		close(fd);
		return NULL;
	}
	a->loop = loop;
	a->fd = fd;
	a->name = name;
	a->fn = fn;
	a->ctx = ctx;
	ev_io_init(&a->io, acceptor_accept_cb, fd, EV_READ);
	ev_set_priority(&a->io, priority);
	ev_timer_init(&a->retry, acceptor_retry_cb, 0., 0.);
	a->io.data = a->retry.data = a;
	ev_io_start(loop, &a->io);
	return a;
}

void
acceptor_close(struct acceptor *a)
{
	if (a == NULL)
		return;
	ev_io_stop(a->loop, &a->io);
	ev_timer_stop(a->loop, &a->retry);
	close(a->fd);
	free(a);
}

uint16_t
acceptor_port(const struct acceptor *a)
{
	return net_local_port(a->fd);
}
