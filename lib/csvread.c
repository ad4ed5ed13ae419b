/*
 * csvread.c: libcsv fed one physical line at a time, so that every record
 * and field knows the line where it starts.
 *
 * A whole file is read in two threads: a reader thread reads, checks the
 * encoding and parses, and hands the records over in batches; the
 * caller's thread runs the callback on them, in order.  Parsing and
 * checking overlap, and the callback never runs anywhere else.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <csv.h>

#include "buf.h"
#include "csvread.h"
#include "fsutil.h"
#include "util.h"

/* Records on their way from the reader thread to the callback. */
struct batch {
	struct sy_buf data; /* their fields, NUL after each */
	size_t *foff;       /* where each field starts in data */
	size_t *fline;      /* and its line */
	size_t nf;
	size_t fcap;
	struct brec {
		size_t line;
		long long off;
		size_t len;
		size_t f0; /* first field in foff/fline */
		size_t nfields;
		bool xml_bad;
	} * rec;
	size_t n;
	size_t rcap;
	struct batch *next;
};

#define BATCH_RECORDS 256
#define BATCH_BYTES (256u << 10)
#define BATCH_DATA (BATCH_BYTES + BATCH_BYTES / 4)
#define PIPE_DEPTH 4 /* full batches waiting at most */

/* The hand-over between the two threads. */
struct pipe {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct batch *head, *tail; /* full, oldest first */
	size_t nfull;
	struct batch *spare; /* emptied by the consumer, for reuse */
	bool done;           /* the reader has handed over everything */
	bool stop;           /* the consumer wants no more */
};

struct reader {
	const char *path;
	struct sy_diags *d;
	sy_csv_cb cb;
	void *arg;
	size_t line;       /* physical line being fed */
	size_t field_line; /* where the next field starts */
	size_t rec_bytes;  /* bytes fed into the current record */
	size_t fseen;      /* fields of the record ended, damaged or not */
	size_t enc_errors; /* invalid UTF-8 errors reported so far */
	size_t off;        /* where the piece being fed starts in its line */
	bool in_record;
	bool damaged;        /* drop the current record */
	bool full;           /* SY_CSV_MAX_RECORDS reached, or one read: stop */
	bool one;            /* stop after the first record */
	long long base;      /* stream offset where reading began, or -1 */
	long long piece_end; /* stream offset where the piece fed ends, or -1 */
	size_t records;
	int cbret;
	enum sy_err err;
	struct sy_csv_record rec;
	size_t fcap;
	struct sy_buf arena; /* the record's fields, NUL after each */
	size_t *foff;        /* where each field starts in arena */
	struct pipe *pipe;   /* NULL: the callback is called right here */
	struct batch *cur;   /* being filled for the pipe */
	struct sy_buf *ab;   /* where fields go: arena, or cur's data */
	size_t rec_base;     /* where the current record starts in ab */
	/* fast_record's fields: where each starts in ab, and its line */
	size_t *pfoff, *pflines, pcap;
};

static void
batch_free(struct batch *b)
{
	if (b == NULL)
		return;
	sy_buf_fini(&b->data);
	free(b->foff);
	free(b->fline);
	free(b->rec);
	free(b);
}

static void
batch_free_list(struct batch *b)
{
	while (b != NULL) {
		struct batch *next = b->next;

		batch_free(b);
		b = next;
	}
}

/* Batch b with no record in it, its memory kept. */
static void
batch_empty(struct batch *b)
{
	sy_buf_reset(&b->data);
	b->n = 0;
	b->nf = 0;
}

/*
 * Batches a reading let go, kept for the next one (up to KEEP_MAX): a
 * large manifest is read in pieces, each by a reader of its own, and a
 * new batch's first touch faults on every page of it (on a virtual
 * machine 10 us or more a page).  The line buffers of block readers
 * likewise.  sy_csv_release lets them go.
 */
#define KEEP_MAX 16
#define KEEP_BUFS 4 /* and the block readers' line buffers, up to 4 */
static struct {
	pthread_mutex_t mu;
	struct batch *list;
	size_t n;
	char *buf[KEEP_BUFS];
	size_t cap[KEEP_BUFS];
	size_t nbufs;
} kept = {PTHREAD_MUTEX_INITIALIZER, NULL, 0, {NULL}, {0}, 0};

/* An empty batch: a kept one, or a new one (NULL when out of memory). */
static struct batch *
batch_get(void)
{
	struct batch *b;

	pthread_mutex_lock(&kept.mu);
	if ((b = kept.list) != NULL) {
		kept.list = b->next;
		kept.n--;
	}
	pthread_mutex_unlock(&kept.mu);
	if (b == NULL && (b = calloc(1, sizeof(*b))) != NULL) {
		/*
		 * Its data sized once for a full batch and the record that
		 * passes BATCH_BYTES, and mapped in at once (sy_prefault):
		 * grown by doubling, it took 700 page faults a reading.
		 */
		sy_buf_init(&b->data, 0);
		if (sy_buf_reserve(&b->data, BATCH_DATA) == SY_OK)
			sy_prefault(b->data.data, b->data.cap);
	}
	if (b != NULL)
		b->next = NULL;
	return b;
}

/* Batch b (may be NULL) emptied and kept, or freed past KEEP_MAX. */
static void
batch_keep(struct batch *b)
{
	if (b == NULL)
		return;
	batch_empty(b);
	pthread_mutex_lock(&kept.mu);
	if (kept.n < KEEP_MAX) {
		b->next = kept.list;
		kept.list = b;
		kept.n++;
		b = NULL;
	}
	pthread_mutex_unlock(&kept.mu);
	batch_free(b);
}

