/* fuzz_html.c: sy_html_links and sy_html_absolutize on any bytes. */
#include "lib/html.h"

#include "tests/fuzz/fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sy_links l;
	char *out = NULL;
	size_t i;

	sy_links_init(&l);
	if (sy_html_links((const char *)data, size, &l) == SY_OK) {
		for (i = 0; i < l.n; i++) {
			FZ_ASSERT(l.v[i].url != NULL && l.v[i].line >= 1);
			FZ_ASSERT(l.v[i].tag != NULL && l.v[i].attr != NULL);
			(void)strlen(l.v[i].url);
		}
	}
	sy_links_fini(&l);
	if (sy_html_absolutize((const char *)data, size,
	        "https://example.org/a/b/", &out) == SY_OK)
		FZ_ASSERT(out != NULL);
	free(out);
	return 0;
}
