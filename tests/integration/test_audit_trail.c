/*
 * test_audit_trail.c: an audit trail that cannot be cut or quietly
 * rebuilt, as wardend runs it. The log deleted under a running wardend:
 * the next AI write is recorded in a new file that continues the chain,
 * and verify accepts old + new; a path where no new file can be made:
 * the write is refused with 0x04 and never reaches the device; nor does
 * one whose record's write() fails (a file size limit). Signed
 * checkpoints: the key file's permissions, -t, the signatures checked
 * with the right key and refused with another, the key read before -u.
 * A tail cut while wardend was stopped: verify --head says so, and the
 * next start records audit_cut and comes up in TAKEOVER; the head kept
 * current by the periodic syncs, so a crash does not hide a cut either.
 * audit_syslog:
 * each record to a test-owned socket, and a socket nobody reads costs
 * drops, never the AI's writes.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>
#include <modbus.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "audit_query.h"
#include "ctl.h"
#include "world.h"
#include "scrape.h"
#include "trail.h"

#define AT_TIMEOUT 5.0
#define AT_START_TIMEOUT 10.0   /* sanitizer builds start slowly */
#define AT_VALVE 0              /* holding, % x 10, write max 100 % */
#define AT_LINE_MAX 8192

#define AT_BODY \
	"mode: enforce\n" \
	"initial_state: auto\n" \
	"points:\n" \
	"  - {name: valve, device: tank1, table: holding, address: 0,\n" \
	"     scale: 0.1, unit: \"%%\", write: {min: 0, max: 100}}\n" \
	"takeover:\n" \
	"  safe_state:\n" \
	"    - {point: valve, value: 0}\n" \
	"%s"

struct at {
	struct world *w;
	modbus_t *ai;
	struct ctl_result res;
	char line[AT_LINE_MAX];
	char path[WORLD_PATH_MAX];
	char why[AT_LINE_MAX];
};

static int
at_setup(void **state)
{
	struct at *t = calloc(1, sizeof(*t));

	*state = t;
	if (t != NULL && (t->w = world_new_tank(NULL, NULL)) != NULL)
		return 0;
	free(t);
	*state = NULL;
	return -1;
}

static int
at_teardown(void **state)
{
	struct at *t = *state;
	int rc;

	if (t == NULL)
		return 0;
	if (t->ai != NULL) {
		modbus_close(t->ai);
		modbus_free(t->ai);
	}
	rc = world_free(t->w);
	free(t);
	return rc;
}

/* The world's dir/name into t->path. */
static const char *
at_path(struct at *t, const char *name)
{
	snprintf(t->path, sizeof(t->path), "%s/%s", t->w->dir, name);
	return t->path;
}

/* wardend with AT_BODY and more keys, and an AI connected to it. */
static void
at_start(struct at *t, const char *more)
{
	char body[WORLD_YAML_MAX];

	snprintf(body, sizeof(body), AT_BODY, more);
	if (world_start(t->w, body) != 0)
		fail_msg("wardend did not start (log below)");
	t->ai = world_client(t->w, 1, 2.0);
	assert_non_null(t->ai);
	assert_int_equal(world_wait_path(t->ai, AT_VALVE, AT_TIMEOUT), 0);
}

static void
expect_text(const char *haystack, const char *needle, const char *what)
{
	if (strstr(haystack, needle) == NULL)
		fail_msg("%s does not say \"%s\": %s", what, needle, haystack);
}

static void
expect_exit(struct at *t, int want, const char *what)
{
	if (t->res.status != want)
		fail_msg("%s: exit %d, wanted %d; stdout: %s stderr: %s", what,
		    t->res.status, want, t->res.out, t->res.err);
}

/* The whole of a file into t->why (a log, for its messages). */
static const char *
at_read(struct at *t, const char *path)
{
	FILE *f = fopen(path, "r");
	size_t n = 0;

	t->why[0] = '\0';
	if (f != NULL) {
		n = fread(t->why, 1, sizeof(t->why) - 1, f);
		fclose(f);
	}
	t->why[n] = '\0';
	return t->why;
}

