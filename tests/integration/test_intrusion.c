/*
 * test_intrusion.c: intrusion detection (warden.yaml(5) intrusion:,
 * wardend(8) AUDIT LOG). One case per kind: the traffic that raises it
 * (raw frames where the bytes matter, a fake device for the answers
 * nobody asked for), its `intrusion` record with the fields the manual
 * names, and warden_intrusion_total{kind}. Then the rate limit (one
 * record at once, the rest of the window counted in the next),
 * on_intrusion: takeover (cause intrusion, after the intrusion's record)
 * and its would_takeover in monitor mode, the defaults quiet on ordinary
 * traffic, aisim's probe scenario raising address_scan and
 * unknown_function, and its flood scenario flood and write_burst.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <modbus.h>

#include "audit_query.h"
#include "ctl.h"
#include "harness.h"
#include "scrape.h"
#include "wire.h"
#include "world.h"

#define UNIT 1
#define CLIENT_TIMEOUT 2.0
#define RECORD_TIMEOUT 5.0
#define RECORD_LINE_MAX 4096
#define WHY_MAX 8192
/* The limits below, small so that a case raises its kind in a blink. */
#define WINDOW 2.0
#define SCAN 8
#define FLOOD 100
#define BURST 5
#define STORM 10
#define UNDECLARED 500
#define VALVE 0

#define LIMITS \
	"intrusion:\n" \
	"  window: 2s\n" \
	"  scan: {addresses: 8}\n" \
	"  flood: {per_second: 100}\n" \
	"  write_burst: {writes: 5}\n" \
	"  exception_storm: {exceptions: 10}\n"

#define POINTS \
	"points:\n" \
	"  - {name: valve, device: tank1, table: holding, address: 0,\n" \
	"     scale: 0.1, write: {min: 0, max: 100}}\n" \
	"  - {name: level, device: tank1, table: input, address: 0,\n" \
	"     scale: 0.01}\n"

struct iw {
	struct world *w;
	uint16_t metrics;
	struct fake_device *fake;
};

static int
iw_done(void **state, struct iw *t, int rc)
{
	*state = t;
	if (rc == 0)
		return 0;
	if (t != NULL) {
		if (t->w != NULL) {
			t->w->failed = 1;
			world_free(t->w);
		}
		free(t);
	}
	*state = NULL;
	return -1;
}

/* The tank, wardend in front with points, the metrics page, then what
 * the case adds to the config (mode, intrusion:). */
static int
tank_world(void **state, const char *extra)
{
	struct iw *t = calloc(1, sizeof(*t));
	char body[WORLD_YAML_MAX];

	if (t == NULL || (t->w = world_new_tank(NULL, NULL)) == NULL ||
	    (t->metrics = harness_free_port()) == 0)
		return iw_done(state, t, -1);
	snprintf(body, sizeof(body), "initial_state: auto\n"
	    "metrics_listen: 127.0.0.1:%u\n" POINTS "%s", t->metrics, extra);
	return iw_done(state, t, world_start(t->w, body));
}

static int
setup_limits(void **state)
{
	return tank_world(state, LIMITS);
}

static int
setup_defaults(void **state)
{
	return tank_world(state, "");
}

static int
setup_takeover(void **state)
{
	return tank_world(state, LIMITS "  on_intrusion: {address_scan: "
	    "takeover}\n");
}

static int
setup_monitor(void **state)
{
	return tank_world(state, "mode: monitor\n" LIMITS
	    "  on_intrusion: {invalid_unit: takeover}\n");
}

/* A fake device that answers with a fault, nothing else. */
static int
fake_world(void **state, enum fake_fault fault)
{
	struct iw *t = calloc(1, sizeof(*t));
	char body[256];

	if (t == NULL || (t->w = world_new(NULL)) == NULL ||
	    (t->fake = world_fake(t->w, fault)) == NULL ||
	    (t->metrics = harness_free_port()) == 0)
		return iw_done(state, t, -1);
	snprintf(body, sizeof(body), "initial_state: auto\n"
	    "metrics_listen: 127.0.0.1:%u\n", t->metrics);
	world_device(t->w, "fake", t->fake->port, UNIT, "timeout: 1s");
	return iw_done(state, t, world_start(t->w, body));
}

