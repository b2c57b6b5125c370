/*
 * statefile.h: the persisted AUTO/TAKEOVER state, state_dir/state.
 *
 * The file is sealed text (sealed.h), one field per line in this order,
 * then a SHA-256 of every byte before the sha256 line, so that a torn or
 * altered file is detected rather than trusted:
 *
 *   warden-state 1
 *   state takeover
 *   cause trip
 *   since 2024-05-01T12:00:00.250000Z
 *   reason trip: level high_high
 *   sha256 <64 lowercase hex digits>
 *
 * The reason escapes backslash as \\ and control bytes as \xHH. A save
 * writes a temporary file in state_dir, fsyncs it, renames it over the
 * state file and fsyncs the directory; the file is mode 0640.
 *
 * Two halves: statefile.c is the format, pure (bytes in, struct out, and
 * back); statefile_io.c is the file, and does its I/O through statedir.c
 * and the format.
 */
#ifndef WARDEN_STATEFILE_H
#define WARDEN_STATEFILE_H

#include <stddef.h>

#include "errmsg.h"
#include "guard.h"

#define STATEFILE_NAME "state"
/* Larger than any record this format can hold. */
#define STATEFILE_MAX 4096

/* statefile.c: the format */
/* The file's bytes for st into buf; returns the length, or 0 when size
 * is too small or st holds what the format cannot say (a since beyond
 * year 9999). */
size_t statefile_format(const struct guard_persisted *st, char *buf,
    size_t size);
/* Parse a file's bytes; 0, or -1 with err saying what is wrong. What
 * parses, statefile_format() writes back. */
int statefile_parse(const char *buf, size_t len, struct guard_persisted *out,
    char err[ERR_LEN]);
/* "2024-05-01T12:00:00.250000Z", the since of the file and the ts of
 * the audit log, into seconds since the epoch. 0, or -1 when not one. */
int statefile_time_parse(const char *text, double *since);
/* The inverse, into out; its length (STATEFILE_TIME_LEN), or 0 beyond
 * year 9999. */
#define STATEFILE_TIME_LEN 27
size_t statefile_time_format(double since, char out[STATEFILE_TIME_LEN + 1]);
/* A sealed file's time field: parsed, and only if the format writes it
 * back (a leap second that carries into year 10000 would load, and the
 * file could not be saved again). 0, or -1. */
int statefile_time_take(const char *text, double *since);
/* One line of text as the sealed files keep it: backslash as \\ and
 * control bytes as \xHH, appended to buf[0..len); the new length, or 0
 * when size has no room. The inverse into out (size): 0, or -1 when text
 * is not so escaped or does not fit. */
size_t statefile_text_escape(const char *text, char *buf, size_t len,
    size_t size);
int statefile_text_unescape(const char *text, char *out, size_t size);

/* statefile_io.c: the file */
enum statefile_status {
	STATEFILE_OK,           /* *out holds the saved state */
	STATEFILE_NONE,         /* no state file: initial_state decides */
	STATEFILE_CORRUPT,      /* unreadable or corrupt: TAKEOVER */
};

/*
 * Read state_dir/state into *out. STATEFILE_CORRUPT covers a file that
 * cannot be opened or read (not ENOENT), is not a regular file, is empty,
 * short, too large, fails its checksum or holds an unknown value; err
 * then says which, with the path.
 */
enum statefile_status statefile_load(const char *state_dir,
    struct guard_persisted *out, char err[ERR_LEN]);
/*
 * Replace state_dir/state with st, atomically and durably. Returns 0, or
 * -1 with err saying what failed and what to check. A failure before the
 * rename leaves the old file in place; one after it (the directory fsync)
 * may leave either record on disk after a crash, so a caller that keeps
 * its old state should save that again.
 */
int statefile_save(const char *state_dir, const struct guard_persisted *st,
    char err[ERR_LEN]);

#endif
