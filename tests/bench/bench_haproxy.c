/*
 * bench_haproxy.c: the peer that inspects nothing: haproxy in TCP mode on
 * one thread (one extra hop, like wardend's one loop), in front of the
 * plant's plcsim, as a program of the plant's world.
 */
#include "bench.h"
#include "../integration/world.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The full path of a program on PATH or in the sbin dirs root's PATH
 * has (haproxy is in /usr/sbin); NULL when none is executable. */
static char *
bench_haproxy_which(const char *name)
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

static void
bench_haproxy_version(const char *bin, char *version, size_t size)
{
	char command[512];
	FILE *p;

	snprintf(version, size, "version unknown");
	snprintf(command, sizeof(command), "'%s' -v 2>/dev/null", bin);
	p = popen(command, "r");
	if (p == NULL)
		return;
	if (fgets(version, (int)size, p) != NULL)
		version[strcspn(version, "\n")] = '\0';
	pclose(p);
}

/* world_prepare_fn: the config file (arg names it) for this port. */
static int
bench_haproxy_config(const struct world *plant, uint16_t port, void *arg)
{
	/* One thread, like wardend's one loop. */
	return harness_write_file(arg, "global\n\tnbthread 1\n"
	    "\ndefaults\n\tmode tcp\n"
	    "\ttimeout connect 5s\n\ttimeout client 60s\n"
	    "\ttimeout server 60s\n\nlisten modbus\n"
	    "\tbind 127.0.0.1:%u\n\tserver plc 127.0.0.1:%u\n",
	    port, plant->plc[0].port);
}

int
bench_haproxy_start(struct world *plant, char *version, size_t size)
{
	char config[WORLD_PATH_MAX], *bin = bench_haproxy_which("haproxy");
	char *argv[] = { bin, (char *)"-db", (char *)"-f", config, NULL };
	int i;

	if (bin == NULL) {
		fprintf(stderr, "bench: haproxy not found; run make deps\n");
		return -1;
	}
	bench_haproxy_version(bin, version, size);
	snprintf(config, sizeof(config), "%s/haproxy.cfg", plant->dir);
	i = world_add_proc(plant, "haproxy", argv, bench_haproxy_config,
	    config);
	if (i == -1)
		fprintf(stderr, "bench: haproxy (%s) did not start\n", bin);
	free(bin);
	return i;
}
