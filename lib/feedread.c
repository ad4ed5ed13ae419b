/*
 * feedread.c: lint of RSS 2.0, Atom 1.0 and JSON Feed 1.1 files.
 *
 * XML goes through libxml2 with XML_PARSE_NONET and without NOENT or
 * DTDLOAD.  Entity declarations are intercepted at the SAX level and never
 * reach the document, so no entity (internal or external) can be expanded,
 * whatever libxml2's own amplification limits do.  Errors are collected
 * through a structured error handler installed for the duration of the
 * call and restored afterwards; nothing is printed.
 *
 * JSON goes through jansson; for problems found after parsing, a small
 * scanner maps member paths ("items/3/id") back to lines, built only when
 * the first such problem is reported.
 */
#include "feedread.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <libxml/SAX2.h>
#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "buf.h"
#include "date.h"
#include "email.h"
#include "html.h"
#include "rules.h"
#include "shape.h"
#include "strmap.h"
#include "url.h"
#include "util.h"

#if LIBXML_VERSION >= 21200
#define FR_XMLERR const xmlError
#else
#define FR_XMLERR xmlError
#endif

#define NS_ATOM "http://www.w3.org/2005/Atom"
#define NS_CONTENT "http://purl.org/rss/1.0/modules/content/"
#define JSONFEED_PREFIX "https://jsonfeed.org/version/"
#define MAX_XML_ERRORS 50 /* libxml2 messages kept per phase */
#define CLIPSZ 96         /* quoted user text in messages */
#define FAR_FUTURE (366 * 86400LL)
#define EPOCH_1990 631152000LL /* 1990-01-01T00:00:00Z */

struct seen_ent {
	size_t line;
	size_t col;
};

/*
 * A string set remembering where each key was first seen: the map gives
 * an index into pos.
 */
struct seen {
	struct sy_strmap map;
	struct seen_ent *pos;
	size_t n;
};

struct lint {
	const char *path;
	struct sy_diags *d;
	bool links;
	enum sy_err err;
	/* XML */
	enum sy_rule xmlrule; /* rule of libxml2 messages; NONE = schema load */
	size_t nxml;
	bool entities;      /* the DOCTYPE declared an entity */
	char unplaced[256]; /* first schema message without a position */
	char last[4][128];  /* recent messages, to drop repeats */
	size_t lastline[4];
	size_t nlast;
	/* JSON */
	const char *json;
	size_t jsonlen;
	struct seen jidx; /* member path -> line and column */
	bool jindexed;
	const char *entry; /* borrowed: id of the item being linted, or NULL */
	sy_feedread_link_fn on_link;
	void *link_arg;
	const xmlChar *base; /* borrowed: xml:base in force, or NULL */
	int64_t now;
};

/*
 * Keeps a message on one line: control characters (libxml2 puts a newline
 * before its "Bytes: 0x.." detail) become single spaces.
 */
static void
oneline(char *s)
{
	char *start = s, *w = s;

	for (; *s != '\0'; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7F) {
			if (w > start && w[-1] != ' ')
				*w++ = ' ';
			continue;
		}
		*w++ = *s;
	}
	*w = '\0';
}

static __attribute__((format(printf, 6, 0))) struct sy_diag *
vreport(struct lint *l, size_t line, size_t col, enum sy_severity sev,
    enum sy_rule rule, const char *fmt, va_list ap)
{
	struct sy_pos pos = {l->path, line, col};
	struct sy_diag *dg;
	char msg[1024];

	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	oneline(msg);
	dg = sy_diag_add(l->d, &pos, sev, rule, "%s", msg);
	if (dg == NULL ||
	    (l->entry != NULL && *l->entry != '\0' &&
	        sy_diag_set_entry(dg, l->entry) != SY_OK))
		l->err = SY_ENOMEM;
	return dg;
}

static __attribute__((format(printf, 6, 7))) struct sy_diag *
report(struct lint *l, size_t line, size_t col, enum sy_severity sev,
    enum sy_rule rule, const char *fmt, ...)
{
	struct sy_diag *dg;
	va_list ap;

	va_start(ap, fmt);
	dg = vreport(l, line, col, sev, rule, fmt, ap);
	va_end(ap);
	return dg;
}

/*
 * Copies user text for a message: at most CLIPSZ - 4 bytes, cut on a
 * UTF-8 boundary, control characters as spaces, "..." when cut.
 */
static const char *
clip(const char *s, char *buf)
{
	size_t n = strlen(s), i, max = CLIPSZ - 4;

	n = sy_utf8_valid_prefix(s, n);
	if (n > max) {
		n = max;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	for (i = 0; i < n; i++) {
		buf[i] = s[i];
		if ((unsigned char)s[i] < 0x20)
			buf[i] = ' ';
	}
	if (n < strlen(s)) {
		memcpy(buf + n, "...", 3);
		n += 3;
	}
	buf[n] = '\0';
	return buf;
}

/* ---- small shared checks ---------------------------------------------- */

/*
 * Finds key in the set, adding it with line when absent.  Returns its
 * entry (*dup tells whether it was there already), or NULL when out of
 * memory (l->err set).  The entry is valid until the next seen_put.
 */
static struct seen_ent *
seen_put(
    struct lint *l, struct seen *s, const char *key, size_t line, bool *dup)
{
	struct seen_ent *v;
	size_t i;

	*dup = false;
	if (sy_strmap_get(&s->map, key, &i)) {
		*dup = true;
		return &s->pos[i];
	}
	v = sy_reallocarray(s->pos, s->n + 1, sizeof(*v));
	if (v == NULL) {
		l->err = SY_ENOMEM;
		return NULL;
	}
	s->pos = v;
	if (sy_strmap_put(&s->map, key, s->n, dup, NULL) != SY_OK) {
		l->err = SY_ENOMEM;
		return NULL;
	}
	s->pos[s->n].line = line;
	s->pos[s->n].col = 0;
	return &s->pos[s->n++];
}

/*
 * Adds key to the set.  Returns true and sets *first when it was there
 * already; false otherwise (also on allocation failure, with l->err set).
 */
static bool
seen_add(
    struct lint *l, struct seen *s, const char *key, size_t line, size_t *first)
{
	struct seen_ent *e;
	bool dup;

	if ((e = seen_put(l, s, key, line, &dup)) == NULL || !dup)
		return false;
	*first = e->line;
	return true;
}

/* The entry for key, or NULL. */
static const struct seen_ent *
seen_find(const struct seen *s, const char *key)
{
	size_t i;

	if (!sy_strmap_get(&s->map, key, &i))
		return NULL;
	return &s->pos[i];
}

static void
seen_fini(struct seen *s)
{
	sy_strmap_fini(&s->map);
	free(s->pos);
	memset(s, 0, sizeof(*s));
}

/*
 * An absolute IRI in the sense of RFC 3987: a scheme, and for the
 * hierarchical web schemes an authority with a host.  No white space.
 */
static bool
is_absolute_iri(const char *s)
{
	size_t n = sy_url_scheme_len(s), i;

	if (n == 0 || s[n + 1] == '\0')
		return false;
	for (i = 0; s[i] != '\0'; i++)
		if (SY_ISSPACE(s[i]) || s[i] == '<' || s[i] == '>' ||
		    s[i] == '"')
			return false;
	if (sy_has_prefix_ci(s, "http:") || sy_has_prefix_ci(s, "https:"))
		return s[n + 1] == '/' && s[n + 2] == '/' && s[n + 3] != '\0' &&
		    s[n + 3] != '/';
	return true;
}

/* Hands a link to the caller's callback, if any (sy_feedread_opts). */
static void
emit_link(
    struct lint *l, size_t line, size_t col, const char *url, const char *field)
{
	struct sy_feedread_link k;
	char *abs = NULL;
	enum sy_err e;

	if (l->on_link == NULL || l->err != SY_OK)
		return;
	k.url = url;
	/* NULL also when the base or url cannot be parsed: then none. */
	if (l->base != NULL && sy_url_scheme_len(url) == 0)
		abs = sy_url_resolve((const char *)l->base, url);
	k.abs = abs;
	k.path = l->path;
	k.line = line;
	k.column = col;
	k.entry = l->entry;
	k.field = field;
	if ((e = l->on_link(l->link_arg, &k)) != SY_OK)
		l->err = e;
	free(abs);
}

/* An address, handed over as "mailto:addr". */
static void
emit_mailto(struct lint *l, size_t line, size_t col, const char *addr,
    const char *field)
{
	struct sy_buf b;

	if (l->on_link == NULL || l->err != SY_OK)
		return;
	sy_buf_init(&b, 0);
	if (sy_buf_printf(&b, "mailto:%s", addr) != SY_OK)
		l->err = SY_ENOMEM;
	else
		emit_link(l, line, col, b.data, field);
	sy_buf_fini(&b);
}

/* What a relative reference is worth where a URL is expected. */
enum rel {
	REL_NO,  /* an error: RSS and JSON Feed want absolute URLs */
	REL_OK,  /* fine: an xml:base resolves it */
	REL_WARN /* legal but brittle: resolved against the feed's own URL */
};

/*
 * Checks a URL value.  what names it in messages ("channel <link>"),
 * flags are url.h's SY_URL_*.  Structural problems are always reported,
 * the deep checks (url.h, email.h, rules.h) only with links on.
 */
static void
check_url(struct lint *l, size_t line, size_t col, const char *what,
    const char *field, const char *url, enum rel rel, unsigned flags)
{
	struct sy_diag *dg = NULL;
	char c[CLIPSZ];

	if (*url == '\0') {
		report(l, line, col, SY_ERROR, SY_R_FEED_SCHEMA, "%s is empty",
		    what);
		return;
	}
	emit_link(l, line, col, url, field);
	if (sy_has_prefix_ci(url, "javascript:") ||
	    sy_has_prefix_ci(url, "vbscript:") ||
	    sy_has_prefix_ci(url, "data:")) {
		dg = report(l, line, col, SY_ERROR, SY_R_URL_SCHEME,
		    "%s \"%s\" uses a forbidden scheme", what, clip(url, c));
		goto out;
	}
	if (sy_url_scheme_len(url) == 0) {
		if (rel == REL_NO)
			dg = report(l, line, col, SY_ERROR, SY_R_URL_SYNTAX,
			    "%s \"%s\" is not an absolute URL", what,
			    clip(url, c));
		else if (rel == REL_WARN)
			dg = report(l, line, col, SY_WARNING, SY_R_URL_SYNTAX,
			    "%s \"%s\" is relative and no xml:base resolves "
			    "it",
			    what, clip(url, c));
		goto out;
	}
	if (l->links) {
		struct sy_finding f;

		if (sy_url_check(url, flags, &f) || sy_rules_check(url, &f))
			dg = report(l, line, col, f.severity, f.rule, "%s: %s",
			    what, f.message);
	} else if (!is_absolute_iri(url)) {
		dg = report(l, line, col, SY_ERROR, SY_R_URL_SYNTAX,
		    "%s \"%s\" is not a valid URL", what, clip(url, c));
	}
out:
	if (dg != NULL && sy_diag_set_url(dg, url) != SY_OK)
		l->err = SY_ENOMEM;
}

/*
 * Links inside an HTML fragment (content, description) whose text starts
 * on line; a link's own line within the fragment is added.
 */
static void
check_html(struct lint *l, size_t line, const char *what, const char *field,
    const char *html, enum rel rel)
{
	struct sy_links links;
	enum sy_err e;
	size_t i;

	if ((!l->links && l->on_link == NULL) || *html == '\0')
		return;
	sy_links_init(&links);
	e = sy_html_links(html, strlen(html), &links);
	if (e != SY_OK) {
		if (e != SY_ELIMIT)
			l->err = e;
		goto out;
	}
	for (i = 0; i < links.n && l->err == SY_OK; i++) {
		const struct sy_link *k = &links.v[i];
		char w[128];

		if (k->url[0] == '#')
			continue; /* within the same document */
		(void)snprintf(
		    w, sizeof(w), "%s: <%s %s>", what, k->tag, k->attr);
		check_url(l, line + (k->line > 0 ? k->line - 1 : 0), 0, w,
		    field, k->url, rel, SY_URL_HTTP | SY_URL_MAILTO);
	}
out:
	sy_links_fini(&links);
}

/* A plain address: local@domain.tld, no spaces or angle brackets. */
static bool
email_shape(const char *s)
{
	const char *at = strchr(s, '@');
	size_t i;

	if (at == NULL || at == s || strchr(at + 1, '@') != NULL ||
	    strchr(at + 1, '.') == NULL || at[1] == '.' ||
	    s[strlen(s) - 1] == '.')
		return false;
	for (i = 0; s[i] != '\0'; i++)
		if (SY_ISSPACE(s[i]) || s[i] == '<' || s[i] == '>' ||
		    s[i] == '(' || s[i] == ')' || s[i] == ',' || s[i] == ';')
			return false;
	return true;
}

/* An address alone; what names the field. */
static void
check_email(struct lint *l, size_t line, size_t col, const char *what,
    const char *field, const char *addr)
{
	char c[CLIPSZ];

	emit_mailto(l, line, col, addr, field);
	if (!email_shape(addr)) {
		report(l, line, col, SY_ERROR, SY_R_EMAIL_SYNTAX,
		    "%s \"%s\" is not an e-mail address", what, clip(addr, c));
		return;
	}
	if (l->links) {
		struct sy_finding f;

		if (sy_email_check(addr, &f))
			report(l, line, col, f.severity, f.rule, "%s: %s", what,
			    f.message);
	}
}

/*
 * RSS person: "addr" or "addr (Name)" (RSS 2.0 author, managingEditor,
 * webMaster).
 */
static void
check_person(struct lint *l, size_t line, const char *what, const char *field,
    const char *s)
{
	const char *sp = strchr(s, ' ');
	size_t n = strlen(s);
	char c[CLIPSZ], *addr;

	if (sp == NULL && email_shape(s)) {
		check_email(l, line, 0, what, field, s);
		return;
	}
	if (sp == NULL || sp[1] != '(' || s[n - 1] != ')') {
		report(l, line, 0, SY_ERROR, SY_R_EMAIL_SYNTAX,
		    "%s \"%s\" is not an e-mail address optionally followed "
		    "by \" (Name)\" (use dc:creator for a bare name)",
		    what, clip(s, c));
		return;
	}
	if ((addr = sy_strndup(s, (size_t)(sp - s))) == NULL) {
		l->err = SY_ENOMEM;
		return;
	}
	check_email(l, line, 0, what, field, addr);
	free(addr);
}

static void
check_lang(
    struct lint *l, size_t line, size_t col, const char *what, const char *s)
{
	char c[CLIPSZ];

	if (!sy_shape_is_langtag(s))
		report(l, line, col, SY_ERROR, SY_R_LANGUAGE_TAG,
		    "%s \"%s\" is not a BCP 47 language tag", what, clip(s, c));
}

static void
check_mime(
    struct lint *l, size_t line, size_t col, const char *what, const char *s)
{
	char c[CLIPSZ];

	if (!sy_shape_is_mimetype(s))
		report(l, line, col, SY_ERROR, SY_R_MIME_TYPE,
		    "%s \"%s\" is not a MIME type", what, clip(s, c));
}

/* ---- dates -------------------------------------------------------------- */

static unsigned
mdays(long long y, unsigned m)
{
	static const unsigned char dm[] = {
	    31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dm[m - 1];
}

/* Reads exactly n digits at *s. */
static bool
digits(const char **s, size_t n, unsigned *out)
{
	unsigned v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!SY_ISDIGIT((*s)[i]))
			return false;
		v = v * 10 + (unsigned)((*s)[i] - '0');
	}
	*s += n;
	*out = v;
	return true;
}

