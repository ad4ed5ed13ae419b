/*
 * html: links inside article content.  HTML is parsed with libxml2's HTML
 * parser (no network, no errors printed); Markdown is rendered with cmark
 * (raw HTML is not passed through: cmark's safe default).
 */
#ifndef SY_HTML_H
#define SY_HTML_H

#include <stddef.h>

#include "syndic.h"

struct sy_link {
	char *url;        /* as written, entities decoded, trimmed */
	size_t line;      /* 1-based line in the source text */
	const char *tag;  /* static: "a", "img", ... */
	const char *attr; /* static: "href", "src", "poster", "srcset" */
};

struct sy_links {
	struct sy_link *v;
	size_t n;
	size_t cap;
};

void sy_links_init(struct sy_links *l);
void sy_links_fini(struct sy_links *l);

/*
 * Appends every href/src of a, area, img, iframe, video, audio, source,
 * track, embed, link, object (data) and the URLs of img/source srcset,
 * in document order, to out.  Empty URLs are skipped.  The line is the
 * one on which the start tag's last attribute ends.  Inputs over 16 MiB
 * give SY_ELIMIT (all four functions); on failure out is as it was.
 */
enum sy_err sy_html_links(const char *html, size_t len, struct sy_links *out);

/*
 * sy_html_links for text the caller has already found to be valid UTF-8
 * free of the characters XML 1.0 forbids (a checked manifest field): the
 * check is not made twice.  Other text gives undefined results.
 */
enum sy_err sy_html_links_clean(
    const char *html, size_t len, struct sy_links *out);

/*
 * sy_html_links without its fast path: libxml2 reads everything.  For
 * tests that hold the fast path to libxml2's answers.
 */
enum sy_err sy_html_links_libxml(
    const char *html, size_t len, struct sy_links *out);

/*
 * Same for Markdown: the link lines are those of the Markdown source
 * (cmark's source positions).
 */
enum sy_err sy_markdown_links(const char *md, size_t len, struct sy_links *out);

/* Renders Markdown to an HTML fragment; *out is a new string. */
enum sy_err sy_markdown_render(const char *md, size_t len, char **out);

/*
 * Rewrites every relative href/src/poster/data/srcset URL of an HTML
 * fragment to an absolute one resolved against base (RFC 3986; "#x" too),
 * and returns the fragment serialised again (valid UTF-8 without entity
 * escapes, no <html>/<body> wrapper) in *out.  URLs with a scheme and
 * empty ones are left as written.  base must have a scheme (SY_EINVAL);
 * nesting deeper than 1000 elements gives SY_ELIMIT.
 */
enum sy_err sy_html_absolutize(
    const char *html, size_t len, const char *base, char **out);

#endif
