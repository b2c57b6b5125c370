/*
 * test_config_access.c: listen: (the old one-line form and the list of
 * entries with role, tls and allow_from) and roles: as config_load()
 * reads them, their defaults, and each error word for word.
 */
#include <limits.h>

#include "config_fixture.h"

/* Twelve lines after which a snippet's own start, at line 13. */
#define REST \
	"state_dir: /tmp/w\n" \
	"audit_log: /tmp/w/audit.jsonl\n" \
	"control:\n" \
	"  socket: /tmp/w/control.sock\n" \
	"devices:\n" \
	"  - name: tank1\n" \
	"    host: 127.0.0.1\n" \
	"    unit_id: 1\n" \
	"points:\n" \
	"  - {name: pump, device: tank1, table: coil, address: 0, write: {}}\n" \
	"  - {name: valve, device: tank1, table: holding, address: 1, " \
	"write: {min: 0, max: 100}}\n" \
	"  - {name: level, device: tank1, table: input, address: 2}\n"

#define TLS_OK "    tls: {cert: gw.pem, key: gw.key, client_ca: ca.pem}\n"

/* Load yaml: it fails, and one of its rows is exactly file:line: text. */
static void expect_exact(const char *yaml, int line, const char *text)
{
	struct loaded l;
	char row[512];

	load_text(&l, yaml);
	if (l.cfg)
		fail_msg("expected errors, but the config loaded");
	snprintf(row, sizeof(row), "%s:%d: %s\n", l.path, line, text);
	if (!strstr(l.errors, row))
		fail_msg("no row '%s' in:\n%s", row, l.errors);
	loaded_free(&l);
}

static void test_listen_scalar(void **state)
{
	struct loaded l;
	const struct config *cfg;
	const struct config_listener *lis;

	(void)state;
	cfg = load_ok(&l, BASE "allow_from: [10.0.0.0/8]\n");
	assert_int_equal(cfg->n_listeners, 1);
	lis = &cfg->listeners[0];
	assert_string_equal(lis->endpoint.host, "127.0.0.1");
	assert_int_equal(lis->endpoint.port, 1502);
	assert_int_equal(lis->role, CONFIG_ROLE_AI);
	assert_false(lis->has_role);
	assert_false(lis->has_tls);
	assert_false(lis->has_allow_from);
	assert_int_equal(lis->n_allow_from, 0);
	assert_int_equal(lis->line, 1);
	assert_int_equal(cfg->n_allow_from, 1);
	loaded_free(&l);

	expect_exact("listen: 127.0.0.1:99999\n" REST, 1,
	    "listen: '127.0.0.1:99999' has a bad port: it must be 1..65535");
	expect_exact("listen: ''\n" REST, 1, "listen: must not be empty");
	expect_exact("listen: 127.0.0.1:1502\nmetrics_listen: 127.0.0.1:1502\n"
	    REST, 2, "metrics_listen: '127.0.0.1:1502' is the same address as "
	    "listen");
}

