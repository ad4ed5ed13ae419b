/*
 * fsutil_test: sy_atomic_write, the way the feeds reach the disk: small
 * and large files (past the 4 MiB buffer, with an unaligned end), after a
 * head written through fp, unchanged files left alone, and what the disk
 * may do to the writes (pwrite below stands in for the C library's):
 * refuse direct I/O, write short, fail; and the fsync that a large file
 * starts when it is finished (fsync stands in too): made once, waited
 * for, its failure reported.
 */
/* For O_DIRECT.  NOLINTNEXTLINE(bugprone-reserved-identifier) */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "lib/fsutil.h"
#include "lib/util.h"
#include "t.h"

#define MIB (1u << 20)

/* What the next pwrite calls do. */
static struct {
	enum { NORMAL, NO_DIRECT, SHORT, FAIL } mode;
	int fail_at; /* FAIL: the call that fails with ENOSPC (from 1) */
	int calls;
	int direct;  /* calls made with O_DIRECT on */
	int refused; /* calls refused for it (NO_DIRECT) */
	/* fsync of regular files: read after the commit joined the thread */
	int fsyncs;
	int folder_fsyncs;  /* and of folders */
	bool fsync_fail;    /* they fail with EIO */
	int datasyncs;      /* fdatasync calls */
	bool datasync_fail; /* they fail with EIO */
	bool fsync_hold;    /* they wait until it is false again (inj_cv) */
	/*
	 * pwrite calls wait until it is false again (inj_cv), at most 60 s,
	 * and say so (writes_held, broadcast on inj_cv)
	 */
	bool write_hold;
	int writes_held;   /* calls that waited */
	bool hold_expired; /* one waited 60 s: a thread that should not */
} inj;
static pthread_mutex_t inj_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t inj_cv = PTHREAD_COND_INITIALIZER;

/*
 * The library's pwrite (linked before the C library's): counts, and
 * misbehaves as inj says; the real write is the system call.
 */
ssize_t
pwrite(int fd, const void *p, size_t n, off_t off)
{
	int fl = fcntl(fd, F_GETFL);
	bool direct = fl >= 0 && (fl & O_DIRECT) != 0;

	pthread_mutex_lock(&inj_mu);
	if (inj.write_hold) {
		struct timespec until;

		inj.writes_held++;
		pthread_cond_broadcast(&inj_cv);
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 60;
		while (inj.write_hold && !inj.hold_expired)
			if (pthread_cond_timedwait(&inj_cv, &inj_mu, &until) ==
			    ETIMEDOUT)
				inj.hold_expired = true;
	}
	inj.calls++;
	inj.direct += direct;
	if (inj.mode == NO_DIRECT && direct) {
		inj.refused++;
		pthread_mutex_unlock(&inj_mu);
		errno = EINVAL;
		return -1;
	}
	if (inj.mode == FAIL && inj.calls == inj.fail_at) {
		pthread_mutex_unlock(&inj_mu);
		errno = ENOSPC;
		return -1;
	}
	pthread_mutex_unlock(&inj_mu);
	/* Half of it, in whole blocks (direct I/O cannot do less). */
	if (inj.mode == SHORT && n > 8192)
		n = (n / 2) & ~(size_t)4095;
	return syscall(SYS_pwrite64, fd, p, n, off);
}

/*
 * The library's fsync, likewise: counts the calls on regular files and
 * fails them when told; counts those on folders apart.
 */
int
fsync(int fd)
{
	struct stat st;

	bool fail = false;

	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		pthread_mutex_lock(&inj_mu);
		inj.folder_fsyncs++;
		pthread_mutex_unlock(&inj_mu);
	}
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
		pthread_mutex_lock(&inj_mu);
		inj.fsyncs++;
		while (inj.fsync_hold)
			pthread_cond_wait(&inj_cv, &inj_mu);
		fail = inj.fsync_fail;
		pthread_mutex_unlock(&inj_mu);
	}
	if (fail) {
		errno = EIO;
		return -1;
	}
	return (int)syscall(SYS_fsync, fd);
}

