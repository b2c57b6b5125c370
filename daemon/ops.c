/*
 * ops.c: the operator commands, carried out for control.c, which hands
 * them up through the ops_handlers made here. Permission is decided
 * there from the peer's credentials; the state conditions of a takeover
 * or release are the guard's (takeover.c).
 */
#include <stdio.h>
#include <string.h>

#include "alarms.h"
#include "control.h"
#include "control_proto.h"
#include "fitness.h"
#include "gate.h"
#include "learn_json.h"
#include "learn_render.h"
#include "ops.h"
#include "pair.h"
#include "push.h"
#include "record.h"
#include "reload.h"
#include "status.h"
#include "takeover.h"
#include "warden.h"

static void
ops_answer(struct json *out, int ok, const char *error)
{
	json_object_begin(out);
	json_kv_bool(out, "ok", ok);
	if (!ok)
		json_kv_string(out, "error", error);
	json_object_end(out);
}

static int
ops_status(void *ctx, const struct ops_caller *who, struct json *out)
{
	struct warden *w = ctx;
	struct status s;

	(void)who;
	if (status_fill(w, &s) == -1) {
		ops_answer(out, 0, "out of memory: no status");
		return -1;
	}
	json_object_begin(out);
	json_kv_bool(out, "ok", 1);
	status_json(&s, out);
	json_object_end(out);
	status_free(&s);
	return 0;
}

/* pair_synced_fn: the standby has the takeover, or cannot be said to;
 * the operators waiting are answered, by control.c. */
static void
ops_takeover_synced(void *ctx, const char *err)
{
	struct warden *w = ctx;
	char why[ERR_LEN + 160];

	if (err != NULL)
		snprintf(why, sizeof why, "the takeover holds and AI writes "
		    "are refused, but the standby does not have it (%s); a "
		    "failover now would still come up in TAKEOVER", err);
	control_takeover_durable(w->control, err != NULL ? why : NULL);
}

/* takeover_done_fn: durable, or the wait for the disk gave up; then
 * the standby is told, and only then the operator. */
static void
ops_takeover_durable(void *ctx, const char *err)
{
	struct warden *w = ctx;
	char warning[1024];

	if (err != NULL) {
		snprintf(warning, sizeof warning, "the takeover holds and AI "
		    "writes are refused, but %s; a restart of wardend now "
		    "could come back in AUTO: check the disk of the state_dir "
		    "and audit_log", err);
		pair_changed(w);
		control_takeover_durable(w->control, warning);
		return;
	}
	pair_sync(w, ops_takeover_synced, w);
}

static int
ops_takeover(void *ctx, const struct ops_caller *who, const char *reason,
    struct json *out)
{
	struct warden *w = ctx;
	char err[ERR_LEN];

	if (takeover_by_operator(w, who->user, who->via, reason,
	    ops_takeover_durable, w, err) == -1) {
		ops_answer(out, 0, err);
		return -1;
	}
	/* Answered by ops_takeover_answer() once it is durable. */
	return OPS_PENDING;
}

/* warning: what the operator must know beside the takeover holding
 * (the disk, the standby), or NULL. */
static void
ops_takeover_answer(void *ctx, struct json *out, const char *warning)
{
	(void)ctx;
	json_object_begin(out);
	json_kv_bool(out, "ok", 1);
	if (warning != NULL)
		json_kv_string(out, "warning", warning);
	json_object_end(out);
}

static int
ops_release(void *ctx, const struct ops_caller *who, const char *reason,
    struct json *out)
{
	char err[ERR_LEN];

	if (takeover_release(ctx, who->user, who->uid, who->via, reason, err) == -1) {
		ops_answer(out, 0, err);
		return -1;
	}
	pair_changed(ctx);
	ops_answer(out, 1, NULL);
	return 0;
}

/* keepalived's notify, through wardenctl role: a refusal is on the
 * record as command_denied, with why. */
static int
ops_role(void *ctx, const struct ops_caller *who, int role,
    struct json *out)
{
	struct warden *w = ctx;
	char err[ERR_LEN];

	if (pair_set_role(w, (enum pair_role)role, who->user, who->uid,
	    err) == -1) {
		record_denied(w, who->user, who->uid, "role", NULL, err, 0);
		ops_answer(out, 0, err);
		return -1;
	}
	ops_answer(out, 1, NULL);
	return 0;
}

/* keepalived's vrrp_script, through wardenctl health: a look, never
 * on the record (it comes every second). */
static void
ops_health(void *ctx, const struct ops_caller *who, struct json *out)
{
	(void)who;
	fitness_answer(ctx, out);
}

static int
ops_reload(void *ctx, const struct ops_caller *who, struct json *out)
{
	char err[ERR_LEN];

	if (reload_config(ctx, who->user, err) == -1) {
		ops_answer(out, 0, err);
		return -1;
	}
	ops_answer(out, 1, NULL);
	return 0;
}