/*
 * RFC 3339 date-time as RFC 4287 3.3 demands it: full date, "T", time
 * with seconds, optional fraction, "Z" or a numeric offset, upper case.
 * Returns NULL when fine, else the reason; *range tells a field out of
 * range from a shape problem.
 */
static const char *
rfc3339_why(const char *s, bool *range)
{
	unsigned y, mo, d, h, mi, se, oh, om;

	*range = false;
	if (!digits(&s, 4, &y) || *s++ != '-' || !digits(&s, 2, &mo) ||
	    *s++ != '-' || !digits(&s, 2, &d))
		return "not an RFC 3339 date-time (YYYY-MM-DDThh:mm:ssZ)";
	if (*s == '\0')
		return "a date without a time; RFC 3339 needs "
		       "\"T\", the time and a zone";
	if (*s != 'T')
		return "the date and the time must be separated by an "
		       "upper-case \"T\"";
	s++;
	if (!digits(&s, 2, &h) || *s++ != ':' || !digits(&s, 2, &mi))
		return "not an RFC 3339 time (hh:mm:ss)";
	if (*s != ':')
		return "the time has no seconds";
	s++;
	if (!digits(&s, 2, &se))
		return "not an RFC 3339 time (hh:mm:ss)";
	if (*s == '.') {
		s++;
		if (!SY_ISDIGIT(*s))
			return "an empty fraction of a second";
		while (SY_ISDIGIT(*s))
			s++;
	}
	oh = om = 0;
	if (*s == 'Z') {
		s++;
	} else if (*s == '+' || *s == '-') {
		s++;
		if (!digits(&s, 2, &oh) || *s++ != ':' || !digits(&s, 2, &om))
			return "a zone offset must be +hh:mm or -hh:mm";
	} else if (*s == '\0') {
		return "no time zone (add \"Z\" or an offset such as "
		       "\"+08:00\")";
	} else {
		return "a zone must be an upper-case \"Z\" or an offset";
	}
	if (*s != '\0')
		return "trailing text after the date-time";
	*range = true;
	if (mo < 1 || mo > 12 || d < 1 || d > mdays(y, mo))
		return "no such day";
	if (h > 23 || mi > 59 || se > 60 || oh > 23 || om > 59)
		return "a time field is out of range";
	*range = false;
	return NULL;
}

static int
month_index(const char *s)
{
	static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May",
	    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	size_t i;

	for (i = 0; i < 12; i++)
		if (strncmp(s, mon[i], 3) == 0)
			return (int)i + 1;
	return 0;
}

static bool
rfc822_zone(const char *s)
{
	static const char *const zones[] = {"UT", "GMT", "EST", "EDT", "CST",
	    "CDT", "MST", "MDT", "PST", "PDT", "Z"};
	size_t i;

	if ((*s == '+' || *s == '-') && SY_ISDIGIT(s[1]) && SY_ISDIGIT(s[2]) &&
	    SY_ISDIGIT(s[3]) && SY_ISDIGIT(s[4]) && s[5] == '\0')
		return (s[1] - '0') * 10 + (s[2] - '0') < 24 &&
		    (s[3] - '0') * 10 + (s[4] - '0') < 60;
	for (i = 0; i < SY_NELEM(zones); i++)
		if (strcmp(s, zones[i]) == 0)
			return true;
	/* RFC 822 military zones, one upper-case letter but J. */
	return SY_ISUPPER(s[0]) && s[0] != 'J' && s[1] == '\0';
}

/*
 * RFC 822 date-time with RFC 1123's four-digit year: "[Wkd, ]D Mon YYYY
 * hh:mm[:ss] zone".  Returns NULL when fine, else the reason; *two_digit
 * is set for a two-digit year (fine otherwise), *range for a field out
 * of range.
 */
