/*
 * test_statedir.c: state_dir's small files on disk, whatever they hold.
 * A read takes the whole file or says why not, and tells a missing file
 * (errno ENOENT) from every other failure; a replace is all or nothing
 * and leaves no temporary file behind.
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "statedir.h"

struct fixture {
	char dir[64];
	char path[128];
	char err[ERR_LEN];
};

static int
fixture_setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);

	if (f == NULL)
		return -1;
	strcpy(f->dir, "/tmp/test_statedir.XXXXXX");
	if (mkdtemp(f->dir) == NULL) {
		free(f);
		return -1;
	}
	snprintf(f->path, sizeof f->path, "%s/file", f->dir);
	*state = f;
	return 0;
}

static int
fixture_teardown(void **state)
{
	struct fixture *f = *state;
	struct dirent *de;
	char path[512];
	DIR *d = opendir(f->dir);

	while (d != NULL && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", f->dir, de->d_name);
		if (unlink(path) < 0)
			rmdir(path);
	}
	if (d != NULL)
		closedir(d);
	rmdir(f->dir);
	free(f);
	return 0;
}

static void
file_put(const char *path, const void *bytes, size_t len)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	assert_int_equal(fwrite(bytes, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
}

/* Names in dir but . and .., as "a b " */
static void
dir_names(const char *dir, char *out, size_t size)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	size_t n = 0;

	assert_non_null(d);
	out[0] = '\0';
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		n += (size_t)snprintf(out + n, size - n, "%s ", de->d_name);
		assert_true(n < size);
	}
	closedir(d);
}

static void
expect_failed(struct fixture *f, const char *path, size_t size,
    const char *why)
{
	char buf[64];

	f->err[0] = '\0';
	errno = 0;
	assert_int_equal(statedir_read(path, buf, size, f->err), -1);
	assert_int_not_equal(errno, ENOENT);
	assert_non_null(strstr(f->err, path));
	if (strstr(f->err, why) == NULL)
		fail_msg("\"%s\" does not say \"%s\"", f->err, why);
}

static void
test_missing_file_is_enoent(void **state)
{
	struct fixture *f = *state;
	char buf[16], path[256];

	errno = 0;
	assert_int_equal(statedir_read(f->path, buf, sizeof buf, f->err), -1);
	assert_int_equal(errno, ENOENT);
	assert_non_null(strstr(f->err, f->path));
	snprintf(path, sizeof path, "%s/missing/file", f->dir);
	errno = 0;
	assert_int_equal(statedir_read(path, buf, sizeof buf, f->err), -1);
	assert_int_equal(errno, ENOENT);
}

/* One byte under the buffer is the largest file; the buffer full is
 * too large, whatever follows. */
static void
test_read_whole_up_to_size(void **state)
{
	struct fixture *f = *state;
	char buf[16];

	file_put(f->path, "", 0);
	assert_int_equal(statedir_read(f->path, buf, sizeof buf, f->err), 0);
	file_put(f->path, "0123456789abcde", 15);
	assert_int_equal(statedir_read(f->path, buf, sizeof buf, f->err), 15);
	assert_memory_equal(buf, "0123456789abcde", 15);
	file_put(f->path, "0123456789abcdef", 16);
	expect_failed(f, f->path, sizeof buf, "too large");
	file_put(f->path, "0123456789abcdef0123456789abcdef", 32);
	expect_failed(f, f->path, sizeof buf, "too large");
}

static void
test_not_a_regular_file(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(mkdir(f->path, 0700), 0);
	expect_failed(f, f->path, 16, "not a regular file");
}

/* A FIFO where the state file should be is refused at once: opening it
 * for reading must not wait for a writer (wardend would hang at start).
 * The alarm turns a hang into a failure. */
static void
test_fifo_refused_without_waiting(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(mkfifo(f->path, 0600), 0);
	alarm(5);
	expect_failed(f, f->path, 16, "not a regular file");
	alarm(0);
}

static void
test_unreadable_file(void **state)
{
	struct fixture *f = *state;

	if (geteuid() == 0)
		skip();
	file_put(f->path, "x", 1);
	assert_int_equal(chmod(f->path, 0), 0);
	expect_failed(f, f->path, 16, "Permission denied");
}

static void
test_replace_writes_whole_file_0640(void **state)
{
	struct fixture *f = *state;
	char buf[16], names[256];
	struct stat sb;

	assert_int_equal(statedir_replace(f->dir, "file", "first\n", 6,
	    f->err), 0);
	assert_int_equal(statedir_replace(f->dir, "file", "2nd\n", 4,
	    f->err), 0);
	assert_int_equal(statedir_read(f->path, buf, sizeof buf, f->err), 4);
	assert_memory_equal(buf, "2nd\n", 4);
	assert_int_equal(stat(f->path, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0640);
	dir_names(f->dir, names, sizeof names);
	assert_string_equal(names, "file ");
}

static void
test_replace_into_missing_dir_says_what_to_check(void **state)
{
	struct fixture *f = *state;
	char dir[128];

	snprintf(dir, sizeof dir, "%s/missing", f->dir);
	assert_int_equal(statedir_replace(dir, "file", "x\n", 2, f->err), -1);
	assert_non_null(strstr(f->err, dir));
	assert_non_null(strstr(f->err, "check that state_dir exists and is "
	    "writable by wardend"));
}

/* A rename that fails keeps what stood there and leaves no temporary. */
static void
test_failed_rename_keeps_the_old_and_no_temp(void **state)
{
	struct fixture *f = *state;
	char names[256];

	assert_int_equal(mkdir(f->path, 0700), 0);
	assert_int_equal(statedir_replace(f->dir, "file", "x\n", 2, f->err),
	    -1);
	assert_non_null(strstr(f->err, "cannot rename"));
	assert_non_null(strstr(f->err, f->path));
	dir_names(f->dir, names, sizeof names);
	assert_string_equal(names, "file ");
}

#define T(name) cmocka_unit_test_setup_teardown(name, fixture_setup, \
	fixture_teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_missing_file_is_enoent),
		T(test_read_whole_up_to_size),
		T(test_not_a_regular_file),
		T(test_fifo_refused_without_waiting),
		T(test_unreadable_file),
		T(test_replace_writes_whole_file_0640),
		T(test_replace_into_missing_dir_says_what_to_check),
		T(test_failed_rename_keeps_the_old_and_no_temp),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
