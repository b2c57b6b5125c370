/*
 * launch.c: see launch.h.
 */
#include "launch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define LAUNCH_START_TIMEOUT 10.0       /* sanitizer builds start slowly */

int
launch_config(struct rig *r, const char *state_dir, const char *control_keys,
    const char *body)
{
	r->port = harness_free_port();
	if (r->port == 0)
		return -1;
	snprintf(r->body, sizeof(r->body), "%s", body);
	return harness_write_file(r->config,
	    "listen: 127.0.0.1:%u\n"
	    "state_dir: %s\n"
	    "audit_log: %s\n"
	    "control: {socket: %s%s%s}\n"
	    "devices:\n"
	    "  - {name: tank1, host: 127.0.0.1, port: %u, unit_id: 1, %s}\n"
	    "%s",
	    r->port, state_dir != NULL ? state_dir : r->dir, r->audit,
	    r->socket, control_keys != NULL ? ", " : "",
	    control_keys != NULL ? control_keys : "", r->plc.port, r->device,
	    r->body);
}

int
launch_wardend(struct rig *r, const char *user)
{
	char *argv[8];
	char *bin = harness_bin_path("wardend");
	char user_arg[64];
	int argc = 0;

	if (bin == NULL)
		return -1;
	argv[argc++] = bin;
	argv[argc++] = (char *)"-f";
	if (user != NULL) {
		argv[argc++] = (char *)"-u";
		snprintf(user_arg, sizeof(user_arg), "%s", user);
		argv[argc++] = user_arg;
	}
	argv[argc++] = (char *)"-c";
	argv[argc++] = r->config;
	argv[argc] = NULL;
	r->warden = harness_spawn(argv, r->log);
	free(bin);
	return r->warden == -1 ? -1 : 0;
}

int
launch_wait(struct rig *r, double timeout)
{
	double deadline = harness_now() + timeout;
	struct timespec gap = { 0, 10000000 };

	while (!harness_unix_answers(r->socket)) {
		if (harness_exited(r->warden) || harness_now() > deadline)
			goto failed;
		nanosleep(&gap, NULL);
	}
	if (harness_wait_port(r->warden, r->port, deadline -
	    harness_now()) == 0)
		return 0;
failed:
	r->failed = 1;
	harness_dump_file(r->log);
	return -1;
}

int
launch_start(struct rig *r, const char *control_keys, const char *body)
{
	if (launch_config(r, NULL, control_keys, body) != 0 ||
	    launch_wardend(r, NULL) != 0)
		return -1;
	return launch_wait(r, LAUNCH_START_TIMEOUT);
}
