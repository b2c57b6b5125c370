/*
 * abuse_support.c: the abuse tests' world, checks and probes. See
 * abuse_support.h.
 */
#include "abuse_support.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "json.h"
#include "wire.h"

#define ABUSE_READY_TIMEOUT 10.0        /* sanitizer builds start slowly */
#define ABUSE_TAKEOVER_AT_ONCE 1.0      /* wardenctl takeover, seconds */
#define ABUSE_VERIFY_TIMEOUT 5.0
#define ABUSE_PROBE_TIMEOUT 2.0
/* VmSize beyond this (KiB) means ASan's shadow memory is mapped. */
#define ABUSE_SANITIZER_VMSIZE_KIB (1L << 30)

#define ABUSE_YAML \
	WORLD_MONITOR \
	"limits: %s\n" \
	"points:\n" \
	"  - {name: valve, device: tank1, table: holding, address: %d,\n" \
	"     write: {min: 0, max: 1000}}\n" \
	"takeover:\n" \
	"  safe_state:\n" \
	"    - {point: valve, value: 0}\n"

struct abuse *
abuse_new(const char *limits)
{
	struct abuse *a = calloc(1, sizeof(*a));

	if (a == NULL)
		return NULL;
	snprintf(a->limits, sizeof(a->limits), "%s",
	    limits != NULL ? limits : WORLD_LIMITS);
	if ((a->w = world_new_tank(NULL, "timeout: 300ms")) == NULL) {
		free(a);
		return NULL;
	}
	return a;
}

