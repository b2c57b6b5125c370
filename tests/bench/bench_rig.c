/*
 * bench_rig.c: the processes under test, each on a free loopback port in
 * one private temp dir: plcsim (the device, without a journal, which
 * would cost a file write per request), haproxy in TCP mode on one thread
 * (one extra hop, no inspection), and the wardends (bench_yaml.c says how
 * each is configured), each in its own subdirectory. Only the processes
 * an enabled target needs are started.
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

int
bench_process_used(const struct bench_options *opt,
    enum bench_process process)
{
	int t;

	if (process == PROCESS_PLCSIM)
		return 1;
	for (t = 0; t < TARGET_COUNT; t++)
		if (opt->enabled[t] &&
		    bench_target((enum bench_target)t)->process == process)
			return 1;
	return 0;
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
bench_rig_spawn(struct bench_rig *rig, enum bench_process process,
    char **argv, char *listen, size_t listen_size)
{
	int tries;

	for (tries = 0; tries < BENCH_START_TRIES; tries++) {
		rig->port[process] = harness_free_port();
		snprintf(listen, listen_size, "127.0.0.1:%u",
		    rig->port[process]);
		rig->pid[process] = harness_spawn(argv, rig->log[process]);
		if (rig->pid[process] == -1)
			return -1;
		if (harness_wait_port(rig->pid[process], rig->port[process],
		    BENCH_START_TIMEOUT) == 0)
			return 0;
		harness_stop(rig->pid[process], BENCH_STOP_TIMEOUT);
		rig->pid[process] = -1;
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
	rc = bench_rig_spawn(rig, PROCESS_PLCSIM, argv, listen,
	    sizeof(listen));
	if (rc != 0)
		fprintf(stderr, "bench: plcsim (%s) did not start; is it built "
		    "(make build/plcsim)? Log: %s\n", argv[0],
		    rig->log[PROCESS_PLCSIM]);
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
		rig->port[PROCESS_HAPROXY] = harness_free_port();
		/* One thread, like wardend's one loop. */
		if (harness_write_file(config, "global\n\tnbthread 1\n"
		    "\ndefaults\n\tmode tcp\n"
		    "\ttimeout connect 5s\n\ttimeout client 60s\n"
		    "\ttimeout server 60s\n\nlisten modbus\n"
		    "\tbind 127.0.0.1:%u\n\tserver plc 127.0.0.1:%u\n",
		    rig->port[PROCESS_HAPROXY], rig->port[PROCESS_PLCSIM]) != 0)
			break;
		rig->pid[PROCESS_HAPROXY] = harness_spawn(argv,
		    rig->log[PROCESS_HAPROXY]);
		if (rig->pid[PROCESS_HAPROXY] == -1)
			break;
		rc = harness_wait_port(rig->pid[PROCESS_HAPROXY],
		    rig->port[PROCESS_HAPROXY], BENCH_START_TIMEOUT);
		if (rc != 0) {
			harness_stop(rig->pid[PROCESS_HAPROXY],
			    BENCH_STOP_TIMEOUT);
			rig->pid[PROCESS_HAPROXY] = -1;
		}
	}
	if (rc != 0)
		fprintf(stderr, "bench: haproxy did not start; log: %s\n",
		    rig->log[PROCESS_HAPROXY]);
	free(bin);
	return rc;
}

/* wardend -f -c DIR/PROCESS/warden.yaml with the binary rig->bin names. */
static int
bench_rig_wardend(struct bench_rig *rig, const struct bench_options *opt,
    enum bench_process process)
{
	char dir[400], state[512], config[512], *yaml;
	char *argv[] = { rig->bin[process], (char *)"-f", (char *)"-c", config,
		NULL };
	int tries, rc = -1;

