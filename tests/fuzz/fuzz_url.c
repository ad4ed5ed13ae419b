/*
 * fuzz_url.c: sy_url_check with each flag, sy_url_to_uri, sy_url_resolve
 * (the input as the reference and as the base; with a newline, the first
 * line is the base and the rest the reference), sy_url_host, the site
 * rules and the soft-404 endpoint.
 */
#include "lib/url.h"

#include "lib/rules.h"
#include "tests/fuzz/fuzz.h"

static const unsigned flags[] = {0, SY_URL_HTTP, SY_URL_RELATIVE, SY_URL_MAILTO,
    SY_URL_ANY, SY_URL_HTTP | SY_URL_RELATIVE | SY_URL_MAILTO | SY_URL_ANY};

/* true means a problem, and then the finding says which. */
static void
check_finding(bool bad, const struct sy_finding *f)
{
	FZ_ASSERT(memchr(f->message, '\0', sizeof(f->message)) != NULL);
	if (bad)
		FZ_ASSERT(f->rule != SY_R_NONE);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fz_str(data, size);
	char *nl, *p;
	size_t i;
	struct sy_finding f;
	bool bad;

	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		memset(&f, 0, sizeof(f));
		bad = sy_url_check(s, flags[i], &f);
		check_finding(bad, &f);
	}
	free(sy_url_to_uri(s));
	free(sy_url_host(s));
	(void)sy_url_has_scheme(s, "https");
	(void)sy_url_has_scheme(s, "mailto");
	free(sy_url_resolve("https://example.org/a/b/c?q#f", s));
	free(sy_url_resolve(s, "../x/./y?z#w"));
	nl = strchr(s, '\n');
	if (nl != NULL) {
		*nl = '\0';
		free(sy_url_resolve(s, nl + 1));
		*nl = '\n';
	}
	memset(&f, 0, sizeof(f));
	bad = sy_rules_check(s, &f);
	check_finding(bad, &f);
	free(sy_rules_soft404_url(s, NULL));
	p = sy_rules_soft404_url(s, "http://127.0.0.1:9/");
	free(p);
	free(s);
	return 0;
}
