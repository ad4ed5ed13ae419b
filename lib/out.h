/*
 * out: the byte sink the feed writers share, and their escapers.
 *
 * A sy_out gathers bytes in one block and hands them to its FILE in
 * large writes (SY_OUT_BLOCK at a time); with no FILE it only grows (a
 * string built in memory: tests, small pieces).  The first failure
 * (ENOMEM, a short write) is kept in err and every later call does
 * nothing, so a writer checks once, at the end (sy_out_flush).
 *
 * The escapers are tables and total: every input, valid or not, gives
 * output its format's parser accepts and reads back as the input's text.
 * - a byte below 0x80 is copied or replaced by its table entry;
 * - a byte from 0x80 starts a UTF-8 sequence, copied when it is valid
 *   (no overlong form, no surrogate, at most U+10FFFF); an invalid one
 *   (a stray continuation byte, a truncated sequence, an encoded
 *   surrogate, CESU-8) becomes U+FFFD, one per maximal invalid subpart;
 * - the XML styles replace what XML 1.0 forbids (C0 controls but tab,
 *   newline and CR; U+FFFE, U+FFFF) by U+FFFD, and escape '>' always, so
 *   "]]>" never appears in text;
 * - the JSON style escapes as jansson does ("\"", "\\", \b \f \n \r \t,
 *   other C0 controls as \u00XX) and U+2028 and U+2029 as \u2028 and
 *   \u2029, which JavaScript before ES2019 does not accept raw in a
 *   string literal.
 */
#ifndef SY_OUT_H
#define SY_OUT_H

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "syndic.h"

#define SY_OUT_BLOCK (256 * 1024)

struct sy_out {
	char *data;
	size_t len;
	size_t cap;
	FILE *fp;        /* NULL: grow in memory */
	enum sy_err err; /* the first failure; SY_OK */
};

/* An escaping style: see sy_out_esc. */
struct sy_esc {
	/*
	 * What byte c becomes: cls[c] == 0 copies it; SY_ESC_REP replaces
	 * it by rep[c] (len[c] bytes); SY_ESC_UTF8 starts a multi-byte
	 * sequence; SY_ESC_END (only '\0') ends the string.
	 */
	unsigned char cls[256];
	const char *rep[128];
	unsigned char len[128];
	/* U+FFFE, U+FFFF (XML) and U+2028, U+2029 (JSON) */
	unsigned char xml;
	unsigned char js;
	/*
	 * The bytes from 0x20 to 0x7F that cls does not copy, for the
	 * vector scan that skips plain text (out_test checks them).
	 */
	unsigned char nspec;
	unsigned char spec[8];
};
#define SY_ESC_REP 1
#define SY_ESC_UTF8 2
#define SY_ESC_END 3

/* The bytes of U+FFFD, what an invalid or forbidden character becomes. */
#define SY_FFFD "\xEF\xBF\xBD"

/*
 * For tables of other styles: the C0 controls XML 1.0 forbids, as U+FFFD, and
 * bytes from 0x80 as UTF-8 to check.
 */
#define SY_ESC_XML_C0                                                          \
	[0x01] = SY_ESC_REP, [0x02] = SY_ESC_REP, [0x03] = SY_ESC_REP,         \
	[0x04] = SY_ESC_REP, [0x05] = SY_ESC_REP, [0x06] = SY_ESC_REP,         \
	[0x07] = SY_ESC_REP, [0x08] = SY_ESC_REP, [0x0B] = SY_ESC_REP,         \
	[0x0C] = SY_ESC_REP, [0x0E] = SY_ESC_REP, [0x0F] = SY_ESC_REP,         \
	[0x10] = SY_ESC_REP, [0x11] = SY_ESC_REP, [0x12] = SY_ESC_REP,         \
	[0x13] = SY_ESC_REP, [0x14] = SY_ESC_REP, [0x15] = SY_ESC_REP,         \
	[0x16] = SY_ESC_REP, [0x17] = SY_ESC_REP, [0x18] = SY_ESC_REP,         \
	[0x19] = SY_ESC_REP, [0x1A] = SY_ESC_REP, [0x1B] = SY_ESC_REP,         \
	[0x1C] = SY_ESC_REP, [0x1D] = SY_ESC_REP, [0x1E] = SY_ESC_REP,         \
	[0x1F] = SY_ESC_REP
