#include "lib/strmap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "t.h"

#define NKEYS 1000000

static void
test_many(void)
{
	struct sy_strmap m;
	char key[32];
	size_t i, v, bad_put = 0, bad_get = 0, bad_dup = 0;
	bool found;

	sy_strmap_init(&m);
	T_OK(!sy_strmap_get(&m, "x", &v), "an empty map has nothing");
	/* A hint only, on an empty map too (no slots: UBSan watches). */
	sy_strmap_prefetch(&m, "e0000000");
	for (i = 0; i < NKEYS; i++) {
		snprintf(key, sizeof(key), "e%07zu", i);
		sy_strmap_prefetch(&m, key);
		if (sy_strmap_put(&m, key, i, &found, NULL) != SY_OK || found)
			bad_put++;
	}
	T_INTEQ(bad_put, 0, "%d distinct keys inserted, none found", NKEYS);
	T_INTEQ(m.n, NKEYS, "the map counts them");
	for (i = 0; i < NKEYS; i++) {
		snprintf(key, sizeof(key), "e%07zu", i);
		if (!sy_strmap_get(&m, key, &v) || v != i)
			bad_get++;
	}
	T_INTEQ(bad_get, 0, "every key gets its value");
	for (i = 0; i < NKEYS; i += 7) {
		snprintf(key, sizeof(key), "e%07zu", i);
		v = 0;
		if (sy_strmap_put(&m, key, i + 1, &found, &v) != SY_OK ||
		    !found || v != i)
			bad_dup++;
	}
	T_INTEQ(bad_dup, 0, "duplicates are found with the first value");
	T_INTEQ(m.n, NKEYS, "duplicates add nothing");
	T_OK(!sy_strmap_get(&m, "e1000000", NULL) &&
	        !sy_strmap_get(&m, "e000000", NULL) &&
	        !sy_strmap_get(&m, "e00000000", NULL) &&
	        !sy_strmap_get(&m, "E0000000", NULL),
	    "near misses are absent");
	T_OK(sy_strmap_put(&m, "e0000001", 5, &found, NULL) == SY_OK && found,
	    "found without old");
	sy_strmap_fini(&m);
	T_INTEQ(m.n, 0, "fini empties the map");
	sy_strmap_fini(&m);
	sy_strmap_fini(NULL);
}

/* Keys sharing prefixes, prefixes of each other, and the empty key. */
static void
test_prefixes(void)
{
	struct sy_strmap m;
	char key[300];
	size_t i, n, v, bad = 0;
	bool found;

	sy_strmap_init(&m);
	T_OK(sy_strmap_put(&m, "", 42, &found, NULL) == SY_OK && !found,
	    "the empty key is a key");
	T_OK(sy_strmap_get(&m, "", &v) && v == 42, "and is found");
	/* "a", "aa", ... 255 a's: every one a prefix of the next. */
	for (n = 1; n < 256; n++) {
		memset(key, 'a', n);
		key[n] = '\0';
		if (sy_strmap_put(&m, key, n, &found, NULL) != SY_OK || found)
			bad++;
	}
	/* A long shared prefix, the difference in the last byte. */
	memset(key, 'p', 200);
	for (i = 0; i < 256; i++) {
		key[200] = (char)(i == 0 ? 1 : i);
		key[201] = '\0';
		if (i > 0 &&
		    (sy_strmap_put(&m, key, 1000 + i, &found, NULL) != SY_OK ||
		        found))
			bad++;
	}
	T_INTEQ(bad, 0, "prefix keys are distinct");
	for (n = 1; n < 256; n++) {
		memset(key, 'a', n);
		key[n] = '\0';
		if (!sy_strmap_get(&m, key, &v) || v != n)
			bad++;
	}
	memset(key, 'p', 200);
	for (i = 1; i < 256; i++) {
		key[200] = (char)i;
		key[201] = '\0';
		if (!sy_strmap_get(&m, key, &v) || v != 1000 + i)
			bad++;
	}
	key[200] = '\0';
	T_OK(!sy_strmap_get(&m, key, NULL), "the bare prefix is absent");
	T_INTEQ(bad, 0, "prefix keys get their values");
	T_OK(sy_strmap_get(&m, "", &v) && v == 42,
	    "the empty key kept its value");
	T_INTEQ(m.n, 1 + 255 + 255, "all counted");
	sy_strmap_fini(&m);
}

