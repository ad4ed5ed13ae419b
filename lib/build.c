/* build.c: manifest to feed files, all or nothing. */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "buf.h"
#include "build.h"
#include "csvread.h"
#include "dl.h"
#include "feedwrite.h"
#include "fsutil.h"
#include "par.h"
#include "stamp.h"
#include "util.h"

static const struct {
	unsigned flag;
	const char *name;
	const char *file;
	const struct sy_writer *w;
} formats[] = {
    {SY_BUILD_RSS, "rss", "rss.xml", &sy_rss_writer},
    {SY_BUILD_ATOM, "atom", "atom.xml", &sy_atom_writer},
    {SY_BUILD_JSON, "json", "feed.json", &sy_json_writer},
};

/*
 * A feed's entries are written SLICE at a time: slice g, entries from
 * g * SLICE, is read again, finished, checked, written in every format
 * into slot g % RING and let go on whichever thread takes it (in
 * increasing order), while the slices made are appended to the files in
 * their order, by one thread at a time, which frees their slots.  Memory
 * holds RING slices, not the feed; no thread waits for a batch of slices
 * to end together (one parallel loop a feed: a worker on each thread).
 * Two workers keep about three slots busy: with 32, the build took 12
 * MiB more and no less time (the slots' blocks less often in the cache).
 */
#define SLICE 64
#define RING 8

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

/* Writing one file: a (feed, format) pair, a slice at a time. */
struct job {
	size_t fmt; /* into formats[] */
	char *path;
	struct sy_atomic *tmp;
	struct sy_out out; /* the head and the end, on their way to tmp */
	bool open;
};

/* Slice g's blocks in every format, and the rows read again for it. */
struct slot {
	struct sy_out out[SY_NELEM(formats)];
	struct sy_span span;
	bool done; /* made, not yet appended (under the stream's mu) */
};

/* A feed being written: its slices made and appended (stream_item). */
struct stream {
	struct sy_manifest *m;
	struct sy_feed *f;
	struct job *js;
	size_t nj;
	size_t n; /* slices */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	/* under mu */
	size_t next;     /* the slice made next */
	size_t appended; /* slices appended, in order */
	bool appending;  /* a thread appends (the files take them in order) */
	size_t fail;     /* the lowest failing slice, or SIZE_MAX: none */
	enum sy_err err; /* its failure, errno then, and the job that failed */
	int errnum;      /* (SIZE_MAX: reading the rows again) */
	size_t bad;
	struct slot slot[RING];
};

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
 * Slice g: its entries read again and finished, checked, written in every
 * format into its slot, and let go.  Slices share the feed and the
 * manifest, each touching only its own entries.  *bad: see stream.
 */
static enum sy_err
slice_make(struct stream *p, size_t g, size_t *bad)
{
	struct slot *sl = &p->slot[g % RING];
	size_t a = g * SLICE, b = a + SLICE < p->f->n ? a + SLICE : p->f->n;
	size_t k, i;
	enum sy_err e;

	*bad = SIZE_MAX;
	if ((e = sy_manifest_fill(p->m, p->f, a, b, &sl->span)) != SY_OK)
		return e;
	*bad = 0;
	if (!sy_feed_entries_are_writable(p->f, a, b))
		e = SY_EINVAL;
	for (k = 0; k < p->nj && e == SY_OK; k++) {
		struct sy_out *o = &sl->out[k];

		*bad = k;
		sy_out_reset(o);
		for (i = a; i < b && e == SY_OK && o->err == SY_OK; i++)
			e = formats[p->js[k].fmt].w->item(o, p->f, i);
		if (e == SY_OK)
			e = o->err;
	}
	sy_manifest_unfill(p->m, p->f, a, b);
	return e;
}

/*
 * A slot made, appended to every file (sy_atomic_write: the disk takes a
 * file's bytes as they come).
 */
