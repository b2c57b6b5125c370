/*
 * audit.c: the audit log writer: open and recover, one write() per
 * record, fsync on demand or on the caller's timer (see audit.h). What
 * happens when the file at audit_log goes while it is open: audit_renew.c.
 */
#include "audit.h"
#include "audit_file.h"
#include "audit_record.h"
#include "audit_sign.h"
#include "audit_syslog.h"
#include "audit_writer.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Keys a caller's extra field may not take. */
static const char *const taken_keys[] = { "seq", "ts", "event", "client",
	"user", "uid", "unit", "fc", "point", "value", "raw", "forwarded",
	"rule", "limit", "exception", "cause", "reason", "device", "prev",
	"hash" };

/* The longest key of a points list, so that "<key>_omitted" fits. */
#define LIST_KEY_MAX 48

static int
extra_list_valid(const struct audit_extra *x)
{
	switch (x->type) {
	case AUDIT_WORDS:
	case AUDIT_BITS:
	case AUDIT_HEX:
		return x->n == 0 || x->bytes != NULL;
	case AUDIT_POINTS:
		return (x->n == 0 || x->point != NULL) &&
		    strlen(x->key) < LIST_KEY_MAX;
	default:
		return 1;
	}
}

int
audit_event_valid(const struct audit_event *ev)
{
	size_t i, k;

	if (ev->event == NULL || ev->event[0] == '\0')
		return 0;
	if (ev->n_extra > 0 && ev->extra == NULL)
		return 0;
	for (i = 0; i < ev->n_extra; i++) {
		if (ev->extra[i].key == NULL || (ev->extra[i].type ==
		    AUDIT_STRING && ev->extra[i].s == NULL) ||
		    !extra_list_valid(&ev->extra[i]))
			return 0;
		for (k = 0; k < sizeof taken_keys / sizeof taken_keys[0]; k++)
			if (strcmp(ev->extra[i].key, taken_keys[k]) == 0)
				return 0;
	}
	return 1;
}

static void
put_words(struct json *j, const struct audit_extra *x)
{
	size_t i;

	json_array_begin(j);
	for (i = 0; i < x->n; i++)
		json_uint(j, (uint16_t)(x->bytes[2 * i] << 8 |
		    x->bytes[2 * i + 1]));
	json_array_end(j);
}

static void
put_point(struct json *j, const struct audit_point *p)
{
	json_object_begin(j);
	json_kv_string(j, "point", p->point);
	if (p->has_value)
		json_kv_double(j, "value", p->value);
	if (p->has_raw)
		json_kv_int(j, "raw", p->raw);
	if (p->has_forwarded)
		json_kv_double(j, "forwarded", p->forwarded);
	json_object_end(j);
}

/*
 * The points one by one, while the record keeps AUDIT_LIST_SPARE bytes
 * below its limit; past that, the count of them instead (see audit.h).
 */
static void
put_points(struct json *j, const struct audit_extra *x)
{
	const size_t budget = AUDIT_LINE_MAX - AUDIT_SUFFIX_LEN -
	    AUDIT_LIST_SPARE;
	struct json_mark before = json_mark(j);
	struct audit_point p;
	char key[LIST_KEY_MAX + sizeof "_omitted"];
	size_t i;

	json_key(j, x->key);
	json_array_begin(j);
	for (i = 0; i < x->n && j->len <= budget; i++) {
		memset(&p, 0, sizeof p);
		x->point(x->ctx, i, &p);
		if (p.point == NULL)
			p.point = "";
		put_point(j, &p);
	}
	json_array_end(j);
	if (j->len <= budget)
		return;
	json_rewind(j, before);
	snprintf(key, sizeof key, "%s_omitted", x->key);
	json_kv_uint(j, key, x->n);
}

