/*
 * tls_client.c: the tests' Modbus/TCP Security client. See tls_client.h.
 */
#include "tls_client.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "harness.h"

#define TLS_CLIENT_MBAP 7       /* header bytes, the unit id included */

/* The gateway accepted the certificate: it sends tickets only then. */
static int
tls_client_on_ticket(SSL *ssl, SSL_SESSION *session)
{
	struct tls_client *c = SSL_get_app_data(ssl);

	(void)session;
	c->tickets++;
	return 0;               /* not kept: SSL_get1_session gives it */
}

static const char *
tls_client_err(void)
{
	const char *r = ERR_reason_error_string(ERR_peek_last_error());

	ERR_clear_error();
	return r != NULL ? r : "no OpenSSL error";
}

static SSL_CTX *
tls_client_ctx(const struct tls_client_options *opt, char *why, size_t len)
{
	char ca[512], cert[512], key[512];
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

	if (ctx == NULL) {
		snprintf(why, len, "SSL_CTX_new: %s", tls_client_err());
		return NULL;
	}
	snprintf(ca, sizeof ca, "%s/ca.pem", opt->dir);
	if (SSL_CTX_load_verify_locations(ctx, ca, NULL) != 1) {
		snprintf(why, len, "%s: %s", ca, tls_client_err());
		goto fail;
	}
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	if (opt->name != NULL) {
		snprintf(cert, sizeof cert, "%s/%s.pem", opt->dir, opt->name);
		snprintf(key, sizeof key, "%s/%s.key", opt->dir, opt->name);
		if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1 ||
		    SSL_CTX_use_PrivateKey_file(ctx, key,
		    SSL_FILETYPE_PEM) != 1) {
			snprintf(why, len, "%s: %s", cert, tls_client_err());
			goto fail;
		}
	}
	if (opt->max_version != 0 &&
	    SSL_CTX_set_max_proto_version(ctx, opt->max_version) != 1) {
		snprintf(why, len, "max_version 0x%x: %s",
		    (unsigned)opt->max_version, tls_client_err());
		goto fail;
	}
	if (opt->no_ticket)
		SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
	/* Sessions in the context's own store would be made unresumable
	 * when it is freed, with the client: the test keeps them. */
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT |
	    SSL_SESS_CACHE_NO_INTERNAL_STORE);
	SSL_CTX_sess_set_new_cb(ctx, tls_client_on_ticket);
	return ctx;
fail:
	SSL_CTX_free(ctx);
	return NULL;
}

static int
tls_client_tcp(struct tls_client *c, uint16_t port)
{
	struct sockaddr_in sin;
	socklen_t slen = sizeof sin;
	char ip[INET_ADDRSTRLEN];
	int one = 1;

	if ((c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		goto fail;
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(c->fd, (struct sockaddr *)&sin, sizeof sin) == -1 ||
	    getsockname(c->fd, (struct sockaddr *)&sin, &slen) == -1 ||
	    inet_ntop(AF_INET, &sin.sin_addr, ip, sizeof ip) == NULL)
		goto fail;
	snprintf(c->local, sizeof c->local, "%s:%u", ip,
	    (unsigned)ntohs(sin.sin_port));
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) | O_NONBLOCK) == -1)
		goto fail;
	return 0;
fail:
	snprintf(c->why, sizeof c->why, "connect to 127.0.0.1:%u: %s",
	    (unsigned)port, strerror(errno));
	if (c->fd != -1)
		close(c->fd);
	c->fd = -1;
	return -1;
}

/*
 * After an SSL call returned r: wait until the socket can go on (1),
 * or say how it ended: 0 closed or refused by the gateway (an alert, EOF,
 * a reset), -1 the deadline passed. why says which.
 */
