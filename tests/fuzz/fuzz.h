/*
 * fuzz.h: what every libFuzzer target in tests/fuzz/ shares.  Each target
 * is one file, fuzz_<target>.c, built by tests/fuzz/run.sh against a
 * libsyndic compiled with -fsanitize=fuzzer-no-link,address,undefined.
 * A broken property is reported on stderr and ends in abort(), which
 * libFuzzer counts as a crash.
 */
#ifndef SY_FUZZ_H
#define SY_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "Now" for the far-future checks, fixed so runs are reproducible. */
#define FZ_NOW 1767225600 /* 2026-01-01T00:00:00Z */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* A NUL-terminated copy of the input (NUL bytes inside are kept). */
static inline char *
fz_str(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s == NULL)
		abort();
	if (size > 0)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#define FZ_ASSERT(cond)                                                        \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "%s:%d: property broken: %s\n",        \
			    __FILE__, __LINE__, #cond);                        \
			abort();                                               \
		}                                                              \
	} while (0)

#endif
