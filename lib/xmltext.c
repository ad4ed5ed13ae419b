/* xmltext.c: element text escaped by table into a stack buffer. */
#include <limits.h>
#include <string.h>

#include <libxml/xmlwriter.h>

#include "xmltext.h"

#include "dl.h"

/* The stack buffer: most titles, summaries and contents fit in one. */
#define CHUNK 8192

const struct sy_xmlesc sy_xmlesc_text = {
    .cls = {['\0'] = SY_XMLESC_END,
        ['<'] = 1,
        ['>'] = 2,
        ['&'] = 3,
        ['"'] = 4,
        ['\r'] = 5},
    .rep = {"&lt;", "&gt;", "&amp;", "&quot;", "&#13;"},
    .len = {4, 4, 5, 6, 5},
};

/* xmlTextWriterWriteRawLen takes an int length: longer runs in pieces. */
static int
raw(xmlTextWriterPtr w, const char *p, size_t n)
{
	size_t k;

	do {
		k = n > INT_MAX / 2 ? INT_MAX / 2 : n;
		if (sy_xml.xmlTextWriterWriteRawLen(
		        w, (const xmlChar *)p, (int)k) < 0)
			return -1;
		p += k;
		n -= k;
	} while (n > 0);
	return 0;
}

int
sy_xmltext_write(xmlTextWriterPtr w, const char *s, const struct sy_xmlesc *esc)
{
	const unsigned char *cls = esc->cls;
	const unsigned char *p = (const unsigned char *)s, *run;
	char out[CHUNK];
	size_t o = 0, n;
	unsigned c;

	if (sy_dl_xml() != SY_OK) /* w is libxml2's: it is loaded */
		return -1;
	for (;;) {
		for (run = p; cls[*p] == 0; p++)
			;
		c = cls[*p];
		n = (size_t)(p - run);
		if (o == 0 && c == SY_XMLESC_END)
			/* The rest needs no escaping: no copy (also for ""). */
			return raw(w, (const char *)run, n);
		if (n > CHUNK - o) {
			if (o > 0 && raw(w, out, o) < 0)
				return -1;
			o = 0;
			if (n > 0 && raw(w, (const char *)run, n) < 0)
				return -1;
		} else {
			memcpy(out + o, run, n);
			o += n;
		}
		if (c == SY_XMLESC_END)
			break;
		if (CHUNK - o < SY_XMLESC_MAXREP) {
			if (raw(w, out, o) < 0)
				return -1;
			o = 0;
		}
		memcpy(out + o, esc->rep[c - 1], esc->len[c - 1]);
		o += esc->len[c - 1];
		p++;
	}
	return o > 0 ? raw(w, out, o) : 0;
}

int
sy_xmltext_elem(xmlTextWriterPtr w, const char *name, const char *s,
    const struct sy_xmlesc *esc)
{
	if (s == NULL)
		return 0;
	if (sy_dl_xml() != SY_OK ||
	    sy_xml.xmlTextWriterStartElement(w, (const xmlChar *)name) < 0 ||
	    sy_xmltext_write(w, s, esc) < 0 ||
	    sy_xml.xmlTextWriterEndElement(w) < 0)
		return -1;
	return 0;
}

enum sy_err
sy_xmltext_escape(
    struct sy_buf *b, const char *s, size_t n, const struct sy_xmlesc *esc)
{
	const unsigned char *p = (const unsigned char *)s, *e = p + n, *run;
	size_t old = b->len;
	enum sy_err err = SY_OK;
	unsigned c = 0;

	while (p < e) {
		for (run = p; p < e && (c = esc->cls[*p]) == 0; p++)
			;
		if (p > run &&
		    (err = sy_buf_append(b, run, (size_t)(p - run))) != SY_OK)
			break;
		if (p == e)
			break;
		if (c == SY_XMLESC_END)
			err = sy_buf_putc(b, '\0');
		else
			err =
			    sy_buf_append(b, esc->rep[c - 1], esc->len[c - 1]);
		if (err != SY_OK)
			break;
		p++;
	}
	if (err != SY_OK && b->data != NULL) {
		b->len = old;
		b->data[old] = '\0';
	}
	return err;
}
