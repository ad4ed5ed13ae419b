/* lint.c: one file to diagnostics, manifest or feed. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "feedread.h"
#include "fsutil.h"
#include "lint.h"
#include "manifest.h"
#include "schema.h"
#include "util.h"

#define MAX_FEED (64u << 20)

/* A feed starts with "<", "{" or "[" after a BOM and white space. */
static bool
looks_like_feed(const char *data, size_t len)
{
	size_t i = 0;

	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	while (i < len && SY_ISSPACE((unsigned char)data[i]))
		i++;
	return i < len && (data[i] == '<' || data[i] == '{' || data[i] == '[');
}

static enum sy_err
lint_manifest(const char *path, FILE *stream, const struct sy_lint_opts *o,
    struct sy_diags *d)
{
	struct sy_manifest_opts mo;
	struct sy_manifest m;
	enum sy_err e;

	memset(&mo, 0, sizeof(mo));
	mo.columns_path = o->columns_path;
	mo.tz = o->tz;
	mo.now = o->now;
	mo.stream = stream;
	e = sy_manifest_load(path, &mo, &m, d);
	sy_manifest_fini(&m);
	return e;
}

/* A file named columns.csv is a columns file, not a manifest. */
static bool
is_columns_file(const char *path)
{
	const char *base = strrchr(path, '/');

	base = base != NULL ? base + 1 : path;
	return sy_strcasecmp(base, "columns.csv") == 0;
}

static enum sy_err
lint_columns(const char *path, const struct sy_lint_opts *o, struct sy_diags *d)
{
	struct sy_manifest_opts mo;
	struct sy_manifest m;
	enum sy_err e;

	if (access(path, R_OK) != 0)
		return SY_EIO;
	memset(&mo, 0, sizeof(mo));
	mo.columns_path = path;
	mo.columns_only = true;
	mo.tz = o->tz;
	mo.now = o->now;
	e = sy_manifest_load(path, &mo, &m, d);
	sy_manifest_fini(&m);
	return e;
}

enum sy_err
sy_lint_file(const char *path, const struct sy_lint_opts *o, struct sy_diags *d)
{
	struct sy_feedread_opts fo;
	char *data = NULL;
	size_t len;
	enum sy_err e;
	FILE *mem;
	bool feed;

	if (o->kind == SY_LINT_AUTO && is_columns_file(path))
		return lint_columns(path, o, d);
	if (o->kind == SY_LINT_MANIFEST ||
	    (o->kind == SY_LINT_AUTO && strcmp(path, "-") != 0 &&
	        sy_has_suffix_ci(path, ".csv")))
		return lint_manifest(path, NULL, o, d);
	e = sy_file_read(path, MAX_FEED, &data, &len);
	if (e != SY_OK)
		return e;
	feed = o->kind == SY_LINT_FEED || looks_like_feed(data, len);
	if (!feed) {
		/* Not a feed: a manifest under another name or on stdin. */
		mem = len > 0 ? fmemopen(data, len, "r")
		              : fopen("/dev/null", "r");
		if (mem == NULL) {
			free(data);
			return SY_EIO;
		}
		e = lint_manifest(path, mem, o, d);
		(void)fclose(mem); /* read only: nothing to lose */
		free(data);
		return e;
	}
	memset(&fo, 0, sizeof(fo));
	fo.schema = o->schema;
	if (o->schema == NULL) {
		fo.schema_mem = sy_atom_rng;
		fo.schema_len = sy_atom_rng_len;
	}
	fo.check_links = true;
	fo.now = o->now;
	e = sy_feedread_lint(
	    strcmp(path, "-") == 0 ? "<stdin>" : path, data, len, &fo, d);
	free(data);
	return e;
}
