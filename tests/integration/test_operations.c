/*
 * test_operations.c: wardend as the people who run it see it. Prometheus
 * metrics that agree with the traffic sent; the systemd notify protocol
 * (READY only once the AI port accepts, the watchdog fed from the loop,
 * STOPPING on SIGTERM); the switch to an unprivileged user with its
 * files 0640; the refusal of a config file others could change; and the
 * -f log: one line per event, each stamped the same way.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <regex.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <modbus.h>

#include "audit_query.h"
#include "ctl.h"
#include "world.h"
#include "notify_sink.h"
#include "scrape.h"
#include "wire.h"

#define WHY_MAX 8192
#define OPS_TIMEOUT 5.0
#define OPS_START_TIMEOUT 10.0  /* sanitizer builds start slowly */
#define OPS_CLIENT_TIMEOUT 2.0
#define OPS_VALVE 0             /* holding, % x 10, write max 100 % */
#define OPS_WATCHDOG_USEC "400000"
#define OPS_WATCHDOG_PERIOD 0.4

#define OPS_BODY \
	"mode: enforce\n" \
	"initial_state: auto\n" \
	"points:\n" \
	"  - {name: valve, device: tank1, table: holding, address: 0,\n" \
	"     scale: 0.1, unit: \"%\",\n" \
	"     write: {min: 0, max: 100, on_violation: reject}}\n" \
	"  - {name: pump_run, device: tank1, table: coil, address: 0,\n" \
	"     write: {min: 0, max: 1}}\n" \
	"  - {name: level, device: tank1, table: input, address: 0,\n" \
	"     scale: 0.01, unit: m, monitor: {high_high: 4.8}}\n" \
	"takeover:\n" \
	"  isolate: writes\n" \
	"  safe_state:\n" \
	"    - {point: valve, value: 0}\n" \
	"    - {point: pump_run, value: 0}\n"

struct ops {
	struct world *w;
	modbus_t *ai;
	struct ctl_result res;
	struct scrape_answer scrape;
	char log[65536];                /* wardend's stderr, read whole */
	char why[WHY_MAX];
};

static int
ops_teardown(void **state)
{
	struct ops *o = *state;
	int rc;

	if (o == NULL)
		return 0;
	if (o->ai != NULL) {
		modbus_close(o->ai);
		modbus_free(o->ai);
	}
	rc = o->w != NULL ? world_free(o->w) : 0;
	free(o);
	return rc;
}

/* A plcsim only: each test starts wardend its own way. */
static int
ops_setup(void **state)
{
	struct ops *o = calloc(1, sizeof(*o));

	*state = o;
	if (o != NULL && (o->w = world_new_tank(NULL, NULL)) != NULL)
		return 0;
	free(o);
	*state = NULL;
	return -1;
}

static void
ops_start(struct ops *o, const char *body)
{
	if (world_start(o->w, body) != 0)
		fail_msg("wardend did not start (log below)");
}

static void
ops_connect_ai(struct ops *o)
{
	o->ai = world_client(o->w, 1, OPS_CLIENT_TIMEOUT);
	assert_non_null(o->ai);
	assert_int_equal(world_wait_path(o->ai, OPS_VALVE, OPS_TIMEOUT), 0);
}

static void
expect_text(const char *haystack, const char *needle, const char *what)
{
	if (strstr(haystack, needle) == NULL)
		fail_msg("%s does not say \"%s\": %s", what, needle, haystack);
}

static void
expect_exit(struct ops *o, int want, const char *what)
{
	if (o->res.status != want)
		fail_msg("%s: exit %d, wanted %d; stdout: %s stderr: %s", what,
		    o->res.status, want, o->res.out, o->res.err);
}

/* ---- metrics ---- */

/* GET /metrics: 200, the exposition's content type and length. */
static void
scrape_metrics(struct ops *o, uint16_t port)
{
	struct scrape_answer *a = &o->scrape;

	if (scrape_get(port, "/metrics", a) != 0)
		fail_msg("GET /metrics on port %u: no HTTP answer", port);
	if (a->status != 200)
		fail_msg("GET /metrics: %d\n%s", a->status, a->head);
	expect_text(a->head, "text/plain; version=0.0.4", "the headers");
	assert_int_equal(a->content_length, (long)a->body_len);
}