static int
setup_stray(void **state)
{
	return fake_world(state, FAKE_STRAY);
}

static int
setup_unsolicited(void **state)
{
	return fake_world(state, FAKE_UNSOLICITED);
}

static int
teardown(void **state)
{
	struct iw *t = *state;
	int rc;

	if (t == NULL)
		return 0;
	rc = world_free(t->w);
	free(t);
	return rc;
}

/* The line number of the first intrusion record of kind after line
 * `after`, its line into line; fails the test after RECORD_TIMEOUT. */
static int
wait_intrusion(const struct iw *t, const char *kind, int after, char *line)
{
	double t0 = harness_now();
	int n;

	while ((n = audit_query_line(t->w->audit, after, "intrusion", "kind",
	    kind, line, RECORD_LINE_MAX)) == 0 && harness_now() - t0 < RECORD_TIMEOUT)
		usleep(20000);
	if (n <= 0)
		fail_msg("no intrusion record of kind %s after line %d", kind,
		    after);
	return n;
}

/* How many intrusion records of kind there are. */
static int
count_intrusions(const struct iw *t, const char *kind)
{
	int n = 0, at = 0;

	while ((at = audit_query_find(t->w->audit, at, "intrusion", "kind",
	    kind)) > 0)
		n++;
	assert_true(at == 0);
	return n;
}

static void
assert_field(const char *line, const char *field)
{
	if (strstr(line, field) == NULL)
		fail_msg("%s not in %s", field, line);
}

/* warden_intrusion_total{kind="kind"} now. */
static double
metric(const struct iw *t, const char *kind)
{
	struct scrape_answer *a = malloc(sizeof(*a));
	char series[128];
	double v = -1;

	assert_non_null(a);
	snprintf(series, sizeof(series), "warden_intrusion_total{kind=\"%s\"}",
	    kind);
	assert_int_equal(scrape_get(t->metrics, "/metrics", a), 0);
	a->body[a->body_len < SCRAPE_BODY_MAX ? a->body_len :
	    SCRAPE_BODY_MAX - 1] = '\0';
	assert_int_equal(scrape_value(a->body, series, &v), 0);
	free(a);
	return v;
}

static modbus_t *
client(const struct iw *t)
{
	modbus_t *ctx = world_client(t->w, UNIT, CLIENT_TIMEOUT);
	uint16_t v;

	assert_non_null(ctx);
	assert_int_equal(world_wait_path(ctx, VALVE, 5.0), 0);
	assert_int_equal(modbus_read_registers(ctx, VALVE, 1, &v), 1);
	return ctx;
}

/* A raw connection whose first bytes are hdr; closed by wardend. */
static void
send_bad_header(const struct iw *t, const uint8_t *hdr, size_t len)
{
	int fd = wire_connect(t->w->port);

	assert_true(fd >= 0);
	assert_int_equal(wire_send(fd, hdr, len), 0);
	assert_int_equal(wire_wait_closed(fd, 3.0), 1);
	close(fd);
}

/* MBAP protocol id 1, and a length field of 0: each connection closed,
 * each on the record before. */
static void
test_invalid_protocol_and_length(void **state)
{
	struct iw *t = *state;
	static const uint8_t protocol[] = { 0, 1, 0, 1, 0, 6, 1, 3, 0, 0, 0,
		1 };
	static const uint8_t length[] = { 0, 2, 0, 0, 0, 0, 1, 3 };
	char line[RECORD_LINE_MAX];

	send_bad_header(t, protocol, sizeof(protocol));
	wait_intrusion(t, "invalid_protocol", 0, line);
	assert_field(line, "\"client\":\"127.0.0.1\"");
	assert_field(line, "\"count\":1");
	assert_field(line, "\"on_intrusion\":\"audit\"");
	send_bad_header(t, length, sizeof(length));
	wait_intrusion(t, "invalid_length", 0, line);
	assert_true(metric(t, "invalid_protocol") == 1);
	assert_true(metric(t, "invalid_length") == 1);
}

