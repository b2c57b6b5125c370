/*
 * trail.c: plcsim's journal and wardend's audit log, read whole with the
 * daemon's own strict JSON reader. See trail.h.
 */
#include "trail.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "json.h"

/* Grow *arr to hold one more element of size; NULL when out of memory. */
static void *
trail_push(void **arr, int n, size_t size)
{
	void *bigger;

	if ((n & (n - 1)) == 0) {       /* at 0, 1, 2, 4 ...: double */
		bigger = realloc(*arr, (size_t)(n ? 2 * n : 1) * size);
		if (bigger == NULL)
			return NULL;
		*arr = bigger;
	}
	return (char *)*arr + (size_t)n * size;
}

static int
trail_int(const struct json_value *obj, const char *key, int absent)
{
	struct json_value v;
	int64_t i;

	if (json_object_get(obj, key, &v) != 0 || json_get_int64(&v, &i) != 0)
		return absent;
	return (int)i;
}

static int
trail_double(const struct json_value *obj, const char *key, double *out)
{
	struct json_value v;

	return json_object_get(obj, key, &v) == 0 && v.type == JSON_NUMBER &&
	    json_get_double(&v, out) == 0;
}

static void
trail_string(const struct json_value *obj, const char *key, char *dst,
    size_t cap)
{
	struct json_value v;

	dst[0] = '\0';
	if (json_object_get(obj, key, &v) == 0 && v.type == JSON_STRING)
		json_get_string(&v, dst, cap);
}

static int
trail_is_write(int fc)
{
	return fc == 5 || fc == 6 || fc == 15 || fc == 16 || fc == 22 ||
	    fc == 23;
}

static void
trail_values(const struct json_value *obj, struct trail_write *w)
{
	struct json_member m;
	struct json_value list;
	struct json_iter it;
	int64_t v;

	w->n_values = 0;
	if (w->fc == 22) {
		w->values[w->n_values++] = (uint16_t)trail_int(obj, "and_mask",
		    0);
		w->values[w->n_values++] = (uint16_t)trail_int(obj, "or_mask",
		    0);
		return;
	}
	if (json_object_get(obj, "values", &list) != 0 ||
	    list.type != JSON_ARRAY)
		return;
	json_iter_init(&it, &list);
	while (w->n_values < TRAIL_MAX_VALUES && json_iter_next(&it, &m))
		if (json_get_int64(&m.value, &v) == 0)
			w->values[w->n_values++] = (uint16_t)v;
}

static void
trail_write_of(const struct json_value *obj, struct trail_write *w)
{
	memset(w, 0, sizeof(*w));
	w->fc = trail_int(obj, "fc", -1);
	trail_double(obj, "t", &w->t);
	trail_string(obj, "client", w->client, sizeof(w->client));
	w->address = trail_int(obj, w->fc == 23 ? "write_address" :
	    "address", -1);
	trail_values(obj, w);
}

/*
 * Call fn for each complete line of path that is a JSON object. Returns
 * 0, or -1 when the file cannot be read or a line is not an object.
 */
static int
trail_each_line(const char *path, int (*fn)(const struct json_value *,
    void *), void *arg)
{
	struct json_value obj;
	const char *why;
	size_t cap = 0, at;
	char *line = NULL;
	ssize_t len;
	FILE *f = fopen(path, "r");
	int rc = 0;

	if (f == NULL)
		return -1;
	while (rc == 0 && (len = getline(&line, &cap, f)) > 0) {
		if (line[len - 1] != '\n')
			break;          /* still being written */
		if (json_parse(line, (size_t)len, &obj, &at, &why) != 0 ||
		    obj.type != JSON_OBJECT)
			rc = -1;
		else
			rc = fn(&obj, arg);
	}
	free(line);
	fclose(f);
	return rc;
}

struct trail_writes {
	struct trail_write *list;
	int n;
};

static int
trail_add_write(const struct json_value *obj, void *arg)
{
	struct trail_writes *ws = arg;
	struct trail_write *w;

	if (!trail_is_write(trail_int(obj, "fc", -1)))
		return 0;
	w = trail_push((void **)&ws->list, ws->n, sizeof(*w));
	if (w == NULL)
		return -1;
	trail_write_of(obj, w);
	ws->n++;
	return 0;
}

