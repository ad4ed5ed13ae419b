#include "lib/csvread.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/util.h"
#include "t.h"

/*
 * Each case: input bytes, the records seen ("LINE:f1|f2|...;" each) and
 * the diagnostics ("LINE:COL:rule;" each).
 */
static const struct {
	const char *name;
	const char *in;
	size_t len; /* 0: strlen */
	const char *recs;
	const char *diags;
} cases[] = {
    {"simple", "a,b\n1,2\n", 0, "1:a|b;2:1|2;", ""},
    {"no final newline", "a,b\n1,2", 0, "1:a|b;2:1|2;", ""},
    {"CRLF", "a,b\r\n1,2\r\n", 0, "1:a|b;2:1|2;", ""},
    {"BOM", "\xEF\xBB\xBFid,title\nx,y\n", 0, "1:id|title;2:x|y;", ""},
    {"blank lines skipped", "a\n\n\nb\n", 0, "1:a;4:b;", ""},
    {"quoted comma", "a,\"b,c\"\n", 0, "1:a|b,c;", ""},
    {"doubled quote", "\"say \"\"hi\"\"\"\n", 0, "1:say \"hi\";", ""},
    {"field across lines", "h\n\"one\ntwo\nthree\",x\nnext,y\n", 0,
        "1:h;2:one\ntwo\nthree|x;5:next|y;", ""},
    {"CJK", "標題,連結\n深度求索,https://例子.台灣/\n", 0,
        "1:標題|連結;2:深度求索|https://例子.台灣/;", ""},
    {"empty fields", "a,,c\n,,\n", 0, "1:a||c;2:||;", ""},
    {"unterminated quote", "a,b\n1,\"2\n3,4\n", 0, "1:a|b;", "2:2:csv-syntax;"},
    {"quote in unquoted field", "a,b\nx\"y,2\nok,3\n", 0, "1:a|b;3:ok|3;",
        "2:1:csv-syntax;"},
    {"text after closing quote", "a,b\n\"x\"y,2\nok,3\n", 0, "1:a|b;3:ok|3;",
        "2:1:csv-syntax;"},
    {"invalid UTF-8 drops the record", "a,b\nx\xff,2\nok,3\n", 0,
        "1:a|b;3:ok|3;", "2:1:csv-encoding;"},
    {"NUL drops the record", "a,b\nx\0y,2\nok,3\n", 15, "1:a|b;3:ok|3;",
        "2:1:csv-encoding;"},
    {"bad byte inside a multi-line record", "h\n\"one\n\xc3(\"\nz\n", 0,
        "1:h;4:z;", "2:1:csv-encoding;"},
    {"lone CR ends a record on its line", "a,b\r1,\"x\ry\"\r2,3\n4,5\n", 0,
        "1:a|b;1:1|x\ry;1:2|3;2:4|5;", ""},
    {"bad byte after a lone CR drops its own record", "a,b\n1\r\xac,2\nok,3\n",
        0, "1:a|b;2:1;3:ok|3;", "2:1:csv-encoding;"},
    /* The column of an encoding error is the field the byte is in. */
    {"bad byte after a quoted comma is in field 3", "a,b,c\n\"x,y\",2,z\xff\n",
        0, "1:a|b|c;", "2:3:csv-encoding;"},
    {"two bad bytes, one error at the first", "a,b\n\xff,\xfe\nok,3\n", 0,
        "1:a|b;3:ok|3;", "2:1:csv-encoding;"},
    {"bad byte on a quoted field's second line, after doubled quotes",
        "a,b,c\n1,\"p,\"\"q\nr\xff\",3\nok,3,4\n", 0, "1:a|b|c;4:ok|3|4;",
        "2:2:csv-encoding;"},
    {"bad byte in the piece after a lone CR", "a,b\n1,2\r3,\xac\n", 0,
        "1:a|b;2:1|2;", "2:2:csv-encoding;"},
};

