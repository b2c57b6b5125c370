/*
 * bench_yaml.c: the configurations wardend is measured with, in the parts
 * its world (tests/integration/world.h) writes after its own keys
 * (listen, state_dir, audit_log, control): the device, then the rest.
 *
 * enforce (the target "wardend"): what a plant runs. The registers the
 * clients write are points with write limits, so every write is decoded,
 * judged against min, max and (on some) max_step, audited, and only then
 * forwarded; the points with max_step are polled, as a plant's are.
 *
 * monitor (the target "wardend-monitor"): a relay that inspects every
 * frame and judges nothing against a limit, as build/bench measured wardend
 * before issue 10; kept so that its figures continue that history.
 */
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Holding 0 and 1 are the tank's valve and pump (start 500); 2 and 3 are
 * free registers. */
static const char *const bench_point_names[BENCH_WRITE_POINTS] = {
	"valve", "pump", "setpoint2", "setpoint3",
};

/* The points: appended to *yaml (malloc'd), which is freed on failure. */
static char *
bench_yaml_points(char *yaml)
{
	char *more;
	unsigned i;
	int rc;

	for (i = 0; i < BENCH_WRITE_POINTS && yaml != NULL; i++) {
		if (i < BENCH_WRITE_STEPPED)
			rc = asprintf(&more, "%s  - {name: %s, device: plc, "
			    "table: holding, address: %u, scale: 0.1,\n"
			    "     write: {min: 0, max: 100, max_step: %g}}\n",
			    yaml, bench_point_names[i], BENCH_WRITE_FIRST + i,
			    BENCH_WRITE_STEP_RAW / 10.0);
		else
			rc = asprintf(&more, "%s  - {name: %s, device: plc, "
			    "table: holding, address: %u, scale: 0.1,\n"
			    "     write: {min: 0, max: 100}}\n", yaml,
			    bench_point_names[i], BENCH_WRITE_FIRST + i);
		free(yaml);
		yaml = rc == -1 ? NULL : more;
	}
	return yaml;
}

void
bench_yaml_device(char *keys, size_t size, unsigned device_connections,
    unsigned pipeline)
{
	snprintf(keys, size, "connections: %u, pipeline: %u",
	    device_connections, pipeline);
}

char *
bench_yaml_wardend(enum bench_process process)
{
	const char *mode = bench_process_mode(process);
	int enforce = mode != NULL && strcmp(mode, "enforce") == 0;
	char *yaml, *more;

	if (mode == NULL)
		return NULL;
	if (asprintf(&yaml, "# Written by the benchmark: %s\n"
	    "mode: %s\ninitial_state: auto\n"
	    "limits: {max_clients: 300, max_inflight: 16, device_queue: 256}\n",
	    enforce ? "what a plant runs; every write is judged against\n"
	    "# its point's limits and audited." :
	    "forward everything, refuse nothing.", mode) == -1)
		return NULL;
	if (!enforce)
		return yaml;
	if (asprintf(&more, "%spoints:\n", yaml) == -1)
		more = NULL;
	free(yaml);
	return more != NULL ? bench_yaml_points(more) : NULL;
}
