/*
 * console_api.c: log in and out, act, look at a trend (console_http.h).
 * The console checks who is logged in and that a form is theirs (the
 * CSRF token); what the user may do is wardend's to decide.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "console_action.h"
#include "console_http.h"
#include "console_link.h"
#include "log.h"

#define API_PASSWORD_MAX 512

static const char *api_right_names[] = { "view", "takeover", "release",
	"reload" };

/* Sleep until the wall clock reads until. */
static void
api_sleep_until(double until)
{
	double left = until - console_now();
	struct timespec ts;

	if (left <= 0)
		return;
	ts.tv_sec = (time_t)left;
	ts.tv_nsec = (long)((left - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) == -1)
		;
}

/* {"ok":true,"user","groups","rights","csrf","expires"} */
static void
api_session_json(const struct session_info *info, struct json *j)
{
	size_t i;

	json_object_begin(j);
	json_kv_bool(j, "ok", 1);
	json_kv_string(j, "user", info->who.user);
	json_key(j, "groups");
	json_array_begin(j);
	for (i = 0; i < info->who.n_groups; i++)
		json_string(j, info->who.groups[i]);
	json_array_end(j);
	json_key(j, "rights");
	json_array_begin(j);
	for (i = 0; i < 4; i++)
		if (info->who.rights & (1u << i))
			json_string(j, api_right_names[i]);
	json_array_end(j);
	json_kv_string(j, "csrf", info->csrf);
	json_kv_double(j, "expires", info->expires);
	json_object_end(j);
}

int
api_authorize(struct http_request *r, int touch, struct session_info *info,
    char id[SESSION_TOKEN_LEN + 1], enum MHD_Result *queued)
{
	const char *cookie = MHD_lookup_connection_value(r->conn,
	    MHD_COOKIE_KIND, HTTP_COOKIE);

	if (cookie == NULL) {
		*queued = http_error(r, 401, "not logged in: log in first");
		return -1;
	}
	if (sessions_find(r->con->sessions, cookie, console_now(), touch,
	    info) == -1) {
		*queued = http_error(r, 401, "this console does not know your "
		    "session: it expired, you logged out, or the console "
		    "restarted since; log in again");
		return -1;
	}
	if (id != NULL)
		snprintf(id, SESSION_TOKEN_LEN + 1, "%s", cookie);
	return 0;
}

/* The body as a JSON object, sent as application/json: 0, or -1 with a
 * 4xx queued. A form of another site cannot send that type without the
 * browser asking first (CORS), which this console never allows. */
static int
api_body(struct http_request *r, struct json_value *body,
    enum MHD_Result *queued)
{
	const char *type = MHD_lookup_connection_value(r->conn,
	    MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
	const char *why;
	size_t at;

	if (type == NULL || strncmp(type, "application/json", 16) != 0 ||
	    (type[16] != '\0' && type[16] != ';')) {
		*queued = http_error(r, 415, "send the request as JSON "
		    "(Content-Type: application/json)");
		return -1;
	}
	if (json_parse(r->body, r->body_len, body, &at, &why) == -1) {
		*queued = http_error(r, 400, "the request is not JSON: %s at "
		    "byte %zu", why, at);
		return -1;
	}
	if (body->type != JSON_OBJECT) {
		*queued = http_error(r, 400, "the request must be a JSON "
		    "object");
		return -1;
	}
	return 0;
}

/* The form's token is the session's: 0, or -1 with a 403 queued. */
static int
api_csrf(struct http_request *r, const struct json_value *body,
    const struct session_info *info, enum MHD_Result *queued)
{
	char token[SESSION_TOKEN_LEN + 2];
	struct json_value v;

	if (json_object_get(body, "csrf", &v) == -1 ||
	    json_get_string(&v, token, sizeof token) < 0 ||
	    !session_token_equal(token, info->csrf)) {
		*queued = http_error(r, 403, "the form has no valid CSRF token "
		    "(it is not from this session's page): reload the page "
		    "and try again; nothing was done");
		return -1;
	}
	return 0;
}

enum MHD_Result
api_session(struct http_request *r)
{
	struct session_info info;
	enum MHD_Result rc;
	struct json j;

	if (api_authorize(r, 1, &info, NULL, &rc) == -1)
		return rc;
	json_init(&j);
	api_session_json(&info, &j);
	rc = http_json(r, 200, &j, NULL);
	json_free(&j);
	return rc;
}

/* Ask wardend what who may do: 0 and who->rights, or -1 with a 403 or
 * 503 queued. */
static int
api_rights(struct http_request *r, struct session_user *who,
    enum MHD_Result *queued)
{
	char err[ERR_LEN], *answer = NULL;
	struct json req;
	int rc = -1;

