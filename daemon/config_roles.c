/*
 * config_roles.c: roles:, what each kind of client may do: the points it
 * may read and write, the extra function codes it may send, and whether
 * its rights last through a takeover. roles[CONFIG_ROLE_AI] is the
 * built-in ai with today's rights unless roles: redefines it. Runs after
 * the points are built, since a role names points.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_internal.h"

long config_role_index(const struct config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->n_roles; i++)
		if (strcmp(cfg->roles[i].name, name) == 0)
			return (long)i;
	return -1;
}

/* read: or write: at path; writing: only points with write: limits. */
static void roles_build_access(struct config_build *b, const char *path,
    const struct raw_access *raw, int writing, struct config_role_access *a)
{
	char entry[CONFIG_PATH_MAX];

	a->kind = ACCESS_NONE;
	if (!raw)
		return;
	if (raw->is) {
		a->kind = *raw->is;
		return;
	}
	if (raw->points_count == 0)
		return;
	a->points = calloc(raw->points_count, sizeof(*a->points));
	if (!a->points) {
		b->errs->out_of_memory = 1;
		return;
	}
	a->kind = ACCESS_LIST;
	for (unsigned i = 0; i < raw->points_count; i++) {
		const char *name = raw->points[i];
		long index;

		snprintf(entry, sizeof(entry), "%s.points[%u]", path, i);
		index = config_build_point(b, entry, name);
		if (index < 0)
			continue;
		if (writing && config_point_understood(b, (size_t)index) &&
		    !b->cfg->points[index].writable) {
			config_build_error(b, entry, "write: point '%s' has no "
			    "write: limits; a role may only write points with "
			    "limits", name);
			continue;
		}
		a->points[a->n_points++] = (unsigned)index;
	}
}

/* Where roles[i] goes: the ai slot, a new one, or NULL (reported). */
static struct config_role *roles_slot(struct config_build *b, unsigned i,
    const char *name)
{
	struct config *cfg = b->cfg;
	char path[CONFIG_PATH_MAX];
	long index;

	snprintf(path, sizeof(path), "roles[%u].name", i);
	if (config_build_unread(b, "%s", path))
		return NULL;
	if (strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_-") !=
	    strlen(name)) {
		config_build_error(b, path, "roles: '%s' is not a role name: "
		    "use only a-z, 0-9, '_' and '-' (the name a client "
		    "certificate carries)", name);
		return NULL;
	}
	index = config_role_index(cfg, name);
	if (index == CONFIG_ROLE_AI && cfg->roles[index].line == 0)
		return &cfg->roles[index];
	if (index >= 0) {
		config_build_error(b, path, "roles: '%s' is already defined on "
		    "line %d", name, cfg->roles[index].line);
		return NULL;
	}
	return &cfg->roles[cfg->n_roles++];
}

static void roles_build_one(struct config_build *b, unsigned i)
{
	const struct raw_role *raw = &b->raw->roles[i];
	struct config_role *role = roles_slot(b, i, raw->name);
	char path[CONFIG_PATH_MAX];

	if (!role)
		return;
	memset(role, 0, sizeof(*role));
	snprintf(role->name, sizeof(role->name), "%s", raw->name);
	snprintf(path, sizeof(path), "roles[%u]", i);
	role->line = config_build_line(b, path);
	snprintf(b->subject, sizeof(b->subject), "role '%s': ", role->name);
	snprintf(path, sizeof(path), "roles[%u].read", i);
	roles_build_access(b, path, raw->read, 0, &role->read);
	snprintf(path, sizeof(path), "roles[%u].write", i);
	roles_build_access(b, path, raw->write, 1, &role->write);
	snprintf(path, sizeof(path), "roles[%u].functions", i);
	config_build_functions(b, path, raw->functions, raw->functions_count,
	    role->functions);
	role->keep_during_takeover = raw->during_takeover;
	b->subject[0] = '\0';
}

void config_roles_build(struct config_build *b)
{
	struct config *cfg = b->cfg;
	struct config_role *ai;

	cfg->roles = calloc(b->raw->roles_count + 1, sizeof(*cfg->roles));
	if (!cfg->roles) {
		b->errs->out_of_memory = 1;
		return;
	}
	ai = &cfg->roles[CONFIG_ROLE_AI];
	snprintf(ai->name, sizeof(ai->name), "ai");
	ai->read.kind = ACCESS_ALL;
	ai->write.kind = ACCESS_ALL;
	cfg->n_roles = 1;
	for (unsigned i = 0; i < b->raw->roles_count; i++)
		roles_build_one(b, i);
}

void config_roles_free(struct config *cfg)
{
	for (size_t i = 0; i < cfg->n_roles; i++) {
		free(cfg->roles[i].read.points);
		free(cfg->roles[i].write.points);
	}
	free(cfg->roles);
}
