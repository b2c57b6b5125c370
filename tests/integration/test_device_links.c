/*
 * test_device_links.c: the TCP connections to a device, as real PLCs
 * meet them. A PLC that takes a single connection gets only the AI's
 * when nothing on it is polled, and wardend's own connection comes and
 * goes with reloads that change what is polled. An answer that matches
 * no request in flight is dropped and counted, and the clients of that
 * device do not notice; a stream that cannot be framed, or an answer that
 * cannot belong to its request, still resets the connection at once.
 */
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>
#include <modbus.h>

#include "ctl.h"
#include "journal.h"
#include "scrape.h"
#include "wire.h"
#include "world.h"

#define UNIT 1
#define SCRATCH 200
#define LEVEL 0                 /* input 0: the tank's level */
#define CLIENT_TIMEOUT 2.0
#define PATH_TIMEOUT 5.0        /* until the device connection is up */
#define REFUSED "plcsim: refused a connection"
/* The fake device's timeout, and what "at once" means beside it: an
 * answer this fast was not a timeout. */
#define FAKE_TIMEOUT "1s"
#define AT_ONCE 0.5
#define ROUNDS 8
#define ODD_BASE 501
#define EVEN_BASE 600

/* A world, and the fake device and metrics port of the stray tests. */
struct links {
	struct world *w;
	struct fake_device *fake;
	uint16_t metrics;
};

static int teardown(void **state);

/* cmocka runs no teardown after a failed setup: clean up here then. */
static int
links_setup(void **state, struct links *l, int rc)
{
	*state = l;
	if (rc == 0)
		return 0;
	if (l != NULL && l->w != NULL)
		l->w->failed = 1;
	teardown(state);
	*state = NULL;
	return -1;
}

static int
plc_world(void **state, const char *plc_args)
{
	const struct world_options opt = { .n_plcs = 1,
	    .plc = { { .args = plc_args } } };
	struct links *l = calloc(1, sizeof(*l));

	if (l == NULL || (l->w = world_new(&opt)) == NULL)
		return links_setup(state, l, -1);
	world_device(l->w, "plc", l->w->plc[0].port, UNIT, "timeout: 300ms");
	return links_setup(state, l, world_start(l->w, WORLD_GATEWAY));
}

static int
setup_one_connection(void **state)
{
	return plc_world(state, "--max-connections 1");
}

static int
setup_two_connections(void **state)
{
	return plc_world(state, "--max-connections 2");
}

static int
fake_world(void **state, enum fake_fault fault)
{
	struct links *l = calloc(1, sizeof(*l));
	char body[256];

	if (l == NULL || (l->w = world_new(NULL)) == NULL ||
	    (l->fake = world_fake(l->w, fault)) == NULL ||
	    (l->metrics = harness_free_port()) == 0)
		return links_setup(state, l, -1);
	snprintf(body, sizeof(body), WORLD_GATEWAY
	    "metrics_listen: 127.0.0.1:%u\n", l->metrics);
	world_device(l->w, "fake", l->fake->port, UNIT,
	    "timeout: " FAKE_TIMEOUT);
	return links_setup(state, l, world_start(l->w, body));
}

static int
setup_stray(void **state)
{
	return fake_world(state, FAKE_STRAY);
}

static int
setup_bad_protocol(void **state)
{
	return fake_world(state, FAKE_BAD_PROTOCOL);
}

static int
setup_wrong_unit(void **state)
{
	return fake_world(state, FAKE_WRONG_UNIT);
}

static int
teardown(void **state)
{
	struct links *l = *state;
	int rc;

	if (l == NULL)
		return 0;
	rc = world_free(l->w);
	free(l);
	return rc;
}

/* Lines of a file that contain needle (0 when it does not exist). */
static int
count_matching(const char *path, const char *needle)
{
	char line[1024];
	FILE *f = fopen(path, "r");
	int n = 0;

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL)
		n += strstr(line, needle) != NULL;
	fclose(f);
	return n;
}

/* Write value to the scratch register through wardend until the device
 * connection is up (0x0A before), then read it back. */
