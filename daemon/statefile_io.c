/*
 * statefile_io.c: the state file on disk: state_dir/state read and
 * replaced through statedir.c, its bytes through the format in
 * statefile.c.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>

#include "statedir.h"
#include "statefile.h"

enum statefile_status
statefile_load(const char *state_dir, struct guard_persisted *out,
    char err[ERR_LEN])
{
	char path[PATH_MAX], why[ERR_LEN];
	char buf[STATEFILE_MAX + 1];
	ssize_t len;

	snprintf(path, sizeof path, "%s/" STATEFILE_NAME, state_dir);
	if ((len = statedir_read(path, buf, sizeof buf, err)) < 0)
		return errno == ENOENT ? STATEFILE_NONE : STATEFILE_CORRUPT;
	if (statefile_parse(buf, (size_t)len, out, why) < 0) {
		errmsg_set(err, "%s: corrupt: %s", path, why);
		return STATEFILE_CORRUPT;
	}
	return STATEFILE_OK;
}

int
statefile_save(const char *state_dir, const struct guard_persisted *st,
    char err[ERR_LEN])
{
	char buf[STATEFILE_MAX];
	size_t len = statefile_format(st, buf, sizeof buf);

	if (len == 0) {
		errmsg_set(err, "cannot format the state record");
		return -1;
	}
	return statedir_replace(state_dir, STATEFILE_NAME, buf, len, err);
}