static int
ops_alarms_list(struct warden *w, struct json *out)
{
	struct status s;

	if (status_fill(w, &s) == -1) {
		ops_answer(out, 0, "out of memory: no alarm list");
		return -1;
	}
	json_object_begin(out);
	json_kv_bool(out, "ok", 1);
	status_json_alarms(&s, out);
	json_object_end(out);
	status_free(&s);
	return 0;
}

/* alarms, ack, shelve, unshelve, bypass, unbypass. */
static int
ops_alarm(void *ctx, const struct ops_caller *who,
    const struct control_request *req, struct json *out)
{
	struct warden *w = ctx;
	struct alarms_actor a = { who->user, who->uid, who->via };
	char err[ERR_LEN];
	size_t acked = 0;
	int rc;

	switch (req->command) {
	case CONTROL_ALARMS:
		return ops_alarms_list(w, out);
	case CONTROL_ACK:
		rc = alarms_ack(w, &a, req->point, req->reason, &acked, err);
		break;
	case CONTROL_SHELVE:
	case CONTROL_BYPASS:
		rc = alarms_hold(w, &a, req->command == CONTROL_SHELVE ?
		    ALARM_SHELVE : ALARM_BYPASS, req->point, req->seconds,
		    req->reason, err);
		break;
	case CONTROL_UNSHELVE:
	case CONTROL_UNBYPASS:
		rc = alarms_unhold(w, &a, req->command == CONTROL_UNSHELVE ?
		    ALARM_SHELVE : ALARM_BYPASS, req->point, req->reason, err);
		break;
	default:
		errmsg_set(err, "request not understood");
		rc = -1;
	}
	if (rc == -1) {
		ops_answer(out, 0, err);
		return -1;
	}
	pair_changed(w);
	json_object_begin(out);
	json_kv_bool(out, "ok", 1);
	if (req->command == CONTROL_ACK)
		json_kv_uint(out, "acked", acked);
	json_object_end(out);
	return 0;
}

/*
 * learn: what the AI did in monitor mode, and the config proposed from
 * it (learn_render.h), as one string member of the answer.
 */
static int
ops_learn(void *ctx, const struct ops_caller *who, double margin,
    struct json *out)
{
	struct warden *w = ctx;
	const struct learn_table *t = gate_learned(w->gate);
	struct buf text;
	int rc;

	(void)who;
	if (w->cfg->mode != MODE_MONITOR) {
		ops_answer(out, 0, "wardend runs in mode: enforce; it learns "
		    "what the AI reads and writes only in mode: monitor "
		    "(commissioning): set mode: monitor, reload, let the AI "
		    "run, then learn");
		return -1;
	}
	if (t == NULL || learn_table_totals(t)->requests == 0) {
		ops_answer(out, 0, "nothing learned yet: no request from the "
		    "AI since wardend started or last reloaded; let the AI "
		    "run, then learn");
		return -1;
	}
	if (buf_init(&text, 65536) == -1) {
		ops_answer(out, 0, "out of memory: no proposal");
		return -1;
	}
	rc = learn_render(w->cfg, t, margin / 100, ev_now(w->loop), &text);
	if (rc == 0) {
		json_object_begin(out);
		json_kv_bool(out, "ok", 1);
		json_kv_double(out, "margin", margin);
		rc = learn_json(w->cfg, t, out);
		json_key(out, "proposal");
		json_string_n(out, (const char *)buf_head(&text),
		    buf_len(&text));
		json_object_end(out);
	}
	buf_free(&text);
	if (rc == -1) {
		json_clear(out);
		ops_answer(out, 0, "out of memory: no proposal");
	}
	return rc;
}

static void
ops_login(void *ctx, const struct ops_caller *who, int ok,
    const char *reason, struct json *out)
{
	record_console_login(ctx, who->user, who->uid, ok, reason);
	ops_answer(out, 1, NULL);
}

static void
ops_subscribed(void *ctx)
{
	struct warden *w = ctx;

	push_subscribed(w->push);
}

static void
ops_denied(void *ctx, const struct ops_caller *who, const char *command,
    const char *right, const char *why, unsigned suppressed,
    struct json *out)
{
	record_denied(ctx, who->user, who->uid, command, right, why,
	    suppressed);
	ops_answer(out, 0, why);
}

void
ops_init(struct warden *w, struct ops_handlers *ops)
{
	*ops = (struct ops_handlers){ .status = ops_status,
	    .takeover = ops_takeover, .takeover_answer = ops_takeover_answer,
	    .release = ops_release, .reload = ops_reload,
	    .denied = ops_denied, .alarm = ops_alarm,
	    .subscribed = ops_subscribed, .login = ops_login,
	    .learn = ops_learn, .role = ops_role, .health = ops_health,
	    .ctx = w };
}
