/*
 * audit_record.h: the audit line format as the writer, the tail scan on
 * open and the verifier all see it. Internal to the audit module.
 *
 * Two halves: audit_record.c is the format, pure but for libcrypto (a
 * line in, what it is out; a tail's bytes in, its last intact record
 * out); audit_tail.c reads a log's tail from the file for it.
 */
#ifndef WARDEN_AUDIT_RECORD_H
#define WARDEN_AUDIT_RECORD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <openssl/sha.h>

#include "audit.h"
#include "errmsg.h"
#include "json.h"

/* ,"hash":"<64 hex>"} : how every line ends before its newline. */
#define AUDIT_HASH_KEY ",\"hash\":\""
#define AUDIT_SUFFIX_LEN (sizeof AUDIT_HASH_KEY - 1 + AUDIT_HASH_HEX + 2)
/* How far back open looks for the last intact record. */
#define AUDIT_TAIL_MAX (16u << 20)

enum audit_line_kind {
	AUDIT_LINE_INTACT,
	AUDIT_LINE_TORN,        /* not a JSON object: cut short or garbage */
	AUDIT_LINE_BAD,         /* a JSON object, but not a valid record */
};

struct audit_line {
	enum audit_line_kind kind;
	char why[ERR_LEN];      /* TORN, BAD: what is wrong */
	uint64_t seq;
	char event[32];         /* cut if longer; only compared */
	char prev[AUDIT_HASH_HEX + 1];
	char hash[AUDIT_HASH_HEX + 1];
	int has_torn;           /* audit_resumed with both torn_* fields */
	uint64_t torn_offset;
	uint64_t torn_bytes;
};

/* What the tail of a log says on open. torn_offset + torn_bytes is
 * always the size of what was looked at. */
struct audit_tail {
	uint64_t seq;                   /* last intact record; 0: none */
	char hash[AUDIT_HASH_HEX + 1];  /* its hash, or 64 zeros */
	uint64_t torn_offset;           /* the bytes after it */
	uint64_t torn_bytes;            /* 0: the file ends cleanly */
	int ends_without_newline;
	char bad_why[ERR_LEN];          /* a bad record among the torn bytes */
};

/* One SHA-256 context reused for every record: no fetch, allocation or
 * provider dispatch per record (audit_record.c). */
struct audit_hasher {
	SHA256_CTX ctx;
};

enum audit_tail_found {
	AUDIT_TAIL_FOUND,       /* the last intact record, or a log that
				   holds none (torn or zeros only) */
	AUDIT_TAIL_MORE,        /* none in buf, whose first line may be cut:
				   look further back */
	AUDIT_TAIL_FOREIGN,     /* no record anywhere: not an audit log */
};

/* audit_record.c: the format */
extern const char audit_zero_hash[AUDIT_HASH_HEX + 1];
int audit_hasher_init(struct audit_hasher *h);
void audit_hasher_free(struct audit_hasher *h);
/* hex = SHA-256(a[0..an) b[0..bn)), lowercase; -1 on a libcrypto error. */
int audit_digest(struct audit_hasher *h, const void *a, size_t an,
    const void *b, size_t bn, char hex[AUDIT_HASH_HEX + 1]);
/* Classify one line (without its newline) and read its chain fields. */
void audit_line_check(struct audit_hasher *h, const char *line, size_t len,
    struct audit_line *out);
/*
 * Fill *t from buf, the last n (> 0) bytes of a log, which are at offset
 * base in it: the lines are checked from the last one back until one is
 * intact. whole: buf is the whole log, so its first line is complete.
 */
enum audit_tail_found audit_tail_find(struct audit_hasher *h,
    const char *buf, size_t n, uint64_t base, int whole,
    struct audit_tail *t);

/* audit_tail.c: the file */
/* Read fd (size bytes, the log at path) back from its end into *tail.
 * -1 with err when the tail cannot be read or holds no record where one
 * must be. */
int audit_tail_scan(int fd, uint64_t size, const char *path,
    struct audit_tail *tail, char err[ERR_LEN]);

#endif
