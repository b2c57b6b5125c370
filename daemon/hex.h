/*
 * hex.h: bytes as lowercase hex and back, and the SHA-256 of a buffer as
 * hex: the forms the audit log, its head file, its signatures and the
 * state file are written in. Pure but for libcrypto.
 */
#ifndef WARDEN_HEX_H
#define WARDEN_HEX_H

#include <stddef.h>

#define HEX_SHA256_LEN 64

/* n bytes as 2 * n lowercase hex digits and a NUL into out. */
void hex_encode(const void *in, size_t n, char *out);
/* Exactly 2 * n lowercase hex digits (a string) into n bytes; -1 when
 * not so. */
int hex_decode(const char *in, unsigned char *out, size_t n);
/* The value of a lowercase hex digit, or -1. */
int hex_digit(int c);
/* 1 when s[0..n) are all lowercase hex digits. */
int hex_is_lower(const char *s, size_t n);
/* SHA-256 of buf in lowercase hex; -1 on a libcrypto error. */
int hex_sha256(const void *buf, size_t len, char out[HEX_SHA256_LEN + 1]);

#endif