	json_init(&req);
	action_rights_request(who, &req);
	if (json_failed(&req)) {
		*queued = http_error(r, 500, "out of memory");
		goto out;
	}
	if (link_command(r->con->opt->socket, req.data, req.len, &answer,
	    err) == -1) {
		log_warnx("login: cannot ask wardend about %s: %s", who->user,
		    err);
		*queued = http_error(r, 503, "cannot ask wardend what %s may "
		    "do: %s", who->user, err);
		goto out;
	}
	if (action_answer(answer, strlen(answer), err) != 1) {
		log_warnx("login: wardend refused the rights of %s: %s",
		    who->user, err);
		*queued = http_error(r, 403, "wardend: %s", err);
		goto out;
	}
	who->rights = action_rights(answer, strlen(answer));
	if (!(who->rights & RIGHT_VIEW)) {
		log_warnx("login: user %s holds no view right on wardend",
		    who->user);
		*queued = http_error(r, 403, "%s may not see the console: "
		    "wardend gives none of %s's groups the view right (ask "
		    "for membership of control.view_group, or of "
		    "takeover_group or release_group)", who->user, who->user);
		goto out;
	}
	rc = 0;
out:
	json_free(&req);
	free(answer);
	return rc;
}

/* The user name and password of the login body: 0, or -1 with a 400. */
static int
api_credentials(struct http_request *r, const struct json_value *body,
    char user[SESSION_USER_MAX], char password[API_PASSWORD_MAX],
    enum MHD_Result *queued)
{
	struct json_value v;

