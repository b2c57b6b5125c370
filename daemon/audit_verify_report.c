/*
 * audit_verify_report.c: what `wardenctl audit verify` prints: the
 * verdict on the chain, then what the signatures, the head file and any
 * earlier file add to it (see audit_verify.h).
 */
#include "audit_sign.h"
#include "audit_verify.h"

#include <string.h>

static const char *
head_verdict_name(enum audit_head_verdict h)
{
	switch (h) {
	case AUDIT_HEAD_SAME: return "same";
	case AUDIT_HEAD_UNCHECKED: return "unchecked";
	case AUDIT_HEAD_CUT: return "cut";
	case AUDIT_HEAD_DIFFERS: return "differs";
	}
	return "unknown";
}

/* Signatures, head, an earlier file: the lines under "valid". */
static void
report_integrity(const struct verify *v, FILE *out)
{
	if (v->continues_after > 0)
		fprintf(out, "  continues the chain of an earlier file after "
		    "seq %llu (it was %s while wardend ran); give that file "
		    "first to check the link\n",
		    (unsigned long long)v->continues_after, v->log_was);
	if (v->key == NULL && v->checkpoints > 0)
		fprintf(out, "  %llu checkpoint(s) not checked: give --pubkey "
		    "to check their signatures\n",
		    (unsigned long long)v->checkpoints);
	if (v->key != NULL)
		fprintf(out, "  signed: %llu checkpoint(s) by key %s; the last "
		    "(%s line %llu) signs the chain up to seq %llu\n",
		    (unsigned long long)v->checkpoints, audit_key_id(v->key),
		    v->cp_path, (unsigned long long)v->cp_line,
		    (unsigned long long)v->signed_seq);
	if (v->key != NULL && v->unsigned_records > 0)
		fprintf(out, "  warning: %llu record(s) after the last "
		    "checkpoint (seq %llu to %llu) are not signed yet: a cut "
		    "there shows only against the head file (--head)\n",
		    (unsigned long long)v->unsigned_records,
		    (unsigned long long)(v->last_seq - v->unsigned_records + 1),
		    (unsigned long long)v->last_seq);
	if (v->head_given && v->head_verdict == AUDIT_HEAD_SAME)
		fprintf(out, "  head: seq %llu is there, as wardend wrote it\n",
		    (unsigned long long)v->head_seq);
	else if (v->head_given)
		fprintf(out, "  head: seq %llu comes before these records: "
		    "not compared\n", (unsigned long long)v->head_seq);
}

void
audit_verify_report_text(const struct verify *v, const char *label,
    FILE *out, int ok)
{
	uint64_t i;

	if (!ok) {
		fprintf(out, "%s", v->fail_path != NULL ? v->fail_path : label);
		if (v->fail_line != 0)
			fprintf(out, ": line %llu",
			    (unsigned long long)v->fail_line);
		if (v->fail_seq != 0)
			fprintf(out, " (seq %llu)",
			    (unsigned long long)v->fail_seq);
		fprintf(out, ": %s\n", v->error);
		return;
	}
	if (v->records == 0)
		fprintf(out, "%s: valid: no records\n", label);
	else
		fprintf(out, "%s: valid: %llu records, seq %llu to %llu, last "
		    "hash %s\n", label, (unsigned long long)v->records,
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
	report_integrity(v, out);
}

static void
json_integrity(const struct verify *v, struct json *j)
{
	json_kv_uint(j, "checkpoints", v->checkpoints);
	if (v->key != NULL) {
		json_kv_string(j, "key_id", audit_key_id(v->key));
		json_kv_uint(j, "signed_seq", v->signed_seq);
		json_kv_uint(j, "unsigned", v->unsigned_records);
	}
	if (v->continues_after > 0) {
		json_kv_uint(j, "continues_after", v->continues_after);
		json_kv_string(j, "log_was", v->log_was);
	}
	if (v->head_given) {
		json_kv_uint(j, "head_seq", v->head_seq);
		json_kv_string(j, "head", head_verdict_name(v->head_verdict));
	}
}

void
audit_verify_report_json(const struct verify *v, const char *label,
    FILE *out, int ok)
{
	struct json j;
	uint64_t i;

	json_init(&j);
	json_object_begin(&j);
	json_kv_string(&j, "file", label);
	json_kv_bool(&j, "valid", ok);
	json_kv_uint(&j, "records", v->records);
	if (!ok) {
		if (v->fail_path != NULL && strcmp(v->fail_path, label) != 0)
			json_kv_string(&j, "in", v->fail_path);
		if (v->fail_line != 0)
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
	if (ok)
		json_integrity(v, &j);
	json_object_end(&j);
	if (!json_failed(&j))
		fprintf(out, "%s\n", j.data);
	json_free(&j);
}

void
audit_verify_report_unreadable(const char *label, const char *msg,
    FILE *out, int as_json)
{
	struct json j;

	if (!as_json) {
		fprintf(out, "%s\n", msg);
		return;
	}
	json_init(&j);
	json_object_begin(&j);
	json_kv_string(&j, "file", label);
	json_kv_bool(&j, "valid", 0);
	json_kv_string(&j, "error", msg);
	json_object_end(&j);
	if (!json_failed(&j))
		fprintf(out, "%s\n", j.data);
	json_free(&j);
}
