/*
 * bench_tls.c: see bench_tls.h. The client frames Modbus/TCP itself
 * (MBAP header, one PDU) over a blocking SSL, the socket's SO_RCVTIMEO
 * and SO_SNDTIMEO standing in for libmodbus' response timeout.
 */
#include "bench_tls.h"
#include "../integration/textedit.h"
#include "../integration/tls_world.h"
#include "../integration/world.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#define BENCH_TLS_MBAP 7                /* tid, protocol, length, unit */
#define BENCH_TLS_PDU_MAX 253
#define BENCH_TLS_FC_READ 0x03          /* read holding registers */
#define BENCH_TLS_FC_WRITE 0x06         /* write single register */
#define BENCH_TLS_READ_MAX 125

int
bench_tls_certs(const char *dir)
{
	if (tls_world_certs(dir) == 0)
		return 0;
	fprintf(stderr, "bench: tests/certs.sh %s failed: run from the source "
	    "tree or set WARDEN_SRC to it; openssl must be installed (make "
	    "deps-check)\n", dir);
	return -1;
}

int
bench_tls_start(struct world *w, const char *body, const char *dir)
{
	char from[64], to[2048];

	if (world_config(w, body) != 0) {
		w->failed = 1;
		return -1;
	}
	snprintf(from, sizeof(from), "listen: 127.0.0.1:%u", w->port);
	snprintf(to, sizeof(to), "listen:\n  - address: 127.0.0.1:%u\n"
	    "    tls: {cert: %s/server.pem, key: %s/server.key, "
	    "client_ca: %s/ca.pem}", w->port, dir, dir, dir);
	if (textedit_replace(w->config, 1, from, to) != 0 ||
	    world_launch(w, NULL) != 0 ||
	    world_wait(w, 1, WORLD_START_TIMEOUT) != 0) {
		w->failed = 1;
		return -1;
	}
	return 0;
}

static void
bench_tls_say(const char *what, const char *path)
{
	char err[256];

	ERR_error_string_n(ERR_get_error(), err, sizeof(err));
	fprintf(stderr, "bench: TLS client: %s %s: %s\n", what, path, err);
	ERR_clear_error();
}

SSL_CTX *
bench_tls_ctx(const char *dir)
{
	char cert[1024], key[1024], ca[1024];
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

	snprintf(cert, sizeof(cert), "%s/%s.pem", dir, BENCH_TLS_CLIENT);
	snprintf(key, sizeof(key), "%s/%s.key", dir, BENCH_TLS_CLIENT);
	snprintf(ca, sizeof(ca), "%s/ca.pem", dir);
	if (ctx == NULL) {
		bench_tls_say("cannot make a context for", dir);
		return NULL;
	}
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1)
		bench_tls_say("cannot load", cert);
	else if (SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1)
		bench_tls_say("cannot load", key);
	else if (SSL_CTX_load_verify_locations(ctx, ca, NULL) != 1)
		bench_tls_say("cannot load", ca);
	else if (X509_VERIFY_PARAM_set1_ip_asc(SSL_CTX_get0_param(ctx),
	    "127.0.0.1") != 1)
		bench_tls_say("cannot check the server against", "127.0.0.1");
	else
		return ctx;
	SSL_CTX_free(ctx);
	return NULL;
}

