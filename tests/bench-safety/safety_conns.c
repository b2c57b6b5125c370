/*
 * safety_conns.c: wardend's memory with many connections open and all of
 * them active. One thread keeps a read in flight on every connection
 * (send one on each, then collect each answer, again and again) while
 * VmRSS is sampled from /proc every 50 ms.
 */
#include "safety.h"
#include "../integration/abuse_support.h"
#include "../integration/wire.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define CONNS_ANSWER_TIMEOUT 2.0
#define CONNS_SAMPLE 0.05
#define CONNS_SETTLE 0.5        /* every connection served before sampling */

struct conns_pump {
	int *fds;
	unsigned n;
	uint16_t address;
	pthread_t thread;
	atomic_int stop;
	atomic_uint_fast64_t rounds;    /* every connection answered once */
	atomic_uint_fast64_t errors;
};

static void *
conns_pump_main(void *arg)
{
	struct conns_pump *p = arg;
	uint8_t adu[WIRE_MAX_ADU];
	size_t len;
	uint16_t tid;
	unsigned i;
	int failed;

	for (tid = 1; !atomic_load(&p->stop); tid++) {
		failed = 0;
		for (i = 0; i < p->n; i++) {
			len = wire_read_request(adu, tid, 1,
			    MODBUS_FC_READ_HOLDING_REGISTERS, p->address, 1);
			failed |= wire_send(p->fds[i], adu, len) != 0;
		}
		for (i = 0; i < p->n; i++)
			failed |= wire_recv_adu(p->fds[i], adu, sizeof(adu),
			    CONNS_ANSWER_TIMEOUT) <= 0 || wire_tid(adu) != tid;
		atomic_fetch_add(failed ? &p->errors : &p->rounds, 1);
	}
	return NULL;
}

/* Open n connections; how many opened. */
static unsigned
conns_open(int *fds, unsigned n, uint16_t port)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if ((fds[i] = wire_connect(port)) == -1)
			break;
	return i;
}

struct conns_mem {
	long rss, anon, hwm, max_rss;
};

static void
conns_mem_read(pid_t pid, struct conns_mem *m)
{
	m->rss = harness_proc_kib(pid, "VmRSS");
	m->anon = harness_proc_kib(pid, "RssAnon");
	m->hwm = harness_proc_kib(pid, "VmHWM");
	if (m->rss > m->max_rss)
		m->max_rss = m->rss;
}

static void
conns_report(const struct conns_mem *idle, const struct conns_mem *busy,
    unsigned n, const struct conns_pump *p, double seconds)
{
	printf("  wardend idle:               VmRSS %6ld KiB (RssAnon %5ld "
	    "KiB)\n", idle->rss, idle->anon);
	printf("  %3u connections, active:    VmRSS %6ld KiB (RssAnon %5ld "
	    "KiB); max seen %ld KiB, VmHWM %ld KiB\n", n, busy->rss,
	    busy->anon, busy->max_rss, busy->hwm);
	printf("  %.1f KiB more per connection; %.0f reads/s over all of "
	    "them, %llu rounds with an error\n",
	    (double)(busy->rss - idle->rss) / n,
	    (double)atomic_load(&p->rounds) * n / seconds,
	    (unsigned long long)atomic_load(&p->errors));
	/* Issue 5 sets no number: the hostile-peer tests' bound. */
	safety_report_target("VmRSS with the connections active (bound of "
	    "the hostile-peer tests)", (double)busy->max_rss, "<=",
	    ABUSE_RSS_MAX_KIB, "KiB");
}

static int
conns_measure(const struct world *w, struct conns_pump *p,
    double seconds, const struct conns_mem *idle)
{
	struct conns_mem busy = { 0, 0, 0, 0 };
	double end, started;

	if (pthread_create(&p->thread, NULL, conns_pump_main, p) != 0)
		return -1;
	safety_nap(CONNS_SETTLE);
	started = safety_mono();
	end = started + seconds;
	while (safety_mono() < end && !safety_interrupted()) {
		conns_mem_read(w->warden, &busy);
		safety_nap(CONNS_SAMPLE);
	}
	conns_mem_read(w->warden, &busy);
	atomic_store(&p->stop, 1);
	pthread_join(p->thread, NULL);
	conns_report(idle, &busy, p->n, p, safety_mono() - started +
	    CONNS_SETTLE);
	return 0;
}

int
safety_conns_memory(const struct world *w, unsigned connections,
    uint16_t address, double seconds)
{
	struct conns_pump *p = calloc(1, sizeof(*p));
	struct conns_mem idle = { 0, 0, 0, 0 };
	unsigned opened = 0, i;
	int rc = -1;

	if (p == NULL || (p->fds = calloc(connections, sizeof(int))) == NULL)
		goto out;
	p->address = address;
	conns_mem_read(w->warden, &idle);
	opened = conns_open(p->fds, connections, w->port);
	if (opened < connections) {
		fprintf(stderr, "bench-safety: only %u of %u connections "
		    "opened\n", opened, connections);
		goto out;
	}
	p->n = opened;
	rc = conns_measure(w, p, seconds, &idle);
out:
	for (i = 0; i < opened; i++)
		close(p->fds[i]);
	if (p != NULL)
		free(p->fds);
	free(p);
	return rc;
}
