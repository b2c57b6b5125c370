/*
 * test_hot_path.c: an AI request's whole way through wardend's own code
 * allocates nothing once the buffers have grown: the client's stream
 * and framing, the gate's judgement (mode enforce, the written register
 * a point with limits), the audit record queued and written with the
 * loop iteration's others, the write held on its device connection and
 * let go at the safe point, the device's answer matched and handed
 * back. The modules are wired as wardend.c wires them, on a real libev
 * loop; the AI is one end of a socketpair, the device a socket the test
 * listens on.
 *
 * The seam: this program is linked with -Wl,--wrap= for malloc, calloc
 * and realloc (Makefile), so every allocation by the daemon's objects
 * goes through the wraps below, which count them. (Allocations inside
 * libc and libev are not seen, nor are they wardend's to save.)
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>
#include <ev.h>
#include <modbus.h>

#include "client_internal.h"
#include "gate.h"
#include "intrusion.h"
#include "ramp.h"
#include "stream.h"
#include "warden.h"

void *__real_malloc(size_t n);
void *__wrap_malloc(size_t n);
void *__real_calloc(size_t k, size_t n);
void *__wrap_calloc(size_t k, size_t n);
void *__real_realloc(void *p, size_t n);
void *__wrap_realloc(void *p, size_t n);

static unsigned long allocs;

void *
__wrap_malloc(size_t n)
{
	allocs++;
	return __real_malloc(n);
}

void *
__wrap_calloc(size_t k, size_t n)
{
	allocs++;
	return __real_calloc(k, n);
}

void *
__wrap_realloc(void *p, size_t n)
{
	allocs++;
	return __real_realloc(p, n);
}

#define PIPELINE 4      /* requests the AI sends before reading answers */

struct rig {
	char dir[64];
	struct warden w;
	int listen_fd, device_fd, ai_fd;
	unsigned device_frames;         /* frames the device got */
	unsigned answers, exceptions;   /* what the AI got */
};

static void on_violation(void *c, const char *w, int t) { (void)c; (void)w; (void)t; }
static void on_condition(void *c, const char *s, int d,
    const struct monitor_event *e)
{ (void)c; (void)s; (void)d; (void)e; }
static void on_switch(void *c, enum guard_switch p) { (void)c; (void)p; }
static void on_nothing(void *c) { (void)c; }

/* As wardend.c registers it. */
static void
before_flush(void *gate)
{
	gate_flush(gate);
}

static struct config *
load_config(struct rig *r, unsigned port)
{
	char path[128], yaml[2048], *errors = NULL;
	struct config *cfg;
	FILE *f;

	snprintf(yaml, sizeof yaml,
	    "mode: enforce\n"
	    "initial_state: auto\n"
	    "listen: 127.0.0.1:1\n"
	    "state_dir: %s\n"
	    "audit_log: %s/audit.jsonl\n"
	    "audit_fsync: 1s\n"
	    "control:\n"
	    "  socket: %s/control.sock\n"
	    "limits: {max_inflight: 16}\n"
	    "reads: any\n"
	    "devices:\n"
	    "  - name: plc\n"
	    "    host: 127.0.0.1\n"
	    "    port: %u\n"
	    "    unit_id: 1\n"
	    "    timeout: 5s\n"
	    "    connections: 1\n"
	    "    pipeline: 8\n"
	    "points:\n"
	    "  - name: valve\n"
	    "    device: plc\n"
	    "    table: holding\n"
	    "    address: 0\n"
	    "    write: {min: 0, max: 1000, on_violation: reject}\n",
	    r->dir, r->dir, r->dir, port);
	snprintf(path, sizeof path, "%s/warden.yaml", r->dir);
	assert_non_null(f = fopen(path, "w"));
	fputs(yaml, f);
	fclose(f);
	if ((cfg = config_load(path, &errors)) == NULL)
		fail_msg("config: %s", errors);
	return cfg;
}

static int
setup(void **state)
{
	struct rig *r = calloc(1, sizeof *r);
	struct warden *w = &r->w;
	char err[ERR_LEN], path[128];
	struct net_addr addr, peer;
	struct net_addr *addrs;
	int sv[2], one = 1;

	assert_non_null(r);
	snprintf(r->dir, sizeof r->dir, "/tmp/test_hot_path.XXXXXX");
	assert_non_null(mkdtemp(r->dir));
	assert_int_equal(net_resolve("127.0.0.1", 0, &addr, err), 0);
	assert_true((r->listen_fd = net_listen(&addr, 4, err)) >= 0);
	w->cfg = load_config(r, net_local_port(r->listen_fd));
	assert_non_null(w->loop = ev_loop_new(EVFLAG_AUTO));
	snprintf(path, sizeof path, "%s/audit.jsonl", r->dir);
	assert_non_null(w->audit = audit_open(path, 1.0, err));
	assert_non_null(w->memory = calloc(w->cfg->n_points + 1,
	    sizeof *w->memory));
	assert_non_null(w->ramp = ramp_new(w));
	w->events = (struct flow_events){ .violation = on_violation,
	    .condition = on_condition, .key_switch = on_switch,
	    .ai_request = on_nothing, .write_ended = on_nothing };
	assert_non_null(w->streams = streams_new(w->loop));
	assert_non_null(w->clients = clients_new(w->streams, w->cfg,
	    &w->counters, &w->metrics, &w->abuse_log));
	assert_non_null(w->gate = gate_new(w));
	/* Intrusion detection too: its detector is made by the first
	 * request, and counts every one after without allocating. */
	assert_non_null(w->intrusion = intrusion_new(w));
	assert_non_null(addrs = device_resolve_all(w->cfg, err));
	assert_non_null(w->devices = devices_start(w->streams, w->cfg, addrs,
	    &w->counters, err));
	free(addrs);
	intrusion_watch_devices(w->intrusion);
	streams_before_flush(w->streams, before_flush, w->gate);
	while (!device_pool_up(w->devices, 0, DEVICE_AI))
		ev_run(w->loop, EVRUN_ONCE);
	assert_true((r->device_fd = accept(r->listen_fd, NULL, NULL)) >= 0);
	/* Its answers go at once, not after a delayed ACK. */
	assert_int_equal(setsockopt(r->device_fd, IPPROTO_TCP, TCP_NODELAY,
	    &one, sizeof one), 0);

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0, sv), 0);
	memset(&peer, 0, sizeof peer);
	((struct sockaddr_in *)&peer.sa)->sin_family = AF_INET;
	((struct sockaddr_in *)&peer.sa)->sin_port = htons(40000);
	((struct sockaddr_in *)&peer.sa)->sin_addr.s_addr =
	    htonl(INADDR_LOOPBACK);
	peer.len = sizeof(struct sockaddr_in);
	client_accept(w->clients, sv[0], &peer, 0, "127.0.0.1:502", NULL);
	r->ai_fd = sv[1];
	*state = r;
	return 0;
}

