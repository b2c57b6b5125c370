/*
 * abuse_support.h: what the abuse tests need beside the world: the
 * checks every abuse case ends with (memory measured, takeover still
 * works, counters, log size, what reached the device), a well-behaved
 * client's timed requests, and the hammering threads (hammer.h) the
 * state owns.
 *
 * No cmocka here: checks return -1 and say why, and the test turns that
 * into a failure.
 */
#ifndef WARDEN_ABUSE_SUPPORT_H
#define WARDEN_ABUSE_SUPPORT_H

#include <stddef.h>
#include <stdint.h>

#include "ctl.h"
#include "hammer.h"
#include "world.h"

/* The healthy device (plcsim, unit 1) and its registers. */
#define ABUSE_UNIT 1
#define ABUSE_VALVE 0           /* holding: the safe-state point */
#define ABUSE_SCRATCH 200       /* holding: what well-behaved clients read */
/* Every abusive frame addresses this register: none may reach a device. */
#define ABUSE_MARK 4242

/* Memory bounds (the brief: generous, measured). A sanitizer build's
 * allocator keeps freed memory in quarantine, so only growth is bounded
 * tightly there. */
#define ABUSE_RSS_MAX_KIB (32 * 1024)
#define ABUSE_RSS_MAX_SAN_KIB (64 * 1024)
#define ABUSE_RSS_GROWTH_KIB (16 * 1024)

#define ABUSE_FAST 0.1                  /* a well-behaved answer, seconds */
#define ABUSE_LOG_MAX 50                /* log lines for a whole flood */

#define ABUSE_HAMMERS 2

/* One abuse test's state: its world (the healthy plcsim as device tank1,
 * unit 1; the test may add devices before abuse_start), wardend's memory
 * after start-up, and the hammering threads, stopped by abuse_free so a
 * failing test leaves none behind. */
struct abuse {
	struct world *w;
	char limits[256];               /* the limits: flow map */
	long rss_start_kib;             /* after start-up, before any abuse */
	struct hammer hammer[ABUSE_HAMMERS];
};

/* A world with the healthy plcsim (tank1) and these limits (NULL:
 * WORLD_LIMITS); NULL on failure. */
struct abuse *abuse_new(const char *limits);

/*
 * Start wardend (monitor mode, the limits, a safe state: valve, holding
 * 0, value 0) and wait until the healthy device answers through it;
 * then note its memory. 0, or -1 with why.
 */
int abuse_start(struct abuse *a, char *why, size_t whylen);

/* Stop the threads, then the world; world_free's result. */
int abuse_free(struct abuse *a);

/*
 * Print wardend's memory now against the start, and check it: under the
 * absolute bound (a larger one for sanitizer builds, recognised by their
 * terabytes of reserved shadow memory) and grown by less than
 * ABUSE_RSS_GROWTH_KIB. 0, or -1 with why.
 */
int abuse_check_memory(const struct abuse *a, const char *what,
    char *why, size_t whylen);

/*
 * `wardenctl takeover -r test`: it must exit 0 within a second, and
 * status must then show TAKEOVER (cause operator) with the safe state
 * verified within a few seconds. Prints how long each took. 0, or -1
 * with why.
 */
int abuse_takeover(const struct abuse *a, char *why, size_t whylen);

/* A counter of `wardenctl --json status`. 0, or -1 with why. */
int abuse_counter(const struct abuse *a, const char *name,
    uint64_t *value, char *why, size_t whylen);

/* Complete lines in a file (0 when it does not exist). */
int abuse_count_lines(const char *path);

/* Print up to `head` lines of a file from line `from` on, and how many
 * more there were: what a flooded log looks like, in brief. */
void abuse_show_lines(const char *path, int from, int head);

/* Print the lines of a file that contain needle (what wardend said
 * about one client). */
void abuse_show_matching(const char *path, const char *needle);

/* "127.0.0.1:PORT" of our end of fd, as wardend names the client. */
void abuse_local_name(int fd, char *name, size_t cap);

/*
 * Requests in plcsim's journal from line `from` on with this fc (-1:
 * any) and an address in [lo, hi); one pass, however long the journal.
 */
int abuse_journal_count(const char *path, int from, int fc, int lo, int hi);

/*
 * One read of the scratch register on a raw connection: the seconds it
 * took, or -1 when the answer was missing, late (2 s) or wrong.
 */
double abuse_probe(int fd, uint16_t tid, uint16_t expect);

/* A well-behaved raw client and the worst latency it has seen. */
struct abuse_good {
	int fd;
	uint16_t tid;
	uint16_t expect;                /* what the scratch register holds */
	double worst;
	int served;
};

/* Put expect into the scratch register and connect. 0, or -1 with why. */
int abuse_good_open(struct abuse_good *g, const struct abuse *a,
    uint16_t expect, char *why, size_t whylen);
/* One read, answered right within ABUSE_FAST. 0, or -1 with why. */
int abuse_good_probe(struct abuse_good *g, char *why, size_t whylen);
/* Print how it was served, and close it. */
void abuse_good_close(struct abuse_good *g, const char *what);

/*
 * Since journal line `from`, the healthy device got only what the
 * well-behaved clients, the poller and the safe state send: reads of the
 * scratch register and the valve, writes of the valve. 0, or -1 with why
 * (the journal is printed).
 */
int abuse_check_only_intended(const struct abuse *a, int from,
    char *why, size_t whylen);

/* The abuse of `count` connections added fewer than ABUSE_LOG_MAX lines
 * to wardend's log since line log_from (printed). 0, or -1 with why. */
int abuse_check_log_quiet(const struct abuse *a, int log_from,
    unsigned count, const char *what, char *why, size_t whylen);

/* len bytes of a fixed-seed xorshift, never with a protocol id of 0:
 * garbage, the same every run. */
void abuse_garbage(uint8_t *buf, size_t len, uint32_t *seed);

/* A non-blocking connection with a 4 KiB receive window, so answers it
 * never reads pile up in wardend rather than in the kernel; -1 on error. */
int abuse_connect_small_window(uint16_t port);

/* The scratch register holds value (written straight to plcsim). */
int abuse_set_scratch(const struct abuse *a, uint16_t value);

#endif