struct seen {
	struct sy_buf recs;
	long long off[64]; /* where each record starts, and its line */
	size_t line[64];
	size_t n;
	struct sy_buf xml; /* "1" or "0" per record: xml_bad */
};

static int
collect(struct sy_csv_record *rec, void *arg)
{
	struct seen *s = arg;
	size_t i;

	if (s->n < SY_NELEM(s->off)) {
		s->off[s->n] = rec->off;
		s->line[s->n++] = rec->line;
	}
	sy_buf_putc(&s->xml, rec->xml_bad ? '1' : '0');
	sy_buf_printf(&s->recs, "%zu:", rec->line);
	for (i = 0; i < rec->nfields; i++)
		sy_buf_printf(&s->recs, "%s%s", i ? "|" : "", rec->fields[i]);
	sy_buf_putc(&s->recs, ';');
	return 0;
}

static int
collect_none(struct sy_csv_record *rec, void *arg)
{
	(void)rec;
	(void)arg;
	return 0;
}

static void
seen_init(struct seen *s)
{
	memset(s, 0, sizeof(*s));
	sy_buf_init(&s->recs, 0);
	sy_buf_init(&s->xml, 0);
}

/* Reads len bytes of in as "t.csv" into s and d, both set up here. */
static enum sy_err
read_mem(const char *in, size_t len, struct seen *s, struct sy_diags *d)
{
	FILE *fp = fmemopen((void *)(uintptr_t)in, len, "r");
	enum sy_err e;

	sy_diags_init(d);
	seen_init(s);
	if (fp == NULL)
		return SY_EIO;
	e = sy_csv_read_fp(fp, "t.csv", collect, s, d);
	fclose(fp);
	return e;
}

static void
seen_fini(struct seen *s, struct sy_diags *d)
{
	sy_buf_fini(&s->recs);
	sy_buf_fini(&s->xml);
	sy_diags_fini(d);
}

static int
stop_at_two(struct sy_csv_record *rec, void *arg)
{
	(void)arg;
	return rec->line == 2 ? SY_ELIMIT : 0;
}

/* For the many-batches test: records must come in order, lines right. */
struct order {
	size_t n, bad, stop_at;
	const size_t *line; /* where record k starts */
};

static int
in_order(struct sy_csv_record *rec, void *arg)
{
	struct order *o = arg;
	size_t want = o->n < 1500 ? o->n : o->n + 1; /* 1500 is damaged */
	char id[32];

	snprintf(id, sizeof(id), "%zu", want);
	if (rec->nfields != 2 || strcmp(rec->fields[0], id) != 0 ||
	    rec->line != o->line[want])
		o->bad++;
	o->n++;
	return o->n == o->stop_at ? SY_ELIMIT : 0;
}

/*
 * Reading again at an offset: the direct split (a real file, the record's
 * length given) and libcsv (length 0) must both give every field, line
 * and flag exactly as the first reading did.
 */
struct again {
	struct sy_buf text; /* "LINE:f1@l1|f2@l2...#xml;" per record */
	long long off[256];
	size_t line[256], len[256];
	size_t n;
};

static int
collect_again(struct sy_csv_record *rec, void *arg)
{
	struct again *a = arg;
	size_t i;

	if (a->n < SY_NELEM(a->off)) {
		a->off[a->n] = rec->off;
		a->line[a->n] = rec->line;
		a->len[a->n] = rec->len;
	}
	a->n++;
	sy_buf_printf(&a->text, "%zu:", rec->line);
	for (i = 0; i < rec->nfields; i++)
		sy_buf_printf(&a->text, "%s%s@%zu", i ? "|" : "",
		    rec->fields[i], rec->flines[i]);
	sy_buf_printf(&a->text, "#%d;", rec->xml_bad ? 1 : 0);
	return 0;
}

