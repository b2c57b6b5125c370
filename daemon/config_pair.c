/*
 * config_pair.c: the pair block (warden.yaml(5)): this node's name in a
 * redundant pair and the role it starts in before keepalived says. A
 * node starts standby unless told: one that serves before it knows its
 * peer's state could undo the peer's takeover.
 */
#include <stdio.h>

#include "config_internal.h"

void config_pair_build(struct config_build *b)
{
	const struct raw_pair *raw = b->raw->pair;
	struct config_pair *pair = &b->cfg->pair;
	const char *problem;

	if (!raw)
		return;
	pair->enabled = 1;
	pair->start_active = raw->initial_active && *raw->initial_active;
	if (!raw->node)
		return;
	problem = config_name_problem(raw->node);
	if (problem)
		config_build_error(b, "pair.node", "node: '%s' %s", raw->node,
		    problem);
	else
		snprintf(pair->node, sizeof pair->node, "%s", raw->node);
}