static void
batch_keep_list(struct batch *b)
{
	while (b != NULL) {
		struct batch *next = b->next;

		batch_keep(b);
		b = next;
	}
}

void
sy_csv_release(void)
{
	struct batch *b;

	pthread_mutex_lock(&kept.mu);
	b = kept.list;
	kept.list = NULL;
	kept.n = 0;
	while (kept.nbufs > 0)
		free(kept.buf[--kept.nbufs]);
	pthread_mutex_unlock(&kept.mu);
	batch_free_list(b);
}

/*
 * Adds the reader's current record, already in b's data, to b: its
 * fields start at foff[] there, on lines flines[].
 */
static enum sy_err
batch_add(struct batch *b, const struct reader *r, const size_t *foff,
    const size_t *flines)
{
	size_t i, nf = r->rec.nfields;
	struct brec *rv;
	bool first = b->fcap == 0;

	/*
	 * At first, room for a full batch of records like this one, mapped
	 * in at once (sy_prefault): doubled from a record's, the arrays
	 * took 280 page faults a reading.
	 */
	if (b->nf + nf > b->fcap) {
		size_t cap =
		    first ? (BATCH_RECORDS + 1) * (nf + 1) : (b->nf + nf) * 2;
		size_t *v = sy_reallocarray(b->foff, cap, sizeof(*v));

		if (v == NULL)
			return SY_ENOMEM;
		b->foff = v;
		v = sy_reallocarray(b->fline, cap, sizeof(*v));
		if (v == NULL)
			return SY_ENOMEM;
		b->fline = v;
		b->fcap = cap;
		if (first) {
			sy_prefault(b->foff, cap * sizeof(*v));
			sy_prefault(b->fline, cap * sizeof(*v));
		}
	}
	first = b->rcap == 0;
	rv = sy_grow(b->rec, &b->rcap, b->n + 1, sizeof(*rv), BATCH_RECORDS);
	if (rv == NULL)
		return SY_ENOMEM;
	if (first)
		sy_prefault(rv, b->rcap * sizeof(*rv));
	b->rec = rv;
	for (i = 0; i < nf; i++) {
		b->foff[b->nf + i] = foff[i];
		b->fline[b->nf + i] = flines[i];
	}
	b->rec[b->n].line = r->rec.line;
	b->rec[b->n].off = r->rec.off;
	b->rec[b->n].len = r->rec.len;
	b->rec[b->n].f0 = b->nf;
	b->rec[b->n].nfields = nf;
	b->rec[b->n].xml_bad = r->rec.xml_bad;
	b->n++;
	b->nf += nf;
	return SY_OK;
}

/*
 * Hands the current batch over (waiting while the pipe is full) and
 * starts another.  False when the consumer stopped.
 */
static bool
batch_send(struct reader *r)
{
	struct pipe *p = r->pipe;
	struct batch *b = r->cur, *fresh;
	bool ok;

	if (b == NULL || b->n == 0)
		return true;
	pthread_mutex_lock(&p->mu);
	while (p->nfull >= PIPE_DEPTH && !p->stop)
		pthread_cond_wait(&p->cv, &p->mu);
	ok = !p->stop;
	fresh = NULL;
	if (ok) {
		b->next = NULL;
		if (p->tail != NULL)
			p->tail->next = b;
		else
			p->head = b;
		p->tail = b;
		p->nfull++;
		r->cur = NULL;
		pthread_cond_broadcast(&p->cv);
		fresh = p->spare;
		if (fresh != NULL)
			p->spare = fresh->next;
	}
	pthread_mutex_unlock(&p->mu);
	if (!ok)
		return false;
	if (fresh == NULL)
		fresh = batch_get();
	r->cur = fresh;
	r->ab = fresh != NULL ? &fresh->data : &r->arena;
	r->rec_base = 0;
	if (fresh == NULL)
		r->err = SY_ENOMEM;
	return true;
}

/*
 * The current record into the pipe's batch, its fields at foff[] in the
 * batch's data on lines flines[]; the batch handed over once full.
 */
static void
to_batch(struct reader *r, const size_t *foff, const size_t *flines)
{
	if (r->cur == NULL || batch_add(r->cur, r, foff, flines) != SY_OK) {
		r->err = SY_ENOMEM;
		return;
	}
	r->rec_base = r->ab->len; /* delivered: it stays */
	if ((r->cur->n >= BATCH_RECORDS || r->cur->data.len >= BATCH_BYTES) &&
	    !batch_send(r))
		r->cbret = -1; /* the consumer stopped, for its own reason */
}

/* The record is complete: to the callback, or into the pipe. */
static void
deliver(struct reader *r)
{
	size_t i;

	if (r->pipe == NULL) {
		for (i = 0; i < r->rec.nfields; i++)
			r->rec.fields[i] = r->arena.data + r->foff[i];
		r->cbret = r->cb(&r->rec, r->arg);
		return;
	}
	to_batch(r, r->foff, r->rec.flines);
}