/* Returns the number of records that did not read the same again. */
static size_t
reread_file(const char *in, size_t inlen, size_t *nrec)
{
	struct again first, again;
	struct sy_diags d;
	FILE *fp = tmpfile();
	size_t j, bad = 0;
	int pass;

	*nrec = 0;
	if (fp == NULL || fwrite(in, 1, inlen, fp) != inlen ||
	    fflush(fp) != 0 || fseeko(fp, 0, SEEK_SET) != 0) {
		if (fp != NULL)
			fclose(fp);
		return 1;
	}
	memset(&first, 0, sizeof(first));
	sy_buf_init(&first.text, 0);
	sy_diags_init(&d);
	if (sy_csv_read_fp(fp, "t.csv", collect_again, &first, &d) != SY_OK)
		bad++;
	*nrec = first.n < SY_NELEM(first.off) ? first.n : SY_NELEM(first.off);
	/* The direct split from the file, libcsv, the split from bytes. */
	for (pass = 0; pass < 3; pass++) {
		memset(&again, 0, sizeof(again));
		sy_buf_init(&again.text, 0);
		for (j = 0; j < *nrec; j++) {
			size_t before = again.n, l = first.len[j];
			long long o = first.off[j];
			char *rec = NULL;
			enum sy_err e;

			if (l == 0 || o < 0 || (size_t)o + l > inlen) {
				bad++;
				continue;
			}
			if (pass < 2) {
				e = sy_csv_read_at(fp, "t.csv", o,
				    first.line[j], pass == 0 ? l : 0,
				    collect_again, &again, &d);
			} else if ((rec = malloc(l + 1)) == NULL) {
				e = SY_ENOMEM;
			} else {
				memcpy(rec, in + o, l);
				rec[l] = 'X'; /* not the file's: never read */
				e = sy_csv_read_at_buf(fp, "t.csv", rec, l,
				    (size_t)o + l == inlen, o, first.line[j],
				    collect_again, &again, &d);
			}
			free(rec);
			if (e != SY_OK || again.n != before + 1)
				bad++;
		}
		if (strcmp(again.text.data ? again.text.data : "",
		        first.text.data ? first.text.data : "") != 0) {
			bad++;
			printf("# %s: first %s\n# again %s\n",
			    pass == 0       ? "direct"
			        : pass == 1 ? "libcsv"
			                    : "bytes",
			    first.text.data, again.text.data);
		}
		sy_buf_fini(&again.text);
	}
	sy_buf_fini(&first.text);
	sy_diags_fini(&d);
	fclose(fp);
	return bad;
}

/*
 * The file in[0, len) read whole, then in two ranges at every record
 * that starts a line (sy_csv_read_range): the records of the two, the
 * second numbered after the first's last line, must be the whole's, and
 * the stream must not move.  Returns the splits that differ.
 */
static size_t
split_file(const char *in, size_t len, size_t *nsplits)
{
	FILE *fp = tmpfile();
	struct sy_diags d;
	struct seen whole, two;
	size_t k, lines, bad = 0;

	*nsplits = 0;
	if (fp == NULL || fwrite(in, 1, len, fp) != len || fflush(fp) != 0)
		abort();
	rewind(fp);
	sy_diags_init(&d);
	seen_init(&whole);
	if (sy_csv_read_fp(fp, "t.csv", collect, &whole, &d) != SY_OK)
		bad++;
	for (k = 1; d.n == 0 && k < whole.n; k++) {
		long long at = whole.off[k], pos;

		if (at <= 0 || in[at - 1] != '\n')
			continue; /* not where a line starts */
		(*nsplits)++;
		seen_init(&two);
		rewind(fp);
		pos = ftello(fp);
		if (sy_csv_read_range(fp, "t.csv", 0, at, 0, &lines, collect,
		        &two, &d) != SY_OK ||
		    lines != whole.line[k] - 1 ||
		    sy_csv_read_range(fp, "t.csv", at, -1, lines, NULL, collect,
		        &two, &d) != SY_OK ||
		    d.n != 0 || ftello(fp) != pos ||
		    strcmp(two.recs.data ? two.recs.data : "",
		        whole.recs.data) != 0 ||
		    strcmp(two.xml.data ? two.xml.data : "", whole.xml.data) !=
		        0)
			bad++;
		sy_buf_fini(&two.recs);
		sy_buf_fini(&two.xml);
	}
	seen_fini(&whole, &d);
	fclose(fp);
	return bad;
}

