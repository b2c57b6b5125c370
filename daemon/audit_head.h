/*
 * audit_head.h: the newest chain head known to be on disk, kept outside
 * the audit log, in state_dir/audit.head, so that a log whose tail was
 * cut (or that was swapped for another file) is told apart from one that
 * merely stopped.
 *
 * The file is sealed text (sealed.h), like the state file: a SHA-256 of
 * every byte before its last line:
 *
 *   warden-audit-head 1
 *   log /var/lib/warden/audit.jsonl
 *   seq 1234
 *   hash <64 lowercase hex digits>
 *   sha256 <64 lowercase hex digits>
 *
 * wardend replaces it (temporary file, fsync, rename, directory fsync)
 * after the records up to seq were synced: on the durability worker after
 * its fdatasync, at start and at stop; never per record. It is compared
 * with the log at start, and `wardenctl audit verify --head` compares it
 * with a log at any time.
 *
 * Two halves: audit_head.c is the format and the comparison, pure;
 * audit_head_io.c is the file, and does its I/O through statedir.c and
 * the format.
 */
#ifndef WARDEN_AUDIT_HEAD_H
#define WARDEN_AUDIT_HEAD_H

#include <stddef.h>
#include <stdint.h>

#include "audit.h"
#include "errmsg.h"

#define AUDIT_HEAD_NAME "audit.head"
#define AUDIT_HEAD_LOG_MAX 4096
#define AUDIT_HEAD_FILE_MAX (AUDIT_HEAD_LOG_MAX + 256)

struct audit_head {
	char log[AUDIT_HEAD_LOG_MAX];   /* audit_log when it was written */
	uint64_t seq;                   /* 0: no record yet */
	char hash[AUDIT_HASH_HEX + 1];
};

/* audit_head.c: the format */
/* The file's bytes into buf (AUDIT_HEAD_FILE_MAX); the length, 0 if the
 * log path does not fit or h->hash is not a SHA-256 in lowercase hex. */
size_t audit_head_format(const struct audit_head *h, char *buf);
/* Parse a file's bytes; 0, or -1 with err saying what is wrong. */
int audit_head_parse(const char *buf, size_t len, struct audit_head *h,
    char err[ERR_LEN]);

enum audit_head_verdict {
	AUDIT_HEAD_SAME,        /* the log holds the head's record */
	AUDIT_HEAD_UNCHECKED,   /* the log goes further; the head's record
				   is too far back to look at */
	AUDIT_HEAD_CUT,         /* the log ends before the head's seq */
	AUDIT_HEAD_DIFFERS,     /* another record stands at the head's seq */
};

/*
 * Compare the head with a log whose last record is (last_seq,
 * last_hash); at_head is the hash of the log's record with the head's
 * seq when last_seq > head->seq, NULL when it could not be found. Pure.
 * why says what was found for CUT and DIFFERS.
 */
enum audit_head_verdict audit_head_compare(const struct audit_head *h,
    uint64_t last_seq, const char *last_hash, const char *at_head,
    char why[ERR_LEN]);

/* audit_head_io.c: the file */
enum audit_head_status {
	AUDIT_HEAD_OK,
	AUDIT_HEAD_NONE,                /* no file (first start) */
	AUDIT_HEAD_CORRUPT,             /* unreadable, torn or edited */
};

/* Read path into *h; CORRUPT is a failure, and err says why. */
enum audit_head_status audit_head_load(const char *path,
    struct audit_head *h, char err[ERR_LEN]);
/* Replace state_dir/audit.head with h; 0, or -1 with err. */
int audit_head_save(const char *state_dir, const struct audit_head *h,
    char err[ERR_LEN]);

#endif
