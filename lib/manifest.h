/*
 * manifest: manifest.csv and columns.csv, mapped by header name, every
 * field checked, rows turned into entries (entry.h).  syndic-build and
 * syndic-lint both go through sy_manifest_load, so a manifest that lints
 * clean builds clean.  syndic-links also collects every link and address
 * with its position.
 */
#ifndef SY_MANIFEST_H
#define SY_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "diag.h"
#include "entry.h"
#include "syndic.h"

/* A link or address found in the manifest or its articles. */
struct sy_occ {
	char *url;  /* as written (for e-mail fields, "mailto:addr") */
	char *abs;  /* resolved absolute URL (content links) or NULL */
	char *path; /* file where it is written */
	size_t line;
	size_t column;     /* field number in a manifest, else 0 */
	char *entry;       /* row id, or NULL */
	char *title;       /* the row's title, or NULL */
	const char *field; /* static column name */
	size_t mline;      /* manifest line of the row (for article files) */
	bool checked;      /* syntax and site rules already reported */
};

struct sy_occs {
	struct sy_occ *v;
	size_t n;
	size_t cap;
};

void sy_occs_init(struct sy_occs *o);
void sy_occs_fini(struct sy_occs *o);

/*
 * Appends a copy of the strings (abs, entry and title may be NULL; an
 * empty title is none).
 */
enum sy_err sy_occs_add(struct sy_occs *o, const char *url, const char *abs,
    const char *path, size_t line, size_t column, const char *entry,
    const char *field, size_t mline, const char *title);

struct sy_manifest_opts {
	const char *columns_path; /* NULL: columns.csv beside, if present */
	const char *tz;           /* zone of dates without one; NULL = UTC */
	const char *title;        /* default feed's metadata (flags) */
	const char *link;
	const char *description;
	const char *base_url;
	long long limit;      /* entries per feed, overrides; 0 = none */
	bool build;           /* compute content and ids for writing */
	int64_t now;          /* for "far future" (seconds since epoch) */
	struct sy_occs *occs; /* when not NULL, collect links here */
	FILE *stream;         /* when not NULL, read the manifest here */
	bool columns_only;    /* check columns_path alone, no manifest */
};

struct sy_manifest {
	char *path;
	char *dir;                /* folder of the manifest, for articles */
	struct sy_entry *entries; /* those that can still reach a feed */
	size_t n;
	size_t cap;
	size_t nrows;              /* entries read (some since let go) */
	struct sy_column *columns; /* [0] is the default feed */
	size_t ncolumns;
	bool have_columns_file;
	char *columns_path;  /* the columns file read, or NULL */
	struct sy_msrc *src; /* where deferred entries are read again */
};

/*
 * Reads and checks path (and columns.csv), appending every problem to d.
 * Returns SY_OK even when d holds errors; SY_EIO (errno set) when the
 * manifest cannot be read, SY_ENOMEM.  m is filled in every case and must
 * be released with sy_manifest_fini.
 */
enum sy_err sy_manifest_load(const char *path, const struct sy_manifest_opts *o,
    struct sy_manifest *m, struct sy_diags *d);

void sy_manifest_fini(struct sy_manifest *m);

/*
 * Lets m's entries go (m->n becomes 0) and keeps the rest (columns,
 * paths): for a caller done with the entries, and with any feed made of
 * them, that still reads the columns.
 */
void sy_manifest_drop_entries(struct sy_manifest *m);

/*
 * Groups the entries into feeds, one per column that has entries (the
 * default feed first when it has any), newest first, limited, and
 * finishes the entries that made it (URI forms, ids, article files read
 * and rendered, links made absolute): the work writing needs is done only
 * for what is written.  *feeds is an array of *n feeds, freed with
 * sy_manifest_feeds_free.  SY_EIO (errno set) when an article file can no
 * longer be read.
 */
enum sy_err sy_manifest_feeds(struct sy_manifest *m,
    const struct sy_manifest_opts *o, struct sy_feed **feeds, size_t *n);
void sy_manifest_feeds_free(struct sy_feed *feeds, size_t n);

/*
 * The block sy_manifest_fill reads a range's rows into, kept by a caller
 * that fills one range after another on a thread: zeroed at first, let
 * go with sy_span_free.  Made anew each time, it cost a mapping and its
 * page faults (about 140 KiB a slice of 64 rows).
 */
struct sy_span {
	char *data;
	size_t cap;
};

void sy_span_free(struct sy_span *s);

/*
 * The entries of a column without a limit may be deferred (entry.h): in
 * a feed, f->entries[i..j) are then only partial until sy_manifest_fill
 * reads them again from the manifest and finishes them (the others are
 * left as they are); sy_manifest_unfill lets their text go again, so
 * that memory holds a part of a feed at a time.  SY_EIO (errno set) when
 * the manifest changed since it was loaded (EAGAIN) or an article file
 * can no longer be read.  Both work on the calling thread and may run on
 * several threads at once for ranges that do not overlap (the manifest
 * is read again with pread).  span (NULL: one of its own) is the
 * block the rows go through; two calls at once take two.
 */
enum sy_err sy_manifest_fill(struct sy_manifest *m, const struct sy_feed *f,
    size_t i, size_t j, struct sy_span *span);
void sy_manifest_unfill(
    struct sy_manifest *m, const struct sy_feed *f, size_t i, size_t j);

#endif
