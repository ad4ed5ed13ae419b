/* date.c: parsing (RFC 3339, RFC 822, CJK) and formatting of dates. */
#include <stdarg.h>
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

/*
 * Offset rounded to whole minutes, as both formats write it (local mean
 * time before 1900 had seconds: New York's was -4:56:02).  The written
 * local time uses it too, so the text still names the exact instant.
 */
static int32_t
minute_off(int32_t off)
{
	return off < 0 ? -((-off + 30) / 60 * 60) : (off + 30) / 60 * 60;
}

static void
to_civil(const struct sy_time *tm, struct civil *c)
{
	int64_t local = tm->t + minute_off(tm->off);
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

/*
 * Formatting by hand: the two formats were a third of the writers' time
 * through snprintf.  Each writes the text into a local array, then copies
 * what fits into buf, as snprintf would (truncated, NUL-terminated).
 */
static char *
put2(char *p, unsigned v)
{
	p[0] = (char)('0' + v / 10 % 10);
	p[1] = (char)('0' + v % 10);
	return p + 2;
}

/* u in decimal, zero-padded to width digits. */
static char *
put_num(char *p, uint64_t u, int width)
{
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u > 0);
	while (n < width--)
		*p++ = '0';
	while (n > 0)
		*p++ = tmp[--n];
	return p;
}

/* "%04lld": four characters at least, a '-' counting as one. */
static char *
put_year(char *p, int64_t y)
{
	if (y >= 1000 && y <= 9999) {
		p = put2(p, (unsigned)(y / 100));
		return put2(p, (unsigned)(y % 100));
	}
	if (y >= 0)
		return put_num(p, (uint64_t)y, 4);
	*p++ = '-';
	return put_num(p, -(uint64_t)y, 3);
}

/* "+0800" or "+08:00"; off is whole minutes. */
static char *
put_off(char *p, int32_t moff, bool colon)
{
	int32_t off = moff < 0 ? -moff : moff;

	*p++ = moff < 0 ? '-' : '+';
	p = put_num(p, (uint64_t)(off / 3600), 2);
	if (colon)
		*p++ = ':';
	return put2(p, (unsigned)(off / 60 % 60));
}

/* "hh:mm:ss" of c. */
static char *
put_hms(char *p, const struct civil *c)
{
	p = put2(p, c->h);
	*p++ = ':';
	p = put2(p, c->min);
	*p++ = ':';
	return put2(p, c->s);
}

static void
copy_out(char *buf, size_t len, const char *s, size_t n)
{
	if (len == 0)
		return;
	if (n > len - 1)
		n = len - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
}