static void
put_extra(struct json *j, const struct audit_extra *x)
{
	if (x->type != AUDIT_POINTS)            /* it may name another */
		json_key(j, x->key);
	switch (x->type) {
	case AUDIT_STRING: json_string(j, x->s); break;
	case AUDIT_INT: json_int(j, x->i); break;
	case AUDIT_UINT: json_uint(j, x->u); break;
	case AUDIT_DOUBLE: json_double(j, x->d); break;
	case AUDIT_BOOL: json_bool(j, x->i != 0); break;
	case AUDIT_WORDS: put_words(j, x); break;
	case AUDIT_BITS: json_string_bits(j, x->bytes, x->n); break;
	case AUDIT_HEX: json_string_hex(j, x->bytes, x->n); break;
	case AUDIT_POINTS: put_points(j, x); break;
	}
}

static void
put_string(struct json *j, const char *key, const char *s)
{
	if (s != NULL)
		json_kv_string(j, key, s);
}

/* The fields of ev in their fixed order (audit.h). */
static void
put_fields(struct json *j, const struct audit_event *ev)
{
	size_t i;

	put_string(j, "client", ev->client);
	put_string(j, "user", ev->user);
	if (ev->has_uid)
		json_kv_uint(j, "uid", ev->uid);
	if (ev->has_unit)
		json_kv_uint(j, "unit", ev->unit);
	if (ev->has_fc)
		json_kv_uint(j, "fc", ev->fc);
	put_string(j, "point", ev->point);
	if (ev->has_value)
		json_kv_double(j, "value", ev->value);
	if (ev->has_raw)
		json_kv_int(j, "raw", ev->raw);
	if (ev->has_forwarded)
		json_kv_double(j, "forwarded", ev->forwarded);
	put_string(j, "rule", ev->rule);
	if (ev->has_limit)
		json_kv_double(j, "limit", ev->limit);
	if (ev->has_exception)
		json_kv_uint(j, "exception", ev->exception);
	put_string(j, "cause", ev->cause);
	put_string(j, "reason", ev->reason);
	put_string(j, "device", ev->device);
	for (i = 0; i < ev->n_extra; i++)
		put_extra(j, &ev->extra[i]);
}

/* RFC 3339 UTC with microseconds: 2026-11-24T20:45:34.123456Z */
static void
format_ts(char *buf, size_t len)
{
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000);
}

void
audit_body_put(struct json *j, const struct audit_event *ev)
{
	char ts[96];          /* more than the 27 used: gcc sizes %d as int */

	format_ts(ts, sizeof ts);
	json_cut(j, j->len);
	json_kv_string(j, "ts", ts);
	json_kv_string(j, "event", ev->event);
	put_fields(j, ev);
}

