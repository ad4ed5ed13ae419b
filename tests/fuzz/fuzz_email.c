/*
 * fuzz_email.c: sy_email_check, sy_email_domain, and the mailto: checks
 * on the input as it is and behind "mailto:".
 */
#include "lib/email.h"

#include "tests/fuzz/fuzz.h"

static void
mailto(const char *url)
{
	struct sy_finding f;
	char **list = NULL;
	int n, i;

	memset(&f, 0, sizeof(f));
	if (sy_mailto_check(url, &f))
		FZ_ASSERT(f.rule != SY_R_NONE);
	FZ_ASSERT(memchr(f.message, '\0', sizeof(f.message)) != NULL);
	n = sy_mailto_addresses(url, &list);
	FZ_ASSERT(n >= -1);
	for (i = 0; i < n; i++) {
		FZ_ASSERT(list[i] != NULL);
		free(sy_email_domain(list[i]));
	}
	if (n >= 0)
		sy_email_list_free(list, n);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fz_str(data, size);
	char *m = malloc(size + sizeof("mailto:"));
	struct sy_finding f;

	if (m == NULL)
		abort();
	memcpy(m, "mailto:", 7);
	memcpy(m + 7, s, size + 1);
	memset(&f, 0, sizeof(f));
	if (sy_email_check(s, &f))
		FZ_ASSERT(f.rule != SY_R_NONE);
	FZ_ASSERT(memchr(f.message, '\0', sizeof(f.message)) != NULL);
	free(sy_email_domain(s));
	mailto(s);
	mailto(m);
	free(m);
	free(s);
	return 0;
}
