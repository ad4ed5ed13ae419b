/* fuzz_markdown.c: sy_markdown_render and sy_markdown_links. */
#include "lib/html.h"

#include "tests/fuzz/fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sy_links l;
	char *out = NULL;
	size_t i;

	if (sy_markdown_render((const char *)data, size, &out) == SY_OK) {
		FZ_ASSERT(out != NULL);
		(void)strlen(out);
	}
	free(out);
	sy_links_init(&l);
	if (sy_markdown_links((const char *)data, size, &l) == SY_OK) {
		for (i = 0; i < l.n; i++)
			FZ_ASSERT(l.v[i].url != NULL && l.v[i].line >= 1);
	}
	sy_links_fini(&l);
	return 0;
}