static int
tls_client_wait(struct tls_client *c, int r, double deadline)
{
	int e = SSL_get_error(c->ssl, r), rc;
	struct pollfd pfd = { .fd = c->fd };
	double left;

	if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
		ERR_clear_error();
		pfd.events = e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT;
		do {
			if ((left = deadline - harness_now()) <= 0) {
				snprintf(c->why, sizeof c->why, "no answer "
				    "from the gateway in time");
				return -1;
			}
			rc = poll(&pfd, 1, (int)(left * 1000) + 1);
		} while (rc == -1 && errno == EINTR);
		return 1;
	}
	if (e == SSL_ERROR_ZERO_RETURN)
		snprintf(c->why, sizeof c->why, "closed by the gateway "
		    "(close_notify)");
	else if (e == SSL_ERROR_SYSCALL)
		snprintf(c->why, sizeof c->why, "closed by the gateway (%s)",
		    errno != 0 ? strerror(errno) : "EOF");
	else
		snprintf(c->why, sizeof c->why, "%s", tls_client_err());
	ERR_clear_error();
	return 0;
}

/* Write all of buf: 1, or as tls_client_wait. */
static int
tls_client_write(struct tls_client *c, const uint8_t *buf, size_t len,
    double deadline)
{
	int r, rc;

	while (len > 0) {
		errno = 0;
		if ((r = SSL_write(c->ssl, buf, (int)len)) > 0) {
			buf += r;
			len -= (size_t)r;
			continue;
		}
		if ((rc = tls_client_wait(c, r, deadline)) != 1)
			return rc;
	}
	return 1;
}

/* Read exactly len bytes: 1, or as tls_client_wait. */
static int
tls_client_read(struct tls_client *c, uint8_t *buf, size_t len,
    double deadline)
{
	int r, rc;

	while (len > 0) {
		errno = 0;
		if ((r = SSL_read(c->ssl, buf, (int)len)) > 0) {
			buf += r;
			len -= (size_t)r;
			continue;
		}
		if ((rc = tls_client_wait(c, r, deadline)) != 1)
			return rc;
	}
	return 1;
}

/* TLS 1.3: wait for the gateway's verdict on the certificate, a ticket
 * (or an answer to early bytes) or an alert. */
static int
tls_client_confirm(struct tls_client *c, double deadline)
{
	uint8_t b;
	int r, rc;

	while (c->tickets == 0) {
		errno = 0;
		if ((r = SSL_peek(c->ssl, &b, 1)) > 0)
			return 1;
		if (c->tickets > 0)
			break;
		if ((rc = tls_client_wait(c, r, deadline)) != 1)
			return rc;
	}
	return 1;
}

static void
tls_client_handshake(struct tls_client *c, const struct tls_client_options
    *opt, double deadline)
{
	int r, rc;

	if ((c->ssl = SSL_new(c->ctx)) == NULL ||
	    SSL_set_fd(c->ssl, c->fd) != 1) {
		snprintf(c->why, sizeof c->why, "SSL_new: %s",
		    tls_client_err());
		return;
	}
	SSL_set_app_data(c->ssl, c);
	X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(c->ssl), "127.0.0.1");
	if (opt->resume != NULL && SSL_set_session(c->ssl, opt->resume) != 1) {
		snprintf(c->why, sizeof c->why, "SSL_set_session: %s",
		    tls_client_err());
		return;
	}
	for (;;) {
		errno = 0;
		if ((r = SSL_connect(c->ssl)) == 1)
			break;
		if ((rc = tls_client_wait(c, r, deadline)) != 1) {
			c->state = rc == 0 ? TLS_CLIENT_REFUSED :
			    TLS_CLIENT_ERROR;
			return;
		}
	}
	rc = 1;
	if (opt->early != NULL)
		rc = tls_client_write(c, opt->early, opt->early_len, deadline);
	if (rc == 1 && SSL_version(c->ssl) >= TLS1_3_VERSION)
		rc = tls_client_confirm(c, deadline);
	if (rc == 1)
		c->why[0] = '\0';
	c->state = rc == 1 ? TLS_CLIENT_UP : rc == 0 ? TLS_CLIENT_REFUSED :
	    TLS_CLIENT_ERROR;
}

