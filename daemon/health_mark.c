/*
 * health_mark.c: the outcome of the last attempt (health_mark.h).
 */
#include "health_mark.h"

#include <stdio.h>
#include <string.h>

void
health_mark_ok(struct health_mark *m)
{
	m->failed = 0;
	m->since = 0;
	m->error[0] = '\0';
}

void
health_mark_fail(struct health_mark *m, double now, const char *error)
{
	if (!m->failed)
		m->since = now;
	m->failed = 1;
	snprintf(m->error, sizeof m->error, "%s",
	    error != NULL && error[0] != '\0' ? error : "unknown error");
}

void
health_mark_outcome(struct health_mark *m, double now, const char *err)
{
	if (err == NULL)
		health_mark_ok(m);
	else
		health_mark_fail(m, now, err);
}
