/*
 * metrics_render.c: the Prometheus text exposition (metrics.h) of one
 * status snapshot and the counts of struct metrics. Pure.
 *
 * Label values need no escaping: device names may hold only letters,
 * digits, '_', '-' and '.' (config), and the other labels are ours.
 */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <modbus.h>

#include "metrics.h"
#include "status.h"

static const char *const metrics_verdict_names[METRICS_VERDICT_COUNT] = {
	"allowed", "clamped", "rejected", "isolated", "forwarded_read",
	"rejected_read", "would_clamp", "would_reject", "would_takeover",
	"invalid", "unknown_unit", "ramped", "would_ramp",
};

/* Exception codes shown even at 0, so that rate() has a start. */
static const uint8_t metrics_gateway_codes[] = {
	MODBUS_EXCEPTION_ILLEGAL_FUNCTION,
	MODBUS_EXCEPTION_ILLEGAL_DATA_ADDRESS,
	MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE,
	MODBUS_EXCEPTION_SLAVE_OR_SERVER_FAILURE,
	MODBUS_EXCEPTION_SLAVE_OR_SERVER_BUSY,
	MODBUS_EXCEPTION_GATEWAY_PATH,
	MODBUS_EXCEPTION_GATEWAY_TARGET,
};

/* The exposition being written; the first failure sticks. */
struct metrics_text {
	struct buf *out;
	int failed;
};

static void metrics_printf(struct metrics_text *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
metrics_printf(struct metrics_text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->failed)
		return;
	/* Most lines fit, and vsnprintf then gets a real buffer. */
	if (buf_reserve(t->out, 256) == -1) {
		t->failed = 1;
		return;
	}
	va_start(ap, fmt);
	n = vsnprintf((char *)buf_tail(t->out), buf_room(t->out), fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < buf_room(t->out)) {
		t->out->end += (size_t)n;
		return;
	}
	if (n < 0 || buf_reserve(t->out, (size_t)n + 1) == -1) {
		t->failed = 1;
		return;
	}
	va_start(ap, fmt);
	vsnprintf((char *)buf_tail(t->out), buf_room(t->out), fmt, ap);
	va_end(ap);
	t->out->end += (size_t)n;
}

static void
metrics_family(struct metrics_text *t, const char *name, const char *type,
    const char *help)
{
	metrics_printf(t, "# HELP %s %s\n# TYPE %s %s\n", name, help, name,
	    type);
}

static void
metrics_counter(struct metrics_text *t, const char *name, const char *help,
    uint64_t value)
{
	metrics_family(t, name, "counter", help);
	metrics_printf(t, "%s %llu\n", name, (unsigned long long)value);
}

static void
metrics_gauge(struct metrics_text *t, const char *name, const char *help,
    double value)
{
	metrics_family(t, name, "gauge", help);
	metrics_printf(t, "%s %.17g\n", name, value);
}

static void
metrics_render_state(struct metrics_text *t, const struct status *s)
{
	const struct guard_persisted *g = &s->guard;
	const struct guard_counters *gc = &s->guard_counters;
	unsigned i;

	metrics_family(t, "warden_mode", "gauge",
	    "1 for the configured mode (enforce or monitor).");
	metrics_printf(t, "warden_mode{mode=\"enforce\"} %d\n"
	    "warden_mode{mode=\"monitor\"} %d\n",
	    s->mode == MODE_ENFORCE, s->mode == MODE_MONITOR);
	metrics_family(t, "warden_state", "gauge",
	    "1 for the current state (auto or takeover).");
	metrics_printf(t, "warden_state{state=\"auto\"} %d\n"
	    "warden_state{state=\"takeover\"} %d\n",
	    g->state == GUARD_STATE_AUTO, g->state == GUARD_STATE_TAKEOVER);
	metrics_gauge(t, "warden_state_since_seconds",
	    "When the current state was entered, seconds since the epoch.",
	    g->since);
	metrics_family(t, "warden_takeovers_total", "counter",
	    "Entries into TAKEOVER, by cause.");
	for (i = 0; i < GUARD_CAUSE_COUNT; i++)
		metrics_printf(t, "warden_takeovers_total{cause=\"%s\"} %llu\n",
		    guard_cause_name((enum guard_cause)i),
		    (unsigned long long)gc->takeovers[i]);
	metrics_family(t, "warden_would_takeovers_total", "counter",
	    "Monitor mode: takeovers enforcement would have made, by cause.");
	for (i = 0; i < GUARD_CAUSE_COUNT; i++)
		metrics_printf(t, "warden_would_takeovers_total{cause=\"%s\"} "
		    "%llu\n", guard_cause_name((enum guard_cause)i),
		    (unsigned long long)gc->would_takeovers[i]);
	metrics_counter(t, "warden_violations_total",
	    "AI writes answered 0x01, 0x02 or 0x03, clamped or ramped.",
	    gc->violations);
	metrics_counter(t, "warden_releases_total",
	    "Operator releases back to AUTO.", gc->releases);
	metrics_counter(t, "warden_releases_refused_total",
	    "Releases refused (trip active, key switch, reason missing).",
	    gc->releases_refused);
}