/* A unit no device serves: 0x0B, and the record names the unit. */
static void
test_invalid_unit(void **state)
{
	struct iw *t = *state;
	modbus_t *ctx = world_client(t->w, 77, CLIENT_TIMEOUT);
	char line[RECORD_LINE_MAX];
	uint16_t v;

	assert_non_null(ctx);
	assert_int_equal(modbus_read_registers(ctx, VALVE, 1, &v), -1);
	assert_int_equal(world_exception(), MODBUS_EXCEPTION_GATEWAY_TARGET);
	world_client_free(ctx);
	wait_intrusion(t, "invalid_unit", 0, line);
	assert_field(line, "\"unit\":77");
	assert_true(metric(t, "invalid_unit") == 1);
}

/* fc 8 is defined (refused, as not allowed: no intrusion); fc 48 is
 * defined nowhere: unknown_function, naming it. */
static void
test_unknown_function(void **state)
{
	struct iw *t = *state;
	modbus_t *ctx = client(t);
	uint8_t diag[] = { UNIT, 0x08, 0x00, 0x00, 0xA5, 0x37 };
	uint8_t none[] = { UNIT, 0x30, 0x00, 0x00 };
	uint8_t rsp[MODBUS_TCP_MAX_ADU_LENGTH];
	char line[RECORD_LINE_MAX];

	assert_true(modbus_send_raw_request(ctx, diag, sizeof(diag)) > 0);
	assert_int_equal(modbus_receive_confirmation(ctx, rsp), 9);
	assert_int_equal(rsp[7], 0x88);
	assert_true(modbus_send_raw_request(ctx, none, sizeof(none)) > 0);
	assert_int_equal(modbus_receive_confirmation(ctx, rsp), 9);
	assert_int_equal(rsp[7], 0xB0);
	world_client_free(ctx);
	wait_intrusion(t, "unknown_function", 0, line);
	assert_field(line, "\"fc\":48");
	assert_int_equal(count_intrusions(t, "unknown_function"), 1);
	assert_true(metric(t, "unknown_function") == 1);
}

/* STORM refused writes pass; the next is a storm. */
static void
test_exception_storm(void **state)
{
	struct iw *t = *state;
	modbus_t *ctx = client(t);
	char line[RECORD_LINE_MAX];
	int i;

	for (i = 0; i < STORM; i++)
		assert_int_equal(modbus_write_register(ctx, UNDECLARED, 1),
		    -1);
	assert_int_equal(count_intrusions(t, "exception_storm"), 0);
	assert_int_equal(modbus_write_register(ctx, UNDECLARED, 1), -1);
	world_client_free(ctx);
	wait_intrusion(t, "exception_storm", 0, line);
	assert_field(line, "\"client\":\"127.0.0.1\"");
	assert_true(metric(t, "exception_storm") == 1);
}

/* Mapped addresses read over and over are nothing; SCAN distinct
 * unmapped ones neither; one more is a scan. */
static void
test_address_scan(void **state)
{
	struct iw *t = *state;
	modbus_t *ctx = client(t);
	char line[RECORD_LINE_MAX];
	uint16_t v;
	int i;

	for (i = 0; i < 50; i++)
		assert_int_equal(modbus_read_registers(ctx, VALVE, 1, &v), 1);
	for (i = 0; i < SCAN; i++)
		assert_int_equal(modbus_read_registers(ctx, 100 + i, 1, &v),
		    1);
	for (i = 0; i < SCAN; i++)      /* the same ones again */
		assert_int_equal(modbus_read_registers(ctx, 100 + i, 1, &v),
		    1);
	assert_int_equal(count_intrusions(t, "address_scan"), 0);
	assert_int_equal(modbus_read_registers(ctx, 100 + SCAN, 1, &v), 1);
	world_client_free(ctx);
	wait_intrusion(t, "address_scan", 0, line);
	assert_true(metric(t, "address_scan") == 1);
}

/* 3 x FLOOD requests in one write: beyond FLOOD a second, a flood; one
 * record for all of it (the window is not over). */
