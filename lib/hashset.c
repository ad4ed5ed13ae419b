/*
 * hashset.c: open addressing with linear probing over the hashes
 * themselves; 0 marks an empty slot, so a hash of 0 is kept as 1 (the
 * two then look alike, which a hash set may say: see hashset.h).  The
 * slots grow at 3/4 full, in whole huge pages from 2 MiB on
 * (sy_huge_alloc).
 */
#include <stdlib.h>
#include <string.h>

#include "hashset.h"
#include "util.h"

#define OVERLAP_AHEAD 64 /* slots prefetched ahead in sy_hashset_overlap */
#define HUGE_SLOTS ((2u << 20) / sizeof(uint64_t)) /* in a huge page */

static uint64_t
mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

uint64_t
sy_hash_bytes(const char *s, size_t n)
{
	const uint64_t k = 0x9e3779b97f4a7c15ULL;
	uint64_t h = k ^ ((uint64_t)n * 0x100000001b3ULL), w;
	size_t i;

	for (i = 0; i + 8 <= n; i += 8) {
		memcpy(&w, s + i, 8);
		h = (h ^ w) * k;
		h ^= h >> 29;
	}
	if (i < n) {
		w = 0;
		memcpy(&w, s + i, n - i);
		h = (h ^ w) * k;
	}
	return mix(h);
}

void
sy_hashset_init(struct sy_hashset *s)
{
	memset(s, 0, sizeof(*s));
}

void
sy_hashset_fini(struct sy_hashset *s)
{
	if (s == NULL)
		return;
	free(s->v);
	memset(s, 0, sizeof(*s));
}

static uint64_t
stored(uint64_t h)
{
	return h != 0 ? h : 1;
}

/* The slot of h in v (cap slots): h's, or the empty one it would take. */
static size_t
slot(const uint64_t *v, size_t cap, uint64_t h)
{
	size_t i = (size_t)h & (cap - 1);

	while (v[i] != 0 && v[i] != h)
		i = (i + 1) & (cap - 1);
	return i;
}

/* Moves the hashes to cap slots (a power of two, above the number held). */
static enum sy_err
rehash(struct sy_hashset *s, size_t cap)
{
	uint64_t *v;
	size_t i;

	/* From 256 KiB, a whole huge page: one fault, not 64 to 512. */
	if (cap >= HUGE_SLOTS / 8 && cap < HUGE_SLOTS)
		cap = HUGE_SLOTS;
	if (cap > SIZE_MAX / sizeof(*v) ||
	    (v = sy_huge_alloc(cap * sizeof(*v))) == NULL)
		return SY_ENOMEM;
	memset(v, 0, cap * sizeof(*v));
	for (i = 0; i < s->cap; i++)
		if (s->v[i] != 0)
			v[slot(v, cap, s->v[i])] = s->v[i];
	free(s->v);
	s->v = v;
	s->cap = cap;
	return SY_OK;
}

enum sy_err
sy_hashset_reserve(struct sy_hashset *s, size_t n)
{
	size_t cap = 64;

	while (cap < SIZE_MAX / 8 && cap * 3 < (n + 1) * 4)
		cap *= 2;
	return cap > s->cap ? rehash(s, cap) : SY_OK;
}

enum sy_err
sy_hashset_add(struct sy_hashset *s, uint64_t h, bool *found)
{
	size_t i;

	*found = false;
	if ((s->n + 1) * 4 > s->cap * 3 &&
	    rehash(s, s->cap ? s->cap * 2 : 64) != SY_OK)
		return SY_ENOMEM;
	h = stored(h);
	i = slot(s->v, s->cap, h);
	if (s->v[i] != 0) {
		*found = true;
		return SY_OK;
	}
	s->v[i] = h;
	s->n++;
	return SY_OK;
}

void
sy_hashset_prefetch(const struct sy_hashset *s, uint64_t h)
{
	if (s->cap > 0)
		__builtin_prefetch(&s->v[stored(h) & (s->cap - 1)]);
}

bool
sy_hashset_overlap(const struct sy_hashset *a, const struct sy_hashset *b)
{
	size_t i;

	if (a->n == 0 || b->n == 0)
		return false;
	for (i = 0; i < b->cap; i++) {
		/* a's slots are fetched OVERLAP_AHEAD slots ahead of need. */
		if (i + OVERLAP_AHEAD < b->cap && b->v[i + OVERLAP_AHEAD] != 0)
			__builtin_prefetch(
			    &a->v[b->v[i + OVERLAP_AHEAD] & (a->cap - 1)]);
		if (b->v[i] != 0 && a->v[slot(a->v, a->cap, b->v[i])] != 0)
			return true;
	}
	return false;
}