static const char *
rfc822_why(const char *s, bool *two_digit, bool *range)
{
	static const char *const wd[] = {
	    "Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
	const char *wkd = NULL;
	unsigned d = 0, y = 0, h, mi, se = 0;
	size_t n;
	int mo;

	*two_digit = *range = false;
	if (SY_ISDIGIT(s[0]) && SY_ISDIGIT(s[1]) && SY_ISDIGIT(s[2]) &&
	    SY_ISDIGIT(s[3]) && s[4] == '-')
		return "an ISO 8601 date; RSS needs RFC 822 (\"Tue, 28 Jan "
		       "2025 09:00:00 +0800\")";
	if (SY_ISALPHA(s[0])) {
		wkd = s;
		if (!SY_ISALPHA(s[1]) || !SY_ISALPHA(s[2]) || s[3] != ',')
			return "not an RFC 822 date (\"Tue, 28 Jan 2025 "
			       "09:00:00 +0800\")";
		s += 4;
		while (*s == ' ')
			s++;
	}
	if (SY_ISDIGIT(s[0]) && SY_ISDIGIT(s[1]))
		n = 2;
	else if (SY_ISDIGIT(s[0]))
		n = 1;
	else
		return "not an RFC 822 date (\"Tue, 28 Jan 2025 09:00:00 "
		       "+0800\")";
	(void)digits(&s, n, &d);
	if (*s++ != ' ' || (mo = month_index(s)) == 0 || s[3] != ' ')
		return "not an RFC 822 date (the month must be Jan ... Dec)";
	s += 4;
	for (n = 0; SY_ISDIGIT(s[n]); n++)
		;
	if (n != 2 && n != 4)
		return "the year must have four digits";
	(void)digits(&s, n, &y);
	if (n == 2) {
		*two_digit = true;
		y += y < 50 ? 2000 : 1900;
	}
	if (*s++ != ' ' || !digits(&s, 2, &h) || *s++ != ':' ||
	    !digits(&s, 2, &mi))
		return "not an RFC 822 time (hh:mm:ss)";
	if (*s == ':') {
		s++;
		if (!digits(&s, 2, &se))
			return "not an RFC 822 time (hh:mm:ss)";
	}
	if (*s++ != ' ' || !rfc822_zone(s))
		return "no valid time zone (\"+0800\", \"GMT\" ...)";
	*range = true;
	if (d < 1 || d > mdays(y, (unsigned)mo))
		return "no such day";
	if (h > 23 || mi > 59 || se > 60)
		return "a time field is out of range";
	if (wkd != NULL) {
		int64_t days = sy_days_from_civil(y, (unsigned)mo, d);
		size_t w = (size_t)(((days % 7) + 7) % 7);

		if (strncmp(wkd, wd[w], 3) != 0)
			return "the weekday does not match the date";
	}
	*range = false;
	return NULL;
}

enum datefmt { DATE_RFC822, DATE_RFC3339 };

/* Checks a feed date: the shared parser first, then the exact form. */
static void
check_date(struct lint *l, size_t line, size_t col, const char *what,
    const char *s, enum datefmt fmt)
{
	enum sy_date_status st;
	bool two = false, range = false;
	char c[CLIPSZ], w[128];
	struct sy_time tm;
	const char *why;

	/*
	 * The shared parser first, for the same verdict and wording as the
	 * manifest lint; it is lenient (it reads any of the forms), so the
	 * exact form the feed format demands is checked after it.
	 */
	st = sy_date_parse_tz(s, NULL, &tm, w, sizeof(w));
	if (st != SY_DATE_OK) {
		report(l, line, col, SY_ERROR,
		    st == SY_DATE_RANGE ? SY_R_DATE_RANGE : SY_R_DATE_SYNTAX,
		    "%s \"%s\": %s", what, clip(s, c), w);
		return;
	}
	if (fmt == DATE_RFC822)
		why = rfc822_why(s, &two, &range);
	else
		why = rfc3339_why(s, &range);
	if (why != NULL)
		report(l, line, col, SY_ERROR,
		    range ? SY_R_DATE_RANGE : SY_R_DATE_SYNTAX, "%s \"%s\": %s",
		    what, clip(s, c), why);
	else if (two)
		report(l, line, col, SY_WARNING, SY_R_DATE_SYNTAX,
		    "%s \"%s\" has a two-digit year; use four digits", what,
		    clip(s, c));
	/* The manifest lint's bounds (manifest.c), for the same verdicts. */
	if (why == NULL && tm.t > l->now + FAR_FUTURE)
		report(l, line, col, SY_ERROR, SY_R_DATE_RANGE,
		    "%s \"%s\" is more than a year in the future", what,
		    clip(s, c));
	else if (why == NULL && tm.t < EPOCH_1990)
		report(l, line, col, SY_WARNING, SY_R_DATE_RANGE,
		    "%s \"%s\" is before 1990: a typing error?", what,
		    clip(s, c));
}

/* ---- XML ------------------------------------------------------------------
 */

static void
xml_error(void *ctx, FR_XMLERR *e)
{
	struct lint *l = ctx;
	size_t line, col = 0, n;
	char msg[512];

	if (e == NULL || e->level == XML_ERR_NONE)
		return;
	/*
	 * The HTML parser reading content for its links (html.c) reports
	 * through the same handler; HTML5 tags it does not know (figure,
	 * figcaption) are not the feed's fault.
	 */
	if (e->domain == XML_FROM_HTML)
		return;
	n = e->message ? strlen(e->message) : 0;
	if (n >= sizeof(msg))
		n = sizeof(msg) - 1;
	memcpy(msg, e->message ? e->message : "", n);
	while (n > 0 && SY_ISSPACE(msg[n - 1]))
		n--;
	msg[n] = '\0';
	if (l->xmlrule == SY_R_NONE)
		return; /* loading the schema: SY_EXML, not the feed's fault */
	if (e->node != NULL && l->xmlrule == SY_R_FEED_SCHEMA) {
		long ln = xmlGetLineNo((xmlNodePtr)e->node);

		line = ln > 0 ? (size_t)ln : 0;
	} else {
		line = e->line > 0 ? (size_t)e->line : 0;
		if (l->xmlrule == SY_R_FEED_XML && e->int2 > 0)
			col = (size_t)e->int2;
	}
	/*
	 * The RELAX NG validator repeats itself and adds position-less
	 * summaries ("Extra element content in interleave") next to the
	 * placed messages: keep the placed ones, each once.
	 */
	if (line == 0 && l->xmlrule == SY_R_FEED_SCHEMA) {
		if (l->unplaced[0] == '\0')
			(void)snprintf(
			    l->unplaced, sizeof(l->unplaced), "%.200s", msg);
		return;
	}
	for (n = 0; n < SY_NELEM(l->last); n++)
		if (line == l->lastline[n] &&
		    strncmp(msg, l->last[n], sizeof(l->last[n]) - 1) == 0)
			return;
	n = l->nlast++ % SY_NELEM(l->last);
	l->lastline[n] = line;
	(void)snprintf(l->last[n], sizeof(l->last[n]), "%.120s", msg);
	if (++l->nxml > MAX_XML_ERRORS)
		return;
	if (l->nxml == MAX_XML_ERRORS)
		report(l, line, col, SY_NOTE, l->xmlrule,
		    "too many errors; the rest are not shown");
	else
		report(l, line, col,
		    e->level == XML_ERR_WARNING ? SY_WARNING : SY_ERROR,
		    l->xmlrule == SY_R_FEED_XML &&
		            e->code == XML_ERR_INVALID_CHAR
		        ? SY_R_XML_CHARS
		        : l->xmlrule,
		    "%s", msg);
}

/*
 * SAX hooks: entity declarations are reported and dropped, so that no
 * entity can ever be expanded or fetched.
 */
static void
fr_entity_decl(void *ctx, const xmlChar *name, int type,
    const xmlChar *publicId, const xmlChar *systemId, xmlChar *content)
{
	xmlParserCtxtPtr c = ctx;
	struct lint *l = c->_private;

	(void)type;
	(void)publicId;
	(void)content;
	if (!l->entities)
		report(l, c->input ? (size_t)c->input->line : 0, 0, SY_ERROR,
		    SY_R_FEED_XML,
		    "the DOCTYPE declares %sentity \"%s\": feeds must not "
		    "declare entities; none is expanded",
		    systemId != NULL ? "the external " : "",
		    (const char *)name);
	l->entities = true;
}

static void
fr_unparsed_decl(void *ctx, const xmlChar *name, const xmlChar *publicId,
    const xmlChar *systemId, const xmlChar *notationName)
{
	(void)notationName;
	fr_entity_decl(ctx, name, XML_EXTERNAL_GENERAL_UNPARSED_ENTITY,
	    publicId, systemId, NULL);
}

/* A DOCTYPE naming an external DTD: noted, never loaded. */
static void
fr_internal_subset(void *ctx, const xmlChar *name, const xmlChar *ExternalID,
    const xmlChar *SystemID)
{
	xmlParserCtxtPtr c = ctx;
	struct lint *l = c->_private;
	char cl[CLIPSZ];

	if (ExternalID != NULL || SystemID != NULL)
		report(l, c->input ? (size_t)c->input->line : 0, 0, SY_WARNING,
		    SY_R_FEED_XML,
		    "the DOCTYPE names an external DTD \"%s\"; it is not "
		    "loaded",
		    clip(SystemID != NULL ? (const char *)SystemID
		                          : (const char *)ExternalID,
		        cl));
	xmlSAX2InternalSubset(ctx, name, ExternalID, SystemID);
}

static size_t
lineno(xmlNodePtr n)
{
	long ln = xmlGetLineNo(n);

	return ln > 0 ? (size_t)ln : 0;
}

static bool
is_el(xmlNodePtr n, const char *ns, const char *name)
{
	if (n->type != XML_ELEMENT_NODE)
		return false;
	if (ns == NULL
	        ? n->ns != NULL
	        : n->ns == NULL || strcmp((const char *)n->ns->href, ns) != 0)
		return false;
	return name == NULL || strcmp((const char *)n->name, name) == 0;
}

/* Concatenated text and CDATA children, trimmed; NULL when out of memory. */
static char *
text_of(struct lint *l, xmlNodePtr n)
{
	struct sy_buf b;
	xmlNodePtr c;
	char *s;

	sy_buf_init(&b, SY_FEEDREAD_MAX);
	for (c = n->children; c != NULL; c = c->next) {
		if ((c->type == XML_TEXT_NODE ||
		        c->type == XML_CDATA_SECTION_NODE) &&
		    c->content != NULL &&
		    sy_buf_puts(&b, (const char *)c->content) != SY_OK) {
			sy_buf_fini(&b);
			l->err = SY_ENOMEM;
			return NULL;
		}
	}
	if ((s = sy_buf_steal(&b)) == NULL) {
		l->err = SY_ENOMEM;
		return NULL;
	}
	return sy_trim(s);
}

/* An attribute without namespace, trimmed, malloc'd; NULL if absent. */
static char *
attr_of(struct lint *l, xmlNodePtr n, const char *name, bool *present)
{
	xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)name);
	char *s;

	*present = v != NULL;
	if (v == NULL)
		return NULL;
	s = sy_strdup((const char *)v);
	xmlFree(v);
	if (s == NULL) {
		l->err = SY_ENOMEM;
		*present = false;
		return NULL;
	}
	return sy_trim(s);
}

