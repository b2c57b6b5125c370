/*
 * tls_world.c: wardend with TLS listeners, and what the TLS tests read
 * back. See tls_world.h.
 */
#include "tls_world.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "audit_query.h"
#include "ctl.h"
#include "json.h"
#include "textedit.h"

#define TLS_WORLD_FIELD_MAX 4096
#define TLS_WORLD_POLL 0.01

/* Run argv (its output on ours) to its end: 0 when it exited 0. */
static int
tls_world_run(char *const argv[])
{
	int status;
	pid_t pid;

	if ((pid = harness_spawn(argv, NULL)) == -1)
		return -1;
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* Run certs.sh DIR, or certs.sh DIR client NAME ROLE when name is not
 * NULL; 0 when it exited 0. */
static int
tls_world_certs_sh(const char *dir, const char *name, const char *role)
{
	const char *src = getenv("WARDEN_SRC");
	char script[WORLD_PATH_MAX], d[WORLD_PATH_MAX], n[64], r[64];
	char *argv[] = { (char *)"/bin/sh", script, d, (char *)"client", n, r,
		NULL };

	snprintf(script, sizeof script, "%s/tests/certs.sh",
	    src != NULL && *src != '\0' ? src : ".");
	snprintf(d, sizeof d, "%s", dir);
	snprintf(n, sizeof n, "%s", name != NULL ? name : "");
	snprintf(r, sizeof r, "%s", role != NULL ? role : "none");
	if (name == NULL)
		argv[3] = NULL;
	return tls_world_run(argv);
}

int
tls_world_certs(const char *dir)
{
	return tls_world_certs_sh(dir, NULL, NULL);
}

int
tls_world_client_cert(const char *dir, const char *name, const char *role)
{
	return tls_world_certs_sh(dir, name, role);
}

int
tls_world_revoke(const char *dir, const char *name)
{
	char cmd[3 * WORLD_PATH_MAX];
	char *argv[] = { (char *)"/bin/sh", (char *)"-c", cmd, NULL };

	/* certs.sh's CA config names its files relative to dir, and
	 * reads the role of a client to sign from the environment. */
	snprintf(cmd, sizeof cmd, "cd '%s' && export CERT_ROLE=unused && "
	    "openssl ca -batch -config ca.cnf -revoke '%s.pem' 2>/dev/null && "
	    "openssl ca -batch -config ca.cnf -gencrl -out crl.pem "
	    "2>/dev/null", dir, name);
	return tls_world_run(argv);
}

/* The world's one listen: line becomes the list of every listener. */
static int
tls_world_listen(struct world *w, const char *certs,
    struct tls_world_listener *l, int n)
{
	char from[64], to[WORLD_YAML_MAX];
	size_t used;
	int i;

	snprintf(from, sizeof from, "listen: 127.0.0.1:%u", w->port);
	used = (size_t)snprintf(to, sizeof to,
	    "listen:\n  - address: 127.0.0.1:%u", w->port);
	for (i = 0; i < n && used < sizeof to; i++) {
		if ((l[i].port = harness_free_port()) == 0)
			return -1;
		used += (size_t)snprintf(to + used, sizeof to - used,
		    "\n  - address: 127.0.0.1:%u\n%s%s%s"
		    "    tls: {cert: %s/server.pem, key: %s/server.key,\n"
		    "          client_ca: %s/ca.pem%s%s%s}",
		    l[i].port, l[i].role != NULL ? "    role: " : "",
		    l[i].role != NULL ? l[i].role : "",
		    l[i].role != NULL ? "\n" : "", certs, certs, certs,
		    l[i].crl ? ", crl: " : "", l[i].crl ? certs : "",
		    l[i].crl ? "/crl.pem" : "");
	}
	if (used >= sizeof to)
		return -1;
	return textedit_replace(w->config, 1, from, to);
}

/*
 * Wait for wardend's word that it listens on port: it binds a TLS
 * listener's port before it loads the certificates, CA and CRL, so a
 * port that accepts does not mean they were read (a test that changes
 * them at once would race the start).
 */
static int
tls_world_wait_listening(struct world *w, uint16_t port, double deadline)
{
	char needle[64];

	snprintf(needle, sizeof needle, "listening on 127.0.0.1:%u",
	    (unsigned)port);
	while (world_log_line(w, needle, NULL, 0) != 0) {
		if (harness_exited(w->warden) || harness_now() > deadline)
			return -1;
		harness_nap(TLS_WORLD_POLL);
	}
	return 0;
}

int
tls_world_start(struct world *w, const char *body, const char *certs,
    struct tls_world_listener *l, int n)
{
	double deadline = harness_now() + WORLD_START_TIMEOUT;
	int i;

	if (world_config(w, body) != 0 ||
	    tls_world_listen(w, certs, l, n) != 0 ||
	    world_launch(w, NULL) != 0 ||
	    world_wait(w, 1, WORLD_START_TIMEOUT) != 0)
		goto failed;
	/* Then a connection that leaves before its handshake: counted, not
	 * audited. */
	for (i = 0; i < n; i++)
		if (tls_world_wait_listening(w, l[i].port, deadline) != 0 ||
		    harness_wait_port(w->warden, l[i].port,
		    deadline - harness_now()) != 0)
			goto failed;
	return 0;
failed:
	w->failed = 1;
	return -1;
}

/* Does obj's field key hold want? As audit_query.c compares. */
static int
tls_world_holds(const struct json_value *obj, const char *key,
    const char *want)
{
	char text[TLS_WORLD_FIELD_MAX];
	struct json_value v;

	if (json_object_get(obj, key, &v) != 0)
		return 0;
	if (v.type == JSON_STRING)
		return json_get_string(&v, text, sizeof text) >= 0 &&
		    strcmp(text, want) == 0;
	return v.len == strlen(want) && memcmp(v.text, want, v.len) == 0;
}

int
tls_world_record(const char *audit, int after, const char *key,
    const char *want, char *out, size_t cap)
{
	struct json_value obj;
	const char *why;
	size_t linecap = 0, at;
	char *line = NULL;
	ssize_t len;
	int n = 0, found = 0;
	FILE *f = fopen(audit, "r");

	if (f == NULL)
		return -1;
	while (found == 0 && (len = getline(&line, &linecap, f)) > 0 &&
	    line[len - 1] == '\n')
		if (++n > after &&
		    json_parse(line, (size_t)len, &obj, &at, &why) == 0 &&
		    obj.type == JSON_OBJECT &&
		    tls_world_holds(&obj, key, want)) {
			found = n;
			if (out != NULL)
				snprintf(out, cap, "%s", line);
		}
	free(line);
	fclose(f);
	return found;
}

int
tls_world_count(const char *audit, const char *event, const char *key,
    const char *want)
{
	struct json_value obj;
	const char *why;
	size_t cap = 0, at;
	char *line = NULL;
	ssize_t len;
	int n = 0;
	FILE *f = fopen(audit, "r");

	if (f == NULL)
		return -1;
	while ((len = getline(&line, &cap, f)) > 0 && line[len - 1] == '\n')
		if (json_parse(line, (size_t)len, &obj, &at, &why) == 0 &&
		    obj.type == JSON_OBJECT &&
		    (event == NULL || tls_world_holds(&obj, "event", event)) &&
		    tls_world_holds(&obj, key, want))
			n++;
	free(line);
	fclose(f);
	return n;
}

int
tls_world_wait_record(const char *audit, int after, const char *event,
    const char *key, const char *want, double timeout)
{
	double deadline = harness_now() + timeout;
	int n;

	while ((n = audit_query_find(audit, after, event, key, want)) == 0 &&
	    harness_now() < deadline)
		harness_nap(TLS_WORLD_POLL);
	return n;
}

static void
tls_world_string(const struct json_value *obj, const char *key, char *dst,
    size_t cap)
{
	struct json_value v;

	dst[0] = '\0';
	if (json_object_get(obj, key, &v) == 0 && v.type == JSON_STRING)
		json_get_string(&v, dst, cap);
}

static int
tls_world_bool(const struct json_value *obj, const char *key)
{
	struct json_value v;

	if (json_object_get(obj, key, &v) != 0)
		return -1;
	return v.type == JSON_TRUE ? 1 : v.type == JSON_FALSE ? 0 : -1;
}

/* The entry of client in the status object's connections, into conn. */
static int
tls_world_find(const struct json_value *status, const char *client,
    struct tls_world_conn *conn)
{
	struct json_value list, v;
	struct json_member m;
	struct json_iter it;

	if (json_object_get(status, "connections", &list) != 0 ||
	    list.type != JSON_ARRAY)
		return -1;
	json_iter_init(&it, &list);
	while (json_iter_next(&it, &m))
		if (m.value.type == JSON_OBJECT &&
		    tls_world_holds(&m.value, "client", client)) {
			tls_world_string(&m.value, "listener", conn->listener,
			    sizeof conn->listener);
			tls_world_string(&m.value, "role", conn->role,
			    sizeof conn->role);
			tls_world_string(&m.value, "identity", conn->identity,
			    sizeof conn->identity);
			conn->tls = tls_world_bool(&m.value, "tls");
			conn->resumed = tls_world_bool(&m.value, "resumed");
			conn->has_since = json_object_get(&m.value, "since",
			    &v) == 0;
			return 0;
		}
	return -1;
}

/* Run status --json into st and obj; counters.clients into *clients
 * (-1: none). 0, or -1 with why. */
static int
tls_world_status(const struct world *w, struct ctl_status *st,
    struct json_value *obj, long *clients, char *why, size_t whylen)
{
	struct json_value counters, v;
	const char *bad;
	int64_t n = -1;
	size_t at;

	*clients = -1;
	if (ctl_status(w, st, why, whylen) != 0 ||
	    json_parse(st->text, strlen(st->text), obj, &at, &bad) != 0)
		return -1;      /* ctl_status said why */
	if (json_object_get(obj, "counters", &counters) == 0 &&
	    json_object_get(&counters, "clients", &v) == 0 &&
	    json_get_int64(&v, &n) == 0)
		*clients = (long)n;
	return 0;
}

int
tls_world_connection(const struct world *w, const char *client,
    struct tls_world_conn *conn, long *clients, char *why, size_t whylen)
{
	struct ctl_status *st = malloc(sizeof *st);
	struct json_value obj;
	long n;
	int rc = -1;

	memset(conn, 0, sizeof *conn);
	if (st == NULL) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	if (tls_world_status(w, st, &obj, &n, why, whylen) == 0) {
		if (clients != NULL)
			*clients = n;
		if (client == NULL)
			rc = 0;
		else if ((rc = tls_world_find(&obj, client, conn)) != 0)
			snprintf(why, whylen, "status --json lists no "
			    "connection of client %s: %.3000s", client,
			    st->text);
	}
	free(st);
	return rc;
}

int
tls_world_counts(const struct world *w, long *clients, long *handshaking,
    char *why, size_t whylen)
{
	struct ctl_status *st = malloc(sizeof *st);
	struct json_value obj, list;
	struct json_member m;
	struct json_iter it;
	int rc = -1;

	*clients = *handshaking = -1;
	if (st == NULL) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	if (tls_world_status(w, st, &obj, clients, why, whylen) != 0)
		goto out;
	if (json_object_get(&obj, "connections", &list) != 0 ||
	    list.type != JSON_ARRAY) {
		snprintf(why, whylen, "status --json has no connections: "
		    "%.3000s", st->text);
		goto out;
	}
	*handshaking = 0;
	json_iter_init(&it, &list);
	while (json_iter_next(&it, &m))
		*handshaking += tls_world_bool(&m.value, "handshaking") == 1;
	rc = 0;
out:
	free(st);
	return rc;
}
