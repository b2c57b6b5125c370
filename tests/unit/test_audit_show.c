/*
 * test_audit_show.c: `wardenctl audit show`'s pure part (audit_show.h):
 * the edges first (times that are not, names that are not, lines that
 * are no record, hostile strings), then the filters and the text.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit_show.h"

#define T0 1796479200LL                 /* 2026-12-05T14:00:00Z */
#define US 1000000LL
#define ZEROS "0000000000000000000000000000000000000000000000000000000000000000"
/* Central Europe, with its summer time. */
#define TZ_CET "CET-1CEST,M3.5.0,M10.5.0/3"

static void
set_tz(const char *tz)
{
	setenv("TZ", tz, 1);
	tzset();
}

/* ---- times ---- */

static int64_t
parsed(const char *text)
{
	char err[ERR_LEN];
	int64_t us = -42;

	if (audit_show_time_parse(text, T0 * US, &us, err) == -1)
		fail_msg("\"%s\" refused: %s", text, err);
	return us;
}

static void
refused(const char *text)
{
	char err[ERR_LEN];
	int64_t us;

	if (audit_show_time_parse(text, T0 * US, &us, err) == 0)
		fail_msg("\"%s\" taken as %lld", text, (long long)us);
	assert_non_null(strstr(err, "is not a time"));
}

static void
test_time_edges(void **state)
{
	(void)state;
	set_tz("UTC");
	refused("");
	refused("now");
	refused("2026");
	refused("2026-12-5");
	refused("2026-13-01");
	refused("2026-00-01");
	refused("2026-02-29");          /* not a leap year */
	refused("2026-04-31");
	refused("2026-12-05T24:00");
	refused("2026-12-05T14:60");
	refused("2026-12-05T14");
	refused("2026-12-05T14:00:00.");
	refused("2026-12-05T14:00:00.1234567890Z");     /* 10 digits */
	refused("2026-12-05T14:00:00+1:00");
	refused("2026-12-05T14:00:00+24:00");
	refused("2026-12-05T14:00:00Zjunk");
	refused("2026-12-05 14:00 ");
	refused("-5m");
	refused("5");
	refused("m");
	refused("5w");
	refused("5 m");
	refused("999999999999d");       /* more than a century */
	refused("36601d");
	assert_int_equal(parsed("2024-02-29"), 1709164800LL * US);
	assert_int_equal(parsed("0s"), T0 * US);
	assert_int_equal(parsed("36600d"), (T0 - 36600LL * 86400) * US);
}

static void
test_time_forms(void **state)
{
	(void)state;
	set_tz("UTC");
	assert_int_equal(parsed("2026-12-05T14:00:00Z"), T0 * US);
	assert_int_equal(parsed("2026-12-05t14:00:00z"), T0 * US);
	assert_int_equal(parsed("2026-12-05T14:00:00.5Z"), T0 * US + 500000);
	assert_int_equal(parsed("2026-12-05T14:00:00.123456789Z"),
	    T0 * US + 123456);                  /* µs kept, not rounded */
	assert_int_equal(parsed("2026-12-05T15:30:00+01:30"), T0 * US);
	assert_int_equal(parsed("2026-12-05T12:00:00-02:00"), T0 * US);
	assert_int_equal(parsed("2026-12-05T14:00Z"), T0 * US);
	assert_int_equal(parsed("90s"), (T0 - 90) * US);
	assert_int_equal(parsed("30m"), (T0 - 1800) * US);
	assert_int_equal(parsed("2h"), (T0 - 7200) * US);
	assert_int_equal(parsed("1d"), (T0 - 86400) * US);
	/* no zone: local time */
	assert_int_equal(parsed("2026-12-05 14:00"), T0 * US);
	assert_int_equal(parsed("2026-12-05T14:00:00"), T0 * US);
	assert_int_equal(parsed("2026-12-05"), (T0 - 14 * 3600) * US);
	set_tz(TZ_CET);
	assert_int_equal(parsed("2026-12-05 15:00"), T0 * US);
	assert_int_equal(parsed("2026-12-05 15:00:00.25"), T0 * US + 250000);
	assert_int_equal(parsed("2026-07-01 02:00"),
	    parsed("2026-07-01T00:00:00Z"));                /* CEST */
	assert_int_equal(parsed("2026-12-05T14:00:00Z"), T0 * US);
	set_tz("UTC");
}

