/*
 * test_audit_sign.c: signed checkpoints. The private key file only its
 * owner may read; the key id and the signed message as documented; a log
 * signed every N records and at stop; verify with the right key, another
 * key, no checkpoint at all, a chain rebuilt after an edit, a checkpoint
 * moved, and records after the last checkpoint reported as unsigned.
 */
#include "audit_integrity.h"

#include <pwd.h>

#include "audit_sign.h"

struct keys {
	char priv[256], pub[256], other_pub[256];
	struct audit_key *key;
};

static struct keys *
keys_make(const struct tmp *t)
{
	struct keys *k = calloc(1, sizeof *k);
	char other[256], err[ERR_LEN];

	assert_non_null(k);
	tpath(t, "audit.key", k->priv, sizeof k->priv);
	tpath(t, "audit.pub", k->pub, sizeof k->pub);
	tpath(t, "other.pub", k->other_pub, sizeof k->other_pub);
	keygen("ED25519", k->priv, 0600, k->pub);
	keygen("ED25519", tpath(t, "other.key", other, sizeof other), 0600,
	    k->other_pub);
	k->key = audit_key_load_private(k->priv, NULL, err);
	if (k->key == NULL)
		fail_msg("%s", err);
	return k;
}

static void
keys_free(struct keys *k)
{
	audit_key_free(k->key);
	free(k);
}

/* A log signed every `every` records. */
static struct audit *
open_signed(const char *path, const struct keys *k, unsigned every)
{
	struct audit_options o = { .fsync_interval = 1.0,
		.sign_key = k->key, .checkpoint_every = every };

	return open_with(path, &o);
}

static void
expect_key_refused(const char *path, const char *fragment)
{
	char err[ERR_LEN] = "";

	assert_null(audit_key_load_private(path, NULL, err));
	if (strstr(err, fragment) == NULL)
		fail_msg("the key was refused with \"%s\", expected \"%s\"", err,
		    fragment);
}

/* Only its owner may read it; Ed25519 only; PEM only. */
static void
test_private_key_file_refused(void **state)
{
	struct tmp *t = *state;
	char path[256], err[ERR_LEN];
	const struct passwd *pw;
	struct audit_key *k;

	tpath(t, "audit.key", path, sizeof path);
	expect_key_refused(path, "openssl genpkey -algorithm ed25519");
	keygen("ED25519", path, 0644, NULL);
	expect_key_refused(path, "(mode 0644), and only wardend may read the "
	    "signing key: chmod 600");
	assert_int_equal(chmod(path, 0640), 0);
	expect_key_refused(path, "chmod 600");
	assert_int_equal(chmod(path, 0602), 0);
	expect_key_refused(path, "chmod 600");
	assert_int_equal(chmod(path, 0400), 0);
	assert_non_null(k = audit_key_load_private(path, NULL, err));
	audit_key_free(k);

	/* owned by another user: only when wardend -u switches to it */
	if (geteuid() == 0 && (pw = getpwnam("nobody")) != NULL) {
		assert_int_equal(chown(path, pw->pw_uid, 0), 0);
		expect_key_refused(path, "owned by uid");
		assert_null(audit_key_load_private(path, "root", err));
		assert_non_null(k = audit_key_load_private(path, "nobody",
		    err));
		audit_key_free(k);
		assert_int_equal(chown(path, 0, 0), 0);
	}

	keygen("EC", path, 0600, NULL);
	expect_key_refused(path, "not Ed25519");
	spit(path, "not a key\n", 10);
	expect_key_refused(path, "not an unencrypted PEM private key");
	assert_int_equal(mkdir(tpath(t, "dir.key", path, sizeof path), 0700),
	    0);
	expect_key_refused(path, "not a regular file");
}

/* The key id: the first 8 bytes of SHA-256 of the raw public key, the
 * same from either half of the pair. */
static void
test_key_id(void **state)
{
	struct tmp *t = *state;
	struct keys *k = keys_make(t);
	unsigned char raw[32];
	size_t n = sizeof raw;
	char err[ERR_LEN], hex[65];
	struct audit_key *pub = audit_key_load_public(k->pub, err);
	EVP_PKEY *p;
	FILE *f;

	assert_non_null(pub);
	assert_string_equal(audit_key_id(pub), audit_key_id(k->key));
	assert_non_null(f = fopen(k->pub, "r"));
	assert_non_null(p = PEM_read_PUBKEY(f, NULL, NULL, NULL));
	fclose(f);
	assert_int_equal(EVP_PKEY_get_raw_public_key(p, raw, &n), 1);
	EVP_PKEY_free(p);
	sha256_hex((const char *)raw, n, hex);
	hex[16] = '\0';
	assert_string_equal(audit_key_id(pub), hex);
	assert_null(audit_key_load_public(k->priv, err));
	assert_non_null(strstr(err, "openssl pkey -in audit.key -pubout"));
	audit_key_free(pub);
	keys_free(k);
}

