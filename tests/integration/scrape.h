/*
 * scrape.h: what Prometheus does to wardend's metrics_listen, by hand:
 * one HTTP/1.0 GET on a raw socket, then samples looked up by their
 * exact series name.
 */
#ifndef WARDEN_SCRAPE_H
#define WARDEN_SCRAPE_H

#include <stddef.h>
#include <stdint.h>

#define SCRAPE_HEAD_MAX 2048
#define SCRAPE_BODY_MAX (256 * 1024)

struct scrape_answer {
	int status;                     /* HTTP status code */
	long content_length;            /* -1: no such header */
	char head[SCRAPE_HEAD_MAX];     /* status line and headers */
	char body[SCRAPE_BODY_MAX];
	size_t body_len;
};

/*
 * GET target from 127.0.0.1:port and read until the server closes (at
 * most 5 seconds). 0 with the answer in *a, or -1 when nothing that
 * looks like HTTP came back.
 */
int scrape_get(uint16_t port, const char *target, struct scrape_answer *a);

/*
 * The value of one sample: series is the metric name with its labels as
 * exposed, e.g. warden_requests_total{verdict="rejected"}. 0, or -1 when
 * the text has no such line.
 */
int scrape_value(const char *text, const char *series, double *value);

#endif
