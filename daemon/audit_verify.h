/*
 * audit_verify.h: what the walk over a log (audit_verify.c) found, for
 * its report (audit_verify_report.c). Internal to the audit module.
 */
#ifndef WARDEN_AUDIT_VERIFY_H
#define WARDEN_AUDIT_VERIFY_H

#include <stdint.h>
#include <stdio.h>

#include "audit.h"
#include "audit_head.h"
#include "audit_record.h"

#define VERIFY_SHOWN_RESUMES 16

/* Torn bytes that an audit_resumed accounted for. */
struct resume_seen {
	uint64_t line, offset, bytes, resumed_line;
};

struct verify {
	struct audit_hasher hasher;
	const struct audit_key *key;    /* NULL: checkpoints not checked */
	const char *path;               /* of the file being checked */
	uint64_t line_no;               /* of the line being checked */
	uint64_t offset;                /* where it begins */
	uint64_t records;
	uint64_t first_seq, last_seq;
	char last_hash[AUDIT_HASH_HEX + 1];
	uint64_t last_line;             /* of the last intact record */
	/* torn lines since the last intact record */
	int in_torn;
	uint64_t torn_line, torn_offset;
	int torn_ends_in_text;          /* its last line was more than "\n" */
	int torn_has_newline;
	char torn_why[ERR_LEN];
	struct resume_seen resumes[VERIFY_SHOWN_RESUMES];
	uint64_t n_resumes;
	/* a first record that continues an earlier file's chain */
	uint64_t continues_after;       /* 0: the chain starts here */
	char log_was[16];
	/* checkpoints */
	uint64_t checkpoints;
	uint64_t signed_seq;            /* covered by the last one checked */
	uint64_t cp_line;               /* its line */
	const char *cp_path;
	uint64_t unsigned_records;      /* after the last checkpoint */
	/* the head file's seq, when given: the hash found there */
	int head_given;
	uint64_t head_seq;
	char at_head[AUDIT_HASH_HEX + 1];
	enum audit_head_verdict head_verdict;
	/* the break, when there is one */
	int seeking;                    /* a seq gap: do the missing come later? */
	uint64_t missing_from, missing_to;
	const char *fail_path;
	uint64_t fail_line;
	uint64_t fail_seq;              /* 0: not known */
	char error[ERR_LEN];
};

/* audit_verify_report.c: the verdict, as text or one JSON object. label
 * names the file(s) checked. */
void audit_verify_report_text(const struct verify *v, const char *label,
    FILE *out, int ok);
void audit_verify_report_json(const struct verify *v, const char *label,
    FILE *out, int ok);
/* A file, key or head that could not be read: msg says which. */
void audit_verify_report_unreadable(const char *label, const char *msg,
    FILE *out, int as_json);

#endif
