/*
 * ids.c: the intrusion detector (ids.h). Two stages: the counting kinds
 * (flood, exception_storm, address_scan, write_burst) turn what they are
 * told into occurrences once their limit is passed within their window;
 * every occurrence then goes through one rate limit per kind and source,
 * which reports at once when that pair has had no report for a window,
 * and otherwise holds the occurrence back for ids_sweep().
 *
 * Windows are fixed, each opened by the first event after the last one
 * ended: a limit of N in a window means the N+1-th event within it is
 * the first occurrence, and every later one in it another.
 */
#include <stdlib.h>
#include <string.h>

#include "ids.h"

/* Hash buckets over the sources: a power of two, twice the table. */
#define IDS_BUCKETS (2 * IDS_SOURCES)
#define IDS_NONE (-1)

/* The rate limit of one kind for one source. */
struct ids_limit {
	int reported;           /* last is a report's time */
	double last;
	uint64_t held;          /* occurrences since, not reported */
	double first_held, last_held;
	long detail;
};

/* A count of events in a fixed window. */
struct ids_count {
	double start;
	unsigned n;
	int open;
};

struct ids_source {
	char name[IDS_SOURCE_MAX];
	int used;
	double seen;            /* last event: eviction takes the oldest */
	int next;               /* in its bucket's chain */
	struct ids_limit limit[IDS_KIND_COUNT];
	struct ids_count flood, exceptions, scan;
	uint32_t *scanned;      /* scan.n keys of this window, unordered */
};

struct ids {
	struct ids_limits lim;
	ids_report_fn *report;
	void *ctx;
	struct ids_source src[IDS_SOURCES];
	int bucket[IDS_BUCKETS];
	struct ids_count *writes;       /* per point */
	size_t n_points;
	uint32_t *scan_keys;            /* IDS_SOURCES * scan_addresses */
	uint64_t held;                  /* occurrences held, all sources */
	uint64_t occurred[IDS_KIND_COUNT];
};

static const char *const kind_names[IDS_KIND_COUNT] = {
	"invalid_protocol", "invalid_length", "invalid_unit",
	"unknown_function", "exception_storm", "address_scan", "flood",
	"write_burst", "unsolicited_answer", "duplicate_answer",
};

const char *
ids_kind_name(enum ids_kind kind)
{
	return (unsigned)kind < IDS_KIND_COUNT ? kind_names[kind] : "unknown";
}

int
ids_kind_from_name(const char *name)
{
	int i;

	for (i = 0; i < IDS_KIND_COUNT; i++)
		if (strcmp(name, kind_names[i]) == 0)
			return i;
	return -1;
}

/*
 * The Modbus Application Protocol Specification V1.1b3 (6.1, 5.x):
 * public codes assigned, the two user-defined ranges, and the codes
 * reserved for legacy products. Anything else (0, the unassigned public
 * codes, 128 and over, which are exception answers) is defined nowhere.
 */
int
ids_function_defined(uint8_t fc)
{
	switch (fc) {
	case 1: case 2: case 3: case 4: case 5: case 6: case 7: case 8:
	case 11: case 12: case 15: case 16: case 17: case 20: case 21:
	case 22: case 23: case 24: case 43:
		return 1;       /* public, assigned */
	case 9: case 10: case 13: case 14: case 41: case 42: case 90:
	case 91: case 125: case 126: case 127:
		return 1;       /* reserved (legacy products) */
	}
	return (fc >= 65 && fc <= 72) || (fc >= 100 && fc <= 110);
}

struct ids *
ids_new(const struct ids_limits *lim, size_t n_points, ids_report_fn *fn,
    void *ctx)
{
	struct ids *ids;
	size_t i;

	if (lim->scan_addresses > IDS_SCAN_MAX ||
	    (ids = calloc(1, sizeof *ids)) == NULL)
		return NULL;
	ids->lim = *lim;
	ids->report = fn;
	ids->ctx = ctx;
	ids->n_points = n_points;
	if ((n_points > 0 &&
	    (ids->writes = calloc(n_points, sizeof *ids->writes)) == NULL) ||
	    (lim->scan_addresses > 0 && (ids->scan_keys = calloc(IDS_SOURCES *
	    (size_t)lim->scan_addresses, sizeof *ids->scan_keys)) == NULL)) {
		ids_free(ids);
		return NULL;
	}
	for (i = 0; i < IDS_BUCKETS; i++)
		ids->bucket[i] = IDS_NONE;
	for (i = 0; i < IDS_SOURCES; i++)
		if (ids->scan_keys != NULL)
			ids->src[i].scanned = ids->scan_keys +
			    i * lim->scan_addresses;
	return ids;
}

void
ids_free(struct ids *ids)
{
	if (ids == NULL)
		return;
	free(ids->writes);
	free(ids->scan_keys);
	free(ids);
}

/* FNV-1a over what of the name is kept. */
static unsigned
ids_hash(const char *s)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < IDS_SOURCE_MAX - 1 && s[i] != '\0'; i++)
		h = (h ^ (uint8_t)s[i]) * 16777619u;
	return h & (IDS_BUCKETS - 1);
}

/* What l holds back, reported now. */
static void
limit_report_held(struct ids *ids, struct ids_source *s, enum ids_kind kind,
    double now)
{
	struct ids_limit *l = &s->limit[kind];
	struct ids_report r = { .kind = kind, .source = s->name,
		.count = l->held, .first = l->first_held, .last = l->last_held,
		.detail = l->detail };

	ids->held -= l->held;
	l->held = 0;
	l->reported = 1;
	l->last = now;
	ids->report(ids->ctx, &r);
}

static void
source_unlink(struct ids *ids, int i)
{
	int *p = &ids->bucket[ids_hash(ids->src[i].name)];

	while (*p != i)
		p = &ids->src[*p].next;
	*p = ids->src[i].next;
}