/* True if an element has an element child or non-blank text. */
static bool
has_content(xmlNodePtr n)
{
	xmlNodePtr c;
	const xmlChar *p;

	for (c = n->children; c != NULL; c = c->next) {
		if (c->type == XML_ELEMENT_NODE)
			return true;
		if (c->type != XML_TEXT_NODE &&
		    c->type != XML_CDATA_SECTION_NODE)
			continue;
		for (p = c->content; p != NULL && *p != '\0'; p++)
			if (!SY_ISSPACE(*p))
				return true;
	}
	return false;
}

/* ---- RSS 2.0 --------------------------------------------------------------
 */

static const char *const rss_channel_once[] = {"title", "link", "description",
    "language", "copyright", "managingEditor", "webMaster", "pubDate",
    "lastBuildDate", "generator", "docs", "cloud", "ttl", "image", "rating",
    "textInput", "skipHours", "skipDays", NULL};
static const char *const rss_channel_many[] = {"category", "item", NULL};
static const char *const rss_item_once[] = {"title", "link", "description",
    "author", "comments", "guid", "pubDate", "source", NULL};
static const char *const rss_item_many[] = {"category", "enclosure", NULL};

static int
name_index(const char *const *names, const xmlChar *name)
{
	int i;

	for (i = 0; names[i] != NULL; i++)
		if (strcmp(names[i], (const char *)name) == 0)
			return i;
	return -1;
}

/*
 * Un-namespaced children of an RSS element: unknown names are warned
 * about, a second occurrence of a singleton is an error.  first[i] gets
 * the first node of once[i].
 */
static void
rss_children(struct lint *l, xmlNodePtr parent, const char *where,
    const char *const *once, const char *const *many, xmlNodePtr *first)
{
	xmlNodePtr c;
	int i;

	for (c = parent->children; c != NULL; c = c->next) {
		if (!is_el(c, NULL, NULL))
			continue;
		if ((i = name_index(once, c->name)) >= 0) {
			if (first[i] == NULL)
				first[i] = c;
			else
				report(l, lineno(c), 0, SY_ERROR,
				    SY_R_FEED_SCHEMA,
				    "%s has a second <%s> (the first is on "
				    "line %zu)",
				    where, (const char *)c->name,
				    lineno(first[i]));
		} else if (name_index(many, c->name) < 0) {
			report(l, lineno(c), 0, SY_WARNING, SY_R_FEED_SCHEMA,
			    "unknown element <%s> in %s (RSS 2.0 extensions "
			    "need a namespace)",
			    (const char *)c->name, where);
		}
	}
}

static void
rss_enclosure(struct lint *l, xmlNodePtr n)
{
	size_t line = lineno(n);
	char *url, *len, *type;
	bool hu, hl, ht;
	long long v;

	url = attr_of(l, n, "url", &hu);
	len = attr_of(l, n, "length", &hl);
	type = attr_of(l, n, "type", &ht);
	if (!hu)
		report(l, line, 0, SY_ERROR, SY_R_FEED_SCHEMA,
		    "<enclosure> lacks the url attribute");
	else
		check_url(l, line, 0, "enclosure url", "enclosure", url, REL_NO,
		    SY_URL_HTTP);
	if (!hl)
		report(l, line, 0, SY_ERROR, SY_R_FEED_SCHEMA,
		    "<enclosure> lacks the length attribute");
	else if (sy_strtoll(len, 0, INT64_MAX, &v) != 0) {
		char c[CLIPSZ];

		report(l, line, 0, SY_ERROR, SY_R_INTEGER,
		    "enclosure length \"%s\" is not a number of bytes",
		    clip(len, c));
	}
	if (!ht)
		report(l, line, 0, SY_ERROR, SY_R_FEED_SCHEMA,
		    "<enclosure> lacks the type attribute");
	else
		check_mime(l, line, 0, "enclosure type", type);
	free(url);
	free(len);
	free(type);
}

static void
rss_guid(struct lint *l, xmlNodePtr n, struct seen *guids)
{
	size_t line = lineno(n), first;
	char *g, *perma, c[CLIPSZ];
	bool hp;

	if ((g = text_of(l, n)) == NULL)
		return;
	perma = attr_of(l, n, "isPermaLink", &hp);
	if (*g == '\0') {
		report(
		    l, line, 0, SY_ERROR, SY_R_FEED_SCHEMA, "<guid> is empty");
		goto out;
	}
	if (seen_add(l, guids, g, line, &first))
		report(l, line, 0, SY_ERROR, SY_R_DUPLICATE,
		    "guid \"%s\" is already used on line %zu", clip(g, c),
		    first);
	if (hp && strcmp(perma, "true") != 0 && strcmp(perma, "false") != 0)
		report(l, line, 0, SY_ERROR, SY_R_FEED_SCHEMA,
		    "isPermaLink must be \"true\" or \"false\", not \"%s\"",
		    clip(perma, c));
	else if (!hp || strcmp(perma, "true") == 0) {
		if (!is_absolute_iri(g))
			report(l, line, 0, SY_ERROR, SY_R_URL_SYNTAX,
			    "guid \"%s\" is a permalink%s but not an absolute "
			    "URL; add isPermaLink=\"false\"",
			    clip(g, c),
			    hp ? ""
			       : " (isPermaLink defaults to "
			         "true)");
		else
			check_url(l, line, 0, "guid permalink", "guid", g,
			    REL_NO, SY_URL_HTTP);
	}
out:
	free(perma);
	free(g);
}

/* Lints a text-valued element by a callback on its trimmed text. */
static char *
el_text(struct lint *l, xmlNodePtr n)
{
	return n == NULL ? NULL : text_of(l, n);
}

static void
rss_item(struct lint *l, xmlNodePtr item, struct seen *guids)
{
	xmlNodePtr f[SY_NELEM(rss_item_once)] = {0}, c;
	char *s, *ent;

	rss_children(l, item, "item", rss_item_once, rss_item_many, f);
	/* Indexes follow rss_item_once; the guid, else the link, names it. */
	ent = el_text(l, f[5] != NULL ? f[5] : f[1]);
	l->entry = ent;
	if (f[0] == NULL && f[2] == NULL)
		report(l, lineno(item), 0, SY_ERROR, SY_R_FEED_SCHEMA,
		    "item has neither <title> nor <description>");
	if ((s = el_text(l, f[1])) != NULL)
		check_url(l, lineno(f[1]), 0, "item <link>", "link", s, REL_NO,
		    SY_URL_HTTP);
	free(s);
	if ((s = el_text(l, f[2])) != NULL)
		check_html(l, lineno(f[2]), "item <description>", "description",
		    s, REL_WARN);
	free(s);
	if ((s = el_text(l, f[3])) != NULL)
		check_person(l, lineno(f[3]), "item <author>", "author", s);
	free(s);
	if ((s = el_text(l, f[4])) != NULL)
		check_url(l, lineno(f[4]), 0, "item <comments>", "comments", s,
		    REL_NO, SY_URL_HTTP);
	free(s);
	if (f[5] != NULL)
		rss_guid(l, f[5], guids);
	if ((s = el_text(l, f[6])) != NULL)
		check_date(
		    l, lineno(f[6]), 0, "item <pubDate>", s, DATE_RFC822);
	free(s);
	if (f[7] != NULL) {
		bool has;

		s = attr_of(l, f[7], "url", &has);
		if (!has)
			report(l, lineno(f[7]), 0, SY_ERROR, SY_R_FEED_SCHEMA,
			    "<source> lacks the url attribute");
		else
			check_url(l, lineno(f[7]), 0, "source url", "source", s,
			    REL_NO, SY_URL_HTTP);
		free(s);
	}
	for (c = item->children; c != NULL; c = c->next) {
		if (is_el(c, NULL, "enclosure"))
			rss_enclosure(l, c);
		else if (is_el(c, NS_CONTENT, "encoded") &&
		    (s = text_of(l, c)) != NULL) {
			check_html(l, lineno(c), "<content:encoded>",
			    "content:encoded", s, REL_WARN);
			free(s);
		}
	}
	l->entry = NULL;
	free(ent);
}

static void
rss_image(struct lint *l, xmlNodePtr img)
{
	static const char *const need[] = {"url", "title", "link"};
	xmlNodePtr c;
	size_t i;
	char *s;

	for (i = 0; i < SY_NELEM(need); i++) {
		for (c = img->children; c != NULL; c = c->next)
			if (is_el(c, NULL, need[i]))
				break;
		if (c == NULL) {
			report(l, lineno(img), 0, SY_ERROR, SY_R_FEED_SCHEMA,
			    "<image> lacks <%s>", need[i]);
			continue;
		}
		if (i == 1 || (s = text_of(l, c)) == NULL)
			continue;
		check_url(l, lineno(c), 0,
		    i == 0 ? "image <url>" : "image <link>", "image", s, REL_NO,
		    SY_URL_HTTP);
		free(s);
	}
}

/* atom:link rel="self" inside an RSS channel; returns true if found. */
static bool
rss_self(struct lint *l, xmlNodePtr ch)
{
	xmlNodePtr c;
	bool found = false, has;
	char *rel, *href;

	for (c = ch->children; c != NULL; c = c->next) {
		if (!is_el(c, NS_ATOM, "link"))
			continue;
		rel = attr_of(l, c, "rel", &has);
		href = attr_of(l, c, "href", &has);
		if (!has)
			report(l, lineno(c), 0, SY_ERROR, SY_R_FEED_SCHEMA,
			    "<atom:link> lacks the href attribute");
		else
			check_url(l, lineno(c), 0, "atom:link href",
			    "atom:link", href, REL_NO, SY_URL_HTTP);
		if (rel != NULL && strcmp(rel, "self") == 0)
			found = true;
		free(rel);
		free(href);
	}
	return found;
}