static void
rec_clear(struct reader *r)
{
	r->rec.nfields = 0;
	r->rec.xml_bad = false;
	/* What a record left undelivered wrote is let go. */
	if (r->ab->data != NULL) {
		r->ab->len = r->rec_base;
		r->ab->data[r->rec_base] = '\0';
	}
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
	/* libcsv ends every field with a NUL (CSV_APPEND_NULL): take it. */
	off = r->ab->len;
	if (s != NULL ? sy_buf_append(r->ab, s, len + 1) != SY_OK
	              : sy_buf_putc(r->ab, '\0') != SY_OK) {
		r->err = SY_ENOMEM;
		goto next;
	}
	r->foff[r->rec.nfields] = off;
	r->rec.flines[r->rec.nfields] = r->field_line;
	r->rec.nfields++;
next:
	r->fseen++;
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
	/* A record ends with the piece that ends it (piece_len). */
	r->rec.len = r->rec.off >= 0 && r->piece_end > r->rec.off
	    ? (size_t)(r->piece_end - r->rec.off)
	    : 0;
	if (r->err == SY_OK && r->cbret == 0 && !r->damaged && !r->full &&
	    r->rec.nfields > 0)
		deliver(r);
	if (r->one && r->rec.nfields > 0)
		r->full = true;
out:
	rec_clear(r);
	r->in_record = false;
	r->damaged = false;
	r->rec_bytes = 0;
	r->fseen = 0;
}

/* True if the line holds nothing but a line end. */
static bool
blank(const char *s, size_t n)
{
	return n == 0 || (n == 1 && s[0] == '\n') ||
	    (n == 2 && s[0] == '\r' && s[1] == '\n');
}

/*
 * The field (1-based) that byte v of a piece falls in: field is the one
 * the piece starts in (libcsv has parsed everything before it), quoted
 * whether it starts inside quotes.  A quote toggles: a doubled quote
 * inside a quoted field toggles twice.
 */
static size_t
field_at(const char *s, size_t v, size_t field, bool quoted)
{
	size_t i;

	for (i = 0; i < v; i++) {
		if (s[i] == '"')
			quoted = !quoted;
		else if (s[i] == ',' && !quoted)
			field++;
	}
	return field;
}

/*
 * Blanks out (in place) invalid UTF-8 and NUL bytes and reports the first
 * of a record, at the field it falls in, and whether the line holds more:
 * a file in another encoding gives one error per record, not one per
 * byte.  quoted: the piece starts inside a quoted field.
 */
static void
check_encoding(struct reader *r, char *s, size_t n, bool quoted, bool *bad)
{
	size_t off = 0, v, first = n, more = 0;
	struct sy_pos pos = {r->path, r->in_record ? r->rec.line : r->line, 0};
	unsigned char c = 0;

	while (off < n) {
		v = off +
		    sy_text_valid_prefix(s + off, n - off, &r->rec.xml_bad);
		if (v == n)
			break;
		if (first == n) {
			first = v;
			c = (unsigned char)s[v];
			pos.column = field_at(s, v, r->fseen + 1, quoted);
		} else {
			more++;
		}
		s[v] = '?';
		off = v + 1;
	}
	if (first == n)
		return;
	*bad = true;
	if (r->damaged)
		return; /* the record has had its error */
	if (c == '\0')
		sy_diag_add(r->d, &pos, SY_ERROR, SY_R_CSV_ENCODING,
		    "NUL byte on line %zu, byte %zu%s", r->line,
		    r->off + first + 1,
		    more > 0 ? " (and more on the line)" : "");
	else
		sy_diag_add(r->d, &pos, SY_ERROR, SY_R_CSV_ENCODING,
		    "invalid UTF-8 byte 0x%02X on line %zu, byte %zu%s%s", c,
		    r->line, r->off + first + 1,
		    more > 0 ? " (and more on the line)" : "",
		    r->enc_errors++ == 0
		        ? "; is the file in another encoding (Big5, GBK, "
		          "Shift_JIS, Latin-1)? save it as UTF-8"
		        : "");
}

/*
 * The encoding of a first line written in UTF-16 or UTF-32, by its byte
 * order mark or by the NULs between ASCII letters; NULL when none.
 */
