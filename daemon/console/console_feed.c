/*
 * console_feed.c: the subscribe connection to wardend (console_feed.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "console_feed.h"
#include "console_link.h"
#include "json.h"
#include "log.h"

#define FEED_BACKOFF_MIN_MS 250
#define FEED_BACKOFF_MAX_MS 5000
/* wardend pushes a status at least every 5 s: silence for three times
 * that means the connection is dead even if the socket says not. */
#define FEED_SILENCE_MS 15000
#define FEED_SUBSCRIBE "{\"cmd\":\"subscribe\"}\n"

struct console_feed {
	const char *path;
	struct console_state *st;
	int stop[2];            /* a pipe: written to stop the thread */
	pthread_t thread;
};

static double
feed_wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* wardend's answer to subscribe: 0 when ok, else -1 with its sentence. */
static int
feed_accepted(const char *line, size_t len, char err[ERR_LEN])
{
	struct json_value answer, v;
	char why[ERR_LEN];
	const char *bad;
	size_t at;

	if (json_parse(line, len, &answer, &at, &bad) == -1 ||
	    answer.type != JSON_OBJECT ||
	    json_object_get(&answer, "ok", &v) == -1) {
		errmsg_set(err, "wardend answered subscribe with something "
		    "that is not an answer");
		return -1;
	}
	if (v.type == JSON_TRUE)
		return 0;
	if (json_object_get(&answer, "error", &v) == -1 ||
	    json_get_string(&v, why, sizeof why) < 0)
		snprintf(why, sizeof why, "no reason given");
	errmsg_set(err, "wardend refused subscribe: %s", why);
	return -1;
}

/*
 * One subscription, until it fails (-1, err says why) or the console
 * stops (-2). *live: set once wardend accepted it.
 */
static int
feed_session(struct console_feed *f, int *live, char err[ERR_LEN])
{
	struct link_conn c;
	const char *line;
	long n;
	int rc;

	if (link_open(&c, f->path, f->stop[0], err) == -1)
		return -1;
	rc = link_send(&c, FEED_SUBSCRIBE, strlen(FEED_SUBSCRIBE),
	    link_now_ms() + LINK_COMMAND_MS, err);
	if (rc != 0)
		goto out;
	n = link_read_line(&c, link_now_ms() + LINK_COMMAND_MS, &line, err);
	if ((rc = n < 0 ? (int)n : feed_accepted(line, (size_t)n, err)) != 0)
		goto out;
	*live = 1;
	state_link(f->st, NULL);
	log_info("subscribed to wardend at %s", f->path);
	for (;;) {
		n = link_read_line(&c, link_now_ms() + FEED_SILENCE_MS, &line,
		    err);
		if (n < 0) {
			rc = (int)n;
			break;
		}
		state_push(f->st, line, (size_t)n, feed_wall());
	}
out:
	link_close(&c);
	return rc;
}

/* Sleep ms, or less when told to stop: 0, or -2 to stop. */
static int
feed_pause(struct console_feed *f, int ms)
{
	struct pollfd pfd = { .fd = f->stop[0], .events = POLLIN };
	int n;

	while ((n = poll(&pfd, 1, ms)) < 0 && errno == EINTR)
		;
	return n > 0 ? -2 : 0;
}

static void *
feed_run(void *arg)
{
	struct console_feed *f = arg;
	char err[ERR_LEN], last[ERR_LEN] = "";
	int backoff = FEED_BACKOFF_MIN_MS, live, rc;

	for (;;) {
		live = 0;
		rc = feed_session(f, &live, err);
		if (rc == -2)
			break;
		if (live)
			backoff = FEED_BACKOFF_MIN_MS;
		state_link(f->st, err);
		/* The same failure every few seconds is one line in the log. */
		if (strcmp(err, last) != 0)
			log_warnx("%s", err);
		memcpy(last, err, sizeof last);
		if (feed_pause(f, backoff) == -2)
			break;
		backoff = backoff * 2 > FEED_BACKOFF_MAX_MS ?
		    FEED_BACKOFF_MAX_MS : backoff * 2;
	}
	return NULL;
}

struct console_feed *
feed_start(const char *path, struct console_state *st, char err[ERR_LEN])
{
	struct console_feed *f = calloc(1, sizeof *f);
	int rc;

	if (f == NULL) {
		errmsg_set(err, "out of memory");
		return NULL;
	}
	f->path = path;
	f->st = st;
	if (pipe2(f->stop, O_CLOEXEC) == -1) {
		errmsg_set(err, "pipe: %s", strerror(errno));
		free(f);
		return NULL;
	}
	if ((rc = pthread_create(&f->thread, NULL, feed_run, f)) != 0) {
		errmsg_set(err, "cannot start the feed thread: %s",
		    strerror(rc));
		close(f->stop[0]);
		close(f->stop[1]);
		free(f);
		return NULL;
	}
	return f;
}

void
feed_stop(struct console_feed *f)
{
	if (f == NULL)
		return;
	(void)!write(f->stop[1], "x", 1);
	pthread_join(f->thread, NULL);
	close(f->stop[0]);
	close(f->stop[1]);
	free(f);
}
