/*
 * roundtrip.h: feeds read back by libxml2 and jansson and compared with
 * the entries they were written from (id, title, link, guid, summary,
 * content, categories).  Shared by tests/fuzz/fuzz_roundtrip.c (random
 * manifests, in memory) and bench/readback.c (the bench's feeds, on
 * disk).  Header-only: each includer gets its own static copy.
 *
 * A difference goes to rt->report (which may abort) and is counted.
 */
#ifndef SY_TESTS_ROUNDTRIP_H
#define SY_TESTS_ROUNDTRIP_H

#include <stdio.h>
#include <string.h>

#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "lib/entry.h"

struct rt {
	const char *name; /* the file, for messages */
	const char *buf;  /* its bytes */
	size_t len;
	size_t diffs;
	void (*report)(const struct rt *rt, const char *what, size_t i,
	    const char *got, const char *want);
};

static void
rt_differ(struct rt *rt, const char *what, size_t i, const char *got,
    const char *want)
{
	rt->diffs++;
	rt->report(rt, what, i, got, want);
}

static void
rt_same(struct rt *rt, const char *got, const char *want, const char *what,
    size_t i)
{
	if ((got == NULL) != (want == NULL) ||
	    (got != NULL && strcmp(got, want) != 0))
		rt_differ(rt, what, i, got, want);
}

/* The first child element of n named name (ns prefix ignored), or NULL. */
static xmlNodePtr
rt_child(xmlNodePtr n, const char *name)
{
	for (n = n != NULL ? n->children : NULL; n != NULL; n = n->next)
		if (n->type == XML_ELEMENT_NODE &&
		    strcmp((const char *)n->name, name) == 0)
			return n;
	return NULL;
}

/* Its text, compared; NULL want: the element must be absent. */
static void
rt_same_text(struct rt *rt, xmlNodePtr n, const char *name, const char *want,
    const char *what, size_t i)
{
	xmlNodePtr c = rt_child(n, name);
	xmlChar *t = c != NULL ? xmlNodeGetContent(c) : NULL;

	rt_same(rt, (const char *)t, want, what, i);
	xmlFree(t);
}

/* The categories: element text (RSS) or attribute term (Atom). */
static void
rt_same_cats(struct rt *rt, xmlNodePtr n, const struct sy_entry *e,
    const char *attr, size_t i)
{
	xmlNodePtr c;
	size_t j = 0;
	xmlChar *t;

	for (c = n->children; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE ||
		    strcmp((const char *)c->name, "category") != 0)
			continue;
		t = attr != NULL ? xmlGetProp(c, BAD_CAST attr)
		                 : xmlNodeGetContent(c);
		rt_same(rt, (const char *)t,
		    j < e->ncategories ? e->categories[j] : NULL, "category",
		    i);
		xmlFree(t);
		j++;
	}
	if (j != e->ncategories)
		rt_differ(rt, "categories", i, NULL, NULL);
}

/*
 * Entries [from, to) of f against the RSS (atom false) or Atom document's
 * items; *next is where the walk over the document's items stands (NULL
 * the first time).
 */
static void
rt_xml_entries(struct rt *rt, const struct sy_feed *f, bool atom,
    xmlNodePtr *next, size_t from, size_t to)
{
	const char *item = atom ? "entry" : "item";
	xmlNodePtr n = *next;
	size_t i = from;

	for (; n != NULL && i < to; n = n->next) {
		const struct sy_entry *e = f->entries[i];

		if (n->type != XML_ELEMENT_NODE ||
		    strcmp((const char *)n->name, item) != 0)
			continue;
		rt_same_text(rt, n, "title", e->title, "title", i);
		if (!atom) {
			rt_same_text(rt, n, "link", e->link, "link", i);
			rt_same_text(rt, n, "guid", e->guid, "guid", i);
			rt_same_text(
			    rt, n, "encoded", e->content, "content", i);
			rt_same_cats(rt, n, e, NULL, i);
		} else {
			xmlNodePtr l = rt_child(n, "link");
			xmlChar *href =
			    l != NULL ? xmlGetProp(l, BAD_CAST "href") : NULL;

			rt_same(rt, (const char *)href, e->link, "link", i);
			xmlFree(href);
			rt_same_text(rt, n, "id", e->uri_id, "id", i);
			rt_same_text(
			    rt, n, "content", e->content, "content", i);
			if (e->summary != NULL)
				rt_same_text(
				    rt, n, "summary", e->summary, "summary", i);
			rt_same_cats(rt, n, e, "term", i);
		}
		i++;
	}
	if (i != to)
		rt_differ(rt, "missing entries", i, NULL, NULL);
	*next = n;
}

/* The first item (RSS) or entry (Atom) of the document, or NULL. */
static xmlNodePtr
rt_xml_first(xmlDocPtr d, bool atom)
{
	xmlNodePtr n = xmlDocGetRootElement(d);

	if (!atom)
		n = rt_child(n, "channel");
	return n != NULL ? n->children : NULL;
}

/* True when nothing is left of the document's items after *next. */
static bool
rt_xml_done(xmlNodePtr n, bool atom)
{
	for (; n != NULL; n = n->next)
		if (n->type == XML_ELEMENT_NODE &&
		    strcmp((const char *)n->name, atom ? "entry" : "item") == 0)
			return false;
	return true;
}

static const char *
rt_jstr(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* Entries [from, to) of f against the JSON Feed's items (an array). */
static void
rt_json_entries(struct rt *rt, const struct sy_feed *f, json_t *items,
    size_t from, size_t to)
{
	size_t i, j;

	for (i = from; i < to; i++) {
		const struct sy_entry *e = f->entries[i];
		json_t *it = json_array_get(items, i), *tags;

		rt_same(rt, rt_jstr(it, "id"), e->uri_id, "id", i);
		rt_same(rt, rt_jstr(it, "url"), e->link, "url", i);
		rt_same(rt, rt_jstr(it, "title"), e->title, "title", i);
		rt_same(
		    rt, rt_jstr(it, "content_html"), e->content, "content", i);
		rt_same(rt, rt_jstr(it, "summary"), e->summary, "summary", i);
		tags = json_object_get(it, "tags");
		if (json_array_size(tags) != e->ncategories)
			rt_differ(rt, "tags", i, NULL, NULL);
		for (j = 0; j < e->ncategories; j++)
			rt_same(rt, json_string_value(json_array_get(tags, j)),
			    e->categories[j], "tag", i);
	}
}

#endif