static void
test_flood(void **state)
{
	struct iw *t = *state;
	static uint8_t burst[3 * FLOOD * 12];
	uint8_t ans[WIRE_MAX_ADU];
	char line[RECORD_LINE_MAX];
	size_t off = 0;
	int fd, i;
	modbus_t *ctx = client(t);

	world_client_free(ctx);
	assert_true((fd = wire_connect(t->w->port)) >= 0);
	for (i = 0; i < 3 * FLOOD; i++)
		off += wire_read_request(burst + off, (uint16_t)i, UNIT, 3,
		    VALVE, 1);
	assert_int_equal(wire_send(fd, burst, off), 0);
	for (i = 0; i < 3 * FLOOD; i++)
		assert_true(wire_recv_adu(fd, ans, sizeof(ans), 5.0) > 0);
	close(fd);
	wait_intrusion(t, "flood", 0, line);
	assert_field(line, "\"count\":1");
	assert_int_equal(count_intrusions(t, "flood"), 1);
	printf("intrusion: flood occurrences %.0f\n", metric(t, "flood"));
	assert_true(metric(t, "flood") >= 1);
}

/* BURST writes to one point pass; the next is a burst on it. */
static void
test_write_burst(void **state)
{
	struct iw *t = *state;
	modbus_t *ctx = client(t);
	char line[RECORD_LINE_MAX];
	int i;

	for (i = 0; i < BURST; i++)
		assert_int_equal(modbus_write_register(ctx, VALVE,
		    (uint16_t)(100 + 10 * i)), 1);
	assert_int_equal(count_intrusions(t, "write_burst"), 0);
	assert_int_equal(modbus_write_register(ctx, VALVE, 200), 1);
	world_client_free(ctx);
	wait_intrusion(t, "write_burst", 0, line);
	assert_field(line, "\"point\":\"valve\"");
	assert_true(metric(t, "write_burst") == 1);
}

/* A raw read of the fake device's address through wardend; the answer
 * is the address (fake_device.h). */
static void
fake_reads(const struct iw *t, int n)
{
	uint8_t req[WIRE_MAX_ADU], ans[WIRE_MAX_ADU];
	int fd = wire_connect(t->w->port), i, len;
	double t0 = harness_now();

	assert_true(fd >= 0);
	/* An even address until the device is up (0x0A before). */
	do {
		assert_int_equal(wire_send(fd, req, wire_read_request(req, 1,
		    UNIT, 3, 600, 1)), 0);
		len = wire_recv_adu(fd, ans, sizeof(ans), 2.0);
		assert_true(len > 0);
		if (wire_fc(ans) & 0x80)
			usleep(20000);
	} while ((wire_fc(ans) & 0x80) && harness_now() - t0 < 5.0);
	assert_int_equal(wire_fc(ans), 3);
	for (i = 0; i < n; i++) {
		assert_int_equal(wire_send(fd, req, wire_read_request(req,
		    (uint16_t)(10 + i), UNIT, 3, (uint16_t)(501 + 2 * i),
		    1)), 0);
		assert_true(wire_recv_adu(fd, ans, sizeof(ans), 2.0) > 0);
		assert_int_equal(wire_register(ans, 0), 501 + 2 * i);
	}
	close(fd);
}

/* The device repeats its last answer before each new one: a second
 * answer to an id already answered, while another is in flight. */
static void
test_duplicate_answer(void **state)
{
	struct iw *t = *state;
	char line[RECORD_LINE_MAX];

	fake_reads(t, 3);
	wait_intrusion(t, "duplicate_answer", 0, line);
	assert_field(line, "\"device\":\"fake\"");
	assert_int_equal(count_intrusions(t, "unsolicited_answer"), 0);
	assert_true(metric(t, "duplicate_answer") == 3);
}

/* The device answers once more after each answer, with nothing asked. */
static void
test_unsolicited_answer(void **state)
{
	struct iw *t = *state;
	char line[RECORD_LINE_MAX];

	fake_reads(t, 3);
	wait_intrusion(t, "unsolicited_answer", 0, line);
	assert_field(line, "\"device\":\"fake\"");
	assert_int_equal(count_intrusions(t, "duplicate_answer"), 0);
	assert_true(metric(t, "unsolicited_answer") == 3);
}

/* Five in a blink: one record at once (count 1), and once the window is
 * over one more counting the four held back; every one in the metric. */
