/*
 * killat.so: an LD_PRELOAD shim for crash tests.  It counts the calls a
 * program makes to the functions that matter for durable output (file
 * creation, writes through stdio and pwrite, fsync, rename, unlink) and
 * sends itself SIGKILL on the N-th, N taken from $SY_KILL_AT.  With N =
 * 1, 2, 3, ... a test kills a build at every such point,
 * deterministically.
 * $SY_KILL_COUNT, when set, names a file that receives the number of
 * calls seen by a run that was not killed; $SY_KILL_LOG one that gets a
 * line for each rename ("rename TO") and each fsync of a folder
 * ("fsync-folder PATH"), in the order they were made.  Writes count one in
 * fifty, which still kills inside every file.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static long calls, at = -1, writes;

static void
tick(void)
{
	if (at < 0) {
		const char *s = getenv("SY_KILL_AT");

		at = s ? strtol(s, NULL, 10) : 0;
	}
	if (++calls == at)
		raise(SIGKILL);
}

__attribute__((destructor)) static void
report(void)
{
	const char *path = getenv("SY_KILL_COUNT");
	FILE *fp;

	if (path == NULL)
		return;
	fp = fopen(path, "w");
	if (fp != NULL) {
		fprintf(fp, "%ld\n", calls);
		fclose(fp);
	}
}

#define NEXT(name) ((__typeof__(&name))dlsym(RTLD_NEXT, #name))

int
mkstemps(char *template, int suffixlen)
{
	tick();
	return NEXT(mkstemps)(template, suffixlen);
}

/* Every 50th write is a kill point: mid-file, without a thousand runs. */
size_t
fwrite(const void *p, size_t size, size_t n, FILE *fp)
{
	if (fp != stdout && fp != stderr && writes++ % 50 == 0)
		tick();
	return NEXT(fwrite)(p, size, n, fp);
}

/*
 * The feeds go out with pwrite (sy_atomic_write): a file under 4 MiB, as
 * the crash tests' are, in one call from the thread that finishes it, so
 * the count stays deterministic.
 */
ssize_t
pwrite(int fd, const void *p, size_t n, off_t off)
{
	if (writes++ % 50 == 0)
		tick();
	return NEXT(pwrite)(fd, p, n, off);
}

/* One line to $SY_KILL_LOG, in one write (threads may log too). */
static void
log_op(const char *op, const char *path)
{
	const char *log = getenv("SY_KILL_LOG");
	char line[4200];
	int fd, n;

	if (log == NULL)
		return;
	n = snprintf(line, sizeof(line), "%s %s\n", op, path);
	fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
	if (fd < 0 || n < 0 || (size_t)n >= sizeof(line)) {
		if (fd >= 0)
			close(fd);
		return;
	}
	(void)!write(fd, line, (size_t)n);
	close(fd);
}

int
fsync(int fd)
{
	struct stat st;
	char link[64], path[4096];
	ssize_t n;

	tick();
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
		n = readlink(link, path, sizeof(path) - 1);
		path[n > 0 ? n : 0] = '\0';
		log_op("fsync-folder", path);
	}
	return NEXT(fsync)(fd);
}

int
rename(const char *from, const char *to)
{
	int r;

	tick();
	r = NEXT(rename)(from, to);
	if (r == 0) {
		char cwd[2048], path[4200];

		/* The full path: as readlink gives the folder's. */
		if (to[0] != '/' && getcwd(cwd, sizeof(cwd)) != NULL)
			snprintf(path, sizeof(path), "%s/%s", cwd, to);
		else
			snprintf(path, sizeof(path), "%s", to);
		log_op("rename", path);
	}
	return r;
}

int
unlink(const char *path)
{
	tick();
	return NEXT(unlink)(path);
}
