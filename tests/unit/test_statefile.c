/*
 * test_statefile.c: the persisted state. Every way a file can be wrong
 * must read as corrupt (the daemon then starts in TAKEOVER); only a
 * missing file reads as none. Saves are atomic and leave no temporary
 * file behind.
 */
#include <dirent.h>
#include <fcntl.h>
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
#include <openssl/evp.h>

#include "statefile.h"

#define T0 1700000000.25

struct fixture {
	char dir[64];
	char path[128];
	char err[ERR_LEN];
	struct guard_persisted st, back;
};

static int
fixture_setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);

	if (f == NULL)
		return -1;
	strcpy(f->dir, "/tmp/test_statefile.XXXXXX");
	if (mkdtemp(f->dir) == NULL) {
		free(f);
		return -1;
	}
	snprintf(f->path, sizeof f->path, "%s/state", f->dir);
	f->st.state = GUARD_STATE_TAKEOVER;
	f->st.cause = GUARD_CAUSE_TRIP;
	strcpy(f->st.reason, "trip: level high_high");
	f->st.since = T0;
	*state = f;
	return 0;
}

/* Everything this test may have left in its directory. */
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
		chmod(path, 0700);
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
file_put(const struct fixture *f, const void *bytes, size_t len)
{
	FILE *fp = fopen(f->path, "w");

	assert_non_null(fp);
	assert_int_equal(fwrite(bytes, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
}

static enum statefile_status
load(struct fixture *f)
{
	f->err[0] = '\0';
	return statefile_load(f->dir, &f->back, f->err);
}

static void
assert_corrupt(struct fixture *f, const char *why)
{
	assert_int_equal(load(f), STATEFILE_CORRUPT);
	assert_non_null(strstr(f->err, f->path));
	assert_non_null(strstr(f->err, why));
}

/* The bytes of a file with a valid checksum over body. */
static size_t
signed_body(const char *body, char *out, size_t size)
{
	unsigned char sum[EVP_MAX_MD_SIZE];
	unsigned n, i;
	size_t len = strlen(body);

	assert_true(EVP_Digest(body, len, sum, &n, EVP_sha256(), NULL));
	assert_true(len + 8 + 2 * n < size);
	memcpy(out, body, len);
	len += (size_t)sprintf(out + len, "sha256 ");
	for (i = 0; i < n; i++)
		len += (size_t)sprintf(out + len, "%02x", sum[i]);
	out[len++] = '\n';
	return len;
}

static void
test_format_is_the_documented_text(void **state)
{
	struct fixture *f = *state;
	char buf[STATEFILE_MAX];
	size_t len = statefile_format(&f->st, buf, sizeof buf);
	const char *body = "warden-state 1\nstate takeover\ncause trip\n"
	    "since 2023-11-14T22:13:20.250000Z\n"
	    "reason trip: level high_high\n";
	char expect[STATEFILE_MAX];

	assert_int_equal(len, signed_body(body, expect, sizeof expect));
	assert_memory_equal(buf, expect, len);
	assert_int_equal(statefile_format(&f->st, buf, len), 0);
}

static void
test_round_trip_through_parse(void **state)
{
	struct fixture *f = *state;
	static const char *const reasons[] = {
		"", "plain", "back\\slash", "line\nbreak\r\tand tab",
		"\x7f del", "caf\xc3\xa9 \xe2\x82\xac", "\\x41 not an escape",
	};
	char buf[STATEFILE_MAX];
	size_t i, len;

	for (i = 0; i < sizeof reasons / sizeof reasons[0]; i++) {
		strcpy(f->st.reason, reasons[i]);
		f->st.state = (enum guard_state)(i % 2);
		f->st.cause = (enum guard_cause)(i % GUARD_CAUSE_COUNT);
		f->st.since = T0 + (double)i * 1.000001;
		len = statefile_format(&f->st, buf, sizeof buf);
		assert_true(len > 0);
		assert_int_equal(statefile_parse(buf, len, &f->back,
		    f->err), 0);
		assert_int_equal(f->back.state, f->st.state);
		assert_int_equal(f->back.cause, f->st.cause);
		assert_string_equal(f->back.reason, f->st.reason);
		assert_true(f->back.since - f->st.since < 1e-6 &&
		    f->st.since - f->back.since < 1e-6);
	}
}

static void
test_longest_reason_fits(void **state)
{
	struct fixture *f = *state;
	char buf[STATEFILE_MAX];
	size_t len;

	/* Every byte escaped to four. */
	memset(f->st.reason, '\n', GUARD_REASON_MAX - 1);
	f->st.reason[GUARD_REASON_MAX - 1] = '\0';
	len = statefile_format(&f->st, buf, sizeof buf);
	assert_true(len > 0);
	assert_int_equal(statefile_parse(buf, len, &f->back, f->err), 0);
	assert_string_equal(f->back.reason, f->st.reason);
}

static void
test_save_then_load(void **state)
{
	struct fixture *f = *state;
	struct stat sb;

	assert_int_equal(statefile_save(f->dir, &f->st, f->err), 0);
	assert_int_equal(stat(f->path, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0640);
	assert_int_equal(load(f), STATEFILE_OK);
	assert_int_equal(f->back.state, GUARD_STATE_TAKEOVER);
	assert_int_equal(f->back.cause, GUARD_CAUSE_TRIP);
	assert_string_equal(f->back.reason, "trip: level high_high");
	assert_true(f->back.since == T0);
}

static void
test_replace_is_atomic_and_leaves_no_temp_file(void **state)
{
	struct fixture *f = *state;
	struct dirent *de;
	DIR *d;
	int files = 0;

	assert_int_equal(statefile_save(f->dir, &f->st, f->err), 0);
	f->st.state = GUARD_STATE_AUTO;
	f->st.cause = GUARD_CAUSE_OPERATOR;
	strcpy(f->st.reason, "level back to normal");
	assert_int_equal(statefile_save(f->dir, &f->st, f->err), 0);
	assert_int_equal(load(f), STATEFILE_OK);
	assert_int_equal(f->back.state, GUARD_STATE_AUTO);
	assert_string_equal(f->back.reason, "level back to normal");
	d = opendir(f->dir);
	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' && (de->d_name[1] == '\0' ||
		    strcmp(de->d_name, "..") == 0))
			continue;
		assert_string_equal(de->d_name, "state");
		files++;
	}
	closedir(d);
	assert_int_equal(files, 1);
}

