/*
 * rules.c: site rules.  One table, sites[], says for each site which hosts
 * it covers, where the id sits in the path or query, what shape the id
 * has, and (for syndic-links) the oEmbed endpoint that answers 404 for a
 * missing item where the page itself answers 200.
 *
 * To add a site: add a row to sites[]; a new id shape needs one entry in
 * shapes[] and one case in check_shape().  Only shapes known for sure are
 * here; a link the table does not cover is never flagged.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "rules.h"
#include "url.h"
#include "util.h"

enum shape {
	SHAPE_YOUTUBE,     /* exactly 11 of [A-Za-z0-9_-] */
	SHAPE_DIGITS,      /* 1 or more digits */
	SHAPE_DAILYMOTION, /* 'x' or 'k', alnum, maybe an old "_slug" */
	SHAPE_BASE62_22,   /* exactly 22 of [A-Za-z0-9] */
	SHAPE_SHORTCODE    /* 1 or more of [A-Za-z0-9_-] */
};

/* The locator applies only when the segment starts with 5 digits. */
#define LOC_IF_NUMERIC 1u
/* A missing id (empty segment, no such parameter) is an error. */
#define LOC_REQUIRED 2u

struct locator {
	/*
	 * Path pattern.  Ending in '/': a prefix, the id is the next
	 * segment.  Otherwise: the whole path, the id is in the query
	 * parameter param.  '*' matches any one segment.
	 */
	const char *path;
	const char *param;
	enum shape shape;
	unsigned flags;
	const char *skip; /* a segment that is not an id, or NULL */
};

struct site {
	const char *what;        /* "YouTube video id" */
	const char *hosts[8];    /* lower case, IDNA form */
	const char *skip_prefix; /* a leading "/intl-xx" to step over */
	struct locator loc[8];
	const char *canonical;    /* the item's URL; "%s" is the id */
	const char *oembed;       /* endpoint before the '?' */
	const char *oembed_query; /* query; the encoded URL follows it */
};

#define YT_HOSTS                                                               \
	{                                                                      \
		"youtube.com", "www.youtube.com", "m.youtube.com",             \
		    "music.youtube.com", "youtube-nocookie.com",               \
		    "www.youtube-nocookie.com"                                 \
	}
#define YT_OEMBED "https://www.youtube.com/oembed", "format=json&url="
#define VIMEO_OEMBED "https://vimeo.com/api/oembed.json", "url="

