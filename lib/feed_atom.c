/*
 * feed_atom: Atom 1.0 (RFC 4287), the bytes written by hand into a sy_out
 * (the layout libxml2's xmlTextWriter gave it, two-space indent),
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

#include "date.h"
#include "entry.h"
#include "feedwrite.h"
#include "out.h"
#include "util.h"

#define NS_ATOM "http://www.w3.org/2005/Atom"

/* <name>text</name> at depth d; nothing when text is NULL. */
static void
elem(struct sy_out *o, unsigned d, const char *name, const char *text)
{
	if (text == NULL)
		return;
	sy_out_indent(o, d);
	SY_OUT_LIT(o, "<");
	sy_out_puts(o, name);
	SY_OUT_LIT(o, ">");
	sy_out_esc(o, text, &sy_esc_xml_text);
	SY_OUT_LIT(o, "</");
	sy_out_puts(o, name);
	SY_OUT_LIT(o, ">\n");
}

static void
date_elem(
    struct sy_out *o, unsigned d, const char *name, const struct sy_time *tm)
{
	char date[SY_DATE_BUFSZ];

	sy_date_rfc3339(tm, date, sizeof(date));
	elem(o, d, name, date);
}

/* name="value" with a space before it. */
static void
attr(struct sy_out *o, const char *name, const char *value)
{
	SY_OUT_LIT(o, " ");
	sy_out_puts(o, name);
	SY_OUT_LIT(o, "=\"");
	sy_out_esc(o, value, &sy_esc_xml_attr);
	SY_OUT_LIT(o, "\"");
}

/* <link rel= href= type=? length=?/>; length < 0 leaves it out. */
static void
link_elem(struct sy_out *o, unsigned d, const char *rel, const char *href,
    const char *type, long long length)
{
	if (href == NULL)
		return;
	sy_out_indent(o, d);
	SY_OUT_LIT(o, "<link");
	attr(o, "rel", rel);
	attr(o, "href", href);
	if (type != NULL)
		attr(o, "type", type);
	if (length >= 0) {
		SY_OUT_LIT(o, " length=\"");
		sy_out_ll(o, length);
		SY_OUT_LIT(o, "\"");
	}
	SY_OUT_LIT(o, "/>\n");
}

/*
 * <author><name/><email/></author>; the name is required.  The address
 * is written in ASCII form (IDNA domain), or left out when it has none.
 */
static enum sy_err
author_elem(struct sy_out *o, unsigned d, const char *name, const char *email)
{
	const char *mail;
	char *owned;

	if (sy_entry_email_ascii_ref(email, &mail, &owned) != SY_OK)
		return SY_ENOMEM;
	sy_out_indent(o, d);
	SY_OUT_LIT(o, "<author>\n");
	elem(o, d + 1, "name", name != NULL ? name : email);
	elem(o, d + 1, "email", mail);
	sy_out_indent(o, d);
	SY_OUT_LIT(o, "</author>\n");
	free(owned);
	return SY_OK;
}

static void
text_elem(struct sy_out *o, unsigned d, const char *name, const char *type,
    const char *text)
{
	if (text == NULL)
		return;
	sy_out_indent(o, d);
	SY_OUT_LIT(o, "<");
	sy_out_puts(o, name);
	attr(o, "type", type);
	SY_OUT_LIT(o, ">");
	sy_out_esc(o, text, &sy_esc_xml_text);
	SY_OUT_LIT(o, "</");
	sy_out_puts(o, name);
	SY_OUT_LIT(o, ">\n");
}

static bool
feed_has_author(const struct sy_column *c)
{
	return c->author != NULL || c->email != NULL;
}

