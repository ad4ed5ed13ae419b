/*
 * feed_json: JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/)
 * through jansson, keys in a fixed order, two-space indent, UTF-8 written
 * as is.
 *
 * JSON Feed wants content_html or content_text in every item: an entry
 * without content gets content_text from its summary, else its title.
 * An author's e-mail becomes a mailto: URL, the only place JSON Feed
 * has for it.
 *
 * The document is not built as one tree: the root is dumped with an empty
 * "items" array, then each item is built, dumped on its own and freed,
 * its text spliced in at the depth the whole-tree dump would have given
 * it (an item's lines indented by four more spaces: a JSON string never
 * holds a raw newline).  Memory stays at one item, and the bytes are
 * those of json_dumpf() on the whole tree (feedwrite_test checks it).
 * Strings are handed to jansson unchecked: sy_feed_is_writable() has
 * checked that every one is valid UTF-8.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "buf.h"
#include "date.h"
#include "entry.h"
#include "feedwrite.h"
#include "util.h"

#define JSONFEED_VERSION "https://jsonfeed.org/version/1.1"

#define DUMP_FLAGS (JSON_PRESERVE_ORDER | JSON_INDENT(2))
/* What an item's lines get in front: it sits at depth 2. */
#define ITEM_INDENT "    "

/*
 * Sets key (ASCII) to a copy of s (valid UTF-8); a NULL s sets nothing.
 * 0 or -1.
 */
static int
set_str(json_t *o, const char *key, const char *s)
{
	if (s == NULL)
		return 0;
	return json_object_set_new_nocheck(o, key, json_string_nocheck(s));
}

static int
set_date(json_t *o, const char *key, const struct sy_time *tm)
{
	char date[SY_DATE_BUFSZ];

	sy_date_rfc3339(tm, date, sizeof(date));
	return set_str(o, key, date);
}

/*
 * "mailto:" plus the address, with every byte outside RFC 3986's
 * unreserved set and "@" percent-encoded (an internationalised address
 * keeps its meaning).
 */
static enum sy_err
mailto(struct sy_buf *b, const char *email)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;
	enum sy_err err;
	char pct[3];

	sy_buf_reset(b);
	if ((err = sy_buf_puts(b, "mailto:")) != SY_OK)
		return err;
	for (p = (const unsigned char *)email; *p != '\0'; p++) {
		if (SY_ISALNUM(*p) || strchr("-._~@", *p) != NULL) {
			err = sy_buf_putc(b, (char)*p);
		} else {
			pct[0] = '%';
			pct[1] = hex[*p >> 4];
			pct[2] = hex[*p & 15];
			err = sy_buf_append(b, pct, 3);
		}
		if (err != SY_OK)
			return err;
	}
	return SY_OK;
}

/* Sets "authors": [{"name", "url"?}] when name or email is known. */
static enum sy_err
set_authors(json_t *o, const char *name, const char *email, struct sy_buf *b)
{
	json_t *arr, *a;
	enum sy_err err;

	if (name == NULL && email == NULL)
		return SY_OK;
	if ((a = json_object()) == NULL)
		return SY_ENOMEM;
	if (set_str(a, "name", name != NULL ? name : email) < 0)
		goto fail;
	if (email != NULL) {
		if ((err = mailto(b, email)) != SY_OK) {
			json_decref(a);
			return err;
		}
		if (set_str(a, "url", b->data) < 0)
			goto fail;
	}
	if ((arr = json_array()) == NULL)
		goto fail;
	if (json_array_append_new(arr, a) < 0) {
		json_decref(arr);
		return SY_ENOMEM;
	}
	if (json_object_set_new_nocheck(o, "authors", arr) < 0)
		return SY_ENOMEM;
	return SY_OK;
fail:
	json_decref(a);
	return SY_ENOMEM;
}

static enum sy_err
item_new(const struct sy_feed *f, const struct sy_entry *e, struct sy_buf *b,
    json_t **out)
{
	const struct sy_column *c = f->col;
	json_t *it, *arr, *v;
	enum sy_err err = SY_ENOMEM;
	size_t i;

	if ((it = json_object()) == NULL)
		return SY_ENOMEM;
	if (set_str(it, "id", e->uri_id) < 0 ||
	    set_str(it, "url", e->link) < 0 ||
	    set_str(it, "title", e->title) < 0)
		goto out;
	if (e->content != NULL) {
		if (set_str(it, "content_html", e->content) < 0)
			goto out;
	} else if (set_str(it, "content_text",
	               e->summary != NULL ? e->summary : e->title) < 0)
		goto out;
	if (set_str(it, "summary", e->summary) < 0 ||
	    set_str(it, "image", e->image) < 0 ||
	    set_date(it, "date_published", &e->published) < 0)
		goto out;
	if (e->has_updated && set_date(it, "date_modified", &e->updated) < 0)
		goto out;
	if ((err = set_authors(it, e->author, e->email, b)) != SY_OK)
		goto out;
	err = SY_ENOMEM;
	if (e->ncategories > 0) {
		if ((arr = json_array()) == NULL ||
		    json_object_set_new_nocheck(it, "tags", arr) < 0)
			goto out;
		for (i = 0; i < e->ncategories; i++)
			if (json_array_append_new(
			        arr, json_string_nocheck(e->categories[i])) < 0)
				goto out;
	}
	if (e->language != NULL &&
	    (c->language == NULL ||
	        sy_strcasecmp(e->language, c->language) != 0) &&
	    set_str(it, "language", e->language) < 0)
		goto out;
	if (e->enclosure != NULL) {
		if ((arr = json_array()) == NULL ||
		    json_object_set_new_nocheck(it, "attachments", arr) < 0)
			goto out;
		if ((v = json_object()) == NULL ||
		    json_array_append_new(arr, v) < 0)
			goto out;
		if (set_str(v, "url", e->enclosure) < 0 ||
		    set_str(v, "mime_type",
		        e->enclosure_type != NULL
		            ? e->enclosure_type
		            : "application/octet-stream") < 0)
			goto out;
		if (e->enclosure_length >= 0 &&
		    json_object_set_new_nocheck(v, "size_in_bytes",
		        json_integer(e->enclosure_length)) < 0)
			goto out;
	}
	*out = it;
	return SY_OK;
out:
	json_decref(it);
	return err;
}

