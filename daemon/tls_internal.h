/*
 * tls_internal.h: what tls.c lends the other half of the TLS transport,
 * tls_psk.c (the pair link's contexts).
 */
#ifndef WARDEN_TLS_INTERNAL_H
#define WARDEN_TLS_INTERNAL_H

#include <openssl/ssl.h>

struct tls_conn;

/* One connection of ctx on fd (-1: the stream's, set at the handshake),
 * speaking first when dial; NULL when out of memory. */
struct tls_conn *tls_conn_make(SSL_CTX *ctx, int fd, int dial);

#endif
