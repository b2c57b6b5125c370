/*
 * audit_integrity.h: what the tests of the log's integrity share (signed
 * checkpoints, the head file, a renewed file, the syslog copy): Ed25519
 * keys made in-process, a log opened with options and what it said
 * through its notice, a temporary directory removed whole, a chain
 * rebuilt after an edit (as an attacker who can write the file would),
 * and audit_verify_files() with its options. Header-only, on top of
 * audit_fixture.h.
 */
#ifndef WARDEN_TEST_AUDIT_INTEGRITY_H
#define WARDEN_TEST_AUDIT_INTEGRITY_H

#include "audit_fixture.h"

#include <dirent.h>
#include <sys/stat.h>
#include <openssl/pem.h>

/* An Ed25519 key pair (or, with type "EC", a P-256 one): the private
 * key PEM at priv with mode, the public one at pub (NULL: none). */
static inline void
keygen(const char *type, const char *priv, mode_t mode, const char *pub)
{
	EVP_PKEY *k = strcmp(type, "EC") == 0 ?
	    EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256") :
	    EVP_PKEY_Q_keygen(NULL, NULL, type);
	FILE *f;

	assert_non_null(k);
	assert_non_null(f = fopen(priv, "w"));
	assert_int_equal(PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL,
	    NULL), 1);
	fclose(f);
	assert_int_equal(chmod(priv, mode), 0);
	if (pub != NULL) {
		assert_non_null(f = fopen(pub, "w"));
		assert_int_equal(PEM_write_PUBKEY(f, k), 1);
		fclose(f);
	}
	EVP_PKEY_free(k);
}

/* audit_open_with(), or the test fails with its error. */
static inline struct audit *
open_with(const char *path, const struct audit_options *o)
{
	char err[ERR_LEN] = "";
	struct audit *a = audit_open_with(path, o, err);

	if (a == NULL)
		fail_msg("audit_open_with: %s", err);
	return a;
}

/* What the log said through audit_options.notice: how often, and the
 * last message. */
struct said {
	int n;
	char last[2048];
};

static inline void
note(void *ctx, const char *msg)
{
	struct said *s = ctx;

	s->n++;
	snprintf(s->last, sizeof s->last, "%s", msg);
}

/* t->dir/name */
static inline const char *
tpath(const struct tmp *t, const char *name, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s/%s", t->dir, name);
	return buf;
}

/* teardown for tests that leave more than the log: the dir, whole. */
static inline int
teardown_all(void **state)
{
	struct tmp *t = *state;
	char path[512];
	struct dirent *e;
	DIR *d = opendir(t->dir);

	while (d != NULL && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", t->dir, e->d_name);
		if (unlink(path) == -1)
			rmdir(path);
	}
	if (d != NULL)
		closedir(d);
	rmdir(t->dir);
	free(t);
	return 0;
}

/* Every line's prev and hash made right again, in order: a chain that
 * verifies without a key after any edit. */
static inline void
rehash_chain(const char *path)
{
	char *buf, *l, prev[65], hex[65];
	size_t len, n, body, at = 0;

	buf = slurp(path, &len);
	memcpy(prev, ZEROS, 65);
	while (at < len) {
		l = buf + at;
		n = (size_t)(strchr(l, '\n') - l);     /* without it */
		body = n - 75;                  /* ,"hash":"<64>"} */
		memcpy(l + body - 65, prev, 64);
		l[body] = '}';
		sha256_hex(l, body + 1, hex);
		l[body] = ',';
		memcpy(l + body + 9, hex, 64);
		memcpy(prev, hex, 65);
		at += n + 1;
	}
	spit(path, buf, len);
	free(buf);
}

/* audit_verify_files() over n paths with a key and a head (NULL: none);
 * its verdict, what it said into msg. */
static inline int
verify_with(const char *const *paths, size_t n, const char *pubkey,
    const char *head, int as_json, char *msg, size_t cap)
{
	struct audit_verify_options o = { pubkey, head };
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	int rc;

	assert_non_null(out);
	rc = audit_verify_files(paths, n, &o, out, as_json);
	fclose(out);
	snprintf(msg, cap, "%s", text);
	free(text);
	return rc;
}

#endif
