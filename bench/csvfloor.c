/*
 * csvfloor: the floor for syndic-lint's speed, a bare libcsv parse of a
 * file (fread into a buffer, csv_parse, count fields and records).
 * usage: csvfloor FILE
 */
#include <stdio.h>
#include <stdlib.h>

#include <csv.h>

static size_t fields, records;

static void
cb1(void *s, size_t len, void *data)
{
	(void)s;
	(void)len;
	(void)data;
	fields++;
}

static void
cb2(int c, void *data)
{
	(void)c;
	(void)data;
	records++;
}

int
main(int argc, char **argv)
{
	struct csv_parser p;
	char buf[1 << 16];
	size_t n;
	FILE *fp;

	if (argc != 2 || (fp = fopen(argv[1], "rb")) == NULL) {
		fprintf(stderr, "usage: csvfloor FILE\n");
		return 2;
	}
	if (csv_init(&p, CSV_STRICT | CSV_APPEND_NULL) != 0)
		return 2;
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0) {
		if (csv_parse(&p, buf, n, cb1, cb2, NULL) != n) {
			fprintf(stderr, "csvfloor: %s\n",
			    csv_strerror(csv_error(&p)));
			return 1;
		}
	}
	csv_fini(&p, cb1, cb2, NULL);
	csv_free(&p);
	fclose(fp);
	printf("%zu records, %zu fields\n", records, fields);
	return 0;
}
