/*
 * fuzz_html.c: sy_html_links and sy_html_absolutize on any bytes, and the
 * absolutize fast path held to libxml2's output wherever it answers.  The
 * module itself is included (its fast path is static); the archive's
 * html.o is then not linked.
 */
#include "lib/html.c"

#include "tests/fuzz/fuzz.h"

#define BASE "https://example.org/a/b/?q=1#top"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct sy_links l;
	struct uparts b;
	struct sy_buf fast;
	enum sy_err fe, se;
	char *out = NULL, *slow = NULL;
	size_t i;

	sy_links_init(&l);
	if (sy_html_links(s, size, &l) == SY_OK) {
		for (i = 0; i < l.n; i++) {
			FZ_ASSERT(l.v[i].url != NULL && l.v[i].line >= 1);
			FZ_ASSERT(l.v[i].tag != NULL && l.v[i].attr != NULL);
			(void)strlen(l.v[i].url);
		}
	}
	sy_links_fini(&l);
	if (sy_html_absolutize(s, size, BASE, &out) == SY_OK)
		FZ_ASSERT(out != NULL);
	free(out);
	/* Where the fast path answers, libxml2 must say the same. */
	uri_split(BASE, &b);
	sy_buf_init(&fast, 0);
	if (fast_absolutize(s, size, &b, &fast, &fe) == FAST_DONE &&
	    fe == SY_OK) {
		se = absolutize_libxml(s, size, &b, &slow);
		FZ_ASSERT(se == SY_OK && slow != NULL);
		FZ_ASSERT(
		    strcmp(fast.data == NULL ? "" : fast.data, slow) == 0);
	}
	free(slow);
	sy_buf_fini(&fast);
	return 0;
}
