#include "lib/hashset.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "t.h"

#define NKEYS 1000000

static uint64_t
h_of(const char *s)
{
	return sy_hash_bytes(s, strlen(s));
}

/*
 * A million distinct strings: none is taken for a repeat (the hash has
 * no collision among them), each is found when added again, and the
 * set counts them.
 */
static void
test_many(void)
{
	struct sy_hashset s;
	char key[32];
	size_t i, bad_add = 0, missed = 0;
	bool found;

	sy_hashset_init(&s);
	/* A hint only, on an empty set too (no slots: UBSan watches). */
	sy_hashset_prefetch(&s, h_of("e0000000"));
	for (i = 0; i < NKEYS; i++) {
		snprintf(key, sizeof(key), "e%07zu", i);
		sy_hashset_prefetch(&s, h_of(key));
		if (sy_hashset_add(&s, h_of(key), &found) != SY_OK || found)
			bad_add++;
	}
	T_INTEQ(bad_add, 0, "%d distinct strings added, none a repeat", NKEYS);
	T_INTEQ(s.n, NKEYS, "the set counts them");
	T_OK(s.n * 4 <= s.cap * 3, "at most 3/4 full (%zu slots)", s.cap);
	for (i = 0; i < NKEYS; i += 7) {
		snprintf(key, sizeof(key), "e%07zu", i);
		if (sy_hashset_add(&s, h_of(key), &found) != SY_OK || !found)
			missed++;
	}
	T_INTEQ(missed, 0, "each one again is a repeat");
	T_INTEQ(s.n, NKEYS, "and is not added");
	sy_hashset_fini(&s);
	T_OK(s.v == NULL && s.cap == 0 && s.n == 0, "fini leaves it empty");
}

/*
 * The hash: the length counts (a string and the same with a NUL more
 * differ), so does a byte past the first eight, and the same bytes give
 * the same hash.  0 is the empty slot's mark: a hash of 0 is kept as 1,
 * and the two look alike, as the header says.
 */
static void
test_hash(void)
{
	struct sy_hashset s;
	bool found;

	T_OK(sy_hash_bytes("ab", 2) != sy_hash_bytes("ab\0", 3),
	    "the length is in the hash");
	T_OK(sy_hash_bytes("abcdefghi", 9) != sy_hash_bytes("abcdefghj", 9),
	    "so is the ninth byte");
	T_OK(sy_hash_bytes("", 0) == sy_hash_bytes("", 0) &&
	        h_of("https://example.org/a") == h_of("https://example.org/a"),
	    "the same bytes, the same hash");
	sy_hashset_init(&s);
	T_OK(sy_hashset_add(&s, 0, &found) == SY_OK && !found && s.n == 1,
	    "a hash of 0 is added");
	T_OK(
	    sy_hashset_add(&s, 0, &found) == SY_OK && found, "and found again");
	T_OK(sy_hashset_add(&s, 1, &found) == SY_OK && found && s.n == 1,
	    "1 then looks like a repeat of it");
	T_OK(sy_hashset_add(&s, 2, &found) == SY_OK && !found && s.n == 2,
	    "2 does not");
	sy_hashset_fini(&s);
}

/*
 * sy_hashset_reserve: room made once, so that the hashes reserved for go
 * in without the slots moving; from 256 KiB of slots, a whole huge page
 * (2 MiB); a set with room already is left as it is.  sy_hashset_overlap:
 * a hash in both sets is seen either way round, even where the two sets
 * differ in size; sets with none in common, or an empty one, have none.
 */
static void
test_reserve_overlap(void)
{
	struct sy_hashset a, b;
	char key[32];
	size_t i, cap, moved = 0;
	bool found;

	sy_hashset_init(&a);
	sy_hashset_init(&b);
	T_OK(sy_hashset_reserve(&a, 100000) == SY_OK &&
	        a.cap * sizeof(*a.v) == (2u << 20),
	    "reserve: 100,000 hashes in one huge page (%zu slots)", a.cap);
	cap = a.cap;
	for (i = 0; i < 100000; i++) {
		const void *v = a.v;

		snprintf(key, sizeof(key), "a%06zu", i);
		if (sy_hashset_add(&a, h_of(key), &found) != SY_OK)
			abort();
		moved += a.v != v;
	}
	T_INTEQ(moved, 0, "reserve: 100,000 adds move no slot");
	T_OK(sy_hashset_reserve(&a, 10) == SY_OK && a.cap == cap,
	    "reserve: less than held changes nothing");
	T_OK(sy_hashset_reserve(&b, 10) == SY_OK && b.cap == 64,
	    "reserve: a few in the smallest set");
	T_OK(!sy_hashset_overlap(&a, &b) && !sy_hashset_overlap(&b, &a),
	    "overlap: none with an empty set");
	for (i = 0; i < 5000; i++) {
		snprintf(key, sizeof(key), "b%06zu", i);
		(void)sy_hashset_add(&b, h_of(key), &found);
	}
	T_OK(!sy_hashset_overlap(&a, &b) && !sy_hashset_overlap(&b, &a),
	    "overlap: none between distinct strings");
	(void)sy_hashset_add(&b, h_of("a077777"), &found);
	T_OK(sy_hashset_overlap(&a, &b) && sy_hashset_overlap(&b, &a),
	    "overlap: a string in both, either way round");
	sy_hashset_fini(&a);
	sy_hashset_fini(&b);
}

int
main(void)
{
	test_many();
	test_hash();
	test_reserve_overlap();
	return t_done();
}
