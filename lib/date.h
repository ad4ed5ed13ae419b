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
 * system's TZif files.
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
	SY_DATE_RANGE,	/* a form we know, with a field out of range */
	SY_DATE_ZONE	/* the time zone name is unknown */
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
