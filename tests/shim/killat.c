/*
 * killat.so: an LD_PRELOAD shim for crash tests.  It counts the calls a
 * program makes to the functions that matter for durable output (file
 * creation, writes through stdio and pwrite, fsync, rename, unlink) and
 * sends itself SIGKILL on the N-th, N taken from $SY_KILL_AT.  With N =
 * 1, 2, 3, ... a test kills a build at every such point,
 * deterministically.
 * $SY_KILL_COUNT, when set, names a file that receives the number of
 * calls seen by a run that was not killed.  Writes count one in fifty,
 * which still kills inside every file.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
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

int
fsync(int fd)
{
	tick();
	return NEXT(fsync)(fd);
}

int
rename(const char *from, const char *to)
{
	tick();
	return NEXT(rename)(from, to);
}

int
unlink(const char *path)
{
	tick();
	return NEXT(unlink)(path);
}
