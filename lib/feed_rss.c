/*
 * feed_rss: RSS 2.0 (https://www.rssboard.org/rss-specification) through
 * libxml2's xmlTextWriter, streamed into the caller's FILE.
 *
 * Choices, each made so that the W3C feed validator stays silent:
 * - the atom, content and dc namespaces are declared on <rss> only when
 *   the feed uses them (a self link, an entry with content, an author
 *   known by name only);
 * - <description> is required: the column's, else its title;
 * - plain text is escaped the RSS Profile's way, '&' and '<' as
 *   &#x26; and &#x3C;;
 * - an item's <description> is HTML to readers: the summary, escaped
 *   as HTML, else the content (the validator wants a description before
 *   <content:encoded>, and old readers only read <description>); the
 *   content goes to <content:encoded>;
 * - <author> must be an e-mail address: "email (Name)" when one is
 *   known (the entry's person, else the column's), else the name goes
 *   to <dc:creator>; an internationalised address is written with its
 *   domain in IDNA form, and one with a non-ASCII local part (which the
 *   validator refuses) is written as a name only;
 * - <enclosure> needs url, length and type: an unknown length is written
 *   as 0, which the RSS Advisory Board recommends, and an unknown type as
 *   application/octet-stream.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include <libxml/xmlwriter.h>

#include "buf.h"
#include "date.h"
#include "entry.h"
#include "feedwrite.h"
#include "xmltext.h"

#define NS_ATOM "http://www.w3.org/2005/Atom"
#define NS_CONTENT "http://purl.org/rss/1.0/modules/content/"
#define NS_DC "http://purl.org/dc/elements/1.1/"

#define X(s) ((const xmlChar *)(s))

/*
 * The person an item is credited to: the entry's, else the column's.
 * *mail gets the address in ASCII form (a new string) or NULL; an
 * address without one is kept as the name when there is no name.
 */
static enum sy_err
item_person(const struct sy_feed *f, const struct sy_entry *e,
    const char **name, char **mail)
{
	const char *email;

	if (e->author != NULL || e->email != NULL) {
		*name = e->author;
		email = e->email;
	} else {
		*name = f->col->author;
		email = f->col->email;
	}
	if (sy_entry_email_ascii(email, mail) != SY_OK)
		return SY_ENOMEM;
	if (*mail == NULL && *name == NULL)
		*name = email;
	return SY_OK;
}

/* "email (Name)", or "email" alone. */
static enum sy_err
mailbox(struct sy_buf *b, const char *email, const char *name)
{
	sy_buf_reset(b);
	if (name != NULL)
		return sy_buf_printf(b, "%s (%s)", email, name);
	return sy_buf_puts(b, email);
}

/*
 * The two hand-made escaping styles: plain text with '&' and '<' as
 * &#x26; and &#x3C; (and '>' as &gt;), and the same escaped once more
 * for an element that RSS readers take as HTML.  Anything else, '"' and
 * CR included, is written as it is.
 */
static const struct sy_xmlesc plain_esc = {
    .cls = {['\0'] = SY_XMLESC_END, ['&'] = 1, ['<'] = 2, ['>'] = 3},
    .rep = {"&#x26;", "&#x3C;", "&gt;"},
    .len = {6, 6, 4},
};
static const struct sy_xmlesc html_esc = {
    .cls = {['\0'] = SY_XMLESC_END, ['&'] = 1, ['<'] = 2, ['>'] = 3},
    .rep = {"&amp;amp;", "&amp;lt;", "&amp;gt;"},
    .len = {9, 8, 8},
};

/*
 * <name>text</name> in a hand-made style; "" gives <name/>, as it always
 * has here (xmlTextWriterWriteElement would write <name></name>).
 */
static int
esc_elem(xmlTextWriterPtr w, const char *name, const char *text,
    const struct sy_xmlesc *esc)
{
	if (text == NULL || *text != '\0')
		return sy_xmltext_elem(w, name, text, esc);
	if (xmlTextWriterStartElement(w, X(name)) < 0)
		return -1;
	return xmlTextWriterEndElement(w);
}

/*
 * Plain text in the RSS Best Practices Profile's escaping (the W3C
 * validator wants '&' and '<' as hexadecimal references).
 */
