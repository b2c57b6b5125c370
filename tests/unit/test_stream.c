/*
 * test_stream.c: the stream layer (stream.h) and the acceptor
 * (acceptor.h) on a real libev loop, over socketpairs and 127.0.0.1:
 * output leaves at the safe point and waits for the write watcher when
 * the socket is full, a close is heard once and freed only at the safe
 * point, the bounds hold, deferred calls and flush order, the step
 * before the flushes (streams_before_flush), priorities,
 * connecting, and the acceptor's pause when descriptors run out.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>
#include <ev.h>

#include "acceptor.h"
#include "stream.h"

/* What one endpoint heard. */
struct peer {
	struct stream *s;
	int fd;                         /* the other end */
	int data, eofs, drained, connected, deferred, closed, released;
	char reason[128];
	int close_in_data;              /* stream_close from data() */
	int *order;                     /* where to note drained() */
	int *n_order;
	int id;
};

struct fixture {
	struct ev_loop *loop;
	struct streams *ss;
	struct peer p[2];
};

static void
on_data(void *ctx)
{
	struct peer *p = ctx;

	p->data++;
	if (p->close_in_data) {
		stream_close(p->s, "asked to");
		/* Still there until the safe point. */
		assert_true(stream_closed(p->s));
		assert_int_equal(p->released, 0);
	}
}

static void
on_eof(void *ctx)
{
	struct peer *p = ctx;

	p->eofs++;
}

static void
on_drained(void *ctx)
{
	struct peer *p = ctx;

	p->drained++;
	if (p->order != NULL)
		p->order[(*p->n_order)++] = p->id;
}

static void
on_connected(void *ctx)
{
	struct peer *p = ctx;

	p->connected++;
}

static void
on_deferred(void *ctx)
{
	struct peer *p = ctx;

	p->deferred++;
}

static void
on_closed(void *ctx, const char *reason)
{
	struct peer *p = ctx;

	p->closed++;
	snprintf(p->reason, sizeof p->reason, "%s", reason);
}

static void
on_release(void *ctx)
{
	struct peer *p = ctx;

	p->released++;
}

static const struct stream_events events = {
	on_data, on_eof, on_drained, on_connected, on_deferred, on_closed,
	on_release,
};

/* Like events, but the peer's end of stream closes it. */
static const struct stream_events events_no_eof = {
	on_data, NULL, on_drained, on_connected, on_deferred, on_closed,
	on_release,
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);

	if (f == NULL || (f->loop = ev_loop_new(EVFLAG_AUTO)) == NULL ||
	    (f->ss = streams_new(f->loop)) == NULL)
		return -1;
	f->p[0].fd = f->p[1].fd = -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	int i;

	for (i = 0; i < 2; i++) {
		if (f->p[i].s != NULL)
			stream_close(f->p[i].s, "test over");
		if (f->p[i].fd != -1)
			close(f->p[i].fd);
	}
	streams_free(f->ss);
	ev_loop_destroy(f->loop);
	free(f);
	return 0;
}

/* A stream over one end of a socketpair, the other end kept in p->fd. */
static void
open_pair(struct fixture *f, struct peer *p, const struct stream_opts *o)
{
	struct stream_opts opts = *o;
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0, sv), 0);
	p->fd = sv[1];
	opts.ctx = p;
	if (opts.events == NULL)
		opts.events = &events;
	if (opts.name == NULL)
		opts.name = "test";
	p->s = stream_accept(f->ss, sv[0], &opts);
	assert_non_null(p->s);
}

/* Turn the loop until *flag, or fail after a few seconds. */
static void
run_until(struct fixture *f, const int *flag)
{
	ev_tstamp until = ev_time() + 5.0;

	while (!*flag && ev_time() < until)
		ev_run(f->loop, EVRUN_ONCE);
	assert_true(*flag);
}

/* Written at the safe point, not when asked; everything at once. */
static void
test_flush_at_safe_point(void **state)
{
	struct fixture *f = *state;
	struct stream_opts o = { 0 };
	char got[16];

	open_pair(f, &f->p[0], &o);
	assert_int_equal(stream_write(f->p[0].s, "one ", 4), 0);
	assert_int_equal(stream_write(f->p[0].s, "two", 3), 0);
	assert_int_equal(stream_pending(f->p[0].s), 7);
	assert_int_equal(read(f->p[0].fd, got, sizeof got), -1);
	assert_int_equal(errno, EAGAIN);
	streams_run(f->ss);
	assert_int_equal(stream_pending(f->p[0].s), 0);
	assert_int_equal(f->p[0].drained, 1);
	assert_int_equal(read(f->p[0].fd, got, sizeof got), 7);
	assert_memory_equal(got, "one two", 7);
}

