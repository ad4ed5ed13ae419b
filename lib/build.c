/* build.c: manifest to feed files, all or nothing. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <libxml/parser.h>

#include "buf.h"
#include "build.h"
#include "feedwrite.h"
#include "fsutil.h"
#include "util.h"

static const struct {
	unsigned flag;
	const char *name;
	const char *file;
	enum sy_err (*write)(const struct sy_feed *, FILE *);
} formats[] = {
    {SY_BUILD_RSS, "rss", "rss.xml", sy_rss_write},
    {SY_BUILD_ATOM, "atom", "atom.xml", sy_atom_write},
    {SY_BUILD_JSON, "json", "feed.json", sy_json_write},
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

/*
 * Writing the files.  Each (feed, format) pair is a job; the jobs share
 * nothing but the feeds, which are only read, so they run on as many
 * threads as there are processors (at most MAX_WRITERS), the caller's
 * one included.  The first failure stops the taking of new jobs; the one
 * reported is the failure of the earliest job, whatever the timing.
 */
#define MAX_WRITERS 4

struct job {
	const struct sy_feed *feed;
	size_t fmt; /* into formats[] */
	char *path;
	struct sy_atomic *tmp;
	enum sy_err err;
	int errnum;
};

struct jobs {
	struct job *v;
	size_t n;
	size_t next; /* the next job to take, under mu */
	bool stop;   /* a job failed, under mu */
	pthread_mutex_t mu;
};

static void
job_run(struct job *j)
{
	enum sy_err e;

	sy_atomic_sweep(j->path);
	e = sy_atomic_open(j->tmp, j->path);
	if (e == SY_OK)
		e = formats[j->fmt].write(j->feed, j->tmp->fp);
	if (e == SY_OK)
		e = sy_atomic_finish(j->tmp);
	j->err = e;
	j->errnum = e == SY_OK ? 0 : errno;
}

static void *
writer_main(void *arg)
{
	struct jobs *js = arg;
	size_t i;

	for (;;) {
		pthread_mutex_lock(&js->mu);
		if (js->stop || js->next == js->n) {
			pthread_mutex_unlock(&js->mu);
			return NULL;
		}
		i = js->next++;
		pthread_mutex_unlock(&js->mu);
		job_run(&js->v[i]);
		if (js->v[i].err != SY_OK) {
			pthread_mutex_lock(&js->mu);
			js->stop = true;
			pthread_mutex_unlock(&js->mu);
		}
	}
}

/* Runs every job; the index of the first that failed, or js->n. */
static size_t
jobs_run(struct jobs *js)
{
	pthread_t th[MAX_WRITERS - 1];
	size_t nth = 0, want, i;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	want = ncpu < 1 ? 1 : ncpu > MAX_WRITERS ? MAX_WRITERS : (size_t)ncpu;
	if (want > js->n)
		want = js->n;
	if (want > 1) {
		/* Their global set-up, once, before any thread uses them. */
		xmlInitParser();
		(void)json_object_seed(0);
	}
	if (pthread_mutex_init(&js->mu, NULL) != 0)
		want = 0; /* no threads; the jobs run below, one by one */
	for (; nth + 1 < want; nth++)
		if (pthread_create(&th[nth], NULL, writer_main, js) != 0)
			break; /* fewer helpers, same result */
	if (want == 0) {
		for (i = 0; i < js->n; i++) {
			job_run(&js->v[i]);
			if (js->v[i].err != SY_OK)
				return i;
		}
		return js->n;
	}
	(void)writer_main(js);
	for (i = 0; i < nth; i++)
		pthread_join(th[i], NULL);
	pthread_mutex_destroy(&js->mu);
	for (i = 0; i < js->n; i++)
		if (js->v[i].err != SY_OK)
			return i;
	return js->n;
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
	struct jobs js = {0};
	size_t nfeeds = 0, ntmp = 0, i, k;
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
	e = sy_manifest_load(o->manifest, &o->m, &m, d);
	if (e != SY_OK) {
		if (e == SY_EIO)
			set_failed(st, o->manifest);
		goto out;
	}
	st->entries = m.nrows;
	if (d->count[SY_ERROR] > 0)
		goto out;
	e = sy_manifest_feeds(&m, &o->m, &feeds, &nfeeds);
	if (e != SY_OK)
		goto out;
	st->feeds = nfeeds;
	tmp = calloc(nfeeds * SY_NELEM(formats) + 1, sizeof(*tmp));
	js.v = calloc(nfeeds * SY_NELEM(formats) + 1, sizeof(*js.v));
	if (tmp == NULL || js.v == NULL) {
		e = SY_ENOMEM;
		goto out;
	}
	/*
	 * Phase 1: every file written under a temporary name, compared with
	 * the one it replaces, and sent on its way to the disk (in parallel,
	 * see jobs_run); phase 2: every changed one made durable; phase 3:
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
			struct job *j = &js.v[js.n];

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
			j->tmp = &tmp[js.n];
			js.n++;
		}
		free(dir);
	}
	ntmp = js.n;
	if ((i = jobs_run(&js)) < js.n) {
		e = js.v[i].err;
		errno = js.v[i].errnum;
		set_failed(st, js.v[i].path);
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
	for (i = 0; i < js.n; i++)
		free(js.v[i].path);
	free(js.v);
	free(tmp);
	sy_manifest_feeds_free(feeds, nfeeds);
	sy_manifest_fini(&m);
	errno = saved;
	return e;
}
