/*
 * test_tls.c: the TLS transport (tls.h) under the stream layer, on a
 * real libev loop over socketpairs, against an OpenSSL client driven by
 * the same loop; certificates from tests/certs.sh. The role extension
 * (found, absent, malformed), the context's errors, a full handshake
 * and bytes both ways (bytes the TLS layer holds included), each
 * refusal with its reason and subject, the handshake's time limit, and
 * session resumption.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>
#include <ev.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "stream.h"
#include "tls.h"

static char certs[64];          /* the directory certs.sh filled */

/* The gateway's side: what the endpoint heard. */
struct peer {
	struct stream *s;
	struct tls_conn *conn;
	int connected, closed, data;
	int resumed;
	char reason[ERR_LEN];
	char subject[TLS_SUBJECT_MAX];  /* as closed() saw it */
	char got[256];                  /* what data() consumed */
	size_t n_got;
};

/* The client's side: an SSL on the other end, stepped by the loop. */
struct client {
	SSL *ssl;
	int fd;
	ev_io io;
	int done;                       /* the handshake */
	int failed;
	char got[256];
	size_t n_got;
	const char *send;               /* written once the handshake is
					 * done */
	size_t n_send;
};

struct fixture {
	struct ev_loop *loop;
	struct streams *ss;
	struct tls_server *srv;
	SSL_CTX *cctx;
	struct peer p;
	struct client c;
};

static void
certs_path(char *path, size_t len, const char *name)
{
	snprintf(path, len, "%s/%s", certs, name);
}

static void
on_connected(void *ctx)
{
	struct peer *p = ctx;

	p->connected++;
	p->resumed = tls_conn_resumed(p->conn);
	snprintf(p->subject, sizeof p->subject, "%s",
	    tls_conn_subject(p->conn));
}

static void
on_data(void *ctx)
{
	struct peer *p = ctx;
	struct buf *in = stream_in(p->s);
	size_t n = buf_len(in);

	p->data++;
	assert_true(p->n_got + n <= sizeof p->got);
	memcpy(p->got + p->n_got, buf_head(in), n);
	p->n_got += n;
	buf_consume(in, n);
}

static void
on_closed(void *ctx, const char *reason)
{
	struct peer *p = ctx;

	p->closed++;
	snprintf(p->reason, sizeof p->reason, "%s", reason);
	/* The conn lives until the safe point: the refusal's subject. */
	snprintf(p->subject, sizeof p->subject, "%s",
	    tls_conn_subject(p->conn));
}

static const struct stream_events events = {
	.data = on_data,
	.connected = on_connected,
	.closed = on_closed,
};

static void
client_arm(struct fixture *f, int want)
{
	ev_io_stop(f->loop, &f->c.io);
	ev_io_set(&f->c.io, f->c.fd, want);
	ev_io_start(f->loop, &f->c.io);
}

/* One step of the client: the handshake, then what it sends and reads. */
static void
client_step(struct fixture *f)
{
	struct client *c = &f->c;
	int r, e;

	if (c->failed)
		return;
	if (!c->done) {
		if ((r = SSL_do_handshake(c->ssl)) != 1)
			goto again;
		c->done = 1;
	}
	if (c->n_send > 0) {
		if ((r = SSL_write(c->ssl, c->send, (int)c->n_send)) <= 0)
			goto again;
		c->n_send = 0;
	}
	while ((r = SSL_read(c->ssl, c->got + c->n_got,
	    (int)(sizeof c->got - c->n_got))) > 0)
		c->n_got += (size_t)r;
again:
	e = SSL_get_error(c->ssl, r);
	if (e == SSL_ERROR_WANT_WRITE)
		client_arm(f, EV_WRITE);
	else if (e == SSL_ERROR_WANT_READ)
		client_arm(f, EV_READ);
	else {
		c->failed = 1;
		ev_io_stop(f->loop, &c->io);
	}
	ERR_clear_error();
}

static void
client_cb(struct ev_loop *loop, ev_io *io, int revents)
{
	(void)loop;
	(void)revents;
	client_step(io->data);
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	char ca[128];

	if (f == NULL || (f->loop = ev_loop_new(EVFLAG_AUTO)) == NULL ||
	    (f->ss = streams_new(f->loop)) == NULL ||
	    (f->cctx = SSL_CTX_new(TLS_client_method())) == NULL)
		return -1;
	certs_path(ca, sizeof ca, "ca.pem");
	if (SSL_CTX_load_verify_locations(f->cctx, ca, NULL) != 1)
		return -1;
	SSL_CTX_set_verify(f->cctx, SSL_VERIFY_PEER, NULL);
	f->c.fd = -1;
	ev_init(&f->c.io, client_cb);
	f->c.io.data = f;
	*state = f;
	return 0;
}