	snprintf(dir, sizeof(dir), "%s/%s", rig->dir,
	    bench_process_name(process));
	snprintf(state, sizeof(state), "%s/state", dir);
	snprintf(config, sizeof(config), "%s/warden.yaml", dir);
	snprintf(rig->audit[process], sizeof(rig->audit[process]),
	    "%s/audit.jsonl", dir);
	if (mkdir(dir, 0700) != 0 || mkdir(state, 0700) != 0)
		return -1;
	for (tries = 0; tries < BENCH_START_TRIES && rc != 0; tries++) {
		rig->port[process] = harness_free_port();
		yaml = bench_yaml_wardend(process, rig->port[process], dir,
		    rig->port[PROCESS_PLCSIM], opt->device_connections,
		    opt->pipeline);
		if (yaml == NULL || harness_write_file(config, "%s",
		    yaml) != 0) {
			free(yaml);
			break;
		}
		free(yaml);
		rig->pid[process] = harness_spawn(argv, rig->log[process]);
		if (rig->pid[process] == -1)
			break;
		rc = harness_wait_port(rig->pid[process], rig->port[process],
		    BENCH_START_TIMEOUT);
		if (rc != 0) {
			harness_stop(rig->pid[process], BENCH_STOP_TIMEOUT);
			rig->pid[process] = -1;
		}
	}
	if (rc != 0)
		fprintf(stderr, "bench: %s (%s) did not start; log: %s\n",
		    bench_process_name(process), rig->bin[process],
		    rig->log[process]);
	return rc;
}

/* Saves a round of start-up timeouts when a program was never built.
 * Copies its path into bin (when not NULL). */
static int
bench_rig_built(const char *name, char *bin, size_t bin_size)
{
	char *path = harness_bin_path(name);
	int ok = path != NULL && access(path, X_OK) == 0;

	if (!ok)
		fprintf(stderr, "bench: %s is not built; run make (WARDEN_BIN "
		    "names the build dir)\n", path ? path : name);
	else if (bin != NULL)
		snprintf(bin, bin_size, "%s", path);
	free(path);
	return ok;
}

/* Which binary each wardend runs; 0 when every one is there. */
static int
bench_rig_bins(struct bench_rig *rig, const struct bench_options *opt)
{
	int p;

	for (p = PROCESS_WARDEND; p < PROCESS_COUNT; p++) {
		if (!bench_process_used(opt, (enum bench_process)p))
			continue;
		if (!bench_process_is_before((enum bench_process)p)) {
			if (!bench_rig_built("wardend", rig->bin[p],
			    sizeof(rig->bin[p])))
				return -1;
			continue;
		}
		snprintf(rig->bin[p], sizeof(rig->bin[p]), "%s",
		    opt->before_bin);
		if (access(rig->bin[p], X_OK) != 0) {
			fprintf(stderr, "bench: --before-bin %s is not an "
			    "executable\n", opt->before_bin);
			return -1;
		}
	}
	return 0;
}

int
bench_rig_start(struct bench_rig *rig, const struct bench_options *opt)
{
	int p;

	memset(rig, 0, sizeof(*rig));
	for (p = 0; p < PROCESS_COUNT; p++)
		rig->pid[p] = -1;
	if (!bench_rig_built("plcsim", NULL, 0) || bench_rig_bins(rig,
	    opt) != 0)
		return -1;
	rig->dir = harness_tmpdir();
	if (rig->dir == NULL) {
		fprintf(stderr, "bench: cannot make a temp dir; check TMPDIR\n");
		return -1;
	}
	for (p = 0; p < PROCESS_COUNT; p++)
		snprintf(rig->log[p], sizeof(rig->log[p]), "%s/%s.log",
		    rig->dir, bench_process_name((enum bench_process)p));
	/* plcsim is the device behind every target. */
	if (bench_rig_plcsim(rig) != 0)
		return -1;
	if (bench_process_used(opt, PROCESS_HAPROXY) &&
	    bench_rig_haproxy(rig) != 0)
		return -1;
	for (p = PROCESS_WARDEND; p < PROCESS_COUNT; p++)
		if (bench_process_used(opt, (enum bench_process)p) &&
		    bench_rig_wardend(rig, opt, (enum bench_process)p) != 0)
			return -1;
	return 0;
}

int
bench_rig_check(const struct bench_rig *rig)
{
	int p;

	for (p = 0; p < PROCESS_COUNT; p++)
		if (rig->pid[p] > 0 && harness_exited(rig->pid[p]))
			return p;
	return -1;
}

void
bench_rig_stop(struct bench_rig *rig, int keep_logs)
{
	int p;

	/* Gateways first, so that they never see their device vanish. */
	for (p = PROCESS_COUNT - 1; p >= 0; p--)
		if (rig->pid[p] > 0) {
			harness_stop(rig->pid[p], BENCH_STOP_TIMEOUT);
			rig->pid[p] = -1;
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
