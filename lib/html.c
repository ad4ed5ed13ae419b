/*
 * html.c: links inside article content, Markdown rendering, and the
 * rewriting of relative URLs in HTML fragments.
 *
 * Line numbers.  libxml2 2.9 stores element lines in an unsigned short
 * (clamped at 65535; XML_PARSE_BIG_LINES is not honoured by the HTML
 * parser and only helps text nodes anyway), so xmlGetLineNo() is wrong
 * for long documents.  The HTML links are therefore collected by a SAX
 * start-element handler that takes xmlByteConsumed() (the byte offset of
 * the parser, which stands on the '>' of the start tag) and counts the
 * newlines before it: the line is the one on which the start tag ends.
 *
 * Encoding.  The input is made valid UTF-8 first (invalid bytes, NUL and
 * the other characters XML 1.0 forbids become U+FFFD; a leading BOM is
 * dropped) and parsed with HTML_PARSE_IGNORE_ENC, so that neither a
 * <meta charset> nor an encoding error can make libxml2 switch to
 * another encoding, and no converter sits between the bytes and the
 * parser (which keeps the byte offsets exact).
 *
 * Serialisation.  libxml2's HTML dumper percent-encodes href and src
 * (a CJK path comes out as %E6%96%87...) and the parser wraps top-level
 * text in <p>; we parse the fragment behind "<html><body>" and write the
 * children of <body> back ourselves.
 *
 * Resolution.  curl 7.88's CURLU resolves "#frag" and "" against the
 * directory of the base instead of the base itself and lower-cases the
 * percent-encoding of non-ASCII paths, so RFC 3986 section 5.2 is
 * implemented here, on the string as written (an IRI stays an IRI).
 */
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <libxml/HTMLparser.h>
#include <libxml/SAX2.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>

#include "html.h"

#include "buf.h"
#include "dl.h"
#include "util.h"
#include "xmltext.h"

#define HTML_MAX (16u << 20) /* input cap, bytes */
/*
 * HTML_PARSE_RECOVER: script and style end at their own end tag only (as
 * in HTML5), not at the first "</" followed by a letter.
 */
#define HTML_OPTS                                                              \
	(HTML_PARSE_RECOVER | HTML_PARSE_NONET | HTML_PARSE_NOERROR |          \
	    HTML_PARSE_NOWARNING | HTML_PARSE_NODEFDTD |                       \
	    HTML_PARSE_IGNORE_ENC)
#define WRAP "<html><body>"
/*
 * Element nesting cap of the tree built by sy_html_absolutize.  The tree
 * is parsed with XML_PARSE_HUGE so that a long text node (over libxml2's
 * 10 MB XML_MAX_TEXT_LENGTH) is not cut, which also lifts libxml2's own
 * depth cap of 256: this replaces it, as an error instead of a silent
 * truncation.
 */
#define HTML_DEPTH 1000

enum { A_URL, A_SRCSET };

struct linkattr {
	const char *tag;
	const char *attr;
	int kind;
};

static const struct linkattr linkattrs[] = {
    {"a", "href", A_URL},
    {"area", "href", A_URL},
    {"link", "href", A_URL},
    {"img", "src", A_URL},
    {"img", "srcset", A_SRCSET},
    {"source", "src", A_URL},
    {"source", "srcset", A_SRCSET},
    {"iframe", "src", A_URL},
    {"embed", "src", A_URL},
    {"video", "src", A_URL},
    {"video", "poster", A_URL},
    {"audio", "src", A_URL},
    {"track", "src", A_URL},
    {"script", "src", A_URL},
    {"object", "data", A_URL},
};

static const struct linkattr *
find_linkattr(const char *tag, const char *attr)
{
	size_t i;

	for (i = 0; i < SY_NELEM(linkattrs); i++)
		if (SY_TOLOWER((unsigned char)tag[0]) == linkattrs[i].tag[0] &&
		    sy_strcasecmp(tag, linkattrs[i].tag) == 0 &&
		    sy_strcasecmp(attr, linkattrs[i].attr) == 0)
			return &linkattrs[i];
	return NULL;
}

void
sy_links_init(struct sy_links *l)
{
	l->v = NULL;
	l->n = 0;
	l->cap = 0;
}

void
sy_links_fini(struct sy_links *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++)
		free(l->v[i].url);
	free(l->v);
	sy_links_init(l);
}

/*
 * Appends a copy of url[0..len), trimmed of ASCII white space; an empty
 * URL (a link to the page itself) is skipped.
 */