/* More than the socket takes: the rest waits for the write watcher and
 * leaves as the peer reads; drained() once it is all out. */
static void
test_write_waits_for_socket(void **state)
{
	struct fixture *f = *state;
	struct stream_opts o = { 0 };
	size_t total = 4 * 1024 * 1024, got = 0;
	uint8_t *p, buf[65536];
	ev_tstamp until = ev_time() + 10.0;
	ssize_t n;

	open_pair(f, &f->p[0], &o);
	assert_non_null(p = stream_append(f->p[0].s, total));
	memset(p, 'x', total);
	streams_run(f->ss);
	assert_true(stream_pending(f->p[0].s) > 0);
	assert_int_equal(f->p[0].drained, 0);
	while (got < total && ev_time() < until) {
		while ((n = read(f->p[0].fd, buf, sizeof buf)) > 0)
			got += (size_t)n;
		ev_run(f->loop, EVRUN_NOWAIT);
	}
	assert_int_equal(got, total);
	assert_int_equal(stream_pending(f->p[0].s), 0);
	assert_int_equal(f->p[0].drained, 1);
}

/* Bytes in, then the peer's end: data() then eof(); with no eof(), the
 * stream closes itself "closed by peer", once. */
static void
test_data_and_eof(void **state)
{
	struct fixture *f = *state;
	struct stream_opts o = { 0 };

	open_pair(f, &f->p[0], &o);
	o.events = &events_no_eof;
	open_pair(f, &f->p[1], &o);
	assert_int_equal(write(f->p[0].fd, "abc", 3), 3);
	assert_int_equal(write(f->p[1].fd, "abc", 3), 3);
	run_until(f, &f->p[1].data);
	run_until(f, &f->p[0].data);
	assert_int_equal(buf_len(stream_in(f->p[0].s)), 3);
	assert_memory_equal(buf_head(stream_in(f->p[0].s)), "abc", 3);
	close(f->p[0].fd);
	close(f->p[1].fd);
	f->p[0].fd = f->p[1].fd = -1;
	run_until(f, &f->p[0].eofs);
	run_until(f, &f->p[1].closed);
	assert_int_equal(f->p[0].closed, 0);
	assert_string_equal(f->p[1].reason, "closed by peer");
	assert_int_equal(f->p[1].closed, 1);
	run_until(f, &f->p[1].released);
	f->p[1].s = NULL;
}

/* closed() once however often asked, from inside data() too; the memory
 * stays until the safe point, and what was queued for it is dropped. */
static void
test_close_once_freed_later(void **state)
{
	struct fixture *f = *state;
	struct stream_opts o = { 0 };
	char got[8];

	open_pair(f, &f->p[0], &o);
	f->p[0].close_in_data = 1;
	assert_int_equal(write(f->p[0].fd, "x", 1), 1);
	run_until(f, &f->p[0].data);
	assert_int_equal(f->p[0].closed, 1);
	assert_string_equal(f->p[0].reason, "asked to");
	assert_int_equal(f->p[0].released, 0);
	stream_close(f->p[0].s, "again");
	assert_int_equal(f->p[0].closed, 1);
	streams_run(f->ss);
	assert_int_equal(f->p[0].released, 1);
	f->p[0].s = NULL;

	open_pair(f, &f->p[1], &o);
	assert_int_equal(stream_write(f->p[1].s, "lost", 4), 0);
	stream_defer(f->p[1].s);
	stream_close(f->p[1].s, "now");
	streams_run(f->ss);
	assert_int_equal(f->p[1].released, 1);
	assert_int_equal(f->p[1].deferred, 0);
	assert_int_equal(f->p[1].drained, 0);
	assert_int_equal(read(f->p[1].fd, got, sizeof got), 0);
	f->p[1].s = NULL;
}

/* out_max: an append that would pass it fails ENOBUFS, the stream open. */
static void
test_out_max(void **state)
{
	struct fixture *f = *state;
	struct stream_opts o = { .out_max = 10 };

	open_pair(f, &f->p[0], &o);
	assert_int_equal(stream_write(f->p[0].s, "0123456789", 10), 0);
	assert_null(stream_append(f->p[0].s, 1));
	assert_int_equal(errno, ENOBUFS);
	assert_int_equal(stream_pending(f->p[0].s), 10);
	assert_false(stream_closed(f->p[0].s));
}

/* in_max: no more is read than it allows while the endpoint holds it
 * unconsumed, and that is not mistaken for the peer's end. */
