/*
 * pair_role.c: the node's role in a pair and what a change of it asks
 * (pair_role.h), and the role file's sealed text. Pure: no clock, no
 * file; the caller passes the time and moves the bytes.
 */
#include <stdio.h>
#include <string.h>

#include "pair_role.h"
#include "sealed.h"
#include "statefile.h"

#define MAGIC "warden-role 1"

static const char *const role_names[PAIR_ROLE_COUNT] = {
	[PAIR_ROLE_ACTIVE] = "active",
	[PAIR_ROLE_STANDBY] = "standby",
	[PAIR_ROLE_FAULT] = "fault",
};

const char *
pair_role_name(enum pair_role role)
{
	if ((unsigned)role >= PAIR_ROLE_COUNT)
		return "unknown";
	return role_names[role];
}

int
pair_role_from_name(const char *name)
{
	int i;

	for (i = 0; i < PAIR_ROLE_COUNT; i++)
		if (strcmp(name, role_names[i]) == 0)
			return i;
	return -1;
}

int
pair_role_serves(enum pair_role role)
{
	return role == PAIR_ROLE_ACTIVE;
}

void
pair_role_step(enum pair_role from, enum pair_role to, int peer_proven,
    struct pair_role_step *out)
{
	memset(out, 0, sizeof *out);
	out->changed = from != to;
	/* Standby and fault never wrote, so leaving one for the other asks
	 * nothing; only becoming active can lose a peer's takeover. */
	if (!out->changed || to != PAIR_ROLE_ACTIVE || peer_proven)
		return;
	out->take_over = 1;
	out->why = from == PAIR_ROLE_FAULT ?
	    "became active from fault without proof of the peer's latest "
	    "state" :
	    "became active from standby without proof of the peer's latest "
	    "state";
}

int
pair_role_proven(const struct pair_copy *c, double now, double timeout,
    char why[ERR_LEN])
{
	switch (c->link) {
	case PAIR_LINK_NONE:
		errmsg_set(why, "no state from the peer since this node "
		    "started");
		return 0;
	case PAIR_LINK_LOST:
		errmsg_set(why, "the pair link was lost: the peer may have "
		    "acted unheard");
		return 0;
	case PAIR_LINK_GONE:
		if (!c->ended_in_sync || !c->peer_active) {
			errmsg_set(why, "the peer stopped, but this node "
			    "did not hold its latest state then");
			return 0;
		}
		break;
	case PAIR_LINK_LIVE:
		if (now - c->heard > timeout) {
			errmsg_set(why, "the peer's last state is %.1f s old",
			    now - c->heard);
			return 0;
		}
		break;
	}
	if (!c->peer_active) {
		errmsg_set(why, "the peer was not active: it served nothing "
		    "this node could take on");
		return 0;
	}
	why[0] = '\0';
	return 1;
}

size_t
pair_role_format(const struct pair_role_saved *st, char *buf, size_t size)
{
	char since[STATEFILE_TIME_LEN + 1];
	size_t len;
	int n;

	if ((unsigned)st->role >= PAIR_ROLE_COUNT ||
	    statefile_time_format(st->since, since) != STATEFILE_TIME_LEN)
		return 0;
	n = snprintf(buf, size, MAGIC "\nrole %s\nsince %s\nwho ",
	    pair_role_name(st->role), since);
	if (n < 0 || (size_t)n >= size)
		return 0;
	len = statefile_text_escape(st->who, buf, (size_t)n, size);
	if (len == 0 || len + 1 > size)
		return 0;
	buf[len++] = '\n';
	return sealed_close(buf, len, size);
}

static int
fields_parse(struct sealed *s, struct pair_role_saved *out, char err[ERR_LEN])
{
	char line[PAIR_ROLE_MAX];
	const char *v, *key;
	int role;

	if (sealed_line(s, line, sizeof line) < 0 || strcmp(line, MAGIC) != 0) {
		errmsg_set(err, "not a warden role file, or another version");
		return -1;
	}
	if ((v = sealed_field(s, key = "role", line, sizeof line)) == NULL ||
	    (role = pair_role_from_name(v)) < 0)
		goto bad;
	out->role = (enum pair_role)role;
	if ((v = sealed_field(s, key = "since", line, sizeof line)) == NULL ||
	    statefile_time_take(v, &out->since) < 0)
		goto bad;
	/* who may be empty: a line "who " with nothing after the space. */
	if ((v = sealed_field(s, key = "who", line, sizeof line)) == NULL ||
	    statefile_text_unescape(v, out->who, sizeof out->who) < 0)
		goto bad;
	if (!sealed_done(s)) {
		errmsg_set(err, "unexpected line after who");
		return -1;
	}
	return 0;
bad:
	errmsg_set(err, "missing or bad \"%s\" line", key);
	return -1;
}

int
pair_role_parse(const char *buf, size_t len, struct pair_role_saved *out,
    char err[ERR_LEN])
{
	struct sealed s;

	if (len == 0) {
		errmsg_set(err, "empty");
		return -1;
	}
	if (sealed_open(&s, buf, len, err) < 0)
		return -1;
	return fields_parse(&s, out, err);
}
