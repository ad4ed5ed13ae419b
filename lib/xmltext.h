/*
 * xmltext: element text for the xmlTextWriter-based writers (RSS, Atom),
 * escaped by us and handed to the writer raw.
 *
 * xmlTextWriterWriteString() escapes through xmlEncodeSpecialChars(),
 * which mallocs an escaped copy of every string; the writers spent most
 * of their time there.  Here the escaping is a table lookup per byte into
 * a stack buffer, passed on with xmlTextWriterWriteRawLen() (one call per
 * string of up to a few KB), and a string with nothing to escape is
 * passed on as it is.  With sy_xmlesc_text the bytes written are exactly
 * those of xmlTextWriterWriteString(): '<' '>' '&' '"' and CR become
 * &lt; &gt; &amp; &quot; &#13; (libxml2's entities.c), everything else,
 * UTF-8 included, is copied.  The writer's indentation is unchanged: both
 * paths go through xmlTextWriterWriteRawLen().
 *
 * Attributes are not handled here: their escaping differs (tabs and
 * newlines too) and they are few.
 */
#ifndef SY_XMLTEXT_H
#define SY_XMLTEXT_H

#include <stddef.h>

#include <libxml/xmlwriter.h>

#include "buf.h"
#include "syndic.h"

/*
 * An escaping style: byte c is copied when cls[c] is 0, else replaced by
 * rep[cls[c] - 1], of len[cls[c] - 1] bytes (at most SY_XMLESC_MAXREP).
 * cls['\0'] must be SY_XMLESC_END: the scanner's only stop besides the
 * bytes to escape.
 */
#define SY_XMLESC_MAXREP 16
#define SY_XMLESC_NREP 5
#define SY_XMLESC_END 255
struct sy_xmlesc {
	unsigned char cls[256];
	const char *rep[SY_XMLESC_NREP];
	unsigned char len[SY_XMLESC_NREP];
};

/* libxml2's text escaping (xmlEncodeSpecialChars). */
extern const struct sy_xmlesc sy_xmlesc_text;

/*
 * Appends s[0..n), escaped, to b (a NUL byte in it is copied).  SY_OK, or
 * SY_ENOMEM / SY_ELIMIT with b as it was.
 */
enum sy_err sy_xmltext_escape(
    struct sy_buf *b, const char *s, size_t n, const struct sy_xmlesc *esc);

/*
 * Writes the NUL-terminated s, escaped, as text at the writer's position
 * (as xmlTextWriterWriteString() does with sy_xmlesc_text; "" still
 * closes a start tag).  Returns 0, or -1 when libxml2 failed.
 */
int sy_xmltext_write(
    xmlTextWriterPtr w, const char *s, const struct sy_xmlesc *esc);

/*
 * <name>s</name>, as xmlTextWriterWriteElement() writes it with
 * sy_xmlesc_text; nothing (0) when s is NULL.  -1 on failure.
 */
int sy_xmltext_elem(xmlTextWriterPtr w, const char *name, const char *s,
    const struct sy_xmlesc *esc);

#endif