static void
metrics_render_requests(struct metrics_text *t, const struct metrics *m,
    const struct status *s)
{
	const struct counters *c = &s->counters;
	unsigned i;

	metrics_family(t, "warden_requests_total", "counter",
	    "AI requests, by what became of them.");
	for (i = 0; i < METRICS_VERDICT_COUNT; i++)
		metrics_printf(t, "warden_requests_total{verdict=\"%s\"} %llu\n",
		    metrics_verdict_names[i],
		    (unsigned long long)m->requests[i]);
	metrics_family(t, "warden_exceptions_total", "counter",
	    "Modbus exceptions wardend answered the AI with, by code.");
	for (i = 0; i < 256; i++) {
		int always = memchr(metrics_gateway_codes, (int)i,
		    sizeof metrics_gateway_codes) != NULL;

		if (always || c->exceptions[i] != 0)
			metrics_printf(t, "warden_exceptions_total{code="
			    "\"0x%02x\"} %llu\n", i,
			    (unsigned long long)c->exceptions[i]);
	}
	metrics_family(t, "warden_intrusion_total", "counter",
	    "Intrusions detected, by kind: every occurrence, also those "
	    "the audit's rate limit folded into a count.");
	for (i = 0; i < IDS_KIND_COUNT; i++)
		metrics_printf(t, "warden_intrusion_total{kind=\"%s\"} %llu\n",
		    ids_kind_name((enum ids_kind)i),
		    (unsigned long long)c->intrusions[i]);
	if (histogram_render(&m->latency, "warden_request_duration_seconds",
	    "AI requests handed to a device, from the request to its answer.",
	    t->out) == -1)
		t->failed = 1;
	metrics_gauge(t, "warden_clients", "AI connections open.",
	    s->clients);
	metrics_counter(t, "warden_clients_accepted_total",
	    "AI connections accepted.", c->clients_accepted);
	metrics_counter(t, "warden_clients_refused_total",
	    "AI connections refused (allow_from, max_clients, a TLS "
	    "handshake that failed).", c->clients_refused);
	metrics_counter(t, "warden_tls_handshakes_total",
	    "TLS handshakes completed.", c->tls_handshakes);
	metrics_counter(t, "warden_tls_resumed_total",
	    "TLS handshakes that resumed a session.", c->tls_resumed);
	metrics_counter(t, "warden_malformed_total",
	    "AI connections closed for bad framing.", c->malformed);
	metrics_counter(t, "warden_device_timeouts_total",
	    "Device requests not answered within timeout.",
	    c->device_timeouts);
	metrics_counter(t, "warden_device_resets_total",
	    "Device connections reset.", c->device_resets);
}

/* A label value as the exposition format wants it: \\, \" and \n
 * escaped. */
static void
metrics_label(struct metrics_text *t, const char *text)
{
	for (; *text != '\0'; text++)
		if (*text == '\\' || *text == '"')
			metrics_printf(t, "\\%c", *text);
		else if (*text == '\n')
			metrics_printf(t, "\\n");
		else
			metrics_printf(t, "%c", *text);
}

