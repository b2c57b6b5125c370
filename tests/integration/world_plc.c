/*
 * world_plc.c: a world's plcsims. See world.h.
 */
#include "world.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WORLD_PLC_TRIES 3
#define WORLD_PLC_ARGS 48
#define WORLD_PLC_STOP_TIMEOUT 5.0

/* Split a space-separated string into argv; returns the count added. */
static int
world_split_args(char *copy, char **argv, int room)
{
	char *save = NULL, *tok;
	int n = 0;

	for (tok = strtok_r(copy, " ", &save); tok != NULL && n < room;
	    tok = strtok_r(NULL, " ", &save))
		argv[n++] = tok;
	return n;
}

/* One start on plc->port and a fresh backdoor port; 0 once both accept. */
static int
world_plc_try(struct world_plc *plc, const char *args)
{
	char listen[64], backdoor[64];
	char *argv[WORLD_PLC_ARGS];
	char *bin, *extra = NULL;
	int argc = 0;

	plc->backdoor = plc->has_backdoor ? harness_free_port() : 0;
	if (plc->port == 0 || (plc->has_backdoor &&
	    (plc->backdoor == 0 || plc->backdoor == plc->port)))
		return -1;
	if ((bin = harness_bin_path("plcsim")) == NULL)
		return -1;
	snprintf(listen, sizeof(listen), "127.0.0.1:%u", plc->port);
	snprintf(backdoor, sizeof(backdoor), "127.0.0.1:%u", plc->backdoor);
	argv[argc++] = bin;
	argv[argc++] = (char *)"--model";
	argv[argc++] = plc->model;
	argv[argc++] = (char *)"--listen";
	argv[argc++] = listen;
	if (plc->has_backdoor) {
		argv[argc++] = (char *)"--backdoor";
		argv[argc++] = backdoor;
	}
	if (plc->has_journal) {
		argv[argc++] = (char *)"--journal";
		argv[argc++] = plc->journal;
	}
	if (args != NULL && (extra = strdup(args)) != NULL)
		argc += world_split_args(extra, argv + argc,
		    WORLD_PLC_ARGS - argc - 1);
	argv[argc] = NULL;
	plc->pid = harness_spawn(argv, plc->log);
	free(bin);
	free(extra);
	if (plc->pid == -1)
		return -1;
	if (harness_wait_port(plc->pid, plc->port, WORLD_START_TIMEOUT) == 0 &&
	    (!plc->has_backdoor || harness_wait_port(plc->pid, plc->backdoor,
	    WORLD_START_TIMEOUT) == 0))
		return 0;
	harness_stop(plc->pid, WORLD_PLC_STOP_TIMEOUT);
	plc->pid = -1;
	return -1;
}

/* plc's files are named after its port, so a restart on the same port
 * journals on where it left off. */
static void
world_plc_files(struct world_plc *plc, const char *dir)
{
	snprintf(plc->log, sizeof(plc->log), "%s/plcsim-%u.log", dir,
	    plc->port);
	if (plc->has_journal)
		snprintf(plc->journal, sizeof(plc->journal),
		    "%s/plcsim-%u.jsonl", dir, plc->port);
	else
		plc->journal[0] = '\0';
}

/* Start plc on its port, or, when it has none yet, on fresh ports: one
 * found free can be taken by someone else before plcsim binds it. */
static int
world_plc_run(struct world_plc *plc, const char *dir, const char *args)
{
	int fixed_port = plc->port != 0, tries;

	for (tries = 0; tries < WORLD_PLC_TRIES; tries++) {
		if (!fixed_port)
			plc->port = harness_free_port();
		world_plc_files(plc, dir);
		if (world_plc_try(plc, args) == 0)
			return 0;
		if (fixed_port)
			break;
	}
	harness_dump_file(plc->log);
	return -1;
}

int
world_add_plc(struct world *w, const struct world_plc_options *opt)
{
	const struct world_plc_options zero = { 0 };
	struct world_plc *plc;

	if (w->n_plcs == WORLD_MAX_PLCS)
		return -1;
	if (opt == NULL)
		opt = &zero;
	plc = &w->plc[w->n_plcs];
	memset(plc, 0, sizeof(*plc));
	plc->pid = -1;
	snprintf(plc->model, sizeof(plc->model), "%s",
	    opt->model != NULL ? opt->model : "tank");
	plc->has_journal = !opt->no_journal;
	plc->has_backdoor = !opt->no_backdoor;
	if (world_plc_run(plc, w->dir, opt->args) != 0)
		return -1;
	return w->n_plcs++;
}

int
world_plc_stop(struct world *w, int i)
{
	struct world_plc *plc = &w->plc[i];
	int status;

	if (plc->pid <= 0)
		return 0;
	status = harness_stop(plc->pid, WORLD_PLC_STOP_TIMEOUT);
	plc->pid = -1;
	return status;
}

int
world_plc_restart(struct world *w, int i, const char *args)
{
	world_plc_stop(w, i);
	return world_plc_run(&w->plc[i], w->dir, args);
}
