/*
 * test_abuse.c: hostile and broken clients (issue 5). Malformed MBAP, a
 * flood of it, slowloris, more clients than max_clients, more pipelined
 * requests than max_inflight, and a client that never reads. Devices that
 * answer garbage, a wrong transaction id or a wrong unit id:
 * test_abuse_devices.c.
 *
 * Every case also proves, while the abuse goes on or right after it: a
 * well-behaved client is still served (fast), nothing of the abuse
 * reaches a device, `wardenctl takeover` answers at once and the safe
 * state is verified, and wardend's memory stays bounded (printed).
 */
#include <errno.h>
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

#include "abuse_checks.h"
#include "journal.h"
#include "wire.h"

#define CLOSE_WAIT 1.0          /* "closed at once", generously */
#define FRAME_LIMIT 5.0         /* wardend's unfinished-frame limit */
#define MARK_HI (ABUSE_MARK >> 8)
#define MARK_LO (ABUSE_MARK & 0xFF)

struct bad_frame {
	const char *what;
	uint8_t bytes[300];
	size_t len;
	int truncated;          /* the client closes, not the gateway */
};

static const struct bad_frame bad_frames[] = {
	{ "protocol id 1",
	    { 0, 1, 0, 1, 0, 6, ABUSE_UNIT, 6, MARK_HI, MARK_LO, 0, 1 },
	    12, 0 },
	{ "protocol id 0xFFFF",
	    { 0, 2, 0xFF, 0xFF, 0, 6, ABUSE_UNIT, 6, MARK_HI, MARK_LO, 0, 1 },
	    12, 0 },
	{ "length 0",
	    { 0, 3, 0, 0, 0, 0, ABUSE_UNIT, 6, MARK_HI, MARK_LO, 0, 1 },
	    12, 0 },
	{ "length 1",
	    { 0, 4, 0, 0, 0, 1, ABUSE_UNIT, 6, MARK_HI, MARK_LO, 0, 1 },
	    12, 0 },
	{ "length 255",
	    { 0, 5, 0, 0, 0, 255, ABUSE_UNIT, 16, MARK_HI, MARK_LO, 0, 124,
	    248 }, 261, 0 },
	{ "length 65535",
	    { 0, 6, 0, 0, 0xFF, 0xFF, ABUSE_UNIT, 16, MARK_HI, MARK_LO },
	    300, 0 },
	{ "header cut short, then close", { 0, 7, 0, 0, 0 }, 5, 1 },
	{ "body cut short, then close",
	    { 0, 8, 0, 0, 0, 6, ABUSE_UNIT, 6, MARK_HI, MARK_LO }, 10, 1 },
};

#define N_BAD (sizeof(bad_frames) / sizeof(bad_frames[0]))
#define N_GARBAGE 20

/* Probe the well-behaved client until the hammer has made `rounds`
 * connections: the abuse is going on around what the test does next. */
static void
hammer_wait(const struct hammer *h, unsigned rounds,
    struct abuse_good *g)
{
	double t0 = harness_now();

	while (h->rounds < rounds) {
		good_probe(g);
		if (harness_now() - t0 > 5.0)
			fail_msg("the hammer made %u connections of %u in 5 s",
			    h->rounds, rounds);
		usleep(5000);
	}
}

/* Send one malformed frame on a fresh connection; the gateway must close
 * it at once (or, when the client closes, simply survive). */
static void
send_bad(const struct abuse *a, const uint8_t *bytes, size_t len,
    int truncated, const char *what)
{
	int fd = wire_connect(a->w->port);

	assert_true(fd >= 0);
	if (wire_send(fd, bytes, len) == 0 && !truncated &&
	    !wire_wait_closed(fd, CLOSE_WAIT))
		fail_msg("%s: connection left open", what);
	close(fd);
}

/* Each kind of malformed MBAP, then a stream of it while an operator
 * takes over: closed, counted, never forwarded. */
