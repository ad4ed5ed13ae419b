/*
 * report.c: the HTML page of an audit (see report.h).  Written in one
 * pass to the stream, section by section: the verdict line, the problems
 * grouped by file (a <tbody> each, rows in line order), then the
 * pictures: for a link audit the timeline of the run log and the table
 * of hosts, for a lint the counts by rule and by file.  Only the
 * aggregates (hosts, rules, files) are computed before they are written.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "date.h"
#include "history.h"
#include "linkset.h"
#include "report.h"
#include "url.h"
#include "util.h"

/* ---------------------------------------------------------------- */
/* Escaping. */

#define REPL "\xef\xbf\xbd" /* U+FFFD */

/*
 * What each ASCII byte becomes; NULL: itself.  The five characters that
 * can end a text run or a quoted attribute value, and every control
 * character HTML calls a parse error.
 */
static const char *const esc_ascii[128] = {
    [0x00] = REPL,
    [0x01] = REPL,
    [0x02] = REPL,
    [0x03] = REPL,
    [0x04] = REPL,
    [0x05] = REPL,
    [0x06] = REPL,
    [0x07] = REPL,
    [0x08] = REPL,
    [0x0b] = REPL,
    [0x0c] = " ",
    [0x0d] = "\n",
    [0x0e] = REPL,
    [0x0f] = REPL,
    [0x10] = REPL,
    [0x11] = REPL,
    [0x12] = REPL,
    [0x13] = REPL,
    [0x14] = REPL,
    [0x15] = REPL,
    [0x16] = REPL,
    [0x17] = REPL,
    [0x18] = REPL,
    [0x19] = REPL,
    [0x1a] = REPL,
    [0x1b] = REPL,
    [0x1c] = REPL,
    [0x1d] = REPL,
    [0x1e] = REPL,
    [0x1f] = REPL,
    ['"'] = "&quot;",
    ['&'] = "&amp;",
    ['\''] = "&#39;",
    ['<'] = "&lt;",
    ['>'] = "&gt;",
    [0x7f] = REPL,
};

/* C1 controls and noncharacters: valid UTF-8, yet parse errors. */
static bool
bad_cp(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || (cp >= 0xfdd0 && cp <= 0xfdef) ||
	    (cp & 0xfffe) == 0xfffe;
}

enum sy_err
sy_report_escape(struct sy_buf *b, const char *s, size_t len)
{
	size_t i = 0, run = 0, ok = 0;
	enum sy_err e;

	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		const char *rep = NULL;
		size_t n = 1;

		if (c < 0x80) {
			rep = esc_ascii[c];
		} else {
			uint32_t cp;

			if (ok <= i)
				ok = i + sy_utf8_valid_prefix(s + i, len - i);
			if (ok == i) {
				rep = REPL; /* one bad byte, one U+FFFD */
			} else {
				n = (size_t)sy_utf8_decode(s + i, &cp);
				if (bad_cp(cp))
					rep = REPL;
			}
		}
		if (rep == NULL) {
			i += n;
			continue;
		}
		if ((e = sy_buf_append(b, s + run, i - run)) != SY_OK ||
		    (e = sy_buf_puts(b, rep)) != SY_OK)
			return e;
		i += n;
		run = i;
	}
	return sy_buf_append(b, s + run, i - run);
}

bool
sy_report_is_href(const char *url)
{
	const char *p;

	if (url == NULL ||
	    !(sy_has_prefix_ci(url, "http://") ||
	        sy_has_prefix_ci(url, "https://")))
		return false;
	for (p = url; *p != '\0'; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f)
			return false;
	return true;
}

/* ---------------------------------------------------------------- */
/* The writer. */

struct page {
	FILE *out;
	const struct sy_diags *d;
	const struct sy_emit_opts *o;
	const struct sy_linkset *ls; /* NULL: a lint page */
	struct sy_buf b;             /* escaping scratch */
	int64_t now;
	enum sy_err err;
};

static void
put(struct page *p, const char *s)
{
	fputs(s, p->out);
}

