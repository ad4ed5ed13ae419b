/* date_test.c: parsing, zones, formatting and round trips. */
#include "lib/date.h"

#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "t.h"

#define NY "America/New_York"
#define TPE "Asia/Taipei"
#define LON "Europe/London"
#define SYD "Australia/Sydney"

#define OK SY_DATE_OK
#define SYN SY_DATE_SYNTAX
#define RNG SY_DATE_RANGE

static const struct {
	const char *in, *tz;
	enum sy_date_status st;
	const char *rfc3339, *rfc822; /* expected output, or NULL */
	const char *why;              /* substring of the reason, or NULL */
} cases[] = {
    /* RFC 3339 / ISO 8601 */
    {"2025-01-28", NULL, OK, "2025-01-28T00:00:00Z",
        "Tue, 28 Jan 2025 00:00:00 +0000", NULL},
    {"2025-01-28", TPE, OK, "2025-01-28T00:00:00+08:00",
        "Tue, 28 Jan 2025 00:00:00 +0800", NULL},
    {"2025-01-28T09:00", TPE, OK, "2025-01-28T09:00:00+08:00", NULL, NULL},
    {"2025-01-28T09:00:00", "", OK, "2025-01-28T09:00:00Z", NULL, NULL},
    {"2025-01-28T09:00:00", "UTC", OK, "2025-01-28T09:00:00Z", NULL, NULL},
    {"2025-01-28T09:00:00Z", TPE, OK, "2025-01-28T09:00:00Z", NULL, NULL},
    {"2025-01-28T09:00:00+08:00", NULL, OK, "2025-01-28T09:00:00+08:00",
        "Tue, 28 Jan 2025 09:00:00 +0800", NULL},
    {"2025-01-28T09:00:00+0800", NY, OK, "2025-01-28T09:00:00+08:00", NULL,
        NULL},
    {"2025-01-28T09:00:00+08", NULL, OK, "2025-01-28T09:00:00+08:00", NULL,
        NULL},
    {"2025-01-28t09:00:00z", NULL, OK, "2025-01-28T09:00:00Z", NULL, NULL},
    {"2025-01-28 09:00:00+08:00", NULL, OK, "2025-01-28T09:00:00+08:00", NULL,
        NULL},
    {"2025-01-28 09:00:00 +0800", NULL, OK, "2025-01-28T09:00:00+08:00", NULL,
        NULL},
    {"2025-01-28T09:00:00.123Z", NULL, OK, "2025-01-28T09:00:00Z", NULL, NULL},
    {"2025-01-28T09:00:59,999999+01:00", NULL, OK, "2025-01-28T09:00:59+01:00",
        NULL, NULL},
    {" \t2025-01-28T09:00:00Z \r\n", NULL, OK, "2025-01-28T09:00:00Z", NULL,
        NULL},
    {"2025-01-28T09:00:00-05:00", NULL, OK, "2025-01-28T09:00:00-05:00",
        "Tue, 28 Jan 2025 09:00:00 -0500", NULL},
    {"2025-01-28T01:00:00-03:30", NULL, OK, "2025-01-28T01:00:00-03:30",
        "Tue, 28 Jan 2025 01:00:00 -0330", NULL},
    {"2025-01-28T09:00:00+05:45", NULL, OK, "2025-01-28T09:00:00+05:45", NULL,
        NULL},
    {"2025-01-28T09:00:00+23:59", NULL, OK, "2025-01-28T09:00:00+23:59", NULL,
        NULL},
    {"2025-01-28T09:00:00-23:59", NULL, OK, "2025-01-28T09:00:00-23:59", NULL,
        NULL},
    {"2025-01-28T09:00:00+24:00", NULL, RNG, NULL, NULL,
        "zone offset +24:00 is out of range"},
    {"2025-01-28T09:00:00+08:60", NULL, RNG, NULL, NULL, "zone offset"},
    {"2025-01-28T09:00:00+8:00", NULL, SYN, NULL, NULL, "zone offset"},
    {"1969-07-20T20:17:40Z", NULL, OK, "1969-07-20T20:17:40Z",
        "Sun, 20 Jul 1969 20:17:40 +0000", NULL},
    {"1900-01-01T00:00:00Z", NULL, OK, "1900-01-01T00:00:00Z",
        "Mon, 01 Jan 1900 00:00:00 +0000", NULL},
    {"0001-01-01T00:00:00Z", NULL, OK, "0001-01-01T00:00:00Z",
        "Mon, 01 Jan 0001 00:00:00 +0000", NULL},
    {"9999-12-31T23:59:59-12:00", NULL, OK, "9999-12-31T23:59:59-12:00",
        "Fri, 31 Dec 9999 23:59:59 -1200", NULL},
    {"2024-02-29", NULL, OK, "2024-02-29T00:00:00Z", NULL, NULL},
    {"2000-02-29", NULL, OK, "2000-02-29T00:00:00Z", NULL, NULL},
    {"1900-02-29", NULL, RNG, NULL, NULL,
        "day 29 is out of range for February 1900"},
    {"2025-02-29", NULL, RNG, NULL, NULL,
        "day 29 is out of range for February 2025"},
    {"2025-02-30", NULL, RNG, NULL, NULL,
        "day 30 is out of range for February 2025"},
    {"2025-04-31", NULL, RNG, NULL, NULL, "April 2025"},
    {"2025-13-01", NULL, RNG, NULL, NULL, "month 13 is out of range"},
    {"2025-00-10", NULL, RNG, NULL, NULL, "month 0 is out of range"},
    {"2025-01-00", NULL, RNG, NULL, NULL, "day 0 is out of range"},
    {"2025-1-1x", NULL, SYN, NULL, NULL, "2025-01-28"},
    {"2025-1-1", NULL, SYN, NULL, NULL, NULL},
    {"2025-01-28T25:00:00Z", NULL, RNG, NULL, NULL, "hour 25 is out of range"},
    {"2025-01-28T24:00:00Z", NULL, OK, "2025-01-29T00:00:00Z", NULL, NULL},
    {"2025-01-28T24:00", TPE, OK, "2025-01-29T00:00:00+08:00", NULL, NULL},
    {"2025-01-28T24:00:01Z", NULL, RNG, NULL, NULL, "hour 24"},
    {"2025-01-28T09:60:00Z", NULL, RNG, NULL, NULL,
        "minute 60 is out of range"},
    {"2025-01-28T09:00:61Z", NULL, RNG, NULL, NULL,
        "second 61 is out of range"},
    {"2016-12-31T23:59:60Z", NULL, OK, "2016-12-31T23:59:59Z", NULL, NULL},
    {"2025-01-28T09:30:60Z", NULL, RNG, NULL, NULL, "second 60"},
    {"2025-01-28T09", NULL, SYN, NULL, NULL, "expected a time"},
    {"2025-01-28T9:00", NULL, SYN, NULL, NULL, "expected a time"},
    {"2025-01-28T09:00:00X", NULL, SYN, NULL, NULL,
        "unexpected \"X\" after the time"},
    {"2025-01-28T09:00:00.", NULL, SYN, NULL, NULL, "decimal"},
    {"2025-01-28x", NULL, SYN, NULL, NULL, "after the date"},
    {"20250128", NULL, SYN, NULL, NULL, "expected a date like"},
    {"", NULL, SYN, NULL, NULL, "empty"},
    {"   ", NULL, SYN, NULL, NULL, "empty"},
    {"garbage", NULL, SYN, NULL, NULL, "expected a date like"},
    {"hour 25", NULL, SYN, NULL, NULL, "expected a date like"},
    {"12345-01-01", NULL, SYN, NULL, NULL, "expected a date like"},
    {"-2025-01-01", NULL, SYN, NULL, NULL, NULL},

    /* RFC 822 / 1123 / 2822 */
    {"Tue, 28 Jan 2025 09:00:00 +0800", NULL, OK, "2025-01-28T09:00:00+08:00",
        "Tue, 28 Jan 2025 09:00:00 +0800", NULL},
    {"28 Jan 2025 09:00:00 +0800", NULL, OK, "2025-01-28T09:00:00+08:00", NULL,
        NULL},
    {"Tue, 28 Jan 2025 09:00 +0800", NULL, OK, "2025-01-28T09:00:00+08:00",
        NULL, NULL},
    {"Tue 28 Jan 2025 09:00:00 +0800", NULL, OK, "2025-01-28T09:00:00+08:00",
        NULL, NULL},
    {"Tue, 28 Jan 2025 09:00:00 +08:00", NULL, OK, "2025-01-28T09:00:00+08:00",
        NULL, NULL},
    {"Tue, 28 Jan 25 09:00:00 +0800", NULL, OK, "2025-01-28T09:00:00+08:00",
        NULL, NULL},
    {"Thu, 28 Jan 99 09:00:00 GMT", NULL, OK, "1999-01-28T09:00:00Z", NULL,
        NULL},
    {"Sat, 1 Jan 100 00:00:00 GMT", NULL, OK, "2000-01-01T00:00:00Z", NULL,
        NULL},
    {"Sat, 1 Jan 2000 00:00:00 GMT", NULL, OK, "2000-01-01T00:00:00Z",
        "Sat, 01 Jan 2000 00:00:00 +0000", NULL},
    {"Tue, 28 Jan 2025 09:00:00 UT", TPE, OK, "2025-01-28T09:00:00Z", NULL,
        NULL},
    {"Tue, 28 Jan 2025 09:00:00 UTC", NULL, OK, "2025-01-28T09:00:00Z", NULL,
        NULL},
    {"Tue, 28 Jan 2025 09:00:00 Z", NULL, OK, "2025-01-28T09:00:00Z", NULL,
        NULL},
    {"Tue, 28 Jan 2025 09:00:00 EST", NULL, OK, "2025-01-28T09:00:00-05:00",
        NULL, NULL},
    {"Tue, 28 Jan 2025 09:00:00 EDT", NULL, OK, "2025-01-28T09:00:00-04:00",
        NULL, NULL},
    {"Tue, 28 Jan 2025 09:00:00 CST", NULL, OK, "2025-01-28T09:00:00-06:00",
        NULL, NULL},
    {"Tue, 28 Jan 2025 09:00:00 CDT", NULL, OK, "2025-01-28T09:00:00-05:00",
        NULL, NULL},
    {"Tue, 28 Jan 2025 09:00:00 MST", NULL, OK, "2025-01-28T09:00:00-07:00",
        NULL, NULL},
    {"Tue, 28 Jan 2025 09:00:00 MDT", NULL, OK, "2025-01-28T09:00:00-06:00",
        NULL, NULL},
    {"Tue, 28 Jan 2025 09:00:00 PST", NULL, OK, "2025-01-28T09:00:00-08:00",
        "Tue, 28 Jan 2025 09:00:00 -0800", NULL},
    {"Tue, 28 Jan 2025 09:00:00 PDT", NULL, OK, "2025-01-28T09:00:00-07:00",
        NULL, NULL},
    {"Tue, 28 Jan 2025 09:00:00 A", NULL, OK, "2025-01-28T09:00:00Z", NULL,
        NULL},
    {"Tue, 28 Jan 2025 09:00:00 y", NULL, OK, "2025-01-28T09:00:00Z", NULL,
        NULL},
    {"Tue, 28 Jan 2025 09:00:00 J", NULL, SYN, NULL, NULL,
        "unknown time zone \"J\""},
    {"Tue, 28 Jan 2025 09:00:00 XYZ", NULL, SYN, NULL, NULL,
        "unknown time zone \"XYZ\""},
    {"Tue, 28 Jan 2025 09:00:00 -0000", NULL, OK, "2025-01-28T09:00:00Z", NULL,
        NULL},
    {"tue, 28 jan 2025 09:00:00 gmt", NULL, OK, "2025-01-28T09:00:00Z", NULL,
        NULL},
    {"Tuesday, 28 January 2025 09:00:00 +0800", NULL, OK,
        "2025-01-28T09:00:00+08:00", NULL, NULL},
    {"Tue, 28 Jan 2025 09:00:00 -0800 (PST)", NULL, OK,
        "2025-01-28T09:00:00-08:00", NULL, NULL},
    {"Sunday, 06-Nov-94 08:49:37 GMT", NULL, OK, "1994-11-06T08:49:37Z",
        "Sun, 06 Nov 1994 08:49:37 +0000", NULL},
    {"Tue, 28 Jan 2025 9:05:00 +0800", NULL, OK, "2025-01-28T09:05:00+08:00",
        NULL, NULL},
    {"Tue, 28 Jan 2025 09:00:00", TPE, OK, "2025-01-28T09:00:00+08:00", NULL,
        NULL},
    {"Tue, 28 Jan 2025", NY, OK, "2025-01-28T00:00:00-05:00", NULL, NULL},
    {"Wed, 31 Dec 1969 23:59:59 +0000", NULL, OK, "1969-12-31T23:59:59Z", NULL,
        NULL},
    {"Wed, 31 Dec 1969 19:00:00 -0500", NULL, OK, "1969-12-31T19:00:00-05:00",
        NULL, NULL},
    {"Mon, 28 Jan 2025", NULL, RNG, NULL, NULL,
        "Monday does not match 2025-01-28, a Tuesday"},
    {"Mon, 28 Jan 2025 09:00:00 +0800", NULL, RNG, NULL, NULL,
        "Monday does not match"},
    {"Tue, 30 Feb 2025", NULL, RNG, NULL, NULL,
        "day 30 is out of range for February 2025"},
    {"Tue, 28 Jam 2025 09:00:00 +0800", NULL, SYN, NULL, NULL,
        "unknown month name \"Jam\""},
    {"Tue, 28 Jan 2025 25:00:00 +0800", NULL, RNG, NULL, NULL,
        "hour 25 is out of range"},
    {"Tue, 28 Jan 2025 09:00:00 +2400", NULL, RNG, NULL, NULL,
        "zone offset +2400 is out of range"},
    {"Tue, 28 Jan 2025 09:00:00 +0800 junk", NULL, SYN, NULL, NULL,
        "unexpected \"junk\""},
    {"Tue, 28 Jan", NULL, SYN, NULL, NULL, "ends too early"},
    {"Tue, 28 Jan 2025 09:00:00 +0800 (PST", NULL, SYN, NULL, NULL,
        "unexpected \"(PST\""},
    {"Tue, Jan 28 2025", NULL, SYN, NULL, NULL, NULL},
    {"Xyz, 28 Jan 2025", NULL, SYN, NULL, NULL, "unknown weekday name \"Xyz\""},

    /* CJK */
    {"2025年1月28日", TPE, OK, "2025-01-28T00:00:00+08:00", NULL, NULL},
    {"2025年1月28日 09:00", TPE, OK, "2025-01-28T09:00:00+08:00", NULL, NULL},
    {"2025年1月28日09:00:30", TPE, OK, "2025-01-28T09:00:30+08:00", NULL, NULL},
    {"2025年01月28日", NULL, OK, "2025-01-28T00:00:00Z", NULL, NULL},
    {"２０２５年１月２８日", TPE, OK, "2025-01-28T00:00:00+08:00", NULL, NULL},
    {"2025年1月28日\xe3\x80\x80０９：００", TPE, OK,
        "2025-01-28T09:00:00+08:00", NULL, NULL},
    {"2025年1月28日 下午3:00", TPE, OK, "2025-01-28T15:00:00+08:00", NULL,
        NULL},
    {"2025年1月28日上午12:30", TPE, OK, "2025-01-28T00:30:00+08:00", NULL,
        NULL},
    {"2025年1月28日 下午 12:00", TPE, OK, "2025-01-28T12:00:00+08:00", NULL,
        NULL},
    {"2025年1月28日 下午13:00", TPE, RNG, NULL, NULL,
        "hour 13 is out of range after 下午"},
    /* Year first with slashes, as CJK spreadsheets write dates. */
    {"2025/1/28", TPE, OK, "2025-01-28T00:00:00+08:00", NULL, NULL},
    {"2025/01/28 09:30", TPE, OK, "2025-01-28T09:30:00+08:00", NULL, NULL},
    {"2025/1/28 9:30:15", NULL, OK, "2025-01-28T09:30:15Z", NULL, NULL},
    {"2025/1/28 下午 02:15:00", TPE, OK, "2025-01-28T14:15:00+08:00", NULL,
        NULL},
    {"2025/1/28 上午12:05", TPE, OK, "2025-01-28T00:05:00+08:00", NULL, NULL},
    {"2024/2/29", NULL, OK, "2024-02-29T00:00:00Z", NULL, NULL},
    {"2025/2/29", NULL, RNG, NULL, NULL, "day 29 is out of range"},
    {"2025/13/1", NULL, RNG, NULL, NULL, "month 13"},
    {"2025/1", NULL, SYN, NULL, NULL, "2025/1/28"},
    {"2025/1/128", NULL, SYN, NULL, NULL, "2025/1/28"},
    {"2025/1/28x", NULL, SYN, NULL, NULL, "after the date"},
    {"2025/1/28 9", NULL, SYN, NULL, NULL, "09:00"},
    /* Day or month first: never guessed. */
    {"1/28/2025", NULL, SYN, NULL, NULL, "write the year first"},
    {"28/01/2025", NULL, SYN, NULL, NULL, "write the year first"},
    {"01/02/25", NULL, SYN, NULL, NULL, "write the year first"},
    {"2024年2月29日", NULL, OK, "2024-02-29T00:00:00Z", NULL, NULL},
    {"2025年2月30日", TPE, RNG, NULL, NULL,
        "day 30 is out of range for February 2025"},
    {"2025年13月1日", TPE, RNG, NULL, NULL, "month 13 is out of range"},
    {"2025年1月28", NULL, SYN, NULL, NULL, "2025年1月28日"},
    {"2025年1月28日 9點", NULL, SYN, NULL, NULL, "expected a time"},
    {"2025年1月28日 09:00 +0800", NULL, SYN, NULL, NULL, "unexpected"},

    /* Zones, daylight saving, gaps and overlaps */
    {"2025-03-09T01:59:59", NY, OK, "2025-03-09T01:59:59-05:00", NULL, NULL},
    {"2025-03-09T02:30", NY, OK, "2025-03-09T03:30:00-04:00", NULL, NULL},
    {"2025-03-09T03:00", NY, OK, "2025-03-09T03:00:00-04:00", NULL, NULL},
    {"2025-11-02T00:30", NY, OK, "2025-11-02T00:30:00-04:00", NULL, NULL},
    {"2025-11-02T01:30", NY, OK, "2025-11-02T01:30:00-04:00", NULL, NULL},
    {"2025-11-02T02:00", NY, OK, "2025-11-02T02:00:00-05:00", NULL, NULL},
    {"2025-07-01", NY, OK, "2025-07-01T00:00:00-04:00", NULL, NULL},
    /* Local mean time, -4:56:02, is written rounded to the minute. */
    {"1850-01-01T12:00", NY, OK, "1850-01-01T12:00:02-04:56",
        "Tue, 01 Jan 1850 12:00:02 -0456", NULL},
    {"1960-07-01T12:00", NY, OK, "1960-07-01T12:00:00-04:00", NULL, NULL},
    {"2100-07-01T12:00", NY, OK, "2100-07-01T12:00:00-04:00", NULL, NULL},
    {"2100-12-01T12:00", NY, OK, "2100-12-01T12:00:00-05:00", NULL, NULL},
    {"9999-07-01T00:00", NY, OK, "9999-07-01T00:00:00-04:00", NULL, NULL},
    {"2025-07-01T12:00", LON, OK, "2025-07-01T12:00:00+01:00",
        "Tue, 01 Jul 2025 12:00:00 +0100", NULL},
    {"2025-01-15T12:00", LON, OK, "2025-01-15T12:00:00Z", NULL, NULL},
    {"2025-03-30T01:30", LON, OK, "2025-03-30T02:30:00+01:00", NULL, NULL},
    {"2025-10-26T01:30", LON, OK, "2025-10-26T01:30:00+01:00", NULL, NULL},
    {"1970-01-01", LON, OK, "1970-01-01T00:00:00+01:00", NULL, NULL},
    {"2025-06-01", TPE, OK, "2025-06-01T00:00:00+08:00", NULL, NULL},
    {"1975-06-01T12:00", TPE, OK, "1975-06-01T12:00:00+09:00", NULL, NULL},
    {"2025-01-15T12:00", SYD, OK, "2025-01-15T12:00:00+11:00", NULL, NULL},
    {"2025-07-15T12:00", SYD, OK, "2025-07-15T12:00:00+10:00", NULL, NULL},
    {"2200-01-15T12:00", SYD, OK, "2200-01-15T12:00:00+11:00", NULL, NULL},
    {"2200-07-15T12:00", SYD, OK, "2200-07-15T12:00:00+10:00", NULL, NULL},
};