int
trail_device_writes(const char *journal, struct trail_write **out)
{
	struct trail_writes ws = { NULL, 0 };

	if (trail_each_line(journal, trail_add_write, &ws) != 0) {
		free(ws.list);
		*out = NULL;
		return -1;
	}
	*out = ws.list;
	return ws.n;
}

int
trail_write_holds(const struct trail_write *w, int address, uint16_t value)
{
	int i;

	if (w->fc == 22)
		return w->address == address;
	for (i = 0; i < w->n_values; i++)
		if (w->address + i == address && w->values[i] == value)
			return 1;
	return 0;
}

int
trail_client_of(const char *journal, int address, uint16_t value,
    char *client, size_t cap)
{
	struct trail_write *ws = NULL;
	int n = trail_device_writes(journal, &ws), i, rc = -1;

	for (i = 0; i < n && rc == -1; i++)
		if (trail_write_holds(&ws[i], address, value)) {
			snprintf(client, cap, "%s", ws[i].client);
			rc = 0;
		}
	free(ws);
	return rc;
}

static int
trail_is_coil_fc(int fc)
{
	return fc == 5 || fc == 15;
}

static int
trail_is_expected(const struct trail_write *w, const struct trail_expect *e)
{
	return w->fc == e->fc && w->address == e->address &&
	    w->n_values == 1 && w->values[0] == e->value;
}

/* Does w write e's address in e's table? */
static int
trail_touches(const struct trail_write *w, const struct trail_expect *e)
{
	int span = w->fc == 22 ? 1 : w->n_values;

	return trail_is_coil_fc(w->fc) == trail_is_coil_fc(e->fc) &&
	    e->address >= w->address && e->address < w->address + span;
}

/* The journal's writes from `since` on, for a failure message. */
static void
trail_describe(const struct trail_write *ws, int n, double since, char *why,
    size_t whylen)
{
	size_t used = strlen(why);
	int i, shown = 0;

	for (i = 0; i < n && used + 1 < whylen; i++) {
		if (ws[i].t < since - 1.0)
			continue;
		if (shown++ == 40)
			break;
		snprintf(why + used, whylen - used, "\n  %+.3fs %s fc %d @%d "
		    "= %u%s", ws[i].t - since, ws[i].client, ws[i].fc,
		    ws[i].address, ws[i].n_values ? ws[i].values[0] : 0,
		    ws[i].n_values > 1 ? " ..." : "");
		used = strlen(why);
	}
}

static int
trail_is_ignored(const struct trail_write *w, int ignore_address)
{
	return w->fc == 6 && w->address == ignore_address;
}

/* The first rule of trail_check_safe_state() that ws breaks, or NULL. */
static const char *
trail_safe_state_fault(const struct trail_write *ws, int n, double since,
    const struct trail_expect *safe, int n_safe, int ignore_address,
    const char *ai_client)
{
	int i, k, first = -1, last = -1, ok;

	for (i = 0; i < n; i++) {
		if (trail_is_ignored(&ws[i], ignore_address))
			continue;
		last = i;
		if (ws[i].t < since)
			continue;
		if (first == -1)
			first = i;
		if (ai_client != NULL && strcmp(ws[i].client, ai_client) == 0)
			return "a write from the AI's connection reached the "
			    "device after the takeover";
		for (k = 0, ok = 0; k < n_safe && !ok; k++)
			ok = trail_is_expected(&ws[i], &safe[k]);
		if (!ok)
			return "a write that is not part of the safe state "
			    "reached the device after the takeover";
	}
	if (first == -1)
		return "no safe-state write reached the device after the "
		    "takeover";
	if (!trail_is_expected(&ws[first], &safe[0]))
		return "the first write after the takeover is not the first "
		    "safe-state entry";
	if (!trail_is_expected(&ws[last], &safe[n_safe - 1]))
		return "the last write is not the last safe-state entry";
	for (k = 0; k < n_safe; k++)
		for (i = n - 1; i >= 0; i--)
			if (trail_touches(&ws[i], &safe[k])) {
				if (!trail_is_expected(&ws[i], &safe[k]))
					return "a safe-state address was "
					    "written again after its safe "
					    "value";
				break;
			}
	return NULL;
}

