/*
 * fsutil: reading whole files with a cap, and atomic replacement of files
 * (a temporary file in the same folder, fsync, rename, fsync of the
 * folder).  An unchanged file is not rewritten.
 */
#ifndef SY_FSUTIL_H
#define SY_FSUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "syndic.h"

/*
 * pread(2), made again while a signal interrupts it: the bytes read, 0 at
 * the end of the file, -1 with errno.
 */
ssize_t sy_pread(int fd, void *buf, size_t n, long long off);

/*
 * Reads all of path ("-" = stdin) into a new NUL-terminated buffer.
 * SY_ELIMIT when it is larger than max bytes, SY_EIO with errno set.
 */
enum sy_err sy_file_read(
    const char *path, size_t max, char **data, size_t *len);

/*
 * From now on, sy_file_read() calls fn(arg, path, st) for every file it
 * opens, st being what fstat(2) says of it before it is read (NULL for
 * "-", standard input), from whichever thread reads it; fn NULL stops.
 * It is how syndic-build learns which article files a build read
 * (stamp.h).  fn must be thread-safe.  Process-wide: set and clear it
 * while no other thread is in the library.
 */
typedef void sy_read_watch_fn(
    void *arg, const char *path, const struct stat *st);
void sy_file_read_watch(sy_read_watch_fn *fn, void *arg);

/* "dir/name" as a new string ("dir" when name is empty); NULL on ENOMEM. */
char *sy_path_join(const char *dir, const char *name);

/* Creates dir and its parents (mode 0755); SY_EIO with errno on failure. */
enum sy_err sy_mkdirs(const char *dir);

struct sy_dio;
struct sy_bgsync;

struct sy_atomic {
	FILE *fp;             /* write here, or with sy_atomic_write */
	char *path;           /* final name */
	char *tmp;            /* temporary name, in the same folder */
	char *iobuf;          /* fp's buffer: big writes, few system calls */
	struct sy_dio *dio;   /* sy_atomic_write's buffers and writer */
	struct sy_bgsync *bg; /* its fsync under way (sy_atomic_finish) */
	bool done;   /* written, flushed and checked (sy_atomic_finish) */
	bool same;   /* done, and path already holds exactly these bytes */
	bool synced; /* done, and on disk (sy_atomic_sync) */
};

/*
 * Opens a temporary file beside path.  Temp names start with ".path." and
 * end in ".tmp" so a later run can tell (and sweep) leftovers.
 */
enum sy_err sy_atomic_open(struct sy_atomic *a, const char *path);

/*
 * Flushes the temporary file, checks for write errors, asks the kernel
 * to start writing it out (Linux: the disk works while the next file is
 * made) and closes it; then compares it with path, so that a file path
 * already holds is never synced.  A changed file that outgrew
 * sy_atomic_write's small buffer starts its fsync here, on a thread of
 * its own: the disk's flush of its bytes (on a virtual disk, most of the
 * time a large file costs) overlaps the making of the next files, and
 * sy_atomic_sync waits for it (16 such fsyncs at most under way, each
 * holding a descriptor; past that, sy_atomic_sync makes it).  Idempotent.
 */
enum sy_err sy_atomic_finish(struct sy_atomic *a);

/*
 * sy_atomic_finish, made on a thread of its own for a file whose bytes
 * a writer thread of sy_atomic_write is taking to the disk (one past
 * 4 MiB), and followed there by its fsync if it changed: the caller goes
 * on at once.  The last direct writes of a file can wait tens of
 * milliseconds for the journal while an earlier file's fsync runs; here
 * that wait overlaps the making of the next files.  sy_atomic_finish,
 * sy_atomic_sync and sy_atomic_abort wait for the thread; the first two
 * return what finishing found (SY_EIO with errno when a write failed).
 * Anything else (a small file, 16 threads under way, none to be made) is
 * finished at once, as by sy_atomic_finish.  Nothing may be written to a
 * after it.
 */
enum sy_err sy_atomic_finish_bg(struct sy_atomic *a);

/*
 * Appends p[0..n) to the temporary file, after what fp held (flushed at
 * the first call; once it is used, write nothing more through fp).  The
 * bytes gather in a buffer (64 KiB, then 4 MiB for a file that outgrows
 * it: most feeds never need one); each full one goes to the disk from
 * a thread of the file's own while the next fills, in direct I/O
 * (O_DIRECT) where the file system allows it: the bytes are not copied
 * into the page cache, which costs more CPU than making them, and every
 * 8 MiB written so are synced by that thread (fdatasync) while the next
 * buffer fills, so the fsync at the end has little left to flush (a disk
 * keeps direct writes in its cache too).  Elsewhere (or when a
 * write is refused) the writes are ordinary ones, each started on its way
 * to the disk (sync_file_range).  A file under 4 MiB is written at once by
 * sy_atomic_finish.  SY_EIO with errno when a write failed (maybe an
 * earlier one), SY_ENOMEM.
 */
enum sy_err sy_atomic_write(struct sy_atomic *a, const void *p, size_t n);

/*
 * Frees the buffers sy_atomic_write keeps from file to file (call it
 * when no file is being written any more).
 */
void sy_atomic_release(void);

/*
 * Finishes (as above) if not done yet, then makes the temporary file
 * durable (fsync, or waits for the one sy_atomic_finish started), unless
 * it is the same as path.  Still no
 * rename: several files can be made durable before any of them replaces
 * its predecessor.  Idempotent.
 */
enum sy_err sy_atomic_sync(struct sy_atomic *a);

/*
 * Syncs (as above) if not done yet, then renames the temporary file over
 * path, unless path already holds exactly the same bytes, in which case
 * the temporary file is removed and path is left untouched (its mtime
 * stays).  *changed (may be NULL) tells which.  The temporary file is
 * gone afterwards in every case.
 */
enum sy_err sy_atomic_commit(struct sy_atomic *a, bool *changed);

/*
 * sy_atomic_commit but for the fsync of path's folder, which makes the
 * rename durable: for files renamed in a batch, each folder synced once,
 * after the last of its renames (sy_fsync_folder), not once a file.
 */
enum sy_err sy_atomic_rename(struct sy_atomic *a, bool *changed);

/* An fsync of the folder that holds path (its renames made durable). */
void sy_fsync_folder(const char *path);

/* Removes the temporary file and frees a; for failure paths. */
void sy_atomic_abort(struct sy_atomic *a);

/*
 * Removes the temporary files a killed run may have left beside path
 * (".BASE.XXXXXX.tmp", BASE being path's last component).
 */
void sy_atomic_sweep(const char *path);

#endif
