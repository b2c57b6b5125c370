/*
 * ctl.c: run wardenctl and read its status. See ctl.h.
 */
#include "ctl.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "json.h"

#define CTL_MAX_ARGS 16
#define CTL_RUN_TIMEOUT 10.0
#define CTL_POLL_GAP 0.02

static void
ctl_child(int out_fd, int err_fd, char **argv)
{
	setpgid(0, 0);
	signal(SIGPIPE, SIG_DFL);
	dup2(out_fd, STDOUT_FILENO);
	dup2(err_fd, STDERR_FILENO);
	execv(argv[0], argv);
	fprintf(stderr, "ctl: exec %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

/* Read both pipes until both close or the deadline passes. */
static void
ctl_collect(int fds[2], char *bufs[2], size_t cap, double deadline)
{
	size_t used[2] = { 0, 0 };
	struct pollfd pfd[2];
	int open_fds = 2, i;
	ssize_t n;

	while (open_fds > 0 && harness_now() < deadline) {
		for (i = 0; i < 2; i++) {
			pfd[i].fd = fds[i];
			pfd[i].events = POLLIN;
		}
		if (poll(pfd, 2, 50) <= 0)
			continue;
		for (i = 0; i < 2; i++) {
			if (fds[i] < 0 || pfd[i].revents == 0)
				continue;
			n = read(fds[i], bufs[i] + used[i], cap - 1 - used[i]);
			if (n > 0) {
				used[i] += (size_t)n;
				continue;
			}
			if (n == -1 && errno == EINTR)
				continue;
			close(fds[i]);
			fds[i] = -1;
			open_fds--;
		}
	}
	for (i = 0; i < 2; i++) {
		bufs[i][used[i]] = '\0';
		if (fds[i] >= 0)
			close(fds[i]);
	}
}

static int
ctl_reap(pid_t pid, double deadline)
{
	int status;
	pid_t got;

	for (;;) {
		got = waitpid(pid, &status, WNOHANG);
		if (got == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
		if (got == -1 && errno != EINTR)
			return -1;
		if (harness_now() > deadline) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return -1;
		}
		usleep(2000);
	}
}

static void
ctl_free_args(char **argv)
{
	int i;

	for (i = 0; argv[i] != NULL; i++)
		free(argv[i]);
}

/* Fork wardenctl with stdout and stderr on pipes; the pid or -1. */
static pid_t
ctl_spawn(char **argv, int fds[2])
{
	int out_pipe[2], err_pipe[2];
	pid_t pid;

	if (pipe2(out_pipe, O_CLOEXEC) == -1)
		return -1;
	if (pipe2(err_pipe, O_CLOEXEC) == -1) {
		close(out_pipe[0]);
		close(out_pipe[1]);
		return -1;
	}
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid == 0)
		ctl_child(out_pipe[1], err_pipe[1], argv);
	close(out_pipe[1]);
	close(err_pipe[1]);
	fds[0] = out_pipe[0];
	fds[1] = err_pipe[0];
	if (pid == -1) {
		close(fds[0]);
		close(fds[1]);
	}
	return pid;
}

/* Run program (a file in WARDEN_BIN) with argv[1..] from prefix then ap. */
static int
ctl_exec(struct ctl_result *res, const char *program, const char *const *prefix,
    va_list ap)
{
	char *argv[CTL_MAX_ARGS + 1];
	char *bufs[2] = { res->out, res->err };
	double deadline = harness_now() + CTL_RUN_TIMEOUT;
	const char *arg;
	int fds[2], argc = 0;
	pid_t pid;

	res->status = -1;
	res->out[0] = res->err[0] = '\0';
	memset(argv, 0, sizeof(argv));
	argv[argc++] = harness_bin_path(program);
	while (prefix != NULL && *prefix != NULL)
		argv[argc++] = strdup(*prefix++);
	while ((arg = va_arg(ap, const char *)) != NULL && argc < CTL_MAX_ARGS)
		argv[argc++] = strdup(arg);
	pid = ctl_spawn(argv, fds);
	ctl_free_args(argv);
	if (pid == -1)
		return -1;
	ctl_collect(fds, bufs, CTL_OUT_MAX, deadline);
	res->status = ctl_reap(pid, deadline);
	return res->status;
}

int
ctl_run(const struct world *w, struct ctl_result *res, ...)
{
	const char *prefix[3] = { "-s", w != NULL ? w->socket : NULL, NULL };
	va_list ap;
	int rc;

	va_start(ap, res);
	rc = ctl_exec(res, "wardenctl", w != NULL ? prefix : NULL, ap);
	va_end(ap);
	return rc;
}

int
ctl_run_program(struct ctl_result *res, const char *program, ...)
{
	va_list ap;
	int rc;

	va_start(ap, program);
	rc = ctl_exec(res, program, NULL, ap);
	va_end(ap);
	return rc;
}

static void
ctl_get_string(const struct json_value *obj, const char *key, char *dst,
    size_t cap)
{
	struct json_value v;

	dst[0] = '\0';
	if (json_object_get(obj, key, &v) == 0 && v.type == JSON_STRING)
		json_get_string(&v, dst, cap);
}

static void
ctl_read_safe(const struct json_value *list, struct ctl_status *st)
{
	struct json_member m;
	struct json_value v;
	struct json_iter it;

	json_iter_init(&it, list);
	while (st->n_safe < CTL_LIST_MAX && json_iter_next(&it, &m)) {
		struct ctl_safe *s = &st->safe[st->n_safe++];

		ctl_get_string(&m.value, "point", s->point, sizeof(s->point));
		ctl_get_string(&m.value, "status", s->status,
		    sizeof(s->status));
		s->verified = strcmp(s->status, "verified") == 0;
		s->value = 0;
		if (json_object_get(&m.value, "value", &v) == 0)
			json_get_double(&v, &s->value);
		s->has_read = json_object_get(&m.value, "last_read", &v) == 0 &&
		    json_get_double(&v, &s->last_read) == 0;
	}
}

static void
ctl_read_trips(const struct json_value *list, struct ctl_status *st)
{
	struct json_member m;
	struct json_iter it;

	json_iter_init(&it, list);
	while (st->n_trips < CTL_LIST_MAX && json_iter_next(&it, &m)) {
		struct ctl_trip *t = &st->trips[st->n_trips++];

		ctl_get_string(&m.value, "point", t->source, sizeof(t->source));
		if (t->source[0] == '\0')
			ctl_get_string(&m.value, "device", t->source,
			    sizeof(t->source));
		ctl_get_string(&m.value, "kind", t->kind, sizeof(t->kind));
	}
}

static void
ctl_read_devices(const struct json_value *list, struct ctl_status *st)
{
	struct json_member m;
	struct json_value v;
	struct json_iter it;

	json_iter_init(&it, list);
	while (json_iter_next(&it, &m)) {
		st->n_devices++;
		if (json_object_get(&m.value, "up", &v) == 0 &&
		    v.type == JSON_TRUE)
			st->devices_up++;
	}
}

/* The object wardenctl printed, into st. */
static int
ctl_parse_status(struct ctl_status *st, char *why, size_t whylen)
{
	struct json_value obj, v;
	const char *bad = "not an object";
	size_t at = 0;

	if (json_parse(st->text, strlen(st->text), &obj, &at, &bad) != 0 ||
	    obj.type != JSON_OBJECT) {
		snprintf(why, whylen, "status --json is not one JSON object "
		    "(%s at byte %zu): %s", bad, at, st->text);
		return -1;
	}
	ctl_get_string(&obj, "state", st->state, sizeof(st->state));
	ctl_get_string(&obj, "cause", st->cause, sizeof(st->cause));
	ctl_get_string(&obj, "reason", st->reason, sizeof(st->reason));
	ctl_get_string(&obj, "mode", st->mode, sizeof(st->mode));
	if (json_object_get(&obj, "safe_state", &v) == 0 &&
	    v.type == JSON_ARRAY)
		ctl_read_safe(&v, st);
	if (json_object_get(&obj, "trips", &v) == 0 && v.type == JSON_ARRAY)
		ctl_read_trips(&v, st);
	if (json_object_get(&obj, "devices", &v) == 0 && v.type == JSON_ARRAY)
		ctl_read_devices(&v, st);
	return 0;
}

int
ctl_status(const struct world *w, struct ctl_status *st, char *why,
    size_t whylen)
{
	struct ctl_result *res = malloc(sizeof(*res));
	int rc = -1;

	memset(st, 0, sizeof(*st));
	if (res == NULL) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	if (ctl_run(w, res, "--json", "status", (char *)NULL) != 0)
		snprintf(why, whylen, "wardenctl status exited %d: %s%s",
		    res->status, res->out, res->err);
	else {
		snprintf(st->text, sizeof(st->text), "%s", res->out);
		rc = ctl_parse_status(st, why, whylen);
	}
	free(res);
	return rc;
}

int
ctl_safe_verified(const struct ctl_status *st)
{
	int i;

	if (st->n_safe == 0)
		return 0;
	for (i = 0; i < st->n_safe; i++)
		if (!st->safe[i].verified)
			return 0;
	return 1;
}

static int
ctl_matches(const struct ctl_status *st, const char *state, const char *cause,
    int want_verified)
{
	return strcmp(st->state, state) == 0 &&
	    (cause == NULL || strcmp(st->cause, cause) == 0) &&
	    (!want_verified || ctl_safe_verified(st));
}

int
ctl_wait(const struct world *w, const char *state, const char *cause,
    int want_verified, double timeout, struct ctl_status *st, char *why,
    size_t whylen)
{
	double deadline = harness_now() + timeout;
	struct timespec gap = { 0, (long)(CTL_POLL_GAP * 1e9) };

	for (;;) {
		if (ctl_status(w, st, why, whylen) == 0) {
			if (ctl_matches(st, state, cause, want_verified))
				return 0;
			snprintf(why, whylen, "wanted state %s cause %s%s "
			    "within %.1fs; last status: %s", state,
			    cause ? cause : "(any)", want_verified ?
			    " with the safe state verified" : "", timeout,
			    st->text);
		}
		if (harness_now() > deadline)
			return -1;
		nanosleep(&gap, NULL);
	}
}

int
ctl_wait_trips(const struct world *w, int n_trips, double timeout,
    struct ctl_status *st, char *why, size_t whylen)
{
	double deadline = harness_now() + timeout;
	struct timespec gap = { 0, (long)(CTL_POLL_GAP * 1e9) };

	for (;;) {
		if (ctl_status(w, st, why, whylen) == 0) {
			if (st->n_trips == n_trips)
				return 0;
			snprintf(why, whylen, "wanted %d trips within %.1fs; "
			    "last status: %s", n_trips, timeout, st->text);
		}
		if (harness_now() > deadline)
			return -1;
		nanosleep(&gap, NULL);
	}
}
