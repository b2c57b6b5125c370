/*
 * test_sdnotify.c: the systemd notification protocol against a datagram
 * socket the test binds itself, as systemd would: by path and by abstract
 * name. Nothing is sent when NOTIFY_SOCKET is unset; the watchdog is fed
 * from the loop only when WATCHDOG_USEC is ours.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>
#include <ev.h>

#include "sdnotify.h"

struct fixture {
	char dir[64];
	char path[128];
	int fd;                 /* systemd's end */
	struct ev_loop *loop;
	struct sdnotify n;
	char err[ERR_LEN];
	int watchdogs;          /* WATCHDOG=1 seen while the loop ran */
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);

	if (f == NULL)
		return -1;
	strcpy(f->dir, "/tmp/test_sdnotify.XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->path, sizeof f->path, "%s/notify", f->dir);
	f->fd = -1;
	f->n.fd = -1;
	f->loop = ev_loop_new(EVFLAG_AUTO);
	unsetenv("NOTIFY_SOCKET");
	unsetenv("WATCHDOG_USEC");
	unsetenv("WATCHDOG_PID");
	*state = f;
	return f->loop != NULL ? 0 : -1;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	sdnotify_close(&f->n);
	if (f->fd != -1)
		close(f->fd);
	unlink(f->path);
	rmdir(f->dir);
	ev_loop_destroy(f->loop);
	free(f);
	return 0;
}

/* Bind systemd's end; name is a path or '@' and an abstract name. */
static void
listen_on(struct fixture *f, const char *name)
{
	struct sockaddr_un sun;
	socklen_t len;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, name);
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
	    strlen(name));
	if (name[0] == '@')
		sun.sun_path[0] = '\0';
	else
		len++;
	f->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(f->fd != -1);
	assert_int_equal(bind(f->fd, (struct sockaddr *)&sun, len), 0);
	assert_int_equal(setenv("NOTIFY_SOCKET", name, 1), 0);
}

/* The next datagram, waiting at most 5 s. */
static void
receive(struct fixture *f, char *msg, size_t len)
{
	struct timeval tv = { 5, 0 };
	ssize_t n;

	assert_int_equal(setsockopt(f->fd, SOL_SOCKET, SO_RCVTIMEO, &tv,
	    sizeof tv), 0);
	n = recv(f->fd, msg, len - 1, 0);
	assert_true(n >= 0);
	msg[n] = '\0';
}

static void
assert_nothing_pending(struct fixture *f)
{
	char msg[64];

	assert_int_equal(recv(f->fd, msg, sizeof msg, MSG_DONTWAIT), -1);
	assert_int_equal(errno, EAGAIN);
}

static void
test_unset_is_a_silent_no_op(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(sdnotify_open(&f->n, f->err), 0);
	assert_int_equal(f->n.fd, -1);
	assert_int_equal(sdnotify_ready(&f->n, f->loop, "up"), 0);
	assert_int_equal(sdnotify_status(&f->n, "x"), 0);
	assert_int_equal(sdnotify_send(&f->n, "WATCHDOG=1"), 0);
	assert_int_equal(sdnotify_stopping(&f->n), 0);
	assert_false(ev_is_active(&f->n.watchdog));
}

static void
test_empty_is_unset(void **state)
{
	struct fixture *f = *state;

	setenv("NOTIFY_SOCKET", "", 1);
	assert_int_equal(sdnotify_open(&f->n, f->err), 0);
	assert_int_equal(f->n.fd, -1);
}

static void
test_relative_name_refused(void **state)
{
	struct fixture *f = *state;

	setenv("NOTIFY_SOCKET", "run/notify", 1);
	assert_int_equal(sdnotify_open(&f->n, f->err), -1);
	assert_non_null(strstr(f->err, "NOTIFY_SOCKET"));
	assert_int_equal(f->n.fd, -1);
	assert_int_equal(sdnotify_send(&f->n, "READY=1"), 0);
}

static void
test_overlong_name_refused(void **state)
{
	struct fixture *f = *state;
	char name[sizeof ((struct sockaddr_un *)0)->sun_path + 1];

	memset(name, 'a', sizeof name - 1);
	name[0] = '/';
	name[sizeof name - 1] = '\0';
	setenv("NOTIFY_SOCKET", name, 1);
	assert_int_equal(sdnotify_open(&f->n, f->err), -1);
	setenv("NOTIFY_SOCKET", "@", 1);
	assert_int_equal(sdnotify_open(&f->n, f->err), -1);
}

static void
test_path_ready_status_stopping(void **state)
{
	struct fixture *f = *state;
	char msg[512];

	listen_on(f, f->path);
	assert_int_equal(sdnotify_open(&f->n, f->err), 0);
	assert_true(f->n.fd != -1);
	assert_int_equal(sdnotify_ready(&f->n, f->loop, "state auto"), 0);
	receive(f, msg, sizeof msg);
	assert_string_equal(msg, "READY=1\nSTATUS=state auto");
	assert_false(ev_is_active(&f->n.watchdog));
	assert_int_equal(sdnotify_status(&f->n, "two\nlines"), 0);
	receive(f, msg, sizeof msg);
	assert_string_equal(msg, "STATUS=two lines");
	assert_int_equal(sdnotify_stopping(&f->n), 0);
	receive(f, msg, sizeof msg);
	assert_string_equal(msg, "STOPPING=1");
	assert_nothing_pending(f);
}

