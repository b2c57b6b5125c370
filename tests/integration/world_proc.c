/*
 * world_proc.c: programs of the test's own in a world, each listening on
 * one port (haproxy in front of a plcsim for build/bench). See world.h.
 */
#include "world.h"

#include <stdio.h>

#define WORLD_PROC_TRIES 3      /* a free port can be taken before use */
#define WORLD_PROC_STOP_TIMEOUT 5.0

/* One start on a fresh free port; 0 once it accepts there. */
static int
world_proc_try(struct world *w, struct world_proc *proc, char *const argv[],
    world_prepare_fn *prepare, void *arg)
{
	if ((proc->port = harness_free_port()) == 0)
		return -1;
	if (prepare != NULL && prepare(w, proc->port, arg) != 0)
		return -1;
	if ((proc->pid = harness_spawn(argv, proc->log)) == -1)
		return -1;
	if (harness_wait_port(proc->pid, proc->port, WORLD_START_TIMEOUT) == 0)
		return 0;
	harness_stop(proc->pid, WORLD_PROC_STOP_TIMEOUT);
	proc->pid = -1;
	return -1;
}

int
world_add_proc(struct world *w, const char *name, char *const argv[],
    world_prepare_fn *prepare, void *arg)
{
	struct world_proc *proc;
	int tries;

	if (w->n_procs == WORLD_MAX_PROCS)
		return -1;
	proc = &w->proc[w->n_procs];
	proc->pid = -1;
	snprintf(proc->log, sizeof(proc->log), "%s/%s.log", w->dir, name);
	for (tries = 0; tries < WORLD_PROC_TRIES; tries++)
		if (world_proc_try(w, proc, argv, prepare, arg) == 0)
			return w->n_procs++;
	harness_dump_file(proc->log);
	return -1;
}

int
world_proc_stop(struct world *w, int i)
{
	struct world_proc *proc = &w->proc[i];
	int status;

	if (proc->pid <= 0)
		return 0;
	status = harness_stop(proc->pid, WORLD_PROC_STOP_TIMEOUT);
	proc->pid = -1;
	return status;
}