static void test_listen_list(void **state)
{
	struct loaded l;
	const struct config *cfg;
	const struct config_listener *lis;
	char dir[PATH_MAX], want[PATH_MAX + 16];

	(void)state;
	assert_non_null(realpath("/tmp", dir));
	cfg = load_ok(&l, REST
	    "allow_from: [192.168.0.0/16]\n"
	    "listen:\n"
	    "  - address: 127.0.0.1:1502\n"
	    "  - address: '[::1]:802'\n"
	    "    role: hmi\n"
	    "    tls:\n"
	    "      cert: certs/gw.pem\n"
	    "      key: /etc/warden/gw.key\n"
	    "      client_ca: ca.pem\n"
	    "      crl: crl.pem\n"
	    "      ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256'\n"
	    "      min_version: '1.3'\n"
	    "    allow_from: [10.0.0.0/8, '2001:db8::/32']\n"
	    "  - address: 0.0.0.0:1503\n"
	    "    role: ai\n"
	    "    allow_from: []\n"
	    "  - address: 127.0.0.1:803\n"
	    TLS_OK
	    "roles:\n"
	    "  hmi: {read: all}\n");
	assert_int_equal(cfg->n_listeners, 4);
	lis = &cfg->listeners[0];
	assert_int_equal(lis->endpoint.port, 1502);
	assert_int_equal(lis->role, CONFIG_ROLE_AI);
	assert_false(lis->has_tls);
	assert_false(lis->has_allow_from);
	assert_int_equal(lis->line, 15);

	lis = &cfg->listeners[1];
	assert_string_equal(lis->endpoint.host, "::1");
	assert_int_equal(lis->endpoint.port, 802);
	assert_true(lis->has_role);
	assert_string_equal(cfg->roles[lis->role].name, "hmi");
	assert_true(lis->has_tls);
	snprintf(want, sizeof(want), "%s/certs/gw.pem", dir);
	assert_string_equal(lis->tls.cert, want);
	assert_string_equal(lis->tls.key, "/etc/warden/gw.key");
	snprintf(want, sizeof(want), "%s/ca.pem", dir);
	assert_string_equal(lis->tls.client_ca, want);
	snprintf(want, sizeof(want), "%s/crl.pem", dir);
	assert_string_equal(lis->tls.crl, want);
	assert_string_equal(lis->tls.ciphers, "ECDHE-ECDSA-AES128-GCM-SHA256");
	assert_int_equal(lis->tls.min_version, 0x0304);
	assert_true(lis->has_allow_from);
	assert_int_equal(lis->n_allow_from, 2);
	assert_int_equal(lis->allow_from[0].family, AF_INET);
	assert_int_equal(lis->allow_from[0].prefix, 8);
	assert_int_equal(lis->allow_from[1].family, AF_INET6);
	assert_int_equal(lis->line, 16);

	/* role: ai written; allow_from: [] is its own: any source. */
	lis = &cfg->listeners[2];
	assert_true(lis->has_role);
	assert_int_equal(lis->role, CONFIG_ROLE_AI);
	assert_true(lis->has_allow_from);
	assert_int_equal(lis->n_allow_from, 0);

	/* The defaults of tls: no crl, OpenSSL's ciphers, TLS 1.2. */
	lis = &cfg->listeners[3];
	assert_true(lis->has_tls);
	assert_string_equal(lis->tls.crl, "");
	assert_string_equal(lis->tls.ciphers, "");
	assert_int_equal(lis->tls.min_version, 0x0303);
	assert_false(lis->has_role);
	assert_int_equal(lis->role, CONFIG_ROLE_AI);
	assert_int_equal(cfg->n_allow_from, 1);
	loaded_free(&l);
}

static void test_listen_errors(void **state)
{
	(void)state;
	expect_exact(REST "listen:\n  - address: 127.0.0.1:1502\n"
	    "  - address: 127.0.0.1:1502\n", 15, "listen entry 2: address: "
	    "'127.0.0.1:1502' is already the address of the entry on line 14");
	expect_exact(REST "listen:\n  - address: 127.0.0.1:99999\n", 14,
	    "listen entry 1: address: '127.0.0.1:99999' has a bad port: it "
	    "must be 1..65535");
	expect_exact(REST "listen:\n  - role: ai\n", 14,
	    "listen[0]: missing required key 'address'");
	expect_exact(REST "listen: []\n", 13,
	    "listen: needs at least 1 entry");
	expect_exact(REST "listen:\n  - address: 127.0.0.1:1502\n"
	    "    role: hmii\nroles: {hmi: {read: all}}\n", 15,
	    "listen entry 1: role: no role named 'hmii' (did you mean 'hmi'?)");
	expect_exact(REST "listen:\n  - address: 127.0.0.1:1502\n"
	    "    role: scada\n", 15, "listen entry 1: role: no role named "
	    "'scada'; define it under roles: or leave role: out (ai)");
	expect_exact(REST "listen:\n  - address: 127.0.0.1:802\n"
	    "    tls: {key: k.pem, client_ca: ca.pem}\n", 15,
	    "listen entry 1: tls: cert is required: the gateway's certificate "
	    "chain (PEM)");
	expect_exact(REST "listen:\n  - address: 127.0.0.1:802\n"
	    "    tls: {cert: c.pem, client_ca: ca.pem}\n", 15,
	    "listen entry 1: tls: key is required: the gateway certificate's "
	    "private key (PEM)");
	expect_exact(REST "listen:\n  - address: 127.0.0.1:802\n"
	    "    tls: {cert: c.pem, key: k.pem}\n", 15,
	    "listen entry 1: tls: client_ca is required: the CA (PEM) client "
	    "certificates must chain to: Modbus/TCP Security authenticates "
	    "every client");
	expect_exact(REST "listen:\n  - address: 127.0.0.1:802\n"
	    TLS_OK "    min_version: x\n", 16,
	    "unknown key 'min_version' (known here: address, role, tls, "
	    "allow_from)");
	expect_exact(REST "listen:\n  - address: 127.0.0.1:802\n"
	    "    tls:\n      cert: c.pem\n      key: k.pem\n"
	    "      client_ca: ca.pem\n      min_version: '1.1'\n", 19,
	    "min_version: '1.1' is not one of 1.2, 1.3");
	expect_exact(REST "listen:\n  - address: 127.0.0.1:1502\n"
	    "    allow_from: [10.0.0.0/33]\n", 15, "listen entry 1: "
	    "allow_from: '10.0.0.0/33' has a bad prefix length: it must be "
	    "0..32");
	expect_exact(REST "listen:\n  - address: 127.0.0.1:1502\n"
	    "  - address: 127.0.0.1:1503\n"
	    "metrics_listen: 127.0.0.1:1503\n", 16, "metrics_listen: "
	    "'127.0.0.1:1503' is the same address as listen entry");
	expect_exact(REST "listen: {address: 127.0.0.1:1502}\n", 13,
	    "listen: must be a list");
}