int
audit_line_put(struct audit *a, struct json *j, const char *body, size_t n,
    uint64_t seq, const char *prev, char hash[AUDIT_HASH_HEX + 1])
{
	size_t object_at = j->len;
	char head[32];
	int k;

	/* The bytes json_kv_uint() and json_kv_string() would give: seq
	 * first, prev last, the body's members between them. */
	k = snprintf(head, sizeof head, "{\"seq\":%llu,",
	    (unsigned long long)seq);
	json_append(j, head, (size_t)k);
	json_append(j, body, n);
	json_append(j, ",\"prev\":\"", sizeof ",\"prev\":\"" - 1);
	json_append(j, prev, AUDIT_HASH_HEX);
	json_append(j, "\"}", 2);
	if (json_failed(j)) {
		errno = ENOMEM;
		return -1;
	}
	if (j->len - object_at > AUDIT_LINE_MAX - AUDIT_SUFFIX_LEN) {
		errno = EMSGSIZE;
		return -1;
	}
	if (audit_digest(&a->hasher, j->data + object_at, j->len - object_at,
	    NULL, 0, hash) == -1) {
		errno = EIO;
		return -1;
	}
	j->len--;                               /* reopen the object */
	json_append(j, AUDIT_HASH_KEY, sizeof AUDIT_HASH_KEY - 1);
	json_append(j, hash, AUDIT_HASH_HEX);
	json_append(j, "\"}\n", 3);
	if (json_failed(j)) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

/*
 * a->line = [newline the file lacks] the record of ev after a->seq
 * ,"hash":"<sha256 of the object>"} newline; *hash = that hash.
 */
static int
build_line(struct audit *a, const struct audit_event *ev,
    char hash[AUDIT_HASH_HEX + 1])
{
	json_clear(&a->body);
	audit_body_put(&a->body, ev);
	if (json_failed(&a->body)) {
		errno = ENOMEM;
		return -1;
	}
	json_clear(&a->line);
	if (a->needs_newline)
		json_append(&a->line, "\n", 1);
	return audit_line_put(a, &a->line, a->body.data, a->body.len,
	    a->seq + 1, a->prev, hash);
}

/* After a write that failed part way: remember the torn bytes. */
static void
note_torn(struct audit *a, size_t done, int saved_errno)
{
	size_t prefix = a->needs_newline ? 1 : 0;

	if (done > prefix && !a->resume_pending) {
		a->resume_pending = 1;
		a->torn_offset = a->size + prefix;
		snprintf(a->torn_cause, sizeof a->torn_cause,
		    "a failed write (%s)", strerror(saved_errno));
	}
	a->size += done;
	if (done > 0)
		a->needs_newline = a->line.data[done - 1] != '\n';
}

/* The whole line in one write() when the kernel takes it all. */
static int
write_line(struct audit *a)
{
	size_t done = 0, n = a->line.len;
	ssize_t r;
	int saved_errno;

	while (done < n) {
		r = write(a->fd, a->line.data + done, n - done);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0) {
			saved_errno = r == 0 ? EIO : errno;
			a->stats.write_errors++;
			audit_health_fail(&a->write_health, "audit log %s: "
			    "write: %s", a->path, strerror(saved_errno));
			note_torn(a, done, saved_errno);
			errno = saved_errno;
			return -1;
		}
		done += (size_t)r;
	}
	a->size += n;
	a->needs_newline = 0;
	health_mark_ok(&a->write_health);
	return 0;
}

void
audit_health_fail(struct health_mark *mark, const char *fmt, ...)
{
	char text[ERR_LEN];
	struct timespec ts;
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	clock_gettime(CLOCK_REALTIME, &ts);
	health_mark_fail(mark, (double)ts.tv_sec + ts.tv_nsec / 1e9, text);
	errno = saved;
}

void
audit_health(const struct audit *a, struct health_mark *out)
{
	/* The write first: a sync of what could not be written proves
	 * nothing. */
	*out = a->write_health.failed ? a->write_health : a->sync_health;
}

int
audit_sync_file(struct audit *a)
{
	struct timespec t0, t1;
	uint64_t us;
	int r;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	r = fdatasync(a->fd);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	us = (uint64_t)((t1.tv_sec - t0.tv_sec) * 1000000 +
	    (t1.tv_nsec - t0.tv_nsec) / 1000);
	a->stats.fsyncs++;
	a->stats.fsync_us_total += us;
	a->stats.last_fsync_us = us;
	if (r == -1) {
		a->stats.fsync_errors++;
		audit_health_fail(&a->sync_health, "audit log %s: fdatasync: "
		    "%s", a->path, strerror(errno));
		return -1;
	}
	a->dirty = 0;
	health_mark_ok(&a->sync_health);
	return 0;
}

/* The record just written, to syslog: the object without the newline
 * before it (a torn line's end) or after it. */
static void
record_ship(struct audit *a, const char *event)
{
	const char *line = a->line.data;
	size_t len = a->line.len - 1;

	if (line[0] == '\n') {
		line++;
		len--;
	}
	audit_syslog_send(a->syslog, line, len, a->seq, event, a->prev);
	a->stats.syslog_sent = audit_syslog_sent(a->syslog);
	a->stats.syslog_dropped = audit_syslog_dropped(a->syslog);
}

