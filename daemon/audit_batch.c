/*
 * audit_batch.c: the records of one loop iteration in one write() (see
 * audit.h). audit_queue() keeps a record's body (ts, event, fields); at
 * audit_flush() the file is looked at once (audit_renew_check(): still
 * ours, with any torn bytes named), then each record is given its seq,
 * prev and hash after what the file holds at that moment, a checkpoint
 * after it where one falls due, and all go out in one write(). So the
 * chain is exactly what writing them one by one would have made, and
 * the look at the file is as close to the write as it was per record.
 * Nothing here allocates once the buffers have grown to the largest
 * batch seen.
 */
#include "audit.h"
#include "audit_writer.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A batch this big is written at once: an iteration's worth is far
 * less, and the memory stays bounded whatever a burst brings. */
#define BATCH_MAX (1u << 20)

/* The most a body may be so that its line, whatever its seq, is under
 * AUDIT_LINE_MAX: {"seq":<20 digits>, body ,"prev":"<hash>"} + hash. */
#define BODY_MAX (AUDIT_LINE_MAX - AUDIT_SUFFIX_LEN - \
	(sizeof "{\"seq\":," - 1 + 20) - \
	(sizeof ",\"prev\":\"\"}" - 1 + AUDIT_HASH_HEX))

void
audit_batch_init(struct audit *a)
{
	json_init(&a->batch.bodies);
	json_init(&a->batch.out);
}

void
audit_batch_free(struct audit *a)
{
	json_free(&a->batch.bodies);
	json_free(&a->batch.out);
	free(a->batch.rec);
	free(a->batch.lines);
	a->batch.rec = NULL;
	a->batch.lines = NULL;
}