static void test_roles(void **state)
{
	struct loaded l;
	const struct config *cfg;
	const struct config_role *r;

	(void)state;
	cfg = load_ok(&l, BASE);
	assert_int_equal(cfg->n_roles, 1);
	r = &cfg->roles[CONFIG_ROLE_AI];
	assert_string_equal(r->name, "ai");
	assert_int_equal(r->read.kind, ACCESS_ALL);
	assert_int_equal(r->write.kind, ACCESS_ALL);
	for (int code = 0; code < 256; code++)
		assert_int_equal(r->functions[code], 0);
	assert_false(r->keep_during_takeover);
	assert_int_equal(r->line, 0);
	loaded_free(&l);

	cfg = load_ok(&l, "listen: 127.0.0.1:1502\n" REST
	    "roles:\n"
	    "  hmi:\n"
	    "    read: all\n"
	    "    write: [pump]\n"
	    "    functions: [43, 100]\n"
	    "    during_takeover: keep\n"
	    "  historian:\n"
	    "    read: [level, valve]\n"
	    "    write: none\n"
	    "  empty: {}\n"
	    "  ai:\n"
	    "    read: [level]\n"
	    "    write: [valve]\n"
	    "    during_takeover: refuse\n");
	assert_int_equal(cfg->n_roles, 4);
	r = &cfg->roles[CONFIG_ROLE_AI];
	assert_string_equal(r->name, "ai");
	assert_int_equal(r->line, 24);
	assert_int_equal(r->read.kind, ACCESS_LIST);
	assert_int_equal(r->read.n_points, 1);
	assert_string_equal(cfg->points[r->read.points[0]].name, "level");
	assert_int_equal(r->write.kind, ACCESS_LIST);
	assert_string_equal(cfg->points[r->write.points[0]].name, "valve");
	assert_false(r->keep_during_takeover);

	r = &cfg->roles[1];
	assert_string_equal(r->name, "hmi");
	assert_int_equal(r->line, 15);
	assert_int_equal(r->read.kind, ACCESS_ALL);
	assert_int_equal(r->write.kind, ACCESS_LIST);
	assert_int_equal(r->write.n_points, 1);
	assert_string_equal(cfg->points[r->write.points[0]].name, "pump");
	assert_true(r->functions[43]);
	assert_true(r->functions[100]);
	assert_false(r->functions[3]);
	assert_true(r->keep_during_takeover);

	r = &cfg->roles[2];
	assert_string_equal(r->name, "historian");
	assert_int_equal(r->read.kind, ACCESS_LIST);
	assert_int_equal(r->read.n_points, 2);
	assert_string_equal(cfg->points[r->read.points[1]].name, "valve");
	assert_int_equal(r->write.kind, ACCESS_NONE);
	assert_false(r->keep_during_takeover);

	/* Neither read: nor write: given: nothing. */
	r = &cfg->roles[3];
	assert_string_equal(r->name, "empty");
	assert_int_equal(r->read.kind, ACCESS_NONE);
	assert_int_equal(r->write.kind, ACCESS_NONE);
	loaded_free(&l);
}

