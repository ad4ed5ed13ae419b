/*
 * stamp.c: the record of the last clean build, checked with stat(2).
 *
 * The record is text, one item a line, every string %-escaped (bytes up
 * to the space, DEL and '%'), so that no line holds a space or a newline
 * it does not mean:
 *
 *   syndic-build record 1
 *   version 0.1.0
 *   cwd /home/ann/site
 *   outdir /home/ann/site/public/feeds
 *   opt manifest=feeds/manifest.csv
 *   opt columns-                        (unset)
 *   ...
 *   env TZ-
 *   f x 2049:1311:100755:310120:1714000000.123456789:1714000000.123456789
 * /proc/self/exe f a -2 /home/ann/site/feeds/columns.csv      (absent: -errno)
 *   f i 2049:1400:100644:... /home/ann/site/feeds/manifest.csv
 *   f o 2049:1502:100644:... /home/ann/site/public/feeds/rss.xml
 *   sum 12 3 9
 *   end 8c3f0e2a9b71d455                (FNV-1a 64 of everything above)
 *
 * Checking regenerates each "f" line from a fresh stat of its path and
 * compares bytes: the code that writes a line is the code that checks it.
 */
/* For dl_iterate_phdr.  NOLINTNEXTLINE(bugprone-reserved-identifier) */
#define _GNU_SOURCE
#include <errno.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fsutil.h"
#include "stamp.h"
#include "tz.h"
#include "util.h"

#define RECORD_MAX (64u << 20)
/* "Changed too recently to trust stat": see stamp.h. */
#define RACY_NS 50000000LL
#define RACY_COARSE_NS 2050000000LL

static uint64_t
fnv64(const char *p, size_t n)
{
	uint64_t h = 14695981039346656037u;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)p[i];
		h *= 1099511628211u;
	}
	return h;
}

static bool
needs_escape(unsigned char c)
{
	return c <= 0x20 || c == 0x7f || c == '%';
}

static enum sy_err
put_esc(struct sy_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	enum sy_err e = SY_OK;
	const char *run = s;

	for (; *s != '\0' && e == SY_OK; s++) {
		unsigned char c = (unsigned char)*s;
		char x[3];

		if (!needs_escape(c))
			continue;
		x[0] = '%';
		x[1] = hex[c >> 4];
		x[2] = hex[c & 15];
		if ((e = sy_buf_append(b, run, (size_t)(s - run))) == SY_OK)
			e = sy_buf_append(b, x, 3);
		run = s + 1;
	}
	return e == SY_OK ? sy_buf_append(b, run, (size_t)(s - run)) : e;
}

