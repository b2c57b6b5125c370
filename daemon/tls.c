/*
 * tls.c: the TLS transport and the certificate role (tls.h).
 *
 * The SSL reads and writes the descriptor itself (a socket BIO): its
 * writes can raise SIGPIPE, which wardend ignores.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "tls.h"
#include "tls_internal.h"

/* Sessions kept for resumption per listener; the oldest go first. */
#define TLS_SESSION_CACHE 1024
/* Sessions are only resumed by the context that made them. */
static const unsigned char tls_session_ctx[] = "modbus-warden";

struct tls_server {
	SSL_CTX *ctx;
};

struct tls_conn {
	SSL *ssl;
	char subject[TLS_SUBJECT_MAX];
	int refused;                    /* the handshake was refused here */
};

/* What OpenSSL said last, for a message; the queue is emptied. */
static const char *
tls_reason(void)
{
	const char *r = ERR_reason_error_string(ERR_peek_last_error());

	ERR_clear_error();
	return r != NULL ? r : "unknown error";
}

static const char *
tls_path(const char *base_dir, const char *file, char *path, size_t len)
{
	if (file[0] == '/' || base_dir == NULL || base_dir[0] == '\0')
		snprintf(path, len, "%s", file);
	else
		snprintf(path, len, "%s/%s", base_dir, file);
	return path;
}

/* That the file can be read: the error names it and says what to set. */
static int
tls_file_check(const char *path, const char *key, const char *what,
    char err[ERR_LEN])
{
	FILE *f;

	if ((f = fopen(path, "r")) == NULL) {
		errmsg_set(err, "tls: %s %s: %s; set tls.%s to %s", key, path,
		    strerror(errno), key, what);
		return -1;
	}
	fclose(f);
	return 0;
}

static void
tls_subject(X509 *cert, char *out, size_t len)
{
	BIO *b;
	int n;

	out[0] = '\0';
	if (cert == NULL || (b = BIO_new(BIO_s_mem())) == NULL)
		return;
	if (X509_NAME_print_ex(b, X509_get_subject_name(cert), 0,
	    XN_FLAG_RFC2253) >= 0 && (n = BIO_read(b, out, (int)len - 1)) > 0)
		out[n] = '\0';
	BIO_free(b);
}

/* Notes the subject of the certificate the client sent, trusted or not:
 * the refusal names it. */
static int
tls_verify_cb(int ok, X509_STORE_CTX *store)
{
	SSL *ssl = X509_STORE_CTX_get_ex_data(store,
	    SSL_get_ex_data_X509_STORE_CTX_idx());
	struct tls_conn *c = ssl != NULL ? SSL_get_app_data(ssl) : NULL;

	if (c != NULL && c->subject[0] == '\0')
		tls_subject(X509_STORE_CTX_get0_cert(store), c->subject,
		    sizeof c->subject);
	return ok;
}

static int
tls_load_identity(SSL_CTX *ctx, const struct config_tls *cfg,
    const char *base_dir, char err[ERR_LEN])
{
	char cert[PATH_MAX], key[PATH_MAX];

	tls_path(base_dir, cfg->cert, cert, sizeof cert);
	tls_path(base_dir, cfg->key, key, sizeof key);
	if (cfg->cert[0] == '\0' || cfg->key[0] == '\0') {
		errmsg_set(err, "tls: %s is not set; set it to the gateway's "
		    "PEM %s", cfg->cert[0] == '\0' ? "tls.cert" : "tls.key",
		    cfg->cert[0] == '\0' ? "certificate" : "private key");
		return -1;
	}
	if (tls_file_check(cert, "cert", "the gateway's PEM certificate",
	    err) == -1 ||
	    tls_file_check(key, "key", "the gateway's PEM private key",
	    err) == -1)
		return -1;
	if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1) {
		errmsg_set(err, "tls: cert %s: %s; set tls.cert to the "
		    "gateway's PEM certificate (and its chain)", cert,
		    tls_reason());
		return -1;
	}
	if (SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1) {
		if (ERR_GET_REASON(ERR_peek_last_error()) ==
		    X509_R_KEY_VALUES_MISMATCH || ERR_peek_last_error() == 0)
			errmsg_set(err, "tls: key %s is not the key of cert %s; "
			    "set tls.key to the private key of tls.cert", key,
			    cert);
		else
			errmsg_set(err, "tls: key %s: %s; set tls.key to the "
			    "gateway's PEM private key (unencrypted)", key,
			    tls_reason());
		ERR_clear_error();
		return -1;
	}
	return 0;
}