static const struct site sites[] = {
    {"YouTube video id", YT_HOSTS, NULL,
        {{"/watch", "v", SHAPE_YOUTUBE, LOC_REQUIRED, NULL},
            {"/embed/", NULL, SHAPE_YOUTUBE, LOC_REQUIRED, "videoseries"},
            {"/shorts/", NULL, SHAPE_YOUTUBE, LOC_REQUIRED, NULL},
            {"/live/", NULL, SHAPE_YOUTUBE, LOC_REQUIRED, NULL},
            {"/v/", NULL, SHAPE_YOUTUBE, LOC_REQUIRED, NULL}},
        "https://www.youtube.com/watch?v=%s", YT_OEMBED},
    {"YouTube video id", {"youtu.be", "www.youtu.be"}, NULL,
        {{"/", NULL, SHAPE_YOUTUBE, LOC_REQUIRED, NULL}},
        "https://www.youtube.com/watch?v=%s", YT_OEMBED},
    {"Vimeo video id", {"vimeo.com", "www.vimeo.com"}, NULL,
        {{"/channels/*/", NULL, SHAPE_DIGITS, 0, NULL},
            {"/", NULL, SHAPE_DIGITS, LOC_IF_NUMERIC, NULL}},
        "https://vimeo.com/%s", VIMEO_OEMBED},
    {"Vimeo video id", {"player.vimeo.com"}, NULL,
        {{"/video/", NULL, SHAPE_DIGITS, LOC_REQUIRED, NULL}},
        "https://vimeo.com/%s", VIMEO_OEMBED},
    {"Dailymotion video id", {"dailymotion.com", "www.dailymotion.com"}, NULL,
        {{"/video/", NULL, SHAPE_DAILYMOTION, 0, NULL},
            {"/embed/video/", NULL, SHAPE_DAILYMOTION, 0, NULL}},
        NULL, NULL, NULL},
    {"Dailymotion video id", {"dai.ly"}, NULL,
        {{"/", NULL, SHAPE_DAILYMOTION, 0, NULL}}, NULL, NULL, NULL},
    {"Spotify id", {"open.spotify.com"}, "/intl-",
        {{"/track/", NULL, SHAPE_BASE62_22, 0, NULL},
            {"/album/", NULL, SHAPE_BASE62_22, 0, NULL},
            {"/artist/", NULL, SHAPE_BASE62_22, 0, NULL},
            {"/playlist/", NULL, SHAPE_BASE62_22, 0, NULL},
            {"/episode/", NULL, SHAPE_BASE62_22, 0, NULL},
            {"/show/", NULL, SHAPE_BASE62_22, 0, NULL},
            {"/embed/*/", NULL, SHAPE_BASE62_22, 0, NULL},
            {"/user/*/playlist/", NULL, SHAPE_BASE62_22, 0, NULL}},
        NULL, NULL, NULL},
    {"X (Twitter) status id",
        {"x.com", "www.x.com", "twitter.com", "www.twitter.com",
            "mobile.twitter.com", "mobile.x.com"},
        NULL,
        {{"/i/web/status/", NULL, SHAPE_DIGITS, 0, NULL},
            {"/*/status/", NULL, SHAPE_DIGITS, 0, NULL},
            {"/*/statuses/", NULL, SHAPE_DIGITS, 0, NULL}},
        NULL, NULL, NULL},
    {"TikTok video id", {"tiktok.com", "www.tiktok.com", "m.tiktok.com"}, NULL,
        {{"/*/video/", NULL, SHAPE_DIGITS, 0, NULL},
            {"/*/photo/", NULL, SHAPE_DIGITS, 0, NULL},
            {"/embed/v2/", NULL, SHAPE_DIGITS, 0, NULL},
            {"/embed/", NULL, SHAPE_DIGITS, 0, "v2"}},
        NULL, NULL, NULL},
    {"Instagram shortcode", {"instagram.com", "www.instagram.com"}, NULL,
        {{"/p/", NULL, SHAPE_SHORTCODE, 0, NULL},
            {"/reel/", NULL, SHAPE_SHORTCODE, 0, NULL},
            {"/reels/", NULL, SHAPE_SHORTCODE, 0, NULL},
            {"/tv/", NULL, SHAPE_SHORTCODE, 0, NULL},
            {"/*/p/", NULL, SHAPE_SHORTCODE, 0, NULL},
            {"/*/reel/", NULL, SHAPE_SHORTCODE, 0, NULL}},
        NULL, NULL, NULL},
};

/* A site-rule error (finding.h). */
#define report(f, ...)                                                         \
	sy_finding_set((f), SY_R_SITE_RULE, SY_ERROR, __VA_ARGS__)

/* The parts of a URL the rules look at, from its URI form. */
struct parts {
	char *uri;
	char *host;       /* lower case, no trailing dot */
	const char *path; /* into uri; at least "/" */
	size_t pathlen;
	const char *query; /* into uri, after '?'; NULL when none */
	size_t querylen;
};

static void
parts_fini(struct parts *p)
{
	free(p->uri);
	free(p->host);
}

