/*
 * bench_tls.h: Modbus/TCP Security as the benchmarks' clients speak it,
 * shared by build/bench and build/bench-safety: the certificates
 * (tests/certs.sh), a wardend whose one listener is a TLS one, and a
 * blocking client, one TLS connection with one request in flight, as
 * each load thread has one libmodbus connection on the plain targets
 * (libmodbus speaks no TLS).
 */
#ifndef WARDEN_BENCH_TLS_H
#define WARDEN_BENCH_TLS_H

#include <stdint.h>

#include <openssl/ssl.h>

struct world;

/* The certificate every benchmark client presents: its role extension
 * says ai, the built-in role, so no roles: entry is needed. */
#define BENCH_TLS_CLIENT "client-ai"

/* tests/certs.sh DIR (tls_world_certs: the script under $WARDEN_SRC,
 * default the working directory). 0, or -1 said on stderr. */
int bench_tls_certs(const char *dir);

/*
 * Write w's config with body (world_config), turn its one listen: line
 * into a TLS listener on the same port with dir's server.pem, server.key
 * and ca.pem, start wardend and wait until it accepts. 0; -1 with
 * w->failed set.
 */
int bench_tls_start(struct world *w, const char *body, const char *dir);

/* A client context: presents dir's BENCH_TLS_CLIENT certificate, trusts
 * dir's ca.pem alone, wants the server's certificate to name 127.0.0.1.
 * NULL said on stderr. */
SSL_CTX *bench_tls_ctx(const char *dir);

struct bench_tls_client {
	int fd;
	SSL *ssl;                       /* NULL: not connected */
	uint16_t tid;                   /* of the last request */
};

/*
 * Connect to 127.0.0.1:port and handshake, offering session when it is
 * not NULL (SSL_session_reused(c->ssl) then says whether it was taken);
 * every read and write later gives up after timeout seconds. 0, or -1
 * with c closed.
 */
int bench_tls_connect(struct bench_tls_client *c, SSL_CTX *ctx,
    uint16_t port, SSL_SESSION *session, double timeout);
/* One request, its answer read: 0 when answered as asked, the Modbus
 * exception code when refused, -1 when the connection is no good any
 * more (the caller closes it). */
int bench_tls_read(struct bench_tls_client *c, int unit, uint16_t address,
    uint16_t count, uint16_t *regs);
int bench_tls_write(struct bench_tls_client *c, int unit, uint16_t address,
    uint16_t value);
/* Send close_notify and close; a no-op when closed. */
void bench_tls_close(struct bench_tls_client *c);

#endif
