/*
 * loop.c: work deferred to just before the loop sleeps. Answers and
 * requests produced during one loop iteration leave in one write per
 * socket, clients held back by max_inflight are resumed outside the
 * callbacks that freed their slots, and closed clients are freed only
 * here, once no callback can still be holding them.
 */
#include "warden.h"

void
loop_queue_client_flush(struct client *c)
{
	if (c->flush_queued)
		return;
	c->flush_queued = 1;
	c->next_flush = c->w->flush_clients;
	c->w->flush_clients = c;
}

void
loop_queue_client_resume(struct client *c)
{
	if (c->resume_queued)
		return;
	c->resume_queued = 1;
	c->next_resume = c->w->resume_clients;
	c->w->resume_clients = c;
}

void
loop_queue_client_free(struct client *c)
{
	c->next_free = c->w->free_clients;
	c->w->free_clients = c;
}

void
loop_queue_devconn_flush(struct devconn *dc)
{
	struct warden *w = dc->pool->dev->w;

	if (dc->flush_queued)
		return;
	dc->flush_queued = 1;
	dc->next_flush = w->flush_conns;
	w->flush_conns = dc;
}

void
loop_prepare_cb(struct ev_loop *loop, ev_prepare *p, int revents)
{
	struct warden *w = p->data;

	(void)loop;
	(void)revents;
	/* Each step can queue work for the others (a failed device write
	 * answers clients, a resumed client sends requests): go round until
	 * nothing is left, or the loop would sleep on queued work. */
	do {
		while (w->resume_clients != NULL) {
			struct client *c = w->resume_clients;

			w->resume_clients = c->next_resume;
			c->resume_queued = 0;
			client_resume(c);
		}
		while (w->flush_conns != NULL) {
			struct devconn *dc = w->flush_conns;

			w->flush_conns = dc->next_flush;
			dc->flush_queued = 0;
			devconn_flush(dc);
		}
		while (w->flush_clients != NULL) {
			struct client *c = w->flush_clients;

			w->flush_clients = c->next_flush;
			c->flush_queued = 0;
			client_flush(c);
		}
	} while (w->resume_clients != NULL || w->flush_conns != NULL);
	while (w->free_clients != NULL) {
		struct client *c = w->free_clients;

		w->free_clients = c->next_free;
		client_free(c);
	}
}