/* The library's fdatasync, likewise: counts, and fails when told. */
int
fdatasync(int fd)
{
	bool fail;

	pthread_mutex_lock(&inj_mu);
	inj.datasyncs++;
	fail = inj.datasync_fail;
	pthread_mutex_unlock(&inj_mu);
	if (fail) {
		errno = EIO;
		return -1;
	}
	return (int)syscall(SYS_fdatasync, fd);
}

/* Byte i of the test data: no period that a misplaced block could hide. */
static unsigned char
byte_at(size_t i, unsigned seed)
{
	uint64_t x = (i + 1) * 0x9e3779b97f4a7c15ULL + seed;

	x ^= x >> 31;
	return (unsigned char)(x * 0xbf58476d1ce4e5b9ULL >> 56);
}

static unsigned char *
data(size_t n, unsigned seed)
{
	unsigned char *d = malloc(n ? n : 1);
	size_t i;

	for (i = 0; d != NULL && i < n; i++)
		d[i] = byte_at(i, seed);
	return d;
}

/* True when path holds exactly want[0..n). */
static bool
holds(const char *path, const unsigned char *want, size_t n)
{
	char *got = NULL;
	size_t len = 0;
	bool ok;

	if (sy_file_read(path, SIZE_MAX, &got, &len) != SY_OK)
		return false;
	ok = len == n && memcmp(got, want, n) == 0;
	free(got);
	return ok;
}

/*
 * Writes d[0..n) to path with sy_atomic_write, in pieces of varying
 * size (head bytes through fp first), and commits; the error, with
 * *changed as sy_atomic_commit says.
 */
static enum sy_err
put(const char *path, const unsigned char *d, size_t n, size_t head,
    bool *changed)
{
	struct sy_atomic a;
	size_t at, k, step = 1;
	enum sy_err e;

	*changed = false;
	if ((e = sy_atomic_open(&a, path)) != SY_OK)
		return e;
	if (head > 0 && fwrite(d, 1, head, a.fp) != head) {
		sy_atomic_abort(&a);
		return SY_EIO;
	}
	for (at = head; at < n; at += k) {
		/* 1, 3, 9, ... bytes up to about 1.6 MiB, then again */
		k = step < n - at ? step : n - at;
		step = step > 1000000 ? 1 : step * 3;
		if ((e = sy_atomic_write(&a, d + at, k)) != SY_OK) {
			sy_atomic_abort(&a);
			return e;
		}
	}
	e = sy_atomic_commit(&a, changed);
	return e;
}

/*
 * d[0..n) to path's temporary file, finished but not committed: in *a,
 * with *bg telling whether its fsync was started by sy_atomic_finish.
 */
static enum sy_err
finished(struct sy_atomic *a, const char *path, const unsigned char *d,
    size_t n, bool *bg)
{
	enum sy_err e;

	*bg = false;
	if ((e = sy_atomic_open(a, path)) != SY_OK)
		return e;
	if ((e = sy_atomic_write(a, d, n)) != SY_OK ||
	    (e = sy_atomic_finish(a)) != SY_OK) {
		sy_atomic_abort(a);
		return e;
	}
	*bg = a->bg != NULL;
	return SY_OK;
}

/* No ".name.*.tmp" left in dir. */
static bool
no_temp(const char *dir)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd),
	    "test -z \"$(find '%s' -name '.*.tmp' | head -n 1)\"", dir);
	return system(cmd) == 0;
}