static void
client_end(struct fixture *f)
{
	ev_io_stop(f->loop, &f->c.io);
	/* Freed without it, the session could not be resumed. */
	if (f->c.done && !f->c.failed)
		(void)SSL_shutdown(f->c.ssl);
	SSL_free(f->c.ssl);
	if (f->c.fd != -1)
		close(f->c.fd);
	memset(&f->c, 0, sizeof f->c);
	f->c.fd = -1;
	ev_init(&f->c.io, client_cb);
	f->c.io.data = f;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	if (f->p.s != NULL)
		stream_close(f->p.s, "test over");
	client_end(f);
	streams_free(f->ss);
	ev_loop_destroy(f->loop);
	tls_server_free(f->srv);
	SSL_CTX_free(f->cctx);
	free(f);
	return 0;
}

static void
tls_cfg(struct config_tls *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	snprintf(cfg->cert, sizeof cfg->cert, "server.pem");
	snprintf(cfg->key, sizeof cfg->key, "server.key");
	snprintf(cfg->client_ca, sizeof cfg->client_ca, "ca.pem");
	snprintf(cfg->crl, sizeof cfg->crl, "crl.pem");
}

static void
server_new(struct fixture *f)
{
	struct config_tls cfg;
	char err[ERR_LEN];

	tls_cfg(&cfg);
	f->srv = tls_server_new(&cfg, certs, err);
	if (f->srv == NULL)
		fail_msg("%s", err);
}

/*
 * A gateway stream over one end of a socketpair and a client SSL with
 * the certificate NAME (NULL: none) on the other, in_max and the time
 * limit as given; session: resume it.
 */
static void
open_tls(struct fixture *f, const char *name, size_t in_max,
    ev_tstamp timeout, SSL_SESSION *session)
{
	struct stream_opts opts = {
		.name = "tls test", .events = &events, .ctx = &f->p,
		.in_max = in_max, .transport = &tls_transport,
		.handshake_timeout = timeout,
	};
	char cert[128], key[128];
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0, sv), 0);
	memset(&f->p, 0, sizeof f->p);
	assert_non_null(f->p.conn = tls_conn_new(f->srv, sv[0]));
	opts.conn = f->p.conn;
	assert_non_null(f->p.s = stream_accept(f->ss, sv[0], &opts));
	f->c.fd = sv[1];
	assert_non_null(f->c.ssl = SSL_new(f->cctx));
	if (name != NULL) {
		snprintf(cert, sizeof cert, "%s/%s.pem", certs, name);
		snprintf(key, sizeof key, "%s/%s.key", certs, name);
		assert_int_equal(SSL_use_certificate_file(f->c.ssl, cert,
		    SSL_FILETYPE_PEM), 1);
		assert_int_equal(SSL_use_PrivateKey_file(f->c.ssl, key,
		    SSL_FILETYPE_PEM), 1);
	}
	if (session != NULL)
		assert_int_equal(SSL_set_session(f->c.ssl, session), 1);
	SSL_set_fd(f->c.ssl, sv[1]);
	SSL_set_connect_state(f->c.ssl);
}

/* Turn the loop until *flag, or fail after a few seconds. */
static void
run_until(struct fixture *f, const int *flag)
{
	ev_tstamp until = ev_time() + 5.0;

	while (!*flag && ev_time() < until)
		ev_run(f->loop, EVRUN_ONCE);
	assert_true(*flag);
}

static X509 *
cert_load(const char *name)
{
	char path[128];
	X509 *x;
	FILE *fp;

	snprintf(path, sizeof path, "%s/%s.pem", certs, name);
	assert_non_null(fp = fopen(path, "r"));
	x = PEM_read_X509(fp, NULL, NULL, NULL);
	fclose(fp);
	assert_non_null(x);
	return x;
}

