/*
 * metrics.c: the counting of metrics.h. Pure: no I/O, no clock; the
 * latency is measured by whoever hands the request to a device.
 */
#include "metrics.h"

void
metrics_count_decision(struct metrics *m, const struct policy_decision *d,
    enum config_mode mode)
{
	static const enum metrics_verdict enforce[] = {
		[POLICY_ALLOW] = METRICS_ALLOWED,
		[POLICY_CLAMP] = METRICS_CLAMPED,
		[POLICY_RAMP] = METRICS_RAMPED,
		[POLICY_READ] = METRICS_REJECTED,
		[POLICY_REJECT] = METRICS_REJECTED,
		[POLICY_TAKEOVER] = METRICS_REJECTED,
	};
	static const enum metrics_verdict monitor[] = {
		[POLICY_ALLOW] = METRICS_ALLOWED,
		[POLICY_CLAMP] = METRICS_WOULD_CLAMP,
		[POLICY_RAMP] = METRICS_WOULD_RAMP,
		[POLICY_READ] = METRICS_WOULD_REJECT,
		[POLICY_REJECT] = METRICS_WOULD_REJECT,
		[POLICY_TAKEOVER] = METRICS_WOULD_TAKEOVER,
	};

	m->requests[mode == MODE_MONITOR ? monitor[d->verdict] :
	    enforce[d->verdict]]++;
}

void
metrics_count_read(struct metrics *m, const struct policy_decision *d,
    enum config_mode mode)
{
	if (d->verdict == POLICY_ALLOW)
		m->requests[METRICS_FORWARDED_READ]++;
	else if (mode == MODE_MONITOR)
		m->requests[METRICS_WOULD_REJECT]++;
	else
		m->requests[METRICS_REJECTED_READ]++;
}