static enum sy_err
slice_append(struct stream *p, const struct slot *sl, size_t *bad)
{
	size_t k;
	enum sy_err e;

	for (k = 0; k < p->nj; k++) {
		*bad = k;
		e = sy_atomic_write(
		    p->js[k].tmp, sl->out[k].data, sl->out[k].len);
		if (e != SY_OK)
			return e;
	}
	return SY_OK;
}

/*
 * Slice g failed with e, errno errnum (under mu): the lowest failure is
 * the answer, and no slice is made after one.
 */
static void
stream_fail(struct stream *p, size_t g, enum sy_err e, int errnum, size_t bad)
{
	if (g < p->fail) {
		p->fail = g;
		p->err = e;
		p->errnum = errnum;
		p->bad = bad;
	}
	pthread_cond_broadcast(&p->cv);
}

/*
 * A worker: appends the next slice when it is made and no one else
 * appends, else makes the next slice while its slot is free, else waits.
 * After a failure no slice is made, but those before it are still made
 * and appended, so that the failure told is the first, whatever the
 * timing (an append's failure too: it is its slice's).
 */
static enum sy_err
stream_item(size_t i, void *arg)
{
	struct stream *p = arg;
	struct slot *sl;
	size_t g, bad;
	enum sy_err e;
	int errnum;

	(void)i;
	pthread_mutex_lock(&p->mu);
	while ((g = p->appended) < p->n && g < p->fail) {
		sl = &p->slot[g % RING];
		if (!p->appending && g < p->next && sl->done) {
			p->appending = true;
			pthread_mutex_unlock(&p->mu);
			e = slice_append(p, sl, &bad);
			errnum = errno;
			pthread_mutex_lock(&p->mu);
			p->appending = false;
			if (e != SY_OK) {
				stream_fail(p, g, e, errnum, bad);
				continue;
			}
			sl->done = false;
			p->appended++;
			pthread_cond_broadcast(&p->cv);
		} else if (p->fail == SIZE_MAX && p->next < p->n &&
		    p->next - p->appended < RING) {
			g = p->next++;
			pthread_mutex_unlock(&p->mu);
			e = slice_make(p, g, &bad);
			errnum = errno;
			pthread_mutex_lock(&p->mu);
			if (e != SY_OK) {
				stream_fail(p, g, e, errnum, bad);
				continue;
			}
			p->slot[g % RING].done = true;
			pthread_cond_broadcast(&p->cv);
		} else {
			pthread_cond_wait(&p->cv, &p->mu);
		}
	}
	pthread_mutex_unlock(&p->mu);
	return SY_OK;
}

/* What job j's out holds (a head, an end) to its file. */
static enum sy_err
job_flush(struct job *j)
{
	enum sy_err e = j->out.err;

	if (e == SY_OK)
		e = sy_atomic_write(j->tmp, j->out.data, j->out.len);
	sy_out_reset(&j->out);
	return e;
}

/* The slots' blocks, kept from feed to feed (they grow once). */
static struct stream *
stream_new(void)
{
	struct stream *p = calloc(1, sizeof(*p));
	size_t s, k;

	if (p == NULL || pthread_mutex_init(&p->mu, NULL) != 0) {
		free(p);
		return NULL;
	}
	if (pthread_cond_init(&p->cv, NULL) != 0) {
		pthread_mutex_destroy(&p->mu);
		free(p);
		return NULL;
	}
	for (s = 0; s < RING; s++)
		for (k = 0; k < SY_NELEM(formats); k++)
			sy_out_init(&p->slot[s].out[k], NULL);
	return p;
}

static void
stream_free(struct stream *p)
{
	size_t s, k;

	if (p == NULL)
		return;
	for (s = 0; s < RING; s++) {
		for (k = 0; k < SY_NELEM(formats); k++)
			sy_out_fini(&p->slot[s].out[k]);
		sy_span_free(&p->slot[s].span);
	}
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->mu);
	free(p);
}