/* One loaded zone per name, as a caller parsing a manifest would keep. */
static struct {
	const char *name;
	struct sy_tz *tz;
} zones[8];

static const struct sy_tz *
zone(const char *name)
{
	size_t i;

	for (i = 0; i < SY_NELEM(zones) && zones[i].name != NULL; i++)
		if (strcmp(zones[i].name, name ? name : "") == 0)
			return zones[i].tz;
	if (i == SY_NELEM(zones))
		abort();
	zones[i].name = name ? name : "";
	if (sy_tz_load(name, &zones[i].tz) != SY_OK)
		return NULL;
	return zones[i].tz;
}

/* s with control characters shown as "?", to keep TAP lines whole. */
static const char *
show(const char *s)
{
	static char buf[128];
	size_t i;

	for (i = 0; s[i] != '\0' && i < sizeof(buf) - 1; i++)
		buf[i] = (unsigned char)s[i] < 0x20 ? '?' : s[i];
	buf[i] = '\0';
	return buf;
}

static void
test_table(void)
{
	char name[128], why[128], got[SY_DATE_BUFSZ], got822[SY_DATE_BUFSZ];
	char again[SY_DATE_BUFSZ];
	struct sy_time tm, tm2, rt;
	enum sy_date_status st, st2;
	size_t i;

	for (i = 0; i < SY_NELEM(cases); i++) {
		why[0] = '\0';
		snprintf(name, sizeof(name), "%s", show(cases[i].in));
		memset(&tm, 0, sizeof(tm));
		st = sy_date_parse_tz(
		    cases[i].in, zone(cases[i].tz), &tm, why, sizeof(why));
		if (!T_INTEQ(st, cases[i].st, "status of \"%s\" (%s): %s", name,
		        cases[i].tz ? cases[i].tz : "UTC", why))
			continue;
		/* The zone-name variant agrees. */
		memset(&tm2, 0, sizeof(tm2));
		st2 = sy_date_parse(cases[i].in, cases[i].tz, &tm2, NULL, 0);
		T_OK(st2 == st &&
		        (st != OK || (tm2.t == tm.t && tm2.off == tm.off)),
		    "by name: \"%s\"", name);
		if (st != OK) {
			T_OK(why[0] != '\0' &&
			        (cases[i].why == NULL ||
			            strstr(why, cases[i].why) != NULL),
			    "reason for \"%s\": %s", name, why);
			continue;
		}
		sy_date_rfc3339(&tm, got, sizeof(got));
		T_STREQ(got, cases[i].rfc3339, "rfc3339 of \"%s\"", name);
		sy_date_rfc822(&tm, got822, sizeof(got822));
		if (cases[i].rfc822 != NULL)
			T_STREQ(
			    got822, cases[i].rfc822, "rfc822 of \"%s\"", name);
		/* Both outputs parse back to the same instant and text. */
		T_OK(sy_date_parse_tz(got, NULL, &rt, why, sizeof(why)) == OK &&
		        rt.t == tm.t &&
		        (sy_date_rfc3339(&rt, again, sizeof(again)),
		            strcmp(again, got) == 0),
		    "round trip %s", got);
		T_OK(sy_date_parse_tz(got822, NULL, &rt, why, sizeof(why)) ==
		            OK &&
		        rt.t == tm.t &&
		        (sy_date_rfc822(&rt, again, sizeof(again)),
		            strcmp(again, got822) == 0),
		    "round trip %s", got822);
	}
}

