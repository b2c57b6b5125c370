/*
 * audit.h: the hash-chained audit log (JSON Lines) and its verifier.
 *
 * Each record is one line: a JSON object with the fields in a fixed
 * order (seq, ts, event, then client, user, uid, unit, fc,
 * point, value, raw, forwarded, rule, limit, exception, cause, reason,
 * device as they apply, then any extra fields, and prev last), followed
 * by ,"hash":"<hex>" before the closing brace, where hash is SHA-256 of
 * the exact bytes of the object without it. prev is the hash of the
 * record before (64 zeros for the first), so an edit, a removal or a
 * reordering breaks the chain where it was made. Each line goes out
 * whole in one write() (with the other records of its loop iteration,
 * audit_queue()); nothing of ours is ever interleaved.
 *
 * Crash recovery. A line that is not a JSON object (a crash cut it short,
 * or the file system left zeros) is "torn". On open the tail of the file
 * is read back to its last intact record; when bytes follow it, they are
 * kept as they are, a newline is appended if they lack one, and the next
 * record is audit_resumed, linked to the last intact record and naming
 * the torn bytes: "torn_offset" (where they begin) and "torn_bytes" (how
 * many there were, not counting that newline), so the audit_resumed line
 * begins at torn_offset + torn_bytes, + 1 when they did not end in a
 * newline. A failed write that left part of a line does the same on the
 * next record. Open reads only the tail, so start-up time does not grow
 * with the log; the whole chain is checked by audit_verify_file().
 *
 * A JSON object that is not a valid record (an edited one) is never
 * "torn": verify fails on it. Open still resumes after it (the gateway
 * must keep auditing) and says so in audit_recovery().
 */
#ifndef WARDEN_AUDIT_H
#define WARDEN_AUDIT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "errmsg.h"
#include "health_mark.h"

#define AUDIT_HASH_HEX 64       /* characters of a SHA-256 in hex */
#define AUDIT_LINE_MAX 65536    /* longer records are refused: EMSGSIZE */

enum audit_extra_type { AUDIT_STRING, AUDIT_INT, AUDIT_UINT, AUDIT_DOUBLE,
	AUDIT_BOOL, AUDIT_WORDS, AUDIT_BITS, AUDIT_HEX, AUDIT_POINTS };

/* One point of an AUDIT_POINTS list: {"point", "value", "raw",
 * "forwarded"}, each number only when its has_* is set. */
struct audit_point {
	const char *point;              /* required */
	int has_value;
	double value;                   /* engineering units, as requested */
	int has_raw;
	int64_t raw;
	int has_forwarded;
	double forwarded;               /* engineering units, as forwarded */
};

/* AUDIT_POINTS: fill *p with point i of ctx's list. */
typedef void (*audit_point_fn)(const void *ctx, size_t i,
    struct audit_point *p);

/*
 * A field beyond the common ones (mode, config, torn_bytes ...). Its key
 * must not be one of the common fields, prev or hash.
 *
 * The array types write what a Modbus request carries, whole:
 *   AUDIT_WORDS   n 16-bit words, big-endian at bytes (as on the wire):
 *                 [500,65535]
 *   AUDIT_BITS    n bits packed least significant first at bytes (as
 *                 coils are on the wire): "0110"
 *   AUDIT_HEX     n bytes: "0a1b"
 *   AUDIT_POINTS  n points from point(ctx, i): [{"point":"x",...},...]
 * A points list that would leave the record less than AUDIT_LIST_SPARE
 * bytes under AUDIT_LINE_MAX is written as "<key>_omitted": n instead,
 * so that a request naming a thousand long point names is recorded (with
 * its values in the other fields) rather than refused.
 */
