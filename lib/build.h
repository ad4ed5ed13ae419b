/*
 * build: the work of syndic-build.  Loads and checks the manifest; when it
 * holds no error, writes every feed of every column atomically: all the
 * temporary files are written and synced first, then renamed, so a
 * failure part-way leaves every previous feed as it was.
 */
#ifndef SY_BUILD_H
#define SY_BUILD_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "manifest.h"
#include "syndic.h"

enum {
	SY_BUILD_RSS = 1 << 0,
	SY_BUILD_ATOM = 1 << 1,
	SY_BUILD_JSON = 1 << 2,
	SY_BUILD_ALL = 7
};

struct sy_build_opts {
	const char *manifest;
	const char *outdir; /* NULL: "out" beside the manifest */
	unsigned formats;   /* SY_BUILD_* */
	bool strict;        /* a warning stops the build as an error does */
	bool record; /* keep a record of clean builds and trust it (stamp.h) */
	bool force;  /* build even when the record says nothing changed */
	struct sy_manifest_opts m;
};

struct sy_build_stats {
	size_t entries;
	size_t feeds;
	size_t files;
	size_t changed;
	char *outdir;      /* where the feeds went */
	char *failed_path; /* the file an SY_EIO concerns, or NULL */
};

/*
 * Returns SY_OK when the manifest was read (d says whether it had errors;
 * with errors nothing is written), or the failure.  On SY_EIO errno is set
 * and st->failed_path names the file; SY_ELIB: libcurl or libxml2 could
 * not be loaded (sy_dl_error()).  With o->record, a run that finds
 * nothing changed since the last clean build returns SY_OK at once,
 * having read and written nothing, with that build's st (stamp.h).
 */
enum sy_err sy_build_run(const struct sy_build_opts *o, struct sy_diags *d,
    struct sy_build_stats *st);
void sy_build_stats_fini(struct sy_build_stats *st);

/* Parses "rss,atom,json"; returns 0 or -1. */
int sy_build_parse_formats(const char *s, unsigned *out);

#endif