static void
test_instants(void)
{
	struct sy_time tm;

	T_OK(sy_date_parse("1970-01-01T00:00:00Z", NULL, &tm, NULL, 0) == OK &&
	        tm.t == 0 && tm.off == 0,
	    "epoch");
	T_OK(sy_date_parse(
	         "Wed, 31 Dec 1969 23:59:59 GMT", NULL, &tm, NULL, 0) == OK &&
	        tm.t == -1,
	    "one second before the epoch");
	T_OK(sy_date_parse("2025-01-28T09:00:00+08:00", NULL, &tm, NULL, 0) ==
	            OK &&
	        tm.t == 1738026000 && tm.off == 28800,
	    "2025-01-28 +08");
	T_OK(sy_date_parse("2025年1月28日 09:00", TPE, &tm, NULL, 0) == OK &&
	        tm.t == 1738026000 && tm.off == 28800,
	    "CJK in Taipei");
	/* 02:30 does not exist: 07:30Z, i.e. 03:30 EDT. */
	T_OK(sy_date_parse("2025-03-09T02:30", NY, &tm, NULL, 0) == OK &&
	        tm.t == 1741505400 && tm.off == -4 * 3600,
	    "New York gap");
	/* 01:30 happens twice: the first, 05:30Z. */
	T_OK(sy_date_parse("2025-11-02T01:30", NY, &tm, NULL, 0) == OK &&
	        tm.t == 1762061400 && tm.off == -4 * 3600,
	    "New York overlap");
	T_OK(sy_date_parse("9999-12-31T23:59:59Z", NULL, &tm, NULL, 0) == OK &&
	        tm.t == 253402300799LL,
	    "year 9999");
}

