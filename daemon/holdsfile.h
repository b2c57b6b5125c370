/*
 * holdsfile.h: the shelves and bypasses in force (alarm_table.h),
 * state_dir/holds, so that a restart keeps them with their deadlines.
 * Sealed text (sealed.h) like the state file beside it: a count, then
 * six lines per hold, then the seal:
 *
 *   warden-holds 1
 *   holds 1
 *   hold bypass
 *   source level
 *   since 2026-12-05T14:00:00.000000Z
 *   until 2026-12-05T15:00:00.000000Z
 *   user alice
 *   reason sensor swap, see work order 4411
 *   sha256 <64 lowercase hex digits>
 *
 * user and reason escape as the state file's reason does. A missing file
 * is no holds; a corrupt one is no holds too, and said loudly: every trip
 * armed and every alarm shown is the safe side of losing them.
 *
 * holdsfile.c is the format, pure; holdsfile_io.c the file.
 */
#ifndef WARDEN_HOLDSFILE_H
#define WARDEN_HOLDSFILE_H

#include <stddef.h>

#include "alarm_table.h"
#include "errmsg.h"

#define HOLDSFILE_NAME "holds"
/* Room for ALARM_HOLDS_MAX holds with every field at its longest,
 * escaped. */
#define HOLDSFILE_MAX (ALARM_HOLDS_MAX * 1600 + 256)

/* holdsfile.c */
/* The bytes for holds[0..n) into buf; the length, or 0 when size is too
 * small or a time is beyond year 9999. */
size_t holdsfile_format(const struct alarm_hold *holds, size_t n, char *buf,
    size_t size);
/* Parse a file's bytes into out (room for ALARM_HOLDS_MAX): 0 and *n, or
 * -1 with err. */
int holdsfile_parse(const char *buf, size_t len, struct alarm_hold *out,
    size_t *n, char err[ERR_LEN]);

/* holdsfile_io.c */
/* 0 with *n holds (0 when there is no file), or -1 with err naming the
 * file and what is wrong with it (*n is 0 then). */
int holdsfile_load(const char *state_dir, struct alarm_hold *out, size_t *n,
    char err[ERR_LEN]);
/* Replace state_dir/holds atomically and durably: 0, or -1 with err. */
int holdsfile_save(const char *state_dir, const struct alarm_hold *holds,
    size_t n, char err[ERR_LEN]);

#endif
