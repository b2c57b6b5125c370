/*
 * test_device.c: device.h's contract, on a real libev loop, against a
 * listening socket the test holds on 127.0.0.1 as the device: a request
 * handed over with device_submit() ends exactly once (settle, then done),
 * and never before device_submit() has returned, even when it cannot be
 * buffered for want of memory.
 *
 * The seam: this program is linked with -Wl,--wrap=realloc (Makefile), so
 * every realloc() of the daemon's objects goes through __wrap_realloc()
 * below, which fails while fail_realloc is set, as a real out-of-memory
 * would. Nothing in daemon/ knows of it. The only realloc on the path of
 * a submit is the one that grows the connection's output buffer
 * (buf_reserve), so requests of the largest size, enough of them to
 * outgrow its first allocation, meet it.
 *
 * Requests with a hold (device_release()): nothing of one leaves before
 * it is released, those behind it on its connection wait too and keep
 * their order, and one withdrawn ends 0x04 without reaching the device.
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
#include <ev.h>
#include <modbus.h>

#include "device.h"
#include "stream.h"

void *__real_realloc(void *p, size_t n);
void *__wrap_realloc(void *p, size_t n);

static int fail_realloc;

void *
__wrap_realloc(void *p, size_t n)
{
	if (fail_realloc) {
		errno = ENOMEM;
		return NULL;
	}
	return __real_realloc(p, n);
}

#define PIPELINE 8
#define NREQ (2 * PIPELINE)             /* origin tids 0..NREQ-1 */

struct fixture {
	struct ev_loop *loop;
	struct streams *ss;
	struct config cfg;
	struct config_device dev;
	struct counters counters;
	struct net_addr addr;
	int listen_fd, device_fd;
	struct devices *ds;
	int in_submit;                  /* device_submit() has not returned */
	int ended_early;                /* done called inside it */
	int ends[NREQ];                 /* done calls, per request */
	int settles[NREQ];
	uint8_t exception[NREQ];        /* the last done's */
	int asked;                      /* may_send() calls */
	uint64_t refuse;                /* may_send() says 0 to this hold */
	int outstanding;                /* as a client counts them */
	int went_negative;
	int busy;                       /* ended 0x06 */
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	char err[ERR_LEN];

	if (f == NULL || (f->loop = ev_loop_new(EVFLAG_AUTO)) == NULL ||
	    (f->ss = streams_new(f->loop)) == NULL)
		return -1;
	if (net_resolve("127.0.0.1", 0, &f->addr, err) == -1 ||
	    (f->listen_fd = net_listen(&f->addr, 4, err)) == -1)
		return -1;
	((struct sockaddr_in *)&f->addr.sa)->sin_port =
	    htons(net_local_port(f->listen_fd));
	f->device_fd = -1;
	snprintf(f->dev.name, sizeof f->dev.name, "plc");
	f->dev.device_unit_id = 1;
	f->dev.timeout = 5.0;
	f->dev.connections = 1;
	f->dev.pipeline = PIPELINE;
	f->cfg.devices = &f->dev;
	f->cfg.n_devices = 1;
	f->cfg.limits.device_queue = 64;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	fail_realloc = 0;
	devices_stop(f->ds);
	streams_free(f->ss);
	if (f->device_fd != -1)
		close(f->device_fd);
	close(f->listen_fd);
	ev_loop_destroy(f->loop);
	free(f);
	return 0;
}

/* Started, and its AI connection up: the device's end accepted. */
static void
start_devices(struct fixture *f)
{
	char err[ERR_LEN];
	ev_tstamp until = ev_time() + 5.0;

	f->ds = devices_start(f->ss, &f->cfg, &f->addr, &f->counters, err);
	assert_non_null(f->ds);
	while (!device_pool_up(f->ds, 0, DEVICE_AI) && ev_time() < until)
		ev_run(f->loop, EVRUN_ONCE);
	assert_true(device_pool_up(f->ds, 0, DEVICE_AI));
	f->device_fd = accept(f->listen_fd, NULL, NULL);
	assert_true(f->device_fd >= 0);
}

static void
settle_cb(void *ctx, const struct inflight *req, const uint8_t *answer,
    size_t len, uint8_t exception)
{
	struct fixture *f = ctx;

	(void)answer;
	(void)len;
	(void)exception;
	f->settles[req->origin_tid]++;
	/* settle comes first: done has not been called yet. */
	assert_int_equal(f->ends[req->origin_tid], 0);
}

