/*
 * abuse_support.c: checks, probes, a hammering thread and a fake device
 * for the abuse tests. See abuse_support.h.
 */
#include "abuse_support.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "json.h"
#include "wire.h"

#define ABUSE_READY_TIMEOUT 10.0        /* sanitizer builds start slowly */
#define ABUSE_TAKEOVER_AT_ONCE 1.0      /* wardenctl takeover, seconds */
#define ABUSE_VERIFY_TIMEOUT 5.0
#define ABUSE_PROBE_TIMEOUT 2.0
#define ABUSE_HAMMER_PAUSE 0.001
/* VmSize beyond this (KiB) means ASan's shadow memory is mapped. */
#define ABUSE_SANITIZER_VMSIZE_KIB (1L << 30)

#define ABUSE_YAML_SAFE_STATE \
	"points:\n" \
	"  - {name: valve, device: tank1, table: holding, address: %d,\n" \
	"     write: {min: 0, max: 1000}}\n" \
	"takeover:\n" \
	"  safe_state:\n" \
	"    - {point: valve, value: 0}\n"

static void
abuse_nap(double seconds)
{
	struct timespec ts;

	ts.tv_sec = (time_t)seconds;
	ts.tv_nsec = (long)((seconds - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

struct abuse_world *
abuse_world_new(const char *limits)
{
	struct abuse_world *w = calloc(1, sizeof(*w));

	if (w == NULL)
		return NULL;
	w->fake.listen_fd = w->fake.wake[0] = w->fake.wake[1] = -1;
	w->fx = fixture_new();
	if (w->fx == NULL || fixture_add_plc(w->fx, NULL) != 0) {
		abuse_world_free(w);
		return NULL;
	}
	if (limits != NULL)
		snprintf(w->fx->limits, sizeof(w->fx->limits), "%s", limits);
	fixture_add_device(w->fx, "tank1", w->fx->plc[0].port, ABUSE_UNIT, 0,
	    "300ms");
	return w;
}

/* The control socket answers and unit 1 reaches its device. */
static int
abuse_wait_ready(struct abuse_world *w, char *why, size_t whylen)
{
	double deadline = harness_now() + ABUSE_READY_TIMEOUT;
	struct ctl_status *st = malloc(sizeof(*st));
	int fd = -1, rc = -1;

	if (st == NULL) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	while (ctl_status(&w->ctl, st, why, whylen) != 0)
		if (harness_now() > deadline)
			goto out;
		else
			abuse_nap(0.02);
	while (harness_now() < deadline) {
		if (fd == -1)
			fd = wire_connect(w->fx->warden.port);
		if (fd != -1 && abuse_probe(fd, 1, 0) >= 0) {
			rc = 0;
			goto out;
		}
		/* 0x0A until the device connection is up: ask again. */
		close(fd);
		fd = -1;
		abuse_nap(0.02);
	}
	snprintf(why, whylen, "unit %d never answered through wardend",
	    ABUSE_UNIT);
out:
	if (fd != -1)
		close(fd);
	free(st);
	return rc;
}

int
abuse_world_start(struct abuse_world *w, char *why, size_t whylen)
{
	struct fixture *fx = w->fx;

	snprintf(fx->extra, sizeof(fx->extra), ABUSE_YAML_SAFE_STATE,
	    ABUSE_VALVE);
	snprintf(w->ctl.socket, sizeof(w->ctl.socket), "%s/control.sock",
	    fx->dir);
	if (fixture_start_warden(fx) != 0) {
		snprintf(why, whylen, "wardend did not start (log above)");
		return -1;
	}
	if (abuse_set_scratch(w, 0) != 0) {
		snprintf(why, whylen, "cannot write plcsim's scratch register");
		return -1;
	}
	if (abuse_wait_ready(w, why, whylen) != 0)
		return -1;
	w->rss_start_kib = abuse_proc_kib(fx->warden.pid, "VmRSS");
	if (w->rss_start_kib < 0) {
		snprintf(why, whylen, "cannot read wardend's VmRSS");
		return -1;
	}
	return 0;
}

int
abuse_world_free(struct abuse_world *w)
{
	int rc, i;

	if (w == NULL)
		return 0;
	for (i = 0; i < ABUSE_HAMMERS; i++)
		abuse_hammer_stop(&w->hammer[i]);
	abuse_fake_stop(&w->fake);
	rc = fixture_free(w->fx);
	free(w);
	return rc;
}

long
abuse_proc_kib(pid_t pid, const char *field)
{
	char path[64], line[256];
	size_t flen = strlen(field);
	long kib = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/status", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, field, flen) == 0 && line[flen] == ':') {
			kib = strtol(line + flen + 1, NULL, 10);
			break;
		}
	fclose(f);
	return kib;
}

int
abuse_check_memory(const struct abuse_world *w, const char *what, char *why,
    size_t whylen)
{
	pid_t pid = w->fx->warden.pid;
	long rss = abuse_proc_kib(pid, "VmRSS");
	long vmsize = abuse_proc_kib(pid, "VmSize");
	long limit = vmsize > ABUSE_SANITIZER_VMSIZE_KIB ?
	    ABUSE_RSS_MAX_SAN_KIB : ABUSE_RSS_MAX_KIB;
	long growth = rss - w->rss_start_kib;

	printf("abuse: %s: wardend VmRSS %ld KiB (start %ld KiB, growth "
	    "%+ld KiB; limits %ld KiB, growth %d KiB)\n", what, rss,
	    w->rss_start_kib, growth, limit, ABUSE_RSS_GROWTH_KIB);
	if (rss < 0) {
		snprintf(why, whylen, "%s: cannot read wardend's VmRSS "
		    "(exited?)", what);
		return -1;
	}
	if (rss > limit || growth > ABUSE_RSS_GROWTH_KIB) {
		snprintf(why, whylen, "%s: wardend's VmRSS is %ld KiB, grown "
		    "by %ld KiB from %ld KiB (limits %ld KiB, growth %d KiB)",
		    what, rss, growth, w->rss_start_kib, limit,
		    ABUSE_RSS_GROWTH_KIB);
		return -1;
	}
	return 0;
}

int
abuse_takeover(const struct abuse_world *w, char *why, size_t whylen)
{
	struct ctl_result *res = malloc(sizeof(*res));
	struct ctl_status *st = malloc(sizeof(*st));
	double t0, took;
	int rc = -1;

	if (res == NULL || st == NULL) {
		snprintf(why, whylen, "out of memory");
		goto out;
	}
	t0 = harness_now();
	ctl_run(&w->ctl, res, "takeover", "-r", "test", (char *)NULL);
	took = harness_now() - t0;
	if (res->status != 0 || took > ABUSE_TAKEOVER_AT_ONCE) {
		snprintf(why, whylen, "wardenctl takeover exited %d after "
		    "%.0f ms (want 0 within %.0f ms): %s%s", res->status,
		    took * 1000, ABUSE_TAKEOVER_AT_ONCE * 1000, res->out,
		    res->err);
		goto out;
	}
	if (ctl_wait(&w->ctl, "takeover", "operator", 1, ABUSE_VERIFY_TIMEOUT,
	    st, why, whylen) != 0)
		goto out;
	printf("abuse: takeover answered in %.0f ms, safe state verified "
	    "%.0f ms after the command\n", took * 1000,
	    (harness_now() - t0) * 1000);
	rc = 0;
out:
	free(res);
	free(st);
	return rc;
}

int
abuse_counter(const struct abuse_world *w, const char *name, uint64_t *value,
    char *why, size_t whylen)
{
	struct ctl_status *st = malloc(sizeof(*st));
	struct json_value obj, counters, v;
	const char *bad = NULL;
	size_t at = 0;
	int rc = -1;

	if (st == NULL) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	if (ctl_status(&w->ctl, st, why, whylen) != 0)
		goto out;
	if (json_parse(st->text, strlen(st->text), &obj, &at, &bad) != 0 ||
	    json_object_get(&obj, "counters", &counters) != 0 ||
	    json_object_get(&counters, name, &v) != 0 ||
	    json_get_uint64(&v, value) != 0) {
		snprintf(why, whylen, "status --json has no counter %s: %s",
		    name, st->text);
		goto out;
	}
	rc = 0;
out:
	free(st);
	return rc;
}

int
abuse_count_lines(const char *path)
{
	FILE *f = fopen(path, "r");
	int lines = 0, ch;

	if (f == NULL)
		return 0;
	while ((ch = getc(f)) != EOF)
		lines += ch == '\n';
	fclose(f);
	return lines;
}

void
abuse_show_lines(const char *path, int from, int head)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	int index = 0, shown = 0;

	if (f == NULL)
		return;
	fprintf(stderr, "---- %s from line %d\n", path, from + 1);
	while (getline(&line, &cap, f) != -1)
		if (index++ >= from && shown < head) {
			fprintf(stderr, "| %s", line);
			shown++;
		}
	fprintf(stderr, "---- and %d lines more\n", index - from - shown);
	free(line);
	fclose(f);
}

void
abuse_show_matching(const char *path, const char *needle)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;

	if (f == NULL)
		return;
	while (getline(&line, &cap, f) != -1)
		if (strstr(line, needle) != NULL)
			printf("abuse: wardend: %s", line);
	free(line);
	fclose(f);
}