static void putf(struct page *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
putf(struct page *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(p->out, fmt, ap);
	va_end(ap);
}

/* Text from outside, escaped (NULL writes nothing). */
static void
text(struct page *p, const char *s)
{
	if (s == NULL)
		return;
	sy_buf_reset(&p->b);
	if (sy_report_escape(&p->b, s, strlen(s)) != SY_OK) {
		p->err = SY_ENOMEM;
		return;
	}
	fwrite(p->b.data, 1, p->b.len, p->out);
}

/* An attribute name="value", the value escaped; NULL writes nothing. */
static void
attr(struct page *p, const char *name, const char *value)
{
	if (value == NULL)
		return;
	putf(p, " %s=\"", name);
	text(p, value);
	put(p, "\"");
}

/*
 * A URL as written, a link when sy_report_is_href allows; the link's
 * target is its URI form (url.h: IDNA host, every byte outside the URI
 * set percent-encoded), as browsers would make it, so that the href is
 * a valid URL whatever was written.
 */
static void
url(struct page *p, const char *u)
{
	char *uri = sy_report_is_href(u) ? sy_url_to_uri(u) : NULL;

	if (uri != NULL && sy_report_is_href(uri)) {
		put(p, "<a");
		attr(p, "href", uri);
		put(p, " rel=\"noreferrer nofollow\">");
		text(p, u);
		put(p, "</a>");
	} else {
		put(p, "<span class=\"u\">");
		text(p, u);
		put(p, "</span>");
	}
	free(uri);
}

static void
civil(
    int64_t t, int64_t *y, unsigned *mo, unsigned *d, unsigned *h, unsigned *mi)
{
	int64_t days = t / 86400, secs = t % 86400;

	if (secs < 0) {
		secs += 86400;
		days--;
	}
	sy_civil_from_days(days, y, mo, d);
	*h = (unsigned)(secs / 3600);
	*mi = (unsigned)(secs / 60 % 60);
}

/*
 * <time> of t (UTC), with the minute, or the day only (a date is its own
 * machine-readable form: no datetime attribute, shorter rows).
 */
static void
when(struct page *p, int64_t t, bool minute)
{
	int64_t y;
	unsigned mo, d, h, mi;

	civil(t, &y, &mo, &d, &h, &mi);
	if (!minute) {
		putf(p, "<time>%04lld-%02u-%02u</time>", (long long)y, mo, d);
		return;
	}
	putf(p,
	    "<time datetime=\"%04lld-%02u-%02uT%02u:%02u:%02uZ\">"
	    "%04lld-%02u-%02u %02u:%02u UTC</time>",
	    (long long)y, mo, d, h, mi, (unsigned)(((t % 60) + 60) % 60),
	    (long long)y, mo, d, h, mi);
}

/* "420 ms", "2.4 s", "48 s", "3 min 20 s". */
static void
duration(struct page *p, long ms)
{
	if (ms < 1000)
		putf(p, "%ld ms", ms);
	else if (ms < 10000)
		putf(p, "%ld.%ld s", ms / 1000, ms / 100 % 10);
	else if (ms < 60000)
		putf(p, "%ld s", (ms + 500) / 1000);
	else
		putf(p, "%ld min %ld s", ms / 60000, ms / 1000 % 60);
}

/* A length the run log keeps in whole seconds. */
static void
duration_s(struct page *p, int64_t s)
{
	if (s <= 0)
		put(p, "&lt; 1 s");
	else
		duration(p, (long)s * 1000);
}

static const char *
plural(size_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* ---------------------------------------------------------------- */
/* Verdicts. */

static bool
is_link_rule(enum sy_rule r)
{
	return (r >= SY_R_LINK_BROKEN && r <= SY_R_LINK_UNCHECKED) ||
	    r == SY_R_EMAIL_NO_MX;
}

/*
 * The word a row is filtered by: on a link page the verdict (broken,
 * blocked, redirected; "invalid" for what is wrong before any check),
 * on a lint page the severity.
 */
static const char *
verdict_of(const struct page *p, const struct sy_diag *dg)
{
	if (p->ls == NULL)
		return sy_severity_name(dg->severity);
	if (!is_link_rule(dg->rule))
		return "invalid";
	switch (sy_history_outcome_of(dg->rule)) {
	case SY_HIST_OK:
		return "redirected";
	case SY_HIST_FAIL:
		return "broken";
	default:
		return "blocked";
	}
}

static bool
shown(const struct page *p, const struct sy_diag *dg)
{
	return !(p->o->quiet && dg->severity == SY_NOTE);
}

/* ---------------------------------------------------------------- */
/* The head and the verdict line. */

static void
head(struct page *p)
{
	const struct sy_linkset *ls = p->ls;

	put(p,
	    "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n");
	/* First, before anything that could fetch: nothing may. */
	putf(p,
	    "<meta http-equiv=\"Content-Security-Policy\" "
	    "content=\"default-src 'none'; style-src 'sha256-%s'; "
	    "script-src 'sha256-%s'; img-src data:; base-uri 'none'; "
	    "form-action 'none'\">\n",
	    sy_report_css_sha256, sy_report_js_sha256);
	put(p,
	    "<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\">\n"
	    "<meta name=\"referrer\" content=\"no-referrer\">\n");
	put(p, "<meta name=\"generator\" content=\"");
	text(p, p->o->tool);
	if (p->o->version != NULL && p->o->version[0] != '\0') {
		put(p, " ");
		text(p, p->o->version);
	}
	put(p, "\">\n<title>");
	if (ls != NULL)
		putf(p, "Link audit: %zu broken, %zu blocked", ls->broken,
		    ls->blocked);
	else {
		text(p, p->o->tool);
		putf(p, ": %zu %s, %zu %s", p->d->count[SY_ERROR],
		    plural(p->d->count[SY_ERROR], "error", "errors"),
		    p->d->count[SY_WARNING],
		    plural(p->d->count[SY_WARNING], "warning", "warnings"));
	}
	put(p, "</title>\n<link rel=\"icon\" href=\"data:,\">\n<style>");
	fwrite(sy_report_css, 1, sy_report_css_len, p->out);
	put(p, "</style>\n</head>\n<body>\n");
}

/* One count of the verdict line: <span class=k><b data-n=k>N</b> k</span>. */
static void
count(struct page *p, const char *key, size_t n, const char *word,
    const char *sep)
{
	putf(p, "%s<span class=\"n %s\"><b data-n=\"%s\">%zu</b> %s</span>",
	    sep, key, key, n, word);
}

static void
inputs(struct page *p)
{
	size_t i;

	if (p->o->ninputs == 0)
		return;
	put(p, " &middot; ");
	for (i = 0; i < p->o->ninputs && i < 8; i++) {
		put(p,
		    i > 0 ? ", <bdi class=\"mono\">" : "<bdi class=\"mono\">");
		text(p, p->o->inputs[i]);
		put(p, "</bdi>");
	}
	if (p->o->ninputs > 8)
		putf(p, " and %zu more", p->o->ninputs - 8);
}

static void
verdict_line(struct page *p)
{
	const struct sy_linkset *ls = p->ls;
	size_t nfiles = p->o->ninputs;

	put(p, "<header>\n");
	if (ls == NULL) {
		put(p, "<h1>");
		text(p, p->o->tool);
		put(p, " report</h1>\n<p class=\"verdict\" id=\"verdict\">");
		count(p, "errors", p->d->count[SY_ERROR],
		    plural(p->d->count[SY_ERROR], "error", "errors"), "");
		count(p, "warnings", p->d->count[SY_WARNING],
		    plural(p->d->count[SY_WARNING], "warning", "warnings"),
		    ", ");
		if (!p->o->quiet)
			count(p, "notes", p->d->count[SY_NOTE],
			    plural(p->d->count[SY_NOTE], "note", "notes"),
			    ", ");
		putf(p, " in %zu %s</p>\n", nfiles,
		    plural(nfiles, "file", "files"));
	} else {
		put(p,
		    "<h1>Link audit</h1>\n<p class=\"verdict\" "
		    "id=\"verdict\">");
		count(p, "broken", ls->broken, "broken", "");
		count(p, "blocked", ls->blocked, "blocked", ", ");
		count(p, "redirected", ls->redirected, "redirected", ", ");
		count(p, "fine", ls->fine, "fine", ", ");
		count(p, "skipped", ls->skipped, "skipped", ", ");
		if (ls->unchecked > 0)
			count(p, "unchecked", ls->unchecked,
			    ls->source == SY_LINKSET_HISTORY ? "never checked"
			                                     : "not checked",
			    ", ");
		if (ls->source != SY_LINKSET_OFFLINE && ls->duration_ms >= 0) {
			put(p,
			    "; <span class=\"took\">took <span "
			    "data-n=\"duration\">");
			if (ls->source == SY_LINKSET_HISTORY)
				duration_s(p, ls->duration_ms / 1000);
			else
				duration(p, ls->duration_ms);
			put(p, "</span></span>");
		}
		put(p, "</p>\n");
	}
	put(p, "<p class=\"meta\">");
	if (ls != NULL) {
		switch (ls->source) {
		case SY_LINKSET_OFFLINE:
			put(p,
			    "Offline: links found and checked for form "
			    "only, none fetched");
			break;
		case SY_LINKSET_HISTORY:
			put(p, "From the history, no new run");
			if (ls->started > 0) {
				put(p, "; its last run ");
				when(p, ls->started, true);
			}
			break;
		default:
			put(p, "Run of ");
			when(p, ls->started > 0 ? ls->started : p->now, true);
			break;
		}
		putf(p, " &middot; %zu %s in %zu %s", ls->n,
		    plural(ls->n, "link or address", "links and addresses"),
		    ls->occurrences,
		    plural(ls->occurrences, "place", "places"));
	} else {
		put(p, "Checked ");
		when(p, p->now, true);
	}
	inputs(p);
	put(p, "</p>\n<nav><a href=\"#problems\">Problems</a>");
	if (ls != NULL)
		put(p,
		    "<a href=\"#timeline\">Timeline</a>"
		    "<a href=\"#hosts\">Hosts</a>");
	else
		put(p,
		    "<a href=\"#rules\">By rule</a>"
		    "<a href=\"#files\">By file</a>");
	put(p, "</nav>\n</header>\n");
}

/* ---------------------------------------------------------------- */
/* The problems, by file and line. */

static void
filters(struct page *p)
{
	put(p, "<div id=\"filters\" class=\"filters\" hidden>");
	if (p->ls != NULL)
		put(p,
		    "<label>Verdict <select data-k=\"v\"><option "
		    "value=\"\">all</option></select></label>"
		    "<label>Host <select data-k=\"h\"><option "
		    "value=\"\">all</option></select></label>");
	else
		put(p,
		    "<label>Severity <select data-k=\"v\"><option "
		    "value=\"\">all</option></select></label>");
	put(p,
	    "<label>Rule <select data-k=\"r\"><option "
	    "value=\"\">all</option></select></label>"
	    "<label>File <select data-k=\"f\"><option "
	    "value=\"\">all</option></select></label>"
	    "<output id=\"shown\"></output></div>\n");
}

/* The message without the "URL: " the audit puts in front. */
static const char *
message_of(const struct sy_diag *dg, const struct sy_linkres *lr)
{
	const char *m = dg->message;
	const char *k = lr != NULL ? lr->key : dg->url;
	size_t n;

	if (k == NULL)
		return m;
	n = strlen(k);
	if (strncmp(m, k, n) == 0 && m[n] == ':' && m[n + 1] == ' ')
		return m + n + 2;
	return m;
}

/* The message; the HTTP status it starts with ("404 Not Found") bold. */
static void
message(struct page *p, const struct sy_diag *dg, const struct sy_linkres *lr)
{
	const char *m = message_of(dg, lr);
	char code[16];
	size_t n;

	n = (size_t)snprintf(code, sizeof(code), "%d", dg->status);
	if (dg->status != 0 && strncmp(m, code, n) == 0 &&
	    (m[n] == ' ' || m[n] == '\0')) {
		putf(p, "<span class=\"code\">%s</span>", code);
		m += n;
	}
	text(p, m);
}

static void
where(struct page *p, const struct sy_diag *dg)
{
	putf(p,
	    "<td class=\"where\" data-k=\"%zu.%06zu\"><span "
	    "class=\"pos\">%zu:%zu</span>",
	    dg->line, dg->column, dg->line, dg->column);
	if (dg->title != NULL || dg->entry != NULL || dg->field != NULL) {
		put(p, "<span class=\"entry\">");
		if (dg->title != NULL) {
			put(p, "<bdi>");
			text(p, dg->title);
			put(p, "</bdi> ");
		}
		if (dg->entry != NULL) {
			put(p, "<code>");
			text(p, dg->entry);
			put(p, "</code> ");
		}
		if (dg->field != NULL) {
			put(p, "&middot; ");
			text(p, dg->field);
		}
		put(p, "</span>");
	}
	put(p, "</td>");
}

static void
row(struct page *p, const struct sy_diag *dg)
{
	const struct sy_linkres *lr = sy_linkset_of(p->ls, dg);
	const char *v = verdict_of(p, dg);
	const char *sev = sy_severity_name(dg->severity);
	char *host = NULL;
	size_t i;

	if (lr == NULL && dg->url != NULL)
		host = sy_url_host(dg->url);
	putf(p, "<tr class=\"%s\" data-v=\"%s\"", sev, v);
	attr(p, "data-h", lr != NULL ? lr->host : host);
	putf(p, " data-r=\"%s\">", sy_rule_name(dg->rule));
	free(host);
	where(p, dg);
	putf(p, "<td class=\"v\"><span class=\"tag %s\">%s</span>", v, v);
	if (p->ls != NULL && dg->severity == SY_NOTE)
		put(p, " <small>note</small>");
	put(p, "</td>");
	if (p->ls != NULL) {
		put(p, "<td class=\"link\">");
		if (dg->url != NULL)
			url(p, dg->url);
		if (lr != NULL && !lr->mail &&
		    strcmp(lr->key, dg->url != NULL ? dg->url : "") != 0) {
			put(p, "<br><small>checked as</small> ");
			url(p, lr->key);
		}
		if (lr != NULL && lr->nchain > 0) {
			put(p, "<ol class=\"chain\">");
			for (i = 0; i < lr->nchain; i++) {
				put(p, "<li>");
				url(p, lr->chain[i]);
				put(p, "</li>");
			}
			put(p, "</ol>");
		}
		put(p, "</td>");
	}
	putf(p, "<td class=\"msg\" data-k=\"%d\">", dg->status);
	message(p, dg, lr);
	if (p->ls == NULL && dg->url != NULL) {
		put(p, "<br>");
		url(p, dg->url);
	}
	putf(p, "</td><td class=\"rule\"><code>%s</code></td>",
	    sy_rule_name(dg->rule));
	if (p->ls != NULL) {
		if (lr != NULL && lr->failures > 0 && lr->first_failure > 0) {
			putf(p, "<td class=\"since\" data-k=\"%lld\">since ",
			    (long long)lr->first_failure);
			when(p, lr->first_failure, false);
			putf(p, " <small>(%ld %s)</small></td>", lr->failures,
			    lr->failures == 1 ? "run" : "runs");
		} else {
			put(p, "<td class=\"since\"></td>");
		}
	}
	put(p, "</tr>\n");
}

static void
problems(struct page *p)
{
	const struct sy_diags *d = p->d;
	size_t i, j, n = 0;

	for (i = 0; i < d->n; i++)
		n += shown(p, &d->v[i]) ? 1 : 0;
	putf(p,
	    "<main>\n<section id=\"problems\">\n<h2>Problems <small>"
	    "(<span data-n=\"problems\">%zu</span>: %zu %s, %zu %s",
	    n, d->count[SY_ERROR],
	    plural(d->count[SY_ERROR], "error", "errors"), d->count[SY_WARNING],
	    plural(d->count[SY_WARNING], "warning", "warnings"));
	if (!p->o->quiet)
		putf(p, ", %zu %s", d->count[SY_NOTE],
		    plural(d->count[SY_NOTE], "note", "notes"));
	put(p, ")</small></h2>\n");
	if (n == 0) {
		put(p,
		    p->ls != NULL && p->ls->source == SY_LINKSET_OFFLINE
		        ? "<p class=\"none\">No problems found offline. Run "
		          "without --offline to check the links.</p>\n"
		        : "<p class=\"none\">No problems found.</p>\n");
		put(p, "</section>\n");
		return;
	}
	filters(p);
	put(p,
	    "<div class=\"wide\"><table id=\"rows\">\n<thead><tr>"
	    "<th>Where</th>");
	if (p->ls != NULL)
		put(p,
		    "<th>Verdict</th><th>Link</th><th>Status or "
		    "error</th><th>Rule</th><th>Broken since</th>");
	else
		put(p, "<th>Severity</th><th>Message</th><th>Rule</th>");
	put(p, "</tr></thead>\n");
	for (i = 0; i < d->n; i = j) {
		size_t k = 0;

		for (j = i; j < d->n && strcmp(d->v[j].path, d->v[i].path) == 0;
		     j++)
			k += shown(p, &d->v[j]) ? 1 : 0;
		if (k == 0)
			continue;
		put(p, "<tbody");
		attr(p, "data-f", d->v[i].path);
		putf(p,
		    "><tr class=\"file\"><th colspan=\"%d\" "
		    "scope=\"rowgroup\"><bdi>",
		    p->ls != NULL ? 6 : 4);
		text(p, d->v[i].path);
		putf(p, "</bdi><span class=\"count\">%zu %s</span></th></tr>\n",
		    k, plural(k, "problem", "problems"));
		for (k = i; k < j; k++)
			if (shown(p, &d->v[k]))
				row(p, &d->v[k]);
		put(p, "</tbody>\n");
	}
	put(p, "</table></div>\n</section>\n");
}

/* ---------------------------------------------------------------- */
/* The timeline of the run log. */

static long
run_total(const struct sy_hist_run *r)
{
	return r->broken + r->blocked + r->fine + r->skipped;
}

static void
bar_rect(
    struct page *p, const char *cls, double x, double w, double *y, double h)
{
	if (h <= 0)
		return;
	*y -= h;
	putf(p,
	    "<rect class=\"%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
	    "height=\"%.1f\"/>",
	    cls, x, *y, w, h);
}

/* "2025-02-01 03:17" (UTC) as plain text: SVG text holds no <time>. */
static void
plain_date(struct page *p, int64_t t)
{
	int64_t y;
	unsigned mo, d, h, mi;

	civil(t, &y, &mo, &d, &h, &mi);
	putf(p, "%04lld-%02u-%02u %02u:%02u", (long long)y, mo, d, h, mi);
}

static void
svg_date(struct page *p, double x, const char *anchor, int64_t t)
{
	putf(p, "<text x=\"%.1f\" y=\"164\" text-anchor=\"%s\">", x, anchor);
	plain_date(p, t);
	put(p, "</text>");
}

/*
 * Stacked bars, one per run, oldest left: broken at the bottom, then
 * blocked, fine, skipped.  Twelve slots at least, the newest run at the
 * right end, so that a short log does not draw fat bars.
 */
static void
timeline_svg(struct page *p)
{
	const struct sy_linkset *ls = p->ls;
	const double left = 40, right = 632, top = 12, base = 142;
	double slot, w, x, y, scale, first;
	long max = 1;
	size_t i, n = ls->nruns;

	for (i = 0; i < n; i++)
		if (run_total(&ls->runs[i]) > max)
			max = run_total(&ls->runs[i]);
	slot = (right - left) / (double)(n < 12 ? 12 : n);
	w = slot * 0.72;
	first = right - slot * (double)n;
	scale = (base - top) / (double)max;
	putf(p,
	    "<svg class=\"timeline\" viewBox=\"0 0 640 172\" role=\"img\" "
	    "aria-label=\"Verdicts of the last %zu %s: broken, blocked, fine "
	    "and skipped links\">",
	    n, plural(n, "run", "runs"));
	putf(p,
	    "<line class=\"axis\" x1=\"%.0f\" y1=\"%.1f\" x2=\"%.0f\" "
	    "y2=\"%.1f\"/><line class=\"axis\" x1=\"%.0f\" y1=\"%.0f\" "
	    "x2=\"%.0f\" y2=\"%.1f\"/>",
	    left - 4, base + 0.5, right, base + 0.5, left - 4, top, left - 4,
	    base + 0.5);
	putf(p,
	    "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"end\">%ld</text>"
	    "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"end\">0</text>",
	    left - 8, top + 8, max, left - 8, base);
	for (i = 0; i < n; i++) {
		const struct sy_hist_run *r = &ls->runs[i];

		x = first + slot * (double)i + (slot - w) / 2;
		y = base;
		put(p, "<g><title>");
		plain_date(p, r->started);
		putf(p,
		    " UTC: %ld broken, %ld blocked, %ld fine (%ld "
		    "redirected), %ld skipped</title>",
		    r->broken, r->blocked, r->fine, r->redirected, r->skipped);
		bar_rect(p, "broken", x, w, &y, (double)r->broken * scale);
		bar_rect(p, "blocked", x, w, &y, (double)r->blocked * scale);
		bar_rect(p, "fine", x, w, &y, (double)r->fine * scale);
		bar_rect(p, "skipped", x, w, &y, (double)r->skipped * scale);
		put(p, "</g>");
	}
	/* The newest run's date, and the oldest's where both fit. */
	if (n > 0)
		svg_date(p, right, "end", ls->runs[n - 1].started);
	if (n > 1 && right - first >= 240)
		svg_date(
		    p, first + (slot - w) / 2, "start", ls->runs[0].started);
	put(p,
	    "</svg>\n<p class=\"legend\"><span><b "
	    "class=\"broken\">&#9632;</b> broken</span> <span><b "
	    "class=\"blocked\">&#9632;</b> blocked</span> <span><b "
	    "class=\"fine\">&#9632;</b> fine</span> <span><b "
	    "class=\"skipped\">&#9632;</b> skipped (fine "
	    "recently)</span></p>\n");
}

static void
timeline(struct page *p)
{
	const struct sy_linkset *ls = p->ls;
	size_t i;

	put(p,
	    "<section id=\"timeline\">\n<h2>Timeline <small>(the run "
	    "log)</small></h2>\n");
	if (ls->nruns == 0) {
		put(p,
		    ls->source == SY_LINKSET_OFFLINE
		        ? "<p class=\"muted\">An offline run reads no "
		          "history.</p>\n"
		        : "<p class=\"muted\">No run in the history yet (or "
		          "--no-db).</p>\n");
		put(p, "</section>\n");
		return;
	}
	timeline_svg(p);
	put(p,
	    "<div class=\"wide\"><table class=\"runs\"><thead><tr><th>Run "
	    "(newest first)</th><th class=\"num\">Took</th><th "
	    "class=\"num\">Broken</th><th class=\"num\">Blocked</th><th "
	    "class=\"num\">Redirected</th><th class=\"num\">Fine</th><th "
	    "class=\"num\">Skipped</th></tr></thead>\n<tbody>\n");
	for (i = ls->nruns; i-- > 0;) {
		const struct sy_hist_run *r = &ls->runs[i];

		put(p, "<tr><td>");
		when(p, r->started, true);
		put(p, "</td><td class=\"num\">");
		duration_s(p, r->finished - r->started);
		putf(p,
		    "</td><td class=\"num\">%ld</td><td class=\"num\">%ld</td>"
		    "<td class=\"num\">%ld</td><td class=\"num\">%ld</td><td "
		    "class=\"num\">%ld</td></tr>\n",
		    r->broken, r->blocked, r->redirected, r->fine, r->skipped);
	}
	put(p, "</tbody></table></div>\n</section>\n");
}

/* ---------------------------------------------------------------- */
/* Hosts. */

struct hostrow {
	const char *host; /* borrowed from the link set */
	bool mail;
	size_t links, broken, blocked, fine, timed;
	long median, worst;
	bool rate_limited;
};

static int
cmp_by_host(const void *a, const void *b)
{
	const struct sy_linkres *x = *(const struct sy_linkres *const *)a;
	const struct sy_linkres *y = *(const struct sy_linkres *const *)b;
	int c = strcmp(x->host, y->host);

	return c != 0 ? c : (int)x->mail - (int)y->mail;
}

static int
cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return x < y ? -1 : x > y;
}

/* Most broken first, then most blocked, most links, name. */
static int
cmp_hostrow(const void *a, const void *b)
{
	const struct hostrow *x = a, *y = b;

	if (x->broken != y->broken)
		return x->broken > y->broken ? -1 : 1;
	if (x->blocked != y->blocked)
		return x->blocked > y->blocked ? -1 : 1;
	if (x->links != y->links)
		return x->links > y->links ? -1 : 1;
	return strcmp(x->host, y->host);
}

/* The rows of the host table, in *rows (free()); SY_ENOMEM. */
static enum sy_err
host_rows(const struct sy_linkset *ls, struct hostrow **rows, size_t *nrows)
{
	const struct sy_linkres **by = NULL;
	struct hostrow *hr = NULL;
	long *ms = NULL;
	size_t i, j, k, n = 0;

	*rows = NULL;
	*nrows = 0;
	if (ls->n == 0)
		return SY_OK;
	by = calloc(ls->n, sizeof(*by));
	hr = calloc(ls->n, sizeof(*hr));
	ms = calloc(ls->n, sizeof(*ms));
	if (by == NULL || hr == NULL || ms == NULL) {
		free(by);
		free(hr);
		free(ms);
		return SY_ENOMEM;
	}
	for (i = 0; i < ls->n; i++)
		by[i] = &ls->v[i];
	qsort(by, ls->n, sizeof(*by), cmp_by_host);
	for (i = 0; i < ls->n; i = j) {
		struct hostrow *h = &hr[n++];
		size_t t = 0;

		h->host = by[i]->host;
		h->mail = by[i]->mail;
		for (j = i; j < ls->n && cmp_by_host(&by[i], &by[j]) == 0;
		     j++) {
			const struct sy_linkres *r = by[j];

			h->links++;
			if (r->state != SY_LINK_UNKNOWN) {
				enum sy_hist_outcome o =
				    sy_history_outcome_of(r->rule);

				h->broken += o == SY_HIST_FAIL;
				h->blocked += o == SY_HIST_UNKNOWN;
				h->fine += o == SY_HIST_OK;
			}
			h->rate_limited = h->rate_limited || r->rate_limited;
			if (r->response_ms >= 0)
				ms[t++] = r->response_ms;
		}
		h->timed = t;
		h->median = h->worst = -1;
		if (t > 0) {
			qsort(ms, t, sizeof(*ms), cmp_long);
			k = t / 2;
			h->median =
			    t % 2 == 1 ? ms[k] : (ms[k - 1] + ms[k]) / 2;
			h->worst = ms[t - 1];
		}
	}
	qsort(hr, n, sizeof(*hr), cmp_hostrow);
	free(by);
	free(ms);
	*rows = hr;
	*nrows = n;
	return SY_OK;
}

/* A bar of n parts out of total, in the classes given. */
static void
parts_bar(struct page *p, size_t total, const char *const *cls,
    const size_t *parts, size_t nparts)
{
	double x = 0;
	size_t i;

	put(p,
	    "<svg class=\"bar\" viewBox=\"0 0 100 8\" "
	    "preserveAspectRatio=\"none\" aria-hidden=\"true\">"
	    "<rect class=\"track\" width=\"100\" height=\"8\"/>");
	for (i = 0; i < nparts && total > 0; i++) {
		double w = 100.0 * (double)parts[i] / (double)total;

		if (parts[i] == 0)
			continue;
		putf(p,
		    "<rect class=\"%s\" x=\"%.1f\" width=\"%.1f\" "
		    "height=\"8\"/>",
		    cls[i], x, w);
		x += w;
	}
	put(p, "</svg>");
}

static void
ms_cell(struct page *p, long ms)
{
	if (ms < 0) {
		put(p, "<td class=\"num\" data-k=\"-1\">&mdash;</td>");
		return;
	}
	putf(p, "<td class=\"num\" data-k=\"%ld\">", ms);
	duration(p, ms);
	put(p, "</td>");
}

static void
hosts(struct page *p)
{
	static const char *const cls[] = {"broken", "blocked", "fine"};
	struct hostrow *hr;
	size_t i, n;

	put(p, "<section id=\"hosts\">\n<h2>Hosts</h2>\n");
	if (host_rows(p->ls, &hr, &n) != SY_OK) {
		p->err = SY_ENOMEM;
		return;
	}
	if (n == 0) {
		put(p, "<p class=\"muted\">No link found.</p>\n</section>\n");
		return;
	}
	put(p,
	    "<div class=\"wide\"><table id=\"hosts-table\"><thead><tr>"
	    "<th>Host</th><th class=\"num\">Links</th><th "
	    "class=\"num\">Broken</th><th class=\"num\">Blocked</th><th></th>"
	    "<th class=\"num\">Median time</th><th class=\"num\">Worst "
	    "time</th><th>Rate-limited us</th></tr></thead>\n<tbody>\n");
	for (i = 0; i < n; i++) {
		const struct hostrow *h = &hr[i];
		size_t parts[3];

		parts[0] = h->broken;
		parts[1] = h->blocked;
		parts[2] = h->fine; /* the rest of the bar: not checked */
		put(p, "<tr");
		attr(p, "data-host", h->host);
		put(p, "><td><bdi class=\"mono\">");
		text(p, h->host);
		put(p, "</bdi>");
		if (h->mail)
			put(p, " <small>(mail)</small>");
		putf(p,
		    "</td><td class=\"num\">%zu</td><td class=\"num\">%zu</td>"
		    "<td class=\"num\">%zu</td><td>",
		    h->links, h->broken, h->blocked);
		parts_bar(p, h->links, cls, parts, 3);
		put(p, "</td>");
		ms_cell(p, h->median);
		ms_cell(p, h->worst);
		put(p,
		    h->rate_limited ? "<td class=\"yes\">yes</td>"
		                    : "<td>no</td>");
		put(p, "</tr>\n");
	}
	put(p,
	    "</tbody></table></div>\n<p class=\"legend\"><span><b "
	    "class=\"broken\">&#9632;</b> broken</span> <span><b "
	    "class=\"blocked\">&#9632;</b> blocked</span> <span><b "
	    "class=\"fine\">&#9632;</b> fine</span> <span><b "
	    "class=\"track\">&#9632;</b> not checked</span>");
	if (p->ls->source != SY_LINKSET_RUN)
		put(p,
		    " &middot; times are measured by a run that fetches: "
		    "none here");
	put(p, "</p>\n");
	put(p, "</section>\n");
	free(hr);
}

/* ---------------------------------------------------------------- */
/* A lint page's counts: by rule and by file. */

static void
sev_cells(struct page *p, const size_t c[3], size_t max)
{
	static const char *const cls[] = {"error", "warning", "note"};
	size_t parts[3];

	parts[0] = c[SY_ERROR];
	parts[1] = c[SY_WARNING];
	parts[2] = c[SY_NOTE];
	putf(p,
	    "<td class=\"num\">%zu</td><td class=\"num\">%zu</td><td "
	    "class=\"num\">%zu</td><td>",
	    c[SY_ERROR], c[SY_WARNING], c[SY_NOTE]);
	/* Scaled to the largest row: the bars compare rows. */
	if (max > 0)
		parts_bar(p, max, cls, parts, 3);
	put(p, "</td>");
}

static const char sev_head[] =
    "<th class=\"num\">Errors</th><th class=\"num\">Warnings</th>"
    "<th class=\"num\">Notes</th><th></th>";

static void
by_rule(struct page *p)
{
	size_t c[SY_R_COUNT][3], order[SY_R_COUNT];
	size_t i, j, n = 0, max = 0;

	memset(c, 0, sizeof(c));
	for (i = 0; i < p->d->n; i++)
		if (shown(p, &p->d->v[i]))
			c[p->d->v[i].rule][p->d->v[i].severity]++;
	for (i = 0; i < SY_R_COUNT; i++) {
		size_t t = c[i][0] + c[i][1] + c[i][2];

		if (t == 0)
			continue;
		if (t > max)
			max = t;
		/* Insertion by total, then rule order: a few dozen. */
		for (j = n; j > 0; j--) {
			size_t *q = c[order[j - 1]];

			if (q[0] + q[1] + q[2] >= t)
				break;
			order[j] = order[j - 1];
		}
		order[j] = i;
		n++;
	}
	put(p, "<section id=\"rules\">\n<h2>By rule</h2>\n");
	if (n == 0) {
		put(p,
		    "<p class=\"muted\">No rule was broken.</p>\n"
		    "</section>\n");
		return;
	}
	putf(p,
	    "<div class=\"wide\"><table id=\"rules-table\"><thead><tr><th>"
	    "Rule</th><th>What it means</th>%s</tr></thead>\n<tbody>\n",
	    sev_head);
	for (i = 0; i < n; i++) {
		enum sy_rule r = (enum sy_rule)order[i];

		putf(p, "<tr data-rule=\"%s\"><td><code>%s</code></td><td>",
		    sy_rule_name(r), sy_rule_name(r));
		text(p, sy_rule_help(r));
		put(p, "</td>");
		sev_cells(p, c[r], max);
		put(p, "</tr>\n");
	}
	put(p, "</tbody></table></div>\n</section>\n");
}

struct filerow {
	const char *path; /* borrowed */
	size_t c[3];
};

static int
cmp_filerow(const void *a, const void *b)
{
	return strcmp(((const struct filerow *)a)->path,
	    ((const struct filerow *)b)->path);
}

static void
by_file(struct page *p)
{
	const struct sy_diags *d = p->d;
	struct filerow *fr;
	size_t i, j, n = 0, max = 0, cap = d->n + p->o->ninputs;

	put(p, "<section id=\"files\">\n<h2>By file</h2>\n");
	if (cap == 0) {
		put(p, "<p class=\"muted\">No file.</p>\n</section>\n");
		return;
	}
	fr = calloc(cap, sizeof(*fr));
	if (fr == NULL) {
		p->err = SY_ENOMEM;
		return;
	}
	for (i = 0; i < p->o->ninputs; i++)
		fr[n++].path = p->o->inputs[i];
	for (i = 0; i < d->n; i++)
		fr[n++].path = d->v[i].path;
	qsort(fr, n, sizeof(*fr), cmp_filerow);
	for (i = j = 0; i < n; i++)
		if (j == 0 || strcmp(fr[j - 1].path, fr[i].path) != 0)
			fr[j++] = fr[i];
	n = j;
	/* The diagnostics are sorted by path: one walk counts them all. */
	for (i = j = 0; i < d->n; i++) {
		if (!shown(p, &d->v[i]))
			continue;
		while (strcmp(fr[j].path, d->v[i].path) != 0)
			j++;
		fr[j].c[d->v[i].severity]++;
	}
	for (i = 0; i < n; i++)
		if (fr[i].c[0] + fr[i].c[1] + fr[i].c[2] > max)
			max = fr[i].c[0] + fr[i].c[1] + fr[i].c[2];
	putf(p,
	    "<div class=\"wide\"><table id=\"files-table\"><thead><tr><th>"
	    "File</th>%s</tr></thead>\n<tbody>\n",
	    sev_head);
	for (i = 0; i < n; i++) {
		put(p, "<tr");
		attr(p, "data-file", fr[i].path);
		put(p, "><td><bdi class=\"mono\">");
		text(p, fr[i].path);
		put(p, "</bdi></td>");
		sev_cells(p, fr[i].c, max);
		put(p, "</tr>\n");
	}
	put(p, "</tbody></table></div>\n</section>\n");
	free(fr);
}

/* ---------------------------------------------------------------- */

static void
foot(struct page *p)
{
	put(p, "</main>\n<footer><p>Made by ");
	text(p, p->o->tool);
	if (p->o->version != NULL && p->o->version[0] != '\0') {
		put(p, " ");
		text(p, p->o->version);
	}
	put(p, " on ");
	when(p, p->now, true);
	put(p,
	    ". This page is one file that loads nothing: print it, mail "
	    "it, publish it as it is.<span class=\"js\"> Filters and "
	    "sorting need scripts; without them every row is "
	    "shown.</span></p></footer>\n<script>");
	fwrite(sy_report_js, 1, sy_report_js_len, p->out);
	put(p, "</script>\n</body>\n</html>\n");
}

enum sy_err
sy_report_html(
    const struct sy_diags *d, const struct sy_emit_opts *o, FILE *out)
{
	struct page p;

	memset(&p, 0, sizeof(p));
	p.out = out;
	p.d = d;
	p.o = o;
	p.ls = o->links;
	p.now = o->now > 0 ? o->now : (int64_t)time(NULL);
	sy_buf_init(&p.b, 0);
	head(&p);
	verdict_line(&p);
	problems(&p);
	if (p.ls != NULL) {
		timeline(&p);
		hosts(&p);
	} else {
		by_rule(&p);
		by_file(&p);
	}
	foot(&p);
	sy_buf_fini(&p.b);
	if (p.err != SY_OK)
		return p.err;
	if (fflush(out) != 0 || ferror(out))
		return SY_EIO;
	return SY_OK;
}