static void
rss_lint(struct lint *l, xmlNodePtr root)
{
	xmlNodePtr f[SY_NELEM(rss_channel_once)] = {0}, ch = NULL, c;
	struct seen guids = {0};
	char *s, cl[CLIPSZ];
	size_t line;
	bool has;

	s = attr_of(l, root, "version", &has);
	if (!has)
		report(l, lineno(root), 0, SY_ERROR, SY_R_FEED_SCHEMA,
		    "<rss> lacks the version attribute (\"2.0\")");
	else if (strcmp(s, "2.0") != 0)
		report(l, lineno(root), 0, SY_WARNING, SY_R_FEED_SCHEMA,
		    "RSS version \"%s\": only 2.0 is checked", clip(s, cl));
	free(s);
	for (c = root->children; c != NULL; c = c->next) {
		if (!is_el(c, NULL, "channel"))
			continue;
		if (ch == NULL)
			ch = c;
		else
			report(l, lineno(c), 0, SY_ERROR, SY_R_FEED_SCHEMA,
			    "a second <channel> (the first is on line %zu)",
			    lineno(ch));
	}
	if (ch == NULL) {
		report(l, lineno(root), 0, SY_ERROR, SY_R_FEED_SCHEMA,
		    "<rss> has no <channel>");
		return;
	}
	line = lineno(ch);
	rss_children(l, ch, "channel", rss_channel_once, rss_channel_many, f);
	/* Indexes follow rss_channel_once. */
	if (f[0] == NULL)
		report(l, line, 0, SY_ERROR, SY_R_FEED_SCHEMA,
		    "channel lacks <title>");
	if (f[1] == NULL)
		report(l, line, 0, SY_ERROR, SY_R_FEED_SCHEMA,
		    "channel lacks <link>");
	else if ((s = text_of(l, f[1])) != NULL) {
		check_url(l, lineno(f[1]), 0, "channel <link>", "link", s,
		    REL_NO, SY_URL_HTTP);
		free(s);
	}
	if (f[2] == NULL)
		report(l, line, 0, SY_ERROR, SY_R_FEED_SCHEMA,
		    "channel lacks <description>");
	if ((s = el_text(l, f[3])) != NULL)
		check_lang(l, lineno(f[3]), 0, "channel <language>", s);
	free(s);
	if ((s = el_text(l, f[5])) != NULL)
		check_person(
		    l, lineno(f[5]), "<managingEditor>", "managingEditor", s);
	free(s);
	if ((s = el_text(l, f[6])) != NULL)
		check_person(l, lineno(f[6]), "<webMaster>", "webMaster", s);
	free(s);
	if ((s = el_text(l, f[7])) != NULL)
		check_date(
		    l, lineno(f[7]), 0, "channel <pubDate>", s, DATE_RFC822);
	free(s);
	if ((s = el_text(l, f[8])) != NULL)
		check_date(
		    l, lineno(f[8]), 0, "<lastBuildDate>", s, DATE_RFC822);
	free(s);
	if ((s = el_text(l, f[10])) != NULL)
		check_url(l, lineno(f[10]), 0, "<docs>", "docs", s, REL_NO,
		    SY_URL_HTTP);
	free(s);
	if ((s = el_text(l, f[12])) != NULL) {
		long long v;

		if (sy_strtoll(s, 0, INT32_MAX, &v) != 0)
			report(l, lineno(f[12]), 0, SY_ERROR, SY_R_INTEGER,
			    "<ttl> \"%s\" is not a number of minutes",
			    clip(s, cl));
	}
	free(s);
	if (f[13] != NULL)
		rss_image(l, f[13]);
	if (!rss_self(l, ch))
		report(l, line, 0, SY_WARNING, SY_R_FEED_SCHEMA,
		    "channel has no <atom:link rel=\"self\"> giving the "
		    "feed's own URL");
	for (c = ch->children; c != NULL && l->err == SY_OK; c = c->next)
		if (is_el(c, NULL, "item"))
			rss_item(l, c, &guids);
	seen_fini(&guids);
}

/* ---- Atom 1.0 -------------------------------------------------------------
 */

static enum sy_err
atom_schema(struct lint *l, xmlDocPtr doc, const struct sy_feedread_opts *o)
{
	xmlRelaxNGParserCtxtPtr pc = NULL;
	xmlRelaxNGValidCtxtPtr vc = NULL;
	xmlRelaxNGPtr schema = NULL;
	enum sy_err e = SY_EXML;

	l->xmlrule = SY_R_NONE;
	if (o != NULL && o->schema_mem != NULL) {
		if (o->schema_len > INT32_MAX)
			goto out;
		pc = xmlRelaxNGNewMemParserCtxt(
		    o->schema_mem, (int)o->schema_len);
	} else {
		pc = xmlRelaxNGNewParserCtxt(o != NULL && o->schema != NULL
		        ? o->schema
		        : SY_FEEDREAD_ATOM_RNG);
	}
	if (pc == NULL)
		goto out;
	xmlRelaxNGSetParserStructuredErrors(pc, xml_error, l);
	if ((schema = xmlRelaxNGParse(pc)) == NULL)
		goto out;
	if ((vc = xmlRelaxNGNewValidCtxt(schema)) == NULL)
		goto out;
	l->xmlrule = SY_R_FEED_SCHEMA;
	l->nxml = 0;
	xmlRelaxNGSetValidStructuredErrors(vc, xml_error, l);
	if (xmlRelaxNGValidateDoc(vc, doc) < 0)
		goto out;
	if (l->nxml == 0 && l->unplaced[0] != '\0')
		report(l, lineno(xmlDocGetRootElement(doc)), 0, SY_ERROR,
		    SY_R_FEED_SCHEMA, "%s", l->unplaced);
	e = SY_OK;
out:
	xmlRelaxNGFreeValidCtxt(vc);
	xmlRelaxNGFree(schema);
	xmlRelaxNGFreeParserCtxt(pc);
	return e;
}

static bool
has_child(xmlNodePtr n, const char *name)
{
	xmlNodePtr c;

	for (c = n->children; c != NULL; c = c->next)
		if (is_el(c, NS_ATOM, name))
			return true;
	return false;
}

/*
 * The links of a feed or entry: hrefs, alternate uniqueness per type and
 * hreflang (RFC 4287 4.1.1 and 4.1.2); returns a mask of 1 (self) and
 * 2 (alternate) seen.
 */
static unsigned
atom_links(struct lint *l, xmlNodePtr parent, const char *where)
{
	struct seen alts = {0};
	unsigned mask = 0;
	xmlNodePtr c;

	for (c = parent->children; c != NULL && l->err == SY_OK; c = c->next) {
		char *rel, *href, *type, *hl, key[512], cl[CLIPSZ];
		bool hr, hh, ht, hhl;
		xmlChar *base;
		size_t first;

		if (!is_el(c, NS_ATOM, "link"))
			continue;
		rel = attr_of(l, c, "rel", &hr);
		href = attr_of(l, c, "href", &hh);
		type = attr_of(l, c, "type", &ht);
		hl = attr_of(l, c, "hreflang", &hhl);
		if (hh) {
			base = xmlNodeGetBase(c->doc, c);
			l->base = base;
			check_url(l, lineno(c), 0, "atom:link href", "link",
			    href, base != NULL ? REL_OK : REL_WARN,
			    SY_URL_HTTP);
			l->base = NULL;
			xmlFree(base);
		}
		if (hr && strcmp(rel, "self") == 0)
			mask |= 1;
		if (!hr || strcmp(rel, "alternate") == 0) {
			mask |= 2;
			(void)snprintf(key, sizeof(key), "%s\n%s",
			    ht ? type : "", hhl ? hl : "");
			if (seen_add(l, &alts, key, lineno(c), &first))
				report(l, lineno(c), 0, SY_ERROR,
				    SY_R_FEED_SCHEMA,
				    "%s has a second alternate link with "
				    "type \"%s\" and hreflang \"%s\" (the "
				    "first is on line %zu)",
				    where, ht ? clip(type, cl) : "",
				    hhl ? hl : "", first);
		}
		free(rel);
		free(href);
		free(type);
		free(hl);
	}
	seen_fini(&alts);
	return mask;
}

/* atom:id, atom:updated, atom:published, icon and logo of parent. */
static void
atom_common(
    struct lint *l, xmlNodePtr parent, const char *where, struct seen *ids)
{
	xmlNodePtr c;
	char *s, cl[CLIPSZ], w[64];
	size_t first;

	for (c = parent->children; c != NULL && l->err == SY_OK; c = c->next) {
		if (c->type != XML_ELEMENT_NODE || !is_el(c, NS_ATOM, NULL))
			continue;
		if (!is_el(c, NS_ATOM, "id") && !is_el(c, NS_ATOM, "updated") &&
		    !is_el(c, NS_ATOM, "published") &&
		    !is_el(c, NS_ATOM, "icon") && !is_el(c, NS_ATOM, "logo"))
			continue;
		if ((s = text_of(l, c)) == NULL)
			return;
		(void)snprintf(
		    w, sizeof(w), "%s atom:%s", where, (const char *)c->name);
		if (strcmp((const char *)c->name, "id") == 0) {
			if (!is_absolute_iri(s))
				report(l, lineno(c), 0, SY_ERROR,
				    SY_R_FEED_SCHEMA,
				    "%s \"%s\" is not an absolute IRI", w,
				    clip(s, cl));
			if (ids != NULL && *s != '\0' &&
			    seen_add(l, ids, s, lineno(c), &first))
				report(l, lineno(c), 0, SY_ERROR,
				    SY_R_DUPLICATE,
				    "entry id \"%s\" is already used on line "
				    "%zu",
				    clip(s, cl), first);
		} else if (c->name[0] == 'u' || c->name[0] == 'p') {
			check_date(l, lineno(c), 0, w, s, DATE_RFC3339);
		} else {
			xmlChar *base = xmlNodeGetBase(c->doc, c);

			l->base = base;
			check_url(l, lineno(c), 0, w,
			    c->name[0] == 'i' ? "icon" : "logo", s,
			    base != NULL ? REL_OK : REL_WARN, SY_URL_HTTP);
			l->base = NULL;
			xmlFree(base);
		}
		free(s);
	}
}

