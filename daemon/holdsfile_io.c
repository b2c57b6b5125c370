/*
 * holdsfile_io.c: state_dir/holds on disk, through statedir.c and the
 * format in holdsfile.c.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include "holdsfile.h"
#include "statedir.h"

int
holdsfile_load(const char *state_dir, struct alarm_hold *out, size_t *n,
    char err[ERR_LEN])
{
	char path[PATH_MAX], why[ERR_LEN];
	char *buf;
	ssize_t len;
	int rc = 0;

	*n = 0;
	if ((buf = malloc(HOLDSFILE_MAX + 1)) == NULL) {
		errmsg_set(err, "out of memory reading the holds file");
		return -1;
	}
	snprintf(path, sizeof path, "%s/" HOLDSFILE_NAME, state_dir);
	if ((len = statedir_read(path, buf, HOLDSFILE_MAX + 1, err)) < 0)
		rc = errno == ENOENT ? 0 : -1;
	else if (holdsfile_parse(buf, (size_t)len, out, n, why) < 0) {
		errmsg_set(err, "%s: corrupt: %s", path, why);
		rc = -1;
	}
	free(buf);
	return rc;
}

int
holdsfile_save(const char *state_dir, const struct alarm_hold *holds,
    size_t n, char err[ERR_LEN])
{
	char *buf;
	size_t len;
	int rc;

	if ((buf = malloc(HOLDSFILE_MAX)) == NULL) {
		errmsg_set(err, "out of memory saving the holds file");
		return -1;
	}
	len = holdsfile_format(holds, n, buf, HOLDSFILE_MAX);
	if (len == 0) {
		errmsg_set(err, "cannot format the holds file");
		rc = -1;
	} else
		rc = statedir_replace(state_dir, HOLDSFILE_NAME, buf, len, err);
	free(buf);
	return rc;
}