/* A certificate whose role extension is der, times times. */
static X509 *
cert_with_role(const unsigned char *der, int len, int times)
{
	ASN1_OBJECT *oid = OBJ_txt2obj(TLS_ROLE_OID, 1);
	ASN1_OCTET_STRING *data = ASN1_OCTET_STRING_new();
	X509_EXTENSION *ext;
	X509 *x = X509_new();

	assert_non_null(x);
	assert_int_equal(ASN1_OCTET_STRING_set(data, der, len), 1);
	assert_non_null(ext = X509_EXTENSION_create_by_OBJ(NULL, oid, 0,
	    data));
	while (times-- > 0)
		assert_int_equal(X509_add_ext(x, ext, -1), 1);
	X509_EXTENSION_free(ext);
	ASN1_OCTET_STRING_free(data);
	ASN1_OBJECT_free(oid);
	return x;
}

static void
test_role(void **state)
{
	static const unsigned char hmi[] = { 0x0c, 3, 'h', 'm', 'i' };
	static const unsigned char ctl[] = { 0x0c, 3, 'h', 0x01, 'i' };
	static const unsigned char empty[] = { 0x0c, 0 };
	static const unsigned char trail[] = { 0x0c, 3, 'h', 'm', 'i', 0 };
	static const unsigned char ia5[] = { 0x16, 3, 'h', 'm', 'i' };
	char role[CONFIG_NAME_MAX];
	X509 *x;

	(void)state;
	x = cert_load("client-hmi");
	assert_int_equal(tls_cert_role(x, role, sizeof role),
	    TLS_ROLE_FOUND);
	assert_string_equal(role, "hmi");
	/* Too long for the caller's buffer: not cut to another name. */
	assert_int_equal(tls_cert_role(x, role, 3), TLS_ROLE_MALFORMED);
	assert_string_equal(role, "");
	X509_free(x);
	x = cert_load("client-norole");
	assert_int_equal(tls_cert_role(x, role, sizeof role),
	    TLS_ROLE_ABSENT);
	assert_string_equal(role, "");
	X509_free(x);
	x = cert_load("client-badrole");         /* an INTEGER */
	assert_int_equal(tls_cert_role(x, role, sizeof role),
	    TLS_ROLE_MALFORMED);
	X509_free(x);

	x = cert_with_role(hmi, sizeof hmi, 1);
	assert_int_equal(tls_cert_role(x, role, sizeof role),
	    TLS_ROLE_FOUND);
	assert_string_equal(role, "hmi");
	X509_free(x);
	x = cert_with_role(hmi, sizeof hmi, 2);  /* which of two? */
	assert_int_equal(tls_cert_role(x, role, sizeof role),
	    TLS_ROLE_MALFORMED);
	X509_free(x);
	x = cert_with_role(ctl, sizeof ctl, 1);
	assert_int_equal(tls_cert_role(x, role, sizeof role),
	    TLS_ROLE_MALFORMED);
	X509_free(x);
	x = cert_with_role(empty, sizeof empty, 1);
	assert_int_equal(tls_cert_role(x, role, sizeof role),
	    TLS_ROLE_MALFORMED);
	X509_free(x);
	x = cert_with_role(trail, sizeof trail, 1);
	assert_int_equal(tls_cert_role(x, role, sizeof role),
	    TLS_ROLE_MALFORMED);
	X509_free(x);
	x = cert_with_role(ia5, sizeof ia5, 1);
	assert_int_equal(tls_cert_role(x, role, sizeof role),
	    TLS_ROLE_MALFORMED);
	X509_free(x);
}

/* tls_server_new() with cfg edited by one change; its error. */
static const char *
server_err(struct config_tls *cfg, const char *base_dir)
{
	static char err[ERR_LEN];
	struct tls_server *srv;

	srv = tls_server_new(cfg, base_dir, err);
	assert_null(srv);
	return err;
}

