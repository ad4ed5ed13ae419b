/*
 * feed_rss: RSS 2.0 (https://www.rssboard.org/rss-specification), the
 * bytes written by hand into a sy_out (the layout libxml2's xmlTextWriter
 * gave it, two-space indent), streamed into the caller's FILE.
 *
 * Choices, each made so that the W3C feed validator stays silent:
 * - the atom, content and dc namespaces are declared on <rss> only when
 *   the feed uses them (a self link, an entry with content, an author
 *   known by name only);
 * - <description> is required: the column's, else its title;
 * - plain text is escaped the RSS Profile's way, '&' and '<' as
 *   &#x26; and &#x3C; ('>' as &gt;, CR as &#13;: a raw CR would be read
 *   back as a newline; '"' as it is);
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

#include "date.h"
#include "entry.h"
#include "feedwrite.h"
#include "out.h"

#define NS_ATOM "http://www.w3.org/2005/Atom"
#define NS_CONTENT "http://purl.org/rss/1.0/modules/content/"
#define NS_DC "http://purl.org/dc/elements/1.1/"

/*
 * The person an item is credited to: the entry's, else the column's.
 * *mail gets the address in ASCII form or NULL (*owned, to free, when it
 * is a new string); an address without one is kept as the name when
 * there is no name.
 */
static enum sy_err
item_person(const struct sy_feed *f, const struct sy_entry *e,
    const char **name, const char **mail, char **owned)
{
	const char *email;

	if (e->author != NULL || e->email != NULL) {
		*name = e->author;
		email = e->email;
	} else {
		*name = f->col->author;
		email = f->col->email;
	}
	if (sy_entry_email_ascii_ref(email, mail, owned) != SY_OK)
		return SY_ENOMEM;
	if (*mail == NULL && *name == NULL)
		*name = email;
	return SY_OK;
}

/*
 * The two hand-made escaping styles: plain text with '&' and '<' as
 * &#x26; and &#x3C; (and '>' as &gt;, CR as &#13;), and the same
 * escaped once more for an element that RSS readers take as HTML.  '"'
 * is written as it is.
 */
static const struct sy_esc plain_esc = {
    .cls = {SY_ESC_XML_C0, SY_ESC_HIGH, ['\0'] = SY_ESC_END, ['&'] = SY_ESC_REP,
        ['<'] = SY_ESC_REP, ['>'] = SY_ESC_REP, ['\r'] = SY_ESC_REP},
    .rep = {SY_ESC_XML_C0_REP, ['&'] = "&#x26;", ['<'] = "&#x3C;",
        ['>'] = "&gt;", ['\r'] = "&#13;"},
    .len = {SY_ESC_XML_C0_LEN, ['&'] = 6, ['<'] = 6, ['>'] = 4, ['\r'] = 5},
    .xml = 1,
    .nspec = 4,
    .spec = {'&', '<', '>', '\r'},
};
static const struct sy_esc html_esc = {
    .cls = {SY_ESC_XML_C0, SY_ESC_HIGH, ['\0'] = SY_ESC_END, ['&'] = SY_ESC_REP,
        ['<'] = SY_ESC_REP, ['>'] = SY_ESC_REP, ['\r'] = SY_ESC_REP},
    .rep = {SY_ESC_XML_C0_REP, ['&'] = "&amp;amp;", ['<'] = "&amp;lt;",
        ['>'] = "&amp;gt;", ['\r'] = "&#13;"},
    .len = {SY_ESC_XML_C0_LEN, ['&'] = 9, ['<'] = 8, ['>'] = 8, ['\r'] = 5},
    .xml = 1,
    .nspec = 4,
    .spec = {'&', '<', '>', '\r'},
};

/* <name> at depth d, as "    <name>" */
static void
open_tag(struct sy_out *o, unsigned d, const char *name)
{
	sy_out_indent(o, d);
	SY_OUT_LIT(o, "<");
	sy_out_puts(o, name);
	SY_OUT_LIT(o, ">");
}