static void
test_in_max(void **state)
{
	struct fixture *f = *state;
	struct stream_opts o = { .in_max = 4 };
	int i;

	open_pair(f, &f->p[0], &o);
	assert_int_equal(write(f->p[0].fd, "abcdefgh", 8), 8);
	run_until(f, &f->p[0].data);
	for (i = 0; i < 10; i++)
		ev_run(f->loop, EVRUN_NOWAIT);
	assert_int_equal(buf_len(stream_in(f->p[0].s)), 4);
	assert_int_equal(f->p[0].eofs, 0);
	buf_consume(stream_in(f->p[0].s), 4);
	stream_read_start(f->p[0].s);
	f->p[0].data = 0;
	run_until(f, &f->p[0].data);
	assert_memory_equal(buf_head(stream_in(f->p[0].s)), "efgh", 4);
}

/* Reading stopped: nothing is read until it starts again. */
static void
test_read_stop(void **state)
{
	struct fixture *f = *state;
	struct stream_opts o = { 0 };
	int i;

	open_pair(f, &f->p[0], &o);
	stream_read_stop(f->p[0].s);
	assert_int_equal(write(f->p[0].fd, "abc", 3), 3);
	for (i = 0; i < 10; i++)
		ev_run(f->loop, EVRUN_NOWAIT);
	assert_int_equal(f->p[0].data, 0);
	stream_read_start(f->p[0].s);
	run_until(f, &f->p[0].data);
}

/* deferred() once at the safe point, however often asked, and before
 * the flushes; flush_first streams are flushed before the others. */
static void
test_deferred_and_flush_order(void **state)
{
	struct fixture *f = *state;
	struct stream_opts later = { 0 }, first = { .flush_first = 1 };
	int order[4], n = 0;

	open_pair(f, &f->p[0], &later);
	open_pair(f, &f->p[1], &first);
	f->p[0].order = f->p[1].order = order;
	f->p[0].n_order = f->p[1].n_order = &n;
	f->p[0].id = 0;
	f->p[1].id = 1;
	stream_defer(f->p[0].s);
	stream_defer(f->p[0].s);
	assert_int_equal(f->p[0].deferred, 0);
	assert_int_equal(stream_write(f->p[0].s, "a", 1), 0);
	assert_int_equal(stream_write(f->p[1].s, "b", 1), 0);
	streams_run(f->ss);
	assert_int_equal(f->p[0].deferred, 1);
	assert_int_equal(n, 2);
	assert_int_equal(order[0], 1);
	assert_int_equal(order[1], 0);
}

/* What the before-flush step saw each time it ran. */
struct step {
	struct fixture *f;
	int calls;
	int deferred_seen;              /* p[0].deferred when called */
	size_t pending_seen;            /* p[0]'s output not yet written */
	int defer_once;                 /* ask for one more round */
};

static void
on_before_flush(void *ctx)
{
	struct step *st = ctx;
	struct peer *p = &st->f->p[0];

	st->calls++;
	st->deferred_seen = p->deferred;
	st->pending_seen = stream_pending(p->s);
	/* What it adds leaves in the same flush. */
	assert_int_equal(stream_write(p->s, "+", 1), 0);
	if (st->defer_once) {
		st->defer_once = 0;
		stream_defer(p->s);
	}
}

/*
 * The before-flush step runs once per loop iteration, after the deferred
 * calls and before anything is written, and what it adds leaves in the
 * same write; when it asks for more (a deferred call), the round is
 * run again, the step too. NULL removes it.
 */
static void
test_before_flush(void **state)
{
	struct fixture *f = *state;
	struct stream_opts o = { 0 };
	struct step st = { .f = f };
	char got[16];

	open_pair(f, &f->p[0], &o);
	streams_before_flush(f->ss, on_before_flush, &st);
	stream_defer(f->p[0].s);
	assert_int_equal(stream_write(f->p[0].s, "ab", 2), 0);
	ev_run(f->loop, EVRUN_NOWAIT);
	assert_int_equal(st.calls, 1);
	assert_int_equal(st.deferred_seen, 1);
	assert_int_equal(st.pending_seen, 2);
	assert_int_equal(f->p[0].drained, 1);
	assert_int_equal(read(f->p[0].fd, got, sizeof got), 3);
	assert_memory_equal(got, "ab+", 3);

	/* An iteration with nothing to write still runs it, once. */
	ev_run(f->loop, EVRUN_NOWAIT);
	assert_int_equal(st.calls, 2);
	assert_int_equal(st.pending_seen, 0);
	assert_int_equal(read(f->p[0].fd, got, sizeof got), 1);

	/* A deferred call asked from it: one more round, the step again
	 * before that round's flush. */
	st.defer_once = 1;
	streams_run(f->ss);
	assert_int_equal(st.calls, 4);
	assert_int_equal(f->p[0].deferred, 2);
	assert_int_equal(read(f->p[0].fd, got, sizeof got), 2);

	streams_before_flush(f->ss, NULL, NULL);
	streams_run(f->ss);
	assert_int_equal(st.calls, 4);
}

/* Both readable in one iteration: the higher priority is heard first
 * (the control socket's EV_MAXPRI before AI traffic). */