/* The bytes signed, as wardend.8 documents them, and the signature
 * checked against them by plain libcrypto. */
static void
test_signed_message(void **state)
{
	struct tmp *t = *state;
	struct keys *k = keys_make(t);
	char msg[AUDIT_SIGN_MSG_MAX], want[256], sig[AUDIT_SIG_HEX + 1];
	char err[ERR_LEN];
	unsigned char raw[64];
	struct audit_key *pub = audit_key_load_public(k->pub, err);
	size_t len = audit_sign_message(audit_key_id(k->key), 42, ZEROS, msg);
	EVP_MD_CTX *ctx;
	EVP_PKEY *p;
	FILE *f;
	unsigned i;

	snprintf(want, sizeof want, "modbus-warden-audit-checkpoint-v1\n"
	    "key=%s\nseq=42\nhash=" ZEROS "\n", audit_key_id(k->key));
	assert_string_equal(msg, want);
	assert_int_equal(len, strlen(want));
	assert_int_equal(audit_key_sign(k->key, 42, ZEROS, sig), 0);
	assert_int_equal(strlen(sig), 128);
	assert_int_equal(audit_key_verify(pub, 42, ZEROS, sig), 1);
	assert_int_equal(audit_key_verify(pub, 43, ZEROS, sig), 0);
	assert_int_equal(audit_key_verify(pub, 42,
	    "1000000000000000000000000000000000000000000000000000000000000000",
	    sig), 0);
	assert_int_equal(audit_key_verify(pub, 42, ZEROS, "00"), 0);
	assert_int_equal(audit_key_sign(pub, 42, ZEROS, sig), -1);

	for (i = 0; i < 64; i++)
		assert_int_equal(sscanf(sig + 2 * i, "%2hhx", &raw[i]), 1);
	assert_non_null(f = fopen(k->pub, "r"));
	assert_non_null(p = PEM_read_PUBKEY(f, NULL, NULL, NULL));
	fclose(f);
	assert_non_null(ctx = EVP_MD_CTX_new());
	assert_int_equal(EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, p), 1);
	assert_int_equal(EVP_DigestVerify(ctx, raw, 64,
	    (const unsigned char *)want, strlen(want)), 1);
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(p);
	audit_key_free(pub);
	keys_free(k);
}

/* Every 5 records and on audit_checkpoint(), each signing the record
 * before it; never two in a row. */
static void
test_checkpoints_every_n(void **state)
{
	struct tmp *t = *state;
	struct keys *k = keys_make(t);
	struct audit *a = open_signed(t->path, k, 5);
	const char *paths[] = { t->path };
	char msg[2048], *buf, want[128];
	const char *l;
	size_t len, n;

	assert_int_equal(audit_checkpoint(a, 1), 0);    /* nothing to sign */
	assert_int_equal(audit_last_seq(a), 0);
	write_n(a, 12);                 /* 1-5, cp 6, 7-11, cp 12, 13, 14 */
	assert_int_equal(audit_last_seq(a), 14);
	assert_int_equal(audit_checkpoint(a, 1), 0);    /* 15 */
	assert_int_equal(audit_checkpoint(a, 1), 0);    /* not again */
	assert_int_equal(audit_last_seq(a), 15);
	assert_int_equal(audit_stats(a)->checkpoints, 3);
	audit_close(a);

	buf = slurp(t->path, &len);
	l = line_at(buf, 6, &n);
	assert_non_null(strstr(l, "\"event\":\"checkpoint\""));
	snprintf(want, sizeof want, "\"key_id\":\"%s\",\"signed_seq\":5,",
	    audit_key_id(k->key));
	assert_non_null(strstr(l, want));
	assert_non_null(strstr(line_at(buf, 12, &n), "\"signed_seq\":11,"));
	assert_non_null(strstr(line_at(buf, 15, &n), "\"signed_seq\":14,"));
	free(buf);

	assert_int_equal(verify_with(paths, 1, k->pub, NULL, 0, msg,
	    sizeof msg), 0);
	expect_said(msg, "valid: 15 records");
	expect_said(msg, "signed: 3 checkpoint(s) by key");
	expect_said(msg, "signs the chain up to seq 14");
	assert_null(strstr(msg, "warning"));
	assert_int_equal(verify_with(paths, 1, NULL, NULL, 0, msg,
	    sizeof msg), 0);
	expect_said(msg, "3 checkpoint(s) not checked: give --pubkey");
	keys_free(k);
}

