/*
 * feedread: offline lint of existing feed files, for syndic-lint.
 *
 * Three formats, told apart by content, not by file name: JSON Feed 1.1
 * (https://jsonfeed.org/version/1.1) when the first non-blank byte is "{",
 * otherwise XML, where the root element picks RSS 2.0 (<rss version="2.0">)
 * or Atom 1.0 (RFC 4287, <feed> or <entry> in the Atom namespace).
 *
 * XML is parsed without network, entity substitution or DTD loading, so an
 * external entity is never read and an entity bomb cannot grow; a DOCTYPE
 * that declares entities is itself reported.  Atom is validated against
 * RFC 4287's RELAX NG schema (Appendix B) plus the prose rules the schema
 * cannot express.  Every problem in the feed becomes a diagnostic at
 * PATH:LINE:COLUMN (COLUMN 0 when only the line is known) under the rules
 * feed-xml (not well-formed), feed-schema (breaks its format's rules),
 * date-syntax, date-range, duplicate, url-syntax, url-scheme, email-syntax,
 * email-domain, mime-type, integer, language-tag and site-rule.
 */
#ifndef SY_FEEDREAD_H
#define SY_FEEDREAD_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "syndic.h"

/* Default location of the Atom schema, relative to the working directory. */
#define SY_FEEDREAD_ATOM_RNG "schemas/atom.rng"
/* Default cap on the size of a feed file: 64 MiB. */
#define SY_FEEDREAD_MAX ((size_t)64 << 20)

enum sy_feed_kind {
	SY_FEED_UNKNOWN = 0, /* neither of the three (or not well-formed) */
	SY_FEED_RSS,
	SY_FEED_ATOM,
	SY_FEED_JSON
};

struct sy_feedread_opts {
	const char *atom_rng; /* borrowed; NULL = SY_FEEDREAD_ATOM_RNG */
	bool check_links;     /* check every URL and address found inside */
	size_t max_size; /* larger input is SY_ELIMIT; 0 = SY_FEEDREAD_MAX */
};

/*
 * Lints the feed data[0..len) (need not be NUL-terminated), appending
 * diagnostics for path to d.  opts may be NULL (defaults: the schema at
 * SY_FEEDREAD_ATOM_RNG, links checked).  Returns SY_OK whatever the
 * feed contains (an unrecognised format is a feed-schema error); SY_ELIMIT
 * when len exceeds the cap (nothing appended), SY_EXML when the Atom schema
 * cannot be loaded, SY_ENOMEM when memory runs out (d may then hold part of
 * the diagnostics).  Never prints.
 */
enum sy_err sy_feedread_lint(const char *path, const char *data, size_t len,
    const struct sy_feedread_opts *opts, struct sy_diags *d);

/*
 * Guesses the format from the first bytes only ("{" or the root element's
 * name and namespace), without parsing the whole document.
 */
enum sy_feed_kind sy_feedread_detect(const char *data, size_t len);

/* "rss", "atom", "json" or "unknown". */
const char *sy_feed_kind_name(enum sy_feed_kind kind);

#endif
