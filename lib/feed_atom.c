/*
 * feed_atom: Atom 1.0 (RFC 4287) through libxml2's xmlTextWriter,
 * streamed into the caller's FILE.
 *
 * RFC 4287 4.1.1 wants an author on every entry of a feed that has none
 * itself.  The feed carries the column's author when the column names one
 * (by name or e-mail); an entry carries its own when it has one.  When
 * neither has one, the entry is credited to the column's title, so that
 * every entry always has an author.
 *
 * An entry with neither content nor summary gets its title as summary:
 * the W3C validator warns about an entry without textual content.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlwriter.h>

#include "date.h"
#include "entry.h"
#include "feedwrite.h"
#include "util.h"
#include "xmltext.h"

#define NS_ATOM "http://www.w3.org/2005/Atom"

#define X(s) ((const xmlChar *)(s))

/* <name>text</name>, escaped as xmlTextWriterWriteElement does. */
static int
elem(xmlTextWriterPtr w, const char *name, const char *text)
{
	return sy_xmltext_elem(w, name, text, &sy_xmlesc_text);
}

static int
date_elem(xmlTextWriterPtr w, const char *name, const struct sy_time *tm)
{
	char date[SY_DATE_BUFSZ];

	sy_date_rfc3339(tm, date, sizeof(date));
	return elem(w, name, date);
}

/* <link rel= href= type=? length=?/>; length < 0 leaves it out. */
static int
link_elem(xmlTextWriterPtr w, const char *rel, const char *href,
    const char *type, long long length)
{
	int rc;

	if (href == NULL)
		return 0;
	if ((rc = xmlTextWriterStartElement(w, X("link"))) < 0)
		return rc;
	if ((rc = xmlTextWriterWriteAttribute(w, X("rel"), X(rel))) < 0)
		return rc;
	if ((rc = xmlTextWriterWriteAttribute(w, X("href"), X(href))) < 0)
		return rc;
	if (type != NULL &&
	    (rc = xmlTextWriterWriteAttribute(w, X("type"), X(type))) < 0)
		return rc;
	if (length >= 0 &&
	    (rc = xmlTextWriterWriteFormatAttribute(
	         w, X("length"), "%lld", length)) < 0)
		return rc;
	return xmlTextWriterEndElement(w);
}

/*
 * <author><name/><email/></author>; the name is required.  The address
 * is written in ASCII form (IDNA domain), or left out when it has none.
 */
static int
author_elem(
    xmlTextWriterPtr w, const char *name, const char *email, enum sy_err *err)
{
	char *mail;
	int rc;

	if (sy_entry_email_ascii(email, &mail) != SY_OK) {
		*err = SY_ENOMEM;
		return -1;
	}
	if ((rc = xmlTextWriterStartElement(w, X("author"))) < 0)
		goto out;
	if ((rc = elem(w, "name", name != NULL ? name : email)) < 0)
		goto out;
	if ((rc = elem(w, "email", mail)) < 0)
		goto out;
	rc = xmlTextWriterEndElement(w);
out:
	free(mail);
	return rc;
}

static int
text_elem(
    xmlTextWriterPtr w, const char *name, const char *type, const char *text)
{
	int rc;

	if (text == NULL)
		return 0;
	if ((rc = xmlTextWriterStartElement(w, X(name))) < 0)
		return rc;
	if ((rc = xmlTextWriterWriteAttribute(w, X("type"), X(type))) < 0)
		return rc;
	if ((rc = sy_xmltext_write(w, text, &sy_xmlesc_text)) < 0)
		return rc;
	return xmlTextWriterEndElement(w);
}

static bool
feed_has_author(const struct sy_column *c)
{
	return c->author != NULL || c->email != NULL;
}