void
audit_set_tap(struct audit *a, audit_tap_fn *fn, void *ctx)
{
	a->tap = fn;
	a->tap_ctx = ctx;
}

int
audit_append(struct audit *a, const struct audit_event *ev, int sync_now)
{
	char hash[AUDIT_HASH_HEX + 1];

	if (build_line(a, ev, hash) == -1)
		return -1;
	if (write_line(a) == -1)
		return -1;
	a->seq++;
	memcpy(a->prev, hash, sizeof a->prev);
	a->dirty = 1;
	a->stats.records++;
	a->stats.bytes += a->line.len;
	if (a->syslog != NULL)
		record_ship(a, ev->event);
	if (a->tap != NULL)
		a->tap(a->tap_ctx, a->line.data + (a->line.data[0] == '\n'),
		    a->line.len - (a->line.data[0] == '\n'));
	if (a->key != NULL && !a->in_checkpoint &&
	    ++a->since_checkpoint >= a->checkpoint_every)
		/* On failure, retried on the next record. */
		(void)audit_append_checkpoint(a, 0);
	/* audit_fsync: 0s asks for every record on disk before it acts. */
	return sync_now || a->fsync_interval <= 0 ? audit_sync_file(a) : 0;
}

/* audit_resumed for the bytes from a->torn_offset to the end of file. */
int
audit_write_resumed(struct audit *a, int sync_now)
{
	struct audit_extra extra[2] = {
		{ .key = "torn_offset", .type = AUDIT_UINT,
		  .u = a->torn_offset },
		{ .key = "torn_bytes", .type = AUDIT_UINT,
		  .u = a->size - a->torn_offset },
	};
	struct audit_event ev = { .event = "audit_resumed",
		.extra = extra, .n_extra = 2 };
	char reason[ERR_LEN];

	snprintf(reason, sizeof reason, "%s left %llu bytes that are not a "
	    "record after seq %llu", a->torn_cause,
	    (unsigned long long)(a->size - a->torn_offset),
	    (unsigned long long)a->seq);
	ev.reason = reason;
	if (audit_append(a, &ev, sync_now) == -1)
		return -1;
	a->resume_pending = 0;
	a->stats.resumed++;
	return 0;
}

int
audit_checkpoint_event(struct audit *a, uint64_t seq, const char *hash,
    struct audit_checkpoint_ev *cp)
{
	memcpy(cp->hash, hash, sizeof cp->hash);
	if (audit_key_sign(a->key, seq, cp->hash, cp->sig) == -1) {
		a->stats.checkpoint_errors++;
		errno = EIO;
		return -1;
	}
	cp->extra[0] = (struct audit_extra){ .key = "key_id",
	    .type = AUDIT_STRING, .s = audit_key_id(a->key) };
	cp->extra[1] = (struct audit_extra){ .key = "signed_seq",
	    .type = AUDIT_UINT, .u = seq };
	cp->extra[2] = (struct audit_extra){ .key = "signed_hash",
	    .type = AUDIT_STRING, .s = cp->hash };
	cp->extra[3] = (struct audit_extra){ .key = "sig",
	    .type = AUDIT_STRING, .s = cp->sig };
	cp->ev = (struct audit_event){ .event = "checkpoint",
	    .extra = cp->extra, .n_extra = 4 };
	return 0;
}

/* The checkpoint: the record before it signed (audit_sign.h). */
int
audit_append_checkpoint(struct audit *a, int sync_now)
{
	struct audit_checkpoint_ev cp;
	uint64_t seq = a->seq;
	int rc;

	if (audit_checkpoint_event(a, seq, a->prev, &cp) == -1)
		return -1;
	a->in_checkpoint = 1;
	rc = audit_append(a, &cp.ev, sync_now);
	a->in_checkpoint = 0;
	if (a->seq == seq) {
		a->stats.checkpoint_errors++;
		return -1;
	}
	a->since_checkpoint = 0;
	a->checkpoint_seq = a->seq;
	a->stats.checkpoints++;
	return rc;
}

