/*
 * bench_rtu.c: the RTU figure of `make bench` (issue 13). For each speed
 * (19200 and 115200 baud, 8E1), plcsim --serial on one end of a socat
 * pseudo-terminal pair and wardend (mode monitor, one serial device) on
 * the other; one libmodbus client reads 10 holding registers through
 * wardend back to back for --seconds (default 3) and the transactions
 * per second and latency are held against the line's physical limit:
 * the request's and the answer's bits at the baud rate (8 + 25 bytes of
 * 11 bits), and with the 3.5 character times of silence the serial
 * line spec wants before each of the two frames.
 *
 * A pty has no speed: its bytes arrive at once, whatever baud it was
 * set to. So what is measured is wardend's own pacing (the silence it
 * keeps before each request, its framing, the loop) plus plcsim's and
 * socat's turnaround, not a wire: the figure can pass the line's limit,
 * and says so. On a real line the wire time adds to it.
 *
 * bench-rtu [--seconds S]: the table on standard output; exits 1 when a
 * run failed (no answer, a process did not start).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <modbus.h>

#include "rtu.h"
#include "../integration/world.h"

#define REGISTERS 10
#define REQ_BYTES 8                             /* unit fc addr qty crc */
#define ANS_BYTES (5 + 2 * REGISTERS)           /* unit fc count data crc */

struct rtu_run {
	unsigned baud;
	unsigned long done, failed;
	double seconds;
	double p50, p99;                        /* ms */
};

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static pid_t
start_socat(const struct world *w)
{
	char a[WORLD_PATH_MAX + 32], b[WORLD_PATH_MAX + 32];
	char log[WORLD_PATH_MAX + 32];
	char *argv[] = { "/usr/bin/socat", a, b, NULL };
	double until = now_s() + 5;
	pid_t pid;

	snprintf(a, sizeof a, "pty,raw,echo=0,link=%s/wardend-tty", w->dir);
	snprintf(b, sizeof b, "pty,raw,echo=0,link=%s/plc-tty", w->dir);
	snprintf(log, sizeof log, "%s/socat.log", w->dir);
	if ((pid = harness_spawn(argv, log)) == -1)
		return -1;
	snprintf(a, sizeof a, "%s/wardend-tty", w->dir);
	snprintf(b, sizeof b, "%s/plc-tty", w->dir);
	while (access(a, F_OK) != 0 || access(b, F_OK) != 0) {
		if (now_s() > until || harness_exited(pid)) {
			harness_stop(pid, 1);
			return -1;
		}
		harness_nap(0.01);
	}
	return pid;
}

/* One speed: 0, or -1 when it could not be measured. */
static int
rtu_measure(struct rtu_run *run, double seconds)
{
	struct world *w = world_new(NULL);
	struct world_plc_options plc = { NULL, NULL, 1, 1 };
	char args[WORLD_PATH_MAX + 64];
	double *lat = NULL, t0, t, end;
	size_t cap = 1 << 16, n = 0;
	uint16_t regs[REGISTERS];
	modbus_t *ctx = NULL;
	pid_t socat = -1;
	int rc = -1;

	if (w == NULL || (socat = start_socat(w)) == -1)
		goto out;
	snprintf(args, sizeof args, "--serial %s/plc-tty,%u,E,8,1 --unit 1",
	    w->dir, run->baud);
	plc.args = args;
	if (world_add_plc(w, &plc) != 0)
		goto out;
	snprintf(w->devices, sizeof w->devices,
	    "  - {name: rtu, unit_id: 1, timeout: 500ms, serial: "
	    "{port: %s/wardend-tty, baud: %u, parity: E}}\n", w->dir,
	    run->baud);
	if (world_start(w, WORLD_MONITOR) != 0 ||
	    (ctx = world_client(w, 1, 2)) == NULL ||
	    world_wait_path(ctx, 0, 5) != 0 ||
	    (lat = malloc(cap * sizeof *lat)) == NULL)
		goto out;
	end = now_s() + seconds;
	t0 = now_s();
	while ((t = now_s()) < end) {
		if (modbus_read_registers(ctx, 0, REGISTERS, regs) !=
		    REGISTERS) {
			run->failed++;
			continue;
		}
		if (n < cap)
			lat[n++] = now_s() - t;
		run->done++;
	}
	run->seconds = now_s() - t0;
	qsort(lat, n, sizeof *lat, cmp_double);
	if (n > 0) {
		run->p50 = lat[n / 2] * 1e3;
		run->p99 = lat[(size_t)(n * 0.99)] * 1e3;
	}
	rc = run->done > 0 ? 0 : -1;
out:
	world_client_free(ctx);
	free(lat);
	if (w != NULL) {
		if (rc != 0)
			w->failed = 1;
		if (world_free(w) != 0)
			rc = -1;
	}
	if (socat > 0)
		harness_stop(socat, 2);
	return rc;
}

int
main(int argc, char **argv)
{
	struct rtu_run runs[] = { { .baud = 19200 }, { .baud = 115200 } };
	double seconds = 3;
	size_t i;
	int failed = 0;

	if (argc == 3 && strcmp(argv[1], "--seconds") == 0)
		seconds = atof(argv[2]);
	else if (argc != 1) {
		fprintf(stderr, "usage: bench-rtu [--seconds S]\n");
		return 2;
	}
	printf("RTU through wardend over a pty pair (socat), plcsim "
	    "--serial; 1 client, reads of %d holding registers, 8E1, "
	    "%.0f s each\n", REGISTERS, seconds);
	printf("%-7s %9s %9s %9s %9s %8s %8s %8s %s\n", "baud", "tx/s",
	    "wire/s", "spec/s", "vs.spec", "p50 ms", "p99 ms", "failed",
	    "");
	for (i = 0; i < sizeof runs / sizeof runs[0]; i++) {
		struct rtu_run *r = &runs[i];
		double c = rtu_char_time(r->baud, 8, 'E', 1);
		double wire = (REQ_BYTES + ANS_BYTES) * c;
		double spec = wire + 2 * rtu_t35(r->baud, c);
		double tps;

		if (rtu_measure(r, seconds) != 0) {
			printf("%-7u failed: see the kept logs\n", r->baud);
			failed = 1;
			continue;
		}
		tps = r->done / r->seconds;
		printf("%-7u %9.1f %9.1f %9.1f %8.2fx %8.3f %8.3f %8lu\n",
		    r->baud, tps, 1 / wire, 1 / spec, tps * spec, r->p50,
		    r->p99, r->failed);
	}
	printf("wire/s: the frames' bits at the baud rate alone; spec/s: "
	    "with t3.5 of silence before each frame.\n"
	    "A pty has no speed: tx/s is wardend's own pacing (t3.5 before "
	    "each request) and the\nturnaround of plcsim and socat, not a "
	    "wire; on a real line the wire time adds to it.\n");
	return failed;
}