static int
write_entry(xmlTextWriterPtr w, const struct sy_feed *f,
    const struct sy_entry *e, enum sy_err *err)
{
	const struct sy_column *c = f->col;
	size_t i;
	int rc;

	if ((rc = xmlTextWriterStartElement(w, X("entry"))) < 0)
		return rc;
	if (e->language != NULL &&
	    (c->language == NULL ||
	        sy_strcasecmp(e->language, c->language) != 0) &&
	    (rc = xmlTextWriterWriteAttribute(
	         w, X("xml:lang"), X(e->language))) < 0)
		return rc;
	if ((rc = elem(w, "id", e->uri_id)) < 0)
		return rc;
	if ((rc = text_elem(w, "title", "text", e->title)) < 0)
		return rc;
	if ((rc = link_elem(w, "alternate", e->link, "text/html", -1)) < 0)
		return rc;
	if ((rc = date_elem(w, "published", &e->published)) < 0)
		return rc;
	if ((rc = date_elem(w, "updated",
	         e->has_updated ? &e->updated : &e->published)) < 0)
		return rc;
	if (e->author != NULL || e->email != NULL)
		rc = author_elem(w, e->author, e->email, err);
	else if (!feed_has_author(c))
		rc = author_elem(w, c->title, NULL, err);
	if (rc < 0)
		return rc;
	if ((rc = text_elem(w, "summary", "text",
	         e->summary != NULL || e->content != NULL ? e->summary
	                                                  : e->title)) < 0)
		return rc;
	if ((rc = text_elem(w, "content", "html", e->content)) < 0)
		return rc;
	for (i = 0; i < e->ncategories; i++) {
		if ((rc = xmlTextWriterStartElement(w, X("category"))) < 0)
			return rc;
		if ((rc = xmlTextWriterWriteAttribute(
		         w, X("term"), X(e->categories[i]))) < 0)
			return rc;
		if ((rc = xmlTextWriterEndElement(w)) < 0)
			return rc;
	}
	/* An unknown type is named, as in RSS and JSON Feed: readers take a
	 * link without one for text/html (feedparser does). */
	if ((rc = link_elem(w, "enclosure", e->enclosure,
	         e->enclosure_type != NULL ? e->enclosure_type
	                                   : "application/octet-stream",
	         e->enclosure_length)) < 0)
		return rc;
	return xmlTextWriterEndElement(w);
}

/* "syndic 0.1.0" -> text "syndic", version="0.1.0". */
static int
generator_elem(xmlTextWriterPtr w, const char *gen)
{
	const char *sp;
	int rc;

	if (gen == NULL)
		return 0;
	if ((rc = xmlTextWriterStartElement(w, X("generator"))) < 0)
		return rc;
	sp = strrchr(gen, ' ');
	if (sp != NULL && sp[1] != '\0') {
		if ((rc = xmlTextWriterWriteAttribute(
		         w, X("version"), X(sp + 1))) < 0)
			return rc;
		rc = xmlTextWriterWriteFormatString(
		    w, "%.*s", (int)(sp - gen), gen);
	} else
		rc = xmlTextWriterWriteString(w, X(gen));
	if (rc < 0)
		return rc;
	return xmlTextWriterEndElement(w);
}

static int
write_feed(xmlTextWriterPtr w, const struct sy_feed *f, enum sy_err *err)
{
	const struct sy_column *c = f->col;
	size_t i;
	int rc;

	if ((rc = xmlTextWriterStartElementNS(w, NULL, X("feed"), X(NS_ATOM))) <
	    0)
		return rc;
	if (c->language != NULL &&
	    (rc = xmlTextWriterWriteAttribute(
	         w, X("xml:lang"), X(c->language))) < 0)
		return rc;
	if ((rc = elem(w, "id", f->id)) < 0)
		return rc;
	if ((rc = text_elem(w, "title", "text", c->title)) < 0)
		return rc;
	if ((rc = text_elem(w, "subtitle", "text", c->description)) < 0)
		return rc;
	if ((rc = date_elem(w, "updated", &f->updated)) < 0)
		return rc;
	if ((rc = link_elem(
	         w, "self", f->self_atom, "application/atom+xml", -1)) < 0)
		return rc;
	if ((rc = link_elem(w, "alternate", c->link, "text/html", -1)) < 0)
		return rc;
	if (feed_has_author(c) &&
	    (rc = author_elem(w, c->author, c->email, err)) < 0)
		return rc;
	if ((rc = generator_elem(w, f->generator)) < 0)
		return rc;
	for (i = 0; i < f->n; i++)
		if ((rc = write_entry(w, f, f->entries[i], err)) < 0)
			return rc;
	return xmlTextWriterEndElement(w);
}

enum sy_err
sy_atom_write(const struct sy_feed *f, FILE *fp)
{
	xmlOutputBufferPtr out;
	xmlTextWriterPtr w = NULL;
	enum sy_err err = SY_EXML;

	if (!sy_feed_is_writable(f))
		return SY_EINVAL;
	if ((out = xmlOutputBufferCreateFile(fp, NULL)) == NULL)
		return SY_ENOMEM;
	if ((w = xmlNewTextWriter(out)) == NULL) {
		xmlOutputBufferClose(out);
		return SY_ENOMEM;
	}
	if (xmlTextWriterSetIndent(w, 1) < 0)
		goto out;
	if (xmlTextWriterSetIndentString(w, X("  ")) < 0)
		goto out;
	if (xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL) < 0)
		goto out;
	if (write_feed(w, f, &err) < 0)
		goto out;
	if (xmlTextWriterEndDocument(w) < 0)
		goto out;
	if (xmlTextWriterFlush(w) < 0)
		goto out;
	err = SY_OK;
out:
	xmlFreeTextWriter(w);
	if ((err == SY_OK && fflush(fp) == EOF) ||
	    (err == SY_EXML && ferror(fp)))
		err = SY_EIO;
	return err;
}
