/*
 * ctl_as.c: wardenctl as another user. See ctl_as.h.
 */
#include "ctl_as.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CTL_AS_MAX_ARGS 16
#define CTL_AS_TIMEOUT 10.0

/* Who the child becomes. */
struct ctl_as_ids {
	uid_t uid;
	gid_t gid;
	const gid_t *groups;            /* supplementary */
	size_t n_groups;
};

/* The output files are opened by root, before the switch, so the user
 * needs no right to the test's dir. */
static void __attribute__((noreturn))
ctl_as_child(const struct ctl_as_ids *ids, int out_fd, int err_fd,
    char **argv)
{
	uid_t uid = ids->uid;
	gid_t gid = ids->gid;

	setpgid(0, 0);
	signal(SIGPIPE, SIG_DFL);
	dup2(out_fd, STDOUT_FILENO);
	dup2(err_fd, STDERR_FILENO);
	if (setgroups(ids->n_groups, ids->groups) == -1 || setgid(gid) == -1 ||
	    setuid(uid) == -1 || getuid() != uid || getegid() != gid) {
		fprintf(stderr, "ctl_as: cannot become uid %u gid %u: %s\n",
		    (unsigned)uid, (unsigned)gid, strerror(errno));
		_exit(126);
	}
	execv(argv[0], argv);
	fprintf(stderr, "ctl_as: exec %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

static int
ctl_as_reap(pid_t pid)
{
	double deadline = harness_now() + CTL_AS_TIMEOUT;
	struct timespec gap = { 0, 2000000 };
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
		nanosleep(&gap, NULL);
	}
}

/* The whole file (at most cap - 1 bytes) into buf, NUL-terminated. */
static void
ctl_as_slurp(int fd, char *buf, size_t cap)
{
	size_t used = 0;
	ssize_t n;

	lseek(fd, 0, SEEK_SET);
	while (used + 1 < cap && (n = read(fd, buf + used,
	    cap - 1 - used)) > 0)
		used += (size_t)n;
	buf[used] = '\0';
}

/* An unlinked temp file in dir: nothing to clean up after. */
static int
ctl_as_tmpfile(const char *dir)
{
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/ctl-as-XXXXXX", dir);
	fd = mkostemp(path, O_CLOEXEC);
	if (fd != -1)
		unlink(path);
	return fd;
}

/*
 * wardenctl copied into the test's dir (mode 0755): the checkout it was
 * built in may be private to root (a clone in a 0700 mktemp dir), and
 * the other user must be able to exec it. NULL when it cannot be.
 */
static char *
ctl_as_program(const struct world *w)
{
	char *src = harness_bin_path("wardenctl"), *dst = NULL, buf[65536];
	int in = -1, out = -1, ok = 0;
	ssize_t n;

	if (src == NULL || asprintf(&dst, "%s/wardenctl-as", w->dir) == -1) {
		free(src);
		return NULL;
	}
	if (access(dst, X_OK) == 0) {
		free(src);
		return dst;
	}
	if ((in = open(src, O_RDONLY | O_CLOEXEC)) != -1 &&
	    (out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0755)) != -1) {
		while ((n = read(in, buf, sizeof(buf))) > 0)
			if (write(out, buf, (size_t)n) != n)
				break;
		ok = n == 0;
	}
	if (in != -1)
		close(in);
	if (out != -1 && close(out) == -1)
		ok = 0;
	free(src);
	if (!ok) {
		unlink(dst);
		free(dst);
		return NULL;
	}
	return dst;
}

static int
ctl_as_runv(const struct world *w, const struct ctl_as_ids *ids,
    struct ctl_result *res, va_list ap)
{
	char *argv[CTL_AS_MAX_ARGS + 1];
	const char *arg;
	int argc = 0, out_fd, err_fd, i;
	pid_t pid;

	res->status = -1;
	res->out[0] = res->err[0] = '\0';
	out_fd = ctl_as_tmpfile(w->dir);
	err_fd = ctl_as_tmpfile(w->dir);
	if (out_fd == -1 || err_fd == -1) {
		snprintf(res->err, sizeof(res->err), "ctl_as: temp file in "
		    "%s: %s", w->dir, strerror(errno));
		goto out;
	}
	memset(argv, 0, sizeof(argv));
	if ((argv[argc++] = ctl_as_program(w)) == NULL) {
		snprintf(res->err, sizeof(res->err), "ctl_as: cannot copy "
		    "wardenctl into %s: %s", w->dir, strerror(errno));
		goto out;
	}
	argv[argc++] = strdup("-s");
	argv[argc++] = strdup(w->socket);
	while ((arg = va_arg(ap, const char *)) != NULL &&
	    argc < CTL_AS_MAX_ARGS)
		argv[argc++] = strdup(arg);
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid == 0)
		ctl_as_child(ids, out_fd, err_fd, argv);
	for (i = 0; i < argc; i++)
		free(argv[i]);
	if (pid == -1)
		goto out;
	res->status = ctl_as_reap(pid);
	ctl_as_slurp(out_fd, res->out, sizeof(res->out));
	ctl_as_slurp(err_fd, res->err, sizeof(res->err));
out:
	if (out_fd != -1)
		close(out_fd);
	if (err_fd != -1)
		close(err_fd);
	return res->status;
}

int
ctl_as_run(const struct world *w, uid_t uid, gid_t gid, struct ctl_result *res,
    ...)
{
	struct ctl_as_ids ids = { uid, gid, NULL, 0 };
	va_list ap;
	int rc;

	va_start(ap, res);
	rc = ctl_as_runv(w, &ids, res, ap);
	va_end(ap);
	return rc;
}

int
ctl_as_run_groups(const struct world *w, uid_t uid, gid_t gid,
    const gid_t *groups, size_t n_groups, struct ctl_result *res, ...)
{
	struct ctl_as_ids ids = { uid, gid, groups, n_groups };
	va_list ap;
	int rc;

	va_start(ap, res);
	rc = ctl_as_runv(w, &ids, res, ap);
	va_end(ap);
	return rc;
}