/* The source called name, made when new (evicting the one seen longest
 * ago when the table is full). */
static struct ids_source *
source_get(struct ids *ids, const char *name, double now)
{
	unsigned h = ids_hash(name);
	struct ids_source *s;
	uint32_t *scanned;
	int i, victim = IDS_NONE, k;

	for (i = ids->bucket[h]; i != IDS_NONE; i = ids->src[i].next)
		if (strncmp(ids->src[i].name, name, IDS_SOURCE_MAX - 1) == 0) {
			ids->src[i].seen = now;
			return &ids->src[i];
		}
	for (i = 0; i < IDS_SOURCES; i++) {
		if (!ids->src[i].used) {
			victim = i;
			break;
		}
		if (victim == IDS_NONE ||
		    ids->src[i].seen < ids->src[victim].seen)
			victim = i;
	}
	s = &ids->src[victim];
	if (s->used) {
		/* Nothing it saw is lost: what it holds is told now. */
		for (k = 0; k < IDS_KIND_COUNT; k++)
			if (s->limit[k].held > 0)
				limit_report_held(ids, s, (enum ids_kind)k,
				    now);
		source_unlink(ids, victim);
	}
	scanned = s->scanned;
	memset(s, 0, sizeof *s);
	s->scanned = scanned;
	s->used = 1;
	s->seen = now;
	strncpy(s->name, name, IDS_SOURCE_MAX - 1);
	s->next = ids->bucket[h];
	ids->bucket[h] = victim;
	return s;
}

/* One occurrence through the rate limit of its kind and source. */
static void
ids_occur(struct ids *ids, struct ids_source *s, enum ids_kind kind,
    long detail, double now)
{
	struct ids_limit *l = &s->limit[kind];
	struct ids_report r = { .kind = kind, .source = s->name, .count = 1,
		.first = now, .last = now, .detail = detail };

	ids->occurred[kind]++;
	if (l->reported && now < l->last + ids->lim.window) {
		ids->held++;
		if (l->held++ == 0)
			l->first_held = now;
		l->last_held = now;
		l->detail = detail;
		return;
	}
	/* A window that ended before the sweep came: what it held goes
	 * with this one. */
	if (l->held > 0) {
		r.count += l->held;
		r.first = l->first_held;
		ids->held -= l->held;
		l->held = 0;
	}
	l->reported = 1;
	l->last = now;
	ids->report(ids->ctx, &r);
}

/* One event into a count of window length: 1 when it is beyond limit. */
static int
count_over(struct ids_count *c, double window, unsigned limit, double now)
{
	if (!c->open || now >= c->start + window) {
		c->open = 1;
		c->start = now;
		c->n = 0;
	}
	if (c->n < limit) {
		c->n++;
		return 0;
	}
	return 1;
}

void
ids_event(struct ids *ids, const char *source, enum ids_kind kind,
    long detail, double now)
{
	ids_occur(ids, source_get(ids, source, now), kind, detail, now);
}

void
ids_request(struct ids *ids, const char *source, double now)
{
	struct ids_source *s;

	if (ids->lim.flood_per_second == 0)
		return;
	s = source_get(ids, source, now);
	if (count_over(&s->flood, 1.0, ids->lim.flood_per_second, now))
		ids_occur(ids, s, IDS_FLOOD, -1, now);
}

void
ids_exception(struct ids *ids, const char *source, double now)
{
	struct ids_source *s;

	if (ids->lim.exception_storm == 0)
		return;
	s = source_get(ids, source, now);
	if (count_over(&s->exceptions, ids->lim.window,
	    ids->lim.exception_storm, now))
		ids_occur(ids, s, IDS_EXCEPTION_STORM, -1, now);
}

void
ids_unmapped(struct ids *ids, const char *source, uint32_t key, double now)
{
	struct ids_source *s;
	struct ids_count *c;
	unsigned i;

	if (ids->lim.scan_addresses == 0)
		return;
	s = source_get(ids, source, now);
	c = &s->scan;
	if (!c->open || now >= c->start + ids->lim.window) {
		c->open = 1;
		c->start = now;
		c->n = 0;
	}
	for (i = 0; i < c->n; i++)
		if (s->scanned[i] == key)
			return;         /* touched already in this window */
	/* Once the limit's worth is kept, every other address is beyond
	 * it (it is not kept: memory stays bounded). */
	if (c->n < ids->lim.scan_addresses) {
		s->scanned[c->n++] = key;
		return;
	}
	ids_occur(ids, s, IDS_ADDRESS_SCAN, -1, now);
}

void
ids_write(struct ids *ids, const char *source, size_t point, double now)
{
	if (ids->lim.write_burst == 0 || point >= ids->n_points)
		return;
	if (count_over(&ids->writes[point], ids->lim.window,
	    ids->lim.write_burst, now))
		ids_occur(ids, source_get(ids, source, now), IDS_WRITE_BURST,
		    (long)point, now);
}

int
ids_sweep(struct ids *ids, double now)
{
	int i, k, more = 0;

	for (i = 0; i < IDS_SOURCES; i++) {
		struct ids_source *s = &ids->src[i];

		if (!s->used)
			continue;
		for (k = 0; k < IDS_KIND_COUNT; k++) {
			struct ids_limit *l = &s->limit[k];

			if (l->held == 0)
				continue;
			if (now >= l->last + ids->lim.window)
				limit_report_held(ids, s, (enum ids_kind)k,
				    now);
			else
				more = 1;
		}
	}
	return more;
}

uint64_t
ids_occurred(const struct ids *ids, enum ids_kind kind)
{
	return ids->occurred[kind];
}

int
ids_pending(const struct ids *ids)
{
	return ids->held > 0;
}
