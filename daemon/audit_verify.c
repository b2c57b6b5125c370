/*
 * audit_verify.c: `wardenctl audit verify FILE...`: walk a whole log (or
 * the files of one chain, in order) and say that its chain holds, or the
 * first line where it breaks and how; with a public key, that its
 * checkpoints are signed; with the head file, that nothing was cut.
 */
#include "audit_verify.h"
#include "audit_sign.h"
#include "errmsg.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static int
broken(struct verify *v, uint64_t line, uint64_t seq, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
broken(struct verify *v, uint64_t line, uint64_t seq, const char *fmt, ...)
{
	va_list ap;

	v->fail_path = v->path;
	v->fail_line = line;
	v->fail_seq = seq;
	va_start(ap, fmt);
	vsnprintf(v->error, ERR_LEN, fmt, ap);
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

	if (v->records == 0 && v->continues_after == 0 && seq != 1)
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

/* A string member of obj into dst; -1 if there is none that fits. */
static int
member_string(const struct json_value *obj, const char *key, char *dst,
    size_t cap)
{
	struct json_value v;

	if (json_object_get(obj, key, &v) == -1)
		return -1;
	return json_get_string(&v, dst, cap) < 0 ? -1 : 0;
}

/*
 * The first record checked may continue the chain of an earlier file:
 * an audit_resumed with log_was, written when the log was deleted, moved
 * or replaced while wardend ran. The link to that file is checked when
 * it is given first.
 */
static void
check_continues(struct verify *v, const char *text, size_t len,
    const struct audit_line *l)
{
	struct json_value obj;
	size_t at;
	const char *why;

	if (strcmp(l->event, "audit_resumed") != 0 || l->has_torn ||
	    json_parse(text, len, &obj, &at, &why) == -1 ||
	    member_string(&obj, "log_was", v->log_was,
	    sizeof v->log_was) == -1)
		return;
	v->continues_after = l->seq - 1;
	v->last_seq = l->seq - 1;
	memcpy(v->last_hash, l->prev, sizeof v->last_hash);
}

/* A checkpoint: by our key, in its place, and its signature good. */
static int
check_checkpoint(struct verify *v, const char *text, size_t len,
    const struct audit_line *l)
{
	char id[AUDIT_KEY_ID_HEX + 2], hash[AUDIT_HASH_HEX + 2];
	char sig[AUDIT_SIG_HEX + 2], seq_text[32];
	struct json_value obj, m;
	uint64_t seq = 0;
	size_t at;
	const char *why;
	int r;

	v->checkpoints++;
	if (v->key == NULL)
		return 0;
	if (json_parse(text, len, &obj, &at, &why) == -1 ||
	    json_object_get(&obj, "signed_seq", &m) == -1 ||
	    json_get_uint64(&m, &seq) == -1 ||
	    member_string(&obj, "key_id", id, sizeof id) == -1 ||
	    member_string(&obj, "signed_hash", hash, sizeof hash) == -1 ||
	    member_string(&obj, "sig", sig, sizeof sig) == -1)
		return broken(v, v->line_no, l->seq, "a checkpoint without "
		    "key_id, signed_seq, signed_hash and sig");
	if (strcmp(id, audit_key_id(v->key)) != 0)
		return broken(v, v->line_no, l->seq, "checkpoint signed by "
		    "another key (key id %s; the public key given is %s)", id,
		    audit_key_id(v->key));
	snprintf(seq_text, sizeof seq_text, "%llu", (unsigned long long)seq);
	if (seq + 1 != l->seq)
		return broken(v, v->line_no, l->seq, "checkpoint signs seq %s "
		    "but stands after seq %llu: moved or forged", seq_text,
		    (unsigned long long)(l->seq - 1));
	if (strcmp(hash, l->prev) != 0)
		return broken(v, v->line_no, l->seq, "checkpoint signs seq %s "
		    "with hash %s, but the record there has hash %s: the "
		    "records before it were changed", seq_text, hash, l->prev);
	if ((r = audit_key_verify(v->key, seq, hash, sig)) != 1)
		return broken(v, v->line_no, l->seq, "%s", r == -1 ?
		    "cannot check the checkpoint's signature (libcrypto "
		    "failed)" : "the checkpoint's signature does not verify: "
		    "the records before it were changed and the chain rebuilt, "
		    "or the checkpoint was forged");
	v->signed_seq = seq;
	v->cp_line = v->line_no;
	v->cp_path = v->path;
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
	if (v->records == 0 && l.seq != 1)
		check_continues(v, text, len - (size_t)has_newline, &l);
	if (check_link(v, &l) == -1)
		return -1;
	if (strcmp(l.event, "checkpoint") != 0)
		v->unsigned_records++;
	else if (check_checkpoint(v, text, len - (size_t)has_newline,
	    &l) == -1)
		return -1;
	else
		v->unsigned_records = 0;
	if (l.seq == v->head_seq)
		memcpy(v->at_head, l.hash, sizeof v->at_head);
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
	errmsg_set(v->error, "seq %llu follows %llu: records "
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

/* After the last file: a key wants a checkpoint, a head its record. */
static int
check_whole(struct verify *v, const struct audit_head *head,
    const char *head_path)
{
	char why[ERR_LEN];

	v->path = NULL;
	if (head_path != NULL) {
		v->head_verdict = audit_head_compare(head, v->last_seq,
		    v->last_hash, v->at_head[0] != '\0' ? v->at_head : NULL,
		    why);
		if (v->head_verdict == AUDIT_HEAD_CUT ||
		    v->head_verdict == AUDIT_HEAD_DIFFERS)
			return broken(v, 0, 0, "against %s: %s", head_path, why);
	}
	if (v->key != NULL && v->checkpoints == 0)
		return broken(v, 0, 0, "no checkpoint: nothing here is signed "
		    "(was audit_sign set when it was written?)");
	return 0;
}

/* One file of the chain, after the ones before it. 0 walked (ok says
 * whether it holds), -1 unreadable (err says why). */
static int
verify_walk(struct verify *v, const char *path, int *ok, char err[ERR_LEN])
{
	char *text = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *in;

	if ((in = fopen(path, "re")) == NULL) {
		errmsg_set(err, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	v->path = path;
	v->line_no = v->offset = 0;
	v->in_torn = 0;
	while ((*ok || v->seeking) && (n = getline(&text, &cap, in)) > 0) {
		v->line_no++;
		if (*ok)
			*ok = check_line(v, text, (size_t)n) == 0;
		else
			seek_missing(v, text, (size_t)n);
		v->offset += (size_t)n;
	}
	free(text);
	if (ferror(in)) {
		errmsg_set(err, "cannot read %s: %s", path, strerror(errno));
		fclose(in);
		return -1;
	}
	fclose(in);
	*ok = *ok && check_end(v) == 0;
	return 0;
}

/* "a + b + c", the files checked as one chain. */
static char *
paths_label(const char *const *paths, size_t n)
{
	size_t i, len = 1;
	char *label;

	for (i = 0; i < n; i++)
		len += strlen(paths[i]) + 3;
	if ((label = malloc(len)) == NULL)
		return NULL;
	label[0] = '\0';
	for (i = 0; i < n; i++) {
		if (i > 0)
			strcat(label, " + ");
		strcat(label, paths[i]);
	}
	return label;
}

/* The key and the head file, when given; -1 with err when unreadable. */
static int
verify_inputs(struct verify *v, const struct audit_verify_options *o,
    struct audit_key **key, struct audit_head *head, char err[ERR_LEN])
{
	if (o->pubkey != NULL) {
		if ((*key = audit_key_load_public(o->pubkey, err)) == NULL)
			return -1;
		v->key = *key;
	}
	if (o->head == NULL)
		return 0;
	switch (audit_head_load(o->head, head, err)) {
	case AUDIT_HEAD_OK:
		v->head_seq = head->seq;
		return 0;
	case AUDIT_HEAD_NONE:
		errmsg_set(err, "cannot open %s: %s", o->head,
		    strerror(ENOENT));
		return -1;
	case AUDIT_HEAD_CORRUPT:
		break;
	}
	return -1;
}

int
audit_verify_files(const char *const *paths, size_t n,
    const struct audit_verify_options *o, FILE *out, int as_json)
{
	struct verify v;
	struct audit_key *key = NULL;
	struct audit_head head;
	char err[ERR_LEN], *label = paths_label(paths, n);
	size_t i;
	int ok = 1, rc = 0;

	memset(&v, 0, sizeof v);
	memset(&head, 0, sizeof head);
	memcpy(v.last_hash, audit_zero_hash, sizeof v.last_hash);
	v.head_given = o->head != NULL;
	if (label == NULL || audit_hasher_init(&v.hasher) == -1) {
		errmsg_set(err, "cannot check: out of memory");
		rc = -1;
	} else
		rc = verify_inputs(&v, o, &key, &head, err);
	for (i = 0; rc == 0 && ok && i < n; i++)
		rc = verify_walk(&v, paths[i], &ok, err);
	if (rc == 0 && ok)
		ok = check_whole(&v, &head, o->head) == 0;
	audit_hasher_free(&v.hasher);
	if (rc != 0)
		audit_verify_report_unreadable(label != NULL ? label : "",
		    err, out, as_json);
	else if (as_json)
		audit_verify_report_json(&v, label, out, ok);
	else
		audit_verify_report_text(&v, label, out, ok);
	audit_key_free(key);
	free(label);
	return rc != 0 ? 2 : ok ? 0 : 1;
}

int
audit_verify_file(const char *path, FILE *out, int as_json)
{
	struct audit_verify_options o = { NULL, NULL };

	return audit_verify_files(&path, 1, &o, out, as_json);
}
