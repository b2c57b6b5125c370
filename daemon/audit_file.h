/*
 * audit_file.h: the file under audit_log, and what became of it while
 * wardend had it open. Internal to the audit module (audit.c,
 * audit_renew.c).
 *
 * An open descriptor outlives its name: a log deleted or replaced while
 * wardend runs would take every later record into a file nobody can see.
 * So before each write (a record, or a loop iteration's batch of them)
 * the name is looked up again (one statx()) and compared with the file
 * the descriptor holds.
 */
#ifndef WARDEN_AUDIT_FILE_H
#define WARDEN_AUDIT_FILE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "errmsg.h"

enum audit_fate {
	AUDIT_FILE_OURS,        /* audit_log is still the file we write */
	AUDIT_FILE_DELETED,     /* no file there; ours has no name left */
	AUDIT_FILE_MOVED,       /* no file there; ours lives on elsewhere */
	AUDIT_FILE_REPLACED,    /* another file stands at audit_log */
	AUDIT_FILE_CUT,         /* ours, shorter than what we wrote */
};

struct audit_file_id {
	dev_t dev;
	ino_t ino;
};

/* The name of a fate for the record: "deleted", "moved", "replaced",
 * "cut". */
const char *audit_fate_name(enum audit_fate f);
/* What became of the file (fd, id) that path named, into which size
 * bytes were written. When path cannot be looked up (a directory wardend
 * may no longer search), only a deleted file is seen. */
enum audit_fate audit_file_fate(const char *path, int fd,
    const struct audit_file_id *id, uint64_t size);
/* Where fd's file is now, from /proc/self/fd; "" when unknown. */
void audit_file_where(int fd, char *out, size_t cap);
/* The longest name a file moved aside is given. */
#define AUDIT_ASIDE_MAX 1024
/*
 * Move the file at path aside, to path.replaced-<UTC time>, never over
 * another file; its new name into aside. 0, or -1 with err.
 */
int audit_file_move_aside(const char *path, char aside[AUDIT_ASIDE_MAX],
    char err[ERR_LEN]);
/*
 * A new, empty log at path: created (never an existing file), mode 0640,
 * locked, its directory synced. The descriptor into *fd; -1 with err.
 */
int audit_file_create(const char *path, int *fd, struct audit_file_id *id,
    char err[ERR_LEN]);
/* A new name is durable only once its directory is synced. */
void audit_file_sync_dir(const char *path);

#endif