static void
close_tag(struct sy_out *o, const char *name)
{
	SY_OUT_LIT(o, "</");
	sy_out_puts(o, name);
	SY_OUT_LIT(o, ">\n");
}

/*
 * <name>text</name> on its own line; nothing when text is NULL.  ""
 * gives <name/> in the hand-made styles, as it always has here, and
 * <name></name> in libxml2's (what xmlTextWriterWriteElement wrote).
 */
static void
elem_esc(struct sy_out *o, unsigned d, const char *name, const char *text,
    const struct sy_esc *esc)
{
	if (text == NULL)
		return;
	if (*text == '\0' && esc != &sy_esc_xml_text) {
		sy_out_indent(o, d);
		SY_OUT_LIT(o, "<");
		sy_out_puts(o, name);
		SY_OUT_LIT(o, "/>\n");
		return;
	}
	open_tag(o, d, name);
	sy_out_esc(o, text, esc);
	close_tag(o, name);
}

/* Plain text, the RSS Best Practices Profile's way. */
static void
elem(struct sy_out *o, unsigned d, const char *name, const char *text)
{
	elem_esc(o, d, name, text, &plain_esc);
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

/* <name>"email (Name)"</name>, or the address alone. */
static void
mailbox(struct sy_out *o, unsigned d, const char *name, const char *email,
    const char *who)
{
	open_tag(o, d, name);
	sy_out_esc(o, email, &plain_esc);
	if (who != NULL) {
		SY_OUT_LIT(o, " (");
		sy_out_esc(o, who, &plain_esc);
		SY_OUT_LIT(o, ")");
	}
	close_tag(o, name);
}

static enum sy_err
write_item(struct sy_out *o, const struct sy_feed *f, const struct sy_entry *e)
{
	char date[SY_DATE_BUFSZ];
	const char *name, *mail;
	char *owned;
	size_t i;

	SY_OUT_LIT(o, "    <item>\n");
	elem(o, 3, "title", e->title);
	elem(o, 3, "link", e->link);
	if (e->summary != NULL)
		elem_esc(o, 3, "description", e->summary, &html_esc);
	else
		elem_esc(o, 3, "description", e->content, &sy_esc_xml_text);
	elem_esc(o, 3, "content:encoded", e->content, &sy_esc_xml_text);
	if (item_person(f, e, &name, &mail, &owned) != SY_OK)
		return SY_ENOMEM;
	if (mail != NULL)
		mailbox(o, 3, "author", mail, name);
	else
		elem(o, 3, "dc:creator", name);
	free(owned);
	for (i = 0; i < e->ncategories; i++)
		elem(o, 3, "category", e->categories[i]);
	if (e->enclosure != NULL) {
		SY_OUT_LIT(o, "      <enclosure");
		attr(o, "url", e->enclosure);
		SY_OUT_LIT(o, " length=\"");
		sy_out_ll(o, e->enclosure_length < 0 ? 0 : e->enclosure_length);
		SY_OUT_LIT(o, "\"");
		attr(o, "type",
		    e->enclosure_type != NULL ? e->enclosure_type
		                              : "application/octet-stream");
		SY_OUT_LIT(o, "/>\n");
	}
	if (e->guid_is_permalink)
		SY_OUT_LIT(o, "      <guid>");
	else
		SY_OUT_LIT(o, "      <guid isPermaLink=\"false\">");
	sy_out_esc(o, e->guid, &sy_esc_xml_text);
	SY_OUT_LIT(o, "</guid>\n");
	sy_date_rfc822(&e->published, date, sizeof(date));
	elem(o, 3, "pubDate", date);
	SY_OUT_LIT(o, "    </item>\n");
	return SY_OK;
}

/*
 * Which optional namespaces the items need; a deferred entry (not read
 * again yet) answers from its hints.
 */
static enum sy_err
needs(const struct sy_feed *f, bool *content, bool *dc)
{
	const struct sy_column *c = f->col;
	const char *name, *mail;
	char *owned;
	bool col_dc = false, col_known = false;
	size_t i;

	*content = *dc = false;
	for (i = 0; i < f->n; i++) {
		const struct sy_entry *e = f->entries[i];

		if (e->partial) {
			if (e->hint & SY_HINT_CONTENT)
				*content = true;
			if (e->hint & SY_HINT_PERSON) {
				if (!(e->hint & SY_HINT_ASCII_MAIL))
					*dc = true;
				continue;
			}
			if (!col_known) {
				/* The column's person: as item_person does. */
				if (sy_entry_email_ascii_ref(
				        c->email, &mail, &owned) != SY_OK)
					return SY_ENOMEM;
				col_dc = mail == NULL &&
				    (c->author != NULL || c->email != NULL);
				free(owned);
				col_known = true;
			}
			*dc |= col_dc;
			continue;
		}
		if (e->content != NULL)
			*content = true;
		if (item_person(f, e, &name, &mail, &owned) != SY_OK)
			return SY_ENOMEM;
		if (mail == NULL && name != NULL)
			*dc = true;
		free(owned);
	}
	return SY_OK;
}

static enum sy_err
write_channel(struct sy_out *o, const struct sy_feed *f)
{
	const struct sy_column *c = f->col;
	char date[SY_DATE_BUFSZ];
	const char *mail;
	char *owned;

	SY_OUT_LIT(o, "  <channel>\n");
	elem(o, 2, "title", c->title);
	elem(o, 2, "link", c->link != NULL ? c->link : f->self_rss);
	elem(o, 2, "description",
	    c->description != NULL ? c->description : c->title);
	if (f->self_rss != NULL) {
		SY_OUT_LIT(o, "    <atom:link");
		attr(o, "href", f->self_rss);
		SY_OUT_LIT(o, " rel=\"self\" type=\"application/rss+xml\"/>\n");
	}
	elem(o, 2, "language", c->language);
	if (sy_entry_email_ascii_ref(c->email, &mail, &owned) != SY_OK)
		return SY_ENOMEM;
	if (mail != NULL)
		mailbox(o, 2, "managingEditor", mail, c->author);
	free(owned);
	if (f->n > 0) {
		sy_date_rfc822(&f->updated, date, sizeof(date));
		elem(o, 2, "lastBuildDate", date);
	}
	elem(o, 2, "generator", f->generator);
	return SY_OK;
}

static enum sy_err
sy_rss_begin(struct sy_out *o, const struct sy_feed *f)
{
	enum sy_err err;
	bool content, dc;

	if ((err = needs(f, &content, &dc)) != SY_OK)
		return err;
	SY_OUT_LIT(o,
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<rss version=\"2.0\"");
	if (f->self_rss != NULL)
		SY_OUT_LIT(o, " xmlns:atom=\"" NS_ATOM "\"");
	if (content)
		SY_OUT_LIT(o, " xmlns:content=\"" NS_CONTENT "\"");
	if (dc)
		SY_OUT_LIT(o, " xmlns:dc=\"" NS_DC "\"");
	SY_OUT_LIT(o, ">\n");
	return write_channel(o, f);
}

static enum sy_err
sy_rss_item(struct sy_out *o, const struct sy_feed *f, size_t i)
{
	return write_item(o, f, f->entries[i]);
}

static void
sy_rss_end(struct sy_out *o, const struct sy_feed *f)
{
	(void)f;
	SY_OUT_LIT(o, "  </channel>\n</rss>\n");
}

const struct sy_writer sy_rss_writer = {sy_rss_begin, sy_rss_item, sy_rss_end};

enum sy_err
sy_rss_write(const struct sy_feed *f, FILE *fp)
{
	return sy_feed_write(&sy_rss_writer, f, fp);
}