int
audit_write(struct audit *a, const struct audit_event *ev, int sync_now)
{
	if (!audit_event_valid(ev)) {
		errno = EINVAL;
		return -1;
	}
	/* The queued records come first in the chain. Should they fail,
	 * this one is still tried: their tickets say what became of them. */
	(void)audit_flush(a);
	if (audit_renew_check(a) == -1)
		return -1;
	if (a->resume_pending && audit_write_resumed(a, 0) == -1)
		return -1;
	return audit_append(a, ev, sync_now);
}

int
audit_checkpoint(struct audit *a, int sync_now)
{
	(void)audit_flush(a);           /* as in audit_write() */
	if (a->key == NULL || a->seq == 0 || a->checkpoint_seq == a->seq)
		return 0;
	if (audit_renew_check(a) == -1)
		return -1;
	if (a->resume_pending && audit_write_resumed(a, 0) == -1)
		return -1;
	return audit_append_checkpoint(a, sync_now);
}

static int
open_locked(struct audit *a, const char *path, char err[ERR_LEN])
{
	struct stat st;
	int created = 1;

	a->fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC,
	    0640);
	if (a->fd == -1 && errno == EEXIST) {
		created = 0;
		a->fd = open(path, O_RDWR | O_APPEND | O_CLOEXEC);
	}
	if (a->fd == -1) {
		errmsg_set(err, "cannot open audit log %s: %s "
		    "(check audit_log, and that its directory exists and "
		    "wardend may write there)", path, strerror(errno));
		return -1;
	}
	if (created)
		audit_file_sync_dir(path);
	if (flock(a->fd, LOCK_EX | LOCK_NB) == -1) {
		errmsg_set(err, "audit log %s: %s", path,
		    errno == EWOULDBLOCK ? "in use by another process (is "
		    "another wardend running with this audit_log?)" :
		    strerror(errno));
		return -1;
	}
	if (fstat(a->fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		errmsg_set(err, "audit log %s: not a regular "
		    "file; set audit_log to a file path", path);
		return -1;
	}
	a->size = (uint64_t)st.st_size;
	a->id.dev = st.st_dev;
	a->id.ino = st.st_ino;
	return 0;
}

/* Pick up the chain where the file's tail leaves it. */
static int
recover(struct audit *a, char err[ERR_LEN])
{
	struct audit_tail tail;

	if (audit_tail_scan(a->fd, a->size, a->path, &tail, err) == -1)
		return -1;
	a->seq = a->found_seq = a->handed_seq = tail.seq;
	memcpy(a->prev, tail.hash, sizeof a->prev);
	memcpy(a->found_hash, tail.hash, sizeof a->found_hash);
	a->needs_newline = tail.ends_without_newline;
	if (tail.torn_bytes == 0)
		return 0;
	a->resume_pending = 1;
	a->torn_offset = tail.torn_offset;
	if (tail.bad_why[0] != '\0')
		snprintf(a->torn_cause, sizeof a->torn_cause, "an edited or "
		    "foreign record (%.200s)", tail.bad_why);
	else
		snprintf(a->torn_cause, sizeof a->torn_cause,
		    "a crash while writing");
	if (audit_write_resumed(a, 1) == -1) {
		errmsg_set(err, "audit log %s: cannot write "
		    "audit_resumed: %s", a->path, strerror(errno));
		return -1;
	}
	snprintf(a->recovery, sizeof a->recovery, "audit log %s: %llu bytes "
	    "at offset %llu after seq %llu were not a record, left by %s; "
	    "chain resumed with audit_resumed (seq %llu)%s", a->path,
	    (unsigned long long)tail.torn_bytes,
	    (unsigned long long)tail.torn_offset,
	    (unsigned long long)tail.seq, a->torn_cause,
	    (unsigned long long)a->seq, tail.bad_why[0] != '\0' ?
	    "; run `wardenctl audit verify` on it" : "");
	return 0;
}