static void
test_abstract_name(void **state)
{
	struct fixture *f = *state;
	char name[64], msg[512];

	snprintf(name, sizeof name, "@warden-test-sdnotify-%ld",
	    (long)getpid());
	listen_on(f, name);
	assert_int_equal(sdnotify_open(&f->n, f->err), 0);
	assert_int_equal(sdnotify_ready(&f->n, f->loop, "up"), 0);
	receive(f, msg, sizeof msg);
	assert_string_equal(msg, "READY=1\nSTATUS=up");
}

static void
test_no_listener_fails_without_blocking(void **state)
{
	struct fixture *f = *state;

	setenv("NOTIFY_SOCKET", f->path, 1);
	assert_int_equal(sdnotify_open(&f->n, f->err), 0);
	assert_int_equal(sdnotify_send(&f->n, "READY=1"), -1);
}

static void
count_watchdog_cb(struct ev_loop *loop, ev_io *io, int revents)
{
	struct fixture *f = io->data;
	char msg[64];
	ssize_t n;

	(void)revents;
	while ((n = recv(f->fd, msg, sizeof msg - 1, MSG_DONTWAIT)) > 0) {
		msg[n] = '\0';
		assert_string_equal(msg, "WATCHDOG=1");
		if (++f->watchdogs == 3)
			ev_break(loop, EVBREAK_ALL);
	}
}

static void
give_up_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
	(void)t;
	(void)revents;
	ev_break(loop, EVBREAK_ALL);
}

static void
test_watchdog_fed_from_the_loop(void **state)
{
	struct fixture *f = *state;
	ev_io io;
	ev_timer limit;
	char msg[512];

	listen_on(f, f->path);
	setenv("WATCHDOG_USEC", "40000", 1);
	assert_int_equal(sdnotify_open(&f->n, f->err), 0);
	assert_true(f->n.watchdog_interval == 0.02);
	assert_int_equal(sdnotify_ready(&f->n, f->loop, "up"), 0);
	receive(f, msg, sizeof msg);
	assert_string_equal(msg, "READY=1\nWATCHDOG=1\nSTATUS=up");

	ev_io_init(&io, count_watchdog_cb, f->fd, EV_READ);
	io.data = f;
	ev_io_start(f->loop, &io);
	ev_timer_init(&limit, give_up_cb, 5., 0.);
	ev_timer_start(f->loop, &limit);
	ev_run(f->loop, 0);
	ev_io_stop(f->loop, &io);
	ev_timer_stop(f->loop, &limit);
	assert_int_equal(f->watchdogs, 3);

	assert_int_equal(sdnotify_stopping(&f->n), 0);
	assert_false(ev_is_active(&f->n.watchdog));
	do
		receive(f, msg, sizeof msg);
	while (strcmp(msg, "WATCHDOG=1") == 0);
	assert_string_equal(msg, "STOPPING=1");
}

static void
test_watchdog_of_another_pid_is_not_ours(void **state)
{
	struct fixture *f = *state;
	char pid[32], msg[512];

	listen_on(f, f->path);
	setenv("WATCHDOG_USEC", "40000", 1);
	snprintf(pid, sizeof pid, "%ld", (long)getpid() + 1);
	setenv("WATCHDOG_PID", pid, 1);
	assert_int_equal(sdnotify_open(&f->n, f->err), 0);
	assert_true(f->n.watchdog_interval == 0);
	assert_int_equal(sdnotify_ready(&f->n, f->loop, "up"), 0);
	receive(f, msg, sizeof msg);
	assert_string_equal(msg, "READY=1\nSTATUS=up");
	assert_false(ev_is_active(&f->n.watchdog));
}

static void
test_watchdog_of_our_pid(void **state)
{
	struct fixture *f = *state;
	char pid[32];

	setenv("NOTIFY_SOCKET", f->path, 1);
	setenv("WATCHDOG_USEC", "10000000", 1);
	snprintf(pid, sizeof pid, "%ld", (long)getpid());
	setenv("WATCHDOG_PID", pid, 1);
	assert_int_equal(sdnotify_open(&f->n, f->err), 0);
	assert_true(f->n.watchdog_interval == 5.0);
}

static void
test_watchdog_usec_garbage_is_off(void **state)
{
	struct fixture *f = *state;
	const char *bad[] = { "abc", "10s", "0", "-5", "" };
	size_t i;

	setenv("NOTIFY_SOCKET", f->path, 1);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		setenv("WATCHDOG_USEC", bad[i], 1);
		assert_int_equal(sdnotify_open(&f->n, f->err), 0);
		assert_true(f->n.watchdog_interval == 0);
		sdnotify_close(&f->n);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_unset_is_a_silent_no_op,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_is_unset, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_relative_name_refused,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_overlong_name_refused,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_path_ready_status_stopping,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_abstract_name, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_no_listener_fails_without_blocking, setup, teardown),
		cmocka_unit_test_setup_teardown(test_watchdog_fed_from_the_loop,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_watchdog_of_another_pid_is_not_ours, setup, teardown),
		cmocka_unit_test_setup_teardown(test_watchdog_of_our_pid, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_watchdog_usec_garbage_is_off,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
