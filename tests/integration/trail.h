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

/* A single-value write: what a safe-state entry puts on the wire. */
struct trail_expect {
	int fc;                         /* 5 (coil) or 6 (register) */
	int address;
	uint16_t value;                 /* fc 5: 0 or 1 */
};

/*
 * The client ("ip:port") of the first write in the journal that puts
 * value at address, into client; 0, or -1 when there is none.
 */
int trail_client_of(const char *journal, int address, uint16_t value,
    char *client, size_t cap);

/*
 * What a takeover must leave in the journal, from `since` (unix time)
 * on: at least one write; every write is one of the n safe-state writes,
 * or a fc 6 to ignore_address (the life bit; -1: none); none comes from
 * ai_client (NULL: not checked); the first is safe[0]; the last write of
 * the whole journal (the life bit aside) is safe[n - 1]; and no write
 * anywhere after the last one of each safe address's value changed it.
 * 0 when all hold; -1 with why (a sentence and the writes) otherwise.
 */
int trail_check_safe_state(const char *journal, double since,
    const struct trail_expect *safe, int n, int ignore_address,
    const char *ai_client, char *why, size_t whylen);

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