static void
test_ts_strict(void **state)
{
	int64_t us;

	(void)state;
	/* a record's ts: seconds and a zone, always */
	assert_int_equal(audit_show_ts_parse("2026-12-05T14:00:00.000001Z",
	    27, &us), 0);
	assert_int_equal(us, T0 * US + 1);
	assert_int_equal(audit_show_ts_parse("2026-12-05T14:00Z", 17, &us),
	    -1);
	assert_int_equal(audit_show_ts_parse("2026-12-05T14:00:00", 19, &us),
	    -1);
	assert_int_equal(audit_show_ts_parse("2026-12-05", 10, &us), -1);
	assert_int_equal(audit_show_ts_parse("30m", 3, &us), -1);
	/* n is the length: what follows is not read */
	assert_int_equal(audit_show_ts_parse("2026-12-05T14:00:00Zxx", 20,
	    &us), 0);
}

static void
test_time_local(void **state)
{
	char out[32], zone[16];
	long offset;

	(void)state;
	set_tz("UTC");
	audit_show_time_local(T0 * US + 123999, out, zone, &offset);
	assert_string_equal(out, "2026-12-05 14:00:00.123");    /* cut */
	assert_string_equal(zone, "UTC");
	assert_int_equal(offset, 0);
	audit_show_time_local(-1, out, zone, &offset);
	assert_string_equal(out, "1969-12-31 23:59:59.999");
	set_tz(TZ_CET);
	audit_show_time_local(T0 * US, out, zone, &offset);
	assert_string_equal(out, "2026-12-05 15:00:00.000");
	assert_string_equal(zone, "CET");
	assert_int_equal(offset, 3600);
	audit_show_time_local(1792888200LL * US, out, zone, &offset);
	assert_string_equal(out, "2026-10-25 02:30:00.000");
	assert_string_equal(zone, "CEST");
	assert_int_equal(offset, 7200);
	set_tz("UTC");
}

/* ---- names ---- */

static void
test_filter_names(void **state)
{
	struct audit_show_filter f;
	char err[ERR_LEN], name[AUDIT_SHOW_NAME_MAX + 1];
	int i;

	(void)state;
	memset(&f, 0, sizeof f);
	assert_int_equal(audit_show_filter_events(&f, "", err), -1);
	assert_int_equal(audit_show_filter_events(&f, "a,,b", err), -1);
	assert_int_equal(audit_show_filter_events(&f, "takeover,", err), -1);
	assert_int_equal(audit_show_filter_events(&f, ",takeover", err), -1);
	assert_int_equal(audit_show_filter_events(&f, "Takeover", err), -1);
	assert_int_equal(audit_show_filter_events(&f, "write rejected", err),
	    -1);
	assert_non_null(strstr(err, "--event wants event names"));
	memset(name, 'a', AUDIT_SHOW_NAME_MAX);
	name[AUDIT_SHOW_NAME_MAX] = '\0';
	assert_int_equal(audit_show_filter_events(&f, name, err), -1);
	assert_int_equal(f.n_events, 0);
	name[AUDIT_SHOW_NAME_MAX - 1] = '\0';
	assert_int_equal(audit_show_filter_events(&f, name, err), 0);
	assert_int_equal(audit_show_filter_events(&f, "write_rejected,"
	    "takeover", err), 0);
	assert_int_equal(f.n_events, 3);
	assert_string_equal(f.events[1], "write_rejected");
	assert_string_equal(f.events[2], "takeover");
	for (i = 3; i < AUDIT_SHOW_EVENTS_MAX; i++)
		assert_int_equal(audit_show_filter_events(&f, "x", err), 0);
	assert_int_equal(audit_show_filter_events(&f, "x", err), -1);
	assert_non_null(strstr(err, "at most"));

	assert_int_equal(audit_show_filter_point(&f, "", err), -1);
	assert_int_equal(audit_show_filter_point(&f, name, err), 0);
	name[AUDIT_SHOW_NAME_MAX - 1] = 'a';
	assert_int_equal(audit_show_filter_point(&f, name, err), -1);
	assert_int_equal(audit_show_filter_point(&f, "pump 2", err), 0);
	assert_string_equal(f.point, "pump 2");
}

