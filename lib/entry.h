/*
 * entry: the in-memory model every writer is fed from.  An entry is one
 * manifest row after checking; a column is one feed's metadata; a feed is
 * a column plus its entries, newest first, already limited.
 *
 * Every URI-typed field here (link, enclosure, image, self links, ids) is
 * already in URI form (IRIs percent-encoded, hosts in IDNA form), and
 * every text field is valid UTF-8 free of characters XML 1.0 forbids:
 * writers may copy them straight out.
 */
#ifndef SY_ENTRY_H
#define SY_ENTRY_H

#include <stdbool.h>
#include <stddef.h>

#include "date.h"
#include "syndic.h"

struct sy_entry {
	size_t line;  /* manifest line where the row starts */
	char *id;     /* the manifest's id */
	char *column; /* column slug, or NULL for the default feed */
	char *title;
	char *link;             /* absolute http(s) URI */
	char *author;           /* display name, or NULL */
	char *email;            /* contact address, or NULL */
	char *language;         /* BCP 47, or NULL (the column's applies) */
	char *summary;          /* plain text, or NULL */
	char *content;          /* HTML fragment, links absolute, or NULL */
	char *content_path;     /* article file still to render, or NULL */
	bool content_md;        /* that file is Markdown */
	bool finished;          /* URI forms, ids and content are final */
	bool guid_is_permalink; /* guid equals link */
	bool has_updated;       /* the row gave an updated date */
	char **categories;
	unsigned ncategories;
	/*
	 * The copies of the row's text made at once (manifest.c), all in one
	 * block of nstrs bytes at strs: a field that points into it goes
	 * with it, not on its own (sy_entry_drop).  NULL: every field is its
	 * own.
	 */
	unsigned nstrs;
	char *strs;
	char *enclosure; /* URI, or NULL */
	char *enclosure_type;
	long long enclosure_length; /* bytes; -1 when unknown */
	char *image;                /* URI, or NULL */
	char *guid;   /* RSS guid: the manifest's guid, else tag_id */
	char *tag_id; /* "tag:host,year:id", stable, always a URI */
	char *uri_id; /* Atom id / JSON Feed id: guid if a URI, else tag */
	struct sy_time published;
	struct sy_time updated; /* equals published when none was given */
	/*
	 * partial: only line, column, dates and enclosure_length are filled;
	 * the rest is read again from the manifest at byte off (len bytes
	 * there, 0: not known) if the entry makes it into a feed
	 * (manifest.c).
	 */
	long long off;
	unsigned len;
	bool partial;
	/*
	 * A partial entry of a column without a limit: it stays partial
	 * until it is written (sy_manifest_fill reads it again, then
	 * sy_manifest_unfill lets its text go).  hint says, from the first
	 * reading, what a writer may need to know of it before that.
	 */
	bool deferred;
	unsigned char hint;
};

/* sy_entry.hint */
#define SY_HINT_CONTENT 1u    /* it has content (inline or an article) */
#define SY_HINT_PERSON 2u     /* its row names an author or an e-mail */
#define SY_HINT_ASCII_MAIL 4u /* that e-mail has an ASCII form */

struct sy_column {
	size_t line; /* columns.csv line, 0 if not from the file */
	char *slug;  /* "" for the default feed */
	char *title;
	char *link; /* home page URI, or NULL */
	char *description;
	char *language;
	char *author;
	char *email;
	char *timezone;        /* IANA name, or NULL */
	char *base_url;        /* where the feeds are published, or NULL */
	long long limit;       /* entries per feed; 0 = all */
	size_t base_url_field; /* its field in columns.csv, 0 if none */
};

struct sy_feed {
	const struct sy_column *col;     /* borrowed */
	const struct sy_entry **entries; /* borrowed pointers, newest first */
	size_t n;
	char *self_rss;  /* URIs of the three files, or NULL without */
	char *self_atom; /* a base_url */
	char *self_json;
	char *id;       /* Atom feed id: self_atom, else link, else tag */
	char *tag_host; /* its column's home page's host, or NULL */
	struct sy_time updated; /* newest published/updated of entries */
	const char *generator;  /* static: "syndic 0.1.0" */
	/*
	 * Set by sy_feed_check once the whole feed was found writable, so
	 * that the three writers do not check the same strings again.
	 */
	bool checked;
};

/*
 * Release what the struct owns and zero it; a zeroed struct is a no-op.
 * sy_feed_fini frees the entries array (not the entries it points to),
 * the self links and the id; col and generator are borrowed.
 */
void sy_entry_fini(struct sy_entry *e);

/* Frees field p of e (may be NULL) unless it lies in e->strs. */
void sy_entry_drop(const struct sy_entry *e, char *p);
void sy_column_fini(struct sy_column *c);
void sy_feed_fini(struct sy_feed *f);

/*
 * True if f has what every format requires (a column with a title; in
 * each entry a title, link, guid and uri_id) and every string the writers
 * copy out of it is valid UTF-8 free of characters XML 1.0 forbids.  The
 * writers call it before writing their first byte.
 */
bool sy_feed_is_writable(const struct sy_feed *f);

/*
 * The two halves of sy_feed_is_writable: the feed's own strings, and
 * entries [i, j) (a feed written a slice at a time).
 */
bool sy_feed_head_is_writable(const struct sy_feed *f);
bool sy_feed_entries_are_writable(const struct sy_feed *f, size_t i, size_t j);

/* sy_feed_is_writable, remembered in f->checked when true. */
bool sy_feed_check(struct sy_feed *f);

/*
 * The ASCII form of an e-mail address, for formats that want an RFC 5322
 * addr-spec (RSS, Atom): the domain in IDNA A-labels.  Stores a new string
 * in *out, or NULL when the address has no ASCII form (a non-ASCII local
 * part, a domain IDNA refuses).  Returns SY_OK or SY_ENOMEM.
 */
enum sy_err sy_entry_email_ascii(const char *addr, char **out);

/*
 * The same without a copy when addr is ASCII already (the usual case):
 * *out points at addr, or at a new string also stored in *owned (free
 * *owned in any case: NULL when nothing was allocated), or is NULL.
 */
enum sy_err sy_entry_email_ascii_ref(
    const char *addr, const char **out, char **owned);

#endif
