/*
 * report: the audit as a page.  sy_report_html() writes the diagnostics
 * of syndic-lint, or of syndic-links with the run's link set (linkset.h),
 * as one self-contained HTML5 file: UTF-8, inline CSS, inline SVG
 * pictures and one small inline script that the page does not need (it
 * adds filters and sorting; without it every row is there).  A
 * Content-Security-Policy allows that style and that script by their
 * SHA-256 and nothing else: no fetch of any kind, so neither a hostile
 * input nor a mistake here can make the page load or run anything.
 *
 * Everything that comes from outside (paths, titles, URLs, server
 * messages, rule texts) goes through sy_report_escape(), one
 * table-driven escaper; only http(s) URLs become links.
 */
#ifndef SY_REPORT_H
#define SY_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "buf.h"
#include "diag.h"
#include "syndic.h"

/*
 * Writes the page of d (sorted by the caller: sy_diags_emit does) to out.
 * o->links makes it a link audit's page: verdict counts, a timeline of
 * the run log, a table per host; without, a lint page: counts by rule
 * and by file (o->inputs).  o->quiet leaves notes out.  Returns SY_OK,
 * SY_ENOMEM, or SY_EIO when writing failed (errno set).
 */
enum sy_err sy_report_html(
    const struct sy_diags *d, const struct sy_emit_opts *o, FILE *out);

/*
 * Appends s[0..len) to b escaped for HTML text and for attribute values
 * in double or single quotes: & < > " ' become character references;
 * bytes that do not start valid UTF-8, NUL and the other C0 controls but
 * TAB and LF, DEL, the C1 controls and the noncharacters (all parse
 * errors in HTML) become U+FFFD; CR becomes LF.  SY_ENOMEM or SY_ELIMIT
 * from b.
 */
enum sy_err sy_report_escape(struct sy_buf *b, const char *s, size_t len);

/*
 * True when url may be written as a link: it starts with http:// or
 * https:// (any case) and holds no ASCII control character or space, so
 * that no browser can read another scheme into it.
 */
bool sy_report_is_href(const char *url);

/* The page's style and script, embedded by tests/embed.sh at build time. */
extern const unsigned char sy_report_css[];
extern const size_t sy_report_css_len;
extern const char sy_report_css_sha256[];
extern const unsigned char sy_report_js[];
extern const size_t sy_report_js_len;
extern const char sy_report_js_sha256[];

#endif
