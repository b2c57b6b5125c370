/*
 * safety_world.c: plcsims and a wardend on free loopback ports in one
 * private temp dir, its control socket, and libmodbus clients of it.
 * Built on the integration tests' harness (spawn, free ports, stop by
 * PID); plcsim is started here because the harness always journals.
 */
#include "safety.h"
#include "../integration/harness.h"

#include <errno.h>
#include <grp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define WORLD_TRIES 3           /* a free port can be taken before use */
#define WORLD_START_TIMEOUT 10.0
#define WORLD_STOP_TIMEOUT 5.0

static int
safety_plc_try(struct safety_plc *plc, const char *log)
{
	char listen[64], backdoor[64];
	char *argv[] = { harness_bin_path("plcsim"), (char *)"--model",
		(char *)"tank", (char *)"--listen", listen, (char *)"--backdoor",
		backdoor, NULL };

	plc->port = harness_free_port();
	plc->backdoor = harness_free_port();
	if (argv[0] == NULL || plc->port == 0 || plc->backdoor == 0 ||
	    plc->port == plc->backdoor) {
		free(argv[0]);
		return -1;
	}
	snprintf(listen, sizeof(listen), "127.0.0.1:%u", plc->port);
	snprintf(backdoor, sizeof(backdoor), "127.0.0.1:%u", plc->backdoor);
	plc->pid = harness_spawn(argv, log);
	free(argv[0]);
	if (plc->pid == -1)
		return -1;
	if (harness_wait_port(plc->pid, plc->port, WORLD_START_TIMEOUT) == 0 &&
	    harness_wait_port(plc->pid, plc->backdoor, WORLD_START_TIMEOUT) == 0)
		return 0;
	harness_stop(plc->pid, WORLD_STOP_TIMEOUT);
	plc->pid = -1;
	return -1;
}

int
safety_world_new(struct safety_world *w, unsigned n_plcs)
{
	char log[SAFETY_PATH_MAX];
	unsigned i;
	int tries;

	memset(w, 0, sizeof(*w));
	w->warden = -1;
	for (i = 0; i < SAFETY_MAX_PLCS; i++)
		w->plc[i].pid = -1;
	if ((w->dir = harness_tmpdir()) == NULL) {
		fprintf(stderr, "bench-safety: cannot make a temp dir: %s\n",
		    strerror(errno));
		return -1;
	}
	snprintf(w->config, sizeof(w->config), "%s/warden.yaml", w->dir);
	snprintf(w->log, sizeof(w->log), "%s/wardend.log", w->dir);
	snprintf(w->audit, sizeof(w->audit), "%s/audit.jsonl", w->dir);
	snprintf(w->socket, sizeof(w->socket), "%s/control.sock", w->dir);
	for (i = 0; i < n_plcs && i < SAFETY_MAX_PLCS; i++) {
		snprintf(log, sizeof(log), "%s/plcsim-%u.log", w->dir, i);
		for (tries = 0; tries < WORLD_TRIES; tries++)
			if (safety_plc_try(&w->plc[i], log) == 0)
				break;
		if (tries == WORLD_TRIES) {
			fprintf(stderr, "bench-safety: plcsim did not start; is "
			    "it built (make build/plcsim)? Log: %s\n", log);
			harness_dump_file(log);
			w->failed = 1;
			return -1;
		}
		w->n_plcs = i + 1;
	}
	return 0;
}

/* The caller's own group may take over and release, root or not. */
static int
safety_world_config(struct safety_world *w, const char *body)
{
	struct group *gr = getgrgid(getegid());
	const char *group = gr != NULL ? gr->gr_name : "root";

	return harness_write_file(w->config,
	    "listen: 127.0.0.1:%u\n"
	    "state_dir: %s\n"
	    "audit_log: %s\n"
	    "control: {socket: %s, takeover_group: %s, release_group: %s}\n"
	    "%s",
	    w->port, w->dir, w->audit, w->socket, group, group, body);
}

