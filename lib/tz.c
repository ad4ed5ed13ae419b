/* tz.c: a small TZif (RFC 8536) reader and local-time conversion. */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "date.h"
#include "tz.h"
#include "util.h"

#define TZ_MAXFILE (1 << 20)
#define TZ_MAXNAME 255
#define TZ_MAXOFF (26 * 3600) /* RFC 8536 allows -25:59:59..+25:59:59 */

/* A date of a POSIX TZ rule: Jn, n or Mm.w.d, and the local time of day. */
struct tz_rdate {
	char kind; /* 'J', 'D' (zero-based n) or 'M' */
	int n, m, w, d;
	int32_t secs;
};

struct tz_rule {
	int32_t std, dst; /* offsets east of UTC */
	bool has_dst;
	struct tz_rdate start, end;
};

struct sy_tz {
	size_t n;      /* number of transitions */
	int64_t *at;   /* instants of the transitions, ascending */
	int32_t *off;  /* offset in force from at[i] on */
	int32_t off0;  /* offset before the first transition */
	bool has_rule; /* footer rule for instants after the last */
	struct tz_rule rule;
};

bool
sy_tz_name_ok(const char *name)
{
	const char *p;
	size_t len = 0;
	bool start = true;

	if (name == NULL || *name == '\0')
		return true;
	/* Components of [A-Za-z0-9_+-] joined by "/": no ".", no "/x". */
	for (p = name; *p != '\0'; p++, len++) {
		if (*p == '/') {
			if (start)
				return false;
			start = true;
			continue;
		}
		if (!SY_ISALNUM(*p) && *p != '_' && *p != '+' && *p != '-')
			return false;
		start = false;
	}
	return !start && len <= TZ_MAXNAME;
}

static bool
is_utc(const char *name)
{
	return name == NULL || *name == '\0' || strcmp(name, "UTC") == 0;
}

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static int64_t
be64(const unsigned char *p)
{
	return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

/* Reads the whole regular file at path; NULL with errno set otherwise. */
static unsigned char *
slurp(const char *path, size_t *lenp)
{
	struct stat st;
	unsigned char *buf = NULL;
	size_t len = 0;
	ssize_t r;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1)
		return NULL;
	if (fstat(fd, &st) == -1)
		goto fail;
	if (!S_ISREG(st.st_mode) || st.st_size > TZ_MAXFILE) {
		errno = EINVAL;
		goto fail;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (buf == NULL)
		goto fail;
	while (len < (size_t)st.st_size) {
		r = read(fd, buf + len, (size_t)st.st_size - len);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r == 0)
				errno = EINVAL;
			goto fail;
		}
		len += (size_t)r;
	}
	close(fd);
	*lenp = len;
	return buf;
fail:
	free(buf);
	close(fd);
	return NULL;
}

/* POSIX TZ string pieces.  Each returns the rest of s, or NULL. */
static const char *
rule_name(const char *s)
{
	const char *b = s;

	if (*s == '<') {
		while (*s != '\0' && *s != '>')
			s++;
		return *s == '>' && s - b >= 4 ? s + 1 : NULL;
	}
	while (SY_ISALPHA(*s))
		s++;
	return s - b >= 3 ? s : NULL;
}

/* [+-]hh[:mm[:ss]], hours up to maxh; *v in seconds. */
static const char *
rule_hms(const char *s, int maxh, int32_t *v)
{
	int sign = 1, h = 0, m = 0, sec = 0, nd = 0;

	if (*s == '+' || *s == '-')
		sign = *s++ == '-' ? -1 : 1;
	while (SY_ISDIGIT(*s) && nd < 3) {
		h = h * 10 + (*s++ - '0');
		nd++;
	}
	if (nd == 0 || h > maxh)
		return NULL;
	if (*s == ':') {
		if (!SY_ISDIGIT(s[1]) || !SY_ISDIGIT(s[2]))
			return NULL;
		m = (s[1] - '0') * 10 + (s[2] - '0');
		s += 3;
		if (*s == ':') {
			if (!SY_ISDIGIT(s[1]) || !SY_ISDIGIT(s[2]))
				return NULL;
			sec = (s[1] - '0') * 10 + (s[2] - '0');
			s += 3;
		}
	}
	if (m > 59 || sec > 59)
		return NULL;
	*v = sign * (h * 3600 + m * 60 + sec);
	return s;
}

static const char *
rule_num(const char *s, int lo, int hi, int *v)
{
	int n = 0, nd = 0;

	while (SY_ISDIGIT(*s) && nd < 4) {
		n = n * 10 + (*s++ - '0');
		nd++;
	}
	if (nd == 0 || n < lo || n > hi)
		return NULL;
	*v = n;
	return s;
}

