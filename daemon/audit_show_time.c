/*
 * audit_show_time.c: the times of `wardenctl audit show` (audit_show.h):
 * what an operator writes after --since and --until, a record's ts, and
 * a time as the control room reads it (local).
 */
#include "audit_show.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define US_PER_S 1000000LL
#define AGO_MAX_S (100LL * 366 * 86400)        /* a century back at most */

/* A time as written: the date, perhaps a time of day, perhaps a zone. */
struct stamp {
	int year, mon, day, hour, min, sec;
	int64_t frac_us;
	int has_time, has_sec, has_zone;
	long zone_s;                    /* east of UTC */
};

/* Exactly n digits at *p. */
static int
digits(const char **p, const char *end, int n, int *out)
{
	int v = 0;

	if (end - *p < n)
		return -1;
	for (; n > 0; n--, (*p)++) {
		if (**p < '0' || **p > '9')
			return -1;
		v = v * 10 + (**p - '0');
	}
	*out = v;
	return 0;
}

static int
expect(const char **p, const char *end, char c)
{
	if (*p >= end || **p != c)
		return -1;
	(*p)++;
	return 0;
}

static int
days_in(int year, int mon)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30,
		31, 30, 31 };
	int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	return mon == 2 && leap ? 29 : days[mon - 1];
}

/* The fraction of a second: 1 to 9 digits, µs kept. */
static int
fraction(const char **p, const char *end, int64_t *us)
{
	int64_t scale = 100000;
	const char *start = *p;

	*us = 0;
	for (; *p < end && **p >= '0' && **p <= '9'; (*p)++) {
		*us += (**p - '0') * scale;
		scale /= 10;
	}
	return *p > start && *p - start <= 9 ? 0 : -1;
}

/* Z, or +HH:MM / -HH:MM. */
static int
zone(const char **p, const char *end, long *offset)
{
	int sign, h, m;

	if (*p < end && (**p == 'Z' || **p == 'z')) {
		(*p)++;
		*offset = 0;
		return 0;
	}
	if (*p >= end || (**p != '+' && **p != '-'))
		return -1;
	sign = **p == '-' ? -1 : 1;
	(*p)++;
	if (digits(p, end, 2, &h) == -1 || expect(p, end, ':') == -1 ||
	    digits(p, end, 2, &m) == -1 || h > 23 || m > 59)
		return -1;
	*offset = sign * (h * 3600L + m * 60L);
	return 0;
}

static int
time_of_day(const char **p, const char *end, struct stamp *st)
{
	if (digits(p, end, 2, &st->hour) == -1 || expect(p, end, ':') == -1 ||
	    digits(p, end, 2, &st->min) == -1)
		return -1;
	st->has_time = 1;
	if (*p < end && **p == ':') {
		(*p)++;
		if (digits(p, end, 2, &st->sec) == -1)
			return -1;
		st->has_sec = 1;
		if (*p < end && **p == '.') {
			(*p)++;
			if (fraction(p, end, &st->frac_us) == -1)
				return -1;
		}
	}
	if (*p < end && (**p == 'Z' || **p == 'z' || **p == '+' ||
	    **p == '-')) {
		if (zone(p, end, &st->zone_s) == -1)
			return -1;
		st->has_zone = 1;
	}
	return st->hour <= 23 && st->min <= 59 && st->sec <= 60 ? 0 : -1;
}

/* YYYY-MM-DD, then [T or space]HH:MM[:SS[.frac]][zone]. */
static int
stamp_read(const char *text, size_t n, struct stamp *st)
{
	const char *p = text, *end = text + n;

	memset(st, 0, sizeof *st);
	if (digits(&p, end, 4, &st->year) == -1 || expect(&p, end, '-') ||
	    digits(&p, end, 2, &st->mon) == -1 || expect(&p, end, '-') ||
	    digits(&p, end, 2, &st->day) == -1 || st->year < 1 ||
	    st->mon < 1 || st->mon > 12 || st->day < 1 ||
	    st->day > days_in(st->year, st->mon))
		return -1;
	if (p < end && (*p == 'T' || *p == 't' || *p == ' ')) {
		p++;
		if (time_of_day(&p, end, st) == -1)
			return -1;
	}
	return p == end ? 0 : -1;
}

/* The stamp in µs since the epoch: UTC less its zone, or local time. */
static int
stamp_us(const struct stamp *st, int64_t *us)
{
	struct tm tm;
	time_t t;

	memset(&tm, 0, sizeof tm);
	tm.tm_year = st->year - 1900;
	tm.tm_mon = st->mon - 1;
	tm.tm_mday = st->day;
	tm.tm_hour = st->hour;
	tm.tm_min = st->min;
	tm.tm_sec = st->sec;
	if (st->has_zone)
		t = timegm(&tm) - st->zone_s;
	else {
		tm.tm_isdst = -1;
		if ((t = mktime(&tm)) == (time_t)-1 && tm.tm_year != 69)
			return -1;
	}
	*us = (int64_t)t * US_PER_S + st->frac_us;
	return 0;
}

/* "30m": that long before now. */
static int
ago(const char *text, int64_t now_us, int64_t *us)
{
	static const struct { char unit; int64_t s; } units[] = {
		{ 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 },
	};
	int64_t n = 0;
	size_t i, len = strlen(text);

	if (len < 2 || len > 12 || strspn(text, "0123456789") != len - 1)
		return -1;
	for (i = 0; i < len - 1; i++)
		n = n * 10 + (text[i] - '0');
	for (i = 0; i < sizeof units / sizeof units[0]; i++)
		if (text[len - 1] == units[i].unit && n * units[i].s <=
		    AGO_MAX_S) {
			*us = now_us - n * units[i].s * US_PER_S;
			return 0;
		}
	return -1;
}

int
audit_show_time_parse(const char *text, int64_t now_us, int64_t *us,
    char err[ERR_LEN])
{
	struct stamp st;

	if (ago(text, now_us, us) == 0)
		return 0;
	if (stamp_read(text, strlen(text), &st) == 0 &&
	    stamp_us(&st, us) == 0)
		return 0;
	errmsg_set(err, "\"%s\" is not a time: write 2026-12-05T14:00:00Z "
	    "(RFC 3339), 2026-12-05 14:00 (local time), 2026-12-05 (local "
	    "midnight) or a time ago: 90s, 30m, 2h, 1d", text);
	return -1;
}

int
audit_show_ts_parse(const char *text, size_t n, int64_t *us)
{
	struct stamp st;

	if (stamp_read(text, n, &st) == -1 || !st.has_sec || !st.has_zone)
		return -1;
	return stamp_us(&st, us);
}

void
audit_show_time_local(int64_t us, char out[32], char zone_name[16],
    long *offset)
{
	int64_t s = us / US_PER_S, rest = us % US_PER_S;
	time_t t;
	struct tm tm;
	char day[24];

	if (rest < 0) {
		s--;
		rest += US_PER_S;
	}
	t = (time_t)s;
	if (localtime_r(&t, &tm) == NULL) {
		snprintf(out, 32, "(time out of range)");
		snprintf(zone_name, 16, "?");
		*offset = 0;
		return;
	}
	strftime(day, sizeof day, "%Y-%m-%d %H:%M:%S", &tm);
	snprintf(out, 32, "%s.%03d", day, (int)(rest / 1000));
	snprintf(zone_name, 16, "%s", tm.tm_zone != NULL ? tm.tm_zone : "?");
	*offset = tm.tm_gmtoff;
}