/* ---- quoting ---- */

static void
quoted(const char *in, size_t n, const char *want)
{
	struct buf b;

	assert_int_equal(buf_init(&b, 16), 0);
	assert_int_equal(audit_show_quote(&b, in, n), 0);
	if (buf_len(&b) != strlen(want) ||
	    memcmp(buf_head(&b), want, buf_len(&b)) != 0)
		fail_msg("shown as %.*s, wanted %s", (int)buf_len(&b),
		    (const char *)buf_head(&b), want);
	buf_free(&b);
}

#define QUOTED(in, want) quoted(in, sizeof in - 1, want)

static void
test_quote_hostile(void **state)
{
	(void)state;
	QUOTED("", "\"\"");
	QUOTED("\x1b[2J", "\"\\x1b[2J\"");
	QUOTED("\x1b]0;owned\x07", "\"\\x1b]0;owned\\x07\"");
	QUOTED("a\nb\tc\rd", "\"a\\nb\\tc\\rd\"");
	QUOTED("\x7f", "\"\\x7f\"");
	QUOTED("\0x", "\"\\x00x\"");
	QUOTED("\xc2\x9b" "1m", "\"\\u009b1m\"");          /* C1 CSI */
	QUOTED("\xc2\x85", "\"\\u0085\"");                  /* NEL */
	QUOTED("abc\xe2\x80\xae" "cba", "\"abc\\u202ecba\"");   /* RLO */
	QUOTED("\xe2\x81\xa6x\xe2\x81\xa9", "\"\\u2066x\\u2069\"");
	QUOTED("\xe2\x80\xa8", "\"\\u2028\"");
	QUOTED("\xd8\x9c", "\"\\u061c\"");
	QUOTED("\xef\xbb\xbf", "\"\\ufeff\"");
	QUOTED("\xff", "\"\\xff\"");                        /* not UTF-8 */
	QUOTED("\xe2\x80", "\"\\xe2\\x80\"");               /* cut */
	QUOTED("\xc0\xaf", "\"\\xc0\\xaf\"");               /* overlong */
	/* a backslash or quote of the text stays apart from an escape */
	QUOTED("\\x1b", "\"\\\\x1b\"");
	QUOTED("say \"hi\"", "\"say \\\"hi\\\"\"");
	QUOTED("a=b", "\"a=b\"");
	QUOTED("pump 2", "\"pump 2\"");
}

static void
test_quote_plain(void **state)
{
	(void)state;
	QUOTED("valve", "valve");
	QUOTED("127.0.0.1:502", "127.0.0.1:502");
	QUOTED("CN=hmi-1,O=Plant", "\"CN=hmi-1,O=Plant\"");
	QUOTED("Ventil-Überdruck", "Ventil-Überdruck");
	QUOTED("\xe2\x82\xac", "\xe2\x82\xac");              /* € */
}

/* ---- lines ---- */

/* body + ,"hash":"<its SHA-256>"} as wardend seals a record. */
static char *
seal(const char *body)
{
	struct audit_hasher h;
	char hex[AUDIT_HASH_HEX + 1], *line;
	size_t n = strlen(body);

	assert_int_equal(audit_hasher_init(&h), 0);
	assert_int_equal(audit_digest(&h, body, n, "}", 1, hex), 0);
	audit_hasher_free(&h);
	line = malloc(n + AUDIT_SUFFIX_LEN + 1);
	assert_non_null(line);
	snprintf(line, n + AUDIT_SUFFIX_LEN + 1, "%s" AUDIT_HASH_KEY "%s\"}",
	    body, hex);
	return line;
}

/* A record: seq, ts at T0 + s seconds, event, then fields ("" or
 * ",\"k\":v..."). */
static char *
record(int seq, int s, const char *event, const char *fields)
{
	char body[4096], ts[64];
	time_t t = (time_t)(T0 + s);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(body, sizeof body, "{\"seq\":%d,\"ts\":\"%s.250000Z\","
	    "\"event\":\"%s\"%s,\"prev\":\"" ZEROS "\"", seq, ts, event,
	    fields);
	return seal(body);
}

static int
line_kept(struct audit_show *s, const char *line,
    struct audit_show_entry *e)
{
	return audit_show_line(s, line, strlen(line), e);
}