static int
elem(xmlTextWriterPtr w, const char *name, const char *text)
{
	return esc_elem(w, name, text, &plain_esc);
}

/* For HTML (content:encoded): plain XML escaping. */
static int
html_elem(xmlTextWriterPtr w, const char *name, const char *text)
{
	return sy_xmltext_elem(w, name, text, &sy_xmlesc_text);
}

static int
write_item(xmlTextWriterPtr w, const struct sy_feed *f,
    const struct sy_entry *e, struct sy_buf *b, enum sy_err *err)
{
	char date[SY_DATE_BUFSZ];
	const char *name;
	char *mail = NULL;
	enum sy_err e2;
	size_t i;
	int rc;

	if ((rc = xmlTextWriterStartElement(w, X("item"))) < 0)
		return rc;
	if ((rc = elem(w, "title", e->title)) < 0)
		return rc;
	if ((rc = elem(w, "link", e->link)) < 0)
		return rc;
	if (e->summary != NULL)
		rc = esc_elem(w, "description", e->summary, &html_esc);
	else
		rc = html_elem(w, "description", e->content);
	if (rc < 0)
		return rc;
	if ((rc = html_elem(w, "content:encoded", e->content)) < 0)
		return rc;
	if ((e2 = item_person(f, e, &name, &mail)) != SY_OK) {
		*err = e2;
		return -1;
	}
	if (mail != NULL) {
		e2 = mailbox(b, mail, name);
		free(mail);
		if (e2 != SY_OK) {
			*err = e2;
			return -1;
		}
		if ((rc = elem(w, "author", b->data)) < 0)
			return rc;
	} else if ((rc = elem(w, "dc:creator", name)) < 0)
		return rc;
	for (i = 0; i < e->ncategories; i++)
		if ((rc = elem(w, "category", e->categories[i])) < 0)
			return rc;
	if (e->enclosure != NULL) {
		if ((rc = xmlTextWriterStartElement(w, X("enclosure"))) < 0)
			return rc;
		if ((rc = xmlTextWriterWriteAttribute(
		         w, X("url"), X(e->enclosure))) < 0)
			return rc;
		if ((rc = xmlTextWriterWriteFormatAttribute(w, X("length"),
		         "%lld",
		         e->enclosure_length < 0 ? 0LL : e->enclosure_length)) <
		    0)
			return rc;
		if ((rc = xmlTextWriterWriteAttribute(w, X("type"),
		         X(e->enclosure_type != NULL
		                 ? e->enclosure_type
		                 : "application/octet-stream"))) < 0)
			return rc;
		if ((rc = xmlTextWriterEndElement(w)) < 0)
			return rc;
	}
	if ((rc = xmlTextWriterStartElement(w, X("guid"))) < 0)
		return rc;
	if (!e->guid_is_permalink &&
	    (rc = xmlTextWriterWriteAttribute(
	         w, X("isPermaLink"), X("false"))) < 0)
		return rc;
	if ((rc = sy_xmltext_write(w, e->guid, &sy_xmlesc_text)) < 0)
		return rc;
	if ((rc = xmlTextWriterEndElement(w)) < 0)
		return rc;
	sy_date_rfc822(&e->published, date, sizeof(date));
	if ((rc = elem(w, "pubDate", date)) < 0)
		return rc;
	return xmlTextWriterEndElement(w);
}

/* Which optional namespaces the items need. */
static enum sy_err
needs(const struct sy_feed *f, bool *content, bool *dc)
{
	const char *name;
	char *mail;
	size_t i;

	*content = *dc = false;
	for (i = 0; i < f->n; i++) {
		if (f->entries[i]->content != NULL)
			*content = true;
		if (item_person(f, f->entries[i], &name, &mail) != SY_OK)
			return SY_ENOMEM;
		if (mail == NULL && name != NULL)
			*dc = true;
		free(mail);
	}
	return SY_OK;
}

static int
write_channel(xmlTextWriterPtr w, const struct sy_feed *f, struct sy_buf *b,
    enum sy_err *err)
{
	const struct sy_column *c = f->col;
	char date[SY_DATE_BUFSZ];
	char *mail;
	enum sy_err e2;
	size_t i;
	int rc;

