/*
 * lint: the work of syndic-lint for one file.  A manifest goes through the
 * very checks syndic-build runs (manifest.h); a feed file (RSS 2.0, Atom
 * 1.0, JSON Feed 1.1) through feedread.h.  No network, ever.
 */
#ifndef SY_LINT_H
#define SY_LINT_H

#include "diag.h"
#include "syndic.h"

enum sy_lint_kind {
	SY_LINT_AUTO, /* by extension, then by content */
	SY_LINT_MANIFEST,
	SY_LINT_FEED
};

struct sy_lint_opts {
	const char *columns_path; /* for manifests; NULL = beside */
	const char *tz;           /* zone of dates without one */
	const char *schema;       /* Atom RELAX NG schema file */
	enum sy_lint_kind kind;
	long long now; /* clock for "far future"; 0 = time() */
};

/*
 * Lints path ("-" = stdin).  Problems go to d.  Returns SY_OK, SY_EIO
 * (errno set) when the file cannot be read, or another failure.
 */
enum sy_err sy_lint_file(
    const char *path, const struct sy_lint_opts *o, struct sy_diags *d);

#endif
