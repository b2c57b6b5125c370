/*
 * audit_show.h: `wardenctl audit show`: the audit log as an operator
 * reads it. One line of a log in, what it is and whether the filters
 * take it out; then its text, aligned, every string escaped so that no
 * record can drive the terminal. Pure: no I/O of its own (the text goes
 * to the FILE given), the time of day an argument; local time is TZ's.
 * ctl_audit.c reads the files for it.
 *
 * Every line goes through audit_line_check() (audit_record.c), the
 * decoder wardend's own tail scan and the verifier use, then json_read.c
 * for the fields; tests/fuzz/fuzz_audit_show.c covers this file's part.
 */
#ifndef WARDEN_AUDIT_SHOW_H
#define WARDEN_AUDIT_SHOW_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "audit_record.h"
#include "buf.h"
#include "errmsg.h"
#include "json.h"

#define AUDIT_SHOW_EVENTS_MAX 32
#define AUDIT_SHOW_NAME_MAX 64          /* an event or point name, + NUL */

/* What is shown; zeroed: everything. */
struct audit_show_filter {
	int has_since, has_until;
	int64_t since_us, until_us;     /* since <= ts < until, µs */
	char events[AUDIT_SHOW_EVENTS_MAX][AUDIT_SHOW_NAME_MAX];
	size_t n_events;                /* 0: any event */
	char point[AUDIT_SHOW_NAME_MAX];/* "": any; else the point or device
					 * (or one of the points) named */
};

enum audit_show_kind {
	AUDIT_SHOW_RECORD,      /* seq, ts and event readable */
	AUDIT_SHOW_UNREADABLE,  /* torn (a crash), or not a record */
};

/* One line as audit_show_line() read it. Points into the line given. */
struct audit_show_entry {
	enum audit_show_kind kind;
	int intact;             /* RECORD: its hash holds; 0: why says */
	char why[ERR_LEN];      /* UNREADABLE, or a RECORD not intact */
	uint64_t seq;
	int64_t ts_us;          /* UNREADABLE: the record's before it */
	char event[AUDIT_SHOW_NAME_MAX];
	struct json_value obj;  /* RECORD: the object */
};

/* The reading of one or more files, in order. */
struct audit_show {
	struct audit_hasher hasher;
	struct audit_show_filter filter;
	int64_t last_ts_us;     /* of the last record read; 0: none yet */
	long shown_offset;      /* the zone of the last header; */
	char shown_zone[16];    /* "" before the first */
	uint64_t unreadable;    /* lines, matched or not */
};

/* audit_show.c: reading and choosing */
/* -1 when libcrypto cannot hash (then nothing can be checked). */
int audit_show_init(struct audit_show *s, const struct audit_show_filter *f);
void audit_show_free(struct audit_show *s);
/* Add the events of list ("write_rejected,takeover") to f; -1 with err
 * for an empty or malformed name or too many. */
int audit_show_filter_events(struct audit_show_filter *f, const char *list,
    char err[ERR_LEN]);
/* Set f's point; -1 with err when it is empty or too long. */
int audit_show_filter_point(struct audit_show_filter *f, const char *point,
    char err[ERR_LEN]);
/*
 * Read one line (without its newline) into *e: 1 when the filter keeps
 * it, 0 when not. An unreadable line stands where the record before it
 * stands in time: --since and --until apply to it, the event and point
 * filters never (it might be the record looked for).
 */
int audit_show_line(struct audit_show *s, const char *line, size_t len,
    struct audit_show_entry *e);

/* audit_show_text.c: the text */
/* e's line: time (local), seq, event, who, point or device, then the
 * other fields as key=value; a header first, and again when the zone
 * changes (daylight saving). path and line_no name an unreadable line. */
void audit_show_print(struct audit_show *s, FILE *out,
    const struct audit_show_entry *e, const char *path, uint64_t line_no);
/*
 * Append s[0..n) to b as shown: bare when it is plain (no space, quote,
 * backslash or '=', nothing a terminal acts on), else in double quotes
 * with \" \\ \n \t \r, \xNN for the other C0 controls, DEL and bytes
 * that are not UTF-8, \uXXXX for C1, bidirectional and line controls.
 * 0, or -1 when out of memory.
 */
int audit_show_quote(struct buf *b, const char *s, size_t n);

/* audit_show_time.c: times */
/*
 * A time as an operator writes it: RFC 3339 (2026-12-05T14:00:00Z, a
 * fraction and an offset allowed), local time without a zone
 * ("2026-12-05 14:00", seconds and a T allowed), a date (local
 * midnight), or a duration ago ("90s", "30m", "2h", "1d") from now_us.
 * 0 and *us (µs since the epoch), or -1 with err.
 */
int audit_show_time_parse(const char *text, int64_t now_us, int64_t *us,
    char err[ERR_LEN]);
/* A record's ts: RFC 3339 with its zone, nothing else. */
int audit_show_ts_parse(const char *text, size_t n, int64_t *us);
/* "2026-12-05 15:04:05.123" (local, ms cut, 23 characters), and the
 * zone: its name and its offset east of UTC in seconds. */
void audit_show_time_local(int64_t us, char out[32], char zone[16],
    long *offset);

#endif