static enum sy_err
write_entry(struct sy_out *o, const struct sy_feed *f, const struct sy_entry *e)
{
	const struct sy_column *c = f->col;
	enum sy_err err = SY_OK;
	size_t i;

	SY_OUT_LIT(o, "  <entry");
	if (e->language != NULL &&
	    (c->language == NULL ||
	        sy_strcasecmp(e->language, c->language) != 0))
		attr(o, "xml:lang", e->language);
	SY_OUT_LIT(o, ">\n");
	elem(o, 2, "id", e->uri_id);
	text_elem(o, 2, "title", "text", e->title);
	link_elem(o, 2, "alternate", e->link, "text/html", -1);
	date_elem(o, 2, "published", &e->published);
	date_elem(
	    o, 2, "updated", e->has_updated ? &e->updated : &e->published);
	if (e->author != NULL || e->email != NULL)
		err = author_elem(o, 2, e->author, e->email);
	else if (!feed_has_author(c))
		err = author_elem(o, 2, c->title, NULL);
	if (err != SY_OK)
		return err;
	text_elem(o, 2, "summary", "text",
	    e->summary != NULL || e->content != NULL ? e->summary : e->title);
	text_elem(o, 2, "content", "html", e->content);
	for (i = 0; i < e->ncategories; i++) {
		SY_OUT_LIT(o, "    <category");
		attr(o, "term", e->categories[i]);
		SY_OUT_LIT(o, "/>\n");
	}
	/* An unknown type is named, as in RSS and JSON Feed: readers take a
	 * link without one for text/html (feedparser does). */
	link_elem(o, 2, "enclosure", e->enclosure,
	    e->enclosure_type != NULL ? e->enclosure_type
	                              : "application/octet-stream",
	    e->enclosure_length);
	SY_OUT_LIT(o, "  </entry>\n");
	return SY_OK;
}

/* "syndic 0.1.0" -> text "syndic", version="0.1.0". */
static void
generator_elem(struct sy_out *o, const char *gen)
{
	const char *sp;

	if (gen == NULL)
		return;
	SY_OUT_LIT(o, "  <generator");
	sp = strrchr(gen, ' ');
	if (sp != NULL && sp[1] != '\0') {
		attr(o, "version", sp + 1);
		SY_OUT_LIT(o, ">");
		/* The name alone: escaped from a copy without the version. */
		{
			char name[64];
			size_t n = (size_t)(sp - gen);

			if (n < sizeof(name)) {
				memcpy(name, gen, n);
				name[n] = '\0';
				sy_out_esc(o, name, &sy_esc_xml_text);
			} else {
				char *cp = sy_strndup(gen, n);

				if (cp == NULL)
					o->err = SY_ENOMEM;
				else
					sy_out_esc(o, cp, &sy_esc_xml_text);
				free(cp);
			}
		}
	} else {
		SY_OUT_LIT(o, ">");
		sy_out_esc(o, gen, &sy_esc_xml_text);
	}
	SY_OUT_LIT(o, "</generator>\n");
}

static enum sy_err
atom_begin(struct sy_out *o, const struct sy_feed *f)
{
	const struct sy_column *c = f->col;
	enum sy_err err;

	SY_OUT_LIT(o, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed");
	if (c->language != NULL)
		attr(o, "xml:lang", c->language);
	SY_OUT_LIT(o, " xmlns=\"" NS_ATOM "\">\n");
	elem(o, 1, "id", f->id);
	text_elem(o, 1, "title", "text", c->title);
	text_elem(o, 1, "subtitle", "text", c->description);
	date_elem(o, 1, "updated", &f->updated);
	link_elem(o, 1, "self", f->self_atom, "application/atom+xml", -1);
	link_elem(o, 1, "alternate", c->link, "text/html", -1);
	if (feed_has_author(c) &&
	    (err = author_elem(o, 1, c->author, c->email)) != SY_OK)
		return err;
	generator_elem(o, f->generator);
	return SY_OK;
}

static enum sy_err
atom_item(struct sy_out *o, const struct sy_feed *f, size_t i)
{
	return write_entry(o, f, f->entries[i]);
}

static void
atom_end(struct sy_out *o, const struct sy_feed *f)
{
	(void)f;
	SY_OUT_LIT(o, "</feed>\n");
}

const struct sy_writer sy_atom_writer = {atom_begin, atom_item, atom_end};

enum sy_err
sy_atom_write(const struct sy_feed *f, FILE *fp)
{
	return sy_feed_write(&sy_atom_writer, f, fp);
}
