/*
 * trail.h: the two records a test judges wardend by, read whole: the
 * writes plcsim's journal says reached the device (with their time and
 * connection), and the records of wardend's audit log.
 */
#ifndef WARDEN_TRAIL_H
#define WARDEN_TRAIL_H

#include <stddef.h>
#include <stdint.h>

#define TRAIL_MAX_VALUES 256
#define TRAIL_FIELD_MAX 64

/* One write request the device received (fc 5, 6, 15, 16, 22, 23). */
struct trail_write {
	double t;                       /* unix time, as journalled */
	char client[TRAIL_FIELD_MAX];   /* "ip:port" of the connection */
	int fc;
	int address;                    /* fc 23: its write_address */
	int n_values;                   /* fc 22: and_mask, or_mask */
	uint16_t values[TRAIL_MAX_VALUES];
};

/* Every write in the journal, in order, into a malloc'd array (NULL when
 * there is none). Returns the count, or -1 when unreadable. */
int trail_device_writes(const char *journal, struct trail_write **out);

/* 1 when w writes `value` at `address` (any of its registers/coils). */
int trail_write_holds(const struct trail_write *w, int address,
    uint16_t value);

/* One audit record, the fields the tests look at. */
struct trail_record {
	uint64_t seq;
	double ts;                      /* unix time */
	char event[TRAIL_FIELD_MAX];
	char client[TRAIL_FIELD_MAX];
	char point[TRAIL_FIELD_MAX];
	char rule[256];                 /* release_refused: the reason */
	char cause[TRAIL_FIELD_MAX];
	char reason[256];
	int fc;                         /* -1 when absent */
	int exception;                  /* -1 when absent */
	int has_value, has_forwarded;
	double value, forwarded;
};

/* Every record of the audit log (complete lines only), malloc'd. Returns
 * the count, or -1 when the file is unreadable or a line is not JSON. */
int trail_audit_records(const char *path, struct trail_record **out);

/* The first record at index >= from with this event, point and rule
 * (NULL: any); its index, or -1. */
int trail_audit_find(const struct trail_record *recs, int n, int from,
    const char *event, const char *point, const char *rule);
/* How many records have this event (and point, rule when not NULL). */
int trail_audit_count(const struct trail_record *recs, int n,
    const char *event, const char *point, const char *rule);

#endif