/* href, src, poster and data attributes inside type="xhtml" content. */
static void
xhtml_links(struct lint *l, xmlNodePtr top)
{
	static const char *const attrs[] = {"href", "src", "poster", "data"};
	xmlNodePtr n = top->children;
	size_t i;

	while (n != NULL && n != top && l->err == SY_OK) {
		if (n->type == XML_ELEMENT_NODE) {
			for (i = 0; i < SY_NELEM(attrs); i++) {
				xmlChar *base;
				char *v, w[64];
				bool has;

				v = attr_of(l, n, attrs[i], &has);
				if (!has || *v == '#' || *v == '\0') {
					free(v);
					continue;
				}
				(void)snprintf(w, sizeof(w), "xhtml: <%s %s>",
				    (const char *)n->name, attrs[i]);
				base = xmlNodeGetBase(n->doc, n);
				l->base = base;
				check_url(l, lineno(n), 0, w, "content", v,
				    base != NULL ? REL_OK : REL_WARN,
				    SY_URL_HTTP | SY_URL_MAILTO);
				l->base = NULL;
				xmlFree(base);
				free(v);
			}
			if (n->children != NULL) {
				n = n->children;
				continue;
			}
		}
		while (n != top && n->next == NULL)
			n = n->parent;
		if (n != top)
			n = n->next;
	}
}

static void
atom_content(struct lint *l, xmlNodePtr entry, bool *has_src)
{
	xmlNodePtr c;
	char *src, *type, *s;
	bool hs, ht;

	*has_src = false;
	for (c = entry->children; c != NULL; c = c->next) {
		if (!is_el(c, NS_ATOM, "content") &&
		    !is_el(c, NS_ATOM, "summary"))
			continue;
		src = attr_of(l, c, "src", &hs);
		type = attr_of(l, c, "type", &ht);
		if (hs && c->name[0] == 'c') {
			xmlChar *base = xmlNodeGetBase(c->doc, c);

			l->base = base;
			*has_src = true;
			if (has_content(c))
				report(l, lineno(c), 0, SY_ERROR,
				    SY_R_FEED_SCHEMA,
				    "atom:content with a src attribute must "
				    "be empty");
			check_url(l, lineno(c), 0, "atom:content src",
			    "content", src, base != NULL ? REL_OK : REL_WARN,
			    SY_URL_HTTP);
			l->base = NULL;
			xmlFree(base);
		} else if (ht && strcmp(type, "html") == 0 &&
		    (s = text_of(l, c)) != NULL) {
			xmlChar *base = xmlNodeGetBase(c->doc, c);

			l->base = base;
			check_html(l, lineno(c),
			    c->name[0] == 'c' ? "atom:content" : "atom:summary",
			    c->name[0] == 'c' ? "content" : "summary", s,
			    base != NULL ? REL_OK : REL_WARN);
			l->base = NULL;
			xmlFree(base);
			free(s);
		} else if (ht && strcmp(type, "xhtml") == 0) {
			xhtml_links(l, c);
		}
		free(src);
		free(type);
	}
}

/* atom:email and atom:uri of the authors and contributors of parent. */
static void
atom_persons(struct lint *l, xmlNodePtr parent)
{
	xmlNodePtr p, c;
	xmlChar *base;
	char *s;

	for (p = parent->children; p != NULL; p = p->next) {
		if (!is_el(p, NS_ATOM, "author") &&
		    !is_el(p, NS_ATOM, "contributor"))
			continue;
		for (c = p->children; c != NULL && l->err == SY_OK;
		     c = c->next) {
			if (is_el(c, NS_ATOM, "email")) {
				if ((s = text_of(l, c)) == NULL)
					return;
				check_email(
				    l, lineno(c), 0, "atom:email", "email", s);
				free(s);
			} else if (is_el(c, NS_ATOM, "uri")) {
				if ((s = text_of(l, c)) == NULL)
					return;
				base = xmlNodeGetBase(c->doc, c);
				l->base = base;
				check_url(l, lineno(c), 0, "atom:uri", "uri", s,
				    base != NULL ? REL_OK : REL_WARN,
				    SY_URL_HTTP | SY_URL_MAILTO);
				l->base = NULL;
				xmlFree(base);
				free(s);
			}
		}
	}
}

/* Required children, said plainly (the schema's messages are cryptic). */
static void
atom_required(struct lint *l, xmlNodePtr n, const char *where)
{
	static const char *const need[] = {"id", "title", "updated"};
	size_t i;

	for (i = 0; i < SY_NELEM(need); i++)
		if (!has_child(n, need[i]))
			report(l, lineno(n), 0, SY_ERROR, SY_R_FEED_SCHEMA,
			    "%s lacks atom:%s", where, need[i]);
}

static void
atom_entry(struct lint *l, xmlNodePtr e, bool feed_author, struct seen *ids)
{
	xmlNodePtr src;
	bool has_src, author = feed_author;
	unsigned mask;
	char *ent = NULL;

	for (src = e->children; src != NULL && ent == NULL; src = src->next)
		if (is_el(src, NS_ATOM, "id"))
			ent = text_of(l, src);
	l->entry = ent;
	atom_required(l, e, "entry");
	atom_common(l, e, "entry", ids);
	atom_persons(l, e);
	mask = atom_links(l, e, "entry");
	atom_content(l, e, &has_src);
	if (!author && has_child(e, "author"))
		author = true;
	for (src = e->children; !author && src != NULL; src = src->next)
		if (is_el(src, NS_ATOM, "source") && has_child(src, "author"))
			author = true;
	if (!author)
		report(l, lineno(e), 0, SY_ERROR, SY_R_FEED_SCHEMA,
		    "entry has no atom:author and neither has the feed");
	if (!has_child(e, "content") && (mask & 2) == 0)
		report(l, lineno(e), 0, SY_ERROR, SY_R_FEED_SCHEMA,
		    "entry has neither atom:content nor an alternate link");
	if (has_src && !has_child(e, "summary"))
		report(l, lineno(e), 0, SY_ERROR, SY_R_FEED_SCHEMA,
		    "entry with out-of-line content (src) needs an "
		    "atom:summary");
	l->entry = NULL;
	free(ent);
}

static void
atom_lint(struct lint *l, xmlNodePtr root)
{
	struct seen ids = {0};
	xmlNodePtr c;
	bool author;

	if (strcmp((const char *)root->name, "entry") == 0) {
		atom_entry(l, root, false, NULL);
		return;
	}
	atom_required(l, root, "feed");
	atom_common(l, root, "feed", NULL);
	atom_persons(l, root);
	if ((atom_links(l, root, "feed") & 1) == 0)
		report(l, lineno(root), 0, SY_WARNING, SY_R_FEED_SCHEMA,
		    "feed has no atom:link rel=\"self\" giving its own URL");
	author = has_child(root, "author");
	for (c = root->children; c != NULL && l->err == SY_OK; c = c->next)
		if (is_el(c, NS_ATOM, "entry"))
			atom_entry(l, c, author, &ids);
	seen_fini(&ids);
}

static enum sy_err
xml_lint(struct lint *l, const char *data, size_t len,
    const struct sy_feedread_opts *opts)
{
	xmlStructuredErrorFunc oldfn = xmlStructuredError;
	void *oldctx = xmlStructuredErrorContext;
	xmlParserCtxtPtr ctxt;
	xmlDocPtr doc = NULL;
	xmlNodePtr root;
	enum sy_err e = SY_OK;
	int options;

	options = XML_PARSE_NONET | XML_PARSE_BIG_LINES | XML_PARSE_NOCDATA;
#if LIBXML_VERSION >= 21300
	options |= XML_PARSE_NO_XXE;
#endif
	if ((ctxt = xmlNewParserCtxt()) == NULL)
		return SY_ENOMEM;
	ctxt->_private = l;
	ctxt->sax->entityDecl = fr_entity_decl;
	ctxt->sax->unparsedEntityDecl = fr_unparsed_decl;
	ctxt->sax->internalSubset = fr_internal_subset;
	xmlSetStructuredErrorFunc(l, xml_error);
	l->xmlrule = SY_R_FEED_XML;
	l->nxml = 0;
	if (len > INT32_MAX) {
		e = SY_ELIMIT;
		goto out;
	}
	/* No URL: xmlNodeGetBase() then tells a real xml:base from none. */
	doc = xmlCtxtReadMemory(ctxt, data, (int)len, NULL, NULL, options);
	if (doc == NULL || l->entities || l->err != SY_OK)
		goto out; /* reported; an entity-laden tree is not walked */
	if ((root = xmlDocGetRootElement(doc)) == NULL)
		goto out;
	if (is_el(root, NULL, "rss")) {
		rss_lint(l, root);
	} else if (is_el(root, NS_ATOM, "feed") ||
	    is_el(root, NS_ATOM, "entry")) {
		e = opts != NULL && opts->no_schema ? SY_OK
		                                    : atom_schema(l, doc, opts);
		if (e == SY_OK)
			atom_lint(l, root);
	} else if (strcmp((const char *)root->name, "feed") == 0) {
		report(l, lineno(root), 0, SY_ERROR, SY_R_FEED_SCHEMA,
		    "<feed> is not in the Atom 1.0 namespace \"" NS_ATOM
		    "\" (Atom 0.3 is not supported)");
	} else {
		report(l, lineno(root), 0, SY_ERROR, SY_R_FEED_SCHEMA,
		    "root element <%s> is neither RSS 2.0 <rss> nor Atom "
		    "<feed>",
		    (const char *)root->name);
	}
out:
	xmlSetStructuredErrorFunc(oldctx, oldfn);
	xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctxt);
	if (e == SY_OK)
		e = l->err;
	return e;
}

/* ---- JSON Feed 1.1 --------------------------------------------------------
 */

struct jscan {
	const char *p, *end, *bol;
	size_t line;
};

