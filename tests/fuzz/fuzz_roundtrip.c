/*
 * fuzz_roundtrip.c: a manifest that loads without error must give feeds
 * that sy_feedread_lint (the compiled-in schema, link checks on) finds
 * free of errors, in all three formats, and that libxml2 and jansson read
 * back to exactly the entry values written (id, title, link, guid,
 * summary, content, categories).  Otherwise: abort.
 */
#include "lib/feedread.h"
#include "lib/schema.h"
#include "tests/fuzz/manifest.h"
#include "tests/roundtrip.h"

static const struct fz_out *cur; /* the feeds being read back */

static void
report(const struct rt *rt, const char *what, size_t i, const char *got,
    const char *want)
{
	fprintf(stderr, "round trip: %s: %s, entry %zu, differs", rt->name,
	    what, i);
	fprintf(stderr, "\n  got:  %s\n  want: %s\n--- %.*s\n---\n",
	    got != NULL ? got : "(none)", want != NULL ? want : "(none)",
	    (int)rt->len, rt->buf);
	abort();
}

static void
readback_xml(const struct sy_feed *f, int k)
{
	struct rt rt = {k == 0 ? "rss.xml" : "atom.xml", cur->buf[k],
	    cur->len[k], 0, report};
	xmlDocPtr d = xmlReadMemory(cur->buf[k], (int)cur->len[k], NULL,
	    "UTF-8", XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	xmlNodePtr n;

	if (d == NULL)
		rt_differ(&rt, "not well-formed", 0, NULL, NULL);
	n = rt_xml_first(d, k == 1);
	rt_xml_entries(&rt, f, k == 1, &n, 0, f->n);
	if (!rt_xml_done(n, k == 1))
		rt_differ(&rt, "more entries than written", f->n, NULL, NULL);
	xmlFreeDoc(d);
}

static void
readback_json(const struct sy_feed *f)
{
	struct rt rt = {"feed.json", cur->buf[2], cur->len[2], 0, report};
	json_error_t jerr;
	json_t *root = json_loadb(cur->buf[2], cur->len[2], 0, &jerr), *items;

	if (root == NULL)
		rt_differ(&rt, jerr.text, (size_t)jerr.line, NULL, NULL);
	items = json_object_get(root, "items");
	if (json_array_size(items) != f->n)
		rt_differ(&rt, "items", json_array_size(items), NULL, NULL);
	rt_json_entries(&rt, f, items, 0, f->n);
	json_decref(root);
}

static void
lint_feed(const struct sy_feed *f, const struct fz_out *w)
{
	static const char *const names[3] = {
	    "rss.xml", "atom.xml", "feed.json"};
	struct sy_feedread_opts o;
	size_t i;

	cur = w;
	readback_xml(f, 0);
	readback_xml(f, 1);
	readback_json(f);
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
