/*
 * harness.c: processes, ports and temp dirs for the integration tests and
 * the benchmark. See harness.h.
 */
#include "harness.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define HARNESS_TMP_PREFIX "warden-test-"
#define HARNESS_START_TIMEOUT 10.0 /* sanitizer builds start slowly */

double
harness_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void
harness_nap(double seconds)
{
	struct timespec ts;

	ts.tv_sec = (time_t)seconds;
	ts.tv_nsec = (long)((seconds - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static void
harness_loopback(struct sockaddr_in *sin, uint16_t port)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(port);
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
}

uint16_t
harness_free_port(void)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	uint16_t port = 0;
	int fd;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return 0;
	harness_loopback(&sin, 0);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sin, &len) == 0)
		port = ntohs(sin.sin_port);
	close(fd);
	return port;
}

char *
harness_bin_path(const char *name)
{
	const char *bin = getenv("WARDEN_BIN");
	char *path;

	if (bin == NULL || *bin == '\0')
		bin = "build";
	if (asprintf(&path, "%s/%s", bin, name) == -1)
		return NULL;
	return path;
}

char *
harness_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char *dir;

	if (base == NULL || *base == '\0')
		base = "/tmp";
	if (asprintf(&dir, "%s/" HARNESS_TMP_PREFIX "XXXXXX", base) == -1)
		return NULL;
	if (mkdtemp(dir) == NULL) {
		free(dir);
		return NULL;
	}
	return dir;
}

static int
harness_rm_entry(const char *path, const struct stat *st, int type,
    struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (type == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

void
harness_rmdir(const char *dir)
{
	/* Only what harness_tmpdir made: a typo must not wipe a tree. */
	if (dir == NULL || strstr(dir, "/" HARNESS_TMP_PREFIX) == NULL)
		return;
	nftw(dir, harness_rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

int
harness_write_file(const char *path, const char *fmt, ...)
{
	va_list ap;
	FILE *f;
	int ok;

	f = fopen(path, "w");
	if (f == NULL)
		return -1;
	va_start(ap, fmt);
	ok = vfprintf(f, fmt, ap) >= 0;
	va_end(ap);
	if (fclose(f) != 0)
		ok = 0;
	return ok ? 0 : -1;
}

pid_t
harness_spawn(char *const argv[], const char *log_path)
{
	pid_t pid;
	int fd;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid == -1)
		return -1;
	if (pid > 0) {
		/* Both sides set the group so a kill right after fork works. */
		setpgid(pid, pid);
		return pid;
	}
	setpgid(0, 0);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGXFSZ, SIG_DFL);
	if (log_path != NULL) {
		fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND, 0644);
		if (fd == -1)
			_exit(127);
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		if (fd > STDERR_FILENO)
			close(fd);
	}
	execv(argv[0], argv);
	fprintf(stderr, "harness: exec %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

int
harness_exited(pid_t pid)
{
	siginfo_t info;

	memset(&info, 0, sizeof(info));
	if (waitid(P_PID, (id_t)pid, &info, WEXITED | WNOHANG | WNOWAIT) == -1)
		return errno == ECHILD;
	return info.si_pid == pid;
}

static int
harness_try_connect(uint16_t port)
{
	struct sockaddr_in sin;
	int fd, rc;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	harness_loopback(&sin, port);
	rc = connect(fd, (struct sockaddr *)&sin, sizeof(sin));
	close(fd);
	return rc;
}

int
harness_wait_port(pid_t pid, uint16_t port, double timeout)
{
	double deadline = harness_now() + timeout;

	for (;;) {
		if (pid > 0 && harness_exited(pid))
			return -1;
		if (harness_try_connect(port) == 0)
			return 0;
		if (harness_now() > deadline)
			return -1;
		harness_nap(0.01);
	}
}

static int
harness_reap(pid_t pid, double timeout)
{
	double deadline = harness_now() + timeout;
	int status;
	pid_t got;

	for (;;) {
		got = waitpid(pid, &status, WNOHANG);
		if (got == pid)
			return status;
		if (got == -1 && errno != EINTR)
			return -1;
		if (harness_now() > deadline)
			return -2;
		harness_nap(0.005);
	}
}

int
harness_stop(pid_t pid, double timeout)
{
	int status;

	if (pid <= 0)
		return -1;
	kill(pid, SIGTERM);
	status = harness_reap(pid, timeout);
	if (status != -2)
		return status;
	kill(-pid, SIGKILL);
	kill(pid, SIGKILL);
	status = harness_reap(pid, 5.0);
	return status == -2 ? -1 : status;
}

void
harness_dump_file(const char *path)
{
	char line[1024];
	FILE *f;

	f = fopen(path, "r");
	if (f == NULL)
		return;
	fprintf(stderr, "---- %s\n", path);
	while (fgets(line, sizeof(line), f) != NULL)
		fprintf(stderr, "| %s", line);
	fprintf(stderr, "----\n");
	fclose(f);
}

int
harness_unix_answers(const char *path)
{
	struct sockaddr_un sun;
	int fd, rc;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path))
		return 0;
	memcpy(sun.sun_path, path, strlen(path));
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return 0;
	rc = connect(fd, (struct sockaddr *)&sun, sizeof(sun));
	close(fd);
	return rc == 0;
}

long
harness_proc_kib(pid_t pid, const char *field)
{
	char path[64], line[256];
	size_t flen = strlen(field);
	long kib = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/status", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, field, flen) == 0 && line[flen] == ':') {
			kib = strtol(line + flen + 1, NULL, 10);
			break;
		}
	fclose(f);
	return kib;
}