struct audit *
audit_open(const char *path, double fsync_interval, char err[ERR_LEN])
{
	struct audit_options o = { .fsync_interval = fsync_interval };

	return audit_open_with(path, &o, err);
}

struct audit *
audit_open_with(const char *path, const struct audit_options *o,
    char err[ERR_LEN])
{
	struct audit *a;

	if ((a = calloc(1, sizeof *a)) == NULL ||
	    (a->path = strdup(path)) == NULL) {
		errmsg_set(err, "audit log %s: out of memory",
		    path);
		free(a);
		return NULL;
	}
	a->fd = -1;
	a->fsync_interval = o->fsync_interval;
	a->key = o->sign_key;
	a->checkpoint_every = o->checkpoint_every > 0 ? o->checkpoint_every : 1;
	a->syslog = o->syslog;
	a->notice = o->notice;
	a->notice_ctx = o->notice_ctx;
	json_init(&a->line);
	json_init(&a->body);
	audit_batch_init(a);
	if (audit_hasher_init(&a->hasher) == -1) {
		errmsg_set(err, "audit log %s: cannot set up "
		    "SHA-256 (libcrypto)", path);
		audit_close(a);
		return NULL;
	}
	if (open_locked(a, path, err) == -1 || recover(a, err) == -1) {
		audit_close(a);
		return NULL;
	}
	return a;
}

int
audit_due(const struct audit *a, double now)
{
	return a->dirty && now - a->flushed_at >= a->fsync_interval;
}

int
audit_flush_handoff(struct audit *a, double now)
{
	a->flushed_at = now;
	if (!a->dirty)
		return 0;
	a->dirty = 0;
	a->handed_seq = a->seq;
	return 1;
}

int
audit_chain_handoff(struct audit *a, double now)
{
	if (a->seq == a->handed_seq || now - a->flushed_at < a->fsync_interval)
		return 0;
	a->flushed_at = now;
	a->handed_seq = a->seq;
	return 1;
}

void
audit_synced_elsewhere(struct audit *a, const struct audit_syncs *s)
{
	a->stats.fsyncs += s->n;
	a->stats.fsync_errors += s->errors;
	a->stats.fsync_us_total += s->us_total;
	if (s->n > 0)
		a->stats.last_fsync_us = s->last_us;
	if (s->n > 0 && s->last_err[0] != '\0')
		audit_health_fail(&a->sync_health, "%s", s->last_err);
	else if (s->n > 0)
		health_mark_ok(&a->sync_health);
	/* What the failed sync should have covered is still at risk. */
	if (s->errors > 0)
		a->dirty = 1;
}

const struct audit_stats *
audit_stats(const struct audit *a)
{
	return &a->stats;
}

uint64_t
audit_last_seq(const struct audit *a)
{
	return a->seq;
}

const char *
audit_last_hash(const struct audit *a)
{
	return a->prev;
}

uint64_t
audit_found_seq(const struct audit *a)
{
	return a->found_seq;
}

const char *
audit_found_hash(const struct audit *a)
{
	return a->found_hash;
}

const char *
audit_recovery(const struct audit *a)
{
	return a->recovery;
}

void
audit_close(struct audit *a)
{
	if (a == NULL)
		return;
	/* What was decided is on the record, even at the end. */
	if (a->fd != -1)
		(void)audit_flush(a);
	if (a->fd != -1)
		close(a->fd);
	json_free(&a->line);
	json_free(&a->body);
	audit_batch_free(a);
	audit_hasher_free(&a->hasher);
	free(a->path);
	free(a);
}

int
audit_fd(const struct audit *a)
{
	return a->fd;
}
