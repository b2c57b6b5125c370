/*
 * audit_renew.c: the file at audit_log deleted, moved, replaced or cut
 * short while wardend writes it (audit_file.h says how that is seen). A
 * new file is started at the path, its first record an audit_resumed
 * that continues the chain and says what became of the old one, signed
 * at once; until that can be done, records (and with them AI writes) are
 * refused.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "audit_sign.h"
#include "audit_writer.h"

static void
notice(struct audit *a, const char *msg)
{
	if (a->notice != NULL)
		a->notice(a->notice_ctx, msg);
}

/* The first record of a new file: the chain goes on, and why here. */
static int
write_renewed(struct audit *a)
{
	struct audit_extra extra[3] = {
		{ .key = "log_was", .type = AUDIT_STRING,
		  .s = audit_fate_name(a->lost.fate) },
	};
	struct audit_event ev = { .event = "audit_resumed", .extra = extra,
		.n_extra = 1 };
	char reason[ERR_LEN + 2 * sizeof a->lost.aside];
	char msg[sizeof reason + 64];
	uint64_t before = a->seq;

	snprintf(reason, sizeof reason, "audit log %s was %s while wardend "
	    "ran%s%s%s%s; this new file continues the chain after seq %llu",
	    a->path, audit_fate_name(a->lost.fate),
	    a->lost.old_file[0] != '\0' ? "; the old file is now " : "",
	    a->lost.old_file, a->lost.aside[0] == '\0' ? "" :
	    a->lost.fate == AUDIT_FILE_CUT ? "; what was left of it was moved "
	    "aside to " : "; the file found in its place was moved aside to ",
	    a->lost.aside,
	    (unsigned long long)a->seq);
	ev.reason = reason;
	if (a->lost.old_file[0] != '\0')
		extra[ev.n_extra++] = (struct audit_extra){ .key = "old_file",
		    .type = AUDIT_STRING, .s = a->lost.old_file };
	if (a->lost.aside[0] != '\0')
		extra[ev.n_extra++] = (struct audit_extra){ .key =
		    "moved_aside", .type = AUDIT_STRING, .s = a->lost.aside };
	if (audit_append(a, &ev, 1) == -1 && a->seq == before)
		return -1;
	a->renew_pending = 0;
	a->lost.active = 0;
	a->stats.resumed++;
	a->stats.renewed++;
	snprintf(msg, sizeof msg, "ALARM: %s (audit_resumed, seq %llu)",
	    reason, (unsigned long long)(before + 1));
	notice(a, msg);
	/* Sign the link at once (unless the record just did). */
	if (a->key != NULL && a->checkpoint_seq != a->seq)
		(void)audit_append_checkpoint(a, 1);
	return 0;
}

/* A new file at path for the one that went; -1 when there cannot be. */
static int
renew_file(struct audit *a, enum audit_fate fate)
{
	char err[ERR_LEN], msg[ERR_LEN + 128];
	struct audit_file_id id;
	int fd, saved;

	if (!a->lost.active) {
		memset(&a->lost, 0, sizeof a->lost);
		a->lost.active = 1;
		a->lost.fate = fate;
		/* Its records stay where it went: make them durable there. */
		if (fate != AUDIT_FILE_CUT)
			audit_file_where(a->fd, a->lost.old_file,
			    sizeof a->lost.old_file);
		if (a->lost.old_file[0] != '\0')
			(void)fdatasync(a->fd);
	}
	/* A file not ours, or ours cut short: kept aside, as found. */
	if (((fate == AUDIT_FILE_REPLACED || fate == AUDIT_FILE_CUT) &&
	    audit_file_move_aside(a->path, a->lost.aside, err) == -1) ||
	    audit_file_create(a->path, &fd, &id, err) == -1)
		goto failed;
	/* The same descriptor number: a sync under way on the worker
	 * thread finds a file, old or new, never a closed descriptor. */
	if (dup2(fd, a->fd) == -1) {
		saved = errno;
		errmsg_set(err, "audit log %s: dup2: %s", a->path,
		    strerror(saved));
		close(fd);
		errno = saved;
		goto failed;
	}
	close(fd);
	a->id = id;
	a->size = 0;
	a->needs_newline = 0;
	a->resume_pending = 0;
	a->renew_pending = 1;
	return write_renewed(a);
failed:
	saved = errno;
	a->stats.write_errors++;
	audit_health_fail(&a->write_health, "%s", err);
	if (!a->lost.reported) {
		a->lost.reported = 1;
		snprintf(msg, sizeof msg, "ALARM: %s; records are refused "
		    "(and with them AI writes) until one can be written", err);
		notice(a, msg);
	}
	errno = saved;
	return -1;
}

/* Is path still the file we write? One statx() per write (a record,
 * or a batch of them). */
int
audit_renew_check(struct audit *a)
{
	enum audit_fate fate = audit_file_fate(a->path, a->fd, &a->id,
	    a->size);

	if (fate != AUDIT_FILE_OURS)
		return renew_file(a, fate);
	if (a->renew_pending)
		return write_renewed(a);
	a->lost.active = 0;             /* it may have come back */
	return 0;
}