static void
test_rate_limit(void **state)
{
	struct iw *t = *state;
	modbus_t *ctx = world_client(t->w, 77, CLIENT_TIMEOUT);
	char line[RECORD_LINE_MAX];
	uint16_t v;
	int i, first;

	assert_non_null(ctx);
	for (i = 0; i < 5; i++)
		assert_int_equal(modbus_read_registers(ctx, VALVE, 1, &v), -1);
	world_client_free(ctx);
	first = wait_intrusion(t, "invalid_unit", 0, line);
	assert_field(line, "\"count\":1");
	assert_true(metric(t, "invalid_unit") == 5);
	assert_int_equal(count_intrusions(t, "invalid_unit"), 1);
	wait_intrusion(t, "invalid_unit", first, line);
	assert_field(line, "\"count\":4");
	assert_int_equal(count_intrusions(t, "invalid_unit"), 2);
}

static void
invalid_unit_reads(const struct iw *t, int n)
{
	modbus_t *ctx = world_client(t->w, 77, CLIENT_TIMEOUT);
	uint16_t v;
	int i;

	assert_non_null(ctx);
	for (i = 0; i < n; i++)
		assert_int_equal(modbus_read_registers(ctx, VALVE, 1, &v), -1);
	world_client_free(ctx);
}

/* A reload: what the window held back is written (without waiting for
 * the window), the counts start afresh, the metric goes on. */
static void
test_reload(void **state)
{
	struct iw *t = *state;
	struct ctl_result *res = malloc(sizeof(*res));
	char line[RECORD_LINE_MAX];
	int first, second;

	assert_non_null(res);
	invalid_unit_reads(t, 3);
	first = wait_intrusion(t, "invalid_unit", 0, line);
	assert_int_equal(world_rewrite_config(t->w), 0);
	if (ctl_run(t->w, res, "reload", (char *)NULL) != 0)
		fail_msg("wardenctl reload exited %d: %s%s", res->status,
		    res->out, res->err);
	free(res);
	second = wait_intrusion(t, "invalid_unit", first, line);
	assert_field(line, "\"count\":2");
	invalid_unit_reads(t, 1);
	wait_intrusion(t, "invalid_unit", second, line);
	assert_field(line, "\"count\":1");
	assert_true(metric(t, "invalid_unit") == 4);
}

/* on_intrusion: takeover: the scan's record, then the takeover with
 * cause intrusion naming it. */
static void
test_takeover(void **state)
{
	struct iw *t = *state;
	modbus_t *ctx = client(t);
	struct ctl_status st;
	char line[RECORD_LINE_MAX], why[WHY_MAX];
	uint16_t v;
	int i, rec, tk;

	for (i = 0; i <= SCAN; i++)
		modbus_read_registers(ctx, 100 + i, 1, &v);
	if (ctl_wait(t->w, "takeover", "intrusion", 0, 5.0, &st, why,
	    sizeof(why)) != 0)
		fail_msg("%s", why);
	assert_non_null(strstr(st.reason,
	    "intrusion: address_scan from 127.0.0.1"));
	rec = wait_intrusion(t, "address_scan", 0, line);
	assert_field(line, "\"on_intrusion\":\"takeover\"");
	tk = audit_query_find(t->w->audit, 0, "takeover", "cause",
	    "intrusion");
	assert_true(tk > rec);
	/* Writes are refused from then on. */
	assert_int_equal(modbus_write_register(ctx, VALVE, 100), -1);
	assert_int_equal(world_exception(), MODBUS_EXCEPTION_GATEWAY_PATH);
	world_client_free(ctx);
}

/* Monitor mode: the same is a would_takeover, and the state stays. */
static void
test_monitor_would_takeover(void **state)
{
	struct iw *t = *state;
	modbus_t *ctx = world_client(t->w, 77, CLIENT_TIMEOUT);
	struct ctl_status st;
	char line[RECORD_LINE_MAX], why[WHY_MAX];
	uint16_t v;
	int rec, would;

	assert_non_null(ctx);
	assert_int_equal(modbus_read_registers(ctx, VALVE, 1, &v), -1);
	world_client_free(ctx);
	rec = wait_intrusion(t, "invalid_unit", 0, line);
	would = audit_query_find(t->w->audit, 0, "would_takeover", "cause",
	    "intrusion");
	assert_true(would > rec);
	assert_int_equal(ctl_status(t->w, &st, why, sizeof(why)), 0);
	assert_string_equal(st.state, "auto");
}

/* The defaults, on what a controller does all day (reads of its points,
 * a write now and then, from several connections): nothing. */
