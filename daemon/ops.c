/*
 * ops.c: the operator commands, carried out for control.c. Permission is
 * decided there from the peer's credentials; the state conditions of a
 * release are the guard's.
 */
#include <stdio.h>
#include <string.h>

#include "ops.h"
#include "record.h"
#include "status.h"
#include "warden.h"

static void ops_answer(struct json *out, int ok, const char *error);

int
ops_status(struct warden *w, const struct ops_caller *who, struct json *out)
{
	struct status s;

	(void)who;
	if (status_fill(w, &s) == -1) {
		ops_answer(out, 0, "out of memory: no status");
		return 1;
	}
	json_object_begin(out);
	json_kv_bool(out, "ok", 1);
	status_json(&s, out);
	json_object_end(out);
	status_free(&s);
	return 0;
}

static void
ops_answer(struct json *out, int ok, const char *error)
{
	json_object_begin(out);
	json_kv_bool(out, "ok", ok);
	if (!ok)
		json_kv_string(out, "error", error);
	json_object_end(out);
}

int
ops_takeover(struct warden *w, const struct ops_caller *who,
    const char *reason, struct json *out)
{
	char why[GUARD_REASON_MAX];

	if (takeover_by_operator(w, who->user, reason, why,
	    sizeof why) != 0) {
		ops_answer(out, 0, why);
		return 1;
	}
	/* Answered by ops_takeover_answer() once durable.c is done. */
	return OPS_PENDING;
}

void
ops_takeover_answer(struct json *out, const char *err)
{
	char warning[1024];

	json_object_begin(out);
	json_kv_bool(out, "ok", 1);
	if (err != NULL) {
		snprintf(warning, sizeof warning, "the takeover holds and AI "
		    "writes are refused, but %s; a restart of wardend now "
		    "could come back in AUTO: check the disk of the state_dir "
		    "and audit_log", err);
		json_kv_string(out, "warning", warning);
	}
	json_object_end(out);
}

int
ops_release(struct warden *w, const struct ops_caller *who,
    const char *reason, struct json *out)
{
	char why[GUARD_REASON_MAX];

	if (takeover_release(w, who->user, who->uid, reason, why,
	    sizeof why) != 0) {
		ops_answer(out, 0, why);
		return 1;
	}
	ops_answer(out, 1, NULL);
	return 0;
}

int
ops_reload(struct warden *w, const struct ops_caller *who, struct json *out)
{
	char why[1024];

	if (reload_config(w, who->user, why, sizeof why) != 0) {
		ops_answer(out, 0, why);
		return 1;
	}
	ops_answer(out, 1, NULL);
	return 0;
}

void
ops_denied(struct warden *w, const struct ops_caller *who,
    const char *command, const char *right, const char *why,
    unsigned suppressed, struct json *out)
{
	record_denied(w, who->user, who->uid, command, right, why,
	    suppressed);
	ops_answer(out, 0, why);
}