static void
test_malformed_mbap(void **state)
{
	struct abuse *a = abuse_setup(state, LIMITS);
	struct hammer *hammer = &a->hammer[0];
	uint8_t junk[300];
	uint32_t seed = 0x5eed;
	uint64_t malformed, expect = 0, truncated = 0, got;
	struct abuse_good g;
	size_t i;
	int from;

	abuse_begin(a);
	good_open(&g, a, 5150);
	from = journal_count(a->w->plc[0].journal);
	malformed = counter(a, "malformed");
	for (i = 0; i < N_BAD; i++) {
		send_bad(a, bad_frames[i].bytes, bad_frames[i].len,
		    bad_frames[i].truncated, bad_frames[i].what);
		expect += !bad_frames[i].truncated;
		truncated += bad_frames[i].truncated;
		good_probe(&g);
	}
	for (i = 0; i < N_GARBAGE; i++) {
		abuse_garbage(junk, 8 + i * 14, &seed);
		send_bad(a, junk, 8 + i * 14, 0, "random garbage");
		good_probe(&g);
	}
	expect += N_GARBAGE;

	must(hammer_start(hammer, a->w->port,
	    bad_frames[0].bytes, bad_frames[0].len), "no hammer thread");
	hammer_wait(hammer, 50, &g);
	takeover(a);
	hammer_wait(hammer, hammer->rounds + 50, &g);
	hammer_stop(hammer);
	printf("abuse: malformed stream: %u connections, %u closed by "
	    "wardend\n", hammer->rounds, hammer->closed_by_peer);
	assert_int_equal(hammer->closed_by_peer, hammer->rounds);
	expect += hammer->rounds;

	/* A client that hangs up mid-frame may or may not count. */
	got = counter(a, "malformed") - malformed;
	printf("abuse: malformed counted %llu; %llu closed by wardend, %llu "
	    "hung up mid-frame\n", (unsigned long long)got,
	    (unsigned long long)expect, (unsigned long long)truncated);
	if (got < expect || got > expect + truncated)
		fail_msg("malformed counted %llu, expected %llu",
		    (unsigned long long)got, (unsigned long long)expect);
	good_probe(&g);
	abuse_good_close(&g, "malformed MBAP");
	assert_only_intended(a, from);
	memory(a, "malformed MBAP");
}

/* 1000 malformed connections and more: counted one by one, and the log
 * grows by a rate-limited handful of lines, not a line each. */
static void
test_malformed_flood(void **state)
{
	struct abuse *a = abuse_setup(state, LIMITS);
	struct hammer *hammer = a->hammer;
	unsigned rounds = 0;
	uint64_t malformed;
	struct abuse_good g;
	int log_from, from, i, took_over = 0;
	double t0;

	abuse_begin(a);
	good_open(&g, a, 1000);
	from = journal_count(a->w->plc[0].journal);
	malformed = counter(a, "malformed");
	log_from = abuse_count_lines(a->w->log);
	t0 = harness_now();
	for (i = 0; i < 2; i++)
		must(hammer_start(&hammer[i], a->w->port,
		    bad_frames[i].bytes, bad_frames[i].len),
		    "no hammer thread");
	while (rounds < 1000 && harness_now() - t0 < 20.0) {
		good_probe(&g);
		rounds = hammer[0].rounds + hammer[1].rounds;
		if (!took_over && rounds >= 300) {
			takeover(a);
			took_over = 1;
		}
		usleep(10000);
	}
	for (i = 0; i < 2; i++)
		hammer_stop(&hammer[i]);
	rounds = hammer[0].rounds + hammer[1].rounds;
	printf("abuse: %u malformed connections in %.1f s\n", rounds,
	    harness_now() - t0);
	assert_true(took_over);
	assert_true(rounds >= 1000);
	assert_int_equal(hammer[0].closed_by_peer + hammer[1].closed_by_peer,
	    rounds);
	assert_int_equal(counter(a, "malformed") - malformed, rounds);
	abuse_good_close(&g, "malformed flood");
	assert_only_intended(a, from);
	memory(a, "malformed flood");
	assert_log_quiet(a, log_from, rounds, "malformed connections");
}

#define N_SLOW 4
#define SLOW_FRAME 260

/* One byte every 100 ms of a frame that would take 26 s: closed at the
 * unfinished-frame limit, while a neighbour is served at full speed. */