void
abuse_local_name(int fd, char *name, size_t cap)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);

	if (getsockname(fd, (struct sockaddr *)&sin, &len) == -1) {
		snprintf(name, cap, "?");
		return;
	}
	/* The space keeps port 4242 from matching 42420. */
	snprintf(name, cap, "127.0.0.1:%u ", ntohs(sin.sin_port));
}

/* The number after "key": in a flat JSON line, or -1. */
static long
abuse_json_number(const char *line, const char *key)
{
	const char *p = strstr(line, key);

	return p == NULL ? -1 : strtol(p + strlen(key), NULL, 10);
}

int
abuse_journal_count(const char *path, int from, int fc, int lo, int hi)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	long address;
	int index = 0, n = 0;

	if (f == NULL)
		return 0;
	while (getline(&line, &cap, f) != -1) {
		if (strchr(line, '\n') == NULL || index++ < from)
			continue;
		address = abuse_json_number(line, "\"address\":");
		if ((fc == -1 || abuse_json_number(line, "\"fc\":") == fc) &&
		    address >= lo && address < hi)
			n++;
	}
	free(line);
	fclose(f);
	return n;
}

double
abuse_probe(int fd, uint16_t tid, uint16_t expect)
{
	uint8_t req[WIRE_MAX_ADU], ans[WIRE_MAX_ADU];
	double t0 = harness_now();

	wire_read_request(req, tid, ABUSE_UNIT, MODBUS_FC_READ_HOLDING_REGISTERS,
	    ABUSE_SCRATCH, 1);
	if (wire_send(fd, req, 12) != 0 ||
	    wire_recv_adu(fd, ans, sizeof(ans), ABUSE_PROBE_TIMEOUT) != 11 ||
	    wire_tid(ans) != tid ||
	    wire_fc(ans) != MODBUS_FC_READ_HOLDING_REGISTERS ||
	    wire_register(ans, 0) != expect)
		return -1;
	return harness_now() - t0;
}

