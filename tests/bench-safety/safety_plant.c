/*
 * safety_plant.c: the benchmark's world (tests/integration/world.h):
 * plcsims without a journal, wardend started so that the benchmark may
 * take over and release, and its control socket as the benchmark speaks
 * it.
 */
#include "safety.h"

#include <grp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

struct world *
safety_plant(int n_plcs)
{
	struct world_options opt = { .n_plcs = n_plcs };
	struct world *w;
	int i;

	/* A file write per request would be measured too. */
	for (i = 0; i < n_plcs && i < WORLD_MAX_PLCS; i++)
		opt.plc[i].no_journal = 1;
	if ((w = world_new(&opt)) == NULL)
		fprintf(stderr, "bench-safety: plcsim did not start; is it "
		    "built (make build/plcsim)?\n");
	return w;
}

/* The caller's own group may take over and release. */
static void
safety_rights(struct world *w)
{
	struct group *gr = getgrgid(getegid());
	const char *group = gr != NULL ? gr->gr_name : "root";

	snprintf(w->control, sizeof(w->control),
	    "takeover_group: %s, release_group: %s", group, group);
}

int
safety_start(struct world *w, const char *body)
{
	safety_rights(w);
	return world_start(w, body);
}

int
safety_start_tls(struct world *w, const char *body, const char *certs)
{
	safety_rights(w);
	return bench_tls_start(w, body, certs);
}

int
safety_control_open(const struct world *w)
{
	struct sockaddr_un sun;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(w->socket) >= sizeof(sun.sun_path))
		return -1;
	memcpy(sun.sun_path, w->socket, strlen(w->socket));
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

int
safety_control_ask(int fd, const char *request, char *answer, size_t cap,
    double timeout)
{
	double deadline = safety_mono() + timeout;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char line[1024];
	size_t used = 0;
	ssize_t n;
	int len;

	len = snprintf(line, sizeof(line), "%s\n", request);
	if (len < 0 || (size_t)len >= sizeof(line) ||
	    send(fd, line, (size_t)len, MSG_NOSIGNAL) != len)
		return -1;
	answer[0] = '\0';
	while (memchr(answer, '\n', used) == NULL) {
		if (used + 1 >= cap || safety_mono() > deadline)
			return -1;
		if (poll(&pfd, 1, 10) <= 0)
			continue;
		n = read(fd, answer + used, cap - 1 - used);
		if (n <= 0)
			return -1;
		used += (size_t)n;
		answer[used] = '\0';
	}
	answer[strcspn(answer, "\n")] = '\0';
	return strstr(answer, "\"ok\":true") != NULL ? 1 : 0;
}

int
safety_control(const struct world *w, const char *request,
    char *answer, size_t cap)
{
	int fd = safety_control_open(w), rc;

	if (fd == -1) {
		snprintf(answer, cap, "cannot connect to %s", w->socket);
		return -1;
	}
	rc = safety_control_ask(fd, request, answer, cap, 5.0);
	close(fd);
	return rc;
}
