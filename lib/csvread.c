/*
 * csvread.c: libcsv fed one physical line at a time, so that every record
 * and field knows the line where it starts.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "buf.h"
#include "csvread.h"
#include "util.h"

struct reader {
	const char *path;
	struct sy_diags *d;
	sy_csv_cb cb;
	void *arg;
	size_t line;       /* physical line being fed */
	size_t field_line; /* where the next field starts */
	size_t rec_bytes;  /* bytes fed into the current record */
	size_t off;        /* where the piece being fed starts in its line */
	bool in_record;
	bool damaged;   /* drop the current record */
	bool full;      /* SY_CSV_MAX_RECORDS reached, or one read: stop */
	bool one;       /* stop after the first record */
	long long base; /* stream offset where reading began, or -1 */
	size_t records;
	int cbret;
	enum sy_err err;
	struct sy_csv_record rec;
	size_t fcap;
	struct sy_buf arena; /* the record's fields, NUL after each */
	size_t *foff;        /* where each field starts in arena */
};

static void
rec_clear(struct reader *r)
{
	r->rec.nfields = 0;
	r->rec.xml_bad = false;
	sy_buf_reset(&r->arena);
}

static void
field_cb(void *s, size_t len, void *data)
{
	struct reader *r = data;
	size_t off;

	if (r->err != SY_OK || r->cbret != 0 || r->damaged)
		goto next;
	if (r->rec.nfields == SY_CSV_MAX_FIELDS) {
		struct sy_pos pos = {r->path, r->rec.line, 0};

		sy_diag_add(r->d, &pos, SY_ERROR, SY_R_CSV_SYNTAX,
		    "record has more than %d fields", SY_CSV_MAX_FIELDS);
		r->damaged = true;
		goto next;
	}
	if (r->rec.nfields == r->fcap) {
		size_t cap = r->fcap ? r->fcap * 2 : 32;
		char **fv = sy_reallocarray(r->rec.fields, cap, sizeof(*fv));
		size_t *lv;

		if (fv == NULL) {
			r->err = SY_ENOMEM;
			goto next;
		}
		r->rec.fields = fv;
		lv = sy_reallocarray(r->rec.flines, cap, sizeof(*lv));
		if (lv == NULL) {
			r->err = SY_ENOMEM;
			goto next;
		}
		r->rec.flines = lv;
		lv = sy_reallocarray(r->foff, cap, sizeof(*lv));
		if (lv == NULL) {
			r->err = SY_ENOMEM;
			goto next;
		}
		r->foff = lv;
		r->fcap = cap;
	}
	/* One buffer for the whole record: no allocation per field. */
	off = r->arena.len;
	if ((s != NULL && sy_buf_append(&r->arena, s, len) != SY_OK) ||
	    sy_buf_putc(&r->arena, '\0') != SY_OK) {
		r->err = SY_ENOMEM;
		goto next;
	}
	r->foff[r->rec.nfields] = off;
	r->rec.flines[r->rec.nfields] = r->field_line;
	r->rec.nfields++;
next:
	r->field_line = r->line;
}

static void
record_cb(int c, void *data)
{
	struct reader *r = data;

	(void)c;
	if (r->one && r->rec.nfields > 0 && r->records++ > 0)
		goto out;
	if (!r->one && r->rec.nfields > 0 &&
	    ++r->records > SY_CSV_MAX_RECORDS && !r->full) {
		struct sy_pos pos = {r->path, r->rec.line, 0};

		r->full = true;
		if (sy_diag_add(r->d, &pos, SY_ERROR, SY_R_CSV_SYNTAX,
		        "more than %u records: the rest of the file is not "
		        "read (split the manifest)",
		        SY_CSV_MAX_RECORDS) == NULL)
			r->err = SY_ENOMEM;
	}
	if (r->err == SY_OK && r->cbret == 0 && !r->damaged && !r->full &&
	    r->rec.nfields > 0) {
		size_t i;

		for (i = 0; i < r->rec.nfields; i++)
			r->rec.fields[i] = r->arena.data + r->foff[i];
		r->cbret = r->cb(&r->rec, r->arg);
	}
	if (r->one && r->rec.nfields > 0)
		r->full = true;
out:
	rec_clear(r);
	r->in_record = false;
	r->damaged = false;
	r->rec_bytes = 0;
}

/* True if the line holds nothing but a line end. */
static bool
blank(const char *s, size_t n)
{
	return n == 0 || (n == 1 && s[0] == '\n') ||
	    (n == 2 && s[0] == '\r' && s[1] == '\n');
}