static int
hexval(char c)
{
	if (SY_ISDIGIT(c))
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* s[0..n) unescaped into a new string; NULL when malformed or ENOMEM. */
static char *
unesc(const char *s, size_t n)
{
	char *out = malloc(n + 1), *o = out;
	size_t i;

	if (out == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		if (s[i] != '%') {
			*o++ = s[i];
			continue;
		}
		if (n - i < 3 || hexval(s[i + 1]) < 0 || hexval(s[i + 2]) < 0 ||
		    (hexval(s[i + 1]) == 0 && hexval(s[i + 2]) == 0)) {
			free(out);
			return NULL;
		}
		*o++ = (char)(hexval(s[i + 1]) << 4 | hexval(s[i + 2]));
		i += 2;
	}
	*o = '\0';
	return out;
}

/* "opt NAME=VALUE" or "opt NAME-" (unset), "env" likewise. */
static enum sy_err
put_str(struct sy_buf *b, const char *what, const char *name, const char *v)
{
	enum sy_err e;

	if ((e = sy_buf_printf(b, "%s %s%c", what, name, v ? '=' : '-')) !=
	        SY_OK ||
	    (v != NULL && (e = put_esc(b, v)) != SY_OK))
		return e;
	return sy_buf_putc(b, '\n');
}

static int64_t
ns_of(const struct timespec *t)
{
	return (int64_t)t->tv_sec * 1000000000 + t->tv_nsec;
}

/* What a line says of a file: every field stat gives that matters. */
static enum sy_err
put_stat(struct sy_buf *b, const struct stat *st)
{
	return sy_buf_printf(b, "%ju:%ju:%o:%jd:%jd.%09ld:%jd.%09ld",
	    (uintmax_t)st->st_dev, (uintmax_t)st->st_ino, (unsigned)st->st_mode,
	    (intmax_t)st->st_size, (intmax_t)st->st_mtim.tv_sec,
	    st->st_mtim.tv_nsec, (intmax_t)st->st_ctim.tv_sec,
	    st->st_ctim.tv_nsec);
}

static struct sy_stamp_id
id_of(const struct stat *st)
{
	struct sy_stamp_id id;

	memset(&id, 0, sizeof(id));
	id.dev = (uint64_t)st->st_dev;
	id.ino = (uint64_t)st->st_ino;
	id.size = (uint64_t)st->st_size;
	id.mtime_ns = ns_of(&st->st_mtim);
	id.ctime_ns = ns_of(&st->st_ctim);
	id.mode = (unsigned)st->st_mode;
	return id;
}

static bool
same_id(const struct sy_stamp_id *a, const struct sy_stamp_id *b)
{
	return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
	    a->mtime_ns == b->mtime_ns && a->ctime_ns == b->ctime_ns &&
	    a->mode == b->mode;
}

/*
 * "f KIND STAT PATH\n" for path as it is now ("-ERRNO" for STAT when
 * stat fails).  *st receives the stat; *err its errno (0 on success).
 */
static enum sy_err
put_file(
    struct sy_buf *b, char kind, const char *path, struct stat *st, int *err)
{
	enum sy_err e;

	*err = stat(path, st) == 0 ? 0 : errno;
	if ((e = sy_buf_printf(b, "f %c ", kind)) != SY_OK)
		return e;
	e = *err == 0 ? put_stat(b, st) : sy_buf_printf(b, "-%d", *err);
	if (e == SY_OK && (e = sy_buf_putc(b, ' ')) == SY_OK &&
	    (e = put_esc(b, path)) == SY_OK)
		e = sy_buf_putc(b, '\n');
	return e;
}

/* path made absolute against cwd (lexically: stat follows links). */
static char *
absolute(const struct sy_stamp *s, const char *path)
{
	if (path[0] == '/')
		return sy_strdup(path);
	return sy_path_join(s->cwd, path);
}

/* The records' folder: $XDG_CACHE_HOME/syndic/build, else ~/.cache/... */
static char *
record_dir(void)
{
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");

	if (xdg != NULL && xdg[0] == '/')
		return sy_path_join(xdg, "syndic/build");
	if (home != NULL && home[0] == '/')
		return sy_path_join(home, ".cache/syndic/build");
	return NULL;
}

/* mkdir -p, mode 0700 for the folders it makes. */
static int
make_dirs(char *dir)
{
	char *p;

	for (p = dir + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
			*p = '/';
			return -1;
		}
		*p = '/';
	}
	return mkdir(dir, 0700) != 0 && errno != EEXIST ? -1 : 0;
}