/* Line n (1-based) of path into t->line. */
static const char *
at_line(struct at *t, const char *path, int n)
{
	FILE *f = fopen(path, "r");

	t->line[0] = '\0';
	assert_non_null(f);
	while (n-- > 0 && fgets(t->line, sizeof(t->line), f) != NULL)
		;
	fclose(f);
	return t->line;
}

/* 1 when any write plcsim received put value at address. */
static int
at_device_got(const struct at *t, int address, uint16_t value)
{
	struct trail_write *w = NULL;
	int n = trail_device_writes(t->w->plc[0].journal, &w), i, got = 0;

	for (i = 0; i < n; i++)
		got |= trail_write_holds(&w[i], address, value);
	free(w);
	return got;
}

/* ---- the log deleted under a running wardend ---- */

/*
 * Deleted (the test keeps the old inode open to read it back): the next
 * AI write is allowed, and recorded in a new file at audit_log that
 * begins with audit_resumed, linked to the last hash of the old one;
 * verify accepts the new file alone (it continues) and old + new.
 */
static void
test_deleted_log_resumes(void **state)
{
	struct at *t = *state;
	char old[WORLD_PATH_MAX], want[128], buf[65536], last[65];
	const char *first;
	ssize_t n, got = 0;
	int fd;

	at_start(t, "");
	assert_int_equal(modbus_write_register(t->ai, AT_VALVE, 400), 1);
	fd = open(t->w->audit, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(unlink(t->w->audit), 0);
	assert_int_equal(modbus_write_register(t->ai, AT_VALVE, 410), 1);

	while ((n = read(fd, buf + got, sizeof(buf) - 1 - (size_t)got)) > 0)
		got += n;
	close(fd);
	assert_true(got > 67 && buf[got - 1] == '\n');
	memcpy(last, buf + got - 67, 64);
	last[64] = '\0';
	snprintf(old, sizeof(old), "%s", at_path(t, "old.jsonl"));
	assert_int_equal(harness_write_file(old, "%.*s", (int)got, buf), 0);

	first = at_line(t, t->w->audit, 1);
	expect_text(first, "\"event\":\"audit_resumed\"", "the new file");
	expect_text(first, "\"log_was\":\"deleted\"", "the new file");
	expect_text(first, "was deleted while wardend ran", "the new file");
	snprintf(want, sizeof(want), "\"prev\":\"%s\"", last);
	expect_text(first, want, "the new file's first record");
	assert_true(audit_query_find(t->w->audit, 0, "write_allowed",
	    "value", "41") > 1);
	assert_int_equal(audit_query_find(old, 0, "write_allowed", "value",
	    "41"), 0);
	expect_text(at_read(t, t->w->log), "ALARM: audit log ", "the log");

	assert_int_equal(world_stop(t->w), 0);
	ctl_run(NULL, &t->res, "audit", "verify", t->w->audit, (char *)NULL);
	expect_exit(t, 0, "audit verify of the new file");
	expect_text(t->res.out, "continues the chain of an earlier file",
	    "audit verify");
	ctl_run(NULL, &t->res, "audit", "verify", old, t->w->audit,
	    (char *)NULL);
	expect_exit(t, 0, "audit verify old + new");
	expect_text(t->res.out, "valid: ", "audit verify old + new");
	ctl_run(NULL, &t->res, "audit", "verify", t->w->audit, old,
	    (char *)NULL);
	expect_exit(t, 1, "audit verify new + old");
}

/*
 * No new file can be made (the log's directory replaced by a file, which
 * root cannot write through either): the AI's write is refused with
 * 0x04 and never reaches the device. With the directory back, the next
 * write is recorded again, in a file that continues the chain.
 */
static void
test_no_new_file_refuses_writes(void **state)
{
	struct at *t = *state;
	char dir[WORLD_PATH_MAX / 2];

	snprintf(dir, sizeof(dir), "%s/audit", t->w->dir);
	assert_int_equal(mkdir(dir, 0750), 0);
	snprintf(t->w->audit, sizeof(t->w->audit), "%s/audit.jsonl", dir);
	at_start(t, "");
	assert_int_equal(modbus_write_register(t->ai, AT_VALVE, 400), 1);

	assert_int_equal(unlink(t->w->audit), 0);
	assert_int_equal(rmdir(dir), 0);
	assert_int_equal(harness_write_file(dir, "in the way\n"), 0);
	assert_int_equal(modbus_write_register(t->ai, AT_VALVE, 420), -1);
	assert_int_equal(world_exception(),
	    MODBUS_EXCEPTION_SLAVE_OR_SERVER_FAILURE);
	assert_int_equal(modbus_write_register(t->ai, AT_VALVE, 420), -1);
	assert_int_equal(world_exception(),
	    MODBUS_EXCEPTION_SLAVE_OR_SERVER_FAILURE);
	expect_text(at_read(t, t->w->log), "ALARM: cannot create a new "
	    "audit log", "the log");

	assert_int_equal(unlink(dir), 0);
	assert_int_equal(mkdir(dir, 0750), 0);
	assert_int_equal(modbus_write_register(t->ai, AT_VALVE, 430), 1);
	assert_int_equal(world_stop(t->w), 0);
	assert_true(at_device_got(t, AT_VALVE, 400));
	assert_true(at_device_got(t, AT_VALVE, 430));
	assert_false(at_device_got(t, AT_VALVE, 420));
	expect_text(at_line(t, t->w->audit, 1), "\"log_was\":\"deleted\"",
	    "the new file");
	assert_true(audit_query_find(t->w->audit, 0, "write_allowed",
	    "value", "43") > 0);
	ctl_run(NULL, &t->res, "audit", "verify", t->w->audit, (char *)NULL);
	expect_exit(t, 0, "audit verify of the new file");
}

/*
 * The write() of a loop iteration's records fails (EFBIG: wardend's file
 * size limit lowered to the log's size, as a full disk; wardend ignores
 * SIGXFSZ itself, the harness starts it with the default action): the AI's write is withdrawn from its device
 * connection and answered 0x04, and never reaches the device; reads,
 * which are not audited, still pass. With the limit lifted the next
 * write is recorded, and the chain is whole.
 */
static void
test_write_failure_withdraws(void **state)
{
	struct at *t = *state;
	struct rlimit full = { RLIM_INFINITY, RLIM_INFINITY }, cut;
	uint16_t value;
	struct stat st;

	at_start(t, "");
	assert_int_equal(modbus_write_register(t->ai, AT_VALVE, 400), 1);
	assert_int_equal(stat(t->w->audit, &st), 0);
	cut.rlim_cur = (rlim_t)st.st_size;
	cut.rlim_max = RLIM_INFINITY;
	assert_int_equal(prlimit(t->w->warden, RLIMIT_FSIZE, &cut, NULL), 0);

	assert_int_equal(modbus_write_register(t->ai, AT_VALVE, 420), -1);
	assert_int_equal(world_exception(),
	    MODBUS_EXCEPTION_SLAVE_OR_SERVER_FAILURE);
	assert_int_equal(modbus_read_registers(t->ai, AT_VALVE, 1, &value),
	    1);
	assert_int_equal(value, 400);
	assert_int_equal(stat(t->w->audit, &st), 0);
	assert_int_equal((rlim_t)st.st_size, cut.rlim_cur);

	assert_int_equal(prlimit(t->w->warden, RLIMIT_FSIZE, &full, NULL), 0);
	assert_int_equal(modbus_write_register(t->ai, AT_VALVE, 430), 1);
	assert_int_equal(world_stop(t->w), 0);
	assert_true(at_device_got(t, AT_VALVE, 400));
	assert_true(at_device_got(t, AT_VALVE, 430));
	assert_false(at_device_got(t, AT_VALVE, 420));
	assert_true(audit_query_find(t->w->audit, 0, "write_allowed",
	    "value", "43") > 0);
	assert_int_equal(audit_query_find(t->w->audit, 0, "write_allowed",
	    "value", "42"), 0);
	ctl_run(NULL, &t->res, "audit", "verify", t->w->audit, (char *)NULL);
	expect_exit(t, 0, "audit verify");
}

/* ---- signed checkpoints ---- */

/* An Ed25519 pair made here: private PEM at priv (mode), public at pub. */
static void
at_keygen(const char *priv, mode_t mode, const char *pub)
{
	EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	FILE *f;

	assert_non_null(k);
	assert_non_null(f = fopen(priv, "w"));
	assert_int_equal(PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL,
	    NULL), 1);
	fclose(f);
	assert_int_equal(chmod(priv, mode), 0);
	assert_non_null(f = fopen(pub, "w"));
	assert_int_equal(PEM_write_PUBKEY(f, k), 1);
	fclose(f);
	EVP_PKEY_free(k);
}