int
abuse_set_scratch(const struct abuse_world *w, uint16_t value)
{
	modbus_t *ctx = fixture_plc_client(w->fx, 0, ABUSE_UNIT);
	int rc;

	if (ctx == NULL)
		return -1;
	rc = modbus_write_register(ctx, ABUSE_SCRATCH, value) == 1 ? 0 : -1;
	modbus_close(ctx);
	modbus_free(ctx);
	return rc;
}

static void *
abuse_hammer_main(void *arg)
{
	struct abuse_hammer *h = arg;
	int fd;

	while (!atomic_load(&h->stop)) {
		fd = wire_connect(h->port);
		if (fd == -1) {
			abuse_nap(0.01);
			continue;
		}
		if (h->len > 0)
			wire_send(fd, h->frame, h->len);
		if (wire_wait_closed(fd, 1.0))
			atomic_fetch_add(&h->closed_by_peer, 1);
		close(fd);
		atomic_fetch_add(&h->rounds, 1);
		abuse_nap(ABUSE_HAMMER_PAUSE);
	}
	return NULL;
}

int
abuse_hammer_start(struct abuse_hammer *h, uint16_t port,
    const uint8_t *frame, size_t len)
{
	h->port = port;
	h->frame = frame;
	h->len = len;
	atomic_init(&h->stop, 0);
	atomic_init(&h->rounds, 0);
	atomic_init(&h->closed_by_peer, 0);
	h->running = pthread_create(&h->thread, NULL, abuse_hammer_main,
	    h) == 0;
	return h->running ? 0 : -1;
}