static enum sy_err
put_head(struct sy_stamp *s, const struct sy_build_opts *o, const char *real)
{
	const struct sy_manifest_opts *m = &o->m;
	struct sy_buf *b = &s->head;
	enum sy_err e;

	if ((e = sy_buf_printf(b, "syndic-build record 1\nversion ")) !=
	        SY_OK ||
	    (e = put_esc(b, SY_VERSION)) != SY_OK ||
	    (e = sy_buf_puts(b, "\ncwd ")) != SY_OK ||
	    (e = put_esc(b, s->cwd)) != SY_OK ||
	    (e = sy_buf_puts(b, "\noutdir ")) != SY_OK ||
	    (e = put_esc(b, real)) != SY_OK ||
	    (e = sy_buf_putc(b, '\n')) != SY_OK ||
	    (e = put_str(b, "opt", "manifest", o->manifest)) != SY_OK ||
	    (e = put_str(b, "opt", "output", o->outdir)) != SY_OK ||
	    (e = sy_buf_printf(b, "opt formats=%u\nopt strict=%d\n", o->formats,
	         o->strict ? 1 : 0)) != SY_OK ||
	    (e = put_str(b, "opt", "columns", m->columns_path)) != SY_OK ||
	    (e = put_str(b, "opt", "tz", m->tz)) != SY_OK ||
	    (e = put_str(b, "opt", "title", m->title)) != SY_OK ||
	    (e = put_str(b, "opt", "link", m->link)) != SY_OK ||
	    (e = put_str(b, "opt", "description", m->description)) != SY_OK ||
	    (e = put_str(b, "opt", "base-url", m->base_url)) != SY_OK ||
	    (e = sy_buf_printf(b, "opt limit=%lld\nopt now=%jd\n", m->limit,
	         (intmax_t)m->now)) != SY_OK ||
	    (e = put_str(b, "env", "TZ", getenv("TZ"))) != SY_OK ||
	    (e = put_str(b, "env", "LD_LIBRARY_PATH",
	         getenv("LD_LIBRARY_PATH"))) != SY_OK)
		return e;
	return put_str(b, "env", "LD_PRELOAD", getenv("LD_PRELOAD"));
}

/*
 * The output folder's real path, or, before it exists, its absolute path
 * (getcwd gives a real one): a new string.
 */
static char *
outdir_key(const struct sy_stamp *s, const char *outdir)
{
	char *real = realpath(outdir, NULL);

	return real != NULL ? real : absolute(s, outdir);
}

/* True if outdir's key is still the one the record is named after. */
static bool
outdir_holds(const struct sy_stamp *s, const char *outdir)
{
	char *real = outdir_key(s, outdir);
	bool same = real != NULL && strcmp(real, s->key) == 0;

	free(real);
	return same;
}

void
sy_stamp_init(
    struct sy_stamp *s, const struct sy_build_opts *o, const char *outdir)
{
	char *dir = NULL, name[32];

	memset(s, 0, sizeof(*s));
	sy_buf_init(&s->head, 0);
	if (!o->record || strcmp(o->manifest, "-") == 0)
		return;
	if ((s->cwd = getcwd(NULL, 0)) == NULL || s->cwd[0] != '/' ||
	    (dir = record_dir()) == NULL ||
	    (s->key = outdir_key(s, outdir)) == NULL ||
	    put_head(s, o, s->key) != SY_OK)
		goto off;
	(void)snprintf(name, sizeof(name), "%016jx.rec",
	    (uintmax_t)fnv64(s->key, strlen(s->key)));
	s->path = sy_path_join(dir, name);
off:
	free(dir);
}

/* The line at *p (up to and with its '\n'); NULL at the end. */
static const char *
next_line(const char **p, const char *end, size_t *len)
{
	const char *l = *p, *nl;

	if (l >= end)
		return NULL;
	nl = memchr(l, '\n', (size_t)(end - l));
	if (nl == NULL)
		return NULL;
	*len = (size_t)(nl + 1 - l);
	*p = nl + 1;
	return l;
}