static const char *
wide_encoding(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;

	if (n >= 4 && u[0] == 0xFF && u[1] == 0xFE && u[2] == 0 && u[3] == 0)
		return "UTF-32LE";
	if (n >= 4 && u[0] == 0 && u[1] == 0 && u[2] == 0xFE && u[3] == 0xFF)
		return "UTF-32BE";
	if (n >= 2 && u[0] == 0xFF && u[1] == 0xFE)
		return "UTF-16LE";
	if (n >= 2 && u[0] == 0xFE && u[1] == 0xFF)
		return "UTF-16BE";
	if (n >= 4 && u[0] != 0 && u[0] < 0x80 && u[1] == 0 && u[2] != 0 &&
	    u[2] < 0x80 && u[3] == 0)
		return "UTF-16LE";
	if (n >= 4 && u[0] == 0 && u[1] != 0 && u[1] < 0x80 && u[2] == 0 &&
	    u[3] != 0 && u[3] < 0x80)
		return "UTF-16BE";
	return NULL;
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
 * Lines of a stream.  From a file at a known offset, read(2) in big
 * blocks and handed out in place; otherwise getline(3) on the stdio
 * stream.  A line keeps its '\n' (the last may have none).
 */
struct lines {
	FILE *fp;
	int fd; /* -1: use getline on fp */
	char *buf;
	size_t cap;
	size_t start; /* the next line starts here in buf */
	size_t end;   /* bytes read into buf */
	bool eof;
	int errnum;    /* errno of a failed read, or 0 */
	size_t block;  /* the first read's size */
	bool pread;    /* read fd at pos with pread, the stream untouched */
	long long pos; /* with pread: where the next read starts */
	long long lim; /* with pread: where reading stops, or -1 */
};

#define LINES_BLOCK (256u << 10)

/*
 * A stream's lines from off (or where it stands, off < 0).  With pread
 * (and a descriptor): read at off up to lim (-1: the end) with pread(2),
 * the stream never moved, so that other readers can share it; else from
 * the descriptor after a seek to off where the stdio buffer allows one,
 * or with getline.  block is the first read's size.
 */
static void
lines_init(struct lines *l, FILE *fp, long long off, long long lim, bool pread,
    size_t block)
{
	memset(l, 0, sizeof(*l));
	l->fp = fp;
	l->block = block;
	l->fd = -1;
	l->lim = -1;
	if (pread && off >= 0 && fileno(fp) >= 0) {
		l->fd = fileno(fp);
		l->pread = true;
		l->pos = off;
		l->lim = lim;
		return;
	}
	/* Only where the stdio buffer can be left behind by a seek. */
	if (off >= 0 && fflush(fp) == 0 &&
	    lseek(fileno(fp), (off_t)off, SEEK_SET) == (off_t)off)
		l->fd = fileno(fp);
}

/* A kept buffer for block reader l, if one is there (lines_fini's). */
static void
lines_take(struct lines *l)
{
	pthread_mutex_lock(&kept.mu);
	if (kept.nbufs > 0) {
		l->buf = kept.buf[--kept.nbufs];
		l->cap = kept.cap[kept.nbufs];
	}
	pthread_mutex_unlock(&kept.mu);
}

/*
 * The next line in *s (valid until the next call), its length; 0 at the
 * end, -1 on a read error (errnum set) or when out of memory (errnum 0).
 */
static ssize_t
lines_next(struct lines *l, char **s)
{
	char *nl;
	ssize_t got = 0;
	size_t want;

	if (l->fd < 0) {
		got = getline(&l->buf, &l->cap, l->fp);
		*s = l->buf;
		if (got < 0 && ferror(l->fp)) {
			l->errnum = errno;
			return -1;
		}
		return got < 0 ? 0 : got;
	}
	for (;;) {
		nl = l->start < l->end
		    ? memchr(l->buf + l->start, '\n', l->end - l->start)
		    : NULL;
		if (nl != NULL || (l->eof && l->start < l->end)) {
			size_t at = l->start;
			size_t n =
			    nl ? (size_t)(nl - (l->buf + at)) + 1 : l->end - at;

			l->start += n;
			*s = l->buf + at;
			return (ssize_t)n;
		}
		if (l->eof)
			return 0;
		/* Keep the partial line, make room, read on. */
		if (l->start > 0) {
			memmove(l->buf, l->buf + l->start, l->end - l->start);
			l->end -= l->start;
			l->start = 0;
		}
		if (l->cap == 0)
			lines_take(l);
		if (l->cap - l->end < l->block / 2) {
			size_t cap = l->cap ? l->cap * 2 : l->block;
			char *nb = realloc(l->buf, cap);

			if (nb == NULL)
				return -1;
			/* read(2) fills it: its pages mapped in at once. */
			sy_prefault(nb + l->end, cap - l->end);
			l->buf = nb;
			l->cap = cap;
		}
		want = l->cap - l->end;
		if (l->pread && l->lim >= 0 &&
		    (long long)want > l->lim - l->pos)
			want = l->lim > l->pos ? (size_t)(l->lim - l->pos) : 0;
		got = want == 0 ? 0
		    : l->pread
		    ? pread(l->fd, l->buf + l->end, want, (off_t)l->pos)
		    : read(l->fd, l->buf + l->end, want);
		if (got > 0 && l->pread)
			l->pos += got;
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			l->errnum = errno;
			return -1;
		}
		if (got == 0)
			l->eof = true;
		l->end += (size_t)got;
	}
}

/*
 * Leaves the stdio stream where the lines handed out end, as if it had
 * read them itself.
 */
static void
lines_fini(struct lines *l, long long consumed)
{
	if (l->fd >= 0 && !l->pread && consumed >= 0)
		(void)fseeko(l->fp, (off_t)consumed, SEEK_SET);
	/* A block reader's buffer is kept for the next reading. */
	if (l->fd >= 0 && l->buf != NULL) {
		pthread_mutex_lock(&kept.mu);
		if (kept.nbufs < KEEP_BUFS) {
			kept.buf[kept.nbufs] = l->buf;
			kept.cap[kept.nbufs++] = l->cap;
			l->buf = NULL;
		}
		pthread_mutex_unlock(&kept.mu);
	}
	free(l->buf);
}

static bool split_plain(char *buf, size_t n, bool eof, bool oneline,
    size_t line, size_t **foff, size_t **flines, size_t *cap, size_t *nf);

/*
 * A record that starts and ends on the line s[0, n) (its line end
 * included), at offset off of the stream (or -1), read the direct way:
 * when it is valid text of the plain shape (split_plain), it is copied
 * into the batch, split there in place and delivered, and libcsv, which
 * costs several times more a byte, never sees it: true (r->err or
 * r->cbret may then be set).  False, nothing changed, when libcsv must
 * read it: anything else, diagnostics included, is libcsv's.
 */