void
abuse_hammer_stop(struct abuse_hammer *h)
{
	if (!h->running)
		return;
	atomic_store(&h->stop, 1);
	pthread_join(h->thread, NULL);
	h->running = 0;
}

/* The fake device: one connection's unframed bytes. */
struct abuse_fake_conn {
	int fd;
	size_t len;
	uint8_t buf[2 * WIRE_MAX_ADU];
};

static void
abuse_put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static unsigned
abuse_get16(const uint8_t *p)
{
	return (unsigned)(p[0] << 8 | p[1]);
}

/* Answer one request frame; -1 when the connection must go. */
static int
abuse_fake_answer(struct abuse_fake *f, int fd, const uint8_t *req,
    size_t len)
{
	uint8_t ans[WIRE_MAX_ADU];
	unsigned tid = abuse_get16(req), unit = req[6], fc = req[7];
	unsigned address, quantity, i, pdu_len;

	atomic_fetch_add(&f->requests, 1);
	address = len >= 12 ? abuse_get16(req + 8) : 0;
	quantity = len >= 12 ? abuse_get16(req + 10) : 0;
	if (fc == MODBUS_FC_READ_HOLDING_REGISTERS && len == 12 &&
	    quantity >= 1 && quantity <= MODBUS_MAX_READ_REGISTERS) {
		ans[7] = (uint8_t)fc;
		ans[8] = (uint8_t)(2 * quantity);
		for (i = 0; i < quantity; i++)
			abuse_put16(ans + 9 + 2 * i, address + i);
		pdu_len = 2 + 2 * quantity;
	} else {
		ans[7] = (uint8_t)(fc | 0x80);
		ans[8] = MODBUS_EXCEPTION_ILLEGAL_FUNCTION;
		pdu_len = 2;
	}
	if (address % 2 == 1) {
		atomic_fetch_add(&f->corrupted, 1);
		if (f->fault == ABUSE_WRONG_TID)
			tid = (tid + 1) & 0xFFFF;
		else
			unit ^= 0x55;
	}
	abuse_put16(ans, tid);
	abuse_put16(ans + 2, 0);
	abuse_put16(ans + 4, pdu_len + 1);
	ans[6] = (uint8_t)unit;
	return wire_send(fd, ans, 7 + pdu_len);
}

/* Read what the peer sent and answer every whole frame in it. */
static int
abuse_fake_read(struct abuse_fake *f, struct abuse_fake_conn *c)
{
	ssize_t n = recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len, 0);
	size_t frame;

	if (n <= 0)
		return n == -1 && errno == EINTR ? 0 : -1;
	c->len += (size_t)n;
	while (c->len >= 7) {
		frame = 6 + abuse_get16(c->buf + 4);
		if (frame < 8 || frame > WIRE_MAX_ADU)
			return -1;
		if (c->len < frame)
			break;
		if (abuse_fake_answer(f, c->fd, c->buf, frame) != 0)
			return -1;
		memmove(c->buf, c->buf + frame, c->len - frame);
		c->len -= frame;
	}
	return 0;
}

