/*
 * bench_rig.c: the processes under test, each on a free loopback port in
 * one private temp dir: plcsim (the device, without a journal, which
 * would cost a file write per request), haproxy in TCP mode on one thread
 * (one extra hop, no inspection), and wardend in monitor mode with no
 * points, so that it inspects every frame and refuses none.
 */
#include "bench.h"
#include "../integration/harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BENCH_START_TRIES 3     /* a free port can be taken before use */
#define BENCH_START_TIMEOUT 10.0
#define BENCH_STOP_TIMEOUT 5.0

static const char *const bench_target_names[TARGET_COUNT] = {
	"direct", "haproxy", "wardend",
};

const char *
bench_target_name(enum bench_target target)
{
	return bench_target_names[target];
}

/* The full path of a program on PATH or in the sbin dirs root's PATH
 * has (haproxy is in /usr/sbin); NULL when none is executable. */
static char *
bench_rig_which(const char *name)
{
	const char *path = getenv("PATH");
	char *dirs, *dir, *save = NULL, *found = NULL;

	if (asprintf(&dirs, "%s:/usr/local/sbin:/usr/sbin:/sbin",
	    path != NULL ? path : "/usr/bin:/bin") == -1)
		return NULL;
	for (dir = strtok_r(dirs, ":", &save); dir != NULL && found == NULL;
	    dir = strtok_r(NULL, ":", &save)) {
		if (asprintf(&found, "%s/%s", dir, name) == -1)
			break;
		if (access(found, X_OK) != 0) {
			free(found);
			found = NULL;
		}
	}
	free(dirs);
	return found;
}

/* Spawn argv on a fresh port until it listens: listen, one of argv's
 * strings, is rewritten to 127.0.0.1:PORT for each try. */
static int
bench_rig_spawn(struct bench_rig *rig, enum bench_target target,
    char **argv, char *listen, size_t listen_size)
{
	int tries;

	for (tries = 0; tries < BENCH_START_TRIES; tries++) {
		rig->port[target] = harness_free_port();
		snprintf(listen, listen_size, "127.0.0.1:%u",
		    rig->port[target]);
		rig->pid[target] = harness_spawn(argv, rig->log[target]);
		if (rig->pid[target] == -1)
			return -1;
		if (harness_wait_port(rig->pid[target], rig->port[target],
		    BENCH_START_TIMEOUT) == 0)
			return 0;
		harness_stop(rig->pid[target], BENCH_STOP_TIMEOUT);
		rig->pid[target] = -1;
	}
	return -1;
}

static int
bench_rig_plcsim(struct bench_rig *rig)
{
	char listen[64];
	char *argv[] = { harness_bin_path("plcsim"), (char *)"--model",
		(char *)"tank", (char *)"--listen", listen, NULL };
	int rc;

	if (argv[0] == NULL)
		return -1;
	rc = bench_rig_spawn(rig, TARGET_DIRECT, argv, listen, sizeof(listen));
	if (rc != 0)
		fprintf(stderr, "bench: plcsim (%s) did not start; is it built "
		    "(make build/plcsim)? Log: %s\n", argv[0],
		    rig->log[TARGET_DIRECT]);
	free(argv[0]);
	return rc;
}

static void
bench_rig_haproxy_version(struct bench_rig *rig, const char *bin)
{
	char command[512];
	FILE *p;

	snprintf(rig->haproxy_version, sizeof(rig->haproxy_version),
	    "version unknown");
	snprintf(command, sizeof(command), "'%s' -v 2>/dev/null", bin);
	p = popen(command, "r");
	if (p == NULL)
		return;
	if (fgets(rig->haproxy_version, sizeof(rig->haproxy_version), p) !=
	    NULL)
		rig->haproxy_version[strcspn(rig->haproxy_version, "\n")] =
		    '\0';
	pclose(p);
}

static int
bench_rig_haproxy(struct bench_rig *rig)
{
	char config[512], *bin = bench_rig_which("haproxy");
	char *argv[] = { bin, (char *)"-db", (char *)"-f", config, NULL };
	int rc = -1, tries;

	if (bin == NULL) {
		fprintf(stderr, "bench: haproxy not found; run make deps\n");
		return -1;
	}
	bench_rig_haproxy_version(rig, bin);
	snprintf(config, sizeof(config), "%s/haproxy.cfg", rig->dir);
	for (tries = 0; tries < BENCH_START_TRIES && rc != 0; tries++) {
		rig->port[TARGET_HAPROXY] = harness_free_port();
		/* One thread, like wardend's one loop. */
		if (harness_write_file(config, "global\n\tnbthread 1\n"
		    "\ndefaults\n\tmode tcp\n"
		    "\ttimeout connect 5s\n\ttimeout client 60s\n"
		    "\ttimeout server 60s\n\nlisten modbus\n"
		    "\tbind 127.0.0.1:%u\n\tserver plc 127.0.0.1:%u\n",
		    rig->port[TARGET_HAPROXY], rig->port[TARGET_DIRECT]) != 0)
			break;
		rig->pid[TARGET_HAPROXY] = harness_spawn(argv,
		    rig->log[TARGET_HAPROXY]);
		if (rig->pid[TARGET_HAPROXY] == -1)
			break;
		rc = harness_wait_port(rig->pid[TARGET_HAPROXY],
		    rig->port[TARGET_HAPROXY], BENCH_START_TIMEOUT);
		if (rc != 0) {
			harness_stop(rig->pid[TARGET_HAPROXY],
			    BENCH_STOP_TIMEOUT);
			rig->pid[TARGET_HAPROXY] = -1;
		}
	}
	if (rc != 0)
		fprintf(stderr, "bench: haproxy did not start; log: %s\n",
		    rig->log[TARGET_HAPROXY]);
	free(bin);
	return rc;
}