#define SY_ESC_XML_C0_REP                                                      \
	[0x01] = SY_FFFD, [0x02] = SY_FFFD, [0x03] = SY_FFFD,                  \
	[0x04] = SY_FFFD, [0x05] = SY_FFFD, [0x06] = SY_FFFD,                  \
	[0x07] = SY_FFFD, [0x08] = SY_FFFD, [0x0B] = SY_FFFD,                  \
	[0x0C] = SY_FFFD, [0x0E] = SY_FFFD, [0x0F] = SY_FFFD,                  \
	[0x10] = SY_FFFD, [0x11] = SY_FFFD, [0x12] = SY_FFFD,                  \
	[0x13] = SY_FFFD, [0x14] = SY_FFFD, [0x15] = SY_FFFD,                  \
	[0x16] = SY_FFFD, [0x17] = SY_FFFD, [0x18] = SY_FFFD,                  \
	[0x19] = SY_FFFD, [0x1A] = SY_FFFD, [0x1B] = SY_FFFD,                  \
	[0x1C] = SY_FFFD, [0x1D] = SY_FFFD, [0x1E] = SY_FFFD, [0x1F] = SY_FFFD
#define SY_ESC_XML_C0_LEN                                                      \
	[0x01] = 3, [0x02] = 3, [0x03] = 3, [0x04] = 3, [0x05] = 3,            \
	[0x06] = 3, [0x07] = 3, [0x08] = 3, [0x0B] = 3, [0x0C] = 3,            \
	[0x0E] = 3, [0x0F] = 3, [0x10] = 3, [0x11] = 3, [0x12] = 3,            \
	[0x13] = 3, [0x14] = 3, [0x15] = 3, [0x16] = 3, [0x17] = 3,            \
	[0x18] = 3, [0x19] = 3, [0x1A] = 3, [0x1B] = 3, [0x1C] = 3,            \
	[0x1D] = 3, [0x1E] = 3, [0x1F] = 3
/* Bytes 0x80 to 0xFF: a UTF-8 sequence to check. */
#define SY_ESC_U(b) [b] = SY_ESC_UTF8
#define SY_ESC_U16(b)                                                          \
	SY_ESC_U(b), SY_ESC_U((b) + 1), SY_ESC_U((b) + 2), SY_ESC_U((b) + 3),  \
	    SY_ESC_U((b) + 4), SY_ESC_U((b) + 5), SY_ESC_U((b) + 6),           \
	    SY_ESC_U((b) + 7), SY_ESC_U((b) + 8), SY_ESC_U((b) + 9),           \
	    SY_ESC_U((b) + 10), SY_ESC_U((b) + 11), SY_ESC_U((b) + 12),        \
	    SY_ESC_U((b) + 13), SY_ESC_U((b) + 14), SY_ESC_U((b) + 15)
#define SY_ESC_HIGH                                                            \
	SY_ESC_U16(0x80), SY_ESC_U16(0x90), SY_ESC_U16(0xA0),                  \
	    SY_ESC_U16(0xB0), SY_ESC_U16(0xC0), SY_ESC_U16(0xD0),              \
	    SY_ESC_U16(0xE0), SY_ESC_U16(0xF0)

/* libxml2's element text: < > & " CR as &lt; &gt; &amp; &quot; &#13; */
extern const struct sy_esc sy_esc_xml_text;
/* libxml2's attribute values: the same, plus tab and newline */
extern const struct sy_esc sy_esc_xml_attr;
/* jansson's strings, plus U+2028 and U+2029 */
extern const struct sy_esc sy_esc_json;

/* fp may be NULL (memory only).  SY_ENOMEM is left in o->err. */
void sy_out_init(struct sy_out *o, FILE *fp);
/* Writes what is held to fp and fflushes it; returns o->err. */
enum sy_err sy_out_flush(struct sy_out *o);
/* Frees the block (nothing is written). */
void sy_out_fini(struct sy_out *o);
/* Empties a memory sink. */
void sy_out_reset(struct sy_out *o);

void sy_out_slow(struct sy_out *o, const void *p, size_t n);

static inline void
sy_out_write(struct sy_out *o, const void *p, size_t n)
{
	if (o->cap - o->len > n) {
		memcpy(o->data + o->len, p, n);
		o->len += n;
	} else
		sy_out_slow(o, p, n);
}

static inline void
sy_out_puts(struct sy_out *o, const char *s)
{
	sy_out_write(o, s, strlen(s));
}

/* Writes literal string constant S. */
#define SY_OUT_LIT(o, S) sy_out_write((o), (S), sizeof(S) - 1)

/* v in decimal. */
void sy_out_ll(struct sy_out *o, long long v);
/* 2 * depth spaces. */
void sy_out_indent(struct sy_out *o, unsigned depth);

/* The NUL-terminated s, escaped by esc. */
void sy_out_esc(struct sy_out *o, const char *s, const struct sy_esc *esc);

#endif