static int
count_cb(struct sy_csv_record *rec, void *arg)
{
	(void)rec;
	(*(size_t *)arg)++;
	return 0;
}

/*
 * Records of plain shape are split directly, with no libcsv and no read:
 * given a stream with nothing in it (/dev/null), sy_csv_read_at_buf
 * still delivers them; a record libcsv must read (spaces to trim) is
 * looked for in the stream and not found.
 */
static void
test_direct(void)
{
	static const struct {
		const char *in;
		bool eof, direct;
	} v[] = {
	    {"a,b\n", false, true},
	    {"a,b\r\n", false, true},
	    {"a,b", true, true},
	    {"a,,\n", false, true},
	    {"\"q\",b\n", false, true},
	    {"a,\"q\"\"x\"\"\"\r\n", false, true},
	    {"\xe6\xa8\x99,\xe9\xa1\x8c\n", false, true},
	    {"a ,\tb c \t\n", false, true},
	    {" \t,b\n", false, false},
	    {"a,b\n", true, true},
	    {"a,b", false, false},
	};
	FILE *fp = fopen("/dev/null", "r");
	struct sy_diags d;
	size_t i, got, bad = 0;
	char buf[64];

	if (fp == NULL)
		abort();
	sy_diags_init(&d);
	for (i = 0; i < SY_NELEM(v); i++) {
		size_t n = strlen(v[i].in);

		memcpy(buf, v[i].in, n + 1);
		got = 0;
		(void)sy_csv_read_at_buf(
		    fp, "t.csv", buf, n, v[i].eof, 0, 1, count_cb, &got, &d);
		if (got != (v[i].direct ? 1u : 0u)) {
			printf("# direct split of \"%s\": %zu records\n",
			    v[i].in, got);
			bad++;
		}
	}
	T_INTEQ(bad, 0,
	    "plain records split directly, the rest left to "
	    "libcsv");
	sy_diags_fini(&d);
	fclose(fp);
}

static void
test_ranges(void)
{
	size_t i, n, total = 0, bad = 0;
	struct sy_diags d;
	FILE *fp = tmpfile();

	for (i = 0; i < SY_NELEM(cases); i++) {
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].in);

		bad += split_file(cases[i].in, len, &n);
		total += n;
	}
	/*
	 * Random well-formed files: plain and quoted fields (commas, line
	 * ends, doubled quotes, CR inside), LF or CRLF, blank lines.
	 */
	for (i = 0; i < 2000; i++) {
		static const char *const plain[] = {
		    "ab", "\xc3\xa9", "x y", ""};
		static const char *const quoted[] = {"\"a,b\"", "\"l1\nl2\"",
		    "\"say \"\"hi\"\"\"", "\"cr\rin\"", "\"\"", "\"\n\""};
		static unsigned seed = 777;
		struct sy_buf b;
		size_t r, f, nrec = 1 + i % 12;

		sy_buf_init(&b, 0);
		for (r = 0; r < nrec; r++) {
			size_t nf = 1 + (seed >> 16) % 4;

			for (f = 0; f < nf; f++) {
				seed = seed * 1103515245u + 12345u;
				if (f > 0)
					sy_buf_putc(&b, ',');
				if ((seed >> 16) % 3 == 0)
					sy_buf_printf(&b, "%s",
					    quoted[(seed >> 18) %
					        SY_NELEM(quoted)]);
				else
					sy_buf_printf(&b, "%s",
					    plain[(seed >> 18) %
					        SY_NELEM(plain)]);
			}
			seed = seed * 1103515245u + 12345u;
			sy_buf_printf(&b, "%s%s",
			    (seed >> 16) % 2 ? "\r\n" : "\n",
			    (seed >> 18) % 7 == 0 ? "\n" : "");
		}
		bad += split_file(b.data, b.len, &n);
		total += n;
		sy_buf_fini(&b);
	}
	T_OK(total > 3000, "random files split %zu times", total);
	T_INTEQ(bad, 0,
	    "%zu splits in two ranges: the same records, the same lines, the "
	    "stream unmoved",
	    total);
	/* A range's end cuts a record short: the CSV says so. */
	sy_diags_init(&d);
	if (fp == NULL || fputs("a,\"b\nc\"\nd,e\n", fp) < 0 || fflush(fp) != 0)
		abort();
	T_OK(sy_csv_read_range(
	         fp, "t.csv", 0, 6, 0, NULL, collect_none, NULL, &d) == SY_OK &&
	        d.n == 1 && d.v[0].rule == SY_R_CSV_SYNTAX,
	    "a range that ends inside quotes: an unterminated field");
	T_OK(sy_csv_read_range(fp, "t.csv", 5, 2, 0, NULL, collect_none, NULL,
	         &d) == SY_EINVAL,
	    "a range that ends before it starts: SY_EINVAL");
	sy_diags_fini(&d);
	fclose(fp);
}

