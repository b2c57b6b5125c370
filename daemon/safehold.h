/*
 * safehold.h: holding a safe-state point once it has been verified. In
 * TAKEOVER wardend keeps reading each safe-state point; every read says
 * whether the point is still at its safe value, and the reads are
 * counted into episodes so that a PLC that fights back (its logic
 * rewrites the point every scan) cannot flood the audit log.
 *
 * An episode opens at the first read that finds the point off its safe
 * value: that read is recorded (safe_state_drift, with the value found).
 * While it is open, each further change away from the safe value is
 * counted (drifts), and so is each write of the safe value (redrives),
 * but nothing more is recorded. It closes once the point has read its
 * safe value, without a break, for the settle time: recorded as
 * safe_state_verified, with both counts. So a point writes at most two
 * records per settle time, however hard it is fought over.
 *
 * Pure: no I/O, no clock (time is an argument).
 */
#ifndef WARDEN_SAFEHOLD_H
#define WARDEN_SAFEHOLD_H

/* The settle time: at least this long, and at least this many polls. */
#define SAFEHOLD_SETTLE_MIN 2.0
#define SAFEHOLD_SETTLE_POLLS 4

enum safehold_event {
	SAFEHOLD_NONE,
	SAFEHOLD_DRIFT,         /* an episode opened: record the drift */
	SAFEHOLD_SETTLED,       /* it closed: record the point verified */
};

/* Zeroed: no episode, the point not yet known to be off. */
struct safehold {
	int open;               /* an episode is open */
	int off;                /* the last read found it off its value */
	double held_since;      /* read at its safe value since (open) */
	unsigned drifts;        /* in this episode: times found off */
	unsigned redrives;      /* in this episode: writes of the value */
};

/* The settle time of a point on a device polled every poll_interval. */
double safehold_settle(double poll_interval);

/* The safe value was written and read back at now. */
void safehold_verified(struct safehold *h, double now);

/* A read made while holding: at_safe when it found the safe value. */
enum safehold_event safehold_read(struct safehold *h, int at_safe,
    double now, double settle);

/*
 * The word `wardenctl status` shows for the point: "pending" until its
 * first write is verified, then "verified"; during an episode
 * "re-driving" (hold) or "drifted" (no hold), even once the value is
 * back, until the episode closes. verified: the last write was read back
 * at the safe value and no write is due.
 */
const char *safehold_status(const struct safehold *h, int verified,
    int hold);

#endif
