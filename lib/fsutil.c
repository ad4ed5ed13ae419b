/* fsutil.c: capped file reading and atomic replacement of files. */
/* For sync_file_range.  NOLINTNEXTLINE(bugprone-reserved-identifier) */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "fsutil.h"
#include "util.h"

#define ATOMIC_BUFSZ (256u << 10)

/*
 * sy_atomic_write: bytes gather in DIO_BUF bytes aligned for direct I/O,
 * and a full buffer is written by the file's writer thread while the
 * other one fills.  Every DIO_SYNC bytes written direct, the writer makes
 * them durable (fdatasync): a direct write leaves its bytes in the disk's
 * cache (a virtual disk's host holds them in its own), and the file's
 * final fsync, which the renames wait for, then flushes only what came
 * after (100,000 rows, no limit: the build 655 -> 605 ms).
 */
#define DIO_ALIGN 4096u
#define DIO_BUF (4u << 20)
#define DIO_SYNC (8u << 20)
_Static_assert(DIO_BUF >= (2u << 20),
    "sy_huge_alloc starts a block of 2 MiB or more on a huge page, "
    "aligned for direct I/O");
/* A file starts in a small buffer: most feeds never need a large one. */
#define DIO_SMALL (64u << 10)

/*
 * Buffers let go, kept for the next files (up to DIO_SPARE): their pages
 * are already there, where a new buffer's first touch faults on each.
 */
#define DIO_SPARE 8
static struct {
	pthread_mutex_t mu;
	char *v[DIO_SPARE];
	size_t n;
} spare = {PTHREAD_MUTEX_INITIALIZER, {NULL}, 0};

struct sy_dio {
	int fd;
	char *buf[2]; /* buf[cur] fills; the other may be being written */
	int cur;
	size_t cap;  /* of buf[cur]: DIO_SMALL (buf[0] alone), then DIO_BUF */
	size_t fill; /* bytes in buf[cur] */
	off_t off;   /* where buf[cur] goes in the file */
	bool direct; /* O_DIRECT is on */
	bool started;
	pthread_t th;
	/* between the filler and the writer */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	const char *wbuf; /* being written: wlen bytes at woff; NULL: idle */
	size_t wlen;
	off_t woff;
	bool quit;
	int err;         /* errno of the first failed write; 0 */
	size_t unsynced; /* bytes the writer wrote direct since its last sync */
	bool syncing;    /* the writer syncs them (the buffer is free) */
};

/*
 * A finished file's fsync on a thread of its own (sy_atomic_finish),
 * waited for by sy_atomic_sync or sy_atomic_abort; or, from
 * sy_atomic_finish_bg, the finishing of the file itself on that thread,
 * then its fsync if it changed.
 */
struct sy_bgsync {
	pthread_t th;
	const char *path; /* the file's temporary name (its sy_atomic's) */
	int err;          /* errno of the failed sync; 0 */
	/* sy_atomic_finish_bg: the file to finish, what finishing it gave */
	struct sy_atomic *a;
	enum sy_err fin;
	int fin_errno;
	bool joined;
};

/*
 * At most BG_MAX of them hold a descriptor at once (a build under a low
 * limit of open files makes many large feeds): past that, a file is
 * synced by sy_atomic_sync as before.
 */
#define BG_MAX 16
static atomic_int bg_live;

/* The watcher of sy_file_read (sy_file_read_watch); set between builds. */
static struct {
	sy_read_watch_fn *fn;
	void *arg;
} watch;

ssize_t
sy_pread(int fd, void *buf, size_t n, long long off)
{
	ssize_t got;

	do
		got = pread(fd, buf, n, (off_t)off);
	while (got < 0 && errno == EINTR);
	return got;
}

void
sy_file_read_watch(sy_read_watch_fn *fn, void *arg)
{
	watch.fn = fn;
	watch.arg = fn != NULL ? arg : NULL;
}