int
trail_check_safe_state(const char *journal, double since,
    const struct trail_expect *safe, int n_safe, int ignore_address,
    const char *ai_client, char *why, size_t whylen)
{
	struct trail_write *ws = NULL;
	const char *fault;
	int n = trail_device_writes(journal, &ws);

	if (n < 0) {
		snprintf(why, whylen, "cannot read the journal %s", journal);
		return -1;
	}
	fault = trail_safe_state_fault(ws, n, since, safe, n_safe,
	    ignore_address, ai_client);
	if (fault != NULL) {
		snprintf(why, whylen, "%s (AI connection %s); device writes "
		    "around it, seconds after the takeover:", fault,
		    ai_client ? ai_client : "unknown");
		trail_describe(ws, n, since, why, whylen);
	}
	free(ws);
	return fault == NULL ? 0 : -1;
}

/* "2024-06-01T12:00:00.123456Z" as unix time; 0 when it is not that. */
static double
trail_rfc3339(const char *text)
{
	struct tm tm;
	const char *rest;
	double frac = 0;

	memset(&tm, 0, sizeof(tm));
	rest = strptime(text, "%Y-%m-%dT%H:%M:%S", &tm);
	if (rest == NULL)
		return 0;
	if (*rest == '.')
		frac = strtod(rest, NULL);
	return (double)timegm(&tm) + frac;
}

struct trail_records {
	struct trail_record *list;
	int n;
};

static int
trail_add_record(const struct json_value *obj, void *arg)
{
	struct trail_records *rs = arg;
	struct trail_record *rec;
	char ts[TRAIL_FIELD_MAX];
	struct json_value v;

	rec = trail_push((void **)&rs->list, rs->n, sizeof(*rec));
	if (rec == NULL)
		return -1;
	memset(rec, 0, sizeof(*rec));
	if (json_object_get(obj, "seq", &v) == 0)
		json_get_uint64(&v, &rec->seq);
	trail_string(obj, "ts", ts, sizeof(ts));
	rec->ts = trail_rfc3339(ts);
	trail_string(obj, "event", rec->event, sizeof(rec->event));
	trail_string(obj, "client", rec->client, sizeof(rec->client));
	trail_string(obj, "point", rec->point, sizeof(rec->point));
	trail_string(obj, "rule", rec->rule, sizeof(rec->rule));
	trail_string(obj, "cause", rec->cause, sizeof(rec->cause));
	trail_string(obj, "reason", rec->reason, sizeof(rec->reason));
	rec->fc = trail_int(obj, "fc", -1);
	rec->exception = trail_int(obj, "exception", -1);
	rec->has_value = trail_double(obj, "value", &rec->value);
	rec->has_forwarded = trail_double(obj, "forwarded", &rec->forwarded);
	rs->n++;
	return 0;
}

int
trail_audit_records(const char *path, struct trail_record **out)
{
	struct trail_records rs = { NULL, 0 };

	if (trail_each_line(path, trail_add_record, &rs) != 0) {
		free(rs.list);
		*out = NULL;
		return -1;
	}
	*out = rs.list;
	return rs.n;
}

static int
trail_record_is(const struct trail_record *rec, const char *event,
    const char *point, const char *rule)
{
	return strcmp(rec->event, event) == 0 &&
	    (point == NULL || strcmp(rec->point, point) == 0) &&
	    (rule == NULL || strcmp(rec->rule, rule) == 0);
}

int
trail_audit_find(const struct trail_record *recs, int n, int from,
    const char *event, const char *point, const char *rule)
{
	int i;

	for (i = from < 0 ? 0 : from; i < n; i++)
		if (trail_record_is(&recs[i], event, point, rule))
			return i;
	return -1;
}

int
trail_audit_count(const struct trail_record *recs, int n, const char *event,
    const char *point, const char *rule)
{
	int i, count = 0;

	for (i = 0; i < n; i++)
		count += trail_record_is(&recs[i], event, point, rule);
	return count;
}