static void
test_server_errors(void **state)
{
	struct config_tls cfg;
	char err[ERR_LEN], path[128];
	struct tls_server *srv;

	(void)state;
	tls_cfg(&cfg);
	assert_non_null(srv = tls_server_new(&cfg, certs, err));
	tls_server_free(srv);
	/* Absolute paths ignore the base directory. */
	certs_path(cfg.cert, sizeof cfg.cert, "server.pem");
	certs_path(cfg.key, sizeof cfg.key, "server.key");
	certs_path(cfg.client_ca, sizeof cfg.client_ca, "ca.pem");
	certs_path(cfg.crl, sizeof cfg.crl, "crl.pem");
	srv = tls_server_new(&cfg, "/nonexistent", err);
	if (srv == NULL)
		fail_msg("%s", err);
	tls_server_free(srv);

	tls_cfg(&cfg);
	snprintf(cfg.cert, sizeof cfg.cert, "/nonexistent/x.pem");
	assert_string_equal(server_err(&cfg, certs),
	    "tls: cert /nonexistent/x.pem: No such file or directory; set "
	    "tls.cert to the gateway's PEM certificate");

	tls_cfg(&cfg);
	snprintf(cfg.key, sizeof cfg.key, "client-hmi.key");
	certs_path(path, sizeof path, "client-hmi.key");
	assert_non_null(strstr(server_err(&cfg, certs), path));
	assert_non_null(strstr(server_err(&cfg, certs),
	    "is not the key of cert"));

	tls_cfg(&cfg);
	snprintf(cfg.cert, sizeof cfg.cert, "server.key");
	assert_non_null(strstr(server_err(&cfg, certs),
	    "set tls.cert to the gateway's PEM certificate"));

	tls_cfg(&cfg);
	cfg.client_ca[0] = '\0';
	assert_string_equal(server_err(&cfg, certs),
	    "tls: client_ca is not set; set tls.client_ca to the PEM CA "
	    "that clients' certificates chain to");

	tls_cfg(&cfg);
	snprintf(cfg.crl, sizeof cfg.crl, "ca.pem");
	assert_non_null(strstr(server_err(&cfg, certs), "no PEM CRL in it"));

	tls_cfg(&cfg);
	snprintf(cfg.ciphers, sizeof cfg.ciphers, "NOTACIPHER");
	assert_non_null(strstr(server_err(&cfg, certs),
	    "tls: ciphers \"NOTACIPHER\": "));

	tls_cfg(&cfg);
	cfg.min_version = 0x0999;
	assert_non_null(strstr(server_err(&cfg, certs), "min_version"));
}

/* A full handshake, the peer's identity, bytes both ways. */
static void
test_handshake_and_bytes(void **state)
{
	struct fixture *f = *state;
	char role[CONFIG_NAME_MAX];

	server_new(f);
	open_tls(f, "client-hmi", 0, 5.0, NULL);
	f->c.send = "hello";
	f->c.n_send = 5;
	client_step(f);
	run_until(f, &f->p.connected);
	assert_int_equal(f->p.closed, 0);
	assert_int_equal(f->p.resumed, 0);
	assert_non_null(strstr(f->p.subject, "CN=hmi"));
	assert_int_equal(tls_conn_role(f->p.conn, role, sizeof role),
	    TLS_ROLE_FOUND);
	assert_string_equal(role, "hmi");
	while (f->p.n_got < 5 && !f->p.closed)
		ev_run(f->loop, EVRUN_ONCE);
	assert_memory_equal(f->p.got, "hello", 5);

	assert_int_equal(stream_write(f->p.s, "world!", 6), 0);
	while (f->c.n_got < 6 && !f->c.failed)
		ev_run(f->loop, EVRUN_ONCE);
	assert_memory_equal(f->c.got, "world!", 6);

	/* The peer's close_notify is its end of stream. */
	SSL_shutdown(f->c.ssl);
	run_until(f, &f->p.closed);
	assert_string_equal(f->p.reason, "closed by peer");
	f->p.s = NULL;
}

/* One record bigger than the stream takes per read: the rest waits in
 * the TLS layer, where no fd shows it. */
static void
test_bytes_held_by_tls(void **state)
{
	struct fixture *f = *state;
	char big[200];
	size_t i;

	for (i = 0; i < sizeof big; i++)
		big[i] = (char)('a' + i % 26);
	server_new(f);
	open_tls(f, "client-ai", 7, 5.0, NULL);
	f->c.send = big;
	f->c.n_send = sizeof big;
	client_step(f);
	run_until(f, &f->p.connected);
	while (f->p.n_got < sizeof big && !f->p.closed)
		ev_run(f->loop, EVRUN_ONCE);
	assert_int_equal(f->p.n_got, sizeof big);
	assert_memory_equal(f->p.got, big, sizeof big);
	assert_true(f->p.data >= (int)(sizeof big / 7));
}

/* The client's handshake with NAME; the gateway's refusal. */
static void
refused(struct fixture *f, const char *name, const char *reason,
    const char *subject)
{
	server_new(f);
	open_tls(f, name, 0, 5.0, NULL);
	client_step(f);
	run_until(f, &f->p.closed);
	assert_int_equal(f->p.connected, 0);
	assert_string_equal(f->p.reason, reason);
	if (subject == NULL)
		assert_string_equal(f->p.subject, "");
	else if (strstr(f->p.subject, subject) == NULL)
		fail_msg("subject \"%s\" lacks \"%s\"", f->p.subject, subject);
	f->p.s = NULL;
}