/* The control socket answers and unit 1 reaches its device. */
static int
abuse_wait_ready(struct abuse *a, char *why, size_t whylen)
{
	double deadline = harness_now() + ABUSE_READY_TIMEOUT;
	struct ctl_status *st = malloc(sizeof(*st));
	int fd = -1, rc = -1;

	if (st == NULL) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	while (ctl_status(a->w, st, why, whylen) != 0)
		if (harness_now() > deadline)
			goto out;
		else
			harness_nap(0.02);
	while (harness_now() < deadline) {
		if (fd == -1)
			fd = wire_connect(a->w->port);
		if (fd != -1 && abuse_probe(fd, 1, 0) >= 0) {
			rc = 0;
			goto out;
		}
		/* 0x0A until the device connection is up: ask again. */
		close(fd);
		fd = -1;
		harness_nap(0.02);
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
abuse_start(struct abuse *a, char *why, size_t whylen)
{
	char body[1024];

	snprintf(body, sizeof(body), ABUSE_YAML, a->limits, ABUSE_VALVE);
	if (world_start(a->w, body) != 0) {
		snprintf(why, whylen, "wardend did not start (log below)");
		return -1;
	}
	if (abuse_set_scratch(a, 0) != 0) {
		snprintf(why, whylen, "cannot write plcsim's scratch register");
		return -1;
	}
	if (abuse_wait_ready(a, why, whylen) != 0)
		return -1;
	a->rss_start_kib = harness_proc_kib(a->w->warden, "VmRSS");
	if (a->rss_start_kib < 0) {
		snprintf(why, whylen, "cannot read wardend's VmRSS");
		return -1;
	}
	return 0;
}

int
abuse_free(struct abuse *a)
{
	int rc, i;

	if (a == NULL)
		return 0;
	for (i = 0; i < ABUSE_HAMMERS; i++)
		hammer_stop(&a->hammer[i]);
	rc = world_free(a->w);
	free(a);
	return rc;
}

int
abuse_check_memory(const struct abuse *a, const char *what, char *why,
    size_t whylen)
{
	pid_t pid = a->w->warden;
	long rss = harness_proc_kib(pid, "VmRSS");
	long vmsize = harness_proc_kib(pid, "VmSize");
	long limit = vmsize > ABUSE_SANITIZER_VMSIZE_KIB ?
	    ABUSE_RSS_MAX_SAN_KIB : ABUSE_RSS_MAX_KIB;
	long growth = rss - a->rss_start_kib;

	printf("abuse: %s: wardend VmRSS %ld KiB (start %ld KiB, growth "
	    "%+ld KiB; limits %ld KiB, growth %d KiB)\n", what, rss,
	    a->rss_start_kib, growth, limit, ABUSE_RSS_GROWTH_KIB);
	if (rss < 0) {
		snprintf(why, whylen, "%s: cannot read wardend's VmRSS "
		    "(exited?)", what);
		return -1;
	}
	if (rss > limit || growth > ABUSE_RSS_GROWTH_KIB) {
		snprintf(why, whylen, "%s: wardend's VmRSS is %ld KiB, grown "
		    "by %ld KiB from %ld KiB (limits %ld KiB, growth %d KiB)",
		    what, rss, growth, a->rss_start_kib, limit,
		    ABUSE_RSS_GROWTH_KIB);
		return -1;
	}
	return 0;
}

int
abuse_takeover(const struct abuse *a, char *why, size_t whylen)
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
	ctl_run(a->w, res, "takeover", "-r", "test", (char *)NULL);
	took = harness_now() - t0;
	if (res->status != 0 || took > ABUSE_TAKEOVER_AT_ONCE) {
		snprintf(why, whylen, "wardenctl takeover exited %d after "
		    "%.0f ms (want 0 within %.0f ms): %s%s", res->status,
		    took * 1000, ABUSE_TAKEOVER_AT_ONCE * 1000, res->out,
		    res->err);
		goto out;
	}
	if (ctl_wait(a->w, "takeover", "operator", 1, ABUSE_VERIFY_TIMEOUT,
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
abuse_counter(const struct abuse *a, const char *name, uint64_t *value,
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
	if (ctl_status(a->w, st, why, whylen) != 0)
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

	wire_read_request(req, tid, ABUSE_UNIT,
	    MODBUS_FC_READ_HOLDING_REGISTERS, ABUSE_SCRATCH, 1);
	if (wire_send(fd, req, 12) != 0 ||
	    wire_recv_adu(fd, ans, sizeof(ans), ABUSE_PROBE_TIMEOUT) != 11 ||
	    wire_tid(ans) != tid ||
	    wire_fc(ans) != MODBUS_FC_READ_HOLDING_REGISTERS ||
	    wire_register(ans, 0) != expect)
		return -1;
	return harness_now() - t0;
}

int
abuse_good_open(struct abuse_good *g, const struct abuse *a,
    uint16_t expect, char *why, size_t whylen)
{
	memset(g, 0, sizeof(*g));
	g->expect = expect;
	g->fd = -1;
	if (abuse_set_scratch(a, expect) != 0) {
		snprintf(why, whylen, "cannot write plcsim's scratch register");
		return -1;
	}
	if ((g->fd = wire_connect(a->w->port)) == -1) {
		snprintf(why, whylen, "the well-behaved client cannot connect");
		return -1;
	}
	return 0;
}

int
abuse_good_probe(struct abuse_good *g, char *why, size_t whylen)
{
	double took = abuse_probe(g->fd, ++g->tid, g->expect);

	if (took < 0) {
		snprintf(why, whylen, "the well-behaved client got no right "
		    "answer (request %u)", g->tid);
		return -1;
	}
	if (took > g->worst)
		g->worst = took;
	if (took >= ABUSE_FAST) {
		snprintf(why, whylen, "the well-behaved client waited %.0f ms "
		    "(request %u)", took * 1000, g->tid);
		return -1;
	}
	g->served++;
	return 0;
}

void
abuse_good_close(struct abuse_good *g, const char *what)
{
	printf("abuse: %s: well-behaved client served %d times, worst "
	    "%.1f ms\n", what, g->served, g->worst * 1000);
	if (g->fd != -1)
		close(g->fd);
	g->fd = -1;
}

int
abuse_check_only_intended(const struct abuse *a, int from, char *why,
    size_t whylen)
{
	const char *journal = a->w->plc[0].journal;
	int all = abuse_journal_count(journal, from, -1, -1, 0x10000);
	int scratch = abuse_journal_count(journal, from,
	    MODBUS_FC_READ_HOLDING_REGISTERS, ABUSE_SCRATCH, ABUSE_SCRATCH + 1);
	int polls = abuse_journal_count(journal, from,
	    MODBUS_FC_READ_HOLDING_REGISTERS, ABUSE_VALVE, ABUSE_VALVE + 1);
	int safe = abuse_journal_count(journal, from,
	    MODBUS_FC_WRITE_SINGLE_REGISTER, ABUSE_VALVE, ABUSE_VALVE + 1);
	int intended = scratch + polls + safe;

	if (all == intended)
		return 0;
	abuse_show_lines(journal, from, 1000);
	snprintf(why, whylen, "%d requests reached the device that no "
	    "well-behaved client, poll or safe state sent", all - intended);
	return -1;
}

int
abuse_check_log_quiet(const struct abuse *a, int log_from,
    unsigned count, const char *what, char *why, size_t whylen)
{
	int lines = abuse_count_lines(a->w->log) - log_from;

	printf("abuse: %u %s: %d log lines\n", count, what, lines);
	if (lines < ABUSE_LOG_MAX)
		return 0;
	abuse_show_lines(a->w->log, log_from, 20);
	snprintf(why, whylen, "%u %s wrote %d log lines (want < %d: "
	    "rate-limited)", count, what, lines, ABUSE_LOG_MAX);
	return -1;
}

void
abuse_garbage(uint8_t *buf, size_t len, uint32_t *seed)
{
	size_t i;

	for (i = 0; i < len; i++) {
		*seed ^= *seed << 13;
		*seed ^= *seed >> 17;
		*seed ^= *seed << 5;
		buf[i] = (uint8_t)*seed;
	}
	/* With a protocol id of 0 it could be a frame, which a gateway may
	 * rightly forward. */
	if (len > 2)
		buf[2] |= 0x80;
}

int
abuse_connect_small_window(uint16_t port)
{
	struct sockaddr_in sin;
	int fd, size = 4096;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	/* Before connect, or the window is already advertised. */
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    fcntl(fd, F_SETFL, O_NONBLOCK) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

int
abuse_set_scratch(const struct abuse *a, uint16_t value)
{
	modbus_t *ctx = world_plc_client(a->w, 0, ABUSE_UNIT);
	int rc;

	if (ctx == NULL)
		return -1;
	rc = modbus_write_register(ctx, ABUSE_SCRATCH, value) == 1 ? 0 : -1;
	world_client_free(ctx);
	return rc;
}
