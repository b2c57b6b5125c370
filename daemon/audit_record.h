/*
 * audit_record.h: the audit line format as the writer, the tail scan on
 * open and the verifier all see it. Internal to the audit module.
 */
#ifndef WARDEN_AUDIT_RECORD_H
#define WARDEN_AUDIT_RECORD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <openssl/evp.h>

#include "audit.h"
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
	char why[160];          /* TORN, BAD: what is wrong */
	uint64_t seq;
	char event[32];         /* cut if longer; only compared */
	char prev[AUDIT_HASH_HEX + 1];
	char hash[AUDIT_HASH_HEX + 1];
	int has_torn;           /* audit_resumed with both torn_* fields */
	uint64_t torn_offset;
	uint64_t torn_bytes;
};

/* What the tail of a log says on open. */
struct audit_tail {
	uint64_t seq;                   /* last intact record; 0: none */
	char hash[AUDIT_HASH_HEX + 1];  /* its hash, or 64 zeros */
	uint64_t torn_offset;           /* the bytes after it */
	uint64_t torn_bytes;            /* 0: the file ends cleanly */
	int ends_without_newline;
	char bad_why[160];              /* a bad record among the torn bytes */
};

/* SHA-256 fetched once: an implicit fetch per record costs as much as
 * the hashing itself. */
struct audit_hasher {
	EVP_MD_CTX *ctx;
	EVP_MD *sha256;
};

/* audit_record.c */
extern const char audit_zero_hash[AUDIT_HASH_HEX + 1];
int audit_hasher_init(struct audit_hasher *h);
void audit_hasher_free(struct audit_hasher *h);
/* hex = SHA-256(a[0..an) b[0..bn)), lowercase; -1 on a libcrypto error. */
int audit_digest(struct audit_hasher *h, const void *a, size_t an,
    const void *b, size_t bn, char hex[AUDIT_HASH_HEX + 1]);
/* Classify one line (without its newline) and read its chain fields. */
void audit_line_check(struct audit_hasher *h, const char *line, size_t len,
    struct audit_line *out);
/* Read fd (size bytes) back from its end. -1 with err when the tail
 * cannot be read or holds no record where one must be. */
int audit_tail_scan(int fd, uint64_t size, struct audit_tail *tail,
    char *err, const char *path);

#endif
