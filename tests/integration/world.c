/*
 * world.c: a world's dir, what lives in it, and its end. See world.h.
 */
#include "world.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* w->dir: a temp dir, or a subdir of the world it is within; and the
 * wardend it runs. 0, or -1. */
static int
world_dir(struct world *w, const struct world_options *opt)
{
	char *bin;

	if (opt != NULL && opt->within != NULL) {
		if (opt->name == NULL || asprintf(&w->dir, "%s/%s",
		    opt->within->dir, opt->name) == -1)
			return -1;
		if (mkdir(w->dir, 0700) != 0) {
			free(w->dir);
			return -1;
		}
		w->within = opt->within;
	} else if ((w->dir = harness_tmpdir()) == NULL) {
		return -1;
	}
	if (opt != NULL && opt->wardend != NULL)
		snprintf(w->bin, sizeof(w->bin), "%s", opt->wardend);
	else if ((bin = harness_bin_path("wardend")) != NULL) {
		snprintf(w->bin, sizeof(w->bin), "%s", bin);
		free(bin);
	}
	return 0;
}

struct world *
world_new(const struct world_options *opt)
{
	struct world *w = calloc(1, sizeof(*w));
	int i;

	if (w == NULL)
		return NULL;
	w->warden = -1;
	for (i = 0; i < WORLD_MAX_PLCS; i++)
		w->plc[i].pid = -1;
	for (i = 0; i < WORLD_MAX_PROCS; i++)
		w->proc[i].pid = -1;
	if (world_dir(w, opt) != 0) {
		free(w);
		return NULL;
	}
	snprintf(w->config, sizeof(w->config), "%s/warden.yaml", w->dir);
	snprintf(w->log, sizeof(w->log), "%s/wardend.log", w->dir);
	snprintf(w->state_dir, sizeof(w->state_dir), "%s", w->dir);
	snprintf(w->audit, sizeof(w->audit), "%s/audit.jsonl", w->dir);
	snprintf(w->socket, sizeof(w->socket), "%s/control.sock", w->dir);
	for (i = 0; opt != NULL && i < opt->n_plcs; i++)
		if (world_add_plc(w, &opt->plc[i]) != i) {
			w->failed = 1;
			world_free(w);
			return NULL;
		}
	return w;
}

struct world *
world_new_tank(const char *plc_args, const char *keys)
{
	struct world_options opt = { .n_plcs = 1 };
	struct world *w;

	opt.plc[0].args = plc_args;
	if ((w = world_new(&opt)) == NULL)
		return NULL;
	world_device(w, "tank1", w->plc[0].port, 1,
	    keys != NULL ? keys : WORLD_TANK_KEYS);
	return w;
}

int
world_free(struct world *w)
{
	int rc, i;

	if (w == NULL)
		return 0;
	rc = world_stop(w);
	/* A proxy before its device, so that it never sees the device go. */
	for (i = 0; i < w->n_procs; i++)
		world_proc_stop(w, i);
	for (i = 0; i < w->n_plcs; i++)
		world_plc_stop(w, i);
	for (i = 0; i < w->n_fakes; i++)
		fake_device_stop(&w->fake[i]);
	if (rc != 0 || w->failed || getenv("WARDEN_KEEP") != NULL) {
		world_show_log(w);
		fprintf(stderr, "world: kept %s\n", w->dir);
		if (w->within != NULL)
			w->within->failed = 1;
	} else {
		harness_rmdir(w->dir);
	}
	free(w->dir);
	free(w);
	return rc;
}

int
world_setup(void **state, struct world *w, int rc)
{
	if (w != NULL && rc == 0) {
		*state = w;
		return 0;
	}
	if (w != NULL)
		w->failed = 1;
	world_free(w);
	*state = NULL;
	return -1;
}

int
world_teardown(void **state)
{
	return world_free(*state);
}

struct fake_device *
world_fake(struct world *w, enum fake_fault fault)
{
	struct fake_device *f;

	if (w->n_fakes == WORLD_MAX_FAKES)
		return NULL;
	f = &w->fake[w->n_fakes];
	if (fake_device_start(f, fault) != 0)
		return NULL;
	w->n_fakes++;
	return f;
}

int
world_log_line(const struct world *w, const char *needle, char *line,
    size_t cap)
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
world_show_log(const struct world *w)
{
	harness_dump_file(w->log);
}