struct audit_extra {
	const char *key;
	enum audit_extra_type type;
	const char *s;          /* AUDIT_STRING */
	int64_t i;              /* AUDIT_INT, AUDIT_BOOL */
	uint64_t u;             /* AUDIT_UINT */
	double d;               /* AUDIT_DOUBLE */
	const uint8_t *bytes;   /* AUDIT_WORDS, AUDIT_BITS, AUDIT_HEX */
	size_t n;               /* their count, or the points' */
	audit_point_fn point;   /* AUDIT_POINTS */
	const void *ctx;
};

/* What a points list leaves for the fields after it and the hash. */
#define AUDIT_LIST_SPARE 2048

/*
 * One record to write. NULL strings and clear has_* flags leave a field
 * out, so a designated initializer names only what applies:
 *   struct audit_event ev = { .event = "write_rejected", .client = peer,
 *       .has_unit = 1, .unit = 1, .has_fc = 1, .fc = 6, .point = "valve",
 *       .has_value = 1, .value = 120, .rule = "max", .has_limit = 1,
 *       .limit = 100, .has_exception = 1, .exception = 3 };
 */
struct audit_event {
	const char *event;              /* required */
	const char *client;             /* "ip:port" */
	const char *user;
	int has_uid;
	uint32_t uid;
	int has_unit;
	uint8_t unit;
	int has_fc;
	uint8_t fc;
	const char *point;
	int has_value;
	double value;                   /* engineering units, as requested */
	int has_raw;
	int64_t raw;                    /* the register value(s) as an integer */
	int has_forwarded;
	double forwarded;               /* engineering units, as forwarded */
	const char *rule;
	int has_limit;
	double limit;
	int has_exception;
	uint8_t exception;
	const char *cause;
	const char *reason;
	const char *device;
	const struct audit_extra *extra;
	size_t n_extra;
};

/* For metrics. */
struct audit_stats {
	uint64_t records;               /* written whole */
	uint64_t bytes;
	uint64_t write_errors;
	uint64_t fsyncs;
	uint64_t fsync_errors;
	uint64_t fsync_us_total;
	uint64_t last_fsync_us;
	uint64_t resumed;               /* audit_resumed records written */
	uint64_t checkpoints;           /* signed checkpoints written */
	uint64_t checkpoint_errors;     /* not signed or not written */
	uint64_t renewed;               /* new files after a lost one */
	uint64_t syslog_sent;           /* copies shipped (audit_syslog) */
	uint64_t syslog_dropped;        /* copies the socket did not take */
};

struct audit;
struct audit_key;
struct audit_syslog;

/*
 * Open (creating, mode 0640) and lock the log, recover the last seq and
 * hash from its tail, and write audit_resumed (fsynced) when it ends with
 * torn bytes. fsync_interval is audit_fsync in seconds. NULL on failure
 * with err saying what to do.
 */
struct audit *audit_open(const char *path, double fsync_interval,
    char err[ERR_LEN]);

/* Said to the daemon's log: an "ALARM: " when the file was lost. */
typedef void audit_notice_fn(void *ctx, const char *msg);
/* Whole record lines just written to the file, each with its newline. */
typedef void audit_tap_fn(void *ctx, const char *lines, size_t len);
/* Every record written from now on to fn (NULL: none), for the
 * operators' pushes (push.c). */
void audit_set_tap(struct audit *a, audit_tap_fn *fn, void *ctx);

/* What audit_open_with() takes beyond the path. */
struct audit_options {
	double fsync_interval;          /* audit_fsync, seconds */
	/* Signed checkpoints (audit_sign.h): every checkpoint_every records
	 * and on audit_checkpoint(). NULL: none. Borrowed: it must outlive
	 * the log. */
	const struct audit_key *sign_key;
	unsigned checkpoint_every;
	/* A copy of each record as it is written (audit_syslog.h); NULL:
	 * none. Borrowed. */
	struct audit_syslog *syslog;
	audit_notice_fn *notice;        /* NULL: nothing said */
	void *notice_ctx;
};