static void
abuse_fake_accept(struct abuse_fake *f, struct abuse_fake_conn *conns)
{
	int fd = accept(f->listen_fd, NULL, NULL), i;

	if (fd == -1)
		return;
	for (i = 0; i < ABUSE_FAKE_CONNS; i++)
		if (conns[i].fd == -1) {
			conns[i].fd = fd;
			conns[i].len = 0;
			return;
		}
	close(fd);
}

static void *
abuse_fake_main(void *arg)
{
	struct abuse_fake *f = arg;
	struct abuse_fake_conn conns[ABUSE_FAKE_CONNS];
	struct pollfd pfd[2 + ABUSE_FAKE_CONNS];
	int i;

	for (i = 0; i < ABUSE_FAKE_CONNS; i++)
		conns[i].fd = -1;
	for (;;) {
		pfd[0] = (struct pollfd){ .fd = f->wake[0], .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = f->listen_fd, .events = POLLIN };
		for (i = 0; i < ABUSE_FAKE_CONNS; i++)
			pfd[2 + i] = (struct pollfd){ .fd = conns[i].fd,
			    .events = POLLIN };
		if (poll(pfd, 2 + ABUSE_FAKE_CONNS, -1) == -1 && errno != EINTR)
			break;
		if (pfd[0].revents != 0)
			break;
		if (pfd[1].revents & POLLIN)
			abuse_fake_accept(f, conns);
		for (i = 0; i < ABUSE_FAKE_CONNS; i++)
			if (conns[i].fd != -1 && pfd[2 + i].revents != 0 &&
			    abuse_fake_read(f, &conns[i]) != 0) {
				close(conns[i].fd);
				conns[i].fd = -1;
			}
	}
	for (i = 0; i < ABUSE_FAKE_CONNS; i++)
		if (conns[i].fd != -1)
			close(conns[i].fd);
	return NULL;
}

static int
abuse_fake_listen(struct abuse_fake *f)
{
	struct sockaddr_in sin;
	socklen_t sinlen = sizeof(sin);
	int one = 1;

	f->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (f->listen_fd == -1)
		return -1;
	setsockopt(f->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(f->listen_fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(f->listen_fd, 16) == -1 ||
	    getsockname(f->listen_fd, (struct sockaddr *)&sin, &sinlen) == -1)
		return -1;
	f->port = ntohs(sin.sin_port);
	return 0;
}

int
abuse_fake_start(struct abuse_fake *f, enum abuse_fault fault)
{
	memset(f, 0, sizeof(*f));
	f->fault = fault;
	f->listen_fd = f->wake[0] = f->wake[1] = -1;
	atomic_init(&f->requests, 0);
	atomic_init(&f->corrupted, 0);
	if (abuse_fake_listen(f) != 0 || pipe(f->wake) == -1 ||
	    pthread_create(&f->thread, NULL, abuse_fake_main, f) != 0) {
		abuse_fake_stop(f);
		return -1;
	}
	f->running = 1;
	return 0;
}

void
abuse_fake_stop(struct abuse_fake *f)
{
	if (f->running) {
		if (write(f->wake[1], "x", 1) != 1)
			perror("abuse: waking the fake device");
		pthread_join(f->thread, NULL);
		f->running = 0;
	}
	if (f->listen_fd != -1)
		close(f->listen_fd);
	if (f->wake[0] != -1)
		close(f->wake[0]);
	if (f->wake[1] != -1)
		close(f->wake[1]);
	f->listen_fd = -1;
	f->wake[0] = f->wake[1] = -1;
}
