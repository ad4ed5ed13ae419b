/*
 * manifest.h: the manifest targets' shared half (fuzz_manifest.c and
 * fuzz_roundtrip.c).  The input is split at "\n%%\n" into up to three
 * files in a private temporary folder: manifest.csv, columns.csv (absent
 * when there is no second part) and an article written both as a.md and
 * a.html.  The manifest is loaded as syndic-build does (build on, a fixed
 * "now", default feed metadata from flags); when it holds no error its
 * feeds are made and written in the three formats to memory streams.
 */
#ifndef SY_FUZZ_MANIFEST_H
#define SY_FUZZ_MANIFEST_H

#include <errno.h>
#include <stdbool.h>
#include <unistd.h>

#include "lib/diag.h"
#include "lib/entry.h"
#include "lib/feedwrite.h"
#include "lib/manifest.h"
#include "tests/fuzz/fuzz.h"

#define FZ_SPLIT "\n%%\n"

static char fz_dir[256];
static char fz_manifest[300], fz_columns[300], fz_md[300], fz_html[300];

static void
fz_cleanup(void)
{
	unlink(fz_manifest);
	unlink(fz_columns);
	unlink(fz_md);
	unlink(fz_html);
	rmdir(fz_dir);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = getenv("TMPDIR");

	(void)argc;
	(void)argv;
	snprintf(fz_dir, sizeof(fz_dir), "%s/syndic-fuzz.XXXXXX",
	    tmp != NULL && strlen(tmp) < 200 ? tmp : "/tmp");
	if (mkdtemp(fz_dir) == NULL) {
		perror("mkdtemp");
		abort();
	}
	snprintf(fz_manifest, sizeof(fz_manifest), "%s/manifest.csv", fz_dir);
	snprintf(fz_columns, sizeof(fz_columns), "%s/columns.csv", fz_dir);
	snprintf(fz_md, sizeof(fz_md), "%s/a.md", fz_dir);
	snprintf(fz_html, sizeof(fz_html), "%s/a.html", fz_dir);
	atexit(fz_cleanup);
	return 0;
}

static void
fz_write(const char *path, const uint8_t *p, size_t n)
{
	FILE *fp = fopen(path, "wb");

	if (fp == NULL || (n > 0 && fwrite(p, 1, n, fp) != n) ||
	    fclose(fp) != 0) {
		perror(path);
		abort();
	}
}

static const uint8_t *
fz_next(const uint8_t *p, size_t n, size_t *len)
{
	const size_t k = sizeof(FZ_SPLIT) - 1;
	const uint8_t *q = NULL;
	size_t i;

	for (i = 0; i + k <= n; i++) {
		if (memcmp(p + i, FZ_SPLIT, k) == 0) {
			q = p + i;
			break;
		}
	}
	*len = q != NULL ? (size_t)(q - p) : n;
	return q != NULL ? q + sizeof(FZ_SPLIT) - 1 : NULL;
}

/* The three formats of one feed, each in its own memory buffer. */
struct fz_out {
	char *buf[3];
	size_t len[3];
};

static void
fz_out_fini(struct fz_out *w)
{
	size_t i;

	for (i = 0; i < 3; i++)
		free(w->buf[i]);
	memset(w, 0, sizeof(*w));
}

static enum sy_err (*const fz_writers[3])(const struct sy_feed *, FILE *) = {
    sy_rss_write, sy_atom_write, sy_json_write};

/*
 * Writes feed f in the three formats into w.  A manifest without errors
 * must give feeds every writer accepts.
 */
static void
fz_write_feed(const struct sy_feed *f, struct fz_out *w)
{
	size_t i;

	for (i = 0; i < 3; i++) {
		FILE *fp = open_memstream(&w->buf[i], &w->len[i]);
		enum sy_err e;

		if (fp == NULL)
			abort();
		e = fz_writers[i](f, fp);
		if (fclose(fp) != 0)
			abort();
		if (e != SY_OK) {
			fprintf(stderr,
			    "writer %zu: %s on a feed of a manifest "
			    "without errors\n",
			    i, sy_strerror(e));
			abort();
		}
	}
}

typedef void (*fz_feed_fn)(const struct sy_feed *f, const struct fz_out *w);

static void
fz_print_diags(const struct sy_diags *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		fprintf(stderr, "%s:%zu:%zu: %d: %s [%d]\n", d->v[i].path,
		    d->v[i].line, d->v[i].column, (int)d->v[i].severity,
		    d->v[i].message, (int)d->v[i].rule);
}

static void
fz_manifest_run(const uint8_t *data, size_t size, fz_feed_fn fn)
{
	struct sy_manifest_opts o;
	struct sy_manifest m;
	struct sy_diags d;
	struct sy_feed *feeds = NULL;
	size_t nfeeds = 0, len, i;
	const uint8_t *p;
	enum sy_err e;

	unlink(fz_columns);
	unlink(fz_md);
	unlink(fz_html);
	p = fz_next(data, size, &len);
	fz_write(fz_manifest, data, len);
	if (p != NULL) {
		size = size - (size_t)(p - data);
		data = p;
		p = fz_next(data, size, &len);
		fz_write(fz_columns, data, len);
		if (p != NULL) {
			size = size - (size_t)(p - data);
			fz_write(fz_md, p, size);
			fz_write(fz_html, p, size);
		}
	}
	memset(&o, 0, sizeof(o));
	o.title = "Fuzz";
	o.link = "https://fuzz.example.org/";
	o.description = "Fuzzed manifest";
	o.base_url = "https://feeds.example.org/";
	o.build = true;
	o.now = FZ_NOW;
	sy_diags_init(&d);
	e = sy_manifest_load(fz_manifest, &o, &m, &d);
	if (e != SY_OK || d.count[SY_ERROR] > 0)
		goto out;
	e = sy_manifest_feeds(&m, &o, &feeds, &nfeeds);
	if (e != SY_OK) {
		fprintf(stderr, "sy_manifest_feeds: %s\n", sy_strerror(e));
		fz_print_diags(&d);
		abort();
	}
	for (i = 0; i < nfeeds; i++) {
		struct fz_out w;

		/*
		 * The entries of a column without a limit are read again
		 * as they are written (syndic-build: a part at a time): all
		 * at once here.  The manifest file is still there.
		 */
		e = sy_manifest_fill(&m, &feeds[i], 0, feeds[i].n, NULL);
		if (e != SY_OK) {
			fprintf(
			    stderr, "sy_manifest_fill: %s\n", sy_strerror(e));
			abort();
		}
		memset(&w, 0, sizeof(w));
		fz_write_feed(&feeds[i], &w);
		if (fn != NULL)
			fn(&feeds[i], &w);
		fz_out_fini(&w);
		sy_manifest_unfill(&m, &feeds[i], 0, feeds[i].n);
	}
out:
	sy_manifest_feeds_free(feeds, nfeeds);
	sy_manifest_fini(&m);
	sy_diags_fini(&d);
}

#endif
