/*
 * console_throttle.c: one login attempt per second per source
 * (console_throttle.h).
 */
#include <string.h>

#include "console_throttle.h"

static struct throttle_source *
throttle_find(struct throttle *t, const char *addr)
{
	size_t i;

	for (i = 0; i < THROTTLE_SOURCES; i++)
		if (strncmp(t->s[i].addr, addr, THROTTLE_SOURCE_LEN - 1) == 0)
			return &t->s[i];
	return NULL;
}

/* addr's entry, made when there is none: a free one, else the one whose
 * turns ended longest ago. */
static struct throttle_source *
throttle_entry(struct throttle *t, const char *addr)
{
	struct throttle_source *e = throttle_find(t, addr), *old = &t->s[0];
	size_t i;

	if (e != NULL)
		return e;
	for (i = 0; i < THROTTLE_SOURCES; i++) {
		if (t->s[i].addr[0] == '\0') {
			old = &t->s[i];
			break;
		}
		if (t->s[i].next < old->next)
			old = &t->s[i];
	}
	memset(old, 0, sizeof *old);
	strncpy(old->addr, addr, THROTTLE_SOURCE_LEN - 1);
	return old;
}

double
throttle_book(struct throttle *t, const char *addr, double now,
    double *until)
{
	struct throttle_source *e;
	double start;

	if (*addr == '\0')
		addr = "?";
	e = throttle_entry(t, addr);
	start = e->next > now ? e->next : now;
	if (start - now > THROTTLE_WAIT_MAX)
		return -1;
	e->next = start + THROTTLE_TURN;
	*until = e->next;
	return start - now;
}

unsigned
throttle_failed(struct throttle *t, const char *addr)
{
	struct throttle_source *e = throttle_find(t, *addr ? addr : "?");

	return e == NULL ? 0 : ++e->failures;
}

void
throttle_succeeded(struct throttle *t, const char *addr, double now)
{
	struct throttle_source *e = throttle_find(t, *addr ? addr : "?");

	if (e == NULL)
		return;
	e->failures = 0;
	if (e->next > now)
		e->next = now;
}