static double
sample(const struct ops *o, const char *series)
{
	double v = -1;

	if (scrape_value(o->scrape.body, series, &v) != 0)
		fail_msg("no sample %s in:\n%s", series, o->scrape.body);
	return v;
}

/* The samples the test compares before and after the traffic. */
enum { S_REJECTED, S_ALLOWED, S_READS, S_ISOLATED, S_EXC_03, S_EXC_0A,
	S_LATENCY_COUNT, S_AUDIT, S_COUNT };

static const char *const sample_names[S_COUNT] = {
	"warden_requests_total{verdict=\"rejected\"}",
	"warden_requests_total{verdict=\"allowed\"}",
	"warden_requests_total{verdict=\"forwarded_read\"}",
	"warden_requests_total{verdict=\"isolated\"}",
	"warden_exceptions_total{code=\"0x03\"}",
	"warden_exceptions_total{code=\"0x0a\"}",
	"warden_request_duration_seconds_count",
	"warden_audit_records_total",
};

static void
samples_take(struct ops *o, uint16_t port, double out[S_COUNT])
{
	int i;

	scrape_metrics(o, port);
	for (i = 0; i < S_COUNT; i++)
		out[i] = sample(o, sample_names[i]);
}

static void
expect_delta(const double before[S_COUNT], const double after[S_COUNT],
    int which, double want)
{
	if (after[which] - before[which] != want)
		fail_msg("%s went from %g to %g; the traffic sent makes it "
		    "+%g", sample_names[which], before[which], after[which],
		    want);
}

static void
expect_families(const struct ops *o)
{
	static const char *const families[] = { "warden_requests_total",
		"warden_exceptions_total", "warden_state", "warden_mode",
		"warden_takeovers_total", "warden_device_up",
		"warden_request_duration_seconds",
		"warden_audit_records_total", "warden_trips_active",
		"warden_alarms_active", "warden_audit_fsync_seconds" };
	char line[128];
	size_t i;

	for (i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
		snprintf(line, sizeof(line), "\n# TYPE %s ", families[i]);
		expect_text(o->scrape.body, line, "/metrics");
	}
	expect_text(o->scrape.body, "\nwarden_request_duration_seconds_bucket"
	    "{le=\"0.001\"} ", "/metrics");
}