static void
test_reread(void)
{
	/* What the direct split must take, or leave to libcsv. */
	static const char *const more[] = {
	    "a , b\n\tc,d\t\n",
	    "\"x\" ,y\n\"p\"\t,q\n",
	    " \"x\",y\n",
	    "a,b,\n,\n",
	    "\"\",\"\"\"\"\n",
	    "a,\"b\"",
	    "a,b",
	    "\"multi\r\nline\",\"cr\rinside\"\r\nz,\"q\"\r\n",
	    "a\r\nb\rc\n",
	    "\"open,never closed\n",
	    "x,\"y\"z\nok,1\n",
	    "\xef\xbb\xbf\"bom\",x\n",
	    "a\x01,\"b\x1f\"\n\xef\xbf\xbe,c\n",
	};
	unsigned seed = 12345;
	size_t i, n, total = 0, bad = 0;

	for (i = 0; i < SY_NELEM(cases); i++) {
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].in);

		T_INTEQ(reread_file(cases[i].in, len, &n), 0,
		    "%s: every record the same read again", cases[i].name);
	}
	for (i = 0; i < SY_NELEM(more); i++)
		T_INTEQ(reread_file(more[i], strlen(more[i]), &n), 0,
		    "edge %zu: every record the same read again", i);
	/* Random files from the bytes that matter to CSV. */
	for (i = 0; i < 3000; i++) {
		static const char alpha[] = "ab ,\"\n\r\t\x01";
		char buf[64];
		size_t k, len = 1 + i % 60;

		for (k = 0; k < len; k++) {
			seed = seed * 1103515245u + 12345u;
			if ((seed >> 16) % 23 == 0) {
				/* a two-byte character, sometimes cut */
				buf[k] = (char)0xC3;
				if (k + 1 < len && (seed >> 20) % 5)
					buf[++k] = (char)0xA9;
				continue;
			}
			buf[k] = alpha[(seed >> 16) % (sizeof(alpha) - 1)];
		}
		bad += reread_file(buf, len, &n);
		total += n;
	}
	T_INTEQ(bad, 0, "3000 random files: %zu records, all the same again",
	    total);
}

/*
 * An unquoted field of every length from 0 to 47 (ASCII, or CJK cut
 * anywhere by the 16-byte steps of the direct split), ended by each byte
 * that stops one: a comma, LF, CR LF, a lone CR, a quote, a NUL, blanks
 * before a comma, or the end of the file.  Direct, libcsv and from bytes
 * read each the same (reread_file).
 */
