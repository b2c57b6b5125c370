/*
 * fitness.c: the health snapshot of the running gateway (fitness.h).
 */
#include "fitness.h"

#include "alarms.h"
#include "device.h"
#include "pair.h"
#include "takeover.h"
#include "warden.h"

static void
fitness_file(struct health *h, const char *name,
    const struct health_mark *m)
{
	if (m == NULL || h->n_files == HEALTH_FILES_MAX)
		return;
	h->files[h->n_files].name = name;
	h->files[h->n_files++].mark = *m;
}

void
fitness_fill(const struct warden *w, struct health *h)
{
	unsigned i;

	h->role = w->cfg->pair.enabled ? pair_role_name(pair_role(w)) :
	    "single";
	audit_health(w->audit, &h->audit);
	h->n_files = 0;
	fitness_file(h, "state", takeover_save_health(w));
	fitness_file(h, "holds", alarms_save_health(w));
	fitness_file(h, "role", pair_save_health(w));
	h->devices_configured = (unsigned)w->cfg->n_devices;
	h->devices_reachable = 0;
	for (i = 0; i < h->devices_configured; i++)
		h->devices_reachable += device_up(w->devices, i) != 0;
}

void
fitness_answer(const struct warden *w, struct json *out)
{
	struct health h;
	struct health_reasons r;

	fitness_fill(w, &h);
	health_judge(&h, &r);
	json_object_begin(out);
	json_kv_bool(out, "ok", 1);
	health_json(&h, &r, out);
	json_object_end(out);
}