static void test_role_errors(void **state)
{
	char name[80];

	(void)state;
	expect_exact(BASE "roles:\n  hmi:\n    read: [levle]\n", 12,
	    "role 'hmi': no point named 'levle'");
	expect_exact("listen: 127.0.0.1:1502\n" REST "roles:\n  hmi:\n"
	    "    read: [levle]\n", 16,
	    "role 'hmi': no point named 'levle' (did you mean 'level'?)");
	expect_exact("listen: 127.0.0.1:1502\n" REST "roles:\n  hmi:\n"
	    "    write: [pump, level]\n", 16,
	    "role 'hmi': write: point 'level' has no write: limits; a role may "
	    "only write points with limits");
	expect_exact(BASE "roles:\n  Pump-Ops: {read: all}\n", 11,
	    "roles: 'Pump-Ops' is not a role name: use only a-z, 0-9, '_' and "
	    "'-' (the name a client certificate carries)");
	memset(name, 'a', 64);
	name[64] = '\0';
	{
		char yaml[512], text[160];

		snprintf(yaml, sizeof(yaml), BASE "roles:\n  %s: {}\n", name);
		snprintf(text, sizeof(text), "roles: '%.40s...' is too long "
		    "(at most 63 characters)", name);
		expect_exact(yaml, 11, text);
	}
	expect_exact(BASE "roles:\n  hmi: {read: all}\n  hmi: {}\n", 12,
	    "roles: 'hmi' is already defined on line 11");
	expect_exact(BASE "roles:\n  ai: {}\n  ai: {}\n", 12,
	    "roles: 'ai' is already defined on line 11");
	expect_exact(BASE "roles:\n  hmi:\n    read: some\n", 12,
	    "read: 'some' is not all, none or a list of point names");
	expect_exact(BASE "roles:\n  hmi:\n    write: {x: 1}\n", 12,
	    "write: must be all, none or a list of point names");
	expect_exact(BASE "roles:\n  - hmi\n", 11,
	    "roles: must be a mapping (role name: what it may do)");
	expect_exact(BASE "roles:\n  hmi: 5\n", 11,
	    "role: must be a mapping (read:, write:, functions:, "
	    "during_takeover:)");
	expect_exact(BASE "roles:\n  hmi:\n    during_takeover: maybe\n", 12,
	    "during_takeover: 'maybe' is not one of refuse, keep");
	expect_exact(BASE "roles:\n  hmi:\n    functions: [3]\n", 12,
	    "role 'hmi': functions: 3 is always judged by the policy (1-6, 15, "
	    "16, 22, 23 are); remove it");
	expect_exact(BASE "roles:\n  hmi:\n    functions: [128]\n", 12,
	    "role 'hmi': functions: 128 is not a function code (1..127)");
	expect_exact(BASE "roles:\n  hmi:\n    reed: all\n", 12,
	    "unknown key 'reed' (did you mean 'read'?)");
}

/* Every problem of listen: and roles: in one run, in file order. */
static void test_every_error_in_one_run(void **state)
{
	struct loaded l;

	(void)state;
	load_text(&l, "listen: 127.0.0.1:1502\n" REST
	    "roles:\n"
	    "  hmi:\n"
	    "    read: [levle]\n"
	    "    write: [level]\n"
	    "    during_takeover: maybe\n"
	    "  Bad: {}\n");
	assert_error(&l, 16, "no point named 'levle'");
	assert_error(&l, 17, "point 'level' has no write: limits");
	assert_error(&l, 18, "during_takeover: 'maybe'");
	assert_error(&l, 19, "roles: 'Bad' is not a role name");
	assert_int_equal(error_count(&l), 4);
	loaded_free(&l);

	load_text(&l, REST
	    "listen:\n"
	    "  - address: 127.0.0.1:1502\n"
	    "    role: nobody\n"
	    "  - address: 127.0.0.1:1502\n"
	    "    tls: {cert: c.pem}\n");
	assert_error(&l, 15, "role: no role named 'nobody'");
	assert_error(&l, 16, "is already the address of the entry on line 14");
	assert_error(&l, 17, "tls: key is required");
	assert_error(&l, 17, "tls: client_ca is required");
	assert_int_equal(error_count(&l), 4);
	loaded_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_listen_scalar),
		cmocka_unit_test(test_listen_list),
		cmocka_unit_test(test_listen_errors),
		cmocka_unit_test(test_roles),
		cmocka_unit_test(test_role_errors),
		cmocka_unit_test(test_every_error_in_one_run),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
