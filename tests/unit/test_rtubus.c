/*
 * test_rtubus.c: one Modbus RTU line on the loop (daemon/rtubus.c),
 * against a pseudo-terminal whose master end plays the devices. Edge
 * cases first: no answer, a CRC error, an answer from another unit,
 * bytes after the answer, noise between requests, the port lost; then
 * the recovery that lets the next request through, the silence kept
 * before each request, one request at a time across two links, and a
 * plain exchange.
 */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <ev.h>

#include "rtubus.h"

#define LINKS 2

struct heard {
	int up, down;
	int answers;
	uint8_t frame[RTU_MAX_ADU_LEN];
	size_t len;                     /* 0: the last answer had none */
	char why[128];
	ev_tstamp at;                   /* when the last answer came */
};

struct fixture {
	struct ev_loop *loop;
	int master;                     /* the devices' end */
	struct config_serial line;
	struct rtubus *bus;
	struct rtubus_link link[LINKS];
	struct heard heard[LINKS];
	struct fixture *self;
};

static struct heard *
heard_of(void *ctx)
{
	return ctx;
}

static void
on_up(void *ctx)
{
	heard_of(ctx)->up++;
}

static void
on_down(void *ctx, const char *reason)
{
	(void)reason;
	heard_of(ctx)->down++;
}

static void
on_answer(void *ctx, const uint8_t *frame, size_t len, const char *why)
{
	struct heard *h = heard_of(ctx);

	h->answers++;
	h->len = frame != NULL ? len : 0;
	if (frame != NULL)
		memcpy(h->frame, frame, len);
	snprintf(h->why, sizeof h->why, "%s", why != NULL ? why : "");
	h->at = ev_time();
}

static const struct rtubus_events events = {
	.up = on_up, .down = on_down, .answer = on_answer,
};

/* Run the loop until *counter reaches want, at most seconds. */
static int
run_until(struct fixture *f, const int *counter, int want, double seconds)
{
	ev_tstamp end;

	ev_now_update(f->loop);
	end = ev_now(f->loop) + seconds;
	while (*counter < want) {
		ev_now_update(f->loop);
		if (ev_now(f->loop) > end)
			return -1;
		ev_run(f->loop, EVRUN_NOWAIT);
		usleep(200);
	}
	return 0;
}

/* Whatever the bus wrote, read from the master within seconds. */
static size_t
master_read(struct fixture *f, uint8_t *out, size_t cap, size_t want,
    double seconds)
{
	size_t got = 0;
	ssize_t n;
	ev_tstamp end;

	ev_now_update(f->loop);
	end = ev_now(f->loop) + seconds;
	while (got < want) {
		ev_run(f->loop, EVRUN_NOWAIT);
		n = read(f->master, out + got, cap - got);
		if (n > 0)
			got += (size_t)n;
		ev_now_update(f->loop);
		if (ev_now(f->loop) > end)
			break;
		if (n <= 0)
			usleep(200);
	}
	return got;
}

static void
master_write(struct fixture *f, const uint8_t *p, size_t n)
{
	assert_int_equal(write(f->master, p, n), (ssize_t)n);
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	char err[ERR_LEN];
	const char *slave;
	int i;

	if (f == NULL || (f->loop = ev_loop_new(EVFLAG_AUTO)) == NULL)
		return -1;
	f->master = posix_openpt(O_RDWR | O_NOCTTY);
	if (f->master == -1 || grantpt(f->master) == -1 ||
	    unlockpt(f->master) == -1 || (slave = ptsname(f->master)) == NULL)
		return -1;
	fcntl(f->master, F_SETFL, fcntl(f->master, F_GETFL) | O_NONBLOCK);
	snprintf(f->line.port, sizeof f->line.port, "%s", slave);
	f->line.baud = 19200;
	f->line.parity = 'E';
	f->line.data_bits = 8;
	f->line.stop_bits = 1;
	if ((f->bus = rtubus_new(f->loop, &f->line)) == NULL)
		return -1;
	for (i = 0; i < LINKS; i++) {
		rtubus_link_init(&f->link[i], &events, &f->heard[i]);
		if (rtubus_join(f->bus, &f->link[i], err) != 0) {
			fprintf(stderr, "join: %s\n", err);
			return -1;
		}
	}
	if (run_until(f, &f->heard[1].up, 1, 2) != 0 ||
	    f->heard[0].up != 1)
		return -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	int i;

	for (i = 0; i < LINKS; i++)
		rtubus_leave(&f->link[i]);
	rtubus_free(f->bus);
	if (f->master != -1)
		close(f->master);
	ev_loop_destroy(f->loop);
	free(f);
	return 0;
}