/* Reports and blanks out (in place) invalid UTF-8 and NUL bytes. */
static void
check_encoding(struct reader *r, char *s, size_t n, bool *bad)
{
	size_t off = 0, v;

	while (off < n) {
		struct sy_pos pos = {
		    r->path, r->in_record ? r->rec.line : r->line, 0};

		v = off +
		    sy_text_valid_prefix(s + off, n - off, &r->rec.xml_bad);
		if (v == n)
			break;
		if (s[v] == '\0')
			sy_diag_add(r->d, &pos, SY_ERROR, SY_R_CSV_ENCODING,
			    "NUL byte on line %zu, byte %zu", r->line,
			    r->off + v + 1);
		else
			sy_diag_add(r->d, &pos, SY_ERROR, SY_R_CSV_ENCODING,
			    "invalid UTF-8 byte 0x%02X on line %zu, byte %zu",
			    (unsigned char)s[v], r->line, r->off + v + 1);
		*bad = true;
		s[v] = '?';
		off = v + 1;
	}
}

/*
 * Length of the first piece of a line: up to a CR not followed by LF,
 * which libcsv takes for a line end, so that the record after it starts
 * in a piece of its own.
 */
static size_t
piece_len(const char *s, size_t n)
{
	const char *cr = memchr(s, '\r', n);

	while (cr != NULL && (size_t)(cr - s) + 1 < n && cr[1] == '\n')
		cr = memchr(cr + 1, '\r', n - (size_t)(cr + 1 - s));
	return cr != NULL ? (size_t)(cr - s) + 1 : n;
}

static int
new_parser(struct csv_parser *p)
{
	return csv_init(p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL);
}

/*
 * Reads fp from where it stands, numbering lines after line0, every
 * record (or the first alone); base is the stream offset there, or -1.
 */
static enum sy_err
read_stream(FILE *fp, const char *path, size_t line0, long long base, bool one,
    sy_csv_cb cb, void *arg, struct sy_diags *d)
{
	struct csv_parser p;
	struct reader r;
	char *line = NULL;
	size_t cap = 0;
	ssize_t got;
	enum sy_err e = SY_OK;
	long long at = base; /* offset of the line being fed */

	memset(&r, 0, sizeof(r));
	sy_buf_init(&r.arena, 0);
	r.path = path;
	r.d = d;
	r.cb = cb;
	r.arg = arg;
	r.one = one;
	r.line = line0;
	r.base = base;
	if (new_parser(&p) != 0)
		return SY_ENOMEM;
	for (; !r.full && (got = getline(&line, &cap, fp)) != -1;
	     at = at < 0 ? at : at + got) {
		size_t n = (size_t)got, done, rest;
		char *s = line;
		bool bad;

		r.line++;
		if (r.line == 1 && n >= 3 &&
		    memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
			s += 3;
			n -= 3;
		}
		r.off = 0;
	piece:
		bad = false;
		rest = n - piece_len(s, n);
		n -= rest;
		if (!r.in_record) {
			if (blank(s, n))
				continue;
			r.in_record = true;
			r.rec.line = r.line;
			r.rec.off = at < 0 ? -1 : at + (s - line);
			r.field_line = r.line;
		}
		check_encoding(&r, s, n, &bad);
		if (bad)
			r.damaged = true;
		r.rec_bytes += n;
		if (r.rec_bytes > SY_CSV_MAX_RECORD) {
			struct sy_pos pos = {path, r.rec.line, 0};

			sy_diag_add(d, &pos, SY_ERROR, SY_R_CSV_SYNTAX,
			    "record larger than %u MiB (an unterminated "
			    "quote?)",
			    SY_CSV_MAX_RECORD >> 20);
			goto resync;
		}
		done = csv_parse(&p, s, n, field_cb, record_cb, &r);
		if (r.err != SY_OK) {
			e = r.err;
			goto out;
		}
		if (r.cbret != 0) {
			e = (enum sy_err)r.cbret;
			goto out;
		}
		if (done < n) {
			struct sy_pos pos = {
			    path, r.in_record ? r.rec.line : r.line, 0};

			if (csv_error(&p) == CSV_ENOMEM) {
				e = SY_ENOMEM;
				goto out;
			}
			pos.column = r.rec.nfields + 1;
			sy_diag_add(d, &pos, SY_ERROR, SY_R_CSV_SYNTAX,
			    "malformed quoting in field %zu (line %zu, byte "
			    "%zu): a quote inside an unquoted field, or text "
			    "after a closing quote",
			    r.rec.nfields + 1, r.line,
			    done + 1 + (size_t)(s - line));
			goto resync;
		}
		if (rest > 0) {
			r.off += n;
			s += n;
			n = rest;
			goto piece;
		}
		continue;
	resync:
		csv_free(&p);
		rec_clear(&r);
		r.in_record = false;
		r.damaged = false;
		r.rec_bytes = 0;
		if (new_parser(&p) != 0) {
			e = SY_ENOMEM;
			goto out;
		}
	}
	if (ferror(fp)) {
		e = SY_EIO;
		goto out;
	}
	if (csv_fini(&p, field_cb, record_cb, &r) != 0) {
		struct sy_pos pos = {path, r.rec.line, r.rec.nfields + 1};

		sy_diag_add(d, &pos, SY_ERROR, SY_R_CSV_SYNTAX,
		    "unterminated quoted field %zu: the quote opened here "
		    "is never closed",
		    r.rec.nfields + 1);
	}
	if (r.err != SY_OK)
		e = r.err;
	else if (r.cbret != 0)
		e = (enum sy_err)r.cbret;
out:
	rec_clear(&r);
	free(r.rec.fields);
	free(r.rec.flines);
	free(r.foff);
	sy_buf_fini(&r.arena);
	csv_free(&p);
	free(line);
	if (e == SY_OK && d->oom)
		e = SY_ENOMEM;
	return e;
}

