/*
 * audit_writer.h: the audit log writer's state, shared by audit.c (the
 * records), audit_batch.c (the records of one loop iteration in one
 * write) and audit_renew.c (a new file when the one at audit_log went
 * while wardend ran). Internal to the audit module.
 */
#ifndef WARDEN_AUDIT_WRITER_H
#define WARDEN_AUDIT_WRITER_H

#include <stdint.h>

#include "audit.h"
#include "audit_file.h"
#include "audit_record.h"
#include "audit_sign.h"
#include "health_mark.h"
#include "json.h"

/* One queued record: where its body ends in batch.bodies, and once
 * composed, which of batch.lines is its line. */
struct audit_queued {
	size_t body_end;
	size_t line;
};

/* One line of batch.out, a queued record's or a checkpoint's. */
struct audit_line_out {
	size_t end;                     /* in batch.out */
	uint64_t seq;
	char hash[AUDIT_HASH_HEX + 1];
	int checkpoint;
};

/* Tickets whose records were given up, since the last settle. */
#define AUDIT_FAILED_RANGES 8
struct audit_failed {
	uint64_t lo, hi;
};

/*
 * audit_batch.c: the records queued in this loop iteration. A record is
 * kept without its seq, prev and hash (its body: ts, event and the
 * fields), which are given when the batch is written, so the chain
 * goes on from whatever the file holds then. Every buffer is reused.
 */
struct audit_batch {
	struct json bodies;
	struct json out;                /* the lines of one write() */
	struct audit_queued *rec;
	size_t n, cap;
	struct audit_line_out *lines;   /* 2 * cap: a checkpoint may follow
					   each record */
	size_t n_lines;
	uint64_t tickets;               /* the last ticket given */
	struct audit_failed failed[AUDIT_FAILED_RANGES];
	size_t n_failed;
};

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
	struct json body;               /* the same, for a record's body */
	struct audit_hasher hasher;
	char recovery[ERR_LEN];
	struct audit_stats stats;
	/* The last write() and the last fdatasync(), for audit_health(). */
	struct health_mark write_health;
	struct health_mark sync_health;
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
	struct audit_batch batch;       /* queued, not yet written */
	audit_notice_fn *notice;
	void *notice_ctx;
	audit_tap_fn *tap;
	void *tap_ctx;
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

/* Shared with audit_batch.c. */
int audit_event_valid(const struct audit_event *ev);
/* Append ev's body to j: its members from ts to the last field, no
 * braces, no seq, prev or hash. An allocation failure as json_failed(). */
void audit_body_put(struct json *j, const struct audit_event *ev);
/* Append to j the record seq made of body[0..n) after prev, with its
 * hash and newline; hash = that hash. 0, or -1 with errno (ENOMEM,
 * EMSGSIZE, EIO), having appended part of it. */
int audit_line_put(struct audit *a, struct json *j, const char *body,
    size_t n, uint64_t seq, const char *prev, char hash[AUDIT_HASH_HEX + 1]);
/* The checkpoint record signing seq and its hash, in cp (which ev's
 * fields point into). -1 when it cannot be signed (counted). */
struct audit_checkpoint_ev {
	char hash[AUDIT_HASH_HEX + 1];
	char sig[AUDIT_SIG_HEX + 1];
	struct audit_extra extra[4];
	struct audit_event ev;
};
int audit_checkpoint_event(struct audit *a, uint64_t seq, const char *hash,
    struct audit_checkpoint_ev *cp);
int audit_sync_file(struct audit *a);
/* A write or a sync failed (mark: a's write_health or sync_health):
 * noted now, the text printf'd. errno is kept. */
void audit_health_fail(struct health_mark *mark, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int audit_write_resumed(struct audit *a, int sync_now);

/* audit_batch.c */
void audit_batch_init(struct audit *a);
void audit_batch_free(struct audit *a);

/* audit_renew.c */
/*
 * Is audit_log still the file we write (one statx())? When not, start a
 * new one there with an audit_resumed that continues the chain; when a
 * new one is started but its first record is not written yet, write it.
 * 0, or -1 when no record can be written now (said once by a->notice).
 */
int audit_renew_check(struct audit *a);

#endif