static bool
fast_record(struct reader *r, const char *s, size_t n, long long off)
{
	struct sy_buf *ab = r->ab;
	size_t base = ab->len, nf = 0, i;
	bool xml_bad = false;

	if (r->pipe == NULL || r->one || r->cur == NULL || r->damaged ||
	    ab != &r->cur->data || base != r->rec_base || n == 0 ||
	    n > SY_CSV_MAX_RECORD || r->records >= SY_CSV_MAX_RECORDS ||
	    sy_text_valid_prefix(s, n, &xml_bad) != n)
		return false;
	/* n + 1 bytes: split_plain may write a NUL after the last field. */
	if (sy_buf_append(ab, s, n) != SY_OK ||
	    sy_buf_putc(ab, '\0') != SY_OK) {
		r->err = SY_ENOMEM;
		return true;
	}
	if (!split_plain(ab->data + base, n, s[n - 1] != '\n', true, r->line,
	        &r->pfoff, &r->pflines, &r->pcap, &nf)) {
		ab->len = base;
		ab->data[base] = '\0';
		return false;
	}
	for (i = 0; i < nf; i++)
		r->pfoff[i] += base;
	r->records++;
	r->rec.line = r->line;
	r->rec.off = off;
	r->rec.len = off >= 0 ? n : 0;
	r->rec.nfields = nf;
	r->rec.xml_bad = xml_bad;
	to_batch(r, r->pfoff, r->pflines);
	r->rec.nfields = 0;
	r->rec.xml_bad = false;
	return true;
}

/*
 * True when the reading must stop after a record went out: a failure
 * (*e), or the callback's stop (*e its value, SY_OK when it only
 * wanted no more).
 */
static bool
stopped(const struct reader *r, enum sy_err *e)
{
	if (r->err != SY_OK)
		*e = r->err;
	else if (r->cbret != 0)
		*e = r->cbret < 0 ? SY_OK : (enum sy_err)r->cbret;
	else
		return false;
	return true;
}

/* One reading of a stream. */
struct job {
	FILE *fp;
	const char *path;
	size_t line0;   /* lines are numbered after this one */
	long long base; /* the stream offset where reading starts, or -1 */
	bool one;       /* the first record alone */
	sy_csv_cb cb;
	void *arg;
	struct sy_diags *d;
	struct pipe *pipe; /* records go there instead of to cb */
	enum sy_err e;     /* the reading's outcome */
	int errnum;        /* errno with SY_EIO */
	long long end;     /* range: pread from base up to end (-1: EOF) */
	bool range;
	size_t lines; /* the last line read */
};

/*
 * Reads j->fp from where it stands, numbering lines after j->line0, every
 * record (or the first alone).
 */
