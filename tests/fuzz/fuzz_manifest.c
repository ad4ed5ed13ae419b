/* fuzz_manifest.c: manifest, columns and article in; feeds out. */
#include "tests/fuzz/manifest.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_manifest_run(data, size, NULL);
	return 0;
}