/* A read of quantity holding registers at 0 of unit on link i. */
static void
send_read(struct fixture *f, int i, uint8_t unit, uint16_t quantity,
    double timeout)
{
	uint8_t pdu[] = { 3, 0, 0, (uint8_t)(quantity >> 8),
	    (uint8_t)quantity };
	struct mbap_expect e;

	memset(&e, 0, sizeof e);
	e.unit = unit;
	e.fc = 3;
	e.read_quantity = quantity;
	assert_int_equal(rtubus_send(&f->link[i], unit, pdu, sizeof pdu, &e,
	    timeout), 0);
}

/* The request the bus sends, taken off the line. */
static void
expect_request(struct fixture *f, uint8_t unit, uint16_t quantity)
{
	uint8_t pdu[] = { 3, 0, 0, (uint8_t)(quantity >> 8),
	    (uint8_t)quantity }, want[RTU_MAX_ADU_LEN], got[64];
	size_t n = rtu_encode_request(want, unit, pdu, sizeof pdu);

	assert_int_equal(master_read(f, got, sizeof got, n, 2), n);
	assert_memory_equal(got, want, n);
}

/* The answer to a read of one register: value, CRC spoiled by bad. */
static size_t
answer_of(uint8_t *out, uint8_t unit, uint16_t value, int bad)
{
	uint8_t pdu[] = { 3, 2, (uint8_t)(value >> 8), (uint8_t)value };
	size_t n = rtu_encode_request(out, unit, pdu, sizeof pdu);

	if (bad)
		out[n - 1] ^= 0x40;
	return n;
}

/* ---- edge cases ---- */

static void
test_no_answer_times_out(void **state)
{
	struct fixture *f = *state;

	send_read(f, 0, 5, 1, 0.05);
	expect_request(f, 5, 1);
	assert_int_equal(run_until(f, &f->heard[0].answers, 1, 2), 0);
	assert_int_equal(f->heard[0].len, 0);
	assert_string_equal(f->heard[0].why, "no answer within timeout");
	assert_int_equal(f->link[0].stats.timeouts, 1);
	assert_int_equal(f->heard[0].down, 0);  /* the line stays */
}

static void
test_crc_error_then_recovers(void **state)
{
	struct fixture *f = *state;
	uint8_t a[RTU_MAX_ADU_LEN];

	send_read(f, 0, 1, 1, 0.5);
	expect_request(f, 1, 1);
	master_write(f, a, answer_of(a, 1, 42, 1));
	assert_int_equal(run_until(f, &f->heard[0].answers, 1, 2), 0);
	assert_int_equal(f->heard[0].len, 0);
	assert_string_equal(f->heard[0].why, "CRC error");
	assert_int_equal(f->link[0].stats.crc_errors, 1);
	/* The next request goes out once the line is quiet again. */
	send_read(f, 0, 1, 1, 0.5);
	expect_request(f, 1, 1);
	master_write(f, a, answer_of(a, 1, 43, 0));
	assert_int_equal(run_until(f, &f->heard[0].answers, 2, 2), 0);
	assert_int_equal(f->heard[0].len, 7);
	assert_int_equal(f->heard[0].frame[4], 43);
}

static void
test_answer_from_another_unit_is_a_bad_frame(void **state)
{
	struct fixture *f = *state;
	uint8_t a[RTU_MAX_ADU_LEN];

	send_read(f, 1, 2, 1, 0.5);
	expect_request(f, 2, 1);
	master_write(f, a, answer_of(a, 3, 1, 0));
	assert_int_equal(run_until(f, &f->heard[1].answers, 1, 2), 0);
	assert_int_equal(f->heard[1].len, 0);
	assert_string_equal(f->heard[1].why, "answer from another unit");
	assert_int_equal(f->link[1].stats.bad_frames, 1);
	assert_int_equal(f->link[0].stats.bad_frames, 0);
}

