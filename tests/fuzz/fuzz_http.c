/*
 * fuzz_http.c: the link engine's header handling.  The input is a block
 * of raw header lines as libcurl hands them; Location, Content-Type and
 * Retry-After are read with sy_http_header, every Location is followed
 * with sy_redirect_target from a fixed base.  Properties: a followed
 * redirect is an http(s) URL without a fragment or control characters;
 * a refused one says why.
 */
#include "lib/linkcheck.h"

#include <stdbool.h>

#include "tests/fuzz/fuzz.h"

static const char *const names[] = {
    "location", "content-type", "retry-after", "etag"};

static void
one_line(const char *line, size_t n)
{
	size_t k, i;

	for (k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		bool ctl = false;
		char *v = sy_http_header(line, n, names[k], &ctl);
		char *next = NULL, why[512];
		long d;

		if (v == NULL)
			continue;
		if (k == 0) {
			why[0] = '\0';
			switch (
			    sy_redirect_target("https://example.org/a/b?c#d", v,
			        ctl, &next, why, sizeof(why))) {
			case SY_OK:
				FZ_ASSERT(strncmp(next, "http://", 7) == 0 ||
				    strncmp(next, "https://", 8) == 0);
				FZ_ASSERT(strchr(next, '#') == NULL);
				for (i = 0; next[i] != '\0'; i++)
					FZ_ASSERT(
					    (unsigned char)next[i] >= 0x20 &&
					    next[i] != 0x7f);
				free(next);
				break;
			case SY_EINVAL:
				FZ_ASSERT(why[0] != '\0' && next == NULL);
				break;
			default:
				break;
			}
		} else if (k == 1) {
			(void)sy_content_type_is_html(v);
		} else if (k == 2) {
			(void)sy_retry_after_parse(v, FZ_NOW, &d);
		}
		free(v);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fz_str(data, size);
	size_t at = 0;

	while (at < size) {
		const char *nl = memchr(s + at, '\n', size - at);
		size_t end = nl ? (size_t)(nl - s) + 1 : size;

		one_line(s + at, end - at);
		at = end;
	}
	free(s);
	return 0;
}
