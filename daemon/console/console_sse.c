/*
 * console_sse.c: /api/events, the live screen as Server-Sent Events
 * (console_http.h). The connection's thread blocks in state_wait() until
 * wardend pushes something (so the browser is as far behind as wardend's
 * pushes, at most 4 a second) or SSE_KEEPALIVE_MS pass (a comment line:
 * proxies keep the connection, and a browser gone is noticed). The
 * session is checked before each wait, not extended: an open screen
 * alone does not keep a session alive, so an unattended console ends
 * its session like any other; the browser is told ("ended").
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "console_http.h"

#define SSE_KEEPALIVE_MS 10000
#define SSE_CHUNK 16384

struct sse {
	struct console *con;
	char session[SESSION_TOKEN_LEN + 1];
	struct state_cursor cursor;
	struct buf out;                 /* events not yet handed to MHD */
	int ending;                     /* end once out is sent */
};

static const char sse_ended[] = "event: ended\ndata: {\"error\":\"your "
    "session ended (it expired or you logged out): log in again\"}\n\n";
static const char sse_keepalive[] = ": keepalive\n\n";

/* The next bytes of the stream into dst (at most max); blocks until
 * there are some. */
static ssize_t
sse_read(void *cls, uint64_t pos, char *dst, size_t max)
{
	struct sse *s = cls;
	struct session_info info;
	size_t n;
	int rc;

	(void)pos;
	while (buf_len(&s->out) == 0) {
		if (s->ending)
			return MHD_CONTENT_READER_END_OF_STREAM;
		if (sessions_find(s->con->sessions, s->session, console_now(),
		    0, &info) == -1) {
			if (buf_append(&s->out, sse_ended,
			    sizeof sse_ended - 1) == -1)
				return MHD_CONTENT_READER_END_WITH_ERROR;
			s->ending = 1;
			continue;
		}
		rc = state_wait(s->con->state, &s->cursor, SSE_KEEPALIVE_MS,
		    &s->out);
		if (rc == -1)
			return MHD_CONTENT_READER_END_OF_STREAM;
		if (rc == 0 && buf_append(&s->out, sse_keepalive,
		    sizeof sse_keepalive - 1) == -1)
			return MHD_CONTENT_READER_END_WITH_ERROR;
	}
	n = buf_len(&s->out) < max ? buf_len(&s->out) : max;
	memcpy(dst, buf_head(&s->out), n);
	buf_consume(&s->out, n);
	return (ssize_t)n;
}

static void
sse_free(void *cls)
{
	struct sse *s = cls;

	buf_free(&s->out);
	free(s);
}

enum MHD_Result
sse_start(struct http_request *r)
{
	struct MHD_Response *resp;
	struct session_info info;
	enum MHD_Result rc;
	struct sse *s;

	if ((s = calloc(1, sizeof *s)) == NULL)
		return MHD_NO;
	if (api_authorize(r, 0, &info, s->session, &rc) == -1) {
		free(s);
		return rc;
	}
	s->con = r->con;
	if (buf_init(&s->out, SSE_CHUNK) == -1) {
		free(s);
		return MHD_NO;
	}
	resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, SSE_CHUNK,
	    sse_read, s, sse_free);
	if (resp == NULL) {
		sse_free(s);
		return MHD_NO;
	}
	MHD_add_response_header(resp, "Content-Type", "text/event-stream");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	rc = MHD_queue_response(r->conn, 200, resp);
	MHD_destroy_response(resp);
	return rc;
}