enum sy_err
sy_file_read(const char *path, size_t max, char **data, size_t *len)
{
	struct sy_buf b;
	char chunk[65536];
	FILE *fp;
	size_t n;
	enum sy_err e = SY_OK;
	int saved;

	*data = NULL;
	*len = 0;
	if (strcmp(path, "-") == 0) {
		fp = stdin;
	} else {
		fp = fopen(path, "rb");
		if (fp == NULL)
			return SY_EIO;
	}
	if (watch.fn != NULL) {
		struct stat st;
		/* NULL: standard input, or no fstat: cannot be recorded. */
		bool ok = fp != stdin && fstat(fileno(fp), &st) == 0;

		watch.fn(watch.arg, path, ok ? &st : NULL);
	}
	sy_buf_init(&b, max);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		e = sy_buf_append(&b, chunk, n);
		if (e != SY_OK)
			goto out;
	}
	if (ferror(fp)) {
		e = SY_EIO;
		goto out;
	}
	*len = b.len;
	*data = sy_buf_steal(&b);
	if (*data == NULL)
		e = SY_ENOMEM;
out:
	saved = errno;
	sy_buf_fini(&b);
	if (fp != stdin)
		(void)fclose(fp); /* read only: nothing to lose */
	errno = saved;
	return e;
}

char *
sy_path_join(const char *dir, const char *name)
{
	struct sy_buf b;

	sy_buf_init(&b, 0);
	if (sy_buf_printf(&b, "%s%s%s", dir, *name ? "/" : "", name) != SY_OK) {
		sy_buf_fini(&b);
		return NULL;
	}
	return sy_buf_steal(&b);
}

enum sy_err
sy_mkdirs(const char *dir)
{
	char *p, *s = sy_strdup(dir);
	enum sy_err e = SY_OK;

	if (s == NULL)
		return SY_ENOMEM;
	for (p = s + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(s, 0755) != 0 && errno != EEXIST) {
			e = SY_EIO;
			goto out;
		}
		*p = '/';
	}
	if (mkdir(s, 0755) != 0 && errno != EEXIST)
		e = SY_EIO;
out:
	free(s);
	return e;
}

/* The folder part of path ("." when there is none); a new string. */
static char *
dirpart(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return sy_strdup(".");
	if (slash == path)
		return sy_strdup("/");
	return sy_strndup(path, (size_t)(slash - path));
}

enum sy_err
sy_atomic_open(struct sy_atomic *a, const char *path)
{
	const char *base = strrchr(path, '/');
	char *dir = NULL;
	struct sy_buf b;
	int fd, saved;

	memset(a, 0, sizeof(*a));
	base = base ? base + 1 : path;
	dir = dirpart(path);
	a->path = sy_strdup(path);
	sy_buf_init(&b, 0);
	if (dir == NULL || a->path == NULL ||
	    sy_buf_printf(&b, "%s/.%s.XXXXXX.tmp", dir, base) != SY_OK) {
		free(dir);
		sy_buf_fini(&b);
		sy_atomic_abort(a);
		return SY_ENOMEM;
	}
	free(dir);
	a->tmp = sy_buf_steal(&b);
	if (a->tmp == NULL) {
		sy_atomic_abort(a);
		return SY_ENOMEM;
	}
	fd = mkstemps(a->tmp, 4);
	if (fd < 0) {
		saved = errno;
		free(a->tmp);
		a->tmp = NULL;
		sy_atomic_abort(a);
		errno = saved;
		return SY_EIO;
	}
	if (fchmod(fd, 0644) != 0 || (a->fp = fdopen(fd, "w")) == NULL) {
		saved = errno;
		close(fd);
		sy_atomic_abort(a);
		errno = saved;
		return SY_EIO;
	}
	/* Without a buffer of our own, stdio writes 4 KiB at a time. */
	if ((a->iobuf = malloc(ATOMIC_BUFSZ)) != NULL &&
	    setvbuf(a->fp, a->iobuf, _IOFBF, ATOMIC_BUFSZ) != 0) {
		free(a->iobuf);
		a->iobuf = NULL;
	}
	return SY_OK;
}

/* True if the files hold the same bytes. */
static bool
same_content(const char *p1, const char *p2)
{
	FILE *a, *b;
	char ba[65536], bb[65536];
	size_t na, nb;
	bool same = false;
	struct stat s1, s2;

	/* Most changes change the size: then nothing needs reading. */
	if (stat(p1, &s1) != 0 || stat(p2, &s2) != 0 ||
	    s1.st_size != s2.st_size)
		return false;
	a = fopen(p1, "rb");
	if (a == NULL)
		return false;
	b = fopen(p2, "rb");
	if (b == NULL) {
		(void)fclose(a);
		return false;
	}
	for (;;) {
		na = fread(ba, 1, sizeof(ba), a);
		nb = fread(bb, 1, sizeof(bb), b);
		if (na != nb || memcmp(ba, bb, na) != 0)
			break;
		if (na == 0) {
			same = !ferror(a) && !ferror(b);
			break;
		}
	}
	/* Both were only read: closing cannot lose anything. */
	(void)fclose(a);
	(void)fclose(b);
	return same;
}

