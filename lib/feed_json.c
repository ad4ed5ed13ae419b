/*
 * feed_json: JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/), the
 * bytes written by hand into a sy_out in the layout jansson's json_dumpf
 * gave it (JSON_PRESERVE_ORDER | JSON_INDENT(2): keys in a fixed order,
 * two-space indent, ": " after a key, UTF-8 written as is), item after
 * item as each is written.
 *
 * JSON Feed wants content_html or content_text in every item: an entry
 * without content gets content_text from its summary, else its title.
 * An author's e-mail becomes a mailto: URL, the only place JSON Feed
 * has for it.
 *
 * Strings are escaped as jansson does, and U+2028 and U+2029 as \u2028
 * and \u2029 (see out.h); feedwrite_test reads every file back with
 * jansson.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "date.h"
#include "entry.h"
#include "feedwrite.h"
#include "out.h"
#include "util.h"

#define JSONFEED_VERSION "https://jsonfeed.org/version/1.1"

/*
 * An object or array being written: its depth (the indentation of its
 * members) and whether a member was written yet.
 */
struct level {
	unsigned depth;
	bool any;
};

/* Before a member: the comma after the one before, newline, indent. */
static void
next(struct sy_out *o, struct level *l)
{
	if (l->any)
		SY_OUT_LIT(o, ",\n");
	else
		SY_OUT_LIT(o, "\n");
	l->any = true;
	sy_out_indent(o, l->depth);
}

static void
key(struct sy_out *o, struct level *l, const char *k)
{
	next(o, l);
	SY_OUT_LIT(o, "\"");
	sy_out_puts(o, k);
	SY_OUT_LIT(o, "\": ");
}

static void
str(struct sy_out *o, const char *s)
{
	SY_OUT_LIT(o, "\"");
	sy_out_esc(o, s, &sy_esc_json);
	SY_OUT_LIT(o, "\"");
}

/* "key": "s"; nothing when s is NULL. */
static void
set_str(struct sy_out *o, struct level *l, const char *k, const char *s)
{
	if (s == NULL)
		return;
	key(o, l, k);
	str(o, s);
}

static void
set_date(
    struct sy_out *o, struct level *l, const char *k, const struct sy_time *tm)
{
	char date[SY_DATE_BUFSZ];

	sy_date_rfc3339(tm, date, sizeof(date));
	set_str(o, l, k, date);
}

/* The end of an object or array opened at l->depth - 1 ("{}" if empty). */
static void
end(struct sy_out *o, const struct level *l, char close)
{
	if (l->any) {
		SY_OUT_LIT(o, "\n");
		sy_out_indent(o, l->depth - 1);
	}
	sy_out_write(o, &close, 1);
}

/*
 * "mailto:" plus the address, with every byte outside RFC 3986's
 * unreserved set and "@" percent-encoded (an internationalised address
 * keeps its meaning); nothing in it needs a JSON escape.
 */
static void
mailto(struct sy_out *o, const char *email)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p, *run;
	char pct[3];

	SY_OUT_LIT(o, "\"mailto:");
	for (p = (const unsigned char *)email; *p != '\0';) {
		for (run = p; SY_ISALNUM(*p) ||
		     (*p != '\0' && strchr("-._~@", *p) != NULL);
		     p++)
			;
		sy_out_write(o, run, (size_t)(p - run));
		if (*p == '\0')
			break;
		pct[0] = '%';
		pct[1] = hex[*p >> 4];
		pct[2] = hex[*p & 15];
		sy_out_write(o, pct, 3);
		p++;
	}
	SY_OUT_LIT(o, "\"");
}

/* "authors": [{"name", "url"?}] when name or email is known. */
static void
set_authors(
    struct sy_out *o, struct level *l, const char *name, const char *email)
{
	struct level arr = {l->depth + 1, false}, a = {l->depth + 2, false};

	if (name == NULL && email == NULL)
		return;
	key(o, l, "authors");
	SY_OUT_LIT(o, "[");
	next(o, &arr);
	SY_OUT_LIT(o, "{");
	set_str(o, &a, "name", name != NULL ? name : email);
	if (email != NULL) {
		key(o, &a, "url");
		mailto(o, email);
	}
	end(o, &a, '}');
	end(o, &arr, ']');
}

static enum sy_err
json_item(struct sy_out *o, const struct sy_feed *f, size_t idx)
{
	const struct sy_entry *e = f->entries[idx];
	bool first = idx == 0;
	const struct sy_column *c = f->col;
	struct level it = {3, false}, arr = {4, false}, v = {5, false};
	size_t i;

	if (first)
		SY_OUT_LIT(o, "\n    {");
	else
		SY_OUT_LIT(o, ",\n    {");
	set_str(o, &it, "id", e->uri_id);
	set_str(o, &it, "url", e->link);
	set_str(o, &it, "title", e->title);
	if (e->content != NULL)
		set_str(o, &it, "content_html", e->content);
	else
		set_str(o, &it, "content_text",
		    e->summary != NULL ? e->summary : e->title);
	set_str(o, &it, "summary", e->summary);
	set_str(o, &it, "image", e->image);
	set_date(o, &it, "date_published", &e->published);
	if (e->has_updated)
		set_date(o, &it, "date_modified", &e->updated);
	set_authors(o, &it, e->author, e->email);
	if (e->ncategories > 0) {
		key(o, &it, "tags");
		SY_OUT_LIT(o, "[");
		for (i = 0; i < e->ncategories; i++) {
			next(o, &arr);
			str(o, e->categories[i]);
		}
		end(o, &arr, ']');
	}
	if (e->language != NULL &&
	    (c->language == NULL ||
	        sy_strcasecmp(e->language, c->language) != 0))
		set_str(o, &it, "language", e->language);
	if (e->enclosure != NULL) {
		key(o, &it, "attachments");
		SY_OUT_LIT(o, "[");
		arr.any = false;
		next(o, &arr);
		SY_OUT_LIT(o, "{");
		set_str(o, &v, "url", e->enclosure);
		set_str(o, &v, "mime_type",
		    e->enclosure_type != NULL ? e->enclosure_type
		                              : "application/octet-stream");
		if (e->enclosure_length >= 0) {
			key(o, &v, "size_in_bytes");
			sy_out_ll(o, e->enclosure_length);
		}
		end(o, &v, '}');
		end(o, &arr, ']');
	}
	end(o, &it, '}');
	return SY_OK;
}

static enum sy_err
json_begin(struct sy_out *o, const struct sy_feed *f)
{
	const struct sy_column *c = f->col;
	struct level root = {1, false};

	SY_OUT_LIT(o, "{");
	set_str(o, &root, "version", JSONFEED_VERSION);
	set_str(o, &root, "title", c->title);
	set_str(o, &root, "home_page_url", c->link);
	set_str(o, &root, "feed_url", f->self_json);
	set_str(o, &root, "description", c->description);
	set_str(o, &root, "language", c->language);
	set_authors(o, &root, c->author, c->email);
	key(o, &root, "items");
	SY_OUT_LIT(o, "[");
	return SY_OK;
}

static void
json_end(struct sy_out *o, const struct sy_feed *f)
{
	if (f->n > 0)
		SY_OUT_LIT(o, "\n  ]\n}\n");
	else
		SY_OUT_LIT(o, "]\n}\n");
}

const struct sy_writer sy_json_writer = {json_begin, json_item, json_end};

enum sy_err
sy_json_write(const struct sy_feed *f, FILE *fp)
{
	return sy_feed_write(&sy_json_writer, f, fp);
}