enum sy_err
sy_csv_read_fp(
    FILE *fp, const char *path, sy_csv_cb cb, void *arg, struct sy_diags *d)
{
	off_t base = ftello(fp);

	return read_stream(fp, path, 0, base, false, cb, arg, d);
}

enum sy_err
sy_csv_read_at(FILE *fp, const char *path, long long off, size_t line,
    sy_csv_cb cb, void *arg, struct sy_diags *d)
{
	if (off < 0 || line == 0) {
		errno = EINVAL;
		return SY_EINVAL;
	}
	clearerr(fp);
	if (fseeko(fp, (off_t)off, SEEK_SET) != 0)
		return SY_EIO;
	return read_stream(fp, path, line - 1, off, true, cb, arg, d);
}

enum sy_err
sy_csv_read_cb(const char *path, sy_csv_cb cb, void *arg, struct sy_diags *d)
{
	FILE *fp;
	enum sy_err e;
	int saved;

	if (strcmp(path, "-") == 0)
		return sy_csv_read_fp(stdin, "<stdin>", cb, arg, d);
	fp = fopen(path, "r");
	if (fp == NULL)
		return SY_EIO;
	e = sy_csv_read_fp(fp, path, cb, arg, d);
	saved = errno;
	(void)fclose(fp); /* read only: nothing to lose */
	errno = saved;
	return e;
}

static int
keep_cb(struct sy_csv_record *rec, void *arg)
{
	struct sy_csv *c = arg;
	struct sy_csv_record *r;
	size_t i;

	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;
		struct sy_csv_record *v =
		    sy_reallocarray(c->rec, cap, sizeof(*v));

		if (v == NULL)
			return SY_ENOMEM;
		c->rec = v;
		c->cap = cap;
	}
	r = &c->rec[c->n];
	memset(r, 0, sizeof(*r));
	r->line = rec->line;
	r->off = rec->off;
	r->xml_bad = rec->xml_bad;
	r->fields = calloc(rec->nfields ? rec->nfields : 1, sizeof(char *));
	r->flines = calloc(rec->nfields ? rec->nfields : 1, sizeof(size_t));
	if (r->fields == NULL || r->flines == NULL)
		goto oom;
	c->n++;
	for (i = 0; i < rec->nfields; i++) {
		r->fields[i] = sy_strdup(rec->fields[i]);
		if (r->fields[i] == NULL)
			return SY_ENOMEM;
		r->flines[i] = rec->flines[i];
		r->nfields++;
	}
	return SY_OK;
oom:
	free(r->fields);
	free(r->flines);
	return SY_ENOMEM;
}

enum sy_err
sy_csv_read(const char *path, struct sy_csv *out, struct sy_diags *d)
{
	memset(out, 0, sizeof(*out));
	return sy_csv_read_cb(path, keep_cb, out, d);
}

void
sy_csv_fini(struct sy_csv *c)
{
	size_t i, j;

	if (c == NULL)
		return;
	for (i = 0; i < c->n; i++) {
		for (j = 0; j < c->rec[i].nfields; j++)
			free(c->rec[i].fields[j]);
		free(c->rec[i].fields);
		free(c->rec[i].flines);
	}
	free(c->rec);
	memset(c, 0, sizeof(*c));
}
