/*
 * audit_writer.h: the audit log writer's state, shared by audit.c (the
 * records) and audit_renew.c (a new file when the one at audit_log went
 * while wardend ran). Internal to the audit module.
 */
#ifndef WARDEN_AUDIT_WRITER_H
#define WARDEN_AUDIT_WRITER_H

#include <stdint.h>

#include "audit.h"
#include "audit_file.h"
#include "audit_record.h"
#include "json.h"

struct audit {
	int fd;
	char *path;
	double fsync_interval;
	uint64_t seq;                   /* of the last record in the file */
	char prev[AUDIT_HASH_HEX + 1];  /* its hash */
	uint64_t size;                  /* bytes in the file */
	int needs_newline;              /* the file does not end with one */
	int resume_pending;             /* torn bytes wait for audit_resumed */
	uint64_t torn_offset;
	char torn_cause[256];
	int dirty;                      /* written since the last fsync */
	double flushed_at;
	struct json line;               /* reused: no allocation per record */
	struct audit_hasher hasher;
	char recovery[ERR_LEN];
	struct audit_stats stats;
	struct audit_file_id id;        /* the file path named at open */
	uint64_t found_seq;             /* the file's last record at open */
	char found_hash[AUDIT_HASH_HEX + 1];
	uint64_t handed_seq;            /* seq at the last handoff */
	const struct audit_key *key;    /* NULL: no checkpoints */
	unsigned checkpoint_every;
	unsigned since_checkpoint;      /* records since the last one */
	uint64_t checkpoint_seq;        /* the last one's seq */
	int in_checkpoint;
	int renew_pending;              /* a new file waits for its first
					   record, audit_resumed */
	struct audit_syslog *syslog;
	audit_notice_fn *notice;
	void *notice_ctx;
	struct {                        /* the file under path is gone */
		int active;
		enum audit_fate fate;   /* as first seen */
		int reported;
		char old_file[1024];    /* where it went, when it lives on */
		char aside[AUDIT_ASIDE_MAX];    /* what stood at path,
						 * moved aside */
	} lost;
};

/* audit.c */
/* Append one record (ev already checked), sign a checkpoint when one is
 * due; sync when sync_now or audit_fsync is 0. 0, or -1 with errno. */
int audit_append(struct audit *a, const struct audit_event *ev,
    int sync_now);
/* A checkpoint record signing the record before it. 0, or -1. */
int audit_append_checkpoint(struct audit *a, int sync_now);

/* audit_renew.c */
/*
 * Is audit_log still the file we write (one statx())? When not, start a
 * new one there with an audit_resumed that continues the chain; when a
 * new one is started but its first record is not written yet, write it.
 * 0, or -1 when no record can be written now (said once by a->notice).
 */
int audit_renew_check(struct audit *a);

#endif
