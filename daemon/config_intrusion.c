/*
 * config_intrusion.c: the intrusion block (warden.yaml(5)): the window,
 * the limits of the counting kinds, and which kinds take over. Its
 * defaults hold when the block is absent; they are set so that no
 * plant's ordinary traffic, nor a benchmark's, raises anything: flood
 * and write_burst depend on how busy a plant is, so they are off until
 * the engineer sets them.
 */
#include <stdio.h>

#include "config_internal.h"

#define INTRUSION_WINDOW 10.0
#define INTRUSION_WINDOW_MAX 3600.0
#define INTRUSION_SCAN 32
#define INTRUSION_EXCEPTIONS 100
/* Beyond this a limit would never be reached: a typo. */
#define INTRUSION_COUNT_LIMIT 1000000

/* A limit's key; 0 (off) allowed. */
static unsigned intrusion_limit(struct config_build *b, const char *path,
    const struct raw_ids_limit *raw, unsigned fallback, int64_t hi,
    const char *why)
{
	return raw ? (unsigned)config_build_int(b, path, &raw->n, fallback, 0,
	    hi, why) : fallback;
}

/* A takeover for a kind that never fires is a mistake worth a word. */
static void intrusion_check_off(struct config_build *b, enum ids_kind kind,
    unsigned limit, const char *what)
{
	char path[64];

	if (!b->cfg->intrusion.takeover[kind] || limit != 0)
		return;
	snprintf(path, sizeof path, "intrusion.on_intrusion.%s",
	    ids_kind_name(kind));
	config_build_warning(b, path, "%s: takeover, but %s is 0 (off): it "
	    "never fires", ids_kind_name(kind), what);
}

void config_intrusion_build(struct config_build *b)
{
	const struct raw_intrusion *raw = b->raw->intrusion;
	struct config_intrusion *in = &b->cfg->intrusion;
	struct ids_limits *lim = &in->limits;
	int k;

	lim->window = INTRUSION_WINDOW;
	lim->scan_addresses = INTRUSION_SCAN;
	lim->flood_per_second = 0;
	lim->write_burst = 0;
	lim->exception_storm = INTRUSION_EXCEPTIONS;
	if (!raw)
		return;
	lim->window = config_build_duration(b, "intrusion.window", raw->window,
	    INTRUSION_WINDOW, 1);
	if (lim->window < 1 || lim->window > INTRUSION_WINDOW_MAX) {
		config_build_error(b, "intrusion.window", "window: %g s is out "
		    "of range 1 s..1 h (how long one record per kind and "
		    "client stands for)", lim->window);
		lim->window = INTRUSION_WINDOW;
	}
	lim->scan_addresses = intrusion_limit(b, "intrusion.scan.addresses",
	    raw->scan, INTRUSION_SCAN, IDS_SCAN_MAX,
	    " (distinct unmapped addresses per client per window; 0: off)");
	lim->flood_per_second = intrusion_limit(b, "intrusion.flood.per_second",
	    raw->flood, 0, INTRUSION_COUNT_LIMIT,
	    " (requests per client per second; 0: off)");
	lim->write_burst = intrusion_limit(b, "intrusion.write_burst.writes",
	    raw->write_burst, 0, INTRUSION_COUNT_LIMIT,
	    " (writes per point per window; 0: off)");
	lim->exception_storm = intrusion_limit(b,
	    "intrusion.exception_storm.exceptions", raw->exception_storm,
	    INTRUSION_EXCEPTIONS, INTRUSION_COUNT_LIMIT,
	    " (exceptions per client per window; 0: off)");
	if (raw->on_intrusion)
		for (k = 0; k < IDS_KIND_COUNT; k++)
			in->takeover[k] = raw->on_intrusion->kind[k] != 0;
	intrusion_check_off(b, IDS_ADDRESS_SCAN, lim->scan_addresses,
	    "scan.addresses");
	intrusion_check_off(b, IDS_FLOOD, lim->flood_per_second,
	    "flood.per_second");
	intrusion_check_off(b, IDS_WRITE_BURST, lim->write_burst,
	    "write_burst.writes");
	intrusion_check_off(b, IDS_EXCEPTION_STORM, lim->exception_storm,
	    "exception_storm.exceptions");
}
