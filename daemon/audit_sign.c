/*
 * audit_sign.c: loading the checkpoint keys, signing and checking a chain
 * head (see audit_sign.h).
 */
#include "audit_sign.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>

#include "audit.h"
#include "hex.h"

#define ED25519_RAW 32
#define ED25519_SIG 64

struct audit_key {
	EVP_PKEY *pkey;
	int private;
	char id[AUDIT_KEY_ID_HEX + 1];
};

/* Never ask for a passphrase: wardend has no terminal to ask on. */
static int
no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return -1;
}

/* Checks the key type and sets the key id; frees pkey on failure. */
static struct audit_key *
key_wrap(EVP_PKEY *pkey, int private, const char *path, char err[ERR_LEN])
{
	unsigned char raw[ED25519_RAW], sum[EVP_MAX_MD_SIZE];
	size_t raw_len = sizeof raw;
	unsigned int n = 0;
	struct audit_key *k;
	const char *type;

	if (EVP_PKEY_get_base_id(pkey) != EVP_PKEY_ED25519) {
		type = OBJ_nid2sn(EVP_PKEY_get_base_id(pkey));
		errmsg_set(err, "%s: a %s key, not Ed25519: make "
		    "one with `openssl genpkey -algorithm ed25519`", path,
		    type != NULL ? type : "different");
		EVP_PKEY_free(pkey);
		return NULL;
	}
	if (!EVP_PKEY_get_raw_public_key(pkey, raw, &raw_len) ||
	    raw_len != ED25519_RAW ||
	    !EVP_Digest(raw, raw_len, sum, &n, EVP_sha256(), NULL) ||
	    (k = calloc(1, sizeof *k)) == NULL) {
		errmsg_set(err, "%s: cannot read the public key "
		    "(libcrypto)", path);
		EVP_PKEY_free(pkey);
		return NULL;
	}
	k->pkey = pkey;
	k->private = private;
	hex_encode(sum, AUDIT_KEY_ID_HEX / 2, k->id);
	return k;
}

/* Who may read the private key: nobody but its owner, root or us. */
static int
private_file_ok(int fd, const char *path, const char *user, char err[ERR_LEN])
{
	const struct passwd *pw = user != NULL ? getpwnam(user) : NULL;
	struct stat st;
	unsigned mode;

	if (fstat(fd, &st) == -1) {
		errmsg_set(err, "%s: %s", path, strerror(errno));
		return -1;
	}
	mode = (unsigned)st.st_mode & 07777;
	if (!S_ISREG(st.st_mode)) {
		errmsg_set(err, "%s: not a regular file", path);
		return -1;
	}
	if (st.st_uid != 0 && st.st_uid != geteuid() &&
	    (pw == NULL || st.st_uid != pw->pw_uid)) {
		errmsg_set(err, "%s: owned by uid %u, who could "
		    "read the signing key: chown root %s (or the user wardend "
		    "runs as; check it as that user, or with -u)", path,
		    (unsigned)st.st_uid, path);
		return -1;
	}
	if (mode & 077) {
		errmsg_set(err, "%s: group or others have access "
		    "(mode %04o), and only wardend may read the signing key: "
		    "chmod 600 %s", path, mode, path);
		return -1;
	}
	return 0;
}

struct audit_key *
audit_key_load_private(const char *path, const char *user, char err[ERR_LEN])
{
	EVP_PKEY *pkey;
	FILE *f;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1) {
		errmsg_set(err, "%s: %s (make the key with "
		    "`openssl genpkey -algorithm ed25519 -out %s`, then chmod "
		    "600 it)", path, strerror(errno), path);
		return NULL;
	}
	if (private_file_ok(fd, path, user, err) == -1) {
		close(fd);
		return NULL;
	}
	if ((f = fdopen(fd, "r")) == NULL) {
		errmsg_set(err, "%s: %s", path, strerror(errno));
		close(fd);
		return NULL;
	}
	pkey = PEM_read_PrivateKey(f, NULL, no_passphrase, NULL);
	fclose(f);
	ERR_clear_error();
	if (pkey == NULL) {
		errmsg_set(err, "%s: not an unencrypted PEM "
		    "private key: make one with `openssl genpkey -algorithm "
		    "ed25519 -out %s`", path, path);
		return NULL;
	}
	return key_wrap(pkey, 1, path, err);
}

struct audit_key *
audit_key_load_public(const char *path, char err[ERR_LEN])
{
	EVP_PKEY *pkey;
	FILE *f;

	if ((f = fopen(path, "re")) == NULL) {
		errmsg_set(err, "cannot open %s: %s", path,
		    strerror(errno));
		return NULL;
	}
	pkey = PEM_read_PUBKEY(f, NULL, no_passphrase, NULL);
	fclose(f);
	ERR_clear_error();
	if (pkey == NULL) {
		errmsg_set(err, "%s: not a PEM public key: make "
		    "it from the signing key with `openssl pkey -in audit.key "
		    "-pubout -out %s`", path, path);
		return NULL;
	}
	return key_wrap(pkey, 0, path, err);
}

void
audit_key_free(struct audit_key *k)
{
	if (k == NULL)
		return;
	EVP_PKEY_free(k->pkey);
	free(k);
}

const char *
audit_key_id(const struct audit_key *k)
{
	return k->id;
}

size_t
audit_sign_message(const char *key_id, uint64_t seq, const char *hash,
    char *buf)
{
	int n = snprintf(buf, AUDIT_SIGN_MSG_MAX, AUDIT_SIGN_DOMAIN
	    "key=%s\nseq=%llu\nhash=%s\n", key_id, (unsigned long long)seq,
	    hash);

	return n < 0 || n >= AUDIT_SIGN_MSG_MAX ? 0 : (size_t)n;
}

int
audit_key_sign(const struct audit_key *k, uint64_t seq, const char *hash,
    char sig[AUDIT_SIG_HEX + 1])
{
	unsigned char raw[ED25519_SIG];
	char msg[AUDIT_SIGN_MSG_MAX];
	size_t len = audit_sign_message(k->id, seq, hash, msg);
	size_t raw_len = sizeof raw;
	EVP_MD_CTX *ctx;
	int ok;

	if (!k->private || len == 0 || (ctx = EVP_MD_CTX_new()) == NULL)
		return -1;
	/* Ed25519 signs the message itself: no digest is named. */
	ok = EVP_DigestSignInit(ctx, NULL, NULL, NULL, k->pkey) == 1 &&
	    EVP_DigestSign(ctx, raw, &raw_len, (const unsigned char *)msg,
	    len) == 1 && raw_len == ED25519_SIG;
	EVP_MD_CTX_free(ctx);
	if (!ok) {
		ERR_clear_error();
		return -1;
	}
	hex_encode(raw, raw_len, sig);
	return 0;
}

int
audit_key_verify(const struct audit_key *k, uint64_t seq, const char *hash,
    const char *sig)
{
	unsigned char raw[ED25519_SIG];
	char msg[AUDIT_SIGN_MSG_MAX];
	size_t len = audit_sign_message(k->id, seq, hash, msg);
	EVP_MD_CTX *ctx;
	int r;

	if (hex_decode(sig, raw, sizeof raw) == -1)
		return 0;
	if (len == 0 || (ctx = EVP_MD_CTX_new()) == NULL)
		return -1;
	if (EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, k->pkey) != 1)
		r = -1;
	else
		r = EVP_DigestVerify(ctx, raw, sizeof raw,
		    (const unsigned char *)msg, len) == 1;
	EVP_MD_CTX_free(ctx);
	ERR_clear_error();
	return r;
}