/*
 * A key others may read is refused (-t too); a private one signs every
 * 5 records and at stop; verify accepts the log with its public key,
 * reports nothing unsigned after the stop checkpoint, and refuses it
 * with another key.
 */
static void
test_signed_checkpoints(void **state)
{
	struct at *t = *state;
	char key[WORLD_PATH_MAX], pub[WORLD_PATH_MAX], other[WORLD_PATH_MAX];
	char more[WORLD_PATH_MAX + 64], body[WORLD_YAML_MAX];
	int i;

	snprintf(key, sizeof(key), "%s", at_path(t, "audit.key"));
	snprintf(pub, sizeof(pub), "%s", at_path(t, "audit.pub"));
	snprintf(other, sizeof(other), "%s", at_path(t, "other.pub"));
	at_keygen(key, 0644, pub);
	at_keygen(at_path(t, "other.key"), 0600, other);
	snprintf(more, sizeof(more), "audit_sign: {key: %s, every: 5}\n", key);
	snprintf(body, sizeof(body), AT_BODY, more);
	assert_int_equal(world_config(t->w, body), 0);
	ctl_run_program(&t->res, "wardend", "-t", "-c", t->w->config,
	    (char *)NULL);
	expect_exit(t, 1, "wardend -t with a readable key");
	expect_text(t->res.err, "chmod 600", "wardend -t");
	expect_text(t->res.err, "audit_sign.key", "wardend -t");
	assert_int_equal(chmod(key, 0600), 0);
	ctl_run_program(&t->res, "wardend", "-t", "-c", t->w->config,
	    (char *)NULL);
	expect_exit(t, 0, "wardend -t");
	expect_text(t->res.out, "audit_sign: key id ", "wardend -t");

	at_start(t, more);
	for (i = 0; i < 7; i++)
		assert_int_equal(modbus_write_register(t->ai, AT_VALVE,
		    (uint16_t)(100 + i)), 1);
	assert_true(audit_query_find(t->w->audit, 0, "checkpoint", NULL,
	    NULL) > 0);
	assert_int_equal(world_stop(t->w), 0);
	ctl_run(NULL, &t->res, "audit", "verify", "--pubkey", pub,
	    t->w->audit, (char *)NULL);
	expect_exit(t, 0, "audit verify --pubkey");
	expect_text(t->res.out, "signed: ", "audit verify --pubkey");
	ctl_run(NULL, &t->res, "--json", "audit", "verify", "--pubkey", pub,
	    t->w->audit, (char *)NULL);
	expect_exit(t, 0, "audit verify --pubkey --json");
	expect_text(t->res.out, "\"unsigned\":0", "audit verify --json");
	ctl_run(NULL, &t->res, "audit", "verify", "--pubkey", other,
	    t->w->audit, (char *)NULL);
	expect_exit(t, 1, "audit verify with another key");
	expect_text(t->res.out, "checkpoint signed by another key",
	    "audit verify with another key");
}

