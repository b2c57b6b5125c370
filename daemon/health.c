/*
 * health.c: the fitness rule and its answer (health.h). Pure: no I/O,
 * no clock.
 */
#include "health.h"

#include <stdarg.h>
#include <stdio.h>

#include "statefile.h"

static void __attribute__((format(printf, 2, 3)))
reason_add(struct health_reasons *r, const char *fmt, ...)
{
	va_list ap;

	if (r->n == HEALTH_REASONS_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(r->text[r->n++], sizeof r->text[0], fmt, ap);
	va_end(ap);
}

/* "2026-12-06T04:05:55.000000Z", or "?" beyond what it can say (past
 * year 9999 the format returns a longer, cut text, not 0). */
static const char *
time_text(double t, char buf[STATEFILE_TIME_LEN + 1])
{
	if (statefile_time_format(t, buf) != STATEFILE_TIME_LEN)
		snprintf(buf, STATEFILE_TIME_LEN + 1, "?");
	return buf;
}

void
health_judge(const struct health *h, struct health_reasons *out)
{
	char when[STATEFILE_TIME_LEN + 1];
	size_t i;

	out->n = 0;
	if (h->audit.failed)
		reason_add(out, "audit log not writable since %s: %s",
		    time_text(h->audit.since, when), h->audit.error);
	for (i = 0; i < h->n_files; i++)
		if (h->files[i].mark.failed)
			reason_add(out, "state_dir/%s not saved since %s: %s",
			    h->files[i].name,
			    time_text(h->files[i].mark.since, when),
			    h->files[i].mark.error);
	if (h->devices_configured > 0 && h->devices_reachable == 0)
		reason_add(out, "no device reachable (%u configured)",
		    h->devices_configured);
}

/* {"ok":bool,"error":string|null,"since":string|null} */
static void
mark_json(struct json *out, const char *key, const struct health_mark *m)
{
	char when[STATEFILE_TIME_LEN + 1];

	json_key(out, key);
	json_object_begin(out);
	json_kv_bool(out, "ok", !m->failed);
	json_key(out, "error");
	if (m->failed)
		json_string(out, m->error);
	else
		json_null(out);
	json_key(out, "since");
	if (m->failed)
		json_string(out, time_text(m->since, when));
	else
		json_null(out);
	json_object_end(out);
}

void
health_json(const struct health *h, const struct health_reasons *r,
    struct json *out)
{
	size_t i;

	json_kv_bool(out, "fit", r->n == 0);
	json_key(out, "reasons");
	json_array_begin(out);
	for (i = 0; i < r->n; i++)
		json_string(out, r->text[i]);
	json_array_end(out);
	json_kv_string(out, "role", h->role);
	mark_json(out, "audit", &h->audit);
	json_key(out, "state_files");
	json_object_begin(out);
	for (i = 0; i < h->n_files; i++)
		mark_json(out, h->files[i].name, &h->files[i].mark);
	json_object_end(out);
	json_key(out, "devices");
	json_object_begin(out);
	json_kv_uint(out, "configured", h->devices_configured);
	json_kv_uint(out, "reachable", h->devices_reachable);
	json_object_end(out);
}
