/*
 * statedir.h: the small files of state_dir (state, audit.head) on disk:
 * read whole, replaced atomically and durably. What they hold is their
 * codecs' business (statefile.c, audit_head.c); this is their only I/O.
 */
#ifndef WARDEN_STATEDIR_H
#define WARDEN_STATEDIR_H

#include <stddef.h>
#include <sys/types.h>

#include "errmsg.h"

/*
 * The whole of the regular file path into buf (size); its length, or -1
 * with err naming path and what is wrong: cannot be opened, not a
 * regular file, cannot be read, or too large (size bytes or more).
 * errno is ENOENT only when there is no file.
 */
ssize_t statedir_read(const char *path, char *buf, size_t size,
    char err[ERR_LEN]);
/*
 * Replace dir/name with buf: a temporary file in dir (mode 0640),
 * written and fsynced, renamed over dir/name, then dir fsynced. 0, or -1
 * with err saying what failed and what to check. A failure before the
 * rename leaves the old file and no temporary; one after it may leave
 * either file on disk after a crash.
 */
int statedir_replace(const char *dir, const char *name, const char *buf,
    size_t len, char err[ERR_LEN]);

#endif