static bool
parts_get(const char *url, struct parts *p)
{
	const char *s;
	size_t n;

	memset(p, 0, sizeof(*p));
	if (url == NULL ||
	    !(sy_url_has_scheme(url, "http") ||
	        sy_url_has_scheme(url, "https")))
		return false;
	p->uri = sy_url_to_uri(url);
	p->host = sy_url_host(url);
	if (p->uri == NULL || p->host == NULL)
		return false;
	n = strlen(p->host);
	if (n > 1 && p->host[n - 1] == '.')
		p->host[n - 1] = '\0';
	s = strstr(p->uri, "//");
	if (s == NULL)
		return false;
	s += 2;
	s += strcspn(s, "/?#");
	p->path = *s == '/' ? s : "/";
	p->pathlen = *s == '/' ? strcspn(s, "?#") : 1;
	s += strcspn(s, "?#");
	if (*s == '?') {
		p->query = s + 1;
		p->querylen = strcspn(s + 1, "#");
	}
	return true;
}

/*
 * Matches pattern against path[0..n).  For a prefix pattern, *rest is
 * the text after it.  Returns true on a match.
 */
static bool
match(const char *pat, const char *path, size_t n, const char **rest)
{
	const char *end = path + n;

	while (*pat != '\0') {
		if (*pat == '*') {
			if (path == end || *path == '/')
				return false;
			while (path < end && *path != '/')
				path++;
			pat++;
			continue;
		}
		if (path == end || *pat != *path)
			return false;
		pat++;
		path++;
	}
	*rest = path;
	if (pat[-1] == '/')
		return true;
	return path == end || (path + 1 == end && *path == '/');
}

/* Finds the value of parameter name in q[0..n); its length in *len. */
static const char *
query_param(const char *q, size_t n, const char *name, size_t *len)
{
	const char *end = q + n, *e;
	size_t nl = strlen(name);

	while (q < end) {
		for (e = q; e < end && *e != '&' && *e != ';'; e++)
			;
		if ((size_t)(e - q) > nl && memcmp(q, name, nl) == 0 &&
		    q[nl] == '=') {
			*len = (size_t)(e - q) - nl - 1;
			return q + nl + 1;
		}
		q = e + 1;
	}
	return NULL;
}

static bool
is_idchar(char c)
{
	return SY_ISALNUM(c) || c == '-' || c == '_';
}

/* Checks the id against its shape; fills f and returns true if bad. */
static bool
check_shape(const struct site *s, enum shape shape, const char *id, size_t n,
    struct sy_finding *f)
{
	size_t i;

	switch (shape) {
	case SHAPE_YOUTUBE:
	case SHAPE_SHORTCODE:
		for (i = 0; i < n; i++)
			if (!is_idchar(id[i]))
				return report(f,
				    "%s \"%.*s\" contains '%c'; "
				    "ids use A-Z, a-z, 0-9, '-' and '_'",
				    s->what, (int)n, id, id[i]);
		if (shape == SHAPE_YOUTUBE && n != 11)
			return report(f,
			    "%s \"%.*s\" has %zu character%s; "
			    "ids have 11",
			    s->what, (int)n, id, n, n == 1 ? "" : "s");
		return false;
	case SHAPE_DIGITS:
		for (i = 0; i < n; i++)
			if (!SY_ISDIGIT(id[i]))
				return report(f,
				    "%s \"%.*s\" is not all "
				    "digits",
				    s->what, (int)n, id);
		return false;
	case SHAPE_DAILYMOTION:
		if (id[0] != 'x' && id[0] != 'k')
			return report(f,
			    "%s \"%.*s\" does not start with "
			    "'x'",
			    s->what, (int)n, id);
		for (i = 1; i < n && id[i] != '_'; i++)
			if (!SY_ISALNUM(id[i]))
				return report(f, "%s \"%.*s\" contains '%c'",
				    s->what, (int)n, id, id[i]);
		if (i == 1)
			return report(
			    f, "%s \"%.*s\" is too short", s->what, (int)n, id);
		return false;
	case SHAPE_BASE62_22:
		for (i = 0; i < n; i++)
			if (!SY_ISALNUM(id[i]))
				return report(f,
				    "%s \"%.*s\" contains '%c'; "
				    "ids use A-Z, a-z and 0-9",
				    s->what, (int)n, id, id[i]);
		if (n != 22)
			return report(f,
			    "%s \"%.*s\" has %zu characters; "
			    "ids have 22",
			    s->what, (int)n, id, n);
		return false;
	}
	return false;
}