/* Alarms and trips as `wardenctl status` lists them: the counts, each
 * alarm of the list with its state, and the holds. */
static void
metrics_render_conditions(struct metrics_text *t, const struct status *s)
{
	unsigned alarms = 0, trips = 0;
	size_t i;

	for (i = 0; i < s->n_alarms; i++)
		if (s->alarms[i].active && s->alarms[i].is_trip)
			trips++;
		else if (s->alarms[i].active)
			alarms++;
	metrics_gauge(t, "warden_alarms_active", "Alarms active (low, high; "
	    "device_loss when it does not take over).", alarms);
	metrics_gauge(t, "warden_trips_active",
	    "Trips active (low_low, high_high, rate, stale; device_loss "
	    "with on_device_loss: takeover), bypassed or not.", trips);
	metrics_family(t, "warden_alarm", "gauge",
	    "1 for each alarm of the list: its point (or device), kind, "
	    "level (alarm or trip) and ISA-18.2 state (unack, ack, "
	    "rtn_unack).");
	for (i = 0; i < s->n_alarms; i++) {
		const struct status_alarm *a = &s->alarms[i];

		metrics_printf(t, "warden_alarm{point=\"");
		metrics_label(t, a->source);
		metrics_printf(t, "\",kind=\"%s\",level=\"%s\",state=\"%s\"}"
		    " 1\n", monitor_kind_name(a->kind), a->is_trip ? "trip" :
		    "alarm", a->state);
	}
	metrics_family(t, "warden_hold_remaining_seconds", "gauge",
	    "Seconds left of each shelve or bypass in force.");
	for (i = 0; i < s->n_holds; i++) {
		metrics_printf(t, "warden_hold_remaining_seconds{point=\"");
		metrics_label(t, s->holds[i].source);
		metrics_printf(t, "\",hold=\"%s\"} %.3f\n", s->holds[i].hold,
		    s->holds[i].until > s->now ? s->holds[i].until - s->now :
		    0.);
	}
}

/* The process as wardend polls it, for a site's trends. */
static void
metrics_render_points(struct metrics_text *t, const struct status *s)
{
	size_t i;

	metrics_family(t, "warden_point_value", "gauge",
	    "Each polled point's last value, in engineering units.");
	for (i = 0; i < s->n_points; i++) {
		metrics_printf(t, "warden_point_value{point=\"");
		metrics_label(t, s->points[i].name);
		metrics_printf(t, "\",unit=\"");
		metrics_label(t, s->points[i].unit);
		if (isnan(s->points[i].value))
			metrics_printf(t, "\"} NaN\n");
		else
			metrics_printf(t, "\"} %.17g\n", s->points[i].value);
	}
}

/* One family of the serial devices' line errors. */
static void
metrics_render_serial_family(struct metrics_text *t, const struct status *s,
    const char *name, const char *help, size_t field)
{
	size_t i;

	metrics_family(t, name, "counter", help);
	for (i = 0; i < s->n_devices; i++)
		if (s->devices[i].serial)
			metrics_printf(t, "%s{device=\"%s\"} %llu\n", name,
			    s->devices[i].name, (unsigned long long)
			    *(const uint64_t *)((const char *)&s->devices[i] +
			    field));
}

/* Only when a device is on a serial line: a plant on TCP alone sees
 * no family it cannot have. */
static void
metrics_render_serial(struct metrics_text *t, const struct status *s)
{
	size_t i;

	for (i = 0; i < s->n_devices && !s->devices[i].serial; i++)
		;
	if (i == s->n_devices)
		return;
	metrics_render_serial_family(t, s, "warden_serial_timeouts_total",
	    "Requests to a serial device it did not answer in time (0x0B).",
	    offsetof(struct status_device, serial_timeouts));
	metrics_render_serial_family(t, s, "warden_serial_crc_errors_total",
	    "Answers from a serial device with a wrong CRC (0x0B).",
	    offsetof(struct status_device, serial_crc_errors));
	metrics_render_serial_family(t, s, "warden_serial_bad_frames_total",
	    "Answers on a serial line from another unit, of another "
	    "function or length, or cut short (0x0B).",
	    offsetof(struct status_device, serial_bad_frames));
	metrics_render_serial_family(t, s, "warden_serial_noise_total",
	    "Reads of bytes on a serial line that nobody asked for, "
	    "counted to the device asked last.",
	    offsetof(struct status_device, serial_noise));
}

