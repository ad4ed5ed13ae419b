/* build.c: manifest to feed files, all or nothing. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <libxml/parser.h>

#include "buf.h"
#include "build.h"
#include "feedwrite.h"
#include "fsutil.h"
#include "par.h"
#include "util.h"

static const struct {
	unsigned flag;
	const char *name;
	const char *file;
	enum sy_err (*write)(const struct sy_feed *, FILE *);
	unsigned cost; /* per entry, relative (callgrind, 10,000 entries) */
} formats[] = {
    {SY_BUILD_RSS, "rss", "rss.xml", sy_rss_write, 4},
    {SY_BUILD_ATOM, "atom", "atom.xml", sy_atom_write, 5},
    {SY_BUILD_JSON, "json", "feed.json", sy_json_write, 9},
};

int
sy_build_parse_formats(const char *s, unsigned *out)
{
	unsigned f = 0;
	size_t i, n;

	while (*s != '\0') {
		n = strcspn(s, ",");
		for (i = 0; i < SY_NELEM(formats); i++) {
			if (strlen(formats[i].name) == n &&
			    strncmp(s, formats[i].name, n) == 0)
				break;
		}
		if (i == SY_NELEM(formats))
			return -1;
		f |= formats[i].flag;
		s += n;
		if (*s == ',')
			s++;
	}
	if (f == 0)
		return -1;
	*out = f;
	return 0;
}

/* sy_feed_check as a parallel job; the writers act on its answer. */
static enum sy_err
check_one(size_t i, void *arg)
{
	(void)sy_feed_check((struct sy_feed *)arg + i);
	return SY_OK;
}

/* Writing one file: a (feed, format) pair. */
struct job {
	const struct sy_feed *feed;
	size_t fmt; /* into formats[] */
	char *path;
	struct sy_atomic *tmp;
	size_t seq;              /* place in the order of the feeds */
	unsigned long long work; /* its estimated cost */
};

/*
 * The biggest jobs first, so that no large one starts last while the
 * other threads sit idle; ties in the order of the feeds.
 */
