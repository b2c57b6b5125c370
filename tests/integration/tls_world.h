/*
 * tls_world.h: a world (world.h) whose wardend also serves Modbus/TCP
 * Security: certificates made by tests/certs.sh, TLS listeners beside
 * the AI's plain one, and what the TLS tests read back: audit records
 * counted by field, the status's "connections" entry of a client.
 *
 * No cmocka here: build/bench links every non-test file of
 * tests/integration/ too.
 */
#ifndef WARDEN_TLS_WORLD_H
#define WARDEN_TLS_WORLD_H

#include <stddef.h>
#include <stdint.h>

#include "world.h"

#define TLS_WORLD_MAX_LISTENERS 4
#define TLS_WORLD_NAME_MAX 256

/* One TLS listener: its role (NULL: none written) and whether it checks
 * certs.sh's CRL; the port is chosen when it starts. */
struct tls_world_listener {
	const char *role;
	int crl;
	uint16_t port;
};

/* certs.sh's standard set into dir ($WARDEN_SRC/tests/certs.sh). 0, or
 * -1 (its output is on stderr). */
int tls_world_certs(const char *dir);
/* One more client of the test CA: DIR/client-NAME.pem with role (NULL:
 * no role extension). 0, or -1. */
int tls_world_client_cert(const char *dir, const char *name,
    const char *role);
/* Revoke DIR/NAME.pem and write DIR/crl.pem anew, as an operator would
 * with certs.sh's CA. 0, or -1. */
int tls_world_revoke(const char *dir, const char *name);

/*
 * Write w's config with body and, beside the plain AI listener on
 * w->port, the n TLS listeners of l (their ports into l) with the
 * gateway's certificate of certs; start wardend and wait for every
 * listener. 0; -1 with w->failed set.
 */
int tls_world_start(struct world *w, const char *body, const char *certs,
    struct tls_world_listener *l, int n);

/* How many audit records hold key = want (and have this event, NULL:
 * any); -1 when the file cannot be read. Compared as audit_query.h. */
int tls_world_count(const char *audit, const char *event, const char *key,
    const char *want);
/* The line number of the first record after line `after` whose key
 * holds want, whatever its event, and the line into out (cap bytes, NULL:
 * not wanted); 0 when there is none, -1 when unreadable. */
int tls_world_record(const char *audit, int after, const char *key,
    const char *want, char *out, size_t cap);
/* Poll until a record of event with key = want (key NULL: any) is in
 * the audit log after line `after`, at most timeout seconds: its line
 * number, or 0 (-1 unreadable). */
int tls_world_wait_record(const char *audit, int after, const char *event,
    const char *key, const char *want, double timeout);

/* A client's entry in `wardenctl status --json`'s "connections". */
struct tls_world_conn {
	char listener[64];
	char role[64];
	char identity[TLS_WORLD_NAME_MAX];
	int tls, resumed;               /* -1: not a boolean */
	int has_since;
};

/*
 * Find the entry whose client is `client` (as "127.0.0.1:40000"). 0; -1
 * with why (the status as printed) when status fails or lists none.
 * *clients gets counters.clients (-1: none) when not NULL; client NULL
 * asks only for that.
 */
int tls_world_connection(const struct world *w, const char *client,
    struct tls_world_conn *conn, long *clients, char *why, size_t whylen);

/* counters.clients and how many connections status lists as still in
 * their TLS handshake. 0; -1 with why. */
int tls_world_counts(const struct world *w, long *clients,
    long *handshaking, char *why, size_t whylen);

#endif