/*
 * As root with -u nobody: the key, readable by root only, is read before
 * the switch; the stop checkpoint, signed as nobody, verifies.
 */
static void
test_key_read_before_privilege_drop(void **state)
{
	struct at *t = *state;
	const struct passwd *pw = getpwnam("nobody");
	char run[WORLD_PATH_MAX / 2], key[WORLD_PATH_MAX], pub[WORLD_PATH_MAX];
	char body[WORLD_YAML_MAX], more[WORLD_PATH_MAX + 64];
	int n;

	if (geteuid() != 0 || pw == NULL) {
		fprintf(stderr, "skipped: needs root and user nobody\n");
		skip();
	}
	snprintf(key, sizeof(key), "%s", at_path(t, "audit.key"));
	snprintf(pub, sizeof(pub), "%s", at_path(t, "audit.pub"));
	at_keygen(key, 0600, pub);
	assert_int_equal(chmod(t->w->dir, 0711), 0);
	snprintf(run, sizeof(run), "%s/run", t->w->dir);
	assert_int_equal(mkdir(run, 0750), 0);
	assert_int_equal(chown(run, pw->pw_uid, pw->pw_gid), 0);
	snprintf(t->w->audit, sizeof(t->w->audit), "%s/audit.jsonl", run);
	snprintf(t->w->socket, sizeof(t->w->socket), "%s/control.sock",
	    run);
	snprintf(more, sizeof(more), "audit_sign: {key: %s}\n", key);
	snprintf(body, sizeof(body), AT_BODY, more);
	snprintf(t->w->state_dir, sizeof(t->w->state_dir), "%s", run);
	assert_int_equal(world_config(t->w, body), 0);
	assert_int_equal(world_launch(t->w, "nobody"), 0);
	assert_int_equal(world_wait(t->w, 1, AT_START_TIMEOUT), 0);
	assert_int_equal(world_stop(t->w), 0);
	n = audit_query_find(t->w->audit, 0, "stop", NULL, NULL);
	assert_true(n > 0);
	assert_true(audit_query_find(t->w->audit, n, "checkpoint", NULL,
	    NULL) == n + 1);
	ctl_run(NULL, &t->res, "audit", "verify", "--pubkey", pub,
	    t->w->audit, (char *)NULL);
	expect_exit(t, 0, "audit verify --pubkey");
}