static int
bench_tls_socket(uint16_t port, double timeout)
{
	struct sockaddr_in sin;
	struct timeval tv;
	int fd, one = 1;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	tv.tv_sec = (time_t)timeout;
	tv.tv_usec = (suseconds_t)((timeout - (double)tv.tv_sec) * 1e6);
	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	/* As libmodbus sets it on the plain targets' connections. */
	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) != 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) != 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) != 0 ||
	    connect(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int
bench_tls_connect(struct bench_tls_client *c, SSL_CTX *ctx, uint16_t port,
    SSL_SESSION *session, double timeout)
{
	c->ssl = NULL;
	if ((c->fd = bench_tls_socket(port, timeout)) == -1)
		return -1;
	if ((c->ssl = SSL_new(ctx)) == NULL || SSL_set_fd(c->ssl, c->fd) != 1 ||
	    (session != NULL && SSL_set_session(c->ssl, session) != 1) ||
	    SSL_connect(c->ssl) != 1) {
		ERR_clear_error();
		SSL_free(c->ssl);
		c->ssl = NULL;
		close(c->fd);
		c->fd = -1;
		return -1;
	}
	return 0;
}

void
bench_tls_close(struct bench_tls_client *c)
{
	if (c->ssl == NULL)
		return;
	/* close_notify, not waiting for the peer's: as a client that is
	 * done. */
	SSL_shutdown(c->ssl);
	SSL_free(c->ssl);
	ERR_clear_error();
	close(c->fd);
	c->ssl = NULL;
	c->fd = -1;
}

/* n bytes exactly; 0, or -1. */
static int
bench_tls_get(struct bench_tls_client *c, uint8_t *buf, int n)
{
	int got = 0, r;

	while (got < n) {
		if ((r = SSL_read(c->ssl, buf + got, n - got)) <= 0) {
			ERR_clear_error();
			return -1;
		}
		got += r;
	}
	return 0;
}

/*
 * Send the PDU to unit and read the answer's PDU (its length into
 * *len): 0 when it is the function's answer, the exception code when
 * it is its exception, -1 otherwise.
 */
static int
bench_tls_transact(struct bench_tls_client *c, int unit, const uint8_t *pdu,
    int n, uint8_t *answer, int *len)
{
	uint8_t frame[BENCH_TLS_MBAP + BENCH_TLS_PDU_MAX];
	uint16_t tid = ++c->tid;
	int length;

	frame[0] = (uint8_t)(tid >> 8);
	frame[1] = (uint8_t)tid;
	frame[2] = frame[3] = 0;
	frame[4] = (uint8_t)((n + 1) >> 8);
	frame[5] = (uint8_t)(n + 1);
	frame[6] = (uint8_t)unit;
	memcpy(frame + BENCH_TLS_MBAP, pdu, (size_t)n);
	if (SSL_write(c->ssl, frame, BENCH_TLS_MBAP + n) != BENCH_TLS_MBAP + n) {
		ERR_clear_error();
		return -1;
	}
	if (bench_tls_get(c, frame, BENCH_TLS_MBAP) != 0)
		return -1;
	length = frame[4] << 8 | frame[5];
	if ((frame[0] << 8 | frame[1]) != tid || frame[2] != 0 ||
	    frame[3] != 0 || length < 2 || length - 1 > BENCH_TLS_PDU_MAX ||
	    bench_tls_get(c, answer, length - 1) != 0)
		return -1;
	*len = length - 1;
	if (answer[0] == pdu[0])
		return 0;
	return answer[0] == (pdu[0] | 0x80) && *len == 2 && answer[1] != 0 ?
	    answer[1] : -1;
}

int
bench_tls_read(struct bench_tls_client *c, int unit, uint16_t address,
    uint16_t count, uint16_t *regs)
{
	uint8_t pdu[5] = { BENCH_TLS_FC_READ, (uint8_t)(address >> 8),
		(uint8_t)address, (uint8_t)(count >> 8), (uint8_t)count };
	uint8_t answer[BENCH_TLS_PDU_MAX];
	int rc, len;
	uint16_t i;

	if (count == 0 || count > BENCH_TLS_READ_MAX)
		return -1;
	rc = bench_tls_transact(c, unit, pdu, (int)sizeof(pdu), answer, &len);
	if (rc != 0)
		return rc;
	if (len != 2 + 2 * count || answer[1] != 2 * count)
		return -1;
	for (i = 0; i < count; i++)
		regs[i] = (uint16_t)(answer[2 + 2 * i] << 8 | answer[3 + 2 * i]);
	return 0;
}

int
bench_tls_write(struct bench_tls_client *c, int unit, uint16_t address,
    uint16_t value)
{
	uint8_t pdu[5] = { BENCH_TLS_FC_WRITE, (uint8_t)(address >> 8),
		(uint8_t)address, (uint8_t)(value >> 8), (uint8_t)value };
	uint8_t answer[BENCH_TLS_PDU_MAX];
	int rc, len;

	rc = bench_tls_transact(c, unit, pdu, (int)sizeof(pdu), answer, &len);
	if (rc != 0)
		return rc;
	return len == (int)sizeof(pdu) && memcmp(answer, pdu, sizeof(pdu)) == 0 ?
	    0 : -1;
}