static void
test_bytes_after_the_answer_are_noise(void **state)
{
	struct fixture *f = *state;
	uint8_t a[RTU_MAX_ADU_LEN + 2];
	size_t n;

	send_read(f, 0, 1, 1, 0.5);
	expect_request(f, 1, 1);
	n = answer_of(a, 1, 7, 0);
	a[n++] = 0xAA;
	master_write(f, a, n);
	assert_int_equal(run_until(f, &f->heard[0].answers, 1, 2), 0);
	assert_int_equal(f->heard[0].len, 0);
	assert_int_equal(f->link[0].stats.noise, 1);
}

static void
test_noise_between_requests_is_counted_to_the_last_asked(void **state)
{
	struct fixture *f = *state;
	uint8_t a[RTU_MAX_ADU_LEN], junk[] = { 0x55, 0x01 };

	send_read(f, 1, 2, 1, 0.5);
	expect_request(f, 2, 1);
	master_write(f, a, answer_of(a, 2, 9, 0));
	assert_int_equal(run_until(f, &f->heard[1].answers, 1, 2), 0);
	assert_int_equal(f->heard[1].len, 7);
	master_write(f, junk, sizeof junk);
	assert_int_equal(run_until(f, (const int *)&f->link[1].stats.noise,
	    1, 2), 0);
	assert_int_equal(f->link[0].stats.noise, 0);
}

static void
test_port_lost_takes_every_link_down(void **state)
{
	struct fixture *f = *state;

	close(f->master);
	f->master = -1;
	assert_int_equal(run_until(f, &f->heard[1].down, 1, 2), 0);
	assert_int_equal(f->heard[0].down, 1);
	assert_null(f->link[0].bus);
	assert_int_equal(rtubus_send(&f->link[0], 1, (const uint8_t *)"\3",
	    1, &(struct mbap_expect){ .unit = 1, .fc = 3 }, 1), -1);
}

/* ---- the line's discipline ---- */

static void
test_one_request_at_a_time_with_silence_between(void **state)
{
	struct fixture *f = *state;
	uint8_t a[RTU_MAX_ADU_LEN], got[64];

	send_read(f, 0, 1, 1, 0.5);
	send_read(f, 1, 2, 1, 0.5);
	/* A second request of a link already waiting is refused. */
	assert_int_equal(rtubus_send(&f->link[0], 1, (const uint8_t *)"\3\0"
	    "\0\0\1", 5, &(struct mbap_expect){ .unit = 1, .fc = 3,
	    .read_quantity = 1 }, 0.5), -1);
	expect_request(f, 1, 1);
	/* Link 1's waits for link 0's answer. */
	assert_int_equal(master_read(f, got, sizeof got, 1, 0.05), 0);
	master_write(f, a, answer_of(a, 1, 1, 0));
	assert_int_equal(run_until(f, &f->heard[0].answers, 1, 2), 0);
	expect_request(f, 2, 1);
	/* t3.5 at 19200 8E1: 3.5 x 11 / 19200 = 2.005 ms from the
	 * answer's last byte, which came just before it was heard. */
	assert_true(ev_time() - f->heard[0].at >= 0.0019);
	master_write(f, a, answer_of(a, 2, 2, 0));
	assert_int_equal(run_until(f, &f->heard[1].answers, 1, 2), 0);
	assert_int_equal(f->heard[1].frame[4], 2);
}

static void
test_exchange_of_a_longer_read(void **state)
{
	struct fixture *f = *state;
	uint8_t pdu[] = { 3, 6, 0, 1, 0, 2, 0, 3 }, a[RTU_MAX_ADU_LEN];
	size_t n = rtu_encode_request(a, 4, pdu, sizeof pdu);

	send_read(f, 0, 4, 3, 0.5);
	expect_request(f, 4, 3);
	/* In two writes, as a line with a pause under t1.5 brings it. */
	master_write(f, a, 4);
	master_write(f, a + 4, n - 4);
	assert_int_equal(run_until(f, &f->heard[0].answers, 1, 2), 0);
	assert_int_equal(f->heard[0].len, n);
	assert_memory_equal(f->heard[0].frame, a, n);
	assert_int_equal(f->link[0].stats.bad_frames +
	    f->link[0].stats.crc_errors + f->link[0].stats.timeouts, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_no_answer_times_out,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_crc_error_then_recovers,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_answer_from_another_unit_is_a_bad_frame,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_bytes_after_the_answer_are_noise, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_noise_between_requests_is_counted_to_the_last_asked,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_port_lost_takes_every_link_down, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_one_request_at_a_time_with_silence_between,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_exchange_of_a_longer_read,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
