/*
 * csvread: strict RFC 4180 reading through libcsv, with the physical line
 * where each record starts and the field numbers.  A UTF-8 BOM and CRLF
 * line ends are accepted; invalid UTF-8 and NUL bytes are reported with
 * their position (csv-encoding); unterminated quotes and other damage are
 * csv-syntax.
 */
#ifndef SY_CSVREAD_H
#define SY_CSVREAD_H

#include <stddef.h>

#include "diag.h"
#include "syndic.h"

struct sy_csv_record {
	size_t line;	/* physical line where the record starts */
	size_t nfields;
	char **fields;	/* NUL-terminated, valid UTF-8 */
	size_t *flines; /* physical line where each field starts */
};

struct sy_csv {
	struct sy_csv_record *rec;
	size_t n;
	size_t cap;
};

/* Caps: beyond them the file is refused (csv-syntax) rather than read. */
#define SY_CSV_MAX_FIELD (1u << 20)   /* bytes per field */
#define SY_CSV_MAX_FIELDS 1024	      /* fields per record */
#define SY_CSV_MAX_RECORDS 10000000u  /* records per file */

/*
 * Reads the CSV file path ("-" = stdin).  Every problem goes to d; a file
 * with a csv-syntax or csv-encoding problem yields the records read up to
 * it.  Returns SY_OK (even with problems in d), SY_EIO (errno set) when
 * the file cannot be read, or SY_ENOMEM.
 */
enum sy_err sy_csv_read(const char *path, struct sy_csv *out,
    struct sy_diags *d);

/* Same from memory; path is used only for positions. */
enum sy_err sy_csv_parse(const char *path, const char *data, size_t len,
    struct sy_csv *out, struct sy_diags *d);

void sy_csv_fini(struct sy_csv *c);

#endif
