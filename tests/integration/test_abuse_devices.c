/*
 * test_abuse_devices.c: devices that answer garbage, a wrong transaction
 * id or a wrong unit id (issue 5), next to a healthy one. Two clients of
 * the broken device must never see an answer that is not their own; as
 * in test_abuse.c, a well-behaved client of the healthy device is still
 * served (fast), `wardenctl takeover` answers at once, and wardend's
 * memory stays bounded (printed).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <modbus.h>

#include "abuse_checks.h"
#include "journal.h"
#include "wire.h"

#define UNIT_BAD 2
#define BROKEN_ROUNDS 8
#define ODD_BASE 501            /* client a: odd addresses, faulty answers */
#define EVEN_BASE 600           /* client b: even addresses */

/* What the two clients of the broken device saw. */
struct broken_tally {
	int alone_ok;           /* requests alone answered as they should */
	int a_target;           /* together: client a's 0x0B */
	int b_values;           /* together: client b's values */
	int sent;               /* requests sent to the broken device */
};

/*
 * One answer for a request at `address` on fd: an exception 0x0B/0x0A,
 * or, when may_answer, the device's registers, which must be those of
 * this very address. 1 for a value, 0x0B or 0x0A for an exception.
 */
static int
broken_answer(int fd, uint16_t tid, uint16_t address, int may_answer)
{
	uint8_t ans[WIRE_MAX_ADU];
	int len = wire_recv_adu(fd, ans, sizeof(ans), 3.0);

	if (len <= 0)
		fail_msg("tid %u: no answer", tid);
	assert_int_equal(wire_tid(ans), tid);
	assert_int_equal(wire_unit(ans), UNIT_BAD);
	if (len == 11 && wire_fc(ans) == MODBUS_FC_READ_HOLDING_REGISTERS) {
		if (!may_answer || wire_register(ans, 0) != address)
			fail_msg("tid %u (address %u) got a value: %u", tid,
			    address, wire_register(ans, 0));
		return 1;
	}
	assert_int_equal(len, 9);
	assert_int_equal(wire_fc(ans), 0x80 | MODBUS_FC_READ_HOLDING_REGISTERS);
	if (ans[8] != MODBUS_EXCEPTION_GATEWAY_TARGET &&
	    ans[8] != MODBUS_EXCEPTION_GATEWAY_PATH)
		fail_msg("tid %u: exception %u, want 0x0B or 0x0A", tid,
		    ans[8]);
	return ans[8];
}

static void
broken_send(int fd, uint16_t tid, uint16_t address, struct broken_tally *t)
{
	uint8_t req[WIRE_MAX_ADU];

	wire_read_request(req, tid, UNIT_BAD, MODBUS_FC_READ_HOLDING_REGISTERS,
	    address, 1);
	assert_int_equal(wire_send(fd, req, 12), 0);
	t->sent++;
}

/* One client alone until its request is really sent (not 0x0A while
 * the device connection is in backoff): the answer must be `want`, a
 * value (1) or 0x0B. */
static void
broken_alone(int fd, uint16_t tid, uint16_t address, int want,
    struct abuse_good *g, struct broken_tally *t)
{
	double t0 = harness_now();
	int got;

	do {
		good_probe(g);
		broken_send(fd, tid, address, t);
		got = broken_answer(fd, tid, address, want == 1);
		if (got == MODBUS_EXCEPTION_GATEWAY_PATH)
			usleep(20000);
	} while (got == MODBUS_EXCEPTION_GATEWAY_PATH &&
	    harness_now() - t0 < 3.0);
	if (got != want)
		fail_msg("address %u: got %d, want %d (1: a value)", address,
		    got, want);
	t->alone_ok++;
}

/*
 * Two clients of the broken device, a and b. Each round: a alone (odd
 * address, a broken answer: 0x0B), b alone (even: its value when
 * answers_even, else 0x0B), then both at once in either order. Neither
 * may ever see an answer that is not its own; the healthy device serves
 * on; an operator takes over in the middle.
 */
static void
broken_device_case(struct abuse *ab, int answers_even,
    struct broken_tally *t)
{
	int a, b, r, from, ea;
	uint16_t odd, even;
	struct abuse_good g;