static void
test_slowloris(void **state)
{
	struct abuse *a = abuse_setup(state, LIMITS);
	uint8_t frame[SLOW_FRAME] = { 0, 9, 0, 0, 0, 254, ABUSE_UNIT, 16,
	    MARK_HI, MARK_LO, 0, 123, 246 };
	int fd[N_SLOW], from, i, open_left = N_SLOW, took_over = 0;
	double closed_at[N_SLOW], t0, tick;
	size_t sent = 0;
	uint64_t malformed;
	struct abuse_good g;
	char buf[16];
	ssize_t n;

	abuse_begin(a);
	good_open(&g, a, 77);
	from = journal_count(a->w->plc[0].journal);
	malformed = counter(a, "malformed");
	for (i = 0; i < N_SLOW; i++) {
		fd[i] = wire_connect(a->w->port);
		assert_true(fd[i] >= 0);
		closed_at[i] = 0;
	}
	t0 = harness_now();
	while (open_left > 0 && harness_now() - t0 < FRAME_LIMIT + 3.0) {
		for (i = 0; i < N_SLOW; i++) {
			if (closed_at[i] != 0)
				continue;
			n = recv(fd[i], buf, sizeof(buf), MSG_DONTWAIT);
			if (n == 0 || (n == -1 && errno != EAGAIN) ||
			    send(fd[i], frame + sent, 1, MSG_NOSIGNAL) != 1) {
				closed_at[i] = harness_now() - t0;
				open_left--;
			}
		}
		sent++;
		if (!took_over && harness_now() - t0 > 2.0) {
			takeover(a);
			took_over = 1;
		}
		for (tick = harness_now() + 0.1; harness_now() < tick;) {
			good_probe(&g);
			usleep(20000);
		}
	}
	for (i = 0; i < N_SLOW; i++) {
		printf("abuse: slowloris %d closed after %.2f s (%zu bytes "
		    "trickled)\n", i, closed_at[i], sent);
		close(fd[i]);
		if (closed_at[i] < FRAME_LIMIT - 0.3 ||
		    closed_at[i] > FRAME_LIMIT + 1.0)
			fail_msg("slowloris %d closed after %.2f s, want about "
			    "%.0f s", i, closed_at[i], FRAME_LIMIT);
	}
	assert_true(took_over);
	assert_int_equal(counter(a, "malformed") - malformed, N_SLOW);
	abuse_good_close(&g, "slowloris");
	assert_only_intended(a, from);
	memory(a, "slowloris");
}

#define MAX_CLIENTS 6

/* A connection the gateway admitted and serves; slots held by
 * connections still closing (readiness probes) free up soon. */
static int
admitted(const struct abuse *a, uint16_t tid)
{
	double t0 = harness_now();
	int fd;

	for (;;) {
		fd = wire_connect(a->w->port);
		assert_true(fd >= 0);
		if (abuse_probe(fd, tid, 0) >= 0)
			return fd;
		close(fd);
		assert_true(harness_now() - t0 < 2.0);
		usleep(20000);
	}
}

/* Every slot taken and a storm of connections beyond max_clients: each
 * refused at once and counted, the log not flooded, the admitted
 * clients served. */
static void
test_max_clients(void **state)
{
	struct abuse *a = abuse_setup(state,
	    "{max_clients: 6, max_inflight: 4, idle_timeout: 30s}");
	struct hammer *hammer = &a->hammer[0];
	int holders[MAX_CLIENTS - 1], log_from, from, i;
	unsigned rounds, closed;
	uint64_t refused;
	struct abuse_good g;
	double t0;

	abuse_begin(a);
	for (i = 0; i < MAX_CLIENTS - 1; i++)
		holders[i] = admitted(a, (uint16_t)(100 + i));
	/* The scratch register holds 0 since abuse_start. */
	g = (struct abuse_good){ .fd = admitted(a, 1) };
	from = journal_count(a->w->plc[0].journal);
	refused = counter(a, "clients_refused");
	log_from = abuse_count_lines(a->w->log);
	must(hammer_start(hammer, a->w->port, NULL, 0),
	    "no hammer thread");
	t0 = harness_now();
	hammer_wait(hammer, 300, &g);
	takeover(a);
	hammer_wait(hammer, hammer->rounds + 300, &g);
	hammer_stop(hammer);
	rounds = hammer->rounds;
	closed = hammer->closed_by_peer;
	printf("abuse: %u connections beyond max_clients in %.1f s, %u "
	    "closed by wardend\n", rounds, harness_now() - t0, closed);
	assert_int_equal(closed, rounds);
	assert_int_equal(counter(a, "clients_refused") - refused, rounds);
	for (i = 0; i < MAX_CLIENTS - 1; i++) {
		assert_true(abuse_probe(holders[i], 200, 0) >= 0);
		close(holders[i]);
	}
	abuse_good_close(&g, "max_clients");
	assert_only_intended(a, from);
	memory(a, "max_clients");
	assert_log_quiet(a, log_from, rounds, "refused connections");
}