static void
done_cb(void *ctx, const struct inflight *req, const uint8_t *answer,
    size_t len, uint8_t exception)
{
	struct fixture *f = ctx;

	(void)answer;
	(void)len;
	if (f->in_submit)
		f->ended_early++;
	f->ends[req->origin_tid]++;
	f->exception[req->origin_tid] = exception;
	if (--f->outstanding < 0)
		f->went_negative++;
	if (exception == MODBUS_EXCEPTION_SLAVE_OR_SERVER_BUSY)
		f->busy++;
}

/* FC 16 of 123 registers: the largest request there is (259 bytes). */
static void
largest_write(struct fixture *f, struct inflight *r, uint16_t n)
{
	uint16_t values[123] = { 0 };
	struct mbap_request req;

	memset(r, 0, sizeof *r);
	r->len = (uint16_t)mbap_encode_write_registers(r->adu, 0, 1, 0, 123,
	    values);
	assert_int_equal(r->len, MBAP_MAX_ADU_LEN - 1);
	assert_int_equal(mbap_decode_request(r->adu, r->len, &req), 0);
	mbap_expect_of(&req, &r->expect);
	r->origin_tid = n;
	r->done = done_cb;
	r->ctx = f;
	r->settle = settle_cb;
	r->settle_ctx = f;
}

/*
 * PIPELINE of the largest requests to one connection, in one loop
 * iteration, with no memory to grow its output: the first ones fit in the
 * buffer as it is; then one does not. Each submit either refuses its
 * request (0x06, and done is never called) or takes it, and done comes
 * later, exactly once; the count of a client's outstanding requests never
 * goes below zero. Before device_submit() kept this contract, done ran
 * inside it with 0x06.
 */
static void
test_submit_out_of_memory(void **state)
{
	struct fixture *f = *state;
	int rc[PIPELINE], refused = 0, i;
	struct inflight r;

	start_devices(f);
	for (i = 0; i < PIPELINE; i++) {
		largest_write(f, &r, (uint16_t)i);
		fail_realloc = 1;
		f->in_submit = 1;
		rc[i] = device_submit(f->ds, 0, DEVICE_AI, &r);
		f->in_submit = 0;
		fail_realloc = 0;
		if (rc[i] == 0)
			f->outstanding++;
		else {
			assert_int_equal(rc[i],
			    MODBUS_EXCEPTION_SLAVE_OR_SERVER_BUSY);
			refused++;
		}
	}
	assert_int_equal(f->ended_early, 0);
	/* The failure was met (else the test proves nothing). */
	assert_true(refused > 0);
	assert_true(refused < PIPELINE);

	/* What was taken ends once when the devices go: 0x0B, sent. */
	devices_stop(f->ds);
	f->ds = NULL;
	ev_run(f->loop, EVRUN_NOWAIT);
	for (i = 0; i < PIPELINE; i++) {
		assert_int_equal(f->ends[i], rc[i] == 0 ? 1 : 0);
		assert_int_equal(f->settles[i], f->ends[i]);
	}
	assert_int_equal(f->outstanding, 0);
	assert_int_equal(f->went_negative, 0);
	assert_int_equal(f->busy, 0);
}

/* Nothing up yet: 0x0A at once, and done never. */
static void
test_submit_no_path(void **state)
{
	struct fixture *f = *state;
	char err[ERR_LEN];
	struct inflight r;

	f->ds = devices_start(f->ss, &f->cfg, &f->addr, &f->counters, err);
	assert_non_null(f->ds);
	largest_write(f, &r, 0);
	f->in_submit = 1;
	assert_int_equal(device_submit(f->ds, 0, DEVICE_AI, &r),
	    MODBUS_EXCEPTION_GATEWAY_PATH);
	f->in_submit = 0;
	assert_int_equal(device_ready(f->ds, 0),
	    MODBUS_EXCEPTION_GATEWAY_PATH);
	devices_stop(f->ds);
	f->ds = NULL;
	assert_int_equal(f->ends[0], 0);
	assert_int_equal(f->ended_early, 0);
}