static void
test_field_ends(void)
{
#define END(s)                                                                 \
	{                                                                      \
		s, sizeof(s) - 1                                               \
	}
	static const struct {
		const char *s;
		size_t n; /* "\0y\n" holds a NUL: no strlen */
	} ends[] = {END(",b\n"), END("\n"), END("\r\nz\n"), END("\rq\n"),
	    END("\"x\n"), END("\0y\n"), END(" \t,b\n"), END("")};
#undef END
	static const char *const fill[] = {"a", "\xe6\xa8\x99"};
	size_t len, e, f, n, bad = 0, total = 0;
	char buf[256];

	for (f = 0; f < SY_NELEM(fill); f++)
		for (len = 0; len < 48; len++)
			for (e = 0; e < SY_NELEM(ends); e++) {
				size_t at, el = ends[e].n;

				memcpy(buf, "id,", 3);
				at = 3;
				while (at - 3 < len) {
					memcpy(
					    buf + at, fill[f], strlen(fill[f]));
					at += strlen(fill[f]);
				}
				memcpy(buf + at, ends[e].s, el);
				bad += reread_file(buf, at + el, &n);
				total += n;
			}
	T_OK(total >= 700, "%zu records with a long unquoted field", total);
	T_INTEQ(bad, 0,
	    "an unquoted field of 0 to 47 bytes, each way it can end: the "
	    "same records direct, by libcsv and from bytes");
}

/*
 * rec->next: the fields the next call will get, as they will get them,
 * whatever the callback does to its own record's strings (it trims them
 * here, writing over their spaces).
 */
struct ahead {
	struct sy_buf want; /* the last call's next, "f1|f2|..." */
	bool have;
	size_t records, told, wrong;
};

static int
look_ahead(struct sy_csv_record *rec, void *arg)
{
	struct ahead *a = arg;
	struct sy_buf got;
	size_t i;

	a->records++;
	sy_buf_init(&got, 0);
	for (i = 0; i < rec->nfields; i++)
		sy_buf_printf(&got, "%s%s", i ? "|" : "", rec->fields[i]);
	if (a->have &&
	    strcmp(got.data ? got.data : "",
	        a->want.data ? a->want.data : "") != 0)
		a->wrong++;
	sy_buf_fini(&got);
	a->have = rec->next != NULL;
	a->want.len = 0;
	if (a->want.data != NULL)
		a->want.data[0] = '\0';
	if (rec->next != NULL) {
		a->told++;
		for (i = 0; i < rec->nnext; i++)
			sy_buf_printf(
			    &a->want, "%s%s", i ? "|" : "", rec->next[i]);
	}
	for (i = 0; i < rec->nfields; i++)
		(void)sy_trim(rec->fields[i]);
	return 0;
}

static void
test_next(void)
{
	struct sy_buf in;
	struct ahead a;
	struct sy_diags d;
	FILE *fp;
	size_t i, k;

	sy_buf_init(&in, 0);
	memset(&a, 0, sizeof(a));
	sy_buf_init(&a.want, 0);
	sy_diags_init(&d);
	for (i = 0; i < 5000; i++) {
		for (k = 0; k <= i % 5; k++)
			sy_buf_printf(&in, "%s%s", k ? "," : "",
			    i % 7 == 0        ? " pad "
			        : i % 11 == 0 ? "\"two\nlines\""
			                      : "f");
		sy_buf_printf(&in, ",%zu\n", i);
	}
	fp = fmemopen(in.data, in.len, "r");
	if (fp == NULL)
		abort();
	T_OK(sy_csv_read_fp(fp, "t.csv", look_ahead, &a, &d) == SY_OK &&
	        d.n == 0,
	    "next: 5,000 records read");
	fclose(fp);
	T_INTEQ(a.records, 5000, "next: every record seen");
	T_INTEQ(a.wrong, 0, "next: always the fields the next call got");
	T_OK(a.told >= 4900, "next: given for most records (%zu)", a.told);
	sy_buf_fini(&a.want);
	sy_buf_fini(&in);
	sy_diags_fini(&d);
}