static int heard[2], n_heard;

static void
note_data(void *ctx)
{
	struct peer *p = ctx;

	heard[n_heard++] = p->id;
	p->data++;
}

static void
test_priority(void **state)
{
	static const struct stream_events noting = {
		.data = note_data, .closed = on_closed, .release = on_release,
	};
	struct fixture *f = *state;
	struct stream_opts low = { .events = &noting };
	struct stream_opts high = { .events = &noting, .priority = EV_MAXPRI };

	n_heard = 0;
	open_pair(f, &f->p[0], &low);
	open_pair(f, &f->p[1], &high);
	f->p[0].id = 0;
	f->p[1].id = 1;
	assert_int_equal(write(f->p[0].fd, "ai", 2), 2);
	assert_int_equal(write(f->p[1].fd, "op", 2), 2);
	run_until(f, &f->p[0].data);
	assert_int_equal(n_heard, 2);
	assert_int_equal(heard[0], 1);
	assert_int_equal(heard[1], 0);
}

/* A TCP listener on 127.0.0.1, any port. */
static int
listen_local(struct net_addr *addr)
{
	char err[ERR_LEN];
	int fd;

	assert_int_equal(net_resolve("127.0.0.1", 0, addr, err), 0);
	assert_true((fd = net_listen(addr, 8, err)) >= 0);
	((struct sockaddr_in *)&addr->sa)->sin_port = htons(net_local_port(fd));
	return fd;
}

/* connected() once up; a refused connect closes the stream with why. */
static void
test_connect(void **state)
{
	struct fixture *f = *state;
	struct stream_opts o = { .name = "out", .events = &events };
	struct net_addr addr;
	char err[ERR_LEN];
	int lfd = listen_local(&addr);

	o.ctx = &f->p[0];
	assert_non_null(f->p[0].s = stream_connect(f->ss, &addr, &o, err));
	run_until(f, &f->p[0].connected);
	assert_int_equal(f->p[0].closed, 0);
	f->p[0].fd = accept(lfd, NULL, NULL);
	assert_int_equal(stream_write(f->p[0].s, "hi", 2), 0);
	run_until(f, &f->p[0].drained);
	close(lfd);             /* nobody listens on that port any more */

	o.ctx = &f->p[1];
	assert_non_null(f->p[1].s = stream_connect(f->ss, &addr, &o, err));
	run_until(f, &f->p[1].closed);
	assert_int_equal(f->p[1].connected, 0);
	assert_string_equal(f->p[1].reason, strerror(ECONNREFUSED));
	f->p[1].s = NULL;
}

struct accepted {
	int n;
	ev_tstamp at;
};

static void
on_accept(void *ctx, int fd, const struct net_addr *peer)
{
	struct accepted *a = ctx;

	(void)peer;
	a->n++;
	a->at = ev_time();
	close(fd);
}

/*
 * Out of descriptors, the acceptor pauses (it would spin on a socket
 * that stays readable) and tries again ACCEPTOR_RETRY later; the
 * connection waiting is then taken.
 */
static void
test_acceptor_pauses_on_emfile(void **state)
{
	struct fixture *f = *state;
	struct accepted got = { 0, 0 };
	struct rlimit old, low;
	struct net_addr addr;
	struct acceptor *a;
	int lfd = listen_local(&addr), cfd, fill[64], n = 0, i;
	ev_tstamp paused_at;

	assert_non_null(a = acceptor_open(f->loop, lfd, "test", 0, on_accept,
	    &got));
	assert_true((cfd = socket(AF_INET, SOCK_STREAM, 0)) >= 0);
	assert_int_equal(connect(cfd, (struct sockaddr *)&addr.sa, addr.len),
	    0);
	/* Every descriptor taken: the accept fails EMFILE. */
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &old), 0);
	low = old;
	low.rlim_cur = (rlim_t)cfd + 1;
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &low), 0);
	while (n < 64 && (fill[n] = dup(cfd)) != -1)
		n++;
	ev_run(f->loop, EVRUN_NOWAIT);
	paused_at = ev_time();
	assert_int_equal(got.n, 0);
	for (i = 0; i < n; i++)
		close(fill[i]);
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &old), 0);
	/* Descriptors are back, but it waits out the pause. */
	run_until(f, &got.n);
	assert_true(got.at - paused_at > ACCEPTOR_RETRY * 0.8);
	acceptor_close(a);
	close(cfd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_flush_at_safe_point,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_waits_for_socket,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_data_and_eof, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_close_once_freed_later,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_out_max, setup, teardown),
		cmocka_unit_test_setup_teardown(test_in_max, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_stop, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_deferred_and_flush_order,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_before_flush, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_priority, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_connect, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_acceptor_pauses_on_emfile, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