#define N_PIPE_CLIENTS 3
#define N_PIPELINED 200
#define PIPE_BASE 300
#define PIPE_SPAN 100

static uint16_t
pipe_value(unsigned i)
{
	return (uint16_t)(1000 + i % PIPE_SPAN);
}

/* Read n answers on fd: every tid (base + i) exactly once, each with the
 * value of its own address, and nothing after. */
static void
pipe_collect(int fd, uint16_t base, unsigned n)
{
	static unsigned char seen[N_PIPELINED];
	uint8_t ans[WIRE_MAX_ADU];
	unsigned i, k;

	memset(seen, 0, sizeof(seen));
	for (k = 0; k < n; k++) {
		if (wire_recv_adu(fd, ans, sizeof(ans), 5.0) != 11)
			fail_msg("client %u: answer %u of %u missing", base, k,
			    n);
		i = (unsigned)(wire_tid(ans) - base);
		assert_true(i < n);
		if (seen[i]++)
			fail_msg("client %u: tid %u answered twice", base, i);
		assert_int_equal(wire_fc(ans),
		    MODBUS_FC_READ_HOLDING_REGISTERS);
		assert_int_equal(wire_register(ans, 0), pipe_value(i));
	}
	assert_int_equal(wire_recv_adu(fd, ans, sizeof(ans), 0.2), -1);
}

/* Far more requests in one write than max_inflight (4), from several
 * clients: all answered, none lost, none twice, each reaches the device
 * once. */
static void
test_pipelined(void **state)
{
	struct abuse *a = abuse_setup(state, LIMITS);
	static uint8_t burst[N_PIPELINED * 12];
	uint16_t values[PIPE_SPAN];
	int fd[N_PIPE_CLIENTS], c, from, reached;
	unsigned i;
	modbus_t *plc;
	struct abuse_good g;

	abuse_begin(a);
	plc = world_plc_client(a->w, 0, ABUSE_UNIT);
	assert_non_null(plc);
	for (i = 0; i < PIPE_SPAN; i++)
		values[i] = pipe_value(i);
	assert_int_equal(modbus_write_registers(plc, PIPE_BASE, PIPE_SPAN,
	    values), PIPE_SPAN);
	modbus_close(plc);
	modbus_free(plc);
	good_open(&g, a, 31);
	from = journal_count(a->w->plc[0].journal);
	for (c = 0; c < N_PIPE_CLIENTS; c++) {
		fd[c] = wire_connect(a->w->port);
		assert_true(fd[c] >= 0);
		for (i = 0; i < N_PIPELINED; i++)
			wire_read_request(burst + 12 * i,
			    (uint16_t)(1000 * (c + 1) + i), ABUSE_UNIT,
			    MODBUS_FC_READ_HOLDING_REGISTERS,
			    (uint16_t)(PIPE_BASE + i % PIPE_SPAN), 1);
		assert_int_equal(wire_send(fd[c], burst, sizeof(burst)), 0);
	}
	good_probe(&g);
	takeover(a);
	good_probe(&g);
	for (c = 0; c < N_PIPE_CLIENTS; c++) {
		pipe_collect(fd[c], (uint16_t)(1000 * (c + 1)), N_PIPELINED);
		close(fd[c]);
	}
	reached = abuse_journal_count(a->w->plc[0].journal, from,
	    MODBUS_FC_READ_HOLDING_REGISTERS, PIPE_BASE, PIPE_BASE + PIPE_SPAN);
	printf("abuse: %d pipelined requests reached the device\n", reached);
	assert_int_equal(reached, N_PIPE_CLIENTS * N_PIPELINED);
	abuse_good_close(&g, "pipelined");
	memory(a, "pipelined");
}

