/*
 * push.c: pushes to the control socket's subscribers (push.h).
 */
#include <stdlib.h>
#include <string.h>

#include "control.h"
#include "log.h"
#include "push.h"
#include "status.h"
#include "warden.h"

/* Records kept for the next push; past it the oldest are let go. */
#define PUSH_KEEP_MAX (256 * 1024)

struct push {
	struct warden *w;
	ev_timer timer;
	struct json line;               /* the push being built */
	struct json last;               /* the last status pushed */
	double last_at;
	struct json records;            /* lines written since the last
					 * push, each with its newline */
	size_t n_records;
	unsigned long skipped;
};

/* audit_tap_fn: copied, only while someone subscribes. */
static void
push_tap(void *ctx, const char *lines, size_t len)
{
	struct push *p = ctx;
	const char *nl;
	size_t cut;

	json_append(&p->records, lines, len);
	for (nl = lines; (nl = memchr(nl, '\n', len - (size_t)(nl - lines))) !=
	    NULL; nl++)
		p->n_records++;
	if (p->records.len <= PUSH_KEEP_MAX)
		return;
	/* Keep the newest half, from a line's start. */
	nl = memchr(p->records.data + p->records.len / 2, '\n',
	    p->records.len / 2);
	cut = nl == NULL ? p->records.len : (size_t)(nl + 1 -
	    p->records.data);
	for (nl = p->records.data; (nl = memchr(nl, '\n', cut - (size_t)(nl -
	    p->records.data))) != NULL; nl++) {
		p->n_records--;
		p->skipped++;
	}
	memmove(p->records.data, p->records.data + cut, p->records.len - cut);
	json_cut(&p->records, p->records.len - cut);
}

static void
push_send(struct push *p, const struct json *j)
{
	if (json_failed(j)) {
		log_warnx("push: out of memory; a push was left out");
		return;
	}
	control_push(p->w->control, j->data, j->len);
}

static void
push_status(struct push *p, double now)
{
	struct status s;

	if (status_fill(p->w, &s) == -1) {
		log_warnx("push: out of memory for the status");
		return;
	}
	json_clear(&p->line);
	json_object_begin(&p->line);
	json_kv_string(&p->line, "push", "status");
	status_json(&s, &p->line);
	json_object_end(&p->line);
	status_free(&s);
	if (now - p->last_at < PUSH_HEARTBEAT && p->line.len == p->last.len &&
	    memcmp(p->line.data, p->last.data, p->line.len) == 0)
		return;
	push_send(p, &p->line);
	json_clear(&p->last);
	json_append(&p->last, p->line.data, p->line.len);
	p->last_at = now;
}

static void
push_records(struct push *p)
{
	const char *at = p->records.data, *end = at + p->records.len, *nl;
	size_t skip = p->n_records > PUSH_RECORDS ?
	    p->n_records - PUSH_RECORDS : 0;
	int first = 1;

	if (p->n_records == 0)
		return;
	json_clear(&p->line);
	json_object_begin(&p->line);
	json_kv_string(&p->line, "push", "audit");
	json_key(&p->line, "records");
	json_array_begin(&p->line);
	for (; at < end && (nl = memchr(at, '\n', (size_t)(end - at))) !=
	    NULL; at = nl + 1) {
		if (skip > 0) {
			skip--;
			p->skipped++;
			continue;
		}
		if (!first)
			json_append(&p->line, ",", 1);
		json_append(&p->line, at, (size_t)(nl - at));
		first = 0;
	}
	json_array_end(&p->line);
	json_kv_uint(&p->line, "skipped", p->skipped);
	json_object_end(&p->line);
	push_send(p, &p->line);
	json_clear(&p->records);
	p->n_records = 0;
	p->skipped = 0;
}

static void
push_timer_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
	struct push *p = t->data;

	(void)revents;
	if (p->w->control == NULL || control_subscribers(p->w->control) == 0) {
		ev_timer_stop(loop, t);
		audit_set_tap(p->w->audit, NULL, NULL);
		json_clear(&p->records);
		p->n_records = 0;
		p->skipped = 0;
		return;
	}
	push_records(p);
	push_status(p, ev_now(loop));
}

struct push *
push_new(struct warden *w)
{
	struct push *p = calloc(1, sizeof *p);

	if (p == NULL)
		return NULL;
	p->w = w;
	json_init(&p->line);
	json_init(&p->last);
	json_init(&p->records);
	ev_timer_init(&p->timer, push_timer_cb, PUSH_INTERVAL, PUSH_INTERVAL);
	p->timer.data = p;
	return p;
}

void
push_free(struct push *p)
{
	if (p == NULL)
		return;
	ev_timer_stop(p->w->loop, &p->timer);
	if (p->w->audit != NULL)
		audit_set_tap(p->w->audit, NULL, NULL);
	json_free(&p->line);
	json_free(&p->last);
	json_free(&p->records);
	free(p);
}

void
push_subscribed(struct push *p)
{
	/* The newcomer gets the whole status at once, not in 5 s. */
	json_clear(&p->last);
	if (ev_is_active(&p->timer))
		return;
	audit_set_tap(p->w->audit, push_tap, p);
	p->last_at = 0;
	ev_timer_start(p->w->loop, &p->timer);
}