	memset(t, 0, sizeof(*t));
	good_open(&g, ab, 909);
	from = journal_count(ab->w->plc[0].journal);
	a = wire_connect(ab->w->port);
	b = wire_connect(ab->w->port);
	assert_true(a >= 0 && b >= 0);
	for (r = 0; r < BROKEN_ROUNDS; r++) {
		odd = (uint16_t)(ODD_BASE + 2 * r);
		even = (uint16_t)(EVEN_BASE + 2 * r);
		broken_alone(a, (uint16_t)(0xA100 + r), odd,
		    MODBUS_EXCEPTION_GATEWAY_TARGET, &g, t);
		broken_alone(b, (uint16_t)(0xB100 + r), even,
		    answers_even ? 1 : MODBUS_EXCEPTION_GATEWAY_TARGET, &g, t);
		if (r % 2 == 0) {
			broken_send(a, (uint16_t)(0xA000 + r), odd, t);
			broken_send(b, (uint16_t)(0xB000 + r), even, t);
		} else {
			broken_send(b, (uint16_t)(0xB000 + r), even, t);
			broken_send(a, (uint16_t)(0xA000 + r), odd, t);
		}
		ea = broken_answer(a, (uint16_t)(0xA000 + r), odd, 0);
		t->a_target += ea == MODBUS_EXCEPTION_GATEWAY_TARGET;
		t->b_values += broken_answer(b, (uint16_t)(0xB000 + r), even,
		    answers_even) == 1;
		good_probe(&g);
		if (r == BROKEN_ROUNDS / 2)
			takeover(ab);
	}
	printf("abuse: broken device: %d requests alone answered as they "
	    "should; together, client a got 0x0B %d of %d times, client b "
	    "%d values\n", t->alone_ok, t->a_target, BROKEN_ROUNDS,
	    t->b_values);
	close(a);
	close(b);
	good_probe(&g);
	abuse_good_close(&g, "broken device");
	/* Nothing meant for the broken device went to the healthy one. */
	assert_int_equal(abuse_journal_count(ab->w->plc[0].journal, from, -1,
	    ODD_BASE, EVEN_BASE + 2 * BROKEN_ROUNDS), 0);
}

/* plcsim --fault garbage: every answer an invalid frame. */
static void
test_garbage_device(void **state)
{
	struct abuse *a = abuse_setup(state, LIMITS);
	struct broken_tally t;
	int reached;

	assert_int_equal(world_add_plc(a->w, &(struct world_plc_options){
	    .args = "--fault garbage" }), 1);
	world_device(a->w, "junk", a->w->plc[1].port, UNIT_BAD,
	    "timeout: 300ms");
	abuse_begin(a);
	broken_device_case(a, 0, &t);
	reached = journal_count(a->w->plc[1].journal);
	printf("abuse: garbage device got %d of %d requests\n", reached,
	    t.sent);
	assert_true(reached >= 1 && reached <= t.sent);
	memory(a, "garbage device");
}

static void
fake_device_case(void **state, enum fake_fault fault, const char *what)
{
	struct abuse *a = abuse_setup(state, LIMITS);
	struct fake_device *fake = world_fake(a->w, fault);
	struct broken_tally t;
	unsigned requests, corrupted;

	must(fake == NULL ? -1 : 0, "cannot start the fake device");
	world_device(a->w, "fake", fake->port, UNIT_BAD, "timeout: 300ms");
	abuse_begin(a);
	broken_device_case(a, 1, &t);
	requests = fake->requests;
	corrupted = fake->corrupted;
	printf("abuse: %s: the device got %u of %d requests, answered %u "
	    "wrongly\n", what, requests, t.sent, corrupted);
	/* Together, a's request was always really sent (first, or after
	 * b's right answer), so always a 0x0B. Which of the two wardend
	 * reads first is its business: b's values are not counted. */
	assert_int_equal(t.a_target, BROKEN_ROUNDS);
	assert_true(corrupted >= 2 * BROKEN_ROUNDS);
	assert_true(requests <= (unsigned)t.sent);
	memory(a, what);
}

/* Answers to odd addresses carry transaction id + 1. */
static void
test_wrong_tid_device(void **state)
{
	fake_device_case(state, FAKE_WRONG_TID, "wrong transaction id");
}

/* Answers to odd addresses carry another unit id. */
static void
test_wrong_unit_device(void **state)
{
	fake_device_case(state, FAKE_WRONG_UNIT, "wrong unit id");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_garbage_device, teardown),
		cmocka_unit_test_teardown(test_wrong_tid_device, teardown),
		cmocka_unit_test_teardown(test_wrong_unit_device, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