static const char *
rule_date(const char *s, struct tz_rdate *rd)
{
	if (*s == 'J') {
		rd->kind = 'J';
		s = rule_num(s + 1, 1, 365, &rd->n);
	} else if (*s == 'M') {
		rd->kind = 'M';
		if ((s = rule_num(s + 1, 1, 12, &rd->m)) == NULL || *s != '.')
			return NULL;
		if ((s = rule_num(s + 1, 1, 5, &rd->w)) == NULL || *s != '.')
			return NULL;
		s = rule_num(s + 1, 0, 6, &rd->d);
	} else {
		rd->kind = 'D';
		s = rule_num(s, 0, 365, &rd->n);
	}
	if (s == NULL)
		return NULL;
	rd->secs = 2 * 3600;
	if (*s == '/')
		s = rule_hms(s + 1, 167, &rd->secs);
	return s;
}

/* Parses a POSIX TZ string such as "EST5EDT,M3.2.0,M11.1.0". */
static bool
rule_parse(const char *s, struct tz_rule *r)
{
	int32_t v;

	memset(r, 0, sizeof(*r));
	if ((s = rule_name(s)) == NULL || (s = rule_hms(s, 24, &v)) == NULL)
		return false;
	r->std = -v;
	if (*s == '\0')
		return true;
	if ((s = rule_name(s)) == NULL)
		return false;
	r->has_dst = true;
	r->dst = r->std + 3600;
	if (*s != ',' && *s != '\0') {
		if ((s = rule_hms(s, 24, &v)) == NULL)
			return false;
		r->dst = -v;
	}
	if (*s == '\0') {
		/* No rule: POSIX leaves it open; use the US rules. */
		r->start = (struct tz_rdate){'M', 0, 3, 2, 0, 7200};
		r->end = (struct tz_rdate){'M', 0, 11, 1, 0, 7200};
		return true;
	}
	if (*s != ',' || (s = rule_date(s + 1, &r->start)) == NULL ||
	    *s != ',' || (s = rule_date(s + 1, &r->end)) == NULL)
		return false;
	return *s == '\0';
}

