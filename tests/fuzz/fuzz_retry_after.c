/*
 * fuzz_retry_after.c: sy_retry_after_parse (an HTTP Retry-After value,
 * delta-seconds or an HTTP-date) at a few instants, with the contract:
 * 0 and a delay >= 0, or -1.
 */
#include "lib/linkcheck.h"

#include "tests/fuzz/fuzz.h"

static const time_t nows[] = {
    0, FZ_NOW, (time_t)INT32_MAX + 1 /* 2038 */
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fz_str(data, size);
	size_t i;

	for (i = 0; i < sizeof(nows) / sizeof(nows[0]); i++) {
		long d = -12345;
		int rc = sy_retry_after_parse(s, nows[i], &d);

		FZ_ASSERT(rc == 0 || rc == -1);
		if (rc == 0)
			FZ_ASSERT(d >= 0);
	}
	free(s);
	return 0;
}