static enum sy_err
read_stream(struct job *j)
{
	FILE *fp = j->fp;
	const char *path = j->path;
	struct sy_diags *d = j->d;
	struct csv_parser p;
	struct reader r;
	struct lines src;
	char *line = NULL;
	ssize_t got = 0;
	enum sy_err e = SY_OK;
	long long at = j->base; /* offset of the line being fed */

	memset(&r, 0, sizeof(r));
	sy_buf_init(&r.arena, 0);
	r.path = path;
	r.d = d;
	r.cb = j->cb;
	r.arg = j->arg;
	r.one = j->one;
	r.line = j->line0;
	r.base = j->base;
	r.pipe = j->pipe;
	r.ab = &r.arena;
	if (r.pipe != NULL) {
		r.cur = batch_get();
		if (r.cur == NULL)
			return SY_ENOMEM;
		r.ab = &r.cur->data;
	}
	if (new_parser(&p) != 0) {
		batch_keep(r.cur);
		return SY_ENOMEM;
	}
	/*
	 * A range, or one record read again (a small first read, grown as
	 * needed): pread, fp untouched.
	 */
	lines_init(&src, fp, j->base, j->range ? j->end : -1,
	    j->range || j->one, j->one ? 8192 : LINES_BLOCK);
	for (; !r.full && (got = lines_next(&src, &line)) > 0;
	     at = at < 0 ? at : at + got) {
		size_t n = (size_t)got, done, rest;
		char *s = line;
		const char *enc;
		bool bad, head;

		r.line++;
		/* A file's start, not a record on line 1 read again. */
		head = r.line == 1 && j->base <= 0;
		if (head && n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
			s += 3;
			n -= 3;
		} else if (head && (enc = wide_encoding(s, n)) != NULL) {
			struct sy_pos pos = {path, 1, 0};

			/* One error, not one per NUL: nothing here is read. */
			sy_diag_add(d, &pos, SY_ERROR, SY_R_CSV_ENCODING,
			    "the file is %s, not UTF-8: save it as \"CSV UTF-8 "
			    "(comma delimited)\", or convert it (iconv -f %s "
			    "-t "
			    "UTF-8)",
			    enc, enc);
			break;
		}
		r.off = 0;
	piece:
		bad = false;
		rest = n - piece_len(s, n);
		n -= rest;
		if (!r.in_record) {
			if (blank(s, n))
				continue;
			/* A whole record on a whole line: the direct way. */
			if (rest == 0 &&
			    fast_record(
			        &r, s, n, at < 0 ? -1 : at + (s - line))) {
				if (stopped(&r, &e))
					goto out;
				continue;
			}
			r.in_record = true;
			r.rec.line = r.line;
			r.rec.off = at < 0 ? -1 : at + (s - line);
			r.field_line = r.line;
		}
		r.piece_end = at < 0 ? -1 : at + (s - line) + (long long)n;
		check_encoding(&r, s, n, p.quoted != 0, &bad);
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
		if (stopped(&r, &e))
			goto out;
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
		r.fseen = 0;
		if (new_parser(&p) != 0) {
			e = SY_ENOMEM;
			goto out;
		}
	}
	if (got < 0 && src.errnum != 0) {
		e = SY_EIO;
		j->errnum = src.errnum;
		goto out;
	} else if (got < 0) {
		e = SY_ENOMEM;
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
	else if (r.cbret > 0)
		e = (enum sy_err)r.cbret;
	else if (r.pipe != NULL && r.cbret == 0)
		(void)batch_send(&r);
out:
	j->lines = r.line;
	rec_clear(&r);
	batch_keep(r.cur);
	free(r.rec.fields);
	free(r.rec.flines);
	free(r.foff);
	free(r.pfoff);
	free(r.pflines);
	sy_buf_fini(&r.arena);
	csv_free(&p);
	lines_fini(&src, at);
	if (e == SY_OK && d->oom)
		e = SY_ENOMEM;
	return e;
}

/* The reader thread: reads the whole stream into the pipe. */
static void *
reader_main(void *arg)
{
	struct job *j = arg;
	struct pipe *p = j->pipe;

	j->e = read_stream(j);
	pthread_mutex_lock(&p->mu);
	p->done = true;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/* The next full batch, oldest first; NULL once the reader is done. */
static struct batch *
batch_take(struct pipe *p)
{
	struct batch *b;

	pthread_mutex_lock(&p->mu);
	while (p->head == NULL && !p->done)
		pthread_cond_wait(&p->cv, &p->mu);
	b = p->head;
	if (b != NULL) {
		p->head = b->next;
		if (p->head == NULL)
			p->tail = NULL;
		p->nfull--;
		pthread_cond_broadcast(&p->cv);
	}
	pthread_mutex_unlock(&p->mu);
	return b;
}

/* An emptied batch goes back to the reader for reuse. */
static void
batch_return(struct pipe *p, struct batch *b)
{
	batch_empty(b);
	pthread_mutex_lock(&p->mu);
	b->next = p->spare;
	p->spare = b;
	pthread_mutex_unlock(&p->mu);
}

/* Runs cb on every record of b in order; its nonzero value, or 0. */
static int
batch_run(struct batch *b, char ***fv, size_t *fvcap, sy_csv_cb cb, void *arg)
{
	struct sy_csv_record rec;
	size_t i, k, half, need;
	char **cur, **next, **t;
	int ret = 0;

	/* Room for two records' fields: this one's and the next one's. */
	for (i = 0, need = 2; i < b->n; i++)
		if (2 * b->rec[i].nfields > need)
			need = 2 * b->rec[i].nfields;
	if (need > *fvcap || *fv == NULL) {
		char **v = sy_reallocarray(*fv, need, sizeof(*v));

		if (v == NULL)
			return SY_ENOMEM;
		*fv = v;
		*fvcap = need;
	}
	half = *fvcap / 2;
	cur = *fv;
	next = *fv + half;
	for (i = 0; i < b->n && ret == 0; i++) {
		const struct brec *br = &b->rec[i];

		if (i == 0)
			for (k = 0; k < br->nfields; k++)
				cur[k] = b->data.data + b->foff[br->f0 + k];
		rec.next = NULL;
		rec.nnext = 0;
		if (i + 1 < b->n) {
			const struct brec *bn = &b->rec[i + 1];

			for (k = 0; k < bn->nfields; k++)
				next[k] = b->data.data + b->foff[bn->f0 + k];
			rec.next = next;
			rec.nnext = bn->nfields;
		}
		rec.line = br->line;
		rec.off = br->off;
		rec.len = br->len;
		rec.xml_bad = br->xml_bad;
		rec.nfields = br->nfields;
		rec.fields = cur;
		rec.flines = b->fline + br->f0;
		ret = cb(&rec, arg);
		t = cur;
		cur = next;
		next = t;
	}
	return ret;
}

/*
 * Runs job *jp (its cb and arg set): a reader thread reads and parses,
 * cb runs on this one; alone on this one when threads are not to be had.
 */
static enum sy_err
read_piped(struct job *jp, struct sy_diags *d)
{
	struct job j = *jp;
	struct pipe p;
	struct sy_diags rd; /* the reader's, added to d when it is done */
	struct batch *b;
	pthread_t t;
	char **fv = NULL;
	size_t fvcap = 0;
	int ret = 0;
	enum sy_err e;

	memset(&p, 0, sizeof(p));
	sy_diags_init(&rd);
	j.d = &rd;
	j.pipe = &p;
	if (pthread_mutex_init(&p.mu, NULL) != 0)
		goto alone;
	if (pthread_cond_init(&p.cv, NULL) != 0) {
		pthread_mutex_destroy(&p.mu);
		goto alone;
	}
	if (pthread_create(&t, NULL, reader_main, &j) != 0) {
		pthread_cond_destroy(&p.cv);
		pthread_mutex_destroy(&p.mu);
		goto alone;
	}
	while ((b = batch_take(&p)) != NULL) {
		if (ret == 0)
			ret = batch_run(b, &fv, &fvcap, jp->cb, jp->arg);
		if (ret != 0) {
			/* Stop the reader; what it sent is let go. */
			pthread_mutex_lock(&p.mu);
			p.stop = true;
			pthread_cond_broadcast(&p.cv);
			pthread_mutex_unlock(&p.mu);
		}
		batch_return(&p, b);
	}
	pthread_join(t, NULL);
	jp->lines = j.lines;
	batch_keep_list(p.spare);
	pthread_cond_destroy(&p.cv);
	pthread_mutex_destroy(&p.mu);
	free(fv);
	e = sy_diags_move(d, &rd);
	sy_diags_fini(&rd);
	if (ret != 0)
		return (enum sy_err)ret;
	if (j.e == SY_EIO)
		errno = j.errnum;
	if (e == SY_OK)
		e = j.e;
	if (e == SY_OK && d->oom)
		e = SY_ENOMEM;
	return e;
alone:
	sy_diags_fini(&rd);
	j.d = d;
	j.pipe = NULL;
	e = read_stream(&j);
	jp->lines = j.lines;
	if (e == SY_EIO)
		errno = j.errnum;
	return e;
}

enum sy_err
sy_csv_read_fp(
    FILE *fp, const char *path, sy_csv_cb cb, void *arg, struct sy_diags *d)
{
	struct job j = {
	    .fp = fp, .path = path, .base = ftello(fp), .cb = cb, .arg = arg};

	return read_piped(&j, d);
}

enum sy_err
sy_csv_read_range(FILE *fp, const char *path, long long off, long long end,
    size_t line0, size_t *lines, sy_csv_cb cb, void *arg, struct sy_diags *d)
{
	struct job j = {.fp = fp,
	    .path = path,
	    .line0 = line0,
	    .base = off,
	    .end = end,
	    .range = true,
	    .cb = cb,
	    .arg = arg};
	enum sy_err e;

	if (off < 0 || fileno(fp) < 0 || (end >= 0 && end < off)) {
		errno = EINVAL;
		return SY_EINVAL;
	}
	e = read_piped(&j, d);
	if (lines != NULL)
		*lines = j.lines;
	return e;
}

/* The bytes that end an unquoted field, or make it not plain. */
static const unsigned char stops[256] = {
    [','] = 1, ['\n'] = 1, ['\r'] = 1, ['"'] = 1, ['\0'] = 1};

/*
 * The first of the stops at or after p, or end: sixteen bytes a step
 * with SSE2 (a title or a summary of CJK text is tens of bytes with
 * none), the rest one at a time.
 */
static char *
field_end(char *p, const char *end)
{
#if defined(__SSE2__)
	const __m128i comma = _mm_set1_epi8(','), lf = _mm_set1_epi8('\n'),
	              cr = _mm_set1_epi8('\r'), quote = _mm_set1_epi8('"'),
	              nul = _mm_setzero_si128();

	while (end - p >= 16) {
		const __m128i v =
		    _mm_loadu_si128((const __m128i *)(const void *)p);
		const unsigned hit = (unsigned)_mm_movemask_epi8(
		    _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, comma),
		                     _mm_cmpeq_epi8(v, lf)),
		        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, cr),
		                         _mm_cmpeq_epi8(v, quote)),
		            _mm_cmpeq_epi8(v, nul))));

		if (hit != 0)
			return p + __builtin_ctz(hit);
		p += 16;
	}
