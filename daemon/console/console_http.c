/*
 * console_http.c: libmicrohttpd set up, requests read and routed,
 * answers queued (console_http.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "console_assets.h"
#include "console_http.h"
#include "log.h"

/* The page loads its own script and style and talks to its own origin;
 * nothing else, and it is never framed. */
#define HTTP_CSP "default-src 'none'; script-src 'self'; " \
	"style-src 'self'; img-src 'self'; connect-src 'self'; " \
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

static void
http_headers(struct MHD_Response *resp, const char *type,
    const char *cookie)
{
	MHD_add_response_header(resp, "Content-Type", type);
	MHD_add_response_header(resp, "Content-Security-Policy", HTTP_CSP);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	MHD_add_response_header(resp, "Strict-Transport-Security",
	    "max-age=31536000");
	if (cookie != NULL)
		MHD_add_response_header(resp, "Set-Cookie", cookie);
}

enum MHD_Result
http_respond(struct http_request *r, unsigned status, const char *type,
    const void *data, size_t len, const char *cookie)
{
	struct MHD_Response *resp;
	enum MHD_Result rc;

	resp = MHD_create_response_from_buffer(len, (void *)(uintptr_t)data,
	    MHD_RESPMEM_MUST_COPY);
	if (resp == NULL)
		return MHD_NO;
	http_headers(resp, type, cookie);
	rc = MHD_queue_response(r->conn, status, resp);
	MHD_destroy_response(resp);
	return rc;
}

enum MHD_Result
http_json(struct http_request *r, unsigned status, const struct json *j,
    const char *cookie)
{
	static const char oom[] = "{\"ok\":false,\"error\":\"out of memory\"}";

	if (json_failed(j) || j->len == 0)
		return http_respond(r, 500, "application/json", oom,
		    sizeof oom - 1, NULL);
	return http_respond(r, status, "application/json", j->data, j->len,
	    cookie);
}

enum MHD_Result
http_error(struct http_request *r, unsigned status, const char *fmt, ...)
{
	char msg[ERR_LEN];
	struct json j;
	enum MHD_Result rc;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	json_init(&j);
	json_object_begin(&j);
	json_kv_bool(&j, "ok", 0);
	json_kv_string(&j, "error", msg);
	json_object_end(&j);
	rc = http_json(r, status, &j, NULL);
	json_free(&j);
	return rc;
}

static enum MHD_Result
http_asset(struct http_request *r)
{
	const char *path = strcmp(r->url, "/") == 0 ? "/index.html" : r->url;
	const struct console_asset *a;

	for (a = console_assets; a->path != NULL; a++)
		if (strcmp(a->path, path) == 0)
			return http_respond(r, 200, a->type, a->data, a->len,
			    NULL);
	return http_error(r, 404, "%s: no such page on this console; the "
	    "console is at /", r->url);
}

struct http_route {
	const char *method, *url;
	enum MHD_Result (*serve)(struct http_request *r);
};

static const struct http_route http_routes[] = {
	{ "GET", "/api/session", api_session },
	{ "POST", "/api/login", api_login },
	{ "POST", "/api/logout", api_logout },
	{ "POST", "/api/action", api_action },
	{ "GET", "/api/trend", api_trend },
	{ "GET", "/api/events", sse_start },
};

static enum MHD_Result
http_route(struct http_request *r)
{
	size_t i;

	if (r->body_too_big)
		return http_error(r, 413, "the request body is over %d bytes: "
		    "refused, nothing done", HTTP_BODY_MAX);
	for (i = 0; i < sizeof http_routes / sizeof http_routes[0]; i++) {
		if (strcmp(http_routes[i].url, r->url) != 0)
			continue;
		if (strcmp(http_routes[i].method, r->method) != 0)
			return http_error(r, 405, "%s takes %s, not %s",
			    r->url, http_routes[i].method, r->method);
		return http_routes[i].serve(r);
	}
	if (strncmp(r->url, "/api/", 5) == 0)
		return http_error(r, 404, "%s: no such call", r->url);
	if (strcmp(r->method, "GET") != 0)
		return http_error(r, 405, "%s takes GET, not %s", r->url,
		    r->method);
	return http_asset(r);
}

