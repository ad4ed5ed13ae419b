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

#include "syndic.h"

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

struct sy_atomic {
	FILE *fp;    /* write here */
	char *path;  /* final name */
	char *tmp;   /* temporary name, in the same folder */
	char *iobuf; /* fp's buffer: big writes, few system calls */
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
 * already holds is never synced.  Idempotent.
 */
enum sy_err sy_atomic_finish(struct sy_atomic *a);

/*
 * Asks the kernel to start writing out what the temporary file holds so
 * far (Linux; elsewhere nothing): a large file then goes to the disk as
 * it is made, and its fsync has only the end left to wait for.  The
 * stdio buffer is not flushed: call it after writing past it.
 */
void sy_atomic_kick(struct sy_atomic *a);

/*
 * Finishes (as above) if not done yet, then makes the temporary file
 * durable (fsync), unless it is the same as path.  Still no
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

/* Removes the temporary file and frees a; for failure paths. */
void sy_atomic_abort(struct sy_atomic *a);

/*
 * Removes the temporary files a killed run may have left beside path
 * (".BASE.XXXXXX.tmp", BASE being path's last component).
 */
void sy_atomic_sweep(const char *path);

#endif