static void
write_read(modbus_t *ctx, uint16_t value, double wait)
{
	double t0 = harness_now();
	uint16_t got = 0;
	int rc;

	while ((rc = modbus_write_register(ctx, SCRATCH, value)) != 1 &&
	    errno == EMBXGPATH && harness_now() - t0 < wait)
		usleep(20000);
	if (rc != 1)
		fail_msg("write of %u: %s", value, modbus_strerror(errno));
	if (modbus_read_registers(ctx, SCRATCH, 1, &got) != 1)
		fail_msg("read: %s", modbus_strerror(errno));
	assert_int_equal(got, value);
}

/* A client straight to the plcsim that reads; 0 when it was served. */
static int
direct_read(const struct world *w)
{
	modbus_t *ctx = world_plc_client(w, 0, UNIT);
	uint16_t value;
	int rc;

	if (ctx == NULL)
		return -1;
	rc = modbus_read_registers(ctx, SCRATCH, 1, &value) == 1 ? 0 : -1;
	modbus_close(ctx);
	modbus_free(ctx);
	return rc;
}

/*
 * A PLC that takes one connection, and a device with nothing wardend
 * polls (no points, no safe state, no life bit): wardend opens the AI's
 * connection only, so the AI is served throughout and the PLC never had
 * to refuse anyone. Then a second client of the PLC is refused, which
 * shows the PLC would have said so.
 */
static void
test_single_connection_plc(void **state)
{
	struct links *l = *state;
	struct world *w = l->w;
	modbus_t *ai = world_client(w, UNIT, CLIENT_TIMEOUT);
	double t0;
	int i;

	assert_non_null(ai);
	write_read(ai, 1000, PATH_TIMEOUT);
	/* Long enough for a second connection, and its retries, to show. */
	for (i = 1; i <= 20; i++) {
		write_read(ai, (uint16_t)(1000 + i), 0);
		usleep(25000);
	}
	if (count_matching(w->plc[0].log, REFUSED) != 0) {
		harness_dump_file(w->plc[0].log);
		fail_msg("the PLC had to refuse a connection from wardend");
	}

	assert_int_equal(direct_read(w), -1);
	t0 = harness_now();
	while (count_matching(w->plc[0].log, REFUSED) == 0 &&
	    harness_now() - t0 < CLIENT_TIMEOUT)
		usleep(10000);
	assert_int_equal(count_matching(w->plc[0].log, REFUSED), 1);
	write_read(ai, 4321, 0);
	modbus_close(ai);
	modbus_free(ai);
}

static void
reload(const struct world *w)
{
	struct ctl_result *res = malloc(sizeof(*res));

	assert_non_null(res);
	assert_int_equal(world_rewrite_config(w), 0);
	if (ctl_run(w, res, "reload", (char *)NULL) != 0)
		fail_msg("wardenctl reload exited %d: %s%s", res->status,
		    res->out, res->err);
	free(res);
}

/*
 * A PLC that takes two connections. Nothing polled: the AI's connection
 * and a direct client fit. A reload that adds a monitored point opens
 * wardend's own connection (its polls reach the PLC); one that removes it
 * closes that connection again (a direct client fits again).
 */
static void
test_reload_opens_and_closes_poll(void **state)
{
	struct links *l = *state;
	struct world *w = l->w;
	modbus_t *ai = world_client(w, UNIT, CLIENT_TIMEOUT);
	double t0;
	int from;

	assert_non_null(ai);
	write_read(ai, 11, PATH_TIMEOUT);
	assert_int_equal(direct_read(w), 0);

	from = journal_count(w->plc[0].journal);
	snprintf(w->body, sizeof(w->body), WORLD_GATEWAY "points:\n"
	    "  - {name: level, device: plc, table: input, address: %d,\n"
	    "     monitor: {high: 60000}}\n", LEVEL);
	reload(w);
	assert_true(journal_wait(w->plc[0].journal, from,
	    MODBUS_FC_READ_INPUT_REGISTERS, UNIT, LEVEL, PATH_TIMEOUT,
	    NULL) >= 0);
	write_read(ai, 12, 0);

	snprintf(w->body, sizeof(w->body), "%s", WORLD_GATEWAY);
	reload(w);
	t0 = harness_now();
	while (direct_read(w) != 0) {
		if (harness_now() - t0 > PATH_TIMEOUT)
			fail_msg("wardend's own connection still open %.1f s "
			    "after a reload left nothing to poll", PATH_TIMEOUT);
		usleep(20000);
	}
	write_read(ai, 13, 0);
	modbus_close(ai);
	modbus_free(ai);
}

