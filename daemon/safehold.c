/*
 * safehold.c: drift episodes of a held safe-state point. See safehold.h.
 */
#include "safehold.h"

double
safehold_settle(double poll_interval)
{
	double polls = SAFEHOLD_SETTLE_POLLS * poll_interval;

	return polls > SAFEHOLD_SETTLE_MIN ? polls : SAFEHOLD_SETTLE_MIN;
}

void
safehold_verified(struct safehold *h, double now)
{
	if (!h->off)
		return;
	h->off = 0;
	h->held_since = now;
}

enum safehold_event
safehold_read(struct safehold *h, int at_safe, double now, double settle)
{
	if (!at_safe) {
		if (!h->off)
			h->drifts++;
		h->off = 1;
		if (h->open)
			return SAFEHOLD_NONE;
		h->open = 1;
		h->drifts = 1;
		h->redrives = 0;
		return SAFEHOLD_DRIFT;
	}
	safehold_verified(h, now);
	if (!h->open || now - h->held_since < settle)
		return SAFEHOLD_NONE;
	h->open = 0;
	return SAFEHOLD_SETTLED;
}

const char *
safehold_status(const struct safehold *h, int verified, int hold)
{
	if (h->open)
		return hold ? "re-driving" : "drifted";
	return verified ? "verified" : "pending";
}