int
main(void)
{
	size_t i, k;

	test_reread();
	test_field_ends();
	test_next();
	test_direct();
	test_ranges();
	for (i = 0; i < SY_NELEM(cases); i++) {
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].in);
		FILE *fp = fmemopen((void *)(uintptr_t)cases[i].in, len, "r");
		struct sy_diags d;
		struct seen s;
		struct sy_buf diags;
		enum sy_err e;

		sy_diags_init(&d);
		memset(&s, 0, sizeof(s));
		sy_buf_init(&s.recs, 0);
		sy_buf_init(&s.xml, 0);
		sy_buf_init(&diags, 0);
		e = sy_csv_read_fp(fp, "t.csv", collect, &s, &d);
		if (d.n == 0 && s.n > 0) {
			/* Every record read again at its offset, alone. */
			struct seen again;
			size_t j;
			bool alone = true;

			memset(&again, 0, sizeof(again));
			sy_buf_init(&again.recs, 0);
			sy_buf_init(&again.xml, 0);
			for (j = 0; j < s.n; j++) {
				size_t before = again.n;

				if (sy_csv_read_at(fp, "t.csv", s.off[j],
				        s.line[j], 0, collect, &again,
				        &d) != SY_OK ||
				    again.n != before + 1)
					alone = false;
			}
			T_OK(alone, "%s: each record read again alone",
			    cases[i].name);
			T_STREQ(again.recs.data ? again.recs.data : "",
			    s.recs.data, "%s: the same records again",
			    cases[i].name);
			sy_buf_fini(&again.recs);
			sy_buf_fini(&again.xml);
		}
		fclose(fp);
		for (k = 0; k < d.n; k++)
			sy_buf_printf(&diags, "%zu:%zu:%s;", d.v[k].line,
			    d.v[k].column, sy_rule_name(d.v[k].rule));
		T_OK(e == SY_OK, "%s: reads", cases[i].name);
		T_STREQ(s.recs.data ? s.recs.data : "", cases[i].recs,
		    "%s: records", cases[i].name);
		T_STREQ(diags.data ? diags.data : "", cases[i].diags,
		    "%s: diagnostics", cases[i].name);
		sy_buf_fini(&s.recs);
		sy_buf_fini(&s.xml);
		sy_buf_fini(&diags);
		sy_diags_fini(&d);
	}

	/* xml_bad marks exactly the records holding a forbidden char. */
	{
		static const char in[] = "a,b\nc\x01,d\n\"e\n\x1f\",f\n"
		                         "g\t,h\r\n\"\xef\xbf\xbe\",i\nj,k\n";
		struct sy_diags d;
		struct seen s;

		T_OK(read_mem(in, strlen(in), &s, &d) == SY_OK && d.n == 0,
		    "control characters are no CSV damage");
		T_STREQ(s.xml.data, "011010", "xml_bad per record");
		seen_fini(&s, &d);
	}

	/*
	 * A file in another encoding: one error per record, the hint on the
	 * first only; a UTF-16 or UTF-32 file: one error, nothing read.
	 */
	{
		static const struct {
			const char *desc, *in;
			size_t len;
			size_t ndiags, nrecs;
			const char *msg; /* in the first diagnostic */
		} enc[] = {
		    {"Latin-1", "a,b\nd\xe9j\xe0,1\nok,2\nna\xefve,3\n", 0, 2,
		        2,
		        "0xE9 on line 2, byte 2 (and more on the line); is the "
		        "file in another encoding"},
		    {"UTF-16LE with BOM",
		        "\xff\xfe"
		        "a\0,\0b\0\n\0",
		        10, 1, 0, "the file is UTF-16LE, not UTF-8"},
		    {"UTF-16BE with BOM", "\xfe\xff\0a\0,\0b\0\n", 10, 1, 0,
		        "the file is UTF-16BE"},
		    {"UTF-16LE without BOM", "a\0,\0b\0\n\0", 8, 1, 0,
		        "the file is UTF-16LE"},
		    {"UTF-16BE without BOM", "\0a\0,\0b\0\n", 8, 1, 0,
		        "the file is UTF-16BE"},
		    {"UTF-32LE", "\xff\xfe\0\0a\0\0\0\n\0\0\0", 12, 1, 0,
		        "the file is UTF-32LE"},
		};

		for (i = 0; i < SY_NELEM(enc); i++) {
			size_t len =
			    enc[i].len ? enc[i].len : strlen(enc[i].in);
			struct sy_diags d;
			struct seen s;

			(void)read_mem(enc[i].in, len, &s, &d);
			T_INTEQ(d.n, enc[i].ndiags, "%s: errors", enc[i].desc);
			T_INTEQ(s.n, enc[i].nrecs, "%s: records", enc[i].desc);
			T_OK(d.n > 0 &&
			        strstr(d.v[0].message, enc[i].msg) != NULL,
			    "%s: says \"%s\" (%s)", enc[i].desc, enc[i].msg,
			    d.n > 0 ? d.v[0].message : "nothing");
			T_OK(d.n < 2 ||
			        strstr(d.v[1].message, "another") == NULL,
			    "%s: the hint once", enc[i].desc);
			seen_fini(&s, &d);
		}
	}

	/* A callback's nonzero value stops the reading and comes back. */
	{
		static const char in[] = "a\nb\nc\n";
		FILE *fp = fmemopen((void *)(uintptr_t)in, strlen(in), "r");
		struct sy_diags d;

		sy_diags_init(&d);
		T_OK(sy_csv_read_fp(fp, "t.csv", stop_at_two, NULL, &d) ==
		        SY_ELIMIT,
		    "callback error stops the reader");
		fclose(fp);
		sy_diags_fini(&d);
	}
	/*
	 * Thousands of records through the reader thread, in batches: every
	 * one in order at its line, big ones too, a damaged one reported and
	 * left out; a callback's stop in the middle ends the reading.
	 */
	{
		FILE *fp = tmpfile();
		struct sy_diags d;
		struct order o;
		static size_t lines[3000];
		size_t at = 1;
		int stop;

		for (k = 0; k < 3000; k++) {
			lines[k] = at;
			at += k != 1500 && k % 7 == 0 ? 2 : 1;
			if (k == 1500)
				fprintf(fp, "%zu,bad \xff byte\n", k);
			else if (k % 7 == 0)
				fprintf(fp, "%zu,\"two\nlines\"\n", k);
			else if (k % 101 == 0)
				fprintf(fp, "%zu,%0*d\n", k, 300000, 7);
			else
				fprintf(fp, "%zu,text\n", k);
		}
		for (stop = 0; stop < 2; stop++) {
			rewind(fp);
			sy_diags_init(&d);
			memset(&o, 0, sizeof(o));
			o.line = lines;
			o.stop_at = stop ? 2000 : 0;
			T_OK(sy_csv_read_fp(fp, "big.csv", in_order, &o, &d) ==
			        (stop ? SY_ELIMIT : SY_OK),
			    "many batches: %s", stop ? "stopped" : "read");
			T_INTEQ(o.n, stop ? 2000 : 2999, "records delivered");
			T_INTEQ(o.bad, 0, "each in order, at its line");
			if (!stop)
				T_OK(d.n == 1 &&
				        d.v[0].rule == SY_R_CSV_ENCODING,
				    "the damaged record reported");
			sy_diags_fini(&d);
		}
		fclose(fp);
	}
	/* A missing file is SY_EIO with errno set. */
	{
		struct sy_csv c;
		struct sy_diags d;

		sy_diags_init(&d);
		T_OK(sy_csv_read("/nonexistent/x.csv", &c, &d) == SY_EIO,
		    "missing file is SY_EIO");
		sy_csv_fini(&c);
		sy_diags_fini(&d);
	}
	return t_done();
}
