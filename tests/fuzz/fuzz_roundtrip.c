/*
 * fuzz_roundtrip.c: a manifest that loads without error must give feeds
 * that sy_feedread_lint (the compiled-in schema, link checks on) finds
 * free of errors, in all three formats, and that libxml2 and jansson read
 * back to exactly the entry values written (id, title, link, guid,
 * summary, content, categories).  Otherwise: abort.
 */
#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "lib/feedread.h"
#include "lib/schema.h"
#include "tests/fuzz/manifest.h"

static void
differ(const char *what, size_t i, const char *got, const char *want,
    const struct fz_out *w, int k)
{
	fprintf(stderr, "round trip: %s, entry %zu, differs", what, i);
	fprintf(stderr, "\n  got:  %s\n  want: %s\n--- %.*s\n---\n",
	    got != NULL ? got : "(none)", want != NULL ? want : "(none)",
	    (int)w->len[k], w->buf[k]);
	abort();
}

static void
same(const char *got, const char *want, const char *what, size_t i,
    const struct fz_out *w, int k)
{
	if ((got == NULL) != (want == NULL) ||
	    (got != NULL && strcmp(got, want) != 0))
		differ(what, i, got, want, w, k);
}

/* The first child element of n named name (ns prefix ignored), or NULL. */
static xmlNodePtr
child(xmlNodePtr n, const char *name)
{
	for (n = n != NULL ? n->children : NULL; n != NULL; n = n->next)
		if (n->type == XML_ELEMENT_NODE &&
		    strcmp((const char *)n->name, name) == 0)
			return n;
	return NULL;
}

/* Its text, compared; NULL want: the element must be absent. */
static void
same_text(xmlNodePtr n, const char *name, const char *want, const char *what,
    size_t i, const struct fz_out *w, int k)
{
	xmlNodePtr c = child(n, name);
	xmlChar *t = c != NULL ? xmlNodeGetContent(c) : NULL;

	same((const char *)t, want, what, i, w, k);
	xmlFree(t);
}

/* The categories: element text (RSS) or attribute term (Atom). */
static void
same_cats(xmlNodePtr n, const struct sy_entry *e, const char *attr, size_t i,
    const struct fz_out *w, int k)
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
		same((const char *)t,
		    j < e->ncategories ? e->categories[j] : NULL, "category", i,
		    w, k);
		xmlFree(t);
		j++;
	}
	if (j != e->ncategories)
		differ("categories", i, NULL, NULL, w, k);
}

static void
readback_xml(const struct sy_feed *f, const struct fz_out *w, int k)
{
	xmlDocPtr d = xmlReadMemory(w->buf[k], (int)w->len[k], NULL, "UTF-8",
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	xmlNodePtr n;
	size_t i = 0;
	const char *item = k == 0 ? "item" : "entry";

	if (d == NULL)
		differ("feed", 0, NULL, NULL, w, k);
	n = xmlDocGetRootElement(d);
	if (k == 0)
		n = child(n, "channel");
	for (n = n != NULL ? n->children : NULL; n != NULL; n = n->next) {
		const struct sy_entry *e;

		if (n->type != XML_ELEMENT_NODE ||
		    strcmp((const char *)n->name, item) != 0)
			continue;
		if (i >= f->n)
			differ(item, i, NULL, NULL, w, k);
		e = f->entries[i];
		same_text(n, "title", e->title, "title", i, w, k);
		if (k == 0) {
			same_text(n, "link", e->link, "link", i, w, k);
			same_text(n, "guid", e->guid, "guid", i, w, k);
			same_text(n, "encoded", e->content, "content", i, w, k);
			same_cats(n, e, NULL, i, w, k);
		} else {
			xmlNodePtr l = child(n, "link");
			xmlChar *href =
			    l != NULL ? xmlGetProp(l, BAD_CAST "href") : NULL;

			same((const char *)href, e->link, "link", i, w, k);
			xmlFree(href);
			same_text(n, "id", e->uri_id, "id", i, w, k);
			same_text(n, "content", e->content, "content", i, w, k);
			if (e->summary != NULL)
				same_text(n, "summary", e->summary, "summary",
				    i, w, k);
			same_cats(n, e, "term", i, w, k);
		}
		i++;
	}
	if (i != f->n)
		differ(item, i, NULL, NULL, w, k);
	xmlFreeDoc(d);
}

static const char *
jstr(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static void
readback_json(const struct sy_feed *f, const struct fz_out *w)
{
	json_error_t jerr;
	json_t *root = json_loadb(w->buf[2], w->len[2], 0, &jerr), *items, *it;
	size_t i, j;

	if (root == NULL)
		differ(jerr.text, (size_t)jerr.line, NULL, NULL, w, 2);
	items = json_object_get(root, "items");
	if (json_array_size(items) != f->n)
		differ("feed.json", json_array_size(items), NULL, NULL, w, 2);
	for (i = 0; i < f->n; i++) {
		const struct sy_entry *e = f->entries[i];
		json_t *tags;

		it = json_array_get(items, i);
		same(jstr(it, "id"), e->uri_id, "id", i, w, 2);
		same(jstr(it, "url"), e->link, "url", i, w, 2);
		same(jstr(it, "title"), e->title, "title", i, w, 2);
		same(jstr(it, "content_html"), e->content, "content", i, w, 2);
		same(jstr(it, "summary"), e->summary, "summary", i, w, 2);
		tags = json_object_get(it, "tags");
		if (json_array_size(tags) != e->ncategories)
			differ("tags", i, NULL, NULL, w, 2);
		for (j = 0; j < e->ncategories; j++)
			same(json_string_value(json_array_get(tags, j)),
			    e->categories[j], "tag", i, w, 2);
	}
	json_decref(root);
}

static void
lint_feed(const struct sy_feed *f, const struct fz_out *w)
{
	static const char *const names[3] = {
	    "rss.xml", "atom.xml", "feed.json"};
	struct sy_feedread_opts o;
	size_t i;

	readback_xml(f, w, 0);
	readback_xml(f, w, 1);
	readback_json(f, w);
	memset(&o, 0, sizeof(o));
	o.schema_mem = sy_atom_rng;
	o.schema_len = sy_atom_rng_len;
	o.check_links = true;
	o.now = FZ_NOW;
	for (i = 0; i < 3; i++) {
		struct sy_diags d;
		enum sy_err e;

		sy_diags_init(&d);
		e = sy_feedread_lint(names[i], w->buf[i], w->len[i], &o, &d);
		if (e != SY_OK || d.count[SY_ERROR] > 0) {
			fprintf(stderr, "round trip: %s: %s, %zu errors\n",
			    names[i], sy_strerror(e), d.count[SY_ERROR]);
			fz_print_diags(&d);
			fprintf(stderr, "--- %s\n%.*s\n---\n", names[i],
			    (int)w->len[i], w->buf[i]);
			abort();
		}
		sy_diags_fini(&d);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_manifest_run(data, size, lint_feed);
	return 0;
}