/* Parses "sum E F N\n" into st. */
static bool
parse_sum(const char *l, size_t len, struct sy_build_stats *st)
{
	char tmp[96], *f[3], *save = NULL;
	long long v[3];
	size_t i;

	if (len < 5 || len >= sizeof(tmp) || memcmp(l, "sum ", 4) != 0)
		return false;
	memcpy(tmp, l + 4, len - 5);
	tmp[len - 5] = '\0';
	for (i = 0; i < 3; i++) {
		f[i] = strtok_r(i == 0 ? tmp : NULL, " ", &save);
		if (f[i] == NULL || sy_strtoll(f[i], 0, INT32_MAX, &v[i]) != 0)
			return false;
	}
	if (strtok_r(NULL, " ", &save) != NULL)
		return false;
	st->entries = (size_t)v[0];
	st->feeds = (size_t)v[1];
	st->files = (size_t)v[2];
	return true;
}

/*
 * Checks one "f KIND STAT PATH\n" line against the file as it is now:
 * the line is written again from a fresh stat and compared.
 */
static bool
file_line_holds(const char *l, size_t len, struct sy_buf *tmp)
{
	const char *p, *sp;
	struct stat st;
	char *path;
	bool same;
	int err;

	if (len < 8 || l[0] != 'f' || l[1] != ' ' || l[3] != ' ')
		return false;
	sp = memchr(l + 4, ' ', len - 4);
	if (sp == NULL)
		return false;
	p = sp + 1;
	if ((path = unesc(p, (size_t)(l + len - 1 - p))) == NULL)
		return false;
	sy_buf_reset(tmp);
	same = put_file(tmp, l[2], path, &st, &err) == SY_OK &&
	    tmp->len == len && memcmp(tmp->data, l, len) == 0;
	free(path);
	return same;
}

static bool
record_holds(
    struct sy_stamp *s, const char *data, size_t len, struct sy_build_stats *st)
{
	const char *p, *end, *l;
	struct sy_buf tmp;
	char want[32];
	size_t n, body;
	bool ok = false;

	/* The last line: the checksum of all the others. */
	if (len < 22 || data[len - 1] != '\n')
		return false;
	body = len - 21;
	if (memcmp(data + body, "end ", 4) != 0 ||
	    (body > 0 && data[body - 1] != '\n'))
		return false;
	(void)snprintf(
	    want, sizeof(want), "end %016jx\n", (uintmax_t)fnv64(data, body));
	if (memcmp(data + body, want, 21) != 0)
		return false;
	end = data + body;
	/* The version, the folder, the options, the environment. */
	if (body < s->head.len || memcmp(data, s->head.data, s->head.len) != 0)
		return false;
	p = data + s->head.len;
	sy_buf_init(&tmp, 0);
	while ((l = next_line(&p, end, &n)) != NULL && l[0] == 'f')
		if (!file_line_holds(l, n, &tmp))
			goto out;
	/* Then the summary, last. */
	ok = l != NULL && parse_sum(l, n, st) && p == end;
out:
	sy_buf_fini(&tmp);
	return ok;
}

bool
sy_stamp_fresh(struct sy_stamp *s, struct sy_build_stats *st)
{
	struct sy_build_stats got;
	char *data = NULL;
	size_t len;
	bool fresh;

	if (s->path == NULL)
		return false;
	if (sy_file_read(s->path, RECORD_MAX, &data, &len) != SY_OK)
		return false;
	memset(&got, 0, sizeof(got));
	fresh = record_holds(s, data, len, &got);
	free(data);
	if (fresh) {
		st->entries = got.entries;
		st->feeds = got.feeds;
		st->files = got.files;
		st->changed = 0;
	}
	return fresh;
}

/* Adds a file to s->v; sets s->broken when out of memory. */
static void
add_file(struct sy_stamp *s, char kind, const char *path, const struct stat *st)
{
	struct sy_stamp_file *f;
	char *abs = absolute(s, path);

	if (abs == NULL ||
	    (f = sy_grow(s->v, &s->cap, s->n + 1, sizeof(*f), 32)) == NULL) {
		free(abs);
		s->broken = true;
		return;
	}
	s->v = f;
	f = &s->v[s->n++];
	f->path = abs;
	f->kind = kind;
	f->seen = st != NULL;
	if (st != NULL)
		f->id = id_of(st);
}

