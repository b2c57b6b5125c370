/*
 * hex.c: lowercase hex, and SHA-256 as hex (see hex.h).
 */
#include <string.h>

#include <openssl/evp.h>

#include "hex.h"

void
hex_encode(const void *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	const unsigned char *b = in;
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[b[i] >> 4];
		out[2 * i + 1] = digits[b[i] & 0xf];
	}
	out[2 * n] = '\0';
}

int
hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int
hex_decode(const char *in, unsigned char *out, size_t n)
{
	size_t i;
	int hi, lo;

	if (strlen(in) != 2 * n)
		return -1;
	for (i = 0; i < n; i++) {
		if ((hi = hex_digit((unsigned char)in[2 * i])) < 0 ||
		    (lo = hex_digit((unsigned char)in[2 * i + 1])) < 0)
			return -1;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

int
hex_is_lower(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (hex_digit((unsigned char)s[i]) < 0)
			return 0;
	return 1;
}

int
hex_sha256(const void *buf, size_t len, char out[HEX_SHA256_LEN + 1])
{
	unsigned char sum[EVP_MAX_MD_SIZE];
	unsigned n;

	if (!EVP_Digest(buf, len, sum, &n, EVP_sha256(), NULL) ||
	    n * 2 != HEX_SHA256_LEN)
		return -1;
	hex_encode(sum, n, out);
	return 0;
}