/* ---- a tail cut while wardend was stopped ---- */

/*
 * Cut to its first 4 lines: a plain verify passes, verify --head names
 * the cut; the next start records audit_cut (what the head expected,
 * what the file held), logs an ALARM and comes up in TAKEOVER, where the
 * AI's writes are refused until an operator releases.
 */
static void
test_cut_tail_reported(void **state)
{
	struct at *t = *state;
	char head[WORLD_PATH_MAX], want[128], hash4[65];
	struct ctl_status st;
	int i, rec, last_seq;
	FILE *f;

	snprintf(head, sizeof(head), "%s", at_path(t, "audit.head"));
	at_start(t, "");
	for (i = 0; i < 5; i++)
		assert_int_equal(modbus_write_register(t->ai, AT_VALVE,
		    (uint16_t)(100 + i)), 1);
	assert_int_equal(world_stop(t->w), 0);
	modbus_close(t->ai);
	modbus_free(t->ai);
	t->ai = NULL;
	last_seq = audit_query_find(t->w->audit, 0, "stop", NULL, NULL);
	assert_true(last_seq > 6);
	ctl_run(NULL, &t->res, "audit", "verify", "--head", head,
	    t->w->audit, (char *)NULL);
	expect_exit(t, 0, "audit verify --head of the whole log");

	at_line(t, t->w->audit, 4);
	memcpy(hash4, strstr(t->line, "\"hash\":\"") + 8, 64);
	hash4[64] = '\0';
	assert_non_null(f = fopen(t->w->audit, "r+"));
	for (i = 0; i < 4; i++)
		assert_non_null(fgets(t->line, sizeof(t->line), f));
	assert_int_equal(ftruncate(fileno(f), ftell(f)), 0);
	fclose(f);
	ctl_run(NULL, &t->res, "audit", "verify", t->w->audit, (char *)NULL);
	expect_exit(t, 0, "audit verify of the cut log, without --head");
	ctl_run(NULL, &t->res, "audit", "verify", "--head", head,
	    t->w->audit, (char *)NULL);
	expect_exit(t, 1, "audit verify --head of the cut log");
	snprintf(want, sizeof(want), "the log ends at seq 4, but seq %d was "
	    "written", last_seq);
	expect_text(t->res.out, want, "audit verify --head");

	assert_int_equal(world_restart(t->w, 1), 0);
	rec = audit_query_line(t->w->audit, 0, "audit_cut", NULL, NULL,
	    t->line, sizeof(t->line));
	assert_int_equal(rec, 5);
	snprintf(want, sizeof(want), "\"expected_seq\":%d,", last_seq);
	expect_text(t->line, want, "audit_cut");
	snprintf(want, sizeof(want), "\"found_seq\":4,\"found_hash\":\"%s\"",
	    hash4);
	expect_text(t->line, want, "audit_cut");
	expect_text(at_read(t, t->w->log), "ALARM: audit log ", "the log");
	if (ctl_wait(t->w, "takeover", "startup", 0, AT_TIMEOUT, &st,
	    t->why, sizeof(t->why)) != 0)
		fail_msg("%s", t->why);
	expect_text(st.reason, "audit log was cut", "status reason");
	t->ai = world_client(t->w, 1, 2.0);
	assert_non_null(t->ai);
	assert_int_equal(modbus_write_register(t->ai, AT_VALVE, 200), -1);
	assert_int_equal(world_exception(), MODBUS_EXCEPTION_GATEWAY_PATH);
	ctl_run(NULL, &t->res, "audit", "verify", "--head", head,
	    t->w->audit, (char *)NULL);
	expect_exit(t, 0, "audit verify --head once wardend saved it again");
}