static void
test_lines_unreadable(void **state)
{
	static const char *const junk[] = {
		"", "{", "{\"seq\":7,\"ts\":\"2026-12-05T14:0", "\0\0\0",
		"[]", "{}", "not json", "{\"seq\":1}",
		"{\"seq\":0,\"ts\":\"2026-12-05T14:00:00Z\",\"event\":\"x\","
		    "\"prev\":\"" ZEROS "\",\"hash\":\"" ZEROS "\"}",
		"{\"ts\":\"2026-12-05T14:00:00Z\",\"seq\":1,\"event\":\"x\","
		    "\"prev\":\"" ZEROS "\",\"hash\":\"" ZEROS "\"}",
	};
	struct audit_show s;
	struct audit_show_entry e;
	char *r;
	size_t i;

	(void)state;
	assert_int_equal(audit_show_init(&s, NULL), 0);
	r = record(1, 0, "start", "");
	assert_int_equal(line_kept(&s, r, &e), 1);
	assert_int_equal(e.kind, AUDIT_SHOW_RECORD);
	assert_true(e.intact);
	free(r);
	for (i = 0; i < sizeof junk / sizeof junk[0]; i++) {
		size_t n = i == 3 ? 3 : strlen(junk[i]);

		assert_int_equal(audit_show_line(&s, junk[i], n, &e), 1);
		assert_int_equal(e.kind, AUDIT_SHOW_UNREADABLE);
		assert_true(e.why[0] != '\0');
		/* where the record before it stands */
		assert_int_equal(e.ts_us, T0 * US + 250000);
	}
	assert_int_equal(s.unreadable, sizeof junk / sizeof junk[0]);
	/* a record whose ts is no time is not shown as one */
	r = record(2, 0, "start", "");
	memcpy(strstr(r, "2026-12-05T"), "2026-13-05T", 11);
	assert_int_equal(line_kept(&s, r, &e), 1);
	assert_int_equal(e.kind, AUDIT_SHOW_UNREADABLE);
	free(r);
	audit_show_free(&s);
}

static void
test_lines_not_intact(void **state)
{
	struct audit_show s;
	struct audit_show_entry e;
	char *r;

	(void)state;
	assert_int_equal(audit_show_init(&s, NULL), 0);
	r = record(3, 60, "write_allowed", ",\"point\":\"valve\",\"value\":40");
	strstr(r, "\"value\":40")[9] = '9';             /* edited */
	assert_int_equal(line_kept(&s, r, &e), 1);
	assert_int_equal(e.kind, AUDIT_SHOW_RECORD);
	assert_false(e.intact);
	assert_non_null(strstr(e.why, "hash mismatch"));
	assert_int_equal(e.seq, 3);
	assert_string_equal(e.event, "write_allowed");
	assert_int_equal(e.ts_us, (T0 + 60) * US + 250000);
	assert_int_equal(s.unreadable, 0);
	free(r);
	audit_show_free(&s);
}

/* ---- filters ---- */

static int
kept_with(const struct audit_show_filter *f, const char *line)
{
	struct audit_show s;
	struct audit_show_entry e;
	int kept;

	assert_int_equal(audit_show_init(&s, f), 0);
	kept = line_kept(&s, line, &e);
	audit_show_free(&s);
	return kept;
}

static void
test_filter_time(void **state)
{
	struct audit_show_filter f;
	struct audit_show s;
	struct audit_show_entry e;
	char *r = record(1, 0, "start", "");

	(void)state;
	memset(&f, 0, sizeof f);
	assert_true(kept_with(&f, r));
	f.has_since = 1;
	f.since_us = T0 * US + 250000;          /* since: inclusive */
	assert_true(kept_with(&f, r));
	f.since_us++;
	assert_false(kept_with(&f, r));
	f.has_since = 0;
	f.has_until = 1;
	f.until_us = T0 * US + 250000;          /* until: exclusive */
	assert_false(kept_with(&f, r));
	f.until_us++;
	assert_true(kept_with(&f, r));
	/* an unreadable line goes with the record before it */
	f.has_until = 0;
	f.has_since = 1;
	f.since_us = T0 * US + 1;
	assert_int_equal(audit_show_init(&s, &f), 0);
	assert_false(audit_show_line(&s, "{", 1, &e));  /* nothing before */
	assert_true(line_kept(&s, r, &e));
	assert_true(audit_show_line(&s, "{", 1, &e));
	assert_int_equal(s.unreadable, 2);
	audit_show_free(&s);
	free(r);
}

