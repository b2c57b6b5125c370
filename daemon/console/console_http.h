/*
 * console_http.h: the HTTPS server (libmicrohttpd, GnuTLS underneath,
 * a thread per connection) and its routes:
 *
 *   GET  /, /console.js, /console.css   the page, embedded in the binary
 *   GET  /api/session                   who is logged in (401: nobody)
 *   POST /api/login                     {"user","password"} -> cookie
 *   POST /api/logout                    {"csrf"}
 *   POST /api/action                    {"csrf","cmd",...} to wardend
 *   GET  /api/trend?point=NAME          the point's last hour
 *   GET  /api/events                    Server-Sent Events: status,
 *                                       audit, link, ended
 *
 * Every refusal is an HTTP 4xx (or 503 when wardend cannot be reached)
 * with {"ok":false,"error":"<a sentence>"}; nothing is done for it.
 * Limits: a request body of HTTP_BODY_MAX bytes (one declared over
 * HTTP_DISCARD_MAX refused unread), headers within
 * HTTP_MEMORY (libmicrohttpd answers 431/414 beyond), HTTP_CONNECTIONS
 * connections, HTTP_PER_ADDR from one address.
 */
#ifndef WARDEN_CONSOLE_HTTP_H
#define WARDEN_CONSOLE_HTTP_H

#include <stdarg.h>
#include <stddef.h>

#include <microhttpd.h>

#include "console.h"
#include "errmsg.h"
#include "json.h"

#define HTTP_BODY_MAX 16384
/* A body declared bigger is refused unread, the connection closed. */
#define HTTP_DISCARD_MAX (1024 * 1024)
#define HTTP_MEMORY (64 * 1024)
#define HTTP_CONNECTIONS 64
#define HTTP_PER_ADDR 24
#define HTTP_TIMEOUT 60                 /* seconds without traffic */
#define HTTP_COOKIE "wc_session"

/* One request being served. */
struct http_request {
	struct console *con;
	struct MHD_Connection *conn;
	const char *url, *method;
	char addr[64];                  /* the browser's address */
	char body[HTTP_BODY_MAX];
	size_t body_len;
	int body_too_big;
};

/* Serve HTTPS on listen_fd (already bound), the PEM texts cert and key
 * in memory. NULL with err. */
struct MHD_Daemon *http_start(struct console *con, int listen_fd,
    const char *cert, const char *key, char err[ERR_LEN]);
void http_stop(struct MHD_Daemon *d);

/* Queue the answer: status, content type, bytes (copied), and a
 * Set-Cookie when cookie is not NULL. */
enum MHD_Result http_respond(struct http_request *r, unsigned status,
    const char *type, const void *data, size_t len, const char *cookie);
/* A JSON answer from j (500 instead if j failed). */
enum MHD_Result http_json(struct http_request *r, unsigned status,
    const struct json *j, const char *cookie);
/* {"ok":false,"error":...} with status. */
enum MHD_Result http_error(struct http_request *r, unsigned status,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* console_api.c: the /api/ routes but events. */
enum MHD_Result api_session(struct http_request *r);
enum MHD_Result api_login(struct http_request *r);
enum MHD_Result api_logout(struct http_request *r);
enum MHD_Result api_action(struct http_request *r);
enum MHD_Result api_trend(struct http_request *r);
/* The session of the request's cookie, touched when touch: 0, or -1
 * with a 401 queued. */
int api_authorize(struct http_request *r, int touch,
    struct session_info *info, char id[SESSION_TOKEN_LEN + 1],
    enum MHD_Result *queued);

/* console_sse.c: /api/events. */
enum MHD_Result sse_start(struct http_request *r);

#endif
