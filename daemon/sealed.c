/*
 * sealed.c: the checksummed text of state_dir's files (see sealed.h).
 */
#include <stdio.h>
#include <string.h>

#include "sealed.h"

size_t
sealed_close(char *buf, size_t len, size_t size)
{
	char hex[HEX_SHA256_LEN + 1];

	if (len + SEALED_LEN + 1 > size || hex_sha256(buf, len, hex) < 0)
		return 0;
	return len + (size_t)snprintf(buf + len, size - len, SEALED_KEY "%s\n",
	    hex);
}

int
sealed_open(struct sealed *s, const char *buf, size_t len, char err[ERR_LEN])
{
	char hex[HEX_SHA256_LEN + 1];
	size_t text = len - SEALED_LEN;

	/* The text before the seal is empty or ends in a newline: a seal
	 * glued to a torn last line is no seal. */
	if (len < SEALED_LEN || buf[len - 1] != '\n' ||
	    (text > 0 && buf[text - 1] != '\n') ||
	    memcmp(buf + text, SEALED_KEY, sizeof SEALED_KEY - 1) != 0) {
		errmsg_set(err, "truncated: no checksum line at the end");
		return -1;
	}
	if (hex_sha256(buf, text, hex) < 0 ||
	    memcmp(buf + len - HEX_SHA256_LEN - 1, hex, HEX_SHA256_LEN) != 0) {
		errmsg_set(err, "checksum does not match the content");
		return -1;
	}
	s->p = buf;
	s->end = buf + text;
	return 0;
}

int
sealed_line(struct sealed *s, char *line, size_t size)
{
	const char *nl = memchr(s->p, '\n', (size_t)(s->end - s->p));
	size_t len;

	if (nl == NULL || (len = (size_t)(nl - s->p)) >= size ||
	    memchr(s->p, '\0', len) != NULL)
		return -1;
	memcpy(line, s->p, len);
	line[len] = '\0';
	s->p = nl + 1;
	return 0;
}

const char *
sealed_field(struct sealed *s, const char *key, char *line, size_t size)
{
	size_t n = strlen(key);

	if (sealed_line(s, line, size) < 0 || strncmp(line, key, n) != 0 ||
	    line[n] != ' ')
		return NULL;
	return line + n + 1;
}

int
sealed_done(const struct sealed *s)
{
	return s->p == s->end;
}