/* A metric of wardend's by its exact series name. */
static double
metric(const struct links *l, const char *series)
{
	struct scrape_answer *a = malloc(sizeof(*a));
	double value = -1;

	assert_non_null(a);
	assert_int_equal(scrape_get(l->metrics, "/metrics", a), 0);
	assert_int_equal(a->status, 200);
	if (scrape_value(a->body, series, &value) != 0)
		fail_msg("no %s in the metrics", series);
	free(a);
	return value;
}

/* Send a read of one register at address on fd. */
static void
send_read(int fd, uint16_t tid, uint16_t address)
{
	uint8_t req[WIRE_MAX_ADU];

	wire_read_request(req, tid, UNIT, MODBUS_FC_READ_HOLDING_REGISTERS,
	    address, 1);
	assert_int_equal(wire_send(fd, req, 12), 0);
}

/* The answer to tid on fd: the fake's value (the address itself), or
 * an exception code as a negative number. */
static int
recv_answer(int fd, uint16_t tid)
{
	uint8_t ans[WIRE_MAX_ADU];
	int len = wire_recv_adu(fd, ans, sizeof(ans), CLIENT_TIMEOUT + 1);

	if (len <= 0)
		fail_msg("tid %u: no answer", tid);
	assert_int_equal(wire_tid(ans), tid);
	if (len == 9 && wire_fc(ans) == (0x80 | MODBUS_FC_READ_HOLDING_REGISTERS))
		return -ans[8];
	assert_int_equal(len, 11);
	return wire_register(ans, 0);
}

/* Read an even (rightly answered) address until the device is up. */
static void
wait_fake_path(int fd)
{
	double t0 = harness_now();
	int got;

	do {
		send_read(fd, 0x7000, EVEN_BASE);
		got = recv_answer(fd, 0x7000);
		if (got == -MODBUS_EXCEPTION_GATEWAY_PATH)
			usleep(20000);
	} while (got == -MODBUS_EXCEPTION_GATEWAY_PATH &&
	    harness_now() - t0 < PATH_TIMEOUT);
	assert_int_equal(got, EVEN_BASE);
}

/*
 * Before each answer to an odd address the device sends one nobody asked
 * for. Two clients, one reading odd addresses and one even, both pipelined
 * on the one device connection: every request gets its own right answer,
 * at once, with no 0x0A or 0x0B; each stray is counted and the connection
 * was never reset.
 */
static void
test_stray_answers_dropped(void **state)
{
	struct links *l = *state;
	char series[128];
	int a = wire_connect(l->w->port);
	int b = wire_connect(l->w->port);
	double t0, took;
	uint16_t odd, even;
	int r;

	assert_true(a >= 0 && b >= 0);
	wait_fake_path(b);
	for (r = 0; r < ROUNDS; r++) {
		odd = (uint16_t)(ODD_BASE + 2 * r);
		even = (uint16_t)(EVEN_BASE + 2 * r);
		t0 = harness_now();
		send_read(a, (uint16_t)(0xA000 + r), odd);
		send_read(b, (uint16_t)(0xB000 + r), even);
		assert_int_equal(recv_answer(a, (uint16_t)(0xA000 + r)), odd);
		assert_int_equal(recv_answer(b, (uint16_t)(0xB000 + r)), even);
		took = harness_now() - t0;
		if (took > AT_ONCE)
			fail_msg("round %d took %.0f ms", r, took * 1000);
	}
	close(a);
	close(b);
	printf("links: the device sent %u strays\n", l->fake->corrupted);
	assert_int_equal(l->fake->corrupted, ROUNDS);
	snprintf(series, sizeof(series),
	    "warden_device_stray_answers_total{device=\"fake\"}");
	assert_true(metric(l, series) == ROUNDS);
	assert_true(metric(l, "warden_device_resets_total") == 0);
	assert_true(count_matching(l->w->log,
	    "matches no request in flight") >= 1);
}

/*
 * Each answer to an odd address is broken so that the connection can no
 * longer be trusted: the request gets 0x0B at once (the reset, not the
 * timeout), the connection is reset, reconnects, and the next right
 * answer is delivered. Nothing counts as a stray.
 */
