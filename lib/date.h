/*
 * date: parsing and formatting of dates.
 *
 * Accepted: RFC 3339 / ISO 8601 ("2025-01-28", "2025-01-28T09:00",
 * "2025-01-28T09:00:00+08:00", "...Z", fractional seconds, a space instead
 * of "T"), RFC 822 / RFC 1123 ("Tue, 28 Jan 2025 09:00:00 +0800", two- or
 * four-digit years, seconds optional, UT/GMT/Z/EST/EDT/CST/CDT/MST/MDT/PST/
 * PDT and the military letters), and CJK ("2025年1月28日", optionally
 * followed by a time "09:00" or "09:00:30", with or without a space).
 * Fields are range-checked (no hour 25, no February 30, a weekday name
 * must match the date).  A date without a zone is local time in the given
 * IANA zone (NULL or "" = UTC), with daylight saving applied from the
 * system's TZif files (tz.h); a date alone is 00:00 local time.
 *
 * Decisions, and leniencies beyond the standards (for the "Standards
 * deviations" of syndic-manifest.5):
 * - ISO: four-digit year, two-digit month, day, hour, minute; "t", "z",
 *   a space for "T"; zones "Z", "+08:00", "+0800", "+08", optionally
 *   after a space; "." or "," before a fraction, which is dropped.
 * - 24:00 and 24:00:00 (ISO 8601-1:2004) are midnight at the end of the
 *   day; 24:00:01 is out of range.
 * - A leap second, hh:59:60, is read as hh:59:59 (POSIX time has none);
 *   second 60 with another minute is out of range.
 * - Zone offsets up to +-23:59.
 * - RFC 822: weekday optional, also written in full or without its
 *   comma; full month names; "-" between day, month and year (RFC 850);
 *   one-digit hour; the time and the zone may be left out (then local
 *   time); "+08:00" and "UTC" as zones; a trailing "(comment)".  Years
 *   of two digits: 00-49 are 2000-2049, 50-99 1950-1999, three digits
 *   + 1900 (RFC 2822 4.3).  Military letters (not J) mean +0000, as
 *   RFC 2822 4.3 says, because RFC 822 gave them the wrong signs.
 * - CJK: full-width digits (２０２５年) and colon (０９：００) and
 *   U+3000 spaces are accepted; "上午" (a.m.) and "下午" (p.m.) before
 *   the time, with hours 0-12 ("下午3:00" is 15:00, "上午12:30" 00:30).
 *   No zone after a CJK time; "9時30分" is not accepted.
 * - A weekday that does not match the date, like a field out of range,
 *   is SY_DATE_RANGE; an unknown month or zone name is SY_DATE_SYNTAX.
 */
#ifndef SY_DATE_H
#define SY_DATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tz.h"

struct sy_time {
	int64_t t;   /* seconds since 1970-01-01T00:00:00Z */
	int32_t off; /* offset of the written zone, seconds east of UTC */
};

enum sy_date_status {
	SY_DATE_OK = 0,
	SY_DATE_SYNTAX, /* not a date in any accepted form */
	SY_DATE_RANGE,  /* a form we know, with a field out of range */
	SY_DATE_ZONE    /* the time zone name is unknown */
};

/*
 * Parses s.  On success fills *out and returns SY_DATE_OK; otherwise
 * writes a short reason (English, no trailing period) into why (which may
 * be NULL when whylen is 0).  A date without a zone is local time in zone
 * (NULL = UTC), see sy_tz_from_local() for daylight-saving gaps and
 * overlaps; out->off is then the offset in force at that instant.  zone
 * is only read, so one loaded zone serves any number of calls.
 */
enum sy_date_status sy_date_parse_tz(const char *s, const struct sy_tz *zone,
    struct sy_time *out, char *why, size_t whylen);

/*
 * The same with a zone name (NULL or "" = UTC).  SY_DATE_ZONE when tz is
 * not a zone name, or when s needs the zone and it is unknown here.  The
 * zone's file is read on each call that needs it: to parse many dates,
 * sy_tz_load() once and call sy_date_parse_tz().
 */
enum sy_date_status sy_date_parse(const char *s, const char *tz,
    struct sy_time *out, char *why, size_t whylen);

/*
 * "Tue, 28 Jan 2025 09:00:00 +0800" (RFC 822 with four-digit year and a
 * numeric zone) and "2025-01-28T09:00:00+08:00" (RFC 3339; "Z" for UTC),
 * both in the time's own offset.  buf needs SY_DATE_BUFSZ bytes.
 */
#define SY_DATE_BUFSZ 40
void sy_date_rfc822(const struct sy_time *tm, char *buf, size_t len);
void sy_date_rfc3339(const struct sy_time *tm, char *buf, size_t len);

/* Days since 1970-01-01 of a proleptic Gregorian date, and back. */
int64_t sy_days_from_civil(int64_t y, unsigned m, unsigned d);
void sy_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d);

#endif