#define FLOOD_ADDR 1000
#define FLOOD_SECONDS 10.0
#define THROTTLED_AFTER 2.0     /* sends refused this long: throttled */

/* Reads of 125 registers (259-byte answers) as fast as wardend takes
 * them, never reading an answer: it is closed or throttled, and the
 * others do not notice. */
static void
test_never_reads(void **state)
{
	struct abuse *a = abuse_setup(state, LIMITS);
	static uint8_t stream[64 * 12];
	const char *journal = a->w->plc[0].journal;
	double t0, now, blocked_since = 0, closed = 0, next_probe = 0;
	unsigned long bytes = 0;
	int fd, i, from, reached, later, took_over = 0;
	size_t pos = 0;
	struct abuse_good g;
	char name[64];
	ssize_t n;

	abuse_begin(a);
	good_open(&g, a, 4242);
	from = journal_count(journal);
	for (i = 0; i < 64; i++)
		wire_read_request(stream + 12 * i, 0x7777, ABUSE_UNIT,
		    MODBUS_FC_READ_HOLDING_REGISTERS, FLOOD_ADDR,
		    MODBUS_MAX_READ_REGISTERS);
	fd = abuse_connect_small_window(a->w->port);
	assert_true(fd >= 0);
	abuse_local_name(fd, name, sizeof(name));
	t0 = harness_now();
	while ((now = harness_now()) - t0 < FLOOD_SECONDS) {
		n = send(fd, stream + pos, sizeof(stream) - pos, MSG_NOSIGNAL);
		if (n > 0) {
			bytes += (unsigned long)n;
			pos = (pos + (size_t)n) % 12;
			blocked_since = 0;
		} else if (n == -1 && errno == EAGAIN) {
			if (blocked_since == 0)
				blocked_since = now;
			else if (now - blocked_since > THROTTLED_AFTER)
				break;
			usleep(1000);
		} else {
			closed = now - t0;
			break;
		}
		if (now >= next_probe) {
			good_probe(&g);
			next_probe = harness_now() + 0.02;
			if (!took_over) {
				takeover(a);
				took_over = 1;
			}
		}
	}
	printf("abuse: never-reading client sent %lu requests; %s after "
	    "%.2f s\n", bytes / 12, closed != 0 ? "closed" : "throttled",
	    closed != 0 ? closed : harness_now() - t0);
	abuse_show_matching(a->w->log, name);
	if (closed == 0 && (blocked_since == 0 ||
	    harness_now() - blocked_since < THROTTLED_AFTER))
		fail_msg("a client that never reads was neither closed nor "
		    "throttled within %.0f s", FLOOD_SECONDS);
	close(fd);
	/* What it had sent before the end reached the device, no more. */
	reached = abuse_journal_count(journal, from,
	    MODBUS_FC_READ_HOLDING_REGISTERS, FLOOD_ADDR, FLOOD_ADDR + 1);
	usleep(300000);
	later = abuse_journal_count(journal, from,
	    MODBUS_FC_READ_HOLDING_REGISTERS, FLOOD_ADDR, FLOOD_ADDR + 1);
	printf("abuse: %d of its requests reached the device\n", later);
	assert_true(reached <= (int)(bytes / 12));
	assert_true(later - reached <= 4);
	for (i = 0; i < 10; i++)
		good_probe(&g);
	abuse_good_close(&g, "never reads");
	memory(a, "never reads");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_malformed_mbap, teardown),
		cmocka_unit_test_teardown(test_malformed_flood, teardown),
		cmocka_unit_test_teardown(test_slowloris, teardown),
		cmocka_unit_test_teardown(test_max_clients, teardown),
		cmocka_unit_test_teardown(test_pipelined, teardown),
		cmocka_unit_test_teardown(test_never_reads, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