/* sy_file_read's watcher: every article file the build reads. */
static void
watch(void *arg, const char *path, const struct stat *st)
{
	struct sy_stamp *s = arg;

	pthread_mutex_lock(&s->mu);
	if (st == NULL)
		s->broken = true; /* standard input, or no fstat */
	else
		add_file(s, 'i', path, st);
	pthread_mutex_unlock(&s->mu);
}

static void
unwatch(struct sy_stamp *s)
{
	if (!s->watching)
		return;
	sy_file_read_watch(NULL, NULL);
	pthread_mutex_destroy(&s->mu);
	s->watching = false;
}

void
sy_stamp_begin(struct sy_stamp *s, const struct sy_build_opts *o)
{
	struct timespec now;
	struct stat st;

	if (s->path == NULL)
		return;
	/* The old record goes first: a build cut short leaves none. */
	if (unlink(s->path) != 0 && errno != ENOENT)
		s->broken = true;
	if (clock_gettime(CLOCK_REALTIME, &now) != 0 ||
	    pthread_mutex_init(&s->mu, NULL) != 0) {
		s->broken = true;
		return;
	}
	s->t0 = ns_of(&now);
	if (stat(o->manifest, &st) == 0)
		add_file(s, 'i', o->manifest, &st);
	else
		s->broken = true;
	s->watching = true;
	sy_file_read_watch(watch, s);
}

void
sy_stamp_output(struct sy_stamp *s, const char *path)
{
	if (s->path != NULL)
		add_file(s, 'o', path, NULL);
}

/* dl_iterate_phdr's callback: every loaded object that has a path. */
static int
add_lib(struct dl_phdr_info *info, size_t size, void *arg)
{
	(void)size;
	if (info->dlpi_name != NULL && info->dlpi_name[0] == '/')
		add_file(arg, 'l', info->dlpi_name, NULL);
	return 0;
}

static int
file_cmp(const void *a, const void *b)
{
	const struct sy_stamp_file *x = a, *y = b;

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return strcmp(x->path, y->path);
}

/*
 * Writes data to path through a temporary file and a rename; no fsync: a
 * record lost in a crash only costs a build.
 */
static void
write_record(const char *path, const char *data, size_t len)
{
	char *dir, *tmp = NULL, *slash;
	struct sy_buf b;
	FILE *fp;
	int fd;

	if ((dir = sy_strdup(path)) == NULL ||
	    (slash = strrchr(dir, '/')) == NULL)
		goto out;
	*slash = '\0';
	sy_buf_init(&b, 0);
	if (make_dirs(dir) != 0 ||
	    sy_buf_printf(&b, "%s.XXXXXX", path) != SY_OK ||
	    (tmp = sy_buf_steal(&b)) == NULL || (fd = mkstemp(tmp)) < 0) {
		sy_buf_fini(&b);
		goto out;
	}
	if ((fp = fdopen(fd, "w")) == NULL) {
		(void)close(fd);
		goto fail;
	}
	if (fwrite(data, 1, len, fp) != len || fflush(fp) != 0 || ferror(fp)) {
		(void)fclose(fp);
		goto fail;
	}
	if (fclose(fp) == 0 && rename(tmp, path) == 0)
		goto out;
fail:
	(void)unlink(tmp);
out:
	free(tmp);
	free(dir);
}