/* A request sent is answered through done, once, after submit. */
static void
test_submit_answered(void **state)
{
	struct fixture *f = *state;
	uint8_t frame[MBAP_MAX_ADU_LEN], answer[12];
	ev_tstamp until = ev_time() + 5.0;
	struct inflight r;
	ssize_t n;

	start_devices(f);
	largest_write(f, &r, 3);
	f->in_submit = 1;
	assert_int_equal(device_submit(f->ds, 0, DEVICE_AI, &r), 0);
	f->in_submit = 0;
	f->outstanding++;
	assert_int_equal(f->ends[3], 0);
	/* Sent at the loop's safe point, with our transaction id. */
	ev_run(f->loop, EVRUN_NOWAIT);
	n = recv(f->device_fd, frame, r.len, MSG_WAITALL);
	assert_int_equal(n, r.len);
	memcpy(answer, frame, 12);
	answer[4] = 0;
	answer[5] = 6;
	assert_int_equal(send(f->device_fd, answer, 12, 0), 12);
	while (f->ends[3] == 0 && ev_time() < until)
		ev_run(f->loop, EVRUN_ONCE);
	assert_int_equal(f->ends[3], 1);
	assert_int_equal(f->settles[3], 1);
	assert_int_equal(f->busy, 0);
	assert_int_equal(f->outstanding, 0);
}

/* A request of 12 bytes whose address is its origin tid, so that the
 * device's end can tell which arrived: FC 6 (a write) or FC 3. */
static void
small_request(struct fixture *f, struct inflight *r, uint16_t n, int write,
    uint64_t hold)
{
	struct mbap_request req;

	memset(r, 0, sizeof *r);
	r->len = (uint16_t)(write ? mbap_encode_write_register(r->adu, 0, 1,
	    n, 1) : mbap_encode_read(r->adu, 0, 1, MODBUS_FC_READ_HOLDING_REGISTERS,
	    n, 1));
	assert_int_equal(r->len, 12);
	assert_int_equal(mbap_decode_request(r->adu, r->len, &req), 0);
	mbap_expect_of(&req, &r->expect);
	r->origin_tid = n;
	r->hold = hold;
	r->done = done_cb;
	r->ctx = f;
	r->settle = settle_cb;
	r->settle_ctx = f;
}

static void
submit(struct fixture *f, struct inflight *r)
{
	f->in_submit = 1;
	assert_int_equal(device_submit(f->ds, 0, DEVICE_AI, r), 0);
	f->in_submit = 0;
	f->outstanding++;
}

/* device_release_fn: every hold may go but f->refuse. */
static int
may_send(void *ctx, uint64_t hold)
{
	struct fixture *f = ctx;

	f->asked++;
	return hold != f->refuse;
}

/* One loop iteration, then the addresses of the frames the device got
 * (each 12 bytes), in order, into got; how many. */
static int
device_got(struct fixture *f, uint16_t *got, int cap, uint16_t *tids)
{
	uint8_t frame[12];
	int n = 0;

	ev_run(f->loop, EVRUN_NOWAIT);
	while (recv(f->device_fd, frame, sizeof frame, MSG_DONTWAIT) ==
	    (ssize_t)sizeof frame) {
		assert_true(n < cap);
		if (tids != NULL)
			tids[n] = mbap_get_tid(frame);
		got[n++] = (uint16_t)(frame[8] << 8 | frame[9]);
	}
	return n;
}

/* The device answers the frame whose transaction id is tid: the echo
 * of a write to address n, or one register read. */
static void
device_answers(struct fixture *f, uint16_t tid, uint16_t n, int write)
{
	uint8_t answer[MBAP_MAX_ADU_LEN] = { (uint8_t)(tid >> 8),
		(uint8_t)tid, 0, 0, 0, 5, 1, MODBUS_FC_READ_HOLDING_REGISTERS,
		2, 0, 42 };
	size_t len = write ? mbap_encode_write_register(answer, tid, 1, n, 1) :
	    11;

	assert_int_equal(send(f->device_fd, answer, len, 0), (ssize_t)len);
}

/*
 * A write with a hold, and a read after it on the same connection:
 * neither leaves, however often the loop turns, until device_release();
 * then both, in the order they came. Only the hold is asked about.
 */
static void
test_held_until_released(void **state)
{
	struct fixture *f = *state;
	uint16_t got[4], tids[4];
	struct inflight r;

	start_devices(f);
	small_request(f, &r, 0, 1, 7);
	submit(f, &r);
	small_request(f, &r, 1, 0, 0);
	submit(f, &r);
	assert_int_equal(device_got(f, got, 4, NULL), 0);
	assert_int_equal(device_got(f, got, 4, NULL), 0);
	/* Taken: a write on its way, as a takeover must count it. */
	assert_int_equal(device_ai_writes_in_flight(f->ds, 0), 1);
	device_release(f->ds, may_send, f);
	assert_int_equal(f->asked, 1);
	assert_int_equal(device_got(f, got, 4, tids), 2);
	assert_int_equal(got[0], 0);
	assert_int_equal(got[1], 1);
	assert_int_equal(f->ends[0] + f->ends[1], 0);
	device_answers(f, tids[0], 0, 1);
	device_answers(f, tids[1], 1, 0);
	while (f->outstanding > 0)
		ev_run(f->loop, EVRUN_ONCE);
	assert_int_equal(f->ends[0], 1);
	assert_int_equal(f->ends[1], 1);
	assert_int_equal(f->exception[0], 0);
	assert_int_equal(f->exception[1], 0);
	assert_int_equal(f->ended_early, 0);
}