static int
tls_load_crl(SSL_CTX *ctx, const char *path, char err[ERR_LEN])
{
	X509_STORE *store = SSL_CTX_get_cert_store(ctx);
	X509_CRL *crl;
	FILE *f;
	int n = 0;

	if ((f = fopen(path, "r")) == NULL) {
		errmsg_set(err, "tls: crl %s: %s; set tls.crl to the client "
		    "CA's PEM CRL, or leave it out", path, strerror(errno));
		return -1;
	}
	while ((crl = PEM_read_X509_CRL(f, NULL, NULL, NULL)) != NULL) {
		n += X509_STORE_add_crl(store, crl) == 1;
		X509_CRL_free(crl);
	}
	fclose(f);
	ERR_clear_error();      /* the end of the file */
	if (n == 0) {
		errmsg_set(err, "tls: crl %s: no PEM CRL in it; set tls.crl "
		    "to the client CA's PEM CRL, or leave it out", path);
		return -1;
	}
	/* The leaf's issuer must have a CRL in it: a missing one refuses
	 * the client ("unable to get certificate CRL"). */
	X509_STORE_set_flags(store, X509_V_FLAG_CRL_CHECK);
	return 0;
}

static int
tls_load_trust(SSL_CTX *ctx, const struct config_tls *cfg,
    const char *base_dir, char err[ERR_LEN])
{
	STACK_OF(X509_NAME) *names;
	char ca[PATH_MAX], crl[PATH_MAX];

	if (cfg->client_ca[0] == '\0') {
		errmsg_set(err, "tls: client_ca is not set; set tls.client_ca "
		    "to the PEM CA that clients' certificates chain to");
		return -1;
	}
	tls_path(base_dir, cfg->client_ca, ca, sizeof ca);
	if (tls_file_check(ca, "client_ca",
	    "the PEM CA that clients' certificates chain to", err) == -1)
		return -1;
	if (SSL_CTX_load_verify_locations(ctx, ca, NULL) != 1 ||
	    (names = SSL_load_client_CA_file(ca)) == NULL) {
		errmsg_set(err, "tls: client_ca %s: %s; set tls.client_ca to "
		    "the PEM CA that clients' certificates chain to", ca,
		    tls_reason());
		return -1;
	}
	SSL_CTX_set_client_CA_list(ctx, names);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER |
	    SSL_VERIFY_FAIL_IF_NO_PEER_CERT, tls_verify_cb);
	if (cfg->crl[0] != '\0' &&
	    tls_load_crl(ctx, tls_path(base_dir, cfg->crl, crl, sizeof crl),
	    err) == -1)
		return -1;
	return 0;
}

struct tls_server *
tls_server_new(const struct config_tls *cfg, const char *base_dir,
    char err[ERR_LEN])
{
	struct tls_server *srv;
	SSL_CTX *ctx;

	ERR_clear_error();
	if ((srv = calloc(1, sizeof *srv)) == NULL ||
	    (ctx = SSL_CTX_new(TLS_server_method())) == NULL) {
		errmsg_set(err, "tls: out of memory");
		free(srv);
		return NULL;
	}
	srv->ctx = ctx;
	/* Renegotiation would let a client make the gateway work at will;
	 * a peer that just closes its socket has ended, MBAP frames carry
	 * their length. */
	SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION |
	    SSL_OP_IGNORE_UNEXPECTED_EOF | SSL_OP_CIPHER_SERVER_PREFERENCE);
	/* The stream writes what the socket takes from a buffer that may
	 * grow (move) between tries; an idle connection keeps no
	 * buffers. */
	SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
	    SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS);
	if (SSL_CTX_set_min_proto_version(ctx, cfg->min_version != 0 ?
	    cfg->min_version : TLS1_2_VERSION) != 1) {
		errmsg_set(err, "tls: min_version 0x%04x is not known; set "
		    "tls.min_version to 1.2 or 1.3", (unsigned)cfg->min_version);
		goto fail;
	}
	if (cfg->ciphers[0] != '\0' &&
	    SSL_CTX_set_cipher_list(ctx, cfg->ciphers) != 1) {
		errmsg_set(err, "tls: ciphers \"%s\": %s; set tls.ciphers to "
		    "an OpenSSL cipher list (openssl-ciphers(1)), or leave it "
		    "out", cfg->ciphers, tls_reason());
		goto fail;
	}
	if (tls_load_identity(ctx, cfg, base_dir, err) == -1 ||
	    tls_load_trust(ctx, cfg, base_dir, err) == -1)
		goto fail;
	/* Resumption from the server's cache only (TLS 1.2 session ids,
	 * TLS 1.3 stateful tickets, one per handshake): a stateless ticket
	 * costs a session encoding per ticket sent and a decoding, client
	 * certificate and all, per resumption, about half of a resumed
	 * handshake (docs/BENCHMARKS.md). The cache is bounded; only
	 * clients that authenticated fill it. A client certificate needs
	 * the context named. */
	SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
	SSL_CTX_set_num_tickets(ctx, 1);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER);
	SSL_CTX_sess_set_cache_size(ctx, TLS_SESSION_CACHE);
	SSL_CTX_set_session_id_context(ctx, tls_session_ctx,
	    sizeof tls_session_ctx - 1);
	return srv;
