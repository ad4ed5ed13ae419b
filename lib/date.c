/* date.c: parsing (RFC 3339, RFC 822, CJK) and formatting of dates. */
#include <stdio.h>
#include <string.h>

#include "date.h"
#include "util.h"

/* Howard Hinnant's days_from_civil, proleptic Gregorian. */
int64_t
sy_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

void
sy_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

struct civil {
	int64_t y;
	unsigned mon, d, h, min, s, wday;
};

static void
to_civil(const struct sy_time *tm, struct civil *c)
{
	int64_t local = tm->t + tm->off;
	int64_t days = local / 86400, secs = local % 86400;

	if (secs < 0) {
		secs += 86400;
		days--;
	}
	sy_civil_from_days(days, &c->y, &c->mon, &c->d);
	c->h = (unsigned)(secs / 3600);
	c->min = (unsigned)(secs / 60 % 60);
	c->s = (unsigned)(secs % 60);
	/* 1970-01-01 was a Thursday (4). */
	c->wday = (unsigned)(((days % 7) + 11) % 7);
}

void
sy_date_rfc822(const struct sy_time *tm, char *buf, size_t len)
{
	static const char *wd[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri",
		"Sat" };
	static const char *mn[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
		"Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct civil c;
	int32_t off = tm->off < 0 ? -tm->off : tm->off;

	to_civil(tm, &c);
	snprintf(buf, len, "%s, %02u %s %04lld %02u:%02u:%02u %c%02d%02d",
	    wd[c.wday], c.d, mn[c.mon - 1], (long long)c.y, c.h, c.min, c.s,
	    tm->off < 0 ? '-' : '+', (int)(off / 3600), (int)(off / 60 % 60));
}

void
sy_date_rfc3339(const struct sy_time *tm, char *buf, size_t len)
{
	struct civil c;
	int32_t off = tm->off < 0 ? -tm->off : tm->off;

	to_civil(tm, &c);
	if (tm->off == 0) {
		snprintf(buf, len, "%04lld-%02u-%02uT%02u:%02u:%02uZ",
		    (long long)c.y, c.mon, c.d, c.h, c.min, c.s);
		return;
	}
	snprintf(buf, len, "%04lld-%02u-%02uT%02u:%02u:%02u%c%02d:%02d",
	    (long long)c.y, c.mon, c.d, c.h, c.min, c.s,
	    tm->off < 0 ? '-' : '+', (int)(off / 3600), (int)(off / 60 % 60));
}
