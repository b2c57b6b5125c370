/*
 * audit_head_io.c: state_dir/audit.head on disk, read and replaced
 * through statedir.c, its bytes through the format in audit_head.c.
 */
#include <errno.h>
#include <stdio.h>

#include "audit_head.h"
#include "statedir.h"

enum audit_head_status
audit_head_load(const char *path, struct audit_head *h, char err[ERR_LEN])
{
	char buf[AUDIT_HEAD_FILE_MAX], why[ERR_LEN];
	ssize_t len;

	if ((len = statedir_read(path, buf, sizeof buf, err)) < 0)
		return errno == ENOENT ? AUDIT_HEAD_NONE : AUDIT_HEAD_CORRUPT;
	if (audit_head_parse(buf, (size_t)len, h, why) < 0) {
		errmsg_set(err, "%s: corrupt: %s", path, why);
		return AUDIT_HEAD_CORRUPT;
	}
	return AUDIT_HEAD_OK;
}

int
audit_head_save(const char *state_dir, const struct audit_head *h,
    char err[ERR_LEN])
{
	char buf[AUDIT_HEAD_FILE_MAX];
	size_t len = audit_head_format(h, buf);

	if (len == 0) {
		errmsg_set(err, "audit_log path cannot be written in %s/"
		    AUDIT_HEAD_NAME, state_dir);
		return -1;
	}
	return statedir_replace(state_dir, AUDIT_HEAD_NAME, buf, len, err);
}