fail:
	ERR_clear_error();
	tls_server_free(srv);
	return NULL;
}

void
tls_server_free(struct tls_server *srv)
{
	if (srv == NULL)
		return;
	SSL_CTX_free(srv->ctx);
	free(srv);
}

struct tls_conn *
tls_conn_make(SSL_CTX *ctx, int fd, int dial)
{
	struct tls_conn *c;

	ERR_clear_error();
	if ((c = calloc(1, sizeof *c)) == NULL)
		return NULL;
	/* A dialled connection's descriptor is the stream's, made after
	 * this: the handshake sets it (tls_handshake). */
	if ((c->ssl = SSL_new(ctx)) == NULL ||
	    (fd != -1 && SSL_set_fd(c->ssl, fd) != 1)) {
		SSL_free(c->ssl);
		free(c);
		ERR_clear_error();
		return NULL;
	}
	SSL_set_app_data(c->ssl, c);
	if (dial)
		SSL_set_connect_state(c->ssl);
	else
		SSL_set_accept_state(c->ssl);
	return c;
}

struct tls_conn *
tls_conn_new(struct tls_server *srv, int fd)
{
	return tls_conn_make(srv->ctx, fd, 0);
}

/* A read or write that did not move bytes: -1 with errno (EAGAIN and
 * *want to go on), or 0 at the peer's end. */
static ssize_t
tls_io_failed(struct tls_conn *c, int r, int *want)
{
	int e = SSL_get_error(c->ssl, r);
	unsigned long err = ERR_peek_error();

	ERR_clear_error();
	switch (e) {
	case SSL_ERROR_WANT_READ:
		*want = EV_READ;
		errno = EAGAIN;
		return -1;
	case SSL_ERROR_WANT_WRITE:
		*want = EV_WRITE;
		errno = EAGAIN;
		return -1;
	case SSL_ERROR_ZERO_RETURN:
		return 0;
	case SSL_ERROR_SYSCALL:
		if (errno == 0)
			return 0;
		return -1;
	default:
		/* A peer that ended without close_notify (killed, say)
		 * ended all the same: OpenSSL 3 says so as an error. */
		if (ERR_GET_LIB(err) == ERR_LIB_SSL && ERR_GET_REASON(err) ==
		    SSL_R_UNEXPECTED_EOF_WHILE_READING)
			return 0;
		errno = EPROTO;
		return -1;
	}
}

static ssize_t
tls_read(void *conn, int fd, void *p, size_t len, int *want)
{
	struct tls_conn *c = conn;
	int r;

	(void)fd;
	ERR_clear_error();
	errno = 0;
	if ((r = SSL_read(c->ssl, p, len > INT_MAX ? INT_MAX : (int)len)) > 0)
		return r;
	return tls_io_failed(c, r, want);
}

static ssize_t
tls_write(void *conn, int fd, const void *p, size_t len, int *want)
{
	struct tls_conn *c = conn;
	ssize_t n;
	int r;

	(void)fd;
	ERR_clear_error();
	errno = 0;
	if ((r = SSL_write(c->ssl, p, len > INT_MAX ? INT_MAX : (int)len)) > 0)
		return r;
	if ((n = tls_io_failed(c, r, want)) == 0) {
		errno = EPIPE;
		n = -1;
	}
	return n;
}

/* Why a handshake failed, for the close line and the audit. */
static void
tls_refusal(struct tls_conn *c, int e, char *why, size_t len)
{
	unsigned long err = ERR_peek_error();
	long verify = SSL_get_verify_result(c->ssl);

	if (verify != X509_V_OK)
		snprintf(why, len, "certificate verify failed: %s",
		    X509_verify_cert_error_string(verify));
	else if (ERR_GET_LIB(err) == ERR_LIB_SSL &&
	    ERR_GET_REASON(err) == SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE)
		snprintf(why, len, "no client certificate");
	else if (e == SSL_ERROR_ZERO_RETURN ||
	    (e == SSL_ERROR_SYSCALL && errno == 0) ||
	    (ERR_GET_LIB(err) == ERR_LIB_SSL &&
	    ERR_GET_REASON(err) == SSL_R_UNEXPECTED_EOF_WHILE_READING))
		snprintf(why, len, "closed by peer during the TLS handshake");
	else if (e == SSL_ERROR_SYSCALL)
		snprintf(why, len, "TLS handshake: %s", strerror(errno));
	else
		snprintf(why, len, "TLS handshake failed: %s", tls_reason());
	/* A peer that went away refused nothing: only what the gateway
	 * decided against a peer is a refusal. */
	c->refused = verify != X509_V_OK || (e != SSL_ERROR_ZERO_RETURN &&
	    e != SSL_ERROR_SYSCALL &&
	    !(ERR_GET_LIB(err) == ERR_LIB_SSL &&
	    ERR_GET_REASON(err) == SSL_R_UNEXPECTED_EOF_WHILE_READING));
	ERR_clear_error();
}

