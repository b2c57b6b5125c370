/*
 * bench_target.c: the targets of build/bench, and the processes and loads
 * they are made of. One table, so the names printed, the option --targets,
 * the ratios and the worlds all agree.
 */
#include "bench.h"

#include <stddef.h>

static const struct bench_target_info bench_targets[TARGET_COUNT] = {
	[TARGET_DIRECT] = { "direct", PROCESS_PLCSIM, LOAD_MIXED,
		ROLE_DIRECT, TARGET_NONE, TARGET_NONE },
	[TARGET_HAPROXY] = { "haproxy", PROCESS_HAPROXY, LOAD_MIXED,
		ROLE_HAPROXY, TARGET_NONE, TARGET_NONE },
	[TARGET_WARDEND] = { "wardend", PROCESS_WARDEND, LOAD_MIXED,
		ROLE_WARDEND, TARGET_WARDEND_BEFORE, TARGET_NONE },
	[TARGET_WARDEND_BEFORE] = { "wardend-before", PROCESS_WARDEND_BEFORE,
		LOAD_MIXED, ROLE_WARDEND, TARGET_NONE, TARGET_NONE },
	/* No before twin: a binary from before issue 11 serves no TLS. */
	[TARGET_WARDEND_TLS] = { "wardend-tls", PROCESS_WARDEND_TLS,
		LOAD_MIXED, ROLE_WARDEND, TARGET_NONE, TARGET_WARDEND },
	[TARGET_DIRECT_READS] = { "direct-reads", PROCESS_PLCSIM, LOAD_READS,
		ROLE_DIRECT, TARGET_NONE, TARGET_NONE },
	[TARGET_HAPROXY_READS] = { "haproxy-reads", PROCESS_HAPROXY,
		LOAD_READS, ROLE_HAPROXY, TARGET_NONE, TARGET_NONE },
	[TARGET_MONITOR] = { "wardend-monitor", PROCESS_MONITOR, LOAD_READS,
		ROLE_WARDEND, TARGET_MONITOR_BEFORE, TARGET_NONE },
	[TARGET_MONITOR_BEFORE] = { "wardend-monitor-before",
		PROCESS_MONITOR_BEFORE, LOAD_READS, ROLE_WARDEND, TARGET_NONE,
		TARGET_NONE },
	/* The wardend of the target wardend, with --consoles subscribers
	 * on its control socket for the run: held against wardend. */
	[TARGET_WARDEND_CONSOLES] = { "wardend-consoles", PROCESS_WARDEND,
		LOAD_MIXED, ROLE_WARDEND, TARGET_NONE, TARGET_WARDEND },
};

static const char *const bench_process_names[PROCESS_COUNT] = {
	[PROCESS_PLCSIM] = "plcsim",
	[PROCESS_HAPROXY] = "haproxy",
	[PROCESS_WARDEND] = "wardend",
	[PROCESS_WARDEND_BEFORE] = "wardend-before",
	[PROCESS_WARDEND_TLS] = "wardend-tls",
	[PROCESS_MONITOR] = "wardend-monitor",
	[PROCESS_MONITOR_BEFORE] = "wardend-monitor-before",
};

const struct bench_target_info *
bench_target(enum bench_target target)
{
	return &bench_targets[target];
}

const char *
bench_target_name(enum bench_target target)
{
	return bench_targets[target].name;
}

enum bench_target
bench_target_base(enum bench_load_kind load, enum bench_role role)
{
	int t;

	for (t = 0; t < TARGET_COUNT; t++)
		if (bench_targets[t].load == load &&
		    bench_targets[t].role == role)
			return (enum bench_target)t;
	return TARGET_NONE;
}

const char *
bench_process_name(enum bench_process process)
{
	return bench_process_names[process];
}

const char *
bench_process_mode(enum bench_process process)
{
	switch (process) {
	case PROCESS_WARDEND:
	case PROCESS_WARDEND_BEFORE:
	case PROCESS_WARDEND_TLS:
		return "enforce";
	case PROCESS_MONITOR:
	case PROCESS_MONITOR_BEFORE:
		return "monitor";
	default:
		return NULL;
	}
}

int
bench_process_is_before(enum bench_process process)
{
	return process == PROCESS_WARDEND_BEFORE ||
	    process == PROCESS_MONITOR_BEFORE;
}

int
bench_process_is_tls(enum bench_process process)
{
	return process == PROCESS_WARDEND_TLS;
}

const char *
bench_load_name(enum bench_load_kind load)
{
	return load == LOAD_MIXED ? "mixed" : "reads";
}