static void
test_defaults_quiet(void **state)
{
	struct iw *t = *state;
	modbus_t *a = client(t), *b = client(t);
	uint16_t v;
	int i;

	for (i = 0; i < 200; i++) {
		assert_int_equal(modbus_read_registers(a, VALVE, 1, &v), 1);
		assert_int_equal(modbus_read_input_registers(b, 0, 1, &v), 1);
		if (i % 20 == 0)
			assert_int_equal(modbus_write_register(a, VALVE,
			    (uint16_t)(400 + i)), 1);
	}
	world_client_free(a);
	world_client_free(b);
	assert_int_equal(audit_query_find(t->w->audit, 0, "intrusion", NULL,
	    NULL), 0);
	assert_true(metric(t, "flood") == 0);
	assert_true(metric(t, "write_burst") == 0);
}

/* Run aisim with this scenario from its first step, for 1.5 s, every
 * 50 ms; it exits 0. */
static void
run_aisim(const struct iw *t, const char *scenario)
{
	char target[64], log[WORLD_PATH_MAX], aisim[WORLD_PATH_MAX];
	const char *bin = getenv("WARDEN_BIN");
	modbus_t *ctx = client(t);
	pid_t pid;
	int status;

	world_client_free(ctx);
	snprintf(aisim, sizeof(aisim), "%s/aisim", bin != NULL ? bin :
	    "build");
	snprintf(target, sizeof(target), "127.0.0.1:%u", t->w->port);
	snprintf(log, sizeof(log), "%s/aisim.log", t->w->dir);
	if ((pid = fork()) == 0) {
		if (freopen(log, "w", stdout) == NULL)
			_exit(127);
		execl(aisim, "aisim", "--target", target, "--scenario",
		    scenario, "--at", "0", "--period", "50", "--duration",
		    "1.5", (char *)NULL);
		_exit(127);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* aisim's probe scenario, under the defaults: a scan of 40 undeclared
 * addresses and fc 48 among its probes. */
static void
test_aisim_probe(void **state)
{
	struct iw *t = *state;
	char line[RECORD_LINE_MAX];

	run_aisim(t, "probe");
	wait_intrusion(t, "address_scan", 0, line);
	wait_intrusion(t, "unknown_function", 0, line);
	assert_field(line, "\"fc\":48");
}

/* aisim's flood scenario, with flood and write_burst set: writes of the
 * valve back to back are both. */
static void
test_aisim_flood(void **state)
{
	struct iw *t = *state;
	char line[RECORD_LINE_MAX];

	run_aisim(t, "flood");
	wait_intrusion(t, "flood", 0, line);
	wait_intrusion(t, "write_burst", 0, line);
	assert_field(line, "\"point\":\"valve\"");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_invalid_protocol_and_length, setup_limits, teardown),
		cmocka_unit_test_setup_teardown(test_invalid_unit,
		    setup_limits, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_function,
		    setup_limits, teardown),
		cmocka_unit_test_setup_teardown(test_exception_storm,
		    setup_limits, teardown),
		cmocka_unit_test_setup_teardown(test_address_scan,
		    setup_limits, teardown),
		cmocka_unit_test_setup_teardown(test_flood, setup_limits,
		    teardown),
		cmocka_unit_test_setup_teardown(test_write_burst,
		    setup_limits, teardown),
		cmocka_unit_test_setup_teardown(test_duplicate_answer,
		    setup_stray, teardown),
		cmocka_unit_test_setup_teardown(test_unsolicited_answer,
		    setup_unsolicited, teardown),
		cmocka_unit_test_setup_teardown(test_rate_limit, setup_limits,
		    teardown),
		cmocka_unit_test_setup_teardown(test_reload, setup_limits,
		    teardown),
		cmocka_unit_test_setup_teardown(test_takeover, setup_takeover,
		    teardown),
		cmocka_unit_test_setup_teardown(test_monitor_would_takeover,
		    setup_monitor, teardown),
		cmocka_unit_test_setup_teardown(test_defaults_quiet,
		    setup_defaults, teardown),
		cmocka_unit_test_setup_teardown(test_aisim_probe,
		    setup_defaults, teardown),
		cmocka_unit_test_setup_teardown(test_aisim_flood,
		    setup_limits, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
