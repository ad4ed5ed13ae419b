/*
 * fuzz_roundtrip.c: a manifest that loads without error must give feeds
 * that sy_feedread_lint (the compiled-in schema, link checks on) finds
 * free of errors, in all three formats.  Otherwise: abort.
 */
#include "lib/feedread.h"
#include "lib/schema.h"
#include "tests/fuzz/manifest.h"

static void
lint_feed(const struct sy_feed *f, const struct fz_out *w)
{
	static const char *const names[3] = {
	    "rss.xml", "atom.xml", "feed.json"};
	struct sy_feedread_opts o;
	size_t i;

	(void)f;
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
