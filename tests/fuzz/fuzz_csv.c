/*
 * fuzz_csv.c: sy_csv_read_fp on any bytes, through fmemopen; then every
 * record read again at its offset from a real file (tmpfile), by the
 * direct split, by libcsv (sy_csv_read_at with and without its length)
 * and from its bytes in hand (sy_csv_read_at_buf): each must give the
 * fields, lines and flag of the first reading.
 */
#include "lib/csvread.h"

#include <stdlib.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/diag.h"
#include "tests/fuzz/fuzz.h"

#define MAXREC 64

struct seen {
	struct sy_buf text;
	long long off[MAXREC];
	size_t line[MAXREC], len[MAXREC];
	size_t n;
};

static int
on_record(struct sy_csv_record *rec, void *arg)
{
	struct seen *s = arg;
	size_t i;

	FZ_ASSERT(rec->nfields >= 1 && rec->nfields <= SY_CSV_MAX_FIELDS);
	FZ_ASSERT(rec->line >= 1);
	if (s->n < MAXREC) {
		s->off[s->n] = rec->off;
		s->line[s->n] = rec->line;
		s->len[s->n] = rec->len;
	}
	s->n++;
	(void)sy_buf_printf(&s->text, "%zu:%d:", rec->line, rec->xml_bad);
	for (i = 0; i < rec->nfields; i++) {
		/* Every byte, whole: ASan checks the string. */
		FZ_ASSERT(rec->flines[i] >= rec->line);
		(void)sy_buf_printf(
		    &s->text, "%zu@%s\x1f", rec->flines[i], rec->fields[i]);
	}
	(void)sy_buf_putc(&s->text, '\x1e');
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sy_diags d;
	struct seen first, again;
	size_t j, k;
	FILE *fp;

	if (size == 0)
		return 0;
	fp = fmemopen((void *)(uintptr_t)data, size, "r");
	if (fp == NULL)
		return 0;
	sy_diags_init(&d);
	memset(&first, 0, sizeof(first));
	sy_buf_init(&first.text, 0);
	(void)sy_csv_read_fp(fp, "fuzz.csv", on_record, &first, &d);
	fclose(fp);
	/* A real file: the direct split needs a descriptor to pread. */
	fp = tmpfile();
	if (fp != NULL && write(fileno(fp), data, size) == (ssize_t)size) {
		/* The offsets of a real file are those of the memory one. */
		for (k = 0; k < 3 && first.n <= MAXREC; k++) {
			memset(&again, 0, sizeof(again));
			sy_buf_init(&again.text, 0);
			for (j = 0; j < first.n; j++) {
				size_t l = first.len[j];
				long long o = first.off[j];
				char *rec;

				FZ_ASSERT(
				    l > 0 && o >= 0 && (size_t)o + l <= size);
				if (k < 2) {
					FZ_ASSERT(sy_csv_read_at(fp, "fuzz.csv",
					              o, first.line[j],
					              k == 0 ? l : 0, on_record,
					              &again, &d) == SY_OK);
				} else if ((rec = malloc(l + 1)) != NULL) {
					/* The bytes in hand, as a part's span.
					 */
					memcpy(rec, data + o, l);
					rec[l] = 'X';
					FZ_ASSERT(
					    sy_csv_read_at_buf(fp, "fuzz.csv",
					        rec, l, (size_t)o + l == size,
					        o, first.line[j], on_record,
					        &again, &d) == SY_OK);
					free(rec);
				} else {
					break;
				}
				FZ_ASSERT(again.n == j + 1);
			}
			FZ_ASSERT(first.n == 0 ||
			    strcmp(again.text.data, first.text.data) == 0);
			sy_buf_fini(&again.text);
		}
	}
	if (fp != NULL)
		fclose(fp);
	sy_buf_fini(&first.text);
	sy_diags_fini(&d);
	return 0;
}
