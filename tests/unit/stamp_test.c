/*
 * stamp_test: the record of a build and its check, driven the way
 * sy_build_run drives them, in a folder of our own.  The build's start
 * (s.t0) is moved forward where the files must look old enough to be
 * trusted, which the end-to-end test (1050-build-uptodate.t) can only get
 * by waiting: the racy rule itself is tested here, exactly.
 */
#define _XOPEN_SOURCE 700 /* nftw */
#include "lib/stamp.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/fsutil.h"
#include "t.h"

#define SEC 1000000000LL

static struct sy_build_opts opts;
static struct sy_manifest man;
static char outdir[] = "out", mpath[] = "m.csv", mdir[] = ".";

static void
put(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	if (fp == NULL || fputs(text, fp) == EOF || fclose(fp) != 0) {
		perror(path);
		exit(2);
	}
}

/* Overwrites path in place (same inode, same size), mtime put back. */
static void
edit_in_place(const char *path, const char *text)
{
	struct stat st;
	struct timespec t[2];
	int fd;

	if (stat(path, &st) != 0 || (fd = open(path, O_WRONLY)) < 0 ||
	    write(fd, text, strlen(text)) != (ssize_t)strlen(text) ||
	    close(fd) != 0) {
		perror(path);
		exit(2);
	}
	t[0] = st.st_atim;
	t[1] = st.st_mtim;
	if (utimensat(AT_FDCWD, path, t, 0) != 0) {
		perror(path);
		exit(2);
	}
}

/*
 * One build as sy_build_run makes it: the check, the start, the article
 * read, the output, the end.  shift moves the start forward (ns).
 * Returns whether the check found it up to date (and then does no more).
 */
static bool
build(int64_t shift, bool modify_article)
{
	struct sy_build_stats st;
	struct sy_stamp s;
	char *data;
	size_t len;
	bool fresh;

	memset(&st, 0, sizeof(st));
	st.outdir = outdir;
	sy_stamp_init(&s, &opts, outdir);
	fresh = sy_stamp_fresh(&s, &st);
	if (!fresh) {
		sy_stamp_begin(&s, &opts);
		s.t0 += shift;
		if (sy_file_read("a.md", 1024, &data, &len) == SY_OK)
			free(data);
		if (modify_article)
			put("a.md", "# changed after it was read\n");
		sy_stamp_output(&s, "out/rss.xml");
		st.entries = 1;
		st.feeds = 1;
		st.files = 1;
		sy_stamp_save(&s, &opts, &man, &st);
	} else {
		T_OK(st.entries == 1 && st.feeds == 1 && st.files == 1 &&
		        st.changed == 0,
		    "up to date: the summary of the recorded build");
	}
	sy_stamp_fini(&s);
	return fresh;
}

static char *
record_path(void)
{
	struct sy_stamp s;
	char *p;

	sy_stamp_init(&s, &opts, outdir);
	p = s.path;
	s.path = NULL;
	sy_stamp_fini(&s);
	return p;
}

static bool
exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/* rm -rf, for the test's folder. */
static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

static void
test_racy(void)
{
	struct stat st;
	int64_t t0 = 1700000000 * SEC + 500000000;

	memset(&st, 0, sizeof(st));
	st.st_ctim.tv_sec = 1700000000;
	st.st_ctim.tv_nsec = 480000000; /* 20 ms before */
	T_OK(sy_stamp_is_racy(&st, t0), "changed 20 ms before: racy");
	st.st_ctim.tv_nsec = 440000000; /* 60 ms before */
	T_OK(!sy_stamp_is_racy(&st, t0), "changed 60 ms before: trusted");
	st.st_ctim.tv_nsec = 450000000; /* exactly 50 ms before */
	T_OK(sy_stamp_is_racy(&st, t0), "changed 50 ms before: racy");
	st.st_ctim.tv_sec = 1700000001; /* after the start */
	T_OK(sy_stamp_is_racy(&st, t0), "changed after the start: racy");
	/* Whole seconds: the file system may round times down by 2 s. */
	st.st_ctim.tv_sec = 1699999999;
	st.st_ctim.tv_nsec = 0;
	T_OK(sy_stamp_is_racy(&st, t0),
	    "whole-second ctime 1.5 s before: racy (FAT rounds to 2 s)");
	st.st_ctim.tv_sec = 1699999998;
	T_OK(!sy_stamp_is_racy(&st, t0),
	    "whole-second ctime 2.5 s before: trusted");
}