static const struct site *
find_site(const char *host)
{
	size_t i, j;

	for (i = 0; i < SY_NELEM(sites); i++)
		for (j = 0;
		     j < SY_NELEM(sites[i].hosts) && sites[i].hosts[j] != NULL;
		     j++)
			if (host[0] == sites[i].hosts[j][0] &&
			    strcmp(host, sites[i].hosts[j]) == 0)
				return &sites[i];
	return NULL;
}

/*
 * Runs the site's locators on p.  Returns the site when one applied,
 * with the id in *id and its length in *idlen (0: none); fills f on a
 * problem.
 */
static const struct site *
locate(
    const struct parts *p, const char **id, size_t *idlen, struct sy_finding *f)
{
	const struct site *s;
	const struct locator *l;
	const char *path = p->path, *rest, *v;
	size_t n = p->pathlen, i, vlen;

	*id = NULL;
	*idlen = 0;
	s = find_site(p->host);
	if (s == NULL)
		return NULL;
	if (s->skip_prefix != NULL && n > strlen(s->skip_prefix) &&
	    memcmp(path, s->skip_prefix, strlen(s->skip_prefix)) == 0) {
		for (i = 1; i < n && path[i] != '/'; i++)
			;
		path += i;
		n -= i;
	}
	for (i = 0; i < SY_NELEM(s->loc) && s->loc[i].path != NULL; i++) {
		l = &s->loc[i];
		if (!match(l->path, path, n, &rest))
			continue;
		if (l->param != NULL) {
			v = p->query == NULL
			    ? NULL
			    : query_param(
			          p->query, p->querylen, l->param, &vlen);
			if (v == NULL || vlen == 0) {
				if (l->flags & LOC_REQUIRED)
					report(f,
					    "%s missing: no %s= in the "
					    "URL",
					    s->what, l->param);
				return s;
			}
		} else {
			v = rest;
			vlen = strcspn(rest, "/&;");
			if (v + vlen > path + n)
				vlen = (size_t)(path + n - v);
			if (l->skip != NULL && vlen == strlen(l->skip) &&
			    memcmp(v, l->skip, vlen) == 0)
				return s;
			if (l->flags & LOC_IF_NUMERIC) {
				if (vlen < 5 || !SY_ISDIGIT(v[0]) ||
				    !SY_ISDIGIT(v[1]) || !SY_ISDIGIT(v[2]) ||
				    !SY_ISDIGIT(v[3]) || !SY_ISDIGIT(v[4]))
					continue;
			}
			if (vlen == 0) {
				if (l->flags & LOC_REQUIRED)
					report(f, "%s missing in the URL",
					    s->what);
				return s;
			}
		}
		if (!check_shape(s, l->shape, v, vlen, f)) {
			*id = v;
			*idlen = vlen;
		}
		return s;
	}
	return NULL;
}

/*
 * may_be_site's last answer on this thread, for its "scheme://authority"
 * (up to LAST_PREFIX bytes): a manifest's rows name a few hosts over and
 * over, and a URL that starts with that prefix, then ends or goes on
 * with '/', '?' or '#', has the same authority, so the same answer.
 */
#define LAST_PREFIX 64
static _Thread_local struct {
	char prefix[LAST_PREFIX];
	size_t n; /* 0: none yet */
	bool site;
} last;

/*
 * A cheap look at the host as written, before the full parse: false only
 * when the URL cannot belong to a site of the table (most links), true
 * when it may or when the host is not plain ASCII.
 */
