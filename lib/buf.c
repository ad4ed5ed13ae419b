/* buf.c: a growable, capped byte buffer. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

void
sy_buf_init(struct sy_buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max == 0 ? SIZE_MAX / 2 : max;
}

void
sy_buf_fini(struct sy_buf *b)
{
	if (b == NULL)
		return;
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

void
sy_buf_reset(struct sy_buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

/*
 * Room for n more bytes and the NUL: the block doubled until they fit,
 * or (exact) made just that large.
 */
static enum sy_err
room(struct sy_buf *b, size_t n, bool exact)
{
	size_t need, cap;
	char *p;

	if (n > b->max - b->len)
		return SY_ELIMIT;
	need = b->len + n + 1;
	/* data == NULL with cap != 0 cannot happen; do not rely on it. */
	if (b->data != NULL && need <= b->cap)
		return SY_OK;
	cap = b->cap < 64 ? 64 : b->cap;
	if (exact)
		cap = need < 64 ? 64 : need;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	p = realloc(b->data, cap);
	if (p == NULL)
		return SY_ENOMEM;
	b->data = p;
	b->cap = cap;
	return SY_OK;
}

static enum sy_err
grow(struct sy_buf *b, size_t n)
{
	return room(b, n, false);
}

enum sy_err
sy_buf_reserve(struct sy_buf *b, size_t n)
{
	/* exactly what is asked: the caller knows the size */
	return room(b, n, true);
}

enum sy_err
sy_buf_append_slow(struct sy_buf *b, const void *p, size_t n)
{
	enum sy_err e = grow(b, n);

	if (e != SY_OK)
		return e;
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return SY_OK;
}

enum sy_err
sy_buf_puts(struct sy_buf *b, const char *s)
{
	return sy_buf_append(b, s, strlen(s));
}

enum sy_err
sy_buf_vprintf(struct sy_buf *b, const char *fmt, va_list ap)
{
	va_list aq;
	int n;
	enum sy_err e;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		return SY_EINVAL;
	e = grow(b, (size_t)n);
	if (e != SY_OK)
		return e;
	/* Writes exactly n bytes: the room was measured above. */
	(void)vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return SY_OK;
}

enum sy_err
sy_buf_printf(struct sy_buf *b, const char *fmt, ...)
{
	va_list ap;
	enum sy_err e;

	va_start(ap, fmt);
	e = sy_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return e;
}

char *
sy_buf_steal(struct sy_buf *b)
{
	char *p;

	if (b->data == NULL && grow(b, 0) != SY_OK)
		return NULL;
	p = b->data;
	p[b->len] = '\0';
	/*
	 * The string may live long (an entry's content): give back what
	 * doubling left over, when that is worth a call.  A failed shrink
	 * keeps the larger block.
	 */
	if (b->cap - b->len > 64 && b->cap - b->len > b->len / 8) {
		char *q = realloc(p, b->len + 1);

		if (q != NULL)
			p = q;
	}
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}
