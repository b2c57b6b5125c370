/*
 * health_mark.h: how the last attempt to make one file durable ended
 * (the audit log's append or sync, a state file's save), for `wardenctl
 * health` (health.h). Pure: the caller says when.
 *
 * A failure starts a streak: since is when it began and stays until an
 * attempt succeeds; error is the latest failure's, so the operator sees
 * both how long the file has been failing and why it fails now.
 */
#ifndef WARDEN_HEALTH_MARK_H
#define WARDEN_HEALTH_MARK_H

#include "errmsg.h"

struct health_mark {
	int failed;             /* the last attempt failed */
	double since;           /* seconds since the epoch: the streak's
				 * first failure; 0 while ok */
	char error[ERR_LEN];    /* the last failure's, one line; "" ok */
};

/* The last attempt succeeded: the streak, if any, is over. */
void health_mark_ok(struct health_mark *m);
/* The last attempt, at now, failed with error (NULL: "unknown error"). */
void health_mark_fail(struct health_mark *m, double now, const char *error);
/* Ok unless err is set: the usual "0, or -1 with err" outcome noted. */
void health_mark_outcome(struct health_mark *m, double now, const char *err);

#endif
