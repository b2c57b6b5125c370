/*
 * learn_table.h: what the AI read and wrote while wardend ran in
 * `mode: monitor`, per address, for `wardenctl learn` to propose write
 * limits from. Pure: no I/O, no clock (now is passed in, seconds since
 * the epoch), one allocation at creation and none after.
 *
 * Bounded whatever the traffic: the table holds at most `capacity`
 * addresses, chosen when it is made. An address is kept from the first
 * request that touches it while there is room; once the table is full,
 * observations of addresses it does not hold are dropped and counted
 * (dropped_reads, dropped_writes), while the addresses it holds go on
 * being counted. Reads may fill only three quarters of it, so that an
 * AI (or a scan) reading thousands of registers cannot crowd out the
 * addresses it writes: the last quarter is for writes only.
 *
 * An entry is one address of one device's table (key.width 1), or a
 * point: a 32-bit point of the config (width 2, its first address), or
 * an address pair written together by one fc 16 or 23 of exactly two
 * registers (width 2: the traffic's evidence of a 32-bit value). Values
 * are raw numbers, as the caller passes them.
 */
#ifndef WARDEN_LEARN_TABLE_H
#define WARDEN_LEARN_TABLE_H

#include <stddef.h>
#include <stdint.h>

struct learn_key {
	uint16_t device;                /* index into the config's devices */
	uint8_t table;                  /* enum point_table */
	uint8_t width;                  /* 1, or 2 for a 32-bit value */
	uint16_t address;
};

struct learn_entry {
	struct learn_key key;
	int used;
	uint64_t reads, writes;         /* requests touching it */
	uint32_t read_fcs, write_fcs;   /* bit fc set for each fc < 32 seen */
	double first;                   /* first seen */
	/* Writes with one known value (a mask write leaving bits to the
	 * device has none): their range, the last of them and when. */
	uint64_t valued;
	double min, max, last, last_at;
	/* The last value the AI read back from the device, and when. */
	int has_seen;
	double seen, seen_at;
	/* The largest step of a valued write from the value known before
	 * it: the newer of the last valued write and the last value read
	 * back (what max_step judges against). Between consecutive valued
	 * writes, the largest rate; rate_unbounded: two different values
	 * within LEARN_SAME_INSTANT, which no max_rate allows. Between any
	 * two writes, the shortest interval. */
	int has_step;
	double max_step;
	int has_rate;
	double max_rate;
	int rate_unbounded;
	int has_interval;
	double min_interval;
	double last_write_at;
};

/* The addresses wardend keeps: 8192 slots of 168 bytes, 1.3 MiB, made
 * only in monitor mode. */
#define LEARN_CAPACITY 4096

/* Writes closer than this count as one instant (the loop's clock). */
#define LEARN_SAME_INSTANT 1e-6

struct learn_totals {
	double since;                   /* when learning began */
	size_t entries, capacity;
	uint64_t requests;
	uint64_t functions[256];        /* requests by function code */
	uint64_t dropped_reads;         /* observations not kept: full */
	uint64_t dropped_writes;
	uint64_t partial;               /* writes of part of a 32-bit point */
};

struct learn_table;

/* A table of capacity addresses (at least 4), learning since now; NULL
 * when out of memory. */
struct learn_table *learn_table_new(size_t capacity, double now);
void learn_table_free(struct learn_table *t);

/* One request of function fc. */
void learn_table_request(struct learn_table *t, uint8_t fc);
/* key was read by a request of function fc. */
void learn_table_read(struct learn_table *t, const struct learn_key *key,
    uint8_t fc, double now);
/* key was written by fc: value when has_value. */
void learn_table_write(struct learn_table *t, const struct learn_key *key,
    uint8_t fc, int has_value, double value, double now);
/* key, which the table holds already, was read from the device and
 * held value: the value the AI's next write steps from. An address the
 * table does not hold is not added. */
void learn_table_seen(struct learn_table *t, const struct learn_key *key,
    double value, double now);
/* A write of part of a 32-bit point: nothing to learn from it. */
void learn_table_partial(struct learn_table *t);

const struct learn_entry *learn_table_find(const struct learn_table *t,
    const struct learn_key *key);
const struct learn_totals *learn_table_totals(const struct learn_table *t);
/*
 * The entries ordered by device, table, address, then width, into out
 * (room for learn_table_totals()->entries of them); returns how many.
 */
size_t learn_table_sorted(const struct learn_table *t,
    const struct learn_entry **out);

#endif