static int
teardown(void **state)
{
	struct rig *r = *state;
	struct warden *w = &r->w;
	char path[128];

	clients_close_all(w->clients, "test over");
	devices_stop(w->devices);
	streams_before_flush(w->streams, NULL, NULL);
	gate_free(w->gate);
	intrusion_free(w->intrusion);
	ramp_free(w->ramp);
	audit_close(w->audit);
	streams_free(w->streams);
	clients_free(w->clients);
	free(w->memory);
	config_free(w->cfg);
	ev_loop_destroy(w->loop);
	close(r->ai_fd);
	close(r->device_fd);
	close(r->listen_fd);
	snprintf(path, sizeof path, "%s/audit.jsonl", r->dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/warden.yaml", r->dir);
	unlink(path);
	rmdir(r->dir);
	free(r);
	return 0;
}

/* The device answers every whole frame it has: a write with its echo,
 * a read of one register with 42. */
static void
device_serve(struct rig *r)
{
	uint8_t in[12], out[12];
	size_t len;

	while (recv(r->device_fd, in, sizeof in, MSG_DONTWAIT | MSG_PEEK) ==
	    (ssize_t)sizeof in) {
		assert_int_equal(recv(r->device_fd, in, sizeof in, 0), 12);
		r->device_frames++;
		if (in[7] == MODBUS_FC_WRITE_SINGLE_REGISTER) {
			memcpy(out, in, len = 12);
		} else {
			memcpy(out, in, 7);
			out[5] = 5;
			out[7] = in[7];
			out[8] = 2;
			out[9] = 0;
			out[10] = 42;
			len = 11;
		}
		assert_int_equal(send(r->device_fd, out, len, 0), (ssize_t)len);
	}
}

/* The AI reads every whole answer it has (12 or 11 bytes, or 9 for an
 * exception: the length field says). */
static void
ai_collect(struct rig *r)
{
	uint8_t buf[260];
	size_t len;

	while (recv(r->ai_fd, buf, 7, MSG_DONTWAIT | MSG_PEEK) == 7) {
		len = 6 + (size_t)(buf[4] << 8 | buf[5]);
		if (recv(r->ai_fd, buf, len, MSG_DONTWAIT | MSG_PEEK) !=
		    (ssize_t)len)
			return;
		assert_int_equal(recv(r->ai_fd, buf, len, 0), (ssize_t)len);
		if (buf[7] & 0x80)
			r->exceptions++;
		else
			r->answers++;
	}
}

/* PIPELINE requests at once, every fifth a write of value n % 1000 to
 * the point, the others reads, and their answers. */
static void
round_trip(struct rig *r, unsigned n)
{
	uint8_t frame[MBAP_MAX_ADU_LEN];
	unsigned want = r->answers + r->exceptions + PIPELINE, i;
	ev_tstamp until = ev_time() + 5.0;
	size_t len;

	for (i = 0; i < PIPELINE; i++, n++) {
		len = n % 5 == 0 ?
		    mbap_encode_write_register(frame, (uint16_t)n, 1, 0,
		    (uint16_t)(n % 1000)) :
		    mbap_encode_read(frame, (uint16_t)n, 1,
		    MODBUS_FC_READ_HOLDING_REGISTERS, 0, 1);
		assert_int_equal(send(r->ai_fd, frame, len, 0), (ssize_t)len);
	}
	while (r->answers + r->exceptions < want && ev_time() < until) {
		ev_run(r->w.loop, EVRUN_NOWAIT);
		device_serve(r);
		ai_collect(r);
	}
	assert_int_equal(r->answers + r->exceptions, want);
}

/*
 * After a warm-up that grows every buffer, 400 requests (80 of them
 * writes, each audited) cost no allocation at all; each was answered,
 * each reached the device, each write is in the audit log.
 */
static void
test_no_allocation_per_request(void **state)
{
	struct rig *r = *state;
	uint64_t seq;
	unsigned i;

	for (i = 0; i < 100; i += PIPELINE)
		round_trip(r, i);
	seq = audit_last_seq(r->w.audit);
	assert_int_equal(seq, 20);
	allocs = 0;
	for (i = 100; i < 500; i += PIPELINE)
		round_trip(r, i);
	assert_int_equal(allocs, 0);
	assert_int_equal(r->exceptions, 0);
	assert_int_equal(r->answers, 500);
	assert_int_equal(r->device_frames, 500);
	assert_int_equal(audit_last_seq(r->w.audit), seq + 80);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_no_allocation_per_request,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
