/*
 * history.c: the front of the link history.  It opens the backend that
 * where names (history_sqlite.c or history_pg.c, see history_int.h),
 * queues the writes of a batch and hands them over sorted.  The pure
 * policy functions (due, should_report, note, outcome_of) are in
 * history_policy.c, which needs no database.  See history.h for the
 * contract.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "history.h"
#include "history_int.h"
#include "util.h"

void
sy_hist_setmsg(char *msg, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (msg == NULL || len == 0)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(msg, len, fmt, ap); /* cut to len: fine */
	va_end(ap);
}

void
sy_hist_seterr(struct sy_history *h, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(h->err, sizeof(h->err), fmt, ap);
	va_end(ap);
}

static char *
concat(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *s;

	s = malloc(la + lb + 1);
	if (s == NULL)
		return NULL;
	memcpy(s, a, la);
	memcpy(s + la, b, lb + 1);
	return s;
}

/* mkdir -p for the parts after the existing prefix, with mode. */
static enum sy_err
mkdirs(char *dir, mode_t mode)
{
	struct stat st;
	char *p;

	for (p = dir + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		if (p[-1] != '/') {
			char c = *p;

			*p = '\0';
			if (mkdir(dir, mode) != 0 && errno != EEXIST) {
				*p = c;
				return SY_EIO;
			}
			if (stat(dir, &st) != 0) {
				*p = c;
				return SY_EIO;
			}
			*p = c;
			if (!S_ISDIR(st.st_mode)) {
				errno = ENOTDIR;
				return SY_EIO;
			}
		}
		if (*p == '\0')
			break;
	}
	return SY_OK;
}

enum sy_err
sy_history_default_path(char **out)
{
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");
	char *dir = NULL, *path = NULL;
	enum sy_err err;

	*out = NULL;
	if (xdg != NULL && xdg[0] == '/')
		dir = concat(xdg, "/syndic");
	else if (home != NULL && home[0] == '/')
		dir = concat(home, "/.cache/syndic");
	else
		return SY_EINVAL;
	if (dir == NULL)
		return SY_ENOMEM;
	err = mkdirs(dir, 0700);
	if (err != SY_OK)
		goto out;
	path = concat(dir, "/links.db");
	if (path == NULL) {
		err = SY_ENOMEM;
		goto out;
	}
	*out = path;
out:
	free(dir);
	return err;
}

bool
sy_history_is_url(const char *where)
{
	return where != NULL &&
	    (sy_has_prefix_ci(where, "postgresql://") ||
	        sy_has_prefix_ci(where, "postgres://"));
}

/* Length of a "scheme://" prefix of s, or 0. */
static size_t
url_scheme_len(const char *s)
{
	size_t i;

	if (!SY_ISALPHA(s[0]))
		return 0;
	for (i = 1;
	     SY_ISALNUM(s[i]) || s[i] == '+' || s[i] == '-' || s[i] == '.'; i++)
		;
	return strncmp(s + i, "://", 3) == 0 ? i : 0;
}

enum sy_err
sy_history_open(const char *where, int wait_ms, struct sy_history **out,
    char *msg, size_t msglen)
{
	struct sy_history *h;
	enum sy_err err;
	size_t sl;

	*out = NULL;
	sy_hist_setmsg(msg, msglen, "%s", "");
	if (where == NULL || where[0] == '\0' || strlen(where) > 4000) {
		sy_hist_setmsg(msg, msglen, "invalid database path");
		return SY_EINVAL;
	}
	sl = url_scheme_len(where);
	if (sl > 0 && !sy_history_is_url(where)) {
		sy_hist_setmsg(msg, msglen,
		    "%.*s:// is not a history this syndic knows: give a "
		    "postgresql:// URL or the path of an SQLite file",
		    (int)(sl > 40 ? 40 : sl), where);
		return SY_EINVAL;
	}
	h = calloc(1, sizeof(*h));
	if (h == NULL) {
		sy_hist_setmsg(msg, msglen, "out of memory");
		return SY_ENOMEM;
	}
	if (sl > 0)
		err = sy_hist_pg_open(h, where, wait_ms, msg, msglen);
	else
		err = sy_hist_sqlite_open(h, where, wait_ms, msg, msglen);
	if (err != SY_OK) {
		free(h);
		return err;
	}
	*out = h;
	return SY_OK;
}

const char *
sy_history_backend(const struct sy_history *h)
{
	return h->ops->name;
}

static void
batch_drop(struct sy_hist_batch *b)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		free(b->v[i].mem);
	b->n = 0;
	b->have_run = false;
}

static void wait_writer(struct sy_history *h);
static enum sy_err settle(struct sy_history *h);

