/*
 * metrics_http.h: the Prometheus page served at metrics_listen, GET
 * /metrics. The endpoint knows HTTP, not the gateway: whoever starts it
 * gives the function that writes the page (status_metrics_page()).
 *
 * HTTP/1.0 in the daemon's loop, never blocking it: one request per
 * connection, answered and closed; a request larger than
 * METRICS_REQUEST_MAX or slower than METRICS_TIMEOUT is dropped; at most
 * METRICS_MAX_CONNS scrapes at once, more are accepted and closed. Only
 * GET /metrics is served: another path gets 404, another method 405,
 * anything unreadable 400.
 */
#ifndef WARDEN_METRICS_HTTP_H
#define WARDEN_METRICS_HTTP_H

#include <ev.h>

#include "buf.h"
#include "config.h"
#include "errmsg.h"

#define METRICS_REQUEST_MAX 4096
#define METRICS_TIMEOUT 5.0
#define METRICS_MAX_CONNS 8

struct metrics_http;
struct streams;

/* Append the exposition to out: 0, or -1 when out of memory (the scrape
 * is then dropped). */
typedef int metrics_page_fn(void *ctx, struct buf *out);

/*
 * Listen on ep (call before dropping privileges); each scrape, a stream
 * of ss, is answered with page(ctx). NULL with err when it cannot.
 */
struct metrics_http *metrics_http_start(struct streams *ss,
    const struct config_endpoint *ep, metrics_page_fn *page, void *ctx,
    char err[ERR_LEN]);
/* Close the listener and every scrape in progress; NULL does nothing. */
void metrics_http_stop(struct metrics_http *h);

#endif
