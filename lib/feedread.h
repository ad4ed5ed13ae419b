/*
 * feedread: offline lint of existing feed files, for syndic-lint.
 *
 * Three formats, told apart by content, not by file name: JSON when the
 * first byte after an optional BOM and blanks is "{" or "[" (it must then
 * be a JSON Feed: an object whose "version" starts with
 * https://jsonfeed.org/version/; 1.1 is checked), otherwise XML, where the
 * root element picks RSS 2.0 (<rss>) or Atom 1.0 (RFC 4287: <feed> or
 * <entry> in the Atom namespace).
 *
 * XML is parsed without network, entity substitution or DTD loading;
 * entity declarations are reported and dropped, so an external entity is
 * never read and an entity bomb cannot grow.  Atom is validated against
 * RFC 4287's RELAX NG schema (Appendix B) plus the prose rules the schema
 * cannot express.  Dates go through sy_date_parse_tz() and then the exact
 * form the format demands (RFC 822 for RSS, RFC 3339 for Atom and JSON
 * Feed); URLs, addresses and the links inside HTML content through url.h,
 * email.h, rules.h and html.h.
 *
 * Every problem becomes a diagnostic at PATH:LINE:COLUMN.  LINE is the
 * feed file's line of the element, attribute or JSON member (for a link
 * inside HTML content, the line of the link); COLUMN is the character
 * column where the parser gives one (XML syntax, JSON members) and 0
 * otherwise.  The diagnostic's entry is the item's guid (else link),
 * atom:id or JSON Feed id; its url is the link as written.  Rules used:
 * feed-xml (not well-formed, JSON syntax included), xml-chars,
 * feed-schema (breaks its format's rules), date-syntax, date-range,
 * duplicate, url-syntax, url-scheme, email-syntax, email-domain,
 * mime-type, integer, language-tag and site-rule.
 */
#ifndef SY_FEEDREAD_H
#define SY_FEEDREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "syndic.h"

/* Default location of the Atom schema, relative to the working directory. */
#define SY_FEEDREAD_ATOM_RNG "schemas/atom.rng"
/* Default cap on the size of a feed file: 64 MiB. */
#define SY_FEEDREAD_MAX ((size_t)64 << 20)

enum sy_feed_kind {
	SY_FEED_UNKNOWN = 0, /* neither of the three */
	SY_FEED_RSS,
	SY_FEED_ATOM,
	SY_FEED_JSON
};

/* A link or address met in a feed (sy_feedread_opts.on_link). */
struct sy_feedread_link {
	const char *url; /* as written; addresses as "mailto:addr" */
	/* url resolved against the xml:base in force, or NULL */
	const char *abs;
	const char *path; /* the feed file */
	size_t line;      /* as in diagnostics */
	size_t column;
	const char *entry; /* the item's guid, atom:id or id; or NULL */
	const char *field; /* static: "link", "guid", "enclosure", ... */
};

/*
 * Called for every link and address, in document order; everything it
 * receives but field is borrowed for the call only.  Anything but SY_OK
 * stops the walk and is returned by sy_feedread_lint.
 */
typedef enum sy_err (*sy_feedread_link_fn)(
    void *arg, const struct sy_feedread_link *link);

struct sy_feedread_opts {
	/*
	 * The Atom RELAX NG schema: schema_mem[0..schema_len) when not NULL
	 * (a copy compiled into the program), else the file schema, else
	 * SY_FEEDREAD_ATOM_RNG.  All borrowed.
	 */
	const char *schema;
	const void *schema_mem;
	size_t schema_len;
	bool no_schema; /* skip RELAX NG validation altogether */
	/*
	 * Run url.h, email.h and rules.h on every URL and address, and
	 * html.h on HTML content.  When false, only the structural checks
	 * remain (absolute URL, forbidden scheme, address shape).
	 */
	bool check_links;
	size_t max_size; /* larger input is SY_ELIMIT; 0 = SY_FEEDREAD_MAX */
	/* "Now" for dates more than a year ahead (errors); 0 = time(NULL) */
	int64_t now;
	sy_feedread_link_fn on_link; /* NULL: links are only checked */
	void *link_arg;
};
/*
 * Lints the feed data[0..len) (need not be NUL-terminated), appending
 * diagnostics for path to d (path is only copied into them).  opts may be
 * NULL: the schema at SY_FEEDREAD_ATOM_RNG, links checked, 64 MiB cap.
 * The Atom schema is parsed on each call that meets an Atom document.  Returns
 * SY_OK whatever the feed contains (an unrecognised format is a feed-schema
 * error); SY_ELIMIT when len exceeds the cap (nothing appended), SY_EXML when
 * the Atom schema cannot be loaded, SY_ENOMEM when memory runs out (d may then
 * hold part of the diagnostics).  Never prints.
 */
enum sy_err sy_feedread_lint(const char *path, const char *data, size_t len,
    const struct sy_feedread_opts *opts, struct sy_diags *d);

/*
 * Calls fn for every link and address of the feed (for syndic-links),
 * without the RELAX NG schema and with the diagnostics thrown away.
 * Same returns as sy_feedread_lint.
 */
enum sy_err sy_feedread_links(const char *path, const char *data, size_t len,
    sy_feedread_link_fn fn, void *arg);

/*
 * Guesses the format from the first bytes only ("{" or "[", else the
 * local name of the first element after the prolog), without parsing the
 * document or checking namespaces: for choosing a code path, not a
 * verdict.
 */
enum sy_feed_kind sy_feedread_detect(const char *data, size_t len);

/* "rss", "atom", "json" or "unknown". */
const char *sy_feed_kind_name(enum sy_feed_kind kind);

#endif