static void
http_peer(struct MHD_Connection *conn, char *out, size_t cap)
{
	const union MHD_ConnectionInfo *ci;
	const struct sockaddr *sa;

	snprintf(out, cap, "?");
	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci == NULL || (sa = ci->client_addr) == NULL)
		return;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)
		    (const void *)sa)->sin_addr, out, (socklen_t)cap);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)
		    (const void *)sa)->sin6_addr, out, (socklen_t)cap);
}

/*
 * libmicrohttpd calls this first with the headers (a request is made;
 * one that declares a body over HTTP_DISCARD_MAX is refused at once), then
 * once per piece of the body (kept, up to HTTP_BODY_MAX; beyond it
 * dropped and the request refused whole), then with no body left: then
 * it is served.
 */
static enum MHD_Result
http_access(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **req_cls)
{
	struct http_request *r = *req_cls;
	const char *cl;

	(void)version;
	if (r == NULL) {
		if ((r = calloc(1, sizeof *r)) == NULL)
			return MHD_NO;
		r->con = cls;
		r->conn = conn;
		r->url = url;
		r->method = method;
		http_peer(conn, r->addr, sizeof r->addr);
		*req_cls = r;
		cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
		    MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl != NULL && strtoull(cl, NULL, 10) > HTTP_BODY_MAX)
			r->body_too_big = 1;
		/* A body somewhat too big is read and dropped, so that the
		 * client, still sending, reads the 413; one far too big is
		 * refused before a byte of it is read, and libmicrohttpd
		 * closes the connection instead of reading the rest. */
		if (cl != NULL && strtoull(cl, NULL, 10) > HTTP_DISCARD_MAX)
			return http_route(r);
		return MHD_YES;
	}
	if (*upload_size > 0) {
		if (!r->body_too_big &&
		    *upload_size <= HTTP_BODY_MAX - r->body_len) {
			memcpy(r->body + r->body_len, upload, *upload_size);
			r->body_len += *upload_size;
		} else
			r->body_too_big = 1;
		*upload_size = 0;
		return MHD_YES;
	}
	return http_route(r);
}

static void
http_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
    enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)conn;
	(void)toe;
	free(*req_cls);
	*req_cls = NULL;
}

static void __attribute__((format(printf, 2, 0)))
http_log(void *cls, const char *fmt, va_list ap)
{
	char msg[1024];
	size_t n;

	(void)cls;
	vsnprintf(msg, sizeof msg, fmt, ap);
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	log_debug("http: %s", msg);
}

struct MHD_Daemon *
http_start(struct console *con, int listen_fd, const char *cert,
    const char *key, char err[ERR_LEN])
{
	struct MHD_Daemon *d;

	d = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION |
	    MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_TLS | MHD_USE_ERROR_LOG,
	    0, NULL, NULL, http_access, con,
	    MHD_OPTION_LISTEN_SOCKET, listen_fd,
	    MHD_OPTION_HTTPS_MEM_CERT, cert,
	    MHD_OPTION_HTTPS_MEM_KEY, key,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)HTTP_CONNECTIONS,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)HTTP_PER_ADDR,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)HTTP_TIMEOUT,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HTTP_MEMORY,
	    MHD_OPTION_STRICT_FOR_CLIENT, 1,
	    MHD_OPTION_NOTIFY_COMPLETED, http_completed, NULL,
	    MHD_OPTION_EXTERNAL_LOGGER, http_log, NULL,
	    MHD_OPTION_END);
	if (d == NULL)
		errmsg_set(err, "cannot start the HTTPS server: check that "
		    "--cert and --key are a PEM certificate and its "
		    "unencrypted private key");
	return d;
}

void
http_stop(struct MHD_Daemon *d)
{
	if (d != NULL)
		MHD_stop_daemon(d);
}