static int
tls_handshake(void *conn, int fd, int *want, char *why, size_t len)
{
	struct tls_conn *c = conn;
	int r, e;

	ERR_clear_error();
	if (SSL_get_fd(c->ssl) == -1 && SSL_set_fd(c->ssl, fd) != 1) {
		snprintf(why, len, "TLS: %s", tls_reason());
		errno = EPROTO;
		return -1;
	}
	errno = 0;
	if ((r = SSL_do_handshake(c->ssl)) == 1) {
		/* A resumed session ran no verification. */
		tls_subject(SSL_get0_peer_certificate(c->ssl), c->subject,
		    sizeof c->subject);
		return 0;
	}
	e = SSL_get_error(c->ssl, r);
	if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
		ERR_clear_error();
		*want = e == SSL_ERROR_WANT_READ ? EV_READ : EV_WRITE;
		errno = EAGAIN;
		return -1;
	}
	tls_refusal(c, e, why, len);
	errno = EPROTO;
	return -1;
}

/* close_notify if the socket takes it now; never waits for the peer's. */
static void
tls_close(void *conn, int fd)
{
	struct tls_conn *c = conn;

	if (SSL_is_init_finished(c->ssl))
		(void)SSL_shutdown(c->ssl);
	ERR_clear_error();
	close(fd);
}

static void
tls_free(void *conn)
{
	struct tls_conn *c = conn;

	SSL_free(c->ssl);
	free(c);
}

const struct stream_transport tls_transport = {
	.read = tls_read,
	.write = tls_write,
	.handshake = tls_handshake,
	.close = tls_close,
	.free = tls_free,
	.buffers = 1,
};

const char *
tls_conn_subject(const struct tls_conn *c)
{
	return c->subject;
}

int
tls_conn_refused(const struct tls_conn *c)
{
	return c->refused;
}

int
tls_conn_resumed(const struct tls_conn *c)
{
	return SSL_session_reused(c->ssl) == 1;
}

enum tls_role
tls_conn_role(const struct tls_conn *c, char *role, size_t len)
{
	X509 *cert = SSL_get0_peer_certificate(c->ssl);

	if (cert == NULL) {
		if (len > 0)
			role[0] = '\0';
		return TLS_ROLE_ABSENT;
	}
	return tls_cert_role(cert, role, len);
}

/* The extension's value: one DER UTF8String, nothing after it. */
static enum tls_role
tls_role_value(X509_EXTENSION *ext, char *role, size_t len)
{
	ASN1_OCTET_STRING *data = X509_EXTENSION_get_data(ext);
	const unsigned char *p = ASN1_STRING_get0_data(data), *end;
	const unsigned char *s;
	ASN1_UTF8STRING *u;
	enum tls_role r = TLS_ROLE_MALFORMED;
	int n, i;

	end = p + ASN1_STRING_length(data);
	if ((u = d2i_ASN1_UTF8STRING(NULL, &p, end - p)) == NULL) {
		ERR_clear_error();
		return r;
	}
	s = ASN1_STRING_get0_data(u);
	n = ASN1_STRING_length(u);
	if (p == end && n > 0 && (size_t)n < len) {
		/* Role names are compared with the config's: visible ASCII
		 * only, so that no NUL or escape hides in one. */
		for (i = 0; i < n && s[i] > 0x20 && s[i] < 0x7f; i++)
			;
		if (i == n) {
			memcpy(role, s, (size_t)n);
			role[n] = '\0';
			r = TLS_ROLE_FOUND;
		}
	}
	ASN1_UTF8STRING_free(u);
	return r;
}

enum tls_role
tls_cert_role(X509 *cert, char *role, size_t len)
{
	ASN1_OBJECT *oid;
	enum tls_role r;
	int i;

	if (len > 0)
		role[0] = '\0';
	if ((oid = OBJ_txt2obj(TLS_ROLE_OID, 1)) == NULL) {
		ERR_clear_error();
		return TLS_ROLE_MALFORMED;
	}
	if ((i = X509_get_ext_by_OBJ(cert, oid, -1)) < 0)
		r = TLS_ROLE_ABSENT;
	else if (X509_get_ext_by_OBJ(cert, oid, i) >= 0)
		r = TLS_ROLE_MALFORMED;         /* two roles: which? */
	else
		r = tls_role_value(X509_get_ext(cert, i), role, len);
	ASN1_OBJECT_free(oid);
	if (r != TLS_ROLE_FOUND && len > 0)
		role[0] = '\0';
	return r;
}
