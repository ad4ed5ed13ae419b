/*
 * fuzz_feedread.c: sy_feedread_lint with the compiled-in Atom schema and
 * the link checks on, then sy_feedread_links and sy_feedread_detect.
 */
#include "lib/feedread.h"

#include "lib/schema.h"
#include "tests/fuzz/fuzz.h"

static enum sy_err
on_link(void *arg, const struct sy_feedread_link *link)
{
	size_t *n = arg;

	FZ_ASSERT(link->url != NULL && link->path != NULL);
	*n += strlen(link->url);
	return SY_OK;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sy_feedread_opts o;
	struct sy_diags d;
	size_t n = 0, i;
	enum sy_feed_kind k;

	memset(&o, 0, sizeof(o));
	o.schema_mem = sy_atom_rng;
	o.schema_len = sy_atom_rng_len;
	o.check_links = true;
	o.now = FZ_NOW;
	o.on_link = on_link;
	o.link_arg = &n;
	sy_diags_init(&d);
	(void)sy_feedread_lint("fuzz.feed", (const char *)data, size, &o, &d);
	for (i = 0; i < d.n; i++)
		FZ_ASSERT(d.v[i].message != NULL && d.v[i].path != NULL);
	sy_diags_fini(&d);
	(void)sy_feedread_links(
	    "fuzz.feed", (const char *)data, size, on_link, &n);
	k = sy_feedread_detect((const char *)data, size);
	FZ_ASSERT(k <= SY_FEED_JSON);
	(void)sy_feed_kind_name(k);
	return 0;
}