static void
reset_case(struct links *l)
{
	int fd = wire_connect(l->w->port);
	double t0, took;
	int r, got;

	assert_true(fd >= 0);
	for (r = 0; r < ROUNDS / 2; r++) {
		wait_fake_path(fd);
		t0 = harness_now();
		send_read(fd, (uint16_t)(0xC000 + r),
		    (uint16_t)(ODD_BASE + 2 * r));
		got = recv_answer(fd, (uint16_t)(0xC000 + r));
		took = harness_now() - t0;
		assert_int_equal(got, -MODBUS_EXCEPTION_GATEWAY_TARGET);
		if (took > AT_ONCE)
			fail_msg("0x0B after %.0f ms: a timeout, not a reset",
			    took * 1000);
	}
	close(fd);
	assert_true(metric(l, "warden_device_resets_total") >= ROUNDS / 2);
	assert_true(metric(l,
	    "warden_device_stray_answers_total{device=\"fake\"}") == 0);
}

/* Protocol id 1: the stream cannot be framed. */
static void
test_unframeable_answer_resets(void **state)
{
	reset_case(*state);
}

/* The transaction id matches, the unit id does not: the answer cannot
 * belong to its request. */
static void
test_unfitting_answer_resets(void **state)
{
	reset_case(*state);
}

/*
 * A port that accepts connections (the kernel completes them from its
 * backlog) and never answers: a device that hangs. -1 on failure.
 */
static int
mute_listen(uint16_t *port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
	    .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd == -1 || bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(fd, 8) == -1 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) == -1) {
		if (fd != -1)
			close(fd);
		return -1;
	}
	*port = ntohs(sin.sin_port);
	return fd;
}

/*
 * A reload that changes the devices closes every device connection: a
 * request in flight on one is answered then (0x0B: sent, never answered),
 * not left waiting for ever, and its client goes on.
 */
static void
test_reload_answers_requests_in_flight(void **state)
{
	struct links *l = *state;
	uint8_t req[WIRE_MAX_ADU], ans[WIRE_MAX_ADU];
	uint16_t port = 0, tid = 1;
	int mute, fd, n = -1;
	double deadline;
	size_t len;

	assert_true((mute = mute_listen(&port)) != -1);
	world_device(l->w, "mute", port, 2, "timeout: 30s");
	reload(l->w);
	assert_true((fd = wire_connect(l->w->port)) != -1);
	/* 0x0A at once until wardend's connection to it is up; then the
	 * request stays in flight. */
	deadline = harness_now() + PATH_TIMEOUT;
	while (harness_now() < deadline) {
		len = wire_read_request(req, tid++, 2, 3, 0, 1);
		assert_int_equal(wire_send(fd, req, len), 0);
		if ((n = wire_recv_adu(fd, ans, sizeof(ans), 0.3)) == -1)
			break;
		assert_true(n > 0);
		assert_int_equal(ans[8], 0x0A);
		usleep(50000);
	}
	assert_int_equal(n, -1);
	world_device(l->w, "spare", l->w->plc[0].port, 3, "timeout: 300ms");
	reload(l->w);
	n = wire_recv_adu(fd, ans, sizeof(ans), CLIENT_TIMEOUT);
	if (n <= 0)
		fail_msg("the request in flight was not answered after the "
		    "reload");
	assert_int_equal(wire_tid(ans), tid - 1);
	assert_int_equal(wire_fc(ans), 0x83);
	assert_int_equal(ans[8], 0x0B);
	close(fd);
	close(mute);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_single_connection_plc,
		    setup_one_connection, teardown),
		cmocka_unit_test_setup_teardown(
		    test_reload_opens_and_closes_poll, setup_two_connections,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_reload_answers_requests_in_flight,
		    setup_two_connections, teardown),
		cmocka_unit_test_setup_teardown(test_stray_answers_dropped,
		    setup_stray, teardown),
		cmocka_unit_test_setup_teardown(test_unframeable_answer_resets,
		    setup_bad_protocol, teardown),
		cmocka_unit_test_setup_teardown(test_unfitting_answer_resets,
		    setup_wrong_unit, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