static int
by_work(const void *pa, const void *pb)
{
	const struct job *a = pa, *b = pb;

	if (a->work != b->work)
		return a->work > b->work ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/*
 * A feed without self links (no base_url for its column, no --base-url)
 * is valid but draws the W3C validator's warning: say so, and where the
 * URL would go.
 */
static void
warn_no_self(
    const struct sy_manifest *m, const struct sy_feed *f, struct sy_diags *d)
{
	const struct sy_column *c = f->col;
	struct sy_pos pos = {m->path, 0, 0};

	if (f->self_rss != NULL)
		return;
	if (*c->slug == '\0') {
		sy_diag_add(d, &pos, SY_WARNING, SY_R_FEED_SCHEMA,
		    "the default feed has no self link (rel=\"self\"), which "
		    "the W3C validator warns about: pass --base-url, the "
		    "public URL of the output folder");
	} else if (c->line > 0 && m->columns_path != NULL) {
		pos.path = m->columns_path;
		pos.line = c->line;
		pos.column = c->base_url_field;
		sy_diag_add(d, &pos, SY_WARNING, SY_R_FEED_SCHEMA,
		    "column \"%s\" has no base_url, so its feeds have no self "
		    "link (rel=\"self\"), which the W3C validator warns about: "
		    "set base_url, or pass --base-url",
		    c->slug);
	} else {
		/* Named only by the manifest: at its first row there. */
		size_t i;

		for (i = 0; i < f->n; i++)
			if (pos.line == 0 || f->entries[i]->line < pos.line)
				pos.line = f->entries[i]->line;
		sy_diag_add(d, &pos, SY_WARNING, SY_R_FEED_SCHEMA,
		    "column \"%s\" has no self link (rel=\"self\"), which the "
		    "W3C validator warns about: pass --base-url, the public "
		    "URL of the output folder, or give it a base_url in "
		    "columns.csv",
		    c->slug);
	}
}

/*
 * The jobs share nothing but the feeds, which they only read: they run in
 * parallel (sy_par_for), libxml2 and jansson having been set up first.
 */
static enum sy_err
job_run(size_t i, void *arg)
{
	struct job *j = (struct job *)arg + i;
	enum sy_err e;

	sy_atomic_sweep(j->path);
	e = sy_atomic_open(j->tmp, j->path);
	if (e == SY_OK)
		e = formats[j->fmt].write(j->feed, j->tmp->fp);
	if (e == SY_OK)
		e = sy_atomic_finish(j->tmp);
	return e;
}

void
sy_build_stats_fini(struct sy_build_stats *st)
{
	if (st == NULL)
		return;
	free(st->outdir);
	free(st->failed_path);
	memset(st, 0, sizeof(*st));
}

static void
set_failed(struct sy_build_stats *st, const char *path)
{
	int saved = errno;

	free(st->failed_path);
	st->failed_path = sy_strdup(path);
	errno = saved;
}

enum sy_err
sy_build_run(const struct sy_build_opts *o, struct sy_diags *d,
    struct sy_build_stats *st)
{
	struct sy_manifest m;
	struct sy_feed *feeds = NULL;
	struct sy_atomic *tmp = NULL;
	struct job *jobs = NULL;
	size_t nfeeds = 0, ntmp = 0, njobs = 0, i, k;
	enum sy_err e;
	int saved;

	memset(st, 0, sizeof(*st));
	if (o->outdir != NULL) {
		st->outdir = sy_strdup(o->outdir);
	} else {
		const char *slash = strrchr(o->manifest, '/');
		char *dir = slash
		    ? sy_strndup(o->manifest, (size_t)(slash - o->manifest))
		    : sy_strdup(".");

		st->outdir = dir ? sy_path_join(dir, "out") : NULL;
		free(dir);
	}
	if (st->outdir == NULL)
		return SY_ENOMEM;
	/* Global set-up of the libraries, before any thread uses them. */
	xmlInitParser();
	(void)json_object_seed(0);
	e = sy_manifest_load(o->manifest, &o->m, &m, d);
	if (e != SY_OK) {
		if (e == SY_EIO)
			set_failed(st, o->manifest);
		goto out;
	}
	st->entries = m.nrows;
	if (d->count[SY_ERROR] > 0 || (o->strict && d->count[SY_WARNING] > 0))
		goto out;
	e = sy_manifest_feeds(&m, &o->m, &feeds, &nfeeds);
	if (e != SY_OK)
		goto out;
	st->feeds = nfeeds;
	for (i = 0; i < nfeeds; i++)
		warn_no_self(&m, &feeds[i], d);
	if (o->strict && d->count[SY_WARNING] > 0)
		goto out;
	/* Checked once here (in parallel), not by each of the writers. */
	(void)sy_par_for(nfeeds, 1, check_one, feeds, NULL);
	tmp = calloc(nfeeds * SY_NELEM(formats) + 1, sizeof(*tmp));
	jobs = calloc(nfeeds * SY_NELEM(formats) + 1, sizeof(*jobs));
	if (tmp == NULL || jobs == NULL) {
		e = SY_ENOMEM;
		goto out;
	}
	/*
	 * Phase 1: every file written under a temporary name, compared with
	 * the one it replaces, and sent on its way to the disk (in parallel,
	 * see job_run); phase 2: every changed one made durable; phase 3:
	 * the renames, so no feed is replaced before all are safe.
	 */
	for (i = 0; i < nfeeds; i++) {
		char *dir = sy_path_join(st->outdir, feeds[i].col->slug);

		if (dir == NULL) {
			e = SY_ENOMEM;
			goto out;
		}
		e = sy_mkdirs(dir);
		if (e != SY_OK) {
			set_failed(st, dir);
			free(dir);
			goto out;
		}
		for (k = 0; k < SY_NELEM(formats); k++) {
			struct job *j = &jobs[njobs];

			if (!(o->formats & formats[k].flag))
				continue;
			j->path = sy_path_join(dir, formats[k].file);
			if (j->path == NULL) {
				free(dir);
				e = SY_ENOMEM;
				goto out;
			}
			j->feed = &feeds[i];
			j->fmt = k;
			j->tmp = &tmp[njobs];
			j->seq = njobs;
			j->work = (unsigned long long)(feeds[i].n + 1) *
			    formats[k].cost;
			njobs++;
		}
		free(dir);
	}
	ntmp = njobs;
	qsort(jobs, njobs, sizeof(*jobs), by_work);
	if ((e = sy_par_for(njobs, 1, job_run, jobs, &i)) != SY_OK) {
		set_failed(st, jobs[i].path);
		goto out;
	}
	for (i = 0; i < ntmp; i++) {
		if ((e = sy_atomic_sync(&tmp[i])) != SY_OK) {
			set_failed(st, tmp[i].path);
			goto out;
		}
	}
	for (i = 0; i < ntmp; i++) {
		bool changed;
		char *path = sy_strdup(tmp[i].path);

		e = sy_atomic_commit(&tmp[i], &changed);
		if (e != SY_OK) {
			set_failed(st, path);
			free(path);
			goto out;
		}
		free(path);
		st->files++;
		st->changed += changed;
	}
out:
	saved = errno;
	for (i = 0; i < ntmp; i++)
		sy_atomic_abort(&tmp[i]);
	for (i = 0; i < njobs; i++)
		free(jobs[i].path);
	free(jobs);
	free(tmp);
	sy_manifest_feeds_free(feeds, nfeeds);
	sy_manifest_fini(&m);
	errno = saved;
	return e;
}