static int
batch_reserve(struct audit_batch *b)
{
	struct audit_queued *r;
	struct audit_line_out *l;
	size_t cap;

	if (b->n < b->cap)
		return 0;
	cap = b->cap > 0 ? 2 * b->cap : 64;
	if ((l = realloc(b->lines, 2 * cap * sizeof *l)) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	b->lines = l;
	if ((r = realloc(b->rec, cap * sizeof *r)) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	b->rec = r;
	b->cap = cap;
	return 0;
}

audit_ticket
audit_queue(struct audit *a, const struct audit_event *ev)
{
	struct audit_batch *b = &a->batch;
	size_t start = b->bodies.len;

	if (!audit_event_valid(ev)) {
		errno = EINVAL;
		return 0;
	}
	if (a->syslog != NULL) {
		/* The copy is shipped as its record is written, one by one
		 * (audit.c): written now, never queued. */
		if (audit_write(a, ev, 0) == -1)
			return 0;
		return ++b->tickets;
	}
	if (batch_reserve(b) == -1)
		return 0;
	audit_body_put(&b->bodies, ev);
	if (json_failed(&b->bodies) || b->bodies.len - start > BODY_MAX) {
		errno = json_failed(&b->bodies) ? ENOMEM : EMSGSIZE;
		json_cut(&b->bodies, start);    /* the bodies before stay */
		return 0;
	}
	b->rec[b->n++].body_end = b->bodies.len;
	++b->tickets;
	if (b->bodies.len >= BATCH_MAX)
		(void)audit_flush(a);   /* its tickets say how it went */
	return b->tickets;
}

/* Tickets lo..hi were given up. */
static void
batch_fail(struct audit_batch *b, uint64_t lo, uint64_t hi)
{
	if (lo > hi)
		return;
	if (b->n_failed == AUDIT_FAILED_RANGES) {
		/* Never more than a few failures between two settles: when
		 * there are, the last range widens over what lies between,
		 * which only gives up more (never lets through the
		 * unwritten). */
		b->failed[b->n_failed - 1].hi = hi;
		return;
	}
	b->failed[b->n_failed++] = (struct audit_failed){ lo, hi };
}

/* One more line of out: the record seq with body, after prev. */
static int
batch_line(struct audit *a, const char *body, size_t n, uint64_t seq,
    const char *prev, int checkpoint)
{
	struct audit_batch *b = &a->batch;
	struct audit_line_out *l = &b->lines[b->n_lines];

	if (audit_line_put(a, &b->out, body, n, seq, prev, l->hash) == -1)
		return -1;
	l->end = b->out.len;
	l->seq = seq;
	l->checkpoint = checkpoint;
	b->n_lines++;
	return 0;
}

/*
 * After the line just made, the checkpoint that falls due there, as
 * audit_append() would write it. One that cannot be made is counted and
 * tried again after the next record, as there.
 */
static void
batch_checkpoint(struct audit *a, unsigned *since)
{
	struct audit_batch *b = &a->batch;
	const struct audit_line_out *last = &b->lines[b->n_lines - 1];
	struct audit_checkpoint_ev cp;

	if (a->key == NULL || ++*since < a->checkpoint_every)
		return;
	if (audit_checkpoint_event(a, last->seq, last->hash, &cp) == -1)
		return;                         /* counted */
	json_clear(&a->body);
	audit_body_put(&a->body, &cp.ev);
	if (json_failed(&a->body) || batch_line(a, a->body.data,
	    a->body.len, last->seq + 1, last->hash, 1) == -1) {
		json_cut(&b->out, last->end);
		a->stats.checkpoint_errors++;
		return;
	}
	*since = 0;
}

/*
 * Lay out the lines of the queued records in out, the chain going on
 * from the file's last record. Returns how many records were laid out:
 * all, or those before one that could not be (errno says why).
 */
static size_t
batch_compose(struct audit *a)
{
	struct audit_batch *b = &a->batch;
	const struct audit_line_out *last;
	unsigned since = a->since_checkpoint;
	size_t k, start = 0, whole;
	const char *prev = a->prev;
	uint64_t seq = a->seq;

	json_clear(&b->out);
	b->n_lines = 0;
	if (a->needs_newline)
		json_append(&b->out, "\n", 1);
	for (k = 0; k < b->n; k++) {
		whole = b->out.len;
		if (batch_line(a, b->bodies.data + start,
		    b->rec[k].body_end - start, seq + 1, prev, 0) == -1) {
			json_cut(&b->out, whole);
			break;
		}
		b->rec[k].line = b->n_lines - 1;
		batch_checkpoint(a, &since);
		last = &b->lines[b->n_lines - 1];
		seq = last->seq;
		prev = last->hash;
		start = b->rec[k].body_end;
	}
	return k;
}

/* 1 when out starts with the newline that ends a torn line before it. */
static size_t
prefix0(const struct audit_batch *b)
{
	return b->out.len > 0 && b->out.data[0] == '\n';
}

/* The first lines that done bytes of out hold whole are in the file:
 * the chain, the counts and the checkpoints go on from them. */
static size_t
batch_account(struct audit *a, size_t done, int saved_errno)
{
	struct audit_batch *b = &a->batch;
	size_t i, k, whole = 0, prefix = a->needs_newline ? 1 : 0;

	for (i = 0; i < b->n_lines && b->lines[i].end <= done; i++) {
		const struct audit_line_out *l = &b->lines[i];

		a->seq = l->seq;
		memcpy(a->prev, l->hash, sizeof a->prev);
		if (l->checkpoint) {
			a->since_checkpoint = 0;
			a->checkpoint_seq = l->seq;
			a->stats.checkpoints++;
		} else if (a->key != NULL)
			a->since_checkpoint++;
		whole = l->end;
		prefix = 0;
	}
	if (i > 0) {
		a->dirty = 1;
		a->stats.records += i;
		a->stats.bytes += whole;
		if (a->tap != NULL)
			a->tap(a->tap_ctx, b->out.data + prefix0(b),
			    whole - prefix0(b));
	}
	if (done > whole + prefix && !a->resume_pending) {
		a->resume_pending = 1;
		a->torn_offset = a->size + whole + prefix;
		snprintf(a->torn_cause, sizeof a->torn_cause,
		    "a failed write (%s)", strerror(saved_errno));
	}
	a->size += done;
	if (done > 0)
		a->needs_newline = b->out.data[done - 1] != '\n';
	for (k = i; k < b->n_lines; k++)
		if (b->lines[k].checkpoint)
			a->stats.checkpoint_errors++;
	return i;
}

/* All of out in one write() when the kernel takes it all: the bytes
 * written, and errno set when not all. */
static size_t
batch_write(struct audit *a, int *saved_errno)
{
	struct audit_batch *b = &a->batch;
	size_t done = 0;
	ssize_t r;

	while (done < b->out.len) {
		r = write(a->fd, b->out.data + done, b->out.len - done);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0) {
			*saved_errno = r == 0 ? EIO : errno;
			a->stats.write_errors++;
			audit_health_fail(&a->write_health, "audit log %s: "
			    "write: %s", a->path, strerror(*saved_errno));
			return done;
		}
		done += (size_t)r;
	}
	health_mark_ok(&a->write_health);
	return done;
}

int
audit_flush(struct audit *a)
{
	struct audit_batch *b = &a->batch;
	size_t n = b->n, laid = 0, lines = 0, k;
	uint64_t first = b->tickets - n + 1;
	int saved_errno = 0;

	if (n == 0)
		return 0;
	/* Still our file, and any torn bytes named, before the batch is
	 * laid out: those records may take seqs first. */
	if (audit_renew_check(a) == -1 ||
	    (a->resume_pending && audit_write_resumed(a, 0) == -1))
		saved_errno = errno;
	else if ((laid = batch_compose(a)) < n)
		saved_errno = errno;
	if (laid > 0) {
		lines = batch_account(a, batch_write(a, &saved_errno),
		    saved_errno);
		/* audit_fsync 0s: on disk before it acts, or not at all. */
		if (lines == b->n_lines && a->fsync_interval <= 0 &&
		    audit_sync_file(a) == -1) {
			saved_errno = errno;
			lines = 0;
		}
	}
	for (k = 0; k < laid && b->rec[k].line < lines; k++)
		;
	batch_fail(b, first + k, b->tickets);
	b->n = 0;
	b->n_lines = 0;
	json_clear(&b->bodies);
	json_clear(&b->out);
	if (k < n) {
		errno = saved_errno != 0 ? saved_errno : EIO;
		return -1;
	}
	return 0;
}

int
audit_written(const struct audit *a, audit_ticket t)
{
	const struct audit_batch *b = &a->batch;
	size_t i;

	if (t == 0 || t > b->tickets - b->n)
		return 0;
	for (i = 0; i < b->n_failed; i++)
		if (t >= b->failed[i].lo && t <= b->failed[i].hi)
			return 0;
	return 1;
}

void
audit_settle(struct audit *a)
{
	a->batch.n_failed = 0;
}
