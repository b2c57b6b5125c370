/*
 * test_peer_key.c: pair.key_file read and checked (peer_key.c). A key
 * others may read is refused with the chmod that fixes it; a missing
 * file says how to make one; what is in the file must be a key.
 */
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

#include "peer_key.h"

#define KEY64 "00112233445566778899aabbccddeeff" \
	"00112233445566778899aabbccddeeff"

struct fixture {
	char dir[64];
	char path[128];
	char err[ERR_LEN];
	uint8_t key[PEER_KEY_MAX];
	size_t len;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);

	if (f == NULL)
		return -1;
	strcpy(f->dir, "/tmp/test_peer_key.XXXXXX");
	if (mkdtemp(f->dir) == NULL) {
		free(f);
		return -1;
	}
	snprintf(f->path, sizeof f->path, "%s/peer.key", f->dir);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	unlink(f->path);
	rmdir(f->path);
	rmdir(f->dir);
	free(f);
	return 0;
}

static void
key_put(const struct fixture *f, const char *text, mode_t mode)
{
	FILE *fp = fopen(f->path, "w");

	assert_non_null(fp);
	assert_int_equal(fwrite(text, 1, strlen(text), fp), strlen(text));
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(chmod(f->path, mode), 0);
}

static void
test_missing_says_how_to_make_one(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(peer_key_load(f->path, f->key, &f->len, f->err), -1);
	assert_non_null(strstr(f->err, f->path));
	assert_non_null(strstr(f->err, "No such file"));
	assert_non_null(strstr(f->err, "openssl rand -hex 32"));
}

static void
test_others_may_read_refused(void **state)
{
	struct fixture *f = *state;
	static const mode_t modes[] = { 0640, 0604, 0660, 0644, 0610, 0601 };
	char want[192];
	size_t i;

	snprintf(want, sizeof want, "chmod 600 %s", f->path);
	for (i = 0; i < sizeof modes / sizeof modes[0]; i++) {
		key_put(f, KEY64 "\n", modes[i]);
		assert_int_equal(peer_key_load(f->path, f->key, &f->len,
		    f->err), -1);
		assert_non_null(strstr(f->err, want));
		assert_non_null(strstr(f->err, "group or others"));
	}
	key_put(f, KEY64 "\n", 0600);
	assert_int_equal(peer_key_load(f->path, f->key, &f->len, f->err), 0);
	assert_int_equal(f->len, 32);
	assert_int_equal(f->key[1], 0x11);
	key_put(f, KEY64, 0400);
	assert_int_equal(peer_key_load(f->path, f->key, &f->len, f->err), 0);
}

static void
test_not_a_key_refused(void **state)
{
	struct fixture *f = *state;

	key_put(f, "", 0600);
	assert_int_equal(peer_key_load(f->path, f->key, &f->len, f->err), -1);
	assert_non_null(strstr(f->err, "0 hex digits"));
	key_put(f, "secret\n", 0600);
	assert_int_equal(peer_key_load(f->path, f->key, &f->len, f->err), -1);
	assert_non_null(strstr(f->err, f->path));
	assert_non_null(strstr(f->err, "not a hex digit"));
	/* Longer than any key: refused, not cut. */
	key_put(f, KEY64 KEY64 KEY64 "\n", 0600);
	assert_int_equal(peer_key_load(f->path, f->key, &f->len, f->err), -1);
	key_put(f, KEY64 KEY64 "\n", 0600);
	assert_int_equal(peer_key_load(f->path, f->key, &f->len, f->err), 0);
	assert_int_equal(f->len, 64);
	unlink(f->path);
	assert_int_equal(mkdir(f->path, 0700), 0);
	assert_int_equal(peer_key_load(f->path, f->key, &f->len, f->err), -1);
	assert_non_null(strstr(f->err, "not a regular file"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_missing_says_how_to_make_one, setup, teardown),
		cmocka_unit_test_setup_teardown(test_others_may_read_refused,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_a_key_refused,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
