/*
 * audit_daemon.c: the audit log as wardend runs it: opened with its
 * signing key and syslog copy, compared at start with the chain head
 * kept in state_dir (audit_head.h), checkpointed at start and stop, its
 * head saved beside the state file.
 */
#include "audit_daemon.h"

#include <stdio.h>
#include <string.h>

#include "audit_head.h"
#include "audit_sign.h"
#include "audit_syslog.h"
#include "record.h"
#include "warden.h"

static void
audit_daemon_notice(void *ctx, const char *msg)
{
	(void)ctx;
	log_warnx("%s", msg);
}

/* The record of a cut: what the head file expected, what the log held. */
static void
audit_daemon_cut(struct warden *w, const char *path,
    const struct audit_head *head, const char *why)
{
	char reason[1024];

	snprintf(reason, sizeof reason, "%s; wardend goes on from what the "
	    "file holds, in TAKEOVER", why);
	log_warnx("ALARM: audit log %s: %s", w->cfg->audit_log, reason);
	record_audit_cut(w, path, head, reason);
}

/* The head file against what the log holds; 1 when it was cut. */
static int
audit_daemon_compare(struct warden *w)
{
	char path[sizeof w->cfg->state_dir + 16], err[ERR_LEN];
	char why[ERR_LEN], at[AUDIT_HASH_HEX + 1];
	struct audit_head head;
	uint64_t found = audit_found_seq(w->audit);
	enum audit_head_verdict verdict;
	int have = 0;

	snprintf(path, sizeof path, "%s/" AUDIT_HEAD_NAME, w->cfg->state_dir);
	switch (audit_head_load(path, &head, err)) {
	case AUDIT_HEAD_NONE:
		return 0;
	case AUDIT_HEAD_CORRUPT:
		log_warnx("audit head: %s: the log's tail cannot be checked; "
		    "it is written anew", err);
		return 0;
	case AUDIT_HEAD_OK:
		break;
	}
	if (strcmp(head.log, w->cfg->audit_log) != 0) {
		log_info("audit head: %s is of %s, not of audit_log %s: not "
		    "compared", path, head.log, w->cfg->audit_log);
		return 0;
	}
	if (found > head.seq && (have = audit_hash_of(w->audit, head.seq, at,
	    err)) == -1)
		log_warnx("audit head: %s", err);
	verdict = audit_head_compare(&head, found, audit_found_hash(w->audit),
	    have == 1 ? at : NULL, why);
	if (verdict == AUDIT_HEAD_SAME || verdict == AUDIT_HEAD_UNCHECKED)
		return 0;
	audit_daemon_cut(w, path, &head, why);
	return 1;
}

int
audit_daemon_open(struct warden *w)
{
	struct audit_options o = { .fsync_interval = w->cfg->audit_fsync,
		.sign_key = w->sign_key,
		.checkpoint_every = w->cfg->audit_sign_every,
		.notice = audit_daemon_notice };
	char err[ERR_LEN];
	int cut;

	if (w->cfg->audit_syslog[0] != '\0' && (w->audit_syslog =
	    audit_syslog_open(w->cfg->audit_syslog, audit_daemon_notice, w,
	    err)) == NULL)
		fatalx("%s", err);
	o.syslog = w->audit_syslog;
	if ((w->audit = audit_open_with(w->cfg->audit_log, &o, err)) == NULL)
		fatalx("%s", err);
	if (audit_recovery(w->audit)[0] != '\0')
		log_warnx("audit: %s", audit_recovery(w->audit));
	cut = audit_daemon_compare(w);
	if (audit_checkpoint(w->audit, 1) == -1)
		log_warn("audit: cannot write the start checkpoint");
	return cut;
}

void
audit_daemon_head_save(struct warden *w)
{
	struct audit_head head;
	char err[ERR_LEN];

	memset(&head, 0, sizeof head);
	snprintf(head.log, sizeof head.log, "%s", w->cfg->audit_log);
	head.seq = audit_last_seq(w->audit);
	memcpy(head.hash, audit_last_hash(w->audit), sizeof head.hash);
	if (audit_head_save(w->cfg->state_dir, &head, err) == -1)
		log_warnx("audit head: %s", err);
}

void
audit_daemon_close(struct warden *w)
{
	if (audit_checkpoint(w->audit, 1) == -1)
		log_warn("audit: cannot write the stop checkpoint");
	/* The chain head outside the file: an edit that rehashes the rest of
	 * the log still disagrees with what syslog kept. */
	log_info("audit chain head: seq %llu hash %s",
	    (unsigned long long)audit_last_seq(w->audit),
	    audit_last_hash(w->audit));
	audit_daemon_head_save(w);
	audit_close(w->audit);
	audit_syslog_close(w->audit_syslog);
	audit_key_free(w->sign_key);
	w->audit = NULL;
	w->audit_syslog = NULL;
	w->sign_key = NULL;
}