static void
test_filter_event_point(void **state)
{
	struct audit_show_filter f;
	struct audit_show s;
	struct audit_show_entry e;
	char err[ERR_LEN];
	char *rej = record(5, 0, "write_rejected", ",\"client\":\"10.0.0.9:"
	    "4000\",\"point\":\"valve\",\"value\":120");
	char *down = record(6, 1, "device_down", ",\"device\":\"tank1\"");
	char *multi = record(7, 2, "write_allowed", ",\"point\":\"a\","
	    "\"points\":[{\"point\":\"a\",\"value\":1},{\"point\":\"b\","
	    "\"value\":2}]");

	(void)state;
	memset(&f, 0, sizeof f);
	assert_int_equal(audit_show_filter_events(&f, "takeover", err), 0);
	assert_false(kept_with(&f, rej));
	assert_int_equal(audit_show_filter_events(&f, "release,write_rejected",
	    err), 0);
	assert_true(kept_with(&f, rej));
	assert_false(kept_with(&f, down));
	memset(&f, 0, sizeof f);
	assert_int_equal(audit_show_filter_point(&f, "valve", err), 0);
	assert_true(kept_with(&f, rej));
	assert_false(kept_with(&f, down));
	assert_false(kept_with(&f, multi));
	assert_int_equal(audit_show_filter_point(&f, "tank1", err), 0);
	assert_true(kept_with(&f, down));
	assert_int_equal(audit_show_filter_point(&f, "b", err), 0);
	assert_true(kept_with(&f, multi));
	assert_int_equal(audit_show_filter_point(&f, "val", err), 0);
	assert_false(kept_with(&f, rej));       /* whole names only */
	/* neither applies to a line that is no record */
	assert_int_equal(audit_show_filter_events(&f, "takeover", err), 0);
	assert_int_equal(audit_show_init(&s, &f), 0);
	assert_true(audit_show_line(&s, "garbage", 7, &e));
	audit_show_free(&s);
	free(rej);
	free(down);
	free(multi);
}

/* ---- the text ---- */

/* What audit_show_print() makes of these lines, into a string. */
static char *
printed(const char *const *lines, size_t n)
{
	struct audit_show s;
	struct audit_show_entry e;
	char *text = NULL;
	size_t len = 0, i;
	FILE *out = open_memstream(&text, &len);

	assert_non_null(out);
	assert_int_equal(audit_show_init(&s, NULL), 0);
	for (i = 0; i < n; i++) {
		(void)audit_show_line(&s, lines[i], strlen(lines[i]), &e);
		audit_show_print(&s, out, &e, "audit.jsonl", i + 1);
	}
	audit_show_free(&s);
	fclose(out);
	return text;
}

static void
test_print_columns(void **state)
{
	char *lines[4], *text;

	(void)state;
	set_tz("UTC");
	lines[0] = record(1, 0, "start", ",\"mode\":\"enforce\"");
	lines[1] = record(2, 5, "write_rejected", ",\"client\":\"127.0.0.1:"
	    "50432\",\"unit\":1,\"fc\":6,\"point\":\"valve\",\"value\":120,"
	    "\"raw\":1200,\"rule\":\"max\",\"limit\":100,\"exception\":3,"
	    "\"role\":\"ai\",\"identity\":\"127.0.0.1:50432\"");
	lines[2] = record(3, 9, "takeover", ",\"user\":\"ann\",\"uid\":1001,"
	    "\"cause\":\"operator\",\"reason\":\"pump 2 inspection\"");
	lines[3] = strdup("{\"seq\":4,\"ts\"");
	text = printed((const char *const *)lines, 4);
	assert_string_equal(text,
	    "TIME (UTC)                 SEQ EVENT               WHO      "
	    "             POINT            DETAILS\n"
	    "2026-12-05 14:00:00.250      1 start               -        "
	    "             -                mode=enforce\n"
	    "2026-12-05 14:00:05.250      2 write_rejected      127.0.0.1"
	    ":50432       valve            unit=1 fc=6 value=120 raw=1200 "
	    "rule=max limit=100 exception=0x03 role=ai "
	    "identity=127.0.0.1:50432\n"
	    "2026-12-05 14:00:09.250      3 takeover            ann      "
	    "             -                uid=1001 cause=operator "
	    "reason=\"pump 2 inspection\"\n"
	    "-- unreadable line 4 of audit.jsonl: not a JSON object "
	    "(':' expected at byte 14)\n");
	free(text);
	for (int i = 0; i < 4; i++)
		free(lines[i]);
}