static void
test_save_into_missing_dir_says_what_to_check(void **state)
{
	struct fixture *f = *state;
	char dir[128];

	snprintf(dir, sizeof dir, "%s/missing", f->dir);
	assert_int_equal(statefile_save(dir, &f->st, f->err), -1);
	assert_non_null(strstr(f->err, dir));
	assert_non_null(strstr(f->err, "state_dir"));
}

static void
test_missing_file_is_none(void **state)
{
	struct fixture *f = *state;
	char dir[128];

	assert_int_equal(load(f), STATEFILE_NONE);
	snprintf(dir, sizeof dir, "%s/missing", f->dir);
	assert_int_equal(statefile_load(dir, &f->back, f->err),
	    STATEFILE_NONE);
}

static void
test_empty_file_is_corrupt(void **state)
{
	struct fixture *f = *state;

	file_put(f, "", 0);
	assert_corrupt(f, "empty");
}

static void
test_every_truncation_is_corrupt(void **state)
{
	struct fixture *f = *state;
	char buf[STATEFILE_MAX];
	size_t len = statefile_format(&f->st, buf, sizeof buf);
	size_t cut;

	for (cut = 0; cut < len; cut++) {
		assert_int_equal(statefile_parse(buf, cut, &f->back,
		    f->err), -1);
	}
	file_put(f, buf, len - 1);
	assert_corrupt(f, "truncated");
	file_put(f, buf, len / 2);
	assert_corrupt(f, "corrupt");
}

static void
test_every_flipped_byte_is_corrupt(void **state)
{
	struct fixture *f = *state;
	char buf[STATEFILE_MAX];
	size_t len = statefile_format(&f->st, buf, sizeof buf);
	size_t i;

	for (i = 0; i < len; i++) {
		buf[i] ^= 0x01;
		assert_int_equal(statefile_parse(buf, len, &f->back,
		    f->err), -1);
		buf[i] ^= 0x01;
	}
	buf[20] ^= 0x20;
	file_put(f, buf, len);
	assert_corrupt(f, "checksum does not match");
}

static void
test_garbage_and_trailing_bytes_are_corrupt(void **state)
{
	struct fixture *f = *state;
	char buf[STATEFILE_MAX];
	size_t len;
	int i;

	for (i = 0; i < 300; i++)
		buf[i] = (char)(i * 37 + 11);
	file_put(f, buf, 300);
	assert_corrupt(f, "corrupt");
	len = statefile_format(&f->st, buf, sizeof buf);
	buf[len] = '\n';
	file_put(f, buf, len + 1);
	assert_corrupt(f, "corrupt");
}

