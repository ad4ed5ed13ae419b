/*
 * readback: the bench's feeds read back by libxml2 and jansson and
 * compared, entry by entry, with what syndic-build wrote them from
 * (tests/roundtrip.h: id, title, link, guid, summary, content,
 * categories).  The manifest is loaded as syndic-build loads it (the
 * same library), each feed's entries read again a part at a time; each
 * file is parsed whole (libxml2's tree, jansson's values).
 * usage: readback MANIFEST COLUMNS OUTDIR
 * Prints one line per feed file and "N entries, N differences"; exits 1
 * on any difference, 2 when something cannot be read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/diag.h"
#include "lib/manifest.h"
#include "lib/util.h"
#include "tests/roundtrip.h"

#define PART 1024

static void
report(const struct rt *rt, const char *what, size_t i, const char *got,
    const char *want)
{
	if (rt->diffs <= 10)
		printf("%s: entry %zu: %s differs\n  got:  %.200s\n  want: "
		       "%.200s\n",
		    rt->name, i, what, got != NULL ? got : "(none)",
		    want != NULL ? want : "(none)");
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *b = NULL;
	long n;

	if (fp != NULL && fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) >= 0 &&
	    fseek(fp, 0, SEEK_SET) == 0 &&
	    (b = malloc((size_t)n + 1)) != NULL &&
	    fread(b, 1, (size_t)n, fp) == (size_t)n) {
		*len = (size_t)n;
	} else {
		free(b);
		b = NULL;
	}
	if (fp != NULL)
		fclose(fp);
	return b;
}

/* One feed's three files against its entries; the differences. */
static size_t
check_feed(struct sy_manifest *m, const struct sy_feed *f, const char *dir)
{
	static const char *const names[3] = {
	    "rss.xml", "atom.xml", "feed.json"};
	struct rt rt[3];
	char path[3][4096];
	xmlDocPtr doc[2] = {NULL, NULL};
	xmlNodePtr next[2] = {NULL, NULL};
	json_t *root = NULL, *items = NULL;
	json_error_t jerr;
	size_t k, from, to, diffs = 0;
	char *buf[3] = {NULL, NULL, NULL};

	for (k = 0; k < 3; k++) {
		snprintf(path[k], sizeof(path[k]), "%s%s%s/%s", dir,
		    *f->col->slug ? "/" : "", f->col->slug, names[k]);
		memset(&rt[k], 0, sizeof(rt[k]));
		rt[k].name = path[k];
		rt[k].report = report;
		if ((buf[k] = slurp(path[k], &rt[k].len)) == NULL) {
			printf("%s: cannot be read\n", path[k]);
			exit(2);
		}
		rt[k].buf = buf[k];
	}
	for (k = 0; k < 2; k++) {
		doc[k] = xmlReadMemory(buf[k], (int)rt[k].len, NULL, "UTF-8",
		    XML_PARSE_NONET | XML_PARSE_HUGE);
		if (doc[k] == NULL)
			rt_differ(&rt[k], "not well-formed", 0, NULL, NULL);
		next[k] = doc[k] != NULL ? rt_xml_first(doc[k], k == 1) : NULL;
	}
	if ((root = json_loadb(buf[2], rt[2].len, 0, &jerr)) == NULL)
		rt_differ(&rt[2], jerr.text, (size_t)jerr.line, NULL, NULL);
	items = json_object_get(root, "items");
	if (json_array_size(items) != f->n)
		rt_differ(&rt[2], "items", json_array_size(items), NULL, NULL);
	for (from = 0; from < f->n; from = to) {
		to = f->n - from > PART ? from + PART : f->n;
		if (sy_manifest_fill(m, f, from, to, NULL) != SY_OK) {
			printf("%s: cannot be read again\n", m->path);
			exit(2);
		}
		rt_xml_entries(&rt[0], f, false, &next[0], from, to);
		rt_xml_entries(&rt[1], f, true, &next[1], from, to);
		if (json_array_size(items) == f->n)
			rt_json_entries(&rt[2], f, items, from, to);
		sy_manifest_unfill(m, f, from, to);
	}
	for (k = 0; k < 3; k++) {
		if (k < 2 && !rt_xml_done(next[k], k == 1))
			rt_differ(&rt[k], "more entries than written", f->n,
			    NULL, NULL);
		printf("%s: %zu entries, %zu differences\n", path[k], f->n,
		    rt[k].diffs);
		diffs += rt[k].diffs;
		free(buf[k]);
	}
	xmlFreeDoc(doc[0]);
	xmlFreeDoc(doc[1]);
	json_decref(root);
	return diffs;
}

int
main(int argc, char **argv)
{
	struct sy_manifest_opts o;
	struct sy_manifest m;
	struct sy_feed *feeds = NULL;
	struct sy_diags d;
	size_t nfeeds = 0, i, n = 0, diffs = 0;

	if (argc != 4) {
		fprintf(stderr, "usage: readback MANIFEST COLUMNS OUTDIR\n");
		return 2;
	}
	memset(&o, 0, sizeof(o));
	o.columns_path = argv[2];
	o.build = true;
	sy_diags_init(&d);
	xmlInitParser();
	if (sy_manifest_load(argv[1], &o, &m, &d) != SY_OK ||
	    d.count[SY_ERROR] > 0 ||
	    sy_manifest_feeds(&m, &o, &feeds, &nfeeds) != SY_OK) {
		fprintf(stderr, "readback: %s cannot be loaded\n", argv[1]);
		return 2;
	}
	for (i = 0; i < nfeeds; i++) {
		diffs += check_feed(&m, &feeds[i], argv[3]);
		n += feeds[i].n;
	}
	printf("%zu entries, %zu differences\n", n, diffs);
	sy_manifest_feeds_free(feeds, nfeeds);
	sy_manifest_fini(&m);
	sy_diags_fini(&d);
	xmlCleanupParser();
	return diffs > 0 ? 1 : 0;
}