void
sy_date_rfc822(const struct sy_time *tm, char *buf, size_t len)
{
	static const char wd[] = "SunMonTueWedThuFriSat";
	static const char mn[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	struct civil c;
	char out[SY_DATE_BUFSZ + 24], *p = out;

	to_civil(tm, &c);
	memcpy(p, wd + 3 * (size_t)c.wday, 3);
	p += 3;
	*p++ = ',';
	*p++ = ' ';
	p = put2(p, c.d);
	*p++ = ' ';
	memcpy(p, mn + 3 * (size_t)(c.mon - 1), 3);
	p += 3;
	*p++ = ' ';
	p = put_year(p, c.y);
	*p++ = ' ';
	p = put_hms(p, &c);
	*p++ = ' ';
	p = put_off(p, minute_off(tm->off), false);
	copy_out(buf, len, out, (size_t)(p - out));
}

void
sy_date_rfc3339(const struct sy_time *tm, char *buf, size_t len)
{
	struct civil c;
	char out[SY_DATE_BUFSZ + 24], *p = out;
	int32_t moff = minute_off(tm->off);

	to_civil(tm, &c);
	p = put_year(p, c.y);
	*p++ = '-';
	p = put2(p, c.mon);
	*p++ = '-';
	p = put2(p, c.d);
	*p++ = 'T';
	p = put_hms(p, &c);
	if (moff == 0)
		*p++ = 'Z';
	else
		p = put_off(p, moff, true);
	copy_out(buf, len, out, (size_t)(p - out));
}

/* Parsing. */

struct pin {
	const char *p, *e; /* cursor and end of the trimmed input */
	char *why;
	size_t whylen;
};

struct fields {
	int64_t y;
	long long mon, d, h, min, s;
	int wday;  /* from a weekday name, or -1 */
	int ampm;  /* 0, or 1 for 上午 (a.m.), 2 for 下午 (p.m.) */
	bool frac; /* a nonzero fraction of a second */
	bool has_zone;
	int32_t off;
};

static const char *const wdays[] = {"Sunday", "Monday", "Tuesday", "Wednesday",
    "Thursday", "Friday", "Saturday"};
static const char *const months[] = {"January", "February", "March", "April",
    "May", "June", "July", "August", "September", "October", "November",
    "December"};

#define EXPECTED                                                               \
	"expected a date like 2025-01-28, "                                    \
	"Tue, 28 Jan 2025 09:00:00 +0800 or 2025年1月28日"

static __attribute__((format(printf, 3, 4))) enum sy_date_status
fail(struct pin *in, enum sy_date_status st, const char *fmt, ...)
{
	va_list ap;

	if (in->why != NULL && in->whylen > 0) {
		va_start(ap, fmt);
		/* A message longer than why is cut: that is fine. */
		(void)vsnprintf(in->why, in->whylen, fmt, ap);
		va_end(ap);
	}
	return st;
}

/* Length of at most max bytes of the rest, cut on a UTF-8 boundary. */
static int
rest(const struct pin *in, size_t max)
{
	size_t n = (size_t)(in->e - in->p);

	if (n <= max)
		return (int)n;
	while (max > 0 && ((unsigned char)in->p[max] & 0xc0) == 0x80)
		max--;
	return (int)max;
}

static enum sy_date_status
fail_junk(struct pin *in, const char *after)
{
	if (in->p == in->e)
		return fail(in, SY_DATE_SYNTAX,
		    "the date ends too early, after the %s", after);
	return fail(in, SY_DATE_SYNTAX, "unexpected \"%.*s\" after the %s",
	    rest(in, 16), in->p, after);
}

/* Reads min..max ASCII digits; the count, or -1 if fewer than min. */
static int
num(struct pin *in, int min, int max, long long *v)
{
	long long x = 0;
	int n = 0;

	while (in->p < in->e && n < max && SY_ISDIGIT(*in->p)) {
		x = x * 10 + (*in->p++ - '0');
		n++;
	}
	if (n < min || (in->p < in->e && SY_ISDIGIT(*in->p)))
		return -1;
	*v = x;
	return n;
}

/* Full-width digit U+FF10..U+FF19 at p?  Its value, or -1. */
static int
fwdigit(const struct pin *in, const char *p)
{
	const unsigned char *u = (const unsigned char *)p;

	if (in->e - p >= 3 && u[0] == 0xef && u[1] == 0xbc && u[2] >= 0x90 &&
	    u[2] <= 0x99)
		return u[2] - 0x90;
	return -1;
}

/* Like num(), also taking full-width digits (CJK form only). */
static int
cjknum(struct pin *in, int min, int max, long long *v)
{
	long long x = 0;
	int n = 0, d;

	for (;;) {
		if (in->p < in->e && SY_ISDIGIT(*in->p)) {
			d = *in->p++ - '0';
		} else if ((d = fwdigit(in, in->p)) >= 0) {
			in->p += 3;
		} else
			break;
		if (++n > max)
			return -1;
		x = x * 10 + d;
	}
	if (n < min)
		return -1;
	*v = x;
	return n;
}

static bool
lit(struct pin *in, const char *s)
{
	size_t n = strlen(s);

	if ((size_t)(in->e - in->p) < n || memcmp(in->p, s, n) != 0)
		return false;
	in->p += n;
	return true;
}

/* Skips ASCII blanks; also U+3000 IDEOGRAPHIC SPACE when cjk. */
static bool
blanks(struct pin *in, bool cjk)
{
	const char *b = in->p;

	for (;;) {
		if (in->p < in->e && (*in->p == ' ' || *in->p == '\t'))
			in->p++;
		else if (!cjk || !lit(in, "\xe3\x80\x80"))
			break;
	}
	return in->p != b;
}

/* A word of ASCII letters; its length. */
static size_t
word(const struct pin *in)
{
	const char *p = in->p;

	while (p < in->e && SY_ISALPHA(*p))
		p++;
	return (size_t)(p - in->p);
}

/* Index of the word as a 3-letter or full name in names[], or -1. */
static int
lookup(const char *w, size_t n, const char *const *names, int count)
{
	int i;

	for (i = 0; i < count; i++)
		if ((n == 3 || n == strlen(names[i])) &&
		    sy_strncasecmp(w, names[i], n) == 0)
			return i;
	return -1;
}

/* hh:mm[:ss[.fff]]; hour of 1 or 2 digits unless iso. */
static enum sy_date_status
hms(struct pin *in, struct fields *f, bool iso, bool cjk)
{
	int (*rd)(struct pin *, int, int, long long *) = cjk ? cjknum : num;

	if (rd(in, iso ? 2 : 1, 2, &f->h) < 0 ||
	    !(lit(in, ":") || (cjk && lit(in, "\xef\xbc\x9a"))) ||
	    rd(in, 2, 2, &f->min) < 0)
		return fail(in, SY_DATE_SYNTAX,
		    "expected a time like 09:00 or 09:00:30");
	if (lit(in, ":") || (cjk && lit(in, "\xef\xbc\x9a"))) {
		if (rd(in, 2, 2, &f->s) < 0)
			return fail(in, SY_DATE_SYNTAX,
			    "expected two digits of seconds");
		if (iso && in->p < in->e && (*in->p == '.' || *in->p == ',')) {
			in->p++;
			if (in->p == in->e || !SY_ISDIGIT(*in->p))
				return fail(in, SY_DATE_SYNTAX,
				    "expected digits after the decimal sign");
			while (in->p < in->e && SY_ISDIGIT(*in->p))
				f->frac |= *in->p++ != '0';
		}
	}
	return SY_DATE_OK;
}

/* Exactly two ASCII digits, whatever follows. */
static bool
two(struct pin *in, long long *v)
{
	if (in->e - in->p < 2 || !SY_ISDIGIT(in->p[0]) || !SY_ISDIGIT(in->p[1]))
		return false;
	*v = (in->p[0] - '0') * 10 + (in->p[1] - '0');
	in->p += 2;
	return true;
}

/* +hh:mm, +hhmm or +hh; cursor on the sign. */
static enum sy_date_status
numzone(struct pin *in, struct fields *f)
{
	const char *b = in->p;
	int sign = *in->p++ == '-' ? -1 : 1;
	long long h = 0, m = 0;

	if (!two(in, &h))
		goto bad;
	if (lit(in, ":")) {
		if (!two(in, &m))
			goto bad;
	} else if (in->p < in->e && SY_ISDIGIT(*in->p) && !two(in, &m))
		goto bad;
	if (in->p < in->e && SY_ISDIGIT(*in->p))
		goto bad;
	if (h > 23 || m > 59)
		return fail(in, SY_DATE_RANGE,
		    "zone offset %.*s is out of range", (int)(in->p - b), b);
	f->has_zone = true;
	f->off = (int32_t)(sign * (h * 3600 + m * 60));
	return SY_DATE_OK;
bad:
	in->p = b;
	return fail(in, SY_DATE_SYNTAX,
	    "expected a zone offset like +08:00 or +0800, not \"%.*s\"",
	    rest(in, 16), in->p);
}

/*
 * The year (four digits, the separator after it already seen by the
 * caller), sep, the month, sep, the day: month and day of min to two
 * digits.  False if they are not there.
 */
static bool
ymd(struct pin *in, struct fields *f, const char *sep, int min)
{
	long long v = 0;

	num(in, 4, 4, &v);
	f->y = v;
	in->p++;
	return num(in, min, 2, &f->mon) >= 0 && lit(in, sep) &&
	    num(in, min, 2, &f->d) >= 0 &&
	    !(in->p < in->e && SY_ISDIGIT(*in->p));
}

/* 2025-01-28[(T|t| )09:00[:00[.5]][Z|z|+08:00|+0800]] */
static enum sy_date_status
parse_iso(struct pin *in, struct fields *f)
{
	enum sy_date_status st;

	if (!ymd(in, f, "-", 2))
		return fail(in, SY_DATE_SYNTAX,
		    "expected a date like 2025-01-28 (two-digit month and "
		    "day)");
	if (in->p == in->e)
		return SY_DATE_OK;
	if (*in->p == 'T' || *in->p == 't')
		in->p++;
	else if (!blanks(in, false))
		return fail_junk(in, "date");
	if ((st = hms(in, f, true, false)) != SY_DATE_OK)
		return st;
	blanks(in, false);
	if (in->p == in->e)
		return SY_DATE_OK;
	if (*in->p == 'Z' || *in->p == 'z') {
		in->p++;
		f->has_zone = true;
		f->off = 0;
	} else if (*in->p == '+' || *in->p == '-') {
		if ((st = numzone(in, f)) != SY_DATE_OK)
			return st;
	}
	if (in->p != in->e)
		return fail_junk(in, "time");
	return SY_DATE_OK;
}

/* Zone names of RFC 822 section 5.1, and UTC. */
static bool
namedzone(const char *w, size_t n, int32_t *off)
{
	static const struct {
		const char *name;
		int hours;
	} zones[] = {{"UT", 0}, {"UTC", 0}, {"GMT", 0}, {"Z", 0}, {"EST", -5},
	    {"EDT", -4}, {"CST", -6}, {"CDT", -5}, {"MST", -7}, {"MDT", -6},
	    {"PST", -8}, {"PDT", -7}};
	size_t i;

	for (i = 0; i < SY_NELEM(zones); i++)
		if (strlen(zones[i].name) == n &&
		    sy_strncasecmp(w, zones[i].name, n) == 0) {
			*off = zones[i].hours * 3600;
			return true;
		}
	/*
	 * Military letters: RFC 822 got their signs backwards, so RFC 2822
	 * (4.3) says to read them as -0000, an unknown offset: UTC.
	 */
	if (n == 1 && SY_TOUPPER(*w) != 'J') {
		*off = 0;
		return true;
	}
	return false;
}

/* [Tue[,] ]28 Jan 2025[ 09:00[:00][ +0800|GMT][ (comment)]] */
static enum sy_date_status
parse_822(struct pin *in, struct fields *f)
{
	enum sy_date_status st;
	long long v;
	size_t n;
	int i, nd;

	if ((n = word(in)) > 0) {
		if ((f->wday = lookup(in->p, n, wdays, 7)) < 0 &&
		    (in->p + n == in->e || in->p[n] != ','))
			return fail(in, SY_DATE_SYNTAX, "%s", EXPECTED);
		if (f->wday < 0)
			return fail(in, SY_DATE_SYNTAX,
			    "unknown weekday name \"%.*s\"", (int)n, in->p);
		in->p += n;
		lit(in, ",");
		blanks(in, false);
	}
	if (num(in, 1, 2, &f->d) < 0)
		return fail(in, SY_DATE_SYNTAX, "%s", EXPECTED);
	if (!blanks(in, false) && !lit(in, "-"))
		return fail_junk(in, "day");
	if ((n = word(in)) == 0)
		return fail(in, SY_DATE_SYNTAX,
		    "expected a month name like Jan after the day");
	if ((i = lookup(in->p, n, months, 12)) < 0)
		return fail(in, SY_DATE_SYNTAX, "unknown month name \"%.*s\"",
		    (int)n, in->p);
	f->mon = i + 1;
	in->p += n;
	if (!blanks(in, false) && !lit(in, "-"))
		return fail_junk(in, "month");
	if ((nd = num(in, 2, 4, &v)) < 0)
		return fail(in, SY_DATE_SYNTAX,
		    "expected a year like 2025 after the month");
	/* RFC 2822 4.3: 00-49 are 2000-2049, 50-99 and 3 digits + 1900. */
	f->y = nd == 4 ? v : nd == 3 || v >= 50 ? v + 1900 : v + 2000;
	if (in->p == in->e)
		return SY_DATE_OK;
	if (!blanks(in, false))
		return fail_junk(in, "year");
	if ((st = hms(in, f, false, false)) != SY_DATE_OK)
		return st;
	if (in->p == in->e)
		return SY_DATE_OK;
	if (!blanks(in, false))
		return fail_junk(in, "time");
	if (*in->p == '+' || *in->p == '-') {
		if ((st = numzone(in, f)) != SY_DATE_OK)
			return st;
	} else if ((n = word(in)) > 0) {
		if (!namedzone(in->p, n, &f->off))
			return fail(in, SY_DATE_SYNTAX,
			    "unknown time zone \"%.*s\"", (int)n, in->p);
		f->has_zone = true;
		in->p += n;
	}
	blanks(in, false);
	/* A trailing comment, as in "-0800 (PST)". */
	if (in->p < in->e && *in->p == '(' && in->e[-1] == ')')
		in->p = in->e;
	if (in->p != in->e)
		return fail_junk(in, "time");
	return SY_DATE_OK;
}

/*
 * [上午|下午][ ]9:30[:00] to the end, after a CJK or slash date; wide:
 * full-width digits and colons allowed.
 */
static enum sy_date_status
cjk_time(struct pin *in, struct fields *f, bool wide)
{
	enum sy_date_status st;

	if (lit(in, "上午"))
		f->ampm = 1;
	else if (lit(in, "下午"))
		f->ampm = 2;
	blanks(in, true);
	if ((st = hms(in, f, false, wide)) != SY_DATE_OK)
		return st;
	if (in->p != in->e)
		return fail_junk(in, "time");
	return SY_DATE_OK;
}

/* 2025年1月28日[ ][上午|下午][ ]09:00[:30]; full-width digits too. */
static enum sy_date_status
parse_cjk(struct pin *in, struct fields *f)
{
	long long v;

	if (cjknum(in, 4, 4, &v) < 0 || !lit(in, "年") ||
	    cjknum(in, 1, 2, &f->mon) < 0 || !lit(in, "月") ||
	    cjknum(in, 1, 2, &f->d) < 0 || !lit(in, "日"))
		return fail(
		    in, SY_DATE_SYNTAX, "expected a date like 2025年1月28日");
	f->y = v;
	blanks(in, true);
	if (in->p == in->e)
		return SY_DATE_OK;
	return cjk_time(in, f, true);
}

/*
 * 2025/1/28[ ][上午|下午][ ]9:30[:00]: year first, as a spreadsheet set
 * to Chinese, Japanese or Korean writes dates.  Never month or day first:
 * 01/02/2025 means two different days in two countries.
 */
static enum sy_date_status
parse_slash(struct pin *in, struct fields *f)
{
	if (!ymd(in, f, "/", 1))
		return fail(
		    in, SY_DATE_SYNTAX, "expected a date like 2025/1/28");
	if (in->p == in->e)
		return SY_DATE_OK;
	if (!blanks(in, true))
		return fail_junk(in, "date");
	return cjk_time(in, f, false);
}

/* 1/28/2025 or 28/1/2025: which is which cannot be told. */
static bool
day_month_year(const struct pin *in)
{
	const char *p = in->p;
	int n;

	for (n = 0; p < in->e && SY_ISDIGIT(*p); p++)
		n++;
	if (n < 1 || n > 2 || p == in->e || *p++ != '/')
		return false;
	for (n = 0; p < in->e && SY_ISDIGIT(*p); p++)
		n++;
	if (n < 1 || n > 2 || p == in->e || *p++ != '/')
		return false;
	for (n = 0; p < in->e && SY_ISDIGIT(*p); p++)
		n++;
	return n == 4 || n == 2;
}

static int
mdays(int64_t y, int m)
{
	static const unsigned char md[] = {
	    31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return md[m - 1];
}

/* Range checks; the wall-clock time as seconds since the epoch in *local. */
static enum sy_date_status
check(struct pin *in, struct fields *f, int64_t *local)
{
	int64_t days;
	int wd;

	if (f->mon < 1 || f->mon > 12)
		return fail(
		    in, SY_DATE_RANGE, "month %lld is out of range", f->mon);
	if (f->d < 1 || f->d > mdays(f->y, (int)f->mon))
		return fail(in, SY_DATE_RANGE,
		    "day %lld is out of range for %s %lld", f->d,
		    months[f->mon - 1], (long long)f->y);
	if (f->ampm != 0) {
		if (f->h > 12)
			return fail(in, SY_DATE_RANGE,
			    "hour %lld is out of range after %s", f->h,
			    f->ampm == 1 ? "上午" : "下午");
		f->h = f->h % 12 + (f->ampm == 2 ? 12 : 0);
	}
	/* ISO 8601's 24:00 is midnight at the end of the day. */
	if (f->h == 24 && (f->min != 0 || f->s != 0 || f->frac))
		return fail(
		    in, SY_DATE_RANGE, "hour 24 is only allowed as 24:00:00");
	if (f->h > 24)
		return fail(
		    in, SY_DATE_RANGE, "hour %lld is out of range", f->h);
	if (f->min > 59)
		return fail(
		    in, SY_DATE_RANGE, "minute %lld is out of range", f->min);
	/* A leap second (hh:59:60) is read as hh:59:59: POSIX has none. */
	if (f->s == 60 && f->min == 59)
		f->s = 59;
	if (f->s > 59)
		return fail(in, SY_DATE_RANGE, "second %lld is out of range%s",
		    f->s, f->s == 60 ? " (a leap second needs minute 59)" : "");
	days = sy_days_from_civil(f->y, (unsigned)f->mon, (unsigned)f->d);
	wd = (int)(((days % 7) + 11) % 7);
	if (f->wday >= 0 && f->wday != wd)
		return fail(in, SY_DATE_RANGE,
		    "%s does not match %04lld-%02lld-%02lld, a %s",
		    wdays[f->wday], (long long)f->y, f->mon, f->d, wdays[wd]);
	*local = days * 86400 + f->h * 3600 + f->min * 60 + f->s;
	return SY_DATE_OK;
}

/* Trims s, picks the form by its first characters, parses and checks. */
static enum sy_date_status
parse(struct pin *in, const char *s, struct fields *f, int64_t *local)
{
	enum sy_date_status st;
	const char *q;

	memset(f, 0, sizeof(*f));
	f->wday = -1;
	*local = 0;
	if (s == NULL)
		s = "";
	while (SY_ISSPACE(*s))
		s++;
	in->p = s;
	in->e = s + strlen(s);
	while (in->e > s && SY_ISSPACE(in->e[-1]))
		in->e--;
	if (in->p == in->e)
		return fail(in, SY_DATE_SYNTAX, "empty date; %s", EXPECTED);
	for (q = in->p; q < in->e && SY_ISDIGIT(*q); q++)
		continue;
	if (q - in->p == 4 && q < in->e && *q == '-')
		st = parse_iso(in, f);
	else if (q - in->p == 4 && q < in->e && *q == '/')
		st = parse_slash(in, f);
	else if (day_month_year(in))
		return fail(in, SY_DATE_SYNTAX,
		    "day and month cannot be told apart in this order (is "
		    "01/02 the 1st of February or January 2nd?); write the "
		    "year first: 2025-01-28 or 2025/1/28");
	else if ((q - in->p == 4 && in->e - q >= 3 &&
	             memcmp(q, "年", 3) == 0) ||
	    fwdigit(in, in->p) >= 0)
		st = parse_cjk(in, f);
	else if (q - in->p <= 2 && (q > in->p || SY_ISALPHA(*in->p)))
		st = parse_822(in, f);
	else
		return fail(in, SY_DATE_SYNTAX, "%s", EXPECTED);
	if (st != SY_DATE_OK)
		return st;
	return check(in, f, local);
}

enum sy_date_status
sy_date_parse_tz(const char *s, const struct sy_tz *zone, struct sy_time *out,
    char *why, size_t whylen)
{
	struct pin in = {NULL, NULL, why, whylen};
	enum sy_date_status st;
	struct fields f;
	int64_t local;

	if ((st = parse(&in, s, &f, &local)) != SY_DATE_OK)
		return st;
	if (f.has_zone) {
		out->t = local - f.off;
		out->off = f.off;
	} else
		out->t = sy_tz_from_local(zone, local, &out->off);
	return SY_DATE_OK;
}

enum sy_date_status
sy_date_parse(const char *s, const char *tz, struct sy_time *out, char *why,
    size_t whylen)
{
	struct pin in = {NULL, NULL, why, whylen};
	enum sy_date_status st;
	struct sy_tz *zone = NULL;
	struct fields f;
	int64_t local;
	enum sy_err err;

	if (!sy_tz_name_ok(tz))
		return fail(
		    &in, SY_DATE_ZONE, "\"%.40s\" is not a time zone", tz);
	if ((st = parse(&in, s, &f, &local)) != SY_DATE_OK)
		return st;
	if (f.has_zone) {
		out->t = local - f.off;
		out->off = f.off;
		return SY_DATE_OK;
	}
	if ((err = sy_tz_load(tz, &zone)) != SY_OK)
		return fail(&in, SY_DATE_ZONE, "%s time zone \"%.40s\"",
		    err == SY_ENOMEM ? "out of memory loading" : "unknown", tz);
	out->t = sy_tz_from_local(zone, local, &out->off);
	sy_tz_free(zone);
	return SY_DATE_OK;
}