	if ((rc = xmlTextWriterStartElement(w, X("channel"))) < 0)
		return rc;
	if ((rc = elem(w, "title", c->title)) < 0)
		return rc;
	if ((rc = elem(w, "link", c->link != NULL ? c->link : f->self_rss)) < 0)
		return rc;
	if ((rc = elem(w, "description",
	         c->description != NULL ? c->description : c->title)) < 0)
		return rc;
	if (f->self_rss != NULL) {
		if ((rc = xmlTextWriterStartElement(w, X("atom:link"))) < 0)
			return rc;
		if ((rc = xmlTextWriterWriteAttribute(
		         w, X("href"), X(f->self_rss))) < 0)
			return rc;
		if ((rc = xmlTextWriterWriteAttribute(w, X("rel"), X("self"))) <
		    0)
			return rc;
		if ((rc = xmlTextWriterWriteAttribute(
		         w, X("type"), X("application/rss+xml"))) < 0)
			return rc;
		if ((rc = xmlTextWriterEndElement(w)) < 0)
			return rc;
	}
	if ((rc = elem(w, "language", c->language)) < 0)
		return rc;
	if ((e2 = sy_entry_email_ascii(c->email, &mail)) != SY_OK) {
		*err = e2;
		return -1;
	}
	if (mail != NULL) {
		e2 = mailbox(b, mail, c->author);
		free(mail);
		if (e2 != SY_OK) {
			*err = e2;
			return -1;
		}
		if ((rc = elem(w, "managingEditor", b->data)) < 0)
			return rc;
	}
	if (f->n > 0) {
		sy_date_rfc822(&f->updated, date, sizeof(date));
		if ((rc = elem(w, "lastBuildDate", date)) < 0)
			return rc;
	}
	if ((rc = elem(w, "generator", f->generator)) < 0)
		return rc;
	for (i = 0; i < f->n; i++)
		if ((rc = write_item(w, f, f->entries[i], b, err)) < 0)
			return rc;
	return xmlTextWriterEndElement(w);
}

enum sy_err
sy_rss_write(const struct sy_feed *f, FILE *fp)
{
	xmlOutputBufferPtr out;
	xmlTextWriterPtr w = NULL;
	struct sy_buf b;
	enum sy_err err = SY_EXML;
	bool content, dc;

	if (!sy_feed_is_writable(f))
		return SY_EINVAL;
	sy_buf_init(&b, 0);
	if ((out = xmlOutputBufferCreateFile(fp, NULL)) == NULL) {
		err = SY_ENOMEM;
		goto out;
	}
	if ((w = xmlNewTextWriter(out)) == NULL) {
		xmlOutputBufferClose(out);
		err = SY_ENOMEM;
		goto out;
	}
	if (xmlTextWriterSetIndent(w, 1) < 0)
		goto out;
	if (xmlTextWriterSetIndentString(w, X("  ")) < 0)
		goto out;
	if (xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL) < 0)
		goto out;
	if (xmlTextWriterStartElement(w, X("rss")) < 0)
		goto out;
	if (xmlTextWriterWriteAttribute(w, X("version"), X("2.0")) < 0)
		goto out;
	if (needs(f, &content, &dc) != SY_OK) {
		err = SY_ENOMEM;
		goto out;
	}
	if (f->self_rss != NULL &&
	    xmlTextWriterWriteAttribute(w, X("xmlns:atom"), X(NS_ATOM)) < 0)
		goto out;
	if (content &&
	    xmlTextWriterWriteAttribute(w, X("xmlns:content"), X(NS_CONTENT)) <
	        0)
		goto out;
	if (dc && xmlTextWriterWriteAttribute(w, X("xmlns:dc"), X(NS_DC)) < 0)
		goto out;
	if (write_channel(w, f, &b, &err) < 0)
		goto out;
	if (xmlTextWriterEndDocument(w) < 0)
		goto out;
	if (xmlTextWriterFlush(w) < 0)
		goto out;
	err = SY_OK;
out:
	xmlFreeTextWriter(w);
	sy_buf_fini(&b);
	if ((err == SY_OK && fflush(fp) == EOF) ||
	    (err == SY_EXML && ferror(fp)))
		err = SY_EIO;
	return err;
}