/* The seq in a head file, or -1 while there is none to read. */
static long
at_head_seq(const char *path)
{
	char line[256];
	long seq = -1;
	FILE *f = fopen(path, "r");

	while (f != NULL && fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "seq ", 4) == 0)
			seq = strtol(line + 4, NULL, 10);
	if (f != NULL)
		fclose(f);
	return seq;
}

/* Records in a log whose lines are its seqs from 1: its last seq. */
static long
at_lines(const char *path)
{
	char line[AT_LINE_MAX];
	long n = 0;
	FILE *f = fopen(path, "r");

	while (f != NULL && fgets(line, sizeof(line), f) != NULL)
		n++;
	if (f != NULL)
		fclose(f);
	return n;
}

/*
 * The head follows the periodic syncs while wardend runs (the worker
 * saves it), so a crash leaves it current: after a SIGKILL, a log that
 * lost its last record is caught at the next start.
 */
static void
test_head_saved_after_sync(void **state)
{
	struct at *t = *state;
	char head[WORLD_PATH_MAX], want[64];
	double deadline;
	long last = 0;
	int i;
	FILE *f;

	snprintf(head, sizeof(head), "%s", at_path(t, "audit.head"));
	at_start(t, "audit_fsync: 100ms\n");
	for (i = 0; i < 5; i++)
		assert_int_equal(modbus_write_register(t->ai, AT_VALVE,
		    (uint16_t)(100 + i)), 1);
	deadline = harness_now() + AT_TIMEOUT;
	while (harness_now() < deadline &&
	    (last = at_lines(t->w->audit)) != at_head_seq(head))
		usleep(20000);
	assert_int_equal(at_head_seq(head), last);
	assert_true(last >= 7);
	world_kill(t->w);

	assert_non_null(f = fopen(t->w->audit, "r+"));
	for (i = 0; i < last - 1; i++)
		assert_non_null(fgets(t->line, sizeof(t->line), f));
	assert_int_equal(ftruncate(fileno(f), ftell(f)), 0);
	fclose(f);
	assert_int_equal(world_restart(t->w, 1), 0);
	assert_true(audit_query_line(t->w->audit, 0, "audit_cut", NULL, NULL,
	    t->line, sizeof(t->line)) == last);
	snprintf(want, sizeof(want), "\"expected_seq\":%ld,", last);
	expect_text(t->line, want, "audit_cut");
	snprintf(want, sizeof(want), "\"found_seq\":%ld,", last - 1);
	expect_text(t->line, want, "audit_cut");
}