/*
 * audit_open() with options. Besides: before each write (a record, or
 * a batch of them) the log's name is looked up again; when the file was deleted, moved, replaced or cut
 * short in place, a new file is started at path (a file found there, or
 * what is left of ours, is first moved aside to path.replaced-<time>)
 * whose first record is an audit_resumed that continues the chain (seq
 * and prev) and says what happened ("log_was": deleted, moved, replaced
 * or cut; "old_file", "moved_aside" where known), followed by a
 * checkpoint. When that cannot be done the record is
 * refused (-1): nothing is written where nobody would find it.
 */
struct audit *audit_open_with(const char *path, const struct audit_options *o,
    char err[ERR_LEN]);
/*
 * A checkpoint now, signing the record before it (start, stop). 0 (also
 * when there is no key or nothing to sign), or -1 with errno as for
 * audit_write().
 */
int audit_checkpoint(struct audit *a, int sync_now);
/* The last intact record the file held when opened, before open wrote
 * anything (0 and 64 zeros for none): what audit.head is compared with. */
uint64_t audit_found_seq(const struct audit *a);
const char *audit_found_hash(const struct audit *a);
/*
 * 1 when records were written since the last handoff (of either kind)
 * but were synced already (sync_now), so the flush did not hand them off,
 * and fsync_interval has passed: the chain head moved and audit.head
 * should be saved (after a sync, which then costs nothing). The interval
 * restarts at now.
 */
int audit_chain_handoff(struct audit *a, double now);
/* What open found and repaired, for the log; "" when the file was clean. */
const char *audit_recovery(const struct audit *a);
/*
 * Append one record, after those audit_queue() holds (written first,
 * whatever becomes of them). sync_now forces fdatasync before returning
 * (mode changes: takeover, release); an fsync_interval of 0 does for
 * every record. Returns 0, or -1 with errno: EINVAL (no
 * event, or an extra key that is taken), EMSGSIZE, ENOMEM, or the error
 * of write() or fdatasync() (then the record was written, not synced).
 */
int audit_write(struct audit *a, const struct audit_event *ev, int sync_now);

/*
 * audit_batch.c: the records of one loop iteration in one write().
 *
 * audit_queue() keeps a record as it is made (its time is now) and
 * hands back a ticket; audit_flush() writes every record queued, in one
 * write(), after one look at the file (the check above, then an
 * audit_resumed if torn bytes wait). Each record gets its seq and prev
 * there, after what the file then holds, and a checkpoint falls after
 * the same record as it would one by one: the log is the one that
 * audit_write() of each would have made. A record stands for something
 * that must not happen before it is written: the caller holds that back
 * until audit_flush() has run and audit_written() says yes.
 * audit_write(), audit_checkpoint() and audit_close() flush first, so
 * the file keeps the order the records were made in. With a syslog
 * copy, audit_queue() writes the record at once (the copy follows each
 * write).
 */
typedef uint64_t audit_ticket;          /* 0: none */
/* The record's ticket, or 0 with errno as audit_write() (EMSGSIZE for a
 * record that could not fit with any seq: a few bytes stricter). */
audit_ticket audit_queue(struct audit *a, const struct audit_event *ev);
/*
 * Write what is queued: 0, or -1 with errno as audit_write(). The
 * records a failed write did not take whole are given up (the bytes it
 * left are torn, and the next record is audit_resumed); the chain goes
 * on from the last whole one. With an fsync_interval of 0, a failed
 * fdatasync() gives up the whole batch (it is written, not synced).
 */
int audit_flush(struct audit *a);
/* 1 when t's record is in the file; 0 when it was given up or is still
 * queued. */
int audit_written(const struct audit *a, audit_ticket t);
/* The caller has looked at every ticket flushed so far: the given-up
 * ones may be forgotten (then audit_written() says 1 for them). */
void audit_settle(struct audit *a);
/*
 * 1 when records were written since the last fsync and the last
 * audit_flush_handoff was at least fsync_interval ago. now: any clock in
 * seconds the caller uses for both calls (ev_now()). Called from a timer
 * ticking faster than the interval, loss on power failure stays under
 * interval plus one tick.
 */
