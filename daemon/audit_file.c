/*
 * audit_file.c: the log file's identity, what became of it, and a new
 * file in its place (see audit_file.h).
 */
#include "audit_file.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"

const char *
audit_fate_name(enum audit_fate f)
{
	switch (f) {
	case AUDIT_FILE_DELETED: return "deleted";
	case AUDIT_FILE_MOVED: return "moved";
	case AUDIT_FILE_REPLACED: return "replaced";
	case AUDIT_FILE_CUT: return "cut";
	case AUDIT_FILE_OURS: break;
	}
	return "ours";
}

enum audit_fate
audit_file_fate(const char *path, int fd, const struct audit_file_id *id,
    uint64_t size)
{
	struct statx sx;
	struct stat st;
	int looked;

	/* statx asks for what it needs alone: this is per write. */
	if (statx(AT_FDCWD, path, AT_STATX_DONT_SYNC, STATX_INO | STATX_SIZE,
	    &sx) == 0) {
		if (makedev(sx.stx_dev_major, sx.stx_dev_minor) != id->dev ||
		    sx.stx_ino != id->ino)
			return AUDIT_FILE_REPLACED;
		/* Truncated under us (logrotate's copytruncate, an editor). */
		return sx.stx_size < size ? AUDIT_FILE_CUT : AUDIT_FILE_OURS;
	}
	looked = errno == ENOENT || errno == ENOTDIR;
	if (fstat(fd, &st) == 0 && st.st_nlink == 0)
		return AUDIT_FILE_DELETED;
	return looked ? AUDIT_FILE_MOVED : AUDIT_FILE_OURS;
}

void
audit_file_where(int fd, char *out, size_t cap)
{
	char link[64];
	ssize_t n;

	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	n = readlink(link, out, cap - 1);
	out[n > 0 ? n : 0] = '\0';
	/* An unlinked file reads as "path (deleted)": no place to name. */
	if (n > 0 && strstr(out, " (deleted)") != NULL)
		out[0] = '\0';
}

int
audit_file_move_aside(const char *path, char aside[AUDIT_ASIDE_MAX],
    char err[ERR_LEN])
{
	struct timespec now;
	struct tm tm;
	int saved;

	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	snprintf(aside, AUDIT_ASIDE_MAX,
	    "%s.replaced-%04d%02d%02dT%02d%02d%02d.%06ldZ", path,
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, now.tv_nsec / 1000);
	if (renameat2(AT_FDCWD, path, AT_FDCWD, aside, RENAME_NOREPLACE) == 0)
		return 0;
	saved = errno;
	errmsg_set(err, "audit log %s was replaced or cut, and "
	    "what is there cannot be moved aside to %s: %s", path, aside,
	    strerror(saved));
	errno = saved;
	return -1;
}

void
audit_file_sync_dir(const char *path)
{
	char *copy = strdup(path);
	int dfd;

	if (copy == NULL)
		return;
	dfd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd != -1) {
		(void)fsync(dfd);
		close(dfd);
	}
	free(copy);
}

int
audit_file_create(const char *path, int *fd, struct audit_file_id *id,
    char err[ERR_LEN])
{
	struct stat st;
	int nfd, saved;

	nfd = open(path, O_RDWR | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC,
	    0640);
	if (nfd == -1) {
		saved = errno;
		errmsg_set(err, "cannot create a new audit log "
		    "%s: %s", path, strerror(saved));
		errno = saved;
		return -1;
	}
	if (flock(nfd, LOCK_EX | LOCK_NB) == -1 || fstat(nfd, &st) == -1) {
		saved = errno;
		errmsg_set(err, "new audit log %s: %s", path,
		    strerror(saved));
		close(nfd);
		unlink(path);
		errno = saved;
		return -1;
	}
	audit_file_sync_dir(path);
	id->dev = st.st_dev;
	id->ino = st.st_ino;
	*fd = nfd;
	return 0;
}