void
sy_fsync_folder(const char *path)
{
	char *dir = dirpart(path);
	int fd;

	if (dir == NULL)
		return;
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
	free(dir);
}

/* A buffer of DIO_BUF bytes, aligned for direct I/O (and huge pages). */
static char *
dio_buf_get(void)
{
	char *b = NULL;

	pthread_mutex_lock(&spare.mu);
	if (spare.n > 0)
		b = spare.v[--spare.n];
	pthread_mutex_unlock(&spare.mu);
	return b != NULL ? b : sy_huge_alloc(DIO_BUF);
}

static void
dio_buf_put(char *b)
{
	if (b == NULL)
		return;
	pthread_mutex_lock(&spare.mu);
	if (spare.n < DIO_SPARE) {
		spare.v[spare.n++] = b;
		b = NULL;
	}
	pthread_mutex_unlock(&spare.mu);
	free(b);
}

void
sy_atomic_release(void)
{
	pthread_mutex_lock(&spare.mu);
	while (spare.n > 0)
		free(spare.v[--spare.n]);
	pthread_mutex_unlock(&spare.mu);
}

/* O_DIRECT on or off for fd: 0, or the errno of the failure. */
static int
set_direct(int fd, bool on)
{
#ifdef O_DIRECT
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 ||
	    fcntl(fd, F_SETFL, on ? fl | O_DIRECT : fl & ~O_DIRECT) != 0)
		return errno ? errno : EIO;
	return 0;
#else
	(void)fd;
	return on ? EINVAL : 0;
#endif
}

/* Direct I/O off (for an unaligned end, or a file system that refused it). */
static int
dio_off(struct sy_dio *d)
{
	d->direct = false;
	return set_direct(d->fd, false);
}

/* Writes p[0..n) at off whole; 0, or the errno of the failure. */
static int
dio_pwrite(struct sy_dio *d, const char *p, size_t n, off_t off)
{
	off_t from = off;
	ssize_t got;
	int err;

	while (n > 0) {
		got = pwrite(d->fd, p, n, off);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0 && errno == EINVAL && d->direct) {
			/* Refused after all: ordinary writes from here. */
			if ((err = dio_off(d)) != 0)
				return err;
			continue;
		}
		if (got <= 0)
			return got == 0 ? EIO : errno;
		p += got;
		n -= (size_t)got;
		off += got;
	}
#ifdef SYNC_FILE_RANGE_WRITE
	/* Only a head start for fsync: its failure changes nothing. */
	if (!d->direct)
		(void)sync_file_range(
		    d->fd, from, off - from, SYNC_FILE_RANGE_WRITE);
#else
	(void)from;
#endif
	return 0;
}

static void *
dio_main(void *arg)
{
	struct sy_dio *d = arg;
	bool sync;
	int err;

	pthread_mutex_lock(&d->mu);
	for (;;) {
		while (d->wbuf == NULL && !d->quit)
			pthread_cond_wait(&d->cv, &d->mu);
		if (d->wbuf == NULL)
			break;
		pthread_mutex_unlock(&d->mu);
		err = dio_pwrite(d, d->wbuf, d->wlen, d->woff);
		sync = err == 0 && d->direct &&
		    (d->unsynced += d->wlen) >= DIO_SYNC;
		pthread_mutex_lock(&d->mu);
		if (err != 0 && d->err == 0)
			d->err = err;
		/* The buffer is free: the filler goes on during the sync. */
		d->wbuf = NULL;
		d->syncing = sync;
		pthread_cond_broadcast(&d->cv);
		if (sync) {
			pthread_mutex_unlock(&d->mu);
			d->unsynced = 0;
			err = fdatasync(d->fd) != 0 ? errno : 0;
			pthread_mutex_lock(&d->mu);
			if (err != 0 && d->err == 0)
				d->err = err;
			d->syncing = false;
			pthread_cond_broadcast(&d->cv);
		}
	}
	pthread_mutex_unlock(&d->mu);
	return NULL;
}

/* Waits until the writer is idle (a sync too); its first failure, or 0. */
static int
dio_wait(struct sy_dio *d)
{
	int err;

	if (!d->started)
		return d->err;
	pthread_mutex_lock(&d->mu);
	while (d->wbuf != NULL || d->syncing)
		pthread_cond_wait(&d->cv, &d->mu);
	err = d->err;
	pthread_mutex_unlock(&d->mu);
	return err;
}