/* The files a build read that it did not watch being read. */
static void
add_inputs(struct sy_stamp *s, const struct sy_build_opts *o,
    const struct sy_manifest *m)
{
	char *p;
	size_t i;

	if (m->columns_path != NULL) {
		add_file(s, 'i', m->columns_path, NULL);
	} else if (o->m.columns_path == NULL && m->path != NULL &&
	    m->dir != NULL) {
		/* Not there when the build looked: it must stay away. */
		p = strchr(m->path, '/') != NULL
		    ? sy_path_join(m->dir, "columns.csv")
		    : sy_strdup("columns.csv");
		if (p == NULL)
			s->broken = true;
		else
			add_file(s, 'a', p, NULL);
		free(p);
	}
	/* The zones of --tz and of every column: SY_TZDIR/NAME each. */
	for (i = 0; i <= m->ncolumns; i++) {
		const char *z = i == 0 ? o->m.tz : m->columns[i - 1].timezone;

		if (sy_tz_is_utc(z))
			continue;
		if ((p = sy_path_join(SY_TZDIR, z)) == NULL)
			s->broken = true;
		else
			add_file(s, 'i', p, NULL);
		free(p);
	}
}

/*
 * Whether the record may name a file, given what the build saw of it when
 * it opened it (seen, or NULL) and what stat says now (err: its errno).
 */
static bool
recordable(const struct sy_stamp *s, char kind, const struct sy_stamp_id *seen,
    const struct stat *now, int err)
{
	if (kind == 'a')
		return err == ENOENT; /* still not there */
	if (err != 0)
		return false;
	if (seen != NULL) {
		struct sy_stamp_id id = id_of(now);

		if (!same_id(seen, &id))
			return false; /* not the file the build opened */
	}
	return !sy_stamp_is_racy(now, s->t0);
}

bool
sy_stamp_is_racy(const struct stat *st, int64_t t0)
{
	int64_t margin = st->st_ctim.tv_nsec == 0 ? RACY_COARSE_NS : RACY_NS;

	return ns_of(&st->st_ctim) >= t0 - margin;
}

void
sy_stamp_save(struct sy_stamp *s, const struct sy_build_opts *o,
    const struct sy_manifest *m, const struct sy_build_stats *st)
{
	const struct sy_stamp_id *seen;
	struct sy_buf b;
	struct stat now;
	size_t i, k;
	char sum[32];
	int err;

	if (s->path == NULL)
		return;
	unwatch(s);
	if (s->broken || !outdir_holds(s, st->outdir))
		return;
	add_file(s, 'x', "/proc/self/exe", NULL);
	(void)dl_iterate_phdr(add_lib, s);
	add_inputs(s, o, m);
	if (s->broken)
		return;
	qsort(s->v, s->n, sizeof(*s->v), file_cmp);
	sy_buf_init(&b, RECORD_MAX);
	if (sy_buf_append(&b, s->head.data, s->head.len) != SY_OK)
		goto out;
	for (i = 0; i < s->n; i = k) {
		/* A file opened twice is one line: both saw the same. */
		seen = NULL;
		for (k = i; k < s->n && file_cmp(&s->v[i], &s->v[k]) == 0;
		     k++) {
			if (!s->v[k].seen)
				continue;
			if (seen != NULL && !same_id(seen, &s->v[k].id))
				goto out;
			seen = &s->v[k].id;
		}
		if (put_file(&b, s->v[i].kind, s->v[i].path, &now, &err) !=
		        SY_OK ||
		    !recordable(s, s->v[i].kind, seen, &now, err))
			goto out;
	}
	if (sy_buf_printf(&b, "sum %zu %zu %zu\n", st->entries, st->feeds,
	        st->files) != SY_OK)
		goto out;
	(void)snprintf(
	    sum, sizeof(sum), "end %016jx\n", (uintmax_t)fnv64(b.data, b.len));
	if (sy_buf_puts(&b, sum) != SY_OK)
		goto out;
	write_record(s->path, b.data, b.len);
out:
	sy_buf_fini(&b);
}

void
sy_stamp_fini(struct sy_stamp *s)
{
	size_t i;

	if (s == NULL)
		return;
	unwatch(s);
	for (i = 0; i < s->n; i++)
		free(s->v[i].path);
	free(s->v);
	free(s->path);
	free(s->cwd);
	free(s->key);
	sy_buf_fini(&s->head);
	memset(s, 0, sizeof(*s));
}
