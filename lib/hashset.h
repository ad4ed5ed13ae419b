/*
 * hashset: the 64-bit hashes of strings seen, 8 bytes a string and no
 * copy of it, for a reader that only needs to know that no string came
 * twice, and can afford to check the exact way when one seems to: two
 * strings with the same hash look like a repeat (with a million strings,
 * about one chance in 37 million that some pair of them does).  The
 * manifest's split reading keeps ids, links and guids so (manifest.c): a
 * repeat, real or not, sends it back to one reading with exact maps
 * (strmap.h).
 */
#ifndef SY_HASHSET_H
#define SY_HASHSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "syndic.h"

struct sy_hashset {
	uint64_t *v; /* 0: empty */
	size_t cap;  /* a power of two, or 0 */
	size_t n;
};

/* The hash of s[0..n), the one strmap.h uses too (no seed). */
uint64_t sy_hash_bytes(const char *s, size_t n);

void sy_hashset_init(struct sy_hashset *s);
void sy_hashset_fini(struct sy_hashset *s);

/* Room for n hashes at once, so that adding them moves nothing. */
enum sy_err sy_hashset_reserve(struct sy_hashset *s, size_t n);

/* Adds h; *found is true when h was there already (h is not added). */
enum sy_err sy_hashset_add(struct sy_hashset *s, uint64_t h, bool *found);

/* Starts fetching the slot of h (a hint, for an add a little later). */
void sy_hashset_prefetch(const struct sy_hashset *s, uint64_t h);

/* True when some hash is in both a and b. */
bool sy_hashset_overlap(const struct sy_hashset *a, const struct sy_hashset *b);

#endif
