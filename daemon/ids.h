/*
 * ids.h: the intrusion detector (ids.c), pure: no I/O, no clock (time
 * is an argument), bounded memory. What it is told of (a frame, a
 * request, an exception, a write, a stray answer) it turns into
 * intrusions of ten kinds, like Suricata's Modbus app-layer events, and
 * rate-limits their reports: for each kind and source at most one report
 * per window, which counts what was seen since the one before.
 *
 * Sources are strings (a client's address, a device's name) in a table
 * of IDS_SOURCES; a new one beyond it takes the place of the one seen
 * longest ago, whose unreported occurrences are reported first. Writes
 * are counted per point (a burst is on one point, whoever writes).
 * warden.yaml(5) (intrusion:) and wardend(8) (AUDIT LOG) say what each
 * kind means.
 */
#ifndef WARDEN_IDS_H
#define WARDEN_IDS_H

#include <stddef.h>
#include <stdint.h>

enum ids_kind {
	IDS_INVALID_PROTOCOL,   /* MBAP protocol id not 0 */
	IDS_INVALID_LENGTH,     /* MBAP length field outside 2..254 */
	IDS_INVALID_UNIT,       /* a unit id no device serves */
	IDS_UNKNOWN_FUNCTION,   /* a function code no Modbus spec defines */
	IDS_EXCEPTION_STORM,    /* exceptions answered beyond the limit */
	IDS_ADDRESS_SCAN,       /* unmapped addresses beyond the limit */
	IDS_FLOOD,              /* requests per second beyond the limit */
	IDS_WRITE_BURST,        /* writes to one point beyond the limit */
	IDS_UNSOLICITED_ANSWER, /* a device answered with nothing asked */
	IDS_DUPLICATE_ANSWER,   /* an answer matching no request in flight */
};
#define IDS_KIND_COUNT 10

/* Sources tracked at once, and the longest source name kept. */
#define IDS_SOURCES 256
#define IDS_SOURCE_MAX 64
/* The most distinct unmapped addresses a scan limit may name. */
#define IDS_SCAN_MAX 1024

/* The limits (warden.yaml intrusion:); a limit of 0 turns its kind off. */
struct ids_limits {
	double window;                  /* s, > 0 */
	unsigned scan_addresses;        /* distinct, per source per window */
	unsigned flood_per_second;      /* requests, per source per second */
	unsigned write_burst;           /* writes, per point per window */
	unsigned exception_storm;       /* exceptions, per source per window */
};

/*
 * One report: count occurrences of kind from source since its last
 * report (at least 1), the first of them at first, the last at last.
 * detail says what the last one was about: the function code
 * (unknown_function), the unit id (invalid_unit), the point index
 * (write_burst); -1 otherwise. The strings live for the call only.
 */
struct ids_report {
	enum ids_kind kind;
	const char *source;
	uint64_t count;
	double first, last;
	long detail;
};
typedef void ids_report_fn(void *ctx, const struct ids_report *r);

/* A detector for n_points points, reporting to fn(ctx, ...); NULL when
 * out of memory. lim->scan_addresses must be <= IDS_SCAN_MAX. */
struct ids *ids_new(const struct ids_limits *lim, size_t n_points,
    ids_report_fn *fn, void *ctx);
void ids_free(struct ids *ids);

/* An occurrence of a kind that needs no counting to be one: the two
 * invalid framings, invalid_unit, unknown_function and the two answers. */
void ids_event(struct ids *ids, const char *source, enum ids_kind kind,
    long detail, double now);
/* A request from source, each one (flood). */
void ids_request(struct ids *ids, const char *source, double now);
/* An exception answered to source (exception_storm). */
void ids_exception(struct ids *ids, const char *source, double now);
/* A request of source's none of whose addresses a point covers; key
 * names its first address (unit, table, address), as the caller likes. */
void ids_unmapped(struct ids *ids, const char *source, uint32_t key,
    double now);
/* A write of source's to point (an index below n_points). */
void ids_write(struct ids *ids, const char *source, size_t point,
    double now);
/*
 * Report what a window that has ended still holds unreported. Returns 1
 * while something is held back (call again later), 0 when nothing is.
 */
int ids_sweep(struct ids *ids, double now);
/* Is something held back (ids_sweep() would have work)? */
int ids_pending(const struct ids *ids);
/* The occurrences of kind so far, reported or held back. */
uint64_t ids_occurred(const struct ids *ids, enum ids_kind kind);

/* "invalid_protocol", ... (the audit's and the metric's names). */
const char *ids_kind_name(enum ids_kind kind);
/* Its kind by name, or -1. */
int ids_kind_from_name(const char *name);
/* Does a Modbus spec define fc as a request (public or user-defined)? */
int ids_function_defined(uint8_t fc);

#endif