int
main(void)
{
	char dir[] = "/tmp/stamp_test.XXXXXX", *rec, *cache;
	struct sy_stamp s;
	FILE *fp;
	char buf[64];
	size_t n;

	test_racy();
	if (mkdtemp(dir) == NULL || chdir(dir) != 0) {
		perror(dir);
		return 2;
	}
	cache = sy_path_join(dir, "cache");
	if (cache == NULL || setenv("XDG_CACHE_HOME", cache, 1) != 0)
		return 2;
	put("m.csv", "id,title\n1,first\n");
	put("a.md", "# an article\n");
	if (mkdir("out", 0755) != 0)
		return 2;
	put("out/rss.xml", "<rss/>\n");
	opts.manifest = "m.csv";
	opts.formats = 7;
	opts.record = true;
	man.path = mpath;
	man.dir = mdir;
	rec = record_path();
	T_OK(rec != NULL && strncmp(rec, cache, strlen(cache)) == 0 &&
	        strstr(rec, "/syndic/build/") != NULL,
	    "the record goes to $XDG_CACHE_HOME/syndic/build/ (%s)",
	    rec ? rec : "none");

	/* Just written, the files cannot be trusted yet. */
	T_OK(!build(0, false), "first build: a full one");
	T_OK(!exists(rec), "files changed just now: no record");
	T_OK(!build(10 * SEC, false), "a build 10 s later: a full one");
	T_OK(exists(rec), "it leaves a record");
	fp = fopen(rec, "r");
	n = fp != NULL ? fread(buf, 1, 22, fp) : 0;
	buf[n] = '\0';
	if (fp != NULL)
		fclose(fp);
	T_STREQ(buf, "syndic-build record 1\n", "the record's first line");
	T_OK(build(0, false), "then nothing changed: up to date");
	T_OK(build(0, false), "and again");

	/* The manifest rewritten, same size, mtime put back: ctime tells. */
	edit_in_place("m.csv", "id,title\n1,FIRST\n");
	T_OK(!build(10 * SEC, false),
	    "manifest edited in place, size and mtime kept: a full build");
	T_OK(build(0, false), "recorded again: up to date");
	edit_in_place("out/rss.xml", "<RSS/>\n");
	T_OK(!build(10 * SEC, false), "output edited in place: a full build");
	T_OK(build(0, false), "up to date");
	unlink("out/rss.xml");
	T_OK(!build(10 * SEC, false), "output gone: a full build");
	T_OK(!exists(rec), "an output that cannot be stat'ed: no record");
	put("out/rss.xml", "<rss/>\n");
	T_OK(!build(10 * SEC, false), "output back: a full build");
	T_OK(build(0, false), "up to date");

	/* An article that changed between its reading and the record. */
	edit_in_place("a.md", "# AN ARTICLE\n");
	T_OK(!build(10 * SEC, true),
	    "article edited: a full build, which it sees change again");
	T_OK(!exists(rec), "an article changed after it was read: no record");
	T_OK(!build(10 * SEC, false), "the next build");
	T_OK(build(0, false), "records it: up to date");

	/* columns.csv was not there: it must stay away. */
	put("columns.csv", "column,title\n");
	T_OK(!build(10 * SEC, false), "columns.csv appears: a full build");
	T_OK(
	    !exists(rec), "a file the build found absent now there: no record");
	unlink("columns.csv");
	T_OK(!build(10 * SEC, false), "columns.csv gone again: a full build");
	T_OK(build(0, false), "up to date");

	/* Other options: another record's worth. */
	opts.m.title = "Another title";
	T_OK(!build(10 * SEC, false), "another --title: a full build");
	T_OK(build(0, false), "up to date with it");
	opts.m.title = NULL;
	T_OK(!build(10 * SEC, false), "the title as it was: a full build");

	/* A damaged record is no record. */
	fp = fopen(rec, "r+");
	if (fp != NULL) {
		(void)fseek(fp, 30, SEEK_SET);
		(void)fputc('#', fp);
		(void)fclose(fp);
	}
	T_OK(!build(0, false), "a damaged record: a full build");
	T_OK(!exists(rec), "which removes it first");

	/* Off: no record, no check. */
	opts.record = false;
	sy_stamp_init(&s, &opts, outdir);
	T_OK(s.path == NULL && !sy_stamp_fresh(&s, NULL),
	    "record off: nothing checked");
	sy_stamp_fini(&s);
	opts.record = true;
	opts.manifest = "-";
	sy_stamp_init(&s, &opts, outdir);
	T_OK(s.path == NULL, "manifest on standard input: nothing checked");
	sy_stamp_fini(&s);
	sy_stamp_fini(NULL);

	free(rec);
	free(cache);
	T_OK(
	    chdir("/") == 0 && nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS) == 0,
	    "the test's folder removed");
	return t_done();
}