static enum sy_err
links_add(struct sy_links *l, const char *url, size_t len, size_t line,
    const char *tag, const char *attr)
{
	struct sy_link *v;
	size_t cap;
	char *s;

	while (len > 0 && SY_ISSPACE((unsigned char)*url)) {
		url++;
		len--;
	}
	while (len > 0 && SY_ISSPACE((unsigned char)url[len - 1]))
		len--;
	if (len == 0)
		return SY_OK;
	if (l->n == l->cap) {
		cap = l->cap == 0 ? 16 : l->cap * 2;
		v = sy_reallocarray(l->v, cap, sizeof(*v));
		if (v == NULL)
			return SY_ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	s = sy_strndup(url, len);
	if (s == NULL)
		return SY_ENOMEM;
	l->v[l->n].url = s;
	l->v[l->n].line = line;
	l->v[l->n].tag = tag;
	l->v[l->n].attr = attr;
	l->n++;
	return SY_OK;
}

/*
 * The next image candidate of a srcset attribute (HTML, "parse a srcset
 * attribute"): the URL is s[*start..*start + *len).  Returns false at the
 * end.  *pos moves past the candidate and its descriptors.
 */
static bool
srcset_next(const char *s, size_t *pos, size_t *start, size_t *len)
{
	size_t p = *pos, b;
	int paren = 0;

	while (s[p] != '\0' && (SY_ISSPACE((unsigned char)s[p]) || s[p] == ','))
		p++;
	if (s[p] == '\0') {
		*pos = p;
		return false;
	}
	b = p;
	while (s[p] != '\0' && !SY_ISSPACE((unsigned char)s[p]))
		p++;
	*start = b;
	*len = p - b;
	if (*len > 0 && s[b + *len - 1] == ',') {
		/* "a.jpg,b.jpg": trailing commas end the candidate. */
		while (*len > 0 && s[b + *len - 1] == ',')
			(*len)--;
		*pos = p;
		return true;
	}
	/* Descriptors: up to a comma outside parentheses. */
	for (; s[p] != '\0'; p++) {
		if (s[p] == '(')
			paren = 1;
		else if (s[p] == ')')
			paren = 0;
		else if (s[p] == ',' && !paren) {
			p++;
			break;
		}
	}
	*pos = p;
	return true;
}

/*
 * Copies in[0..len) to out behind prefix, as valid UTF-8: bytes that are
 * not UTF-8 and characters XML 1.0 forbids (NUL included) become U+FFFD;
 * a leading byte order mark is dropped.  Newlines are kept, so line
 * numbers do not move.
 */
static enum sy_err
sanitize(const char *in, size_t len, const char *prefix, struct sy_buf *out)
{
	static const char repl[] = "\xef\xbf\xbd";
	enum sy_err e;
	size_t ok, bad;
	uint32_t cp;

	if ((e = sy_buf_puts(out, prefix)) != SY_OK)
		return e;
	if (len >= 3 && memcmp(in, "\xef\xbb\xbf", 3) == 0) {
		in += 3;
		len -= 3;
	}
	while (len > 0) {
		ok = sy_utf8_valid_prefix(in, len);
		bad = sy_xml_bad_char(in, ok, &cp);
		if (bad != (size_t)-1) {
			if ((e = sy_buf_append(out, in, bad)) != SY_OK ||
			    (e = sy_buf_append(out, repl, 3)) != SY_OK)
				return e;
			bad += cp < 0x80 ? 1 : 3;
			in += bad;
			len -= bad;
			continue;
		}
		if ((e = sy_buf_append(out, in, ok)) != SY_OK)
			return e;
		in += ok;
		len -= ok;
		if (len > 0) {
			if ((e = sy_buf_append(out, repl, 3)) != SY_OK)
				return e;
			in++;
			len--;
		}
	}
	return SY_OK;
}

/*
 * A parser for the sanitised text.  htmlCreateMemoryParserCtxt leaves
 * the charset undecided, and libxml2 2.9 then takes the first non-ASCII
 * byte as ISO-8859-1: the text is UTF-8, say so.
 */
static htmlParserCtxtPtr
new_parser(const struct sy_buf *text)
{
	htmlParserCtxtPtr p;

	if (text->len == 0 || text->len > INT_MAX)
		return NULL;
	p = sy_xml.htmlCreateMemoryParserCtxt(text->data, (int)text->len);
	if (p == NULL)
		return NULL;
	p->charset = XML_CHAR_ENCODING_UTF8;
	sy_xml.htmlCtxtUseOptions(p, HTML_OPTS);
	return p;
}

/* State of the SAX link collector. */
struct collect {
	struct sy_links *out;
	const char *text; /* the sanitised input */
	size_t textlen;
	size_t pos;     /* newlines of text[0..pos) are counted in line */
	size_t line;    /* 1-based line at pos */
	size_t lineoff; /* added to every line (Markdown blocks) */
	enum sy_err err;
};

static size_t
collect_line(struct collect *c, long off)
{
	size_t o;

	if (off < 0)
		return c->line + c->lineoff;
	o = (size_t)off > c->textlen ? c->textlen : (size_t)off;
	/* From the '>' back to the end of the last attribute. */
	while (o > 0 &&
	    (SY_ISSPACE((unsigned char)c->text[o - 1]) ||
	        c->text[o - 1] == '/'))
		o--;
	if (o < c->pos) {
		c->pos = 0;
		c->line = 1;
	}
	for (; c->pos < o; c->pos++)
		if (c->text[c->pos] == '\n')
			c->line++;
	return c->line + c->lineoff;
}

static enum sy_err
collect_attr(
    struct collect *c, const struct linkattr *la, const char *val, size_t line)
{
	size_t pos = 0, start, len;
	enum sy_err e;

	if (la->kind == A_URL)
		return links_add(
		    c->out, val, strlen(val), line, la->tag, la->attr);
	while (srcset_next(val, &pos, &start, &len))
		if ((e = links_add(c->out, val + start, len, line, la->tag,
		         la->attr)) != SY_OK)
			return e;
	return SY_OK;
}

static void
collect_start(void *ctx, const xmlChar *name, const xmlChar **atts)
{
	xmlParserCtxtPtr p = ctx;
	struct collect *c = p->_private;
	const struct linkattr *la;
	size_t i, line = 0;
	bool have_line = false;

	if (c->err != SY_OK || atts == NULL || name == NULL)
		return;
	for (i = 0; atts[i] != NULL; i += 2) {
		if (atts[i + 1] == NULL)
			continue;
		la = find_linkattr((const char *)name, (const char *)atts[i]);
		if (la == NULL)
			continue;
		if (!have_line) {
			line = collect_line(c, sy_xml.xmlByteConsumed(p));
			have_line = true;
		}
		c->err = collect_attr(c, la, (const char *)atts[i + 1], line);
		if (c->err != SY_OK) {
			sy_xml.xmlStopParser(p);
			return;
		}
	}
}

/* sy_html_links with every line moved down by lineoff. */
static enum sy_err
html_links_at(
    const char *html, size_t len, size_t lineoff, struct sy_links *out)
{
	struct collect c;
	struct sy_buf text;
	htmlParserCtxtPtr p = NULL;
	htmlSAXHandlerPtr sax;
	enum sy_err e;
	size_t n0 = out->n, i;

	if (html == NULL && len > 0)
		return SY_EINVAL;
	if (len > HTML_MAX)
		return SY_ELIMIT;
	sy_buf_init(&text, 0);
	if ((e = sanitize(html, len, "", &text)) != SY_OK)
		goto out;
	if (text.len == 0)
		goto out;
	if ((e = sy_dl_xml()) != SY_OK)
		goto out;
	e = SY_EXML;
	if ((p = new_parser(&text)) == NULL || p->sax == NULL)
		goto out;
	/* Only start tags matter: no tree is built. */
	sax = p->sax;
	memset(sax, 0, sizeof(*sax));
	sax->initialized = 1;
	sax->startElement = collect_start;
	c.out = out;
	c.text = text.data;
	c.textlen = text.len;
	c.pos = 0;
	c.line = 1;
	c.lineoff = lineoff;
	c.err = SY_OK;
	p->_private = &c;
	/* Malformed HTML is not a failure: whatever was parsed counts. */
	(void)sy_xml.htmlParseDocument(p);
	e = c.err;
	if (e == SY_OK && p->errNo == XML_ERR_NO_MEMORY)
		e = SY_ENOMEM;
out:
	if (p != NULL) {
		if (p->myDoc != NULL)
			sy_xml.xmlFreeDoc(p->myDoc);
		sy_xml.htmlFreeParserCtxt(p);
	}
	sy_buf_fini(&text);
	if (e != SY_OK) {
		for (i = n0; i < out->n; i++)
			free(out->v[i].url);
		out->n = n0;
	}
	return e;
}

/*
 * The fast path.  Most article HTML is plain markup: quoted attributes
 * without character references, one tag per line, no comments, scripts
 * or other raw text.  For that subset the links can be read straight off
 * the bytes, in a fraction of the time libxml2 needs to decode every
 * character of the text.  Anything outside it (a comment, a DOCTYPE,
 * "&" or a newline inside a tag, an unquoted value, a raw-text element, a
 * repeated attribute, a "<" that does not open a tag, bytes sanitize()
 * would change) makes the scan give up, and libxml2 reads the whole input
 * instead: the fast path only ever answers when its answer is the one
 * libxml2 gives (tests/unit/html_test.c compares the two).
 */
enum fast { FAST_DONE, FAST_GIVE_UP };

/*
 * True for the elements whose content libxml2 does not read as markup
 * (or reads with rules of its own); name[0..n) is lower case.
 */
static bool
raw_text_element(const char *name, size_t n)
{
	switch (n) {
	case 3:
		return memcmp(name, "xmp", 3) == 0;
	case 5:
		return memcmp(name, "style", 5) == 0 ||
		    memcmp(name, "title", 5) == 0;
	case 6:
		return memcmp(name, "script", 6) == 0 ||
		    memcmp(name, "iframe", 6) == 0 ||
		    memcmp(name, "option", 6) == 0 ||
		    memcmp(name, "select", 6) == 0;
	case 7:
		return memcmp(name, "listing", 7) == 0 ||
		    memcmp(name, "noembed", 7) == 0;
	case 8:
		return memcmp(name, "textarea", 8) == 0 ||
		    memcmp(name, "noscript", 8) == 0 ||
		    memcmp(name, "noframes", 8) == 0;
	case 9:
		return memcmp(name, "plaintext", 9) == 0;
	default:
		return false;
	}
}

/*
 * The entries of linkattrs[] for the lower-case tag name (they are
 * grouped by tag): [*first, *first + return value).  Most tags have none.
 */
static size_t
tag_linkattrs(const char *tag, size_t *first)
{
	size_t i, n = 0;

	*first = 0;
	for (i = 0; i < SY_NELEM(linkattrs); i++) {
		if (linkattrs[i].tag[0] != tag[0] ||
		    strcmp(tag, linkattrs[i].tag) != 0) {
			if (n > 0)
				break;
			continue;
		}
		if (n++ == 0)
			*first = i;
	}
	return n;
}

/*
 * The first byte of s[i, len) that is one of c0..c3, or len: 16 bytes at
 * a time (SSE2).  For the scans of the fast paths, most often over a URL
 * or a run of text.
 */
static inline size_t
first_of(
    const char *s, size_t i, size_t len, char c0, char c1, char c2, char c3)
{
#if defined(__SSE2__)
	const __m128i v0 = _mm_set1_epi8(c0), v1 = _mm_set1_epi8(c1),
	              v2 = _mm_set1_epi8(c2), v3 = _mm_set1_epi8(c3);

	while (len - i >= 16) {
		const __m128i v =
		    _mm_loadu_si128((const __m128i *)(const void *)(s + i));
		const unsigned hit = (unsigned)_mm_movemask_epi8(_mm_or_si128(
		    _mm_or_si128(_mm_cmpeq_epi8(v, v0), _mm_cmpeq_epi8(v, v1)),
		    _mm_or_si128(
		        _mm_cmpeq_epi8(v, v2), _mm_cmpeq_epi8(v, v3))));

		if (hit != 0)
			return i + (size_t)__builtin_ctz(hit);
		i += 16;
	}
#endif
	while (i < len && s[i] != c0 && s[i] != c1 && s[i] != c2 && s[i] != c3)
		i++;
	return i;
}

/* One start tag at s (after '<'); *end receives the offset after '>'. */
static enum fast
fast_tag(const char *s, size_t len, size_t line, size_t lineoff,
    struct sy_links *out, size_t *end, enum sy_err *err)
{
	char tag[16], attr[16], seen[8][16];
	const struct linkattr *la;
	size_t i = 0, n, nseen = 0, k, vb, ve, first, nla;

	while (i < len && SY_ISALNUM((unsigned char)s[i]))
		i++;
	if (i == 0 || i >= sizeof(tag))
		return FAST_GIVE_UP;
	for (k = 0; k < i; k++)
		tag[k] = (char)SY_TOLOWER((unsigned char)s[k]);
	tag[i] = '\0';
	if (raw_text_element(tag, i))
		return FAST_GIVE_UP;
	nla = SIZE_MAX; /* looked up at the first attribute */
	first = 0;
	for (;;) {
		if (i >= len)
			return FAST_GIVE_UP;
		if (s[i] == '\n')
			return FAST_GIVE_UP;
		if (SY_ISSPACE((unsigned char)s[i])) {
			i++;
			continue;
		}
		if (s[i] == '>' ||
		    (s[i] == '/' && i + 1 < len && s[i + 1] == '>')) {
			*end = i + (s[i] == '>' ? 1 : 2);
			return FAST_DONE;
		}
		n = 0;
		while (i + n < len &&
		    (SY_ISALNUM((unsigned char)s[i + n]) || s[i + n] == '-' ||
		        s[i + n] == '_'))
			n++;
		if (n == 0 || n >= sizeof(attr) ||
		    !SY_ISALPHA((unsigned char)s[i]))
			return FAST_GIVE_UP;
		for (k = 0; k < n; k++)
			attr[k] = (char)SY_TOLOWER((unsigned char)s[i + k]);
		attr[n] = '\0';
		for (k = 0; k < nseen; k++)
			if (strcmp(seen[k], attr) == 0)
				return FAST_GIVE_UP; /* libxml2 drops repeats */
		if (nseen == SY_NELEM(seen))
			return FAST_GIVE_UP;
		memcpy(seen[nseen++], attr, n + 1);
		i += n;
		if (i < len && s[i] != '=') {
			if (!SY_ISSPACE((unsigned char)s[i]) && s[i] != '>' &&
			    s[i] != '/')
				return FAST_GIVE_UP;
			continue; /* a boolean attribute */
		}
		if (i + 1 >= len || (s[i + 1] != '"' && s[i + 1] != '\''))
			return FAST_GIVE_UP;
		i++;
		vb = i + 1;
		/* Its quote; '&', a line end or '<' is libxml2's to read. */
		ve = first_of(s, vb, len, s[i], '&', '\n', '<');
		if (ve >= len || s[ve] != s[i])
			return FAST_GIVE_UP;
		i = ve + 1;
		if (i < len && !SY_ISSPACE((unsigned char)s[i]) &&
		    s[i] != '>' && s[i] != '/')
			return FAST_GIVE_UP;
		la = NULL;
		if (nla == SIZE_MAX)
			nla = tag_linkattrs(tag, &first);
		for (k = first; k < first + nla; k++)
			if (strcmp(attr, linkattrs[k].attr) == 0)
				la = &linkattrs[k];
		if (la == NULL)
			continue;
		if (la->kind == A_URL) {
			*err = links_add(out, s + vb, ve - vb, line + lineoff,
			    la->tag, la->attr);
		} else {
			char *v = sy_strndup(s + vb, ve - vb);
			size_t pos = 0, st, ln;

			if (v == NULL) {
				*err = SY_ENOMEM;
				return FAST_DONE;
			}
			while (*err == SY_OK && srcset_next(v, &pos, &st, &ln))
				*err = links_add(out, v + st, ln,
				    line + lineoff, la->tag, la->attr);
			free(v);
		}
		if (*err != SY_OK)
			return FAST_DONE;
	}
}

static enum fast
fast_links(const char *s, size_t len, size_t lineoff, bool clean,
    struct sy_links *out, enum sy_err *err)
{
	size_t i = 0, line = 1, end;
	uint32_t cp;
	const char *nl = memchr(s, '\n', len); /* the first line end */

	*err = SY_OK;
	if (!clean &&
	    (sy_utf8_valid_prefix(s, len) != len ||
	        sy_xml_bad_char(s, len, &cp) != (size_t)-1))
		return FAST_GIVE_UP;
	if (len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		return FAST_GIVE_UP;
	while (i < len) {
		const char *lt = memchr(s + i, '<', len - i);
		const char *p;

		/* Text on one line (a manifest field): no line to count. */
		for (p = s + i; nl != NULL && p < (lt ? lt : s + len); p++) {
			p = memchr(p, '\n', (size_t)((lt ? lt : s + len) - p));
			if (p == NULL)
				break;
			line++;
		}
		if (lt == NULL)
			return FAST_DONE;
		i = (size_t)(lt - s) + 1;
		if (i < len && s[i] == '/') {
			/* An end tag: a name, blanks, '>'. */
			i++;
			if (i >= len || !SY_ISALPHA((unsigned char)s[i]))
				return FAST_GIVE_UP;
			while (i < len && SY_ISALNUM((unsigned char)s[i]))
				i++;
			while (i < len && (s[i] == ' ' || s[i] == '\t'))
				i++;
			if (i >= len || s[i] != '>')
				return FAST_GIVE_UP;
			i++;
			continue;
		}
		if (i >= len || !SY_ISALPHA((unsigned char)s[i]))
			return FAST_GIVE_UP;
		if (fast_tag(s + i, len - i, line, lineoff, out, &end, err) !=
		    FAST_DONE)
			return FAST_GIVE_UP;
		if (*err != SY_OK)
			return FAST_DONE;
		i += end;
	}
	return FAST_DONE;
}

/* The fast path when it applies, else libxml2. */
static enum sy_err
links_at(const char *html, size_t len, size_t lineoff, bool clean,
    struct sy_links *out)
{
	size_t n0 = out->n, i;
	enum sy_err e;

	if (html == NULL || len > HTML_MAX)
		return html_links_at(html, len, lineoff, out);
	if (fast_links(html, len, lineoff, clean, out, &e) == FAST_DONE) {
		if (e != SY_OK) {
			for (i = n0; i < out->n; i++)
				free(out->v[i].url);
			out->n = n0;
		}
		return e;
	}
	for (i = n0; i < out->n; i++)
		free(out->v[i].url);
	out->n = n0;
	return html_links_at(html, len, lineoff, out);
}

enum sy_err
sy_html_links(const char *html, size_t len, struct sy_links *out)
{
	return links_at(html, len, 0, false, out);
}

enum sy_err
sy_html_links_clean(const char *html, size_t len, struct sy_links *out)
{
	return links_at(html, len, 0, true, out);
}

enum sy_err
sy_html_links_libxml(const char *html, size_t len, struct sy_links *out)
{
	return html_links_at(html, len, 0, out);
}

/* ---- Markdown ---- */

enum sy_err
sy_markdown_render(const char *md, size_t len, char **out)
{
	char *html, *s;
	enum sy_err e;

	if (md == NULL && len > 0)
		return SY_EINVAL;
	if (len > HTML_MAX)
		return SY_ELIMIT;
	/*
	 * Safe mode (the default): raw HTML becomes a comment and
	 * javascript:, vbscript:, file: and most data: URLs are emptied.
	 * No CMARK_OPT_SMART: quotes, dashes and ellipses stay as the
	 * author typed them (command-line flags, code outside backticks,
	 * and CJK text that uses its own quotation marks).
	 */
	if ((e = sy_dl_cmark()) != SY_OK)
		return e;
	html = sy_cmark.cmark_markdown_to_html(md == NULL ? "" : md, len,
	    CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8);
	if (html == NULL)
		return SY_ENOMEM;
	/* cmark's allocator is not ours: hand out a copy. */
	s = sy_strdup(html);
	sy_cmark.cmark_get_default_mem_allocator()->free(html);
	if (s == NULL)
		return SY_ENOMEM;
	*out = s;
	return SY_OK;
}

enum sy_err
sy_markdown_links(const char *md, size_t len, struct sy_links *out)
{
	cmark_node *doc, *node;
	cmark_iter *it = NULL;
	cmark_event_type ev;
	enum sy_err e = SY_OK;
	const char *s;
	size_t n0 = out->n, i;
	int line;

	if (md == NULL && len > 0)
		return SY_EINVAL;
	if (len > HTML_MAX)
		return SY_ELIMIT;
	/*
	 * CMARK_OPT_SOURCEPOS matters here: without it cmark does not
	 * count the newlines inside inline HTML, code spans and link
	 * destinations, and later inline lines of the paragraph drift.
	 */
	if ((e = sy_dl_cmark()) != SY_OK)
		return e;
	doc = sy_cmark.cmark_parse_document(md == NULL ? "" : md, len,
	    CMARK_OPT_SOURCEPOS | CMARK_OPT_VALIDATE_UTF8);
	if (doc == NULL)
		return SY_ENOMEM;
	it = sy_cmark.cmark_iter_new(doc);
	if (it == NULL) {
		e = SY_ENOMEM;
		goto out;
	}
	while ((ev = sy_cmark.cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		if (ev != CMARK_EVENT_ENTER)
			continue;
		node = sy_cmark.cmark_iter_get_node(it);
		line = sy_cmark.cmark_node_get_start_line(node);
		if (line < 1)
			line = 1;
		switch (sy_cmark.cmark_node_get_type(node)) {
		case CMARK_NODE_LINK:
		case CMARK_NODE_IMAGE:
			s = sy_cmark.cmark_node_get_url(node);
			if (s == NULL)
				break;
			if (sy_cmark.cmark_node_get_type(node) ==
			    CMARK_NODE_LINK)
				e = links_add(out, s, strlen(s), (size_t)line,
				    "a", "href");
			else
				e = links_add(out, s, strlen(s), (size_t)line,
				    "img", "src");
			break;
		case CMARK_NODE_HTML_BLOCK:
		case CMARK_NODE_HTML_INLINE:
			/*
			 * Dropped by the safe renderer, but the links
			 * are the author's and still need checking.
			 */
			s = sy_cmark.cmark_node_get_literal(node);
			if (s != NULL)
				e = links_at(
				    s, strlen(s), (size_t)line - 1, false, out);
			break;
		default:
			break;
		}
		if (e != SY_OK)
			goto out;
	}
out:
	sy_cmark.cmark_iter_free(it);
	sy_cmark.cmark_node_free(doc);
	if (e != SY_OK) {
		for (i = n0; i < out->n; i++)
			free(out->v[i].url);
		out->n = n0;
	}
	return e;
}

/* ---- RFC 3986 reference resolution ---- */

struct uparts {
	const char *scheme, *auth, *path, *query, *frag;
	size_t schemelen, authlen, pathlen, querylen, fraglen;
	bool has_scheme, has_auth, has_query, has_frag;
};

/* Splits s as RFC 3986 appendix B does, with a checked scheme. */
static void
uri_split(const char *s, struct uparts *u)
{
	size_t i = 0, n;

	memset(u, 0, sizeof(*u));
	if (SY_ISALPHA((unsigned char)s[0])) {
		for (i = 1; SY_ISALNUM((unsigned char)s[i]) || s[i] == '+' ||
		     s[i] == '-' || s[i] == '.';
		     i++)
			;
		if (s[i] == ':') {
			u->has_scheme = true;
			u->scheme = s;
			u->schemelen = i;
			s += i + 1;
		}
	}
	if (s[0] == '/' && s[1] == '/') {
		s += 2;
		n = strcspn(s, "/?#");
		u->has_auth = true;
		u->auth = s;
		u->authlen = n;
		s += n;
	}
	n = strcspn(s, "?#");
	u->path = s;
	u->pathlen = n;
	s += n;
	if (*s == '?') {
		s++;
		n = strcspn(s, "#");
		u->has_query = true;
		u->query = s;
		u->querylen = n;
		s += n;
	}
	if (*s == '#') {
		u->has_frag = true;
		u->frag = s + 1;
		u->fraglen = strlen(s + 1);
	}
}

/* RFC 3986 5.2.4, appending the result to out. */
static enum sy_err
remove_dots(const char *path, size_t len, struct sy_buf *out)
{
	char *in, *p, *seg;
	size_t base = out->len, n;
	enum sy_err e = SY_OK;

	if ((in = sy_strndup(path, len)) == NULL)
		return SY_ENOMEM;
	p = in;
	while (*p != '\0') {
		if (strncmp(p, "../", 3) == 0)
			p += 3;
		else if (strncmp(p, "./", 2) == 0 || strncmp(p, "/./", 3) == 0)
			p += 2; /* "./" dropped, "/./" becomes "/" */
		else if (strcmp(p, "/.") == 0)
			*++p = '/';
		else if (strncmp(p, "/../", 4) == 0 || strcmp(p, "/..") == 0) {
			if (p[3] == '/')
				p += 3;
			else
				*(p += 2) = '/';
			seg = strrchr(
			    out->data == NULL ? "" : out->data + base, '/');
			out->len =
			    seg == NULL ? base : (size_t)(seg - out->data);
			if (out->data != NULL)
				out->data[out->len] = '\0';
		} else if (strcmp(p, ".") == 0 || strcmp(p, "..") == 0)
			break;
		else {
			n = 1 + strcspn(p + 1, "/");
			if (*p != '/')
				n = strcspn(p, "/");
			if ((e = sy_buf_append(out, p, n)) != SY_OK)
				break;
			p += n;
		}
	}
	free(in);
	return e;
}

/*
 * Resolves ref against base (both split); *out is a new string.  ref has
 * no scheme (the caller leaves absolute URLs alone).
 */
static enum sy_err
uri_resolve(const struct uparts *b, const struct uparts *r, char **out)
{
	struct sy_buf o;
	enum sy_err e;
	const char *q;
	size_t ql, cut;
	bool hq;

	sy_buf_init(&o, 0);
	if ((e = sy_buf_append(&o, b->scheme, b->schemelen)) != SY_OK ||
	    (e = sy_buf_putc(&o, ':')) != SY_OK)
		goto out;
	if (r->has_auth) {
		if ((e = sy_buf_puts(&o, "//")) != SY_OK ||
		    (e = sy_buf_append(&o, r->auth, r->authlen)) != SY_OK ||
		    (e = remove_dots(r->path, r->pathlen, &o)) != SY_OK)
			goto out;
		hq = r->has_query, q = r->query, ql = r->querylen;
	} else {
		if (b->has_auth &&
		    ((e = sy_buf_puts(&o, "//")) != SY_OK ||
		        (e = sy_buf_append(&o, b->auth, b->authlen)) != SY_OK))
			goto out;
		if (r->pathlen == 0) {
			e = sy_buf_append(&o, b->path, b->pathlen);
			if (r->has_query)
				hq = true, q = r->query, ql = r->querylen;
			else
				hq = b->has_query, q = b->query,
				ql = b->querylen;
		} else if (r->path[0] == '/') {
			e = remove_dots(r->path, r->pathlen, &o);
			hq = r->has_query, q = r->query, ql = r->querylen;
		} else {
			/* Merge (5.2.3), then remove the dot segments. */
			struct sy_buf m;

			sy_buf_init(&m, 0);
			if (b->has_auth && b->pathlen == 0)
				e = sy_buf_putc(&m, '/');
			else {
				for (cut = b->pathlen;
				     cut > 0 && b->path[cut - 1] != '/'; cut--)
					;
				e = sy_buf_append(&m, b->path, cut);
			}
			if (e == SY_OK)
				e = sy_buf_append(&m, r->path, r->pathlen);
			if (e == SY_OK)
				e = remove_dots(m.data, m.len, &o);
			sy_buf_fini(&m);
			hq = r->has_query, q = r->query, ql = r->querylen;
		}
		if (e != SY_OK)
			goto out;
	}
	if (hq &&
	    ((e = sy_buf_putc(&o, '?')) != SY_OK ||
	        (e = sy_buf_append(&o, q, ql)) != SY_OK))
		goto out;
	if (r->has_frag &&
	    ((e = sy_buf_putc(&o, '#')) != SY_OK ||
	        (e = sy_buf_append(&o, r->frag, r->fraglen)) != SY_OK))
		goto out;
	if ((*out = sy_buf_steal(&o)) == NULL)
		e = SY_ENOMEM;
out:
	sy_buf_fini(&o);
	return e;
}

/*
 * Appends url[0..len) to out, made absolute against base when it is a
 * relative reference.  Absolute URLs (mailto:, tel:, data: included) and
 * empty ones are copied as they are.
 */
static enum sy_err
absolutize_url(
    const struct uparts *base, const char *url, size_t len, struct sy_buf *out)
{
	struct uparts r;
	enum sy_err e;
	char *ref, *abs = NULL;
	size_t b = 0, n = len;

	while (b < n && SY_ISSPACE((unsigned char)url[b]))
		b++;
	while (n > b && SY_ISSPACE((unsigned char)url[n - 1]))
		n--;
	if (b == n)
		return sy_buf_append(out, url, len);
	if ((ref = sy_strndup(url + b, n - b)) == NULL)
		return SY_ENOMEM;
	uri_split(ref, &r);
	if (r.has_scheme)
		e = sy_buf_append(out, url, len);
	else if ((e = uri_resolve(base, &r, &abs)) == SY_OK)
		e = sy_buf_puts(out, abs);
	free(abs);
	free(ref);
	return e;
}

/* ---- Serialisation of the fragment ---- */

static const char *const void_elems[] = {
    "area",
    "base",
    "basefont",
    "bgsound",
    "br",
    "col",
    "embed",
    "frame",
    "hr",
    "img",
    "input",
    "keygen",
    "link",
    "meta",
    "param",
    "source",
    "track",
    "wbr",
};

static bool
is_void(const xmlChar *name)
{
	size_t i;

	for (i = 0; i < SY_NELEM(void_elems); i++)
		if (sy_strcasecmp((const char *)name, void_elems[i]) == 0)
			return true;
	return false;
}

/* Text of script and style is raw for libxml2: not decoded, not escaped. */
static bool
is_raw(const xmlNode *n)
{
	return n != NULL && n->type == XML_ELEMENT_NODE &&
	    (sy_strcasecmp((const char *)n->name, "script") == 0 ||
	        sy_strcasecmp((const char *)n->name, "style") == 0);
}

/*
 * The serialiser's escaping: text as libxml2 reads it back, attribute
 * values inside double quotes.
 */
static const struct sy_xmlesc text_esc = {
    .cls = {['\0'] = SY_XMLESC_END, ['&'] = 1, ['<'] = 2, ['>'] = 3},
    .rep = {"&amp;", "&lt;", "&gt;"},
    .len = {5, 4, 4},
};
static const struct sy_xmlesc attr_esc = {
    .cls = {['\0'] = SY_XMLESC_END, ['&'] = 1, ['"'] = 2},
    .rep = {"&amp;", "&quot;"},
    .len = {5, 6},
};

static enum sy_err
put_escaped(struct sy_buf *o, const char *s, bool attr)
{
	return sy_xmltext_escape(o, s, strlen(s), attr ? &attr_esc : &text_esc);
}

/*
 * Writes the value of attribute attr of element tag (both as libxml2
 * names them: lower case), entities decoded, escaped again, its URLs
 * made absolute against base when it is one of linkattrs[].  attr is
 * NULL for an attribute in a namespace (never a link); so is base when
 * nothing is to be resolved.  Both serialisers share it.
 */
static enum sy_err
put_attr_value(struct sy_buf *o, const struct uparts *base, const char *tag,
    const char *attr, const char *val)
{
	const struct linkattr *la = NULL;
	struct sy_buf v;
	size_t pos = 0, start, len, done = 0;
	enum sy_err e = SY_OK;

	if (base != NULL && attr != NULL)
		la = find_linkattr(tag, attr);
	if (la == NULL)
		return put_escaped(o, val, true);
	sy_buf_init(&v, 0);
	if (la->kind == A_URL)
		e = absolutize_url(base, val, strlen(val), &v);
	else {
		/* Replace the URLs of the candidates, keep the rest. */
		while (e == SY_OK && srcset_next(val, &pos, &start, &len)) {
			e = sy_buf_append(&v, val + done, start - done);
			if (e == SY_OK)
				e = absolutize_url(base, val + start, len, &v);
			done = start + len;
		}
		if (e == SY_OK)
			e = sy_buf_puts(&v, val + done);
	}
	if (e == SY_OK)
		e = put_escaped(o, v.data == NULL ? "" : v.data, true);
	sy_buf_fini(&v);
	return e;
}

static enum sy_err
put_start_tag(struct sy_buf *o, const struct uparts *base, xmlNode *el)
{
	const xmlAttr *a;
	xmlChar *val;
	enum sy_err e;

	if ((e = sy_buf_putc(o, '<')) != SY_OK ||
	    (e = sy_buf_puts(o, (const char *)el->name)) != SY_OK)
		return e;
	for (a = el->properties; a != NULL; a = a->next) {
		if ((e = sy_buf_putc(o, ' ')) != SY_OK)
			return e;
		if (a->ns != NULL && a->ns->prefix != NULL &&
		    ((e = sy_buf_puts(o, (const char *)a->ns->prefix)) !=
		            SY_OK ||
		        (e = sy_buf_putc(o, ':')) != SY_OK))
			return e;
		if ((e = sy_buf_puts(o, (const char *)a->name)) != SY_OK)
			return e;
		if (a->children == NULL)
			continue; /* boolean attribute, as written */
		val = sy_xml.xmlNodeListGetString(el->doc, a->children, 1);
		if (val == NULL)
			return SY_ENOMEM;
		if ((e = sy_buf_puts(o, "=\"")) == SY_OK &&
		    (e = put_attr_value(o, base, (const char *)el->name,
		         a->ns == NULL ? (const char *)a->name : NULL,
		         (const char *)val)) == SY_OK)
			e = sy_buf_putc(o, '"');
		sy_xml.xmlFree(val);
		if (e != SY_OK)
			return e;
	}
	return sy_buf_putc(o, '>');
}

static enum sy_err
put_open(struct sy_buf *o, const struct uparts *base, xmlNode *n)
{
	const char *c = (const char *)n->content;
	enum sy_err e = SY_OK;

	switch (n->type) {
	case XML_ELEMENT_NODE:
		return put_start_tag(o, base, n);
	case XML_TEXT_NODE:
	case XML_CDATA_SECTION_NODE:
		if (c == NULL)
			return SY_OK;
		if (is_raw(n->parent))
			return sy_buf_puts(o, c);
		return put_escaped(o, c, false);
	case XML_COMMENT_NODE:
		if ((e = sy_buf_puts(o, "<!--")) == SY_OK &&
		    (e = sy_buf_puts(o, c == NULL ? "" : c)) == SY_OK)
			e = sy_buf_puts(o, "-->");
		return e;
	case XML_PI_NODE:
		if ((e = sy_buf_puts(o, "<?")) == SY_OK &&
		    (e = sy_buf_puts(o, (const char *)n->name)) == SY_OK &&
		    c != NULL && (e = sy_buf_putc(o, ' ')) == SY_OK)
			e = sy_buf_puts(o, c);
		if (e == SY_OK)
			e = sy_buf_putc(o, '>');
		return e;
	default:
		return SY_OK;
	}
}

static enum sy_err
put_close(struct sy_buf *o, const xmlNode *n)
{
	enum sy_err e;

	if (n->type != XML_ELEMENT_NODE ||
	    (is_void(n->name) && n->children == NULL))
		return SY_OK;
	if ((e = sy_buf_puts(o, "</")) == SY_OK &&
	    (e = sy_buf_puts(o, (const char *)n->name)) == SY_OK)
		e = sy_buf_putc(o, '>');
	return e;
}

/* Writes the children of top, in document order, without recursion. */
static enum sy_err
put_children(struct sy_buf *o, const struct uparts *base, xmlNode *top)
{
	xmlNode *cur = top->children;
	enum sy_err e;

	while (cur != NULL) {
		if ((e = put_open(o, base, cur)) != SY_OK)
			return e;
		if (cur->type == XML_ELEMENT_NODE && cur->children != NULL) {
			cur = cur->children;
			continue;
		}
		if ((e = put_close(o, cur)) != SY_OK)
			return e;
		while (cur->next == NULL) {
			cur = cur->parent;
			if (cur == NULL || cur == top)
				return SY_OK;
			if ((e = put_close(o, cur)) != SY_OK)
				return e;
		}
		cur = cur->next;
	}
	return SY_OK;
}

static xmlNode *
find_child(xmlNode *n, const char *name)
{
	for (n = n == NULL ? NULL : n->children; n != NULL; n = n->next)
		if (n->type == XML_ELEMENT_NODE &&
		    sy_strcasecmp((const char *)n->name, name) == 0)
			return n;
	return NULL;
}

struct tree {
	bool too_deep;
};

static void
tree_start(void *ctx, const xmlChar *name, const xmlChar **atts)
{
	xmlParserCtxtPtr p = ctx;
	struct tree *t = p->_private;

	if (p->nodeNr >= HTML_DEPTH) {
		t->too_deep = true;
		sy_xml.xmlStopParser(p);
		return;
	}
	sy_xml.xmlSAX2StartElement(ctx, name, atts);
}

/* sy_html_absolutize through libxml2's tree; base is split already. */
static enum sy_err
absolutize_libxml(
    const char *html, size_t len, const struct uparts *base, char **out)
{
	struct sy_buf text, o;
	htmlParserCtxtPtr p = NULL;
	htmlDocPtr doc = NULL;
	xmlNode *root, *body;
	struct tree t;
	enum sy_err e;

	if ((e = sy_dl_xml()) != SY_OK)
		return e;
	sy_buf_init(&text, 0);
	sy_buf_init(&o, 0);
	if ((e = sanitize(html, len, WRAP, &text)) != SY_OK)
		goto out;
	e = SY_EXML;
	if ((p = new_parser(&text)) == NULL || p->sax == NULL)
		goto out;
	p->options |= XML_PARSE_HUGE;
	p->sax->startElement = tree_start;
	t.too_deep = false;
	p->_private = &t;
	(void)sy_xml.htmlParseDocument(p);
	doc = p->myDoc;
	p->myDoc = NULL;
	if (t.too_deep)
		e = SY_ELIMIT;
	else if (p->errNo == XML_ERR_NO_MEMORY)
		e = SY_ENOMEM;
	else if (p->disableSAX == 0 && doc != NULL)
		e = SY_OK;
	/* Otherwise libxml2 stopped half-way: never return a part. */
	if (e != SY_OK)
		goto out;
	root = sy_xml.xmlDocGetRootElement(doc);
	body = find_child(root, "body");
	if (body == NULL)
		body = root;
	if (body != NULL && (e = put_children(&o, base, body)) != SY_OK)
		goto out;
	e = SY_ENOMEM;
	if ((*out = sy_buf_steal(&o)) == NULL)
		goto out;
	e = SY_OK;
out:
	if (p != NULL)
		sy_xml.htmlFreeParserCtxt(p);
	sy_xml.xmlFreeDoc(doc);
	sy_buf_fini(&o);
	sy_buf_fini(&text);
	return e;
}

/*
 * The fast path of sy_html_absolutize.  For markup in a small canonical
 * subset (what cmark writes, and most hand-written article HTML), the
 * libxml2 round trip gives back the input with only the link attributes
 * rewritten, give or take a few spellings that the writer normalises
 * ("&quot;" in text becomes '"', "&lt;" and "&gt;" in a value become
 * '<' and '>', the " /" of a void element goes).  The subset:
 *
 *   - valid UTF-8 without a character XML forbids, no BOM, no CR;
 *   - text with '&' only in &amp; &lt; &gt; &quot;, no '>', and '<' only
 *     opening a tag;
 *   - start tags '<' name, then ' name="value"' attributes (lower case,
 *     double quotes, no repeat, no boolean attribute, values without a
 *     control character, '<' or a character reference but those four),
 *     then '>' (or " />", "/>" on a void element);
 *   - end tags "</name>" closing the innermost open element, every
 *     element closed, void elements never;
 *   - the elements of fast_elems[] nested so that libxml2 neither
 *     closes nor opens anything on its own: blocks only at the top or in
 *     a flow container, li only in ul/ol, nothing but li and white space
 *     in ul/ol, no a in an a, phrasing elements anywhere else;
 *   - no pre whose content starts with a newline (libxml2 drops it);
 *   - comments only as "<!--" text "-->", the text without '-', '<',
 *     '>', and not directly in ul/ol.
 *
 * Anything else gives up and libxml2 does the work.  tests/unit/
 * htmlfast_test.c holds the two paths to byte-identical output.
 */
enum {
	FE_PHRASE = 1 << 0, /* anywhere but directly in ul/ol */
	FE_BLOCK = 1 << 1,  /* at the top or in a flow container */
	FE_FLOW = 1 << 2,   /* may hold blocks */
	FE_VOID = 1 << 3,   /* no content, no end tag */
	FE_LIST = 1 << 4,   /* ul, ol: only li and white space */
	FE_LI = 1 << 5,     /* directly in ul/ol only */
	FE_A = 1 << 6,
	FE_PRE = 1 << 7,
};

struct fast_elem {
	const char *name;
	unsigned flags;
};

/* In strcmp order: fast_elem searches it by halves. */
static const struct fast_elem fast_elems[] = {
    {"a", FE_PHRASE | FE_A},
    {"abbr", FE_PHRASE},
    {"b", FE_PHRASE},
    {"blockquote", FE_BLOCK | FE_FLOW},
    {"br", FE_PHRASE | FE_VOID},
    {"cite", FE_PHRASE},
    {"code", FE_PHRASE},
    {"del", FE_PHRASE},
    {"div", FE_BLOCK | FE_FLOW},
    {"em", FE_PHRASE},
    {"figcaption", FE_BLOCK | FE_FLOW},
    {"figure", FE_BLOCK | FE_FLOW},
    {"h1", FE_BLOCK},
    {"h2", FE_BLOCK},
    {"h3", FE_BLOCK},
    {"h4", FE_BLOCK},
    {"h5", FE_BLOCK},
    {"h6", FE_BLOCK},
    {"hr", FE_BLOCK | FE_VOID},
    {"i", FE_PHRASE},
    {"img", FE_PHRASE | FE_VOID},
    {"ins", FE_PHRASE},
    {"kbd", FE_PHRASE},
    {"li", FE_LI | FE_FLOW},
    {"mark", FE_PHRASE},
    {"ol", FE_BLOCK | FE_LIST},
    {"p", FE_BLOCK},
    {"pre", FE_BLOCK | FE_PRE},
    {"q", FE_PHRASE},
    {"s", FE_PHRASE},
    {"small", FE_PHRASE},
    {"span", FE_PHRASE},
    {"strong", FE_PHRASE},
    {"sub", FE_PHRASE},
    {"sup", FE_PHRASE},
    {"time", FE_PHRASE},
    {"u", FE_PHRASE},
    {"ul", FE_BLOCK | FE_LIST},
    {"var", FE_PHRASE},
};

#define FAST_DEPTH 64 /* open elements; deeper gives up */
#define FAST_ATTRS 8  /* attributes of one tag; more give up */

static const struct fast_elem *
fast_elem(const char *name, size_t n)
{
	size_t lo = 0, hi = SY_NELEM(fast_elems), mid;
	int c;

	/* Binary search: the table is in strcmp order. */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strncmp(fast_elems[mid].name, name, n);
		if (c == 0 && fast_elems[mid].name[n] == '\0')
			return &fast_elems[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid; /* or the same n bytes, and longer */
	}
	return NULL;
}

/*
 * The character a reference at s[0..len) stands for ('&' at s[0]) and
 * its length in *n; 0 for anything but &amp; &lt; &gt; &quot;.
 */
static char
fast_entity(const char *s, size_t len, size_t *n)
{
	static const struct {
		const char *ref;
		size_t len;
		char c;
	} refs[] = {
	    {"&amp;", 5, '&'},
	    {"&lt;", 4, '<'},
	    {"&gt;", 4, '>'},
	    {"&quot;", 6, '"'},
	};
	size_t i;

	for (i = 0; i < SY_NELEM(refs); i++)
		if (len >= refs[i].len &&
		    memcmp(s, refs[i].ref, refs[i].len) == 0) {
			*n = refs[i].len;
			return refs[i].c;
		}
	return '\0';
}

/*
 * The length of the comment at s[0..len) ("<!--" at s[0]), or 0 when it
 * is not a plain one: the text between "<!--" and "-->" must not be
 * empty nor hold '-', '<' or '>' ("<!-- raw HTML omitted -->", cmark's
 * stand-in for the HTML it drops, is one).
 */
static size_t
fast_comment(const char *s, size_t len)
{
	size_t i;

	for (i = 4; i < len && s[i] != '-' && s[i] != '<' && s[i] != '>'; i++)
		;
	if (i == 4 || i + 3 > len || memcmp(s + i, "-->", 3) != 0)
		return 0;
	return i + 3;
}

/*
 * One start tag at s[0..len) (s[0] is '<'), element el, written to o;
 * *end receives the offset after its '>'.  val is scratch space.
 */
static enum fast
fast_start_tag(const char *s, size_t len, const struct fast_elem *el,
    const struct uparts *base, struct sy_buf *o, struct sy_buf *val,
    size_t *end, enum sy_err *err)
{
	char attr[FAST_ATTRS][16];
	size_t i = 1 + strlen(el->name), n, k, nattr = 0, r;
	char c;

	if ((*err = sy_buf_append(o, s, i)) != SY_OK)
		return FAST_DONE;
	for (;;) {
		if (i < len && s[i] == '>')
			break;
		if ((el->flags & FE_VOID) != 0 && i + 1 < len && s[i] == '/' &&
		    s[i + 1] == '>') {
			i++;
			break;
		}
		if (i + 1 >= len || s[i] != ' ')
			return FAST_GIVE_UP;
		i++;
		if ((el->flags & FE_VOID) != 0 && i + 1 < len && s[i] == '/' &&
		    s[i + 1] == '>') {
			i++;
			break;
		}
		if (!SY_ISLOWER((unsigned char)s[i]))
			return FAST_GIVE_UP;
		for (n = 1; i + n < len &&
		     (SY_ISLOWER((unsigned char)s[i + n]) ||
		         SY_ISDIGIT((unsigned char)s[i + n]) ||
		         s[i + n] == '-');
		     n++)
			;
		if (n >= sizeof(attr[0]) || nattr == FAST_ATTRS ||
		    i + n + 1 >= len || s[i + n] != '=' || s[i + n + 1] != '"')
			return FAST_GIVE_UP;
		for (k = 0; k < nattr; k++)
			if (strncmp(attr[k], s + i, n) == 0 &&
			    attr[k][n] == '\0')
				return FAST_GIVE_UP;
		memcpy(attr[nattr], s + i, n);
		attr[nattr][n] = '\0';
		if ((*err = sy_buf_putc(o, ' ')) != SY_OK ||
		    (*err = sy_buf_append(o, s + i, n)) != SY_OK)
			return FAST_DONE;
		i += n + 2;
		sy_buf_reset(val);
		for (;;) {
			for (k = i; k < len && (c = s[k]) != '"' && c != '&';
			     k++)
				if ((unsigned char)c < 0x20 || c == '<')
					return FAST_GIVE_UP;
			if (k >= len)
				return FAST_GIVE_UP;
			if ((*err = sy_buf_append(val, s + i, k - i)) != SY_OK)
				return FAST_DONE;
			i = k + 1;
			if (s[k] == '"')
				break;
			if ((c = fast_entity(s + k, len - k, &r)) == '\0')
				return FAST_GIVE_UP;
			if ((*err = sy_buf_putc(val, c)) != SY_OK)
				return FAST_DONE;
			i = k + r;
		}
		if ((*err = sy_buf_puts(o, "=\"")) != SY_OK ||
		    (*err = put_attr_value(o, base, el->name, attr[nattr],
		         val->data == NULL ? "" : val->data)) != SY_OK ||
		    (*err = sy_buf_putc(o, '"')) != SY_OK)
			return FAST_DONE;
		nattr++;
	}
	*end = i + 1;
	*err = sy_buf_putc(o, '>');
	return FAST_DONE;
}

/* The bytes of s[0..n) before the first '<', '&' or '>' (n: none). */
static size_t
text_run(const char *s, size_t n)
{
	return first_of(s, 0, n, '<', '&', '>', '>');
}

static enum fast
fast_absolutize(const char *s, size_t len, const struct uparts *base,
    struct sy_buf *o, enum sy_err *err)
{
	const struct fast_elem *stack[FAST_DEPTH], *el, *top;
	struct sy_buf val;
	size_t i = 0, k, n, depth = 0, in_a = 0, end = 0, r;
	enum fast f = FAST_GIVE_UP;
	bool bad = false;
	char c;

	*err = SY_OK;
	if (sy_text_valid_prefix(s, len, &bad) != len || bad ||
	    memchr(s, '\r', len) != NULL ||
	    (len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0))
		return FAST_GIVE_UP;
	sy_buf_init(&val, 0);
	while (i < len) {
		top = depth == 0 ? NULL : stack[depth - 1];
		/* Text up to the next markup character. */
		n = text_run(s + i, len - i);
		if (top != NULL && (top->flags & FE_LIST) != 0)
			for (k = i; k < i + n; k++)
				if (s[k] != ' ' && s[k] != '\n' && s[k] != '\t')
					goto out;
		if ((*err = sy_buf_append(o, s + i, n)) != SY_OK)
			goto done;
		i += n;
		if (i >= len)
			break;
		if (s[i] == '>')
			goto out;
		if (s[i] == '&') {
			if ((top != NULL && (top->flags & FE_LIST) != 0) ||
			    (c = fast_entity(s + i, len - i, &r)) == '\0')
				goto out;
			*err = c == '"' ? sy_buf_putc(o, c)
			                : sy_buf_append(o, s + i, r);
			if (*err != SY_OK)
				goto done;
			i += r;
			continue;
		}
		/* '<': a comment, an end tag closing the top, a start tag. */
		if (i + 4 <= len && memcmp(s + i, "<!--", 4) == 0) {
			if ((n = fast_comment(s + i, len - i)) == 0 ||
			    (top != NULL && (top->flags & FE_LIST) != 0))
				goto out;
			if ((*err = sy_buf_append(o, s + i, n)) != SY_OK)
				goto done;
			i += n;
			continue;
		}
		if (i + 1 < len && s[i + 1] == '/') {
			if (top == NULL)
				goto out;
			n = strlen(top->name);
			if (i + 3 + n > len ||
			    memcmp(s + i + 2, top->name, n) != 0 ||
			    s[i + 2 + n] != '>')
				goto out;
			if ((*err = sy_buf_append(o, s + i, n + 3)) != SY_OK)
				goto done;
			i += n + 3;
			depth--;
			if ((top->flags & FE_A) != 0)
				in_a--;
			continue;
		}
		for (n = 0; i + 1 + n < len &&
		     (SY_ISLOWER((unsigned char)s[i + 1 + n]) ||
		         (n > 0 && SY_ISDIGIT((unsigned char)s[i + 1 + n])));
		     n++)
			;
		if (n == 0 || i + 1 + n >= len ||
		    (s[i + 1 + n] != ' ' && s[i + 1 + n] != '>' &&
		        s[i + 1 + n] != '/') ||
		    (el = fast_elem(s + i + 1, n)) == NULL)
			goto out;
		/* Nesting that libxml2 keeps as it is. */
		if ((el->flags & FE_LI) != 0) {
			if (top == NULL || (top->flags & FE_LIST) == 0)
				goto out;
		} else if (top != NULL && (top->flags & FE_LIST) != 0)
			goto out;
		if ((el->flags & FE_BLOCK) != 0 && top != NULL &&
		    (top->flags & FE_FLOW) == 0)
			goto out;
		if ((el->flags & FE_A) != 0 && in_a > 0)
			goto out;
		if ((el->flags & FE_VOID) == 0 && depth == FAST_DEPTH)
			goto out;
		if (fast_start_tag(s + i, len - i, el, base, o, &val, &end,
		        err) != FAST_DONE)
			goto out;
		if (*err != SY_OK)
			goto done;
		i += end;
		if ((el->flags & FE_VOID) != 0)
			continue;
		if ((el->flags & FE_PRE) != 0 && i < len && s[i] == '\n')
			goto out;
		stack[depth++] = el;
		if ((el->flags & FE_A) != 0)
			in_a++;
	}
	if (depth > 0)
		goto out;
done:
	f = FAST_DONE;
out:
	sy_buf_fini(&val);
	return f;
}

enum sy_err
sy_html_absolutize(const char *html, size_t len, const char *base, char **out)
{
	struct uparts b;
	struct sy_buf o;
	enum sy_err e;

	if ((html == NULL && len > 0) || base == NULL)
		return SY_EINVAL;
	if (len > HTML_MAX)
		return SY_ELIMIT;
	uri_split(base, &b);
	if (!b.has_scheme)
		return SY_EINVAL;
	if (html == NULL)
		return absolutize_libxml(html, len, &b, out);
	sy_buf_init(&o, 0);
	/*
	 * The output is the input but for the links made absolute (a base
	 * and a little more each): room for that at once, not the doublings.
	 */
	if ((e = sy_buf_reserve(&o, len + len / 8 + strlen(base) + 64)) !=
	    SY_OK)
		return e;
	if (fast_absolutize(html, len, &b, &o, &e) == FAST_DONE) {
		if (e == SY_OK && (*out = sy_buf_steal(&o)) == NULL)
			e = SY_ENOMEM;
		sy_buf_fini(&o);
		return e;
	}
	sy_buf_fini(&o);
	return absolutize_libxml(html, len, &b, out);
}
