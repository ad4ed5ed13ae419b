/* fsutil.c: capped file reading and atomic replacement of files. */
/* For sync_file_range.  NOLINTNEXTLINE(bugprone-reserved-identifier) */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
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

/* The watcher of sy_file_read (sy_file_read_watch); set between builds. */
static struct {
	sy_read_watch_fn *fn;
	void *arg;
} watch;

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

static void
fsync_dir(const char *path)
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

enum sy_err
sy_atomic_finish(struct sy_atomic *a)
{
	FILE *fp = a->fp;
	int saved;

	if (fp == NULL || a->done)
		return SY_OK;
	a->fp = NULL;
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

void
sy_atomic_kick(struct sy_atomic *a)
{
#ifdef SYNC_FILE_RANGE_WRITE
	if (a->fp != NULL && !a->done)
		(void)sync_file_range(
		    fileno(a->fp), 0, 0, SYNC_FILE_RANGE_WRITE);
#else
	(void)a;
#endif
}

enum sy_err
sy_atomic_sync(struct sy_atomic *a)
{
	enum sy_err e;
	int fd, saved;

	if ((e = sy_atomic_finish(a)) != SY_OK)
		return e;
	if (!a->done || a->same || a->synced)
		return SY_OK;
	fd = open(a->tmp, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return SY_EIO;
	if (fsync(fd) != 0) {
		saved = errno;
		close(fd);
		errno = saved;
		return SY_EIO;
	}
	if (close(fd) != 0)
		return SY_EIO;
	a->synced = true;
	return SY_OK;
}

enum sy_err
sy_atomic_commit(struct sy_atomic *a, bool *changed)
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
	fsync_dir(a->path);
	if (changed != NULL)
		*changed = true;
out:
	sy_atomic_abort(a);
	if (e != SY_OK)
		errno = saved;
	return e;
}

void
sy_atomic_abort(struct sy_atomic *a)
{
	int saved = errno;

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