static void
test_zones(void)
{
	static const char *good[] = {"", "UTC", TPE, NY, LON, SYD, "Etc/GMT+5",
	    "America/Argentina/Buenos_Aires"};
	static const char *bad[] = {"../../etc/passwd", "/etc/passwd",
	    "/usr/share/zoneinfo/UTC", "Asia/../Asia/Taipei", "Asia/",
	    "Asia//Taipei", "America", "Nowhere/City", "zone.tab",
	    "iso3166.tab", "Asia/Taipei ", "..", "."};
	char why[128];
	struct sy_time tm;
	struct sy_tz *z;
	size_t i;

	T_OK(sy_tz_is_valid(NULL), "NULL is UTC");
	for (i = 0; i < SY_NELEM(good); i++)
		T_OK(sy_tz_is_valid(good[i]), "valid zone \"%s\"", good[i]);
	for (i = 0; i < SY_NELEM(bad); i++) {
		T_OK(!sy_tz_is_valid(bad[i]), "invalid zone \"%s\"", bad[i]);
		T_INTEQ(
		    sy_date_parse("2025-01-28", bad[i], &tm, why, sizeof(why)),
		    SY_DATE_ZONE, "date in zone \"%s\": %s", bad[i], why);
	}
	T_INTEQ(sy_tz_load("../../etc/passwd", &z), SY_EINVAL,
	    "load refuses a path");
	T_OK(z == NULL, "no zone on failure");
	/* A date with its own offset does not need the file of the zone. */
	T_INTEQ(
	    sy_date_parse("2025-01-28T00:00Z", "Nowhere/City", &tm, NULL, 0),
	    OK, "offset given, zone unused");
	T_INTEQ(sy_date_parse("2025-01-28T00:00Z", "../x", &tm, NULL, 0),
	    SY_DATE_ZONE, "a path is refused even when unused");
	T_INTEQ(sy_tz_offset(NULL, 0), 0, "NULL zone is UTC");
	T_INTEQ(sy_tz_offset(zone(TPE), 1738026000), 28800, "Taipei offset");
}