static void
js_ws(struct jscan *s)
{
	for (; s->p < s->end && SY_ISSPACE(*s->p); s->p++) {
		if (*s->p == '\n') {
			s->line++;
			s->bol = s->p + 1;
		}
	}
}

/* Skips a string at s->p (on the quote); returns its raw body. */
static void
js_string(struct jscan *s, const char **body, size_t *n)
{
	const char *b = ++s->p;

	while (s->p < s->end && *s->p != '"')
		s->p += *s->p == '\\' && s->p + 1 < s->end ? 2 : 1;
	*body = b;
	*n = (size_t)(s->p - b);
	if (s->p < s->end)
		s->p++;
}

/* Skips one value without recording (scalars and deep values). */
static void
js_skip(struct jscan *s)
{
	size_t depth = 0, n;
	const char *b;

	js_ws(s);
	if (s->p < s->end && *s->p == '"') {
		js_string(s, &b, &n);
		return;
	}
	if (s->p < s->end && *s->p != '{' && *s->p != '[') {
		while (s->p < s->end && *s->p != ',' && *s->p != '}' &&
		    *s->p != ']' && !SY_ISSPACE(*s->p))
			s->p++;
		return;
	}
	while (s->p < s->end) {
		if (*s->p == '"') {
			js_string(s, &b, &n);
			continue;
		}
		if (*s->p == '\n') {
			s->line++;
			s->bol = s->p + 1;
		} else if (*s->p == '{' || *s->p == '[') {
			depth++;
		} else if ((*s->p == '}' || *s->p == ']') && --depth == 0) {
			s->p++;
			return;
		}
		s->p++;
	}
}

static void
js_record(struct lint *l, const char *path, size_t line, size_t col)
{
	struct seen_ent *e;
	bool dup;

	if (l->err == SY_OK &&
	    (e = seen_put(l, &l->jidx, path, line, &dup)) != NULL && !dup)
		e->col = col;
}

/* Walks the value at s->p, recording paths up to depth 5 under path
 * (items/3/attachments/0/url). */
static void
js_value(struct lint *l, struct jscan *s, char *path, size_t plen, size_t depth)
{
	size_t i = 0, n, col;
	const char *k;
	char close;

	js_ws(s);
	if (s->p >= s->end)
		return;
	if ((*s->p != '{' && *s->p != '[') || depth >= 5) {
		js_skip(s);
		return;
	}
	close = *s->p == '{' ? '}' : ']';
	s->p++;
	for (;;) {
		size_t line;
		int w;

		js_ws(s);
		if (s->p >= s->end || *s->p == close) {
			s->p++;
			return;
		}
		line = s->line;
		col = sy_utf8_count(s->bol, (size_t)(s->p - s->bol)) + 1;
		if (close == '}') {
			if (*s->p != '"')
				return;
			js_string(s, &k, &n);
			js_ws(s);
			if (s->p < s->end && *s->p == ':')
				s->p++;
			w = snprintf(path + plen, 256 - plen, "%s%.*s",
			    plen ? "/" : "", (int)n, k);
		} else {
			w = snprintf(path + plen, 256 - plen, "%s%zu",
			    plen ? "/" : "", i++);
		}
		if (w < 0 || (size_t)w >= 256 - plen) {
			path[plen] = '\0';
			js_skip(s);
		} else {
			js_record(l, path, line, col);
			js_value(l, s, path, plen + (size_t)w, depth + 1);
			path[plen] = '\0';
		}
		js_ws(s);
		if (s->p < s->end && *s->p == ',')
			s->p++;
		if (l->err != SY_OK)
			return;
	}
}

/*
 * Finds where path (or, failing that, its closest ancestor) is written.
 * Builds the index on first use.
 */
static void
js_where(struct lint *l, const char *path, size_t *line, size_t *col)
{
	char p[256];
	char *slash;

	if (!l->jindexed) {
		struct jscan s = {l->json, l->json + l->jsonlen, l->json, 1};
		char buf[256] = "";

		l->jindexed = true;
		js_value(l, &s, buf, 0, 0);
	}
	(void)snprintf(p, sizeof(p), "%s", path);
	for (;;) {
		const struct seen_ent *e = seen_find(&l->jidx, p);

		if (e != NULL) {
			*line = e->line;
			*col = e->col;
			return;
		}
		if ((slash = strrchr(p, '/')) == NULL)
			break;
		*slash = '\0';
	}
	*line = 1;
	*col = 0;
}

static __attribute__((format(printf, 5, 6))) struct sy_diag *
jreport(struct lint *l, const char *path, enum sy_severity sev,
    enum sy_rule rule, const char *fmt, ...)
{
	struct sy_diag *dg;
	size_t line, col;
	va_list ap;

	js_where(l, path, &line, &col);
	va_start(ap, fmt);
	dg = vreport(l, line, col, sev, rule, fmt, ap);
	va_end(ap);
	return dg;
}

/*
 * A string member: returns it, NULL when absent; reports a present
 * non-string (and returns NULL).
 */
static const char *
jstr(struct lint *l, json_t *obj, const char *key, const char *path)
{
	json_t *v = json_object_get(obj, key);
	char p[256];

	if (v == NULL || json_is_null(v))
		return NULL;
	if (json_is_string(v))
		return json_string_value(v);
	(void)snprintf(p, sizeof(p), "%s%s%s", path, *path ? "/" : "", key);
	jreport(
	    l, p, SY_ERROR, SY_R_FEED_SCHEMA, "\"%s\" must be a string", key);
	return NULL;
}

static void
jurl(struct lint *l, json_t *obj, const char *key, const char *path,
    unsigned flags)
{
	const char *s = jstr(l, obj, key, path);
	char p[256];
	size_t line, col;

	if (s == NULL)
		return;
	(void)snprintf(p, sizeof(p), "%s%s%s", path, *path ? "/" : "", key);
	js_where(l, p, &line, &col);
	check_url(l, line, col, key, key, s, REL_NO, flags);
}

static void
jdate(struct lint *l, json_t *obj, const char *key, const char *path)
{
	const char *s = jstr(l, obj, key, path);
	char p[256];
	size_t line, col;

	if (s == NULL)
		return;
	(void)snprintf(p, sizeof(p), "%s%s%s", path, *path ? "/" : "", key);
	js_where(l, p, &line, &col);
	check_date(l, line, col, key, s, DATE_RFC3339);
}

static void
jlang(struct lint *l, json_t *obj, const char *path)
{
	const char *s = jstr(l, obj, "language", path);
	char p[256];
	size_t line, col;

	if (s == NULL)
		return;
	(void)snprintf(p, sizeof(p), "%s%slanguage", path, *path ? "/" : "");
	js_where(l, p, &line, &col);
	check_lang(l, line, col, "language", s);
}

static void
jauthors(struct lint *l, json_t *obj, const char *path, bool v11)
{
	json_t *a = json_object_get(obj, "authors"), *v;
	char p[256];
	size_t i;

	if (json_object_get(obj, "author") != NULL && v11) {
		(void)snprintf(
		    p, sizeof(p), "%s%sauthor", path, *path ? "/" : "");
		jreport(l, p, SY_WARNING, SY_R_FEED_SCHEMA,
		    "\"author\" is deprecated in JSON Feed 1.1; use "
		    "\"authors\"");
	}
	if (a == NULL)
		return;
	(void)snprintf(p, sizeof(p), "%s%sauthors", path, *path ? "/" : "");
	if (!json_is_array(a)) {
		jreport(l, p, SY_ERROR, SY_R_FEED_SCHEMA,
		    "\"authors\" must be an array of objects");
		return;
	}
	json_array_foreach(a, i, v)
	{
		char q[288];

		(void)snprintf(q, sizeof(q), "%s/%zu", p, i);
		if (!json_is_object(v)) {
			jreport(l, q, SY_ERROR, SY_R_FEED_SCHEMA,
			    "an author must be an object");
			continue;
		}
		if (json_object_get(v, "name") == NULL &&
		    json_object_get(v, "url") == NULL &&
		    json_object_get(v, "avatar") == NULL)
			jreport(l, q, SY_ERROR, SY_R_FEED_SCHEMA,
			    "an author needs a name, url or avatar");
		(void)jstr(l, v, "name", q);
		jurl(l, v, "url", q, SY_URL_HTTP | SY_URL_MAILTO);
		jurl(l, v, "avatar", q, SY_URL_HTTP);
	}
}

static void
jattachments(struct lint *l, json_t *item, const char *path)
{
	json_t *a = json_object_get(item, "attachments"), *v;
	char p[256];
	size_t i;

	if (a == NULL)
		return;
	(void)snprintf(p, sizeof(p), "%s/attachments", path);
	if (!json_is_array(a)) {
		jreport(l, p, SY_ERROR, SY_R_FEED_SCHEMA,
		    "\"attachments\" must be an array of objects");
		return;
	}
	json_array_foreach(a, i, v)
	{
		const char *mime;
		char q[288], mp[320];
		size_t line, col;
		json_t *n;

		(void)snprintf(q, sizeof(q), "%s/%zu", p, i);
		if (!json_is_object(v)) {
			jreport(l, q, SY_ERROR, SY_R_FEED_SCHEMA,
			    "an attachment must be an object");
			continue;
		}
		if (json_object_get(v, "url") == NULL)
			jreport(l, q, SY_ERROR, SY_R_FEED_SCHEMA,
			    "an attachment needs \"url\"");
		jurl(l, v, "url", q, SY_URL_HTTP);
		if (json_object_get(v, "mime_type") == NULL)
			jreport(l, q, SY_ERROR, SY_R_FEED_SCHEMA,
			    "an attachment needs \"mime_type\"");
		if ((mime = jstr(l, v, "mime_type", q)) != NULL) {
			(void)snprintf(mp, sizeof(mp), "%s/mime_type", q);
			js_where(l, mp, &line, &col);
			check_mime(l, line, col, "mime_type", mime);
		}
		if ((n = json_object_get(v, "size_in_bytes")) != NULL &&
		    !json_is_integer(n)) {
			(void)snprintf(mp, sizeof(mp), "%s/size_in_bytes", q);
			jreport(l, mp, SY_ERROR, SY_R_INTEGER,
			    "\"size_in_bytes\" must be an integer");
		}
	}
}