/*
 * The first full buffer: the second one, direct I/O if the file allows
 * it, and the writer.  Without a thread, the writes are made in place.
 */
static enum sy_err
dio_start(struct sy_dio *d)
{
	d->buf[1] = dio_buf_get();
	if (d->buf[1] == NULL)
		return SY_ENOMEM;
	d->direct = d->off % DIO_ALIGN == 0 && set_direct(d->fd, true) == 0;
	if (pthread_mutex_init(&d->mu, NULL) != 0)
		return SY_OK;
	if (pthread_cond_init(&d->cv, NULL) != 0) {
		pthread_mutex_destroy(&d->mu);
		return SY_OK;
	}
	if (pthread_create(&d->th, NULL, dio_main, d) != 0) {
		pthread_cond_destroy(&d->cv);
		pthread_mutex_destroy(&d->mu);
		return SY_OK;
	}
	d->started = true;
	return SY_OK;
}

/* buf[cur], full, to the writer; the other buffer fills next. */
static enum sy_err
dio_submit(struct sy_dio *d)
{
	enum sy_err e;
	int err;

	if (d->buf[1] == NULL && (e = dio_start(d)) != SY_OK)
		return e;
	if (!d->started) {
		if ((err = dio_pwrite(d, d->buf[d->cur], d->fill, d->off)) != 0)
			d->err = err;
	} else {
		pthread_mutex_lock(&d->mu);
		while (d->wbuf != NULL)
			pthread_cond_wait(&d->cv, &d->mu);
		if ((err = d->err) == 0) {
			d->wbuf = d->buf[d->cur];
			d->wlen = d->fill;
			d->woff = d->off;
			pthread_cond_broadcast(&d->cv);
		}
		pthread_mutex_unlock(&d->mu);
	}
	if (err != 0) {
		errno = err;
		return SY_EIO;
	}
	d->off += (off_t)d->fill;
	d->fill = 0;
	d->cur = 1 - d->cur;
	return SY_OK;
}

/* Stops the writer and lets d go (the file stays open: fp's). */
static void
dio_free(struct sy_dio *d)
{
	if (d == NULL)
		return;
	if (d->started) {
		pthread_mutex_lock(&d->mu);
		d->quit = true;
		pthread_cond_broadcast(&d->cv);
		pthread_mutex_unlock(&d->mu);
		pthread_join(d->th, NULL);
		pthread_cond_destroy(&d->cv);
		pthread_mutex_destroy(&d->mu);
	}
	if (d->cap == DIO_BUF)
		dio_buf_put(d->buf[0]);
	else
		free(d->buf[0]);
	dio_buf_put(d->buf[1]);
	free(d);
}

/*
 * The last buffer: its whole blocks direct, the rest (and the whole of a
 * file under DIO_BUF) in an ordinary write.  0, or the first failure.
 */
static int
dio_end(struct sy_dio *d)
{
	size_t head;
	int err;

	if ((err = dio_wait(d)) != 0)
		return err;
	/*
	 * The buffer written last is free now: back to the spares, for the
	 * next files, while this one's end may wait on the disk.
	 */
	dio_buf_put(d->buf[1 - d->cur]);
	d->buf[1 - d->cur] = NULL;
	head = d->direct ? d->fill & ~(size_t)(DIO_ALIGN - 1) : 0;
	if (head > 0 &&
	    (err = dio_pwrite(d, d->buf[d->cur], head, d->off)) != 0)
		return err;
	if (d->direct && (err = dio_off(d)) != 0)
		return err;
	if (d->fill > head)
		err = dio_pwrite(d, d->buf[d->cur] + head, d->fill - head,
		    d->off + (off_t)head);
	return err;
}

