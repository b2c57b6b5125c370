/*
 * scrape.c: an HTTP/1.0 GET and sample lookup. See scrape.h.
 */
#include "scrape.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "harness.h"
#include "wire.h"

#define SCRAPE_TIMEOUT 5.0

/* Everything the server sends until it closes, into buf. */
static size_t
scrape_read_all(int fd, char *buf, size_t cap)
{
	double deadline = harness_now() + SCRAPE_TIMEOUT;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	size_t used = 0;
	ssize_t n;

	while (used + 1 < cap && harness_now() < deadline) {
		if (poll(&pfd, 1, 50) <= 0)
			continue;
		n = read(fd, buf + used, cap - 1 - used);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		used += (size_t)n;
	}
	buf[used] = '\0';
	return used;
}

static long
scrape_content_length(const char *head)
{
	const char *line = head;

	while ((line = strstr(line, "\r\n")) != NULL) {
		line += 2;
		if (strncasecmp(line, "Content-Length:", 15) == 0)
			return strtol(line + 15, NULL, 10);
	}
	return -1;
}

int
scrape_get(uint16_t port, const char *target, struct scrape_answer *a)
{
	char request[512], *raw, *end;
	size_t len, head_len;
	int fd, n, rc = -1;

	memset(a, 0, sizeof(*a));
	a->content_length = -1;
	n = snprintf(request, sizeof(request), "GET %s HTTP/1.0\r\n"
	    "Host: 127.0.0.1\r\n\r\n", target);
	if (n < 0 || (size_t)n >= sizeof(request) ||
	    (raw = malloc(SCRAPE_HEAD_MAX + SCRAPE_BODY_MAX)) == NULL)
		return -1;
	if ((fd = wire_connect(port)) == -1) {
		free(raw);
		return -1;
	}
	if (wire_send(fd, (const uint8_t *)request, (size_t)n) == 0) {
		len = scrape_read_all(fd, raw, SCRAPE_HEAD_MAX +
		    SCRAPE_BODY_MAX);
		end = strstr(raw, "\r\n\r\n");
		if (end != NULL && sscanf(raw, "HTTP/1.%*d %d", &a->status)
		    == 1) {
			head_len = (size_t)(end - raw);
			snprintf(a->head, sizeof(a->head), "%.*s",
			    (int)head_len, raw);
			a->content_length = scrape_content_length(a->head);
			a->body_len = len - head_len - 4;
			if (a->body_len >= sizeof(a->body))
				a->body_len = sizeof(a->body) - 1;
			memcpy(a->body, end + 4, a->body_len);
			a->body[a->body_len] = '\0';
			rc = 0;
		}
	}
	close(fd);
	free(raw);
	return rc;
}

int
scrape_value(const char *text, const char *series, double *value)
{
	size_t len = strlen(series);
	const char *line = text;
	char *end;

	while (line != NULL && *line != '\0') {
		if (strncmp(line, series, len) == 0 && line[len] == ' ') {
			*value = strtod(line + len + 1, &end);
			return end != line + len + 1 ? 0 : -1;
		}
		if ((line = strchr(line, '\n')) != NULL)
			line++;
	}
	return -1;
}
