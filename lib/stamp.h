/*
 * stamp: syndic-build's up-to-date check, the way make, ninja and git's
 * index decide: by what stat(2) says of every file, not by reading them.
 *
 * After a clean build (no diagnostic at all) a small record is written,
 * atomically, to $XDG_CACHE_HOME/syndic/build/ (else ~/.cache/syndic/
 * build/), one per output folder, named by a hash of the folder's real
 * path (the published folder gets no hidden file).  It holds the tool's
 * version, the folder the tool ran in, every option, the environment that
 * could matter (TZ, LD_LIBRARY_PATH, LD_PRELOAD), the summary, and for
 * every file the build depended on its device, inode, mode, size, mtime
 * and ctime to the nanosecond: the program (/proc/self/exe) and every
 * shared library it had loaded, the manifest, the columns file (or the
 * absence of columns.csv beside the manifest), the time-zone files, every
 * article file read, and every output file.
 *
 * The next run with the same options reads the record and stats the
 * same files again.  When every line comes out the same, nothing the
 * build would read has changed and every output is still what the last
 * build left, so a build would write nothing: the run stops there, with
 * the same summary, before libcurl and libxml2 are even loaded (dl.h).
 * Any difference, a record that is missing, damaged (its last line is a
 * checksum of the others), another version's or another folder's, means
 * a full build, which removes the record first and writes a new one if
 * it is clean.
 *
 * ctime is what makes stat enough: touch -d, cp -p and tar set mtime
 * back, nothing sets ctime back, and every change of content moves it.
 * Only a second change within one tick of the file system's clock can
 * leave every time as it was (git's "racy clean" problem), so a build
 * records nothing when one of its files changed less than 50 ms before it
 * began (2 s where the times are whole seconds), nor when a file it read
 * is not, at the end, the very one it opened: the next run builds again
 * and records.  In particular a build that rewrote a feed is recorded by
 * the next one.
 *
 * Deliberately not seen: a library that a new build would now find at
 * another place on the search path (the record stats the files the last
 * build loaded); the clock of a network file system running behind ours
 * by more than the margin; the current time itself, which only the "more
 * than a year in the future" check reads, and a clean build stays clean
 * as time passes.  The locale and TZ do not change what syndic-build
 * writes (it calls neither setlocale nor localtime); TZ is in the record
 * all the same.  Temporary files a killed run left are swept by the next
 * full build, not by the check (a killed build leaves no record).
 *
 * A failure here (no cache folder, a full disk) never fails the build:
 * it only means no record.
 */
#ifndef SY_STAMP_H
#define SY_STAMP_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "buf.h"
#include "build.h"
#include "manifest.h"

/* What the record says of a file: the fields of struct stat it compares. */
struct sy_stamp_id {
	uint64_t dev, ino, size;
	int64_t mtime_ns, ctime_ns;
	unsigned mode;
};

struct sy_stamp_file {
	char *path; /* absolute */
	char kind;  /* 'x' the program, 'l' a library, 'i' an input, 'a' a
	               file that must stay absent, 'o' an output */
	bool seen;  /* id is what the build found when it opened path */
	struct sy_stamp_id id;
};

struct sy_stamp {
	char *path;         /* the record; NULL: no check, no record */
	struct sy_buf head; /* its first lines: version, folder, options */
	int64_t t0;         /* ns since the epoch: when the build began */
	char *cwd;          /* for absolute paths */
	char *key;          /* the output folder's real path */
	struct sy_stamp_file *v;
	size_t n, cap;
	pthread_mutex_t mu; /* v, n, cap and broken, while watching */
	bool watching;
	bool broken; /* something read cannot be recorded: no record */
};

/*
 * Sets s up for a build of o into outdir (st->outdir): the record's path
 * and its first lines.  Without a usable cache folder, or for a manifest
 * read from standard input, s->path stays NULL and the other functions do
 * nothing.  sy_stamp_fini releases s in every case.
 */
void sy_stamp_init(
    struct sy_stamp *s, const struct sy_build_opts *o, const char *outdir);

/*
 * True when the record shows that nothing has changed since the last
 * clean build: st->entries, feeds and files are then that build's
 * (changed is 0), and nothing was written.  False otherwise; a record
 * that did not match is removed.
 */
bool sy_stamp_fresh(struct sy_stamp *s, struct sy_build_stats *st);

/*
 * The full build begins: takes the time, stats the manifest, and watches
 * the files the build reads (sy_file_read_watch) until sy_stamp_save or
 * sy_stamp_fini.  Call before anything is read.
 */
void sy_stamp_begin(struct sy_stamp *s, const struct sy_build_opts *o);

/* Notes an output file of the build (once it is in place). */
void sy_stamp_output(struct sy_stamp *s, const char *path);

/*
 * The build is over and was clean: writes the record, unless a file
 * changed too recently or cannot be recorded.  m is the loaded manifest
 * (its columns file, folder and columns' zones).
 */
void sy_stamp_save(struct sy_stamp *s, const struct sy_build_opts *o,
    const struct sy_manifest *m, const struct sy_build_stats *st);

void sy_stamp_fini(struct sy_stamp *s);

/*
 * True when a record of a build that began at t0 (ns since the epoch)
 * cannot vouch for a file whose stat is st: it changed less than 50 ms
 * before t0 (2 s + 50 ms when its ctime is a whole second: FAT, ext3),
 * or later.
 */
bool sy_stamp_is_racy(const struct stat *st, int64_t t0);

#endif
