/*
 * buf: a growable byte buffer with a hard cap.  The data is always
 * NUL-terminated.  Growing past the cap fails with SY_ELIMIT and leaves
 * the buffer as it was.
 */
#ifndef SY_BUF_H
#define SY_BUF_H

#include <stdarg.h>
#include <stddef.h>

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
enum sy_err sy_buf_append(struct sy_buf *b, const void *p, size_t n);
/* Room for n more bytes (and the NUL) at once: appends up to it never
 * move the data.  SY_ELIMIT past max, SY_ENOMEM. */
enum sy_err sy_buf_reserve(struct sy_buf *b, size_t n);
enum sy_err sy_buf_puts(struct sy_buf *b, const char *s);
enum sy_err sy_buf_putc(struct sy_buf *b, char c);
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
