/*
 * sealed.h: the text of the small files wardend keeps in state_dir (the
 * state file, statefile.h; the audit head, audit_head.h). A first line
 * names the format and its version, "key value" lines follow in a fixed
 * order, and a last line holds a SHA-256 of every byte before it:
 *
 *   warden-state 1
 *   state takeover
 *   sha256 <64 lowercase hex digits>
 *
 * so that a file torn by a crash, or altered, is detected rather than
 * trusted. Bytes in, bytes out: pure but for libcrypto. Each format's
 * codec reads and writes its own lines through this; statedir.c moves
 * the bytes to and from the disk.
 */
#ifndef WARDEN_SEALED_H
#define WARDEN_SEALED_H

#include <stddef.h>

#include "errmsg.h"
#include "hex.h"

#define SEALED_KEY "sha256 "
/* What the seal adds to the text. */
#define SEALED_LEN (sizeof SEALED_KEY - 1 + HEX_SHA256_LEN + 1)

/* The text of an opened file: its lines before the seal. */
struct sealed {
	const char *p;          /* the next line */
	const char *end;        /* the seal */
};

/* Seal buf[0..len), a text ending in a newline, in place; the new
 * length, or 0 when size has no room for the seal and a NUL. */
size_t sealed_close(char *buf, size_t len, size_t size);
/* Check buf's seal: 0 with s ready to read the lines before it, or -1
 * with err "truncated: no checksum line at the end" or "checksum does
 * not match the content". */
int sealed_open(struct sealed *s, const char *buf, size_t len,
    char err[ERR_LEN]);
/* The next line without its newline into line (size); -1 when there is
 * none, it does not fit, or it holds a NUL. */
int sealed_line(struct sealed *s, char *line, size_t size);
/* The value of the next line if it is "key value", else NULL. */
const char *sealed_field(struct sealed *s, const char *key, char *line,
    size_t size);
/* 1 when every line before the seal has been read. */
int sealed_done(const struct sealed *s);

#endif