static int
safety_world_launch(struct safety_world *w)
{
	char *argv[] = { harness_bin_path("wardend"), (char *)"-f",
		(char *)"-c", w->config, NULL };
	double deadline = safety_mono() + WORLD_START_TIMEOUT;

	if (argv[0] == NULL)
		return -1;
	w->warden = harness_spawn(argv, w->log);
	free(argv[0]);
	if (w->warden == -1)
		return -1;
	while (!harness_unix_answers(w->socket)) {
		if (harness_exited(w->warden) || safety_mono() > deadline)
			goto fail;
		safety_nap(0.01);
	}
	if (harness_wait_port(w->warden, w->port, deadline - safety_mono()) ==
	    0)
		return 0;
fail:
	harness_stop(w->warden, WORLD_STOP_TIMEOUT);
	w->warden = -1;
	return -1;
}

int
safety_world_start(struct safety_world *w, const char *body)
{
	int tries;

	for (tries = 0; tries < WORLD_TRIES; tries++) {
		w->port = harness_free_port();
		if (w->port == 0 || safety_world_config(w, body) != 0)
			return -1;
		/* A fresh log each try, so the caller reads this one's. */
		unlink(w->log);
		if (safety_world_launch(w) == 0)
			return 0;
		if (safety_world_log_line(w, "in use", NULL, 0) != 0)
			break;          /* not a port taken under our feet */
	}
	return -1;
}

void
safety_world_stop_warden(struct safety_world *w)
{
	if (w->warden > 0)
		harness_stop(w->warden, WORLD_STOP_TIMEOUT);
	w->warden = -1;
}

void
safety_world_free(struct safety_world *w)
{
	unsigned i;

	safety_world_stop_warden(w);
	for (i = 0; i < SAFETY_MAX_PLCS; i++)
		if (w->plc[i].pid > 0) {
			harness_stop(w->plc[i].pid, WORLD_STOP_TIMEOUT);
			w->plc[i].pid = -1;
		}
	if (w->dir == NULL)
		return;
	if (w->failed) {
		safety_world_show_log(w);
		fprintf(stderr, "bench-safety: kept %s\n", w->dir);
	} else {
		harness_rmdir(w->dir);
	}
	free(w->dir);
	w->dir = NULL;
}

int
safety_world_log_line(const struct safety_world *w, const char *needle,
    char *line, size_t cap)
{
	char buf[1024];
	FILE *f = fopen(w->log, "r");
	int found = -1;

	if (f == NULL)
		return -1;
	while (found != 0 && fgets(buf, sizeof(buf), f) != NULL)
		if (strstr(buf, needle) != NULL) {
			buf[strcspn(buf, "\n")] = '\0';
			if (line != NULL && cap > 0)
				snprintf(line, cap, "%s", buf);
			found = 0;
		}
	fclose(f);
	return found;
}

void
safety_world_show_log(const struct safety_world *w)
{
	harness_dump_file(w->log);
}

modbus_t *
safety_client(uint16_t port, int unit, double timeout)
{
	modbus_t *ctx = modbus_new_tcp("127.0.0.1", port);
	uint32_t sec = (uint32_t)timeout;

	if (ctx == NULL)
		return NULL;
	modbus_set_slave(ctx, unit);
	modbus_set_response_timeout(ctx, sec,
	    (uint32_t)((timeout - sec) * 1e6));
	modbus_set_error_recovery(ctx, MODBUS_ERROR_RECOVERY_NONE);
	if (modbus_connect(ctx) == -1) {
		modbus_free(ctx);
		return NULL;
	}
	return ctx;
}

void
safety_client_free(modbus_t *ctx)
{
	if (ctx == NULL)
		return;
	modbus_close(ctx);
	modbus_free(ctx);
}

int
safety_world_wait_path(const struct safety_world *w, int unit, int address,
    double timeout)
{
	double deadline = safety_mono() + timeout;
	modbus_t *ctx = safety_client(w->port, unit, 1.0);
	uint16_t reg;
	int rc = -1;

	while (ctx != NULL && safety_mono() < deadline) {
		if (modbus_read_registers(ctx, address, 1, &reg) == 1) {
			rc = 0;
			break;
		}
		safety_nap(0.01);
	}
	safety_client_free(ctx);
	return rc;
}

int
safety_control_open(const struct safety_world *w)
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
safety_control(const struct safety_world *w, const char *request,
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