static int
bench_rig_wardend(struct bench_rig *rig, const struct bench_options *opt)
{
	struct harness_warden warden;
	char state[512], *yaml;
	int tries, rc = -1;

	memset(&warden, 0, sizeof(warden));
	snprintf(state, sizeof(state), "%s/state", rig->dir);
	if (mkdir(state, 0700) != 0)
		return -1;
	for (tries = 0; tries < BENCH_START_TRIES && rc != 0; tries++) {
		rig->port[TARGET_WARDEND] = harness_free_port();
		if (asprintf(&yaml, "# Written by the benchmark: forward "
		    "everything, refuse nothing.\n"
		    "mode: monitor\ninitial_state: auto\n"
		    "listen: 127.0.0.1:%u\nstate_dir: %s\n"
		    "audit_log: %s/audit.jsonl\n"
		    "control:\n  socket: %s/control.sock\n"
		    "limits: {max_clients: 300, max_inflight: 16, "
		    "device_queue: 256}\n"
		    "devices:\n  - name: plc\n    host: 127.0.0.1\n"
		    "    port: %u\n    unit_id: %u\n    connections: %u\n"
		    "    pipeline: %u\n", rig->port[TARGET_WARDEND], state,
		    rig->dir, rig->dir, rig->port[TARGET_DIRECT], BENCH_UNIT,
		    opt->device_connections, opt->pipeline) == -1)
			return -1;
		rc = harness_warden_start(&warden, rig->dir,
		    rig->port[TARGET_WARDEND], yaml);
		free(yaml);
	}
	rig->pid[TARGET_WARDEND] = rc == 0 ? warden.pid : -1;
	if (rc != 0)
		fprintf(stderr, "bench: wardend did not start; is it built "
		    "(make build/wardend)? Log: %s\n", rig->log[TARGET_WARDEND]);
	return rc;
}

/* Saves a round of start-up timeouts when a program was never built. */
static int
bench_rig_built(const char *name)
{
	char *path = harness_bin_path(name);
	int ok = path != NULL && access(path, X_OK) == 0;

	if (!ok)
		fprintf(stderr, "bench: %s is not built; run make (WARDEN_BIN "
		    "names the build dir)\n", path ? path : name);
	free(path);
	return ok;
}

int
bench_rig_start(struct bench_rig *rig, const struct bench_options *opt)
{
	size_t t;

	memset(rig, 0, sizeof(*rig));
	for (t = 0; t < TARGET_COUNT; t++)
		rig->pid[t] = -1;
	if (!bench_rig_built("plcsim") || (opt->enabled[TARGET_WARDEND] &&
	    !bench_rig_built("wardend")))
		return -1;
	rig->dir = harness_tmpdir();
	if (rig->dir == NULL) {
		fprintf(stderr, "bench: cannot make a temp dir; check TMPDIR\n");
		return -1;
	}
	for (t = 0; t < TARGET_COUNT; t++)
		snprintf(rig->log[t], sizeof(rig->log[t]), "%s/%s.log",
		    rig->dir, t == TARGET_DIRECT ? "plcsim" :
		    bench_target_name((enum bench_target)t));
	/* plcsim is the device behind every target. */
	if (bench_rig_plcsim(rig) != 0)
		return -1;
	if (opt->enabled[TARGET_HAPROXY] && bench_rig_haproxy(rig) != 0)
		return -1;
	if (opt->enabled[TARGET_WARDEND] && bench_rig_wardend(rig, opt) != 0)
		return -1;
	return 0;
}

int
bench_rig_check(const struct bench_rig *rig)
{
	int t;

	for (t = 0; t < TARGET_COUNT; t++)
		if (rig->pid[t] > 0 && harness_exited(rig->pid[t]))
			return t;
	return -1;
}

void
bench_rig_stop(struct bench_rig *rig, int keep_logs)
{
	int t;

	/* Gateways first, so that they never see their device vanish. */
	for (t = TARGET_COUNT - 1; t >= 0; t--)
		if (rig->pid[t] > 0) {
			harness_stop(rig->pid[t], BENCH_STOP_TIMEOUT);
			rig->pid[t] = -1;
		}
	if (rig->dir == NULL)
		return;
	if (keep_logs)
		fprintf(stderr, "bench: logs kept in %s\n", rig->dir);
	else
		harness_rmdir(rig->dir);
	free(rig->dir);
	rig->dir = NULL;
}