void
sy_history_close(struct sy_history *h)
{
	if (h == NULL)
		return;
	wait_writer(h);
	batch_drop(&h->q);
	free(h->q.v);
	free(h->w.v);
	h->ops->close(h);
	free(h);
}

const char *
sy_history_errmsg(const struct sy_history *h)
{
	return h != NULL ? h->err : "";
}

enum sy_err
sy_history_lock(struct sy_history *h, bool wait)
{
	return sy_history_lock_shard(h, wait, 1, 1);
}

enum sy_err
sy_history_lock_shard(struct sy_history *h, bool wait, unsigned k, unsigned n)
{
	enum sy_err err = settle(h);

	if (err != SY_OK)
		return err;
	h->err[0] = '\0';
	if (n == 0 || k == 0 || k > n) {
		sy_hist_seterr(h, "no shard %u of %u", k, n);
		return SY_EINVAL;
	}
	return h->ops->lock(h, wait, k, n);
}

void
sy_history_unlock(struct sy_history *h)
{
	if (h == NULL)
		return;
	wait_writer(h); /* its error is told by the next call that applies */
	h->ops->unlock(h);
}

static double
mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Queue order for put(): byte order of the URL, then the order queued. */
static int
put_cmp(const void *a, const void *b)
{
	const struct sy_hist_put *x = a, *y = b;
	int c = strcmp(x->url, y->url);

	if (c != 0)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Applies b in one transaction, in byte order of the URL. */
static enum sy_err
apply(struct sy_history *h, struct sy_hist_batch *b)
{
	if (b->n == 0 && !b->have_run)
		return SY_OK;
	if (b->n > 1)
		qsort(b->v, b->n, sizeof(*b->v), put_cmp);
	return h->ops->put(h, b->v, b->n, b->have_run ? &b->run : NULL);
}

static void *
writer_main(void *arg)
{
	struct sy_history *h = arg;

	h->werr = apply(h, &h->w);
	return NULL;
}

/* Waits for the batch in flight; its result stays in h->werr. */
static void
wait_writer(struct sy_history *h)
{
	if (!h->writing)
		return;
	pthread_join(h->writer, NULL);
	h->writing = false;
	batch_drop(&h->w);
}

/* Waits for the batch in flight and hands its result over, once. */
static enum sy_err
settle(struct sy_history *h)
{
	enum sy_err err;

	wait_writer(h);
	err = h->werr;
	h->werr = SY_OK;
	return err;
}

/*
 * Hands the queue to a writer thread and returns at once (the caller's
 * event loop goes on), after the batch before it is done.  Without a
 * thread, applies it here.
 */
static enum sy_err
flush_async(struct sy_history *h)
{
	struct sy_hist_batch t;
	enum sy_err err = settle(h);

	if (err != SY_OK || (h->q.n == 0 && !h->q.have_run))
		return err;
	t = h->w;
	h->w = h->q;
	h->q = t;
	if (pthread_create(&h->writer, NULL, writer_main, h) == 0) {
		h->writing = true;
		return SY_OK;
	}
	err = apply(h, &h->w);
	batch_drop(&h->w);
	return err;
}

/* Applies everything queued and in flight before returning. */
static enum sy_err
flush(struct sy_history *h)
{
	enum sy_err err = settle(h);

	if (err == SY_OK)
		err = apply(h, &h->q);
	batch_drop(&h->q);
	return err;
}

enum sy_err
sy_history_begin(struct sy_history *h)
{
	h->batching = true;
	return SY_OK;
}

enum sy_err
sy_history_commit(struct sy_history *h)
{
	enum sy_err err = flush(h);

	h->batching = false;
	return err;
}

/* A copy of s into *p, advancing it; NULL stays NULL. */
static const char *
put_str(char **p, const char *s)
{
	size_t n;
	char *d = *p;

	if (s == NULL)
		return NULL;
	n = strlen(s) + 1;
	memcpy(d, s, n);
	*p += n;
	return d;
}

static size_t
len0(const char *s)
{
	return s != NULL ? strlen(s) + 1 : 0;
}

/* Appends a copy of the verdict to the queue. */
static enum sy_err
enqueue(struct sy_history *h, const char *url, int64_t now,
    const struct sy_hist_verdict *v)
{
	struct sy_hist_batch *b = &h->q;
	struct sy_hist_put *nv, *e;
	size_t need;
	char *p;

	nv = sy_grow(b->v, &b->cap, b->n + 1, sizeof(*nv), 64);
	if (nv == NULL)
		return SY_ENOMEM;
	b->v = nv;
	need = strlen(url) + 1 + len0(v->rule) + len0(v->message) +
	    len0(v->etag) + len0(v->last_modified);
	p = malloc(need);
	if (p == NULL)
		return SY_ENOMEM;
	e = &b->v[b->n];
	memset(e, 0, sizeof(*e));
	e->mem = p;
	e->url = put_str(&p, url);
	e->now = now;
	e->outcome = v->outcome;
	e->rule = put_str(&p, v->rule);
	e->status = v->status;
	e->message = put_str(&p, v->message);
	e->etag = put_str(&p, v->etag);
	e->last_modified = put_str(&p, v->last_modified);
	e->seq = b->n;
	if (b->n == 0)
		h->q_since = mono_now();
	b->n++;
	return SY_OK;
}

enum sy_err
sy_history_record(struct sy_history *h, const char *url, int64_t now,
    const struct sy_hist_verdict *v)
{
	struct sy_hist_put one;
	enum sy_err err;

	if (v->outcome != SY_HIST_OK && v->outcome != SY_HIST_FAIL &&
	    v->outcome != SY_HIST_UNKNOWN)
		return SY_EINVAL;
	if (h->ops->utf8_keys &&
	    sy_utf8_valid_prefix(url, strlen(url)) != strlen(url)) {
		sy_hist_seterr(h, "a URL that is not UTF-8 cannot be stored");
		return SY_EINVAL;
	}
	if (!h->batching) {
		err = settle(h);
		if (err != SY_OK)
			return err;
		memset(&one, 0, sizeof(one));
		one.url = url;
		one.now = now;
		one.outcome = v->outcome;
		one.rule = v->rule;
		one.status = v->status;
		one.message = v->message;
		one.etag = v->etag;
		one.last_modified = v->last_modified;
		return h->ops->put(h, &one, 1, NULL);
	}
	err = enqueue(h, url, now, v);
	if (err != SY_OK)
		return err;
	if (h->q.n >= SY_HISTORY_BATCH ||
	    mono_now() - h->q_since >= SY_HISTORY_BATCH_S)
		return flush_async(h);
	return SY_OK;
}

struct get_one {
	struct sy_hist_rec *rec;
	bool *found;
	enum sy_err err;
};

/* The borrowed record of get_many becomes the caller's own. */
static int
get_one_fn(void *ctx, size_t i, const struct sy_hist_rec *r)
{
	struct get_one *g = ctx;
	struct sy_hist_rec *o = g->rec;

	(void)i;
	if (sy_hist_rec_copy(o, r) != SY_OK) {
		g->err = SY_ENOMEM;
		return 1;
	}
	*g->found = true;
	return 0;
}

enum sy_err
sy_history_get(
    struct sy_history *h, const char *url, struct sy_hist_rec *rec, bool *found)
{
	struct get_one g = {rec, found, SY_OK};
	enum sy_err err;

	memset(rec, 0, sizeof(*rec));
	*found = false;
	err = sy_history_get_many(h, &url, 1, get_one_fn, &g);
	if (g.err != SY_OK) {
		*found = false;
		return g.err;
	}
	return err;
}

enum sy_err
sy_history_get_many(struct sy_history *h, const char *const *urls, size_t n,
    sy_hist_many_fn fn, void *ctx)
{
	enum sy_err err = flush(h);

	if (err != SY_OK || n == 0)
		return err;
	return h->ops->get_many(h, urls, n, fn, ctx);
}

enum sy_err
sy_history_count(struct sy_history *h, long *n)
{
	enum sy_err err = flush(h);

	*n = 0;
	return err != SY_OK ? err : h->ops->count(h, n);
}

enum sy_err
sy_history_prune(struct sy_history *h, int64_t before, long *n)
{
	long dummy = 0;
	enum sy_err err = flush(h);

	if (err != SY_OK)
		return err;
	return h->ops->prune(h, before, n != NULL ? n : &dummy);
}

enum sy_err
sy_history_run_add(struct sy_history *h, const struct sy_hist_run *run)
{
	struct sy_hist_run r = *run;
	enum sy_err err;

	if (r.shards <= 0 || r.shard <= 0 || r.shard > r.shards) {
		r.shard = 1;
		r.shards = 1;
	}
	if (!h->batching) {
		err = settle(h);
		return err != SY_OK ? err : h->ops->put(h, NULL, 0, &r);
	}
	if (h->q.have_run) {
		err = flush(h);
		if (err != SY_OK)
			return err;
	}
	h->q.run = r;
	h->q.have_run = true;
	return SY_OK;
}

enum sy_err
sy_history_runs(
    struct sy_history *h, size_t max, struct sy_hist_run **out, size_t *n)
{
	enum sy_err err = flush(h);

	*out = NULL;
	*n = 0;
	return err != SY_OK ? err : h->ops->runs(h, max, out, n);
}

enum sy_err
sy_history_each(struct sy_history *h, sy_hist_each_fn fn, void *ctx)
{
	enum sy_err err = flush(h);

	return err != SY_OK ? err : h->ops->each(h, fn, ctx);
}
