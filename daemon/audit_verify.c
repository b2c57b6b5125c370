/*
 * audit_verify.c: `wardenctl audit verify FILE`: walk a whole log and say
 * that its chain holds, or the first line where it breaks and how.
 */
#include "audit.h"
#include "audit_record.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define VERIFY_SHOWN_RESUMES 16

/* Torn bytes that an audit_resumed accounted for. */
struct resume_seen {
	uint64_t line, offset, bytes, resumed_line;
};

struct verify {
	struct audit_hasher hasher;
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
	char torn_why[160];
	struct resume_seen resumes[VERIFY_SHOWN_RESUMES];
	uint64_t n_resumes;
	/* the break, when there is one */
	int seeking;                    /* a seq gap: do the missing come later? */
	uint64_t missing_from, missing_to;
	uint64_t fail_line;
	uint64_t fail_seq;              /* 0: not known */
	char error[400];
};

static int
broken(struct verify *v, uint64_t line, uint64_t seq, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
broken(struct verify *v, uint64_t line, uint64_t seq, const char *fmt, ...)
{
	va_list ap;

	v->fail_line = line;
	v->fail_seq = seq;
	va_start(ap, fmt);
	vsnprintf(v->error, sizeof v->error, fmt, ap);
	va_end(ap);
	return -1;
}

/* Does the audit_resumed on this line account for the torn bytes? */
static int
check_resume(struct verify *v, const struct audit_line *l)
{
	uint64_t region = v->offset - v->torn_offset;
	int exact;

	if (strcmp(l->event, "audit_resumed") != 0 || !l->has_torn)
		return broken(v, v->torn_line, 0, "%s, and the next record "
		    "(line %llu) is not an audit_resumed naming it: the file "
		    "was damaged or edited", v->torn_why,
		    (unsigned long long)v->line_no);
	exact = l->torn_bytes == region ||
	    (l->torn_bytes + 1 == region && v->torn_ends_in_text);
	if (l->torn_offset != v->torn_offset || !exact)
		return broken(v, v->line_no, l->seq, "audit_resumed names %llu "
		    "torn bytes at offset %llu, but the file holds %llu at "
		    "offset %llu: bytes were added or removed",
		    (unsigned long long)l->torn_bytes,
		    (unsigned long long)l->torn_offset,
		    (unsigned long long)region,
		    (unsigned long long)v->torn_offset);
	if (v->n_resumes < VERIFY_SHOWN_RESUMES) {
		struct resume_seen *r = &v->resumes[v->n_resumes];

		r->line = v->torn_line;
		r->offset = v->torn_offset;
		r->bytes = l->torn_bytes;
		r->resumed_line = v->line_no;
	}
	v->n_resumes++;
	v->in_torn = 0;
	return 0;
}

/* seq strictly +1 from 1, prev the hash of the record before. */
static int
check_link(struct verify *v, const struct audit_line *l)
{
	unsigned long long line = v->line_no, seq = l->seq;

	if (v->records == 0 && seq != 1)
		return broken(v, line, seq, "the first record has seq %llu, "
		    "not 1: records were removed from the start", seq);
	if (seq > v->last_seq + 1) {
		v->seeking = 1;
		v->missing_from = v->last_seq + 1;
		v->missing_to = seq - 1;
		return broken(v, line, seq, "seq %llu follows %llu: %llu "
		    "record(s) missing: removed", seq,
		    (unsigned long long)v->last_seq, seq - v->last_seq - 1);
	}
	if (seq <= v->last_seq)
		return broken(v, line, seq, "seq %llu follows %llu: records "
		    "reordered or duplicated", seq,
		    (unsigned long long)v->last_seq);
	if (strcmp(l->prev, v->last_hash) != 0) {
		if (v->records == 0)
			return broken(v, line, seq, "prev is not 64 zeros: "
			    "the chain does not start here");
		return broken(v, line, seq, "prev does not match the hash of "
		    "line %llu: a record was removed or replaced",
		    (unsigned long long)v->last_line);
	}
	return 0;
}

static int
check_line(struct verify *v, const char *text, size_t len)
{
	int has_newline = len > 0 && text[len - 1] == '\n';
	struct audit_line l;

	audit_line_check(&v->hasher, text, len - (size_t)has_newline, &l);
	if (l.kind == AUDIT_LINE_TORN) {
		if (!v->in_torn) {
			v->in_torn = 1;
			v->torn_line = v->line_no;
			v->torn_offset = v->offset;
			memcpy(v->torn_why, l.why, sizeof v->torn_why);
		}
		v->torn_ends_in_text = len > (size_t)has_newline;
		v->torn_has_newline = has_newline;
		return 0;
	}
	if (l.kind == AUDIT_LINE_BAD)
		return broken(v, v->line_no, l.seq, "%s", l.why);
	if (v->in_torn) {
		if (check_resume(v, &l) == -1)
			return -1;
	} else if (l.has_torn && strcmp(l.event, "audit_resumed") == 0)
		return broken(v, v->line_no, l.seq, "audit_resumed names "
		    "%llu torn bytes at offset %llu, but none are there: they "
		    "were removed", (unsigned long long)l.torn_bytes,
		    (unsigned long long)l.torn_offset);
	if (check_link(v, &l) == -1)
		return -1;
	if (v->records++ == 0)
		v->first_seq = l.seq;
	v->last_seq = l.seq;
	v->last_line = v->line_no;
	memcpy(v->last_hash, l.hash, sizeof v->last_hash);
	return 0;
}

/* After a seq gap: a missing record further on means a reordering. */
static void
seek_missing(struct verify *v, const char *text, size_t len)
{
	int has_newline = len > 0 && text[len - 1] == '\n';
	struct audit_line l;

	audit_line_check(&v->hasher, text, len - (size_t)has_newline, &l);
	if (l.kind == AUDIT_LINE_TORN || l.seq < v->missing_from ||
	    l.seq > v->missing_to)
		return;
	snprintf(v->error, sizeof v->error, "seq %llu follows %llu: records "
	    "reordered (seq %llu is on line %llu)",
	    (unsigned long long)v->fail_seq,
	    (unsigned long long)v->missing_from - 1,
	    (unsigned long long)l.seq, (unsigned long long)v->line_no);
	v->seeking = 0;
}

static int
check_end(struct verify *v)
{
	uint64_t bytes = v->offset - v->torn_offset;

	if (!v->in_torn)
		return 0;
	if (!v->torn_has_newline && v->line_no == v->torn_line)
		return broken(v, v->torn_line, 0, "the file ends with a torn "
		    "line (%llu bytes, %s) and no audit_resumed after it: "
		    "likely a crash while writing; wardend resumes past it "
		    "when it next opens the log", (unsigned long long)bytes,
		    v->torn_why);
	return broken(v, v->torn_line, 0, "the file ends with %llu bytes "
	    "that are not records (%s) and no audit_resumed after them: "
	    "likely a crash while writing; wardend resumes past them when "
	    "it next opens the log", (unsigned long long)bytes, v->torn_why);
}

static void
report_text(const struct verify *v, const char *path, FILE *out, int ok)
{
	uint64_t i;

	if (!ok) {
		fprintf(out, "%s: line %llu", path,
		    (unsigned long long)v->fail_line);
		if (v->fail_seq != 0)
			fprintf(out, " (seq %llu)",
			    (unsigned long long)v->fail_seq);
		fprintf(out, ": %s\n", v->error);
		return;
	}
	if (v->records == 0) {
		fprintf(out, "%s: valid: no records\n", path);
		return;
	}
	fprintf(out, "%s: valid: %llu records, seq %llu to %llu, last hash "
	    "%s\n", path, (unsigned long long)v->records,
	    (unsigned long long)v->first_seq,
	    (unsigned long long)v->last_seq, v->last_hash);
	for (i = 0; i < v->n_resumes && i < VERIFY_SHOWN_RESUMES; i++)
		fprintf(out, "  line %llu: %llu torn bytes at offset %llu, "
		    "accounted for by audit_resumed on line %llu\n",
		    (unsigned long long)v->resumes[i].line,
		    (unsigned long long)v->resumes[i].bytes,
		    (unsigned long long)v->resumes[i].offset,
		    (unsigned long long)v->resumes[i].resumed_line);
	if (v->n_resumes > VERIFY_SHOWN_RESUMES)
		fprintf(out, "  and %llu more torn stretches, each resumed\n",
		    (unsigned long long)(v->n_resumes - VERIFY_SHOWN_RESUMES));
}

static void
report_json(const struct verify *v, const char *path, FILE *out, int ok)
{
	struct json j;
	uint64_t i;

	json_init(&j);
	json_object_begin(&j);
	json_kv_string(&j, "file", path);
	json_kv_bool(&j, "valid", ok);
	json_kv_uint(&j, "records", v->records);
	if (!ok) {
		json_kv_uint(&j, "line", v->fail_line);
		if (v->fail_seq != 0)
			json_kv_uint(&j, "seq", v->fail_seq);
		json_kv_string(&j, "error", v->error);
	} else if (v->records > 0) {
		json_kv_uint(&j, "first_seq", v->first_seq);
		json_kv_uint(&j, "last_seq", v->last_seq);
		json_kv_string(&j, "last_hash", v->last_hash);
	}
	json_kv_uint(&j, "resumed", v->n_resumes);
	json_key(&j, "torn");
	json_array_begin(&j);
	for (i = 0; i < v->n_resumes && i < VERIFY_SHOWN_RESUMES; i++) {
		json_object_begin(&j);
		json_kv_uint(&j, "line", v->resumes[i].line);
		json_kv_uint(&j, "offset", v->resumes[i].offset);
		json_kv_uint(&j, "bytes", v->resumes[i].bytes);
		json_kv_uint(&j, "resumed_line", v->resumes[i].resumed_line);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_end(&j);
	if (!json_failed(&j))
		fprintf(out, "%s\n", j.data);
	json_free(&j);
}

static void
report_unreadable(const char *path, const char *what, int err, FILE *out,
    int as_json)
{
	char msg[AUDIT_ERR_LEN];
	struct json j;

	snprintf(msg, sizeof msg, "cannot %s %s: %s", what, path,
	    strerror(err));
	if (!as_json) {
		fprintf(out, "%s\n", msg);
		return;
	}
	json_init(&j);
	json_object_begin(&j);
	json_kv_string(&j, "file", path);
	json_kv_bool(&j, "valid", 0);
	json_kv_string(&j, "error", msg);
	json_object_end(&j);
	if (!json_failed(&j))
		fprintf(out, "%s\n", j.data);
	json_free(&j);
}

int
audit_verify_file(const char *path, FILE *out, int as_json)
{
	struct verify v;
	FILE *in;
	char *text = NULL;
	size_t cap = 0;
	ssize_t n;
	int ok = 1, saved_errno;

	if ((in = fopen(path, "re")) == NULL) {
		report_unreadable(path, "open", errno, out, as_json);
		return 2;
	}
	memset(&v, 0, sizeof v);
	memcpy(v.last_hash, audit_zero_hash, sizeof v.last_hash);
	if (audit_hasher_init(&v.hasher) == -1) {
		fclose(in);
		report_unreadable(path, "check", ENOMEM, out, as_json);
		return 2;
	}
	while ((ok || v.seeking) && (n = getline(&text, &cap, in)) > 0) {
		v.line_no++;
		if (ok)
			ok = check_line(&v, text, (size_t)n) == 0;
		else
			seek_missing(&v, text, (size_t)n);
		v.offset += (size_t)n;
	}
	saved_errno = errno;
	if (ferror(in)) {
		free(text);
		fclose(in);
		audit_hasher_free(&v.hasher);
		report_unreadable(path, "read", saved_errno, out, as_json);
		return 2;
	}
	ok = ok && check_end(&v) == 0;
	free(text);
	fclose(in);
	audit_hasher_free(&v.hasher);
	if (as_json)
		report_json(&v, path, out, ok);
	else
		report_text(&v, path, out, ok);
	return ok ? 0 : 1;
}