/* True when the files at paths a and b are in the same folder. */
static bool
same_folder(const char *a, const char *b)
{
	const char *sa = strrchr(a, '/'), *sb = strrchr(b, '/');

	if (sa == NULL || sb == NULL)
		return sa == sb;
	return sa - a == sb - b && memcmp(a, b, (size_t)(sa - a)) == 0;
}

/*
 * Writes feed f's files (jobs js[0..nj), one per format) under their
 * temporary names, with p's blocks: the heads, then the entries a slice
 * at a time (stream_item on every thread), then the ends.  *bad is the
 * job that failed, or SIZE_MAX when reading the entries again failed.
 */
static enum sy_err
write_feed(struct stream *p, struct sy_manifest *m, struct sy_feed *f,
    struct job *js, size_t nj, size_t *bad)
{
	enum sy_err e = SY_OK;
	size_t i, k;

	*bad = 0;
	if (!sy_feed_head_is_writable(f))
		return SY_EINVAL;
	p->m = m;
	p->f = f;
	p->js = js;
	p->nj = nj;
	p->n = (f->n + SLICE - 1) / SLICE;
	p->next = 0;
	p->appended = 0;
	p->appending = false;
	p->fail = SIZE_MAX;
	for (i = 0; i < RING; i++)
		p->slot[i].done = false;
	for (k = 0; k < nj && e == SY_OK; k++) {
		*bad = k;
		sy_atomic_sweep(js[k].path);
		if ((e = sy_atomic_open(js[k].tmp, js[k].path)) != SY_OK)
			break;
		sy_out_init(&js[k].out, NULL);
		js[k].open = true;
		if ((e = js[k].out.err) == SY_OK)
			e = formats[js[k].fmt].w->begin(&js[k].out, f);
		if (e == SY_OK)
			e = job_flush(&js[k]);
	}
	/* A worker a thread, as many as there are slices (or processors). */
	if (e == SY_OK && p->n > 0) {
		(void)sy_par_for(p->n < SY_PAR_MAX ? p->n : SY_PAR_MAX, 1,
		    stream_item, p, NULL);
		if (p->fail != SIZE_MAX) {
			*bad = p->bad;
			errno = p->errnum;
			e = p->err;
		}
	}
	for (k = 0; k < nj && e == SY_OK; k++) {
		*bad = k;
		formats[js[k].fmt].w->end(&js[k].out, f);
		if ((e = job_flush(&js[k])) == SY_OK)
			e = sy_atomic_finish_bg(js[k].tmp);
	}
	for (i = 0; i < nj; i++)
		if (js[i].open) {
			sy_out_fini(&js[i].out);
			js[i].open = false;
		}
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
	struct stream *stream = NULL;
	struct sy_stamp stamp;
	size_t nfeeds = 0, ntmp = 0, njobs = 0, i, k;
	enum sy_err e;
	int saved;
	bool renamed;

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
	/* Nothing changed since the last clean build: nothing to do. */
	sy_stamp_init(&stamp, o, st->outdir);
	if (!o->force && sy_stamp_fresh(&stamp, st)) {
		sy_stamp_fini(&stamp);
		return SY_OK;
	}
	/*
	 * libcurl checks every row's URLs: it is opened here, so that its
	 * absence stops the build before anything is read.  libxml2,
	 * libidn2 and libcmark are opened where first needed (dl.h: once,
	 * whichever thread comes first): rows that need none of them do
	 * not pay for them (libxml2 alone takes 4 ms to open, 3% of a
	 * 100,000-row build with limits).  A missing one that is needed
	 * fails the build all the same, before any file is replaced.
	 */
	if ((e = sy_dl_curl()) != SY_OK) {
		sy_stamp_fini(&stamp);
		return e;
	}
	(void)json_object_seed(0);
	sy_stamp_begin(&stamp, o);
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
	if (e != SY_OK) {
		if (e == SY_EIO && errno == EAGAIN)
			set_failed(st, o->manifest);
		goto out;
	}
	st->feeds = nfeeds;
	for (i = 0; i < nfeeds; i++)
		warn_no_self(&m, &feeds[i], d);
	if (o->strict && d->count[SY_WARNING] > 0)
		goto out;
	tmp = calloc(nfeeds * SY_NELEM(formats) + 1, sizeof(*tmp));
	jobs = calloc(nfeeds * SY_NELEM(formats) + 1, sizeof(*jobs));
	stream = stream_new();
	if (tmp == NULL || jobs == NULL || stream == NULL) {
		e = SY_ENOMEM;
		goto out;
	}
	/*
	 * Phase 1: every file written under a temporary name, compared with
	 * the one it replaces, and sent on its way to the disk (a feed at a
	 * time, its formats in parallel, see write_feed); phase 2: every
	 * changed one made durable; phase 3: the renames, so no feed is
	 * replaced before all are safe.
	 */
	for (i = 0; i < nfeeds; i++) {
		char *dir = sy_path_join(st->outdir, feeds[i].col->slug);
		size_t first = njobs, bad;

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
			j->fmt = k;
			j->tmp = &tmp[njobs];
			njobs++;
		}
		free(dir);
		ntmp = njobs;
		e = write_feed(
		    stream, &m, &feeds[i], jobs + first, njobs - first, &bad);
		if (e != SY_OK) {
			/* The manifest changed, or an article went away. */
			if (bad == SIZE_MAX && e == SY_EIO && errno == EAGAIN)
				set_failed(st, o->manifest);
			else if (bad != SIZE_MAX)
				set_failed(st, jobs[first + bad].path);
			goto out;
		}
	}
	/*
	 * The entries are let go now, while the disk flushes the last
	 * feed's files (sy_atomic_finish started their fsync): the wait
	 * below is shorter by that much.
	 */
	sy_manifest_feeds_free(feeds, nfeeds);
	feeds = NULL;
	nfeeds = 0;
	sy_manifest_drop_entries(&m);
	for (i = 0; i < ntmp; i++) {
		if ((e = sy_atomic_sync(&tmp[i])) != SY_OK) {
			set_failed(st, tmp[i].path);
			goto out;
		}
	}
	/*
	 * A feed's files share a folder: its fsync, which makes their
	 * renames durable, comes once after the last of them (not once a
	 * file), and only if one was renamed.
	 */
	for (i = 0, renamed = false; i < ntmp; i++) {
		bool changed;
		char *path = sy_strdup(tmp[i].path);

		e = sy_atomic_rename(&tmp[i], &changed);
		renamed |= e == SY_OK && changed;
		if (renamed &&
		    (e != SY_OK || i + 1 == ntmp ||
		        !same_folder(jobs[i].path, jobs[i + 1].path))) {
			sy_fsync_folder(jobs[i].path);
			renamed = false;
		}
		if (e != SY_OK) {
			set_failed(st, path);
			free(path);
			goto out;
		}
		free(path);
		st->files++;
		st->changed += changed;
	}
	/* A clean build is recorded for the next run's check. */
	if (d->n == 0) {
		for (i = 0; i < njobs; i++)
			sy_stamp_output(&stamp, jobs[i].path);
		sy_stamp_save(&stamp, o, &m, st);
	}
out:
	saved = errno;
	for (i = 0; i < ntmp; i++)
		sy_atomic_abort(&tmp[i]);
	for (i = 0; i < njobs; i++)
		free(jobs[i].path);
	free(jobs);
	free(tmp);
	stream_free(stream);
	sy_atomic_release();
	sy_csv_release(); /* what reading the rows again kept */
	sy_manifest_feeds_free(feeds, nfeeds);
	sy_manifest_fini(&m);
	sy_stamp_fini(&stamp);
	errno = saved;
	return e;
}