static void
test_print_hostile(void **state)
{
	char *lines[2], *text;
	const unsigned char *p;

	(void)state;
	set_tz("UTC");
	/* every trick of the terminal and of bidirectional text, in a
	 * reason, a client, a key, an event and an array */
	lines[0] = record(1, 0, "takeover", ",\"user\":\"\\u001b[31mroot\","
	    "\"reason\":\"ok\\u001b[2J\\u001b]0;pwned\\u0007\\n\\r\xc2\x9b"
	    "\\u202egnp.exe\",\"x\\u001by\":1,\"list\":[\"\\u009b\","
	    "\"\xe2\x80\xae\",\"\x7f\"]");
	lines[1] = record(2, 1, "stop\\u001b[8m", "");
	text = printed((const char *const *)lines, 2);
	for (p = (const unsigned char *)text; *p != '\0'; p++) {
		assert_true(*p >= 0x20 || *p == '\n');
		assert_true(*p != 0x7f);
		assert_false(p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f);
		assert_false(p[0] == 0xe2 && p[1] == 0x80 && p[2] == 0xae);
	}
	assert_non_null(strstr(text, " \"\\x1b[31mroot\" "));
	assert_non_null(strstr(text, "reason=\"ok\\x1b[2J\\x1b]0;pwned\\x07"
	    "\\n\\r\\u009b\\u202egnp.exe\""));
	assert_non_null(strstr(text, "x\\x1by=1"));
	assert_non_null(strstr(text, "list=[\"\\u009b\",\"\\u202e\","
	    "\"\\x7f\"]"));
	assert_non_null(strstr(text, "\"stop\\x1b[8m\""));
	/* one line per record, and the header */
	assert_int_equal(strchr(strchr(strchr(text, '\n') + 1, '\n') + 1,
	    '\n')[1], '\0');
	free(text);
	free(lines[0]);
	free(lines[1]);
}

static void
test_print_marks(void **state)
{
	char *lines[3], *text;

	(void)state;
	set_tz(TZ_CET);
	/* summer time ends: 02:30 twice, the zone said each time */
	lines[0] = record(1, 1792888200 - (int)T0, "start", "");
	lines[1] = record(2, 1792891800 - (int)T0, "stop", "");
	lines[2] = record(3, 1792891801 - (int)T0, "start",
	    ",\"value\":1");
	strstr(lines[2], "\"value\":1")[8] = '2';
	text = printed((const char *const *)lines, 3);
	assert_non_null(strstr(text, "TIME (CEST, UTC+02:00)     SEQ"));
	assert_non_null(strstr(text, "\n2026-10-25 02:30:00.250      1 start"));
	assert_non_null(strstr(text, "\nTIME (CET, UTC+01:00)      SEQ"));
	assert_non_null(strstr(text, "\n2026-10-25 02:30:00.250      2 stop"));
	assert_non_null(strstr(text, "value=2 [NOT INTACT: hash mismatch: "
	    "the record was edited]\n"));
	assert_ptr_equal(strstr(strstr(text, "TIME (CET") + 1, "TIME"), NULL);
	free(text);
	for (int i = 0; i < 3; i++)
		free(lines[i]);
	set_tz("UTC");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_time_edges),
		cmocka_unit_test(test_time_forms),
		cmocka_unit_test(test_ts_strict),
		cmocka_unit_test(test_time_local),
		cmocka_unit_test(test_filter_names),
		cmocka_unit_test(test_quote_hostile),
		cmocka_unit_test(test_quote_plain),
		cmocka_unit_test(test_lines_unreadable),
		cmocka_unit_test(test_lines_not_intact),
		cmocka_unit_test(test_filter_time),
		cmocka_unit_test(test_filter_event_point),
		cmocka_unit_test(test_print_columns),
		cmocka_unit_test(test_print_hostile),
		cmocka_unit_test(test_print_marks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
