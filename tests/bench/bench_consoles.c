/*
 * bench_consoles.c: the subscribers of the target wardend-consoles (issue
 * 12). N unix connections to the wardend's control socket, each sends
 * {"cmd":"subscribe"} and reads {"ok":true}; then one thread polls them
 * all, reading and discarding the pushes, counting lines and bytes, for
 * as long as a run lasts. A connection refused, or closed by wardend
 * before the end, fails the run: the figure would mean nothing.
 */
#include "bench.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define BENCH_CONSOLE_ANSWER_MS 2000

/* Connect and subscribe; the fd, blocking no more, or -1 (said). */
static int
bench_console_open(const char *path, unsigned index)
{
	static const char req[] = "{\"cmd\":\"subscribe\"}\n";
	struct sockaddr_un sun;
	struct pollfd pfd;
	char answer[256];
	size_t got = 0;
	ssize_t n;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "bench: console %u: socket path too long: "
		    "%s\n", index, path);
		return -1;
	}
	strcpy(sun.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
	    write(fd, req, sizeof(req) - 1) != (ssize_t)(sizeof(req) - 1)) {
		fprintf(stderr, "bench: console %u: cannot subscribe on %s: "
		    "%s\n", index, path, strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	/* The answer is the first line; pushes may follow it at once, so
	 * read byte by byte up to its newline only. */
	pfd.fd = fd;
	pfd.events = POLLIN;
	while (got < sizeof(answer) - 1) {
		if (poll(&pfd, 1, BENCH_CONSOLE_ANSWER_MS) != 1 ||
		    (n = read(fd, answer + got, 1)) != 1)
			break;
		if (answer[got++] == '\n')
			break;
	}
	answer[got] = '\0';
	if (got == 0 || answer[got - 1] != '\n' ||
	    strstr(answer, "\"ok\":true") == NULL) {
		fprintf(stderr, "bench: console %u: subscribe refused or not "
		    "answered: '%.*s'\n", index, (int)strcspn(answer, "\n"),
		    answer);
		close(fd);
		return -1;
	}
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Reads what one console has; -1 when wardend closed it or it failed. */
static int
bench_console_drain(struct bench_consoles *c, int fd)
{
	char buf[16384];
	ssize_t n, i;

	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n > 0) {
			c->bytes += (uint64_t)n;
			for (i = 0; i < n; i++)
				c->pushes += buf[i] == '\n';
			continue;
		}
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (n == -1 && errno == EINTR)
			continue;
		return -1;
	}
}

static void *
bench_consoles_thread(void *arg)
{
	struct bench_consoles *c = arg;
	struct pollfd pfd[BENCH_CONSOLES_MAX + 1];
	unsigned i;

	for (i = 0; i < c->n; i++) {
		pfd[i].fd = c->fd[i];
		pfd[i].events = POLLIN;
	}
	pfd[c->n].fd = c->wake[0];
	pfd[c->n].events = POLLIN;
	while (!c->closed) {
		if (poll(pfd, c->n + 1, -1) == -1) {
			if (errno == EINTR)
				continue;
			c->closed = 1;
			break;
		}
		if (pfd[c->n].revents != 0)
			break;
		for (i = 0; i < c->n; i++)
			if (pfd[i].revents != 0 &&
			    bench_console_drain(c, c->fd[i]) != 0) {
				c->closed = 1;
				c->closed_index = i;
			}
	}
	return NULL;
}

int
bench_consoles_open(struct bench_consoles *c, const char *socket_path,
    unsigned n)
{
	unsigned i;

	memset(c, 0, sizeof(*c));
	c->wake[0] = c->wake[1] = -1;
	if (n > BENCH_CONSOLES_MAX)
		return -1;
	for (i = 0; i < n; i++) {
		if ((c->fd[i] = bench_console_open(socket_path, i + 1)) == -1)
			break;
		c->n++;
	}
	if (c->n == n && pipe2(c->wake, O_CLOEXEC) == 0 &&
	    pthread_create(&c->thread, NULL, bench_consoles_thread, c) == 0) {
		c->running = 1;
		clock_gettime(CLOCK_MONOTONIC, &c->start);
		return 0;
	}
	bench_consoles_close(c);
	return -1;
}

int
bench_consoles_close(struct bench_consoles *c)
{
	struct timespec end;
	unsigned i;

	if (c->running) {
		(void)!write(c->wake[1], "x", 1);
		pthread_join(c->thread, NULL);
		c->running = 0;
		clock_gettime(CLOCK_MONOTONIC, &end);
		c->seconds = (double)(end.tv_sec - c->start.tv_sec) +
		    (double)(end.tv_nsec - c->start.tv_nsec) / 1e9;
	}
	for (i = 0; i < c->n; i++)
		close(c->fd[i]);
	if (c->wake[0] != -1)
		close(c->wake[0]);
	if (c->wake[1] != -1)
		close(c->wake[1]);
	c->wake[0] = c->wake[1] = -1;
	if (c->closed) {
		fprintf(stderr, "bench: console %u of %u: wardend closed its "
		    "subscription during the run\n", c->closed_index + 1,
		    c->n);
		return -1;
	}
	return 0;
}

void
bench_consoles_report(const struct bench_consoles *c)
{
	double s = c->seconds > 0.0 ? c->seconds : 1.0;

	printf("      %u consoles: %llu pushes (%.1f/s each), %.1f KiB/s "
	    "in all\n", c->n, (unsigned long long)c->pushes,
	    (double)c->pushes / s / (c->n ? c->n : 1),
	    (double)c->bytes / s / 1024.0);
}