/*
 * Withdrawn: the write whose hold is refused ends 0x04 (settle, then
 * done, once) inside device_release(), and never reaches the device;
 * those behind it still go, in order.
 */
static void
test_withdrawn_answered_0x04(void **state)
{
	struct fixture *f = *state;
	uint16_t got[4];
	struct inflight r;

	start_devices(f);
	small_request(f, &r, 0, 1, 1);
	submit(f, &r);
	small_request(f, &r, 1, 0, 0);
	submit(f, &r);
	small_request(f, &r, 2, 1, 2);
	submit(f, &r);
	f->refuse = 1;
	device_release(f->ds, may_send, f);
	assert_int_equal(f->asked, 2);
	assert_int_equal(f->ends[0], 1);
	assert_int_equal(f->settles[0], 1);
	assert_int_equal(f->exception[0],
	    MODBUS_EXCEPTION_SLAVE_OR_SERVER_FAILURE);
	assert_int_equal(device_got(f, got, 4, NULL), 2);
	assert_int_equal(got[0], 1);
	assert_int_equal(got[1], 2);
	assert_int_equal(f->ends[1] + f->ends[2], 0);
	/* Nothing held any more: nothing to ask. */
	device_release(f->ds, may_send, f);
	assert_int_equal(f->asked, 2);
	assert_int_equal(device_ai_writes_in_flight(f->ds, 0), 1);
}

/*
 * Held in the queue (every slot taken): released, a hold is dropped and
 * the request waits for a slot as any other, then goes at once; a
 * refused one ends 0x04 and never leaves.
 */
static void
test_queued_hold(void **state)
{
	struct fixture *f = *state;
	uint16_t got[NREQ], tids[NREQ];
	struct inflight r;
	int i;

	start_devices(f);
	for (i = 0; i < PIPELINE; i++) {
		small_request(f, &r, (uint16_t)i, 0, 0);
		submit(f, &r);
	}
	small_request(f, &r, PIPELINE, 1, 1);
	submit(f, &r);
	small_request(f, &r, PIPELINE + 1, 1, 2);
	submit(f, &r);
	assert_int_equal(device_got(f, got, NREQ, tids), PIPELINE);
	f->refuse = 1;
	device_release(f->ds, may_send, f);
	assert_int_equal(f->asked, 2);
	assert_int_equal(f->ends[PIPELINE], 1);
	assert_int_equal(f->exception[PIPELINE],
	    MODBUS_EXCEPTION_SLAVE_OR_SERVER_FAILURE);
	assert_int_equal(device_got(f, got, NREQ, NULL), 0);
	device_answers(f, tids[0], 0, 0);
	while (f->ends[0] == 0)
		ev_run(f->loop, EVRUN_ONCE);
	assert_int_equal(f->exception[0], 0);
	assert_int_equal(device_got(f, got, NREQ, NULL), 1);
	assert_int_equal(got[0], PIPELINE + 1);
	device_release(f->ds, may_send, f);
	assert_int_equal(f->asked, 2);
}

/* The connection drops with a request sent and one held: the sent one
 * ends 0x0B (it may have been acted on), the held one 0x0A (it never
 * left). */
static void
test_reset_ends_held_0x0a(void **state)
{
	struct fixture *f = *state;
	uint16_t got[4];
	struct inflight r;

	start_devices(f);
	small_request(f, &r, 0, 0, 0);
	submit(f, &r);
	assert_int_equal(device_got(f, got, 4, NULL), 1);
	small_request(f, &r, 1, 1, 1);
	submit(f, &r);
	close(f->device_fd);
	f->device_fd = -1;
	while (f->outstanding > 0)
		ev_run(f->loop, EVRUN_ONCE);
	assert_int_equal(f->exception[0], MODBUS_EXCEPTION_GATEWAY_TARGET);
	assert_int_equal(f->exception[1], MODBUS_EXCEPTION_GATEWAY_PATH);
	assert_int_equal(f->settles[1], 1);
	assert_int_equal(f->asked, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_submit_out_of_memory,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_submit_no_path, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_submit_answered, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_held_until_released,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_withdrawn_answered_0x04,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_queued_hold, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_reset_ends_held_0x0a,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
