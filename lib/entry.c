/*
 * entry: release of the feed model, and the last check the writers make
 * on it before they write anything.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "email.h"
#include "entry.h"
#include "util.h"

void
sy_entry_drop(const struct sy_entry *e, char *p)
{
	/* (as integers: p may belong to another object) */
	if (p == NULL)
		return; /* most fields of most entries: no call to free */
	if (e->strs != NULL &&
	    (uintptr_t)p - (uintptr_t)e->strs < (uintptr_t)e->nstrs)
		return;
	free(p);
}

void
sy_entry_fini(struct sy_entry *e)
{
	size_t i;

	if (e == NULL)
		return;
	{
		/* The text fields an entry may own (sy_entry_drop). */
		char *own[] = {e->id, e->column, e->title, e->link, e->author,
		    e->email, e->language, e->summary, e->content,
		    e->content_path, e->enclosure, e->enclosure_type, e->image,
		    e->guid, e->tag_id, e->uri_id};

		for (i = 0; i < SY_NELEM(own); i++)
			sy_entry_drop(e, own[i]);
	}
	for (i = 0; i < e->ncategories; i++)
		sy_entry_drop(e, e->categories[i]);
	free(e->categories);
	free(e->strs);
	memset(e, 0, sizeof(*e));
}

void
sy_column_fini(struct sy_column *c)
{
	if (c == NULL)
		return;
	free(c->slug);
	free(c->title);
	free(c->link);
	free(c->description);
	free(c->language);
	free(c->author);
	free(c->email);
	free(c->timezone);
	free(c->base_url);
	memset(c, 0, sizeof(*c));
}

void
sy_feed_fini(struct sy_feed *f)
{
	if (f == NULL)
		return;
	free(f->entries);
	free(f->self_rss);
	free(f->self_atom);
	free(f->self_json);
	free(f->id);
	free(f->tag_host);
	memset(f, 0, sizeof(*f));
}

/* NULL is clean: absent fields are simply not written. */
static bool
str_is_clean(const char *s)
{
	size_t len;
	bool bad = false;

	if (s == NULL)
		return true;
	len = strlen(s);
	return sy_text_valid_prefix(s, len, &bad) == len && !bad;
}

static bool
entry_is_clean(const struct sy_entry *e)
{
	const char *s[] = {e->id, e->title, e->link, e->author, e->email,
	    e->language, e->summary, e->content, e->enclosure,
	    e->enclosure_type, e->image, e->guid, e->tag_id, e->uri_id};
	size_t i;

	if (e->title == NULL || e->link == NULL || e->guid == NULL ||
	    e->uri_id == NULL)
		return false;
	for (i = 0; i < SY_NELEM(s); i++)
		if (!str_is_clean(s[i]))
			return false;
	for (i = 0; i < e->ncategories; i++)
		if (!str_is_clean(e->categories[i]))
			return false;
	return true;
}

bool
sy_feed_head_is_writable(const struct sy_feed *f)
{
	const struct sy_column *c = f->col;
	size_t i;

	if (c == NULL || c->title == NULL || f->id == NULL ||
	    (f->n > 0 && f->entries == NULL))
		return false;
	{
		const char *s[] = {f->self_rss, f->self_atom, f->self_json,
		    f->id, f->generator, c->slug, c->title, c->link,
		    c->description, c->language, c->author, c->email};

		for (i = 0; i < SY_NELEM(s); i++)
			if (!str_is_clean(s[i]))
				return false;
	}
	return true;
}

bool
sy_feed_entries_are_writable(const struct sy_feed *f, size_t i, size_t j)
{
	for (; i < j; i++)
		if (f->entries[i] == NULL || f->entries[i]->partial ||
		    !entry_is_clean(f->entries[i]))
			return false;
	return true;
}

bool
sy_feed_is_writable(const struct sy_feed *f)
{
	if (f->col == NULL || f->col->title == NULL || f->id == NULL ||
	    (f->n > 0 && f->entries == NULL))
		return false;
	if (f->checked)
		return true;
	return sy_feed_head_is_writable(f) &&
	    sy_feed_entries_are_writable(f, 0, f->n);
}

static bool
is_ascii(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return false;
	return true;
}

enum sy_err
sy_entry_email_ascii_ref(const char *addr, const char **out, char **owned)
{
	enum sy_err err;

	*owned = NULL;
	if (addr != NULL && strchr(addr, '@') != NULL &&
	    is_ascii(addr, strlen(addr))) {
		*out = addr;
		return SY_OK;
	}
	err = sy_entry_email_ascii(addr, owned);
	*out = *owned;
	return err;
}

enum sy_err
sy_entry_email_ascii(const char *addr, char **out)
{
	const char *at;
	char *dom;
	size_t llen, dlen;

	*out = NULL;
	if (addr == NULL || (at = strrchr(addr, '@')) == NULL)
		return SY_OK;
	llen = (size_t)(at - addr);
	if (!is_ascii(addr, llen))
		return SY_OK;
	if (is_ascii(at + 1, strlen(at + 1))) {
		*out = sy_strdup(addr);
		return *out == NULL ? SY_ENOMEM : SY_OK;
	}
	/* The domain in IDNA form, as the address check computes it. */
	dom = sy_email_domain(addr);
	if (dom == NULL)
		return SY_OK;
	dlen = strlen(dom);
	if ((*out = malloc(llen + 1 + dlen + 1)) == NULL) {
		free(dom);
		return SY_ENOMEM;
	}
	memcpy(*out, addr, llen + 1);
	memcpy(*out + llen + 1, dom, dlen + 1);
	free(dom);
	return SY_OK;
}

bool
sy_feed_check(struct sy_feed *f)
{
	f->checked = false;
	f->checked = sy_feed_is_writable(f);
	return f->checked;
}