enum sy_err
sy_atomic_write(struct sy_atomic *a, const void *p, size_t n)
{
	struct sy_dio *d = a->dio;
	const char *s = p;
	size_t k;
	enum sy_err e;

	/* a->bg first: while a is finished on it, the thread owns the rest */
	if (a->bg != NULL || a->fp == NULL || a->done) {
		errno = EBADF;
		return SY_EIO;
	}
	if (d == NULL) {
		if (fflush(a->fp) != 0)
			return SY_EIO;
		d = calloc(1, sizeof(*d));
		if (d == NULL)
			return SY_ENOMEM;
		d->fd = fileno(a->fp);
		d->off = lseek(d->fd, 0, SEEK_CUR);
		d->buf[0] = aligned_alloc(DIO_ALIGN, DIO_SMALL);
		sy_prefault(d->buf[0], DIO_SMALL); /* all written, soon */
		d->cap = DIO_SMALL;
		if (d->buf[0] == NULL || d->off < 0) {
			e = d->off < 0 ? SY_EIO : SY_ENOMEM;
			dio_free(d);
			return e;
		}
		a->dio = d;
	}
	while (n > 0) {
		if (d->fill == d->cap && d->cap < DIO_BUF) {
			/* Outgrown: the small buffer's bytes to a large one. */
			char *big = dio_buf_get();

			if (big == NULL)
				return SY_ENOMEM;
			memcpy(big, d->buf[0], d->fill);
			free(d->buf[0]);
			d->buf[0] = big;
			d->cap = DIO_BUF;
		}
		k = d->cap - d->fill < n ? d->cap - d->fill : n;
		memcpy(d->buf[d->cur] + d->fill, s, k);
		d->fill += k;
		s += k;
		n -= k;
		if (d->fill == DIO_BUF && (e = dio_submit(d)) != SY_OK)
			return e;
	}
	return SY_OK;
}

/* Makes the file at path durable (fsync): 0, or the errno of the failure. */
static int
sync_path(const char *path)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), err = 0;

	if (fd < 0)
		return errno;
	if (fsync(fd) != 0)
		err = errno;
	if (close(fd) != 0 && err == 0)
		err = errno;
	return err;
}

static enum sy_err finish_here(struct sy_atomic *a, bool *big);

static void *
bgsync_main(void *arg)
{
	struct sy_bgsync *bg = arg;
	bool big;

	if (bg->a != NULL) {
		bg->fin = finish_here(bg->a, &big);
		bg->fin_errno = errno;
	}
	if (bg->fin == SY_OK && (bg->a == NULL || !bg->a->same))
		bg->err = sync_path(bg->path);
	atomic_fetch_sub(&bg_live, 1);
	return NULL;
}

/*
 * path's fsync started on a thread (after finishing a, if not NULL),
 * unless BG_MAX are under way or no thread can be made: NULL then (the
 * caller does it itself).
 */
static struct sy_bgsync *
bgsync_start(const char *path, struct sy_atomic *a)
{
	struct sy_bgsync *bg;

	if (atomic_load(&bg_live) >= BG_MAX ||
	    (bg = calloc(1, sizeof(*bg))) == NULL)
		return NULL;
	bg->path = path;
	bg->a = a;
	atomic_fetch_add(&bg_live, 1);
	if (pthread_create(&bg->th, NULL, bgsync_main, bg) == 0)
		return bg;
	atomic_fetch_sub(&bg_live, 1);
	free(bg);
	return NULL;
}

/* Waits for bg's thread, once. */
static void
bgsync_join(struct sy_bgsync *bg)
{
	if (!bg->joined)
		pthread_join(bg->th, NULL);
	bg->joined = true;
}

/* Waits for bg (may be NULL) and lets it go: its fsync's errno, or 0. */
static int
bgsync_end(struct sy_bgsync *bg)
{
	int err;

	if (bg == NULL)
		return 0;
	bgsync_join(bg);
	err = bg->err;
	free(bg);
	return err;
}

enum sy_err
sy_atomic_finish_bg(struct sy_atomic *a)
{
	/* Only a file with a writer of its own has something to wait for. */
	if (a->bg != NULL || a->fp == NULL || a->done || a->dio == NULL ||
	    !a->dio->started || (a->bg = bgsync_start(a->tmp, a)) == NULL)
		return sy_atomic_finish(a);
	return SY_OK;
}

enum sy_err
sy_atomic_finish(struct sy_atomic *a)
{
	bool big;
	enum sy_err e;

	if (a->bg != NULL && a->bg->a != NULL) {
		/* Being finished on a thread (sy_atomic_finish_bg). */
		bgsync_join(a->bg);
		if (a->bg->fin != SY_OK)
			errno = a->bg->fin_errno;
		return a->bg->fin;
	}
	if ((e = finish_here(a, &big)) == SY_OK && big && !a->same)
		a->bg = bgsync_start(a->tmp, NULL);
	return e;
}