int audit_due(const struct audit *a, double now);
/*
 * The periodic sync, made by another thread (durable.c) so that the loop
 * never waits on the disk: 1 when records were written since the last
 * sync and the caller must now have audit_fd() synced; either way the
 * interval restarts at now. The records written after this call are the
 * next flush's.
 */
int audit_flush_handoff(struct audit *a, double now);
/* fdatasyncs made on another thread, for the stats. */
struct audit_syncs {
	uint64_t n;
	uint64_t errors;
	uint64_t us_total;
	uint64_t last_us;
	char last_err[ERR_LEN];         /* the last one's failure; "" ok */
};
/* Count them; after a failed one the next audit_due() asks again. */
void audit_synced_elsewhere(struct audit *a, const struct audit_syncs *s);
/* Close without writing anything (write the stop record first). */
void audit_close(struct audit *a);

const struct audit_stats *audit_stats(const struct audit *a);
/*
 * Is the log writable (wardenctl health)? How the last write() of a
 * record and the last fdatasync() (here or elsewhere) ended: the failed
 * write's when there is one, else the sync's. A log that cannot be
 * renewed (audit_open_with()) is a failed write. Records refused for
 * themselves (EINVAL, EMSGSIZE, ENOMEM) say nothing of the file.
 */
void audit_health(const struct audit *a, struct health_mark *out);
/* The log's descriptor, for an fdatasync made on another thread. */
int audit_fd(const struct audit *a);
/* The seq and hash of the last record in the file (0 and 64 zeros if
 * none), the next record's prev. */
uint64_t audit_last_seq(const struct audit *a);
const char *audit_last_hash(const struct audit *a);

/*
 * audit_last.c: the newest record whose event is one of events (a NULL
 * terminated list) among the log's last megabyte, e.g. the last takeover
 * or release at start-up. Fields the record lacks are "". Returns 1 with
 * *out, 0 when there is none, -1 with err when the log cannot be read
 * back.
 */
struct audit_last {
	char event[32];
	char ts[40];
	char cause[32];
	char reason[256];
};
int audit_last_of(const struct audit *a, const char *const events[],
    struct audit_last *out, char err[ERR_LEN]);
/* The hash of the record with this seq among the same last megabyte:
 * 1 with hash, 0 when it is not there, -1 with err. */
int audit_hash_of(const struct audit *a, uint64_t seq,
    char hash[AUDIT_HASH_HEX + 1], char err[ERR_LEN]);

/*
 * audit_verify.c: check a whole log: every hash recomputed, prev linkage,
 * seq strictly +1 from 1, and torn lines only where an audit_resumed
 * names them. Says on out (text, or one JSON object with as_json) that it
 * is valid or where and how it breaks. A torn last line with nothing
 * after it is a failure, reported as the likely trace of a crash (wardend
 * resumes past it on its next start). Returns 0 valid, 1 broken, 2 when
 * the file cannot be read.
 */
int audit_verify_file(const char *path, FILE *out, int as_json);

struct audit_verify_options {
	/* A PEM Ed25519 public key: every checkpoint must be signed by it
	 * (a bad signature, another key's checkpoint, or none at all fail)
	 * and the records after the last one are reported as unsigned
	 * (valid). NULL: checkpoints are counted, not checked. */
	const char *pubkey;
	/* state_dir/audit.head: the log must hold its seq with its hash
	 * (a log that ends before it was cut). NULL: not compared. */
	const char *head;
};
/*
 * The same over n files read as one chain, in order (a log and the new
 * file wardend started when it was deleted or replaced). A file may
 * begin with an audit_resumed carrying log_was: it continues an earlier
 * file's chain, linked when that file comes before it. Returns 0 valid,
 * 1 broken, 2 when a file, the key or the head cannot be read.
 */
int audit_verify_files(const char *const *paths, size_t n,
    const struct audit_verify_options *o, FILE *out, int as_json);

#endif