#endif
	while (p < end && !stops[(unsigned char)*p])
		p++;
	return p;
}

/*
 * The line ends in [p, q): counted only in a record that has one before
 * its last byte (nl, the first of them, or NULL).
 */
static size_t
lines_in(const char *p, const char *q, const char *nl)
{
	size_t k = 0;

	if (nl == NULL || nl >= q)
		return 0;
	for (p = p > nl ? p : nl; (p = memchr(p, '\n', (size_t)(q - p))); p++)
		k++;
	return k;
}

/*
 * The one record of buf[0, n) split in place as libcsv splits it
 * (CSV_STRICT, CSV_APPEND_NULL, spaces and tabs around fields trimmed),
 * when it has the plain shape that needs none of libcsv's leniency:
 * every field either unquoted, with no quote (spaces and tabs at either
 * end trimmed; not all blank), or quoted from its first byte to a
 * closing quote that a comma or the record's end follows; the record
 * ends with LF, CR LF or,
 * when eof, the end of buf.  buf must have room for n + 1 bytes: each
 * field stays where it is (a quoted one from after its quote, each ""
 * made one quote in place), a NUL after it, and its start and line
 * (counted from line) are stored in foff and flines (cap entries, grown
 * here); only a field with "" in it moves bytes.  oneline: buf is one
 * line (its line end, if any, last), so no quoted field spans lines.
 * False for anything else (buf then undefined): the caller asks libcsv.
 */
