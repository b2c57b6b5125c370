/*
 * statedir.c: state_dir's small files read whole and replaced (see
 * statedir.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "statedir.h"

/* Whole file into buf; its length, or -1 with errno set (EFBIG: too big). */
static ssize_t
file_read(int fd, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;

	for (;;) {
		n = read(fd, buf + len, size - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			return (ssize_t)len;
		len += (size_t)n;
		if (len == size) {
			errno = EFBIG;
			return -1;
		}
	}
}

ssize_t
statedir_read(const char *path, char *buf, size_t size, char err[ERR_LEN])
{
	struct stat sb;
	ssize_t len;
	int fd;

	/* O_NONBLOCK: a FIFO in its place must not hold up the start until
	 * some writer comes; it is then refused as not a regular file. */
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0) {
		errmsg_set(err, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		errno = EINVAL;
		errmsg_set(err, "%s: not a regular file", path);
		return -1;
	}
	len = file_read(fd, buf, size);
	if (len < 0) {
		errmsg_set(err, "%s: %s", path, errno == EFBIG ?
		    "corrupt: too large" : strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	return len;
}

static int
write_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
dir_sync(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* The temporary file: written, synced, closed; unlinked on failure. */
static int
temp_write(char *tmp, const char *buf, size_t len, char err[ERR_LEN])
{
	int fd = mkostemp(tmp, O_CLOEXEC);
	const char *step;

	if (fd < 0) {
		errmsg_set(err, "cannot create %s: %s (check that state_dir "
		    "exists and is writable by wardend)", tmp, strerror(errno));
		return -1;
	}
	if (fchmod(fd, 0640) < 0)
		step = "chmod";
	else if (write_all(fd, buf, len) < 0)
		step = "write";
	else if (fsync(fd) < 0)
		step = "fsync";
	else if (close(fd) < 0) {
		fd = -1;
		step = "close";
	} else
		return 0;
	errmsg_set(err, "cannot %s %s: %s (check free space and the file "
	    "system under state_dir)", step, tmp, strerror(errno));
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return -1;
}

int
statedir_replace(const char *dir, const char *name, const char *buf,
    size_t len, char err[ERR_LEN])
{
	char path[PATH_MAX], tmp[PATH_MAX];

	snprintf(path, sizeof path, "%s/%s", dir, name);
	snprintf(tmp, sizeof tmp, "%s/.%s.XXXXXX", dir, name);
	if (temp_write(tmp, buf, len, err) < 0)
		return -1;
	if (rename(tmp, path) < 0) {
		errmsg_set(err, "cannot rename %s to %s: %s", tmp, path,
		    strerror(errno));
		unlink(tmp);
		return -1;
	}
	if (dir_sync(dir) < 0) {
		errmsg_set(err, "cannot fsync the directory %s: %s", dir,
		    strerror(errno));
		return -1;
	}
	return 0;
}
