/* build.c: manifest to feed files, all or nothing. */
#include <errno.h>
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
 * Entries per part: a feed is read again, finished, written and let go
 * this many entries at a time (sy_manifest_fill), so that memory holds
 * two parts, not the feed.  A part is cut into slices of SLICE entries,
 * each read, finished, written in every format and let go on one thread
 * (sy_par_for), many slices to a thread so that they end together; the
 * part before it goes to the files meanwhile, as one more item of the
 * same loop (the slices' bytes in two sets that take turns).
 */
#define PART 1024
#define SLICE 64
#define NSLICE (PART / SLICE)

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

/* Writing one file: a (feed, format) pair, a part at a time. */
struct job {
	size_t fmt; /* into formats[] */
	char *path;
	struct sy_atomic *tmp;
	struct sy_out out; /* the head and the end, on their way to tmp */
	bool open;
};

/*
 * A feed being written, a round at a time: the round's part, entries
 * [from, to), is made into set cur (slice s's bytes in format k go to
 * buf[cur][s][k]) while the part before it, wns slices in the other set,
 * is appended to the files.
 */
struct part {
	struct sy_manifest *m;
	struct sy_feed *f;
	struct job *js;
	size_t nj;
	size_t from, to;
	size_t cur;
	size_t wns;  /* slices of the set 1 - cur to append; 0: none */
	size_t wbad; /* the job whose append failed */
	struct sy_out buf[2][NSLICE][SY_NELEM(formats)];
	/* the failure of each slice: SIZE_MAX reading again, else the job */
	size_t bad[NSLICE];
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
 * Slice s of the part: its entries read again and finished, checked,
 * written in every format of the feed, and let go.  Slices share the
 * feed and the manifest, each touching only its own entries.
 */
static enum sy_err
part_slice(struct part *p, size_t s)
{
	size_t a = p->from + s * SLICE,
	       b = a + SLICE < p->to ? a + SLICE : p->to;
	size_t k, i;
	enum sy_err e;

	p->bad[s] = SIZE_MAX;
	if ((e = sy_manifest_fill(p->m, p->f, a, b)) != SY_OK)
		return e;
	p->bad[s] = 0;
	if (!sy_feed_entries_are_writable(p->f, a, b))
		e = SY_EINVAL;
	for (k = 0; k < p->nj && e == SY_OK; k++) {
		p->bad[s] = k;
		struct sy_out *o = &p->buf[p->cur][s][k];

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
 * The part before, in the set that is not cur, appended to every file
 * in order (sy_atomic_write: the disk takes a file's bytes as they come).
 */
static enum sy_err
part_append(struct part *p)
{
	const struct sy_out *o;
	size_t k, s;
	enum sy_err e;

	for (k = 0; k < p->nj; k++) {
		p->wbad = k;
		for (s = 0; s < p->wns; s++) {
			o = &p->buf[1 - p->cur][s][k];
			if ((e = sy_atomic_write(
			         p->js[k].tmp, o->data, o->len)) != SY_OK)
				return e;
		}
	}
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

/* Item i of a round: the append of the part before first, if any. */
static enum sy_err
part_item(size_t i, void *arg)
{
	struct part *p = arg;

	if (p->wns > 0) {
		if (i == 0)
			return part_append(p);
		i--;
	}
	return part_slice(p, i);
}

/* The slices' blocks, kept from feed to feed (they grow once). */
static struct part *
part_new(void)
{
	struct part *p = calloc(1, sizeof(*p));
	size_t t, s, k;

	if (p == NULL)
		return NULL;
	for (t = 0; t < 2; t++)
		for (s = 0; s < NSLICE; s++)
			for (k = 0; k < SY_NELEM(formats); k++)
				sy_out_init(&p->buf[t][s][k], NULL);
	return p;
}

static void
part_free(struct part *p)
{
	size_t t, s, k;

	if (p == NULL)
		return;
	for (t = 0; t < 2; t++)
		for (s = 0; s < NSLICE; s++)
			for (k = 0; k < SY_NELEM(formats); k++)
				sy_out_fini(&p->buf[t][s][k]);
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
 * temporary names, with p's blocks: the heads, then each part of the
 * entries (a round: its slices made while the part before is appended),
 * then the ends.  *bad is the job that failed, or SIZE_MAX when reading
 * the entries again failed.
 */
static enum sy_err
write_feed(struct part *p, struct sy_manifest *m, struct sy_feed *f,
    struct job *js, size_t nj, size_t *bad)
{
	enum sy_err e = SY_OK;
	size_t i, k, ns, failed;

	*bad = 0;
	if (!sy_feed_head_is_writable(f))
		return SY_EINVAL;
	p->m = m;
	p->f = f;
	p->js = js;
	p->nj = nj;
	p->cur = 0;
	p->wns = 0;
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
	/* Rounds until the last part is made and appended. */
	for (p->from = 0; e == SY_OK; p->from = p->to) {
		p->to = f->n - p->from > PART ? p->from + PART : f->n;
		ns = (p->to - p->from + SLICE - 1) / SLICE;
		if (ns == 0 && p->wns == 0)
			break;
		e = sy_par_for(ns + (p->wns > 0), 1, part_item, p, &failed);
		if (e != SY_OK) {
			if (p->wns > 0 && failed == 0)
				*bad = p->wbad;
			else
				*bad = p->bad[failed - (p->wns > 0)];
			break;
		}
		p->wns = ns;
		p->cur = 1 - p->cur;
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
	struct part *part = NULL;
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
	part = part_new();
	if (tmp == NULL || jobs == NULL || part == NULL) {
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
		    part, &m, &feeds[i], jobs + first, njobs - first, &bad);
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
	part_free(part);
	sy_atomic_release();
	sy_csv_release(); /* what reading the rows again kept */
	sy_manifest_feeds_free(feeds, nfeeds);
	sy_manifest_fini(&m);
	sy_stamp_fini(&stamp);
	errno = saved;
	return e;
}