/* The root with every member but the items: "items" is left empty. */
static enum sy_err
feed_new(const struct sy_feed *f, struct sy_buf *b, json_t **out)
{
	const struct sy_column *c = f->col;
	json_t *root, *items;
	enum sy_err err = SY_ENOMEM;

	if ((root = json_object()) == NULL)
		return SY_ENOMEM;
	if (set_str(root, "version", JSONFEED_VERSION) < 0 ||
	    set_str(root, "title", c->title) < 0 ||
	    set_str(root, "home_page_url", c->link) < 0 ||
	    set_str(root, "feed_url", f->self_json) < 0 ||
	    set_str(root, "description", c->description) < 0 ||
	    set_str(root, "language", c->language) < 0)
		goto out;
	if ((err = set_authors(root, c->author, c->email, b)) != SY_OK)
		goto out;
	err = SY_ENOMEM;
	if ((items = json_array()) == NULL ||
	    json_object_set_new_nocheck(root, "items", items) < 0)
		goto out;
	*out = root;
	return SY_OK;
out:
	json_decref(root);
	return err;
}

/*
 * json_dump_callback's sink: appends to a sy_buf.  jansson calls it for
 * every few bytes: when the buffer has room, copied in place.
 */
static int
to_buf(const char *p, size_t n, void *data)
{
	struct sy_buf *b = data;

	if (b->data != NULL && b->cap - b->len > n) {
		memcpy(b->data + b->len, p, n);
		b->len += n;
		b->data[b->len] = '\0';
		return 0;
	}
	return sy_buf_append(b, p, n) == SY_OK ? 0 : -1;
}

/*
 * The sink for an item: appends with ITEM_INDENT after every newline.
 * jansson sends a newline alone, before the indentation that follows it
 * (the fast path), but nothing here relies on that.
 */
static int
to_buf_indented(const char *p, size_t n, void *data)
{
	static const char nl_indent[] = "\n" ITEM_INDENT;
	struct sy_buf *b = data;
	const char *nl;

	if (n == 1 && *p == '\n')
		return to_buf(nl_indent, sizeof(nl_indent) - 1, b);
	while ((nl = memchr(p, '\n', n)) != NULL) {
		if (to_buf(p, (size_t)(nl - p), b) < 0 ||
		    to_buf(nl_indent, sizeof(nl_indent) - 1, b) < 0)
			return -1;
		n -= (size_t)(nl - p) + 1;
		p = nl + 1;
	}
	return to_buf(p, n, b);
}

static enum sy_err
put(const void *p, size_t n, FILE *fp)
{
	return n == 0 || fwrite(p, 1, n, fp) == n ? SY_OK : SY_EIO;
}

enum sy_err
sy_json_write(const struct sy_feed *f, FILE *fp)
{
	static const char empty[] = "[]\n}", end[] = "\n  ]\n}\n";
	json_t *root = NULL, *it;
	struct sy_buf b, out;
	enum sy_err err;
	size_t i, k = sizeof(empty) - 1;

	if (!sy_feed_is_writable(f))
		return SY_EINVAL;
	sy_buf_init(&b, 0);
	sy_buf_init(&out, 0);
	if ((err = feed_new(f, &b, &root)) != SY_OK)
		goto out;
	/* The root ends with the empty items: "[]", newline, "}". */
	err = SY_EJSON;
	if (json_dump_callback(root, to_buf, &out, DUMP_FLAGS) < 0)
		goto out;
	if (out.len < k || memcmp(out.data + out.len - k, empty, k) != 0)
		goto out;
	if (f->n == 0) {
		if ((err = put(out.data, out.len, fp)) != SY_OK)
			goto out;
	} else if ((err = put(out.data, out.len - (k - 1), fp)) != SY_OK)
		goto out;
	for (i = 0; i < f->n; i++) {
		if ((err = item_new(f, f->entries[i], &b, &it)) != SY_OK)
			goto out;
		sy_buf_reset(&out);
		err = sy_buf_puts(
		    &out, i == 0 ? "\n" ITEM_INDENT : ",\n" ITEM_INDENT);
		if (err == SY_OK &&
		    json_dump_callback(it, to_buf_indented, &out, DUMP_FLAGS) <
		        0)
			err = SY_EJSON;
		json_decref(it);
		if (err != SY_OK || (err = put(out.data, out.len, fp)) != SY_OK)
			goto out;
	}
	/* The array's end, the root's, and the newline json_dumpf omits. */
	if (f->n > 0)
		err = put(end, sizeof(end) - 1, fp);
	else
		err = put(end + sizeof(end) - 2, 1, fp);
	if (err == SY_OK && fflush(fp) == EOF)
		err = SY_EIO;
out:
	json_decref(root);
	sy_buf_fini(&b);
	sy_buf_fini(&out);
	return err;
}