static void
test_no_client_cert(void **state)
{
	refused(*state, NULL, "no client certificate", NULL);
}

static void
test_untrusted(void **state)
{
	refused(*state, "client-untrusted", "certificate verify failed: "
	    "unable to get local issuer certificate", "CN=untrusted");
}

static void
test_expired(void **state)
{
	refused(*state, "client-expired",
	    "certificate verify failed: certificate has expired",
	    "CN=expired");
}

static void
test_revoked(void **state)
{
	refused(*state, "client-revoked",
	    "certificate verify failed: certificate revoked", "CN=revoked");
}

/* Not a TLS client at all. */
static void
test_not_tls(void **state)
{
	struct fixture *f = *state;
	static const char req[] = "\0\1\0\0\0\6\1\3\0\0\0\1";

	server_new(f);
	open_tls(f, NULL, 0, 5.0, NULL);
	assert_int_equal(write(f->c.fd, req, sizeof req - 1),
	    (ssize_t)sizeof req - 1);
	run_until(f, &f->p.closed);
	assert_int_equal(f->p.connected, 0);
	assert_non_null(strstr(f->p.reason, "TLS handshake failed: "));
	f->p.s = NULL;
}

/* A client that says nothing is closed when the time is up, and holds
 * up nothing meanwhile. */
static void
test_handshake_timeout(void **state)
{
	struct fixture *f = *state;
	ev_tstamp start;

	server_new(f);
	open_tls(f, "client-ai", 0, 0.2, NULL);
	start = ev_time();
	run_until(f, &f->p.closed);
	assert_true(ev_time() - start >= 0.15);
	assert_string_equal(f->p.reason, "TLS handshake timed out");
	assert_int_equal(f->p.connected, 0);
	f->p.s = NULL;
}

/* A second connection with the first one's session resumes it, and
 * keeps the client's identity. */
static void
resume(struct fixture *f, int version)
{
	SSL_SESSION *session;
	char role[CONFIG_NAME_MAX];

	SSL_CTX_set_max_proto_version(f->cctx, version);
	server_new(f);
	open_tls(f, "client-historian", 0, 5.0, NULL);
	client_step(f);
	run_until(f, &f->p.connected);
	assert_int_equal(f->p.resumed, 0);
	/* TLS 1.3 tickets come after the handshake. */
	assert_int_equal(stream_write(f->p.s, "x", 1), 0);
	while (f->c.n_got < 1 && !f->c.failed)
		ev_run(f->loop, EVRUN_ONCE);
	assert_non_null(session = SSL_get1_session(f->c.ssl));
	assert_int_equal(SSL_SESSION_is_resumable(session), 1);
	stream_close(f->p.s, "test: again");
	client_end(f);

	open_tls(f, "client-historian", 0, 5.0, session);
	client_step(f);
	run_until(f, &f->p.connected);
	assert_int_equal(f->p.resumed, 1);
	assert_int_equal(SSL_session_reused(f->c.ssl), 1);
	assert_non_null(strstr(f->p.subject, "CN=historian"));
	assert_int_equal(tls_conn_role(f->p.conn, role, sizeof role),
	    TLS_ROLE_FOUND);
	assert_string_equal(role, "historian");
	SSL_SESSION_free(session);
}

static void
test_resumption_tls13(void **state)
{
	resume(*state, TLS1_3_VERSION);
}

static void
test_resumption_tls12(void **state)
{
	resume(*state, TLS1_2_VERSION);
}

static int
group_setup(void **state)
{
	const char *src = getenv("WARDEN_SRC");
	char cmd[256];

	(void)state;
	snprintf(certs, sizeof certs, "/tmp/warden-tls-XXXXXX");
	if (mkdtemp(certs) == NULL)
		return -1;
	snprintf(cmd, sizeof cmd, "%s/tests/certs.sh %s",
	    src != NULL ? src : ".", certs);
	return system(cmd) == 0 ? 0 : -1;
}

static int
group_teardown(void **state)
{
	char cmd[256];

	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf %s", certs);
	return system(cmd) == 0 ? 0 : -1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_role),
		cmocka_unit_test(test_server_errors),
		cmocka_unit_test_setup_teardown(test_handshake_and_bytes,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_bytes_held_by_tls,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_client_cert, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_untrusted, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_expired, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_revoked, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_not_tls, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_handshake_timeout, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_resumption_tls13, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_resumption_tls12, setup,
		    teardown),
	};

	/* The client's writes to a gateway that closed. */
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
