/*
 * tls.h: Modbus/TCP Security on the server side: TLS with mutual X.509
 * authentication (OpenSSL 3), as a stream transport (stream.h), and the
 * client's role from its certificate's Modbus role extension.
 *
 * A TLS listener makes one struct tls_server from its config_tls (the
 * gateway's certificate and key, the CA its clients' certificates must
 * chain to, a CRL, ciphers, the lowest version) and, for every accepted
 * descriptor, one struct tls_conn, which it gives to the stream
 * (stream_opts.transport = &tls_transport, .conn = the tls_conn): the
 * stream then owns it, drives the handshake without blocking and frees
 * it at its safe point. Once the handshake is done (events->connected),
 * the endpoint asks the tls_conn who the peer is: the certificate's
 * subject and role, and whether the session was resumed. A refused
 * handshake closes the stream with the reason ("no client certificate",
 * "certificate verify failed: certificate has expired"); closed() may
 * still ask for the subject of the certificate that was refused.
 *
 * Every client must present a certificate that chains to client_ca;
 * renegotiation is refused; sessions resume from the server's cache
 * (session ids, stateful tickets) within one tls_server, so a reload's
 * new one starts afresh.
 * A tls_conn keeps what it needs of its tls_server: the server may be
 * freed while connections made from it live on.
 */
#ifndef WARDEN_TLS_H
#define WARDEN_TLS_H

#include <stddef.h>
#include <openssl/x509.h>

#include "config.h"
#include "errmsg.h"
#include "stream.h"

/*
 * The pair link (peer.h): TLS 1.3 with a pre-shared key and no
 * certificates, both ends from one struct tls_psk (tls_psk.c). An
 * accepted descriptor's conn is made with dial 0; a dialled stream's
 * with fd -1 and dial 1 (the stream's descriptor is set at the
 * handshake). The same tls_transport carries both.
 */
#define TLS_PSK_KEY_MAX 64
struct tls_psk;
struct tls_psk *tls_psk_new(const unsigned char *key, size_t keylen,
    char err[ERR_LEN]);
void tls_psk_free(struct tls_psk *p);
struct tls_conn *tls_psk_conn_new(struct tls_psk *p, int fd, int dial);

/* The Modbus/TCP Security role extension (one UTF8String). */
#define TLS_ROLE_OID "1.3.6.1.4.1.50316.802.1"
/* The longest subject kept (RFC 2253, one line); longer ones are cut. */
#define TLS_SUBJECT_MAX 256

struct tls_server;
struct tls_conn;

/*
 * The context of one TLS listener. Relative paths are taken from
 * base_dir (the configuration file's directory; NULL: as they are).
 * NULL with err naming the file and the key to set.
 */
struct tls_server *tls_server_new(const struct config_tls *cfg,
    const char *base_dir, char err[ERR_LEN]);
void tls_server_free(struct tls_server *srv);

/* The state of one accepted, non-blocking descriptor; NULL when out of
 * memory (fd is left open then). */
struct tls_conn *tls_conn_new(struct tls_server *srv, int fd);
/* The transport for a stream whose conn is a tls_conn. */
extern const struct stream_transport tls_transport;

/* After the handshake (or during closed() of a refused one): the
 * peer's certificate subject, RFC 2253 on one line; "" when it sent
 * none. */
const char *tls_conn_subject(const struct tls_conn *c);
/* Whether a failed handshake was refused by the gateway (no, untrusted,
 * expired or revoked certificate, a protocol error) rather than given
 * up by the peer (closed, reset) or timed out. */
int tls_conn_refused(const struct tls_conn *c);
/* Whether the handshake resumed an earlier session. */
int tls_conn_resumed(const struct tls_conn *c);

enum tls_role {
	TLS_ROLE_FOUND,         /* role holds it */
	TLS_ROLE_ABSENT,        /* no role extension */
	TLS_ROLE_MALFORMED,     /* not one UTF8String of printable
				 * characters that fits: a failure */
};
/* The role of the peer's certificate (TLS_ROLE_ABSENT without one). */
enum tls_role tls_conn_role(const struct tls_conn *c, char *role,
    size_t len);
/* The role a certificate carries; role is "" unless found. */
enum tls_role tls_cert_role(X509 *cert, char *role, size_t len);

#endif