int
main(void)
{
	char dir[] = "/tmp/fsutil_test.XXXXXX", path[64], cmd[96];
	const size_t big = 3 * 4 * MIB + 12345, small = 5000;
	unsigned char *d = data(big, 1), *d2 = data(big, 2);
	bool changed, can_direct;
	struct stat st1, st2;
	enum sy_err e;
	int fd;

	if (d == NULL || d2 == NULL || mkdtemp(dir) == NULL)
		return 2;
	snprintf(path, sizeof(path), "%s/feed.xml", dir);
	/* Whether this file system takes direct I/O at all. */
	snprintf(cmd, sizeof(cmd), "%s/probe", dir);
	fd = open(cmd, O_WRONLY | O_CREAT | O_DIRECT, 0644);
	can_direct = fd >= 0;
	if (fd >= 0)
		close(fd);
	unlink(cmd);

	/* A small file: one ordinary write at the end. */
	e = put(path, d, small, 0, &changed);
	T_OK(e == SY_OK && changed, "a small file is written");
	T_OK(holds(path, d, small), "with exactly its bytes");
	T_INTEQ(inj.direct, 0, "without direct I/O");

	/* Around the small buffer's end (64 KiB) and a large one's. */
	{
		static const size_t sizes[] = {
		    65535, 65536, 65537, 4 * MIB - 1, 4 * MIB, 4 * MIB + 1};
		size_t i, bad = 0;

		for (i = 0; i < SY_NELEM(sizes); i++)
			if (put(path, d, sizes[i], 0, &changed) != SY_OK ||
			    !changed || !holds(path, d, sizes[i]))
				bad++;
		T_INTEQ(bad, 0,
		    "files of 64 KiB and 4 MiB, and a byte either side");
	}

	/* A large one: full buffers direct where possible, then the end. */
	inj.calls = inj.direct = 0;
	e = put(path, d, big, 0, &changed);
	T_OK(e == SY_OK && changed, "a large file replaces it");
	T_OK(holds(path, d, big), "with exactly its %zu bytes", big);
	T_OK(inj.calls >= 4, "in several writes (%d)", inj.calls);
	if (can_direct)
		T_OK(inj.direct >= 3,
		    "its full buffers and whole blocks went direct (%d)",
		    inj.direct);
	else
		T_INTEQ(inj.direct, 0, "no direct I/O on this file system");

	/*
	 * Every 8 MiB written direct, the writer syncs them (fdatasync), so
	 * that the final fsync has less to flush; its failure fails the
	 * file, the old one kept.
	 */
	if (can_direct) {
		inj.datasyncs = 0;
		e = put(path, d2, big, 0, &changed);
		T_OK(e == SY_OK && changed && holds(path, d2, big),
		    "a large file written again");
		T_INTEQ(inj.datasyncs, 1,
		    "its first 8 MiB synced by the writer, once");
		inj.datasync_fail = true;
		errno = 0;
		e = put(path, d, big, 0, &changed);
		inj.datasync_fail = false;
		T_OK(e == SY_EIO && errno == EIO && !changed,
		    "that sync fails: SY_EIO, errno EIO");
		T_OK(holds(path, d2, big) && no_temp(dir),
		    "the old file whole, no temp file");
		if (put(path, d, big, 0, &changed) != SY_OK)
			abort();
	}

	/* The same bytes again: the file stays as it is. */
	T_OK(stat(path, &st1) == 0, "stat");
	e = put(path, d, big, 0, &changed);
	T_OK(e == SY_OK && !changed, "the same bytes: not replaced");
	T_OK(stat(path, &st2) == 0 && st1.st_ino == st2.st_ino,
	    "the same inode");
	/* The same size, one byte off near the end: replaced. */
	memcpy(d2, d, big);
	d2[big - 100] ^= 1;
	e = put(path, d2, big, 0, &changed);
	T_OK(e == SY_OK && changed, "same size, other bytes: replaced");
	T_OK(holds(path, d2, big), "with the new bytes");

	/* A head through fp first, then the rest. */
	e = put(path, d, big, 777, &changed);
	T_OK(e == SY_OK && changed && holds(path, d, big),
	    "a head through fp, then sy_atomic_write: every byte in order");

	/* A file system that refuses direct I/O: ordinary writes. */
	inj.mode = NO_DIRECT;
	inj.calls = inj.direct = inj.refused = 0;
	e = put(path, d2, big, 0, &changed);
	T_OK(e == SY_OK && changed && holds(path, d2, big),
	    "direct I/O refused: the file is still whole");
	if (can_direct)
		T_INTEQ(inj.refused, 1, "refused once, then not asked again");

	/* Short writes are continued. */
	inj.mode = SHORT;
	e = put(path, d, big, 0, &changed);
	T_OK(e == SY_OK && changed && holds(path, d, big),
	    "short writes: the file is still whole");

	/* A write that fails: an error, the old file kept, no temp. */
	for (inj.fail_at = 1; inj.fail_at <= 4; inj.fail_at++) {
		inj.mode = FAIL;
		inj.calls = 0;
		errno = 0;
		e = put(path, d2, big, 0, &changed);
		T_OK(e == SY_EIO && errno == ENOSPC,
		    "write %d fails: SY_EIO, errno ENOSPC", inj.fail_at);
		T_OK(!changed && holds(path, d, big) && no_temp(dir),
		    "write %d fails: the old file whole, no temp file",
		    inj.fail_at);
	}
	inj.mode = NORMAL;

	/*
	 * The fsync: a large changed file starts it when finished, on a
	 * thread; the commit waits for it and makes no other.
	 */
	{
		struct sy_atomic a;
		bool bg;
		int i;

		inj.fsyncs = 0;
		e = finished(&a, path, d2, big, &bg);
		T_OK(e == SY_OK && bg,
		    "a large changed file: its fsync starts when it is "
		    "finished");
		e = sy_atomic_commit(&a, &changed);
		T_OK(e == SY_OK && changed && holds(path, d2, big),
		    "the commit waits for it and replaces the file");
		T_INTEQ(inj.fsyncs, 1, "one fsync of the file, no other");

		inj.fsyncs = 0;
		e = finished(&a, path, d2, big, &bg);
		T_OK(e == SY_OK && !bg, "the same bytes: no fsync started");
		e = sy_atomic_commit(&a, &changed);
		T_OK(e == SY_OK && !changed && inj.fsyncs == 0,
		    "and none at the commit (%d)", inj.fsyncs);

		inj.fsyncs = 0;
		inj.folder_fsyncs = 0;
		e = finished(&a, path, d, small, &bg);
		T_OK(e == SY_OK && !bg, "a small file: none started");
		e = sy_atomic_commit(&a, &changed);
		T_OK(e == SY_OK && changed && inj.fsyncs == 1,
		    "its fsync comes at the commit (%d)", inj.fsyncs);
		T_INTEQ(inj.folder_fsyncs, 1,
		    "and its folder's, which makes the rename durable");

		/* sy_atomic_rename leaves the folder's to the caller. */
		inj.fsyncs = 0;
		inj.folder_fsyncs = 0;
		e = finished(&a, path, d, small / 2, &bg);
		if (e == SY_OK)
			e = sy_atomic_rename(&a, &changed);
		T_OK(e == SY_OK && changed && holds(path, d, small / 2) &&
		        inj.fsyncs == 1 && inj.folder_fsyncs == 0,
		    "sy_atomic_rename: the file synced and renamed, its folder "
		    "not synced (e %d changed %d fsyncs %d folder %d)",
		    (int)e, (int)changed, inj.fsyncs, inj.folder_fsyncs);
		sy_fsync_folder(path);
		T_INTEQ(inj.folder_fsyncs, 1, "sy_fsync_folder syncs it");
		/* The small file back, as the tests below expect it. */
		if (put(path, d, small, 0, &changed) != SY_OK)
			abort();

		/* A failed fsync, in the background or not: the old file. */
		for (i = 0; i < 2; i++) {
			size_t n = i == 0 ? big : small;

			inj.fsync_fail = true;
			/* d2 is d but for a byte near its end: d + 1 here */
			e = finished(&a, path, i == 0 ? d2 : d + 1, n, &bg);
			T_OK(e == SY_OK && bg == (i == 0),
			    "%s file, fsync to fail: finished",
			    i == 0 ? "a large" : "a small");
			errno = 0;
			e = sy_atomic_commit(&a, &changed);
			inj.fsync_fail = false;
			T_OK(e == SY_EIO && errno == EIO && !changed,
			    "its fsync fails: SY_EIO, errno EIO");
			T_OK(holds(path, d, small) && no_temp(dir),
			    "the old file whole, no temp file");
		}

		/*
		 * Sixteen fsyncs under way at most (each holds a descriptor):
		 * with every fsync held, the 17th large file waits for the
		 * commit, which syncs it itself.
		 */
		{
			struct sy_atomic many[20];
			char p2[96];
			int started = 0, j, fine = 0;

			pthread_mutex_lock(&inj_mu);
			inj.fsync_hold = true;
			inj.fsyncs = 0;
			pthread_mutex_unlock(&inj_mu);
			for (j = 0; j < 20; j++) {
				snprintf(
				    p2, sizeof(p2), "%s/many%d.xml", dir, j);
				if (finished(&many[j], p2, d, 65537, &bg) !=
				    SY_OK)
					break;
				started += bg;
			}
			T_INTEQ(j, 20, "20 large files finished, fsyncs held");
			T_INTEQ(started, 16,
			    "16 of them started their fsync, the rest did not");
			pthread_mutex_lock(&inj_mu);
			inj.fsync_hold = false;
			pthread_cond_broadcast(&inj_cv);
			pthread_mutex_unlock(&inj_mu);
			for (i = 0; i < j; i++) {
				snprintf(
				    p2, sizeof(p2), "%s/many%d.xml", dir, i);
				fine += sy_atomic_commit(&many[i], &changed) ==
				        SY_OK &&
				    changed && holds(p2, d, 65537);
				unlink(p2);
			}
			T_INTEQ(fine, 20, "released: all 20 committed whole");
			T_INTEQ(inj.fsyncs, 20, "one fsync each");
		}

		/* Given up while the fsync runs: waited for, then gone. */
		e = finished(&a, path, d2, big, &bg);
		T_OK(e == SY_OK && bg, "a large file's fsync under way");
		sy_atomic_abort(&a);
		T_OK(holds(path, d, small) && no_temp(dir),
		    "abort: the old file whole, no temp file");
	}

	/*
	 * sy_atomic_finish_bg: a large file finished on a thread of its own
	 * while the disk holds its last writes; sy_atomic_sync or the
	 * commit waits for it and says what it found.
	 */
	{
		struct sy_atomic a;
		struct stat st;
		bool fine;

		/* the file is d now; d2 differs near the end */
		if (put(path, d, big, 0, &changed) != SY_OK)
			abort();
		e = sy_atomic_open(&a, path);
		if (e == SY_OK)
			e = sy_atomic_write(&a, d2, big);
		T_OK(e == SY_OK, "a large file written");
		pthread_mutex_lock(&inj_mu);
		inj.write_hold = true;
		inj.writes_held = 0;
		inj.fsyncs = 0;
		pthread_mutex_unlock(&inj_mu);
		e = sy_atomic_finish_bg(&a);
		T_OK(e == SY_OK && a.bg != NULL,
		    "finish_bg returns while its last write is held");
		/* The thread comes to its write and waits there. */
		pthread_mutex_lock(&inj_mu);
		while (inj.writes_held == 0 && !inj.hold_expired)
			pthread_cond_wait(&inj_cv, &inj_mu);
		pthread_mutex_unlock(&inj_mu);
		fine = stat(a.tmp, &st) == 0;
		T_OK(fine && (size_t)st.st_size < big,
		    "its end not written yet (%lld of %zu bytes)",
		    fine ? (long long)st.st_size : -1LL, big);
		T_INTEQ(sy_atomic_write(&a, "x", 1), SY_EIO,
		    "sy_atomic_write while it is finished: SY_EIO");
		pthread_mutex_lock(&inj_mu);
		inj.write_hold = false;
		pthread_cond_broadcast(&inj_cv);
		pthread_mutex_unlock(&inj_mu);
		e = sy_atomic_commit(&a, &changed);
		T_OK(e == SY_OK && changed && holds(path, d2, big),
		    "released: the commit waits for it and replaces the file");
		T_OK(inj.writes_held >= 1 && !inj.hold_expired,
		    "the held writes were the thread's (%d held)",
		    inj.writes_held);
		T_INTEQ(inj.fsyncs, 1, "one fsync of the file, on the thread");

		/* The same bytes again: nothing synced, nothing replaced. */
		inj.fsyncs = 0;
		e = sy_atomic_open(&a, path);
		if (e == SY_OK)
			e = sy_atomic_write(&a, d2, big);
		if (e == SY_OK)
			e = sy_atomic_finish_bg(&a);
		if (e == SY_OK)
			e = sy_atomic_commit(&a, &changed);
		T_OK(e == SY_OK && !changed && inj.fsyncs == 0,
		    "finish_bg of the same bytes: kept, no fsync (%d)",
		    inj.fsyncs);

		/*
		 * The next write fails (the end's, or the last full buffer's
		 * if it is still under way): the commit says so.
		 */
		e = sy_atomic_open(&a, path);
		if (e == SY_OK)
			e = sy_atomic_write(&a, d, big);
		pthread_mutex_lock(&inj_mu);
		inj.mode = FAIL;
		inj.fail_at = inj.calls + 1;
		pthread_mutex_unlock(&inj_mu);
		if (e == SY_OK)
			e = sy_atomic_finish_bg(&a);
		errno = 0;
		if (e == SY_OK)
			e = sy_atomic_commit(&a, &changed);
		else
			sy_atomic_abort(&a);
		inj.mode = NORMAL;
		fine = e == SY_EIO && errno == ENOSPC && !changed &&
		    holds(path, d2, big) && no_temp(dir);
		T_OK(fine,
		    "the end's writes fail on the thread: SY_EIO, errno "
		    "ENOSPC, the old file whole, no temp file");

		/* Given up while it is finished: waited for, then gone. */
		e = sy_atomic_open(&a, path);
		if (e == SY_OK)
			e = sy_atomic_write(&a, d, big);
		if (e == SY_OK)
			e = sy_atomic_finish_bg(&a);
		sy_atomic_abort(&a);
		T_OK(e == SY_OK && holds(path, d2, big) && no_temp(dir),
		    "abort during finish_bg: the old file whole, no temp");

		/* A small file has no writer: finished at once. */
		e = sy_atomic_open(&a, path);
		if (e == SY_OK)
			e = sy_atomic_write(&a, d, small);
		if (e == SY_OK)
			e = sy_atomic_finish_bg(&a);
		T_OK(e == SY_OK && a.done && a.bg == NULL,
		    "a small file: finished at once, no thread");
		sy_atomic_abort(&a);
	}

	/* Misuse: writing after the file is finished. */
	{
		struct sy_atomic a;

		if (sy_atomic_open(&a, path) == SY_OK) {
			T_OK(sy_atomic_finish(&a) == SY_OK, "finish");
			T_INTEQ(sy_atomic_write(&a, "x", 1), SY_EIO,
			    "sy_atomic_write after finish: SY_EIO");
			sy_atomic_abort(&a);
		}
	}
	sy_atomic_release();
	unlink(path);
	rmdir(dir);
	free(d);
	free(d2);
	return t_done();
}
