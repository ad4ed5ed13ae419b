/* fuzz_csv.c: sy_csv_read_fp on any bytes, through fmemopen. */
#include "lib/csvread.h"

#include "lib/diag.h"
#include "tests/fuzz/fuzz.h"

static int
on_record(struct sy_csv_record *rec, void *arg)
{
	size_t *n = arg;
	size_t i;

	FZ_ASSERT(rec->nfields >= 1 && rec->nfields <= SY_CSV_MAX_FIELDS);
	FZ_ASSERT(rec->line >= 1);
	for (i = 0; i < rec->nfields; i++) {
		/* Touch every byte: ASan checks the string is whole. */
		*n += strlen(rec->fields[i]);
		FZ_ASSERT(rec->flines[i] >= rec->line);
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sy_diags d;
	size_t n = 0;
	FILE *fp;

	if (size == 0)
		return 0;
	fp = fmemopen((void *)(uintptr_t)data, size, "r");
	if (fp == NULL)
		return 0;
	sy_diags_init(&d);
	(void)sy_csv_read_fp(fp, "fuzz.csv", on_record, &n, &d);
	fclose(fp);
	sy_diags_fini(&d);
	return 0;
}
