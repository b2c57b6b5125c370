/*
 * control_rights.c: the rights table and the checks (see
 * control_rights.h). No I/O: the group lookup is the caller's.
 */
#include "control_rights.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define MAX_FALLBACK 2

/* Each right: its name, what it lets one do, the key that grants it, and
 * the keys that grant it while that one is not set. */
static const struct right_info {
	const char *name;
	const char *verb;
	const char *key;
	enum control_right fallback[MAX_FALLBACK];
	size_t n_fallback;
} rights[CONTROL_RIGHTS] = {
	[CONTROL_RIGHT_ROOT] = { "root", "use this command", NULL, { 0 },
	    0 },
	[CONTROL_RIGHT_VIEW] = { "view", "view the status", "view_group",
	    { CONTROL_RIGHT_TAKEOVER, CONTROL_RIGHT_RELEASE }, 2 },
	[CONTROL_RIGHT_TAKEOVER] = { "takeover", "take over",
	    "takeover_group", { 0 }, 0 },
	[CONTROL_RIGHT_RELEASE] = { "release", "release", "release_group",
	    { 0 }, 0 },
	[CONTROL_RIGHT_RELOAD] = { "reload", "reload", "reload_group",
	    { CONTROL_RIGHT_RELEASE }, 1 },
};

static void
group_set(struct control_group *g, const char *name,
    control_group_lookup lookup)
{
	memset(g, 0, sizeof *g);
	snprintf(g->name, sizeof g->name, "%s", name);
	g->known = name[0] != '\0' && lookup(name, &g->gid) == 0;
}

void
control_rights_set(struct control_rights *r, const struct config_control *cc,
    control_group_lookup lookup)
{
	memset(r, 0, sizeof *r);
	group_set(&r->group[CONTROL_RIGHT_VIEW], cc->view_group, lookup);
	group_set(&r->group[CONTROL_RIGHT_TAKEOVER], cc->takeover_group,
	    lookup);
	group_set(&r->group[CONTROL_RIGHT_RELEASE], cc->release_group, lookup);
	group_set(&r->group[CONTROL_RIGHT_RELOAD], cc->reload_group, lookup);
}

static const struct right_info *
right_info(enum control_right right)
{
	if ((unsigned)right >= CONTROL_RIGHTS)
		right = CONTROL_RIGHT_ROOT;
	return &rights[right];
}

const char *
control_right_name(enum control_right right)
{
	return right_info(right)->name;
}

const char *
control_right_key(enum control_right right)
{
	return right_info(right)->key;
}

/* The keys whose groups grant right: its own, or its fallbacks while its
 * own is not set. Returns how many, into keys. */
static size_t
granting(const struct control_rights *r, enum control_right right,
    enum control_right keys[MAX_FALLBACK])
{
	const struct right_info *ri = right_info(right);

	if (ri->key == NULL)
		return 0;
	if (r->group[right].name[0] != '\0') {
		keys[0] = right;
		return 1;
	}
	memcpy(keys, ri->fallback, ri->n_fallback * sizeof keys[0]);
	return ri->n_fallback;
}

static int
in_group(const struct control_group *g, const gid_t *groups, size_t n)
{
	size_t i;

	if (!g->known)
		return 0;
	for (i = 0; i < n; i++)
		if (groups[i] == g->gid)
			return 1;
	return 0;
}

int
control_rights_hold(const struct control_rights *r, enum control_right right,
    uid_t uid, const gid_t *groups, size_t n)
{
	enum control_right keys[MAX_FALLBACK];
	size_t i, n_keys;

	if (uid == 0)
		return 1;
	n_keys = granting(r, right, keys);
	for (i = 0; i < n_keys; i++)
		if (in_group(&r->group[keys[i]], groups, n))
			return 1;
	return 0;
}

unsigned
control_rights_held(const struct control_rights *r, uid_t uid,
    const gid_t *groups, size_t n)
{
	enum control_right right;
	unsigned mask = 0;

	for (right = CONTROL_RIGHT_ROOT; right < CONTROL_RIGHTS; right++)
		if (control_rights_hold(r, right, uid, groups, n))
			mask |= 1u << right;
	return mask;
}

unsigned
control_rights_of_names(const struct control_rights *r,
    const char (*names)[64], size_t n)
{
	gid_t gids[CONTROL_RIGHTS * 8];
	size_t i, k, n_gids = 0;
	enum control_right right;
	unsigned mask = 0;

	for (i = 0; i < n; i++)
		for (k = 0; k < CONTROL_RIGHTS; k++) {
			const struct control_group *g = &r->group[k];

			if (g->known && n_gids < sizeof gids / sizeof gids[0] &&
			    strcmp(g->name, names[i]) == 0)
				gids[n_gids++] = g->gid;
		}
	/* uid 1: anyone but root. */
	for (right = CONTROL_RIGHT_ROOT; right < CONTROL_RIGHTS; right++)
		if (right != CONTROL_RIGHT_ROOT &&
		    control_rights_hold(r, right, 1, gids, n_gids))
			mask |= 1u << right;
	return mask;
}

static void __attribute__((format(printf, 3, 4)))
append(char *buf, size_t cap, const char *fmt, ...)
{
	size_t len = strlen(buf);
	va_list ap;

	if (len + 1 >= cap)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + len, cap - len, fmt, ap);
	va_end(ap);
}

void
control_rights_explain(const struct control_rights *r,
    enum control_right right, const char *user, uid_t uid, char *why,
    size_t cap)
{
	const struct right_info *ri = right_info(right);
	enum control_right keys[MAX_FALLBACK];
	size_t i, n_keys, named = 0;

	if (cap == 0)
		return;
	why[0] = '\0';
	if (uid == CONTROL_UID_NONE)
		append(why, cap, "user %s (through warden-console) may not %s; "
		    "allowed: root", user, ri->verb);
	else
		append(why, cap, "user %s (uid %u) may not %s; allowed: root",
		    user, (unsigned)uid, ri->verb);
	n_keys = granting(r, right, keys);
	for (i = 0; i < n_keys; i++) {
		const struct control_group *g = &r->group[keys[i]];

		if (g->name[0] == '\0')
			continue;
		named++;
		append(why, cap, ", group %s (control.%s%s)", g->name,
		    rights[keys[i]].key, g->known ? "" : "; no such group on "
		    "this host when wardend started or last reloaded");
	}
	if (ri->key == NULL)
		append(why, cap, " only");
	else if (named == 0)
		append(why, cap, " only; set control.%s to allow a group",
		    ri->key);
	else if (r->group[right].name[0] == '\0')
		append(why, cap, ", as control.%s is not set", ri->key);
}
