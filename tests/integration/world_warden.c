/*
 * world_warden.c: a world's wardend, its config and its life. See
 * world.h.
 */
#include "world.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#define WORLD_START_TRIES 3     /* a free port can be taken before use */
#define WORLD_STOP_TIMEOUT 5.0
#define WORLD_PORT_TAKEN "Address already in use"

void
world_device(struct world *w, const char *name, uint16_t port, int unit,
    const char *keys)
{
	size_t used = strlen(w->devices);
	int more = keys != NULL && *keys != '\0';

	if (port == 0)
		port = harness_free_port();
	snprintf(w->devices + used, sizeof(w->devices) - used,
	    "  - {name: %s, host: 127.0.0.1, port: %u, unit_id: %d%s%s}\n",
	    name, port, unit, more ? ", " : "", more ? keys : "");
}

int
world_rewrite_config(const struct world *w)
{
	return harness_write_file(w->config,
	    "listen: 127.0.0.1:%u\n"
	    "state_dir: %s\n"
	    "audit_log: %s\n"
	    "control: {socket: %s%s%s}\n"
	    "%s%s"
	    "%s",
	    w->port, w->state_dir, w->audit, w->socket,
	    w->control[0] != '\0' ? ", " : "", w->control,
	    w->devices[0] != '\0' ? "devices:\n" : "", w->devices, w->body);
}

int
world_config(struct world *w, const char *body)
{
	if (body != NULL && body != w->body)
		snprintf(w->body, sizeof(w->body), "%s", body);
	if ((w->port = harness_free_port()) == 0)
		return -1;
	return world_rewrite_config(w);
}

int
world_launch(struct world *w, const char *user)
{
	char *argv[7];
	char user_arg[64];
	int argc = 0;

	if (w->bin[0] == '\0')
		return -1;
	argv[argc++] = w->bin;
	argv[argc++] = (char *)"-f";
	if (user != NULL) {
		snprintf(user_arg, sizeof(user_arg), "%s", user);
		argv[argc++] = (char *)"-u";
		argv[argc++] = user_arg;
	}
	argv[argc++] = (char *)"-c";
	argv[argc++] = w->config;
	argv[argc] = NULL;
	w->warden = harness_spawn(argv, w->log);
	return w->warden == -1 ? -1 : 0;
}

int
world_wait(struct world *w, int wait_listen, double timeout)
{
	double deadline = harness_now() + timeout;

	while (!harness_unix_answers(w->socket)) {
		if (harness_exited(w->warden) || harness_now() > deadline)
			goto failed;
		harness_nap(0.01);
	}
	if (!wait_listen || harness_wait_port(w->warden, w->port,
	    deadline - harness_now()) == 0)
		return 0;
failed:
	w->failed = 1;
	return -1;
}

/* The size of wardend's log: where the next run's lines begin. */
static long
world_log_size(const struct world *w)
{
	struct stat sb;

	return stat(w->log, &sb) == 0 ? (long)sb.st_size : 0;
}

/* Did the run whose lines begin at `from` find its port taken? */
static int
world_port_taken(const struct world *w, long from)
{
	char line[1024];
	FILE *f = fopen(w->log, "r");
	int taken = 0;

	if (f == NULL)
		return 0;
	if (fseek(f, from, SEEK_SET) == 0)
		while (!taken && fgets(line, sizeof(line), f) != NULL)
			taken = strstr(line, WORLD_PORT_TAKEN) != NULL;
	fclose(f);
	return taken;
}

/* Stop a wardend that did not come up, and say so. */
static int
world_start_failed(struct world *w)
{
	if (w->warden > 0)
		harness_stop(w->warden, WORLD_STOP_TIMEOUT);
	w->warden = -1;
	w->failed = 1;
	return -1;
}

int
world_start(struct world *w, const char *body)
{
	int failed_before = w->failed, tries;
	long from;

	for (tries = 0; tries < WORLD_START_TRIES; tries++) {
		from = world_log_size(w);
		if (world_config(w, body) != 0 || world_launch(w, NULL) != 0)
			return world_start_failed(w);
		body = NULL;            /* w->body holds it now */
		if (world_wait(w, 1, WORLD_START_TIMEOUT) == 0) {
			/* A port taken under our feet is no fault. */
			w->failed = failed_before;
			return 0;
		}
		world_start_failed(w);
		if (!world_port_taken(w, from))
			break;
	}
	return -1;
}

void
world_kill(struct world *w)
{
	int status;

	if (w->warden <= 0)
		return;
	kill(w->warden, SIGKILL);
	while (waitpid(w->warden, &status, 0) == -1 && errno == EINTR)
		;
	w->warden = -1;
}

int
world_restart(struct world *w, int wait_listen)
{
	world_kill(w);
	if (world_launch(w, NULL) != 0 ||
	    world_wait(w, wait_listen, WORLD_START_TIMEOUT) != 0)
		return world_start_failed(w);
	return 0;
}

int
world_stop(struct world *w)
{
	int status;

	if (w->warden <= 0)
		return 0;
	status = harness_stop(w->warden, WORLD_STOP_TIMEOUT);
	w->warden = -1;
	if (status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	fprintf(stderr, "world: wardend did not exit 0 on SIGTERM "
	    "(status 0x%x)\n", (unsigned)status);
	w->failed = 1;
	return -1;
}