static bool
split_plain(char *buf, size_t n, bool eof, bool oneline, size_t line,
    size_t **foff, size_t **flines, size_t *cap, size_t *nf)
{
	char *p = buf, *end = buf + n, after;
	/* A line from the reader has its one line end last: none inside. */
	const char *nl = oneline ? NULL : memchr(buf, '\n', n);

	*nf = 0;
	for (;;) {
		char *q, *a, *b, *w;

		if (*nf == *cap) {
			size_t c = *cap ? *cap * 2 : 32, *v;

			if (c > SY_CSV_MAX_FIELDS)
				return false;
			if ((v = sy_reallocarray(*foff, c, sizeof(*v))) == NULL)
				return false;
			*foff = v;
			if ((v = sy_reallocarray(*flines, c, sizeof(*v))) ==
			    NULL)
				return false;
			*flines = v;
			*cap = c;
		}
		(*flines)[*nf] = line;
		if (p < end && *p == '"') {
			/* Quoted: runs of text, each "" one quote. */
			a = w = p + 1;
			for (p = a;; p = q + 2) {
				if ((q = memchr(p, '"', (size_t)(end - p))) ==
				    NULL)
					return false;
				line += lines_in(p, q, nl);
				if (w != p)
					memmove(w, p, (size_t)(q - p));
				w += q - p;
				if (q + 1 == end || q[1] != '"')
					break;
				*w++ = '"';
			}
			p = q + 1;
		} else {
			q = field_end(p, end);
			if (q < end && (*q == '"' || *q == '\0'))
				return false;
			/* Spaces and tabs around it go, as libcsv trims. */
			a = p;
			b = q;
			while (a < b && (*a == ' ' || *a == '\t'))
				a++;
			while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
				b--;
			if (a == b && q > p)
				return false; /* all blank: libcsv's to judge */
			w = b;
			p = q;
		}
		(*foff)[*nf] = (size_t)(a - buf);
		(*nf)++;
		/*
		 * The byte after the field, read before its NUL goes in: w
		 * is p itself when the field ends there, untrimmed.
		 */
		after = '\0';
		if (p < end)
			after = *p;
		if (after == ',') {
			*w++ = '\0';
			p++;
			continue;
		}
		*w = '\0';
		/* The record's end, and nothing after it. */
		if (p == end)
			return eof;
		if (after == '\r' && p + 1 < end && p[1] == '\n') {
			p++;
			after = '\n';
		}
		return after == '\n' && p + 1 == end;
	}
}

/*
 * The record in raw[0, len) (writable, one byte more of room), at off on
 * line, given to cb (its value in *ret) when it has the plain shape:
 * true.  False when libcsv must read it; raw is then spoilt.
 */
static bool
plain_record(char *raw, size_t len, bool eof, long long off, size_t line,
    sy_csv_cb cb, void *arg, int *ret)
{
	struct sy_csv_record rec;
	size_t *foff = NULL, cap = 0, nf = 0, i;
	bool ok = false, xml_bad = false;

	memset(&rec, 0, sizeof(rec));
	/* Only whole valid text (the first reading checked it; recheck). */
	if (sy_text_valid_prefix(raw, len, &xml_bad) != len ||
	    !split_plain(
	        raw, len, eof, false, line, &foff, &rec.flines, &cap, &nf) ||
	    (rec.fields = sy_reallocarray(NULL, nf, sizeof(char *))) == NULL)
		goto out;
	for (i = 0; i < nf; i++)
		rec.fields[i] = raw + foff[i];
	rec.line = line;
	rec.off = off;
	rec.len = len;
	rec.xml_bad = xml_bad;
	rec.nfields = nf;
	*ret = cb(&rec, arg);
	ok = true;
out:
	free(rec.fields);
	free(rec.flines);
	free(foff);
	return ok;
}

/*
 * sy_csv_read_at's direct way: true when the record at off was read (and
 * given to cb, whose value is in *ret), false when libcsv must do it.
 */
static bool
read_at_plain(int fd, long long off, size_t line, size_t len, sy_csv_cb cb,
    void *arg, int *ret)
{
	char *raw;
	ssize_t got;
	bool ok;

	if (len == 0 || len > SY_CSV_MAX_RECORD)
		return false;
	/* One byte more than the record: an end of file says so. */
	if ((raw = malloc(len + 1)) == NULL)
		return false;
	got = sy_pread(fd, raw, len + 1, off);
	ok = got >= (ssize_t)len &&
	    plain_record(
	        raw, len, got == (ssize_t)len, off, line, cb, arg, ret);
	free(raw);
	return ok;
}

enum sy_err
sy_csv_read_at_buf(FILE *fp, const char *path, char *rec, size_t len, bool eof,
    long long off, size_t line, sy_csv_cb cb, void *arg, struct sy_diags *d)
{
	int ret = 0;

	if (len > 0 && len <= SY_CSV_MAX_RECORD &&
	    plain_record(rec, len, eof, off, line, cb, arg, &ret))
		return ret > 0 ? (enum sy_err)ret : SY_OK;
	return sy_csv_read_at(fp, path, off, line, 0, cb, arg, d);
}

enum sy_err
sy_csv_read_at(FILE *fp, const char *path, long long off, size_t line,
    size_t len, sy_csv_cb cb, void *arg, struct sy_diags *d)
{
	struct job j = {.fp = fp,
	    .path = path,
	    .line0 = line - 1,
	    .base = off,
	    .one = true,
	    .cb = cb,
	    .arg = arg,
	    .d = d};
	enum sy_err e;
	int ret = 0;

	if (off < 0 || line == 0) {
		errno = EINVAL;
		return SY_EINVAL;
	}
	if (fileno(fp) >= 0 &&
	    read_at_plain(fileno(fp), off, line, len, cb, arg, &ret))
		return ret > 0 ? (enum sy_err)ret : SY_OK;
	clearerr(fp);
	/* With a descriptor, read at off with pread (read_stream). */
	if (fileno(fp) < 0 && fseeko(fp, (off_t)off, SEEK_SET) != 0)
		return SY_EIO;
	e = read_stream(&j);
	if (e == SY_EIO)
		errno = j.errnum;
	return e;
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

	r = sy_grow(c->rec, &c->cap, c->n + 1, sizeof(*r), 16);
	if (r == NULL)
		return SY_ENOMEM;
	c->rec = r;
	r = &c->rec[c->n];
	memset(r, 0, sizeof(*r));
	r->line = rec->line;
	r->off = rec->off;
	r->len = rec->len;
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