static void
metrics_render_devices(struct metrics_text *t, const struct status *s)
{
	unsigned pending = 0;
	size_t i;

	metrics_family(t, "warden_device_up", "gauge",
	    "1 while wardend has a connection up to the device.");
	for (i = 0; i < s->n_devices; i++)
		metrics_printf(t, "warden_device_up{device=\"%s\"} %d\n",
		    s->devices[i].name, s->devices[i].up);
	metrics_family(t, "warden_device_stray_answers_total", "counter",
	    "Device answers that matched no request in flight, dropped.");
	for (i = 0; i < s->n_devices; i++)
		metrics_printf(t, "warden_device_stray_answers_total{device="
		    "\"%s\"} %llu\n", s->devices[i].name,
		    (unsigned long long)s->devices[i].stray_answers);
	metrics_render_serial(t, s);
	/* Counted only while driven: a takeover not yet on disk has
	 * nothing pending here, though status lists it "pending". */
	for (i = 0; s->safe_driving && i < s->n_safe; i++)
		if (strcmp(s->safe[i].status, "verified") != 0)
			pending++;
	metrics_gauge(t, "warden_safe_state_pending",
	    "Safe-state points not verified: not yet read back, or drifted "
	    "since.", pending);
	metrics_gauge(t, "warden_ramps_active",
	    "Points wardend is walking to the AI's value (on_violation: "
	    "ramp).", s->n_ramps);
}

static void
metrics_render_audit(struct metrics_text *t, const struct audit_stats *s)
{

	metrics_counter(t, "warden_audit_records_total",
	    "Audit records written whole.", s->records);
	metrics_counter(t, "warden_audit_write_errors_total",
	    "Audit records that could not be written.", s->write_errors);
	metrics_family(t, "warden_audit_fsync_seconds", "summary",
	    "Time the audit log's fsyncs took.");
	metrics_printf(t, "warden_audit_fsync_seconds_sum %.9g\n"
	    "warden_audit_fsync_seconds_count %llu\n",
	    (double)s->fsync_us_total / 1e6, (unsigned long long)s->fsyncs);
	metrics_gauge(t, "warden_audit_fsync_last_seconds",
	    "Time the last audit fsync took.", (double)s->last_fsync_us / 1e6);
	metrics_counter(t, "warden_audit_fsync_errors_total",
	    "Audit fsyncs that failed.", s->fsync_errors);
	metrics_counter(t, "warden_audit_checkpoints_total",
	    "Signed audit checkpoints written.", s->checkpoints);
	metrics_counter(t, "warden_audit_checkpoint_errors_total",
	    "Audit checkpoints that could not be signed or written.",
	    s->checkpoint_errors);
	metrics_counter(t, "warden_audit_renewed_total",
	    "New audit files started after the log was deleted or replaced.",
	    s->renewed);
	metrics_counter(t, "warden_audit_syslog_sent_total",
	    "Audit records copied to the syslog socket.", s->syslog_sent);
	metrics_counter(t, "warden_audit_syslog_dropped_total",
	    "Audit records the syslog socket did not take.",
	    s->syslog_dropped);
}

int
metrics_render(const struct metrics *m, const struct status *s,
    struct buf *out)
{
	struct metrics_text t = { .out = out, .failed = 0 };

	metrics_render_state(&t, s);
	metrics_render_requests(&t, m, s);
	metrics_render_conditions(&t, s);
	metrics_render_points(&t, s);
	metrics_render_devices(&t, s);
	if (s->has_audit)
		metrics_render_audit(&t, &s->audit);
	return t.failed ? -1 : 0;
}