static void
test_unknown_values_with_valid_checksum_are_corrupt(void **state)
{
	struct fixture *f = *state;
	static const struct {
		const char *body;
		const char *why;
	} cases[] = {
		{ "warden-state 2\nstate auto\ncause operator\n"
		  "since 2023-11-14T22:13:20.000000Z\nreason x\n", "version" },
		{ "warden-state 1\nstate manual\ncause operator\n"
		  "since 2023-11-14T22:13:20.000000Z\nreason x\n",
		  "\"state\"" },
		{ "warden-state 1\nstate auto\ncause none\n"
		  "since 2023-11-14T22:13:20.000000Z\nreason x\n",
		  "\"cause\"" },
		{ "warden-state 1\nstate auto\ncause operator\n"
		  "since yesterday\nreason x\n", "\"since\"" },
		{ "warden-state 1\nstate auto\ncause operator\n"
		  "since 2023-11-14T22:13:20Z\nreason x\n", "\"since\"" },
		{ "warden-state 1\nstate auto\ncause operator\n"
		  "since 2023-11-14T22:13:20.000000Z\nreason a\\qb\n",
		  "\"reason\"" },
		{ "warden-state 1\nstate auto\ncause operator\n"
		  "since 2023-11-14T22:13:20.000000Z\nreason a\\x00b\n",
		  "\"reason\"" },
		{ "warden-state 1\ncause operator\nstate auto\n"
		  "since 2023-11-14T22:13:20.000000Z\nreason x\n",
		  "\"state\"" },
		{ "warden-state 1\nstate auto\ncause operator\n"
		  "since 2023-11-14T22:13:20.000000Z\n", "\"reason\"" },
		{ "warden-state 1\nstate auto\ncause operator\n"
		  "since 2023-11-14T22:13:20.000000Z\nreason x\nuser bob\n",
		  "after the reason" },
	};
	char buf[STATEFILE_MAX];
	size_t i, len;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		len = signed_body(cases[i].body, buf, sizeof buf);
		file_put(f, buf, len);
		assert_corrupt(f, cases[i].why);
	}
	/* The same signing makes a good file load: the cases above fail
	 * for their content, not for the signature. */
	len = signed_body("warden-state 1\nstate auto\ncause operator\n"
	    "since 2023-11-14T22:13:20.000000Z\nreason a\\x41\\\\b\n", buf,
	    sizeof buf);
	file_put(f, buf, len);
	assert_int_equal(load(f), STATEFILE_OK);
	assert_string_equal(f->back.reason, "aA\\b");
	assert_true(f->back.since == 1700000000.0);
}

/* What parses, the format writes back: a leap second that carries the
 * time into year 10000 would load, and then no save of it could be
 * made. The last second the format can write loads and saves. */
static void
test_since_the_format_cannot_write_is_corrupt(void **state)
{
	struct fixture *f = *state;
	char buf[STATEFILE_MAX];
	size_t len;

	len = signed_body("warden-state 1\nstate takeover\ncause trip\n"
	    "since 9999-12-31T23:59:60.000000Z\nreason x\n", buf, sizeof buf);
	file_put(f, buf, len);
	assert_corrupt(f, "\"since\"");
	len = signed_body("warden-state 1\nstate takeover\ncause trip\n"
	    "since 9999-12-31T23:59:59.000000Z\nreason x\n", buf, sizeof buf);
	file_put(f, buf, len);
	assert_int_equal(load(f), STATEFILE_OK);
	assert_int_equal(statefile_save(f->dir, &f->back, f->err), 0);
	assert_int_equal(load(f), STATEFILE_OK);
}

/* The time helpers the sealed files share: the format gives no text
 * for year 10000 (rather than a cut-off one), and a time field is taken
 * only when it writes back. */
static void
test_time_take_only_what_writes_back(void **state)
{
	char out[STATEFILE_TIME_LEN + 1];
	double t;

	(void)state;
	assert_int_equal(statefile_time_take("9999-12-31T23:59:59.500000Z",
	    &t), 0);
	assert_int_equal(statefile_time_format(t, out), STATEFILE_TIME_LEN);
	assert_string_equal(out, "9999-12-31T23:59:59.500000Z");
	assert_int_equal(statefile_time_take("9999-12-31T23:59:60.000000Z",
	    &t), -1);
	assert_int_equal(statefile_time_format(t, out), 0);
	assert_int_equal(statefile_time_take("2026-12-06T05:00:00.5Z", &t),
	    -1);
	assert_int_equal(statefile_time_take("", &t), -1);
}

static void
test_too_large_is_corrupt(void **state)
{
	struct fixture *f = *state;
	char *big = malloc(STATEFILE_MAX * 2);

	assert_non_null(big);
	memset(big, 'x', STATEFILE_MAX * 2);
	file_put(f, big, STATEFILE_MAX * 2);
	free(big);
	assert_corrupt(f, "too large");
}

static void
test_directory_instead_of_file_is_corrupt(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(mkdir(f->path, 0700), 0);
	assert_corrupt(f, "not a regular file");
}

static void
test_unreadable_file_is_corrupt(void **state)
{
	struct fixture *f = *state;

	if (geteuid() == 0)
		skip();
	assert_int_equal(statefile_save(f->dir, &f->st, f->err), 0);
	assert_int_equal(chmod(f->path, 0), 0);
	assert_corrupt(f, "Permission denied");
}

#define T(name) cmocka_unit_test_setup_teardown(name, fixture_setup, \
	fixture_teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_format_is_the_documented_text),
		T(test_round_trip_through_parse),
		T(test_longest_reason_fits),
		T(test_save_then_load),
		T(test_replace_is_atomic_and_leaves_no_temp_file),
		T(test_save_into_missing_dir_says_what_to_check),
		T(test_missing_file_is_none),
		T(test_empty_file_is_corrupt),
		T(test_every_truncation_is_corrupt),
		T(test_every_flipped_byte_is_corrupt),
		T(test_garbage_and_trailing_bytes_are_corrupt),
		T(test_unknown_values_with_valid_checksum_are_corrupt),
		T(test_since_the_format_cannot_write_is_corrupt),
		cmocka_unit_test(test_time_take_only_what_writes_back),
		T(test_too_large_is_corrupt),
		T(test_directory_instead_of_file_is_corrupt),
		T(test_unreadable_file_is_corrupt),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
