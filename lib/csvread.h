/*
 * csvread: strict RFC 4180 reading through libcsv, with the physical line
 * where each record starts and the field numbers.  A UTF-8 BOM and CRLF
 * line ends are accepted; invalid UTF-8 and NUL bytes are reported with
 * their position (csv-encoding) and the record holding them is dropped;
 * unterminated quotes and other damage are csv-syntax, after which reading
 * resumes at the next line.  The file is streamed: memory holds one record
 * at a time unless the caller keeps them.
 */
#ifndef SY_CSVREAD_H
#define SY_CSVREAD_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "syndic.h"

struct sy_csv_record {
	size_t line;   /* physical line where the record starts */
	long long off; /* its byte offset in the stream, -1 if unknown */
	size_t len;    /* bytes from off to its end (line end included), 0 if
	                  unknown */
	bool xml_bad;  /* some field may hold a character XML 1.0 forbids */
	size_t nfields;
	char **fields;  /* NUL-terminated, valid UTF-8, no NUL inside */
	size_t *flines; /* physical line where each field starts */
	/*
	 * The next record's fields, when they are already in hand (NULL
	 * otherwise): to look at, never to change, for a callback that
	 * starts fetching now what the next call will need (a hash map's
	 * slots).  Untrimmed.
	 */
	char *const *next;
	size_t nnext;
};

/* Caps: beyond them a record is refused (csv-syntax) rather than read. */
#define SY_CSV_MAX_RECORD (16u << 20) /* bytes per record */
#define SY_CSV_MAX_FIELDS 1024        /* fields per record */
#define SY_CSV_MAX_RECORDS 10000000u  /* records per file */

/*
 * Called for every good record, in order.  rec and its strings belong to
 * the reader and die when the callback returns; the callback may change
 * the strings in place (trim them), not their allocation.  A nonzero
 * return (an enum sy_err) stops reading and is returned by sy_csv_read_cb.
 */
typedef int (*sy_csv_cb)(struct sy_csv_record *rec, void *arg);

/*
 * Reads the CSV file path ("-" = stdin), reporting problems to d.
 * Returns SY_OK (even with problems in d), SY_EIO (errno set) when the
 * file cannot be read, SY_ENOMEM, or the callback's nonzero value.
 */
enum sy_err sy_csv_read_cb(
    const char *path, sy_csv_cb cb, void *arg, struct sy_diags *d);

/* The same on an open stream; path is used for positions only. */
enum sy_err sy_csv_read_fp(
    FILE *fp, const char *path, sy_csv_cb cb, void *arg, struct sy_diags *d);

/*
 * The batches and buffers that readings let go are kept for the next
 * (a file read in pieces, each by a reader thread of its own, faults on
 * their pages once, not once a piece); this frees them.
 */
void sy_csv_release(void);

/*
 * The same on the bytes [off, end) of the regular file fp (end < 0: to
 * its end), read with pread (fp's position is untouched, so that other
 * ranges can be read at the same time), lines numbered after line0; off
 * must be where a record starts, line0 the lines before it (the BOM and
 * UTF-16 checks are for a range that starts the file).  *lines, when
 * not NULL, gets the number of the last line read (line0 when none).
 */
enum sy_err sy_csv_read_range(FILE *fp, const char *path, long long off,
    long long end, size_t line0, size_t *lines, sy_csv_cb cb, void *arg,
    struct sy_diags *d);

/*
 * Reads again the one record that starts at byte off of the seekable fp,
 * on physical line line, len bytes long (all three from an earlier read's
 * record; len may be 0): cb is called once with it, or not at all when
 * the record is damaged or missing (its problems go to d).  For readers
 * that let a record go and want it back.  A record of plain RFC 4180
 * shape, as the earlier read left it, is split directly, without libcsv
 * (one pread of len bytes); anything else goes through libcsv as on the
 * first reading, with the same fields.
 */
enum sy_err sy_csv_read_at(FILE *fp, const char *path, long long off,
    size_t line, size_t len, sy_csv_cb cb, void *arg, struct sy_diags *d);

/*
 * The same when the record's len bytes are already in hand (read with
 * others at once): rec holds them, writable, with one byte more of room
 * after them that may be written; eof says whether they end the file.
 * rec is spoilt.  A record that is not of plain shape is read from fp.
 */
enum sy_err sy_csv_read_at_buf(FILE *fp, const char *path, char *rec,
    size_t len, bool eof, long long off, size_t line, sy_csv_cb cb, void *arg,
    struct sy_diags *d);

/* All records in memory (small files: columns.csv, tests). */
struct sy_csv {
	struct sy_csv_record *rec;
	size_t n;
	size_t cap;
};

enum sy_err sy_csv_read(
    const char *path, struct sy_csv *out, struct sy_diags *d);
void sy_csv_fini(struct sy_csv *c);

#endif
