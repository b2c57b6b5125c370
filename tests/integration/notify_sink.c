/*
 * notify_sink.c: see notify_sink.h.
 */
#include "notify_sink.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int
notify_sink_open(const char *path)
{
	struct sockaddr_un sun;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path))
		return -1;
	memcpy(sun.sun_path, path, strlen(path));
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

int
notify_sink_recv(int fd, char *buf, size_t cap, double timeout)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t n;
	int ready;

	do
		ready = poll(&pfd, 1, (int)(timeout * 1000));
	while (ready == -1 && errno == EINTR);
	if (ready <= 0)
		return ready;
	n = recv(fd, buf, cap - 1, 0);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return (int)n;
}

int
notify_sink_has(const char *msg, const char *assignment)
{
	size_t len = strlen(assignment);
	const char *p = msg;

	while ((p = strstr(p, assignment)) != NULL) {
		if ((p == msg || p[-1] == '\n') &&
		    (p[len] == '\0' || p[len] == '\n'))
			return 1;
		p += len;
	}
	return 0;
}