/* Records after the last checkpoint: valid, said, counted in JSON. */
static void
test_unsigned_tail_reported(void **state)
{
	struct tmp *t = *state;
	struct keys *k = keys_make(t);
	struct audit *a = open_signed(t->path, k, 5);
	const char *paths[] = { t->path };
	char msg[2048];

	write_n(a, 8);                  /* 1-5, cp 6, 7-9 */
	audit_close(a);
	assert_int_equal(verify_with(paths, 1, k->pub, NULL, 0, msg,
	    sizeof msg), 0);
	expect_said(msg, "warning: 3 record(s) after the last checkpoint (seq "
	    "7 to 9) are not signed yet");
	assert_int_equal(verify_with(paths, 1, k->pub, NULL, 1, msg,
	    sizeof msg), 0);
	expect_said(msg, "\"valid\":true");
	expect_said(msg, "\"checkpoints\":1,");
	expect_said(msg, "\"signed_seq\":5,\"unsigned\":3");
	keys_free(k);
}

/* Another key's checkpoints fail; so does a log with none at all. */
static void
test_other_key_and_unsigned_log_fail(void **state)
{
	struct tmp *t = *state;
	struct keys *k = keys_make(t);
	struct audit *a = open_signed(t->path, k, 5);
	const char *paths[] = { t->path };
	char msg[2048];

	write_n(a, 7);
	audit_close(a);
	assert_int_equal(verify_with(paths, 1, k->other_pub, NULL, 0, msg,
	    sizeof msg), 1);
	expect_said(msg, "line 6 (seq 6): checkpoint signed by another key");
	unlink(t->path);
	make_log(t->path, 7);
	assert_int_equal(verify_with(paths, 1, k->pub, NULL, 0, msg,
	    sizeof msg), 1);
	expect_said(msg, "no checkpoint: nothing here is signed");
	assert_int_equal(verify_with(paths, 1, NULL, NULL, 0, msg,
	    sizeof msg), 0);
	assert_int_equal(verify_with(paths, 1, "/nonexistent.pub", NULL, 0, msg,
	    sizeof msg), 2);
	expect_said(msg, "cannot open /nonexistent.pub");
	keys_free(k);
}

/* An edit whose chain was rebuilt: the SHA-256 chain holds, the
 * signature does not. */
static void
test_rebuilt_chain_fails_signature(void **state)
{
	struct tmp *t = *state;
	struct keys *k = keys_make(t);
	struct audit *a = open_signed(t->path, k, 5);
	const char *paths[] = { t->path };
	char msg[2048], *buf, *v, *l;
	size_t len, n;

	write_n(a, 10);                 /* 1-5, cp 6, 7-11, cp 12 */
	audit_close(a);
	buf = slurp(t->path, &len);
	v = strstr(line_at(buf, 3, &n), "\"value\":3,");
	assert_non_null(v);
	v[8] = '4';
	spit(t->path, buf, len);
	free(buf);
	rehash_chain(t->path);
	assert_int_equal(verify_with(paths, 1, NULL, NULL, 0, msg,
	    sizeof msg), 0);
	assert_int_equal(verify_with(paths, 1, k->pub, NULL, 0, msg,
	    sizeof msg), 1);
	expect_said(msg, "line 6 (seq 6): checkpoint signs seq 5 with hash ");
	expect_said(msg, "the records before it were changed");

	/* and with the checkpoint's signed_hash rewritten to match */
	buf = slurp(t->path, &len);
	l = line_at(buf, 6, &n);
	memcpy(strstr(l, "\"signed_hash\":\"") + 15, strstr(l, "\"prev\":\"") + 8,
	    64);
	spit(t->path, buf, len);
	free(buf);
	rehash_chain(t->path);
	assert_int_equal(verify_with(paths, 1, NULL, NULL, 0, msg,
	    sizeof msg), 0);
	assert_int_equal(verify_with(paths, 1, k->pub, NULL, 0, msg,
	    sizeof msg), 1);
	expect_said(msg, "line 6 (seq 6): the checkpoint's signature does not "
	    "verify: the records before it were changed and the chain "
	    "rebuilt");
	keys_free(k);
}

/* A checkpoint's signed seq edited to match another place. */
static void
test_moved_checkpoint_fails(void **state)
{
	struct tmp *t = *state;
	struct keys *k = keys_make(t);
	struct audit *a = open_signed(t->path, k, 5);
	const char *paths[] = { t->path };
	char msg[2048], *buf, *v;
	size_t len, n;

	write_n(a, 5);
	audit_close(a);
	buf = slurp(t->path, &len);
	v = strstr(line_at(buf, 6, &n), "\"signed_seq\":5,");
	assert_non_null(v);
	v[13] = '4';
	spit(t->path, buf, len);
	free(buf);
	rehash_chain(t->path);
	assert_int_equal(verify_with(paths, 1, k->pub, NULL, 0, msg,
	    sizeof msg), 1);
	expect_said(msg, "checkpoint signs seq 4 but stands after seq 5: moved "
	    "or forged");
	keys_free(k);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown_all)
		T(test_private_key_file_refused),
		T(test_key_id),
		T(test_signed_message),
		T(test_checkpoints_every_n),
		T(test_unsigned_tail_reported),
		T(test_other_key_and_unsigned_log_fail),
		T(test_rebuilt_chain_fails_signature),
		T(test_moved_checkpoint_fails),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