static bool
is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int64_t
floordiv(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* Local seconds (as if UTC) at which rule date rd falls in year y. */
static int64_t
rdate_local(const struct tz_rdate *rd, int64_t y)
{
	static const unsigned char mdays[] = {
	    31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int64_t day, first;
	int wday, len;

	switch (rd->kind) {
	case 'J':
		day = sy_days_from_civil(y, 1, 1) + rd->n - 1 +
		    (is_leap(y) && rd->n >= 60);
		break;
	case 'D':
		day = sy_days_from_civil(y, 1, 1) + rd->n;
		break;
	default:
		first = sy_days_from_civil(y, (unsigned)rd->m, 1);
		wday = (int)(((first % 7) + 11) % 7); /* 1970-01-01: Thu */
		day = first + (rd->d - wday + 7) % 7 + (int64_t)(rd->w - 1) * 7;
		len = mdays[rd->m - 1] + (rd->m == 2 && is_leap(y));
		while (day >= first + len)
			day -= 7;
		break;
	}
	return day * 86400 + rd->secs;
}

static int32_t
rule_offset(const struct tz_rule *r, int64_t t)
{
	int64_t y, s, e;
	unsigned m, d;
	bool dst;

	if (!r->has_dst)
		return r->std;
	sy_civil_from_days(floordiv(t + r->std, 86400), &y, &m, &d);
	s = rdate_local(&r->start, y) - r->std;
	e = rdate_local(&r->end, y) - r->dst;
	if (s < e)
		dst = t >= s && t < e;
	else
		dst = !(t >= e && t < s);
	return dst ? r->dst : r->std;
}

int32_t
sy_tz_offset(const struct sy_tz *tz, int64_t t)
{
	size_t lo, hi, mid;

	if (tz == NULL)
		return 0;
	if (tz->n == 0 || t < tz->at[0])
		return tz->n == 0 && tz->has_rule ? rule_offset(&tz->rule, t)
		                                  : tz->off0;
	if (t >= tz->at[tz->n - 1] && tz->has_rule)
		return rule_offset(&tz->rule, t);
	/* Last transition at or before t. */
	lo = 0;
	hi = tz->n;
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (tz->at[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	return tz->off[lo];
}

int64_t
sy_tz_from_local(const struct sy_tz *tz, int64_t local, int32_t *off)
{
	int32_t before, after;
	int64_t t;

	if (tz == NULL) {
		*off = 0;
		return local;
	}
	/*
	 * Offsets two days either side; zones do not change twice within
	 * four days.  The offset in force before a change wins when both
	 * fit (overlap), and also places a time in the gap (mktime's way).
	 */
	before = sy_tz_offset(tz, local - 2 * INT64_C(86400));
	after = sy_tz_offset(tz, local + 2 * INT64_C(86400));
	t = local - before;
	if (before != after && sy_tz_offset(tz, t) != before &&
	    sy_tz_offset(tz, local - after) == after)
		t = local - after;
	*off = sy_tz_offset(tz, t);
	return t;
}

/* Parses a TZif buffer into tz.  false if it is not well-formed. */
static bool
tzif_parse(const unsigned char *b, size_t len, struct sy_tz *tz, bool *nomem)
{
	const unsigned char *p = b, *end = b + len, *types, *idx;
	uint32_t isut, isstd, leap, timecnt, typecnt, charcnt;
	size_t tsz = 4, need, i;
	const char *foot, *nl;
	char *footer;
	int32_t o;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		if (end - p < 44 || memcmp(p, "TZif", 4) != 0)
			return false;
		isut = be32(p + 20);
		isstd = be32(p + 24);
		leap = be32(p + 28);
		timecnt = be32(p + 32);
		typecnt = be32(p + 36);
		charcnt = be32(p + 40);
		if (typecnt == 0 || typecnt > 256 || timecnt > 100000 ||
		    leap > 100000 || charcnt > 100000 || isut > typecnt ||
		    isstd > typecnt)
			return false;
		need = (size_t)timecnt * (tsz + 1) + (size_t)typecnt * 6 +
		    charcnt + (size_t)leap * (tsz + 4) + isstd + isut;
		if ((size_t)(end - p - 44) < need)
			return false;
		/* Version 1 only: use its 32-bit data; else skip to v2. */
		if (pass == 1 || p[4] == '\0')
			break;
		p += 44 + need;
		tsz = 8;
	}
	p += 44;
	idx = p + (size_t)timecnt * tsz;
	types = idx + timecnt;
	tz->at = malloc((timecnt ? timecnt : 1) * sizeof(*tz->at));
	tz->off = malloc((timecnt ? timecnt : 1) * sizeof(*tz->off));
	if (tz->at == NULL || tz->off == NULL) {
		*nomem = true;
		return false;
	}
	for (i = 0; i < typecnt; i++) {
		o = (int32_t)be32(types + i * 6);
		if (o <= -TZ_MAXOFF || o >= TZ_MAXOFF || types[i * 6 + 4] > 1)
			return false;
	}
	tz->off0 = (int32_t)be32(types);
	for (i = 0; i < timecnt; i++) {
		tz->at[i] =
		    tsz == 8 ? be64(p + i * 8) : (int32_t)be32(p + i * 4);
		if (i > 0 && tz->at[i] <= tz->at[i - 1])
			return false;
		if (idx[i] >= typecnt)
			return false;
		tz->off[i] = (int32_t)be32(types + (size_t)idx[i] * 6);
	}
	tz->n = timecnt;
	if (tsz == 4)
		return true;
	/* Footer: "\n" TZ-string "\n". */
	foot = (const char *)types + (size_t)typecnt * 6 + charcnt +
	    (size_t)leap * 12 + isstd + isut;
	if ((const unsigned char *)foot >= end || *foot != '\n')
		return true;
	foot++;
	nl = memchr(foot, '\n', (size_t)((const char *)end - foot));
	if (nl == NULL || nl == foot)
		return true;
	footer = sy_strndup(foot, (size_t)(nl - foot));
	if (footer == NULL) {
		*nomem = true;
		return false;
	}
	tz->has_rule = rule_parse(footer, &tz->rule);
	free(footer);
	return true;
}

enum sy_err
sy_tz_load(const char *name, struct sy_tz **out)
{
	struct sy_tz *tz;
	unsigned char *buf = NULL;
	char path[sizeof(SY_TZDIR) + TZ_MAXNAME + 2];
	enum sy_err err = SY_OK;
	bool nomem = false;
	size_t len;

	*out = NULL;
	if (!sy_tz_name_ok(name))
		return SY_EINVAL;
	tz = calloc(1, sizeof(*tz));
	if (tz == NULL)
		return SY_ENOMEM;
	if (is_utc(name))
		goto out;
	memcpy(path, SY_TZDIR "/", sizeof(SY_TZDIR));
	memcpy(path + sizeof(SY_TZDIR), name, strlen(name) + 1);
	buf = slurp(path, &len);
	if (buf == NULL) {
		err = errno == ENOMEM ? SY_ENOMEM : SY_EINVAL;
		goto out;
	}
	if (!tzif_parse(buf, len, tz, &nomem))
		err = nomem ? SY_ENOMEM : SY_EINVAL;
out:
	free(buf);
	if (err != SY_OK) {
		sy_tz_free(tz);
		return err;
	}
	*out = tz;
	return SY_OK;
}

void
sy_tz_free(struct sy_tz *tz)
{
	if (tz == NULL)
		return;
	free(tz->at);
	free(tz->off);
	free(tz);
}

bool
sy_tz_is_utc(const char *name)
{
	return is_utc(name);
}

bool
sy_tz_is_valid(const char *tz)
{
	struct sy_tz *z;

	if (is_utc(tz))
		return true;
	if (sy_tz_load(tz, &z) != SY_OK)
		return false;
	sy_tz_free(z);
	return true;
}