/*
 * sy_atomic_finish but for the fsync: *big tells whether the file
 * outgrew the small buffer (worth an fsync on a thread of its own).
 */
static enum sy_err
finish_here(struct sy_atomic *a, bool *big)
{
	FILE *fp = a->fp;
	int saved;

	*big = false;
	if (fp == NULL || a->done)
		return SY_OK;
	a->fp = NULL;
	if (a->dio != NULL) {
		saved = dio_end(a->dio);
		*big = a->dio->cap == DIO_BUF;
		dio_free(a->dio);
		a->dio = NULL;
		if (saved != 0) {
			(void)fclose(fp);
			errno = saved;
			return SY_EIO;
		}
	}
	if (fflush(fp) != 0 || ferror(fp)) {
		saved = errno ? errno : EIO;
		(void)fclose(fp); /* already failed; keep the first error */
		errno = saved;
		return SY_EIO;
	}
#ifdef SYNC_FILE_RANGE_WRITE
	/* Only a head start for fsync: its failure changes nothing. */
	(void)sync_file_range(fileno(fp), 0, 0, SYNC_FILE_RANGE_WRITE);
#endif
	/* Closed now: a build may make thousands of files before syncing. */
	if (fclose(fp) != 0)
		return SY_EIO;
	free(a->iobuf);
	a->iobuf = NULL;
	a->done = true;
	a->same = same_content(a->tmp, a->path);
	return SY_OK;
}

enum sy_err
sy_atomic_sync(struct sy_atomic *a)
{
	enum sy_err e;
	int err;

	if ((e = sy_atomic_finish(a)) != SY_OK)
		return e;
	if (!a->done || a->same || a->synced)
		return SY_OK;
	/* The fsync sy_atomic_finish started, or one now. */
	err = a->bg != NULL ? bgsync_end(a->bg) : sync_path(a->tmp);
	a->bg = NULL;
	if (err != 0) {
		errno = err;
		return SY_EIO;
	}
	a->synced = true;
	return SY_OK;
}

/* sy_atomic_commit, with or without the fsync of the file's folder. */
static enum sy_err
commit(struct sy_atomic *a, bool *changed, bool sync_folder)
{
	enum sy_err e;
	int saved = 0;

	if (changed != NULL)
		*changed = false;
	e = sy_atomic_sync(a);
	if (e != SY_OK) {
		saved = errno;
		goto out;
	}
	if (a->same)
		goto out;
	if (rename(a->tmp, a->path) != 0) {
		saved = errno;
		e = SY_EIO;
		goto out;
	}
	free(a->tmp);
	a->tmp = NULL;
	if (sync_folder)
		sy_fsync_folder(a->path);
	if (changed != NULL)
		*changed = true;
out:
	sy_atomic_abort(a);
	if (e != SY_OK)
		errno = saved;
	return e;
}

enum sy_err
sy_atomic_commit(struct sy_atomic *a, bool *changed)
{
	return commit(a, changed, true);
}

enum sy_err
sy_atomic_rename(struct sy_atomic *a, bool *changed)
{
	return commit(a, changed, false);
}

void
sy_atomic_abort(struct sy_atomic *a)
{
	int saved = errno;

	(void)bgsync_end(a->bg); /* before its file goes */
	dio_free(a->dio);
	if (a->fp != NULL)
		(void)fclose(a->fp); /* the file is thrown away */
	if (a->tmp != NULL)
		unlink(a->tmp);
	free(a->iobuf);
	free(a->tmp);
	free(a->path);
	memset(a, 0, sizeof(*a));
	errno = saved;
}

void
sy_atomic_sweep(const char *path)
{
	const char *base = strrchr(path, '/');
	char *dir = dirpart(path);
	DIR *d;
	struct dirent *de;
	size_t n, bn;

	base = base ? base + 1 : path;
	bn = strlen(base);
	if (dir == NULL)
		return;
	d = opendir(dir);
	free(dir);
	if (d == NULL)
		return;
	/* Ours are exactly ".BASE.XXXXXX.tmp". */
	while ((de = readdir(d)) != NULL) {
		n = strlen(de->d_name);
		if (n != bn + 12 || de->d_name[0] != '.' ||
		    strncmp(de->d_name + 1, base, bn) != 0 ||
		    de->d_name[bn + 1] != '.' ||
		    strcmp(de->d_name + n - 4, ".tmp") != 0)
			continue;
		(void)unlinkat(dirfd(d), de->d_name, 0);
	}
	closedir(d);
}