	if (json_object_get(body, "user", &v) == -1 ||
	    json_get_string(&v, user, SESSION_USER_MAX) < 0 ||
	    !pam_name_ok(user)) {
		*queued = http_error(r, 400, "give a user name: up to 32 "
		    "letters, digits, '.', '_' or '-'");
		return -1;
	}
	if (json_object_get(body, "password", &v) == -1 ||
	    json_get_string(&v, password, API_PASSWORD_MAX) < 1) {
		*queued = http_error(r, 400, "give a password (at most %d "
		    "bytes)", API_PASSWORD_MAX - 1);
		return -1;
	}
	return 0;
}

/* A login, or a refused one, into wardend's audit (console_login,
 * console_login_failed). Not being able to is logged, not fatal: the
 * console's own log has the line too. */
static void
api_audit_login(struct http_request *r, const struct session_user *who,
    int ok, const char *why)
{
	char reason[ERR_LEN], err[ERR_LEN], *answer = NULL;
	struct json req;

	snprintf(reason, sizeof reason, "from %s%s%s", r->addr,
	    why ? ": " : "", why ? why : "");
	json_init(&req);
	action_login_request(who, ok, reason, &req);
	if (json_failed(&req))
		log_warnx("login of %s: out of memory for its record",
		    who->user);
	else if (link_command(r->con->opt->socket, req.data, req.len,
	    &answer, err) == -1 ||
	    action_answer(answer, strlen(answer), err) != 1)
		log_warnx("login of %s: wardend did not record it: %s",
		    who->user, err);
	free(answer);
	json_free(&req);
}

/* PAM and the groups: 0, or -1 (logged, audited, the throttle told). */
static int
api_check_password(struct http_request *r, const char *user,
    const char *password, struct session_user *who)
{
	struct console *con = r->con;
	struct session_user tried;
	char err[ERR_LEN];
	unsigned n;

	if (pam_check(&con->pam, user, password, r->addr, err) == 0 &&
	    pam_groups(user, who, err) == 0)
		return 0;
	pthread_mutex_lock(&con->throttle_lock);
	n = throttle_failed(&con->throttle, r->addr);
	pthread_mutex_unlock(&con->throttle_lock);
	log_warnx("login refused: user %s from %s: %s (failure %u in a row "
	    "from this address)", user, r->addr, err, n);
	memset(&tried, 0, sizeof tried);
	snprintf(tried.user, sizeof tried.user, "%s", user);
	api_audit_login(r, &tried, 0, err);
	return -1;
}

enum MHD_Result
api_login(struct http_request *r)
{
	struct console *con = r->con;
	char user[SESSION_USER_MAX], password[API_PASSWORD_MAX];
	char id[SESSION_TOKEN_LEN + 1], cookie[160], err[ERR_LEN];
	struct session_user who;
	struct session_info info;
	struct json_value body;
	enum MHD_Result rc;
	double wait, until;
	struct json j;

	if (api_body(r, &body, &rc) == -1 ||
	    api_credentials(r, &body, user, password, &rc) == -1)
		return rc;
	pthread_mutex_lock(&con->throttle_lock);
	wait = throttle_book(&con->throttle, r->addr, console_now(), &until);
	pthread_mutex_unlock(&con->throttle_lock);
	if (wait < 0) {
		explicit_bzero(password, sizeof password);
		log_warnx("login refused: user %s from %s: too many attempts",
		    user, r->addr);
		return http_error(r, 429, "too many login attempts from %s: "
		    "wait %d s and try again", r->addr,
		    (int)THROTTLE_WAIT_MAX);
	}
	api_sleep_until(console_now() + wait);
	if (api_check_password(r, user, password, &who) == -1) {
		explicit_bzero(password, sizeof password);
		api_sleep_until(until);
		return http_error(r, 401, "wrong user name or password");
	}
	explicit_bzero(password, sizeof password);
	pthread_mutex_lock(&con->throttle_lock);
	throttle_succeeded(&con->throttle, r->addr, console_now());
	pthread_mutex_unlock(&con->throttle_lock);
	if (api_rights(r, &who, &rc) == -1)
		return rc;
	if (sessions_create(con->sessions, &who, console_now(), id, &info,
	    err) == -1) {
		log_warnx("login: %s: %s", user, err);
		return http_error(r, 503, "%s", err);
	}
	log_info("login: user %s from %s", who.user, r->addr);
	api_audit_login(r, &who, 1, NULL);
	snprintf(cookie, sizeof cookie, HTTP_COOKIE "=%s; Path=/; HttpOnly; "
	    "Secure; SameSite=Strict", id);
	json_init(&j);
	api_session_json(&info, &j);
	rc = http_json(r, 200, &j, cookie);
	json_free(&j);
	return rc;
}

enum MHD_Result
api_logout(struct http_request *r)
{
	char id[SESSION_TOKEN_LEN + 1];
	struct session_info info;
	struct json_value body;
	enum MHD_Result rc;
	static const char ok[] = "{\"ok\":true}";

	if (api_authorize(r, 0, &info, id, &rc) == -1 ||
	    api_body(r, &body, &rc) == -1 ||
	    api_csrf(r, &body, &info, &rc) == -1)
		return rc;
	sessions_end(r->con->sessions, id);
	log_info("logout: user %s from %s", info.who.user, r->addr);
	return http_respond(r, 200, "application/json", ok, sizeof ok - 1,
	    HTTP_COOKIE "=; Path=/; Max-Age=0; HttpOnly; Secure; "
	    "SameSite=Strict");
}

enum MHD_Result
api_action(struct http_request *r)
{
	char err[ERR_LEN], *answer = NULL;
	struct session_info info;
	struct json_value body;
	enum MHD_Result rc;
	struct json req;
	int ok;

	if (api_authorize(r, 1, &info, NULL, &rc) == -1 ||
	    api_body(r, &body, &rc) == -1 ||
	    api_csrf(r, &body, &info, &rc) == -1)
		return rc;
	json_init(&req);
	if (action_request(&body, &info.who, &req, err) == -1) {
		json_free(&req);
		return http_error(r, 400, "%s; nothing was done", err);
	}
	if (link_command(r->con->opt->socket, req.data, req.len, &answer,
	    err) == -1) {
		log_warnx("user %s: %s", info.who.user, err);
		json_free(&req);
		return http_error(r, 503, "%s; nothing was done", err);
	}
	ok = action_answer(answer, strlen(answer), err);
	log_info("user %s from %s: %s: %s", info.who.user, r->addr, req.data,
	    ok == 1 ? "done" : err);
	json_free(&req);
	/* wardend's answer as it is: ok, or its sentence. */
	rc = ok == -1 ? http_error(r, 502, "%s", err) :
	    http_respond(r, ok ? 200 : 409, "application/json", answer,
	    strlen(answer), NULL);
	free(answer);
	return rc;
}

enum MHD_Result
api_trend(struct http_request *r)
{
	const char *point = MHD_lookup_connection_value(r->conn,
	    MHD_GET_ARGUMENT_KIND, "point");
	struct session_info info;
	enum MHD_Result rc;
	struct json j;

	if (api_authorize(r, 0, &info, NULL, &rc) == -1)
		return rc;
	if (point == NULL || *point == '\0' ||
	    strlen(point) >= ACTION_POINT_MAX)
		return http_error(r, 400, "name the point: "
		    "/api/trend?point=NAME");
	json_init(&j);
	state_trend(r->con->state, point, console_now(), &j);
	rc = http_json(r, 200, &j, NULL);
	json_free(&j);
	return rc;
}