/* Lines of a file: the audit log's record count. */
static int
count_lines(const char *path)
{
	FILE *f = fopen(path, "r");
	int c, n = 0;

	assert_non_null(f);
	while ((c = getc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

static void
send_traffic(struct ops *o, int rejected, int allowed, int reads)
{
	uint16_t reg;
	int i;

	for (i = 0; i < rejected; i++) {
		assert_int_equal(modbus_write_register(o->ai, OPS_VALVE, 1500),
		    -1);
		assert_int_equal(world_exception(),
		    MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE);
	}
	for (i = 0; i < allowed; i++)
		assert_int_equal(modbus_write_register(o->ai, OPS_VALVE,
		    (uint16_t)(100 * (i + 1))), 1);
	for (i = 0; i < reads; i++)
		assert_int_equal(modbus_read_registers(o->ai, OPS_VALVE, 1,
		    &reg), 1);
}

/* Records written since the count was `fsyncs` are fsynced within
 * audit_fsync (1 s) and a tick, by the worker thread, and counted. */
static void
expect_flushed(struct ops *o, uint16_t port, double fsyncs)
{
	double deadline = harness_now() + OPS_TIMEOUT;
	struct timespec gap = { 0, 20000000 };

	do {
		if (harness_now() > deadline)
			fail_msg("the audit log was not fsynced within %.0f s "
			    "of the traffic", OPS_TIMEOUT);
		nanosleep(&gap, NULL);
		scrape_metrics(o, port);
	} while (sample(o, "warden_audit_fsync_seconds_count") <= fsyncs);
	assert_true(sample(o, "warden_audit_fsync_errors_total") == 0);
}

/*
 * Every family an operator graphs is there; counts move by exactly the
 * traffic sent (5 writes out of range, 3 within, 4 reads; then, in
 * TAKEOVER, one write isolated); state and takeovers follow wardenctl;
 * other paths are 404.
 */
static void
test_metrics_agree_with_traffic(void **state)
{
	struct ops *o = *state;
	double before[S_COUNT], after[S_COUNT];
	uint16_t mport = harness_free_port();
	char body[WORLD_YAML_MAX];
	struct ctl_status st;
	double fsyncs;

	snprintf(body, sizeof(body), "metrics_listen: 127.0.0.1:%u\n%s", mport,
	    OPS_BODY);
	ops_start(o, body);
	assert_int_equal(harness_wait_port(o->w->warden, mport, OPS_TIMEOUT),
	    0);
	ops_connect_ai(o);

	samples_take(o, mport, before);
	expect_families(o);
	assert_true(sample(o, "warden_state{state=\"auto\"}") == 1);
	assert_true(sample(o, "warden_state{state=\"takeover\"}") == 0);
	assert_true(sample(o, "warden_mode{mode=\"enforce\"}") == 1);
	assert_true(sample(o, "warden_mode{mode=\"monitor\"}") == 0);
	assert_true(sample(o, "warden_device_up{device=\"tank1\"}") == 1);
	assert_true(sample(o, "warden_takeovers_total{cause=\"operator\"}") ==
	    0);

	fsyncs = sample(o, "warden_audit_fsync_seconds_count");
	send_traffic(o, 5, 3, 4);
	samples_take(o, mport, after);
	expect_delta(before, after, S_REJECTED, 5);
	expect_delta(before, after, S_ALLOWED, 3);
	expect_delta(before, after, S_READS, 4);
	expect_delta(before, after, S_EXC_03, 5);
	expect_delta(before, after, S_LATENCY_COUNT, 3 + 4);
	expect_delta(before, after, S_AUDIT, 5 + 3);
	assert_true(sample(o, "warden_request_duration_seconds_bucket"
	    "{le=\"+Inf\"}") == after[S_LATENCY_COUNT]);
	assert_true(after[S_AUDIT] <= count_lines(o->w->audit));
	expect_flushed(o, mport, fsyncs);

	ctl_run(o->w, &o->res, "takeover", "-r", "metrics", (char *)NULL);
	expect_exit(o, 0, "wardenctl takeover");
	if (ctl_wait(o->w, "takeover", "operator", 1, OPS_TIMEOUT, &st,
	    o->why, sizeof(o->why)) != 0)
		fail_msg("%s", o->why);
	assert_int_equal(modbus_write_register(o->ai, OPS_VALVE, 100), -1);
	assert_int_equal(world_exception(), MODBUS_EXCEPTION_GATEWAY_PATH);
	memcpy(before, after, sizeof(before));
	samples_take(o, mport, after);
	expect_delta(before, after, S_ISOLATED, 1);
	expect_delta(before, after, S_EXC_0A, 1);
	assert_true(sample(o, "warden_state{state=\"takeover\"}") == 1);
	assert_true(sample(o, "warden_state{state=\"auto\"}") == 0);
	assert_true(sample(o, "warden_takeovers_total{cause=\"operator\"}") ==
	    1);
	assert_true(sample(o, "warden_safe_state_pending") == 0);

	assert_int_equal(scrape_get(mport, "/other", &o->scrape), 0);
	assert_int_equal(o->scrape.status, 404);
	assert_int_equal(scrape_get(mport, "/metricsx", &o->scrape), 0);
	assert_int_equal(o->scrape.status, 404);
	assert_int_equal(scrape_get(mport, "/metrics?name[]=x", &o->scrape),
	    0);
	assert_int_equal(o->scrape.status, 200);
}

/* ---- systemd notify ---- */

/* wardend started with NOTIFY_SOCKET (and the watchdog variables) in its
 * environment, and only there. watchdog_pid NULL: unset. */
static int
start_notified(struct ops *o, const char *watchdog_pid)
{
	char sink[WORLD_PATH_MAX + 16];
	int fd, rc;

	snprintf(sink, sizeof(sink), "%s/notify.sock", o->w->dir);
	fd = notify_sink_open(sink);
	assert_true(fd >= 0);
	assert_int_equal(world_config(o->w, OPS_BODY), 0);
	setenv("NOTIFY_SOCKET", sink, 1);
	setenv("WATCHDOG_USEC", OPS_WATCHDOG_USEC, 1);
	if (watchdog_pid != NULL)
		setenv("WATCHDOG_PID", watchdog_pid, 1);
	else
		unsetenv("WATCHDOG_PID");
	rc = world_launch(o->w, NULL);
	unsetenv("NOTIFY_SOCKET");
	unsetenv("WATCHDOG_USEC");
	unsetenv("WATCHDOG_PID");
	assert_int_equal(rc, 0);
	return fd;
}

/* Wait for READY=1; at that instant the AI port must accept already. */
static void
expect_ready(struct ops *o, int fd, char *msg, size_t cap)
{
	double deadline = harness_now() + OPS_START_TIMEOUT;
	int n, ai;

	for (;;) {
		n = notify_sink_recv(fd, msg, cap, deadline - harness_now());
		if (n <= 0) {
			o->w->failed = 1;
			fail_msg("no READY=1 within %.0f s", OPS_START_TIMEOUT);
		}
		if (notify_sink_has(msg, "READY=1"))
			break;
	}
	ai = wire_connect(o->w->port);
	if (ai < 0)
		fail_msg("READY=1 came before the AI port accepted");
	close(ai);
	expect_text(msg, "STATUS=", "the READY message");
}

/* SIGTERM: STOPPING=1 arrives, then wardend exits 0. */
static void
expect_stopping(struct ops *o, int fd)
{
	double deadline = harness_now() + OPS_TIMEOUT;
	char msg[512];
	int status = -1, n;

	assert_int_equal(kill(o->w->warden, SIGTERM), 0);
	do {
		n = notify_sink_recv(fd, msg, sizeof(msg),
		    deadline - harness_now());
		if (n <= 0)
			fail_msg("no STOPPING=1 after SIGTERM");
	} while (!notify_sink_has(msg, "STOPPING=1"));
	while (waitpid(o->w->warden, &status, 0) == -1 && errno == EINTR)
		;
	o->w->warden = -1;
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/*
 * READY=1 once the AI port accepts; WATCHDOG=1 from then on, never a
 * period (WATCHDOG_USEC) apart; STOPPING=1 on SIGTERM and exit 0.
 */
static void
test_systemd_notify_and_watchdog(void **state)
{
	struct ops *o = *state;
	double last, now, gap = 0, until;
	char msg[512];
	int fd, feeds = 0;

	fd = start_notified(o, NULL);
	expect_ready(o, fd, msg, sizeof(msg));
	last = harness_now();
	feeds += notify_sink_has(msg, "WATCHDOG=1");
	for (until = last + 1.5; harness_now() < until;) {
		if (notify_sink_recv(fd, msg, sizeof(msg), until -
		    harness_now()) <= 0)
			continue;
		assert_false(notify_sink_has(msg, "READY=1"));
		if (!notify_sink_has(msg, "WATCHDOG=1"))
			continue;
		now = harness_now();
		if (now - last > gap)
			gap = now - last;
		last = now;
		feeds++;
	}
	if (feeds < 4 || gap >= OPS_WATCHDOG_PERIOD)
		fail_msg("%d WATCHDOG=1 in 1.5 s, longest gap %.3f s; a "
		    "period of %s us wants one at least every %.1f s", feeds,
		    gap, OPS_WATCHDOG_USEC, OPS_WATCHDOG_PERIOD);
	expect_stopping(o, fd);
	close(fd);
}

/* WATCHDOG_PID naming another process: the watchdog is not ours to
 * feed (sd_watchdog_enabled(3)); READY=1 and STOPPING=1 still come. */
static void
test_systemd_watchdog_of_another_pid(void **state)
{
	struct ops *o = *state;
	char msg[512];
	int fd;

	fd = start_notified(o, "1");
	expect_ready(o, fd, msg, sizeof(msg));
	assert_false(notify_sink_has(msg, "WATCHDOG=1"));
	while (notify_sink_recv(fd, msg, sizeof(msg), 2 * OPS_WATCHDOG_PERIOD)
	    > 0)
		assert_false(notify_sink_has(msg, "WATCHDOG=1"));
	expect_stopping(o, fd);
	close(fd);
}

/* ---- privileges ---- */

/* The ids line ("Uid:", "Gid:") of /proc/PID/status, into line. */
static void
proc_status_line(pid_t pid, const char *key, char *line, size_t cap)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	assert_non_null(f);
	line[0] = '\0';
	while (fgets(line, (int)cap, f) != NULL)
		if (strncmp(line, key, strlen(key)) == 0)
			break;
	fclose(f);
	if (strncmp(line, key, strlen(key)) != 0)
		fail_msg("no %s line in %s", key, path);
}

static void
expect_mode(const char *path, mode_t mode, uid_t owner)
{
	struct stat sb;

	if (stat(path, &sb) != 0)
		fail_msg("%s: %s", path, strerror(errno));
	if ((sb.st_mode & 07777) != mode || sb.st_uid != owner)
		fail_msg("%s: mode %04o owner %u; wanted %04o owner %u", path,
		    (unsigned)(sb.st_mode & 07777), (unsigned)sb.st_uid,
		    (unsigned)mode, (unsigned)owner);
}

static void
expect_ids(pid_t pid, uid_t uid, gid_t gid)
{
	char line[256], want[128];
	unsigned long long caps;

	proc_status_line(pid, "Uid:", line, sizeof(line));
	snprintf(want, sizeof(want), "Uid:\t%u\t%u\t%u\t%u\n", (unsigned)uid,
	    (unsigned)uid, (unsigned)uid, (unsigned)uid);
	assert_string_equal(line, want);
	proc_status_line(pid, "Gid:", line, sizeof(line));
	snprintf(want, sizeof(want), "Gid:\t%u\t%u\t%u\t%u\n", (unsigned)gid,
	    (unsigned)gid, (unsigned)gid, (unsigned)gid);
	assert_string_equal(line, want);
	proc_status_line(pid, "Groups:", line, sizeof(line));
	if (strstr(line, "\t0 ") != NULL || strstr(line, " 0 ") != NULL)
		fail_msg("still in group root: %s", line);
	/* At most CAP_NET_BIND_SERVICE (bit 10), to listen on 502 again. */
	proc_status_line(pid, "CapEff:", line, sizeof(line));
	caps = strtoull(line + strlen("CapEff:"), NULL, 16);
	assert_true((caps & ~(1ULL << 10)) == 0);
	proc_status_line(pid, "CapPrm:", line, sizeof(line));
	caps = strtoull(line + strlen("CapPrm:"), NULL, 16);
	assert_true((caps & ~(1ULL << 10)) == 0);
}

/*
 * As root, wardend -u nobody: runs as nobody (every uid and gid, no
 * capability beyond binding ports), its state and audit files 0640, and
 * it still does its work after the switch: a takeover is audited and
 * persisted by nobody, and the stop removes the control socket.
 */
static void
test_drops_to_user(void **state)
{
	struct ops *o = *state;
	const struct passwd *pw = getpwnam("nobody");
	char run[WORLD_PATH_MAX / 2], statefile[WORLD_PATH_MAX];
	struct ctl_status st;
	struct stat sb;
	uid_t uid;
	gid_t gid;

	if (geteuid() != 0 || pw == NULL) {
		fprintf(stderr, "skipped: needs root and user nobody\n");
		skip();
	}
	uid = pw->pw_uid;
	gid = pw->pw_gid;
	/* Files go in a dir nobody owns, reached through the private dir. */
	assert_int_equal(chmod(o->w->dir, 0711), 0);
	snprintf(run, sizeof(run), "%s/run", o->w->dir);
	assert_int_equal(mkdir(run, 0750), 0);
	assert_int_equal(chown(run, uid, gid), 0);
	snprintf(statefile, sizeof(statefile), "%s/state", run);
	snprintf(o->w->audit, sizeof(o->w->audit), "%s/audit.jsonl", run);
	snprintf(o->w->socket, sizeof(o->w->socket), "%s/control.sock",
	    run);
	snprintf(o->w->state_dir, sizeof(o->w->state_dir), "%s", run);
	assert_int_equal(world_config(o->w, OPS_BODY), 0);
	assert_int_equal(world_launch(o->w, "nobody"), 0);
	assert_int_equal(world_wait(o->w, 1, OPS_START_TIMEOUT), 0);
	/* The kernel accepts on the sockets from the moment they listen;
	 * an answer comes from the loop, which runs after the switch. */
	if (ctl_status(o->w, &st, o->why, sizeof(o->why)) != 0)
		fail_msg("%s", o->why);

	expect_ids(o->w->warden, uid, gid);
	expect_mode(o->w->audit, 0640, 0);    /* opened before the switch */
	expect_mode(statefile, 0640, 0);

	ctl_run(o->w, &o->res, "takeover", "-r", "as nobody", (char *)NULL);
	expect_exit(o, 0, "wardenctl takeover");
	if (ctl_wait(o->w, "takeover", "operator", 1, OPS_TIMEOUT, &st,
	    o->why, sizeof(o->why)) != 0)
		fail_msg("%s", o->why);
	assert_true(audit_query_find(o->w->audit, 0, "takeover", "reason",
	    "as nobody") > 0);
	expect_mode(statefile, 0640, uid);      /* rewritten after it */
	assert_int_equal(world_stop(o->w), 0);
	assert_int_equal(stat(o->w->socket, &sb), -1);
	assert_true(audit_query_find(o->w->audit, 0, "stop", NULL, NULL) > 0);
}

/* wardend -t on the config as it is; the exit status and what it said. */
static void
check_config(struct ops *o, int want, const char *says)
{
	ctl_run_program(&o->res, "wardend", "-t", "-c", o->w->config,
	    (char *)NULL);
	expect_exit(o, want, "wardend -t");
	if (says != NULL)
		expect_text(o->res.err, says, "wardend -t");
}

/*
 * A config file others could change is refused, with the command that
 * fixes it: writable by all (any user can test that), then, as root,
 * writable by a group other than root's and owned by another user.
 */
static void
test_config_permissions(void **state)
{
	struct ops *o = *state;
	const char *cfg = o->w->config;
	const struct group *staff;
	const struct passwd *pw;

	assert_int_equal(world_config(o->w, OPS_BODY), 0);
	assert_int_equal(chmod(cfg, 0644), 0);
	check_config(o, 0, NULL);
	expect_text(o->res.out, "configuration OK", "wardend -t");

	assert_int_equal(chmod(cfg, 0666), 0);
	check_config(o, 1, "chmod o-w");
	expect_text(o->res.err, cfg, "wardend -t");
	ctl_run_program(&o->res, "wardend", "-f", "-c", cfg, (char *)NULL);
	expect_exit(o, 1, "wardend -f with a world-writable config");
	assert_int_equal(chmod(cfg, 0644), 0);

	if (geteuid() != 0 || (staff = getgrnam("staff")) == NULL) {
		fprintf(stderr, "skipped the owner checks: they need root and "
		    "group staff\n");
		return;
	}
	assert_int_equal(chown(cfg, 0, staff->gr_gid), 0);
	assert_int_equal(chmod(cfg, 0664), 0);
	check_config(o, 1, "chmod g-w");
	assert_int_equal(chmod(cfg, 0644), 0);
	check_config(o, 0, NULL);
	if ((pw = getpwnam("nobody")) == NULL)
		return;
	assert_int_equal(chown(cfg, pw->pw_uid, 0), 0);
	check_config(o, 1, "chown root");
	assert_int_equal(chown(cfg, 0, 0), 0);
}

/* ---- the -f log ---- */

/* Every line "2026-01-02T03:04:05.678Z wardend: message", in time
 * order; the whole log into text for the caller's own checks. The
 * first line that is not so goes into why; 0 when there is none. */
static int
check_log_lines(const char *path, char *text, size_t cap, char *why,
    size_t whylen)
{
	regex_t re;
	char line[2048], last[32] = "";
	size_t used = 0;
	int n = 0, bad = 0;
	FILE *f = fopen(path, "r");

	if (f == NULL || regcomp(&re, "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:"
	    "[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z wardend: [^ ].*$",
	    REG_EXTENDED | REG_NOSUB) != 0) {
		snprintf(why, whylen, "cannot read %s", path);
		if (f != NULL)
			fclose(f);
		return -1;
	}
	text[0] = '\0';
	while (!bad && fgets(line, sizeof(line), f) != NULL) {
		n++;
		line[strcspn(line, "\n")] = '\0';
		if (regexec(&re, line, 0, NULL, 0) != 0)
			bad = snprintf(why, whylen, "%s line %d is not "
			    "\"TIME wardend: message\": %s", path, n, line);
		else if (strncmp(line, last, 24) < 0)
			bad = snprintf(why, whylen, "%s line %d goes back in "
			    "time", path, n);
		snprintf(last, sizeof(last), "%.24s", line);
		if (used < cap)
			used += (size_t)snprintf(text + used, cap - used,
			    "%s\n", line);
	}
	fclose(f);
	regfree(&re);
	if (!bad && n == 0)
		bad = snprintf(why, whylen, "%s is empty", path);
	return bad ? -1 : 0;
}

/*
 * wardend -f logs to stderr, one line per event, each stamped: a run
 * with a client, a takeover and release, a good and a bad reload and a
 * stop, whose every line has the format, the bad config included.
 */
static void
test_foreground_log_lines(void **state)
{
	struct ops *o = *state;
	static const char *const events[] = { "started with", "TAKEOVER",
		"RELEASE", "loaded", "the running configuration stays",
		"signal 15: stopping", "stopped" };
	size_t i;

	ops_start(o, OPS_BODY);
	ops_connect_ai(o);
	ctl_run(o->w, &o->res, "takeover", "-r", "log check", (char *)NULL);
	expect_exit(o, 0, "wardenctl takeover");
	ctl_run(o->w, &o->res, "release", "-r", "log check done",
	    (char *)NULL);
	expect_exit(o, 0, "wardenctl release");
	ctl_run(o->w, &o->res, "reload", (char *)NULL);
	expect_exit(o, 0, "wardenctl reload");
	assert_int_equal(harness_write_file(o->w->config, "listen: [\n"), 0);
	ctl_run(o->w, &o->res, "reload", (char *)NULL);
	expect_exit(o, 1, "wardenctl reload of a broken file");
	assert_int_equal(world_stop(o->w), 0);

	if (check_log_lines(o->w->log, o->log, sizeof(o->log), o->why,
	    sizeof(o->why)) != 0)
		fail_msg("%s", o->why);
	for (i = 0; i < sizeof(events) / sizeof(events[0]); i++)
		expect_text(o->log, events[i], "the log");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_metrics_agree_with_traffic,
		    ops_setup, ops_teardown),
		cmocka_unit_test_setup_teardown(
		    test_systemd_notify_and_watchdog, ops_setup, ops_teardown),
		cmocka_unit_test_setup_teardown(
		    test_systemd_watchdog_of_another_pid, ops_setup,
		    ops_teardown),
		cmocka_unit_test_setup_teardown(test_drops_to_user, ops_setup,
		    ops_teardown),
		cmocka_unit_test_setup_teardown(test_config_permissions,
		    ops_setup, ops_teardown),
		cmocka_unit_test_setup_teardown(test_foreground_log_lines,
		    ops_setup, ops_teardown),
	};

	/* WARDEN_TEST_FILTER=test_systemd* runs the matching tests only. */
	if (getenv("WARDEN_TEST_FILTER") != NULL)
		cmocka_set_test_filter(getenv("WARDEN_TEST_FILTER"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