static void
jitem(struct lint *l, json_t *it, size_t idx, struct seen *ids, bool v11)
{
	char path[64], c[CLIPSZ], p[96];
	json_t *id, *tags;
	const char *html, *text;
	size_t first, line, col;

	(void)snprintf(path, sizeof(path), "items/%zu", idx);
	if (!json_is_object(it)) {
		jreport(l, path, SY_ERROR, SY_R_FEED_SCHEMA,
		    "an item must be an object");
		return;
	}
	id = json_object_get(it, "id");
	l->entry = json_string_value(id);
	(void)snprintf(p, sizeof(p), "%s/id", path);
	if (id == NULL) {
		jreport(
		    l, path, SY_ERROR, SY_R_FEED_SCHEMA, "item lacks \"id\"");
	} else if (!json_is_string(id)) {
		jreport(l, p, SY_ERROR, SY_R_FEED_SCHEMA,
		    "item \"id\" must be a string");
	} else if (json_string_length(id) == 0) {
		jreport(
		    l, p, SY_ERROR, SY_R_FEED_SCHEMA, "item \"id\" is empty");
	} else {
		js_where(l, p, &line, &col);
		if (seen_add(l, ids, json_string_value(id), line, &first))
			jreport(l, p, SY_ERROR, SY_R_DUPLICATE,
			    "item id \"%s\" is already used on line %zu",
			    clip(json_string_value(id), c), first);
	}
	html = jstr(l, it, "content_html", path);
	text = jstr(l, it, "content_text", path);
	if (json_object_get(it, "content_html") == NULL &&
	    json_object_get(it, "content_text") == NULL)
		jreport(l, path, SY_ERROR, SY_R_FEED_SCHEMA,
		    "item has neither \"content_html\" nor \"content_text\"");
	(void)text;
	if (html != NULL) {
		(void)snprintf(p, sizeof(p), "%s/content_html", path);
		js_where(l, p, &line, &col);
		check_html(
		    l, line, "content_html", "content_html", html, REL_WARN);
	}
	(void)jstr(l, it, "title", path);
	(void)jstr(l, it, "summary", path);
	jurl(l, it, "url", path, SY_URL_HTTP);
	jurl(l, it, "external_url", path, SY_URL_HTTP);
	jurl(l, it, "image", path, SY_URL_HTTP);
	jurl(l, it, "banner_image", path, SY_URL_HTTP);
	jdate(l, it, "date_published", path);
	jdate(l, it, "date_modified", path);
	jauthors(l, it, path, v11);
	jlang(l, it, path);
	if ((tags = json_object_get(it, "tags")) != NULL) {
		json_t *t;
		size_t i;
		bool ok = json_is_array(tags);

		json_array_foreach(tags, i, t) ok = ok && json_is_string(t);
		(void)snprintf(p, sizeof(p), "%s/tags", path);
		if (!ok)
			jreport(l, p, SY_ERROR, SY_R_FEED_SCHEMA,
			    "\"tags\" must be an array of strings");
	}
	jattachments(l, it, path);
	l->entry = NULL;
}

static enum sy_err
json_lint(struct lint *l, const char *data, size_t len)
{
	struct seen ids = {0};
	json_t *root, *items, *it;
	const char *ver;
	json_error_t je;
	size_t i;
	bool v11;

	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
		/* RFC 8259 8.1: a parser may ignore it; none should be sent. */
		report(l, 1, 1, SY_WARNING, SY_R_FEED_XML,
		    "JSON: a UTF-8 byte order mark starts the file");
		data += 3;
		len -= 3;
	}
	l->json = data;
	l->jsonlen = len;
	root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &je);
	if (root == NULL) {
		report(l, je.line > 0 ? (size_t)je.line : 0,
		    je.column > 0 ? (size_t)je.column : 0, SY_ERROR,
		    SY_R_FEED_XML, "JSON: %s", je.text);
		return l->err;
	}
	ver = json_is_object(root)
	    ? json_string_value(json_object_get(root, "version"))
	    : NULL;
	if (ver == NULL ||
	    strncmp(ver, JSONFEED_PREFIX, strlen(JSONFEED_PREFIX)) != 0) {
		jreport(l, "version", SY_ERROR, SY_R_FEED_SCHEMA,
		    "not a JSON Feed: no \"version\" starting with "
		    "\"" JSONFEED_PREFIX "\"");
		goto out;
	}
	v11 = strcmp(ver + strlen(JSONFEED_PREFIX), "1.1") == 0;
	if (!v11 && strcmp(ver + strlen(JSONFEED_PREFIX), "1") != 0)
		jreport(l, "version", SY_WARNING, SY_R_FEED_SCHEMA,
		    "unknown JSON Feed version; 1.1 is checked");
	if (json_object_get(root, "title") == NULL)
		jreport(
		    l, "", SY_ERROR, SY_R_FEED_SCHEMA, "feed lacks \"title\"");
	(void)jstr(l, root, "title", "");
	(void)jstr(l, root, "description", "");
	jurl(l, root, "home_page_url", "", SY_URL_HTTP);
	jurl(l, root, "feed_url", "", SY_URL_HTTP);
	jurl(l, root, "next_url", "", SY_URL_HTTP);
	jurl(l, root, "icon", "", SY_URL_HTTP);
	jurl(l, root, "favicon", "", SY_URL_HTTP);
	if (json_object_get(root, "feed_url") == NULL)
		jreport(l, "", SY_WARNING, SY_R_FEED_SCHEMA,
		    "feed has no \"feed_url\" giving its own URL");
	jauthors(l, root, "", v11);
	jlang(l, root, "");
	items = json_object_get(root, "items");
	if (items == NULL) {
		jreport(
		    l, "", SY_ERROR, SY_R_FEED_SCHEMA, "feed lacks \"items\"");
		goto out;
	}
	if (!json_is_array(items)) {
		jreport(l, "items", SY_ERROR, SY_R_FEED_SCHEMA,
		    "\"items\" must be an array");
		goto out;
	}
	json_array_foreach(items, i, it)
	{
		if (l->err != SY_OK)
			break;
		jitem(l, it, i, &ids, v11);
	}
out:
	seen_fini(&ids);
	json_decref(root);
	return l->err;
}

/* ---- entry points ---------------------------------------------------------
 */

static const char *
skip_bom_ws(const char *p, const char *end)
{
	if (end - p >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	while (p < end && SY_ISSPACE(*p))
		p++;
	return p;
}

enum sy_feed_kind
sy_feedread_detect(const char *data, size_t len)
{
	const char *p = data, *end = data + len, *q;
	size_t n;

	p = skip_bom_ws(p, end);
	if (p < end && (*p == '{' || *p == '['))
		return SY_FEED_JSON;
	while (p < end && *p == '<') {
		if (end - p >= 2 && (p[1] == '?' || p[1] == '!')) {
			int depth = 0;

			/* Prolog: <?...?>, <!--...-->, <!DOCTYPE [...]>. */
			for (q = p + 1; q < end; q++) {
				if (*q == '[')
					depth++;
				else if (*q == ']')
					depth--;
				else if (*q == '>' && depth <= 0)
					break;
			}
			p = skip_bom_ws(q + (q < end), end);
			continue;
		}
		p++;
		for (q = p;
		     q < end && !SY_ISSPACE(*q) && *q != '>' && *q != '/'; q++)
			;
		n = (size_t)(q - p);
		for (q = p; q < p + n && *q != ':'; q++)
			;
		if (q < p + n) { /* a prefix: compare the local name */
			n -= (size_t)(q + 1 - p);
			p = q + 1;
		}
		if (n == 3 && memcmp(p, "rss", 3) == 0)
			return SY_FEED_RSS;
		if ((n == 4 && memcmp(p, "feed", 4) == 0) ||
		    (n == 5 && memcmp(p, "entry", 5) == 0))
			return SY_FEED_ATOM;
		return SY_FEED_UNKNOWN;
	}
	return SY_FEED_UNKNOWN;
}

const char *
sy_feed_kind_name(enum sy_feed_kind kind)
{
	switch (kind) {
	case SY_FEED_RSS:
		return "rss";
	case SY_FEED_ATOM:
		return "atom";
	case SY_FEED_JSON:
		return "json";
	default:
		return "unknown";
	}
}

enum sy_err
sy_feedread_lint(const char *path, const char *data, size_t len,
    const struct sy_feedread_opts *opts, struct sy_diags *d)
{
	struct lint l;
	size_t max = opts && opts->max_size ? opts->max_size : SY_FEEDREAD_MAX;
	const char *p;
	enum sy_err e;

	if (data == NULL && len > 0)
		return SY_EINVAL;
	if (len > max)
		return SY_ELIMIT;
	memset(&l, 0, sizeof(l));
	l.path = path;
	l.d = d;
	l.links = opts == NULL || opts->check_links;
	l.now =
	    opts != NULL && opts->now != 0 ? opts->now : (int64_t)time(NULL);
	if (opts != NULL) {
		l.on_link = opts->on_link;
		l.link_arg = opts->link_arg;
	}
	p = skip_bom_ws(data ? data : "", (data ? data : "") + len);
	if (len == 0 || p == data + len) {
		report(&l, 1, 0, SY_ERROR, SY_R_FEED_XML, "the file is empty");
		return l.err;
	}
	if (*p == '{' || *p == '[')
		e = json_lint(&l, data, len);
	else
		e = xml_lint(&l, data, len, opts);
	seen_fini(&l.jidx);
	return e;
}

enum sy_err
sy_feedread_links(const char *path, const char *data, size_t len,
    sy_feedread_link_fn fn, void *arg)
{
	struct sy_feedread_opts o;
	struct sy_diags scratch;
	enum sy_err e;

	memset(&o, 0, sizeof(o));
	o.no_schema = true;
	o.on_link = fn;
	o.link_arg = arg;
	sy_diags_init(&scratch);
	e = sy_feedread_lint(path, data, len, &o, &scratch);
	sy_diags_fini(&scratch);
	return e;
}
