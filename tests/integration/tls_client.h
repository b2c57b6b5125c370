/*
 * tls_client.h: a Modbus/TCP Security client for the tests, as an HMI
 * or a historian would connect to wardend's TLS listener: OpenSSL over a
 * blocking-with-deadlines loopback socket, raw MBAP frames inside (build
 * them with wire.h). It presents a certificate of tests/certs.sh (or
 * none), checks the gateway's against the test CA and 127.0.0.1, and
 * can resume an earlier session.
 *
 * In TLS 1.3 the client's side of the handshake ends before the server
 * has checked the client's certificate: a refusal arrives after
 * SSL_connect() succeeded. So the handshake counts as done only once the
 * gateway has sent a session ticket, which it does after accepting the
 * certificate; an alert or a close before that is a refusal.
 *
 * No cmocka here: build/bench links every non-test file of
 * tests/integration/ too.
 */
#ifndef WARDEN_TLS_CLIENT_H
#define WARDEN_TLS_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/ssl.h>

enum tls_client_state {
	TLS_CLIENT_UP,          /* the gateway accepted the handshake */
	TLS_CLIENT_REFUSED,     /* an alert or a close during it */
	TLS_CLIENT_ERROR,       /* no TCP connection, or no answer in time */
};

struct tls_client_options {
	const char *dir;        /* where certs.sh wrote (ca.pem and the
				 * clients) */
	const char *name;       /* "client-ai": DIR/NAME.pem and .key;
				 * NULL: no certificate */
	SSL_SESSION *resume;    /* a session of an earlier connection, or
				 * NULL */
	int max_version;        /* TLS1_2_VERSION...; 0: OpenSSL's */
	int no_ticket;          /* resume by session id (the server's
				 * cache) rather than a ticket */
	/* Written right after the client's Finished, before the gateway
	 * has said whether it takes the certificate: what a refused client
	 * would slip through. NULL: nothing. */
	const uint8_t *early;
	size_t early_len;
};

struct tls_client {
	SSL_CTX *ctx;
	SSL *ssl;
	int fd;                         /* -1 when not connected */
	enum tls_client_state state;
	int tickets;                    /* session tickets received */
	char local[64];                 /* "127.0.0.1:port": the client field
					 * of the gateway's audit records */
	char why[1024];                 /* why it is not up, or what failed */
};

/*
 * Connect to 127.0.0.1:port and run the handshake within timeout
 * seconds. Always a client (look at state and why), NULL only when out
 * of memory.
 */
struct tls_client *tls_client_open(uint16_t port,
    const struct tls_client_options *opt, double timeout);

/*
 * Send one request ADU and read one answer ADU (its MBAP length
 * honoured) within timeout seconds. The answer's length; 0 when the
 * gateway closed the connection (or refused it: an alert); -1 on a
 * timeout or a failure (why says which).
 */
int tls_client_call(struct tls_client *c, const uint8_t *req, size_t len,
    uint8_t *answer, size_t cap, double timeout);

/* 1 when the gateway closes the connection within timeout seconds: TLS
 * ends (an alert, close_notify) and then the socket (EOF, a reset); what
 * comes before is dropped. 0 otherwise. */
int tls_client_closed(struct tls_client *c, double timeout);

/* The session to resume later (the caller frees it with
 * SSL_SESSION_free), or NULL. */
SSL_SESSION *tls_client_session(const struct tls_client *c);
/* Whether the handshake resumed opt->resume. */
int tls_client_resumed(const struct tls_client *c);

/* close_notify when up, close, free (NULL is fine). */
void tls_client_free(struct tls_client *c);

#endif
