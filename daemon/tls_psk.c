/*
 * tls_psk.c: the TLS contexts of a pair's link (tls.h): TLS 1.3 with an
 * external pre-shared key, no certificates. Both ends hold the same key
 * (pair.key_file); a handshake succeeds only between holders of it, and
 * the (EC)DHE exchange TLS 1.3 adds to the key keeps past sessions
 * secret even if the key leaks later.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "tls.h"
#include "tls_internal.h"

/* The identity both ends name the key by: there is one key per pair. */
#define TLS_PSK_IDENTITY "modbus-warden-pair"

struct tls_psk {
	SSL_CTX *accept_ctx, *dial_ctx;
	unsigned char key[TLS_PSK_KEY_MAX];
	unsigned int keylen;
};

static struct tls_psk *
tls_psk_of(SSL *ssl)
{
	return SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl));
}

static unsigned int
tls_psk_dial_cb(SSL *ssl, const char *hint, char *identity,
    unsigned int max_identity, unsigned char *psk, unsigned int max_psk)
{
	const struct tls_psk *p = tls_psk_of(ssl);

	(void)hint;
	if (p == NULL || sizeof TLS_PSK_IDENTITY > max_identity ||
	    p->keylen > max_psk)
		return 0;
	memcpy(identity, TLS_PSK_IDENTITY, sizeof TLS_PSK_IDENTITY);
	memcpy(psk, p->key, p->keylen);
	return p->keylen;
}

static unsigned int
tls_psk_accept_cb(SSL *ssl, const char *identity, unsigned char *psk,
    unsigned int max_psk)
{
	const struct tls_psk *p = tls_psk_of(ssl);

	if (p == NULL || identity == NULL ||
	    strcmp(identity, TLS_PSK_IDENTITY) != 0 || p->keylen > max_psk)
		return 0;
	memcpy(psk, p->key, p->keylen);
	return p->keylen;
}

static SSL_CTX *
tls_psk_ctx(struct tls_psk *p, int dial, char err[ERR_LEN])
{
	SSL_CTX *ctx = SSL_CTX_new(dial ? TLS_client_method() :
	    TLS_server_method());

	if (ctx == NULL ||
	    SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) != 1 ||
	    SSL_CTX_set_ciphersuites(ctx, "TLS_AES_256_GCM_SHA384:"
	    "TLS_AES_128_GCM_SHA256") != 1) {
		errmsg_set(err, "pair link TLS context: %s",
		    ERR_reason_error_string(ERR_peek_last_error()));
		SSL_CTX_free(ctx);
		ERR_clear_error();
		return NULL;
	}
	SSL_CTX_set_app_data(ctx, p);
	/* One peer, reconnecting rarely: a ticket would only be state. */
	SSL_CTX_set_num_tickets(ctx, 0);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	if (dial)
		SSL_CTX_set_psk_client_callback(ctx, tls_psk_dial_cb);
	else
		SSL_CTX_set_psk_server_callback(ctx, tls_psk_accept_cb);
	return ctx;
}

struct tls_psk *
tls_psk_new(const unsigned char *key, size_t keylen, char err[ERR_LEN])
{
	struct tls_psk *p;

	if (keylen == 0 || keylen > TLS_PSK_KEY_MAX) {
		errmsg_set(err, "pair key of %zu bytes", keylen);
		return NULL;
	}
	if ((p = calloc(1, sizeof *p)) == NULL) {
		errmsg_set(err, "out of memory");
		return NULL;
	}
	memcpy(p->key, key, keylen);
	p->keylen = (unsigned int)keylen;
	if ((p->accept_ctx = tls_psk_ctx(p, 0, err)) == NULL ||
	    (p->dial_ctx = tls_psk_ctx(p, 1, err)) == NULL) {
		tls_psk_free(p);
		return NULL;
	}
	return p;
}

void
tls_psk_free(struct tls_psk *p)
{
	if (p == NULL)
		return;
	SSL_CTX_free(p->accept_ctx);
	SSL_CTX_free(p->dial_ctx);
	OPENSSL_cleanse(p->key, sizeof p->key);
	free(p);
}

struct tls_conn *
tls_psk_conn_new(struct tls_psk *p, int fd, int dial)
{
	return tls_conn_make(dial ? p->dial_ctx : p->accept_ctx, fd, dial);
}