/*
 * The snprintf formatting the writers used before date.c formatted by
 * hand, kept here as the reference the new code must match byte for
 * byte.
 */
static int32_t
ref_minute_off(int32_t off)
{
	return off < 0 ? -((-off + 30) / 60 * 60) : (off + 30) / 60 * 60;
}

static void
ref_civil(const struct sy_time *tm, long long *y, unsigned f[6])
{
	int64_t local = tm->t + ref_minute_off(tm->off), yy;
	int64_t days = local / 86400, secs = local % 86400;

	if (secs < 0) {
		secs += 86400;
		days--;
	}
	sy_civil_from_days(days, &yy, &f[0], &f[1]);
	*y = (long long)yy;
	f[2] = (unsigned)(secs / 3600);
	f[3] = (unsigned)(secs / 60 % 60);
	f[4] = (unsigned)(secs % 60);
	f[5] = (unsigned)(((days % 7) + 11) % 7);
}

static void
ref_rfc822(const struct sy_time *tm, char *buf, size_t len)
{
	static const char *wd[] = {
	    "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char *mn[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	int32_t moff = ref_minute_off(tm->off), off = moff < 0 ? -moff : moff;
	unsigned f[6];
	long long y;

	ref_civil(tm, &y, f);
	snprintf(buf, len, "%s, %02u %s %04lld %02u:%02u:%02u %c%02d%02d",
	    wd[f[5]], f[1], mn[f[0] - 1], y, f[2], f[3], f[4],
	    moff < 0 ? '-' : '+', (int)(off / 3600), (int)(off / 60 % 60));
}

static void
ref_rfc3339(const struct sy_time *tm, char *buf, size_t len)
{
	int32_t moff = ref_minute_off(tm->off), off = moff < 0 ? -moff : moff;
	unsigned f[6];
	long long y;

	ref_civil(tm, &y, f);
	if (moff == 0) {
		snprintf(buf, len, "%04lld-%02u-%02uT%02u:%02u:%02uZ", y, f[0],
		    f[1], f[2], f[3], f[4]);
		return;
	}
	snprintf(buf, len, "%04lld-%02u-%02uT%02u:%02u:%02u%c%02d:%02d", y,
	    f[0], f[1], f[2], f[3], f[4], moff < 0 ? '-' : '+',
	    (int)(off / 3600), (int)(off / 60 % 60));
}

/* Both formats of tm, ours and the reference, at buffer size len. */
static int
same_as_ref(const struct sy_time *tm, size_t len)
{
	char a[64], b[64];

	memset(a, 'x', sizeof(a));
	memset(b, 'x', sizeof(b));
	sy_date_rfc822(tm, a, len);
	ref_rfc822(tm, b, len);
	if (memcmp(a, b, sizeof(a)) != 0)
		return 0;
	memset(a, 'x', sizeof(a));
	memset(b, 'x', sizeof(b));
	sy_date_rfc3339(tm, a, len);
	ref_rfc3339(tm, b, len);
	return memcmp(a, b, sizeof(a)) == 0;
}

static void
test_format_ref(void)
{
	static const struct {
		int64_t t;
		int32_t off;
	} fixed[] = {
	    {0, 0}, {1738026000, 8 * 3600}, {1738026000, -5 * 3600},
	    {1738026000, 5 * 3600 + 45 * 60},
	    {1738026000, -(3 * 3600 + 30 * 60)},
	    {1738026000, 23 * 3600 + 59 * 60},
	    {1738026000, -(23 * 3600 + 59 * 60)},
	    {-2717640000LL, -(4 * 3600 + 56 * 60 + 2)}, /* New York LMT */
	    {-2717640000LL, 29},  /* rounds to +00:00: "Z" */
	    {-2717640000LL, 30},  /* rounds to +00:01 */
	    {-2717640000LL, -30}, /* rounds to -00:01 */
	    {-1, 0}, {-86400, 0},
	    {253402300799LL, 0},      /* 9999-12-31T23:59:59Z */
	    {253402300800LL, 0},      /* 10000-01-01 */
	    {253402300799LL, 3600},   /* into year 10000 locally */
	    {-62135596800LL, 0},      /* 0001-01-01 */
	    {-62167219200LL, 0},      /* 0000-01-01 */
	    {-62167219201LL, 0},      /* -0001-12-31 */
	    {-62167219200LL, -3600},  /* year -1 locally */
	    {-377705116800LL, 0},     /* -10000-01-01 */
	    {3155760000000LL, 0},     /* year 101970 */
	    {1738026000, 100 * 3600}, /* an offset of three digits of hours */
	};
	static const size_t lens[] = {SY_DATE_BUFSZ, 64, 26, 25, 20, 10, 1};
	size_t i, j;
	int64_t t;
	int32_t off;
	int bad = 0, n = 0;

	for (i = 0; i < SY_NELEM(fixed); i++) {
		struct sy_time tm = {fixed[i].t, fixed[i].off};

		for (j = 0; j < SY_NELEM(lens); j++)
			T_OK(same_as_ref(&tm, lens[j]),
			    "format of %lld%+d as snprintf, buffer of %zu",
			    (long long)tm.t, (int)tm.off, lens[j]);
	}
	/* A sweep: every month of years -50..10050, odd hours and zones. */
	for (t = -63745056000LL; t < 255000000000LL; t += 2629743 + 3607) {
		for (off = -86340; off <= 86340; off += 12345) {
			struct sy_time tm = {t, off};

			n++;
			if (!same_as_ref(&tm, SY_DATE_BUFSZ))
				bad++;
		}
	}
	T_INTEQ(bad, 0, "sweep of %d instants and offsets as snprintf", n);
	/* A dense sweep of one day in each of a few years, second by second. */
	bad = n = 0;
	for (t = 1738022400; t < 1738022400 + 86400 + 60; t += 7) {
		struct sy_time tm = {t, (int32_t)(t % 3 - 1) * 3600};

		n++;
		if (!same_as_ref(&tm, SY_DATE_BUFSZ))
			bad++;
	}
	T_INTEQ(bad, 0, "dense sweep of %d seconds as snprintf", n);
}

int
main(void)
{
	size_t i;

	test_table();
	test_instants();
	test_zones();
	test_format_ref();
	for (i = 0; i < SY_NELEM(zones); i++)
		sy_tz_free(zones[i].tz);
	printf("# %zu table cases\n", SY_NELEM(cases));
	return t_done();
}