struct tls_client *
tls_client_open(uint16_t port, const struct tls_client_options *opt,
    double timeout)
{
	struct tls_client *c = calloc(1, sizeof *c);
	double deadline = harness_now() + timeout;

	if (c == NULL)
		return NULL;
	c->fd = -1;
	c->state = TLS_CLIENT_ERROR;
	ERR_clear_error();
	if ((c->ctx = tls_client_ctx(opt, c->why, sizeof c->why)) != NULL &&
	    tls_client_tcp(c, port) == 0)
		tls_client_handshake(c, opt, deadline);
	return c;
}

int
tls_client_call(struct tls_client *c, const uint8_t *req, size_t len,
    uint8_t *answer, size_t cap, double timeout)
{
	double deadline = harness_now() + timeout;
	size_t body;
	int rc;

	if (c->ssl == NULL || c->state != TLS_CLIENT_UP)
		return 0;
	if ((rc = tls_client_write(c, req, len, deadline)) != 1 ||
	    (rc = tls_client_read(c, answer, TLS_CLIENT_MBAP, deadline)) != 1)
		return rc;
	/* The length field counts the unit id and the PDU. */
	body = (size_t)(answer[4] << 8 | answer[5]);
	if (body < 2 || TLS_CLIENT_MBAP - 1 + body > cap) {
		snprintf(c->why, sizeof c->why, "an answer of length %zu",
		    body);
		return -1;
	}
	if ((rc = tls_client_read(c, answer + TLS_CLIENT_MBAP, body - 1,
	    deadline)) != 1)
		return rc;
	return (int)(TLS_CLIENT_MBAP - 1 + body);
}

/* The socket itself ends (EOF or a reset) before the deadline: what
 * is left after TLS has ended, an alert or a close_notify, may still
 * be on its way. */
static int
tls_client_eof(struct tls_client *c, double deadline)
{
	struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
	uint8_t scratch[256];
	double left;
	ssize_t n;

	for (;;) {
		n = recv(c->fd, scratch, sizeof scratch, MSG_DONTWAIT);
		if (n == 0 || (n == -1 && errno == ECONNRESET))
			return 1;
		if (n == -1 && errno != EAGAIN && errno != EINTR)
			return 0;
		if (n > 0)
			continue;
		if ((left = deadline - harness_now()) <= 0)
			return 0;
		(void)poll(&pfd, 1, (int)(left * 1000) + 1);
	}
}

int
tls_client_closed(struct tls_client *c, double timeout)
{
	double deadline = harness_now() + timeout;
	uint8_t scratch[256];
	int r, rc;

	if (c->fd == -1)
		return 1;
	while (c->ssl != NULL && c->state == TLS_CLIENT_UP) {
		errno = 0;
		if ((r = SSL_read(c->ssl, scratch, sizeof scratch)) > 0)
			continue;
		if ((rc = tls_client_wait(c, r, deadline)) == -1)
			return 0;
		if (rc == 0)
			break;
	}
	return tls_client_eof(c, deadline);
}

SSL_SESSION *
tls_client_session(const struct tls_client *c)
{
	return c->ssl != NULL ? SSL_get1_session(c->ssl) : NULL;
}

int
tls_client_resumed(const struct tls_client *c)
{
	return c->ssl != NULL && SSL_session_reused(c->ssl) == 1;
}

void
tls_client_free(struct tls_client *c)
{
	if (c == NULL)
		return;
	if (c->ssl != NULL) {
		/* Without close_notify the session could not be resumed. */
		if (c->state == TLS_CLIENT_UP)
			(void)SSL_shutdown(c->ssl);
		SSL_free(c->ssl);
	}
	if (c->fd != -1)
		close(c->fd);
	SSL_CTX_free(c->ctx);
	ERR_clear_error();
	free(c);
}
