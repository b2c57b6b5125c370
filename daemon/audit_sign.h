/*
 * audit_sign.h: signed checkpoints of the audit chain (Ed25519, libcrypto).
 *
 * The SHA-256 chain shows an edit, but anyone who can write the file can
 * rebuild the whole chain. A checkpoint record signs the chain head with
 * a key only wardend reads, so a rebuilt chain no longer matches its
 * signatures. What is signed, byte for byte (each line ends in "\n"):
 *
 *   modbus-warden-audit-checkpoint-v1
 *   key=<key id>
 *   seq=<seq of the record signed, decimal>
 *   hash=<its hash, 64 lowercase hex>
 *
 * The first line separates these signatures from anything else the key
 * might sign. The key id is the first 8 bytes of SHA-256 of the raw
 * 32-byte public key, in hex: a reader sees which key signed without
 * trying each. The signature is pure Ed25519 (RFC 8032, no pre-hash),
 * 64 bytes, written in hex; `openssl pkeyutl -verify -rawin` checks it.
 */
#ifndef WARDEN_AUDIT_SIGN_H
#define WARDEN_AUDIT_SIGN_H

#include <stddef.h>
#include <stdint.h>

#include "errmsg.h"

#define AUDIT_KEY_ID_HEX 16
#define AUDIT_SIG_HEX 128
#define AUDIT_SIGN_DOMAIN "modbus-warden-audit-checkpoint-v1\n"
/* The message above for the longest seq. */
#define AUDIT_SIGN_MSG_MAX 192

/* An Ed25519 key: a private one (wardend signs) or a public one (verify). */
struct audit_key;

/*
 * The private key file: PEM, Ed25519, unencrypted, a regular file with
 * no access for group or others, owned by root, by the caller or by
 * user (the one wardend -u switches to; NULL: none). It is read before
 * wardend gives up root. NULL with err naming the file and the command
 * that fixes it.
 */
struct audit_key *audit_key_load_private(const char *path, const char *user,
    char err[ERR_LEN]);
/* A PEM public key (`openssl pkey -pubout`). NULL with err. */
struct audit_key *audit_key_load_public(const char *path, char err[ERR_LEN]);
void audit_key_free(struct audit_key *k);
/* Its key id, AUDIT_KEY_ID_HEX hex digits. */
const char *audit_key_id(const struct audit_key *k);

/* The message signed for (seq, hash) under key_id into buf
 * (AUDIT_SIGN_MSG_MAX); its length. */
size_t audit_sign_message(const char *key_id, uint64_t seq, const char *hash,
    char *buf);
/* sig = hex signature of (seq, hash) under k, a private key. 0, or -1
 * when libcrypto fails. */
int audit_key_sign(const struct audit_key *k, uint64_t seq, const char *hash,
    char sig[AUDIT_SIG_HEX + 1]);
/* 1 when sig is k's signature of (seq, hash), 0 when it is not (or is
 * not 128 hex digits), -1 when libcrypto fails. */
int audit_key_verify(const struct audit_key *k, uint64_t seq,
    const char *hash, const char *sig);

#endif