static bool
may_be_site(const char *url)
{
	const char *p, *h, *e, *at;
	char host[256];
	size_t n, i;
	bool site;

	if (url != NULL && last.n > 0 &&
	    strncmp(url, last.prefix, last.n) == 0 &&
	    (url[last.n] == '\0' || url[last.n] == '/' || url[last.n] == '?' ||
	        url[last.n] == '#'))
		return last.site;
	p = url ? strstr(url, "://") : NULL;
	if (p == NULL)
		return true;
	h = p + 3;
	e = h + strcspn(h, "/?#");
	at = memchr(h, '@', (size_t)(e - h));
	if (at != NULL)
		h = at + 1;
	n = strcspn(h, ":/?#");
	if (h + n > e)
		n = (size_t)(e - h);
	if (n > 0 && h[n - 1] == '.')
		n--;
	if (n == 0 || n >= sizeof(host) || *h == '[')
		return true;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)h[i];

		if (c >= 0x80 || c == '%')
			return true;
		host[i] = (char)SY_TOLOWER(c);
	}
	host[n] = '\0';
	site = find_site(host) != NULL;
	if ((size_t)(e - url) < LAST_PREFIX) {
		memcpy(last.prefix, url, (size_t)(e - url));
		last.n = (size_t)(e - url);
		last.site = site;
	}
	return site;
}

bool
sy_rules_check(const char *url, struct sy_finding *f)
{
	struct sy_finding local;
	struct parts p;
	const char *id;
	size_t idlen;

	if (f == NULL)
		f = &local;
	sy_finding_clear(f);
	if (!may_be_site(url))
		return false;
	if (parts_get(url, &p))
		locate(&p, &id, &idlen, f);
	parts_fini(&p);
	return f->rule != SY_R_NONE;
}

static enum sy_err
put_encoded(struct sy_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	enum sy_err err = SY_OK;
	unsigned char c;

	for (; *s != '\0' && err == SY_OK; s++) {
		c = (unsigned char)*s;
		if (SY_ISALNUM(c) || c == '-' || c == '.' || c == '_' ||
		    c == '~')
			err = sy_buf_putc(b, (char)c);
		else
			err = sy_buf_printf(
			    b, "%%%c%c", hex[c >> 4], hex[c & 15]);
	}
	return err;
}

char *
sy_rules_soft404_url(const char *url, const char *endpoint_override)
{
	struct sy_finding f;
	struct sy_buf item, b;
	struct parts p;
	const struct site *s;
	const char *id, *base;
	char *res = NULL;
	size_t idlen;

	if (!may_be_site(url))
		return NULL; /* most links: no site, no probe */
	memset(&f, 0, sizeof(f));
	sy_buf_init(&item, 0);
	sy_buf_init(&b, 0);
	if (!parts_get(url, &p))
		goto out;
	s = locate(&p, &id, &idlen, &f);
	if (s == NULL || s->oembed == NULL || idlen == 0 || f.rule != SY_R_NONE)
		goto out;
	/* The canonical URL has a single "%s", filled with the id. */
	base = strstr(s->canonical, "%s");
	if (base == NULL ||
	    sy_buf_append(&item, s->canonical, (size_t)(base - s->canonical)) !=
	        SY_OK ||
	    sy_buf_append(&item, id, idlen) != SY_OK ||
	    sy_buf_puts(&item, base + 2) != SY_OK)
		goto out;
	base = endpoint_override != NULL ? endpoint_override : s->oembed;
	if (sy_buf_puts(&b, base) != SY_OK ||
	    sy_buf_putc(&b, strchr(base, '?') != NULL ? '&' : '?') != SY_OK ||
	    sy_buf_puts(&b, s->oembed_query) != SY_OK ||
	    put_encoded(&b, item.data) != SY_OK)
		goto out;
	res = sy_buf_steal(&b);
out:
	parts_fini(&p);
	sy_buf_fini(&item);
	sy_buf_fini(&b);
	return res;
}
