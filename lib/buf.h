/*
 * buf: a growable byte buffer with a hard cap.  The data is always
 * NUL-terminated.  Growing past the cap fails with SY_ELIMIT and leaves
 * the buffer as it was.
 */
#ifndef SY_BUF_H
#define SY_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include "syndic.h"

struct sy_buf {
	char *data; /* NUL-terminated; NULL until the first append */
	size_t len;
	size_t cap;
	size_t max; /* hard cap on len; 0 means SIZE_MAX / 2 */
};

void sy_buf_init(struct sy_buf *b, size_t max);
void sy_buf_fini(struct sy_buf *b);
void sy_buf_reset(struct sy_buf *b);
/* sy_buf_append when the room is not there yet (it grows b). */
enum sy_err sy_buf_append_slow(struct sy_buf *b, const void *p, size_t n);

/*
 * Appends p[0, n); with room already there (most calls: a writer's
 * pieces are a few bytes) inline, without a call.
 */
static inline enum sy_err
sy_buf_append(struct sy_buf *b, const void *p, size_t n)
{
	if (b->data != NULL && n < b->cap - b->len && n <= b->max - b->len) {
		if (n > 0)
			memcpy(b->data + b->len, p, n);
		b->len += n;
		b->data[b->len] = '\0';
		return SY_OK;
	}
	return sy_buf_append_slow(b, p, n);
}

/* Room for n more bytes (and the NUL) at once: appends up to it never
 * move the data.  SY_ELIMIT past max, SY_ENOMEM. */
enum sy_err sy_buf_reserve(struct sy_buf *b, size_t n);
enum sy_err sy_buf_puts(struct sy_buf *b, const char *s);

static inline enum sy_err
sy_buf_putc(struct sy_buf *b, char c)
{
	return sy_buf_append(b, &c, 1);
}
enum sy_err sy_buf_printf(struct sy_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
enum sy_err sy_buf_vprintf(struct sy_buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/*
 * Hands the data to the caller (never NULL on success), trimmed to its
 * length when much of the block is unused, and resets b.
 */
char *sy_buf_steal(struct sy_buf *b);

#endif