/* Keys around and over the arena's chunk size, mixed with short ones. */
static void
test_long(void)
{
	static const size_t lens[] = {
	    16383, 16384, 65535, 65536, 65537, 200000, 1, 70000};
	struct sy_strmap m;
	char *k;
	size_t i, v, bad = 0, max = 200001;
	bool found;
	char small[16];

	k = malloc(max);
	if (!T_OK(k != NULL, "memory for long keys"))
		return;
	sy_strmap_init(&m);
	for (i = 0; i < SY_NELEM(lens); i++) {
		memset(k, 'x', lens[i]);
		k[lens[i] - 1] = (char)('a' + i);
		k[lens[i]] = '\0';
		if (sy_strmap_put(&m, k, i, &found, NULL) != SY_OK || found)
			bad++;
		snprintf(small, sizeof(small), "s%zu", i);
		if (sy_strmap_put(&m, small, 100 + i, &found, NULL) != SY_OK ||
		    found)
			bad++;
	}
	T_INTEQ(bad, 0, "long keys inserted");
	for (i = 0; i < SY_NELEM(lens); i++) {
		memset(k, 'x', lens[i]);
		k[lens[i] - 1] = (char)('a' + i);
		k[lens[i]] = '\0';
		if (!sy_strmap_get(&m, k, &v) || v != i)
			bad++;
		if (sy_strmap_put(&m, k, 99, &found, &v) != SY_OK || !found ||
		    v != i)
			bad++;
		k[lens[i] - 1] = 'x';
		if (sy_strmap_get(&m, k, NULL))
			bad++;
		snprintf(small, sizeof(small), "s%zu", i);
		if (!sy_strmap_get(&m, small, &v) || v != 100 + i)
			bad++;
	}
	T_INTEQ(bad, 0, "long keys found, near misses not");
	sy_strmap_fini(&m);
	free(k);
}

/*
 * sy_strmap_reserve: room made once, so that the keys reserved for go in
 * without the slots moving, and they are all found; a map that already
 * has room is left as it is.
 */
static void
test_reserve(void)
{
	struct sy_strmap a;
	char key[32];
	size_t i, cap, va = 0, moved = 0, lost = 0;
	bool found;

	sy_strmap_init(&a);
	T_OK(sy_strmap_reserve(&a, 100000) == SY_OK && a.cap >= 100000 * 4 / 3,
	    "reserve: room for 100,000 keys below 3/4 full (%zu slots)", a.cap);
	cap = a.cap;
	for (i = 0; i < 100000; i++) {
		const void *slots = a.slots;

		snprintf(key, sizeof(key), "a%06zu", i);
		if (sy_strmap_put(&a, key, i, &found, NULL) != SY_OK)
			abort();
		moved += a.slots != slots;
	}
	T_INTEQ(moved, 0, "reserve: 100,000 puts move no slot");
	T_OK(a.first > 0 && a.chunk == a.first,
	    "reserve: their keys fit in the first chunk, sized at once (%zu "
	    "bytes)",
	    a.chunk);
	T_INTEQ(a.cap, cap, "reserve: the size stays");
	T_OK(sy_strmap_reserve(&a, 10) == SY_OK && a.cap == cap,
	    "reserve: less than held changes nothing");
	for (i = 0; i < 100000; i++) {
		snprintf(key, sizeof(key), "a%06zu", i);
		lost += !sy_strmap_get(&a, key, &va) || va != i;
	}
	T_INTEQ(lost, 0, "reserve: every key found with its value");
	sy_strmap_fini(&a);
}

int
main(void)
{
	test_many();
	test_prefixes();
	test_long();
	test_reserve();
	return t_done();
}
