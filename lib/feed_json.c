/*
 * feed_json: JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/)
 * through jansson, keys in a fixed order, two-space indent, UTF-8 written
 * as is.
 *
 * JSON Feed wants content_html or content_text in every item: an entry
 * without content gets content_text from its summary, else its title.
 * An author's e-mail becomes a mailto: URL, the only place JSON Feed
 * has for it.
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

/* Sets key to a copy of s; a NULL s sets nothing.  0 or -1. */
static int
set_str(json_t *o, const char *key, const char *s)
{
	if (s == NULL)
		return 0;
	return json_object_set_new(o, key, json_string(s));
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
	if (json_object_set_new(o, "authors", arr) < 0)
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
		    json_object_set_new(it, "tags", arr) < 0)
			goto out;
		for (i = 0; i < e->ncategories; i++)
			if (json_array_append_new(
			        arr, json_string(e->categories[i])) < 0)
				goto out;
	}
	if (e->language != NULL &&
	    (c->language == NULL ||
	        sy_strcasecmp(e->language, c->language) != 0) &&
	    set_str(it, "language", e->language) < 0)
		goto out;
	if (e->enclosure != NULL) {
		if ((arr = json_array()) == NULL ||
		    json_object_set_new(it, "attachments", arr) < 0)
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
		    json_object_set_new(v, "size_in_bytes",
		        json_integer(e->enclosure_length)) < 0)
			goto out;
	}
	*out = it;
	return SY_OK;
out:
	json_decref(it);
	return err;
}

static enum sy_err
feed_new(const struct sy_feed *f, struct sy_buf *b, json_t **out)
{
	const struct sy_column *c = f->col;
	json_t *root, *items, *it;
	enum sy_err err = SY_ENOMEM;
	size_t i;

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
	    json_object_set_new(root, "items", items) < 0)
		goto out;
	for (i = 0; i < f->n; i++) {
		if ((err = item_new(f, f->entries[i], b, &it)) != SY_OK)
			goto out;
		if (json_array_append_new(items, it) < 0) {
			err = SY_ENOMEM;
			goto out;
		}
	}
	*out = root;
	return SY_OK;
out:
	json_decref(root);
	return err;
}

enum sy_err
sy_json_write(const struct sy_feed *f, FILE *fp)
{
	json_t *root = NULL;
	struct sy_buf b;
	enum sy_err err;

	if (!sy_feed_is_writable(f))
		return SY_EINVAL;
	sy_buf_init(&b, 0);
	if ((err = feed_new(f, &b, &root)) != SY_OK)
		goto out;
	if (json_dumpf(root, fp, JSON_PRESERVE_ORDER | JSON_INDENT(2)) < 0) {
		err = ferror(fp) ? SY_EIO : SY_EJSON;
		goto out;
	}
	if (fputc('\n', fp) == EOF || fflush(fp) == EOF)
		err = SY_EIO;
out:
	json_decref(root);
	sy_buf_fini(&b);
	return err;
}