/* ---- audit_syslog ---- */

static int
at_receiver(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	assert_true(strlen(path) < sizeof(sun.sun_path));
	memcpy(sun.sun_path, path, strlen(path) + 1);
	assert_int_equal(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	return fd;
}

/* The next datagram whose MSGID is event, within the timeout; 0. */
static int
at_receive(int fd, const char *event, char *out, size_t cap)
{
	char tag[96];
	struct pollfd p = { .fd = fd, .events = POLLIN };
	double deadline = harness_now() + AT_TIMEOUT;
	ssize_t n;

	snprintf(tag, sizeof(tag), " %s [warden@32473 ", event);
	while (harness_now() < deadline) {
		if (poll(&p, 1, 100) <= 0)
			continue;
		if ((n = recv(fd, out, cap - 1, 0)) <= 0)
			return -1;
		out[n] = '\0';
		if (strstr(out, tag) != NULL)
			return 0;
	}
	return -1;
}

/*
 * Each record reaches a socket the test owns as it is written: the
 * datagram's message is the file's line. Then nobody reads: the AI's
 * writes go on, every one answered and recorded; the copies the socket
 * could not take are counted in the metrics and said in the log.
 */
static void
test_syslog_copy(void **state)
{
	struct at *t = *state;
	char sock[WORLD_PATH_MAX], more[WORLD_PATH_MAX + 128];
	char dgram[AT_LINE_MAX];
	struct scrape_answer *a = malloc(sizeof(*a));
	double dropped = 0, sent = 0, records = 0;
	uint16_t metrics = harness_free_port();
	int fd, i;

	assert_non_null(a);
	snprintf(sock, sizeof(sock), "%s", at_path(t, "syslog.sock"));
	fd = at_receiver(sock);
	snprintf(more, sizeof(more), "audit_syslog: %s\nmetrics_listen: "
	    "127.0.0.1:%u\n", sock, metrics);
	at_start(t, more);
	assert_int_equal(modbus_write_register(t->ai, AT_VALVE, 400), 1);
	assert_int_equal(at_receive(fd, "write_allowed", dgram, sizeof(dgram)),
	    0);
	assert_int_equal(strncmp(dgram, "<86>1 ", 6), 0);
	assert_true(audit_query_line(t->w->audit, 0, "write_allowed", NULL,
	    NULL, t->line, sizeof(t->line)) > 0);
	t->line[strcspn(t->line, "\n")] = '\0';
	assert_string_equal(strchr(dgram, '{'), t->line);

	for (i = 0; i < 600; i++)
		assert_int_equal(modbus_write_register(t->ai, AT_VALVE,
		    (uint16_t)(100 + i % 500)), 1);
	assert_int_equal(scrape_get(metrics, "/metrics", a), 0);
	assert_int_equal(scrape_value(a->body,
	    "warden_audit_syslog_dropped_total", &dropped), 0);
	assert_int_equal(scrape_value(a->body,
	    "warden_audit_syslog_sent_total", &sent), 0);
	assert_int_equal(scrape_value(a->body, "warden_audit_records_total",
	    &records), 0);
	assert_true(dropped > 0);
	assert_true(sent + dropped == records);
	expect_text(at_read(t, t->w->log), "audit_syslog: a record could "
	    "not be sent to ", "the log");
	assert_int_equal(world_stop(t->w), 0);
	close(fd);
	free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, at_setup, at_teardown)
		T(test_deleted_log_resumes),
		T(test_no_new_file_refuses_writes),
		T(test_write_failure_withdraws),
		T(test_signed_checkpoints),
		T(test_key_read_before_privilege_drop),
		T(test_cut_tail_reported),
		T(test_head_saved_after_sync),
		T(test_syslog_copy),
#undef T
	};

	/* WARDEN_TEST_FILTER=test_cut* runs the matching tests only. */
	if (getenv("WARDEN_TEST_FILTER") != NULL)
		cmocka_set_test_filter(getenv("WARDEN_TEST_FILTER"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
