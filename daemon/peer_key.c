/*
 * peer_key.c: pair.key_file read and checked (peer_key.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "peer_key.h"

/* 128 hex digits and a newline, and room to see that there is more. */
#define KEY_TEXT_MAX (PEER_KEY_MAX * 2 + 2)

int
peer_key_load(const char *path, uint8_t key[PEER_KEY_MAX], size_t *keylen,
    char err[ERR_LEN])
{
	char text[KEY_TEXT_MAX], why[ERR_LEN];
	struct stat st;
	ssize_t n;
	int fd, rc = -1;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1) {
		errmsg_set(err, "%s: %s (make one with `openssl rand -hex 32 "
		    "> %s`, chmod 600 it, and copy it to the other node)", path,
		    strerror(errno), path);
		return -1;
	}
	if (fstat(fd, &st) == -1)
		errmsg_set(err, "%s: %s", path, strerror(errno));
	else if (!S_ISREG(st.st_mode))
		errmsg_set(err, "%s: not a regular file", path);
	else if (st.st_mode & 077)
		errmsg_set(err, "%s: group or others have access (mode %04o), "
		    "and whoever reads the key can pass for the peer: chmod 600 "
		    "%s", path, (unsigned)st.st_mode & 07777, path);
	else if ((n = read(fd, text, sizeof text)) == -1)
		errmsg_set(err, "%s: %s", path, strerror(errno));
	else if (peer_key_parse(text, (size_t)n, key, keylen, why) == -1)
		errmsg_set(err, "%s: %s", path, why);
	else
		rc = 0;
	explicit_bzero(text, sizeof text);
	close(fd);
	return rc;
}
